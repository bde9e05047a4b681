/* test_fleet.c: the fleet on the backend under test: registration (from the example pump's
 * security file, one by one and by CSV), signed check-ins (accepted, bad signature, replay,
 * unknown device), the hospital filter of the routes, roll-out selection (deterministic, percent,
 * cohort), the automatic halt on the failure rate, and (SQLite) a writer killed with -9 loses
 * none of the check-ins it acknowledged. */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth.h"
#include "devtest.h"
#include "fleet.h"
#include "medsec/checkin.h"
#include "medsec/json.h"
#include "msa/log.h"
#include "store_test.h"

#define NOW 1780000000

/* Migrate both the fleet and auth (the audit table) and build a small fleet: 2 hospitals with 2
 * sites each, the example pump's model, @per_site devices per site with keys from seed 7. */
struct world {
    int64_t hosp[2], site[4], model, rel[3];
};

static void migrate_all(struct sdb *db)
{
    struct medsec_error err = {0};
    STORE_OK(srv_fleet_migrate(db, &err), &err);
    STORE_OK(srv_auth_migrate(db, &err), &err);
}

static void device_key(uint64_t i, char uuid[33], char pub[65], unsigned char sk[64])
{
    unsigned char u[16], pk[32];
    srv_fleet_gen_device(7, i, u, pk, sk);
    srv_fleet_hex(u, 16, uuid);
    srv_fleet_hex(pk, 32, pub);
}

static int64_t add_device(struct sdb *db, const struct world *w, uint64_t i, int site)
{
    struct medsec_error err = {0};
    char uuid[33], pub[65], serial[32];
    unsigned char sk[64];
    device_key(i, uuid, pub, sk);
    snprintf(serial, sizeof serial, "P-%05llu", (unsigned long long)i);
    struct srv_device_new d = {.model_id = w->model,
                               .serial = serial,
                               .uuid = uuid,
                               .pubkey = pub,
                               .site_id = w->site[site],
                               .release_id = w->rel[1]};
    int64_t id = 0;
    STORE_OK(srv_fleet_device_add(db, &d, NOW, &id, &err), &err);
    return id;
}

static void build_world(struct sdb *db, struct world *w)
{
    struct medsec_error err = {0};
    migrate_all(db);
    STORE_OK(srv_fleet_hospital_add(db, "St. Elsewhere", "DE", &w->hosp[0], &err), &err);
    STORE_OK(srv_fleet_hospital_add(db, "County General", "FR", &w->hosp[1], &err), &err);
    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "Ward %d", i);
        STORE_OK(srv_fleet_site_add(db, w->hosp[i / 2], name, &w->site[i], &err), &err);
    }
    size_t nrel = 0;
    STORE_OK(srv_fleet_model_add(db, MEDSEC_EXAMPLES "/infusion-pump", &w->model, &nrel, &err),
             &err);
    assert_int_equal(nrel, 3);
    const char *versions[3] = {"2.8.7", "3.1.4", "3.2.0"};
    for (int i = 0; i < 3; i++) {
        struct sdb_val p[2] = {SDB_I(w->model), SDB_S(versions[i])};
        STORE_OK(sdb_query_int(db, "SELECT id FROM releases WHERE model_id = $1 AND version = $2",
                               p, 2, &w->rel[i], &err),
                 &err);
    }
}

/* A signed check-in of generated device @i. */
static size_t make_checkin(uint64_t i, uint64_t counter, const char *version, uint64_t secver,
                           uint64_t install_seq, int32_t result, unsigned char *out)
{
    struct medsec_error err = {0};
    char uuid[33], pub[65];
    unsigned char sk[64];
    device_key(i, uuid, pub, sk);
    struct medsec_checkin c;
    memset(&c, 0, sizeof c);
    for (int k = 0; k < 16; k++) {
        unsigned v;
        sscanf(uuid + 2 * k, "%2x", &v);
        c.device_id[k] = (unsigned char)v;
    }
    c.counter = counter;
    c.time = NOW;
    c.security_version = secver;
    snprintf(c.version, sizeof c.version, "%s", version);
    c.install_seq = install_seq;
    c.install_result = result;
    size_t len = 0;
    STORE_OK(medsec_checkin_make(&c, sk, out, 512, &len, &err), &err);
    return len;
}

