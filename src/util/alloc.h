/* SPDX-License-Identifier: MIT */
/* Allocation that sets the error on failure, and the macros every file uses. */
#ifndef PIRSCAN_UTIL_ALLOC_H
#define PIRSCAN_UTIL_ALLOC_H

#include <stddef.h>

#define PIR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PIR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PIR_PRINTF(f, a)
#endif

/* buf.c: NULL (and PIR_ENOMEM set as the error) when memory runs out */
void *pir_malloc(size_t n);
void *pir_calloc(size_t n, size_t size);
void *pir_realloc(void *p, size_t n);
char *pir_strdup(const char *s);
char *pir_strndup(const char *s, size_t n);
char *pir_sprintf(const char *fmt, ...) PIR_PRINTF(1, 2);
/** Grow `*arr` (of `*cap` elements of `size`) to hold at least `want`; 0 or PIR_ENOMEM. */
int pir_grow(void **arr, size_t *cap, size_t want, size_t size);

#endif
