/* write.c: VEX documents out: one medsec_vex_doc as CycloneDX 1.6 JSON VEX, OpenVEX 0.2.0 or a
 * CSAF 2.0 document of the VEX profile (docs/vex.md maps every field), byte for byte the same for
 * the same statements. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/cvss.h"
#include "medsec/json.h"
#include "medsec/sbom.h"
#include "medsec/vex.h"

medsec_err medsec_vex_doc_add(struct medsec_vex_doc *d, const struct medsec_vex_statement *s)
{
    if (MEDSEC_ARRAY_GROW(d->v, d->n, d->cap))
        return MEDSEC_ENOMEM;
    d->v[d->n++] = *s;
    return MEDSEC_OK;
}

static int strcmp0(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) : a ? -1 : b ? 1 : 0; /* NULL last */
}

static int by_vuln_product(const void *pa, const void *pb)
{
    const struct medsec_vex_statement *a = *(const struct medsec_vex_statement *const *)pa,
                                      *b = *(const struct medsec_vex_statement *const *)pb;
    int c = strcmp0(a->vuln, b->vuln);
    if (!c)
        c = strcmp0(a->product, b->product);
    if (!c)
        c = strcmp0(a->product_name, b->product_name);
    if (!c)
        c = strcmp0(a->product_version, b->product_version);
    if (!c)
        c = strcmp0(a->release, b->release);
    return c;
}

/* ---- content digest: two FNV-1a 64 lanes, enough for an id (not a security property) ----------
 */

struct digest {
    uint64_t h[2];
};

static void dg_bytes(struct digest *g, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g->h[0] = (g->h[0] ^ (unsigned char)s[i]) * 0x100000001b3ull;
        g->h[1] = (g->h[1] ^ (unsigned char)s[i]) * 0x100000001b3ull;
        g->h[1] ^= g->h[1] >> 29;
    }
}

static void dg_str(struct digest *g, const char *s)
{
    if (s)
        dg_bytes(g, s, strlen(s) + 1);
    else
        dg_bytes(g, "\xff", 1);
}

static void dg_num(struct digest *g, unsigned long long v)
{
    char b[32];
    int n = snprintf(b, sizeof b, "%llu;", v);
    dg_bytes(g, b, (size_t)n);
}

