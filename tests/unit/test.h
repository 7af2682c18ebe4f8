/* SPDX-License-Identifier: MIT */
/* A minimal unit-test harness: TEST(name) functions, CHECK macros, a summary line. */
#ifndef PIRSCAN_TEST_H
#define PIRSCAN_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		test_checks++;                                                                     \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
			test_failures++;                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long va_ = (long long)(a), vb_ = (long long)(b);                              \
		test_checks++;                                                                     \
		if (va_ != vb_) {                                                                  \
			fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__,  \
				#a, va_, vb_);                                                     \
			test_failures++;                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *sa_ = (a), *sb_ = (b);                                                 \
		test_checks++;                                                                     \
		if ((sa_ == NULL) != (sb_ == NULL) || (sa_ && strcmp(sa_, sb_) != 0)) {            \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,        \
				__LINE__, #a, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");         \
			test_failures++;                                                           \
		}                                                                                  \
	} while (0)

#define RUN(fn)                                                                                    \
	do {                                                                                       \
		int before_ = test_failures;                                                       \
		fn();                                                                              \
		fprintf(stderr, "%s %s\n", test_failures == before_ ? "ok  " : "FAIL", #fn);       \
	} while (0)

static inline int test_summary(void)
{
	printf("%d passed, %d failed\n", test_checks - test_failures, test_failures);
	return test_failures ? 1 : 0;
}

#endif
