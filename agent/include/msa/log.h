/* msa/log.h: the device's security event log. Append-only records of fixed size, each with a
 * sequence number and the SHA-256 of the record before it (a hash chain), sealed by an HMAC-SHA256
 * under the device's log key (port key MSA_KEY_LOG) or, on a device without that key, by a plain
 * SHA-256. The log's storage is a ring: when full the oldest record is overwritten and counted as
 * dropped; the chain stays verifiable from the first kept record. An export is a byte string a
 * manufacturer checks with msa_log_verify (or `medsec log verify`). docs/log.md gives the formats.
 */
#ifndef MSA_LOG_H
#define MSA_LOG_H

#include "msa/msa.h"
#include "msa/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of one record, in storage and in an export. */
#define MSA_LOG_RECORD_BYTES 112
/* Bytes of an export's header and trailer. */
#define MSA_LOG_HEADER_BYTES 64
#define MSA_LOG_TRAILER_BYTES 128

/* Event types. */
enum msa_log_event {
    MSA_EV_BOOT = 1,          /* value = security version booted, detail[0] = slot */
    MSA_EV_UPDATE_START = 2,  /* an update attempt: value = its sequence number, detail = digest */
    MSA_EV_UPDATE_RESULT = 3, /* code = its outcome (MSA_OK or the msa_err), value = sequence */
    MSA_EV_AUTH_FAIL = 4,     /* an authentication failure: code = the msa_err */
    MSA_EV_CONFIG = 5,        /* a configuration change: value, detail as the caller chooses */
    MSA_EV_TAMPER = 6,        /* tamper: code = what was found (e.g. MSA_E_IMAGE_DIGEST) */
    MSA_EV_DECOMMISSION = 7,  /* the device is being decommissioned */
    MSA_EV_ROLLBACK = 8,      /* a trial image was dropped: value = its sequence, code = why (0: its
                                 boots were used up, unconfirmed) */
    MSA_EV_CONFIRM = 9,       /* a trial image confirmed itself: value = its sequence */
    MSA_EV_CHECKIN = 10       /* a signed check-in: its counter is this record's sequence number,
                                 value = security version, detail = the device id */
};

/* Record flags. */
#define MSA_LOG_F_MAC 1u /* the seal is an HMAC under the log key (else a plain SHA-256) */

/* One record, decoded. */
struct msa_log_record {
    uint32_t seq;   /* 1, 2, 3 ... since the device's first record */
    uint64_t time;  /* port->now() when written, 0 without trusted time */
    uint16_t event; /* enum msa_log_event */
    uint16_t flags;
    int32_t code; /* an msa_err, 0 when none */
    uint64_t value;
    unsigned char detail[16];
    unsigned char prev[32]; /* SHA-256 of the previous record's bytes, zeros for record 1 */
    unsigned char seal[32]; /* HMAC-SHA256 or SHA-256 of the bytes before it */
};

/* The log's position in storage, kept by the agent (struct msa_agent holds one). */
struct msa_log {
    uint32_t slots;         /* records the storage holds */
    uint32_t first;         /* sequence number of the oldest kept record (0: empty) */
    uint32_t last;          /* sequence number of the newest record (0: empty) */
    unsigned char head[32]; /* SHA-256 of the newest record (zeros when empty) */
};

/* Read the log storage of @port and find its newest valid record (a record whose seal does not
 * verify, e.g. one torn by a power cut, is not counted). MSA_E_PORT on a read failure; an empty
 * or blank storage is a valid empty log. */
msa_err msa_log_open(struct msa_log *log, const struct msa_port *port);

/* Append one event. The seal is an HMAC when port->key_get gives MSA_KEY_LOG. @detail may be NULL
 * (zeros). */
msa_err msa_log_append(struct msa_log *log, const struct msa_port *port, uint16_t event,
                       int32_t code, uint64_t value, const unsigned char detail[16]);

/* The newest kept record whose event is in @events (a mask of 1u << event) and whose seal
 * checks, searched from the newest back; rec->seq is 0 when there is none. MSA_E_PORT when
 * reading fails. */
msa_err msa_log_find(const struct msa_log *log, const struct msa_port *port, uint32_t events,
                     struct msa_log_record *rec);

/* Bytes msa_log_export writes for @log. */
size_t msa_log_export_size(const struct msa_log *log);

/* Export the kept records, oldest first, into @out (@cap bytes; MSA_E_LIMIT when too small) with
 * a header (counts, the number dropped by the ring) and a trailer: an HMAC under the log key when
 * the device has one, and an Ed25519 signature by the device key when @sign is nonzero and
 * port->sign works. *@len gets the bytes written. MSA_E_LOG when a kept record does not verify. */
msa_err msa_log_export(const struct msa_log *log, const struct msa_port *port, int sign,
                       unsigned char *out, size_t cap, size_t *len);

/* What msa_log_verify found. */
struct msa_log_report {
    uint32_t records; /* records in the export */
    uint32_t first;   /* sequence number of the first */
    uint32_t last;    /* and of the last */
    uint64_t dropped; /* records before @first, overwritten by the ring */
    int macs_checked; /* the records' and the trailer's HMACs were checked with a key */
    int sig_checked;  /* the device's signature over the export was checked */
    int sealed;       /* the export carries an HMAC or a signature (else only its chain) */
    uint32_t bad;     /* the 1-based index of the first bad record, 0 when none */
    const char *why;  /* what is wrong, a fixed sentence (NULL when nothing) */
};

/* Check an export: header, every record's seal (HMAC with @key when given; a record sealed by
 * HMAC cannot be checked without it, only chained), sequence numbers consecutive, each record's
 * prev equal to the SHA-256 of the one before, the count and the last record's digest in the
 * header and trailer, the trailer's HMAC (@key) and signature (@pub, a 32-byte Ed25519 key, via
 * port->verify). Any change, deletion, reordering or truncation gives MSA_E_LOG (the report says
 * where and why); a bad signature MSA_E_SIGNATURE. Only port's sha256_* and verify are used. */
msa_err msa_log_verify(const struct msa_port *port, const unsigned char *exp, size_t n,
                       const unsigned char *key, const unsigned char *pub,
                       struct msa_log_report *rep);

/* Decode record @i (0-based) of an export that msa_log_verify accepted. */
msa_err msa_log_record_at(const unsigned char *exp, size_t n, uint32_t i,
                          struct msa_log_record *rec);

/* The event's name ("boot", "update-start" ...), "unknown" for others. */
const char *msa_log_event_name(unsigned event);

/* HMAC-SHA256 (RFC 2104) of @n bytes at @msg under a key of @klen bytes (at most 64), through the
 * port's SHA-256. */
msa_err msa_hmac_sha256(const struct msa_port *port, const unsigned char *key, size_t klen,
                        const void *msg, size_t n, unsigned char out[32]);

#ifdef __cplusplus
}
#endif
#endif
