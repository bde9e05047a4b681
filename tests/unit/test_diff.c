/* test_diff.c: release diffs (medsec/diff.h): how components are matched (renamed purls, one name
 * under two purl types, a purl on one side only, qualifiers, duplicates), the properties
 * diff(A, A) = nothing and diff(A, B) added = diff(B, A) removed on the example devices, findings
 * and risks on the scan tests' database, and every allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/diff.h"
#include "medsec/json.h"

#define PUMP MEDSEC_SOURCE_DIR "/examples/infusion-pump"
#define CLOUD MEDSEC_SOURCE_DIR "/examples/glucose-cloud"
#define MONITOR MEDSEC_SOURCE_DIR "/tests/scan/data/monitor"
#define ADVISORIES MEDSEC_SOURCE_DIR "/tests/scan/data/advisories"
#define LATER MEDSEC_SOURCE_DIR "/tests/scan/data/later"

/* A CycloneDX SBOM of the components given as JSON objects. */
static struct medsec_sbom *sbom(const char *components)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"version\":1,"
             "\"components\":[%s]}",
             components);
    struct medsec_sbom *s = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_sbom_parse(text, strlen(text), "test.cdx.json", NULL, &s, NULL, &err),
                     MEDSEC_OK);
    return s;
}

struct cdiff {
    struct medsec_sbom *sa, *sb;
    struct medsec_arena arena;
    struct medsec_diff_component *v;
    size_t n, cap;
    struct medsec_diff_counts counts;
};

static void cdiff_run(struct cdiff *d, const char *a, const char *b)
{
    struct medsec_error err;
    memset(d, 0, sizeof *d);
    d->sa = sbom(a);
    d->sb = sbom(b);
    const struct medsec_sbom *pa[] = {d->sa}, *pb[] = {d->sb};
    assert_int_equal(medsec_diff_components(pa, NULL, 1, pb, NULL, 1, NULL, &d->arena, &d->v, &d->n,
                                            &d->cap, &d->counts, &err),
                     MEDSEC_OK);
}

static void cdiff_release(struct cdiff *d)
{
    medsec_free(d->v);
    medsec_arena_release(&d->arena);
    medsec_sbom_free(d->sa);
    medsec_sbom_free(d->sb);
}

/* The entry for @identity with change @c and versions @va -> @vb (NULL: that side is absent). */
static bool has(const struct cdiff *d, enum medsec_diff_change c, const char *identity,
                const char *va, const char *vb)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct medsec_diff_component *x = &d->v[i];
        if (x->change != c || strcmp(x->identity, identity))
            continue;
        if (!va != !x->a.c || !vb != !x->b.c)
            continue;
        if (va && strcmp(va, x->a.c->version))
            continue;
        if (vb && strcmp(vb, x->b.c->version))
            continue;
        return true;
    }
    return false;
}

#define C(name, purl, version)                                                                     \
    "{\"type\":\"library\",\"name\":\"" name "\",\"version\":\"" version "\"" purl "}"
#define P(p) ",\"purl\":\"" p "\""

static void test_renamed_purl(void **state)
{
    (void)state;
    struct cdiff d;
    /* a new purl name is a new component: the old one is removed, the new one added */
    cdiff_run(&d, C("foo", P("pkg:generic/acme/foo@1.0"), "1.0"),
              C("foo", P("pkg:generic/acme/foo-core@1.1"), "1.1"));
    assert_int_equal(d.n, 2);
    assert_true(has(&d, MEDSEC_DIFF_REMOVED, "pkg:generic/acme/foo", "1.0", NULL));
    assert_true(has(&d, MEDSEC_DIFF_ADDED, "pkg:generic/acme/foo-core", NULL, "1.1"));
    assert_int_equal(d.counts.n[MEDSEC_DIFF_SAME], 0);
    cdiff_release(&d);

    /* a new namespace too */
    cdiff_run(&d, C("foo", P("pkg:generic/acme/foo@1.0"), "1.0"),
              C("foo", P("pkg:generic/globex/foo@1.0"), "1.0"));
    assert_true(has(&d, MEDSEC_DIFF_REMOVED, "pkg:generic/acme/foo", "1.0", NULL));
    assert_true(has(&d, MEDSEC_DIFF_ADDED, "pkg:generic/globex/foo", NULL, "1.0"));
    cdiff_release(&d);
}