static void fleet_register(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct world w;
    build_world(db, &w);
    STORE_OK(srv_fleet_migrate(db, &err), &err); /* idempotent */
    /* releases of the security file: security version by release date */
    int64_t sv = 0, n = 0;
    STORE_OK(sdb_query_int(db, "SELECT security_version FROM releases WHERE id = $1",
                           &SDB_I(w.rel[2]), 1, &sv, &err),
             &err);
    assert_int_equal(sv, 3);
    STORE_OK(sdb_query_int(db, "SELECT support_end FROM releases WHERE id = $1", &SDB_I(w.rel[0]),
                           1, &sv, &err),
             &err);
    assert_int_equal(sv, 1735603200); /* 2024-12-31 */
    /* registering the folder again adds nothing */
    size_t nrel = 9;
    int64_t again = 0;
    STORE_OK(srv_fleet_model_add(db, MEDSEC_EXAMPLES "/infusion-pump", &again, &nrel, &err), &err);
    assert_int_equal(again, w.model);
    assert_int_equal(nrel, 0);

    int64_t dev = add_device(db, &w, 1, 0);
    assert_true(dev > 0);
    STORE_OK(sdb_query_int(db, "SELECT security_version FROM devices WHERE id = $1", &SDB_I(dev), 1,
                           &sv, &err),
             &err);
    assert_int_equal(sv, 2); /* the release's */
    /* the same uuid, a bad uuid, a bad key, an unknown site: each refused naming the field */
    char uuid[33], pub[65];
    unsigned char sk[64];
    device_key(1, uuid, pub, sk);
    struct srv_device_new d = {
        .model_id = w.model, .serial = "other", .uuid = uuid, .pubkey = pub, .site_id = w.site[0]};
    int64_t id;
    assert_int_equal(srv_fleet_device_add(db, &d, NOW, &id, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "uuid"));
    d.uuid = "0123";
    assert_int_equal(srv_fleet_device_add(db, &d, NOW, &id, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "uuid"));
    d.uuid = "0123456789abcdef0123456789abcdef";
    d.pubkey = "zz";
    assert_int_equal(srv_fleet_device_add(db, &d, NOW, &id, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "pubkey"));
    d.pubkey = pub;
    d.site_id = 999999;
    assert_int_equal(srv_fleet_device_add(db, &d, NOW, &id, &err), MEDSEC_ENOTFOUND);
    assert_non_null(strstr(err.msg, "site_id"));
    assert_int_equal(srv_fleet_hospital_add(db, "St. Elsewhere", "DE", &id, &err), MEDSEC_EINVAL);
    assert_int_equal(srv_fleet_hospital_add(db, "X", "Germany", &id, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "country"));

    /* CSV: two good lines (one creates a new hospital and site) */
    char csv[2048];
    char u2[33], p2[65], u3[33], p3[65];
    device_key(2, u2, p2, sk);
    device_key(3, u3, p3, sk);
    snprintf(csv, sizeof csv,
             "serial,model,uuid,pubkey,hospital,site,version\r\n"
             "C-1,VF-3000,%s,%s,St. Elsewhere,Ward 0,3.2.0\r\n"
             "\"C-2, \"\"quoted\"\"\",VF-3000,%s,%s,New Hospital,ICU,\n",
             u2, p2, u3, p3);
    size_t count = 0;
    STORE_OK(srv_fleet_devices_import_csv(db, csv, strlen(csv), NOW, &count, &err), &err);
    assert_int_equal(count, 2);
    STORE_OK(sdb_query_int(db,
                           "SELECT COUNT(*) FROM devices d JOIN sites s ON s.id = d.site_id JOIN"
                           " hospitals h ON h.id = s.hospital_id WHERE h.name = 'New Hospital' AND"
                           " d.serial = 'C-2, \"quoted\"' AND d.release_id IS NULL",
                           NULL, 0, &n, &err),
             &err);
    assert_int_equal(n, 1);
    /* a bad line 3: nothing of the file stays, and the message names the line */
    char u4[33], p4[65];
    device_key(4, u4, p4, sk);
    snprintf(csv, sizeof csv,
             "model,serial,uuid,pubkey,hospital,site\n"
             "VF-3000,D-1,%s,%s,Other Hospital,OR\n"
             "VF-3000,D-2,%s,%s,Other Hospital,OR\n",
             u4, p4, u2, p2);
    memset(&err, 0, sizeof err);
    assert_int_equal(srv_fleet_devices_import_csv(db, csv, strlen(csv), NOW, &count, &err),
                     MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "line 3"));
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM hospitals WHERE name = 'Other Hospital'", NULL,
                           0, &n, &err),
             &err);
    assert_int_equal(n, 0);
    /* a header without a required column, a record with an open quote */
    assert_int_equal(srv_fleet_devices_import_csv(db, "model,serial\n", 13, NOW, &count, &err),
                     MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "uuid"));
    const char *bad = "model,serial,uuid,pubkey,hospital,site\n\"open,x,y,z,a,b\n";
    assert_int_equal(srv_fleet_devices_import_csv(db, bad, strlen(bad), NOW, &count, &err),
                     MEDSEC_EPARSE);
}

