/* table.c: plain-text tables sized to their content, their cells escaped for a terminal. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "medsec/alloc.h"

/* Display width: UTF-8 code points (continuation bytes do not count). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

int cli_table_init(struct cli_table *t, size_t ncols, const char *const *headers)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    return cli_table_add(t, headers);
}

int cli_table_add(struct cli_table *t, const char *const *cells)
{
    if (t->ncols &&
        medsec_array_reserve(&t->cells, &t->cap, t->nrows + 1, t->ncols * sizeof *t->cells))
        return -1;
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        struct medsec_buf b = MEDSEC_BUF_INIT; /* control characters escaped (cli_escape) */
        row[i] = cli_escape(&b, cells[i] ? cells[i] : "-") ? NULL : medsec_buf_detach(&b, NULL);
        medsec_buf_release(&b);
        if (!row[i]) {
            while (i--)
                medsec_free(row[i]);
            return -1;
        }
    }
    t->nrows++;
    return 0;
}

void cli_table_print(const struct cli_table *t, FILE *out)
{
    size_t *w = calloc(t->ncols ? t->ncols : 1, sizeof *w);
    if (!w)
        return;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t cw = width(t->cells[r * t->ncols + c]);
            if (cw > w[c])
                w[c] = cw;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * t->ncols + c];
            fputs(s, out);
            if (c + 1 < t->ncols)
                fprintf(out, "%*s", (int)(w[c] - width(s) + 2), "");
        }
        fputc('\n', out);
        if (r == 0) {
            for (size_t c = 0; c < t->ncols; c++) {
                for (size_t i = 0; i < w[c]; i++)
                    fputc('-', out);
                if (c + 1 < t->ncols)
                    fputs("  ", out);
            }
            fputc('\n', out);
        }
    }
    free(w);
}

void cli_table_release(struct cli_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        medsec_free(t->cells[i]);
    medsec_free(t->cells);
    memset(t, 0, sizeof *t);
}
