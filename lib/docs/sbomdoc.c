/*
 * sbomdoc.c: the SBOM section of the documented release (every component of every SBOM with its
 * level of support and end of support: FDA premarket cybersecurity guidance V.A.4, FD&C Act
 * 524B(b)(3)) and, once per set, its machine-readable exports: CycloneDX 1.6 JSON carrying the
 * end of support as the registered property cdx:lifecycle:milestone:endOfSupport and the level of
 * support as medsec:support:level, and SPDX 2.3 JSON carrying the end of support as the
 * package's validUntilDate and the level of support as an annotation (docs/docs-views.md).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/json.h"
#include "medsec/sbom.h"

#define EXPORT_MAX ((size_t)256 << 20)

/* Where a component's support data comes from. */
enum support_source {
    SRC_NONE = 0, /* the security file says nothing: unknown */
    SRC_FILE,     /* a component_support entry */
    SRC_RELEASE   /* the SBOM's subject: the manufacturer's own software of this release */
};

struct csupport {
    enum support_source source;
    enum medsec_support_level level; /* SRC_FILE, SRC_RELEASE */
    const char *end_of_support;      /* NULL: not stated */
    const char *notes;
};

/* The support data of component @i of SBOM @path in release @rel. */
static struct csupport component_support(const struct medsec_model *m,
                                         const struct medsec_model_version *rel, const char *path,
                                         const struct medsec_sbom *s, size_t i)
{
    struct csupport r = {SRC_NONE, MEDSEC_SUPPORT_LEVEL_COUNT, NULL, NULL};
    const struct medsec_sbom_component *c = &s->components[i];
    for (size_t k = 0; k < m->ncomponent_support; k++) {
        const struct medsec_model_component_support *cs = &m->component_support[k];
        if (cs->sbom && cs->component && strcmp(cs->sbom, path) == 0 &&
            strcmp(cs->component, c->ref) == 0) {
            r.source = SRC_FILE;
            r.level = cs->support;
            r.end_of_support = cs->end_of_support;
            r.notes = cs->notes;
            return r;
        }
    }
    if (c->is_subject) {
        r.source = SRC_RELEASE;
        r.level = rel->support;
        r.end_of_support = rel->end_of_support;
    }
    return r;
}

/* Is @cs's end of support on or before @date? */
static bool support_ended(const struct csupport *cs, const char *date)
{
    return cs->end_of_support && date && *date && strcmp(cs->end_of_support, date) <= 0;
}

static const char *level_name(const struct csupport *cs)
{
    return cs->source == SRC_NONE ? "unknown" : medsec_support_level_name(cs->level);
}

/* The export's file name stem: the SBOM path without a leading "sbom/", a leading folder named
 * after the release and its extension, '/' as '-'; "-cdx"/"-spdx" added when another SBOM of the
 * release has the same stem. */
static const char *export_stem(struct medsec_docs *set, const char *release,
                               const struct medsec_model_sbom *const *sb, size_t n, size_t i)
{
    char b[512];
    const char *p = sb[i]->path;
    size_t lr = strlen(release);
    if (strncmp(p, "sbom/", 5) == 0)
        p += 5;
    if (strncmp(p, release, lr) == 0 && p[lr] == '/') /* sbom/3.1.4/x: the name says 3.1.4 */
        p += lr + 1;
    snprintf(b, sizeof b, "%s", p);
    static const char *const ext[] = {".cdx.json", ".spdx.json", ".json"};
    for (size_t e = 0; e < 3; e++) {
        size_t lb = strlen(b), le = strlen(ext[e]);
        if (lb > le && strcmp(b + lb - le, ext[e]) == 0) {
            b[lb - le] = 0;
            break;
        }
    }
    for (char *q = b; *q; q++)
        if (*q == '/' || *q == '\\' || *q == ' ')
            *q = '-';
    for (size_t k = 0; k < n; k++) {
        if (k == i)
            continue;
        const char *o = sb[k]->path;
        if (strncmp(o, "sbom/", 5) == 0)
            o += 5;
        size_t lb = strlen(b);
        if (strncmp(o, b, lb) == 0 && o[lb] == '.')
            return docs_strf(set, "%s-%s", b,
                             sb[i]->sbom->format == MEDSEC_SBOM_SPDX ? "spdx" : "cdx");
    }
    return docs_strf(set, "%s", b);
}

