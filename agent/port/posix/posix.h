/* posix.h: the agent's host port (POSIX, C11): a device simulated in a folder, with file-backed
 * slots, state copies, counter and log, OpenSSL (ES256, SHA-256) and libsodium (Ed25519) as the
 * crypto backend. The tests and medsec-agent use it; docs/agent.md describes its files. */
#ifndef MSA_PORT_POSIX_H
#define MSA_PORT_POSIX_H

#include "msa/port.h"

/* Fill the crypto functions of @port (sha256_*, verify); the other members are left alone. */
void msa_posix_crypto(struct msa_port *port);

#endif
