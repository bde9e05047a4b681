/* error.c: error names and the helpers that fill a struct medsec_error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "medsec/error.h"

static const char *const names[MEDSEC_ERR_COUNT] = {
    [MEDSEC_OK] = "success",
    [MEDSEC_ENOMEM] = "out of memory",
    [MEDSEC_EIO] = "input/output error",
    [MEDSEC_EPARSE] = "malformed input",
    [MEDSEC_EINVAL] = "invalid value",
    [MEDSEC_ETOOBIG] = "input exceeds a limit",
    [MEDSEC_ENOTFOUND] = "not found",
    [MEDSEC_EUNSUPPORTED] = "unsupported",
    [MEDSEC_EDB] = "database error",
    [MEDSEC_ENET] = "network error",
    [MEDSEC_EVERIFY] = "verification failed",
    [MEDSEC_EINTERNAL] = "internal error",
};

const char *medsec_strerror(medsec_err err)
{
    if ((unsigned)err >= MEDSEC_ERR_COUNT)
        return "unknown error";
    return names[err];
}

void medsec_error_clear(struct medsec_error *e)
{
    if (!e)
        return;
    e->code = MEDSEC_OK;
    e->file[0] = '\0';
    e->line = 0;
    e->column = 0;
    e->msg[0] = '\0';
}

medsec_err medsec_error_set(struct medsec_error *e, medsec_err code, const char *file,
                            unsigned line, unsigned column, const char *fmt, ...)
{
    if (!e)
        return code;
    e->code = code;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->line = line;
    e->column = column;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    } else {
        snprintf(e->msg, sizeof e->msg, "%s", medsec_strerror(code));
    }
    return code;
}
