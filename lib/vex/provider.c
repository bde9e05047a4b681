/* provider.c: publish a folder of CSAF advisories as a CSAF 2.0 provider (medsec/psirt.h): the
 * .sha512 file of each advisory (§7.1.18), one ROLIE feed per TLP (§7.1.15) and
 * provider-metadata.json (§7.1.7), every date taken from the advisories so the same folder gives
 * the same bytes. */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/json.h"
#include "medsec/psirt.h"

static const char *const tlp_names[MEDSEC_TLP_COUNT] = {"WHITE", "GREEN", "AMBER", "RED"};
static const char *const tlp_dirs[MEDSEC_TLP_COUNT] = {"white", "green", "amber", "red"};

const char *medsec_tlp_name(enum medsec_tlp t)
{
    return (unsigned)t < MEDSEC_TLP_COUNT ? tlp_names[t] : "WHITE";
}

bool medsec_tlp_parse(const char *s, enum medsec_tlp *out)
{
    if (s && !strcasecmp(s, "clear")) {
        *out = MEDSEC_TLP_WHITE;
        return true;
    }
    for (int i = 0; s && i < MEDSEC_TLP_COUNT; i++)
        if (!strcasecmp(s, tlp_names[i])) {
            *out = (enum medsec_tlp)i;
            return true;
        }
    return false;
}

/* One advisory found in the folder. */
struct entry {
    char *rel; /* <tlp>/<year>/<file>.json */
    char *id, *title, *published, *updated;
};

struct pub {
    const char *dir;
    struct medsec_psirt_provider *p;
    struct entry *e;
    size_t n, cap;
    struct medsec_buf t; /* scratch text */
    bool oom;            /* an addition to it failed: the run ends with MEDSEC_ENOMEM */
};

static void pf(struct pub *pb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pf(struct pub *pb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (medsec_buf_vaddf(&pb->t, fmt, ap))
        pb->oom = true;
    va_end(ap);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = medsec_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in folder @path that pass @keep, sorted (NULL list when the folder is absent). */
static medsec_err list_dir(const char *path, bool (*keep)(const char *, const char *), char ***out,
                           size_t *n, struct medsec_error *err)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(path);
    if (!d)
        return MEDSEC_OK;
    size_t cap = 0;
    medsec_err rc = MEDSEC_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !keep(path, de->d_name))
            continue;
        if (*n >= MEDSEC_PSIRT_MAX_DOCS) {
            rc = medsec_error_set(err, MEDSEC_ETOOBIG, path, 0, 0,
                                  "more than %d entries in the folder", MEDSEC_PSIRT_MAX_DOCS);
            break;
        }
        char *s = dup_str(de->d_name);
        if (!s || MEDSEC_ARRAY_GROW(*out, *n, cap)) {
            medsec_free(s);
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        (*out)[(*n)++] = s;
    }
    closedir(d);
    if (*n)
        qsort(*out, *n, sizeof **out, by_name);
    return rc;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        medsec_free(v[i]);
    medsec_free(v);
}

static bool is_year(const char *dir, const char *name)
{
    (void)dir;
    if (strlen(name) != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)name[i]))
            return false;
    return true;
}

static bool is_json(const char *dir, const char *name)
{
    size_t n = strlen(name);
    char path[4096];
    struct stat st;
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof path)
        return false; /* a path this long is no file of the folder medsec writes */
    return n > 5 && !strcmp(name + n - 5, ".json") && !lstat(path, &st) && S_ISREG(st.st_mode);
}

static const char *get_path(const struct medsec_json *v, const char *const *keys)
{
    for (; v && *keys; keys++)
        v = medsec_json_get(v, *keys);
    return v ? medsec_json_str(v) : NULL;
}

