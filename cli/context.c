/* context.c: the one library context of a medsec run: the default allocator and the clock, which
 * the environment variable MEDSEC_NOW fixes for tests and reproducible runs. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static struct medsec_ctx the_ctx;
static int64_t fixed_now;

int cli_context_init(void)
{
    medsec_ctx_init(&the_ctx);
    const char *now = getenv("MEDSEC_NOW");
    if (now && *now && medsec_ctx_fix_clock(&the_ctx, now, &fixed_now) != MEDSEC_OK) {
        fprintf(stderr, "medsec: MEDSEC_NOW='%s' is neither YYYY-MM-DD nor YYYY-MM-DDTHH:MM:SSZ\n",
                now);
        return EXIT_USAGE;
    }
    medsec_ctx_enter(&the_ctx);
    return EXIT_OK_;
}

const struct medsec_ctx *cli_context(void)
{
    return &the_ctx;
}

const char *cli_today(char buf[11])
{
    medsec_ctx_today(&the_ctx, buf);
    return buf;
}
