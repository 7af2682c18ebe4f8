/* SPDX-License-Identifier: MIT */
#ifndef PIRSCAN_COMMON_H
#define PIRSCAN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define PIR_BEGIN_DECL extern "C" {
#define PIR_END_DECL }
#else
#define PIR_BEGIN_DECL
#define PIR_END_DECL
#endif

#if defined(__GNUC__)
#define PIR_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define PIR_EXTERN(type) type
#endif

PIR_BEGIN_DECL

/** Error codes returned by every fallible libpirscan function (0 is success). */
typedef enum {
	PIR_OK = 0,
	PIR_ERROR = -1,	    /**< generic failure */
	PIR_ENOMEM = -2,    /**< out of memory */
	PIR_ENOTFOUND = -3, /**< a reference, object or file does not exist */
	PIR_EINVALID = -4,  /**< an argument or input value is invalid */
	PIR_ENOTREPO = -5,  /**< a path is not a git repository */
	PIR_EGIT = -6,	    /**< libgit2 reported an error */
	PIR_EUSER = -7,	    /**< a callback asked to stop */
} pir_error_code;

/**
 * The message of the last error raised on this thread, or NULL.
 * The string is owned by the library and valid until the next call that fails.
 */
PIR_EXTERN(const char *) pir_error_last(void);

/**
 * When the last error of this thread was about the value of one option, the
 * name of that option's field as its options struct spells it
 * (`"changed_since"` of pir_scan_options), else NULL. The message says what
 * is wrong with the value without naming how it was set; a caller names the
 * setting its user knows (the CLI its flag). Static storage.
 */
PIR_EXTERN(const char *) pir_error_option(void);

/** Forget the last error of this thread. */
PIR_EXTERN(void) pir_error_clear(void);

/**
 * A growable byte buffer. Writers append to it; the caller owns it and
 * releases it with pir_buf_dispose(). Initialise with PIR_BUF_INIT.
 * `ptr` is always NUL-terminated once anything was written.
 */
typedef struct {
	char *ptr;
	size_t size;
	size_t asize;
} pir_buf;

#define PIR_BUF_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/** Release the buffer's memory; the buffer is empty and reusable after. */
PIR_EXTERN(void) pir_buf_dispose(pir_buf *buf);

/**
 * Set up the library's global state (libgit2's) for the whole program, and
 * release it. Optional: every function that needs the state takes it for
 * its own use, but setting it up costs milliseconds (libgit2 reads the
 * system's certificates), so a program that scans and reads configurations
 * calls pir_library_init() once at start and pir_library_shutdown() at the
 * end. Counted: each init needs its shutdown. Returns 0.
 */
PIR_EXTERN(int) pir_library_init(void);
PIR_EXTERN(void) pir_library_shutdown(void);

/** Library version string, for example "0.1.0". */
PIR_EXTERN(const char *) pir_version(void);

PIR_END_DECL

#endif
