/* SPDX-License-Identifier: MIT */
#include <time.h>

#include "dates.h"
#include "pirscan/common.h"
#include "pirscan/date.h"
#include "pirscan/scan.h"

/* Howard Hinnant's days_from_civil / civil_from_days: exact for the
 * proleptic Gregorian calendar, no time zone involved. */
pir_date pir_date_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (pir_date)(era * 146097 + (int)doe - 719468);
}

void pir_date_to_civil(pir_date date, int *year, unsigned *month, unsigned *day)
{
	const int z = date + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int y = (int)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned d = doy - (153 * mp + 2) / 5 + 1;
	const unsigned m = mp < 10 ? mp + 3 : mp - 9;

	*year = y + (m <= 2);
	*month = m;
	*day = d;
}

bool pir_date_is_valid_ymd(int y, unsigned m, unsigned d)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= (unsigned)(mdays[m - 1] + (m == 2 && leap));
}

static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int pir_date_parse(pir_date *out, const char *str, size_t len)
{
	int y, m, d;

	if (!str || len != 10 || str[4] != '-' || str[7] != '-')
		return PIR_EINVALID;
	y = digits(str, 4);
	m = digits(str + 5, 2);
	d = digits(str + 8, 2);
	if (y < 1000 || m < 0 || d < 0 || !pir_date_is_valid_ymd(y, (unsigned)m, (unsigned)d))
		return PIR_EINVALID;
	*out = pir_date_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

void pir_date_format(char out[11], pir_date date)
{
	int y;
	unsigned m, d;

	if (date == PIR_DATE_NONE) {
		out[0] = '\0';
		return;
	}
	pir_date_to_civil(date, &y, &m, &d);
	if (y < 0 || y > 9999) {
		out[0] = '\0';
		return;
	}
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

pir_date pir_date_from_time(int64_t seconds)
{
	int64_t days = seconds / 86400;

	if (seconds < 0 && seconds % 86400 != 0)
		days--;
	/* a commit may claim any time at all (-2^63, year 300000): no such date */
	if (days < pir_date_from_civil(1000, 1, 1) || days > pir_date_from_civil(9999, 12, 31))
		return PIR_DATE_NONE;
	return (pir_date)days;
}

pir_date pir_date_today(void)
{
	return pir_date_from_time((int64_t)time(NULL));
}
