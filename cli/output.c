/* output.c: where a command's result goes: standard output, or a file written atomically. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "medsec/file.h"
#include "medsec/json.h"

int cli_output_open(struct cli_output *o, const char *path)
{
    o->path = path;
    o->mem = NULL;
    o->len = 0;
    o->keep = false;
    o->f = path ? open_memstream(&o->mem, &o->len) : stdout;
    if (!o->f) {
        fputs("medsec: error: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    return EXIT_OK_;
}

int cli_output_close(struct cli_output *o, int ex)
{
    if (!o->path) {
        if (o->f && (fflush(o->f) != 0 || ferror(o->f)) &&
            (ex == EXIT_OK_ || ex == EXIT_FINDINGS)) {
            fputs("medsec: error writing output\n", stderr);
            ex = EXIT_INTERNAL;
        }
        o->f = NULL;
        return ex;
    }
    bool broken = fclose(o->f) != 0;
    o->f = NULL;
    if (ex == EXIT_OK_ || ex == EXIT_FINDINGS || o->keep) {
        struct medsec_error err;
        medsec_err rc = broken
                            ? MEDSEC_ENOMEM
                            : medsec_file_write_atomic(o->path, o->mem ? o->mem : "", o->len, &err);
        if (broken) {
            fputs("medsec: error: out of memory\n", stderr);
            ex = EXIT_INTERNAL;
        } else if (rc) {
            int wex = cli_fail(&err, rc);
            ex = ex == EXIT_OK_ || ex == EXIT_FINDINGS ? wex : ex;
        }
    }
    free(o->mem); /* open_memstream's buffer comes from the C library */
    o->mem = NULL;
    return ex;
}

int cli_output_json(struct cli_output *o, struct medsec_jsonw *w, struct medsec_buf *b)
{
    if (medsec_jsonw_finish(w) != MEDSEC_OK) {
        fputs("medsec: error: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    return b->len && fwrite(b->data, 1, b->len, o->f) != b->len ? EXIT_INTERNAL : EXIT_OK_;
}
