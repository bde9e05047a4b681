/* medsec/error.h: the one error enum of libmedsec and the detail record a caller passes in. */
#ifndef MEDSEC_ERROR_H
#define MEDSEC_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every libmedsec function that can fail returns one of these; 0 is success. */
typedef enum medsec_err {
    MEDSEC_OK = 0,
    MEDSEC_ENOMEM,       /* an allocation failed */
    MEDSEC_EIO,          /* reading or writing a file failed */
    MEDSEC_EPARSE,       /* input is not well-formed (JSON, YAML, vector, version...) */
    MEDSEC_EINVAL,       /* input is well-formed but a value is not allowed */
    MEDSEC_ETOOBIG,      /* input exceeds a size, depth or count cap */
    MEDSEC_ENOTFOUND,    /* a named thing does not exist */
    MEDSEC_EUNSUPPORTED, /* a format or version medsec does not handle */
    MEDSEC_EDB,          /* the local database reported an error */
    MEDSEC_ENET,         /* a network transfer failed */
    MEDSEC_EVERIFY,      /* a signature, digest or integrity check failed */
    MEDSEC_EINTERNAL,    /* a bug in medsec */
    MEDSEC_ERR_COUNT
} medsec_err;

/* A short English description of @err; never NULL, static storage. */
const char *medsec_strerror(medsec_err err);

/*
 * Where and why an operation failed. The caller owns it (usually on its stack) and passes it to a
 * library call; the library fills it in on failure. Fields are empty / 0 when unknown.
 */
struct medsec_error {
    medsec_err code;
    char file[512];
    unsigned line;   /* 1-based, 0 = unknown */
    unsigned column; /* 1-based, 0 = unknown */
    char msg[512];
};

/* Reset @e to "no error". NULL is allowed. */
void medsec_error_clear(struct medsec_error *e);

/* Fill @e (may be NULL) and return @code, so callers can write `return medsec_error_set(...)`. */
medsec_err medsec_error_set(struct medsec_error *e, medsec_err code, const char *file,
                            unsigned line, unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#ifdef __cplusplus
}
#endif
#endif
