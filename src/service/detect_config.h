/* detect_config.h - the parameters of the early-warning methods as the
 * server runs them: the defaults of domain/analysis/detect.h, changed by
 * the "analysis": {"detect": {...}} object of `serve --config` (issue 16).
 * Set once at start, before any thread reads it. */
#ifndef FQ_SERVICE_DETECT_CONFIG_H
#define FQ_SERVICE_DETECT_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "domain/analysis/detect.h"
#include "util/err.h"

/* Reads the "analysis.detect" object o (borrowed; NULL = all defaults):
 * keys are the fields of struct detect_params (min_count, c2_baseline,
 * c2_gap, c2_k, c2_min_sigma, nb_baseline, nb_gap, nb_window, nb_alpha,
 * nb_dow_prior, nb_min_mu), each optional. An unknown key, a value of the
 * wrong type or out of range, or a combination the methods refuse (nb_gap
 * below nb_window - 1) is FQ_EINVAL with a message naming the key in err,
 * and the parameters in force stay as they were. */
enum fq_err detect_configure(const json_t *o, char *err, size_t errlen);

/* The parameters in force: the configured ones, else the defaults. */
void detect_config_get(struct detect_params *out);

#endif
