/* update.c: `medsec db update`: where the feeds are (published, or a mirror's layout), and
 * downloading them over HTTPS with libcurl (OSV zips, NVD API 2.0 with paging and rate limits, CISA
 * KEV, EPSS, a CSAF provider's directory index), with retries, conditional requests (ETag /
 * Last-Modified), atomic replacement in a cache folder, and import of what changed in one
 * transaction. */
#define _DEFAULT_SOURCE /* nanosleep, strncasecmp */
#include <curl/curl.h>
#include <math.h>
#include <sodium.h>
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
#define DEF_NVD_FEEDS "https://nvd.nist.gov/feeds/json/cve/1.1"
#define MAX_DOWNLOAD ((size_t)512 << 20)
#define MAX_REDIRECTS 5
/* Deadlines and the slowest transfer accepted (medsec_db_update_opts): the defaults. */
#define DEF_DOWNLOAD_TIMEOUT 1800L /* seconds for one download, its retries included */
#define DEF_UPDATE_TIMEOUT 14400L  /* seconds for a whole update */
#define DEF_MIN_RATE 1024L         /* bytes per second on average ... */
#define DEF_RATE_GRACE 60L         /* ... once a transfer has run this long (slow API answers) */
#define CONNECT_TIMEOUT 30L
/* NVD API 2.0 paging: the API's largest page, and more CVE records than it can hold (about 300,000
 * exist; a few thousand more each year): a totalResults beyond is not an answer to trust. */
#define NVD_MAX_PAGE 2000L
#define NVD_MAX_TOTAL 2000000L

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
    /* deadlines on the monotonic clock (seconds; the context's clock is a calendar that tests
     * fix, so it cannot measure how long a transfer runs) */
    double started, deadline; /* the whole update */
    long download_timeout, min_rate, rate_grace;
    bool expired; /* the update's deadline has passed: the remaining downloads are skipped */
    /* CSAF signatures: the provider lists signing keys (then every document must be signed by
     * one), the keyring of those keys, or why there is none */
    bool csaf_signed;
    struct db_pgp *pgp;
    char pgp_why[200];
};

/* Seconds on the monotonic clock. */
static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

/* Sleep @ms milliseconds, but not past @until (monotonic seconds). */
static void sleep_ms(long ms, double until)
{
    double left = until - mono_now();
    if (left * 1000 < (double)ms)
        ms = left > 0 ? (long)(left * 1000) : 0;
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A transfer in progress, for the minimum average rate (libcurl's progress callback). */
struct xfer {
    double start;
    long min_rate, grace;
    bool too_slow;
};

static int on_xferinfo(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)ultotal, (void)ulnow;
    struct xfer *x = ud;
    double elapsed = mono_now() - x->start;
    /* called about once a second even when nothing arrives: a silent server is caught too */
    if (x->min_rate > 0 && elapsed >= (double)x->grace &&
        (double)dlnow < (double)x->min_rate * elapsed) {
        x->too_slow = true;
        return 1;
    }
    return 0;
}

/* Do @a and @b name the same origin (scheme, host, port)? Credentials go only to the configured
 * one. */
static bool same_origin(const char *a, const char *b)
{
    CURLU *ua = curl_url(), *ub = curl_url();
    bool same = false;
    if (ua && ub && curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
        curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK) {
        static const CURLUPart parts[] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};
        same = true;
        for (size_t i = 0; same && i < sizeof parts / sizeof parts[0]; i++) {
            char *pa = NULL, *pb = NULL;
            same = curl_url_get(ua, parts[i], &pa, CURLU_DEFAULT_PORT) == CURLUE_OK &&
                   curl_url_get(ub, parts[i], &pb, CURLU_DEFAULT_PORT) == CURLUE_OK &&
                   strcasecmp(pa, pb) == 0;
            curl_free(pa);
            curl_free(pb);
        }
    }
    curl_url_cleanup(ua);
    curl_url_cleanup(ub);
    return same;
}

