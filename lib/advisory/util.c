/* util.c: what the advisory importers share: JSON access, arena strings, package keys, hashing. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "medsec/purl.h"

const char *medsec_adv_source_name(enum medsec_adv_source s)
{
    static const char *const names[MEDSEC_ADV_NSOURCES] = {"osv", "nvd", "csaf", "kev", "epss"};
    return (unsigned)s < MEDSEC_ADV_NSOURCES ? names[s] : "unknown";
}

bool medsec_adv_source_parse(const char *name, enum medsec_adv_source *out)
{
    for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++)
        if (strcmp(name, medsec_adv_source_name((enum medsec_adv_source)i)) == 0) {
            *out = (enum medsec_adv_source)i;
            return true;
        }
    return false;
}

size_t adv_arrlen(const struct medsec_json *v)
{
    return v && v->type == MEDSEC_JSON_ARRAY ? v->len : 0;
}

const char *adv_str(const struct medsec_json *obj, const char *key)
{
    return medsec_json_get_str(obj, key);
}

medsec_err adv_fail(const struct medsec_json_doc *doc, const struct medsec_json *v, medsec_err code,
                    struct medsec_error *err, const char *fmt, ...)
{
    unsigned line = 0, col = 0;
    if (doc && v)
        medsec_json_position(doc, v, &line, &col);
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return medsec_error_set(err, code, NULL, line, col, "%s", msg);
}

const char *adv_sb_take(struct medsec_buf *b, struct medsec_arena *a)
{
    if (!b->len)
        return NULL;
    size_t n = b->len;
    if (n && (b->data[n - 1] == '\n' || b->data[n - 1] == ','))
        n--;
    return medsec_arena_strndup(a, b->data, n);
}

medsec_err adv_sb_item(struct medsec_buf *b, const char *s, char sep)
{
    if (!s || !*s)
        return MEDSEC_OK;
    medsec_err rc = medsec_buf_adds(b, s);
    return rc ? rc : medsec_buf_addc(b, sep);
}

medsec_err adv_join(struct medsec_buf *sb, struct medsec_arena *a, const struct medsec_json *arr,
                    const char *key, char sep, const char **out)
{
    *out = NULL;
    medsec_buf_reset(sb);
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; !rc && i < adv_arrlen(arr); i++) {
        const struct medsec_json *v = medsec_json_at(arr, i);
        rc = adv_sb_item(sb, key ? adv_str(v, key) : medsec_json_str(v), sep);
    }
    if (!rc && sb->len && !(*out = adv_sb_take(sb, a)))
        rc = MEDSEC_ENOMEM;
    return rc;
}

void *adv_alloc_array(struct medsec_arena *a, size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    if (n > ((size_t)1 << 28) / size)
        return NULL;
    void *p = medsec_arena_alloc(a, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

const char *adv_cvss_type(const char *vector)
{
    if (!vector)
        return "CVSS";
    if (strncmp(vector, "CVSS:4", 6) == 0)
        return "CVSS_V4";
    if (strncmp(vector, "CVSS:3", 6) == 0)
        return "CVSS_V3";
    return "CVSS_V2";
}

/* OSV ecosystem (before any ':') -> purl type and, for distributions, the namespace. */
static const struct {
    const char *eco, *type, *ns;
    char split; /* where a name splits into namespace/name: '/' last, ':' maven, '@' npm scope */
} eco_map[] = {
    {"AlmaLinux", "rpm", "almalinux", 0},
    {"Alpine", "apk", "alpine", 0},
    {"Bitnami", "bitnami", NULL, 0},
    {"CRAN", "cran", NULL, 0},
    {"Chainguard", "apk", "chainguard", 0},
    {"Debian", "deb", "debian", 0},
    {"GitHub Actions", "github", NULL, '/'},
    {"Go", "golang", NULL, '/'},
    {"Hackage", "hackage", NULL, 0},
    {"Hex", "hex", NULL, 0},
    {"Mageia", "rpm", "mageia", 0},
    {"Maven", "maven", NULL, ':'},
    {"NuGet", "nuget", NULL, 0},
    {"Packagist", "composer", NULL, '/'},
    {"Pub", "pub", NULL, 0},
    {"PyPI", "pypi", NULL, 0},
    {"Red Hat", "rpm", "redhat", 0},
    {"Rocky Linux", "rpm", "rocky-linux", 0},
    {"RubyGems", "gem", NULL, 0},
    {"SUSE", "rpm", "suse", 0},
    {"SwiftURL", "swift", NULL, '/'},
    {"Ubuntu", "deb", "ubuntu", 0},
    {"Wolfi", "apk", "wolfi", 0},
    {"crates.io", "cargo", NULL, 0},
    {"npm", "npm", NULL, '@'},
    {"openSUSE", "rpm", "opensuse", 0},
};

