/* osv.c: one OSV record (schema 1.x) into the advisory model: ids, aliases, severity, affected
 * packages with every range type and event, explicit versions lists. */
#include <string.h>

#include "internal.h"
#include "medsec/version.h"

static medsec_err osv_ranges(const struct medsec_json_doc *doc, const struct medsec_json *ranges,
                             struct medsec_buf *rb, struct medsec_buf *fb, unsigned *flags,
                             struct medsec_error *err)
{
    size_t n = adv_arrlen(ranges);
    bool any_version_range = false, any_git = false;
    for (size_t i = 0; i < n; i++) {
        const struct medsec_json *r = medsec_json_at(ranges, i);
        const char *type = adv_str(r, "type");
        const struct medsec_json *events = medsec_json_get(r, "events");
        if (!type || !medsec_json_is(events, MEDSEC_JSON_ARRAY))
            return adv_fail(doc, r, MEDSEC_EPARSE, err,
                            "range needs a \"type\" and an \"events\" array");
        if (strcmp(type, "GIT") == 0)
            any_git = true;
        else
            any_version_range = true;
        medsec_err rc = medsec_buf_adds(rb, type);
        for (size_t j = 0; !rc && j < events->len; j++) {
            const struct medsec_json *ev = medsec_json_at(events, j);
            if (!medsec_json_is(ev, MEDSEC_JSON_OBJECT) || ev->len != 1 ||
                ev->u.members[0].value.type != MEDSEC_JSON_STRING)
                return adv_fail(doc, ev, MEDSEC_EPARSE, err,
                                "an event is an object with one string member");
            const char *k = ev->u.members[0].key;
            const char *val = ev->u.members[0].value.u.str;
            const char *code = strcmp(k, "introduced") == 0      ? "i="
                               : strcmp(k, "fixed") == 0         ? "f="
                               : strcmp(k, "last_affected") == 0 ? "la="
                               : strcmp(k, "limit") == 0         ? "l="
                                                                 : NULL;
            if (!code)
                return adv_fail(doc, ev, MEDSEC_EPARSE, err, "unknown range event \"%s\"", k);
            if (strpbrk(val, "\t\n"))
                return adv_fail(doc, ev, MEDSEC_EPARSE, err, "a version holds a tab or newline");
            rc = medsec_buf_addc(rb, '\t');
            if (!rc)
                rc = medsec_buf_adds(rb, code);
            if (!rc)
                rc = medsec_buf_adds(rb, val);
            if (!rc && code[0] == 'f' && strcmp(type, "GIT") != 0)
                rc = adv_sb_item(fb, val, '\n');
        }
        if (!rc)
            rc = medsec_buf_addc(rb, '\n');
        if (rc)
            return rc;
    }
    if (any_git && !any_version_range)
        *flags |= MEDSEC_ADV_GIT_ONLY;
    return MEDSEC_OK;
}

static medsec_err osv_affected(const struct medsec_json_doc *doc, const struct medsec_json *aff,
                               struct medsec_arena *a, struct medsec_adv_affected *out,
                               struct medsec_buf *sb, struct medsec_error *err)
{
    const struct medsec_json *pkg = medsec_json_get(aff, "package");
    const char *eco = adv_str(pkg, "ecosystem"), *name = adv_str(pkg, "name"),
               *purl = adv_str(pkg, "purl");
    if (pkg && (!eco || !name) && !purl)
        return adv_fail(doc, pkg, MEDSEC_EPARSE, err, "package needs \"ecosystem\" and \"name\"");
    medsec_err rc = adv_purl_key(a, eco, name, purl, out);
    if (rc)
        return rc;
    out->purl = purl;
    out->ecosystem = eco;
    enum medsec_vscheme vs = MEDSEC_VS_GENERIC;
    if (eco && !medsec_vscheme_for_osv_ecosystem(eco, &vs))
        vs = MEDSEC_VS_GENERIC;
    out->scheme = medsec_vscheme_name(vs);
    out->status = "affected";
    struct medsec_buf fb = MEDSEC_BUF_INIT;
    medsec_buf_reset(sb);
    rc = osv_ranges(doc, medsec_json_get(aff, "ranges"), sb, &fb, &out->flags, err);
    if (!rc) {
        out->ranges = sb->len ? adv_sb_take(sb, a) : "";
        out->fixed = adv_sb_take(&fb, a);
        medsec_buf_reset(sb);
        const struct medsec_json *vers = medsec_json_get(aff, "versions");
        for (size_t i = 0; !rc && i < adv_arrlen(vers); i++) {
            const char *v = medsec_json_str(medsec_json_at(vers, i));
            if (!v || strchr(v, '\n'))
                rc = adv_fail(doc, medsec_json_at(vers, i), MEDSEC_EPARSE, err,
                              "versions[] holds strings");
            else
                rc = adv_sb_item(sb, v, '\n');
        }
        if (!rc)
            out->versions = adv_sb_take(sb, a);
        if (!rc && (!out->ranges || (sb->len && !out->versions)))
            rc = MEDSEC_ENOMEM;
    }
    medsec_buf_release(&fb);
    return rc;
}