static bool is_https(const char *url)
{
    return strncasecmp(url, "https://", 8) == 0;
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

/* The digest stored for @url by the last import of it (hex), or "". */
static void feed_digest(struct upd *u, const char *url, char out[65])
{
    out[0] = '\0';
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(u->db->h, "SELECT digest FROM feed WHERE url = ?", -1, &s, NULL) !=
        SQLITE_OK)
        return;
    sqlite3_bind_text(s, 1, url, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, 65, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

/* Record the file of @url just imported: its validators, source, what was verified about it
 * (@verified: "sha512,openpgp", "" for nothing) and the digest it matched (@digest or NULL). */
static medsec_err feed_set(struct upd *u, const char *url, const struct resp *r,
                           enum medsec_adv_source src, const char *verified, const char *digest)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(u->db->h,
                           "INSERT OR REPLACE INTO feed(url, etag, last_modified, fetched, source,"
                           " verified, digest) VALUES(?,?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK)
        return db_fail(u->db, u->im.err, "feed");
    sqlite3_bind_text(s, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->etag[0] ? r->etag : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, r->last_modified[0] ? r->last_modified : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, u->im.now, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, medsec_adv_source_name(src), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, verified, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, digest, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? MEDSEC_OK : db_fail(u->db, u->im.err, "feed");
}

enum {
    GET_CONDITIONAL = 1, /* If-None-Match / If-Modified-Since from the last import of the URL */
    GET_NVD_KEY = 2,     /* the NVD API key, for the API's own origin */
    GET_OPTIONAL = 4,    /* a file a feed may not publish: a 404 is MEDSEC_ENOTFOUND, quietly */
};

/* A download that cannot succeed: one warning naming @url, counted as failed (an optional file's
 * failure is its feed's business: not counted). */
static medsec_err get_failed(struct upd *u, const char *url, unsigned flags, const char *msg)
{
    (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL, "%s", msg);
    if (!(flags & GET_OPTIONAL))
        u->stats->failed++;
    return MEDSEC_ENET;
}

/*
 * One GET of @url into @r, redirects followed here (at most MAX_REDIRECTS, http and https only,
 * never from https to http; the NVD API key (@flags GET_NVD_KEY) goes only to the configured API's
 * origin), within @until (monotonic seconds) and the minimum average rate. Returns the libcurl
 * code; on CURLE_OK r->status is the final status. @why gets a message when the transfer was
 * refused.
 */
static CURLcode get_once(struct upd *u, const char *url, unsigned flags, const char *etag,
                         const char *lm, double until, struct resp *r, char *errbuf, char *why,
                         size_t whylen)
{
    char cur[2048];
    snprintf(cur, sizeof cur, "%s", url);
    CURLcode cc = CURLE_OK;
    for (int hop = 0;; hop++) {
        medsec_buf_reset(&r->body);
        r->etag[0] = r->last_modified[0] = '\0';
        r->status = 0;
        double left = until - mono_now();
        if (left <= 0) {
            snprintf(why, whylen, "the deadline passed");
            return CURLE_OPERATION_TIMEDOUT;
        }
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
        if ((flags & GET_NVD_KEY) && u->o->nvd_api_key &&
            same_origin(cur, u->feeds.url[FEED_NVD])) {
            snprintf(line, sizeof line, "apiKey: %s", u->o->nvd_api_key);
            h = curl_slist_append(h, line);
        }
        struct xfer x = {.start = mono_now(), .min_rate = u->min_rate, .grace = u->rate_grace};
        long left_ms = (long)(left * 1000) + 1;
        CURL *c = u->curl;
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, cur);
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
        curl_easy_setopt(c, CURLOPT_USERAGENT, "medsec/" MEDSEC_VERSION);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                         left_ms < CONNECT_TIMEOUT * 1000 ? left_ms : CONNECT_TIMEOUT * 1000);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left_ms);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_DOWNLOAD);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        if (u->o->ca_file)
            curl_easy_setopt(c, CURLOPT_CAINFO, u->o->ca_file);
        errbuf[0] = '\0';
        cc = curl_easy_perform(c);
        curl_slist_free_all(h);
        if (x.too_slow) {
            snprintf(why, whylen,
                     "slower than %ld bytes/s on average after %ld s (--min-rate, --rate-grace)",
                     u->min_rate, u->rate_grace);
            return CURLE_ABORTED_BY_CALLBACK;
        }
        if (cc != CURLE_OK)
            return cc;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
        if (r->status < 300 || r->status > 399 || r->status == 304)
            return CURLE_OK;
        char *next = NULL;
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next);
        if (!next)
            return CURLE_OK; /* a 3xx without a Location: its status decides */
        if (hop == MAX_REDIRECTS) {
            snprintf(why, whylen, "more than %d redirects", MAX_REDIRECTS);
            return CURLE_TOO_MANY_REDIRECTS;
        }
        if (is_https(cur) && !is_https(next)) {
            snprintf(why, whylen, "refused a redirect from https to %.200s", next);
            return CURLE_UNSUPPORTED_PROTOCOL;
        }
        if (!is_https(next) && strncasecmp(next, "http://", 7) != 0) {
            snprintf(why, whylen, "refused a redirect to %.200s", next);
            return CURLE_UNSUPPORTED_PROTOCOL;
        }
        if (strlen(next) >= sizeof cur) {
            snprintf(why, whylen, "the redirect's address is too long");
            return CURLE_URL_MALFORMAT;
        }
        snprintf(cur, sizeof cur, "%s", next);
    }
}