static void test_same_name_other_type(void **state)
{
    (void)state;
    struct cdiff d;
    /* never across ecosystems: a Debian zlib and a generic zlib are two components */
    cdiff_run(&d, C("zlib", P("pkg:deb/debian/zlib@1.2.13"), "1.2.13"),
              C("zlib", P("pkg:generic/zlib@1.2.13"), "1.2.13"));
    assert_int_equal(d.n, 2);
    assert_true(has(&d, MEDSEC_DIFF_REMOVED, "pkg:deb/debian/zlib", "1.2.13", NULL));
    assert_true(has(&d, MEDSEC_DIFF_ADDED, "pkg:generic/zlib", NULL, "1.2.13"));
    cdiff_release(&d);
}

static void test_purl_one_side(void **state)
{
    (void)state;
    struct cdiff d;
    /* a purl added to a component that had none: the same component, by name */
    cdiff_run(&d, C("zlib", "", "1.2.11"), C("zlib", P("pkg:generic/zlib@1.2.13"), "1.2.13"));
    assert_int_equal(d.n, 1);
    assert_true(has(&d, MEDSEC_DIFF_UPDATED, "pkg:generic/zlib", "1.2.11", "1.2.13"));
    assert_true(d.v[0].version_changed);
    assert_false(d.v[0].support_changed);
    cdiff_release(&d);

    /* no purl on either side: by name; unchanged ones are only counted */
    cdiff_run(&d, C("busybox", "", "1.36.1") "," C("zlib", "", "1.2"),
              C("busybox", "", "1.36.1") "," C("zlib", "", "1.3"));
    assert_int_equal(d.n, 1);
    assert_true(has(&d, MEDSEC_DIFF_UPDATED, "name:zlib", "1.2", "1.3"));
    assert_int_equal(d.counts.n[MEDSEC_DIFF_SAME], 1);
    cdiff_release(&d);
}

static void test_qualifiers(void **state)
{
    (void)state;
    struct cdiff d;
    /* the version and the qualifiers are not part of the identity */
    cdiff_run(&d, C("curl", P("pkg:deb/debian/curl@7.88.1?arch=amd64"), "7.88.1"),
              C("curl", P("pkg:deb/debian/curl@8.5.0?arch=arm64"), "8.5.0"));
    assert_int_equal(d.n, 1);
    assert_true(has(&d, MEDSEC_DIFF_UPDATED, "pkg:deb/debian/curl", "7.88.1", "8.5.0"));
    cdiff_release(&d);
}

static void test_duplicates(void **state)
{
    (void)state;
    struct cdiff d;
    /* two versions of one identity: the equal one pairs, the other is an update */
    cdiff_run(&d,
              C("openssl", P("pkg:generic/openssl@1.0.2k"),
                "1.0.2k") "," C("openssl", P("pkg:generic/openssl@1.1.1w"), "1.1.1w"),
              C("openssl", P("pkg:generic/openssl@3.0.13"),
                "3.0.13") "," C("openssl", P("pkg:generic/openssl@1.1.1w"), "1.1.1w"));
    assert_int_equal(d.n, 1);
    assert_true(has(&d, MEDSEC_DIFF_UPDATED, "pkg:generic/openssl", "1.0.2k", "3.0.13"));
    assert_int_equal(d.counts.n[MEDSEC_DIFF_SAME], 1);
    cdiff_release(&d);

    /* a copy dropped: one pair is the same, the other copy is removed */
    cdiff_run(
        &d,
        C("zlib", P("pkg:generic/zlib@1.3"), "1.3") "," C("zlib", P("pkg:generic/zlib@1.3"), "1.3"),
        C("zlib", P("pkg:generic/zlib@1.3"), "1.3"));
    assert_int_equal(d.n, 1);
    assert_true(has(&d, MEDSEC_DIFF_REMOVED, "pkg:generic/zlib", "1.3", NULL));
    assert_int_equal(d.counts.n[MEDSEC_DIFF_SAME], 1);
    cdiff_release(&d);
}

