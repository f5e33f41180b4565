/* detect_config.c - "analysis.detect" of the server's configuration (see
 * detect_config.h). Checks every key once, at start, so that a run of the
 * methods never meets a parameter they refuse. */
#include "service/detect_config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct detect_params config;
static int configured;

enum kind {
	K_INT,
	K_NUM
};

static const struct key {
	const char *name;
	enum kind kind;
	size_t off;
	double min, max;
} keys[] = {
	{"min_count", K_INT, offsetof(struct detect_params, min_count), 0, 1000},
	{"c2_baseline", K_INT, offsetof(struct detect_params, c2_baseline), 2, DETECT_BASELINE_MAX},
	{"c2_gap", K_INT, offsetof(struct detect_params, c2_gap), 0, DETECT_BASELINE_MAX},
	{"c2_k", K_NUM, offsetof(struct detect_params, c2_k), 0.1, 100},
	{"c2_min_sigma", K_NUM, offsetof(struct detect_params, c2_min_sigma), 0, 1000},
	{"nb_baseline", K_INT, offsetof(struct detect_params, nb_baseline), 7, DETECT_BASELINE_MAX},
	{"nb_gap", K_INT, offsetof(struct detect_params, nb_gap), 0, DETECT_BASELINE_MAX},
	{"nb_window", K_INT, offsetof(struct detect_params, nb_window), 1, 7},
	{"nb_alpha", K_NUM, offsetof(struct detect_params, nb_alpha), 1e-9, 0.49},
	{"nb_dow_prior", K_NUM, offsetof(struct detect_params, nb_dow_prior), 0, 1000},
	{"nb_min_mu", K_NUM, offsetof(struct detect_params, nb_min_mu), 1e-6, 1000},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static const struct key *find_key(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

enum fq_err detect_configure(const json_t *o, char *err, size_t errlen)
{
	struct detect_params p;
	detect_params_default(&p);
	if (o) {
		if (!json_is_object(o)) {
			snprintf(err, errlen, "analysis.detect: an object expected");
			return FQ_EINVAL;
		}
		const char *name;
		json_t *v;
		json_object_foreach((json_t *)o, name, v) {
			const struct key *k = find_key(name);
			if (!k) {
				snprintf(err, errlen, "analysis.detect.%.40s: unknown key", name);
				return FQ_EINVAL;
			}
			double x = json_is_number(v) ? json_number_value(v) : NAN;
			if (k->kind == K_INT && !json_is_integer(v))
				x = NAN;
			if (!isfinite(x) || x < k->min || x > k->max) {
				snprintf(err, errlen, "analysis.detect.%s: %s %g..%g", k->name,
					 k->kind == K_INT ? "an integer" : "a number", k->min,
					 k->max);
				return FQ_EINVAL;
			}
			char *field = (char *)&p + k->off;
			if (k->kind == K_INT)
				*(int *)(void *)field = (int)x;
			else
				*(double *)(void *)field = x;
		}
	}
	if (!detect_params_valid(&p)) {
		snprintf(err, errlen, "analysis.detect.nb_gap: at least nb_window - 1");
		return FQ_EINVAL;
	}
	config = p;
	configured = 1;
	return FQ_OK;
}

void detect_config_get(struct detect_params *out)
{
	if (configured)
		*out = config;
	else
		detect_params_default(out);
}