static void fleet_checkin(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct world w;
    build_world(db, &w);
    int64_t dev = add_device(db, &w, 1, 0);
    unsigned char msg[512], other[512];
    size_t n = make_checkin(1, 5, "3.2.0", 3, 0, 0, msg);
    struct srv_checkin_result res;
    STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 10, NULL, &res, &err), &err);
    assert_int_equal(res.device_id, dev);
    assert_int_equal(res.release_id, w.rel[2]);
    assert_int_equal(res.offer_rollout, 0);
    struct sdb_rows *r;
    STORE_OK(sdb_query(db,
                       "SELECT last_counter, last_checkin, release_id, security_version FROM"
                       " devices WHERE id = $1",
                       &SDB_I(dev), 1, &r, &err),
             &err);
    assert_int_equal(sdb_step(r, &err), 1);
    assert_int_equal(sdb_int(r, 0), 5);
    assert_int_equal(sdb_int(r, 1), NOW + 10);
    assert_int_equal(sdb_int(r, 2), w.rel[2]);
    assert_int_equal(sdb_int(r, 3), 3);
    sdb_rows_free(r);
    struct medsec_buf b = MEDSEC_BUF_INIT;
    STORE_OK(srv_fleet_checkin_answer(&res, &b), &err);
    assert_string_equal(b.data, "{\"accepted\":true,\"offer\":null}");
    medsec_buf_release(&b);

    /* the same message again: a replay */
    memset(&err, 0, sizeof err);
    assert_int_equal(srv_fleet_checkin(db, msg, n, NOW + 11, NULL, &res, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "replay"));
    /* an older counter */
    n = make_checkin(1, 4, "3.2.0", 3, 0, 0, msg);
    assert_int_equal(srv_fleet_checkin(db, msg, n, NOW + 12, NULL, &res, &err), MEDSEC_EINVAL);
    /* signed by another key: device 2's key over device 1's uuid */
    size_t n2 = make_checkin(2, 9, "3.2.0", 3, 0, 0, other);
    n = make_checkin(1, 9, "3.2.0", 3, 0, 0, msg);
    assert_int_equal(n, n2);
    struct medsec_checkin c;
    STORE_OK(medsec_checkin_parse(other, n2, &c, &err), &err);
    add_device(db, &w, 2, 1);
    /* flip one byte of the signed message: the signature no longer holds */
    msg[n / 2] ^= 1;
    medsec_err e = srv_fleet_checkin(db, msg, n, NOW + 13, NULL, &res, &err);
    assert_true(e == MEDSEC_EVERIFY || e == MEDSEC_EPARSE || e == MEDSEC_ENOTFOUND);
    msg[n / 2] ^= 1;
    /* the signature bytes changed: EVERIFY */
    msg[n - 3] ^= 0x40;
    assert_int_equal(srv_fleet_checkin(db, msg, n, NOW + 13, NULL, &res, &err), MEDSEC_EVERIFY);
    msg[n - 3] ^= 0x40;
    /* nothing of the refused ones was recorded */
    int64_t count = 0;
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM checkins", NULL, 0, &count, &err), &err);
    assert_int_equal(count, 1);
    /* the untouched one goes through */
    STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 14, NULL, &res, &err), &err);
    /* unknown device: generated device 77 was never registered */
    n = make_checkin(77, 1, "", 0, 0, 0, msg);
    assert_int_equal(srv_fleet_checkin(db, msg, n, NOW, NULL, &res, &err), MEDSEC_ENOTFOUND);
    /* not a check-in at all */
    assert_int_equal(
        srv_fleet_checkin(db, (const unsigned char *)"hello", 5, NOW, NULL, &res, &err),
        MEDSEC_EPARSE);
    /* an unknown version: release NULL, recorded */
    n = make_checkin(1, 10, "9.9.9", 3, 0, 0, msg);
    STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 15, NULL, &res, &err), &err);
    assert_int_equal(res.release_id, 0);
    /* decommissioned devices are refused */
    STORE_OK(sdb_exec(db, "UPDATE devices SET status = 'decommissioned' WHERE id = $1", &SDB_I(dev),
                      1, NULL, &err),
             &err);
    n = make_checkin(1, 11, "3.2.0", 3, 0, 0, msg);
    assert_int_equal(srv_fleet_checkin(db, msg, n, NOW + 16, NULL, &res, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "decommissioned"));
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM checkins", NULL, 0, &count, &err), &err);
    assert_int_equal(count, 3);
}

/* ---- the routes, called as the HTTP core calls them ---- */

struct kv {
    const char *k, *v;
};
static const char *param_of(const struct srv_req *rq, const char *name)
{
    for (const struct kv *p = rq->param_ctx; p && p->k; p++)
        if (!strcmp(p->k, name))
            return p->v;
    return NULL;
}

/* Call the fleet route METHOD PATTERN with @args; the answer's status (200 for 0) and body. */
static int call(struct sdb *db, const struct srv_user *u, const char *method, const char *pattern,
                const char *path, const char *arg, const struct kv *params, const char *body,
                const char *ctype, struct medsec_buf *out)
{
    const struct srv_route *rt = srv_routes_fleet;
    while (rt->method && (strcmp(rt->method, method) || strcmp(rt->pattern, pattern)))
        rt++;
    assert_non_null(rt->method);
    if (rt->roles && !(rt->roles & u->role))
        return 403; /* what the core answers */
    struct srv_req rq = {.method = method,
                         .path = path,
                         .args = {arg},
                         .nargs = arg ? 1 : 0,
                         .body = body ? body : "",
                         .body_len = body ? strlen(body) : 0,
                         .content_type = ctype ? ctype : "",
                         .param = param_of,
                         .param_ctx = (void *)params,
                         .user = u,
                         .db = db,
                         .now = NOW};
    struct srv_resp rs = {.body = MEDSEC_BUF_INIT};
    medsec_err e = rt->fn(&rq, &rs);
    assert_int_equal(e, MEDSEC_OK);
    medsec_buf_reset(out);
    medsec_buf_add(out, rs.body.data, rs.body.len);
    medsec_buf_release(&rs.body);
    return rs.status ? rs.status : 200;
}

static long long json_total(const char *text)
{
    struct medsec_json_doc *doc;
    struct medsec_error err = {0};
    STORE_OK(medsec_json_parse(text, strlen(text), NULL, NULL, &doc, &err), &err);
    double t = -1;
    assert_true(medsec_json_number(medsec_json_get(doc->root, "total"), &t));
    medsec_json_doc_free(doc);
    return (long long)t;
}

