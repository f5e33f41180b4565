/* dup.h - how alike two cases' texts are, for duplicate warnings. Character
 * bigrams work for Chinese without a dictionary. */
#ifndef FQ_DUP_H
#define FQ_DUP_H

#include <stddef.h>

#define DUP_TEXT_MAX 4096 /* bytes of each text compared */
#define DUP_SIMILAR 0.25  /* Jaccard of bigram sets at or above this is "similar" */

/* Jaccard similarity (0..1) of the sets of character bigrams of a and b. */
double dup_similarity(const char *a, const char *b);

#endif
