/* today.c: the date commands treat as "today": MEDSEC_TODAY (YYYY-MM-DD, tests fix it) or the clock. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "medsec/model.h"

const char *cli_today(char buf[11])
{
    const char *env = getenv("MEDSEC_TODAY");
    if (env && medsec_date_parse(env, NULL)) {
        snprintf(buf, 11, "%s", env);
        return buf;
    }
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || strftime(buf, 11, "%Y-%m-%d", &tm) != 10)
        snprintf(buf, 11, "1970-01-01");
    return buf;
}
