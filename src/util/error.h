/* SPDX-License-Identifier: MIT */
/* Errors as values: a per-thread message and a PIR_E* code (error.c). */
#ifndef PIRSCAN_UTIL_ERROR_H
#define PIRSCAN_UTIL_ERROR_H

#include "alloc.h"
#include "pirscan/common.h"

/** Set this thread's error message; returns `code` for `return pir_error_set(...)`. */
int pir_error_set(int code, const char *fmt, ...) PIR_PRINTF(2, 3);
/**
 * The same, for an error about the value of one option: `option` is its field's
 * name in its options struct (a string literal), for pir_error_option().
 */
int pir_error_set_option(int code, const char *option, const char *fmt, ...) PIR_PRINTF(3, 4);
/** Set the error from libgit2's last error, prefixed by `what`; returns PIR_EGIT (or the mapped
 * code). */
int pir_error_git(int giterr, const char *what);
/** PIR_ENOMEM with its message. */
int pir_error_oom(void);

#endif
