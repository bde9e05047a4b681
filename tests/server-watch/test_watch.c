/* test_watch.c: the vulnerability watch on a real SQLite file, a real vulnerability database
 * (imported by `medsec db import` from tests/server-watch/data) and the test device folder: the
 * rescan's findings, triage states and fixing release, "who is exposed" per role, events made once.
 * Arguments: DEVICE_DIR VULNDB LATER_VULNDB (the same feeds plus a KEV listing of CVE-2099-5002).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cmocka.h>

#include "medsec/json.h"
#include "watch.h"
#include "watch_test.h"

static const char *device_dir, *vulndb, *later_db;

static void ok(medsec_err rc, const struct medsec_error *err)
{
    if (rc)
        fail_msg("%s: %s", medsec_strerror(rc), err->msg);
}

static int64_t q_int(struct wt *t, const char *sql)
{
    int64_t v = -1;
    struct medsec_error err;
    ok(sdb_query_int(t->db, sql, NULL, 0, &v, &err), &err);
    return v;
}

static struct medsec_json_doc *parse(const struct srv_resp *rs)
{
    struct medsec_json_doc *doc;
    struct medsec_error err;
    if (medsec_json_parse(rs->body.data, rs->body.len, NULL, "answer", &doc, &err))
        fail_msg("not JSON (%s): %s", err.msg, rs->body.data);
    return doc;
}

static int64_t j_int(const struct medsec_json *obj, const char *key)
{
    double d = -1;
    const struct medsec_json *v = medsec_json_get(obj, key);
    if (!v || !medsec_json_number(v, &d))
        fail_msg("no number %s", key);
    return (int64_t)d;
}

static void rescan(struct wt *t, const char *db, int64_t now, struct srv_watch_stats *st)
{
    struct medsec_error err;
    const char *dirs[] = {device_dir};
    ok(srv_watch_rescan(t->db, db, dirs, 1, now, 0, NULL, st, &err), &err);
}

static void test_rescan(void **state)
{
    (void)state;
    struct wt t;
    wt_open(&t);
    wt_fleet(&t, device_dir);
    struct srv_watch_stats st;
    rescan(&t, vulndb, WT_NOW, &st);
    assert_int_equal(st.models, 1);
    assert_int_equal(st.releases, 3);
    assert_int_equal(st.findings, 3); /* 1.0.0: 5001; 1.1.0: 5001, 5002 */
    assert_int_equal(st.new_findings, 3);
    assert_string_equal(st.unmatched, "");
    /* the fixing release of both is 2.0.0 (release 3) */
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM release_findings WHERE fixed_release_id = 3"),
                     3);
    /* triage: the file decided 5002 not affected on 2099-01-10; 5001 is still in triage */
    assert_int_equal(q_int(&t,
                           "SELECT COUNT(*) FROM release_findings WHERE vuln_id = 'CVE-2099-5002'"
                           " AND triage_state = 'not_affected' AND triage_at = 4071686400"),
                     1);
    assert_int_equal(q_int(&t,
                           "SELECT COUNT(*) FROM release_findings WHERE vuln_id = 'CVE-2099-5001'"
                           " AND triage_state = 'in_triage' AND triage_at IS NULL"),
                     2);
    assert_int_equal(q_int(&t, "SELECT cvss_tenths FROM release_findings WHERE vuln_id ="
                               " 'CVE-2099-5001' AND release_id = 1"),
                     98);
    /* one event: 5001 is critical on fielded releases; no subscription, no notification */
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM watch_events"), 1);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM watch_events WHERE event_key ="
                               " 'CVE-2099-5001:critical'"),
                     1);
    assert_int_equal(st.notifications, 0);

    /* the same database again: nothing new, the event is not made twice */
    rescan(&t, vulndb, WT_NOW + 3600, &st);
    assert_int_equal(st.new_findings, 0);
    assert_int_equal(st.gone, 0);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM watch_events"), 1);
    assert_int_equal(q_int(&t, "SELECT first_seen FROM release_findings WHERE release_id = 1"),
                     WT_NOW);
    assert_int_equal(q_int(&t, "SELECT last_seen FROM release_findings WHERE release_id = 1"),
                     WT_NOW + 3600);

    /* a day later the feeds list CVE-2099-5002 as known exploited: one more event */
    rescan(&t, later_db, WT_NOW + 86400, &st);
    assert_int_equal(st.new_findings, 0);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM watch_events WHERE event_key ="
                               " 'CVE-2099-5002:kev'"),
                     1);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM watch_events"), 2);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM watch_runs"), 3);

    /* 1.1.0 leaves the field: with fielded_only its findings are not looked at, and the ones of
     * a release scanned again without them are gone */
    struct medsec_error err;
    ok(sdb_exec(t.db, "UPDATE devices SET status = 'decommissioned' WHERE release_id = 2", NULL, 0,
                NULL, &err),
       &err);
    const char *dirs[] = {device_dir};
    ok(srv_watch_rescan(t.db, vulndb, dirs, 1, WT_NOW + 2 * 86400, SRV_WATCH_FIELDED_ONLY, NULL,
                        &st, &err),
       &err);
    assert_int_equal(st.releases, 2);
    assert_int_equal(st.findings, 1);
    wt_close(&t);
}

