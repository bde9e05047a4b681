/* agent_update.c: medsec-agent's bundle side, until the SUIT verifier is in. */
#include <stdio.h>

#include "agent_update.h"

msa_err agent_anchor_check(const unsigned char *buf, size_t n)
{
    (void)buf;
    return n ? MSA_OK : MSA_E_STRUCTURE;
}

int agent_install(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "medsec-agent: install: %s\n", msa_strerror(MSA_E_UNSUPPORTED));
    return 1;
}
