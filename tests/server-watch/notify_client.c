/* notify_client.c: the server side of the notification test (notify_test.py starts the loopback
 * SMTP server and webhook receiver, then runs this). Subscribes an address and a webhook, rescans
 * (one critical event), and delivers: the receiver refuses the first webhook POST, so that one is
 * retried after its back-off; a second rescan queues nothing more. Exits 0 when every count is as
 * expected.
 * Arguments: DEVICE_DIR VULNDB SMTP_URL WEBHOOK_URL SECRET */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "watch.h"
#include "watch_test.h"

static char **args;

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

static void test_notify(void **state)
{
    (void)state;
    struct wt t;
    wt_open(&t);
    wt_fleet(&t, args[1]);
    struct srv_resp rs;
    char body[600];
    snprintf(body, sizeof body, "{\"kind\":\"email\",\"target\":\"psirt@maker.example\"}");
    assert_int_equal(wt_call(&t, srv_routes_watch, "POST", "/api/v1/watch/subscriptions", NULL,
                             body, SRV_ROLE_ADMIN, 0, &rs),
                     201);
    medsec_buf_release(&rs.body);
    snprintf(body, sizeof body, "{\"kind\":\"webhook\",\"target\":\"%s\"}", args[4]);
    assert_int_equal(wt_call(&t, srv_routes_watch, "POST", "/api/v1/watch/subscriptions", NULL,
                             body, SRV_ROLE_ADMIN, 0, &rs),
                     201);
    medsec_buf_release(&rs.body);

    struct medsec_error err;
    struct srv_watch_stats st;
    const char *dirs[] = {args[1]};
    ok(srv_watch_rescan(t.db, args[2], dirs, 1, WT_NOW, 0, NULL, &st, &err), &err);
    assert_int_equal(st.notifications, 2);

    struct srv_config cfg = {
        .smtp_url = args[3], .smtp_from = "watch@maker.example", .webhook_secret = args[5]};
    size_t sent = 0, failed = 0;
    ok(srv_watch_deliver(t.db, &cfg, WT_NOW, &sent, &failed, &err), &err);
    assert_int_equal(sent, 1);   /* the e-mail */
    assert_int_equal(failed, 1); /* the receiver answers 503 the first time */
    assert_int_equal(q_int(&t, "SELECT attempts FROM notifications WHERE kind = 'webhook'"), 1);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM notifications WHERE status = 'pending' AND"
                               " last_error = 'webhook: HTTP 503'"),
                     1);
    /* not due yet: the back-off is 120 s after the first failure */
    ok(srv_watch_deliver(t.db, &cfg, WT_NOW + 60, &sent, &failed, &err), &err);
    assert_int_equal(sent + failed, 0);
    ok(srv_watch_deliver(t.db, &cfg, WT_NOW + 121, &sent, &failed, &err), &err);
    assert_int_equal(sent, 1);
    assert_int_equal(failed, 0);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM notifications WHERE status = 'sent'"), 2);
    /* the same findings again: each event is sent once */
    ok(srv_watch_rescan(t.db, args[2], dirs, 1, WT_NOW + 3600, 0, NULL, &st, &err), &err);
    assert_int_equal(st.notifications, 0);
    ok(srv_watch_deliver(t.db, &cfg, WT_NOW + 7200, &sent, &failed, &err), &err);
    assert_int_equal(sent + failed, 0);
    /* a relay that is not there: the failure is recorded, to be retried */
    struct srv_config down = {.smtp_url = "smtp://127.0.0.1:1", .smtp_from = "w@maker.example"};
    ok(sdb_exec(t.db,
                "UPDATE notifications SET status = 'pending', next_attempt_at = 0 WHERE"
                " kind = 'email'",
                NULL, 0, NULL, &err),
       &err);
    ok(srv_watch_deliver(t.db, &down, WT_NOW + 8000, &sent, &failed, &err), &err);
    assert_int_equal(failed, 1);
    assert_int_equal(q_int(&t, "SELECT COUNT(*) FROM notifications WHERE kind = 'email' AND"
                               " status = 'pending' AND last_error LIKE 'smtp: %'"),
                     1);
    wt_close(&t);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s DEVICE_DIR VULNDB SMTP_URL WEBHOOK_URL SECRET\n", argv[0]);
        return 2;
    }
    args = argv;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_notify)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
