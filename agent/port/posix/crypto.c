/* crypto.c: the host port's crypto backend. */
#include "posix.h"

void msa_posix_crypto(struct msa_port *port)
{
    (void)port;
}