/* A name-based UUID (RFC 9562 version 8) from SHA-256 of @what: the same input, the same id. */
static void stable_uuid(const char *what, char out[37])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)what, strlen(what));
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0],
             h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
             h[14], h[15]);
}

/* ---- CycloneDX 1.6 ---- */

static void cdx_property(struct medsec_jsonw *w, const char *name, const char *value)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "name", name);
    medsec_jsonw_kv_string(w, "value", value);
    medsec_jsonw_object_end(w);
}

static void cdx_component(struct medsec_jsonw *w, const struct medsec_sbom_component *c,
                          const struct csupport *cs)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "type", medsec_sbom_cdx_type(c->type));
    medsec_jsonw_kv_string(w, "bom-ref", c->ref);
    if (c->supplier) {
        medsec_jsonw_key(w, "supplier");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "name", c->supplier);
        medsec_jsonw_object_end(w);
    }
    if (c->group)
        medsec_jsonw_kv_string(w, "group", c->group);
    medsec_jsonw_kv_string(w, "name", c->name);
    if (c->version)
        medsec_jsonw_kv_string(w, "version", c->version);
    if (c->sha256) {
        medsec_jsonw_key(w, "hashes");
        medsec_jsonw_array_begin(w);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "alg", "SHA-256");
        medsec_jsonw_kv_string(w, "content", c->sha256);
        medsec_jsonw_object_end(w);
        medsec_jsonw_array_end(w);
    }
    if (c->license) {
        medsec_jsonw_key(w, "licenses");
        medsec_jsonw_array_begin(w);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "expression", c->license);
        medsec_jsonw_object_end(w);
        medsec_jsonw_array_end(w);
    }
    if (c->ncpes)
        medsec_jsonw_kv_string(w, "cpe", c->cpes[0]);
    if (c->purl)
        medsec_jsonw_kv_string(w, "purl", c->purl);
    medsec_jsonw_key(w, "properties");
    medsec_jsonw_array_begin(w);
    cdx_property(w, "medsec:support:level", level_name(cs));
    if (cs->end_of_support) /* the registered name (cdx:lifecycle taxonomy); absent = unknown */
        cdx_property(w, "cdx:lifecycle:milestone:endOfSupport", cs->end_of_support);
    cdx_property(w, "medsec:support:source",
                 cs->source == SRC_FILE      ? "component_support"
                 : cs->source == SRC_RELEASE ? "release"
                                             : "none");
    if (cs->notes)
        cdx_property(w, "medsec:support:notes", cs->notes);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
}

static medsec_err export_cdx(struct docs_gen *g, const struct medsec_model_sbom *sb,
                             const char *stem)
{
    const struct medsec_sbom *s = sb->sbom;
    const struct medsec_model *m = g->model;
    struct medsec_buf out = MEDSEC_BUF_INIT;
    medsec_buf_init(&out, EXPORT_MAX);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &out, 1);
    char uuid[37], seed[1024];
    snprintf(seed, sizeof seed, "medsec cdx\n%s\n%s\n%s", g->set->device, g->release->version,
             sb->path);
    stable_uuid(seed, uuid);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
    medsec_jsonw_kv_string(&w, "bomFormat", "CycloneDX");
    medsec_jsonw_kv_string(&w, "specVersion", "1.6");
    medsec_jsonw_kv_string(&w, "serialNumber", docs_strf(g->set, "urn:uuid:%s", uuid));
    medsec_jsonw_kv_int(&w, "version", 1);
    medsec_jsonw_key(&w, "metadata");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "timestamp", docs_strf(g->set, "%sT00:00:00Z", g->set->date));
    medsec_jsonw_key(&w, "tools");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "components");
    medsec_jsonw_array_begin(&w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "type", "application");
    medsec_jsonw_kv_string(&w, "name", "medsec");
    medsec_jsonw_kv_string(&w, "version", MEDSEC_VERSION);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    for (size_t i = 0; i < s->ncomponents; i++)
        if (s->components[i].is_subject) {
            struct csupport cs = component_support(m, g->release, sb->path, s, i);
            medsec_jsonw_key(&w, "component");
            cdx_component(&w, &s->components[i], &cs);
            break;
        }
    if (m->device.manufacturer) {
        medsec_jsonw_key(&w, "manufacturer");
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "name", m->device.manufacturer);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_key(&w, "properties");
    medsec_jsonw_array_begin(&w);
    cdx_property(&w, "cdx:reproducible", "true");
    cdx_property(&w, "medsec:device", g->set->device);
    cdx_property(&w, "medsec:release", g->release->version);
    cdx_property(&w, "medsec:source_sbom", sb->path);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_key(&w, "components");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < s->ncomponents; i++) {
        if (s->components[i].is_subject)
            continue;
        struct csupport cs = component_support(m, g->release, sb->path, s, i);
        cdx_component(&w, &s->components[i], &cs);
    }
    medsec_jsonw_array_end(&w);
    if (s->ndeps) {
        medsec_jsonw_key(&w, "dependencies");
        medsec_jsonw_array_begin(&w);
        for (size_t d = 0; d < s->ndeps;) { /* sorted by (from, to) */
            size_t from = s->deps[d].from;
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_string(&w, "ref", s->components[from].ref);
            medsec_jsonw_key(&w, "dependsOn");
            medsec_jsonw_array_begin(&w);
            for (; d < s->ndeps && s->deps[d].from == from; d++)
                medsec_jsonw_string(&w, s->components[s->deps[d].to].ref);
            medsec_jsonw_array_end(&w);
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_array_end(&w);
    }
    medsec_jsonw_object_end(&w);
    medsec_err rc = medsec_jsonw_finish(&w);
    if (!rc)
        docs_file(g->set, docs_strf(g->set, "sbom/%s-%s.cdx.json", g->release->version, stem),
                  "application/vnd.cyclonedx+json", out.data, out.len);
    else
        g->set->failed = rc;
    medsec_buf_release(&out);
    return docs_status(g);
}

