/* medsec/csv.h: writing RFC 4180 CSV into a buffer, safe to open in a spreadsheet. */
#ifndef MEDSEC_CSV_H
#define MEDSEC_CSV_H

#include <stdbool.h>

#include "medsec/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Append one field (NULL as empty), quoted when it holds a comma, quote, CR or LF, then "," or, for
 * the @last field of a row, CRLF. A field that begins with '=', '+', '-', '@', TAB or CR (a formula
 * to a spreadsheet) is written quoted with a "'" in front, as OWASP recommends against CSV
 * injection. Returns the buffer's error (sticky errors are the caller's). */
medsec_err medsec_csv_field(struct medsec_buf *b, const char *s, bool last);

#ifdef __cplusplus
}
#endif
#endif