/* "xxxxxxxx-xxxx-8xxx-yxxx-xxxxxxxxxxxx": an RFC 9562 version 8 (custom) UUID from the digest. */
static void doc_uuid(const struct medsec_vex_doc *d, const struct medsec_vex_statement *const *v,
                     size_t n, enum medsec_vex_format f, char out[37])
{
    struct digest g = {{0xcbf29ce484222325ull, 0x84222325cbf29ce4ull}};
    dg_num(&g, (unsigned)f);
    dg_str(&g, d->author);
    dg_str(&g, d->timestamp);
    dg_str(&g, d->product);
    dg_str(&g, d->vendor);
    dg_str(&g, d->product_version);
    dg_str(&g, d->product_purl);
    for (size_t i = 0; i < n; i++) {
        const struct medsec_vex_statement *s = v[i];
        dg_str(&g, s->vuln);
        for (size_t k = 0; k < s->naliases; k++)
            dg_str(&g, s->aliases[k]);
        dg_str(&g, s->product);
        dg_str(&g, s->product_name);
        dg_str(&g, s->product_version);
        dg_str(&g, s->release);
        dg_num(&g, (unsigned)s->state);
        dg_num(&g, (unsigned)s->cdx_justification);
        dg_num(&g, (unsigned)s->justification);
        dg_str(&g, s->detail);
        dg_num(&g, s->responses);
        dg_str(&g, s->action);
        dg_str(&g, s->fixed_in);
        dg_str(&g, s->author);
        dg_str(&g, s->timestamp);
        dg_str(&g, s->cvss_vector);
        dg_str(&g, s->component_fix);
        dg_str(&g, s->description);
        dg_str(&g, s->product_type);
        if (s->context_v3 || s->context_v4) {
            dg_str(&g, s->context_v3);
            dg_str(&g, s->context_v4);
        }
    }
    unsigned char b[16];
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(g.h[0] >> (8 * i));
        b[8 + i] = (unsigned char)(g.h[1] >> (8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* ---- shared helpers ----------------------------------------------------------------------------
 */

struct wctx {
    const struct medsec_vex_doc *d;
    const struct medsec_vex_statement **v; /* sorted */
    size_t n;
    size_t *comp;     /* component number per statement (CSAF product ids) */
    const char **cve; /* CSAF: the CVE of the entry starting at each statement */
    struct medsec_jsonw w;
    struct medsec_buf tmp; /* scratch text */
    char device_purl[1024];
    char uuid[37];
    char stamp[32]; /* the document time as a date-time */
};

static void kv_opt(struct medsec_jsonw *w, const char *key, const char *s)
{
    if (s && *s)
        medsec_jsonw_kv_string(w, key, s);
}

/* The product's identifier: its purl or CPE, else a generic purl from its name and version. The
 * text is in c->tmp (valid until the next call). */
static const char *product_key(struct wctx *c, const struct medsec_vex_statement *s)
{
    if (s->product)
        return s->product;
    if (!s->product_name)
        return c->device_purl;
    char b[1024];
    medsec_vex_generic_purl(b, sizeof b, NULL, s->product_name, s->product_version);
    medsec_buf_reset(&c->tmp);
    (void)medsec_buf_adds(&c->tmp, b);
    return c->tmp.data;
}

static bool same_product(const struct medsec_vex_statement *a, const struct medsec_vex_statement *b)
{
    return !strcmp0(a->product, b->product) && !strcmp0(a->product_name, b->product_name) &&
           !strcmp0(a->product_version, b->product_version);
}

/* The CycloneDX justification of @s: as given, else the closest of the OpenVEX one. */
static const char *cdx_justification(const struct medsec_vex_statement *s)
{
    if (s->cdx_justification != MEDSEC_CDX_UNSTATED)
        return medsec_vex_cdx_justification_name(s->cdx_justification);
    switch (s->justification) {
    case MEDSEC_VEX_COMPONENT_NOT_PRESENT: return "requires_dependency";
    case MEDSEC_VEX_CODE_NOT_PRESENT: return "code_not_present";
    case MEDSEC_VEX_CODE_NOT_IN_EXECUTE_PATH: return "code_not_reachable";
    case MEDSEC_VEX_CODE_CANNOT_BE_CONTROLLED: return "requires_environment";
    case MEDSEC_VEX_INLINE_MITIGATIONS: return "protected_by_mitigating_control";
    case MEDSEC_VEX_UNSTATED:
    case MEDSEC_VEX_COUNT: break;
    }
    return NULL;
}

/* The OpenVEX / CSAF justification of @s: as given, else derived from the CycloneDX one. */
static const char *vex_justification(const struct medsec_vex_statement *s)
{
    enum medsec_vex_justification j = s->justification;
    if (j == MEDSEC_VEX_UNSTATED)
        j = medsec_vex_cdx_to_justification(s->cdx_justification);
    return medsec_vex_justification_name(j);
}

static const char *product_label(const struct medsec_vex_statement *s)
{
    return s->product_name ? s->product_name : s->product ? s->product : "the device";
}

/* What to do about an affected product, in words: the statement's action, else what its fixing
 * release, responses and the upstream fix say. Into c->tmp. */
static const char *action_text(struct wctx *c, const struct medsec_vex_statement *s)
{
    medsec_buf_reset(&c->tmp);
    if (s->action)
        (void)medsec_buf_adds(&c->tmp, s->action);
    else if (s->fixed_in)
        (void)medsec_buf_addf(&c->tmp, "Update the device to release %s, which fixes it.",
                              s->fixed_in);
    else if (s->responses & MEDSEC_VEX_RESP_WORKAROUND)
        (void)medsec_buf_adds(&c->tmp, "Apply the workaround the manufacturer describes.");
    else if (s->responses & (MEDSEC_VEX_RESP_WILL_NOT_FIX | MEDSEC_VEX_RESP_CAN_NOT_FIX))
        (void)medsec_buf_adds(&c->tmp, "No fix is planned; follow the manufacturer's security "
                                       "guidance for the device.");
    else
        (void)medsec_buf_adds(&c->tmp, "No fixing release is stated yet. Follow the "
                                       "manufacturer's security guidance for the device.");
    if (!s->action && s->component_fix)
        (void)medsec_buf_addf(&c->tmp, " Upstream, %s %s fixes it.", product_label(s),
                              s->component_fix);
    return c->tmp.data;
}

/* Why a product is not affected, in words: the detail, else the justification. Into c->tmp. */
static const char *impact_text(struct wctx *c, const struct medsec_vex_statement *s)
{
    medsec_buf_reset(&c->tmp);
    if (s->detail)
        (void)medsec_buf_adds(&c->tmp, s->detail);
    else {
        const char *j = vex_justification(s);
        (void)medsec_buf_addf(&c->tmp, "%s does not affect %s%s%s.", s->vuln, product_label(s),
                              j ? ": " : "", j ? j : "");
        for (char *p = c->tmp.data; *p; p++)
            if (*p == '_' && j)
                *p = ' ';
    }
    return c->tmp.data;
}

/* ---- CycloneDX 1.6 -----------------------------------------------------------------------------
 */

static const char *cdx_method(const char *version)
{
    if (!version)
        return "other";
    if (!strcmp(version, "3.1"))
        return "CVSSv31";
    if (!strcmp(version, "3.0"))
        return "CVSSv3";
    if (!strcmp(version, "4.0"))
        return "CVSSv4";
    if (!strcmp(version, "2.0"))
        return "CVSSv2";
    return "other";
}

static const char *cdx_severity(const char *version, double score);

/* "supplier NAME" -> "NAME" */
static const char *supplier_name(const char *author)
{
    return strncmp(author, "supplier ", 9) ? author : author + 9;
}

/* A rating of the manufacturer's in-context vector (an accepted suggestion), scored here. */
static void cdx_context_rating(struct wctx *c, const char *vector)
{
    struct medsec_cvss v;
    struct medsec_error e;
    if (!vector || medsec_cvss_parse(vector, &v, &e) != MEDSEC_OK)
        return;
    struct medsec_cvss_scores sc;
    medsec_cvss_score(&v, &sc);
    const char *ver = medsec_cvss_version_name(v.version);
    struct medsec_jsonw *w = &c->w;
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "source");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "name", c->d->vendor ? c->d->vendor : "the manufacturer");
    medsec_jsonw_object_end(w);
    medsec_jsonw_key(w, "score");
    medsec_jsonw_fixed(w, sc.overall, 1);
    medsec_jsonw_kv_string(w, "severity", cdx_severity(ver, sc.overall));
    medsec_jsonw_kv_string(w, "method", cdx_method(ver));
    medsec_jsonw_kv_string(w, "vector", vector);
    medsec_jsonw_kv_string(w, "justification",
                           "In the device's context: environmental metrics from its architecture "
                           "(medsec triage suggestion, accepted by the statement's author)");
    medsec_jsonw_object_end(w);
}

static const char *cdx_severity(const char *version, double score)
{
    bool v2 = version && !strcmp(version, "2.0");
    if (score <= 0)
        return v2 ? "low" : "none";
    if (score < 4.0)
        return "low";
    if (score < 7.0)
        return "medium";
    if (score < 9.0 || v2)
        return "high";
    return "critical";
}

/* The vulnerability database a record id belongs to, with its page. */
static void cdx_source(struct medsec_jsonw *w, const char *id)
{
    char url[512];
    const char *name = NULL;
    if (!strncmp(id, "CVE-", 4)) {
        name = "NVD";
        snprintf(url, sizeof url, "https://nvd.nist.gov/vuln/detail/%s", id);
    } else if (!strncmp(id, "GHSA-", 5)) {
        name = "GitHub";
        snprintf(url, sizeof url, "https://github.com/advisories/%s", id);
    } else if (strchr(id, '-')) {
        name = "OSV";
        snprintf(url, sizeof url, "https://osv.dev/vulnerability/%s", id);
    }
    if (!name)
        return;
    medsec_jsonw_key(w, "source");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "name", name);
    medsec_jsonw_kv_string(w, "url", url);
    medsec_jsonw_object_end(w);
}

