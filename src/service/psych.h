/* psych.h - 心防, the psychological service (issue 19; docs/psych.md): the
 * anonymous self-screening, the person's kept record under a code, the
 * counsellor in charge with sessions and referrals, the alert rota, and
 * the statistics. Everything stored is sealed here (XChaCha20-Poly1305,
 * libsodium) with the key of "psych.key_file"; the store sees ciphertext.
 *
 * Who may: a person's records, the counsellor in charge (a user with the
 * counsellor role whose username the person row names) and the person
 * (their code); an alert, the counsellor on the rota who holds it. Anyone
 * else is answered FQ_ENOTFOUND (404), whatever their role: admin,
 * analyst, mediator and the province included. Every read and write is in
 * the audit chain with opaque ids only (个人信息保护法 art. 56). Nothing
 * here is logged with content, sent to webhooks or put in a case. */
#ifndef FQ_SERVICE_PSYCH_H
#define FQ_SERVICE_PSYCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/access/scope.h"
#include "store/store.h"
#include "util/err.h"

#define PSYCH_ROTA_MAX 16
#define PSYCH_CRISIS_LINE_MAX 64
#define PSYCH_NATIONAL_LINE "12356" /* the national psychological assistance hotline */
#define PSYCH_CODE_CHARS 12         /* a person's code, like a tracking code */
#define PSYCH_NOTE_MAX 8000         /* bytes of a session note */

struct psych_config {
	int has_key;
	unsigned char key[32];                   /* seals (derived from the key file) */
	unsigned char code_key[32];              /* keys the hash of a person's code */
	char crisis_line[PSYCH_CRISIS_LINE_MAX]; /* the local crisis line, "" for none */
	int nrota;
	char rota[PSYCH_ROTA_MAX][USERNAME_MAX]; /* counsellors on duty, in turn */
	int hand_on_minutes;                     /* an alert not acknowledged moves on */
	int retention_days;                      /* after the last activity */
	int test_clock;                          /* POST /api/v1/psych/test/tick */
};

/* Reads the "psych" object of the server's configuration (borrowed; NULL
 * = the defaults: no key, no rota, 15 minutes, 1095 days). Keys: key_file
 * (a file of 32 bytes, or 64 hex digits; unreadable or wrong: a warning,
 * and the stored routes answer 503 psych_key_missing), crisis_line, rota
 * (usernames), hand_on_minutes (1..120), retention_days (30..3650),
 * test_clock (boolean). FQ_EINVAL with a message naming the key. Called
 * once at start, before any thread reads it. */
enum fq_err psych_configure(const json_t *o, char *err, size_t errlen);
const struct psych_config *psych_config(void);

/* ---- sealing (psych_config.c) ---- */

/* The base64 text of o (borrowed) sealed with the key, bound to `ad` (the
 * row's id), into *out (caller frees). FQ_EIO without a key. */
enum fq_err psych_seal(const json_t *o, const char *ad, char **out);
/* Opens sealed text bound to ad into a new object; FQ_EINTERNAL when it
 * does not open (another key, another row). */
enum fq_err psych_open(const char *sealed, const char *ad, json_t **out);
/* The keyed hash of a person's code (upper-cased, dashes and spaces
 * dropped) into out (65 bytes); 0 when the code is malformed. */
int psych_code_hash(const char *code, char out[65]);

/* ---- use cases (psych.c); each runs in one writer job ---- */

/* Scores body {instrument, answers[], item10?} and answers {instrument,
 * score, band, positive, crisis, crisis_lines{national, local}}; stores
 * nothing and needs no key. */
enum fq_err psych_screen(const json_t *body, json_t **out, struct fq_error *e);
/* Keeps a screening (or only a consent) under a new code: body {consent,
 * contact?, township?, screening?}; answers {code, result?, alerted}. */
enum fq_err psych_keep(struct store_conn *c, const json_t *body, int64_t now, json_t **out,
		       struct fq_error *e);
/* Asks for a call back: body {phone, name?, consent: true, township?};
 * an alert to the counsellor on duty. Answers {code}. */
enum fq_err psych_callback(struct store_conn *c, const json_t *body, int64_t now, json_t **out,
			   struct fq_error *e);
/* The person's own view by their code: {consent, contact, state,
 * has_counsellor, trend[], offer_counsellor}. */
enum fq_err psych_me(struct store_conn *c, const char *code, int64_t now, json_t **out,
		     struct fq_error *e);
/* A further screening by the person; answers as psych_screen plus
 * {alerted, offer_counsellor}. */
enum fq_err psych_me_screen(struct store_conn *c, const char *code, const json_t *body, int64_t now,
			    json_t **out, struct fq_error *e);
/* The person asks for a counsellor: an alert on the rota. */
enum fq_err psych_me_request(struct store_conn *c, const char *code, int64_t now, json_t **out,
			     struct fq_error *e);