/*
 * GET @url into @r with retries, within the download's and the update's deadlines. Returns
 * MEDSEC_OK with r->status 200 or 304 (when @flags has GET_CONDITIONAL and the stored validators
 * still hold); MEDSEC_ENET after the retries (a warning is recorded).
 */
static medsec_err http_get(struct upd *u, const char *url, unsigned flags, struct resp *r)
{
    char etag[256] = "", lm[128] = "";
    if (flags & GET_CONDITIONAL)
        feed_get(u, url, etag, lm);
    if (!(flags & GET_OPTIONAL))
        u->attempted++;
    if (u->expired) {
        if (!(flags & GET_OPTIONAL))
            u->stats->failed++;
        return MEDSEC_ENET;
    }
    double now = mono_now();
    if (u->deadline && now >= u->deadline) {
        u->expired = true;
        char m[200];
        snprintf(m, sizeof m,
                 "the update's deadline (%.0f s, --update-timeout) has passed: this and the"
                 " remaining downloads are skipped",
                 u->deadline - u->started);
        return get_failed(u, url, flags, m);
    }
    double until = now + (double)u->download_timeout;
    if (u->deadline && u->deadline < until)
        until = u->deadline;
    char errbuf[CURL_ERROR_SIZE], why[320];
    for (int attempt = 0; attempt <= u->retries; attempt++) {
        if (attempt)
            sleep_ms(u->delay_ms > 0 ? u->delay_ms * attempt : 0, until);
        why[0] = '\0';
        CURLcode cc = get_once(u, url, flags, etag, lm, until, r, errbuf, why, sizeof why);
        if (cc == CURLE_OK && r->status == 404 && (flags & GET_OPTIONAL))
            return MEDSEC_ENOTFOUND;
        if (cc == CURLE_OK && (r->status == 200 || r->status == 304)) {
            if (r->status == 304)
                u->stats->not_modified++;
            else
                u->stats->downloaded++;
            return MEDSEC_OK;
        }
        /* 4xx other than 408/429 will not get better by retrying, nor a refused redirect, nor a
         * transfer past its deadline */
        bool timed_out = cc == CURLE_OPERATION_TIMEDOUT && mono_now() >= until - 0.001;
        bool retry = (cc != CURLE_OK && cc != CURLE_UNSUPPORTED_PROTOCOL &&
                      cc != CURLE_TOO_MANY_REDIRECTS && cc != CURLE_URL_MALFORMAT && !timed_out) ||
                     r->status >= 500 || r->status == 408 || r->status == 429;
        if (!retry || attempt == u->retries) {
            char m[600];
            if (timed_out)
                snprintf(m, sizeof m,
                         "download failed: not done within its deadline of %.0f s"
                         " (--download-timeout %ld, --update-timeout)",
                         until - now, u->download_timeout);
            else if (why[0])
                snprintf(m, sizeof m, "download failed: %s", why);
            else if (cc != CURLE_OK)
                snprintf(m, sizeof m, "download failed: %s",
                         errbuf[0] ? errbuf : curl_easy_strerror(cc));
            else
                snprintf(m, sizeof m, "download failed: HTTP %ld", r->status);
            return get_failed(u, url, flags, m);
        }
    }
    return get_failed(u, url, flags, "download failed");
}

/* The cache file for @url: @prefix, a hash of the URL, @ext. A name from the URL itself could be
 * longer than a file name may be (a CSAF index line of 300 characters), or collide. */
static void cache_path(struct upd *u, const char *prefix, const char *url, const char *ext,
                       char *out, size_t cap)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)url, strlen(url));
    char hex[2 * 16 + 1];
    sodium_bin2hex(hex, sizeof hex, h, 16);
    snprintf(out, cap, "%s/%s-%s%s", u->cache, prefix, hex, ext);
}

/*
 * Import the downloaded @file (from @url) inside a savepoint: when it fails for a reason of its own
 * (unreadable, too big, a statement on its rows), its rows are rolled back, a warning says why, and
 * the update goes on with the other files and feeds. Returns only the errors the update cannot
 * survive: out of memory, a bug, or a transaction SQLite has already given up (the savepoint is
 * gone: a full disk, an I/O error).
 */
