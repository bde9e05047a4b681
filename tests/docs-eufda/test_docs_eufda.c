/*
 * test_docs_eufda.c: the EU technical documentation and the FDA premarket set (lib/docs/eu.c,
 * fda.c, sections.c) on both examples, read back from the document model:
 *
 * - every threat `medsec threats` lists has exactly one row in the threat model and in each
 *   traceability matrix (EU and FDA);
 * - a traceability row is "traced" (or not applicable by design) exactly when the document records
 *   no gap for its threat;
 * - every residual risk of the register outside the acceptable region has its own entry with the
 *   file's justification (or a gap naming the risk); no acceptable one has an entry;
 * - every penetration test, and nothing else, is in the penetration-testing table; every
 *   verification that failed or is open, and nothing else, is an unresolved anomaly;
 * - property: removing one evidence entry from a copy of the example makes a traceability gap
 *   appear for every threat that entry alone verified, changes nothing for threats it did not
 *   verify, and putting it back gives the original gaps; removing a penetration test's
 *   independence statement or the post-market plan makes exactly the matching gap appear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/docs.h"
#include "medsec/file.h"
#include "medsec/risk.h"
#include "medsec/threat.h"

#define PUMP MEDSEC_SOURCE_DIR "/examples/infusion-pump"
#define GLUCOSE MEDSEC_SOURCE_DIR "/examples/glucose-cloud"

struct built {
    struct medsec_device *dev;
    struct medsec_docs *set;
};

/* Open @dir and build its documents; false when the security file is not valid (a changed copy
 * may not be: a control `verified` needs its evidence). */
static bool try_build(const char *dir, struct built *b)
{
    struct medsec_error err;
    b->dev = NULL;
    b->set = NULL;
    if (medsec_device_open(NULL, dir, NULL, &b->dev, NULL, &err) != MEDSEC_OK)
        return false;
    struct medsec_docs_opts o = {0};
    if (medsec_docs_build(b->dev, &o, &b->set, &err) != MEDSEC_OK)
        fail_msg("%s: docs: %s", dir, err.msg);
    return true;
}

static void build(const char *dir, struct built *b)
{
    struct medsec_error err;
    b->dev = NULL;
    b->set = NULL;
    if (medsec_device_open(NULL, dir, NULL, &b->dev, NULL, &err) != MEDSEC_OK)
        fail_msg("%s: %s", dir, err.msg);
    struct medsec_docs_opts o = {0};
    if (medsec_docs_build(b->dev, &o, &b->set, &err) != MEDSEC_OK)
        fail_msg("%s: docs: %s", dir, err.msg);
}

static void release(struct built *b)
{
    medsec_docs_free(b->set);
    medsec_device_close(b->dev);
}

static const struct doc *find_doc(const struct medsec_docs *s, const char *id)
{
    for (const struct doc *d = s->first; d; d = d->next)
        if (!strcmp(d->id, id))
            return d;
    fail_msg("no document %s", id);
    return NULL;
}

/* The first block of @kind after the heading with @anchor. */
static const struct doc_block *after(const struct doc *d, const char *anchor,
                                     enum doc_block_kind kind)
{
    const struct doc_block *b = d->first;
    while (b && !(b->kind == DOC_HEADING && b->anchor && !strcmp(b->anchor, anchor)))
        b = b->next;
    assert_non_null(b);
    for (b = b->next; b && b->kind != kind; b = b->next)
        ;
    assert_non_null(b);
    return b;
}

static const char *cell(const struct doc_block *t, size_t row, size_t col)
{
    return t->cells[row * t->ncols + col];
}

static size_t gaps_of(const struct medsec_docs *s, const char *doc, const char *area,
                      const char *item)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ngaps; i++)
        n += !strcmp(s->gaps[i].doc, doc) && !strcmp(s->gaps[i].area, area) &&
             !strcmp(s->gaps[i].item, item);
    return n;
}

/* Rows of table @t whose first cell starts with "@id: ". */
static size_t rows_for(const struct doc_block *t, const char *id)
{
    size_t n = 0, len = strlen(id);
    for (size_t r = 0; r < t->nrows; r++) {
        const char *c = cell(t, r, 0);
        n += !strncmp(c, id, len) && (c[len] == ':' || c[len] == 0);
    }
    return n;
}

static const struct {
    const char *doc, *anchor, *area;
} traces[] = {
    {"eu-technical-documentation", "eu-trace", "EU"},
    {"fda-security-risk-management-report", "fda-traceability", "FDA"},
};

