/* cpe_conformance.c: parse every CPE of an NVD 1.1 feed and of the CPE 2.3 dictionary; check
 * round-trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "medsec/alloc.h"
#include "medsec/cpe.h"
#include "medsec/file.h"
#include "medsec/json.h"

#define SKIP 77
#define GZ_CAP ((size_t)256 << 20)
#define SHOW 5

struct counts {
    unsigned long total, parsed, fs_exact, fs_stable, uri_stable, pair_same;
    unsigned shown;
};

/* Read a whole gzip file into a new buffer (cap GZ_CAP); NULL on failure. */
static char *gz_slurp(const char *path, size_t *len)
{
    gzFile f = gzopen(path, "rb");
    size_t cap = 1 << 20, n = 0;
    char *buf;

    if (!f)
        return NULL;
    buf = medsec_malloc(cap + 1);
    while (buf) {
        int r;
        if (n == cap) {
            char *nb;
            if (cap >= GZ_CAP)
                goto out_fail;
            cap *= 2;
            nb = medsec_realloc(buf, cap + 1);
            if (!nb)
                goto out_fail;
            buf = nb;
        }
        r = gzread(f, buf + n, (unsigned)(cap - n));
        if (r < 0)
            goto out_fail;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    gzclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
out_fail:
    medsec_free(buf);
    gzclose(f);
    return NULL;
}

static void show(struct counts *c, const char *what, const char *s, const char *detail)
{
    if (c->shown++ < SHOW)
        printf("  %s: %s%s%s\n", what, s, detail ? " -> " : "", detail ? detail : "");
}

/* Lowercase copy for the "equal after normalisation" comparison (CPE values are case-insensitive).
 */
static void lower_copy(char *dst, const char *src, size_t cap)
{
    size_t i;

    for (i = 0; src[i] && i + 1 < cap; i++)
        dst[i] = (char)((src[i] >= 'A' && src[i] <= 'Z') ? src[i] + 32 : src[i]);
    dst[i] = '\0';
}

/* Parse one formatted string and check FS and URI round-trips. */
static void check_fs(struct counts *c, const char *s, struct medsec_cpe *out)
{
    static struct medsec_cpe again;
    char fs[MEDSEC_CPE_TEXT_MAX], uri[3 * MEDSEC_CPE_TEXT_MAX], low[MEDSEC_CPE_TEXT_MAX];
    struct medsec_error e;

    c->total++;
    if (medsec_cpe_parse_fs(s, strlen(s), out, &e)) {
        show(c, "parse failed", s, e.msg);
        return;
    }
    c->parsed++;
    if (medsec_cpe_format_fs(out, fs, sizeof fs)) {
        show(c, "format failed", s, NULL);
        return;
    }
    lower_copy(low, s, sizeof low);
    if (strcmp(fs, low) == 0)
        c->fs_exact++;
    else
        show(c, "formatted differently", s, fs);
    if (medsec_cpe_parse_fs(fs, strlen(fs), &again, &e) == MEDSEC_OK &&
        medsec_cpe_same(out, &again))
        c->fs_stable++;
    else
        show(c, "FS round-trip changed the WFN", s, fs);
    if (medsec_cpe_format_uri(out, uri, sizeof uri) == MEDSEC_OK &&
        medsec_cpe_parse_uri(uri, strlen(uri), &again, &e) == MEDSEC_OK &&
        medsec_cpe_same(out, &again))
        c->uri_stable++;
    else
        show(c, "URI round-trip changed the WFN", s, uri);
}

static void walk_nodes(const struct medsec_json *nodes, struct counts *c)
{
    static struct medsec_cpe cpe;
    size_t i, j;

    for (i = 0; nodes && i < nodes->len; i++) {
        const struct medsec_json *node = medsec_json_at(nodes, i);
        const struct medsec_json *m = medsec_json_get(node, "cpe_match");
        for (j = 0; m && j < m->len; j++) {
            const char *u = medsec_json_get_str(medsec_json_at(m, j), "cpe23Uri");
            if (u)
                check_fs(c, u, &cpe);
        }
        walk_nodes(medsec_json_get(node, "children"), c);
    }
}

static int run_feed(const char *path)
{
    struct medsec_json_limits lim = {GZ_CAP, 0, 0};
    struct medsec_json_doc *doc = NULL;
    struct counts c = {0};
    struct medsec_error e;
    const struct medsec_json *items;
    size_t len, i;
    char *text = gz_slurp(path, &len);
    int ok;

    if (!text) {
        printf("cannot read %s\n", path);
        return 0;
    }
    if (medsec_json_parse(text, len, &lim, path, &doc, &e)) {
        printf("%s: %s\n", path, e.msg);
        medsec_free(text);
        return 0;
    }
    items = medsec_json_get(doc->root, "CVE_Items");
    for (i = 0; items && i < items->len; i++)
        walk_nodes(
            medsec_json_get(medsec_json_get(medsec_json_at(items, i), "configurations"), "nodes"),
            &c);
    printf(
        "NVD feed: %lu cpe23Uri, %lu parse, %lu format back identically (lowercased), %lu FS round-trips, "
        "%lu URI round-trips\n",
        c.total, c.parsed, c.fs_exact, c.fs_stable, c.uri_stable);
    ok = c.total > 0 && c.parsed == c.total && c.fs_exact == c.total && c.fs_stable == c.total &&
         c.uri_stable == c.total;
    medsec_json_doc_free(doc);
    medsec_free(text);
    return ok;
}

/* Copy attribute value at @p (after the opening quote) into @dst, decoding the XML entities the
 * file uses. */
static const char *xml_attr(const char *p, char *dst, size_t cap)
{
    static const struct {
        const char *ent;
        char ch;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t n = 0, k;

    while (*p && *p != '"' && n + 1 < cap) {
        if (*p == '&') {
            for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
                if (strncmp(p, ents[k].ent, strlen(ents[k].ent)) == 0)
                    break;
            if (k < sizeof ents / sizeof ents[0]) {
                dst[n++] = ents[k].ch;
                p += strlen(ents[k].ent);
                continue;
            }
        }
        dst[n++] = *p++;
    }
    dst[n] = '\0';
    return p;
}

/*
 * Next occurrence of @tag in @p (NUL-terminated), by a plain scan: the sanitizers' strstr checks
 * the whole rest of the 29 MB text on every call, which makes 100,000 calls quadratic.
 */
static char *find_tag(char *p, const char *tag)
{
    size_t n = strlen(tag);

    for (; *p; p++)
        if (*p == tag[0] && strncmp(p, tag, n) == 0)
            return p;
    return NULL;
}

static int run_dictionary(const char *path)
{
    static const char item_tag[] = "<cpe-item name=\"", item23_tag[] = "<cpe-23:cpe23-item name=\"";
    static struct medsec_cpe uri_cpe, fs_cpe;
    struct counts c = {0}, u = {0};
    char name[2 * MEDSEC_CPE_MAX_LEN], name23[2 * MEDSEC_CPE_MAX_LEN];
    struct medsec_error e;
    size_t len;
    char *text = gz_slurp(path, &len), *p;
    int ok;

    if (!text) {
        printf("cannot read %s\n", path);
        return 0;
    }
    for (p = find_tag(text, item_tag); p; p = find_tag(p, item_tag)) {
        char *n23;
        int uri_ok;

        p = (char *)xml_attr(p + sizeof item_tag - 1, name, sizeof name);
        u.total++;
        uri_ok = medsec_cpe_parse_uri(name, strlen(name), &uri_cpe, &e) == MEDSEC_OK;
        if (uri_ok) {
            char back[3 * MEDSEC_CPE_TEXT_MAX], low[2 * MEDSEC_CPE_MAX_LEN];
            u.parsed++;
            lower_copy(low, name, sizeof low);
            if (medsec_cpe_format_uri(&uri_cpe, back, sizeof back) == MEDSEC_OK &&
                strcmp(back, low) == 0)
                u.fs_exact++;
            else
                show(&u, "URI formatted differently", name, back);
        } else
            show(&u, "URI parse failed", name, e.msg);
        n23 = find_tag(p, "<cpe-");
        if (!n23 || strncmp(n23, item23_tag, sizeof item23_tag - 1) != 0) {
            show(&c, "no cpe23-item for", name, NULL);
            continue;
        }
        xml_attr(n23 + sizeof item23_tag - 1, name23, sizeof name23);
        check_fs(&c, name23, &fs_cpe);
        if (uri_ok && medsec_cpe_same(&uri_cpe, &fs_cpe))
            c.pair_same++;
        else if (uri_ok)
            show(&u, "URI and 2.3 names differ", name, name23);
    }
    printf(
        "CPE dictionary: %lu cpe-item names (2.2 URI), %lu parse, %lu format back identically; %lu cpe23-item names, %lu parse, %lu format "
        "back identically, %lu FS round-trips, %lu URI round-trips; %lu pairs unbind to the same WFN\n",
        u.total, u.parsed, u.fs_exact, c.total, c.parsed, c.fs_exact, c.fs_stable, c.uri_stable,
        c.pair_same);
    ok = u.total > 0 && u.parsed == u.total && u.fs_exact == u.total && c.total == u.total &&
         c.parsed == c.total && c.fs_exact == c.total && c.fs_stable == c.total &&
         c.uri_stable == c.total && c.pair_same == c.total;
    medsec_free(text);
    return ok;
}

int main(int argc, char **argv)
{
    char *feed, *dict;
    struct stat st;
    int ok;

    if (argc < 2) {
        fprintf(stderr, "usage: cpe_conformance SHARED_DATA_DIR\n");
        return 2;
    }
    feed = medsec_path_join(argv[1], "advisories/nvd/feeds-1.1/nvdcve-1.1-2016.json.gz");
    dict = medsec_path_join(argv[1], "advisories/nvd/official-cpe-dictionary_v2.3-2015.xml.gz");
    if (stat(feed, &st) != 0 || stat(dict, &st) != 0) {
        printf("SKIP: NVD feed or CPE dictionary not found under %s (../shared/data absent)\n",
               argv[1]);
        medsec_free(feed);
        medsec_free(dict);
        return SKIP;
    }
    ok = run_feed(feed);
    ok &= run_dictionary(dict);
    medsec_free(feed);
    medsec_free(dict);
    return ok ? 0 : 1;
}