static medsec_err import_isolated(struct upd *u, const char *url, const char *file)
{
    struct medsec_db_import_stats before = *u->im.stats;
    medsec_err rc = db_exec(u->db, "SAVEPOINT feed_file", u->im.err);
    if (rc)
        return rc;
    rc = db_import_path(&u->im, file);
    if (!rc)
        return db_exec(u->db, "RELEASE feed_file", u->im.err);
    if (rc == MEDSEC_ENOMEM || rc == MEDSEC_EINTERNAL ||
        sqlite3_exec(u->db->h, "ROLLBACK TO feed_file; RELEASE feed_file", NULL, NULL, NULL) !=
            SQLITE_OK)
        return rc;
    (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL,
                           "not imported (the other files and feeds are): %s", u->im.err->msg);
    medsec_error_clear(u->im.err);
    *u->im.stats = before;
    u->stats->rejected++;
    return MEDSEC_OK;
}

/* What is checked about one downloaded file before and after it is imported. */
struct check {
    enum medsec_adv_source source;
    const struct db_nvd_meta *meta; /* NVD 1.1: the sum its .meta publishes */
};

static void append(char *list, size_t cap, const char *word)
{
    size_t n = strlen(list);
    snprintf(list + n, cap - n, "%s%s", n ? "," : "", word);
}

/* A file that fails its check: a warning, counted as rejected, not imported. */
static medsec_err reject(struct upd *u, const char *url, const char *why)
{
    (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL, "not imported: %s", why);
    u->stats->rejected++;
    return MEDSEC_EVERIFY;
}

/* A CSAF document @r from @url: the .sha512 or .sha256 its provider publishes beside it must match
 * when there is one, and when the provider lists signing keys its .asc must be a good signature by
 * one of them. Appends what passed to @verified. MEDSEC_EVERIFY after a warning when it fails. */
static medsec_err verify_csaf(struct upd *u, const char *url, const struct resp *r, char *verified,
                              size_t cap)
{
    static const struct {
        const char *ext, *name;
        size_t len;
    } sums[] = {{".sha512", "sha512", crypto_hash_sha512_BYTES},
                {".sha256", "sha256", crypto_hash_sha256_BYTES}};
    char aurl[2100], why[400];
    struct resp a = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&a.body, 1 << 20);
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; !rc && i < sizeof sums / sizeof sums[0]; i++) {
        snprintf(aurl, sizeof aurl, "%s%s", url, sums[i].ext);
        medsec_err g = http_get(u, aurl, GET_OPTIONAL, &a);
        if (g == MEDSEC_ENOTFOUND)
            continue;
        if (g) {
            snprintf(why, sizeof why, "its %s file could not be read", sums[i].name);
            rc = reject(u, url, why);
            break;
        }
        unsigned char d[crypto_hash_sha512_BYTES];
        if (i == 0)
            crypto_hash_sha512(d, (const unsigned char *)r->body.data, r->body.len);
        else
            crypto_hash_sha256(d, (const unsigned char *)r->body.data, r->body.len);
        if (!db_digest_file_matches(a.body.data, a.body.len, d, sums[i].len)) {
            snprintf(why, sizeof why,
                     "it does not match the %s sum its provider publishes (%.200s)", sums[i].name,
                     aurl);
            rc = reject(u, url, why);
            break;
        }
        append(verified, cap, sums[i].name);
        break;
    }
    if (!rc && u->csaf_signed) {
        snprintf(aurl, sizeof aurl, "%s.asc", url);
        medsec_err g = db_pgp_keys(u->pgp) ? http_get(u, aurl, GET_OPTIONAL, &a) : MEDSEC_OK;
        char signer[41];
        if (!db_pgp_keys(u->pgp)) {
            snprintf(why, sizeof why,
                     "its provider signs its documents, but no signing key could be used (%s)",
                     u->pgp_why[0] ? u->pgp_why : "none loaded");
            rc = reject(u, url, why);
        } else if (g == MEDSEC_ENOTFOUND) {
            rc = reject(
                u, url,
                "it has no OpenPGP signature (.asc), though its provider lists signing keys");
        } else if (g) {
            rc = reject(u, url, "its OpenPGP signature (.asc) could not be read");
        } else if (db_pgp_verify(u->pgp, r->body.data, r->body.len, a.body.data, a.body.len,
                                 signer) != DB_PGP_GOOD) {
            rc = reject(u, url,
                        "its OpenPGP signature (.asc) is not a good signature by a key its provider"
                        " lists");
        } else {
            append(verified, cap, "openpgp");
        }
    }
    medsec_buf_release(&a.body);
    return rc;
}