static void write_cyclonedx(struct wctx *c)
{
    struct medsec_jsonw *w = &c->w;
    const struct medsec_vex_doc *d = c->d;
    char urn[64];
    snprintf(urn, sizeof urn, "urn:uuid:%s", c->uuid);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "bomFormat", "CycloneDX");
    medsec_jsonw_kv_string(w, "specVersion", "1.6");
    medsec_jsonw_kv_string(w, "serialNumber", urn);
    medsec_jsonw_kv_int(w, "version", 1);

    medsec_jsonw_key(w, "metadata");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "timestamp", c->stamp);
    medsec_jsonw_key(w, "tools");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "components");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "type", "application");
    medsec_jsonw_kv_string(w, "name", "medsec");
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    if (d->author) {
        medsec_jsonw_key(w, "authors");
        medsec_jsonw_array_begin(w);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "name", d->author);
        medsec_jsonw_object_end(w);
        medsec_jsonw_array_end(w);
    }
    medsec_jsonw_key(w, "component");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "type", "device");
    medsec_jsonw_kv_string(w, "bom-ref", c->device_purl);
    if (d->vendor) {
        medsec_jsonw_key(w, "manufacturer");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "name", d->vendor);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_kv_string(w, "name", d->product ? d->product : "device");
    kv_opt(w, "version", d->product_version);
    medsec_jsonw_kv_string(w, "purl", c->device_purl);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);

    /* the components statements are about, once each, in statement order */
    medsec_jsonw_key(w, "components");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < c->n; i++) {
        const struct medsec_vex_statement *s = c->v[i];
        bool seen = !s->product && !s->product_name;
        for (size_t k = 0; k < i && !seen; k++)
            seen = same_product(c->v[k], s);
        if (seen)
            continue;
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "type", medsec_sbom_cdx_type(s->product_type));
        medsec_jsonw_kv_string(w, "bom-ref", product_key(c, s));
        medsec_jsonw_kv_string(w, "name", s->product_name ? s->product_name : s->product);
        kv_opt(w, "version", s->product_version);
        if (s->product && !strncmp(s->product, "pkg:", 4))
            medsec_jsonw_kv_string(w, "purl", s->product);
        else if (s->product && !strncmp(s->product, "cpe:", 4))
            medsec_jsonw_kv_string(w, "cpe", s->product);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);

    medsec_jsonw_key(w, "vulnerabilities");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < c->n; i++) {
        const struct medsec_vex_statement *s = c->v[i];
        char ref[48], when[32];
        snprintf(ref, sizeof ref, "vulnerability-%zu", i + 1);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "bom-ref", ref);
        medsec_jsonw_kv_string(w, "id", s->vuln);
        cdx_source(w, s->vuln);
        if (s->naliases) {
            medsec_jsonw_key(w, "references");
            medsec_jsonw_array_begin(w);
            for (size_t k = 0; k < s->naliases; k++) {
                medsec_jsonw_object_begin(w);
                medsec_jsonw_kv_string(w, "id", s->aliases[k]);
                medsec_jsonw_key(w, "source");
                medsec_jsonw_object_begin(w);
                medsec_jsonw_kv_string(w, "name",
                                       !strncmp(s->aliases[k], "CVE-", 4)    ? "NVD"
                                       : !strncmp(s->aliases[k], "GHSA-", 5) ? "GitHub"
                                                                             : "OSV");
                medsec_jsonw_object_end(w);
                medsec_jsonw_object_end(w);
            }
            medsec_jsonw_array_end(w);
        }
        kv_opt(w, "description", s->description);
        if (s->cvss_vector || s->context_v3 || s->context_v4) {
            medsec_jsonw_key(w, "ratings");
            medsec_jsonw_array_begin(w);
            if (s->cvss_vector) {
                medsec_jsonw_object_begin(w);
                if (s->cvss_source) {
                    medsec_jsonw_key(w, "source");
                    medsec_jsonw_object_begin(w);
                    medsec_jsonw_kv_string(w, "name", s->cvss_source);
                    medsec_jsonw_object_end(w);
                }
                medsec_jsonw_key(w, "score");
                medsec_jsonw_fixed(w, s->cvss_score, 1);
                medsec_jsonw_kv_string(w, "severity", cdx_severity(s->cvss_version, s->cvss_score));
                medsec_jsonw_kv_string(w, "method", cdx_method(s->cvss_version));
                medsec_jsonw_kv_string(w, "vector", s->cvss_vector);
                medsec_jsonw_object_end(w);
            }
            cdx_context_rating(c, s->context_v3);
            cdx_context_rating(c, s->context_v4);
            medsec_jsonw_array_end(w);
        }
        if (s->origin == MEDSEC_VEX_BY_SUPPLIER && s->author) {
            /* CycloneDX has no statement author: a property names the supplier whose statement
             * this is (triage.yaml `vex:`) */
            medsec_jsonw_key(w, "properties");
            medsec_jsonw_array_begin(w);
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "name", "medsec:vex:supplier");
            medsec_jsonw_kv_string(w, "value", supplier_name(s->author));
            medsec_jsonw_object_end(w);
            medsec_jsonw_array_end(w);
        }
        medsec_jsonw_key(w, "analysis");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "state", medsec_vex_state_name(s->state));
        if (s->state == MEDSEC_VEX_NOT_AFFECTED)
            kv_opt(w, "justification", cdx_justification(s));
        if (s->responses) {
            medsec_jsonw_key(w, "response");
            medsec_jsonw_array_begin(w);
            for (unsigned b = 1; b <= MEDSEC_VEX_RESP_WORKAROUND; b <<= 1)
                if (s->responses & b)
                    medsec_jsonw_string(w, medsec_vex_response_name(b));
            medsec_jsonw_array_end(w);
        }
        if (s->detail)
            medsec_jsonw_kv_string(w, "detail", s->detail);
        else if (s->state == MEDSEC_VEX_EXPLOITABLE)
            medsec_jsonw_kv_string(w, "detail", action_text(c, s));
        if (s->timestamp) {
            medsec_vex_date_time(s->timestamp, when);
            medsec_jsonw_kv_string(w, "lastUpdated", when);
        }
        medsec_jsonw_object_end(w);
        medsec_jsonw_key(w, "affects");
        medsec_jsonw_array_begin(w);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "ref",
                               s->product || s->product_name ? product_key(c, s) : c->device_purl);
        medsec_jsonw_object_end(w);
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

