/* update.c: `medsec db update`: where the feeds are (published, or a mirror's layout), and
 * downloading them over HTTPS with libcurl (OSV zips, NVD API 2.0 with paging and rate limits, CISA
 * KEV, EPSS, a CSAF provider's directory index), with retries, conditional requests (ETag /
 * Last-Modified), atomic replacement in a cache folder, and import of what changed in one
 * transaction. */
#define _DEFAULT_SOURCE /* nanosleep, strncasecmp */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/date.h"
#include "medsec/file.h"
#include "medsec/json.h"

#define DEF_OSV "https://osv-vulnerabilities.storage.googleapis.com"
#define DEF_NVD "https://services.nvd.nist.gov/rest/json/cves/2.0"
#define DEF_KEV                                                                                    \
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
#define DEF_EPSS "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
#define DEF_CSAF "https://www.cisa.gov/sites/default/files/csaf/provider-metadata.json"
#define MAX_DOWNLOAD ((size_t)512 << 20)

static size_t arrlen(const struct medsec_json *v)
{
    return v && v->type == MEDSEC_JSON_ARRAY ? v->len : 0;
}

static const char *const default_ecosystems[] = {"Go",     "PyPI",   "crates.io", "npm",
                                                 "Maven",  "NuGet",  "RubyGems",  "Packagist",
                                                 "Debian", "Alpine", "AlmaLinux"};

enum feed { FEED_OSV, FEED_NVD, FEED_KEV, FEED_EPSS, FEED_CSAF, FEED_COUNT };

/* Each feed's published location and its path in a mirror (docs/db.md). */
static const struct {
    const char *published, *in_mirror;
} feed_where[FEED_COUNT] = {
    [FEED_OSV] = {DEF_OSV, "osv"},
    [FEED_NVD] = {DEF_NVD, "nvd/rest/json/cves/2.0"},
    [FEED_KEV] = {DEF_KEV, "kev/known_exploited_vulnerabilities.json"},
    [FEED_EPSS] = {DEF_EPSS, "epss/epss_scores-current.csv.gz"},
    [FEED_CSAF] = {DEF_CSAF, "csaf/provider-metadata.json"},
};

/* The URL of each feed: the one @o gives, else the mirror's, else the published one. */
struct feed_urls {
    const char *url[FEED_COUNT];
    char in_mirror[FEED_COUNT][2048];
};

static void feed_urls_init(struct feed_urls *f, const struct medsec_db_update_opts *o)
{
    const char *given[FEED_COUNT] = {
        [FEED_OSV] = o->osv_base,  [FEED_NVD] = o->nvd_api,        [FEED_KEV] = o->kev_url,
        [FEED_EPSS] = o->epss_url, [FEED_CSAF] = o->csaf_provider,
    };
    size_t ml = o->mirror ? strlen(o->mirror) : 0;
    while (ml && o->mirror[ml - 1] == '/')
        ml--;
    for (int i = 0; i < FEED_COUNT; i++) {
        if (given[i]) {
            f->url[i] = given[i];
        } else if (o->mirror) {
            snprintf(f->in_mirror[i], sizeof f->in_mirror[i], "%.*s/%s", (int)ml, o->mirror,
                     feed_where[i].in_mirror);
            f->url[i] = f->in_mirror[i];
        } else {
            f->url[i] = feed_where[i].published;
        }
    }
}

struct upd {
    struct medsec_db *db;
    const struct medsec_db_update_opts *o;
    struct feed_urls feeds;
    struct medsec_db_update_stats *stats;
    struct medsec_diags *diags;
    struct importer im;
    CURL *curl;
    char cache[4096];
    long delay_ms;
    int retries;
    size_t attempted;
};

struct resp {
    struct medsec_buf body;
    char etag[256], last_modified[128];
    long status;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct resp *r = ud;
    return medsec_buf_add(&r->body, p, size * n) == MEDSEC_OK ? size * n : 0;
}

