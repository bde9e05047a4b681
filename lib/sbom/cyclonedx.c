/* cyclonedx.c: read a CycloneDX JSON BOM (specVersion 1.2-1.7) into the component model. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sbom_int.h"

static int cdx_version_known(const char *v)
{
    static const char *const known[] = {"1.2", "1.3", "1.4", "1.5", "1.6", "1.7"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(v, known[i]) == 0)
            return 1;
    return 0;
}

/* "name (ref)" or "#index" for messages. */
static void who_of(char *out, size_t cap, const struct medsec_json *obj, size_t index)
{
    const char *name = medsec_json_get_str(obj, "name");
    const char *ref = medsec_json_get_str(obj, "bom-ref");
    if (ref && !*ref)
        ref = NULL; /* an empty bom-ref names nothing */
    if (name && ref)
        snprintf(out, cap, "component '%.120s' (%.120s)", name, ref);
    else if (name)
        snprintf(out, cap, "component '%.200s'", name);
    else if (ref)
        snprintf(out, cap, "component %.200s", ref);
    else
        snprintf(out, cap, "component #%zu", index);
}

/* The licenses array: ids, names and expressions joined with " AND ". */
static medsec_err cdx_licenses(struct sbom_ctx *c, const struct medsec_json *arr,
                               const struct sbom_path *path, const char *who, const char **out)
{
    *out = NULL;
    if (!arr)
        return MEDSEC_OK;
    if (arr->type != MEDSEC_JSON_ARRAY)
        return sbom_warn(c, arr, path, "licenses of %s is a %s, not an array; ignored", who,
                         medsec_json_type_name(arr->type));
    size_t total = 0, n = 0;
    for (int pass = 0; pass < 2; pass++) {
        char *dst = NULL;
        if (pass == 1) {
            if (!n)
                return MEDSEC_OK;
            dst = medsec_arena_alloc(&c->s->arena, total + 1);
            if (!dst)
                return MEDSEC_ENOMEM;
            *out = dst;
        }
        size_t k = 0;
        for (size_t i = 0; i < arr->len; i++) {
            const struct medsec_json *e = &arr->u.items[i];
            const struct medsec_json *lic = medsec_json_get(e, "license");
            const struct medsec_json *v = medsec_json_get(e, "expression");
            if (!v && lic)
                v = medsec_json_get(lic, "id");
            if (!v && lic)
                v = medsec_json_get(lic, "name");
            if (!v || v->type != MEDSEC_JSON_STRING || v->len == 0) {
                if (pass == 0) {
                    struct sbom_path p = {path, "licenses", i};
                    medsec_err rc = sbom_warn(c, e, &p,
                                              "license entry of %s has no string id, name or "
                                              "expression; ignored",
                                              who);
                    if (rc)
                        return rc;
                }
                continue;
            }
            size_t l = strnlen(v->u.str, v->len);
            if (pass == 0) {
                total += l + (n ? 5 : 0);
                n++;
            } else {
                if (k++) {
                    memcpy(dst, " AND ", 5);
                    dst += 5;
                }
                memcpy(dst, v->u.str, l);
                dst += l;
            }
        }
        if (pass == 1)
            *dst = '\0';
    }
    return MEDSEC_OK;
}

