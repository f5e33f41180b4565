/* emergency_config.c - the "emergency" object of `serve --config`
 * (service/emergency.h; docs/emergency.md): report deadlines per grade,
 * the CAP sender code and name, the upstream feed. Read once before
 * serving; defaults in code. */
#include "service/emergency.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Filled with the defaults once (pthread_once: the HTTP workers read it
 * from the first request), changed only by emergency_configure before
 * serving. */
static struct em_config config;
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static void config_default(void)
{
	memset(&config, 0, sizeof config);
	em_deadlines_default(&config.deadlines);
	/* a county's emergency office: 330681 (诸暨市), agency 000, unit 000, ext 00 */
	snprintf(config.sender, sizeof config.sender, "33068100000000");
	snprintf(config.sender_name, sizeof config.sender_name, "诸暨市突发事件预警信息发布中心");
	config.feed_minutes = 10;
}

const struct em_config *emergency_config(void)
{
	pthread_once(&defaults_once, config_default);
	return &config;
}

static int minutes(const json_t *o, const char *key, int *out, const char *where, char *err,
		   size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 10080) {
		snprintf(err, errlen, "emergency.report_deadlines.%s.%s: minutes, 1 to 10080",
			 where, key);
		return 0;
	}
	*out = (int)json_integer_value(v);
	return 1;
}

enum fq_err emergency_configure(const json_t *o, char *err, size_t errlen)
{
	pthread_once(&defaults_once, config_default);
	config_default(); /* a configuration read again starts from the defaults */
	if (!o)
		return FQ_OK;
	if (!json_is_object(o)) {
		snprintf(err, errlen, "emergency: an object expected");
		return FQ_EINVAL;
	}
	static const char *const grades[5] = {"ungraded", "I", "II", "III", "IV"};
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		if (strcmp(key, "report_deadlines") == 0) {
			if (!json_is_object(v))
				goto bad;
			for (int g = 0; g < 5; g++) {
				json_t *d = json_object_get(v, grades[g]);
				if (d && !json_is_object(d))
					goto bad;
				if (d && (!minutes(d, "initial_minutes",
						   &config.deadlines.initial_minutes[g], grades[g],
						   err, errlen) ||
					  !minutes(d, "follow_up_minutes",
						   &config.deadlines.follow_up_minutes[g],
						   grades[g], err, errlen)))
					return FQ_EINVAL;
			}
		} else if (strcmp(key, "cap_sender") == 0) {
			const char *s = json_string_value(v);
			size_t n = s ? strlen(s) : 0;
			for (size_t i = 0; i < n; i++)
				if (!isdigit((unsigned char)s[i]))
					n = 0;
			if (n != CAP_SENDER_CODE_LEN) {
				snprintf(
					err, errlen,
					"emergency.cap_sender: 14 digits (GB/T 35965.1 ZZZZZZDDDUUUXX)");
				return FQ_EINVAL;
			}
			snprintf(config.sender, sizeof config.sender, "%s", s);
		} else if (strcmp(key, "cap_sender_name") == 0) {
			const char *s = json_string_value(v);
			if (!s || !*s || strlen(s) >= sizeof config.sender_name)
				goto bad;
			snprintf(config.sender_name, sizeof config.sender_name, "%s", s);
		} else if (strcmp(key, "feed_url") == 0) {
			const char *s = json_string_value(v);
			if (!s || strlen(s) >= sizeof config.feed_url ||
			    (*s && strncmp(s, "http://", 7) != 0)) {
				snprintf(err, errlen, "emergency.feed_url: an http:// URL");
				return FQ_EINVAL;
			}
			snprintf(config.feed_url, sizeof config.feed_url, "%s", s);
		} else if (strcmp(key, "feed_minutes") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > 1440)
				goto bad;
			config.feed_minutes = (int)json_integer_value(v);
		} else {
			snprintf(err, errlen, "emergency.%s: unknown key", key);
			return FQ_EINVAL;
		}
		continue;
	bad:
		snprintf(err, errlen, "emergency.%s: not a valid value", key);
		return FQ_EINVAL;
	}
	return FQ_OK;
}
