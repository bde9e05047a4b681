/* psirt.c: the manufacturer's security advisory about one vulnerability of a device, as a CSAF 2.0
 * document of the security_advisory profile (medsec/psirt.h, docs/advisory.md): every release a
 * product, its status from the VEX statements of that release, remediations, scores and notes. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/ctx.h"
#include "medsec/cvss.h"
#include "medsec/json.h"
#include "medsec/psirt.h"

void medsec_psirt_written_release(struct medsec_psirt_written *w)
{
    medsec_free(w->tracking_id);
    medsec_free(w->file_name);
    w->tracking_id = w->file_name = NULL;
}

/* How a release stands towards the vulnerability. */
enum rel_status { REL_AFFECTED, REL_NOT_AFFECTED, REL_FIXED, REL_FIRST_FIXED };

struct rel {
    const struct medsec_model_version *v;
    struct medsec_vex_doc doc;             /* all statements of the release */
    const struct medsec_vex_statement **s; /* those about the vulnerability */
    size_t ns;
    enum rel_status status;
    bool stated;    /* some statement names the vulnerability */
    bool in_triage; /* affected only because nobody decided yet */
    bool eos;       /* past its end of support, or unsupported */
    bool recommended;
    const char *fix; /* the fixing release, for an affected one */
    char pid[96];
};

struct adv {
    struct medsec_device *d;
    const struct medsec_model *m;
    const struct medsec_psirt_opts *o;
    const char *vuln;                         /* the id statements are made under */
    const struct medsec_vex_statement *first; /* a statement about it (ids, description) */
    struct rel *r;                            /* by release date */
    size_t nr;
    struct medsec_db_vuln dv;
    bool has_dv;
    struct medsec_jsonw w;
    struct medsec_buf t; /* scratch text */
    char date[32];       /* the document date-time */
    double top;          /* the highest score written (-1: none) */
    bool oom;            /* an addition to the scratch text failed */
    /* the document this one replaces (medsec_psirt_opts.previous): its tracking is continued */
    const struct medsec_json *prev_revs; /* its revision_history */
    const char *prev_initial;
    int mode; /* 0 a first version, 1 the previous tracking as it is, 2 one revision more */
    char rev_date[32]; /* mode 2: the new revision's date */
    char vendor_ns[1024];
};

/* Additions to the scratch text; a failure is remembered and ends the run with MEDSEC_ENOMEM. */
static void tf(struct adv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tf(struct adv *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (medsec_buf_vaddf(&a->t, fmt, ap))
        a->oom = true;
    va_end(ap);
}

static void ts(struct adv *a, const char *s)
{
    if (medsec_buf_adds(&a->t, s))
        a->oom = true;
}

static void tc(struct adv *a, char c)
{
    if (medsec_buf_addc(&a->t, c))
        a->oom = true;
}

static int by_date(const void *pa, const void *pb)
{
    const struct rel *a = pa, *b = pb;
    const char *da = a->v->release_date ? a->v->release_date : "",
               *db = b->v->release_date ? b->v->release_date : "";
    int c = strcmp(da, db);
    return c ? c : strcmp(a->v->version, b->v->version);
}

static bool open_state(enum medsec_vex_state s)
{
    return s == MEDSEC_VEX_EXPLOITABLE || s == MEDSEC_VEX_IN_TRIAGE;
}

/* The statements of every release, and which of them name @vuln. */
static medsec_err collect(struct adv *a, const struct medsec_scan_plan *plan,
                          medsec_vex_decide_fn decide, void *ud, const char *vuln,
                          struct medsec_error *err)
{
    a->nr = a->m->nversions;
    a->r = medsec_malloc((a->nr ? a->nr : 1) * sizeof *a->r);
    if (!a->r)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    memset(a->r, 0, (a->nr ? a->nr : 1) * sizeof *a->r);
    for (size_t i = 0; i < a->nr; i++)
        medsec_vex_doc_init(&a->r[i].doc);
    for (size_t i = 0; i < a->nr; i++) {
        struct rel *r = &a->r[i];
        r->v = &a->m->versions[i];
        medsec_err rc = medsec_device_vex_plan(a->d, plan, r->v->version, decide, ud, &r->doc, err);
        if (rc)
            return rc;
        r->s = medsec_malloc((r->doc.n ? r->doc.n : 1) * sizeof *r->s);
        if (!r->s)
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t k = 0; k < r->doc.n; k++)
            if (medsec_vex_statement_names(&r->doc.v[k], vuln))
                r->s[r->ns++] = &r->doc.v[k];
    }
    qsort(a->r, a->nr, sizeof *a->r, by_date);
    return MEDSEC_OK;
}

