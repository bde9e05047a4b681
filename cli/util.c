/* util.c: error printing, exit-code mapping, terminal detection and the escaping of text for
 * people for the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/json.h"

/* ---- text for people -------------------------------------------------------------------------
 * A name in an SBOM, a key in device.yaml or a file name can hold ESC, CSI and the like, which a
 * terminal would obey. Everything printed for a person goes through cli_escape / cli_esc, always
 * (not only on a terminal: a report written to a file is read on one later, and the golden tests
 * see what a person would). */

/* The length of the well-formed UTF-8 character (RFC 3629) at @s, 0 when none starts there. Reads
 * no further than a NUL. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3, lo = s[0] == 0xE0 ? 0xA0 : 0x80, hi = s[0] == 0xED ? 0x9F : 0xBF;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4, lo = s[0] == 0xF0 ? 0x90 : 0x80, hi = s[0] == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* How many bytes at @s print as they are: a printable ASCII byte or a UTF-8 character that is not
 * a C1 control (U+0080..U+009F); 0 when the byte there needs an escape. */
static size_t plain_len(const unsigned char *s)
{
    size_t n = utf8_len(s);
    if (n == 1)
        return s[0] >= 0x20 && s[0] != 0x7F;
    return n == 2 && s[0] == 0xC2 && s[1] < 0xA0 ? 0 : n;
}

static bool needs_escape(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = plain_len(p);
        if (!n)
            return true;
        p += n;
    }
    return false;
}

medsec_err cli_escape(struct medsec_buf *b, const char *s)
{
    medsec_err rc = MEDSEC_OK;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && !rc) {
        size_t n = 0;
        while (p[n] && plain_len(p + n))
            n += plain_len(p + n);
        if (n) {
            rc = medsec_buf_add(b, p, n);
            p += n;
        } else if (*p == '\n' || *p == '\t' || *p == '\r') {
            rc = medsec_buf_adds(b, *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : "\\r");
            p++;
        } else if (utf8_len(p) == 2) { /* a C1 control */
            rc = medsec_buf_addf(b, "\\u%04x", p[1]);
            p += 2;
        } else { /* another C0 control, DEL, a byte that is not UTF-8 */
            rc = medsec_buf_addf(b, "\\x%02x", *p);
            p++;
        }
    }
    return rc;
}

/* The escaped copies cli_esc handed out, each freed when its slot comes round again. */
#define ESC_KEEP 16
static char *esc_kept[ESC_KEEP];
static size_t esc_next;

static void esc_release(void)
{
    for (size_t i = 0; i < ESC_KEEP; i++) {
        medsec_free(esc_kept[i]);
        esc_kept[i] = NULL;
    }
}

const char *cli_esc(const char *s)
{
    if (!s || !needs_escape(s))
        return s;
    static bool registered;
    if (!registered)
        registered = atexit(esc_release) == 0;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    char *t = cli_escape(&b, s) ? NULL : medsec_buf_detach(&b, NULL);
    medsec_buf_release(&b);
    if (!t)
        return "(out of memory)";
    medsec_free(esc_kept[esc_next]);
    esc_kept[esc_next] = t;
    esc_next = (esc_next + 1) % ESC_KEEP;
    return t;
}

int cli_exit_for(medsec_err rc)
{
    switch (rc) {
    case MEDSEC_OK: return EXIT_OK_;
    case MEDSEC_EPARSE:
    case MEDSEC_EINVAL:
    case MEDSEC_ETOOBIG:
    case MEDSEC_ENOTFOUND:
    case MEDSEC_EUNSUPPORTED:
    case MEDSEC_EIO:
    case MEDSEC_EVERIFY: return EXIT_USAGE;
    default: return EXIT_INTERNAL;
    }
}

int cli_fail(const struct medsec_error *err, medsec_err rc)
{
    cli_print_error(err);
    return cli_exit_for(rc);
}

void cli_print_error(const struct medsec_error *e)
{
    fputs("medsec: ", stderr);
    if (e->file[0]) {
        fputs(cli_esc(e->file), stderr);
        if (e->line) {
            fprintf(stderr, ":%u", e->line);
            if (e->column)
                fprintf(stderr, ":%u", e->column);
        }
        fputs(": ", stderr);
    }
    fprintf(stderr, "error: %s\n", e->msg[0] ? cli_esc(e->msg) : medsec_strerror(e->code));
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    struct medsec_buf msg = MEDSEC_BUF_INIT;
    va_start(ap, fmt);
    medsec_err rc = medsec_buf_vaddf(&msg, fmt, ap); /* it quotes the arguments given */
    va_end(ap);
    fprintf(stderr, "medsec %s: %s\nTry 'medsec %s --help'.\n", cmd,
            rc ? "out of memory" : cli_esc(msg.data), cmd);
    medsec_buf_release(&msg);
    return EXIT_USAGE;
}

void cli_print_diags(FILE *out, const struct medsec_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct medsec_diag *g = &d->v[i];
        fputs(cli_esc(g->file), out);
        if (g->line) {
            fprintf(out, ":%u", g->line);
            if (g->column)
                fprintf(out, ":%u", g->column);
        }
        fprintf(out, ": %s: %s\n", medsec_severity_name(g->severity), cli_esc(g->msg));
    }
    if (d->dropped)
        fprintf(out, "medsec: %zu more diagnostics not shown\n", d->dropped);
}

bool cli_is_tty(FILE *f)
{
    if (!isatty(fileno(f)))
        return false;
    const char *term = getenv("TERM"), *no_color = getenv("NO_COLOR");
    if ((term && strcmp(term, "dumb") == 0) || (no_color && *no_color))
        return false;
    return true;
}

int cli_open_device(const char *dir, const struct medsec_device_opts *opts,
                    struct medsec_device **d)
{
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_err rc = medsec_device_open(cli_context(), dir, opts, d, &diags, &err);
    if (rc)
        cli_print_diags(stderr,
                        &diags); /* warnings of a file that loads are medsec validate's business */
    medsec_diags_release(&diags);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

/* @path as a SARIF artifactLocation.uri, which is a URI reference (SARIF 2.1.0 3.4.3, RFC 3986):
 * every byte a path segment may not hold is percent-encoded (a space, '%', '#', '?', non-ASCII),
 * a relative path stays a relative reference (with a ':' in its first segment encoded, or it would
 * read as a scheme), and an absolute path becomes a file URI. NULL when memory ran out. */
const char *cli_sarif_uri(struct medsec_buf *b, const char *path)
{
    medsec_buf_reset(b);
    bool first = path[0] != '/'; /* in the first segment of a relative reference */
    medsec_err rc = first ? MEDSEC_OK : medsec_buf_adds(b, "file://");
    for (const unsigned char *s = (const unsigned char *)path; *s && !rc; s++) {
        bool keep = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                    (*s >= '0' && *s <= '9') || strchr("-._~!$&'()*+,;=@/", *s) ||
                    (*s == ':' && !first);
        first &= *s != '/';
        rc = keep ? medsec_buf_addc(b, (char)*s) : medsec_buf_addf(b, "%%%02X", *s);
    }
    return rc ? NULL : b->data;
}

void cli_sarif_begin(struct medsec_jsonw *w, const char *name)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    medsec_jsonw_kv_string(w, "version", "2.1.0");
    medsec_jsonw_key(w, "runs");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "tool");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "driver");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "name", name);
    medsec_jsonw_kv_string(w, "semanticVersion", MEDSEC_VERSION);
    medsec_jsonw_key(w, "rules");
    medsec_jsonw_array_begin(w);
}