static void fleet_hospital_filter(void **state)
{
    struct sdb *db = *state;
    struct world w;
    build_world(db, &w);
    int64_t d[4];
    for (int i = 0; i < 4; i++)
        d[i] = add_device(db, &w, (uint64_t)i + 1, i); /* one per site: 2 per hospital */
    struct srv_user hosp0 = {
        .id = 5, .name = "h0", .role = SRV_ROLE_HOSPITAL, .hospital_id = w.hosp[0]};
    struct srv_user analyst = {.id = 6, .name = "a", .role = SRV_ROLE_ANALYST};
    struct srv_user reg = {.id = 7, .name = "r", .role = SRV_ROLE_REGULATORY};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    char path[64], arg[24];

    assert_int_equal(
        call(db, &analyst, "GET", "/api/v1/devices", "/api/v1/devices", NULL, NULL, NULL, NULL, &b),
        200);
    assert_int_equal(json_total(b.data), 4);
    assert_int_equal(
        call(db, &hosp0, "GET", "/api/v1/devices", "/api/v1/devices", NULL, NULL, NULL, NULL, &b),
        200);
    assert_int_equal(json_total(b.data), 2);
    assert_null(strstr(b.data, "County General"));
    /* asking for the other hospital by filter still gives nothing of it */
    snprintf(arg, sizeof arg, "%lld", (long long)w.hosp[1]);
    struct kv other[] = {{"hospital", arg}, {NULL, NULL}};
    assert_int_equal(
        call(db, &hosp0, "GET", "/api/v1/devices", "/api/v1/devices", NULL, other, NULL, NULL, &b),
        200);
    assert_int_equal(json_total(b.data), 0);
    assert_int_equal(call(db, &analyst, "GET", "/api/v1/devices", "/api/v1/devices", NULL, other,
                          NULL, NULL, &b),
                     200);
    assert_int_equal(json_total(b.data), 2);
    /* one's own device: 200; another hospital's: 404, as if it did not exist */
    snprintf(arg, sizeof arg, "%lld", (long long)d[0]);
    snprintf(path, sizeof path, "/api/v1/devices/%s", arg);
    assert_int_equal(call(db, &hosp0, "GET", "/api/v1/devices/{}", path, arg, NULL, NULL, NULL, &b),
                     200);
    assert_non_null(strstr(b.data, "\"serial\":\"P-00001\""));
    snprintf(arg, sizeof arg, "%lld", (long long)d[3]);
    snprintf(path, sizeof path, "/api/v1/devices/%s", arg);
    assert_int_equal(call(db, &hosp0, "GET", "/api/v1/devices/{}", path, arg, NULL, NULL, NULL, &b),
                     404);
    assert_int_equal(
        call(db, &hosp0, "GET", "/api/v1/devices/{}/checkins", path, arg, NULL, NULL, NULL, &b),
        404);
    assert_int_equal(
        call(db, &analyst, "GET", "/api/v1/devices/{}", path, arg, NULL, NULL, NULL, &b), 200);
    assert_int_equal(
        call(db, &hosp0, "GET", "/api/v1/sites", "/api/v1/sites", NULL, NULL, NULL, NULL, &b), 200);
    assert_int_equal(json_total(b.data), 2);
    assert_int_equal(call(db, &hosp0, "GET", "/api/v1/hospitals", "/api/v1/hospitals", NULL, NULL,
                          NULL, NULL, &b),
                     200);
    assert_int_equal(json_total(b.data), 1);
    /* roll-outs are the manufacturer's: no hospital account, no regulatory change */
    assert_int_equal(
        call(db, &hosp0, "GET", "/api/v1/rollouts", "/api/v1/rollouts", NULL, NULL, NULL, NULL, &b),
        403);
    assert_int_equal(call(db, &reg, "POST", "/api/v1/rollouts", "/api/v1/rollouts", NULL, NULL,
                          "{}", "application/json", &b),
                     403);
    /* a change by the analyst is audited */
    char body[256];
    snprintf(body, sizeof body, "{\"release_id\": %lld, \"name\": \"fix\", \"percent\": 50}",
             (long long)w.rel[2]);
    assert_int_equal(call(db, &analyst, "POST", "/api/v1/rollouts", "/api/v1/rollouts", NULL, NULL,
                          body, "application/json", &b),
                     201);
    struct medsec_error err = {0};
    int64_t n = 0;
    STORE_OK(sdb_query_int(db,
                           "SELECT COUNT(*) FROM audit WHERE action = 'rollout.create' AND"
                           " user_id = 6",
                           NULL, 0, &n, &err),
             &err);
    assert_int_equal(n, 1);
    /* bad input: 400 naming the field; nothing audited */
    assert_int_equal(call(db, &analyst, "POST", "/api/v1/rollouts", "/api/v1/rollouts", NULL, NULL,
                          "{\"release_id\": \"x\"}", "application/json", &b),
                     400);
    assert_non_null(strstr(b.data, "release_id"));
    assert_int_equal(call(db, &analyst, "POST", "/api/v1/devices", "/api/v1/devices", NULL, NULL,
                          "{\"model_id\": 1, \"site_id\": 1, \"serial\": \"x\", \"uuid\": \"no\"}",
                          "application/json", &b),
                     400);
    assert_non_null(strstr(b.data, "uuid"));
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM audit", NULL, 0, &n, &err), &err);
    assert_int_equal(n, 1);
    medsec_buf_release(&b);
}

/* ---- roll-outs ---- */

static int64_t offered(struct sdb *db, int64_t rollout)
{
    struct medsec_error err = {0};
    int64_t n = 0;
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM rollout_devices WHERE rollout_id = $1",
                           &SDB_I(rollout), 1, &n, &err),
             &err);
    return n;
}

#define ROLL_DEVICES 400