/* Each release's status, fixing release and the recommended one. */
static void classify(struct adv *a)
{
    bool seen_affected = false;
    for (size_t i = 0; i < a->nr; i++) {
        struct rel *r = &a->r[i];
        bool aff = false, triage = false, fixed = false;
        for (size_t k = 0; k < r->ns; k++) {
            enum medsec_vex_state st = r->s[k]->state;
            aff |= open_state(st);
            triage |= st == MEDSEC_VEX_IN_TRIAGE;
            fixed |= st == MEDSEC_VEX_RESOLVED || st == MEDSEC_VEX_RESOLVED_PEDIGREE;
            if (!a->first)
                a->first = r->s[k];
        }
        r->stated = r->ns > 0;
        bool only_triage = aff && triage;
        for (size_t k = 0; k < r->ns && only_triage; k++)
            only_triage = r->s[k]->state != MEDSEC_VEX_EXPLOITABLE;
        r->in_triage = only_triage;
        if (aff)
            r->status = REL_AFFECTED;
        else if (fixed || (!r->stated && seen_affected))
            r->status = REL_FIXED;
        else
            r->status = REL_NOT_AFFECTED;
        seen_affected |= aff;
        r->eos =
            r->v->support == MEDSEC_SUPPORT_NONE ||
            (r->v->end_of_support && a->o->today && strcmp(r->v->end_of_support, a->o->today) < 0);
    }
    /* the first fixed release after an affected one */
    bool before = false;
    for (size_t i = 0; i < a->nr; i++) {
        struct rel *r = &a->r[i];
        if (r->status == REL_AFFECTED)
            before = true;
        else if (r->status == REL_FIXED && before) {
            r->status = REL_FIRST_FIXED;
            break;
        }
    }
    /* the fixing release of each affected one: its decision's fixed_in, else the next fixed */
    for (size_t i = 0; i < a->nr; i++) {
        struct rel *r = &a->r[i];
        if (r->status != REL_AFFECTED)
            continue;
        for (size_t k = 0; k < r->ns && !r->fix; k++)
            r->fix = r->s[k]->fixed_in;
        for (size_t j = i + 1; j < a->nr && !r->fix; j++)
            if (a->r[j].status == REL_FIXED || a->r[j].status == REL_FIRST_FIXED)
                r->fix = a->r[j].v->version;
    }
    /* recommended: the latest release in the field, supported, not affected */
    for (size_t i = a->nr; i-- > 0;) {
        struct rel *r = &a->r[i];
        if (r->status != REL_AFFECTED && r->v->in_field != 0 && !r->eos) {
            r->recommended = true;
            break;
        }
    }
}

static const char *dev_name(const struct adv *a)
{
    return medsec_device_name(a->d);
}

static const char *vendor(const struct adv *a)
{
    return a->m->device.manufacturer ? a->m->device.manufacturer : "unknown";
}

/* The latest `at` of a decision about the vulnerability, as a date-time (NULL: none). */
static void doc_date(struct adv *a)
{
    const char *best = a->o->date;
    for (size_t i = 0; i < a->nr && !a->o->date; i++)
        for (size_t k = 0; k < a->r[i].ns; k++) {
            const char *t = a->r[i].s[k]->timestamp;
            if (t && (!best || strcmp(t, best) > 0))
                best = t;
        }
    medsec_vex_date_time(best ? best : a->o->fallback ? a->o->fallback : a->o->today, a->date);
}

static void kv_opt(struct medsec_jsonw *w, const char *k, const char *v)
{
    if (v && *v)
        medsec_jsonw_kv_string(w, k, v);
}

static void note(struct adv *a, const char *category, const char *title, const char *text)
{
    medsec_jsonw_object_begin(&a->w);
    medsec_jsonw_kv_string(&a->w, "category", category);
    medsec_jsonw_kv_string(&a->w, "text", text);
    medsec_jsonw_kv_string(&a->w, "title", title);
    medsec_jsonw_object_end(&a->w);
}

static size_t count_status(const struct adv *a, enum rel_status status)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nr; i++)
        n += (a->r[i].status == REL_FIRST_FIXED ? REL_FIXED : a->r[i].status) == status;
    return n;
}

/* "3.1.4, 2.8.7 and 3.2.0": the releases of @status (REL_FIXED also takes first fixed). */
static size_t list_releases(struct adv *a, enum rel_status status)
{
    size_t n = 0, total = 0;
    for (size_t i = 0; i < a->nr; i++) {
        enum rel_status s = a->r[i].status == REL_FIRST_FIXED ? REL_FIXED : a->r[i].status;
        total += s == status;
    }
    for (size_t i = 0; i < a->nr; i++) {
        enum rel_status s = a->r[i].status == REL_FIRST_FIXED ? REL_FIXED : a->r[i].status;
        if (s != status)
            continue;
        n++;
        tf(a, "%s%s", n == 1 ? "" : n == total ? " and " : ", ", a->r[i].v->version);
    }
    return n;
}

/* The components the vulnerability is in, once each: "openssl 1.0.2j, openssl 1.0.2k". */
static void list_components(struct adv *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nr; i++)
        for (size_t k = 0; k < a->r[i].ns; k++) {
            const struct medsec_vex_statement *s = a->r[i].s[k];
            bool dup = false;
            for (size_t j = 0; j <= i && !dup; j++)
                for (size_t q = 0; q < (j == i ? k : a->r[j].ns) && !dup; q++) {
                    const struct medsec_vex_statement *o = a->r[j].s[q];
                    dup = o->product_name && s->product_name &&
                          !strcmp(o->product_name, s->product_name) &&
                          !strcmp(o->product_version ? o->product_version : "",
                                  s->product_version ? s->product_version : "");
                }
            if (dup || !s->product_name)
                continue;
            tf(a, "%s%s%s%s", n++ ? ", " : "", s->product_name, s->product_version ? " " : "",
               s->product_version ? s->product_version : "");
        }
}

