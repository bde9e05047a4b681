/* port_ram.c: a struct msa_port over RAM arrays for the mps2-an385 test image. The arrays stand in
 * for the device's flash and secure storage (erased bytes read 0xff, writes only after an erase);
 * crypto is the agent's own (agent/crypto); the device's secrets are compiled in for the test. A
 * real port replaces each function with its flash driver, OTP counter and key store
 * (agent/port/template). */
#include <string.h>

#include "mps2.h"
#include "msa_crypto.h"

struct mps2_flash {
    unsigned char slot[2][MPS2_SLOT_BYTES];
    unsigned char state[2][MSA_STATE_BYTES];
    unsigned char log[MPS2_LOG_BYTES];
    uint64_t counter;
    unsigned char keys[3][32];
    int keys_erased[3];
};

__attribute__((section(".flashsim"))) static struct mps2_flash flash;

/* power-cut simulation: writes left before the power goes (-1: no cut); once it has gone, every
 * write fails and changes nothing, as on a device whose supply dropped */
static long writes_left = -1;

void mps2_port_power_cut(long after)
{
    writes_left = after;
}

/* whether the next write may happen */
static int powered(void)
{
    if (writes_left < 0)
        return 1;
    if (writes_left == 0)
        return 0;
    writes_left--;
    return 1;
}

/* the test device's secrets (an Ed25519 seed, the log MAC key, the data key): fixed test values */
static const unsigned char test_keys[3][32] = {
    {0x6d, 0x65, 0x64, 0x73, 0x65, 0x63, 0x2d, 0x74, 0x65, 0x73, 0x74,
     0x2d, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x2d, 0x6b, 0x65, 0x79,
     0x2d, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x31},
    {0x6d, 0x65, 0x64, 0x73, 0x65, 0x63, 0x2d, 0x74, 0x65, 0x73, 0x74,
     0x2d, 0x6c, 0x6f, 0x67, 0x2d, 0x6d, 0x61, 0x63, 0x2d, 0x6b, 0x65,
     0x79, 0x2d, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x32},
    {0x6d, 0x65, 0x64, 0x73, 0x65, 0x63, 0x2d, 0x74, 0x65, 0x73, 0x74,
     0x2d, 0x64, 0x61, 0x74, 0x61, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x30,
     0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x33},
};

static int in_range(uint32_t size, uint32_t off, size_t n)
{
    return off <= size && n <= size - off;
}

static uint32_t slot_size(void *ctx, unsigned slot)
{
    (void)ctx;
    return slot < 2 ? MPS2_SLOT_BYTES : 0;
}

static int slot_read(void *ctx, unsigned slot, uint32_t off, void *buf, size_t n)
{
    (void)ctx;
    if (slot >= 2 || !in_range(MPS2_SLOT_BYTES, off, n))
        return -1;
    memcpy(buf, flash.slot[slot] + off, n);
    return 0;
}

/* like NOR flash, a write can only clear bits: writing over unerased bytes is an error */
static int slot_write(void *ctx, unsigned slot, uint32_t off, const void *buf, size_t n)
{
    const unsigned char *src = buf;
    size_t i;
    (void)ctx;
    if (!powered())
        return -1;
    if (slot >= 2 || !in_range(MPS2_SLOT_BYTES, off, n))
        return -1;
    for (i = 0; i < n; i++)
        flash.slot[slot][off + i] &= src[i];
    return 0;
}

static int slot_erase(void *ctx, unsigned slot, uint32_t off, size_t n)
{
    (void)ctx;
    if (!powered())
        return -1;
    if (slot >= 2 || !in_range(MPS2_SLOT_BYTES, off, n))
        return -1;
    memset(flash.slot[slot] + off, 0xff, n);
    return 0;
}

static int state_read(void *ctx, unsigned copy, void *buf, size_t n)
{
    (void)ctx;
    if (copy >= 2 || n > MSA_STATE_BYTES)
        return -1;
    memcpy(buf, flash.state[copy], n);
    return 0;
}