/* Read DIR/@rel: its tracking fields into a new entry, its .sha512 written beside it. */
static medsec_err take(struct pub *pb, enum medsec_tlp tlp, const char *rel,
                       struct medsec_error *err)
{
    char *path = NULL, *text = NULL;
    size_t len = 0;
    struct medsec_json_doc *doc = NULL;
    medsec_buf_reset(&pb->t);
    medsec_err rc = medsec_buf_addf(&pb->t, "%s/%s", pb->dir, rel);
    if (rc || !(path = dup_str(pb->t.data)))
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    if ((rc = medsec_file_read(path, MEDSEC_PSIRT_MAX_DOC, &text, &len, err)))
        goto out_free;
    struct medsec_json_limits lim = {MEDSEC_PSIRT_MAX_DOC, 0, 0};
    if ((rc = medsec_json_parse(text, len, &lim, path, &doc, err)))
        goto out_free;
    static const char *const k_cat[] = {"document", "category", NULL};
    static const char *const k_id[] = {"document", "tracking", "id", NULL};
    static const char *const k_title[] = {"document", "title", NULL};
    static const char *const k_init[] = {"document", "tracking", "initial_release_date", NULL};
    static const char *const k_cur[] = {"document", "tracking", "current_release_date", NULL};
    static const char *const k_tlp[] = {"document", "distribution", "tlp", "label", NULL};
    static const char *const k_ver[] = {"document", "csaf_version", NULL};
    const char *cat = get_path(doc->root, k_cat), *id = get_path(doc->root, k_id),
               *title = get_path(doc->root, k_title), *init = get_path(doc->root, k_init),
               *cur = get_path(doc->root, k_cur), *label = get_path(doc->root, k_tlp),
               *ver = get_path(doc->root, k_ver);
    if (!cat || !ver || strcmp(ver, "2.0") || !id || !title || !init || !cur) {
        rc = medsec_error_set(err, MEDSEC_EINVAL, path, 0, 0,
                              "not a CSAF 2.0 document (document.csaf_version, category, title "
                              "and tracking id and dates are required)");
        goto out_free;
    }
    if (!label || strcmp(label, medsec_tlp_name(tlp))) {
        rc = medsec_error_set(err, MEDSEC_EINVAL, path, 0, 0,
                              "its TLP label is %s but it lies in the TLP:%s folder",
                              label ? label : "not stated", medsec_tlp_name(tlp));
        goto out_free;
    }
    /* CSAF §7.1.18: "<hex>  <file name>\n", as sha512sum writes it */
    unsigned char h[crypto_hash_sha512_BYTES];
    char hex[2 * crypto_hash_sha512_BYTES + 1];
    crypto_hash_sha512(h, (const unsigned char *)text, len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    const char *base = strrchr(rel, '/') + 1;
    medsec_buf_reset(&pb->t);
    pf(pb, "%s  %s\n", hex, base);
    char *line = dup_str(pb->t.data);
    medsec_buf_reset(&pb->t);
    pf(pb, "%s.sha512", path);
    if (!line || pb->oom) {
        medsec_free(line);
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    rc = medsec_file_write_atomic(pb->t.data, line, strlen(line), err);
    medsec_free(line);
    if (rc)
        goto out_free;
    if (MEDSEC_ARRAY_GROW(pb->e, pb->n, pb->cap)) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    struct entry *e = &pb->e[pb->n++];
    e->rel = dup_str(rel);
    e->id = dup_str(id);
    e->title = dup_str(title);
    e->published = dup_str(init);
    e->updated = dup_str(cur);
    if (!e->rel || !e->id || !e->title || !e->published || !e->updated)
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
out_free:
    medsec_json_doc_free(doc);
    medsec_free(text);
    medsec_free(path);
    return rc;
}

/* The provider's base URL with one '/' after it, then @rel, into pb->t. */
static const char *url(struct pub *pb, const char *rel)
{
    const char *b = pb->p->base_url;
    medsec_buf_reset(&pb->t);
    pf(pb, "%s%s%s", b, b[0] && b[strlen(b) - 1] == '/' ? "" : "/", rel);
    return pb->t.data;
}

static void link(struct pub *pb, struct medsec_jsonw *w, const char *rel, const char *path)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "rel", rel);
    medsec_jsonw_kv_string(w, "href", url(pb, path));
    medsec_jsonw_object_end(w);
}