/* An NVD 1.1 feed @r: inflated, its sha256 and size must be those of its .meta. */
static medsec_err verify_nvd_feed(struct upd *u, const char *url, const struct resp *r,
                                  const struct db_nvd_meta *m, char *verified, size_t cap)
{
    unsigned char d[crypto_hash_sha256_BYTES];
    uint64_t size = 0;
    medsec_err rc = db_gunzip_sha256(r->body.data, r->body.len, (size_t)4 << 30, d, &size);
    if (rc == MEDSEC_ENOMEM)
        return rc;
    if (rc)
        return reject(u, url, "it is not a whole gzip file");
    if ((m->gz_size >= 0 && (uint64_t)m->gz_size != r->body.len) ||
        (m->size >= 0 && (uint64_t)m->size != size) || sodium_memcmp(d, m->sha256, sizeof d) != 0)
        return reject(u, url, "it does not match the size and sha256 its .meta publishes");
    append(verified, cap, "sha256");
    return MEDSEC_OK;
}

/* Download @url to the cache as @file, check it (@ck), and import it (unless 304). ENET is not
 * fatal, nor a file that fails its check (a warning; it is not imported). */
static medsec_err fetch_import(struct upd *u, const char *url, const char *file, const char *what,
                               const struct check *ck)
{
    struct resp r = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&r.body, MAX_DOWNLOAD);
    if (u->o->progress)
        u->o->progress(u->o->ud, what, 0, 1);
    /* an NVD 1.1 feed is asked for only when its .meta's sum is new: always all of it */
    medsec_err rc = http_get(u, url, ck->meta ? 0 : GET_CONDITIONAL, &r);
    if (rc == MEDSEC_ENET) {
        medsec_buf_release(&r.body);
        return MEDSEC_OK;
    }
    char verified[64] = "", digest[65] = "";
    if (!rc && r.status == 200) {
        if (ck->source == MEDSEC_ADV_CSAF)
            rc = verify_csaf(u, url, &r, verified, sizeof verified);
        else if (ck->meta)
            rc = verify_nvd_feed(u, url, &r, ck->meta, verified, sizeof verified);
        if (rc == MEDSEC_EVERIFY) {
            rc = MEDSEC_OK;
            goto out_release;
        }
        if (ck->meta)
            sodium_bin2hex(digest, sizeof digest, ck->meta->sha256, sizeof ck->meta->sha256);
        if (!rc)
            rc = medsec_file_write_atomic(file, r.body.data ? r.body.data : "", r.body.len,
                                          u->im.err);
        struct medsec_db_import_stats before = *u->im.stats;
        size_t rejected = u->stats->rejected;
        if (!rc)
            rc = import_isolated(u, url, file);
        if (!rc && u->stats->rejected != rejected)
            goto out_release; /* left out: the next run tries again */
        /* OSV publishes no sums: its records' modified times must be real, and none older than
         * the copy stored (a stale or rolled-back mirror) */
        if (!rc && ck->source == MEDSEC_ADV_OSV) {
            size_t bad = u->im.stats->impossible_time - before.impossible_time,
                   older = u->im.stats->older[MEDSEC_ADV_OSV] - before.older[MEDSEC_ADV_OSV];
            if (!bad && !older)
                append(verified, sizeof verified, "modified");
            else
                (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL,
                                       "modified times not consistent: %zu records with an"
                                       " impossible time, %zu older than the copy stored (a stale"
                                       " or rolled-back mirror?)",
                                       bad, older);
        }
        if (!rc)
            rc = feed_set(u, url, &r, ck->source, verified, digest[0] ? digest : NULL);
    }
out_release:
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
        cache_path(u, "osv", url, ".zip", file, sizeof file);
        snprintf(what, sizeof what, "OSV %s", ecos[i]);
        const struct check ck = {.source = MEDSEC_ADV_OSV};
        rc = fetch_import(u, url, file, what, &ck);
    }
    return rc;
}

/* The NVD run stops short: a warning, and the run is not recorded (the next one starts over). */
static void nvd_stop(struct upd *u, const char *url, const char *msg)
{
    (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL,
                           "%s: the NVD run stops here and is not recorded", msg);
    u->stats->failed++;
}

