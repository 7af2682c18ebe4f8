/* SPDX-License-Identifier: MIT */
/* Arenas (map.c): many small allocations freed at once. */
#ifndef PIRSCAN_UTIL_ARENA_H
#define PIRSCAN_UTIL_ARENA_H

#include <stddef.h>

typedef struct pir_arena_chunk pir_arena_chunk;
typedef struct {
	pir_arena_chunk *head;
} pir_arena;

/* Chunks start small and double up to 64 KiB, so a small arena stays small. */
void *pir_arena_alloc(pir_arena *a, size_t n);
char *pir_arena_strndup(pir_arena *a, const char *s, size_t n);
char *pir_arena_strdup(pir_arena *a, const char *s); /* NULL for NULL */
void pir_arena_dispose(pir_arena *a);

#endif
