/* config.c - reads and checks the serve configuration file. Example:
 *   {"deadlines": {"accept_workdays": 3,
 *                  "resolve_days": {"village": 30, "township": 45, "county": 60,
 *                                   "city": 60, "province": 60}},
 *    "routing": {"township_categories": ["land_acquisition", "environment"],
 *                "group_threshold": 10},
 *    "hotline_secret": "...",
 *    "trusted_proxies": ["127.0.0.1", "10.0.0.0/8"],
 *    "webhook_allow": ["127.0.0.1:8025"],
 *    "analysis": {"risk": {"weights": {"threat_words": 50}, "words": ["打人"],
 *                          "thresholds": {"red": 50, "orange": 30, "yellow": 15}}},
 *    "village": {"filing_days": 10, "review_days": 30}} */
#include "app/config.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "interop/webhooks.h"
#include "service/alert.h"
#include "service/detect_config.h"
#include "service/risk.h"
#include "service/village_config.h"
#include "service/safety.h"
#include "service/psych.h"
#include "service/video.h"
#include "service/emergency.h"
#include "domain/case/category.h"

static int only_keys(json_t *o, const char *const *keys, const char *where, char *err,
		     size_t errlen)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		int known = 0;
		for (int i = 0; keys[i]; i++)
			if (strcmp(keys[i], k) == 0)
				known = 1;
		if (!known) {
			snprintf(err, errlen, "%s%s: unknown key", where, k);
			return 0;
		}
	}
	return 1;
}

static int want_days(json_t *v, int min, int max, int *out, const char *name, char *err,
		     size_t errlen)
{
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(err, errlen, "%s: a whole number from %d to %d", name, min, max);
		return 0;
	}
	*out = (int)json_integer_value(v);
	return 1;
}

