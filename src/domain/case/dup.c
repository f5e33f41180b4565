/* dup.c - bigram sets as sorted arrays of 64-bit keys (two code points). */
#include "domain/case/dup.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GRAMS 1024

static size_t decode(const char *s, uint32_t *cps, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, i = 0, len = strnlen(s, DUP_TEXT_MAX);
	while (i < len && n < max) {
		unsigned c = p[i];
		uint32_t cp;
		size_t l;
		if (c < 0x80) {
			cp = c;
			l = 1;
		} else if (c >= 0xf0) {
			cp = c & 7;
			l = 4;
		} else if (c >= 0xe0) {
			cp = c & 15;
			l = 3;
		} else if (c >= 0xc0) {
			cp = c & 31;
			l = 2;
		} else {
			i++;
			continue;
		}
		if (i + l > len)
			break;
		for (size_t k = 1; k < l; k++)
			cp = (cp << 6) | (p[i + k] & 0x3f);
		i += l;
		/* keep letters, digits and CJK; drop spaces and punctuation */
		if (cp < 0x80) {
			if (!((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
			      (cp >= 'A' && cp <= 'Z')))
				continue;
			if (cp >= 'A' && cp <= 'Z')
				cp += 32;
		} else if ((cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xff00 && cp <= 0xff20) ||
			   (cp >= 0x2000 && cp <= 0x206f)) {
			continue;
		}
		cps[n++] = cp;
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static size_t grams(const char *s, uint64_t *g)
{
	uint32_t cps[MAX_GRAMS + 1];
	size_t n = decode(s, cps, MAX_GRAMS + 1);
	size_t m = 0;
	for (size_t i = 0; i + 1 < n; i++)
		g[m++] = ((uint64_t)cps[i] << 32) | cps[i + 1];
	qsort(g, m, sizeof *g, cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (!u || g[u - 1] != g[i])
			g[u++] = g[i];
	return u;
}

double dup_similarity(const char *a, const char *b)
{
	static _Thread_local uint64_t ga[MAX_GRAMS], gb[MAX_GRAMS];
	size_t na = grams(a, ga), nb = grams(b, gb);
	if (!na || !nb)
		return 0.0;
	size_t i = 0, j = 0, common = 0;
	while (i < na && j < nb) {
		if (ga[i] == gb[j]) {
			common++;
			i++;
			j++;
		} else if (ga[i] < gb[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)common / (double)(na + nb - common);
}