static void write_document(struct adv *a)
{
    struct medsec_jsonw *w = &a->w;
    const struct medsec_psirt_opts *o = a->o;
    medsec_jsonw_key(w, "document");
    medsec_jsonw_object_begin(w);
    if (a->top >= 0) {
        medsec_jsonw_key(w, "aggregate_severity");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "namespace", "https://www.first.org/cvss/");
        medsec_jsonw_kv_string(
            w, "text", medsec_cvss_severity_name(medsec_cvss_severity(MEDSEC_CVSS_V31, a->top)));
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_kv_string(w, "category", "csaf_security_advisory");
    medsec_jsonw_kv_string(w, "csaf_version", "2.0");
    medsec_jsonw_key(w, "distribution");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "tlp");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "label", medsec_tlp_name(o->tlp));
    medsec_jsonw_kv_string(w, "url", "https://www.first.org/tlp/");
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_kv_string(w, "lang", "en");

    medsec_jsonw_key(w, "notes");
    medsec_jsonw_array_begin(w);
    medsec_buf_reset(&a->t);
    tf(a, "%s in %s of %s.", a->vuln, dev_name(a), vendor(a));
    static const struct {
        enum rel_status s;
        const char *what;
    } parts[] = {
        {REL_AFFECTED, "Affected"}, {REL_FIXED, "Fixed"}, {REL_NOT_AFFECTED, "Not affected"}};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        size_t n0 = a->t.len;
        tf(a, " %s: release%s ", parts[k].what, count_status(a, parts[k].s) == 1 ? "" : "s");
        if (list_releases(a, parts[k].s))
            ts(a, ".");
        else
            a->t.len = n0, a->t.data[n0] = 0;
    }
    note(a, "summary", "Summary", a->t.data);
    medsec_buf_reset(&a->t);
    tf(a, "%s",
       a->m->device.intended_purpose ? a->m->device.intended_purpose
                                     : "The security file states no intended purpose.");
    note(a, "general", "Intended use", a->t.data);
    if (a->m->device.description)
        note(a, "description", "The device", a->m->device.description);
    medsec_jsonw_array_end(w);

    medsec_jsonw_key(w, "publisher");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "category", "vendor");
    medsec_jsonw_kv_string(w, "name", vendor(a));
    medsec_jsonw_kv_string(w, "namespace", a->vendor_ns);
    medsec_jsonw_object_end(w);
}

/* The tracking id: @o->id, else DEVICE-NAME-VULN (spaces as '-'). Into a->t. */
static void tracking_id(struct adv *a)
{
    medsec_buf_reset(&a->t);
    if (a->o->id) {
        ts(a, a->o->id);
        return;
    }
    for (const char *p = dev_name(a); *p; p++)
        tc(a, isspace((unsigned char)*p) ? '-' : *p);
    tf(a, "-%s", a->vuln);
}

static void write_tracking(struct adv *a, const char *id, const char *url)
{
    struct medsec_jsonw *w = &a->w;
    if (url) {
        medsec_jsonw_key(w, "references");
        medsec_jsonw_array_begin(w);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "category", "self");
        medsec_jsonw_kv_string(w, "summary", "This advisory");
        medsec_jsonw_kv_string(w, "url", url);
        medsec_jsonw_object_end(w);
        medsec_jsonw_array_end(w);
    }
    medsec_buf_reset(&a->t);
    tf(a, "%s: %s", dev_name(a), a->vuln);
    medsec_jsonw_kv_string(w, "title", a->t.data);
    medsec_jsonw_key(w, "tracking");
    medsec_jsonw_object_begin(w);
    size_t nprev = a->mode ? a->prev_revs->len : 0;
    const char *last =
        nprev ? medsec_json_get_str(medsec_json_at(a->prev_revs, nprev - 1), "date") : NULL;
    const char *current = a->mode == 2 ? a->rev_date : a->mode == 1 ? last : a->date;
    medsec_jsonw_kv_string(w, "current_release_date", current);
    medsec_jsonw_key(w, "generator");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "engine");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "name", "medsec");
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_kv_string(w, "id", id);
    medsec_jsonw_kv_string(w, "initial_release_date", a->mode ? a->prev_initial : a->date);
    medsec_jsonw_key(w, "revision_history");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < nprev; i++) {
        const struct medsec_json *r = medsec_json_at(a->prev_revs, i);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "date", medsec_json_get_str(r, "date"));
        medsec_jsonw_kv_string(w, "number", medsec_json_get_str(r, "number"));
        medsec_jsonw_kv_string(w, "summary", medsec_json_get_str(r, "summary"));
        medsec_jsonw_object_end(w);
    }
    char number[24];
    snprintf(number, sizeof number, "%zu", nprev + (a->mode != 1));
    if (a->mode != 1) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "date", a->mode == 2 ? a->rev_date : a->date);
        medsec_jsonw_kv_string(w, "number", number);
        medsec_jsonw_kv_string(w, "summary",
                               a->mode == 2 ? "Updated by medsec from the security file and "
                                              "the triage decisions."
                                            : "Generated by medsec from the security file "
                                              "and the triage decisions.");
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_string(w, "status", a->o->interim ? "interim" : "final");
    medsec_jsonw_kv_string(w, "version", number);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w); /* document */
}

/* The previous document's tracking, when it can be continued: a revision history numbered 1, 2,
 * ... with dates and summaries, and an initial release date. */
static bool take_previous(struct adv *a, const struct medsec_json *root)
{
    const struct medsec_json *t = medsec_json_get(medsec_json_get(root, "document"), "tracking");
    const struct medsec_json *revs = medsec_json_get(t, "revision_history");
    a->prev_initial = medsec_json_get_str(t, "initial_release_date");
    if (!a->prev_initial || !revs || !medsec_json_is(revs, MEDSEC_JSON_ARRAY) || !revs->len ||
        revs->len > 10000)
        return false;
    for (size_t i = 0; i < revs->len; i++) {
        const struct medsec_json *r = medsec_json_at(revs, i);
        const char *n = medsec_json_get_str(r, "number");
        char want[24];
        snprintf(want, sizeof want, "%zu", i + 1);
        if (!n || strcmp(n, want) || !medsec_json_get_str(r, "date") ||
            !medsec_json_get_str(r, "summary"))
            return false;
    }
    a->prev_revs = revs;
    return true;
}