static void check_threat_rows(const char *dir)
{
    struct built b;
    build(dir, &b);
    const struct medsec_threat_list *tl;
    struct medsec_error err;
    assert_int_equal(medsec_device_threats(b.dev, &tl, &err), MEDSEC_OK);
    assert_true(tl->n > 0);
    struct medsec_risk_register reg = {0};
    assert_int_equal(medsec_device_risks(b.dev, NULL, NULL, &reg, NULL, NULL, &err), MEDSEC_OK);
    const struct doc_block *tm =
        after(find_doc(b.set, "eu-technical-documentation"), "eu-threat-model", DOC_TABLE);
    assert_int_equal(tm->nrows, tl->n);
    for (size_t k = 0; k < sizeof traces / sizeof *traces; k++) {
        const struct doc *d = find_doc(b.set, traces[k].doc);
        const struct doc_block *t = after(d, traces[k].anchor, DOC_TABLE);
        assert_int_equal(t->nrows, tl->n);
        for (size_t i = 0; i < tl->n; i++) {
            if (rows_for(t, tl->v[i].id) != 1)
                fail_msg("%s: threat %s has %zu rows in %s", dir, tl->v[i].id,
                         rows_for(t, tl->v[i].id), traces[k].doc);
            assert_int_equal(rows_for(tm, tl->v[i].id), 1);
        }
        /* a row is traced exactly when no gap names its threat */
        for (size_t r = 0; r < t->nrows; r++) {
            const char *c0 = cell(t, r, 0), *trace = cell(t, r, 4);
            char id[128];
            size_t n = strcspn(c0, ":");
            assert_true(n < sizeof id);
            memcpy(id, c0, n);
            id[n] = 0;
            bool ok = !strcmp(trace, "traced") || !strncmp(trace, "not applicable", 14) ||
                      !strncmp(trace, "no control needed", 17);
            size_t g = gaps_of(b.set, traces[k].doc, traces[k].area, id);
            if (!strncmp(trace, "no control needed", 17)) {
                /* only a risk the register finds acceptable before controls goes without one */
                const struct medsec_risk_item *it = NULL;
                for (size_t i = 0; i < reg.n; i++)
                    if (reg.items[i].spec.threat_id && !strcmp(reg.items[i].spec.threat_id, id))
                        it = &reg.items[i];
                assert_non_null(it);
                assert_true(it->result.initial_acceptable);
                assert_string_equal(cell(t, r, 1), "-");
            }
            if (ok ? g != 0 : g != 1)
                fail_msg("%s %s: row %s says \"%s\" with %zu gaps", dir, traces[k].doc, id, trace,
                         g);
        }
    }
    medsec_risk_register_release(&reg);
    release(&b);
}

static void threat_rows_pump(void **state)
{
    (void)state;
    check_threat_rows(PUMP);
}

static void threat_rows_glucose(void **state)
{
    (void)state;
    check_threat_rows(GLUCOSE);
}

/* The text of field @field in the first field block after heading @text. */
static const char *field_after_heading(const struct doc *d, const char *text, const char *field)
{
    const struct doc_block *b = d->first;
    while (b && !(b->kind == DOC_HEADING && !strcmp(b->text, text)))
        b = b->next;
    if (!b)
        return NULL;
    for (b = b->next; b && b->kind != DOC_KV && b->kind != DOC_HEADING; b = b->next)
        ;
    if (!b || b->kind != DOC_KV)
        return NULL;
    for (size_t r = 0; r < b->nrows; r++)
        if (!strcmp(b->cells[2 * r], field))
            return b->cells[2 * r + 1];
    return NULL;
}

static void check_residual(const char *dir)
{
    struct built b;
    build(dir, &b);
    struct medsec_risk_register reg = {0};
    struct medsec_error err;
    assert_int_equal(medsec_device_risks(b.dev, NULL, NULL, &reg, NULL, NULL, &err), MEDSEC_OK);
    const char *docs[] = {"eu-technical-documentation", "fda-security-risk-management-report"};
    const char *areas[] = {"EU", "FDA"};
    size_t above = 0;
    for (size_t k = 0; k < 2; k++) {
        const struct doc *d = find_doc(b.set, docs[k]);
        for (size_t i = 0; i < reg.n; i++) {
            const struct medsec_risk_item *it = &reg.items[i];
            char head[1024];
            snprintf(head, sizeof head, "%s: %s", it->spec.id, it->spec.title);
            const char *res = field_after_heading(d, head, "Residual risk");
            if (it->result.residual_acceptable) {
                assert_null(res);
                assert_int_equal(gaps_of(b.set, docs[k], areas[k], it->spec.id), 0);
                continue;
            }
            above += k == 0;
            if (!res)
                fail_msg("%s: residual risk %s has no entry in %s", dir, it->spec.id, docs[k]);
            const char *just = field_after_heading(d, head, "Justification");
            if (it->spec.accepted_by) {
                assert_non_null(just);
                assert_string_equal(just, it->spec.acceptance_rationale);
                assert_int_equal(gaps_of(b.set, docs[k], areas[k], it->spec.id), 0);
            } else {
                assert_null(just);
                assert_int_equal(gaps_of(b.set, docs[k], areas[k], it->spec.id), 1);
            }
        }
    }
    assert_true(above > 0); /* both examples have residual risks above the acceptable region */
    medsec_risk_register_release(&reg);
    release(&b);
}

