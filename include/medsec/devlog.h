/* medsec/devlog.h: the manufacturer's side of the device agent's security log and decommission
 * records: read key files, verify a log export (complete, unmodified, in order) and a signed
 * decommission record. The checks are the agent core's own (msa/log.h, msa/agent.h), run over the
 * host crypto backend; docs/log.md gives the formats. */
#ifndef MEDSEC_DEVLOG_H
#define MEDSEC_DEVLOG_H

#include <stddef.h>
#include <stdint.h>

#include "medsec/error.h"
#include "msa/agent.h"
#include "msa/log.h"

/* Largest export and key file read. */
#define MEDSEC_DEVLOG_EXPORT_MAX ((size_t)64 << 20)
#define MEDSEC_DEVLOG_KEY_MAX 4096

/* A 32-byte key from a key file's bytes: 32 raw bytes, or 64 hexadecimal digits with optional
 * white space around them (the log's HMAC key, the device's Ed25519 public key). @path names the
 * file in @err. */
medsec_err medsec_devlog_key(const char *data, size_t len, const char *path, unsigned char key[32],
                             struct medsec_error *err) __attribute__((warn_unused_result));

/* Verify the log export @exp (@n bytes, from @path) with the log's HMAC key @key and the device's
 * public key @pub (each 32 bytes, may be NULL). MEDSEC_EVERIFY when anything is changed, removed,
 * moved or cut off (@err says which record and why), else MEDSEC_OK and @rep filled. */
medsec_err medsec_devlog_verify(const unsigned char *exp, size_t n, const char *path,
                                const unsigned char *key, const unsigned char *pub,
                                struct msa_log_report *rep, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Record @i of an export that medsec_devlog_verify accepted. */
medsec_err medsec_devlog_record(const unsigned char *exp, size_t n, uint32_t i,
                                struct msa_log_record *rec);

/* Verify a decommission record @rec (@n bytes, from @path) signed by the device key @pub.
 * MEDSEC_EPARSE when it is not a record, MEDSEC_EVERIFY when the signature fails. */
medsec_err medsec_devlog_decom_verify(const unsigned char *rec, size_t n, const char *path,
                                      const unsigned char pub[32], struct msa_decom_record *out,
                                      struct medsec_error *err) __attribute__((warn_unused_result));

#endif