/* ---- OpenVEX 0.2.0 -----------------------------------------------------------------------------
 */

static void write_openvex(struct wctx *c)
{
    struct medsec_jsonw *w = &c->w;
    const struct medsec_vex_doc *d = c->d;
    char id[64];
    snprintf(id, sizeof id, "urn:uuid:%s", c->uuid);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "@context", "https://openvex.dev/ns/v0.2.0");
    medsec_jsonw_kv_string(w, "@id", id);
    medsec_jsonw_kv_string(w, "author", d->author ? d->author : d->vendor ? d->vendor : "unknown");
    medsec_jsonw_kv_string(w, "role", "Document Creator");
    medsec_jsonw_kv_string(w, "timestamp", c->stamp);
    medsec_jsonw_kv_int(w, "version", 1);
    medsec_jsonw_kv_string(w, "tooling", "medsec");
    medsec_jsonw_key(w, "statements");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < c->n; i++) {
        const struct medsec_vex_statement *s = c->v[i];
        enum medsec_vuln_status st = medsec_vex_state_status(s->state);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_key(w, "vulnerability");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "name", s->vuln);
        kv_opt(w, "description", s->description);
        if (s->naliases)
            medsec_jsonw_kv_strings(w, "aliases", s->aliases, s->naliases);
        medsec_jsonw_object_end(w);
        if (s->timestamp) {
            char when[32];
            medsec_vex_date_time(s->timestamp, when);
            medsec_jsonw_kv_string(w, "timestamp", when);
        }
        medsec_jsonw_key(w, "products");
        medsec_jsonw_array_begin(w);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "@id", c->device_purl);
        if (s->product || s->product_name) {
            medsec_jsonw_key(w, "subcomponents");
            medsec_jsonw_array_begin(w);
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "@id", product_key(c, s));
            medsec_jsonw_object_end(w);
            medsec_jsonw_array_end(w);
        }
        medsec_jsonw_object_end(w);
        medsec_jsonw_array_end(w);
        medsec_jsonw_kv_string(w, "status", medsec_vuln_status_name(st));
        /* a supplier's statement (triage.yaml `vex:`) names that supplier, as OpenVEX's statement
         * `supplier` does (medsec's reader takes it as the statement's author) */
        if (s->origin == MEDSEC_VEX_BY_SUPPLIER && s->author)
            medsec_jsonw_kv_string(w, "supplier", supplier_name(s->author));
        if (st == MEDSEC_VULN_NOT_AFFECTED) {
            const char *j = vex_justification(s);
            kv_opt(w, "justification", j);
            if (s->detail || !j)
                medsec_jsonw_kv_string(w, "impact_statement", impact_text(c, s));
            if (s->state == MEDSEC_VEX_FALSE_POSITIVE)
                medsec_jsonw_kv_string(w, "status_notes",
                                       "false positive: the component is not "
                                       "the one the advisory names");
        } else if (st == MEDSEC_VULN_AFFECTED) {
            medsec_jsonw_kv_string(w, "action_statement", action_text(c, s));
            kv_opt(w, "status_notes", s->detail);
        } else
            kv_opt(w, "status_notes", s->detail);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

