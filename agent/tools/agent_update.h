/* agent_update.h: medsec-agent's bundle side (agent_update.c): the trust anchor and `install`. */
#ifndef AGENT_UPDATE_H
#define AGENT_UPDATE_H

#include <stddef.h>

#include "msa/msa.h"

/* MSA_OK when the @n bytes at @buf are a trust anchor the agent can use. */
msa_err agent_anchor_check(const unsigned char *buf, size_t n);

/* `medsec-agent install DIR BUNDLE [--payload FILE]`: an exit code. */
int agent_install(int argc, char **argv);

#endif
