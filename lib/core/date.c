/* date.c: proleptic Gregorian dates and UTC timestamps, without the C library's time zone state. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "medsec/date.h"

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t mo, int64_t d)
{
    y -= mo <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse (civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *mo, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *mo = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*mo <= 2);
}

static bool digits(const char *s, size_t n, long *out)
{
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool date_days(const char *s, int64_t *days)
{
    long y, mo, d;
    if (s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
        !digits(s + 8, 2, &d))
        return false;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || mo < 1 || mo > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap))
        return false;
    *days = days_from_civil(y, mo, d);
    return true;
}

bool medsec_date_parse(const char *s, long *days)
{
    int64_t d;
    if (!s || strlen(s) != 10 || !date_days(s, &d))
        return false;
    if (days)
        *days = (long)d;
    return true;
}

bool medsec_time_parse(const char *s, int64_t *secs)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    int64_t days;
    if ((n != 10 && n != 20) || !date_days(s, &days))
        return false;
    long h = 0, mi = 0, sec = 0;
    if (n == 20 &&
        (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' || !digits(s + 11, 2, &h) ||
         !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec) || h > 23 || mi > 59 || sec > 60))
        return false;
    if (secs)
        *secs = days * 86400 + h * 3600 + mi * 60 + sec;
    return true;
}

static void split(int64_t secs, int64_t *y, int *mo, int *d, int *rem)
{
    int64_t days = secs / 86400, r = secs % 86400;
    if (r < 0) {
        r += 86400;
        days--;
    }
    civil_from_days(days, y, mo, d);
    *rem = (int)r;
}

void medsec_date_format(int64_t secs, char out[11])
{
    int64_t y;
    int mo, d, rem;
    split(secs, &y, &mo, &d, &rem);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)mo % 100u,
             (unsigned)d % 100u);
}

void medsec_time_format(int64_t secs, char out[21])
{
    int64_t y;
    int mo, d, rem;
    split(secs, &y, &mo, &d, &rem);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    unsigned r = (unsigned)rem;
    snprintf(out, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y % 10000u, (unsigned)mo % 100u,
             (unsigned)d % 100u, r / 3600 % 100u, r / 60 % 60u, r % 60u);
}
