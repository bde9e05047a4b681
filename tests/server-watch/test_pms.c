/* test_pms.c: post-market figures on a constructed history (findings, a fixing release, check-ins
 * that move the fleet to it), the share property of the patch times, the SVG charts and the PMS
 * section, on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pms.h"
#include "watch_test.h"

#define DAY INT64_C(86400)

static void ok(medsec_err rc, const struct medsec_error *err)
{
    if (rc)
        fail_msg("%s: %s", medsec_strerror(rc), err->msg);
}

static void exec(struct wt *t, const char *sql, const struct sdb_val *p, size_t n)
{
    struct medsec_error err;
    ok(sdb_exec(t->db, sql, p, n, NULL, &err), &err);
}

/* The history: CVE-2099-7000 first seen at T0 on 1.0.0 (devices 1..10), triaged 2 days later,
 * fixed by 2.0.0 released at T0 + 5 days; every device checks in on 1.0.0 before T0 and again a
 * day after; devices 1..5 check in on 2.0.0 at T0 + 10 days, 6..9 at T0 + 20 days, 10 stays. */
static void history(struct wt *t, int64_t t0)
{
    exec(t, "DELETE FROM release_findings", NULL, 0);
    exec(t, "UPDATE releases SET released_at = $1 WHERE id = 3",
         (struct sdb_val[]){SDB_I(t0 + 5 * DAY)}, 1);
    exec(t,
         "INSERT INTO release_findings(release_id, vuln_id, severity, cvss_tenths, kev,"
         " first_seen, last_seen, triage_state, triage_at, fixed_release_id) VALUES (1,"
         " 'CVE-2099-7000', 'critical', 98, 1, $1, $1, 'exploitable', $2, 3)",
         (struct sdb_val[]){SDB_I(t0), SDB_I(t0 + 2 * DAY)}, 2);
    for (int d = 1; d <= 10; d++) {
        exec(t,
             "INSERT INTO checkins(device_id, received_at, counter, release_id, security_version)"
             " VALUES ($1, $2, 1, 1, 1)",
             (struct sdb_val[]){SDB_I(d), SDB_I(t0 - DAY + d)}, 2);
        /* the same release again a day later: no change of state */
        exec(t,
             "INSERT INTO checkins(device_id, received_at, counter, release_id, security_version)"
             " VALUES ($1, $2, 2, 1, 1)",
             (struct sdb_val[]){SDB_I(d), SDB_I(t0 + DAY + d)}, 2);
        if (d == 10)
            continue;
        int64_t when = t0 + (d <= 5 ? 10 : 20) * DAY + d;
        exec(t,
             "INSERT INTO checkins(device_id, received_at, counter, release_id, security_version)"
             " VALUES ($1, $2, 3, 3, 3)",
             (struct sdb_val[]){SDB_I(d), SDB_I(when)}, 2);
        exec(t, "UPDATE devices SET release_id = 3 WHERE id = $1", (struct sdb_val[]){SDB_I(d)}, 1);
    }
}

