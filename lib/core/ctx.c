/* ctx.c: the default context, the context in force on each thread, and clocks. */
#include <stdlib.h>
#include <time.h>

#include "medsec/ctx.h"
#include "medsec/date.h"

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static int64_t system_clock(void *ud)
{
    (void)ud;
    return (int64_t)time(NULL);
}

static int64_t fixed_clock(void *ud)
{
    return *(const int64_t *)ud;
}

static const struct medsec_ctx default_ctx = {default_alloc, NULL, system_clock, NULL};

/* NULL: the default. A context may leave either hook NULL (alloc.c and medsec_ctx_now mind it). */
static _Thread_local const struct medsec_ctx *current;

void medsec_ctx_init(struct medsec_ctx *ctx)
{
    *ctx = default_ctx;
}

const struct medsec_ctx *medsec_ctx_current(void)
{
    return current ? current : &default_ctx;
}

const struct medsec_ctx *medsec_ctx_enter(const struct medsec_ctx *ctx)
{
    const struct medsec_ctx *prev = current;
    current = ctx;
    return prev;
}

void medsec_ctx_leave(const struct medsec_ctx *prev)
{
    current = prev;
}

int64_t medsec_ctx_now(const struct medsec_ctx *ctx)
{
    if (!ctx)
        ctx = medsec_ctx_current();
    return ctx->clock ? ctx->clock(ctx->clock_ud) : system_clock(NULL);
}

void medsec_ctx_today(const struct medsec_ctx *ctx, char out[11])
{
    medsec_date_format(medsec_ctx_now(ctx), out);
}

void medsec_ctx_timestamp(const struct medsec_ctx *ctx, char out[21])
{
    medsec_time_format(medsec_ctx_now(ctx), out);
}

medsec_err medsec_ctx_fix_clock(struct medsec_ctx *ctx, const char *text, int64_t *at)
{
    if (!medsec_time_parse(text, at))
        return MEDSEC_EINVAL;
    ctx->clock = fixed_clock;
    ctx->clock_ud = at;
    return MEDSEC_OK;
}