static int state_write(void *ctx, unsigned copy, const void *buf, size_t n)
{
    (void)ctx;
    if (!powered())
        return -1;
    if (copy >= 2 || n > MSA_STATE_BYTES)
        return -1;
    memcpy(flash.state[copy], buf, n);
    return 0;
}

static int counter_read(void *ctx, uint64_t *value)
{
    (void)ctx;
    *value = flash.counter;
    return 0;
}

/* a one-way counter: it only ever rises */
static int counter_advance(void *ctx, uint64_t value)
{
    (void)ctx;
    if (!powered())
        return -1;
    if (value < flash.counter)
        return -1;
    flash.counter = value;
    return 0;
}

static uint32_t log_size(void *ctx)
{
    (void)ctx;
    return MPS2_LOG_BYTES;
}

static int log_read(void *ctx, uint32_t off, void *buf, size_t n)
{
    (void)ctx;
    if (!in_range(MPS2_LOG_BYTES, off, n))
        return -1;
    memcpy(buf, flash.log + off, n);
    return 0;
}

static int log_write(void *ctx, uint32_t off, const void *buf, size_t n)
{
    const unsigned char *src = buf;
    size_t i;
    (void)ctx;
    if (!powered())
        return -1;
    if (!in_range(MPS2_LOG_BYTES, off, n))
        return -1;
    for (i = 0; i < n; i++)
        flash.log[off + i] &= src[i];
    return 0;
}

static int log_erase(void *ctx, uint32_t off, size_t n)
{
    (void)ctx;
    if (!powered())
        return -1;
    if (!in_range(MPS2_LOG_BYTES, off, n))
        return -1;
    memset(flash.log + off, 0xff, n);
    return 0;
}

/* the board has no trusted clock: certificate validity is not checked (docs/agent.md) */
static uint64_t now(void *ctx)
{
    (void)ctx;
    return 0;
}

static int key_get(void *ctx, unsigned id, unsigned char *buf, size_t n)
{
    (void)ctx;
    if (id >= 3 || n > 32 || flash.keys_erased[id])
        return -1;
    memcpy(buf, flash.keys[id], n);
    return 0;
}

/* Ed25519 with the device key, by the agent's own crypto (a real device would sign in its secure
 * element, where the key never leaves) */
static int sign(void *ctx, const void *msg, size_t n, unsigned char sig[64])
{
    (void)ctx;
    if (flash.keys_erased[MSA_KEY_DEVICE])
        return -1;
    msa_ed25519_sign(sig, msg, n, flash.keys[MSA_KEY_DEVICE]);
    return 0;
}

static int key_erase(void *ctx, unsigned id)
{
    (void)ctx;
    if (id >= 3)
        return -1;
    memset(flash.keys[id], 0, sizeof flash.keys[id]);
    flash.keys_erased[id] = 1;
    return 0;
}

static int data_erase(void *ctx)
{
    (void)ctx;
    return 0; /* patient data is encrypted under MSA_KEY_DATA: erasing the key erases it */
}

void mps2_port_init(struct msa_port *port)
{
    memset(&flash, 0xff, sizeof flash);
    flash.counter = 0;
    memcpy(flash.keys, test_keys, sizeof test_keys);
    memset(flash.keys_erased, 0, sizeof flash.keys_erased);

    memset(port, 0, sizeof *port);
    port->ctx = &flash;
    port->slot_size = slot_size;
    port->slot_read = slot_read;
    port->slot_write = slot_write;
    port->slot_erase = slot_erase;
    port->state_read = state_read;
    port->state_write = state_write;
    port->counter_read = counter_read;
    port->counter_advance = counter_advance;
    port->log_size = log_size;
    port->log_read = log_read;
    port->log_write = log_write;
    port->log_erase = log_erase;
    port->now = now;
    msa_crypto_port(port);
    port->key_get = key_get;
    port->sign = sign;
    port->key_erase = key_erase;
    port->data_erase = data_erase;
}