static void write_product_tree(struct adv *a)
{
    struct medsec_jsonw *w = &a->w;
    medsec_jsonw_key(w, "product_tree");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "branches");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "branches");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "branches");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < a->nr; i++) {
        const struct rel *r = &a->r[i];
        char purl[1024];
        medsec_vex_generic_purl(purl, sizeof purl, a->m->device.manufacturer, dev_name(a),
                                r->v->version);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "category", "product_version");
        medsec_jsonw_kv_string(w, "name", r->v->version);
        medsec_jsonw_key(w, "product");
        medsec_jsonw_object_begin(w);
        medsec_buf_reset(&a->t);
        tf(a, "%s %s", dev_name(a), r->v->version);
        medsec_jsonw_kv_string(w, "name", a->t.data);
        medsec_jsonw_kv_string(w, "product_id", r->pid);
        medsec_jsonw_key(w, "product_identification_helper");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "purl", purl);
        medsec_jsonw_object_end(w);
        medsec_jsonw_object_end(w);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_string(w, "category", "product_name");
    medsec_jsonw_kv_string(w, "name", dev_name(a));
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_string(w, "category", "vendor");
    medsec_jsonw_kv_string(w, "name", vendor(a));
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

/* "product_ids" of the releases that pass @keep. */
static void pids(struct adv *a, const char *key, bool (*keep)(const struct rel *, const void *),
                 const void *arg)
{
    medsec_jsonw_key(&a->w, key);
    medsec_jsonw_array_begin(&a->w);
    for (size_t i = 0; i < a->nr; i++)
        if (keep(&a->r[i], arg))
            medsec_jsonw_string(&a->w, a->r[i].pid);
    medsec_jsonw_array_end(&a->w);
}

static bool any(struct adv *a, bool (*keep)(const struct rel *, const void *), const void *arg)
{
    for (size_t i = 0; i < a->nr; i++)
        if (keep(&a->r[i], arg))
            return true;
    return false;
}

static bool has_status(const struct rel *r, const void *arg)
{
    return r->status == *(const enum rel_status *)arg;
}

static bool is_recommended(const struct rel *r, const void *arg)
{
    (void)arg;
    return r->recommended;
}

/* ---- per-release texts: remediations, impact statements, justifications, scores ---------------
 */

/* What one affected release gets, as (category, text). Into a->t. */
static const char *remedy(struct adv *a, const struct rel *r, int which)
{
    medsec_buf_reset(&a->t);
    unsigned resp = 0;
    const char *detail = NULL, *action = NULL;
    for (size_t k = 0; k < r->ns; k++) {
        resp |= r->s[k]->responses;
        if (!detail && r->s[k]->responses & MEDSEC_VEX_RESP_WORKAROUND)
            detail = r->s[k]->detail;
        if (!action)
            action = r->s[k]->action;
    }
    if (which == 1) { /* workaround */
        if (!(resp & MEDSEC_VEX_RESP_WORKAROUND))
            return NULL;
        ts(a, detail   ? detail
              : action ? action
                       : "Apply the workaround the "
                         "manufacturer's security guidance "
                         "describes.");
        return "workaround";
    }
    if (r->eos) {
        tf(a, "Release %s is past its end of support", r->v->version);
        if (r->v->end_of_support)
            tf(a, " (%s)", r->v->end_of_support);
        ts(a, ": no fix is planned for it.");
        if (r->fix)
            tf(a, " Release %s fixes %s: update the device to it.", r->fix, a->vuln);
        return "no_fix_planned";
    }
    if (r->fix) {
        tf(a, "Update the device to release %s, which fixes %s.", r->fix, a->vuln);
        return "vendor_fix";
    }
    if (resp & (MEDSEC_VEX_RESP_WILL_NOT_FIX | MEDSEC_VEX_RESP_CAN_NOT_FIX)) {
        ts(a, action ? action
                     : "No fix is planned; follow the manufacturer's "
                       "security guidance for the device.");
        return "no_fix_planned";
    }
    if (resp & MEDSEC_VEX_RESP_WORKAROUND)
        return NULL; /* the workaround is the remediation */
    ts(a, r->in_triage ? "The manufacturer is assessing the vulnerability in this "
                         "release; no fix is available yet."
                       : "No fix is available yet. Follow the manufacturer's "
                         "security guidance for the device.");
    return "none_available";
}

/* Why a release is not affected: its statements' detail, else a sentence. Into a->t. */
static const char *impact(struct adv *a, const struct rel *r, const char **label)
{
    medsec_buf_reset(&a->t);
    *label = NULL;
    for (size_t k = 0; k < r->ns; k++) {
        const struct medsec_vex_statement *s = r->s[k];
        enum medsec_vex_justification j = s->justification;
        if (j == MEDSEC_VEX_UNSTATED)
            j = medsec_vex_cdx_to_justification(s->cdx_justification);
        if (!*label && j != MEDSEC_VEX_UNSTATED)
            *label = medsec_vex_justification_name(j);
        if (s->detail && !a->t.len)
            ts(a, s->detail);
    }
    if (!r->ns) {
        *label = "component_not_present";
        tf(a, "Release %s ships no component affected by %s.", r->v->version, a->vuln);
    } else if (!a->t.len)
        tf(a, "%s does not affect release %s%s%s.", a->vuln, r->v->version, *label ? ": " : "",
           *label ? *label : "");
    return a->t.data;
}

/* The vector scored for an affected release: the accepted in-context 3.1 vector, else the
 * advisory's base (3.x, else 2.0). */
