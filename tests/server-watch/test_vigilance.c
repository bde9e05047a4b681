/* test_vigilance.c: the MDR classification and Art. 87 deadlines as properties over every
 * combination of facts and many awareness times, IMDRF code shapes, and the incident routes on a
 * real SQLite file (hospital accounts see only their own sites' incidents). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "medsec/json.h"
#include "vigilance.h"
#include "watch_test.h"

static struct srv_vig_facts facts(unsigned bits)
{
    struct srv_vig_facts f = {
        .malfunction = bits & 1,
        .death = bits & 2,
        .serious_deterioration = bits & 4,
        .public_health_threat = bits & 8,
        .unanticipated = bits & 16,
    };
    return f;
}

/* Every combination: no harm is never serious; serious needs a malfunction and a harm; the
 * deadline is the shortest paragraph that applies. */
static void test_rules(void **state)
{
    (void)state;
    for (unsigned bits = 0; bits < 32; bits++) {
        struct srv_vig_facts f = facts(bits);
        enum srv_vig_class c = srv_vig_classify(&f);
        bool harm = f.death || f.serious_deterioration || f.public_health_threat;
        if (!harm)
            assert_int_not_equal(c, SRV_VIG_SERIOUS);
        assert_int_equal(c == SRV_VIG_SERIOUS, f.malfunction && harm);
        assert_int_equal(c == SRV_VIG_NOT_INCIDENT, !f.malfunction);
        const char *clause;
        int days = srv_vig_deadline_days(&f, &clause);
        if (c != SRV_VIG_SERIOUS) {
            assert_int_equal(days, 0);
            assert_null(clause);
        } else if (f.public_health_threat) {
            assert_int_equal(days, 2);
            assert_string_equal(clause, "MDR Art. 87(4)");
        } else if (f.death || (f.serious_deterioration && f.unanticipated)) {
            assert_int_equal(days, 10);
            assert_string_equal(clause, "MDR Art. 87(5)");
        } else {
            assert_int_equal(days, 15);
            assert_string_equal(clause, "MDR Art. 87(3)");
        }
    }
}

/* The civil date of a day number, computed another way than the library (by walking months). */
static void civil(int64_t day, int *y, int *m, int *d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    *y = 1970;
    for (;;) {
        int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
        if (day < 365 + leap)
            break;
        day -= 365 + leap;
        (*y)++;
    }
    int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    for (*m = 0; *m < 12; (*m)++) {
        int n = mdays[*m] + (*m == 1 && leap);
        if (day < n)
            break;
        day -= n;
    }
    (*m)++;
    *d = (int)day + 1;
}

static void test_deadlines(void **state)
{
    (void)state;
    char out[11];
    /* across month and year ends and leap days */
    srv_vig_deadline_date(INT64_C(1709074800), 2, out); /* 2024-02-27T23:00Z */
    assert_string_equal(out, "2024-02-29");
    srv_vig_deadline_date(INT64_C(1677538800), 2, out); /* 2023-02-27T23:00Z */
    assert_string_equal(out, "2023-03-01");
    srv_vig_deadline_date(INT64_C(1734652800), 15, out); /* 2024-12-20 */
    assert_string_equal(out, "2025-01-04");
    srv_vig_deadline_date(INT64_C(1714521599), 10, out); /* 2024-04-30T23:59:59Z */
    assert_string_equal(out, "2024-05-10");
    /* property: for awareness times spread over 30 years, the date is the awareness day plus
     * the days, as a month-walking calendar says */
    unsigned seed = 12345;
    const int choices[] = {2, 10, 15};
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        int64_t t = INT64_C(946684800) + (int64_t)(seed % 946080000u); /* 2000 .. 2030 */
        int days = choices[i % 3];
        srv_vig_deadline_date(t, days, out);
        int y, m, d;
        civil(t / 86400 + days, &y, &m, &d);
        char want[32]; /* room for any int the compiler assumes */
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
        assert_string_equal(out, want);
    }
}

static void test_codes(void **state)
{
    (void)state;
    const char *term;
    assert_true(srv_vig_imdrf_check("A11", &term));
    assert_string_equal(term, "Computer Software Problem");
    assert_true(srv_vig_imdrf_check("A24", &term));
    assert_string_equal(term, "Adverse Event Without Identified Device or Use Problem");
    assert_true(srv_vig_imdrf_check("A1105", &term)); /* finer codes: by their shape */
    assert_null(term);
    assert_true(srv_vig_imdrf_check("F26", &term));
    assert_false(srv_vig_imdrf_check("A1", NULL));
    assert_false(srv_vig_imdrf_check("B11", NULL));
    assert_false(srv_vig_imdrf_check("A11x", NULL));
    assert_false(srv_vig_imdrf_check("A110", NULL));
    assert_false(srv_vig_imdrf_check("A11050101", NULL));
    assert_false(srv_vig_imdrf_check("", NULL));
    assert_false(srv_vig_imdrf_check(NULL, NULL));
}

static int64_t j_int(const struct medsec_json *obj, const char *key)
{
    double d = -1;
    const struct medsec_json *v = medsec_json_get(obj, key);
    if (!v || !medsec_json_number(v, &d))
        fail_msg("no number %s", key);
    return (int64_t)d;
}