static struct medsec_device *open_device(const char *dir)
{
    struct medsec_device *d = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_device_open(NULL, dir, NULL, &d, NULL, &err), MEDSEC_OK);
    return d;
}

static struct medsec_diff *diff(struct medsec_device *d, struct medsec_db *db, const char *a,
                                const char *b)
{
    struct medsec_diff *df = NULL;
    struct medsec_error err;
    medsec_err rc = medsec_diff_releases(NULL, d, db, a, b, &df, &err);
    if (rc)
        fail_msg("%s -> %s: %s", a, b, err.msg);
    return df;
}

/* Nothing added, removed or changed anywhere. */
static void assert_empty(const struct medsec_diff *df)
{
    for (size_t i = 0; i < df->nsboms; i++) {
        assert_int_equal(df->sboms[i].ncomponents, 0);
        assert_non_null(df->sboms[i].a);
        assert_non_null(df->sboms[i].b);
    }
    for (int c = 0; c < MEDSEC_DIFF_SAME; c++) {
        assert_int_equal(df->components.n[c], 0);
        assert_int_equal(df->findings.n[c], 0);
        assert_int_equal(df->risks.n[c], 0);
    }
    assert_int_equal(df->nfindings, 0);
    assert_int_equal(df->nrisks, 0);
}

/* Every entry of @x with change @cx has its mirror in @y with change @cy. */
static void assert_mirror(const struct medsec_diff *x, const struct medsec_diff *y,
                          enum medsec_diff_change cx, enum medsec_diff_change cy)
{
    assert_int_equal(x->components.n[cx], y->components.n[cy]);
    assert_int_equal(x->findings.n[cx], y->findings.n[cy]);
    assert_int_equal(x->risks.n[cx], y->risks.n[cy]);
    for (size_t i = 0; i < x->nsboms; i++) {
        const struct medsec_diff_sbom *s = &x->sboms[i], *m = NULL;
        for (size_t k = 0; k < y->nsboms && !m; k++)
            if (y->sboms[k].a == s->b && y->sboms[k].b == s->a)
                m = &y->sboms[k];
        assert_non_null(m);
        assert_int_equal(s->counts.n[cx], m->counts.n[cy]);
        for (size_t k = 0; k < s->ncomponents; k++) {
            const struct medsec_diff_component *c = &s->components[k];
            if (c->change != cx)
                continue;
            bool found = false;
            for (size_t j = 0; j < m->ncomponents && !found; j++)
                found = m->components[j].change == cy &&
                        !strcmp(m->components[j].identity, c->identity) &&
                        (cx == MEDSEC_DIFF_ADDED ? m->components[j].a.c == c->b.c
                         : cx == MEDSEC_DIFF_REMOVED
                             ? m->components[j].b.c == c->a.c
                             : m->components[j].a.c == c->b.c && m->components[j].b.c == c->a.c);
            assert_true(found);
        }
    }
    for (size_t k = 0; k < x->nrisks; k++) {
        if (x->risks_v[k].change != cx)
            continue;
        bool found = false;
        for (size_t j = 0; j < y->nrisks && !found; j++)
            found = y->risks_v[j].change == cy && !strcmp(y->risks_v[j].id, x->risks_v[k].id);
        assert_true(found);
    }
    for (size_t k = 0; k < x->nfindings; k++) {
        if (x->findings_v[k].change != cx)
            continue;
        bool found = false;
        for (size_t j = 0; j < y->nfindings && !found; j++)
            found = y->findings_v[j].change == cy &&
                    !strcmp(y->findings_v[j].id, x->findings_v[k].id) &&
                    !strcmp(y->findings_v[j].identity, x->findings_v[k].identity);
        assert_true(found);
    }
}

