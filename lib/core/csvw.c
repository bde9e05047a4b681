/* csvw.c: RFC 4180 fields into a buffer, with cells a spreadsheet would run as a formula
 * neutralised (OWASP, "CSV Injection"). */
#include <string.h>

#include "medsec/csv.h"

medsec_err medsec_csv_field(struct medsec_buf *b, const char *s, bool last)
{
    medsec_err rc = MEDSEC_OK;
    s = s ? s : "";
    /* Excel, LibreOffice and Google Sheets evaluate a cell that begins with one of these; a quote
     * in front makes it text, and the quotes around the field keep it one cell */
    bool formula = s[0] && strchr("=+-@\t\r", s[0]);
    if (formula || strpbrk(s, ",\"\r\n")) {
        rc = medsec_buf_adds(b, formula ? "\"'" : "\"");
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
