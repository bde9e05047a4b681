/* host_strerror.c: every msa_strerror sentence of the host build, one "strerror CODE TEXT" line
 * each, as the mps2 image prints them; qemu.sh compares the two. */
#include <stdio.h>
#include <string.h>

#include "msa/msa.h"

int main(void)
{
    int code;
    for (code = 0; code >= -40; code--) {
        const char *s = msa_strerror((msa_err)code);
        if (strcmp(s, "unknown error") != 0)
            printf("strerror %d %s\n", code, s);
    }
    return 0;
}
