/* derive.c: CPEs for components that carry none, derived from facts rather than names: the exact
 * package name of a C/C++ package type (conan, generic, a Yocto/OpenEmbedded recipe) in the
 * caller's CPE map, then in the built-in one; else the component's download, website or VCS URL
 * against the URL prefixes of those maps and the NVD CPE dictionary's product references. Each
 * derived CPE carries the evidence that produced it. Never from a bare name of another ecosystem.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/cpemap.h"
#include "scan_int.h"

#define MAX_URLS 6
#define EVIDENCE_MAX 900

void scan_derive_init(struct scan *S, const struct medsec_cpemap *user_map)
{
    S->user_map = user_map;
    if (S->flags & MEDSEC_SCAN_NO_DERIVED_CPE)
        return;
    struct medsec_error e;
    medsec_err rc = medsec_cpemap_builtin(&S->builtin_map, &e);
    if (rc == MEDSEC_ENOMEM)
        scan_nomem(S);
    else if (rc && !S->rc) /* the compiled-in table is checked by the tests: never here */
        S->rc = medsec_error_set(S->err, MEDSEC_EINTERNAL, e.file, e.line, e.column,
                                 "built-in CPE map: %s", e.msg);
}

void scan_derive_release(struct scan *S)
{
    medsec_cpemap_free(S->builtin_map);
    S->builtin_map = NULL;
}

/* Does @s contain @word, compared without case? */
static bool contains_nocase(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}

/* What a component is, for derivation. */
enum derive_kind {
    DK_NONE,     /* another package type: never derived */
    DK_NAME_URL, /* a C/C++ package type: by name, else by URL */
    DK_URL,      /* no purl (or a repository purl): by URL only */
};

/* ---- the dictionary's references of one host ---- */

struct ref_query {
    const char *path;            /* the component URL's path */
    bool any, multi, host_multi; /* a reference covers it; several products at the best level;
                                  * several products on the host */
    size_t best;                 /* length of the longest covering reference path */
    char cpe[MEDSEC_CPE_MAX_LEN], host_cpe[MEDSEC_CPE_MAX_LEN];
    char ref_path[MEDSEC_CPE_URL_PATH_MAX];
};

static int on_ref(void *ud, const struct medsec_db_cpe_ref *r)
{
    struct ref_query *Q = ud;
    if (!Q->host_cpe[0])
        snprintf(Q->host_cpe, sizeof Q->host_cpe, "%s", r->cpe);
    else if (strcmp(Q->host_cpe, r->cpe) != 0)
        Q->host_multi = true;
    if (!medsec_cpemap_path_prefix(r->path, Q->path))
        return 0;
    size_t len = strlen(r->path);
    if (!Q->any || len > Q->best) {
        Q->any = true;
        Q->best = len;
        Q->multi = false;
        snprintf(Q->cpe, sizeof Q->cpe, "%s", r->cpe);
        snprintf(Q->ref_path, sizeof Q->ref_path, "%s", r->path);
    } else if (len == Q->best && strcmp(Q->cpe, r->cpe) != 0) {
        Q->multi = true;
    }
    return 0;
}

/* One URL's derivation: into @cpes (up to @cap, returns how many; 0 none or ambiguous) with
 * @evidence. */
static size_t from_url(struct scan *S, const char *what, const char *url, const char **cpes,
                       size_t cap, char *evidence, size_t ecap)
{
    char host[MEDSEC_CPE_URL_HOST_MAX], path[MEDSEC_CPE_URL_PATH_MAX];
    if (!medsec_cpe_url_key(url, host, sizeof host, path, sizeof path))
        return 0;
    const struct medsec_cpemap *maps[2] = {S->user_map, S->builtin_map};
    for (int m = 0; m < 2; m++) {
        const struct medsec_cpemap_entry *e = medsec_cpemap_find_url(maps[m], host, path);
        if (!e)
            continue;
        size_t n = e->ncpes < cap ? e->ncpes : cap;
        if (n) /* a `-` line has no CPEs */
            memcpy(cpes, e->cpes, n * sizeof *cpes);
        snprintf(evidence, ecap, "%s %s: url '%s' in %s%s, line %u", what, url, e->name,
                 m == 0 ? "the CPE map " : "the built-in CPE map", m == 0 ? e->file : "", e->line);
        return n; /* 0: the map says `-` */
    }
    struct ref_query Q = {.path = path};
    struct medsec_error ig;
    if (medsec_db_cpe_refs(S->db, host, on_ref, &Q, &ig) != MEDSEC_OK || !Q.any || Q.multi ||
        (Q.best == 0 && Q.host_multi))
        return 0;
    /* the dictionary's CPE lives on the stack: keep it in the result's arena */
    const char *keep = scan_strdup(S, Q.cpe);
    if (!keep || !cap)
        return 0;
    cpes[0] = keep;
    snprintf(evidence, ecap,
             "%s %s: the NVD CPE dictionary's product references at %s%s%s name only this product",
             what, url, host, Q.ref_path[0] ? "/" : "", Q.ref_path);
    return 1;
}

static bool same_set(const char **a, size_t na, const char **b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        bool found = false;
        for (size_t k = 0; k < nb && !found; k++)
            found = strcmp(a[i], b[k]) == 0;
        if (!found)
            return false;
    }
    return true;
}