/* ---- CSAF 2.0, VEX profile ----------------------------------------------------------------------
 */

/* Product ids: "DEVICE" for the release, "C<n>" for the n-th distinct component (statement order),
 * "C<n>:DEVICE" for the component as part of the release (the relationship the statuses name). */
static size_t component_no(const struct wctx *c, size_t i)
{
    return c->comp[i];
}

/* c->comp: the number of each statement's component, 0 for the device itself. */
static void number_components(struct wctx *c)
{
    size_t next = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct medsec_vex_statement *s = c->v[i];
        c->comp[i] = 0;
        if (!s->product && !s->product_name)
            continue;
        for (size_t k = 0; k < i && !c->comp[i]; k++)
            if (c->comp[k] && same_product(c->v[k], s))
                c->comp[i] = c->comp[k];
        if (!c->comp[i])
            c->comp[i] = ++next;
    }
}

static void csaf_pid(const struct wctx *c, size_t i, char out[48])
{
    const struct medsec_vex_statement *s = c->v[i];
    if (!s->product && !s->product_name)
        snprintf(out, 48, "DEVICE");
    else
        snprintf(out, 48, "C%zu:DEVICE", component_no(c, i));
}

/* "product_ids": the statements [a, b) that pass @keep. */
static void csaf_pids(struct wctx *c, size_t a, size_t b,
                      bool (*keep)(const struct medsec_vex_statement *, const void *),
                      const void *arg)
{
    medsec_jsonw_key(&c->w, "product_ids");
    medsec_jsonw_array_begin(&c->w);
    for (size_t i = a; i < b; i++)
        if (keep(c->v[i], arg)) {
            char pid[48];
            csaf_pid(c, i, pid);
            medsec_jsonw_string(&c->w, pid);
        }
    medsec_jsonw_array_end(&c->w);
}

static bool has_status(const struct medsec_vex_statement *s, const void *arg)
{
    return medsec_vex_state_status(s->state) == *(const enum medsec_vuln_status *)arg;
}

static bool has_justification(const struct medsec_vex_statement *s, const void *arg)
{
    const char *j = vex_justification(s);
    return medsec_vex_state_status(s->state) == MEDSEC_VULN_NOT_AFFECTED && j &&
           !strcmp(j, (const char *)arg);
}

static bool is_this(const struct medsec_vex_statement *s, const void *arg)
{
    return s == arg;
}

