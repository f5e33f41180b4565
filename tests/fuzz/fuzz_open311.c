/* fuzz_open311.c - the Open311 form parser (application/x-www-form-
 * urlencoded bodies of POST requests.json) on arbitrary bytes, then the
 * lookups the create handler does. */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int open311_parse_form(const char *body, size_t len, struct evkeyvalq *q);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evkeyvalq q;
	if (!open311_parse_form((const char *)data, size, &q))
		return 0;
	static const char *const keys[] = {"api_key",
					   "service_code",
					   "jurisdiction_id",
					   "lat",
					   "long",
					   "address_string",
					   "description",
					   "attribute[applicant_name]",
					   "attribute[applicant_phone]",
					   "attribute[people_involved]",
					   NULL};
	size_t total = 0;
	for (int i = 0; keys[i]; i++) {
		const char *v = evhttp_find_header(&q, keys[i]);
		if (v)
			total += strlen(v);
	}
	if (total > size)
		__builtin_trap(); /* decoding never grows the text */
	evhttp_clear_headers(&q);
	return 0;
}
