/* category.h - the dispute taxonomy, channels and party roles: stable codes
 * with their zh-CN and en names for the API. */
#ifndef FQ_CATEGORY_H
#define FQ_CATEGORY_H

struct category {
	const char *code;
	const char *name_zh;
	const char *name_en;
};

#define CATEGORY_COUNT 14
extern const struct category category_table[CATEGORY_COUNT];

/* Index into category_table, or -1. */
int category_parse(const char *code);

#define CHANNEL_COUNT 7
extern const char *const channel_names[CHANNEL_COUNT];
int channel_parse(const char *s);

#define PARTY_ROLE_COUNT 3
extern const char *const party_role_names[PARTY_ROLE_COUNT];
int party_role_parse(const char *s);

#endif