/* The first SHA-256 of a hashes array, lowercased. */
static medsec_err cdx_sha256(struct sbom_ctx *c, const struct medsec_json *arr, const char **out)
{
    *out = NULL;
    for (size_t i = 0; arr && arr->type == MEDSEC_JSON_ARRAY && i < arr->len; i++) {
        const char *alg = medsec_json_get_str(&arr->u.items[i], "alg");
        const struct medsec_json *v = medsec_json_get(&arr->u.items[i], "content");
        if (!alg || strcmp(alg, "SHA-256") != 0 || !v || v->type != MEDSEC_JSON_STRING)
            continue;
        char *h = medsec_arena_strndup(&c->s->arena, v->u.str, v->len);
        if (!h)
            return MEDSEC_ENOMEM;
        for (char *p = h; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        *out = h;
        return MEDSEC_OK;
    }
    return MEDSEC_OK;
}

static medsec_err cdx_component(struct sbom_ctx *c, const struct medsec_json *v, size_t parent,
                                const struct sbom_path *path, int subject);

/* externalReferences: the first URL of type distribution (or source-distribution), website and
 * vcs. Entries of other types, or without a string url, are not needed and passed over. */
static medsec_err cdx_refs(struct sbom_ctx *c, const struct medsec_json *arr,
                           const struct sbom_path *up, const char *who,
                           struct medsec_sbom_component *comp)
{
    if (!arr || arr->type != MEDSEC_JSON_ARRAY)
        return MEDSEC_OK;
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < arr->len && !rc; i++) {
        const struct medsec_json *r = &arr->u.items[i];
        const char *type = medsec_json_get_str(r, "type");
        const struct medsec_json *url = medsec_json_get(r, "url");
        if (!type || !url || url->type != MEDSEC_JSON_STRING || url->len == 0)
            continue;
        const char **slot =
            strcmp(type, "distribution") == 0 || strcmp(type, "source-distribution") == 0
                ? &comp->download
            : strcmp(type, "website") == 0 ? &comp->website
            : strcmp(type, "vcs") == 0     ? &comp->vcs
                                           : NULL;
        if (!slot || *slot)
            continue;
        struct sbom_path p = {up, "externalReferences", i};
        *slot = sbom_str(c, url, &p, "url", who, &rc);
    }
    return rc;
}