static void properties(const char *dir, struct medsec_db *db)
{
    struct medsec_device *d = open_device(dir);
    const struct medsec_model *m = medsec_device_model(d);
    for (size_t i = 0; i < m->nversions; i++) {
        struct medsec_diff *same = diff(d, db, m->versions[i].version, m->versions[i].version);
        assert_empty(same);
        medsec_diff_free(same);
        for (size_t k = 0; k < m->nversions; k++) {
            if (k == i)
                continue;
            struct medsec_diff *ab = diff(d, db, m->versions[i].version, m->versions[k].version),
                               *ba = diff(d, db, m->versions[k].version, m->versions[i].version);
            assert_mirror(ab, ba, MEDSEC_DIFF_ADDED, MEDSEC_DIFF_REMOVED);
            assert_mirror(ab, ba, MEDSEC_DIFF_REMOVED, MEDSEC_DIFF_ADDED);
            assert_mirror(ab, ba, MEDSEC_DIFF_UPDATED, MEDSEC_DIFF_UPDATED);
            medsec_diff_free(ab);
            medsec_diff_free(ba);
        }
    }
    medsec_device_close(d);
}

/* A database of the scan tests' advisories in a temporary file; the caller removes @path. */
static struct medsec_db *fixture_db_of(char path[64], const char *const *paths, size_t n);

static struct medsec_db *fixture_db(char path[64])
{
    const char *paths[] = {ADVISORIES};
    return fixture_db_of(path, paths, 1);
}

static struct medsec_db *fixture_db_of(char path[64], const char *const *paths, size_t n)
{
    snprintf(path, 64, "/tmp/medsec-test-diff-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct medsec_db *db = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_db_open(NULL, path, 0, &db, &err), MEDSEC_OK);
    struct medsec_db_import_stats st;
    assert_int_equal(medsec_db_import(db, paths, n, NULL, &st, NULL, &err), MEDSEC_OK);
    return db;
}

static void remove_db(struct medsec_db *db, const char *path)
{
    char side[80];
    medsec_db_close(db);
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static void test_properties(void **state)
{
    (void)state;
    properties(PUMP, NULL);
    properties(CLOUD, NULL);
    char path[64];
    struct medsec_db *db = fixture_db(path);
    properties(MONITOR, db);
    properties(PUMP, db);
    remove_db(db, path);
}

/* The monitor's 0.9.0 -> 1.0.0 on the scan tests' database: findings and risks appear. */
static void test_findings(void **state)
{
    (void)state;
    char path[64];
    struct medsec_db *db = fixture_db(path);
    struct medsec_device *d = open_device(MONITOR);
    struct medsec_diff *df = diff(d, db, "0.9.0", "1.0.0");
    assert_true(df->with_db);
    assert_int_equal(df->findings.n[MEDSEC_DIFF_ADDED], df->nfindings);
    assert_true(df->nfindings > 0);
    bool assessed = false;
    for (size_t i = 0; i < df->nfindings; i++) {
        assert_null(df->findings_v[i].a.c);
        assessed |= df->findings_v[i].b.assessed;
    }
    assert_true(assessed); /* CVE-2099-1002 is not_affected by the file's own word */
    /* every new finding risk of 1.0.0 is a new risk */
    assert_true(df->risks.n[MEDSEC_DIFF_ADDED] > 0);
    assert_int_equal(df->risks.n[MEDSEC_DIFF_REMOVED], 0);
    /* pumpfw 2.5 is in both releases, in different SBOMs: the same component over the release */
    assert_int_equal(df->components.n[MEDSEC_DIFF_SAME], 1);
    medsec_diff_free(df);
    medsec_device_close(d);
    remove_db(db, path);
}

/* Two dates of the database on one release: the later one lists CVE-2099-1000 in KEV and gives
 * EPSS scores; one database against itself shows nothing. */
static void test_databases(void **state)
{
    (void)state;
    char p1[64], p2[64];
    const char *later[] = {ADVISORIES, LATER};
    struct medsec_db *old = fixture_db(p1), *db = fixture_db_of(p2, later, 2);
    struct medsec_device *d = open_device(MONITOR);
    struct medsec_diff *df = NULL, *back = NULL, *same = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_diff_databases(NULL, d, old, old, NULL, &same, &err), MEDSEC_OK);
    assert_true(same->databases);
    assert_int_equal(same->nsboms, 0);
    assert_empty(same);
    assert_int_equal(medsec_diff_databases(NULL, d, old, db, "1.0.0", &df, &err), MEDSEC_OK);
    assert_int_equal(medsec_diff_databases(NULL, d, db, old, "1.0.0", &back, &err), MEDSEC_OK);
    assert_int_equal(df->findings.n[MEDSEC_DIFF_ADDED], 0);
    assert_int_equal(df->findings.n[MEDSEC_DIFF_REMOVED], 0);
    size_t kev = 0;
    for (size_t i = 0; i < df->nfindings; i++) {
        const struct medsec_diff_finding *f = &df->findings_v[i];
        assert_int_equal(f->change, MEDSEC_DIFF_UPDATED);
        assert_true(f->changed & MEDSEC_DIFF_F_EPSS);
        assert_false(f->changed & (MEDSEC_DIFF_F_VERSION | MEDSEC_DIFF_F_STATE));
        if (f->changed & MEDSEC_DIFF_F_KEV) {
            assert_string_equal(f->id, "CVE-2099-1000");
            assert_false(f->a.vuln->kev);
            assert_true(f->b.vuln->kev);
            kev++;
        }
    }
    assert_int_equal(kev, 2); /* widgetlib 1.0.1 (by name) and 1.0.2j (by purl) */
    assert_mirror(df, back, MEDSEC_DIFF_UPDATED, MEDSEC_DIFF_UPDATED);
    medsec_diff_free(same);
    medsec_diff_free(df);
    medsec_diff_free(back);
    medsec_device_close(d);
    remove_db(old, p1);
    remove_db(db, p2);
}

static void test_unknown_version(void **state)
{
    (void)state;
    struct medsec_device *d = open_device(PUMP);
    struct medsec_diff *df = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_diff_releases(NULL, d, NULL, "3.1.4", "9.9.9", &df, &err),
                     MEDSEC_ENOTFOUND);
    assert_null(df);
    assert_non_null(strstr(err.msg, "9.9.9"));
    assert_non_null(strstr(err.file, "device.yaml"));
    medsec_device_close(d);
}