/* ---- SPDX 2.3 ---- */

/* "SPDXRef-" + @ref with every character outside [A-Za-z0-9.-] as '-'. */
static const char *spdx_id(struct medsec_docs *set, const char *ref)
{
    if (strncmp(ref, "SPDXRef-", 8) == 0)
        ref += 8;
    char *r = (char *)docs_strf(set, "SPDXRef-%s", ref);
    for (char *p = r ? r + 8 : NULL; p && *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-'))
            *p = '-';
    return r;
}

static void spdx_ref(struct medsec_jsonw *w, const char *cat, const char *type, const char *loc)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "referenceCategory", cat);
    medsec_jsonw_kv_string(w, "referenceType", type);
    medsec_jsonw_kv_string(w, "referenceLocator", loc);
    medsec_jsonw_object_end(w);
}

static void spdx_relationship(struct medsec_jsonw *w, const char *a, const char *type,
                              const char *b)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "spdxElementId", a);
    medsec_jsonw_kv_string(w, "relationshipType", type);
    medsec_jsonw_kv_string(w, "relatedSpdxElement", b);
    medsec_jsonw_object_end(w);
}

static medsec_err export_spdx(struct docs_gen *g, const struct medsec_model_sbom *sb,
                              const char *stem)
{
    const struct medsec_sbom *s = sb->sbom;
    const struct medsec_model *m = g->model;
    struct medsec_docs *set = g->set;
    const char **ids = medsec_calloc(s->ncomponents ? s->ncomponents : 1, sizeof *ids);
    if (!ids)
        return medsec_error_set(g->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < s->ncomponents; i++) { /* unique ids: a clash gets the index */
        ids[i] = spdx_id(set, s->components[i].ref);
        for (size_t k = 0; ids[i] && k < i; k++)
            if (ids[k] && strcmp(ids[k], ids[i]) == 0) {
                ids[i] = docs_strf(set, "%s-%zu", ids[i], i);
                break;
            }
    }
    const char *created = docs_strf(set, "%sT00:00:00Z", set->date);
    struct medsec_buf out = MEDSEC_BUF_INIT;
    medsec_buf_init(&out, EXPORT_MAX);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &out, 1);
    char uuid[37], seed[1024];
    snprintf(seed, sizeof seed, "medsec spdx\n%s\n%s\n%s", set->device, g->release->version,
             sb->path);
    stable_uuid(seed, uuid);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "spdxVersion", "SPDX-2.3");
    medsec_jsonw_kv_string(&w, "dataLicense", "CC0-1.0");
    medsec_jsonw_kv_string(&w, "SPDXID", "SPDXRef-DOCUMENT");
    medsec_jsonw_kv_string(&w, "name",
                           docs_strf(set, "%s %s: %s", set->device, g->release->version,
                                     s->subject ? s->subject : sb->path));
    medsec_jsonw_kv_string(&w, "documentNamespace", docs_strf(set, "urn:uuid:%s", uuid));
    medsec_jsonw_key(&w, "creationInfo");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "created", created);
    medsec_jsonw_key(&w, "creators");
    medsec_jsonw_array_begin(&w);
    medsec_jsonw_string(&w, "Tool: medsec-" MEDSEC_VERSION);
    if (m->device.manufacturer)
        medsec_jsonw_string(&w, docs_strf(set, "Organization: %s", m->device.manufacturer));
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_string(&w, "comment",
                           docs_strf(set,
                                     "SBOM of release %s made from %s; level of support in "
                                     "an annotation per package (medsec:support:level=...), "
                                     "end of support as validUntilDate.",
                                     g->release->version, sb->path));
    medsec_jsonw_object_end(&w);
    medsec_jsonw_key(&w, "packages");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < s->ncomponents; i++) {
        const struct medsec_sbom_component *c = &s->components[i];
        struct csupport cs = component_support(m, g->release, sb->path, s, i);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "name", c->name);
        medsec_jsonw_kv_string(&w, "SPDXID", ids[i]);
        if (c->version)
            medsec_jsonw_kv_string(&w, "versionInfo", c->version);
        medsec_jsonw_kv_string(&w, "supplier",
                               c->supplier ? docs_strf(set, "Organization: %s", c->supplier)
                                           : "NOASSERTION");
        medsec_jsonw_kv_string(&w, "downloadLocation", c->download ? c->download : "NOASSERTION");
        medsec_jsonw_kv_bool(&w, "filesAnalyzed", false);
        if (c->website)
            medsec_jsonw_kv_string(&w, "homepage", c->website);
        if (c->sha256) {
            medsec_jsonw_key(&w, "checksums");
            medsec_jsonw_array_begin(&w);
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_string(&w, "algorithm", "SHA256");
            medsec_jsonw_kv_string(&w, "checksumValue", c->sha256);
            medsec_jsonw_object_end(&w);
            medsec_jsonw_array_end(&w);
        }
        medsec_jsonw_kv_string(&w, "licenseDeclared", c->license ? c->license : "NOASSERTION");
        const char *purpose = medsec_sbom_spdx_purpose(c->type);
        if (purpose)
            medsec_jsonw_kv_string(&w, "primaryPackagePurpose", purpose);
        if (cs.end_of_support)
            medsec_jsonw_kv_string(&w, "validUntilDate",
                                   docs_strf(set, "%sT00:00:00Z", cs.end_of_support));
        if (c->purl || c->ncpes) {
            medsec_jsonw_key(&w, "externalRefs");
            medsec_jsonw_array_begin(&w);
            if (c->purl)
                spdx_ref(&w, "PACKAGE-MANAGER", "purl", c->purl);
            for (size_t k = 0; k < c->ncpes; k++)
                spdx_ref(&w, "SECURITY",
                         strncmp(c->cpes[k], "cpe:2.3:", 8) == 0 ? "cpe23Type" : "cpe22Type",
                         c->cpes[k]);
            medsec_jsonw_array_end(&w);
        }
        medsec_jsonw_key(&w, "annotations");
        medsec_jsonw_array_begin(&w);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "annotationDate", created);
        medsec_jsonw_kv_string(&w, "annotationType", "OTHER");
        medsec_jsonw_kv_string(&w, "annotator", "Tool: medsec-" MEDSEC_VERSION);
        medsec_jsonw_kv_string(
            &w, "comment",
            docs_strf(set,
                      "medsec:support:level=%s; medsec:support:end_of_support=%s; "
                      "medsec:support:source=%s%s%s",
                      level_name(&cs), cs.end_of_support ? cs.end_of_support : "unknown",
                      cs.source == SRC_FILE      ? "component_support"
                      : cs.source == SRC_RELEASE ? "release"
                                                 : "none",
                      cs.notes ? "; " : "", cs.notes ? cs.notes : ""));
        medsec_jsonw_object_end(&w);
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "relationships");
    medsec_jsonw_array_begin(&w);
    bool described = false;
    for (size_t i = 0; i < s->ncomponents; i++)
        if (s->components[i].is_subject) {
            spdx_relationship(&w, "SPDXRef-DOCUMENT", "DESCRIBES", ids[i]);
            described = true;
        }
    for (size_t i = 0; !described && i < s->ncomponents; i++)
        if (s->components[i].parent == MEDSEC_SBOM_NO_PARENT)
            spdx_relationship(&w, "SPDXRef-DOCUMENT", "DESCRIBES", ids[i]);
    for (size_t d = 0; d < s->ndeps; d++)
        spdx_relationship(&w, ids[s->deps[d].from], "DEPENDS_ON", ids[s->deps[d].to]);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_err rc = medsec_jsonw_finish(&w);
    if (!rc)
        docs_file(set, docs_strf(set, "sbom/%s-%s.spdx.json", g->release->version, stem),
                  "application/spdx+json", out.data, out.len);
    else
        set->failed = rc;
    medsec_buf_release(&out);
    medsec_free(ids);
    return docs_status(g);
}