medsec_err medsec_osv_from_json(const struct medsec_json_doc *doc, const struct medsec_json *v,
                                struct medsec_arena *a, struct medsec_advisory *out,
                                struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    if (!medsec_json_is(v, MEDSEC_JSON_OBJECT))
        return adv_fail(doc, v, MEDSEC_EPARSE, err, "an OSV record is a JSON object");
    const char *id = adv_str(v, "id");
    if (!id || !*id)
        return adv_fail(doc, v, MEDSEC_EPARSE, err, "OSV record without an \"id\"");
    const char *modified = adv_str(v, "modified");
    struct medsec_adv_vuln *vu = adv_alloc_array(a, 1, sizeof *vu);
    if (!vu)
        return MEDSEC_ENOMEM;
    out->source = MEDSEC_ADV_OSV;
    out->id = id;
    out->title = adv_str(v, "summary");
    out->published = adv_str(v, "published");
    out->modified = modified;
    out->vulns = vu;
    out->n_vulns = 1;
    vu->name = id;
    vu->summary = out->title;
    vu->details = adv_str(v, "details");
    vu->published = out->published;
    vu->modified = modified;
    vu->withdrawn = adv_str(v, "withdrawn");

    const struct medsec_json *aliases = medsec_json_get(v, "aliases");
    size_t na = adv_arrlen(aliases);
    vu->aliases = adv_alloc_array(a, na, sizeof *vu->aliases);
    if (!vu->aliases)
        return MEDSEC_ENOMEM;
    for (size_t i = 0; i < na; i++) {
        const char *s = medsec_json_str(medsec_json_at(aliases, i));
        if (s && *s)
            vu->aliases[vu->n_aliases++] = s;
    }

    /* the record's severity, then each affected package's (Bitnami gives only these), each vector
     * once */
    const struct medsec_json *sev = medsec_json_get(v, "severity");
    const struct medsec_json *aff = medsec_json_get(v, "affected");
    size_t naff = adv_arrlen(aff), ns = adv_arrlen(sev);
    for (size_t i = 0; i < naff; i++)
        ns += adv_arrlen(medsec_json_get(medsec_json_at(aff, i), "severity"));
    vu->scores = adv_alloc_array(a, ns, sizeof *vu->scores);
    if (!vu->scores)
        return MEDSEC_ENOMEM;
    for (size_t k = 0; k <= naff; k++) {
        const struct medsec_json *list =
            k == 0 ? sev : medsec_json_get(medsec_json_at(aff, k - 1), "severity");
        for (size_t i = 0; i < adv_arrlen(list); i++) {
            const struct medsec_json *s = medsec_json_at(list, i);
            const char *type = adv_str(s, "type"), *score = adv_str(s, "score");
            bool seen = false;
            for (size_t j = 0; type && score && j < vu->n_scores && !seen; j++)
                seen = strcmp(vu->scores[j].vector, score) == 0;
            if (!type || !score || seen)
                continue;
            struct medsec_adv_score *sc = &vu->scores[vu->n_scores++];
            sc->type = type;
            sc->vector = score;
            sc->score = -1;
        }
    }

    struct medsec_buf sb = MEDSEC_BUF_INIT;
    const struct medsec_json *dbs = medsec_json_get(v, "database_specific");
    medsec_err rc = adv_join(&sb, a, medsec_json_get(dbs, "cwe_ids"), NULL, ',', &vu->cwes);
    if (!rc)
        rc = adv_join(&sb, a, medsec_json_get(v, "references"), "url", '\n', &vu->refs);

    if (!rc && aff && aff->type != MEDSEC_JSON_ARRAY)
        rc = adv_fail(doc, aff, MEDSEC_EPARSE, err, "\"affected\" is an array");
    if (!rc && !(vu->affected = adv_alloc_array(a, naff, sizeof *vu->affected)))
        rc = MEDSEC_ENOMEM;
    for (size_t i = 0; !rc && i < naff; i++) {
        const struct medsec_json *item = medsec_json_at(aff, i);
        if (!medsec_json_is(item, MEDSEC_JSON_OBJECT)) {
            rc = adv_fail(doc, item, MEDSEC_EPARSE, err, "affected[%zu] is not an object", i);
            break;
        }
        rc = osv_affected(doc, item, a, &vu->affected[vu->n_affected], &sb, err);
        if (!rc)
            vu->n_affected++;
    }
    medsec_buf_release(&sb);
    if (rc == MEDSEC_ENOMEM && a->toobig)
        rc = medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "OSV record %s is too large", id);
    return rc;
}
