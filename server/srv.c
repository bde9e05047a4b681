/* srv.c: what every server module shares (srv.h). */
#include "srv.h"

#include <stdarg.h>
#include <stdio.h>

#include "medsec/json.h"

medsec_err srv_error(struct srv_resp *rs, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rs->status = status;
    rs->content_type = "application/json";
    medsec_buf_reset(&rs->body);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &rs->body, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "error");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "status", status);
    medsec_jsonw_kv_string(&w, "message", msg);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}