/* ---- the data for --json ---- */

/* "sbom_support": per SBOM of the release, every component with its support data. */
static medsec_err support_data(struct docs_gen *g, const struct medsec_model_sbom *const *sb,
                               size_t n)
{
    struct medsec_buf out = MEDSEC_BUF_INIT;
    medsec_buf_init(&out, EXPORT_MAX);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &out, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "release", g->release->version);
    medsec_jsonw_kv_string(&w, "date", g->set->date);
    medsec_jsonw_key(&w, "sboms");
    medsec_jsonw_array_begin(&w);
    for (size_t k = 0; k < n; k++) {
        const struct medsec_sbom *s = sb[k]->sbom;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "path", sb[k]->path);
        medsec_jsonw_kv_string(&w, "format", medsec_sbom_format_name(s->format));
        medsec_jsonw_key(&w, "components");
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < s->ncomponents; i++) {
            const struct medsec_sbom_component *c = &s->components[i];
            struct csupport cs = component_support(g->model, g->release, sb[k]->path, s, i);
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_string(&w, "ref", c->ref);
            medsec_jsonw_kv_string(&w, "name", c->name);
            medsec_jsonw_kv_string(&w, "version", c->version);
            medsec_jsonw_kv_string(&w, "supplier", c->supplier);
            medsec_jsonw_kv_string(&w, "purl", c->purl);
            medsec_jsonw_kv_string(&w, "support", level_name(&cs));
            medsec_jsonw_kv_string(&w, "end_of_support", cs.end_of_support);
            medsec_jsonw_kv_string(&w, "source",
                                   cs.source == SRC_FILE      ? "component_support"
                                   : cs.source == SRC_RELEASE ? "release"
                                                              : "none");
            medsec_jsonw_kv_bool(&w, "ended", support_ended(&cs, g->set->date));
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_err rc = medsec_jsonw_finish(&w);
    if (!rc)
        docs_data(g->set, "sbom_support", out.data, out.len);
    else
        g->set->failed = rc;
    medsec_buf_release(&out);
    return docs_status(g);
}