static void test_exposure(void **state)
{
    (void)state;
    struct wt t;
    wt_open(&t);
    wt_fleet(&t, device_dir);
    rescan(&t, vulndb, WT_NOW, NULL);
    /* a roll-out of the fix: 2 of its 3 devices succeeded */
    struct medsec_error err;
    ok(sdb_script(t.db,
                  "INSERT INTO rollouts(id, release_id, name, state, percent, created_at) VALUES"
                  " (1, 3, 'fix acme-net', 'running', 30, 4073587200);"
                  "INSERT INTO rollout_devices VALUES (1, 1, 'succeeded', 4073587200, 0),"
                  " (1, 2, 'succeeded', 4073587200, 0), (1, 11, 'failed', 4073587200, 5);",
                  &err),
       &err);
    struct srv_resp rs;
    assert_int_equal(wt_call(&t, srv_routes_watch, "GET", "/api/v1/advisories", NULL, NULL,
                             SRV_ROLE_ANALYST, 0, &rs),
                     200);
    struct medsec_json_doc *doc = parse(&rs);
    assert_int_equal(j_int(doc->root, "total"), 2);
    const struct medsec_json *first = medsec_json_at(medsec_json_get(doc->root, "items"), 0);
    assert_string_equal(medsec_json_get_str(first, "id"), "CVE-2099-5001");
    assert_int_equal(j_int(first, "devices"), 16);
    medsec_json_doc_free(doc);
    medsec_buf_release(&rs.body);

    assert_int_equal(wt_call(&t, srv_routes_watch, "GET", "/api/v1/advisories/CVE-2099-5001", NULL,
                             NULL, SRV_ROLE_REGULATORY, 0, &rs),
                     200);
    doc = parse(&rs);
    assert_int_equal(j_int(doc->root, "devices"), 16);
    const struct medsec_json *rels = medsec_json_get(doc->root, "releases");
    assert_int_equal(rels->len, 2);
    const struct medsec_json *fix = medsec_json_get(medsec_json_at(rels, 0), "fixing_release");
    assert_string_equal(medsec_json_get_str(fix, "version"), "2.0.0");
    const struct medsec_json *hosp = medsec_json_get(doc->root, "hospitals");
    assert_int_equal(hosp->len, 2);
    /* North: 10 devices on 1.0.0; South: 6 on 1.1.0 */
    assert_string_equal(medsec_json_get_str(medsec_json_at(hosp, 0), "hospital"), "North");
    assert_int_equal(j_int(medsec_json_at(hosp, 0), "devices"), 10);
    assert_int_equal(j_int(medsec_json_at(hosp, 1), "devices"), 6);
    assert_int_equal(medsec_json_get(doc->root, "sites")->len, 3);
    const struct medsec_json *ro = medsec_json_at(medsec_json_get(doc->root, "rollouts"), 0);
    assert_non_null(ro);
    assert_int_equal(j_int(ro, "succeeded"), 2);
    assert_int_equal(j_int(ro, "failed"), 1);
    medsec_json_doc_free(doc);
    medsec_buf_release(&rs.body);

    /* a hospital account sees its own devices only */
    assert_int_equal(wt_call(&t, srv_routes_watch, "GET", "/api/v1/advisories/CVE-2099-5001", NULL,
                             NULL, SRV_ROLE_HOSPITAL, 2, &rs),
                     200);
    doc = parse(&rs);
    assert_int_equal(j_int(doc->root, "devices"), 6);
    hosp = medsec_json_get(doc->root, "hospitals");
    assert_int_equal(hosp->len, 1);
    assert_string_equal(medsec_json_get_str(medsec_json_at(hosp, 0), "hospital"), "South");
    ro = medsec_json_at(medsec_json_get(doc->root, "rollouts"), 0);
    assert_int_equal(j_int(ro, "devices"), 1); /* only device 11 is South's */
    medsec_json_doc_free(doc);
    medsec_buf_release(&rs.body);

    /* unknown advisory, bad paging, roles */
    assert_int_equal(wt_call(&t, srv_routes_watch, "GET", "/api/v1/advisories/CVE-1999-0001", NULL,
                             NULL, SRV_ROLE_ANALYST, 0, &rs),
                     404);
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_watch, "GET", "/api/v1/advisories", "limit=5000", NULL,
                             SRV_ROLE_ANALYST, 0, &rs),
                     400);
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_watch, "POST", "/api/v1/watch/rescan", NULL, "",
                             SRV_ROLE_HOSPITAL, 1, &rs),
                     403);
    assert_int_equal(wt_call(&t, srv_routes_watch, "POST", "/api/v1/watch/subscriptions", NULL,
                             "{\"kind\":\"email\",\"target\":\"a@b\"}", SRV_ROLE_ANALYST, 0, &rs),
                     403);
    assert_int_equal(wt_call(&t, srv_routes_watch, "POST", "/api/v1/watch/subscriptions", NULL,
                             "{\"kind\":\"email\",\"target\":\"x\\r\\nBcc: evil@example.org\"}",
                             SRV_ROLE_ADMIN, 0, &rs),
                     400);
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_watch, "POST", "/api/v1/watch/subscriptions", NULL,
                             "{\"kind\":\"webhook\",\"target\":\"file:///etc/passwd\"}",
                             SRV_ROLE_ADMIN, 0, &rs),
                     400);
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_watch, "POST", "/api/v1/watch/subscriptions", NULL,
                             "{\"kind\":\"email\",\"target\":\"psirt@example.org\"}",
                             SRV_ROLE_ADMIN, 0, &rs),
                     201);
    medsec_buf_release(&rs.body);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM audit WHERE action = 'watch.subscribe'"), 1);
    wt_close(&t);
}