size_t scan_derive(struct scan *S, size_t i, struct medsec_arena *a, const char **cpes,
                   const char **evidence, size_t cap)
{
    const struct medsec_sbom_component *c = &S->sbom->components[i];
    if ((S->flags & MEDSEC_SCAN_NO_DERIVED_CPE) || c->ncpes || !cap)
        return 0;
    struct medsec_purl p;
    memset(&p, 0, sizeof p);
    struct medsec_error ig;
    bool have_purl = false;
    if (c->purl) {
        medsec_err rc = medsec_purl_parse(c->purl, strlen(c->purl), 0, &p, &ig);
        if (rc == MEDSEC_ENOMEM)
            scan_nomem(S);
        if (rc)
            return 0; /* an invalid purl gets its warning from the purl path */
        have_purl = true;
    }
    enum derive_kind kind = DK_NONE;
    enum medsec_cpemap_kind mk = MEDSEC_CPEMAP_GENERIC;
    const char *name = c->name;
    char repo[MEDSEC_CPE_URL_PATH_MAX + 64] = "";
    if (!have_purl) {
        kind = DK_URL;
        /* a Yocto/OpenEmbedded recipe: an SPDX package its build system supplied */
        if (S->sbom->format == MEDSEC_SBOM_SPDX && c->supplier &&
            contains_nocase(c->supplier, "openembedded")) {
            kind = DK_NAME_URL;
            mk = MEDSEC_CPEMAP_YOCTO;
        }
    } else if (strcmp(p.type, "conan") == 0 || strcmp(p.type, "generic") == 0 ||
               strcmp(p.type, "openembedded") == 0 || strcmp(p.type, "yocto") == 0) {
        kind = DK_NAME_URL;
        mk = p.type[0] == 'c'   ? MEDSEC_CPEMAP_CONAN
             : p.type[0] == 'g' ? MEDSEC_CPEMAP_GENERIC
                                : MEDSEC_CPEMAP_YOCTO;
        name = p.name;
    } else if ((strcmp(p.type, "github") == 0 || strcmp(p.type, "bitbucket") == 0 ||
                strcmp(p.type, "gitlab") == 0) &&
               p.ns) {
        /* a repository purl is its repository's URL */
        kind = DK_URL;
        snprintf(repo, sizeof repo, "https://%s.%s/%s/%s", p.type,
                 strcmp(p.type, "bitbucket") == 0 ? "org" : "com", p.ns, p.name);
    }
    size_t n = 0;
    char ev[EVIDENCE_MAX];
    ev[0] = '\0';
    const char *what = have_purl ? c->purl : NULL;
    if (kind == DK_NAME_URL && name) {
        const struct medsec_cpemap *maps[2] = {S->user_map, S->builtin_map};
        for (int m = 0; m < 2; m++) {
            const struct medsec_cpemap_entry *e = medsec_cpemap_find(maps[m], mk, name);
            if (!e)
                continue;
            n = e->ncpes < cap ? e->ncpes : cap;
            if (n) /* a `-` line has no CPEs */
                memcpy(cpes, e->cpes, n * sizeof *cpes);
            if (what)
                snprintf(ev, sizeof ev, "purl %s: %s '%s' in %s%s, line %u", what,
                         medsec_cpemap_kind_name(mk), e->name,
                         m == 0 ? "the CPE map " : "the built-in CPE map", m == 0 ? e->file : "",
                         e->line);
            else
                snprintf(
                    ev, sizeof ev,
                    "Yocto/OpenEmbedded recipe '%s' (supplier %s): yocto '%s' in %s%s, line %u",
                    name, c->supplier, e->name, m == 0 ? "the CPE map " : "the built-in CPE map",
                    m == 0 ? e->file : "", e->line);
            goto out_keep; /* a map entry decides, `-` too */
        }
    }
    if (kind != DK_NONE) {
        const char *urls[MAX_URLS], *whats[MAX_URLS];
        size_t nu = 0;
        const char *q;
        if (c->download)
            urls[nu] = c->download, whats[nu++] = "download URL";
        if (c->website)
            urls[nu] = c->website, whats[nu++] = "website";
        if (c->vcs)
            urls[nu] = c->vcs, whats[nu++] = "VCS URL";
        if (have_purl && (q = medsec_purl_qualifier(&p, "download_url")))
            urls[nu] = q, whats[nu++] = "purl download_url";
        if (have_purl && (q = medsec_purl_qualifier(&p, "vcs_url")))
            urls[nu] = q, whats[nu++] = "purl vcs_url";
        if (repo[0])
            urls[nu] = repo, whats[nu++] = "repository purl";
        /* every URL that names a product must name the same one */
        const char *first[MEDSEC_CPEMAP_MAX_CPES];
        size_t nfirst = 0;
        for (size_t u = 0; u < nu && !S->rc; u++) {
            const char *got[MEDSEC_CPEMAP_MAX_CPES];
            char e2[EVIDENCE_MAX];
            size_t k = from_url(S, whats[u], urls[u], got, MEDSEC_CPEMAP_MAX_CPES, e2, sizeof e2);
            if (!k)
                continue;
            if (!nfirst) {
                memcpy(first, got, k * sizeof *got);
                nfirst = k;
                snprintf(ev, sizeof ev, "%s", e2);
            } else if (!same_set(first, nfirst, got, k)) {
                nfirst = 0; /* the URLs disagree: derive nothing */
                break;
            }
        }
        n = nfirst < cap ? nfirst : cap;
        memcpy(cpes, first, n * sizeof *cpes);
    }
out_keep:
    if (n) {
        const char *kept = medsec_arena_strdup(a, ev);
        if (!kept) {
            scan_nomem(S);
            n = 0;
        }
        for (size_t k = 0; k < n; k++)
            evidence[k] = kept;
    }
    medsec_purl_release(&p);
    return n;
}