/* ---- the section ---- */

static medsec_err sbom_table(struct docs_gen *g, struct doc *d, int level,
                             const struct medsec_model_sbom *sb)
{
    const struct medsec_sbom *s = sb->sbom;
    struct medsec_docs *set = g->set;
    doc_heading(d, level, NULL, "%s", sb->path);
    doc_para(d, "%s %s SBOM%s%s; %zu components.", medsec_sbom_format_name(s->format),
             medsec_sbom_spec_version_label(s), s->subject ? " of " : "",
             s->subject ? s->subject : "", s->ncomponents);
    static const char *const head[] = {"Component",        "Version",        "Supplier", "purl",
                                       "Level of support", "End of support", "Source"};
    doc_table(d, 7, head);
    struct medsec_buf unknown = MEDSEC_BUF_INIT, noeos = MEDSEC_BUF_INIT, ended = MEDSEC_BUF_INIT;
    size_t nunknown = 0, nnoeos = 0, nended = 0;
    for (size_t i = 0; i < s->ncomponents; i++) {
        const struct medsec_sbom_component *c = &s->components[i];
        struct csupport cs = component_support(g->model, g->release, sb->path, s, i);
        bool past = support_ended(&cs, set->date);
        const char *label =
            docs_strf(set, "%s%s%s", c->name, c->version ? " " : "", c->version ? c->version : "");
        if (cs.source == SRC_NONE)
            (void)medsec_buf_addf(&unknown, "%s%s", nunknown++ ? ", " : "", label);
        else if (!cs.end_of_support)
            (void)medsec_buf_addf(&noeos, "%s%s", nnoeos++ ? ", " : "", label);
        if (past)
            (void)medsec_buf_addf(&ended, "%s%s (%s)", nended++ ? ", " : "", label,
                                  cs.end_of_support);
        doc_cell(d, "%s%s%s", c->group ? c->group : "", c->group ? "/" : "", c->name);
        doc_cell(d, "%s", c->version ? c->version : "");
        doc_cell(d, "%s", c->supplier ? c->supplier : "not stated");
        doc_cell(d, "%s", c->purl ? c->purl : "");
        doc_cell(d, "%s", level_name(&cs));
        doc_cell(d, "%s%s", cs.end_of_support ? cs.end_of_support : "unknown",
                 past ? " (ended)" : "");
        doc_cell(d, "%s%s%s",
                 cs.source == SRC_FILE      ? "component_support"
                 : cs.source == SRC_RELEASE ? "the release (the manufacturer's own software)"
                                            : "none",
                 cs.notes ? ": " : "", cs.notes ? cs.notes : "");
    }
    if (nended)
        doc_callout(d, DOC_WARNING,
                    "Components past their end of support on %s (%zu): %s. Their supplier no "
                    "longer fixes their vulnerabilities; the Source column gives what the "
                    "security file says about them.",
                    set->date, nended, ended.data);
    if (nunknown || nnoeos) {
        struct medsec_buf t = MEDSEC_BUF_INIT;
        medsec_err rc = medsec_buf_addf(&t,
                                        "Components of %s without full support data in "
                                        "component_support: %zu of %zu",
                                        sb->path, nunknown + nnoeos, s->ncomponents);
        if (!rc && nunknown)
            rc = medsec_buf_addf(&t, "; neither a level nor an end of support (%zu): %s", nunknown,
                                 unknown.data);
        if (!rc && nnoeos)
            rc = medsec_buf_addf(&t, "; a level of support but no end-of-support date (%zu): %s",
                                 nnoeos, noeos.data);
        if (rc)
            set->failed = rc;
        else
            docs_section_gap(d, docs_strf(set, "sbom-support:%s", sb->path), "%s.", t.data);
        medsec_buf_release(&t);
    }
    medsec_buf_release(&unknown);
    medsec_buf_release(&noeos);
    medsec_buf_release(&ended);
    return docs_status(g);
}

