/* SPDX-License-Identifier: MIT */
#include "internal.h"
#include "test.h"

static pir_date d(const char *s)
{
	pir_date v = PIR_DATE_NONE;
	CHECK_INT(pir_date_parse(&v, s, strlen(s)), 0);
	return v;
}

static void test_parse_valid(void)
{
	char out[11];

	CHECK_INT(d("1970-01-01"), 0);
	CHECK_INT(d("1970-01-02"), 1);
	CHECK_INT(d("2000-03-01") - d("2000-02-28"), 2); /* 2000 is a leap year */
	CHECK_INT(d("1900-03-01") - d("1900-02-28"), 1); /* 1900 is not */
	CHECK_INT(d("2024-02-29") + 1, d("2024-03-01"));
	CHECK_INT(d("2026-05-31") - d("2026-05-24"), 7);
	CHECK_INT(d("2027-01-01") - d("2026-01-01"), 365);
	pir_date_format(out, d("2026-12-31"));
	CHECK_STR(out, "2026-12-31");
	pir_date_format(out, d("1969-12-31"));
	CHECK_STR(out, "1969-12-31");
	CHECK_INT(d("1969-12-31"), -1);
}

static void test_parse_invalid(void)
{
	static const char *bad[] = {"2026-13-01",  "2026-02-29", "2026-04-31", "2026-00-10",
				    "2026-01-00",  "26-01-01",	 "2026/01/01", "2026-1-01",
				    "2026-01-011", "",		 "abcd-ef-gh", " 2026-01-01",
				    "0999-01-01"};
	pir_date v = 42;

	for (size_t i = 0; i < PIR_ARRAY_SIZE(bad); i++) {
		CHECK_INT(pir_date_parse(&v, bad[i], strlen(bad[i])), PIR_EINVALID);
		CHECK_INT(v, 42);
	}
	CHECK_INT(pir_date_parse(&v, NULL, 0), PIR_EINVALID);
}

static void test_roundtrip(void)
{
	char out[11];
	pir_date v;

	pir_date first = pir_date_from_civil(1000, 1, 1), last = pir_date_from_civil(9999, 12, 31);

	for (pir_date x = first; x <= last; x += 997) {
		pir_date_format(out, x);
		CHECK_INT(pir_date_parse(&v, out, strlen(out)), 0);
		CHECK_INT(v, x);
	}
	pir_date_format(out, last);
	CHECK_STR(out, "9999-12-31");
	pir_date_format(out, first - 1);
	CHECK_INT(pir_date_parse(&v, out, strlen(out)), PIR_EINVALID); /* 0999-12-31 */
	pir_date_format(out, PIR_DATE_NONE);
	CHECK_STR(out, "");
}

static void test_from_time(void)
{
	CHECK_INT(pir_date_from_time(0), 0);
	CHECK_INT(pir_date_from_time(86399), 0);
	CHECK_INT(pir_date_from_time(86400), 1);
	CHECK_INT(pir_date_from_time(-1), -1);
	CHECK_INT(pir_date_from_time(-86400), -1);
	CHECK_INT(pir_date_from_time(-86401), -2);
	/* 2026-05-24T23:59:59Z */
	CHECK_INT(pir_date_from_time(1779667199), d("2026-05-24"));
	CHECK(pir_date_today() > d("2020-01-01"));
	/* a commit may claim any time: outside the years 1000 to 9999 there is no date */
	CHECK_INT(pir_date_from_time(INT64_MIN), PIR_DATE_NONE);
	CHECK_INT(pir_date_from_time(INT64_MAX), PIR_DATE_NONE);
	CHECK_INT(pir_date_from_time(99999999999999), PIR_DATE_NONE);
	CHECK_INT(pir_date_from_time(253402300799), d("9999-12-31"));
	CHECK_INT(pir_date_from_time(253402300800), PIR_DATE_NONE);
	CHECK_INT(pir_date_from_time(-30610224000), d("1000-01-01"));
	CHECK_INT(pir_date_from_time(-30610224001), PIR_DATE_NONE);
}

int main(void)
{
	RUN(test_parse_valid);
	RUN(test_parse_invalid);
	RUN(test_roundtrip);
	RUN(test_from_time);
	return test_summary();
}