static void header_value(const char *p, size_t n, size_t namelen, char *out, size_t cap)
{
    p += namelen;
    n -= namelen;
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' '))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct resp *r = ud;
    size_t len = size * n;
    if (len > 5 && strncasecmp(p, "ETag:", 5) == 0)
        header_value(p, len, 5, r->etag, sizeof r->etag);
    else if (len > 14 && strncasecmp(p, "Last-Modified:", 14) == 0)
        header_value(p, len, 14, r->last_modified, sizeof r->last_modified);
    return len;
}

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void feed_get(struct upd *u, const char *url, char etag[256], char lm[128])
{
    etag[0] = lm[0] = '\0';
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(u->db->h, "SELECT etag, last_modified FROM feed WHERE url = ?", -1, &s,
                           NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(s, 1, url, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *e = (const char *)sqlite3_column_text(s, 0),
                   *l = (const char *)sqlite3_column_text(s, 1);
        snprintf(etag, 256, "%s", e ? e : "");
        snprintf(lm, 128, "%s", l ? l : "");
    }
    sqlite3_finalize(s);
}

static medsec_err feed_set(struct upd *u, const char *url, const struct resp *r)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(
            u->db->h,
            "INSERT OR REPLACE INTO feed(url, etag, last_modified, fetched) VALUES(?,?,?,?)", -1,
            &s, NULL) != SQLITE_OK)
        return db_fail(u->db, u->im.err, "feed");
    sqlite3_bind_text(s, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->etag[0] ? r->etag : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, r->last_modified[0] ? r->last_modified : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, u->im.now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? MEDSEC_OK : db_fail(u->db, u->im.err, "feed");
}

/*
 * GET @url into @r with retries. Returns MEDSEC_OK with r->status 200 or 304 (when @conditional and
 * the stored validators still hold); MEDSEC_ENET after the retries (a warning is recorded).
 */
static medsec_err http_get(struct upd *u, const char *url, bool conditional, struct resp *r)
{
    char etag[256], lm[128];
    if (conditional)
        feed_get(u, url, etag, lm);
    else
        etag[0] = lm[0] = '\0';
    char errbuf[CURL_ERROR_SIZE];
    u->attempted++;
    for (int attempt = 0; attempt <= u->retries; attempt++) {
        if (attempt)
            sleep_ms(u->delay_ms > 0 ? u->delay_ms * attempt : 0);
        medsec_buf_reset(&r->body);
        r->etag[0] = r->last_modified[0] = '\0';
        r->status = 0;
        struct curl_slist *h = NULL;
        char line[512];
        if (etag[0]) {
            snprintf(line, sizeof line, "If-None-Match: %s", etag);
            h = curl_slist_append(h, line);
        }
        if (lm[0]) {
            snprintf(line, sizeof line, "If-Modified-Since: %s", lm);
            h = curl_slist_append(h, line);
        }
        if (u->o->nvd_api_key && strstr(url, "/cves/")) {
            snprintf(line, sizeof line, "apiKey: %s", u->o->nvd_api_key);
            h = curl_slist_append(h, line);
        }
        CURL *c = u->curl;
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
        curl_easy_setopt(c, CURLOPT_USERAGENT, "medsec/" MEDSEC_VERSION);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_DOWNLOAD);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        errbuf[0] = '\0';
        CURLcode cc = curl_easy_perform(c);
        curl_slist_free_all(h);
        if (cc == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
        if (cc == CURLE_OK && (r->status == 200 || r->status == 304)) {
            if (r->status == 304)
                u->stats->not_modified++;
            else
                u->stats->downloaded++;
            return MEDSEC_OK;
        }
        /* 4xx other than 408/429 will not get better by retrying */
        bool retry = cc != CURLE_OK || r->status >= 500 || r->status == 408 || r->status == 429;
        if (!retry || attempt == u->retries) {
            if (cc != CURLE_OK)
                (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL,
                                       "download failed: %s",
                                       errbuf[0] ? errbuf : curl_easy_strerror(cc));
            else
                (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL,
                                       "download failed: HTTP %ld", r->status);
            break;
        }
    }
    u->stats->failed++;
    return MEDSEC_ENET;
}

