/* demo_data.h - dispute texts and names shared by seed-demo and bench-gen. */
#ifndef FQ_DEMO_DATA_H
#define FQ_DEMO_DATA_H

struct demo_template {
	const char *category, *title, *desc;
};

#define DEMO_TEMPLATES 26
#define DEMO_SURNAMES 12
#define DEMO_GIVENS 12

extern const struct demo_template demo_templates[DEMO_TEMPLATES];
extern const char *const demo_surnames[DEMO_SURNAMES];
extern const char *const demo_givens[DEMO_GIVENS];

/* published profiles of the demo's mediators (online mediation, issue 14) */
struct demo_mediator {
	const char *username, *specialties, *languages;
};
#define DEMO_MEDIATORS 3
extern const struct demo_mediator demo_mediators[DEMO_MEDIATORS];

#endif
