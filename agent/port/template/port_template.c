/* port_template.c: a commented skeleton of a struct msa_port for a new device. Every function
 * returns 0 on success and nonzero on failure (the agent reports MSA_E_PORT); none may allocate
 * on the agent's behalf, and none is called from an interrupt. The agent survives a power cut
 * between any two calls, so no function needs to be atomic, but each must finish what it
 * reports as done (a write that returns 0 is in flash). This file compiles as it is (the host build
 * checks it) and fails every call until filled in. */
#include <string.h>

#include "msa_crypto.h" /* the agent's own crypto: delete if the device has a crypto library */
#include "port_template.h"

/* Device state the functions share: flash driver handles, partition offsets... */
struct template_device {
    uint32_t slot_base[2]; /* flash address of image slots A and B */
    uint32_t slot_bytes;   /* bytes of each slot, a multiple of the erase sector */
};

static struct template_device device;

/* ---- image slots: two flash partitions of equal size ---- */

static uint32_t template_slot_size(void *ctx, unsigned slot)
{
    struct template_device *d = ctx;
    /* bytes of slot 0 (A) or 1 (B); 0 for a slot the device does not have */
    return slot < 2 ? d->slot_bytes : 0;
}

static int template_slot_read(void *ctx, unsigned slot, uint32_t off, void *buf, size_t n)
{
    (void)ctx;
    (void)slot;
    (void)off;
    /* copy n bytes at offset off of the slot into buf (memory-mapped flash: a memcpy) */
    memset(buf, 0xff, n);
    return -1;
}

static int template_slot_write(void *ctx, unsigned slot, uint32_t off, const void *buf, size_t n)
{
    (void)ctx;
    (void)slot;
    (void)off;
    (void)buf;
    (void)n;
    /* program n bytes; the agent only writes erased ranges, in order, in chunks of
     * MSA_CHUNK_BYTES. Pad to the flash's write granule here if it has one. */
    return -1;
}

static int template_slot_erase(void *ctx, unsigned slot, uint32_t off, size_t n)
{
    (void)ctx;
    (void)slot;
    (void)off;
    (void)n;
    /* erase the sectors covering [off, off + n) of the slot */
    return -1;
}

/* ---- persistent state: two copies of at most MSA_STATE_BYTES, ideally in two flash sectors ----
 */

static int template_state_read(void *ctx, unsigned copy, void *buf, size_t n)
{
    (void)ctx;
    (void)copy;
    /* read copy 0 or 1; erased or never written is fine (the agent checks each copy's digest) */
    memset(buf, 0xff, n);
    return -1;
}

static int template_state_write(void *ctx, unsigned copy, const void *buf, size_t n)
{
    (void)ctx;
    (void)copy;
    (void)buf;
    (void)n;
    /* erase the copy's sector and write the record; the agent never writes both copies at once */
    return -1;
}

/* ---- the monotonic security counter: OTP fuses, a secure element, or a TPM NV counter ---- */

static int template_counter_read(void *ctx, uint64_t *value)
{
    (void)ctx;
    *value = 0;
    return -1;
}

static int template_counter_advance(void *ctx, uint64_t value)
{
    (void)ctx;
    (void)value;
    /* raise the counter to value; refuse (nonzero) to lower it. With fuses, burn up to value. */
    return -1;
}

/* ---- the security log: a flash region written in records ---- */

static uint32_t template_log_size(void *ctx)
{
    (void)ctx;
    return 0; /* bytes of the log region */
}

static int template_log_read(void *ctx, uint32_t off, void *buf, size_t n)
{
    (void)ctx;
    (void)off;
    memset(buf, 0xff, n);
    return -1;
}

static int template_log_write(void *ctx, uint32_t off, const void *buf, size_t n)
{
    (void)ctx;
    (void)off;
    (void)buf;
    (void)n;
    return -1;
}

static int template_log_erase(void *ctx, uint32_t off, size_t n)
{
    (void)ctx;
    (void)off;
    (void)n;
    return -1;
}

/* ---- time ---- */

static uint64_t template_now(void *ctx)
{
    (void)ctx;
    /* seconds since 1970 from a trusted clock; 0 when the device has none (certificate validity
     * is then not checked) */
    return 0;
}

/* ---- device secrets (a secure element or protected flash) ---- */

static int template_key_get(void *ctx, unsigned id, unsigned char *buf, size_t n)
{
    (void)ctx;
    (void)id;
    /* copy secret MSA_KEY_DEVICE, MSA_KEY_LOG or MSA_KEY_DATA; fail once it is erased */
    memset(buf, 0, n);
    return -1;
}

static int template_sign(void *ctx, const void *msg, size_t n, unsigned char sig[64])
{
    (void)ctx;
    (void)msg;
    (void)n;
    /* Ed25519 signature with the device key (decommission records): in a secure element, or
     * msa_ed25519_sign(sig, msg, n, seed) of agent/crypto with the seed from protected storage */
    memset(sig, 0, 64);
    return -1;
}

static int template_key_erase(void *ctx, unsigned id)
{
    (void)ctx;
    (void)id;
    /* destroy the secret for good (overwrite, then erase; a secure element's key deletion) */
    return -1;
}

static int template_data_erase(void *ctx)
{
    (void)ctx;
    /* erase patient data; when it is encrypted under MSA_KEY_DATA, key_erase already made it
     * unreadable (crypto-erase) and this may return 0 */
    return -1;
}

void template_port_init(struct msa_port *port)
{
    memset(port, 0, sizeof *port);
    device.slot_base[0] = 0; /* set the board's partition layout here */
    device.slot_base[1] = 0;
    device.slot_bytes = 0;
    port->ctx = &device;
    port->slot_size = template_slot_size;
    port->slot_read = template_slot_read;
    port->slot_write = template_slot_write;
    port->slot_erase = template_slot_erase;
    port->state_read = template_state_read;
    port->state_write = template_state_write;
    port->counter_read = template_counter_read;
    port->counter_advance = template_counter_advance;
    port->log_size = template_log_size;
    port->log_read = template_log_read;
    port->log_write = template_log_write;
    port->log_erase = template_log_erase;
    port->now = template_now;
    /* the crypto backend: the agent's own (SHA-256, Ed25519; no ES256), or the device's library
     * or hardware accelerator through functions of the same shape */
    msa_crypto_port(port);
    port->key_get = template_key_get;
    port->sign = template_sign;
    port->key_erase = template_key_erase;
    port->data_erase = template_data_erase;
}
