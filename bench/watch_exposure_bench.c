/* watch_exposure_bench.c: the time of "who is exposed" for a new advisory, through the watch's
 * own handler (GET /api/v1/advisories/{id}: device counts on the affected releases, per release,
 * site and hospital, and the roll-outs of the fix) and the advisory list, on a generated fleet
 * (srv_fleet_generate; 1,000,000 devices across 5,000 sites and 50 releases by default). The
 * advisory is a finding on K releases written straight into release_findings (with 200 others on
 * 5 releases each, for the list). Prints the median
 * and the worst of 7 runs as staff and as a hospital account. Then the post-market figures of the
 * year (srv_pms_figures): the advisory's fixing release is the last release of each affected
 * model, every device has checked in once on its release and half of the exposed ones a second
 * time on the fix.
 * usage: watch_exposure_bench DB_URL [DEVICES [K]] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "pms.h"
#include "medsec/buf.h"
#include "srv.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *no_param(const struct srv_req *rq, const char *name)
{
    (void)rq;
    (void)name;
    return NULL;
}

/* Run @fn 7 times; print the median and worst in ms. */
static int timed(const char *what, srv_handler fn, struct srv_req *rq)
{
    double t[7];
    for (int i = 0; i < 7; i++) {
        struct srv_resp rs;
        memset(&rs, 0, sizeof rs);
        medsec_buf_init(&rs.body, 0);
        double t0 = now_s();
        medsec_err rc = fn(rq, &rs);
        t[i] = now_s() - t0;
        if (rc || (rs.status && rs.status != 200)) {
            fprintf(stderr, "watch_exposure_bench: %s: %d %s\n", what, rs.status, rs.body.data);
            medsec_buf_release(&rs.body);
            return 1;
        }
        if (i == 0)
            printf("  %s: %.300s%s\n", what, rs.body.data, rs.body.len > 300 ? " ..." : "");
        medsec_buf_release(&rs.body);
    }
    qsort(t, 7, sizeof *t, cmp_d);
    printf("%s: median %.1f ms, worst %.1f ms\n", what, t[3] * 1e3, t[6] * 1e3);
    return 0;
}

