/* csvw.c: RFC 4180 fields into a buffer. */
#include <string.h>

#include "medsec/csv.h"

medsec_err medsec_csv_field(struct medsec_buf *b, const char *s, bool last)
{
    medsec_err rc = MEDSEC_OK;
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n")) {
        rc = medsec_buf_addc(b, '"');
        const char *q;
        while (!rc && (q = strchr(s, '"'))) { /* each quote doubled */
            rc = medsec_buf_add(b, s, (size_t)(q - s) + 1);
            if (!rc)
                rc = medsec_buf_addc(b, '"');
            s = q + 1;
        }
        if (!rc)
            rc = medsec_buf_adds(b, s);
        if (!rc)
            rc = medsec_buf_addc(b, '"');
    } else {
        rc = medsec_buf_adds(b, s);
    }
    return rc ? rc : medsec_buf_adds(b, last ? "\r\n" : ",");
}
