/* serve_store_bench.c: the store's figures for `medsec serve` (bench/serve_store.sh): on a
 * generated fleet (srv_fleet_generate; 1,000,000 devices across 5,000 sites and 50 releases by
 * default) it prints the check-ins per second through srv_fleet_checkin (real Ed25519 signatures,
 * one connection per thread, bounded in time) and the time of the "devices per site on releases
 * R1..Rk" query that the vulnerability watch runs for a new advisory.
 * usage: serve_store_bench DB_URL [--devices N] [--sites N] [--hospitals N] [--releases N]
 *                          [--models N] [--seconds S] [--threads N] [--messages N] [--k K] */
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "medsec/alloc.h"
#include "medsec/checkin.h"

#define SEED 2026

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct msg {
    unsigned char b[512];
    size_t n;
};

struct worker {
    const char *url;
    struct msg *msgs;
    size_t n;
    double deadline;
    size_t done, failed;
    char error[600];
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct medsec_error err = {0};
    struct sdb *db;
    if (sdb_open(&db, w->url, &err)) {
        snprintf(w->error, sizeof w->error, "%s", err.msg);
        return NULL;
    }
    for (size_t i = 0; i < w->n; i++) {
        if ((i & 63) == 0 && now_s() > w->deadline)
            break;
        struct srv_checkin_result res;
        if (srv_fleet_checkin(db, w->msgs[i].b, w->msgs[i].n, (int64_t)time(NULL), NULL, &res,
                              &err)) {
            if (!w->failed++)
                snprintf(w->error, sizeof w->error, "%s", err.msg);
        } else {
            w->done++;
        }
    }
    sdb_close(db);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    struct srv_fleet_gen g = {.models = 10,
                              .sites = 5000,
                              .hospitals = 500,
                              .devices = 1000000,
                              .releases = 50,
                              .seed = SEED,
                              .now = (int64_t)time(NULL)};
    double seconds = 10;
    size_t threads = 2, nmsg = 100000, k = 5;
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fprintf(stderr,
                "usage: %s DB_URL [--devices N] [--sites N] [--hospitals N] [--releases N]"
                " [--models N] [--seconds S] [--threads N] [--messages N] [--k K]\n",
                argv[0]);
        return argc < 2 ? 2 : 0;
    }
    const char *url = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        size_t v = strtoul(argv[i + 1], NULL, 10);
        if (!strcmp(argv[i], "--devices"))
            g.devices = v;
        else if (!strcmp(argv[i], "--sites"))
            g.sites = v;
        else if (!strcmp(argv[i], "--hospitals"))
            g.hospitals = v;
        else if (!strcmp(argv[i], "--releases"))
            g.releases = v;
        else if (!strcmp(argv[i], "--models"))
            g.models = v;
        else if (!strcmp(argv[i], "--seconds"))
            seconds = strtod(argv[i + 1], NULL);
        else if (!strcmp(argv[i], "--threads"))
            threads = v ? v : 1;
        else if (!strcmp(argv[i], "--messages"))
            nmsg = v ? v : 1;
        else if (!strcmp(argv[i], "--k"))
            k = v ? v : 1;
        else {
            fprintf(stderr, "serve_store_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (threads > 16)
        threads = 16;
    if (sodium_init() < 0)
        return 3;
    struct medsec_error err = {0};
    struct sdb *db;
    if (sdb_open(&db, url, &err) || srv_fleet_migrate(db, &err)) {
        fprintf(stderr, "serve_store_bench: %s\n", err.msg);
        return 3;
    }
    const char *kind = sdb_kind(db) == SDB_POSTGRES ? "postgresql" : "sqlite";
    int64_t have = 0;
    sdb_query_int(db, "SELECT COUNT(*) FROM devices", NULL, 0, &have, &err);
    if (have == 0) {
        double t0 = now_s();
        if (srv_fleet_generate(db, &g, &err)) {
            fprintf(stderr, "serve_store_bench: generate: %s\n", err.msg);
            return 3;
        }
        double t1 = now_s();
        if (sdb_kind(db) == SDB_POSTGRES)
            sdb_script(db, "VACUUM ANALYZE", &err);
        else
            sdb_script(db, "ANALYZE", &err);
        printf("%s: generated %zu devices, %zu sites, %zu hospitals, %zu releases in %.1f s"
               " (+ %.1f s ANALYZE)\n",
               kind, g.devices, g.sites, g.hospitals, g.releases, t1 - t0, now_s() - t1);
    } else if ((size_t)have != g.devices) {
        fprintf(stderr, "serve_store_bench: the database holds %" PRId64 " devices, not %zu\n",
                have, g.devices);
        return 3;
    } else {
        printf("%s: reusing the generated fleet of %" PRId64 " devices\n", kind, have);
    }

    /* the exposure query: devices per site on K releases, a few times, median and worst */
    int64_t nrel = 0;
    sdb_query_int(db, "SELECT COUNT(*) FROM releases", NULL, 0, &nrel, &err);
    if (k > (size_t)nrel)
        k = (size_t)nrel;
    double times[7];
    int64_t exposed = 0, nsites = 0;
    for (int run = 0; run < 7; run++) {
        char sql[1024];
        int o = snprintf(sql, sizeof sql,
                         "SELECT d.release_id, d.site_id, MIN(s.hospital_id), COUNT(*) FROM"
                         " devices d JOIN sites s ON s.id = d.site_id WHERE d.status = 'active'"
                         " AND d.release_id IN (");
        for (size_t i = 0; i < k; i++)
            o += snprintf(sql + o, sizeof sql - (size_t)o, "%s$%zu", i ? ", " : "", i + 1);
        /* grouped in the covering index's order: no sort, no temporary table */
        snprintf(sql + o, sizeof sql - (size_t)o, ") GROUP BY d.release_id, d.site_id");
        struct sdb_val p[64];
        for (size_t i = 0; i < k && i < 64; i++)
            p[i] = SDB_I((int64_t)((i * 7 + (size_t)run * 3) % (size_t)nrel) + 1);
        double t0 = now_s();
        struct sdb_rows *r;
        if (sdb_query(db, sql, p, k, &r, &err)) {
            fprintf(stderr, "serve_store_bench: exposure: %s\n", err.msg);
            return 3;
        }
        exposed = nsites = 0;
        while (sdb_step(r, &err) > 0) {
            nsites++;
            exposed += sdb_int(r, 3);
        }
        sdb_rows_free(r);
        times[run] = now_s() - t0;
    }
    double sorted[7];
    memcpy(sorted, times, sizeof times);
    qsort(sorted, 7, sizeof sorted[0], cmp_double);
    printf("%s: exposure query (devices per site and release on %zu of %" PRId64
           " releases): %" PRId64 " devices in %" PRId64
           " (release, site) rows; median %.1f ms, worst %.1f ms (target < 100 ms)\n",
           kind, k, nrel, exposed, nsites, sorted[3] * 1e3, sorted[6] * 1e3);

    /* check-ins: signed beforehand (not timed), counters above any earlier run's */
    struct msg *msgs = medsec_calloc(nmsg, sizeof *msgs);
    if (!msgs)
        return 3;
    uint64_t base = (uint64_t)time(NULL) * 1000000u;
    uint64_t rng = (uint64_t)time(NULL);
    double t0 = now_s();
    int64_t ndev = have ? have : (int64_t)g.devices;
    for (size_t i = 0; i < nmsg; i++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        /* thread t's slice holds only devices with index % threads == t: no device's
         * check-ins race each other across threads */
        uint64_t t = i / (nmsg / threads) < threads ? i / (nmsg / threads) : threads - 1;
        uint64_t dev = ((rng >> 17) % ((uint64_t)ndev / threads)) * threads + t;
        unsigned char pk[32], sk[64];
        struct medsec_checkin c;
        memset(&c, 0, sizeof c);
        srv_fleet_gen_device(SEED, dev, c.device_id, pk, sk);
        c.counter = base + i;
        c.time = (uint64_t)time(NULL);
        c.security_version = 1;
        snprintf(c.version, sizeof c.version, "1.0.0");
        if (medsec_checkin_make(&c, sk, msgs[i].b, sizeof msgs[i].b, &msgs[i].n, &err)) {
            fprintf(stderr, "serve_store_bench: make: %s\n", err.msg);
            return 3;
        }
    }
    printf("%s: %zu signed check-ins prepared in %.1f s\n", kind, nmsg, now_s() - t0);
    sdb_close(db);
    /* each thread its own slice of messages and of devices */
    struct worker w[16];
    pthread_t th[16];
    double start = now_s();
    for (size_t i = 0; i < threads; i++) {
        w[i] = (struct worker){.url = url,
                               .msgs = msgs + i * (nmsg / threads),
                               .n = nmsg / threads,
                               .deadline = start + seconds};
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    size_t done = 0, failed = 0;
    for (size_t i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        done += w[i].done;
        failed += w[i].failed;
        if (w[i].error[0])
            fprintf(stderr, "thread %zu: first error: %s\n", i, w[i].error);
    }
    double el = now_s() - start;
    printf("%s: %zu check-ins accepted in %.2f s with %zu threads: %.0f check-ins/s (%zu"
           " refused)\n",
           kind, done, el, threads, (double)done / el, failed);
    medsec_free(msgs);
    return 0;
}
