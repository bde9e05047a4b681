/* progress.c: a one-line progress bar on stderr, for work longer than a second on a terminal. */
#include <stdio.h>
#include <time.h>

#include "cli.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(struct cli_progress *p, const char *label, unsigned long long total)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->start = now();
    p->last_draw = 0;
    p->enabled = cli_is_tty(stderr);
    p->drawn = false;
}

void cli_progress_update(struct cli_progress *p, unsigned long long done)
{
    p->done = done;
    if (!p->enabled)
        return;
    double t = now();
    if (t - p->start < 1.0 || t - p->last_draw < 0.1)
        return;
    p->last_draw = t;
    p->drawn = true;
    const int width = 30;
    if (p->total) {
        double f = (double)done / (double)p->total;
        if (f > 1)
            f = 1;
        int fill = (int)(f * width);
        fprintf(stderr, "\r%-24.24s [", cli_esc(p->label));
        for (int i = 0; i < width; i++)
            fputc(i < fill ? '#' : '.', stderr);
        fprintf(stderr, "] %3d%% %llu/%llu", (int)(f * 100), done, p->total);
    } else {
        fprintf(stderr, "\r%-24.24s %llu", cli_esc(p->label), done);
    }
    fflush(stderr);
}

void cli_progress_finish(struct cli_progress *p)
{
    if (p->enabled && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = false;
}
