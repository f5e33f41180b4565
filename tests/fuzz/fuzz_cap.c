/* fuzz_cap.c - the CAP checks and writer (domain/emergency/cap.c) on
 * arbitrary bytes: no check reads past its string, and an alert written
 * with the input in every text field has exactly as many '<' as the same
 * alert with plain text (every '<' of the input escaped), within the
 * buffer's maximum. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/emergency/cap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t angles(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '<';
	return n;
}

static enum fq_err write_with(const char *text, const char *polygon, struct buf *b)
{
	struct cap_alert a = {
		.identifier = "33068100000000_20261201093000_0",
		.sender = "33068100000000",
		.sent = 1796095800,
		.msg_type = "Alert",
		.category = "Met",
		.event = text,
		.severity = "Severe",
		.onset = 1796095800,
		.sender_name = text,
		.headline = text,
		.description = text,
		.instruction = text,
		.area_desc = text,
		.polygon = polygon,
		.geocode_value = "330681109",
	};
	const char *why = NULL;
	buf_init(b, CAP_XML_MAX);
	return cap_write(&a, b, &why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	const char *why = NULL;
	(void)cap_check_identifier(s, &why);
	(void)cap_check_time(s, &why);
	int poly = cap_check_polygon(s, &why);
	(void)cap_check_references(s, &why);

	struct buf plain, fuzzed;
	enum fq_err e1 = write_with("x", poly ? s : NULL, &plain);
	enum fq_err e2 = write_with(*s ? s : "x", poly ? s : NULL, &fuzzed);
	if (e1 != FQ_OK)
		__builtin_trap(); /* plain text with a checked polygon always writes */
	if (e2 == FQ_OK && angles(buf_str(&fuzzed)) != angles(buf_str(&plain)))
		__builtin_trap(); /* a '<' of the input reached the XML unescaped */
	if (fuzzed.len > CAP_XML_MAX)
		__builtin_trap();
	buf_free(&plain);
	buf_free(&fuzzed);
	free(s);
	return 0;
}
