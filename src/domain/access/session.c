/* session.c - the session lifetime rule and the weak-password rule. Pure
 * functions over their arguments: no store, no clock. */
#include "domain/access/session.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

int session_alive(int64_t created, int64_t seen, int64_t now)
{
	return now - seen <= SESSION_IDLE_S && now - created <= SESSION_MAX_S && now >= created;
}

/* Common passwords of 12 characters or more (shorter ones fail the length
 * rule anyway), from public breach-frequency lists, plus local favourites
 * (pinyin, the system's name). Compared without regard to case. */
static const char *const common[] = {
	"123456789012",     "1234567890123",   "12345678901234", "123456789123",   "1234567891011",
	"111111111111",     "000000000000",    "123123123123",   "123456123456",   "121212121212",
	"147258369147",     "159753159753",    "987654321098",   "qwertyuiop12",   "qwertyuiop123",
	"qwertyuiopas",     "qwerty123456",    "qwertyqwerty",   "1qaz2wsx3edc",   "1q2w3e4r5t6y",
	"1q2w3e4r5t6y7u",   "zaq12wsxcde3",    "qazwsxedcrfv",   "asdfghjkl123",   "asdfghjkl;'",
	"zxcvbnm12345",     "zxcvbnm123456",   "password1234",   "password12345",  "password123456",
	"passwordpassword", "password1234!",   "p@ssw0rd1234",   "p@ssword1234",   "passw0rd1234",
	"mypassword123",    "changeme1234",    "changeme12345",  "letmein12345",   "welcome12345",
	"welcome123456",    "iloveyou1234",    "iloveyou12345",  "administrator",  "admin1234567",
	"admin123456789",   "administrator1",  "adminadmin12",   "rootroot1234",   "superman1234",
	"football1234",     "baseball1234",    "princess1234",   "sunshine1234",   "trustno11234",
	"abc123456789",     "abcd12345678",    "abcdef123456",   "a123456789012",  "aa1234567890",
	"woaini1314520",    "woaini123456",    "woaini520520",   "5201314520131",  "520131452013",
	"1314520131452",    "wangyiwang123",   "zhangwei1234",   "wangfang1234",   "liuyang12345",
	"qwe123qwe123",     "asd123asd123",    "zxc123zxc123",   "q1w2e3r4t5y6",   "a1b2c3d4e5f6",
	"11223344556677",   "112233445566",    "aabbccddeeff",   "fengqiao1234",   "fengqiao2026",
	"fengqiao12345",    "fengqiaojingyan", "demo-password",  "testtesttest",   "test12345678",
	"guest1234567",     "useruseruser",    "user12345678",   "default12345",   "secret123456",
	"computer1234",     "internet1234",    "china1234567",   "zhongguo1234",   "beijing12345",
	"shanghai1234",     "hangzhou1234",    "zhejiang1234",   "88888888888888", "666666666666",
};

/* The smallest period p (1..3) such that pw is a repetition of its first p
 * characters, or 0. */
static int repeated(const char *pw, size_t n)
{
	for (size_t p = 1; p <= 3 && p < n; p++) {
		size_t i = p;
		while (i < n && pw[i] == pw[i - p])
			i++;
		if (i == n)
			return (int)p;
	}
	return 0;
}

/* A run like 0123456789 (digits wrap around), abcdef..., or descending. */
static int sequence(const char *pw, size_t n)
{
	for (int dir = -1; dir <= 1; dir += 2) {
		size_t i = 1;
		for (; i < n; i++) {
			int a = (unsigned char)pw[i - 1], b = (unsigned char)pw[i];
			int next = a + dir;
			if (a >= '0' && a <= '9')
				next = '0' + (a - '0' + 10 + dir) % 10;
			if (b != next)
				break;
		}
		if (i == n)
			return 1;
	}
	return 0;
}

int password_is_weak(const char *pw)
{
	size_t n = strlen(pw);
	if (n == 0)
		return 1;
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcasecmp(pw, common[i]) == 0)
			return 1;
	return repeated(pw, n) || sequence(pw, n);
}