/* A folder that cannot be scanned is noted; the other models are still watched. */
static void test_broken_folder(void **state)
{
    (void)state;
    struct wt t;
    wt_open(&t);
    wt_fleet(&t, device_dir);
    char other[1100];
    snprintf(other, sizeof other, "%s/../advisories", device_dir);
    struct medsec_error err;
    struct sdb_val p[] = {SDB_S(other)};
    ok(sdb_exec(t.db, "INSERT INTO models(id, name, device_dir) VALUES (2, 'Broken', $1)", p, 1,
                NULL, &err),
       &err);
    const char *dirs[] = {other, device_dir, "/nonexistent/folder"};
    struct srv_watch_stats st;
    ok(srv_watch_rescan(t.db, vulndb, dirs, 3, WT_NOW, 0, NULL, &st, &err), &err);
    assert_int_equal(st.models, 1);
    assert_int_equal(st.findings, 3);
    assert_non_null(strstr(st.unmatched, "advisories ("));
    assert_non_null(strstr(st.unmatched, "folder"));
    wt_close(&t);
}

/* The trigger: a rescan at start, then only when the database file changed, looked at once a
 * minute. The poll works on a copy of the database whose time stamp the test moves. */
static void test_poll(void **state)
{
    (void)state;
    struct wt t;
    wt_open(&t);
    wt_fleet(&t, device_dir);
    char copy[1100];
    snprintf(copy, sizeof copy, "%s.vulndb", t.dir[0] ? t.path : "watch-poll");
    FILE *in = fopen(vulndb, "rb"), *out = fopen(copy, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    struct utimbuf tb = {1000000000, 1000000000};
    assert_int_equal(utime(copy, &tb), 0);
    const char *dirs[] = {device_dir};
    struct srv_config cfg = {.vulndb_path = copy, .device_dirs = dirs, .device_dir_count = 1};
    struct srv_watch_poller p = {0};
    struct medsec_error err;
    bool ran;
    ok(srv_watch_poll(&p, t.db, &cfg, WT_NOW, &ran, &err), &err);
    assert_true(ran); /* at start */
    ok(srv_watch_poll(&p, t.db, &cfg, WT_NOW + 30, &ran, &err), &err);
    assert_false(ran); /* not looked at within the minute */
    ok(srv_watch_poll(&p, t.db, &cfg, WT_NOW + 90, &ran, &err), &err);
    assert_false(ran); /* unchanged */
    tb.modtime = 1000000500;
    assert_int_equal(utime(copy, &tb), 0);
    ok(srv_watch_poll(&p, t.db, &cfg, WT_NOW + 120, &ran, &err), &err);
    assert_false(ran); /* changed, but the last look was 30 s ago */
    ok(srv_watch_poll(&p, t.db, &cfg, WT_NOW + 151, &ran, &err), &err);
    assert_true(ran);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM watch_runs"), 2);
    /* a database that is gone: nothing to do, no error */
    static const char *const sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char f[1200];
        snprintf(f, sizeof f, "%s%s", copy, sfx[i]);
        unlink(f);
    }
    ok(srv_watch_poll(&p, t.db, &cfg, WT_NOW + 300, &ran, &err), &err);
    assert_false(ran);
    wt_close(&t);
}