static void fleet_rollout_selection(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct world w;
    build_world(db, &w);
    STORE_OK(sdb_begin(db, &err), &err);
    for (uint64_t i = 0; i < ROLL_DEVICES; i++)
        add_device(db, &w, i, (int)(i % 4));
    STORE_OK(sdb_commit(db, &err), &err);
    struct srv_rollout_new ro = {.release_id = w.rel[2],
                                 .name = "3.2.0 to everybody",
                                 .percent = 30,
                                 .max_failure_permille = 100};
    int64_t r1;
    STORE_OK(srv_fleet_rollout_add(db, &ro, NOW, &r1, &err), &err);
    /* a draft offers nothing */
    unsigned char msg[512];
    struct srv_checkin_result res;
    size_t n = make_checkin(0, 1, "3.1.4", 2, 0, 0, msg);
    STORE_OK(srv_fleet_checkin(db, msg, n, NOW, NULL, &res, &err), &err);
    assert_int_equal(res.offer_rollout, 0);
    STORE_OK(srv_fleet_rollout_action(db, r1, "start", NULL, NOW, &err), &err);
    assert_int_equal(srv_fleet_rollout_action(db, r1, "start", NULL, NOW, &err), MEDSEC_EINVAL);
    int expected = 0;
    for (uint64_t i = 0; i < ROLL_DEVICES; i++) {
        char uuid[33], pub[65];
        unsigned char sk[64];
        device_key(i, uuid, pub, sk);
        int sel = srv_fleet_rollout_selects(uuid, r1, 30);
        assert_int_equal(sel, srv_fleet_rollout_selects(uuid, r1, 30)); /* deterministic */
        if (sel)
            assert_true(srv_fleet_rollout_selects(uuid, r1, 60)); /* growing keeps them */
        expected += sel;
        n = make_checkin(i, 2, "3.1.4", 2, 0, 0, msg);
        STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 1, NULL, &res, &err), &err);
        assert_int_equal(res.offer_rollout, sel ? r1 : 0);
        if (sel)
            assert_string_equal(res.offer_version, "3.2.0");
    }
    /* about 30 % of the devices, and exactly those the hash picks */
    assert_int_equal(offered(db, r1), expected);
    assert_true(expected > ROLL_DEVICES * 22 / 100 && expected < ROLL_DEVICES * 38 / 100);
    /* a device already on the release gets no offer */
    for (uint64_t i = 0;; i++) {
        char uuid[33], pub[65];
        unsigned char sk[64];
        device_key(i, uuid, pub, sk);
        if (!srv_fleet_rollout_selects(uuid, r1, 30))
            continue;
        n = make_checkin(i, 3, "3.2.0", 3, 0, 0, msg);
        STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 2, NULL, &res, &err), &err);
        assert_int_equal(res.offer_rollout, 0);
        break;
    }
    /* paused: no offers; halted: none either */
    STORE_OK(srv_fleet_rollout_action(db, r1, "pause", NULL, NOW, &err), &err);
    int64_t before = offered(db, r1);
    for (uint64_t i = 0; i < 40; i++) {
        n = make_checkin(i, 10, "3.1.4", 2, 0, 0, msg);
        STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 3, NULL, &res, &err), &err);
        assert_int_equal(res.offer_rollout, 0);
    }
    assert_int_equal(offered(db, r1), before);
    STORE_OK(srv_fleet_rollout_action(db, r1, "halt", "found a bug", NOW, &err), &err);
    assert_int_equal(srv_fleet_rollout_action(db, r1, "resume", NULL, NOW, &err), MEDSEC_EINVAL);
    assert_int_equal(srv_fleet_rollout_action(db, 424242, "halt", NULL, NOW, &err),
                     MEDSEC_ENOTFOUND);

    /* a cohort: 100 % of one hospital's devices, and none of the other's */
    struct srv_rollout_new ro2 = {.release_id = w.rel[2],
                                  .name = "St. Elsewhere first",
                                  .percent = 100,
                                  .hospital_id = w.hosp[0],
                                  .max_failure_permille = 100};
    int64_t r2;
    STORE_OK(srv_fleet_rollout_add(db, &ro2, NOW, &r2, &err), &err);
    STORE_OK(srv_fleet_rollout_action(db, r2, "start", NULL, NOW, &err), &err);
    for (uint64_t i = 0; i < 40; i++) {
        n = make_checkin(i, 20, "3.1.4", 2, 0, 0, msg);
        STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 4, NULL, &res, &err), &err);
        assert_int_equal(res.offer_rollout, i % 4 < 2 ? r2 : 0); /* sites 0, 1: hospital 0 */
    }
    /* a site that is not the hospital's is refused */
    ro2.site_id = w.site[3];
    assert_int_equal(srv_fleet_rollout_add(db, &ro2, NOW, &r2, &err), MEDSEC_ENOTFOUND);
    ro2.site_id = 0;
    ro2.percent = 101;
    assert_int_equal(srv_fleet_rollout_add(db, &ro2, NOW, &r2, &err), MEDSEC_EINVAL);
}

