/* msa/agent.h: the device agent's life cycle: A/B slots, install into the inactive slot (resumable
 * after a power cut), the boot decision with a trial boot counter and automatic rollback,
 * confirmation and the anti-rollback counter, and decommissioning. The caller owns struct
 * msa_agent (no heap). docs/agent.md describes the state machine and its power-cut guarantees. */
#ifndef MSA_AGENT_H
#define MSA_AGENT_H

#include "msa/log.h"
#include "msa/msa.h"
#include "msa/port.h"
#include "msa/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSA_SLOTS 2
#define MSA_NO_SLOT 0xFFu

/* Bytes of the install journal's checkpoints: the installer records its progress every this many
 * bytes, and a resumed install erases from the last checkpoint on. A multiple of the flash's
 * erase sector. */
#ifndef MSA_JOURNAL_BYTES
#define MSA_JOURNAL_BYTES 4096u
#endif

/* What the agent knows about one slot. */
struct msa_slot_info {
    uint8_t valid;            /* holds a complete image whose digest was checked at install */
    uint32_t size;            /* image bytes */
    uint64_t seq;             /* the image's security version (SUIT sequence number) */
    unsigned char digest[32]; /* SHA-256 of the image */
};

/* The persistent state, kept in two copies through port->state_read/write (state.c). */
struct msa_state {
    uint32_t gen; /* generation: the copy with the higher one that verifies wins */
    struct msa_slot_info slot[MSA_SLOTS];
    uint8_t confirmed;   /* slot of the confirmed image, MSA_NO_SLOT when none */
    uint8_t trial;       /* slot of an unconfirmed new image, MSA_NO_SLOT when none */
    uint8_t trial_boots; /* boots the trial image has had */
    uint8_t decommissioned;
    struct msa_revoked revoked; /* the newest revocation list seen: its number and key ids */
    /* install journal */
    uint8_t j_active; /* an install is in progress */
    uint8_t j_slot;   /* into this slot */
    uint32_t j_done;  /* bytes written and checkpointed (a multiple of MSA_JOURNAL_BYTES) */
    uint32_t j_size;
    uint64_t j_seq;
    unsigned char j_bundle[32]; /* the bundle's authenticated digest */
    unsigned char j_digest[32]; /* the image's digest */
};

/* Bytes of a serialized state copy (<= MSA_STATE_BYTES): 244 + 16 per revoked key id. */
#define MSA_STATE_USED (244 + MSA_KID_BYTES * MSA_REVOKED_MAX)

/* Load the newer of the two copies that verifies into @st; MSA_E_NO_IMAGE when neither does (a
 * new device), MSA_E_PORT when reading fails. */
msa_err msa_state_load(const struct msa_port *port, struct msa_state *st);
/* Write @st with the next generation into the copy that does not hold the current one. */
msa_err msa_state_store(const struct msa_port *port, struct msa_state *st);
/* Serialize / parse one copy (fixed little-endian layout, SHA-256 at the end; docs/agent.md). */
msa_err msa_state_encode(const struct msa_port *port, const struct msa_state *st,
                         unsigned char out[MSA_STATE_BYTES]);
msa_err msa_state_decode(const struct msa_port *port, const unsigned char in[MSA_STATE_BYTES],
                         struct msa_state *st);

/* The agent. */
struct msa_agent {
    const struct msa_port *port;
    struct msa_state st;
    struct msa_log log;
    uint8_t booted; /* the slot msa_boot chose, MSA_NO_SLOT before */
    /* the install in progress (RAM) */
    uint8_t inst_open;
    uint32_t inst_skip; /* bytes already in flash from an interrupted attempt */
    uint32_t inst_pos;  /* next byte offset expected */
    uint8_t inst_resumed;
};

/* Start the agent over @port: load the state (a blank device starts empty: no image, counter as
 * the port has it) and open the log. */
msa_err msa_agent_init(struct msa_agent *a, const struct msa_port *port);

/* Choose the slot to run: the trial slot while it has had fewer than MSA_TRIAL_BOOTS boots, else
 * roll back to the confirmed slot; every candidate's digest is checked against the state and an
 * image below the monotonic counter is never chosen. Counts the trial boot and logs the boot.
 * *@slot gets the slot. MSA_E_NO_IMAGE when no slot qualifies. */
msa_err msa_boot(struct msa_agent *a, unsigned *slot);

/* An application that runs apart from the boot decision (after a reset, in another program)
 * tells the agent the slot it runs from before msa_confirm. MSA_E_ARG for a slot that is not. */
msa_err msa_running(struct msa_agent *a, unsigned slot);

/* The running trial image (the one msa_boot chose) confirms itself: it becomes the confirmed
 * image, then the monotonic counter advances to its security version. MSA_E_STATE when the
 * running image is not on trial. */
msa_err msa_confirm(struct msa_agent *a);