static void test_mail_format(void **state)
{
    (void)state;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    /* 2024-02-29T13:05:09Z was a Thursday */
    assert_int_equal(srv_watch_mail_format(&b, "watch@maker.example", "psirt@maker.example",
                                           "[medsec] critical\r\nBcc: x@y", "line 1\nline 2",
                                           INT64_C(1709211909), "<m.1@maker.example>"),
                     MEDSEC_OK);
    assert_non_null(strstr(b.data, "Date: Thu, 29 Feb 2024 13:05:09 +0000\r\n"));
    assert_non_null(strstr(b.data, "Subject: [medsec] critical  Bcc: x@y\r\n"));
    assert_null(strstr(b.data, "\r\nBcc:"));
    assert_non_null(strstr(b.data, "\r\n\r\nline 1\r\nline 2\r\n"));
    medsec_buf_release(&b);
    char hex[65];
    /* RFC 4231 test case 2 */
    srv_watch_hmac_hex("Jefe", "what do ya want for nothing?", 28, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s DEVICE_DIR VULNDB LATER_VULNDB\n", argv[0]);
        return 2;
    }
    device_dir = argv[1];
    vulndb = argv[2];
    later_db = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rescan),        cmocka_unit_test(test_exposure),
        cmocka_unit_test(test_broken_folder), cmocka_unit_test(test_poll),
        cmocka_unit_test(test_mail_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