static const char *vector_of(const struct rel *r, bool *context)
{
    *context = false;
    for (size_t k = 0; k < r->ns; k++)
        if (r->s[k]->context_v3) {
            *context = true;
            return r->s[k]->context_v3;
        }
    for (size_t k = 0; k < r->ns; k++)
        if (r->s[k]->cvss_vector && r->s[k]->cvss_version && r->s[k]->cvss_version[0] == '3')
            return r->s[k]->cvss_vector;
    for (size_t k = 0; k < r->ns; k++)
        if (r->s[k]->cvss_vector && r->s[k]->cvss_version && !strcmp(r->s[k]->cvss_version, "2.0"))
            return r->s[k]->cvss_vector;
    return NULL;
}

struct group_key {
    int kind; /* 0 remediation category, 1 workaround, 2 impact, 3 flag, 4 vector */
    const char *a, *b;
    struct adv *adv;
};

static bool in_group(const struct rel *r, const void *arg)
{
    const struct group_key *g = arg;
    struct adv *a = g->adv;
    const char *label = NULL, *cat = NULL;
    bool ctx;
    switch (g->kind) {
    case 0:
    case 1:
        if (r->status != REL_AFFECTED)
            return false;
        cat = remedy(a, r, g->kind);
        return cat && !strcmp(cat, g->a) && !strcmp(a->t.data, g->b);
    case 2: return r->status == REL_NOT_AFFECTED && !strcmp(impact(a, r, &label), g->b);
    case 3:
        return r->status == REL_NOT_AFFECTED && (impact(a, r, &label), label) &&
               !strcmp(label, g->a);
    default: return r->status == REL_AFFECTED && (cat = vector_of(r, &ctx)) && !strcmp(cat, g->a);
    }
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = medsec_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* One entry of list @key (remediations, threats) for release @i's group @g: written by the first
 * release of the group only, with category @cat, details g->b and the group's product ids; the
 * list is opened at its first entry (*@open). */
static void group_entry(struct adv *a, bool *open, const char *key, size_t i,
                        const struct group_key *g, const char *cat)
{
    struct medsec_jsonw *w = &a->w;
    for (size_t j = 0; j < i; j++)
        if (in_group(&a->r[j], g))
            return;
    if (!*open) {
        medsec_jsonw_key(w, key);
        medsec_jsonw_array_begin(w);
        *open = true;
    }
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "category", cat);
    medsec_jsonw_kv_string(w, "details", g->b);
    pids(a, "product_ids", in_group, g);
    medsec_jsonw_object_end(w);
}

/* The remediations: one per (category, text), with the releases that share it. */
static medsec_err write_remediations(struct adv *a)
{
    struct medsec_jsonw *w = &a->w;
    bool open = false;
    for (int kind = 0; kind < 2; kind++)
        for (size_t i = 0; i < a->nr; i++) {
            const struct rel *r = &a->r[i];
            if (r->status != REL_AFFECTED)
                continue;
            const char *cat = remedy(a, r, kind);
            if (!cat)
                continue;
            char *text = dup_text(a->t.data);
            if (!text)
                return MEDSEC_ENOMEM;
            struct group_key g = {kind, cat, text, a};
            group_entry(a, &open, "remediations", i, &g, cat);
            medsec_free(text);
        }
    if (open)
        medsec_jsonw_array_end(w);
    return MEDSEC_OK;
}

static const char *severity_upper(enum medsec_cvss_severity s)
{
    switch (s) {
    case MEDSEC_CVSS_SEV_NONE: return "NONE";
    case MEDSEC_CVSS_SEV_LOW: return "LOW";
    case MEDSEC_CVSS_SEV_MEDIUM: return "MEDIUM";
    case MEDSEC_CVSS_SEV_HIGH: return "HIGH";
    case MEDSEC_CVSS_SEV_CRITICAL: return "CRITICAL";
    default: return "NONE";
    }
}

static bool has_metric(const char *vector, const char *const *names)
{
    for (; *names; names++) {
        char k[16];
        snprintf(k, sizeof k, "/%s:", *names);
        if (strstr(vector, k))
            return true;
    }
    return false;
}

/* One score object (cvss_v3 per FIRST's cvss-v3.x JSON schema, or cvss_v2); the highest score
 * written so far in @top. */
static void write_score(struct adv *a, const char *vector, double *top)
{
    struct medsec_jsonw *w = &a->w;
    struct medsec_cvss c;
    if (medsec_cvss_parse(vector, &c, NULL) != MEDSEC_OK)
        return;
    struct medsec_cvss_scores sc;
    medsec_cvss_score(&c, &sc);
    static const char *const temporal[] = {"E", "RL", "RC", NULL};
    static const char *const env3[] = {"CR",  "IR", "AR", "MAV", "MAC", "MPR",
                                       "MUI", "MS", "MC", "MI",  "MA",  NULL};
    static const char *const env2[] = {"CDP", "TD", "CR", "IR", "AR", NULL};
    bool v2 = c.version == MEDSEC_CVSS_V2;
    bool t = has_metric(vector, temporal), e = has_metric(vector, v2 ? env2 : env3);
    medsec_jsonw_key(w, v2 ? "cvss_v2" : "cvss_v3");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "version", medsec_cvss_version_name(c.version));
    medsec_jsonw_kv_string(w, "vectorString", vector);
    medsec_jsonw_key(w, "baseScore");
    medsec_jsonw_fixed(w, sc.base, 1);
    if (!v2)
        medsec_jsonw_kv_string(w, "baseSeverity",
                               severity_upper(medsec_cvss_severity(c.version, sc.base)));
    if (t) {
        medsec_jsonw_key(w, "temporalScore");
        medsec_jsonw_fixed(w, sc.temporal, 1);
        if (!v2)
            medsec_jsonw_kv_string(w, "temporalSeverity",
                                   severity_upper(medsec_cvss_severity(c.version, sc.temporal)));
    }
    if (e) {
        medsec_jsonw_key(w, "environmentalScore");
        medsec_jsonw_fixed(w, sc.environmental, 1);
        if (!v2)
            medsec_jsonw_kv_string(
                w, "environmentalSeverity",
                severity_upper(medsec_cvss_severity(c.version, sc.environmental)));
    }
    medsec_jsonw_object_end(w);
    if (sc.overall > *top)
        *top = sc.overall;
}