/* Cache file for @url: the URL's last path segment prefixed by @prefix (keeps the extension). */
static void cache_path(struct upd *u, const char *prefix, const char *name, char *out, size_t cap)
{
    char clean[512];
    size_t j = 0;
    for (const char *p = name; *p && j + 1 < sizeof clean; p++)
        clean[j++] = (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'
                                ? *p
                                : '_');
    clean[j] = '\0';
    snprintf(out, cap, "%s/%s%s", u->cache, prefix, clean);
}

/* Download @url to the cache as @file and import it (unless 304). ENET is not fatal. */
static medsec_err fetch_import(struct upd *u, const char *url, const char *file, const char *what)
{
    struct resp r = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&r.body, MAX_DOWNLOAD);
    if (u->o->progress)
        u->o->progress(u->o->ud, what, 0, 1);
    medsec_err rc = http_get(u, url, true, &r);
    if (rc == MEDSEC_ENET) {
        medsec_buf_release(&r.body);
        return MEDSEC_OK;
    }
    if (!rc && r.status == 200) {
        rc = medsec_file_write_atomic(file, r.body.data ? r.body.data : "", r.body.len, u->im.err);
        if (!rc)
            rc = db_import_path(&u->im, file);
        if (!rc)
            rc = feed_set(u, url, &r);
    }
    medsec_buf_release(&r.body);
    if (u->o->progress)
        u->o->progress(u->o->ud, what, 1, 1);
    return rc;
}

static medsec_err update_osv(struct upd *u)
{
    const char *base = u->feeds.url[FEED_OSV];
    const char *const *ecos = u->o->osv_ecosystems ? u->o->osv_ecosystems : default_ecosystems;
    size_t n = u->o->osv_ecosystems ? u->o->n_osv_ecosystems
                                    : sizeof default_ecosystems / sizeof *default_ecosystems;
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        char url[2048], file[4700], what[256];
        char *esc = curl_easy_escape(u->curl, ecos[i], 0);
        if (!esc)
            return MEDSEC_ENOMEM;
        snprintf(url, sizeof url, "%s/%s/all.zip", base, esc);
        curl_free(esc);
        cache_path(u, "osv-", ecos[i], file, sizeof file);
        strncat(file, "-all.zip", sizeof file - strlen(file) - 1);
        snprintf(what, sizeof what, "OSV %s", ecos[i]);
        rc = fetch_import(u, url, file, what);
    }
    return rc;
}