enum fq_err config_load(const char *path, struct deadline_rules *dl, struct routing_rules *rt,
			char *secret, size_t secret_len, struct trusted_proxies *proxies, char *err,
			size_t errlen)
{
	json_error_t je;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return FQ_EINVAL;
	}
	char buf[CONFIG_FILE_MAX + 1];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (n > CONFIG_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, CONFIG_FILE_MAX);
		return FQ_EINVAL;
	}
	json_t *root = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &je);
	if (!root || !json_is_object(root)) {
		snprintf(err, errlen, "%s line %d: %s", path, je.line,
			 root ? "not a JSON object" : je.text);
		json_decref(root);
		return FQ_EINVAL;
	}
	enum fq_err rc = FQ_EINVAL;
	static const char *const top[] = {"deadlines",       "routing",       "hotline_secret",
					  "trusted_proxies", "webhook_allow", "analysis",
					  "village",         "safety",        "psych",
					  "video",           "emergency",     NULL};
	static const char *const dkeys[] = {"accept_workdays", "resolve_days", NULL};
	static const char *const lkeys[] = {"province", "city",    "county",
					    "township", "village", NULL};
	static const char *const rkeys[] = {"township_categories", "group_threshold", NULL};
	if (!only_keys(root, top, "", err, errlen))
		goto out;
	json_t *d = json_object_get(root, "deadlines");
	if (d) {
		if (!json_is_object(d) || !only_keys(d, dkeys, "deadlines.", err, errlen))
			goto bad_obj;
		if (!want_days(json_object_get(d, "accept_workdays"), 1, 60, &dl->accept_workdays,
			       "deadlines.accept_workdays", err, errlen))
			goto out;
		json_t *rd = json_object_get(d, "resolve_days");
		if (rd) {
			if (!json_is_object(rd) ||
			    !only_keys(rd, lkeys, "deadlines.resolve_days.", err, errlen))
				goto bad_obj;
			for (int lv = 1; lv <= 5; lv++) {
				char name[64];
				snprintf(name, sizeof name, "deadlines.resolve_days.%s",
					 lkeys[lv - 1]);
				if (!want_days(json_object_get(rd, lkeys[lv - 1]), 1, 365,
					       &dl->resolve_days[lv], name, err, errlen))
					goto out;
			}
		}
	}
	json_t *r = json_object_get(root, "routing");
	if (r) {
		if (!json_is_object(r) || !only_keys(r, rkeys, "routing.", err, errlen))
			goto bad_obj;
		json_t *cats = json_object_get(r, "township_categories");
		if (cats) {
			if (!json_is_array(cats)) {
				snprintf(err, errlen,
					 "routing.township_categories: a list of category codes");
				goto out;
			}
			uint32_t mask = 0;
			size_t i;
			json_t *c;
			json_array_foreach(cats, i, c) {
				int ci = category_parse(json_string_value(c));
				if (ci < 0) {
					snprintf(err, errlen,
						 "routing.township_categories: unknown category %s",
						 json_is_string(c) ? json_string_value(c)
								   : "(not a string)");
					goto out;
				}
				mask |= 1u << ci;
			}
			rt->township_categories = mask;
		}
		if (!want_days(json_object_get(r, "group_threshold"), 2, 100000,
			       &rt->group_threshold, "routing.group_threshold", err, errlen))
			goto out;
	}
	json_t *hs = json_object_get(root, "hotline_secret");
	if (hs) {
		if (!json_is_string(hs) || json_string_length(hs) < 16 ||
		    json_string_length(hs) >= secret_len) {
			snprintf(err, errlen, "hotline_secret: a string of 16 to %zu characters",
				 secret_len - 1);
			goto out;
		}
		snprintf(secret, secret_len, "%s", json_string_value(hs));
	}
	json_t *tp = json_object_get(root, "trusted_proxies");
	if (tp) {
		if (!json_is_array(tp) || json_array_size(tp) > TRUSTED_PROXIES_MAX) {
			snprintf(err, errlen,
				 "trusted_proxies: a list of at most %d addresses or ranges",
				 TRUSTED_PROXIES_MAX);
			goto out;
		}
		struct trusted_proxies parsed = {0};
		size_t i;
		json_t *a;
		json_array_foreach(tp, i, a) {
			if (!json_is_string(a) ||
			    !trusted_proxies_add(&parsed, json_string_value(a))) {
				snprintf(
					err, errlen,
					"trusted_proxies[%zu]: an IP address or range such as 10.0.0.0/8",
					i);
				goto out;
			}
		}
		*proxies = parsed;
	}
	/* webhook targets that may be loopback or private: ["host:port", ...] */
	json_t *wa = json_object_get(root, "webhook_allow");
	if (wa) {
		if (!json_is_array(wa)) {
			snprintf(err, errlen, "webhook_allow: a list of \"host:port\" strings");
			goto out;
		}
		webhook_allow_clear();
		size_t i;
		json_t *h;
		json_array_foreach(wa, i, h) {
			if (!webhook_allow_add(json_string_value(h), err, errlen))
				goto out;
		}
	}
	/* issue 16: each part of 研判 reads its own member of "analysis" */
	json_t *an = json_object_get(root, "analysis");
	if (an && (!json_is_object(an) ||
		   detect_configure(json_object_get(an, "detect"), err, errlen) != FQ_OK ||
		   alert_configure(json_object_get(an, "alerts"), err, errlen) != FQ_OK))
		goto bad_obj;
	/* analysis.risk: the risk grades' weights, words and thresholds */
	if (an && risk_config_load(json_object_get(an, "risk"), err, errlen) != FQ_OK)
		goto out;
	/* village: the filing and review periods of village rules (issue 18) */
	if (village_configure(json_object_get(root, "village"), err, errlen) != FQ_OK)
		goto out;
	/* issue 20: production safety's deadlines, escalation and retention */
	if (safety_configure(json_object_get(root, "safety"), err, errlen) != FQ_OK)
		goto out;
	/* issue 19: 心防's key file, crisis line, rota, hand-on and retention */
	if (psych_configure(json_object_get(root, "psych"), err, errlen) != FQ_OK)
		goto out;
	/* issue 21: video in mediation through Janus (service/video.h) */
	if (video_configure(json_object_get(root, "video"), err, errlen) != FQ_OK)
		goto out;
	/* issue 20: report deadlines, the CAP sender, the upstream feed */
	if (emergency_configure(json_object_get(root, "emergency"), err, errlen) != FQ_OK)
		goto out;
	rc = FQ_OK;
	goto out;
bad_obj:
	if (!err[0])
		snprintf(err, errlen, "%s: an object expected", path);
out:
	json_decref(root);
	return rc;
}