static void csaf_text_group(struct wctx *c, size_t a, size_t b, const char *key,
                            const char *category, enum medsec_vuln_status status)
{
    /* one entry per statement of @status: its text and its product */
    bool any = false;
    for (size_t i = a; i < b; i++) {
        const struct medsec_vex_statement *s = c->v[i];
        if (medsec_vex_state_status(s->state) != status)
            continue;
        if (!any) {
            medsec_jsonw_key(&c->w, key);
            medsec_jsonw_array_begin(&c->w);
        }
        any = true;
        medsec_jsonw_object_begin(&c->w);
        const char *cat = category;
        if (!cat)
            cat = s->fixed_in                                 ? "vendor_fix"
                  : s->responses & MEDSEC_VEX_RESP_WORKAROUND ? "workaround"
                  : s->responses & (MEDSEC_VEX_RESP_WILL_NOT_FIX | MEDSEC_VEX_RESP_CAN_NOT_FIX)
                      ? "no_fix_planned"
                      : "none_available";
        medsec_jsonw_kv_string(&c->w, "category", cat);
        medsec_jsonw_kv_string(&c->w, "details",
                               status == MEDSEC_VULN_NOT_AFFECTED ? impact_text(c, s)
                                                                  : action_text(c, s));
        csaf_pids(c, i, i + 1, is_this, s);
        medsec_jsonw_object_end(&c->w);
    }
    if (any)
        medsec_jsonw_array_end(&c->w);
}

/* The CVE of each vulnerability entry (c->cve at the index of its first statement): its id, else
 * its first CVE alias that no other entry carries (CSAF 6.1.23: a CVE names one entry only). */
static void csaf_cves(struct wctx *c)
{
    for (size_t a = 0; a < c->n;) {
        size_t b = a + 1;
        while (b < c->n && !strcmp(c->v[b]->vuln, c->v[a]->vuln))
            b++;
        const struct medsec_vex_statement *s0 = c->v[a];
        c->cve[a] = medsec_vex_is_cve(s0->vuln) ? s0->vuln : NULL;
        for (size_t k = 0; k < s0->naliases && !c->cve[a]; k++) {
            const char *alias = s0->aliases[k];
            bool taken = !medsec_vex_is_cve(alias);
            for (size_t i = 0; i < c->n && !taken; i++)
                taken = !strcmp(c->v[i]->vuln, alias) ||
                        (i < a && c->cve[i] && !strcmp(c->cve[i], alias));
            if (!taken)
                c->cve[a] = alias;
        }
        for (size_t i = a + 1; i < b; i++)
            c->cve[i] = NULL;
        a = b;
    }
}

static void write_csaf_vuln(struct wctx *c, size_t a, size_t b)
{
    struct medsec_jsonw *w = &c->w;
    const struct medsec_vex_statement *s0 = c->v[a];
    medsec_jsonw_object_begin(w);
    const char *cve = c->cve[a];
    if (cve)
        medsec_jsonw_kv_string(w, "cve", cve);
    medsec_vex_csaf_ids(w, s0->vuln, s0->aliases, s0->naliases, cve);

    const char *what = NULL;
    for (size_t i = a; i < b && !what; i++)
        what = c->v[i]->description;
    medsec_jsonw_key(w, "notes");
    medsec_jsonw_array_begin(w);
    if (what) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "category", "summary");
        medsec_jsonw_kv_string(w, "text", what);
        medsec_jsonw_kv_string(w, "title", "Summary");
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "category", "description");
    medsec_buf_reset(&c->tmp);
    (void)medsec_buf_addf(&c->tmp, "%s as assessed by %s for %s%s%s", s0->vuln,
                          c->d->vendor ? c->d->vendor : "the manufacturer",
                          c->d->product ? c->d->product : "the device",
                          c->d->product_version ? " " : "",
                          c->d->product_version ? c->d->product_version : "");
    for (size_t k = 0; k < s0->naliases; k++)
        (void)medsec_buf_addf(&c->tmp, "%s%s", k ? ", " : " (also known as ", s0->aliases[k]);
    (void)medsec_buf_adds(&c->tmp, s0->naliases ? ")." : ".");
    medsec_jsonw_kv_string(w, "text", c->tmp.data);
    medsec_jsonw_kv_string(w, "title", "Vulnerability");
    medsec_jsonw_object_end(w);
    /* CSAF names no author per product status: a note says which statements are a supplier's
     * (triage.yaml `vex:`) */
    for (size_t i = a; i < b; i++) {
        const struct medsec_vex_statement *s = c->v[i];
        if (s->origin != MEDSEC_VEX_BY_SUPPLIER || !s->author)
            continue;
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "category", "other");
        medsec_buf_reset(&c->tmp);
        (void)medsec_buf_addf(&c->tmp, "The status of %s%s%s is the statement of its supplier %s.",
                              s->product_name ? s->product_name
                              : s->product    ? s->product
                                              : "the component",
                              s->product_version ? " " : "",
                              s->product_version ? s->product_version : "",
                              supplier_name(s->author));
        medsec_jsonw_kv_string(w, "text", c->tmp.data);
        medsec_jsonw_kv_string(w, "title", "Supplier statement");
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    kv_opt(w, "title", what);

    static const struct {
        enum medsec_vuln_status status;
        const char *key;
    } groups[] = {{MEDSEC_VULN_FIXED, "fixed"},
                  {MEDSEC_VULN_AFFECTED, "known_affected"},
                  {MEDSEC_VULN_NOT_AFFECTED, "known_not_affected"},
                  {MEDSEC_VULN_UNDER_INVESTIGATION, "under_investigation"}};
    medsec_jsonw_key(w, "product_status");
    medsec_jsonw_object_begin(w);
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        bool any = false;
        for (size_t i = a; i < b && !any; i++)
            any = has_status(c->v[i], &groups[g].status);
        if (!any)
            continue;
        medsec_jsonw_key(w, groups[g].key);
        medsec_jsonw_array_begin(w);
        for (size_t i = a; i < b; i++)
            if (has_status(c->v[i], &groups[g].status)) {
                char pid[48];
                csaf_pid(c, i, pid);
                medsec_jsonw_string(w, pid);
            }
        medsec_jsonw_array_end(w);
    }
    medsec_jsonw_object_end(w);

    /* flags: one per justification, naming its products */
    bool any = false;
    for (int j = MEDSEC_VEX_UNSTATED + 1; j < MEDSEC_VEX_COUNT; j++) {
        const char *label = medsec_vex_justification_name((enum medsec_vex_justification)j);
        bool used = false;
        for (size_t i = a; i < b && !used; i++)
            used = has_justification(c->v[i], label);
        if (!used)
            continue;
        if (!any) {
            medsec_jsonw_key(w, "flags");
            medsec_jsonw_array_begin(w);
        }
        any = true;
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "label", label);
        csaf_pids(c, a, b, has_justification, label);
        medsec_jsonw_object_end(w);
    }
    if (any)
        medsec_jsonw_array_end(w);

    csaf_text_group(c, a, b, "remediations", NULL, MEDSEC_VULN_AFFECTED);
    csaf_text_group(c, a, b, "threats", "impact", MEDSEC_VULN_NOT_AFFECTED);
    medsec_jsonw_object_end(w);
}

