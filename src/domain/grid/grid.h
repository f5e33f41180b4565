/* grid.h - the rules of grids (网格, issue 15) that need no storage: their
 * kinds, the duties of their staff, what a grid code looks like, and the
 * usual size, shown as warnings and never refused.
 *
 * 浙江省社会治安综合治理条例 art. 9: the county sets the rules for dividing
 * grids, the township divides and staffs them; grids follow the village or
 * community (a grid belongs to one). */
#ifndef FQ_GRID_H
#define FQ_GRID_H

#include <stdint.h>

enum grid_kind {
	GRID_COMPREHENSIVE, /* 综合网格 */
	GRID_SCHOOL,        /* 专属网格: 学校 */
	GRID_HOSPITAL,      /* 医院 */
	GRID_MARKET,        /* 市场 */
	GRID_ENTERPRISE,    /* 企业 */
	GRID_KIND__COUNT
};

enum grid_duty {
	GRID_DUTY_HEAD,       /* 网格长 */
	GRID_DUTY_FULL_TIME,  /* 专职网格员 */
	GRID_DUTY_PART_TIME,  /* 兼职网格员 */
	GRID_DUTY_INSTRUCTOR, /* 网格指导员: the township cadre who guides it */
	GRID_DUTY__COUNT
};

/* Names as stored and sent ("comprehensive", "head" ...); parse gives -1
 * for an unknown name. */
const char *grid_kind_name(enum grid_kind k);
int grid_kind_parse(const char *s);
const char *grid_duty_name(enum grid_duty d);
int grid_duty_parse(const char *s);

/* A grid code: 1 to GRID_CODE_MAX - 1 bytes of ASCII letters, digits, '-',
 * '_' and '.'. */
#define GRID_CODE_MAX 40
int grid_code_ok(const char *s);
/* A grid name: 1 to GRID_NAME_MAX bytes. */
#define GRID_NAME_MAX 200

/* The usual size of a grid (Zhejiang practice, the issue): about 300
 * households in the country, 300-500 in towns, at most about 2,500 people.
 * "About 300" is taken as 200-400. A village-level code's last three
 * digits say which (GB/T 2260 and the statistics division codes: 001-199 a
 * residents' committee 居委会, in town; 200-399 a villagers' committee
 * 村委会). The warnings, a bit set: */
#define GRID_WARN_HOUSEHOLDS_LOW 1u
#define GRID_WARN_HOUSEHOLDS_HIGH 2u
#define GRID_WARN_POPULATION_HIGH 4u
#define GRID_RURAL_HOUSEHOLDS_MIN 200
#define GRID_RURAL_HOUSEHOLDS_MAX 400
#define GRID_TOWN_HOUSEHOLDS_MIN 300
#define GRID_TOWN_HOUSEHOLDS_MAX 500
#define GRID_POPULATION_MAX 2500
/* 1 when the village-level region code is a town community (001-199). */
int grid_region_is_town(const char *region);
/* The warnings for a grid of region with households and population (-1:
 * unknown, never warned about). */
unsigned grid_size_warnings(const char *region, int64_t households, int64_t population);
/* The name of one warning bit ("households_below_norm",
 * "households_above_norm", "population_above_norm"), or NULL. */
const char *grid_warning_name(unsigned bit);

#endif
