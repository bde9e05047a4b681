/* test_http.c: the fleet routes through the real HTTP core on loopback (libmicrohttpd, libcurl as
 * the client) on the backend under test: a device's signed check-in, its replay, and what each
 * role's API token may see and do, including a hospital account asking for another hospital's
 * device. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fleet.h"
#include "http.h"
#include "medsec/checkin.h"
#include "store_test.h"

#define NOW 1780000000

struct answer {
    long status;
    struct medsec_buf body;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct answer *a = ud;
    return medsec_buf_add(&a->body, p, size * n) ? 0 : size * n;
}

/* One request; the answer's status and body in @a. */
static void request(unsigned port, const char *method, const char *path, const char *token,
                    const void *body, size_t len, const char *ctype, struct answer *a)
{
    char url[512], auth[128], ct[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    struct curl_slist *h = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    if (ctype) {
        snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
        h = curl_slist_append(h, ct);
    }
    medsec_buf_reset(&a->body);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

static int64_t now_fixed(void)
{
    return NOW;
}

static void http_fleet(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    for (const struct srv_module_migration *m = srv_migrations; m->name; m++)
        STORE_OK(m->fn(db, &err), &err);
    int64_t hosp[2], site[2], model, rel, dev[2];
    STORE_OK(srv_fleet_hospital_add(db, "North", "DE", &hosp[0], &err), &err);
    STORE_OK(srv_fleet_hospital_add(db, "South", "IT", &hosp[1], &err), &err);
    STORE_OK(srv_fleet_site_add(db, hosp[0], "ICU", &site[0], &err), &err);
    STORE_OK(srv_fleet_site_add(db, hosp[1], "ICU", &site[1], &err), &err);
    STORE_OK(srv_fleet_model_add(db, MEDSEC_EXAMPLES "/infusion-pump", &model, NULL, &err), &err);
    struct sdb_val p[2] = {SDB_I(model), SDB_S("3.1.4")};
    STORE_OK(sdb_query_int(db, "SELECT id FROM releases WHERE model_id = $1 AND version = $2", p, 2,
                           &rel, &err),
             &err);
    unsigned char uuid[2][16], pk[2][32], sk[2][64];
    for (int i = 0; i < 2; i++) {
        char u[33], k[65], serial[16];
        srv_fleet_gen_device(11, (uint64_t)i, uuid[i], pk[i], sk[i]);
        srv_fleet_hex(uuid[i], 16, u);
        srv_fleet_hex(pk[i], 32, k);
        snprintf(serial, sizeof serial, "H-%d", i);
        struct srv_device_new d = {.model_id = model,
                                   .serial = serial,
                                   .uuid = u,
                                   .pubkey = k,
                                   .site_id = site[i],
                                   .release_id = rel};
        STORE_OK(srv_fleet_device_add(db, &d, NOW, &dev[i], &err), &err);
    }
    struct srv_req cli = srv_auth_cli_req(db);
    char t_analyst[65], t_hosp[65], t_reg[65];
    int64_t tid;
    STORE_OK(srv_auth_token_add(&cli, "analyst", SRV_ROLE_ANALYST, 0, t_analyst, &tid, &err), &err);
    STORE_OK(srv_auth_token_add(&cli, "north", SRV_ROLE_HOSPITAL, hosp[0], t_hosp, &tid, &err),
             &err);
    STORE_OK(srv_auth_token_add(&cli, "reader", SRV_ROLE_REGULATORY, 0, t_reg, &tid, &err), &err);

    struct srv_config cfg = {.db_url = store_url, .now = now_fixed};
    struct srv_http_opts o = {.listen = "127.0.0.1:0", .threads = 2, .cfg = &cfg};
    struct srv_http *h;
    STORE_OK(srv_http_start(&h, &o, &err), &err);
    unsigned port = srv_http_port(h);
    struct answer a = {.body = MEDSEC_BUF_INIT};

    /* a device checks in: accepted; the same bytes again: 409 */
    struct medsec_checkin c;
    memset(&c, 0, sizeof c);
    memcpy(c.device_id, uuid[0], 16);
    c.counter = 1;
    c.security_version = 2;
    snprintf(c.version, sizeof c.version, "3.1.4");
    unsigned char msg[512];
    size_t n = 0;
    STORE_OK(medsec_checkin_make(&c, sk[0], msg, sizeof msg, &n, &err), &err);
    request(port, "POST", "/api/v1/checkin", NULL, msg, n, "application/cbor", &a);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.body.data, "{\"accepted\":true,\"offer\":null}");
    request(port, "POST", "/api/v1/checkin", NULL, msg, n, "application/cbor", &a);
    assert_int_equal(a.status, 409);
    /* signed by the other device's key: 401 */
    c.counter = 2;
    STORE_OK(medsec_checkin_make(&c, sk[1], msg, sizeof msg, &n, &err), &err);
    request(port, "POST", "/api/v1/checkin", NULL, msg, n, "application/cbor", &a);
    assert_int_equal(a.status, 401);
    request(port, "POST", "/api/v1/checkin", NULL, "junk", 4, "application/cbor", &a);
    assert_int_equal(a.status, 400);

    /* the roles */
    char path[128];
    request(port, "GET", "/api/v1/devices", NULL, NULL, 0, NULL, &a);
    assert_int_equal(a.status, 401);
    request(port, "GET", "/api/v1/devices", t_analyst, NULL, 0, NULL, &a);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(a.body.data, "\"total\":2"));
    request(port, "GET", "/api/v1/devices", t_hosp, NULL, 0, NULL, &a);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(a.body.data, "\"total\":1"));
    assert_non_null(strstr(a.body.data, "\"serial\":\"H-0\""));
    assert_null(strstr(a.body.data, "H-1"));
    snprintf(path, sizeof path, "/api/v1/devices/%lld", (long long)dev[1]);
    request(port, "GET", path, t_hosp, NULL, 0, NULL, &a);
    assert_int_equal(a.status, 404);
    request(port, "GET", path, t_reg, NULL, 0, NULL, &a);
    assert_int_equal(a.status, 200);
    snprintf(path, sizeof path, "/api/v1/devices/%lld", (long long)dev[0]);
    request(port, "GET", path, t_hosp, NULL, 0, NULL, &a);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(a.body.data, "\"last_counter\":1"));
    char body[256];
    snprintf(body, sizeof body, "{\"release_id\": %lld, \"name\": \"x\", \"percent\": 10}",
             (long long)rel);
    request(port, "POST", "/api/v1/rollouts", t_reg, body, strlen(body), "application/json", &a);
    assert_int_equal(a.status, 403);
    request(port, "POST", "/api/v1/rollouts", t_hosp, body, strlen(body), "application/json", &a);
    assert_int_equal(a.status, 403);
    request(port, "POST", "/api/v1/rollouts", t_analyst, body, strlen(body), "application/json",
            &a);
    assert_int_equal(a.status, 201);
    request(port, "POST", "/api/v1/rollouts/1/start", t_analyst, "{}", 2, "application/json", &a);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(a.body.data, "\"state\":\"running\""));
    request(port, "POST", "/api/v1/rollouts/1/start", t_analyst, "{}", 2, "application/json", &a);
    assert_int_equal(a.status, 409);
    request(port, "POST", "/api/v1/rollouts/77/halt", t_analyst, "{}", 2, "application/json", &a);
    assert_int_equal(a.status, 404);
    /* CSV import through the API */
    char csv[1024], u[33], k[65];
    unsigned char u3[16], p3[32], s3[64];
    srv_fleet_gen_device(11, 3, u3, p3, s3);
    srv_fleet_hex(u3, 16, u);
    srv_fleet_hex(p3, 32, k);
    snprintf(csv, sizeof csv,
             "model,serial,uuid,pubkey,hospital,site\nVF-3000,H-3,%s,%s,South,OR\n", u, k);
    request(port, "POST", "/api/v1/devices", t_analyst, csv, strlen(csv), "text/csv", &a);
    assert_int_equal(a.status, 201);
    assert_non_null(strstr(a.body.data, "\"imported\":1"));
    srv_http_stop(h);
    medsec_buf_release(&a.body);
    int64_t count = 0;
    STORE_OK(sdb_query_int(db,
                           "SELECT COUNT(*) FROM audit WHERE action IN ('rollout.create',"
                           " 'rollout.start', 'device.import')",
                           NULL, 0, &count, &err),
             &err);
    assert_int_equal(count, 3);
}

const struct CMUnitTest store_http_tests[] = {
    cmocka_unit_test_setup_teardown(http_fleet, store_setup, store_teardown),
};
const size_t store_http_count = sizeof store_http_tests / sizeof store_http_tests[0];
