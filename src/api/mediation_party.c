/* mediation_party.c - a party's routes in the room, without an account:
 * /api/v1/room/{token}/... where token is the party's link (texted to its
 * phone). The link finds the party; before anything else the party
 * confirms its phone with a one-time code (issue 14, "Identity before a
 * session"); a party sees only its own mediation and never another
 * party's caucus. An unknown or replaced link is 404, as a missing one. */
#include "api/mediation.h"

#include <string.h>

#include "store/mediation.h"

/* The party of the link in the first path parameter: *party_id and
 * *mediation_id; with verified, also requires its confirmed identity.
 * 0 when answered. */
static int party(struct req *r, int verified, int64_t *party_id, int64_t *mediation_id)
{
	json_t *p = NULL;
	enum fq_err err = mediation_party_by_token(r->rc, r->params[0], &p);
	if (err) {
		if (err == FQ_ENOTFOUND)
			reply_err(r, "not_found", "no such room link", NULL);
		else
			reply_err(r, "storage_unavailable", "cannot read the room", NULL);
		return 0;
	}
	*party_id = json_integer_value(json_object_get(p, "id"));
	*mediation_id = json_integer_value(json_object_get(p, "mediation_id"));
	int ok = !verified || json_integer_value(json_object_get(p, "verified_at")) > 0;
	json_decref(p);
	if (!ok)
		reply_err(r, "identity_unconfirmed", "confirm your phone with the code first",
			  NULL);
	return ok;
}

static void get_room(struct req *r)
{
	int64_t pid, mid;
	if (!party(r, 0, &pid, &mid))
		return;
	struct fq_error e;
	struct med_ctx x = {
		.c = r->rc, .cal = r->svc->cal, .who = {.party_id = pid}, .now = r->now, .e = &e};
	json_t *room = NULL;
	if (mediation_room(&x, mid, &room) != FQ_OK) {
		reply_fq(r, &e);
		return;
	}
	/* before the phone is confirmed: who and where it stands, nothing said */
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(room, "parties"), i, p)
		if (json_integer_value(json_object_get(p, "id")) == pid &&
		    !json_integer_value(json_object_get(p, "verified_at"))) {
			json_object_del(room, "offers");
			json_object_del(room, "sessions");
		}
	reply_json(r, 200, room);
}

static void code(struct req *r)
{
	int64_t pid, mid;
	if (party(r, 0, &pid, &mid))
		api_mediation_run(r, MED_OP_CODE, mid, pid, NULL, 0);
}

static void verify(struct req *r)
{
	int64_t pid, mid;
	if (!party(r, 0, &pid, &mid))
		return;
	const char *c = json_string_value(json_object_get(r->body, "code"));
	if (!c || strlen(c) > 16) {
		reply_err(r, "required", "code is required", "code");
		return;
	}
	api_mediation_run(r, MED_OP_VERIFY, mid, pid, c, 0);
}

static void act(struct req *r)
{
	int64_t pid, mid;
	if (!party(r, 1, &pid, &mid))
		return;
	if (strlen(r->params[1]) >= 24) {
		reply_err(r, "unknown_action", "no such action", NULL);
		return;
	}
	api_mediation_run(r, MED_OP_ACT, mid, pid, r->params[1], 0);
}

static void message(struct req *r)
{
	int64_t pid, mid;
	if (party(r, 1, &pid, &mid))
		api_mediation_run(r, MED_OP_MESSAGE, mid, pid, NULL, 0);
}

static void offer(struct req *r)
{
	int64_t pid, mid;
	if (party(r, 1, &pid, &mid))
		api_mediation_run(r, MED_OP_OFFER, mid, pid, NULL, 0);
}

static void answer(struct req *r)
{
	int64_t pid, mid, oid;
	if (!api_param_id(r, 1, &oid) || !party(r, 1, &pid, &mid))
		return;
	api_mediation_run(r, MED_OP_ANSWER, mid, pid, NULL, oid);
}

static void events(struct req *r)
{
	int64_t pid, mid;
	if (party(r, 1, &pid, &mid))
		api_mediation_events(r, mid, pid);
}

static void stream(struct req *r)
{
	int64_t pid, mid;
	if (party(r, 1, &pid, &mid))
		api_mediation_stream(r, mid, pid);
}

/* The committee's published mediators, for a party to choose from
 * (人民调解法 (People's Mediation Law) art. 19): the same public list staff
 * read at /api/v1/mediators, for the committee holding this mediation. */
static void mediators(struct req *r)
{
	int64_t pid, mid;
	if (!party(r, 1, &pid, &mid))
		return;
	json_t *m = NULL, *items = NULL;
	enum fq_err err = store_mediation_get(r->rc, NULL, mid, &m);
	if (!err)
		err = store_mediation_mediators(
			r->rc, json_string_value(json_object_get(m, "unit_region")), &items);
	json_decref(m);
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the mediators", NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_mediation_party_routes(void)
{
	/* reads in the wider bucket of public reads; writes in the public one */
	http_route(M_GET, "/api/v1/room/{token}", R_READ, get_room);
	http_route(M_POST, "/api/v1/room/{token}/code", R_PUBLIC, code);
	http_route(M_POST, "/api/v1/room/{token}/verify", R_PUBLIC | R_JSON, verify);
	http_route(M_POST, "/api/v1/room/{token}/actions/{name}", R_PUBLIC | R_JSON, act);
	http_route(M_POST, "/api/v1/room/{token}/messages", R_PUBLIC | R_JSON, message);
	http_route(M_POST, "/api/v1/room/{token}/offers", R_PUBLIC | R_JSON, offer);
	http_route(M_POST, "/api/v1/room/{token}/offers/{oid}/answer", R_PUBLIC | R_JSON, answer);
	http_route(M_GET, "/api/v1/room/{token}/events", R_READ, events);
	http_route(M_GET, "/api/v1/room/{token}/stream", R_READ, stream);
	http_route(M_GET, "/api/v1/room/{token}/mediators", R_READ, mediators);
}