static medsec_err update_nvd(struct upd *u)
{
    const char *api = u->feeds.url[FEED_NVD];
    long page = u->o->nvd_page_size > 0 ? u->o->nvd_page_size : 2000;
    long delay = u->o->delay_ms >= 0 ? u->o->delay_ms : (u->o->nvd_api_key ? 600 : 6000);
    /* incremental when a previous complete run is recorded and recent enough (the API allows 120
     * days) */
    char since[32] = "", range[160] = "";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(u->db->h, "SELECT value FROM meta WHERE key = 'nvd_last_run'", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(since, sizeof since, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    int64_t then, now = medsec_ctx_now(u->db->ctx);
    if (since[0] && medsec_time_parse(since, &then) && now - then < 119L * 86400) {
        char a[21], b[21];
        medsec_time_format(then, a);
        medsec_time_format(now, b);
        snprintf(range, sizeof range,
                 "&lastModStartDate=%.19s.000%%2B00:00&lastModEndDate=%.19s.000%%2B00:00", a, b);
    }
    char started[21];
    medsec_time_format(now, started);
    medsec_err rc = MEDSEC_OK;
    long start = 0, total = -1;
    struct resp r = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&r.body, MAX_DOWNLOAD);
    while (!rc && (total < 0 || start < total)) {
        if (start > 0)
            sleep_ms(delay);
        char url[2048], file[4700];
        snprintf(url, sizeof url, "%s%sstartIndex=%ld&resultsPerPage=%ld%s", api,
                 strchr(api, '?') ? "&" : "?", start, page, range);
        rc = http_get(u, url, false, &r);
        if (rc == MEDSEC_ENET) {
            rc = MEDSEC_OK;
            total = -2; /* incomplete: do not record the run */
            break;
        }
        /* totalResults and the page length from the response head */
        struct medsec_json_doc *doc = NULL;
        struct medsec_error e;
        struct medsec_json_limits lim = {.max_bytes = MAX_DOWNLOAD};
        if (medsec_json_parse(r.body.data ? r.body.data : "", r.body.len, &lim, url, &doc, &e) !=
            MEDSEC_OK) {
            (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, e.line, e.column, NULL,
                                   "NVD page is not JSON: %s", e.msg);
            u->stats->failed++;
            total = -2;
            break;
        }
        double t = 0;
        medsec_json_number(medsec_json_get(doc->root, "totalResults"), &t);
        size_t got = arrlen(medsec_json_get(doc->root, "vulnerabilities"));
        medsec_json_doc_free(doc);
        total = (long)t;
        snprintf(file, sizeof file, "%s/nvd-page.json", u->cache);
        rc = medsec_file_write_atomic(file, r.body.data ? r.body.data : "", r.body.len, u->im.err);
        if (!rc)
            rc = db_import_path(&u->im, file);
        u->stats->nvd_pages++;
        if (u->o->progress)
            u->o->progress(u->o->ud, "NVD", (uint64_t)(start + (long)got),
                           (uint64_t)(total > 0 ? total : 1));
        if (got == 0)
            break;
        start += (long)got;
    }
    medsec_buf_release(&r.body);
    if (!rc && total >= 0)
        rc = db_meta_set(u->db, "nvd_last_run", started, u->im.err);
    return rc;
}

static medsec_err update_csaf(struct upd *u)
{
    const char *pm = u->feeds.url[FEED_CSAF];
    struct resp r = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&r.body, MAX_DOWNLOAD);
    medsec_err rc = http_get(u, pm, false, &r);
    if (rc == MEDSEC_ENET) {
        medsec_buf_release(&r.body);
        return MEDSEC_OK;
    }
    struct medsec_json_doc *doc = NULL;
    struct medsec_error e;
    if (medsec_json_parse(r.body.data ? r.body.data : "", r.body.len, NULL, pm, &doc, &e) !=
        MEDSEC_OK) {
        (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, pm, e.line, e.column, NULL,
                               "provider metadata is not JSON: %s", e.msg);
        u->stats->failed++;
        medsec_buf_release(&r.body);
        return MEDSEC_OK;
    }
    const struct medsec_json *dist = medsec_json_get(doc->root, "distributions");
    for (size_t d = 0; !rc && d < arrlen(dist); d++) {
        const char *dir = medsec_json_get_str(medsec_json_at(dist, d), "directory_url");
        if (!dir)
            continue;
        char url[2048];
        size_t dl = strlen(dir);
        while (dl && dir[dl - 1] == '/')
            dl--;
        snprintf(url, sizeof url, "%.*s/index.txt", (int)dl, dir);
        struct resp idx = {.body = MEDSEC_BUF_INIT};
        medsec_buf_init(&idx.body, MAX_DOWNLOAD);
        rc = http_get(u, url, false, &idx);
        if (rc == MEDSEC_ENET) {
            rc = MEDSEC_OK;
            medsec_buf_release(&idx.body);
            continue;
        }
        /* one document path per line, relative to the directory */
        size_t count = 0, done = 0;
        for (size_t i = 0; i < idx.body.len; i++)
            count += idx.body.data[i] == '\n';
        char *line = idx.body.data;
        while (!rc && line && *line) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            size_t ll = strlen(line);
            if (ll && line[ll - 1] == '\r')
                line[--ll] = '\0';
            if (ll > 5 && strcmp(line + ll - 5, ".json") == 0 && !strstr(line, "..") &&
                line[0] != '/') {
                char durl[2048], file[4700];
                snprintf(durl, sizeof durl, "%.*s/%s", (int)dl, dir, line);
                cache_path(u, "csaf-", line, file, sizeof file);
                rc = fetch_import(u, durl, file, "CSAF");
            }
            done++;
            if (u->o->progress)
                u->o->progress(u->o->ud, "CSAF", done, count ? count : 1);
            line = nl ? nl + 1 : NULL;
        }
        medsec_buf_release(&idx.body);
    }
    medsec_json_doc_free(doc);
    medsec_buf_release(&r.body);
    return rc;
}

