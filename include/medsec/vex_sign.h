/* medsec/vex_sign.h: detached Ed25519 signatures of VEX documents (libsodium), so that a hospital
 * can check that a VEX file is the manufacturer's and unchanged (docs/vex.md, "Signing").
 *
 * Key and signature files are text: lines starting with '#' are comments, the first other line is
 * standard base64 (RFC 4648, padded) of the raw bytes: a secret key file holds the 32-byte Ed25519
 * seed, a public key file the 32-byte public key, a signature file the 64-byte detached signature
 * of the document's exact bytes. Files over 4 KiB are refused. */
#ifndef MEDSEC_VEX_SIGN_H
#define MEDSEC_VEX_SIGN_H

#include <stddef.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MEDSEC_VEX_KEY_MAX 4096 /* bytes of a key or signature file */

/* A new key pair as the texts of its two files (each one line ending in a newline, the secret one
 * preceded by a comment); the caller frees both with medsec_free. */
medsec_err medsec_vex_keygen(char **secret_text, char **public_text, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* The public key file text of the secret key file text @key (@key_name names it in errors). */
medsec_err medsec_vex_key_public(const char *key, size_t key_len, const char *key_name,
                                 char **public_text, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Sign the @n bytes at @data with the secret key file text @key: *@sig_text (free with
 * medsec_free) gets the signature file's text. MEDSEC_EPARSE / MEDSEC_ETOOBIG for a bad key file,
 * naming @key_name. */
medsec_err medsec_vex_sign(const void *data, size_t n, const char *key, size_t key_len,
                           const char *key_name, char **sig_text, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Check the signature file text @sig (named @sig_name) of the @n bytes at @data against the public
 * key file text @pub (named @pub_name). MEDSEC_OK when it is valid; MEDSEC_EVERIFY when it is not
 * (the document or the signature changed, or another key signed it); MEDSEC_EPARSE /
 * MEDSEC_ETOOBIG for a malformed file. */
medsec_err medsec_vex_verify(const void *data, size_t n, const char *sig, size_t sig_len,
                             const char *sig_name, const char *pub, size_t pub_len,
                             const char *pub_name, struct medsec_error *err)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
