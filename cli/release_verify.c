/* release_verify.c: `medsec release verify` and `inspect`. They decode through the device agent's
 * decoder (agent/include/msa), never a second one; until the agent's SUIT decoder is in, they say
 * so. */
#include <stdio.h>

#include "cli.h"
#include "release_verify.h"

static int not_yet(const char *cmd)
{
    fprintf(stderr,
            "medsec release %s: error: this build has no SUIT decoder from the device "
            "agent yet\n",
            cmd);
    return EXIT_INTERNAL;
}

int release_verify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return not_yet("verify");
}

int release_inspect(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return not_yet("inspect");
}