static void fleet_rollout_halt(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct world w;
    build_world(db, &w);
    for (uint64_t i = 0; i < 20; i++)
        add_device(db, &w, i, (int)(i % 4));
    struct srv_rollout_new ro = {
        .release_id = w.rel[2], .name = "all", .percent = 100, .max_failure_permille = 200};
    int64_t r1;
    STORE_OK(srv_fleet_rollout_add(db, &ro, NOW, &r1, &err), &err);
    STORE_OK(srv_fleet_rollout_action(db, r1, "start", NULL, NOW, &err), &err);
    unsigned char msg[512];
    struct srv_checkin_result res;
    for (uint64_t i = 0; i < 20; i++) {
        size_t n = make_checkin(i, 1, "3.1.4", 2, 0, 0, msg);
        STORE_OK(srv_fleet_checkin(db, msg, n, NOW, NULL, &res, &err), &err);
        assert_int_equal(res.offer_rollout, r1);
    }
    struct srv_user sys = {.id = 0};
    struct srv_req rq = {.db = db, .user = &sys, .now = NOW + 100};
    /* 8 succeed, 2 fail: 200 per mille is not above the limit */
    for (uint64_t i = 0; i < 10; i++) {
        int fail = i >= 8;
        size_t n =
            make_checkin(i, 2, fail ? "3.1.4" : "3.2.0", fail ? 2 : 3, 3, fail ? -7 : 0, msg);
        STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 10, &rq, &res, &err), &err);
        assert_int_equal(res.halted_rollout, 0);
        /* the same report again counts once */
        n = make_checkin(i, 3, fail ? "3.1.4" : "3.2.0", fail ? 2 : 3, 3, fail ? -7 : 0, msg);
        STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 11, &rq, &res, &err), &err);
        assert_int_equal(res.halted_rollout, 0);
    }
    int64_t n1 = 0;
    STORE_OK(sdb_query_int(db,
                           "SELECT COUNT(*) FROM rollout_devices WHERE rollout_id = $1 AND state ="
                           " 'failed' AND result_code = -7",
                           &SDB_I(r1), 1, &n1, &err),
             &err);
    assert_int_equal(n1, 2);
    /* an 11th report, failed: 3 of 11 > 200 per mille: halted, with the reason, audited */
    size_t n = make_checkin(10, 2, "3.1.4", 2, 3, -7, msg);
    STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 12, &rq, &res, &err), &err);
    assert_int_equal(res.halted_rollout, r1);
    struct sdb_rows *r;
    STORE_OK(sdb_query(db, "SELECT state, halted_reason FROM rollouts WHERE id = $1", &SDB_I(r1), 1,
                       &r, &err),
             &err);
    assert_int_equal(sdb_step(r, &err), 1);
    assert_string_equal(sdb_text(r, 0), "halted");
    assert_non_null(strstr(sdb_text(r, 1), "3 of 11"));
    sdb_rows_free(r);
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM audit WHERE action = 'rollout.halt'", NULL, 0,
                           &n1, &err),
             &err);
    assert_int_equal(n1, 1);
    /* a halted roll-out offers nothing more */
    n = make_checkin(15, 2, "3.1.4", 2, 0, 0, msg);
    STORE_OK(srv_fleet_checkin(db, msg, n, NOW + 13, &rq, &res, &err), &err);
    assert_int_equal(res.offer_rollout, 0);
}

/* ---- a killed writer (SQLite: the file survives a process killed with -9) ---- */

#define KILL_DEVICES 300

static void fleet_killed_writer(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct world w;
    build_world(db, &w);
    STORE_OK(sdb_begin(db, &err), &err);
    for (uint64_t i = 0; i < KILL_DEVICES; i++)
        add_device(db, &w, i, (int)(i % 4));
    STORE_OK(sdb_commit(db, &err), &err);
    unsigned char msgs[KILL_DEVICES][512];
    size_t lens[KILL_DEVICES];
    for (uint64_t i = 0; i < KILL_DEVICES; i++)
        lens[i] = make_checkin(i, 1, "3.2.0", 3, 0, 0, msgs[i]);
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the child: its own connection; acknowledge each check-in once it is committed */
        close(fd[0]);
        struct sdb *cdb;
        if (sdb_open(&cdb, store_url, &err))
            _exit(3);
        for (uint32_t i = 0; i < KILL_DEVICES; i++) {
            struct srv_checkin_result res;
            if (srv_fleet_checkin(cdb, msgs[i], lens[i], NOW, NULL, &res, &err))
                _exit(4);
            if (write(fd[1], &i, sizeof i) != sizeof i)
                _exit(5);
        }
        pause(); /* wait to be killed */
        _exit(0);
    }
    close(fd[1]);
    uint32_t acked = 0, v;
    /* kill it in the middle of its work */
    while (acked < KILL_DEVICES / 3 && read(fd[0], &v, sizeof v) == sizeof v)
        acked++;
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    while (read(fd[0], &v, sizeof v) == sizeof v) /* acknowledged before it died */
        acked = v + 1;
    close(fd[0]);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    /* a new connection (as a restarted server) sees every acknowledged check-in */
    struct sdb *db2;
    STORE_OK(sdb_open(&db2, store_url, &err), &err);
    int64_t n = 0;
    STORE_OK(sdb_query_int(db2, "SELECT COUNT(*) FROM checkins", NULL, 0, &n, &err), &err);
    assert_true(n >= (int64_t)acked);
    STORE_OK(sdb_query_int(db2, "SELECT COUNT(*) FROM devices WHERE last_counter = 1", NULL, 0, &n,
                           &err),
             &err);
    assert_true(n >= (int64_t)acked);
    /* each acknowledged device by its own row */
    for (uint32_t i = 0; i < acked; i++) {
        char uuid[33], pub[65];
        unsigned char sk[64];
        device_key(i, uuid, pub, sk);
        STORE_OK(sdb_query_int(db2,
                               "SELECT COUNT(*) FROM checkins c JOIN devices d ON d.id ="
                               " c.device_id WHERE d.uuid = $1 AND c.counter = 1",
                               &SDB_S(uuid), 1, &n, &err),
                 &err);
        assert_int_equal(n, 1);
    }
    STORE_OK(sdb_query_int(db2, "PRAGMA integrity_check", NULL, 0, &n, &err), &err);
    sdb_close(db2);
}

/* ---- log uploads: a real export of the agent's security log, signed by the device ---- */

