/* serve_load_prep.c: what the HTTP load test of `medsec serve` (bench/serve_load.sh) and the
 * killed-server test (tests/server-load) prepare before the server starts:
 *   serve_load_prep gen DB_URL --devices N [--sites N] [--hospitals N] [--models N]
 *                   [--releases N] [--seed S]
 *       migrate the fleet schema and generate the fleet (srv_fleet_generate, keys from the seed);
 *   serve_load_prep sign OUT --devices N --messages M [--seed S] [--counter C] [--first I]
 *       sign M check-ins of devices I, I+1, ... (round robin over the N devices, so a device
 *       signs again with the next counter after N messages), counters from C (default 1), each
 *       derived from the seed as the generator does. OUT gets one record per check-in: two bytes
 *       of big-endian length, then the COSE_Sign1 bytes. With --list FILE, FILE gets one text
 *       line per record: "uuid counter".
 *   serve_load_prep verify-rate [--seconds S]
 *       Ed25519 verifications of one check-in per second on one thread (medsec_checkin_verify).
 * Prints its figures on stdout, errors on stderr; exit 0 ok, 2 usage, 3 failure. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "medsec/checkin.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct opts {
    struct srv_fleet_gen g;
    size_t messages, first;
    uint64_t counter;
    double seconds;
    const char *list;
};

static int parse(int argc, char **argv, int from, struct opts *o)
{
    for (int i = from; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "serve_load_prep: %s needs a value\n", argv[i]);
            return 2;
        }
        const char *a = argv[i], *v = argv[i + 1];
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (!strcmp(a, "--list")) {
            o->list = v;
            continue;
        }
        if (!strcmp(a, "--seconds")) {
            o->seconds = strtod(v, &end);
        } else if (!strcmp(a, "--devices"))
            o->g.devices = (size_t)n;
        else if (!strcmp(a, "--sites"))
            o->g.sites = (size_t)n;
        else if (!strcmp(a, "--hospitals"))
            o->g.hospitals = (size_t)n;
        else if (!strcmp(a, "--models"))
            o->g.models = (size_t)n;
        else if (!strcmp(a, "--releases"))
            o->g.releases = (size_t)n;
        else if (!strcmp(a, "--seed"))
            o->g.seed = n;
        else if (!strcmp(a, "--messages"))
            o->messages = (size_t)n;
        else if (!strcmp(a, "--counter"))
            o->counter = n;
        else if (!strcmp(a, "--first"))
            o->first = (size_t)n;
        else {
            fprintf(stderr, "serve_load_prep: unknown option %s\n", a);
            return 2;
        }
        if (*end || !*v) {
            fprintf(stderr, "serve_load_prep: %s: not a number: %s\n", a, v);
            return 2;
        }
    }
    return 0;
}

static int gen(const char *url, struct opts *o)
{
    struct medsec_error err = {0};
    struct sdb *db;
    if (sdb_open(&db, url, &err)) {
        fprintf(stderr, "serve_load_prep: %s\n", err.msg);
        return 3;
    }
    double t0 = now_s();
    int rc = 0;
    if (srv_fleet_migrate(db, &err) || srv_fleet_generate(db, &o->g, &err) ||
        sdb_script(db, sdb_kind(db) == SDB_POSTGRES ? "VACUUM ANALYZE" : "ANALYZE", &err)) {
        fprintf(stderr, "serve_load_prep: generate: %s\n", err.msg);
        rc = 3;
    } else {
        printf("generated %zu devices on %zu sites of %zu hospitals in %.1f s\n", o->g.devices,
               o->g.sites, o->g.hospitals, now_s() - t0);
    }
    sdb_close(db);
    return rc;
}

/* One signed check-in of generated device @idx with @counter. */
static int make_one(uint64_t seed, size_t idx, uint64_t counter, unsigned char *out, size_t *len,
                    char uh[33])
{
    struct medsec_checkin c;
    unsigned char pk[32], sk[64];
    memset(&c, 0, sizeof c);
    srv_fleet_gen_device(seed, idx, c.device_id, pk, sk);
    c.counter = counter;
    c.time = (uint64_t)time(NULL);
    c.slot = 0;
    c.log_first = 1;
    c.log_last = (uint32_t)(counter & 0xffffffu) + 1;
    struct medsec_error err = {0};
    medsec_err e = medsec_checkin_make(&c, sk, out, 512, len, &err);
    sodium_memzero(sk, sizeof sk);
    if (e) {
        fprintf(stderr, "serve_load_prep: sign: %s\n", err.msg);
        return 3;
    }
    srv_fleet_hex(c.device_id, 16, uh);
    return 0;
}