static char *lower_dup(struct medsec_arena *a, const char *s, size_t n)
{
    char *d = medsec_arena_strndup(a, s, n);
    if (d)
        for (char *p = d; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return d;
}

/* When @made (parsing or building @p) succeeded, copy @p's key into @out and release @p. True when
 * that settles the key, with the result in *@rc (out of memory settles it too); false when @p is no
 * purl. */
static bool key_from_purl(struct medsec_arena *a, medsec_err made, struct medsec_purl *p,
                          struct medsec_adv_affected *out, medsec_err *rc)
{
    if (made == MEDSEC_ENOMEM) {
        *rc = made;
        return true;
    }
    if (made != MEDSEC_OK)
        return false;
    out->purl_type = medsec_arena_strdup(a, p->type);
    out->purl_ns = medsec_arena_strdup(a, p->ns ? p->ns : "");
    out->purl_name = medsec_arena_strdup(a, p->name);
    *rc = out->purl_type && out->purl_ns && out->purl_name ? MEDSEC_OK : MEDSEC_ENOMEM;
    medsec_purl_release(p);
    return true;
}

medsec_err adv_purl_key(struct medsec_arena *a, const char *ecosystem, const char *name,
                        const char *purl, struct medsec_adv_affected *out)
{
    struct medsec_purl p;
    struct medsec_error e;
    medsec_err rc;
    out->purl_type = out->purl_ns = out->purl_name = "";
    if (purl && *purl &&
        key_from_purl(a, medsec_purl_parse(purl, strlen(purl), 0, &p, &e), &p, out, &rc))
        return rc;
    if (!ecosystem || !name || !*name)
        return MEDSEC_OK;
    size_t elen = strcspn(ecosystem, ":");
    const char *type = NULL, *ns = NULL;
    char split = 0;
    for (size_t i = 0; i < sizeof eco_map / sizeof eco_map[0]; i++)
        if (strlen(eco_map[i].eco) == elen && strncmp(eco_map[i].eco, ecosystem, elen) == 0) {
            type = eco_map[i].type;
            ns = eco_map[i].ns;
            split = eco_map[i].split;
            break;
        }
    char *typebuf = NULL;
    if (!type) {
        typebuf = lower_dup(a, ecosystem, elen);
        if (!typebuf)
            return MEDSEC_ENOMEM;
        for (char *q = typebuf; *q; q++)
            if (!isalnum((unsigned char)*q) && *q != '.' && *q != '-' && *q != '+')
                *q = '-';
        type = typebuf;
    }
    const char *nm = name;
    char *nsbuf = NULL;
    const char *cut = NULL;
    if (split == '/' || split == '@')
        cut = (split == '/' || name[0] == '@') ? strrchr(name, '/') : NULL;
    else if (split == ':')
        cut = strchr(name, ':');
    if (cut) {
        nsbuf = medsec_arena_strndup(a, name, (size_t)(cut - name));
        if (!nsbuf)
            return MEDSEC_ENOMEM;
        ns = nsbuf;
        nm = cut + 1;
    }
    struct medsec_purl_parts parts = {.type = type, .ns = ns, .name = nm};
    if (key_from_purl(a, medsec_purl_build(&parts, &p, &e), &p, out, &rc))
        return rc;
    /* the name breaks a purl type rule: keep it as written so nothing is lost */
    out->purl_type = type;
    out->purl_ns = ns ? ns : "";
    out->purl_name = medsec_arena_strdup(a, nm);
    return out->purl_name ? MEDSEC_OK : MEDSEC_ENOMEM;
}

/* 64-bit hash over 8-byte words: multiply-xorshift, then a final avalanche. Not cryptographic. */
uint64_t medsec_adv_hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)len * 0xff51afd7ed558ccdull);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        w *= 0x87c37b91114253d5ull;
        w ^= w >> 31;
        h = (h ^ w) * 0x4cf5ad432745937full;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++)
        w |= (uint64_t)p[i] << (8 * i);
    h = (h ^ (w * 0x87c37b91114253d5ull)) * 0x4cf5ad432745937full;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}
