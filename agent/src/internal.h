/* internal.h: helpers the agent's sources share (byte order, SHA-256 through the port, constant
 * time comparison). Not part of the API. */
#ifndef MSA_INTERNAL_H
#define MSA_INTERNAL_H

#include <string.h>

#include "msa/msa.h"
#include "msa/port.h"

static inline void msa_put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static inline void msa_put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void msa_put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint16_t msa_get16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t msa_get32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline uint64_t msa_get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* 0 when the @n bytes at @a and @b are equal; time independent of where they differ. */
static inline int msa_ct_diff(const unsigned char *a, const unsigned char *b, size_t n)
{
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d != 0;
}

/* SHA-256 of one buffer through the port. */
static inline msa_err msa_sha256_buf(const struct msa_port *port, const void *data, size_t n,
                                     unsigned char out[32])
{
    struct msa_sha256 h;
    if (!port->sha256_init || port->sha256_init(port->ctx, &h) ||
        port->sha256_update(port->ctx, &h, data, n) || port->sha256_final(port->ctx, &h, out))
        return MSA_E_PORT;
    return MSA_OK;
}

#endif