static void residual_pump(void **state)
{
    (void)state;
    check_residual(PUMP);
}

static void residual_glucose(void **state)
{
    (void)state;
    check_residual(GLUCOSE);
}

static void penetration_table(void **state)
{
    (void)state;
    struct built b;
    build(PUMP, &b);
    const struct medsec_model *m = medsec_device_model(b.dev);
    const struct doc *d = find_doc(b.set, "fda-cybersecurity-testing");
    const struct doc_block *t = after(d, "test-penetration", DOC_TABLE);
    size_t pen = 0;
    for (size_t i = 0; i < m->nevidence; i++) {
        bool is = !strcmp(m->evidence[i].kind, "penetration_test");
        pen += is;
        size_t rows = 0;
        for (size_t r = 0; r < t->nrows; r++)
            rows += !strcmp(cell(t, r, 0), m->evidence[i].id);
        assert_int_equal(rows, is ? 1 : 0);
    }
    assert_int_equal(t->nrows, pen);
    release(&b);
}

/* Every verification entry that failed or is open, and nothing else, is an unresolved anomaly. */
static void open_results_table(void **state)
{
    (void)state;
    struct built b;
    build(PUMP, &b);
    const struct medsec_model *m = medsec_device_model(b.dev);
    const struct doc *d = find_doc(b.set, "fda-unresolved-anomalies");
    const struct doc_block *t = after(d, "fda-anomalies-verification", DOC_TABLE);
    size_t open = 0;
    for (size_t i = 0; i < m->nevidence; i++) {
        bool is = !strcmp(m->evidence[i].result, "fail") || !strcmp(m->evidence[i].result, "open");
        open += is;
        size_t rows = 0;
        for (size_t r = 0; r < t->nrows; r++)
            rows += !strcmp(cell(t, r, 0), m->evidence[i].id);
        assert_int_equal(rows, is ? 1 : 0);
    }
    assert_true(open > 0);
    assert_int_equal(t->nrows, open);
    release(&b);
}

/* ---- properties on a changed copy of the pump ---- */

static char tmpdir[256];

/* not inlined: gcc 12 -O3 takes the returned text for a pointer to the local it was read into */
__attribute__((noinline)) static char *read_text(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    struct medsec_error err;
    if (medsec_file_read(path, (size_t)16 << 20, &text, &len, &err) != MEDSEC_OK)
        fail_msg("%s: %s", path, err.msg);
    return text;
}

static void write_yaml(const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/device.yaml", tmpdir);
    struct medsec_error err;
    if (medsec_file_write_atomic(path, text, strlen(text), &err) != MEDSEC_OK)
        fail_msg("%s: %s", path, err.msg);
}