static void fleet_log_upload(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct world w;
    build_world(db, &w);
    char tmp[256], path[600], pubhex[65];
    struct dt_dev dev;
    assert_int_equal(dt_tmpdir(tmp, sizeof tmp), 0);
    assert_int_equal(dt_create(&dev, tmp, "dev", 1), 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(msa_log_append(&dev.a.log, &dev.port, MSA_EV_CONFIG, 0, (uint64_t)i, NULL),
                         MSA_OK);
    size_t cap = msa_log_export_size(&dev.a.log), len = 0, ulen = 0;
    unsigned char *exp = malloc(cap), *unsig = malloc(cap), pub[32];
    assert_non_null(exp);
    assert_non_null(unsig);
    assert_int_equal(msa_log_export(&dev.a.log, &dev.port, 1, exp, cap, &len), MSA_OK);
    assert_int_equal(msa_log_export(&dev.a.log, &dev.port, 0, unsig, cap, &ulen), MSA_OK);
    snprintf(path, sizeof path, "%s/device.pub", dev.dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(pub, 1, 32, f), 32);
    fclose(f);
    srv_fleet_hex(pub, 32, pubhex);
    struct srv_device_new d = {.model_id = w.model,
                               .serial = "LOG-1",
                               .uuid = "00112233445566778899aabbccddeeff",
                               .pubkey = pubhex,
                               .site_id = w.site[0]};
    int64_t id = 0, up = 0;
    STORE_OK(srv_fleet_device_add(db, &d, NOW, &id, &err), &err);
    int verified = -1;
    char detail[256];
    STORE_OK(
        srv_fleet_log_upload(db, id, exp, len, NOW, &up, &verified, detail, sizeof detail, &err),
        &err);
    assert_int_equal(verified, 1);
    struct sdb_rows *r;
    STORE_OK(sdb_query(db, "SELECT first_seq, last_seq, verified FROM log_uploads WHERE id = $1",
                       &SDB_I(up), 1, &r, &err),
             &err);
    assert_int_equal(sdb_step(r, &err), 1);
    assert_int_equal(sdb_int(r, 1) - sdb_int(r, 0), 5);
    assert_int_equal(sdb_int(r, 2), 1);
    sdb_rows_free(r);
    /* the chain without the device's signature is recorded, not verified */
    STORE_OK(
        srv_fleet_log_upload(db, id, unsig, ulen, NOW, &up, &verified, detail, sizeof detail, &err),
        &err);
    assert_int_equal(verified, 0);
    assert_non_null(strstr(detail, "not signed"));
    /* one changed byte in record 3 */
    exp[MSA_LOG_HEADER_BYTES + 2 * MSA_LOG_RECORD_BYTES + 24] ^= 1;
    STORE_OK(
        srv_fleet_log_upload(db, id, exp, len, NOW, &up, &verified, detail, sizeof detail, &err),
        &err);
    assert_int_equal(verified, 0);
    assert_true(detail[0] != '\0');
    exp[MSA_LOG_HEADER_BYTES + 2 * MSA_LOG_RECORD_BYTES + 24] ^= 1;
    /* through the route, by uuid: 201; another device's key: 422; no such device: 404 */
    struct srv_user nobody = {.id = 0};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    const struct srv_route *rt = srv_routes_fleet;
    while (strcmp(rt->pattern ? rt->pattern : "", "/api/v1/devices/{}/log"))
        rt++;
    struct srv_req rq = {.method = "POST",
                         .path = "/api/v1/devices/00112233445566778899aabbccddeeff/log",
                         .args = {"00112233445566778899aabbccddeeff"},
                         .nargs = 1,
                         .body = (const char *)exp,
                         .body_len = len,
                         .content_type = "application/octet-stream",
                         .user = &nobody,
                         .db = db,
                         .now = NOW};
    struct srv_resp rs = {.body = MEDSEC_BUF_INIT};
    assert_int_equal(rt->fn(&rq, &rs), MEDSEC_OK);
    assert_int_equal(rs.status, 201);
    assert_non_null(strstr(rs.body.data, "\"verified\":true"));
    medsec_buf_reset(&rs.body);
    int64_t other = add_device(db, &w, 1, 1);
    char arg[24];
    snprintf(arg, sizeof arg, "%lld", (long long)other);
    rq.args[0] = arg;
    rs.status = 0;
    assert_int_equal(rt->fn(&rq, &rs), MEDSEC_OK);
    assert_int_equal(rs.status, 422);
    medsec_buf_reset(&rs.body);
    rq.args[0] = "99999999";
    rs.status = 0;
    assert_int_equal(rt->fn(&rq, &rs), MEDSEC_OK);
    assert_int_equal(rs.status, 404);
    medsec_buf_release(&rs.body);
    medsec_buf_release(&b);
    assert_int_equal(srv_fleet_log_upload(db, 424242, exp, len, NOW, &up, &verified, NULL, 0, &err),
                     MEDSEC_ENOTFOUND);
    int64_t n = 0;
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM log_uploads", NULL, 0, &n, &err), &err);
    assert_int_equal(n, 5);
    free(exp);
    free(unsig);
    dt_close(&dev);
    dt_rmdir(dev.dir);
    dt_rmdir(tmp);
}

/* ---- the generated fleet ---- */

static void fleet_generate(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct world w;
    build_world(db, &w);
    /* on the registered pump (models 0) */
    struct srv_fleet_gen g = {.sites = 6, .hospitals = 3, .devices = 1200, .seed = 99, .now = NOW};
    STORE_OK(srv_fleet_generate(db, &g, &err), &err);
    int64_t n = 0;
    STORE_OK(sdb_query_int(db,
                           "SELECT COUNT(*) FROM devices d JOIN releases r ON r.id = d.release_id"
                           " WHERE d.model_id = $1 AND r.model_id = $1 AND d.security_version ="
                           " r.security_version",
                           &SDB_I(w.model), 1, &n, &err),
             &err);
    assert_int_equal(n, 1200);
    /* device 7's uuid and key are those srv_fleet_gen_device derives: it can check in */
    unsigned char uuid[16], pk[32], sk[64];
    char hex[65];
    srv_fleet_gen_device(99, 7, uuid, pk, sk);
    srv_fleet_hex(uuid, 16, hex);
    STORE_OK(sdb_query_int(db,
                           "SELECT COUNT(*) FROM devices WHERE uuid = $1 AND serial ="
                           " 'SN00000008'",
                           &SDB_S(hex), 1, &n, &err),
             &err);
    assert_int_equal(n, 1);
    /* new models and releases (the benchmark's): spread over models, releases and sites */
    struct srv_fleet_gen g2 = {.models = 3,
                               .sites = 10,
                               .hospitals = 2,
                               .devices = 600,
                               .releases = 9,
                               .seed = 5,
                               .now = NOW};
    /* the names of the first run's hospitals are taken: a second run in the same database
     * is refused as a whole */
    assert_int_not_equal(srv_fleet_generate(db, &g2, &err), MEDSEC_OK);
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM devices", NULL, 0, &n, &err), &err);
    assert_int_equal(n, 1200);
    STORE_OK(sdb_script(db, "DELETE FROM devices; DELETE FROM sites; DELETE FROM hospitals", &err),
             &err);
    STORE_OK(srv_fleet_generate(db, &g2, &err), &err);
    STORE_OK(sdb_query_int(db, "SELECT COUNT(DISTINCT release_id) FROM devices", NULL, 0, &n, &err),
             &err);
    assert_int_equal(n, 9);
    STORE_OK(sdb_query_int(db, "SELECT COUNT(DISTINCT site_id) FROM devices", NULL, 0, &n, &err),
             &err);
    assert_int_equal(n, 10);
    /* bad sizes */
    struct srv_fleet_gen g3 = {.models = 3, .sites = 1, .hospitals = 1, .releases = 2};
    assert_int_equal(srv_fleet_generate(db, &g3, &err), MEDSEC_EINVAL);
}

/* ---- check-ins from several threads at once (group commit) ---- */

#define RACE_THREADS 4
#define RACE_EACH 40

struct racer {
    int t;
    unsigned char dup[512];
    size_t dup_len;
    int ok, replays, dup_ok, errors;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct medsec_error err = {0};
    struct sdb *db;
    if (sdb_open(&db, store_url, &err)) {
        r->errors++;
        return NULL;
    }
    for (int i = 0; i < RACE_EACH; i++) {
        unsigned char msg[512];
        struct srv_checkin_result res;
        /* this thread's own devices, two check-ins each */
        size_t n = make_checkin((uint64_t)(1 + r->t * RACE_EACH + i / 2), (uint64_t)(i % 2 + 1),
                                "3.1.4", 2, 0, 0, msg);
        medsec_err e = srv_fleet_checkin(db, msg, n, NOW, NULL, &res, &err);
        r->ok += e == MEDSEC_OK;
        r->errors += e != MEDSEC_OK;
        if (i % 10 == 0) { /* the very same message from every thread */
            e = srv_fleet_checkin(db, r->dup, r->dup_len, NOW, NULL, &res, &err);
            r->dup_ok += e == MEDSEC_OK;
            r->replays += e == MEDSEC_EINVAL;
            r->errors += e != MEDSEC_OK && e != MEDSEC_EINVAL;
        }
    }
    sdb_close(db);
    return NULL;
}

static void fleet_checkin_threads(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct world w;
    build_world(db, &w);
    STORE_OK(sdb_begin(db, &err), &err);
    for (uint64_t i = 0; i <= RACE_THREADS * RACE_EACH; i++)
        add_device(db, &w, i, (int)(i % 4));
    STORE_OK(sdb_commit(db, &err), &err);
    struct racer r[RACE_THREADS];
    pthread_t th[RACE_THREADS];
    for (int t = 0; t < RACE_THREADS; t++) {
        memset(&r[t], 0, sizeof r[t]);
        r[t].t = t;
        /* one check-in of device 0, the same bytes in every thread */
        r[t].dup_len = make_checkin(0, 1, "3.1.4", 2, 0, 0, r[t].dup);
    }
    for (int t = 0; t < RACE_THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, race, &r[t]), 0);
    int ok = 0, dup_ok = 0, replays = 0;
    for (int t = 0; t < RACE_THREADS; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(r[t].errors, 0);
        ok += r[t].ok;
        dup_ok += r[t].dup_ok;
        replays += r[t].replays;
    }
    assert_int_equal(ok, RACE_THREADS * RACE_EACH);
    /* the duplicated message was accepted exactly once */
    assert_int_equal(dup_ok, 1);
    assert_int_equal(replays, RACE_THREADS * (RACE_EACH / 10) - 1);
    int64_t n = 0;
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM checkins", NULL, 0, &n, &err), &err);
    assert_int_equal(n, RACE_THREADS * RACE_EACH + 1);
    STORE_OK(
        sdb_query_int(db, "SELECT COUNT(*) FROM devices WHERE last_counter = 2", NULL, 0, &n, &err),
        &err);
    assert_int_equal(n, RACE_THREADS * RACE_EACH / 2);
}

const struct CMUnitTest store_fleet_tests[] = {
    cmocka_unit_test_setup_teardown(fleet_checkin_threads, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(fleet_generate, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(fleet_log_upload, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(fleet_register, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(fleet_checkin, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(fleet_hospital_filter, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(fleet_rollout_selection, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(fleet_rollout_halt, store_setup, store_teardown),
};
const size_t store_fleet_count = sizeof store_fleet_tests / sizeof store_fleet_tests[0];
const struct CMUnitTest store_sqlite_only_tests[] = {
    cmocka_unit_test_setup_teardown(fleet_killed_writer, store_setup, store_teardown),
};
const size_t store_sqlite_only_count =
    sizeof store_sqlite_only_tests / sizeof store_sqlite_only_tests[0];