static medsec_err update_nvd(struct upd *u)
{
    const char *api = u->feeds.url[FEED_NVD];
    long page = u->o->nvd_page_size > 0 ? u->o->nvd_page_size : NVD_MAX_PAGE;
    if (page > NVD_MAX_PAGE)
        page = NVD_MAX_PAGE;
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
    if (since[0] && medsec_time_parse(since, &then) && now - then < 119L * 86400 && then <= now) {
        char a[21], b[21];
        medsec_time_format(then, a);
        medsec_time_format(now, b);
        snprintf(range, sizeof range,
                 "&lastModStartDate=%.19s.000%%2B00:00&lastModEndDate=%.19s.000%%2B00:00", a, b);
    }
    char started[21];
    medsec_time_format(now, started);
    medsec_err rc = MEDSEC_OK;
    /* start + got <= total <= NVD_MAX_TOTAL: the sums below cannot overflow; the pages are bounded
     * by the first page's total (one more for records added while the run goes) */
    long start = 0, total = -1, pages = 0, max_pages = 1;
    bool complete = false;
    struct resp r = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&r.body, MAX_DOWNLOAD);
    while (!rc) {
        if (start > 0)
            sleep_ms(delay, u->deadline);
        char url[2048], file[4700], msg[300];
        snprintf(url, sizeof url, "%s%sstartIndex=%ld&resultsPerPage=%ld%s", api,
                 strchr(api, '?') ? "&" : "?", start, page, range);
        rc = http_get(u, url, GET_NVD_KEY, &r);
        if (rc == MEDSEC_ENET) {
            rc = MEDSEC_OK;
            break;
        }
        /* totalResults and the page length from the response head */
        struct medsec_json_doc *doc = NULL;
        struct medsec_error e;
        struct medsec_json_limits lim = {.max_bytes = MAX_DOWNLOAD};
        if (medsec_json_parse(r.body.data ? r.body.data : "", r.body.len, &lim, url, &doc, &e) !=
            MEDSEC_OK) {
            snprintf(msg, sizeof msg, "the NVD page is not JSON (%.200s)", e.msg);
            nvd_stop(u, url, msg);
            break;
        }
        double t = -1, si = -1;
        bool has_t = medsec_json_number(medsec_json_get(doc->root, "totalResults"), &t);
        bool has_si = medsec_json_number(medsec_json_get(doc->root, "startIndex"), &si);
        long got = (long)arrlen(medsec_json_get(doc->root, "vulnerabilities"));
        medsec_json_doc_free(doc);
        /* what the API can really answer: a whole number of records it can hold, the page asked
         * for, at most a page of them */
        if (!has_t || !isfinite(t) || t < 0 || t > (double)NVD_MAX_TOTAL || t != floor(t)) {
            snprintf(msg, sizeof msg, "the NVD page gives an impossible totalResults (%.6g)", t);
            nvd_stop(u, url, msg);
            break;
        }
        if (has_si && si != (double)start) {
            snprintf(msg, sizeof msg, "the NVD page starts at %.6g, not at %ld as asked", si,
                     start);
            nvd_stop(u, url, msg);
            break;
        }
        if (got > page) {
            snprintf(msg, sizeof msg, "the NVD page holds %ld records, more than the %ld asked",
                     got, page);
            nvd_stop(u, url, msg);
            break;
        }
        total = (long)t;
        if (got > total - start) {
            snprintf(msg, sizeof msg,
                     "the NVD page holds %ld records where %ld of %ld remain after %ld", got,
                     total > start ? total - start : 0, total, start);
            nvd_stop(u, url, msg);
            break;
        }
        if (pages == 0)
            max_pages = total / page + 2;
        snprintf(file, sizeof file, "%s/nvd-page.json", u->cache);
        rc = medsec_file_write_atomic(file, r.body.data ? r.body.data : "", r.body.len, u->im.err);
        if (!rc)
            rc = db_import_path(&u->im, file);
        u->stats->nvd_pages++;
        pages++;
        if (u->o->progress)
            u->o->progress(u->o->ud, "NVD", (uint64_t)(start + got),
                           (uint64_t)(total > 0 ? total : 1));
        if (rc)
            break;
        start += got;
        if (start >= total) {
            complete = true;
            break;
        }
        /* the API fills every page but the last */
        if (got < page) {
            snprintf(msg, sizeof msg,
                     "the NVD page holds %ld records where %ld of %ld remain (a short page)", got,
                     total - (start - got), total);
            nvd_stop(u, url, msg);
            break;
        }
        if (pages >= max_pages) {
            snprintf(msg, sizeof msg, "more than %ld pages of %ld for %ld records", max_pages, page,
                     total);
            nvd_stop(u, url, msg);
            break;
        }
    }
    medsec_buf_release(&r.body);
    if (!rc && complete)
        rc = db_meta_set(u->db, "nvd_last_run", started, u->im.err);
    return rc;
}