medsec_err docs_sbom_section(struct docs_gen *g, struct doc *d, int level)
{
    if (!d)
        return docs_status(g);
    const struct medsec_model *m = g->model;
    struct medsec_docs *set = g->set;
    bool first = true; /* the first call writes the exports */
    for (const struct doc_file *f = set->files; f && first; f = f->next)
        first = strncmp(f->name, "sbom/", 5) != 0;
    const struct medsec_model_sbom **sb = medsec_calloc(m->nsboms ? m->nsboms : 1, sizeof *sb);
    if (!sb)
        return medsec_error_set(g->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    size_t n = medsec_model_version_sboms(m, g->release, sb);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += sb[i]->sbom->ncomponents;
    doc_heading(d, level, "sbom-support", "Software bill of materials: support and end of support");
    doc_para(d,
             "Every component of the %zu SBOMs of release %s (%zu components), with the level "
             "of support its supplier gives and the date that support ends, as the FDA premarket "
             "cybersecurity guidance (section V.A.4, third-party software components) and "
             "section 524B(b)(3) of the FD&C Act ask. The data comes from the security file's "
             "component_support entries; the SBOM's own subject (the manufacturer's software of "
             "this release) takes the release's level and end of support. \"unknown\" means the "
             "file gives nothing: each such component is listed in a gap. \"(ended)\" marks an "
             "end of support on or before the document date (%s). Machine-readable copies: "
             "files/sbom/ (CycloneDX 1.6 with the support data as component properties, "
             "SPDX 2.3 with it as validUntilDate and an annotation).",
             n, g->release->version, total, set->date ? set->date : "");
    medsec_err rc = MEDSEC_OK;
    if (!n) {
        docs_section_gap(d, "sbom", "Release %s names no SBOM (versions[].sboms or items[].sbom).",
                         g->release->version);
    }
    for (size_t i = 0; !rc && i < n; i++)
        rc = sbom_table(g, d, level < 4 ? level + 1 : 4, sb[i]);
    if (!rc && first)
        rc = support_data(g, sb, n);
    for (size_t i = 0; !rc && first && i < n; i++) {
        const char *stem = export_stem(set, g->release->version, sb, n, i);
        rc = export_cdx(g, sb[i], stem ? stem : "sbom");
        if (!rc)
            rc = export_spdx(g, sb[i], stem ? stem : "sbom");
    }
    medsec_free(sb);
    return rc ? rc : docs_status(g);
}