static void write_scores(struct adv *a, double *top)
{
    struct medsec_jsonw *w = &a->w;
    bool open = false;
    for (size_t i = 0; i < a->nr; i++) {
        bool ctx;
        const char *v = a->r[i].status == REL_AFFECTED ? vector_of(&a->r[i], &ctx) : NULL;
        if (!v)
            continue;
        struct group_key g = {4, v, NULL, a};
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = !in_group(&a->r[j], &g);
        struct medsec_cvss c;
        if (!first || medsec_cvss_parse(v, &c, NULL) != MEDSEC_OK)
            continue;
        if (!open) {
            medsec_jsonw_key(w, "scores");
            medsec_jsonw_array_begin(w);
            open = true;
        }
        medsec_jsonw_object_begin(w);
        write_score(a, v, top);
        pids(a, "products", in_group, &g);
        medsec_jsonw_object_end(w);
    }
    if (open)
        medsec_jsonw_array_end(w);
}

static medsec_err write_vulnerability(struct adv *a, double *top)
{
    struct medsec_jsonw *w = &a->w;
    const struct medsec_vex_statement *f = a->first;
    medsec_jsonw_key(w, "vulnerabilities");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    /* the CVE: the id, else a CVE alias; the other ids in `ids` */
    const char *cve = medsec_vex_is_cve(a->vuln) ? a->vuln : NULL;
    for (size_t k = 0; f && k < f->naliases && !cve; k++)
        if (medsec_vex_is_cve(f->aliases[k]))
            cve = f->aliases[k];
    if (cve)
        medsec_jsonw_kv_string(w, "cve", cve);
    medsec_vex_csaf_ids(w, a->vuln, f ? f->aliases : NULL, f ? f->naliases : 0, cve);

    const char *what = NULL;
    for (size_t i = 0; i < a->nr && !what; i++)
        for (size_t k = 0; k < a->r[i].ns && !what; k++)
            what = a->r[i].s[k]->description;
    if (!what && a->has_dv)
        what = a->dv.summary;
    medsec_jsonw_key(w, "notes");
    medsec_jsonw_array_begin(w);
    if (what)
        note(a, "summary", "Summary", what);
    medsec_buf_reset(&a->t);
    tf(a, "%s as %s assessed it for %s", a->vuln, vendor(a), dev_name(a));
    size_t n0 = a->t.len;
    ts(a, ", in ");
    list_components(a);
    if (a->t.len == n0 + 5)
        a->t.len = n0, a->t.data[n0] = 0;
    ts(a, ".");
    /* the manufacturer's reasoning on the affected releases, each text once */
    for (size_t i = 0; i < a->nr; i++)
        for (size_t k = 0; k < a->r[i].ns; k++) {
            const char *dt = a->r[i].s[k]->detail;
            bool dup = !dt || a->r[i].s[k]->state != MEDSEC_VEX_EXPLOITABLE;
            for (size_t j = 0; j <= i && !dup; j++)
                for (size_t q = 0; q < (j == i ? k : a->r[j].ns) && !dup; q++)
                    dup = a->r[j].s[q]->detail && !strcmp(a->r[j].s[q]->detail, dt) &&
                          a->r[j].s[q]->state == MEDSEC_VEX_EXPLOITABLE;
            if (!dup)
                tf(a, " %s", dt);
        }
    for (size_t i = 0; i < a->nr; i++) {
        const struct rel *r = &a->r[i];
        if (r->status == REL_AFFECTED && r->in_triage)
            tf(a,
               " Release %s is listed as affected while the assessment is "
               "pending.",
               r->v->version);
    }
    note(a, "description", "Assessment", a->t.data);
    if (a->has_dv && a->dv.cwes && *a->dv.cwes) {
        medsec_buf_reset(&a->t);
        tf(a, "The advisories name the weakness %s.", a->dv.cwes);
        note(a, "other", "Weakness", a->t.data);
    }
    for (size_t i = 0; i < a->nr; i++) {
        bool ctx = false;
        const char *v = a->r[i].status == REL_AFFECTED ? vector_of(&a->r[i], &ctx) : NULL;
        if (!ctx)
            continue;
        const char *by = NULL;
        for (size_t k = 0; k < a->r[i].ns && !by; k++)
            if (a->r[i].s[k]->context_v3)
                by = a->r[i].s[k]->author;
        medsec_buf_reset(&a->t);
        tf(a,
           "The CVSS 3.1 score of release %s is in the device's context: the "
           "advisory's base with environmental metrics from the device's "
           "architecture (%s), accepted by %s.",
           a->r[i].v->version, v, by ? by : "the manufacturer");
        note(a, "other", "Score in the device's context", a->t.data);
    }
    if (a->has_dv && a->dv.kev) {
        medsec_buf_reset(&a->t);
        tf(a,
           "%s is in CISA's Known Exploited Vulnerabilities catalog%s%s%s: it "
           "is being exploited.",
           a->vuln, a->dv.kev_date_added ? " (added " : "",
           a->dv.kev_date_added ? a->dv.kev_date_added : "", a->dv.kev_date_added ? ")" : "");
        note(a, "other", "Known exploitation", a->t.data);
    }
    medsec_jsonw_array_end(w);

    /* product_status */
    medsec_jsonw_key(w, "product_status");
    medsec_jsonw_object_begin(w);
    static const struct {
        enum rel_status s;
        const char *key;
    } groups[] = {{REL_FIRST_FIXED, "first_fixed"},
                  {REL_FIXED, "fixed"},
                  {REL_AFFECTED, "known_affected"},
                  {REL_NOT_AFFECTED, "known_not_affected"}};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        if (any(a, has_status, &groups[g].s))
            pids(a, groups[g].key, has_status, &groups[g].s);
    if (any(a, is_recommended, NULL))
        pids(a, "recommended", is_recommended, NULL);
    medsec_jsonw_object_end(w);

    /* flags: one per justification of the not-affected releases */
    bool open = false;
    for (int j = MEDSEC_VEX_UNSTATED + 1; j < MEDSEC_VEX_COUNT; j++) {
        struct group_key g = {3, medsec_vex_justification_name((enum medsec_vex_justification)j),
                              NULL, a};
        if (!any(a, in_group, &g))
            continue;
        if (!open) {
            medsec_jsonw_key(w, "flags");
            medsec_jsonw_array_begin(w);
            open = true;
        }
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "label", g.a);
        pids(a, "product_ids", in_group, &g);
        medsec_jsonw_object_end(w);
    }
    if (open)
        medsec_jsonw_array_end(w);

    if (cve) {
        medsec_jsonw_key(w, "references");
        medsec_jsonw_array_begin(w);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "category", "external");
        medsec_buf_reset(&a->t);
        tf(a, "%s at NVD", cve);
        medsec_jsonw_kv_string(w, "summary", a->t.data);
        medsec_buf_reset(&a->t);
        tf(a, "https://nvd.nist.gov/vuln/detail/%s", cve);
        medsec_jsonw_kv_string(w, "url", a->t.data);
        medsec_jsonw_object_end(w);
        medsec_jsonw_array_end(w);
    }
    medsec_err rc = write_remediations(a);
    if (rc)
        return rc;
    write_scores(a, top);

    /* threats: the impact statement of each not-affected release */
    open = false;
    for (size_t i = 0; i < a->nr; i++) {
        const char *label;
        if (a->r[i].status != REL_NOT_AFFECTED)
            continue;
        char *text = dup_text(impact(a, &a->r[i], &label));
        if (!text)
            return MEDSEC_ENOMEM;
        struct group_key g = {2, NULL, text, a};
        group_entry(a, &open, "threats", i, &g, "impact");
        medsec_free(text);
    }
    if (open)
        medsec_jsonw_array_end(w);
    kv_opt(w, "title", what);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    return MEDSEC_OK;
}