/* Withdraws consent (个人信息保护法 art. 15, 47): body {mode: "delete" |
 * "lock"}. Delete removes every row now; lock keeps them readable by the
 * person only, processed by no one. */
enum fq_err psych_me_withdraw(struct store_conn *c, const char *code, const json_t *body,
			      int64_t now, json_t **out, struct fq_error *e);
/* A mediator's referral from a dispute, with the person's consent: body
 * {name?, phone, reason_category, consent: true}. Only the contact and the
 * category are kept; no case id, and nothing is answered but {sent}. */
enum fq_err psych_referral(struct store_conn *c, const struct caller *who, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e);

/* 1 when who holds the counsellor role (anywhere). */
int psych_is_counsellor(const struct caller *who);
/* The open alerts who holds: {items: [{id, kind, created_at, assigned_at,
 * contact, person_id, in_charge}]}. */
enum fq_err psych_alerts(struct store_conn *c, const struct caller *who, int64_t now, json_t **out,
			 struct fq_error *e);
/* Acknowledges alert id; who becomes the counsellor in charge of a person
 * who has none. */
enum fq_err psych_alert_ack(struct store_conn *c, const struct caller *who, const char *id,
			    int64_t now, json_t **out, struct fq_error *e);
/* The persons who is in charge of: {items: [{id, contact, last_at,
 * latest}]}. */
enum fq_err psych_clients(struct store_conn *c, const struct caller *who, int64_t now, json_t **out,
			  struct fq_error *e);
/* One person and their records, for the counsellor in charge. */
enum fq_err psych_client(struct store_conn *c, const struct caller *who, const char *id,
			 int64_t now, json_t **out, struct fq_error *e);
/* Adds a session note (kind "session": {note}) or a referral to a clinic
 * (kind "referral": {clinic, reason}) to person id. */
enum fq_err psych_client_add(struct store_conn *c, const struct caller *who, const char *id,
			     const char *kind, const json_t *body, int64_t now, json_t **out,
			     struct fq_error *e);
/* Counts of persons by township under region (a county or above, 6 digits
 * or fewer), counts 1..9 suppressed with complementary cells:
 * {region, total, total_hidden, items: [{township, n | null, hidden}]}. */
enum fq_err psych_stats(struct store_conn *c, const struct caller *who, const char *region,
			json_t **out, struct fq_error *e);

/* ---- consultation rooms and appointments (psych_appt.c) ---- */

#define PSYCH_APPT_EVENT "psych.appointment_reminder" /* the SMS gateway's webhook */
#define PSYCH_REMIND_AHEAD (24 * 3600)                /* a reminder a day before */

/* The rooms (心理咨询室) under region (NULL: all), public: {items}. */
enum fq_err psych_rooms(struct store_conn *c, const char *region, json_t **out, struct fq_error *e);
/* A counsellor opens a room {region (a village or township), name}. */
enum fq_err psych_room_create(struct store_conn *c, const struct caller *who, const json_t *body,
			      int64_t now, json_t **out, struct fq_error *e);
/* Books {room_id, starts_at (ISO 8601, in the future), minutes (15..180,
 * default 50)}: by the counsellor in charge of person_id (who), or by the
 * person (code; with the counsellor in charge of them). 409 when the
 * counsellor or the room is taken then, or the person has no counsellor. */
enum fq_err psych_book(struct store_conn *c, const struct caller *who, const char *code,
		       const char *person_id, const json_t *body, int64_t now, json_t **out,
		       struct fq_error *e);
/* The counsellor's calendar (who) or the person's appointments (code),
 * from..to (0: unbounded): {items}. */
enum fq_err psych_appointments(struct store_conn *c, const struct caller *who, const char *code,
			       int64_t from, int64_t to, int64_t now, json_t **out,
			       struct fq_error *e);
/* Sets a booked appointment's outcome: the counsellor, done | no_show |
 * cancelled; the person (code), cancelled only. */
enum fq_err psych_appt_status(struct store_conn *c, const struct caller *who, const char *code,
			      const char *id, const json_t *body, int64_t now, json_t **out,
			      struct fq_error *e);
/* Queues the SMS reminders of appointments starting within a day (phone,
 * time and room only) and marks them reminded; *n how many. */
enum fq_err psych_remind(struct store_conn *c, int64_t now, int64_t *n);

/* The clock at `now`: alerts held hand_on_minutes without an
 * acknowledgement go to the next on the rota; persons inactive past the
 * retention are deleted. *handed and *purged (may be NULL) count them. */
enum fq_err psych_tick(struct store_conn *c, int64_t now, int64_t *handed, int64_t *purged);
/* The clock thread's call (app/jobs.c): psych_tick in a writer job. */
struct svc;
void psych_jobs_tick(const struct svc *s, int64_t now);

#endif
