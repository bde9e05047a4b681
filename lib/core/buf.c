/* buf.c: growable, capped byte buffer. */
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"

char medsec_buf_empty_[1];

void medsec_buf_init(struct medsec_buf *b, size_t max)
{
    b->data = medsec_buf_empty_;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static medsec_err grow(struct medsec_buf *b, size_t extra)
{
    size_t max = b->max ? b->max : MEDSEC_BUF_DEFAULT_MAX;
    if (extra > max || b->len > max - extra)
        return MEDSEC_ETOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return MEDSEC_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    char *p = medsec_realloc(b->cap ? b->data : NULL, cap);
    if (!p)
        return MEDSEC_ENOMEM;
    b->data = p;
    b->cap = cap;
    return MEDSEC_OK;
}

medsec_err medsec_buf_add(struct medsec_buf *b, const void *data, size_t len)
{
    medsec_err rc = grow(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return MEDSEC_OK;
}

medsec_err medsec_buf_adds(struct medsec_buf *b, const char *s)
{
    return medsec_buf_add(b, s, strlen(s));
}

medsec_err medsec_buf_addc(struct medsec_buf *b, char c)
{
    return medsec_buf_add(b, &c, 1);
}

medsec_err medsec_buf_vaddf(struct medsec_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return MEDSEC_EINVAL;
    medsec_err rc = grow(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return MEDSEC_OK;
}

medsec_err medsec_buf_addf(struct medsec_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    medsec_err rc = medsec_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void medsec_buf_reset(struct medsec_buf *b)
{
    b->len = 0;
    if (b->cap)
        b->data[0] = '\0';
}

char *medsec_buf_detach(struct medsec_buf *b, size_t *len)
{
    char *p = b->cap ? b->data : medsec_strndup("", 0);
    if (len)
        *len = p ? b->len : 0;
    b->data = medsec_buf_empty_;
    b->len = 0;
    b->cap = 0;
    return p;
}

void medsec_buf_release(struct medsec_buf *b)
{
    if (b->cap)
        medsec_free(b->data);
    b->data = medsec_buf_empty_;
    b->len = 0;
    b->cap = 0;
}