/* Every allocation of a diff fails once: ENOMEM and nothing kept, or a whole diff. */
static void test_fault_injection(void **state)
{
    (void)state;
    size_t base = failalloc_live;
    bool done = false;
    long n;
    for (n = 0; !done && n < 400000; n++) {
        struct medsec_ctx *ctx = failalloc_ctx_arm(-1);
        struct medsec_device *d = NULL;
        struct medsec_error err;
        struct medsec_diff *df = NULL;
        assert_int_equal(medsec_device_open(ctx, PUMP, NULL, &d, NULL, &err), MEDSEC_OK);
        failalloc_ctx_arm(n);
        medsec_err rc = medsec_diff_releases(ctx, d, NULL, "2.8.7", "3.2.0", &df, &err);
        if (rc) {
            assert_int_equal(rc, MEDSEC_ENOMEM);
            assert_null(df);
        } else {
            done = true;
        }
        failalloc_ctx_arm(-1);
        medsec_diff_free(df);
        medsec_device_close(d);
        assert_int_equal(failalloc_live, base);
    }
    assert_true(done);
    printf("# a diff of the pump 2.8.7 -> 3.2.0 succeeded after %ld failed allocations\n", n - 1);
    assert_true(n > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_renamed_purl),    cmocka_unit_test(test_same_name_other_type),
        cmocka_unit_test(test_purl_one_side),   cmocka_unit_test(test_qualifiers),
        cmocka_unit_test(test_duplicates),      cmocka_unit_test(test_properties),
        cmocka_unit_test(test_findings),        cmocka_unit_test(test_databases),
        cmocka_unit_test(test_unknown_version), cmocka_unit_test(test_fault_injection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
