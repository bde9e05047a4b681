/* flush.c: the write-back helper of a first import. SQLite writes the pages of a new database into
 * the kernel's page cache as its cache spills, and the kernel, below its background threshold
 * (a tenth of memory), keeps them all dirty until the COMMIT's fsync, which then writes the whole
 * file (hundreds of MB) while both import threads wait. A third thread calls fdatasync on its own
 * descriptor of the file every FLUSH_PERIOD_MS during the import, so the device writes the pages
 * while the import still parses and stores, and the COMMIT finds little left to write. It only
 * moves writes earlier: SQLite's own journal and syncs still decide what is durable. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "medsec/alloc.h"

#define FLUSH_PERIOD_MS 250

struct db_flusher {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    int fd;
};

static void *flusher_main(void *arg)
{
    struct db_flusher *f = arg;
    pthread_mutex_lock(&f->mu);
    while (!f->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += FLUSH_PERIOD_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        int w = 0;
        while (!f->stop && w != ETIMEDOUT)
            w = pthread_cond_timedwait(&f->cv, &f->mu, &until);
        if (f->stop)
            break;
        pthread_mutex_unlock(&f->mu);
        (void)fdatasync(f->fd); /* a failure here only means the COMMIT writes more */
        pthread_mutex_lock(&f->mu);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

struct db_flusher *db_flusher_start(const char *path)
{
    struct db_flusher *f = medsec_calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        medsec_free(f);
        return NULL;
    }
    if (pthread_mutex_init(&f->mu, NULL) != 0)
        goto fail_fd;
    if (pthread_cond_init(&f->cv, NULL) != 0)
        goto fail_mu;
    if (pthread_create(&f->thread, NULL, flusher_main, f) != 0)
        goto fail_cv;
    return f;
fail_cv:
    pthread_cond_destroy(&f->cv);
fail_mu:
    pthread_mutex_destroy(&f->mu);
fail_fd:
    close(f->fd);
    medsec_free(f);
    return NULL;
}

void db_flusher_stop(struct db_flusher *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    close(f->fd);
    medsec_free(f);
}
