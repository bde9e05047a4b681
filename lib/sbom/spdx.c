/* spdx.c: read an SPDX 2.2 / 2.3 JSON document (packages, external refs, relationships). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sbom_int.h"

static int streq(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

/* NOASSERTION / NONE mean "nothing to say" here. */
static const char *assertion(const char *s)
{
    return !s || !*s || streq(s, "NOASSERTION") || streq(s, "NONE") ? NULL : s;
}

/* "Organization: ACME (mail)" -> "ACME (mail)". */
static const char *strip_actor(const char *s)
{
    static const char *const kinds[] = {"Organization:", "Person:", "Tool:"};
    if (!s)
        return NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        size_t n = strlen(kinds[i]);
        if (strncmp(s, kinds[i], n) == 0) {
            s += n;
            while (*s == ' ')
                s++;
            break;
        }
    }
    return assertion(s);
}

static void who_of(char *out, size_t cap, const struct medsec_json *obj, size_t index)
{
    const char *name = medsec_json_get_str(obj, "name");
    const char *id = medsec_json_get_str(obj, "SPDXID");
    if (name && id)
        snprintf(out, cap, "package '%.120s' (%.120s)", name, id);
    else if (name)
        snprintf(out, cap, "package '%.200s'", name);
    else if (id)
        snprintf(out, cap, "package %.200s", id);
    else
        snprintf(out, cap, "package #%zu", index);
}

/* externalRefs: the first purl, and every cpe22Type / cpe23Type locator. */
static medsec_err spdx_refs(struct sbom_ctx *c, const struct medsec_json *arr,
                            const struct sbom_path *path, const char *who,
                            struct medsec_sbom_component *comp)
{
    if (!arr)
        return MEDSEC_OK;
    if (arr->type != MEDSEC_JSON_ARRAY)
        return sbom_warn(c, arr, path, "externalRefs of %s is a %s, not an array; ignored", who,
                         medsec_json_type_name(arr->type));
    size_t ncpe = 0;
    for (size_t i = 0; i < arr->len; i++) {
        const char *t = medsec_json_get_str(&arr->u.items[i], "referenceType");
        if (streq(t, "cpe23Type") || streq(t, "cpe22Type"))
            ncpe++;
    }
    const char **cpes = NULL;
    if (ncpe) {
        cpes = medsec_arena_alloc(&c->s->arena, ncpe * sizeof *cpes);
        if (!cpes)
            return MEDSEC_ENOMEM;
    }
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < arr->len; i++) {
        const struct medsec_json *e = &arr->u.items[i];
        struct sbom_path p = {path, "externalRefs", i};
        const char *t = medsec_json_get_str(e, "referenceType");
        int is_purl = streq(t, "purl"), is_cpe = streq(t, "cpe23Type") || streq(t, "cpe22Type");
        if (!is_purl && !is_cpe)
            continue;
        const char *loc =
            sbom_str(c, medsec_json_get(e, "referenceLocator"), &p, "referenceLocator", who, &rc);
        if (rc)
            return rc;
        if (!loc || !*loc)
            continue;
        if (is_purl && !comp->purl)
            comp->purl = loc;
        else if (is_cpe)
            cpes[comp->ncpes++] = loc;
    }
    comp->cpes = comp->ncpes ? cpes : NULL;
    return MEDSEC_OK;
}