static int setup_copy(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/docs-eufda-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -R '%s/.' '%s'", PUMP, tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static int teardown_copy(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* @text without the list entry that starts with "  - id: @id\n" (up to the next entry or key).
 * Offsets, not pointers, into @text: the copy is freed by the caller. */
static char *without_entry(const char *text, const char *id)
{
    char key[160];
    snprintf(key, sizeof key, "\n  - id: %s\n", id);
    const char *hit = strstr(text, key);
    assert_non_null(hit);
    size_t a = (size_t)(hit - text) + 1, e = a + strlen(key) - 1, len = strlen(text);
    while (e < len &&
           !(text[e] == '\n' && (text[e + 1] != ' ' || !strncmp(text + e + 1, "  - ", 4))))
        e++;
    char *out = medsec_malloc(len + 1);
    assert_non_null(out);
    memcpy(out, text, a);
    memcpy(out + a, text + e + 1, len - e);
    return out;
}

/* @text with the first line @line after @from removed. */
static char *without_line_after(const char *text, const char *from, const char *line)
{
    const char *hit = strstr(text, from);
    assert_non_null(hit);
    hit = strstr(hit, line);
    assert_non_null(hit);
    size_t n = (size_t)(hit - text), skip = strlen(line);
    char *out = medsec_malloc(strlen(text) + 1);
    assert_non_null(out);
    memcpy(out, text, n);
    strcpy(out + n, text + n + skip);
    return out;
}

static void gaps_equal(const struct medsec_docs *a, const struct medsec_docs *b)
{
    assert_int_equal(a->ngaps, b->ngaps);
    for (size_t i = 0; i < a->ngaps; i++) {
        assert_string_equal(a->gaps[i].item, b->gaps[i].item);
        assert_string_equal(a->gaps[i].text, b->gaps[i].text);
    }
}

static void evidence_removed(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/device.yaml", tmpdir);
    char *orig = read_text(path);
    struct built base;
    build(tmpdir, &base);
    const struct medsec_model *m = medsec_device_model(base.dev);
    const char *doc = "fda-security-risk-management-report";
    const struct doc_block *t = after(find_doc(base.set, doc), "fda-traceability", DOC_TABLE);
    size_t appeared = 0, tried = 0, invalid = 0;
    for (size_t e = 0; e < m->nevidence; e++) {
        const char *ev = m->evidence[e].id;
        char *text = without_entry(orig, ev);
        write_yaml(text);
        medsec_free(text);
        struct built cut;
        if (!try_build(tmpdir, &cut)) {
            invalid++;
            continue;
        }
        tried++;
        for (size_t r = 0; r < t->nrows; r++) {
            char id[128];
            size_t n = strcspn(cell(t, r, 0), ":");
            memcpy(id, cell(t, r, 0), n);
            id[n] = 0;
            const char *evs = cell(t, r, 3);
            size_t before = gaps_of(base.set, doc, "FDA", id),
                   now = gaps_of(cut.set, doc, "FDA", id);
            if (!strcmp(evs, ev)) { /* the removed entry was its only evidence */
                if (now != 1)
                    fail_msg("without %s, threat %s has %zu gaps", ev, id, now);
                appeared += before == 0;
            } else if (!strstr(evs, ev)) { /* it did not verify this threat */
                if (now != before)
                    fail_msg("without %s (not in its row), threat %s went from %zu to %zu gaps", ev,
                             id, before, now);
            }
        }
        release(&cut);
    }
    /* some threat rests on one entry: the property was exercised */
    print_message("%zu evidence entries removed one at a time (%zu more leave the file invalid), "
                  "%zu traceability gaps appeared\n",
                  tried, invalid, appeared);
    assert_true(appeared > 0 && tried > invalid);
    write_yaml(orig);
    struct built back;
    build(tmpdir, &back);
    gaps_equal(base.set, back.set);
    release(&back);
    release(&base);
    medsec_free(orig);
}

static void independence_removed(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/device.yaml", tmpdir);
    char *orig = read_text(path);
    const struct {
        const char *doc, *area;
    } where[] = {{"eu-technical-documentation", "EU"}, {"fda-cybersecurity-testing", "FDA"}};
    struct built base;
    build(tmpdir, &base);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(gaps_of(base.set, where[k].doc, where[k].area, "EV-PT-2026"), 0);
        assert_int_equal(gaps_of(base.set, where[k].doc, where[k].area, "5.7.5"), 0);
    }
    release(&base);

    char *text = without_line_after(orig, "  - id: EV-PT-2026\n", "    independent: true\n");
    write_yaml(text);
    medsec_free(text);
    struct built cut;
    build(tmpdir, &cut);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(gaps_of(cut.set, where[k].doc, where[k].area, "EV-PT-2026"), 1);
        /* the pump's only penetration test is no longer stated independent */
        assert_int_equal(gaps_of(cut.set, where[k].doc, where[k].area, "5.7.5"), 1);
    }
    release(&cut);

    /* without the post-market plan (contact is required: the whole mapping goes) */
    const char *hit = strstr(orig, "\npostmarket:\n");
    assert_non_null(hit);
    size_t a = (size_t)(hit - orig) + 1;
    hit = strstr(orig + a, "\n\n");
    assert_non_null(hit);
    size_t e = (size_t)(hit - orig) + 2;
    char *np = medsec_malloc(strlen(orig) + 1);
    assert_non_null(np);
    memcpy(np, orig, a);
    strcpy(np + a, orig + e);
    write_yaml(np);
    medsec_free(np);
    build(tmpdir, &cut);
    assert_int_equal(gaps_of(cut.set, "eu-technical-documentation", "EU", "postmarket"), 1);
    assert_int_equal(gaps_of(cut.set, "fda-cybersecurity-management-plan", "FDA", "postmarket"), 1);
    release(&cut);
    write_yaml(orig);
    build(tmpdir, &base);
    assert_int_equal(gaps_of(base.set, "eu-technical-documentation", "EU", "postmarket"), 0);
    assert_int_equal(gaps_of(base.set, "fda-cybersecurity-management-plan", "FDA", "postmarket"),
                     0);
    release(&base);
    medsec_free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threat_rows_pump),
        cmocka_unit_test(threat_rows_glucose),
        cmocka_unit_test(residual_pump),
        cmocka_unit_test(residual_glucose),
        cmocka_unit_test(penetration_table),
        cmocka_unit_test(open_results_table),
        cmocka_unit_test_setup_teardown(evidence_removed, setup_copy, teardown_copy),
        cmocka_unit_test_setup_teardown(independence_removed, setup_copy, teardown_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