static void test_routes(void **state)
{
    (void)state;
    struct wt t;
    wt_open(&t);
    wt_fleet(&t, "pump");
    struct srv_resp rs;
    /* device 11 is at site 3 (South); a compromised pump that might have over-infused */
    const char *body =
        "{\"title\":\"Pump | firmware <tampered>\",\"description\":\"Unsigned image found.\","
        "\"aware_at\":\"2099-01-30\",\"device_id\":11,\"malfunction\":true,"
        "\"serious_deterioration\":true,\"unanticipated\":true,\"imdrf_codes\":\"A11, A14\","
        "\"vuln_id\":\"CVE-2099-5001\"}";
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "POST", "/api/v1/incidents", NULL, body,
                             SRV_ROLE_ANALYST, 0, &rs),
                     201);
    struct medsec_json_doc *doc;
    struct medsec_error err;
    assert_int_equal(medsec_json_parse(rs.body.data, rs.body.len, NULL, NULL, &doc, &err), 0);
    assert_string_equal(medsec_json_get_str(doc->root, "classification"), "serious_incident");
    assert_int_equal(j_int(doc->root, "deadline_days"), 10);
    assert_string_equal(medsec_json_get_str(doc->root, "deadline"), "2099-02-09");
    int64_t id = j_int(doc->root, "id");
    medsec_json_doc_free(doc);
    medsec_buf_release(&rs.body);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/incidents/%lld", (long long)id);
    /* the other hospital: 404, not 403; its own hospital sees it */
    assert_int_equal(
        wt_call(&t, srv_routes_vigilance, "GET", path, NULL, NULL, SRV_ROLE_HOSPITAL, 1, &rs), 404);
    medsec_buf_release(&rs.body);
    assert_int_equal(
        wt_call(&t, srv_routes_vigilance, "GET", path, NULL, NULL, SRV_ROLE_HOSPITAL, 2, &rs), 200);
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "GET", "/api/v1/incidents", NULL, NULL,
                             SRV_ROLE_HOSPITAL, 1, &rs),
                     200);
    assert_non_null(strstr(rs.body.data, "\"total\":0"));
    medsec_buf_release(&rs.body);
    /* the report draft, Markdown escaped */
    char rpath[80];
    snprintf(rpath, sizeof rpath, "%s/report", path);
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "GET", rpath, "format=md", NULL,
                             SRV_ROLE_REGULATORY, 0, &rs),
                     200);
    assert_non_null(strstr(rs.body.data, "Report due | 2099-02-09 (10 days after awareness, MDR "
                                         "Art. 87(5))"));
    assert_non_null(strstr(rs.body.data, "Pump \\| firmware \\<tampered\\>"));
    assert_non_null(strstr(rs.body.data, "A11 Computer Software Problem; A14 Infusion or Flow"));
    assert_non_null(strstr(rs.body.data, "- [x] Led or might lead to a serious deterioration"));
    medsec_buf_release(&rs.body);
    /* reclassified: no harm possible after all, so not serious, no deadline */
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "POST", "/api/v1/incidents/1/classify", NULL,
                             "{\"malfunction\":true,\"state\":\"closed\"}", SRV_ROLE_ADMIN, 0, &rs),
                     200);
    assert_non_null(strstr(rs.body.data, "\"classification\":\"incident\""));
    assert_non_null(strstr(rs.body.data, "\"deadline\":null"));
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "POST", "/api/v1/incidents/1/classify", NULL,
                             "{\"imdrf_codes\":\"Z99\"}", SRV_ROLE_ADMIN, 0, &rs),
                     400);
    medsec_buf_release(&rs.body);
    /* bad input names its field */
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "POST", "/api/v1/incidents", NULL,
                             "{\"title\":\"x\",\"description\":\"y\",\"aware_at\":\"2099-13-01\","
                             "\"site_id\":1}",
                             SRV_ROLE_ANALYST, 0, &rs),
                     400);
    assert_non_null(strstr(rs.body.data, "aware_at"));
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "POST", "/api/v1/incidents", NULL,
                             "{\"title\":\"x\",\"description\":\"y\",\"aware_at\":\"2099-01-01\","
                             "\"site_id\":77}",
                             SRV_ROLE_ANALYST, 0, &rs),
                     400);
    assert_non_null(strstr(rs.body.data, "site_id"));
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "POST", "/api/v1/incidents", NULL, body,
                             SRV_ROLE_HOSPITAL, 2, &rs),
                     403);
    /* events */
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "POST", "/api/v1/events", NULL,
                             "{\"kind\":\"login_failures\",\"description\":\"50 failed service"
                             " logins\",\"device_id\":3}",
                             SRV_ROLE_ANALYST, 0, &rs),
                     201);
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "GET", "/api/v1/events", NULL, NULL,
                             SRV_ROLE_HOSPITAL, 2, &rs),
                     200);
    assert_non_null(strstr(rs.body.data, "\"total\":0"));
    medsec_buf_release(&rs.body);
    assert_int_equal(wt_call(&t, srv_routes_vigilance, "GET", "/api/v1/events", NULL, NULL,
                             SRV_ROLE_HOSPITAL, 1, &rs),
                     200);
    assert_non_null(strstr(rs.body.data, "\"total\":1"));
    medsec_buf_release(&rs.body);
    assert_int_equal(sdb_query_int(t.db, "SELECT COUNT(*) FROM audit", NULL, 0, &id, &err),
                     MEDSEC_OK);
    assert_int_equal(id, 3); /* create, classify, event */
    wt_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_deadlines),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
