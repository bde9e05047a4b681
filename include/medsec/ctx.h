/* medsec/ctx.h: the context a front end gives libmedsec: the allocator and the clock. */
#ifndef MEDSEC_CTX_H
#define MEDSEC_CTX_H

#include <stdint.h>

#include "medsec/alloc.h"
#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Seconds since 1970-01-01T00:00:00Z. */
typedef int64_t (*medsec_clock_fn)(void *ud);

/*
 * What the library asks its caller for instead of reaching into the process (as Lua keeps its
 * allocator in its state): every allocation and every "now" of a call goes through it. The
 * entry points that return a handle (medsec_device_open, medsec_db_open, medsec_scan_plan_new) take
 * one and the handle keeps it, so every later call on the handle uses the same allocator and clock.
 * Functions without a context parameter (loaders of one file, parsers, version comparison) run
 * under the context in force on the thread (medsec_ctx_enter below). The library never reads an
 * environment variable and never calls time() itself.
 *
 * The caller owns the context; it must outlive everything made with it. NULL wherever a context is
 * asked for means the default one: realloc/free and the system clock.
 */
struct medsec_ctx {
    medsec_alloc_fn alloc; /* NULL: realloc/free */
    void *alloc_ud;
    medsec_clock_fn clock; /* NULL: the system's UTC clock */
    void *clock_ud;
};

/* The default: realloc/free and the system clock. */
void medsec_ctx_init(struct medsec_ctx *ctx);

/* The clock of @ctx (NULL: the default), in seconds since the epoch. */
int64_t medsec_ctx_now(const struct medsec_ctx *ctx);

/* "Now" of @ctx as "YYYY-MM-DD" (@out has 11 bytes) and as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes). */
void medsec_ctx_today(const struct medsec_ctx *ctx, char out[11]);
void medsec_ctx_timestamp(const struct medsec_ctx *ctx, char out[21]);

/*
 * The context calls on this thread run under. An entry point that takes a context (or a handle that
 * keeps one) enters it for the length of the call and leaves it on return; functions without a
 * context parameter (parsers, version comparison ...) run under the innermost one entered, the
 * default when none. A caller may enter a context itself to run such a function under its own
 * allocator. medsec_ctx_enter returns the context it replaces, to give to medsec_ctx_leave.
 */
const struct medsec_ctx *medsec_ctx_enter(const struct medsec_ctx *ctx);
void medsec_ctx_leave(const struct medsec_ctx *prev);
/* The context in force on this thread; never NULL. */
const struct medsec_ctx *medsec_ctx_current(void);

/*
 * A fixed clock for tests and reproducible runs: parse @text, either "YYYY-MM-DD" (midnight UTC) or
 * "YYYY-MM-DDTHH:MM:SSZ", into *@at and set @ctx's clock to return it (@at must outlive @ctx's
 * use). MEDSEC_EINVAL when @text is neither.
 */
medsec_err medsec_ctx_fix_clock(struct medsec_ctx *ctx, const char *text, int64_t *at)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
