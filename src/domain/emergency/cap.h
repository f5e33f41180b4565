/* cap.h - CAP 1.2 (OASIS Common Alerting Protocol) alerts written in C, and
 * the checks the XML schema cannot make (docs/emergency.md):
 * - a polygon is closed (its first point repeated last) with at least four
 *   points, each "lat,lon" in range, separated by single spaces;
 * - an identifier or a sender has no spaces, commas, '<' or '&';
 * - a time carries its offset, "+08:00" for ours; never "Z" (CAP 1.2
 *   3.3.2 forbids it) nor "-00:00";
 * - references are space-separated "sender,identifier,sent" triples, each
 *   part well formed.
 * Identifiers follow the layout of GB/T 35965.1 Annex A as far as it was
 * confirmed: ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N (the 14-character sender code:
 * GB/T 2260 region, GB/T 4657 agency, unit, extension; Beijing entry time;
 * a sequence digit). Plain C over util/buf: no JSON, no libxml2. */
#ifndef FQ_DOMAIN_EMERGENCY_CAP_H
#define FQ_DOMAIN_EMERGENCY_CAP_H

#include <stdint.h>

#include "util/buf.h"

#define CAP_XML_MAX (64 * 1024) /* one alert as we write it */
#define CAP_TIME_LEN 25         /* "2026-12-01T13:03:37+08:00" */
#define CAP_SENDER_CODE_LEN 14  /* ZZZZZZDDDUUUXX */
#define CAP_IDENTIFIER_MAX 64
#define CAP_REFERENCES_MAX 1024

/* One alert with one info block and one area, as the platform writes it.
 * Strings are borrowed; NULL or "" leaves an optional element out. */
struct cap_alert {
	const char *identifier, *sender;
	int64_t sent;           /* UTC seconds, written in Beijing time +08:00 */
	const char *msg_type;   /* Alert, Update, Cancel */
	const char *references; /* for Update and Cancel */
	const char *category;   /* Met, Safety, Health, Security ... */
	const char *event, *urgency, *severity, *certainty;
	int64_t onset, expires; /* 0: left out */
	const char *sender_name, *headline, *description, *instruction;
	const char *area_desc, *polygon;
	const char *geocode_value; /* a GB/T 2260 code, as <geocode> "GB/T 2260" */
};

/* t (UTC seconds) as a CAP time in Beijing time: "YYYY-MM-DDThh:mm:ss+08:00". */
void cap_time_format(int64_t t, char out[CAP_TIME_LEN + 1]);
/* CAP severity of warning level 1..4 (Extreme, Severe, Moderate, Minor). */
const char *cap_severity_of_level(int level);

/* The GB/T 35965.1 identifier of an alert entered at t by sender (14
 * characters), sequence n (0-9) into out; 0 when sender or n is wrong. */
int cap_identifier_make(const char *sender, int64_t t, int n, char out[CAP_IDENTIFIER_MAX]);

/* The checks: 1 when s passes; 0 and a reason in why (static) otherwise. */
int cap_check_identifier(const char *s, const char **why);
int cap_check_time(const char *s, const char **why);
int cap_check_polygon(const char *s, const char **why);
int cap_check_references(const char *s, const char **why);
/* Every check that applies to a (identifier, sender, references, polygon
 * and the times as written). */
int cap_check_alert(const struct cap_alert *a, const char **why);

/* Appends s to b escaped for XML text and attributes (& < > " '), control
 * characters that XML 1.0 cannot carry dropped. */
void cap_escape(struct buf *b, const char *s);
/* Writes a as a CAP 1.2 document into b (buf_init'ed with a max of
 * CAP_XML_MAX or more): FQ_EINVAL when a check refuses it (why set),
 * FQ_ETOOBIG / FQ_ENOMEM from the buffer. */
enum fq_err cap_write(const struct cap_alert *a, struct buf *b, const char **why);

#endif
