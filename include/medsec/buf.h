/* medsec/buf.h: a growable byte buffer with a hard size cap (text is always NUL-terminated). */
#ifndef MEDSEC_BUF_H
#define MEDSEC_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "medsec/error.h"

struct medsec_buf {
    char *data; /* always a NUL-terminated text: the shared empty text until the first byte */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated; 0 while data is the shared empty text */
    size_t max; /* cap on len; 0 means MEDSEC_BUF_DEFAULT_MAX */
};

/* The shared empty text of buffers that hold nothing yet; never written to. */
extern char medsec_buf_empty_[1];

/* clang-format off */
#define MEDSEC_BUF_INIT {medsec_buf_empty_, 0, 0, 0}
/* clang-format on */
#define MEDSEC_BUF_DEFAULT_MAX ((size_t)1 << 30)

void medsec_buf_init(struct medsec_buf *b, size_t max);
/* Append; MEDSEC_ETOOBIG when the cap would be passed, MEDSEC_ENOMEM on allocation failure. */
medsec_err medsec_buf_add(struct medsec_buf *b, const void *data, size_t len);
medsec_err medsec_buf_adds(struct medsec_buf *b, const char *s);
medsec_err medsec_buf_addc(struct medsec_buf *b, char c);
medsec_err medsec_buf_addf(struct medsec_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
medsec_err medsec_buf_vaddf(struct medsec_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void medsec_buf_reset(struct medsec_buf *b); /* len = 0, keeps memory */
/* Hand the data to the caller (who frees it with medsec_free; NULL only when memory ran out);
 * the buffer is empty afterwards. */
char *medsec_buf_detach(struct medsec_buf *b, size_t *len);
/* Free the memory; the buffer can be reused. */
void medsec_buf_release(struct medsec_buf *b);

#endif