/* The ROLIE feed of TLP @tlp (entries [a, b) of pb->e) into @out; its newest date into @upd. */
static medsec_err feed(struct pub *pb, enum medsec_tlp tlp, size_t a, size_t b,
                       struct medsec_buf *out, const char **upd)
{
    struct medsec_jsonw w;
    char name[64], rel[96];
    snprintf(name, sizeof name, "feed-tlp-%s.json", tlp_dirs[tlp]);
    snprintf(rel, sizeof rel, "%s/%s", tlp_dirs[tlp], name);
    *upd = NULL;
    for (size_t i = a; i < b; i++)
        if (!*upd || strcmp(pb->e[i].updated, *upd) > 0)
            *upd = pb->e[i].updated;
    medsec_jsonw_init(&w, out, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "feed");
    medsec_jsonw_object_begin(&w);
    medsec_buf_reset(&pb->t);
    pf(pb, "csaf-feed-tlp-%s", tlp_dirs[tlp]);
    medsec_jsonw_kv_string(&w, "id", pb->t.data);
    medsec_buf_reset(&pb->t);
    pf(pb, "%s CSAF feed (TLP:%s)", pb->p->publisher, medsec_tlp_name(tlp));
    medsec_jsonw_kv_string(&w, "title", pb->t.data);
    medsec_jsonw_key(&w, "link");
    medsec_jsonw_array_begin(&w);
    link(pb, &w, "self", rel);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "category");
    medsec_jsonw_array_begin(&w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "scheme", "urn:ietf:params:rolie:category:information-type");
    medsec_jsonw_kv_string(&w, "term", "csaf");
    medsec_jsonw_object_end(&w);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_string(&w, "updated", *upd);
    medsec_jsonw_key(&w, "entry");
    medsec_jsonw_array_begin(&w);
    for (size_t i = a; i < b; i++) {
        const struct entry *e = &pb->e[i];
        char hash[4096];
        snprintf(hash, sizeof hash, "%s.sha512", e->rel);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", e->id);
        medsec_jsonw_kv_string(&w, "title", e->title);
        medsec_jsonw_key(&w, "link");
        medsec_jsonw_array_begin(&w);
        link(pb, &w, "self", e->rel);
        link(pb, &w, "hash", hash);
        medsec_jsonw_array_end(&w);
        medsec_jsonw_kv_string(&w, "published", e->published);
        medsec_jsonw_kv_string(&w, "updated", e->updated);
        medsec_jsonw_key(&w, "summary");
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "content", e->title);
        medsec_jsonw_object_end(&w);
        medsec_jsonw_key(&w, "content");
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "type", "application/json");
        medsec_jsonw_kv_string(&w, "src", url(pb, e->rel));
        medsec_jsonw_object_end(&w);
        medsec_jsonw_key(&w, "format");
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "schema",
                               "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json");
        medsec_jsonw_kv_string(&w, "version", "2.0");
        medsec_jsonw_object_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

static medsec_err write_file(struct pub *pb, const char *rel, struct medsec_buf *b,
                             struct medsec_error *err)
{
    if (pb->oom) /* a text in the document was cut short */
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s", pb->dir, rel);
    if (len < 0 || (size_t)len >= sizeof path) /* never write to a path cut short */
        return medsec_error_set(err, MEDSEC_ETOOBIG, pb->dir, 0, 0,
                                "the provider folder's path is too long for %s", rel);
    return medsec_file_write_atomic(path, b->data, b->len, err);
}

