/* mediation.c - the rules of a mediation that need no storage. */
#include "domain/mediation/mediation.h"

#include <string.h>

static const char *const status_names[MED__COUNT] = {"proposed", "choosing", "appointed", "active",
						     "ended"};

const char *mediation_status_name(enum mediation_status s)
{
	return (unsigned)s < MED__COUNT ? status_names[s] : NULL;
}

int mediation_status_parse(const char *s)
{
	for (int i = 0; s && i < MED__COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

/* 人民调解法 art. 26 (no agreement: end, and tell the parties of arbitration,
 * administrative or judicial ways), art. 28 (agreement, written or oral);
 * 人民法院在线调解规则 art. 25 (a party withdraws, refuses, cannot be reached,
 * the time runs out, the dispute is unsuited to mediation: here, a risk of
 * crime, 人民调解法 art. 25). */
static const char *const end_reasons[] = {
	"agreement", "oral_agreement", "party_withdrew",        "party_refused", "no_agreement",
	"referred",  "expired",        "mediator_declined_all", "risk_of_crime", "unreachable",
	NULL};
static const char *const manual_reasons[] = {"no_agreement",  "referred",       "unreachable",
					     "risk_of_crime", "oral_agreement", NULL};

static int in_list(const char *s, const char *const *l)
{
	for (; s && *l; l++)
		if (strcmp(s, *l) == 0)
			return 1;
	return 0;
}

int mediation_end_reason_valid(const char *s)
{
	return in_list(s, end_reasons);
}

int mediation_end_reason_manual(const char *s)
{
	return in_list(s, manual_reasons);
}

static const char *const consent_names[] = {NULL, "given", "refused", "withdrawn"};

int mediation_consent_parse(const char *s)
{
	if (!s)
		return CONSENT_NONE;
	for (int i = 1; i < 4; i++)
		if (strcmp(s, consent_names[i]) == 0)
			return i;
	return -1;
}

const char *mediation_consent_name(enum mediation_consent c)
{
	return (unsigned)c < 4 ? consent_names[c] : NULL;
}

int mediation_room_open(enum mediation_status s, const enum mediation_consent *consent,
			const int *online, int n)
{
	if (s != MED_ACTIVE || n <= 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (consent[i] != CONSENT_GIVEN || !online[i])
			return 0;
	return 1;
}

int64_t mediation_workdays_due(const struct calendar *cal, int64_t now, int n)
{
	int32_t day = date_of_instant_bj(now);
	int32_t due;
	if (cal) {
		due = calendar_add_workdays(cal, day, n);
	} else {
		due = day;
		for (int k = 0; k < n;) {
			due++;
			int wd = date_weekday(due);
			if (wd <= 4) /* Monday to Friday */
				k++;
		}
	}
	return date_end_instant_bj(due);
}

int64_t mediation_deadline(int64_t started_at, int days)
{
	return date_end_instant_bj(date_of_instant_bj(started_at) + days);
}