static void test_figures(void **state)
{
    (void)state;
    struct wt t;
    wt_open(&t);
    wt_fleet(&t, "pump");
    int64_t t0 = WT_NOW - 60 * DAY;
    history(&t, t0);
    struct srv_pms_figures f;
    struct medsec_error err;
    ok(srv_pms_figures(t.db, t0 - DAY, WT_NOW, &f, &err), &err);
    assert_int_equal(f.nmodels, 1);
    const struct srv_pms_model *m = &f.models[0];
    assert_int_equal(m->findings, 1);
    assert_int_equal(m->kev, 1);
    assert_int_equal(m->triaged, 1);
    assert_int_equal(m->triage.n, 1);
    assert_int_equal(m->triage.median, 2 * DAY);
    assert_int_equal(m->fix.median, 5 * DAY);
    /* 5 of 10 exposed devices patched at day 10 (+5 s: device 5's check-in) */
    assert_int_equal(m->patch50.n, 1);
    assert_int_equal(m->patch50.median, 10 * DAY + 5);
    assert_int_equal(m->patch90.median, 20 * DAY + 9);
    assert_int_equal(m->devices, 20);
    /* on 1.0.0, whose support ended: device 10 only (1..9 moved to 2.0.0) */
    assert_int_equal(m->unsupported, 1);

    /* a period that does not hold the first sighting has no figures */
    srv_pms_figures_release(&f);
    ok(srv_pms_figures(t.db, t0 + DAY, WT_NOW, &f, &err), &err);
    assert_int_equal(f.models[0].findings, 0);
    assert_int_equal(f.models[0].patch50.n, 0);
    srv_pms_figures_release(&f);

    /* the section and charts through the routes */
    struct srv_resp rs;
    char q[96];
    snprintf(q, sizeof q, "from=%lld&to=%lld&format=html", (long long)(t0 - DAY),
             (long long)WT_NOW);
    assert_int_equal(wt_call(&t, srv_routes_pms, "GET", "/api/v1/pms/section", q, NULL,
                             SRV_ROLE_REGULATORY, 0, &rs),
                     200);
    assert_non_null(strstr(rs.body.data, "<table>"));
    assert_non_null(strstr(rs.body.data, "Art. 86"));
    assert_non_null(strstr(rs.body.data, "MDCG 2019-16"));
    assert_non_null(strstr(rs.body.data, "<svg"));
    assert_non_null(strstr(rs.body.data, "CVE-2099-7000"));
    assert_string_equal(rs.content_type, "text/html; charset=utf-8");
    medsec_buf_release(&rs.body);
    snprintf(q, sizeof q, "from=%lld&to=%lld&format=md", (long long)(t0 - DAY), (long long)WT_NOW);
    assert_int_equal(
        wt_call(&t, srv_routes_pms, "GET", "/api/v1/pms/section", q, NULL, SRV_ROLE_ADMIN, 0, &rs),
        200);
    assert_non_null(strstr(rs.body.data, "| Watch Pump | 1 | 1 | 1 | 2.0 / 2.0 / 2.0 (n=1) |"));
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_pms, "GET", "/api/v1/pms/section", NULL, NULL,
                             SRV_ROLE_HOSPITAL, 1, &rs),
                     403);
    assert_int_equal(wt_call(&t, srv_routes_pms, "GET", "/api/v1/pms/section", "from=2099-13-40",
                             NULL, SRV_ROLE_ADMIN, 0, &rs),
                     400);
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_pms, "GET", "/api/v1/pms/charts/nope.svg", NULL, NULL,
                             SRV_ROLE_ADMIN, 0, &rs),
                     404);
    medsec_buf_release(&rs.body);
    wt_close(&t);
}

/* A chart escapes what it draws and says what it shows. */
static void test_chart(void **state)
{
    (void)state;
    struct srv_pms_model m[2];
    memset(m, 0, sizeof m);
    snprintf(m[0].name, sizeof m[0].name, "Pump <b>&\"x\"</b>");
    m[0].triage.n = 1;
    m[0].triage.median = 3 * DAY;
    snprintf(m[1].name, sizeof m[1].name, "Monitor");
    struct srv_pms_figures f = {0, 30 * DAY, m, 2};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(srv_pms_chart(&f, "triage", &b), MEDSEC_OK);
    assert_non_null(strstr(b.data, "viewBox=\"0 0 "));
    assert_non_null(strstr(b.data, "<title id=\"t-triage\">"));
    assert_non_null(strstr(b.data, "Pump &lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;: 3.0 days."));
    assert_non_null(strstr(b.data, "Monitor: no data."));
    assert_null(strstr(b.data, "<b>"));
    assert_int_equal(srv_pms_chart(&f, "other", &b), MEDSEC_ENOTFOUND);
    medsec_buf_release(&b);
}

/* Property: the time to a share is the first check-in at which the patched count reaches it, and
 * a higher share never comes sooner. */
static void test_share_property(void **state)
{
    (void)state;
    unsigned seed = 777;
    enum { N = 400, D = 25 };
    size_t dev[N];
    int64_t at[N];
    unsigned char pat[N];
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            dev[i] = (seed >> 8) % D;
            at[i] = 1000 + i * 10;
            pat[i] = ((seed >> 20) % 4) != 0 || i > N - D;
        }
        int64_t prev = 0;
        for (unsigned pm = 100; pm <= 1000; pm += 100) {
            int64_t t = srv_pms_time_to_share(dev, at, pat, N, D, 1000, pm);
            /* recompute naively */
            unsigned char now[D] = {0};
            int64_t want = -1;
            for (int i = 0; i < N && want < 0; i++) {
                now[dev[i]] = pat[i];
                size_t c = 0;
                for (int k = 0; k < D; k++)
                    c += now[k];
                if (c * 1000 >= (size_t)pm * D)
                    want = at[i] - 1000;
            }
            assert_int_equal(t, want);
            if (t >= 0) {
                assert_true(t >= prev);
                prev = t;
            }
        }
    }
    /* nothing exposed: never */
    assert_int_equal(srv_pms_time_to_share(dev, at, pat, 0, 0, 0, 500), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_chart),
        cmocka_unit_test(test_share_property),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