/* Load the signing keys a CSAF provider lists (@keys, from @pm): each key's file, kept only for the
 * fingerprint the provider gives beside it. */
static medsec_err csaf_keys(struct upd *u, const char *pm, const struct medsec_json *keys)
{
    medsec_err rc = db_pgp_new(u->cache, &u->pgp, u->pgp_why, sizeof u->pgp_why);
    if (rc == MEDSEC_ENOMEM)
        return rc;
    if (rc) {
        (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, pm, 0, 0, NULL,
                               "the provider signs its documents, but they cannot be checked: %s",
                               u->pgp_why);
        return MEDSEC_OK;
    }
    struct resp r = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&r.body, 1 << 20);
    for (size_t i = 0; i < arrlen(keys); i++) {
        const struct medsec_json *k = medsec_json_at(keys, i);
        const char *fpr = medsec_json_get_str(k, "fingerprint"),
                   *url = medsec_json_get_str(k, "url");
        if (!fpr || !url || http_get(u, url, 0, &r) != MEDSEC_OK)
            continue;
        if (!db_pgp_add_key(u->pgp, fpr, r.body.data, r.body.len))
            (void)medsec_diags_add(
                u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL,
                "not an OpenPGP key with the fingerprint %.60s the provider gives", fpr);
    }
    medsec_buf_release(&r.body);
    if (!db_pgp_keys(u->pgp))
        snprintf(u->pgp_why, sizeof u->pgp_why, "none of its %zu keys could be loaded",
                 arrlen(keys));
    return MEDSEC_OK;
}

/* NVD JSON 1.1 feeds (retired upstream; mirrors keep them): each feed's .meta first, whose sha256
 * decides whether the feed changed since its last import and which the feed must then match. */
static medsec_err update_nvd_feeds(struct upd *u)
{
    char base[2048];
    if (u->o->nvd_feeds_url) {
        snprintf(base, sizeof base, "%s", u->o->nvd_feeds_url);
    } else if (u->o->mirror) {
        size_t ml = strlen(u->o->mirror);
        while (ml && u->o->mirror[ml - 1] == '/')
            ml--;
        snprintf(base, sizeof base, "%.*s/nvd/feeds/json/cve/1.1", (int)ml, u->o->mirror);
    } else {
        snprintf(base, sizeof base, "%s", DEF_NVD_FEEDS);
    }
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        base[--bl] = '\0';
    medsec_err rc = MEDSEC_OK;
    struct resp r = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&r.body, 1 << 16);
    for (size_t i = 0; !rc && i < u->o->n_nvd_feeds; i++) {
        const char *name = u->o->nvd_feeds[i];
        bool ok = *name && strlen(name) < 32;
        for (const char *c = name; ok && *c; c++)
            ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-';
        if (!ok) {
            (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, name, 0, 0, NULL,
                                   "not an NVD feed name (2002...2024, modified, recent)");
            continue;
        }
        char meta_url[2200], url[2200], file[4700], what[64], old[65], now[65];
        snprintf(meta_url, sizeof meta_url, "%s/nvdcve-1.1-%s.meta", base, name);
        snprintf(url, sizeof url, "%s/nvdcve-1.1-%s.json.gz", base, name);
        if (http_get(u, meta_url, 0, &r) != MEDSEC_OK)
            continue;
        struct db_nvd_meta m;
        if (!db_nvd_meta_parse(r.body.data, r.body.len, &m)) {
            (void)reject(u, url, "its .meta gives no sha256");
            continue;
        }
        sodium_bin2hex(now, sizeof now, m.sha256, sizeof m.sha256);
        feed_digest(u, url, old);
        if (strcasecmp(old, now) == 0) {
            u->stats->not_modified++; /* the feed imported last time is still the published one */
            continue;
        }
        snprintf(file, sizeof file, "%s/nvdcve-1.1-%s.json.gz", u->cache, name);
        snprintf(what, sizeof what, "NVD %s", name);
        const struct check ck = {.source = MEDSEC_ADV_NVD, .meta = &m};
        rc = fetch_import(u, url, file, what, &ck);
    }
    medsec_buf_release(&r.body);
    return rc;
}