static void write_csaf(struct wctx *c)
{
    struct medsec_jsonw *w = &c->w;
    const struct medsec_vex_doc *d = c->d;
    const char *vendor = d->vendor ? d->vendor : d->author ? d->author : "unknown";
    const char *product = d->product ? d->product : "device";
    char ns[1024];
    if (d->publisher_namespace)
        snprintf(ns, sizeof ns, "%s", d->publisher_namespace);
    else {
        size_t len = 0;
        snprintf(ns, sizeof ns, "urn:medsec:vendor:");
        len = strlen(ns);
        medsec_vex_pct_encode(ns, sizeof ns, &len, vendor);
    }

    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "document");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "category", "csaf_vex");
    medsec_jsonw_kv_string(w, "csaf_version", "2.0");
    medsec_jsonw_kv_string(w, "lang", "en");
    medsec_jsonw_key(w, "publisher");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "category", "vendor");
    medsec_jsonw_kv_string(w, "name", vendor);
    medsec_jsonw_kv_string(w, "namespace", ns);
    medsec_jsonw_object_end(w);
    medsec_buf_reset(&c->tmp);
    (void)medsec_buf_addf(&c->tmp, "VEX of %s%s%s", product, d->product_version ? " " : "",
                          d->product_version ? d->product_version : "");
    medsec_jsonw_kv_string(w, "title", c->tmp.data);
    medsec_jsonw_key(w, "tracking");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "current_release_date", c->stamp);
    medsec_jsonw_key(w, "generator");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "engine");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "name", "medsec");
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    char tid[80];
    snprintf(tid, sizeof tid, "VEX-%.8s", c->uuid);
    medsec_jsonw_kv_string(w, "id", d->id ? d->id : tid);
    medsec_jsonw_kv_string(w, "initial_release_date", c->stamp);
    medsec_jsonw_key(w, "revision_history");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "date", c->stamp);
    medsec_jsonw_kv_string(w, "number", "1");
    medsec_jsonw_kv_string(w, "summary", "Generated by medsec from the manufacturer's assessment.");
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_string(w, "status", "final");
    medsec_jsonw_kv_string(w, "version", "1");
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);

    medsec_jsonw_key(w, "product_tree");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_key(w, "branches");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "category", "vendor");
    medsec_jsonw_kv_string(w, "name", vendor);
    medsec_jsonw_key(w, "branches");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "category", "product_name");
    medsec_jsonw_kv_string(w, "name", product);
    medsec_jsonw_key(w, "branches");
    medsec_jsonw_array_begin(w);
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "category", "product_version");
    medsec_jsonw_kv_string(w, "name", d->product_version ? d->product_version : "unspecified");
    medsec_jsonw_key(w, "product");
    medsec_jsonw_object_begin(w);
    medsec_buf_reset(&c->tmp);
    (void)medsec_buf_addf(&c->tmp, "%s %s", product, d->product_version ? d->product_version : "");
    medsec_jsonw_kv_string(w, "name", c->tmp.data);
    medsec_jsonw_kv_string(w, "product_id", "DEVICE");
    medsec_jsonw_key(w, "product_identification_helper");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "purl", c->device_purl);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);

    /* the components, and each as part of the release */
    size_t ncomp = 0;
    for (int pass = 0; pass < 2; pass++) {
        bool any = false;
        for (size_t i = 0; i < c->n; i++) {
            const struct medsec_vex_statement *s = c->v[i];
            bool first = s->product || s->product_name;
            for (size_t k = 0; k < i && first; k++)
                first = !same_product(c->v[k], s);
            if (!first)
                continue;
            if (!any) {
                medsec_jsonw_key(w, pass ? "relationships" : "full_product_names");
                medsec_jsonw_array_begin(w);
            }
            any = true;
            size_t no = component_no(c, i);
            char pid[48], rid[48];
            snprintf(pid, sizeof pid, "C%zu", no);
            snprintf(rid, sizeof rid, "C%zu:DEVICE", no);
            medsec_buf_reset(&c->tmp);
            (void)medsec_buf_addf(&c->tmp, "%s%s%s", product_label(s),
                                  s->product_version ? " " : "",
                                  s->product_version ? s->product_version : "");
            medsec_jsonw_object_begin(w);
            if (!pass) {
                ncomp++;
                medsec_jsonw_kv_string(w, "name", c->tmp.data);
                medsec_jsonw_kv_string(w, "product_id", pid);
                if (s->product &&
                    (!strncmp(s->product, "pkg:", 4) || !strncmp(s->product, "cpe:", 4))) {
                    medsec_jsonw_key(w, "product_identification_helper");
                    medsec_jsonw_object_begin(w);
                    medsec_jsonw_kv_string(w, s->product[0] == 'p' ? "purl" : "cpe", s->product);
                    medsec_jsonw_object_end(w);
                }
            } else {
                medsec_jsonw_kv_string(w, "category", "default_component_of");
                medsec_jsonw_key(w, "full_product_name");
                medsec_jsonw_object_begin(w);
                (void)medsec_buf_addf(&c->tmp, " in %s %s", product,
                                      d->product_version ? d->product_version : "");
                medsec_jsonw_kv_string(w, "name", c->tmp.data);
                medsec_jsonw_kv_string(w, "product_id", rid);
                medsec_jsonw_object_end(w);
                medsec_jsonw_kv_string(w, "product_reference", pid);
                medsec_jsonw_kv_string(w, "relates_to_product_reference", "DEVICE");
            }
            medsec_jsonw_object_end(w);
        }
        if (any)
            medsec_jsonw_array_end(w);
    }
    (void)ncomp;
    medsec_jsonw_object_end(w);

    medsec_jsonw_key(w, "vulnerabilities");
    medsec_jsonw_array_begin(w);
    for (size_t a = 0; a < c->n;) {
        size_t b = a + 1;
        while (b < c->n && !strcmp(c->v[b]->vuln, c->v[a]->vuln))
            b++;
        write_csaf_vuln(c, a, b);
        a = b;
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

medsec_err medsec_vex_write(const struct medsec_vex_doc *d, enum medsec_vex_format f,
                            struct medsec_buf *out, struct medsec_error *err)
{
    if ((unsigned)f >= MEDSEC_VEX_FORMAT_COUNT)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "unknown VEX format %d", (int)f);
    for (size_t i = 0; i < d->n; i++)
        if (!d->v[i].vuln || !*d->v[i].vuln)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "VEX statement %zu has no vulnerability id", i + 1);
    struct wctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.n = d->n;
    c.v = medsec_malloc((d->n ? d->n : 1) * sizeof *c.v);
    c.comp = medsec_malloc((d->n ? d->n : 1) * sizeof *c.comp);
    c.cve = medsec_malloc((d->n ? d->n : 1) * sizeof *c.cve);
    if (!c.v || !c.comp || !c.cve) {
        medsec_free(c.v);
        medsec_free(c.comp);
        medsec_free(c.cve);
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < d->n; i++)
        c.v[i] = &d->v[i];
    qsort(c.v, c.n, sizeof *c.v, by_vuln_product);
    number_components(&c);
    csaf_cves(&c);
    medsec_buf_init(&c.tmp, (size_t)1 << 20);
    if (d->product_purl)
        snprintf(c.device_purl, sizeof c.device_purl, "%s", d->product_purl);
    else
        medsec_vex_generic_purl(c.device_purl, sizeof c.device_purl, d->vendor,
                                d->product ? d->product : "device", d->product_version);
    doc_uuid(d, c.v, c.n, f, c.uuid);
    medsec_vex_date_time(d->timestamp, c.stamp);
    medsec_jsonw_init(&c.w, out, 1);
    switch (f) {
    case MEDSEC_VEX_CYCLONEDX: write_cyclonedx(&c); break;
    case MEDSEC_VEX_OPENVEX: write_openvex(&c); break;
    case MEDSEC_VEX_CSAF:
    case MEDSEC_VEX_FORMAT_COUNT: write_csaf(&c); break;
    }
    medsec_err rc = medsec_jsonw_finish(&c.w);
    medsec_buf_release(&c.tmp);
    medsec_free(c.v);
    medsec_free(c.comp);
    medsec_free(c.cve);
    if (rc)
        return medsec_error_set(err, rc, NULL, 0, 0, "writing the %s document: %s",
                                medsec_vex_format_name(f), medsec_strerror(rc));
    return MEDSEC_OK;
}
