/* category.c - constant tables only. */
#include "domain/case/category.h"

#include <string.h>

const struct category category_table[CATEGORY_COUNT] = {
	{"marriage_family", "婚姻家庭", "Marriage and family"},
	{"neighbour", "邻里", "Neighbours"},
	{"housing_land", "房屋宅基地", "Housing and homesteads"},
	{"land_forest", "山林土地", "Hills, forests and land"},
	{"contract", "合同", "Contracts"},
	{"damages", "损害赔偿", "Damages"},
	{"labour", "劳动争议", "Labour disputes"},
	{"land_acquisition", "征地拆迁", "Land acquisition and demolition"},
	{"environment", "环境污染", "Environmental pollution"},
	{"medical", "医疗", "Medical"},
	{"property_mgmt", "物业", "Property management"},
	{"consumer", "消费", "Consumer"},
	{"traffic", "交通事故", "Traffic accidents"},
	{"other", "其他", "Other"},
};

const char *const channel_names[CHANNEL_COUNT] = {
	"walk_in", "hotline", "web", "grid_patrol", "open311", "petition", "referral",
};

const char *const party_role_names[PARTY_ROLE_COUNT] = {"applicant", "respondent", "third_party"};

static int find(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int category_parse(const char *code)
{
	for (int i = 0; code && i < CATEGORY_COUNT; i++)
		if (strcmp(category_table[i].code, code) == 0)
			return i;
	return -1;
}

int channel_parse(const char *s)
{
	return find(channel_names, CHANNEL_COUNT, s);
}

int party_role_parse(const char *s)
{
	return find(party_role_names, PARTY_ROLE_COUNT, s);
}