/* The whole document into @out. */
static medsec_err render(struct adv *a, struct medsec_buf *out, const char *id, const char *self)
{
    double top = -1;
    medsec_jsonw_init(&a->w, out, 1);
    medsec_jsonw_object_begin(&a->w);
    write_document(a);
    write_tracking(a, id, self);
    write_product_tree(a);
    medsec_err rc = write_vulnerability(a, &top);
    medsec_jsonw_object_end(&a->w);
    if (!rc)
        rc = medsec_jsonw_finish(&a->w);
    if (!rc && a->oom)
        rc = MEDSEC_ENOMEM;
    return rc;
}

/* The advisory's address in the provider folder: BASE/<tlp>/<year>/<file> (NULL: no memory). */
static char *self_url(const struct medsec_psirt_opts *opts, const struct medsec_psirt_written *w)
{
    struct medsec_buf u = MEDSEC_BUF_INIT;
    const char *tlp = medsec_tlp_name(opts->tlp);
    bool bad = medsec_buf_addf(&u, "%s%s", opts->base_url,
                               opts->base_url[strlen(opts->base_url) - 1] == '/' ? "" : "/");
    for (const char *p = tlp; *p; p++)
        bad |= medsec_buf_addc(&u, (char)tolower((unsigned char)*p)) != MEDSEC_OK;
    bad |= medsec_buf_addf(&u, "/%s/%s", w->year, w->file_name) != MEDSEC_OK;
    char *self = bad ? NULL : medsec_buf_detach(&u, NULL);
    medsec_buf_release(&u);
    return self;
}

/* CSAF 2.0 §5.1: the tracking id lowercased, every character but [+a-z0-9-] as '_', ".json". */
static char *file_name(const char *id)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    bool bad = false;
    for (const char *p = id; *p; p++) {
        char c = (char)tolower((unsigned char)*p);
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-';
        bad |= medsec_buf_addc(&b, keep ? c : '_') != MEDSEC_OK;
    }
    bad |= medsec_buf_adds(&b, ".json") != MEDSEC_OK;
    if (bad) {
        medsec_buf_release(&b);
        return NULL;
    }
    return medsec_buf_detach(&b, NULL);
}

static void release_all(struct adv *a)
{
    for (size_t i = 0; a->r && i < a->nr; i++) {
        medsec_free(a->r[i].s);
        medsec_vex_doc_release(&a->r[i].doc);
    }
    medsec_free(a->r);
    if (a->has_dv)
        medsec_db_vuln_release(&a->dv);
    medsec_buf_release(&a->t);
}