static int sign(const char *path, struct opts *o)
{
    if (!o->g.devices || !o->messages) {
        fprintf(stderr, "serve_load_prep: sign needs --devices and --messages\n");
        return 2;
    }
    FILE *f = fopen(path, "wb");
    FILE *l = o->list ? fopen(o->list, "w") : NULL;
    if (!f || (o->list && !l)) {
        fprintf(stderr, "serve_load_prep: cannot write %s\n", !f ? path : o->list);
        if (f)
            fclose(f);
        return 3;
    }
    int rc = 0;
    double t0 = now_s();
    for (size_t i = 0; !rc && i < o->messages; i++) {
        size_t idx = (o->first + i) % o->g.devices;
        uint64_t counter = o->counter + (o->first + i) / o->g.devices;
        unsigned char b[512];
        size_t n;
        char uh[33];
        rc = make_one(o->g.seed, idx, counter, b, &n, uh);
        unsigned char hdr[2] = {(unsigned char)(n >> 8), (unsigned char)n};
        if (!rc && (fwrite(hdr, 1, 2, f) != 2 || fwrite(b, 1, n, f) != n ||
                    (l && fprintf(l, "%s %" PRIu64 "\n", uh, counter) < 0))) {
            fprintf(stderr, "serve_load_prep: write failed\n");
            rc = 3;
        }
    }
    if (fclose(f) || (l && fclose(l)))
        rc = rc ? rc : 3;
    if (!rc)
        printf("signed %zu check-ins in %.1f s\n", o->messages, now_s() - t0);
    return rc;
}

static int verify_rate(struct opts *o)
{
    unsigned char b[512], pk[32], sk[64], uuid[16];
    size_t n;
    char uh[33];
    if (make_one(1, 0, 1, b, &n, uh))
        return 3;
    srv_fleet_gen_device(1, 0, uuid, pk, sk);
    sodium_memzero(sk, sizeof sk);
    double t0 = now_s(), t;
    size_t k = 0;
    do {
        for (int i = 0; i < 256; i++, k++) {
            struct medsec_checkin c;
            struct medsec_error err = {0};
            if (medsec_checkin_verify(b, n, pk, &c, &err)) {
                fprintf(stderr, "serve_load_prep: verify: %s\n", err.msg);
                return 3;
            }
        }
        t = now_s() - t0;
    } while (t < o->seconds);
    printf("check-in verify (decode + Ed25519) on one thread: %.0f /s\n", (double)k / t);
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o = {.g = {.models = 10,
                           .sites = 500,
                           .hospitals = 50,
                           .devices = 100000,
                           .releases = 50,
                           .seed = 2026,
                           .now = (int64_t)time(NULL)},
                     .counter = 1,
                     .seconds = 3};
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        fprintf(stderr,
                "usage: serve_load_prep gen DB_URL [--devices N] [--sites N] [--hospitals N]"
                " [--models N] [--releases N] [--seed S]\n"
                "       serve_load_prep sign OUT --devices N --messages M [--seed S]"
                " [--counter C] [--first I] [--list FILE]\n"
                "       serve_load_prep verify-rate [--seconds S]\n");
        return argc < 2 ? 2 : 0;
    }
    if (sodium_init() < 0)
        return 3;
    const char *cmd = argv[1];
    if (!strcmp(cmd, "verify-rate")) {
        int rc = parse(argc, argv, 2, &o);
        return rc ? rc : verify_rate(&o);
    }
    if (argc < 3) {
        fprintf(stderr, "serve_load_prep: %s needs an argument\n", cmd);
        return 2;
    }
    int rc = parse(argc, argv, 3, &o);
    if (rc)
        return rc;
    if (!strcmp(cmd, "gen"))
        return gen(argv[2], &o);
    if (!strcmp(cmd, "sign"))
        return sign(argv[2], &o);
    fprintf(stderr, "serve_load_prep: unknown command %s\n", cmd);
    return 2;
}
