/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), for the cache's keys and its payloads' checksums:
 * a digest that does not depend on libgit2's choice of object hash.
 */
#ifndef PIRSCAN_UTIL_SHA256_H
#define PIRSCAN_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define PIR_SHA256_SIZE 32
#define PIR_SHA256_HEX (2 * PIR_SHA256_SIZE + 1)

typedef struct {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char block[64];
	size_t fill;
} pir_sha256;

void pir_sha256_init(pir_sha256 *c);
void pir_sha256_update(pir_sha256 *c, const void *data, size_t len);
void pir_sha256_final(pir_sha256 *c, unsigned char out[PIR_SHA256_SIZE]);
/* The digest of `len` bytes as 64 lower-case hex digits and a NUL. */
void pir_sha256_hex(char out[PIR_SHA256_HEX], const void *data, size_t len);
/* The digest of `c` so far as hex (it is finished: init it again to reuse it). */
void pir_sha256_final_hex(pir_sha256 *c, char out[PIR_SHA256_HEX]);

#endif