static medsec_err cdx_components(struct sbom_ctx *c, const struct medsec_json *arr, size_t parent,
                                 const struct sbom_path *up, const char *who)
{
    if (!arr)
        return MEDSEC_OK;
    if (arr->type != MEDSEC_JSON_ARRAY) {
        struct sbom_path p = {up, "components", (size_t)-1};
        c->s->nskipped++;
        return sbom_warn(c, arr, &p, "components%s%s is a %s, not an array; ignored",
                         who ? " of " : "", who ? who : "", medsec_json_type_name(arr->type));
    }
    for (size_t i = 0; i < arr->len; i++) {
        struct sbom_path p = {up, "components", i};
        medsec_err rc = cdx_component(c, &arr->u.items[i], parent, &p, 0);
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

static medsec_err cdx_component(struct sbom_ctx *c, const struct medsec_json *v, size_t parent,
                                const struct sbom_path *path, int subject)
{
    struct medsec_sbom *s = c->s;
    medsec_err rc = MEDSEC_OK;
    char who[300];
    if (v->type != MEDSEC_JSON_OBJECT) {
        s->nskipped++;
        return sbom_warn(c, v, path, "component is a %s, not an object; skipped",
                         medsec_json_type_name(v->type));
    }
    who_of(who, sizeof who, v, s->ncomponents);
    struct medsec_sbom_component comp = {.parent = parent, .is_subject = subject};
    sbom_position(c, v, &comp.line, &comp.column);

    const struct medsec_json *name = medsec_json_get(v, "name");
    if (!name || name->type != MEDSEC_JSON_STRING || name->len == 0) {
        s->nskipped++;
        rc = sbom_warn(c, name ? name : v, path, "%s has no name%s; skipped", who,
                       name && name->type != MEDSEC_JSON_STRING ? " (name is not a string)" : "");
        if (rc)
            return rc;
        /* its nested components stay, attached to the skipped one's parent */
        return cdx_components(c, medsec_json_get(v, "components"), parent, path, who);
    }
    comp.name = sbom_str(c, name, path, "name", who, &rc);
    comp.ref = sbom_str(c, medsec_json_get(v, "bom-ref"), path, "bom-ref", who, &rc);
    comp.type = sbom_str(c, medsec_json_get(v, "type"), path, "type", who, &rc);
    comp.group = sbom_str(c, medsec_json_get(v, "group"), path, "group", who, &rc);
    comp.version = sbom_str(c, medsec_json_get(v, "version"), path, "version", who, &rc);
    comp.purl = sbom_str(c, medsec_json_get(v, "purl"), path, "purl", who, &rc);
    const char *cpe = sbom_str(c, medsec_json_get(v, "cpe"), path, "cpe", who, &rc);
    const struct medsec_json *sup = medsec_json_get(v, "supplier");
    if (sup && sup->type != MEDSEC_JSON_OBJECT) {
        medsec_err w = sbom_warn(c, sup, path, "supplier of %s is a %s, not an object; ignored",
                                 who, medsec_json_type_name(sup->type));
        if (w)
            return w;
    } else if (sup) {
        comp.supplier = sbom_str(c, medsec_json_get(sup, "name"), path, "supplier.name", who, &rc);
    }
    if (rc)
        return rc;
    if (cpe && *cpe) {
        const char **cpes = medsec_arena_alloc(&s->arena, sizeof *cpes);
        if (!cpes)
            return MEDSEC_ENOMEM;
        cpes[0] = cpe;
        comp.cpes = cpes;
        comp.ncpes = 1;
    }
    if ((rc = cdx_licenses(c, medsec_json_get(v, "licenses"), path, who, &comp.license)))
        return rc;
    if ((rc = cdx_sha256(c, medsec_json_get(v, "hashes"), &comp.sha256)))
        return rc;
    if ((rc = cdx_refs(c, medsec_json_get(v, "externalReferences"), path, who, &comp)))
        return rc;

    if (comp.ref && comp.ref[0] == '\0') {
        /* nothing can point at it (CycloneDX 1.5+ requires at least one character): like an SPDX
         * package without SPDXID, the component gets a generated ref, and the file a warning */
        if ((rc = sbom_warn(c, medsec_json_get(v, "bom-ref"), path,
                            "%s has an empty bom-ref; given a generated one", who)))
            return rc;
        comp.ref = NULL;
    }
    if (comp.ref) {
        size_t first = sbom_lookup(s, comp.ref);
        if (first != MEDSEC_SBOM_NO_PARENT) {
            s->nskipped++;
            rc = sbom_warn(c, v, path, "%s: duplicate bom-ref '%.200s' (first at line %u); skipped",
                           who, comp.ref, s->components[first].line);
            if (rc)
                return rc;
            return cdx_components(c, medsec_json_get(v, "components"), parent, path, who);
        }
    } else {
        comp.ref = sbom_synth_ref(c);
        if (!comp.ref)
            return MEDSEC_ENOMEM;
    }
    size_t index;
    if ((rc = sbom_add_component(c, &comp, &index)))
        return rc;
    if ((rc = sbom_index_ref(c, index)))
        return rc;
    if (subject) {
        s->subject = comp.name;
        s->subject_ref = comp.ref;
    }
    return cdx_components(c, medsec_json_get(v, "components"), index, path, who);
}

/* True when @ref names a service (services[], nested): dependencies may point at services, which
 * are not components, so such edges are passed over without a warning. */
static int cdx_is_service(const struct medsec_json *services, const char *ref)
{
    for (size_t i = 0; ref && services && services->type == MEDSEC_JSON_ARRAY && i < services->len;
         i++) {
        const char *r = medsec_json_get_str(&services->u.items[i], "bom-ref");
        if ((r && strcmp(r, ref) == 0) ||
            cdx_is_service(medsec_json_get(&services->u.items[i], "services"), ref))
            return 1;
    }
    return 0;
}

static medsec_err cdx_dependencies(struct sbom_ctx *c, const struct medsec_json *arr,
                                   const struct medsec_json *services)
{
    struct sbom_path top = {NULL, "dependencies", (size_t)-1};
    if (!arr)
        return MEDSEC_OK;
    if (arr->type != MEDSEC_JSON_ARRAY)
        return sbom_warn(c, arr, &top, "dependencies is a %s, not an array; ignored",
                         medsec_json_type_name(arr->type));
    for (size_t i = 0; i < arr->len; i++) {
        const struct medsec_json *d = &arr->u.items[i];
        struct sbom_path p = {NULL, "dependencies", i};
        medsec_err rc;
        const char *ref = medsec_json_get_str(d, "ref");
        if (!ref) {
            if ((rc = sbom_warn(c, d, &p, "dependency entry without a string ref; ignored")))
                return rc;
            continue;
        }
        size_t from = sbom_lookup(c->s, ref);
        if (from == MEDSEC_SBOM_NO_PARENT && cdx_is_service(services, ref))
            continue;
        if (from == MEDSEC_SBOM_NO_PARENT) {
            if ((rc = sbom_warn(c, d, &p, "dependency ref '%.200s' is not a component; ignored",
                                ref)))
                return rc;
            continue;
        }
        const struct medsec_json *on = medsec_json_get(d, "dependsOn");
        if (on && on->type != MEDSEC_JSON_ARRAY) {
            if ((rc = sbom_warn(c, on, &p, "dependsOn of '%.200s' is not an array; ignored", ref)))
                return rc;
            continue;
        }
        for (size_t k = 0; on && k < on->len; k++) {
            const char *to_ref = medsec_json_str(&on->u.items[k]);
            size_t to = sbom_lookup(c->s, to_ref);
            if (to == MEDSEC_SBOM_NO_PARENT && cdx_is_service(services, to_ref))
                continue;
            if (to == MEDSEC_SBOM_NO_PARENT) {
                struct sbom_path q = {&p, "dependsOn", k};
                rc = to_ref
                         ? sbom_warn(c, &on->u.items[k], &q,
                                     "'%.200s' depends on '%.200s', which is not a component; "
                                     "edge ignored",
                                     ref, to_ref)
                         : sbom_warn(c, &on->u.items[k], &q,
                                     "dependsOn entry of '%.200s' is not a string; ignored", ref);
                if (rc)
                    return rc;
                continue;
            }
            if ((rc = sbom_add_dep(c, from, to)))
                return rc;
        }
    }
    return MEDSEC_OK;
}

medsec_err sbom_read_cyclonedx(struct sbom_ctx *c, const struct medsec_json *root)
{
    struct medsec_sbom *s = c->s;
    medsec_err rc = MEDSEC_OK;
    const struct medsec_json *sv = medsec_json_get(root, "specVersion");
    unsigned line, col;
    sbom_position(c, sv ? sv : root, &line, &col);
    if (!sv || sv->type != MEDSEC_JSON_STRING)
        return medsec_error_set(c->err, MEDSEC_EUNSUPPORTED, c->file, line, col,
                                "CycloneDX BOM without a string specVersion");
    if (!cdx_version_known(sv->u.str))
        return medsec_error_set(c->err, MEDSEC_EUNSUPPORTED, c->file, line, col,
                                "unknown CycloneDX specVersion '%.40s' (supported: 1.2 to 1.7)",
                                sv->u.str);
    s->spec_version = medsec_arena_strdup(&s->arena, sv->u.str);
    if (!s->spec_version)
        return MEDSEC_ENOMEM;
    struct sbom_path top = {NULL, "serialNumber", (size_t)-1};
    s->serial =
        sbom_str(c, medsec_json_get(root, "serialNumber"), &top, "serialNumber", "the BOM", &rc);
    if (rc)
        return rc;

    const struct medsec_json *meta = medsec_json_get(root, "metadata");
    const struct medsec_json *subject = medsec_json_get(meta, "component");
    if (subject) {
        struct sbom_path p = {NULL, "metadata.component", (size_t)-1};
        if ((rc = cdx_component(c, subject, MEDSEC_SBOM_NO_PARENT, &p, 1)))
            return rc;
    }
    if ((rc = cdx_components(c, medsec_json_get(root, "components"), MEDSEC_SBOM_NO_PARENT, NULL,
                             NULL)))
        return rc;
    return cdx_dependencies(c, medsec_json_get(root, "dependencies"),
                            medsec_json_get(root, "services"));
}