medsec_err medsec_db_update(struct medsec_db *db, const struct medsec_db_update_opts *opts,
                            struct medsec_db_update_stats *stats, struct medsec_diags *diags,
                            struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    struct medsec_db_update_opts defaults = {.delay_ms = -1};
    struct medsec_db_update_stats dummy;
    struct medsec_error e2;
    if (!opts)
        opts = &defaults;
    if (!stats)
        stats = &dummy;
    if (!err)
        err = &e2;
    memset(stats, 0, sizeof *stats);
    struct upd u = {.db = db, .o = opts, .stats = stats, .diags = diags};
    feed_urls_init(&u.feeds, opts);
    u.retries = opts->retries > 0 ? opts->retries : 3;
    u.delay_ms = opts->delay_ms >= 0 ? opts->delay_ms : 1000;
    if (opts->cache_dir)
        snprintf(u.cache, sizeof u.cache, "%s", opts->cache_dir);
    else
        snprintf(u.cache, sizeof u.cache, "%s.cache", db->path);
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/x", u.cache);
    medsec_err rc = medsec_db_make_parent(probe, err);
    if (rc)
        return rc;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return medsec_error_set(err, MEDSEC_ENET, NULL, 0, 0, "libcurl initialisation failed");
    u.curl = curl_easy_init();
    if (!u.curl) {
        curl_global_cleanup();
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "libcurl initialisation failed");
    }
    struct medsec_db_import_opts iopts = {0};
    rc = db_import_begin(&u.im, db, &iopts, &stats->import, diags, err);
    unsigned want = opts->sources ? opts->sources : ~0u;
    if (!rc && (want & (1u << MEDSEC_ADV_OSV)))
        rc = update_osv(&u);
    if (!rc && (want & (1u << MEDSEC_ADV_NVD)))
        rc = update_nvd(&u);
    if (!rc && (want & (1u << MEDSEC_ADV_CSAF)))
        rc = update_csaf(&u);
    if (!rc && (want & (1u << MEDSEC_ADV_KEV))) {
        char file[4700];
        snprintf(file, sizeof file, "%s/known_exploited_vulnerabilities.json", u.cache);
        rc = fetch_import(&u, u.feeds.url[FEED_KEV], file, "KEV");
    }
    if (!rc && (want & (1u << MEDSEC_ADV_EPSS))) {
        char file[4700];
        snprintf(file, sizeof file, "%s/epss_scores-current.csv.gz", u.cache);
        rc = fetch_import(&u, u.feeds.url[FEED_EPSS], file, "EPSS");
    }
    if (!rc && u.attempted && stats->failed == u.attempted)
        rc = medsec_error_set(err, MEDSEC_ENET, NULL, 0, 0, "every download failed");
    if (!rc)
        rc = db_meta_set(db, "last_update", u.im.now, err);
    if (u.im.db)
        rc = db_import_end(&u.im, rc);
    curl_easy_cleanup(u.curl);
    curl_global_cleanup();
    return rc;
}