static srv_handler route(const char *method, const char *pattern)
{
    for (const struct srv_route *r = srv_routes_watch; r->method; r++)
        if (!strcmp(r->method, method) && !strcmp(r->pattern, pattern))
            return r->fn;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: watch_exposure_bench DB_URL [DEVICES [K]]\n");
        return 2;
    }
    size_t devices = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    size_t k = argc > 3 ? strtoul(argv[3], NULL, 10) : 3;
    struct medsec_error err;
    struct sdb *db;
    if (sdb_open(&db, argv[1], &err) || srv_fleet_migrate(db, &err) ||
        srv_watch_migrate(db, &err)) {
        fprintf(stderr, "watch_exposure_bench: %s\n", err.msg);
        return 3;
    }
    int64_t have = 0;
    sdb_query_int(db, "SELECT COUNT(*) FROM devices", NULL, 0, &have, &err);
    if (have == 0) {
        struct srv_fleet_gen g = {.models = 5,
                                  .sites = 5000,
                                  .hospitals = 500,
                                  .devices = devices,
                                  .releases = 50,
                                  .seed = 2026,
                                  .now = 4073587200};
        double t0 = now_s();
        if (srv_fleet_generate(db, &g, &err)) {
            fprintf(stderr, "watch_exposure_bench: generate: %s\n", err.msg);
            return 3;
        }
        sdb_script(db, sdb_kind(db) == SDB_POSTGRES ? "VACUUM ANALYZE" : "ANALYZE", &err);
        printf("generated %zu devices in %.1f s\n", devices, now_s() - t0);
    } else {
        printf("reusing the fleet of %" PRId64 " devices\n", have);
    }
    /* the advisory: a critical finding on the first K releases of the first model */
    sdb_exec(db, "DELETE FROM release_findings WHERE vuln_id LIKE 'CVE-BENCH-%'", NULL, 0, NULL,
             &err);
    /* 200 other advisories on 5 releases each, for the list */
    int64_t nrel = 1;
    sdb_query_int(db, "SELECT COUNT(*) FROM releases", NULL, 0, &nrel, &err);
    for (int i = 1; i <= 200; i++) {
        char id[32];
        snprintf(id, sizeof id, "CVE-BENCH-%04d", 1000 + i);
        for (int j = 0; j < 5; j++) {
            struct sdb_val q[] = {SDB_I(1 + (i * 7 + j * 11) % (nrel > 0 ? nrel : 1)), SDB_S(id),
                                  SDB_I(10 + i % 90)};
            sdb_exec(db,
                     "INSERT INTO release_findings(release_id, vuln_id, severity, cvss_tenths,"
                     " kev, first_seen, last_seen, triage_state) VALUES ($1, $2, 'medium', $3, 0,"
                     " 4073587200, 4073587200, 'in_triage')",
                     q, 3, NULL, &err);
        }
    }
    struct sdb_val p[] = {SDB_I((int64_t)k)};
    if (sdb_exec(db,
                 "INSERT INTO release_findings(release_id, vuln_id, severity, cvss_tenths, kev,"
                 " first_seen, last_seen, triage_state) SELECT id, 'CVE-BENCH-0001', 'critical',"
                 " 98, 1, 4073587200, 4073587200, 'in_triage' FROM releases ORDER BY id LIMIT $1",
                 p, 1, NULL, &err)) {
        fprintf(stderr, "watch_exposure_bench: %s\n", err.msg);
        return 3;
    }
    struct srv_user staff = {.id = 0, .role = SRV_ROLE_ANALYST};
    struct srv_user hosp = {.id = 0, .role = SRV_ROLE_HOSPITAL, .hospital_id = 1};
    struct srv_req rq = {.method = "GET",
                         .path = "/api/v1/advisories/CVE-BENCH-0001",
                         .args = {"CVE-BENCH-0001"},
                         .nargs = 1,
                         .body = "",
                         .content_type = "",
                         .param = no_param,
                         .user = &staff,
                         .db = db,
                         .now = 4073587200};
    srv_handler one = route("GET", "/api/v1/advisories/{}");
    srv_handler list = route("GET", "/api/v1/advisories");
    int rc = !one || !list;
    printf("who is exposed to an advisory on %zu releases:\n", k);
    rc = rc || timed("GET /api/v1/advisories/{id} (analyst)", one, &rq);
    rq.user = &hosp;
    rc = rc || timed("GET /api/v1/advisories/{id} (hospital account)", one, &rq);
    rq.user = &staff;
    rq.nargs = 0;
    rc = rc || timed("GET /api/v1/advisories (analyst)", list, &rq);
    /* the post-market figures over a check-in history of the whole fleet */
    int64_t nck = 0;
    sdb_query_int(db, "SELECT COUNT(*) FROM checkins", NULL, 0, &nck, &err);
    if (!rc && nck == 0) {
        double t0 = now_s();
        if (sdb_begin(db, &err) ||
            sdb_script(db,
                       "INSERT INTO checkins(device_id, received_at, counter, release_id,"
                       " security_version) SELECT id, 4073000000 + id % 1000, 1, release_id,"
                       " security_version FROM devices;"
                       "INSERT INTO checkins(device_id, received_at, counter, release_id,"
                       " security_version) SELECT d.id, 4073600000 + d.id % 864000, 2, (SELECT"
                       " MAX(r2.id) FROM releases r2 WHERE r2.model_id = d.model_id), 99 FROM"
                       " devices d WHERE d.id % 2 = 0 AND d.release_id IN (SELECT release_id FROM"
                       " release_findings WHERE vuln_id = 'CVE-BENCH-0001')",
                       &err) ||
            sdb_commit(db, &err)) {
            fprintf(stderr, "watch_exposure_bench: check-ins: %s\n", err.msg);
            return 3;
        }
        printf("wrote the check-in history in %.1f s\n", now_s() - t0);
    }
    sdb_exec(db,
             "UPDATE release_findings SET fixed_release_id = (SELECT MAX(r2.id) FROM releases r2"
             " JOIN releases r1 ON r1.model_id = r2.model_id WHERE r1.id ="
             " release_findings.release_id) WHERE vuln_id = 'CVE-BENCH-0001'",
             NULL, 0, NULL, &err);
    double t0 = now_s();
    struct srv_pms_figures f;
    if (!rc && srv_pms_figures(db, 4073587200 - 86400, 4073587200 + 86400, &f, &err)) {
        fprintf(stderr, "watch_exposure_bench: figures: %s\n", err.msg);
        rc = 1;
    } else if (!rc) {
        size_t fixed = 0;
        for (size_t i = 0; i < f.nmodels; i++)
            fixed += f.models[i].patch50.n;
        printf("post-market figures of %zu models (%zu with patch times): %.0f ms\n", f.nmodels,
               fixed, (now_s() - t0) * 1e3);
    }
    srv_pms_figures_release(&f);
    sdb_close(db);
    return rc;
}