static medsec_err spdx_sha256(struct sbom_ctx *c, const struct medsec_json *arr, const char **out)
{
    for (size_t i = 0; arr && arr->type == MEDSEC_JSON_ARRAY && i < arr->len; i++) {
        const char *alg = medsec_json_get_str(&arr->u.items[i], "algorithm");
        const struct medsec_json *v = medsec_json_get(&arr->u.items[i], "checksumValue");
        if (!streq(alg, "SHA256") || !v || v->type != MEDSEC_JSON_STRING)
            continue;
        char *h = medsec_arena_strndup(&c->s->arena, v->u.str, v->len);
        if (!h)
            return MEDSEC_ENOMEM;
        for (char *p = h; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        *out = h;
        break;
    }
    return MEDSEC_OK;
}

static medsec_err spdx_package(struct sbom_ctx *c, const struct medsec_json *v, size_t i)
{
    struct medsec_sbom *s = c->s;
    struct sbom_path path = {NULL, "packages", i};
    medsec_err rc = MEDSEC_OK;
    char who[300];
    if (v->type != MEDSEC_JSON_OBJECT) {
        s->nskipped++;
        return sbom_warn(c, v, &path, "package is a %s, not an object; skipped",
                         medsec_json_type_name(v->type));
    }
    who_of(who, sizeof who, v, i);
    struct medsec_sbom_component comp = {.parent = MEDSEC_SBOM_NO_PARENT};
    sbom_position(c, v, &comp.line, &comp.column);
    const struct medsec_json *name = medsec_json_get(v, "name");
    if (!name || name->type != MEDSEC_JSON_STRING || name->len == 0) {
        s->nskipped++;
        return sbom_warn(c, name ? name : v, &path, "%s has no name%s; skipped", who,
                         name && name->type != MEDSEC_JSON_STRING ? " (name is not a string)" : "");
    }
    comp.name = sbom_str(c, name, &path, "name", who, &rc);
    comp.ref = sbom_str(c, medsec_json_get(v, "SPDXID"), &path, "SPDXID", who, &rc);
    comp.version = sbom_str(c, medsec_json_get(v, "versionInfo"), &path, "versionInfo", who, &rc);
    comp.type = sbom_str(c, medsec_json_get(v, "primaryPackagePurpose"), &path,
                         "primaryPackagePurpose", who, &rc);
    comp.supplier =
        strip_actor(sbom_str(c, medsec_json_get(v, "supplier"), &path, "supplier", who, &rc));
    const char *concluded =
        sbom_str(c, medsec_json_get(v, "licenseConcluded"), &path, "licenseConcluded", who, &rc);
    const char *declared =
        sbom_str(c, medsec_json_get(v, "licenseDeclared"), &path, "licenseDeclared", who, &rc);
    comp.download = assertion(
        sbom_str(c, medsec_json_get(v, "downloadLocation"), &path, "downloadLocation", who, &rc));
    comp.website =
        assertion(sbom_str(c, medsec_json_get(v, "homepage"), &path, "homepage", who, &rc));
    if (rc)
        return rc;
    comp.license = assertion(concluded) ? concluded : assertion(declared);
    if ((rc = spdx_refs(c, medsec_json_get(v, "externalRefs"), &path, who, &comp)))
        return rc;
    if ((rc = spdx_sha256(c, medsec_json_get(v, "checksums"), &comp.sha256)))
        return rc;
    if (comp.ref && !*comp.ref)
        comp.ref = NULL;
    if (!comp.ref) {
        if ((rc = sbom_warn(c, v, &path, "%s has no SPDXID; given a generated one", who)))
            return rc;
        if (!(comp.ref = sbom_synth_ref(c)))
            return MEDSEC_ENOMEM;
    } else {
        size_t first = sbom_lookup(s, comp.ref);
        if (first != MEDSEC_SBOM_NO_PARENT) {
            s->nskipped++;
            return sbom_warn(c, v, &path,
                             "%s: duplicate SPDXID '%.200s' (first at line %u); skipped", who,
                             comp.ref, s->components[first].line);
        }
    }
    size_t index;
    if ((rc = sbom_add_component(c, &comp, &index)))
        return rc;
    return sbom_index_ref(c, index);
}

enum rel_dir { REL_NONE, REL_FORWARD, REL_REVERSE };

static enum rel_dir rel_direction(const char *t)
{
    static const char *const forward[] = {"DEPENDS_ON", "CONTAINS", "STATIC_LINK", "DYNAMIC_LINK",
                                          "HAS_PREREQUISITE"};
    static const char *const reverse[] = {
        "DEPENDENCY_OF",      "RUNTIME_DEPENDENCY_OF",  "BUILD_DEPENDENCY_OF",
        "DEV_DEPENDENCY_OF",  "OPTIONAL_DEPENDENCY_OF", "PROVIDED_DEPENDENCY_OF",
        "TEST_DEPENDENCY_OF", "CONTAINED_BY",           "PREREQUISITE_FOR"};
    if (!t)
        return REL_NONE;
    for (size_t i = 0; i < sizeof forward / sizeof *forward; i++)
        if (strcmp(t, forward[i]) == 0)
            return REL_FORWARD;
    for (size_t i = 0; i < sizeof reverse / sizeof *reverse; i++)
        if (strcmp(t, reverse[i]) == 0)
            return REL_REVERSE;
    return REL_NONE;
}

/* Relationships between packages; ones naming files, snippets or other documents are not edges
 * of the component graph and are passed over. */
static medsec_err spdx_relationships(struct sbom_ctx *c, const struct medsec_json *arr,
                                     const char *doc_id)
{
    struct medsec_sbom *s = c->s;
    struct sbom_path top = {NULL, "relationships", (size_t)-1};
    if (!arr)
        return MEDSEC_OK;
    if (arr->type != MEDSEC_JSON_ARRAY)
        return sbom_warn(c, arr, &top, "relationships is a %s, not an array; ignored",
                         medsec_json_type_name(arr->type));
    for (size_t i = 0; i < arr->len; i++) {
        const struct medsec_json *r = &arr->u.items[i];
        const char *a = medsec_json_get_str(r, "spdxElementId");
        const char *t = medsec_json_get_str(r, "relationshipType");
        const char *b = medsec_json_get_str(r, "relatedSpdxElement");
        if (!a || !t || !b) {
            struct sbom_path p = {NULL, "relationships", i};
            medsec_err rc = sbom_warn(c, r, &p,
                                      "relationship without string spdxElementId, "
                                      "relationshipType and relatedSpdxElement; ignored");
            if (rc)
                return rc;
            continue;
        }
        if (strcmp(t, "DESCRIBES") == 0 || strcmp(t, "DESCRIBED_BY") == 0) {
            int fwd = strcmp(t, "DESCRIBES") == 0;
            const char *doc = fwd ? a : b, *pkg = fwd ? b : a;
            if (!s->subject_ref && streq(doc, doc_id) &&
                sbom_lookup(s, pkg) != MEDSEC_SBOM_NO_PARENT)
                s->subject_ref = s->components[sbom_lookup(s, pkg)].ref;
            continue;
        }
        enum rel_dir dir = rel_direction(t);
        if (dir == REL_NONE)
            continue;
        size_t x = sbom_lookup(s, a), y = sbom_lookup(s, b);
        if (x == MEDSEC_SBOM_NO_PARENT || y == MEDSEC_SBOM_NO_PARENT)
            continue;
        medsec_err rc = dir == REL_FORWARD ? sbom_add_dep(c, x, y) : sbom_add_dep(c, y, x);
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

medsec_err sbom_read_spdx(struct sbom_ctx *c, const struct medsec_json *root)
{
    struct medsec_sbom *s = c->s;
    medsec_err rc = MEDSEC_OK;
    const struct medsec_json *sv = medsec_json_get(root, "spdxVersion");
    const char *ver = medsec_json_str(sv);
    if (!ver || (strcmp(ver, "SPDX-2.3") != 0 && strcmp(ver, "SPDX-2.2") != 0)) {
        unsigned line, col;
        sbom_position(c, sv, &line, &col);
        return medsec_error_set(c->err, MEDSEC_EUNSUPPORTED, c->file, line, col,
                                "unknown spdxVersion%s%.40s%s (supported: SPDX-2.2, SPDX-2.3)",
                                ver ? " '" : "", ver ? ver : "", ver ? "'" : "");
    }
    if (!(s->spec_version = medsec_arena_strdup(&s->arena, ver)))
        return MEDSEC_ENOMEM;
    struct sbom_path top = {NULL, "documentNamespace", (size_t)-1};
    s->serial = sbom_str(c, medsec_json_get(root, "documentNamespace"), &top, "documentNamespace",
                         "the document", &rc);
    const char *doc_name =
        sbom_str(c, medsec_json_get(root, "name"), &top, "name", "the document", &rc);
    if (rc)
        return rc;

    const struct medsec_json *pk = medsec_json_get(root, "packages");
    if (pk && pk->type != MEDSEC_JSON_ARRAY) {
        struct sbom_path p = {NULL, "packages", (size_t)-1};
        s->nskipped++;
        if ((rc = sbom_warn(c, pk, &p, "packages is a %s, not an array; ignored",
                            medsec_json_type_name(pk->type))))
            return rc;
        pk = NULL;
    }
    for (size_t i = 0; pk && i < pk->len; i++)
        if ((rc = spdx_package(c, &pk->u.items[i], i)))
            return rc;

    const char *doc_id = medsec_json_get_str(root, "SPDXID");
    if (!doc_id)
        doc_id = "SPDXRef-DOCUMENT";
    const struct medsec_json *described = medsec_json_get(root, "documentDescribes");
    for (size_t i = 0; described && described->type == MEDSEC_JSON_ARRAY && i < described->len;
         i++) {
        size_t k = sbom_lookup(s, medsec_json_str(&described->u.items[i]));
        if (k != MEDSEC_SBOM_NO_PARENT) {
            s->subject_ref = s->components[k].ref;
            break;
        }
    }
    if ((rc = spdx_relationships(c, medsec_json_get(root, "relationships"), doc_id)))
        return rc;
    s->subject = doc_name;
    return MEDSEC_OK;
}
