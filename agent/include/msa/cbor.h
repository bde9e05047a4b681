/* msa/cbor.h: the agent's CBOR reader (RFC 8949), no heap. A reader is a cursor over a caller's
 * buffer; every call checks the bytes it reads against the end of that buffer, so attacker-made
 * input never makes the agent read out of bounds.
 *
 * Only definite lengths are accepted: SUIT (draft-ietf-suit-manifest-34, section 8) and COSE
 * structures as the agent reads them never need indefinite-length items, which give
 * MSA_E_UNSUPPORTED. Not well-formed bytes (reserved additional information, a lone "break", a
 * two-byte simple value below 32) give MSA_E_CBOR, an item running past the end MSA_E_TRUNCATED,
 * nesting deeper than MSA_CBOR_DEPTH_MAX MSA_E_LIMIT. A call that expects one type and finds
 * another gives MSA_E_CBOR and leaves the cursor where it was. */
#ifndef MSA_CBOR_H
#define MSA_CBOR_H

#include "msa/msa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CBOR major types */
#define MSA_CBOR_UINT 0
#define MSA_CBOR_NINT 1
#define MSA_CBOR_BSTR 2
#define MSA_CBOR_TSTR 3
#define MSA_CBOR_ARRAY 4
#define MSA_CBOR_MAP 5
#define MSA_CBOR_TAG 6
#define MSA_CBOR_SIMPLE 7

/* A cursor: the next byte to read and the end of the buffer (both borrowed). */
struct msa_cbor {
    const unsigned char *p;
    const unsigned char *end;
};

/* The head of one item: its major type and argument (the value of an integer, the length of a
 * string, the count of an array, the pairs of a map, the number of a tag, the simple value). */
struct msa_cbor_head {
    unsigned major;
    uint64_t arg;
};

/* Start a cursor over the @n bytes at @buf. */
void msa_cbor_init(struct msa_cbor *c, const void *buf, size_t n);
/* Nonzero when the cursor is at the end of its buffer. */
int msa_cbor_done(const struct msa_cbor *c);
/* Bytes left to read. */
size_t msa_cbor_left(const struct msa_cbor *c);

/* Read the head of the next item without moving. For strings the content is not checked. */
msa_err msa_cbor_peek(const struct msa_cbor *c, struct msa_cbor_head *h);
/* Skip one whole item (with everything nested in it), checking that it is well-formed. */
msa_err msa_cbor_skip(struct msa_cbor *c);
/* Skip one whole item and return where it starts and how many bytes it has. */
msa_err msa_cbor_item(struct msa_cbor *c, const unsigned char **p, size_t *n);

/* Typed reads; each moves past the item it read. */
msa_err msa_cbor_uint(struct msa_cbor *c, uint64_t *v);
/* An integer of major type 0 or 1 that fits int64_t (else MSA_E_UNSUPPORTED). */
msa_err msa_cbor_int(struct msa_cbor *c, int64_t *v);
/* A byte or text string: @p points at its content inside the buffer. */
msa_err msa_cbor_bstr(struct msa_cbor *c, const unsigned char **p, size_t *n);
msa_err msa_cbor_tstr(struct msa_cbor *c, const unsigned char **p, size_t *n);
/* The head of an array or map: @n its count (of elements, of pairs). The count is checked against
 * the bytes left (each element takes at least one byte), never trusted for memory. */
msa_err msa_cbor_array(struct msa_cbor *c, size_t *n);
msa_err msa_cbor_map(struct msa_cbor *c, size_t *n);
/* If the next item is tag @tag, move past the tag's head; otherwise do nothing. MSA_OK either way
 * unless the bytes are malformed or end. */
msa_err msa_cbor_tag_optional(struct msa_cbor *c, uint64_t tag);
/* The simple values null, true and false. */
msa_err msa_cbor_null(struct msa_cbor *c);
msa_err msa_cbor_bool(struct msa_cbor *c, int *v);
/* Nonzero when the next item is null (without moving). */
int msa_cbor_is_null(const struct msa_cbor *c);

/* MSA_OK when the @n bytes at @buf are exactly one well-formed item. */
msa_err msa_cbor_wellformed(const void *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
