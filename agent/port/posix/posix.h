/* posix.h: the agent's host port (POSIX, C11): a device simulated in a folder, with file-backed
 * slots, state copies, counter and log, OpenSSL (ES256, SHA-256) and libsodium (Ed25519) as the
 * crypto backend. The tests and medsec-agent use it; docs/agent.md describes its files. */
#ifndef MSA_PORT_POSIX_H
#define MSA_PORT_POSIX_H

#include "msa/port.h"

/* Fill the crypto functions of @port (sha256_*, verify); the other members are left alone. */
void msa_posix_crypto(struct msa_port *port);

/* A device in a folder (storage.c): slotA.bin and slotB.bin (flash: erase sets 0xFF, a write can
 * only clear bits), state0 and state1, counter (8 bytes, little-endian, only ever raised),
 * log.bin (flash), device.key / device.pub (Ed25519), log.key and data.key (32 bytes each),
 * data.bin (patient data, erased at decommissioning).
 *
 * Fault injection: with a write budget of N, the N-th write (slot write or erase, state write,
 * log write or erase, counter advance, key or data erase) is torn (half of it reaches the file,
 * a counter does not move) and fails, and every later one fails without effect: the device has
 * lost power. Reads keep working so that a test can look; a test "reboots" by closing and
 * opening the folder again. */
struct msa_posix {
    int fd_slot[2], fd_state[2], fd_log, fd_counter;
    char *dir;
    long budget;            /* writes until the power cut (0: none planned) */
    long writes;            /* writes attempted since open */
    int lost;               /* the power is gone */
    unsigned long long now; /* the clock: 0 means the system's */
};

/* Create the device folder @dir (it must not exist): erased slots of @slot_bytes each, a log of
 * @log_bytes, blank state, counter 0, new random device, log and data keys (when @keys is 0 the
 * device has no log key: its log is sealed by plain SHA-256). 0 on success, else -1 and errno. */
int msa_posix_create(const char *dir, unsigned slot_bytes, unsigned log_bytes, int keys);

/* Open the device folder @dir into @dev and fill every member of @port (crypto included) with
 * @dev as its context. 0 on success, else -1 and errno. */
int msa_posix_open(struct msa_posix *dev, const char *dir, struct msa_port *port);

/* Close the folder's files. */
void msa_posix_close(struct msa_posix *dev);

/* Plan a power cut at the @n-th write from now (0: none). */
void msa_posix_cut_after(struct msa_posix *dev, long n);

/* Path of the file @name inside the device folder (a static buffer, overwritten by the next
 * call). */
const char *msa_posix_path(const struct msa_posix *dev, const char *name);

#endif
