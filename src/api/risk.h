/* risk.h - the routes of case risk grades (api/risk.c; docs/analysis.md
 * "Risk grades"). */
#ifndef FQ_API_RISK_H
#define FQ_API_RISK_H

/* Registers /api/v1/cases/{id}/risk... and /api/v1/risk. */
void api_risk_routes(void);

#endif