medsec_err medsec_psirt_publish(const char *dir, struct medsec_psirt_provider *p,
                                struct medsec_error *err)
{
    if (sodium_init() < 0)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "libsodium failed to start");
    struct pub pb = {.dir = dir, .p = p};
    medsec_buf_init(&pb.t, (size_t)1 << 20);
    struct medsec_buf out;
    medsec_buf_init(&out, (size_t)256 << 20);
    size_t start[MEDSEC_TLP_COUNT + 1];
    const char *upd[MEDSEC_TLP_COUNT] = {0}, *last = NULL;
    medsec_err rc = MEDSEC_OK;
    for (int t = 0; t < MEDSEC_TLP_COUNT && !rc; t++) {
        start[t] = pb.n;
        char tdir[4096];
        snprintf(tdir, sizeof tdir, "%s/%s", dir, tlp_dirs[t]);
        char **years;
        size_t ny;
        if ((rc = list_dir(tdir, is_year, &years, &ny, err)))
            break;
        for (size_t y = 0; y < ny && !rc; y++) {
            char ydir[4096];
            if (snprintf(ydir, sizeof ydir, "%s/%s", tdir, years[y]) >= (int)sizeof ydir)
                continue;
            char **files;
            size_t nf;
            if ((rc = list_dir(ydir, is_json, &files, &nf, err)))
                break;
            for (size_t f = 0; f < nf && !rc; f++) {
                char rel[4096];
                if (snprintf(rel, sizeof rel, "%s/%s/%s", tlp_dirs[t], years[y], files[f]) >=
                    (int)sizeof rel)
                    continue;
                rc = take(&pb, (enum medsec_tlp)t, rel, err);
            }
            free_list(files, nf);
        }
        free_list(years, ny);
    }
    start[MEDSEC_TLP_COUNT] = pb.n;
    if (!rc && !pb.n)
        rc = medsec_error_set(err, MEDSEC_ENOTFOUND, dir, 0, 0,
                              "no advisories to publish (none in <tlp>/<year>/*.json)");
    for (int t = 0; t < MEDSEC_TLP_COUNT && !rc; t++) {
        if (start[t] == start[t + 1])
            continue;
        medsec_buf_reset(&out);
        if ((rc = feed(&pb, (enum medsec_tlp)t, start[t], start[t + 1], &out, &upd[t]))) {
            rc = medsec_error_set(err, rc, NULL, 0, 0, "writing the feed: %s", medsec_strerror(rc));
            break;
        }
        char rel[96];
        snprintf(rel, sizeof rel, "%s/feed-tlp-%s.json", tlp_dirs[t], tlp_dirs[t]);
        rc = write_file(&pb, rel, &out, err);
        if (!last || strcmp(upd[t], last) > 0)
            last = upd[t];
    }
    if (!rc) {
        struct medsec_jsonw w;
        medsec_buf_reset(&out);
        medsec_jsonw_init(&w, &out, 1);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "canonical_url", url(&pb, "provider-metadata.json"));
        medsec_jsonw_key(&w, "distributions");
        medsec_jsonw_array_begin(&w);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_key(&w, "rolie");
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_key(&w, "feeds");
        medsec_jsonw_array_begin(&w);
        for (int t = 0; t < MEDSEC_TLP_COUNT; t++) {
            if (start[t] == start[t + 1])
                continue;
            char rel[96];
            snprintf(rel, sizeof rel, "%s/feed-tlp-%s.json", tlp_dirs[t], tlp_dirs[t]);
            medsec_jsonw_object_begin(&w);
            medsec_buf_reset(&pb.t);
            pf(&pb, "All TLP:%s advisories of %s.", medsec_tlp_name(t), p->publisher);
            medsec_jsonw_kv_string(&w, "summary", pb.t.data);
            medsec_jsonw_kv_string(&w, "tlp_label", medsec_tlp_name(t));
            medsec_jsonw_kv_string(&w, "url", url(&pb, rel));
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
        medsec_jsonw_object_end(&w);
        medsec_jsonw_array_end(&w);
        medsec_jsonw_kv_string(&w, "last_updated", last);
        medsec_jsonw_kv_bool(&w, "list_on_CSAF_aggregators", p->list_on_aggregators);
        medsec_jsonw_kv_string(&w, "metadata_version", "2.0");
        medsec_jsonw_kv_bool(&w, "mirror_on_CSAF_aggregators", p->list_on_aggregators);
        medsec_jsonw_key(&w, "publisher");
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "category", "vendor");
        medsec_jsonw_kv_string(&w, "name", p->publisher);
        medsec_jsonw_kv_string(&w, "namespace", p->namespace_);
        medsec_jsonw_object_end(&w);
        medsec_jsonw_kv_string(&w, "role", "csaf_provider");
        medsec_jsonw_object_end(&w);
        if ((rc = medsec_jsonw_finish(&w)))
            rc = medsec_error_set(err, rc, NULL, 0, 0, "out of memory");
        else
            rc = write_file(&pb, "provider-metadata.json", &out, err);
    }
    p->advisories = pb.n;
    for (size_t i = 0; i < pb.n; i++) {
        medsec_free(pb.e[i].rel);
        medsec_free(pb.e[i].id);
        medsec_free(pb.e[i].title);
        medsec_free(pb.e[i].published);
        medsec_free(pb.e[i].updated);
    }
    medsec_free(pb.e);
    medsec_buf_release(&out);
    medsec_buf_release(&pb.t);
    return rc;
}