static medsec_err update_csaf(struct upd *u)
{
    const char *pm = u->feeds.url[FEED_CSAF];
    struct resp r = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&r.body, MAX_DOWNLOAD);
    medsec_err rc = http_get(u, pm, 0, &r);
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
    /* a provider that lists signing keys signs every document: each must carry a good signature
     * by one of those keys (fail closed when none can be loaded) */
    const struct medsec_json *keys = medsec_json_get(doc->root, "public_openpgp_keys");
    u->csaf_signed = arrlen(keys) > 0;
    if (u->csaf_signed)
        rc = csaf_keys(u, pm, keys);
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
        rc = http_get(u, url, 0, &idx);
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
            bool plain = true; /* a relative path of printable characters */
            for (size_t k = 0; k < ll; k++)
                plain = plain && (unsigned char)line[k] > ' ' && line[k] != 0x7f;
            char durl[2048], file[4700];
            if (ll > 5 && strcmp(line + ll - 5, ".json") == 0 && plain && !strstr(line, "..") &&
                line[0] != '/' && !strstr(line, "://")) {
                if ((size_t)snprintf(durl, sizeof durl, "%.*s/%s", (int)dl, dir, line) >=
                    sizeof durl) {
                    (void)medsec_diags_add(u->diags, MEDSEC_SEV_WARNING, url, 0, 0, NULL,
                                           "an index line of %zu characters is too long for a URL:"
                                           " skipped",
                                           ll);
                } else {
                    cache_path(u, "csaf", durl, ".json", file, sizeof file);
                    const struct check ck = {.source = MEDSEC_ADV_CSAF};
                    rc = fetch_import(u, durl, file, "CSAF", &ck);
                }
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
    u.retries = opts->retries > 0 ? opts->retries : opts->retries < 0 ? 0 : 3;
    u.delay_ms = opts->delay_ms >= 0 ? opts->delay_ms : 1000;
    u.download_timeout = opts->download_timeout > 0 ? opts->download_timeout : DEF_DOWNLOAD_TIMEOUT;
    u.min_rate = opts->min_rate > 0 ? opts->min_rate : opts->min_rate < 0 ? 0 : DEF_MIN_RATE;
    u.rate_grace = opts->rate_grace > 0 ? opts->rate_grace : DEF_RATE_GRACE;
    u.started = mono_now();
    u.deadline =
        u.started + (double)(opts->update_timeout > 0 ? opts->update_timeout : DEF_UPDATE_TIMEOUT);
    if (opts->cache_dir)
        snprintf(u.cache, sizeof u.cache, "%s", opts->cache_dir);
    else
        snprintf(u.cache, sizeof u.cache, "%s.cache", db->path);
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/x", u.cache);
    medsec_err rc = medsec_db_make_parent(probe, err);
    if (rc)
        return rc;
    /* the key goes into a header line: no line breaks or other control characters in it */
    for (const char *k = opts->nvd_api_key; k && *k; k++)
        if ((unsigned char)*k < 0x21 || *k == 0x7f)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "the NVD API key holds a space or control character");
    if (sodium_init() < 0)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0,
                                "libsodium initialisation failed");
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
        rc = opts->n_nvd_feeds ? update_nvd_feeds(&u) : update_nvd(&u);
    if (!rc && (want & (1u << MEDSEC_ADV_CSAF)))
        rc = update_csaf(&u);
    if (!rc && (want & (1u << MEDSEC_ADV_KEV))) {
        char file[4700];
        snprintf(file, sizeof file, "%s/known_exploited_vulnerabilities.json", u.cache);
        const struct check ck = {.source = MEDSEC_ADV_KEV};
        rc = fetch_import(&u, u.feeds.url[FEED_KEV], file, "KEV", &ck);
    }
    if (!rc && (want & (1u << MEDSEC_ADV_EPSS))) {
        char file[4700];
        snprintf(file, sizeof file, "%s/epss_scores-current.csv.gz", u.cache);
        const struct check ck = {.source = MEDSEC_ADV_EPSS};
        rc = fetch_import(&u, u.feeds.url[FEED_EPSS], file, "EPSS", &ck);
    }
    if (!rc && u.attempted && stats->failed == u.attempted)
        rc = medsec_error_set(err, MEDSEC_ENET, NULL, 0, 0, "every download failed");
    if (!rc)
        rc = db_meta_set(db, "last_update", u.im.now, err);
    if (u.im.db)
        rc = db_import_end(&u.im, rc);
    db_pgp_free(u.pgp);
    curl_easy_cleanup(u.curl);
    curl_global_cleanup();
    return rc;
}
