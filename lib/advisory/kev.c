/* kev.c: the CISA Known Exploited Vulnerabilities catalog: one entry of the JSON feed, and the CSV
 * download (RFC 4180: a header row naming the columns, quoted fields with "" escapes and line
 * breaks inside them). */
#include <string.h>

#include "internal.h"
#include "reader.h"

medsec_err medsec_kev_from_json(const struct medsec_json *v, struct medsec_kev_entry *out,
                                struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    out->cve = adv_str(v, "cveID");
    if (!out->cve || strncmp(out->cve, "CVE-", 4) != 0)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "KEV entry without a \"cveID\"");
    out->vendor = adv_str(v, "vendorProject");
    out->product = adv_str(v, "product");
    out->name = adv_str(v, "vulnerabilityName");
    out->description = adv_str(v, "shortDescription");
    out->date_added = adv_str(v, "dateAdded");
    out->due_date = adv_str(v, "dueDate");
    out->ransomware = adv_str(v, "knownRansomwareCampaignUse");
    out->action = adv_str(v, "requiredAction");
    out->notes = adv_str(v, "notes");
    return MEDSEC_OK;
}

uint64_t adv_kev_hash(const struct medsec_kev_entry *k)
{
    /* the fields in order, so that the JSON feed and the CSV of one catalog hash alike */
    const char *f[] = {k->cve,        k->vendor,   k->product,    k->name,   k->description,
                       k->date_added, k->due_date, k->ransomware, k->action, k->notes};
    uint64_t h = 0;
    for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
        h = h * 31 + medsec_adv_hash(f[j] ? f[j] : "", f[j] ? strlen(f[j]) : 0);
    return h;
}

/* The catalog's column names, in the order of the entry's fields. */
static const char *const kev_columns[] = {"cveID",
                                          "vendorProject",
                                          "product",
                                          "vulnerabilityName",
                                          "shortDescription",
                                          "dateAdded",
                                          "dueDate",
                                          "knownRansomwareCampaignUse",
                                          "requiredAction",
                                          "notes"};
#define KEV_NCOLS (sizeof kev_columns / sizeof kev_columns[0])
#define KEV_MAX_FIELDS 64        /* columns in a row */
#define KEV_MAX_ROW (256 * 1024) /* bytes in a row */

/* Is this text the KEV catalog as CSV? Its header row names cveID and another catalog column. */
bool adv_kev_csv_detect(const char *text, size_t len)
{
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF) {
        text += 3;
        len -= 3;
    }
    const char *nl = memchr(text, '\n', len);
    const char *end = nl ? nl : text + len, *p = text;
    bool cve = false, other = false;
    while (p < end) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        const char *fe = c ? c : end;
        const char *a = p, *b = fe;
        if (b > a && b[-1] == '\r')
            b--;
        if (b - a >= 2 && *a == '"' && b[-1] == '"') {
            a++;
            b--;
        }
        for (size_t k = 0; k < KEV_NCOLS; k++)
            if ((size_t)(b - a) == strlen(kev_columns[k]) &&
                memcmp(a, kev_columns[k], (size_t)(b - a)) == 0) {
                if (k == 0)
                    cve = true;
                else
                    other = true;
            }
        p = c ? c + 1 : end;
    }
    return cve && other;
}

/* One CSV row: its fields unescaped into one buffer, NUL-separated. */
struct csv_row {
    struct medsec_buf text;
    size_t start[KEV_MAX_FIELDS];
    size_t n;
    bool too_many, too_long;
};

/* Read the row at *p (which starts on line *line); leaves *p after its line break and counts the
 * lines it spans. *closed is false for a quoted field that never ends (the rest of the text is that
 * row). */
static medsec_err csv_next(const char **p, const char *end, unsigned *line, struct csv_row *row,
                           bool *closed)
{
    medsec_buf_reset(&row->text);
    row->n = 0;
    row->too_many = row->too_long = false;
    *closed = true;
    const char *s = *p;
    bool quoted = false, field_open = true;
    row->start[row->n++] = 0;
    while (s < end) {
        char c = *s++;
        if (quoted) {
            if (c == '"') {
                if (s < end && *s == '"') {
                    s++;
                } else {
                    quoted = false;
                    continue;
                }
            } else if (c == '\n') {
                (*line)++;
            }
        } else if (c == '"' && field_open) {
            quoted = true;
            field_open = false;
            continue;
        } else if (c == ',') {
            if (medsec_buf_addc(&row->text, '\0'))
                return MEDSEC_ENOMEM;
            if (row->n < KEV_MAX_FIELDS)
                row->start[row->n++] = row->text.len;
            else
                row->too_many = true;
            field_open = true;
            continue;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && s < end && *s == '\n')
                s++;
            (*line)++;
            break;
        }
        field_open = false;
        if (row->text.len >= KEV_MAX_ROW) {
            row->too_long = true;
            continue;
        }
        if (medsec_buf_addc(&row->text, c))
            return MEDSEC_ENOMEM;
    }
    if (quoted)
        *closed = false;
    *p = s;
    return medsec_buf_addc(&row->text, '\0');
}

static const char *field(const struct csv_row *row, int col)
{
    if (col < 0 || (size_t)col >= row->n)
        return NULL;
    const char *v = row->text.data + row->start[col];
    return v[0] ? v : NULL;
}

medsec_err adv_kev_csv_read(struct adv_reader *r, const char *origin, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;
    struct csv_row row;
    memset(&row, 0, sizeof row);
    medsec_buf_init(&row.text, 0);
    int col[KEV_NCOLS];
    unsigned line = 1;
    bool closed;
    medsec_err rc = csv_next(&p, end, &line, &row, &closed);
    if (rc)
        goto oom;
    for (size_t k = 0; k < KEV_NCOLS; k++) {
        col[k] = -1;
        for (size_t i = 0; i < row.n; i++)
            if (strcmp(row.text.data + row.start[i], kev_columns[k]) == 0)
                col[k] = (int)i;
    }
    while (!rc && p < end) {
        unsigned at = line;
        rc = csv_next(&p, end, &line, &row, &closed);
        if (rc)
            goto oom;
        if (row.n == 1 && row.text.len == 1)
            continue; /* an empty line */
        struct medsec_kev_entry k = {
            .cve = field(&row, col[0]),
            .vendor = field(&row, col[1]),
            .product = field(&row, col[2]),
            .name = field(&row, col[3]),
            .description = field(&row, col[4]),
            .date_added = field(&row, col[5]),
            .due_date = field(&row, col[6]),
            .ransomware = field(&row, col[7]),
            .action = field(&row, col[8]),
            .notes = field(&row, col[9]),
        };
        const char *why = !closed        ? "a quoted field that never ends"
                          : row.too_many ? "more than 64 fields"
                          : row.too_long ? "a row longer than 256 KiB"
                          : !k.cve || strncmp(k.cve, "CVE-", 4) != 0 ? "no CVE id in column cveID"
                          : strlen(k.cve) != strcspn(k.cve, " \t")   ? "a CVE id with blanks in it"
                                                                     : NULL;
        if (why) {
            adv_warn(r, origin, at, 1, "malformed KEV row (%s); skipped", why);
            r->stats->malformed++;
            continue;
        }
        rc = adv_deliver_kev(r, &k, origin, at);
    }
    medsec_buf_release(&row.text);
    return rc;
oom:
    medsec_buf_release(&row.text);
    return medsec_error_set(r->err, MEDSEC_ENOMEM, origin, line, 0, "out of memory");
}