/* Install one image into the inactive slot. begin checks @seq against the counter and the
 * installed images (MSA_E_ROLLBACK), @size against the slot (MSA_E_IMAGE_SIZE) and opens the
 * journal; when the journal holds an interrupted install of the same @bundle into the same slot
 * it resumes: *@resume (may be NULL) gets the bytes already in flash (write still accepts them,
 * and skips them). write takes the image bytes in order, any chunk size. finish reads the slot
 * back and checks @digest: the image becomes the trial image. abort drops the journal. */
msa_err msa_install_begin(struct msa_agent *a, const unsigned char bundle[32], uint64_t seq,
                          uint32_t size, const unsigned char digest[32], uint32_t *resume);
msa_err msa_install_write(struct msa_agent *a, uint32_t off, const void *data, size_t n);
msa_err msa_install_finish(struct msa_agent *a);
msa_err msa_install_abort(struct msa_agent *a, msa_err why);
/* Slot the next install goes into. */
unsigned msa_install_slot(const struct msa_agent *a);
/* The highest security version the device must not go below: max(counter, confirmed image). */
msa_err msa_security_version(const struct msa_agent *a, uint64_t *v);

/* Check slot @slot's bytes against the digest the state holds (MSA_E_IMAGE_DIGEST if not). */
msa_err msa_slot_verify(const struct msa_agent *a, unsigned slot);

/* Updating from a bundle (update.c): reads the next bytes of a bundle, up to @cap into @buf;
 * *@got = 0 at its end. Nonzero when reading fails. */
typedef int (*msa_read_fn)(void *arg, void *buf, size_t cap, size_t *got);

/* The work area of one update, the caller's (static or on a big enough stack): the verifier and
 * the buffer of the envelope's members. */
struct msa_update {
    struct msa_stream stream;
    unsigned char buf[MSA_MANIFEST_MAX];
    struct msa_agent *agent;
    msa_err install_rc;
    uint8_t begun, read_failed, begin_refused;
    struct msa_revoked revoked; /* the list the verifier works on */
    unsigned char bundle[32];   /* SHA-256 of the manifest: the journal's bundle id */
};

/* Update from a bundle (a SUIT envelope, docs/suit.md) read through @read: the streaming verifier
 * authenticates it with @trust and the revocation list the state keeps (a newer list in the
 * bundle replaces it for good, even when the bundle is refused; @rev, may be NULL, gets a copy
 * of the device's list) and checks vendor, class and that its
 * sequence number is above the security version, all before a byte is written; component 0's
 * payload (integrated, or detached and read through @payload) then streams into the inactive
 * slot while it is hashed; at the end its digest and size are checked and the slot read back: the
 * image becomes the trial image (msa_boot runs it next). The same bundle after a power cut
 * resumes the install. Errors: the verifier's (MSA_E_SIGNATURE, MSA_E_ROLLBACK, MSA_E_IMAGE_DIGEST
 * ...; docs/suit.md), MSA_E_STATE when a trial image waits for confirmation, MSA_E_PORT when
 * reading or the device fails and MSA_E_TRUNCATED when the bundle ends early (then the journal
 * stays, and the same bundle resumes). Every outcome is logged. */
msa_err msa_update(struct msa_agent *a, struct msa_update *u, const struct msa_trust *trust,
                   struct msa_revoked *rev, msa_read_fn read, void *arg, msa_read_fn payload,
                   void *parg);

/* Decommissioning (decom.c): mark the state decommissioned (the device refuses boots and
 * updates from then on: MSA_E_STATE), log the event, erase patient data (port->data_erase) and the
 * data and log keys, write a signed record into @out (@cap >= MSA_DECOM_BYTES), then erase the
 * device key. @device_id: 16 bytes naming the device (a serial number, zeros when none). After a
 * power cut the call may be repeated: it redoes the erasures and signs a record as long as the
 * device key is still there (MSA_E_STATE once it is gone). */
#define MSA_DECOM_BYTES 148
#define MSA_DECOM_SIGNED 84 /* bytes the signature covers */
/* What the record says was erased. */
#define MSA_DECOM_DATA 1u       /* patient data erased (port->data_erase) */
#define MSA_DECOM_DATA_KEY 2u   /* the data key erased (crypto-erase) */
#define MSA_DECOM_LOG_KEY 4u    /* the log key erased */
#define MSA_DECOM_DEVICE_KEY 8u /* the device key is erased right after signing */
msa_err msa_decommission(struct msa_agent *a, const unsigned char device_id[16], unsigned char *out,
                         size_t cap, size_t *len);

/* A decommission record, decoded. */
struct msa_decom_record {
    uint32_t version;
    uint32_t erased; /* MSA_DECOM_* bits */
    uint64_t time;
    uint64_t security_version;
    uint32_t log_last;
    unsigned char log_head[32];
    unsigned char device_id[16];
};

/* Check a record's format and its Ed25519 signature by the device key @pub (32 bytes) through
 * port->verify; MSA_E_STRUCTURE for a malformed record, MSA_E_SIGNATURE for a bad signature. */
msa_err msa_decom_verify(const struct msa_port *port, const unsigned char *rec, size_t n,
                         const unsigned char pub[32], struct msa_decom_record *out);

#ifdef __cplusplus
}
#endif
#endif
