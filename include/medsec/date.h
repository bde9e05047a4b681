/* medsec/date.h: calendar dates and UTC timestamps as the security file and the database write
 * them. */
#ifndef MEDSEC_DATE_H
#define MEDSEC_DATE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Parse a real calendar date "YYYY-MM-DD" (year 1900 or later, leap years checked) into days since
 * 1970-01-01 (@days may be NULL). */
bool medsec_date_parse(const char *s, long *days);

/* Parse "YYYY-MM-DD" (midnight) or "YYYY-MM-DDTHH:MM:SSZ" (UTC) into seconds since the epoch. */
bool medsec_time_parse(const char *s, int64_t *secs);

/* Seconds since the epoch as "YYYY-MM-DD" (11 bytes) and "YYYY-MM-DDTHH:MM:SSZ" (21 bytes), UTC. */
void medsec_date_format(int64_t secs, char out[11]);
void medsec_time_format(int64_t secs, char out[21]);

#ifdef __cplusplus
}
#endif
#endif