medsec_err medsec_psirt_advisory(struct medsec_device *d, const struct medsec_scan_plan *plan,
                                 struct medsec_db *db, const char *vuln,
                                 medsec_vex_decide_fn decide, void *ud,
                                 const struct medsec_psirt_opts *opts, struct medsec_buf *out,
                                 struct medsec_psirt_written *written, struct medsec_error *err)
{
    struct adv a;
    memset(&a, 0, sizeof a);
    memset(written, 0, sizeof *written);
    a.d = d;
    a.m = medsec_device_model(d);
    a.o = opts;
    a.vuln = vuln;
    medsec_buf_init(&a.t, (size_t)1 << 20);
    medsec_err rc = collect(&a, plan, decide, ud, vuln, err);
    if (rc)
        goto out_release;
    classify(&a);
    const struct medsec_model_vulnerability *fv = medsec_model_find_vulnerability(a.m, vuln);
    if (!a.first && !fv) {
        rc = medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0,
                              "%s is not a finding of any release of %s%s, nor listed in its "
                              "security file's vulnerabilities",
                              vuln, dev_name(&a), plan ? "" : " (no database given)");
        goto out_release;
    }
    a.vuln = a.first ? a.first->vuln : fv->id;
    if (db && medsec_db_vuln_get(db, a.vuln, &a.dv, NULL) == MEDSEC_OK)
        a.has_dv = true;
    for (size_t i = 0; i < a.nr; i++)
        snprintf(a.r[i].pid, sizeof a.r[i].pid, "DEVICE-%s", a.r[i].v->version);
    doc_date(&a);
    if (opts->namespace_)
        snprintf(a.vendor_ns, sizeof a.vendor_ns, "%s", opts->namespace_);
    else if (opts->base_url && strstr(opts->base_url, "://")) {
        const char *host = strstr(opts->base_url, "://") + 3;
        size_t n = strcspn(host, "/");
        snprintf(a.vendor_ns, sizeof a.vendor_ns, "%.*s%.*s", (int)(host - opts->base_url),
                 opts->base_url, (int)n, host);
    } else {
        size_t len = 0;
        snprintf(a.vendor_ns, sizeof a.vendor_ns, "urn:medsec:vendor:");
        len = strlen(a.vendor_ns);
        medsec_vex_pct_encode(a.vendor_ns, sizeof a.vendor_ns, &len, vendor(&a));
    }
    tracking_id(&a);
    written->tracking_id = dup_text(a.t.data);
    written->file_name = written->tracking_id ? file_name(written->tracking_id) : NULL;
    if (!written->tracking_id || !written->file_name) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_release;
    }
    memcpy(written->year, a.date, 4);
    written->year[4] = 0;
    for (size_t i = 0; i < a.nr; i++) {
        enum rel_status s = a.r[i].status;
        written->affected += s == REL_AFFECTED;
        written->not_affected += s == REL_NOT_AFFECTED;
        written->fixed += s == REL_FIXED || s == REL_FIRST_FIXED;
    }
    char *self = NULL;
    if (opts->base_url && !(self = self_url(opts, written))) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_release;
    }
    /* the aggregate severity needs the scores: the vulnerability is worked out once first */
    {
        struct medsec_buf scratch;
        medsec_buf_init(&scratch, (size_t)64 << 20);
        medsec_jsonw_init(&a.w, &scratch, 1);
        medsec_jsonw_object_begin(&a.w);
        a.top = -1;
        rc = write_vulnerability(&a, &a.top);
        medsec_buf_release(&scratch);
    }
    struct medsec_json_doc *prev = NULL;
    if (!rc && opts->previous) {
        /* the document this one replaces: unchanged, it stays as it is; changed, it gets one
         * revision more (docs/advisory.md, "Updates") */
        struct medsec_json_limits lim = {MEDSEC_PSIRT_MAX_DOC, 0, 0};
        if ((rc = medsec_json_parse(opts->previous, opts->previous_len, &lim, opts->previous_name,
                                    &prev, err)))
            goto out_free;
        if (!take_previous(&a, prev->root)) {
            rc = medsec_error_set(err, MEDSEC_EINVAL, opts->previous_name, 0, 0,
                                  "the advisory to update has no revision history numbered 1, "
                                  "2, ... with dates and summaries");
            goto out_free;
        }
        a.mode = 1;
        if ((rc = render(&a, out, written->tracking_id, self)) ||
            (out->len == opts->previous_len && !memcmp(out->data, opts->previous, out->len)))
            goto out_free;
        medsec_buf_reset(out);
        a.mode = 2;
        const struct medsec_json *lr = medsec_json_at(a.prev_revs, a.prev_revs->len - 1);
        const char *last = medsec_json_get_str(lr, "date");
        char now[32];
        medsec_vex_date_time(opts->fallback ? opts->fallback : opts->today, now);
        const char *when = strcmp(a.date, now) > 0 ? a.date : now;
        snprintf(a.rev_date, sizeof a.rev_date, "%s", strcmp(when, last) > 0 ? when : last);
        memcpy(written->year, a.rev_date, 4);
        if (self) { /* the year, and with it the folder, may have changed */
            medsec_free(self);
            if (!(self = self_url(opts, written))) {
                rc = MEDSEC_ENOMEM;
                goto out_free;
            }
        }
    }
    if (!rc)
        rc = render(&a, out, written->tracking_id, self);
out_free:
    medsec_json_doc_free(prev);
    medsec_free(self);
    if (rc == MEDSEC_ENOMEM)
        rc = medsec_error_set(err, rc, NULL, 0, 0, "writing the advisory: %s", medsec_strerror(rc));
out_release:
    release_all(&a);
    if (rc)
        medsec_psirt_written_release(written);
    return rc;
}
