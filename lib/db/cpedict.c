/* cpedict.c: the NVD CPE dictionary's product references: the streaming XML reader (expat, gzip
 * through zlib), their import into table cpe_ref (replacing what an earlier dictionary stored), and
 * the lookup by host the scanner derives CPEs with (medsec/db.h, "CPE dictionary"). */
#include <dirent.h>
#include <expat.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cpedict.h"
#include "medsec/alloc.h"
#include "medsec/cpe.h"

#define MAX_DEPTH 16 /* folders below an imported one */
#define MAX_NAME 1024

/* ---- the reader ---- */

struct dict_reader {
    XML_Parser xp;
    const char *origin;
    int (*cb)(void *ud, const struct medsec_cpedict_item *it);
    void *ud;
    bool in_item, stopped;
    struct medsec_cpedict_item item;
    char name[MAX_NAME], uri[MAX_NAME];
    char *refs[MEDSEC_CPEDICT_MAX_REFS];
    size_t nrefs;
    bool nomem;
};

/* The local name of an element read with namespaces ("URI local"). */
static const char *local(const XML_Char *n)
{
    const char *s = strrchr(n, ' ');
    return s ? s + 1 : n;
}

static const char *attr(const XML_Char **a, const char *name)
{
    for (size_t i = 0; a[i]; i += 2)
        if (strcmp(local(a[i]), name) == 0)
            return a[i + 1];
    return NULL;
}

static void copy(char *dst, size_t cap, const char *s)
{
    if (!s || strlen(s) >= cap)
        dst[0] = '\0';
    else
        memcpy(dst, s, strlen(s) + 1);
}

static void free_refs(struct dict_reader *R)
{
    for (size_t i = 0; i < R->nrefs; i++)
        medsec_free(R->refs[i]);
    R->nrefs = 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    struct dict_reader *R = ud;
    const char *n = local(el);
    if (strcmp(n, "cpe-item") == 0) {
        /* a cpe-item inside another (not in the schema) starts afresh */
        free_refs(R);
        R->in_item = true;
        copy(R->uri, sizeof R->uri, attr(a, "name"));
        R->name[0] = '\0';
        const char *dep = attr(a, "deprecated");
        R->item.deprecated = dep && strcmp(dep, "true") == 0;
        R->item.line = (unsigned)XML_GetCurrentLineNumber(R->xp);
    } else if (R->in_item && strcmp(n, "cpe23-item") == 0) {
        copy(R->name, sizeof R->name, attr(a, "name"));
    } else if (R->in_item && strcmp(n, "reference") == 0) {
        const char *href = attr(a, "href");
        if (!href || strlen(href) >= MEDSEC_CPEDICT_MAX_HREF || R->nrefs == MEDSEC_CPEDICT_MAX_REFS)
            return;
        if (!(R->refs[R->nrefs] = medsec_strdup(href))) {
            R->nomem = true;
            XML_StopParser(R->xp, XML_FALSE);
            return;
        }
        R->nrefs++;
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *el)
{
    struct dict_reader *R = ud;
    if (!R->in_item || strcmp(local(el), "cpe-item") != 0)
        return;
    R->in_item = false;
    R->item.name = R->name[0] ? R->name : R->uri;
    R->item.refs = (const char *const *)R->refs;
    R->item.nrefs = R->nrefs;
    if (R->item.name[0] && R->cb(R->ud, &R->item)) {
        R->stopped = true;
        XML_StopParser(R->xp, XML_FALSE);
    }
    free_refs(R);
}

medsec_err dict_reader_init(struct dict_reader **out, const char *origin,
                            int (*cb)(void *ud, const struct medsec_cpedict_item *it), void *ud)
{
    struct dict_reader *R = medsec_calloc(1, sizeof *R);
    if (!R)
        return MEDSEC_ENOMEM;
    /* expat's own allocations go through medsec's, so the context's hook sees them */
    static const XML_Memory_Handling_Suite mem = {medsec_malloc, medsec_realloc, medsec_free};
    R->xp = XML_ParserCreate_MM(NULL, &mem, " ");
    if (!R->xp) {
        medsec_free(R);
        return MEDSEC_ENOMEM;
    }
    XML_SetUserData(R->xp, R);
    XML_SetElementHandler(R->xp, on_start, on_end);
    R->origin = origin;
    R->cb = cb;
    R->ud = ud;
    *out = R;
    return MEDSEC_OK;
}

medsec_err dict_reader_feed(struct dict_reader *R, const char *buf, size_t len, bool final,
                            struct medsec_error *err)
{
    while (!R->stopped) {
        int n = len > (1u << 30) ? 1 << 30 : (int)len;
        if (XML_Parse(R->xp, buf, n, final && (size_t)n == len) == XML_STATUS_ERROR) {
            if (R->nomem || XML_GetErrorCode(R->xp) == XML_ERROR_NO_MEMORY)
                return medsec_error_set(err, MEDSEC_ENOMEM, R->origin, 0, 0, "out of memory");
            if (R->stopped)
                return MEDSEC_OK;
            return medsec_error_set(
                err, MEDSEC_EPARSE, R->origin, (unsigned)XML_GetCurrentLineNumber(R->xp),
                (unsigned)XML_GetCurrentColumnNumber(R->xp) + 1, "XML: %s (not a CPE dictionary?)",
                XML_ErrorString(XML_GetErrorCode(R->xp)));
        }
        buf += n;
        len -= (size_t)n;
        if (!len)
            break;
    }
    return MEDSEC_OK;
}

void dict_reader_free(struct dict_reader *R)
{
    if (!R)
        return;
    free_refs(R);
    XML_ParserFree(R->xp);
    medsec_free(R);
}

medsec_err medsec_cpedict_parse(const char *data, size_t len, const char *origin,
                                int (*cb)(void *ud, const struct medsec_cpedict_item *it), void *ud,
                                struct medsec_error *err)
{
    struct dict_reader *R;
    medsec_err rc = dict_reader_init(&R, origin, cb, ud);
    if (rc)
        return medsec_error_set(err, rc, origin, 0, 0, "out of memory");
    rc = dict_reader_feed(R, data, len, true, err);
    dict_reader_free(R);
    return rc;
}

/* ---- import ---- */

struct dict_import {
    struct importer *im;
    sqlite3_stmt *ins;
    medsec_err rc;
};

/* The product of dictionary name @name as a formatted string with every attribute after the
 * product ANY, into @fs; false for hardware, names that do not parse, and wildcards. */
static bool product_of(const char *name, char *fs, size_t cap)
{
    struct medsec_cpe c, p;
    struct medsec_error ig;
    char part[8];
    if (medsec_cpe_parse(name, strlen(name), &c, &ig) != MEDSEC_OK ||
        medsec_cpe_kind(&c, MEDSEC_CPE_VENDOR) != MEDSEC_CPE_VALUE ||
        medsec_cpe_kind(&c, MEDSEC_CPE_PRODUCT) != MEDSEC_CPE_VALUE ||
        medsec_cpe_unquoted(&c, MEDSEC_CPE_PART, part, sizeof part) != MEDSEC_OK ||
        (strcmp(part, "a") != 0 && strcmp(part, "o") != 0))
        return false;
    /* vendor and product as the formatted string binds them, the rest ANY */
    char full[MEDSEC_CPE_MAX_LEN];
    if (medsec_cpe_format_fs(&c, full, sizeof full) != MEDSEC_OK)
        return false;
    const char *v = full + strlen("cpe:2.3:a:");
    const char *pe = v;
    for (int colons = 0; *pe && colons < 2; pe++)
        if (*pe == '\\' && pe[1])
            pe++;
        else if (*pe == ':')
            colons++;
    size_t vp = (size_t)(pe - v) - 1; /* "vendor:product" */
    if (snprintf(fs, cap, "cpe:2.3:%s:%.*s:*:*:*:*:*:*:*:*", part, (int)vp, v) >= (int)cap ||
        medsec_cpe_parse(fs, strlen(fs), &p, &ig) != MEDSEC_OK)
        return false;
    return true;
}

static int on_item(void *ud, const struct medsec_cpedict_item *it)
{
    struct dict_import *D = ud;
    D->im->stats->cpe_items++;
    char fs[MEDSEC_CPE_MAX_LEN];
    if (it->deprecated || !it->nrefs || !product_of(it->name, fs, sizeof fs))
        return 0;
    for (size_t i = 0; i < it->nrefs; i++) {
        char host[MEDSEC_CPE_URL_HOST_MAX], path[MEDSEC_CPE_URL_PATH_MAX];
        if (!medsec_cpe_url_key(it->refs[i], host, sizeof host, path, sizeof path))
            continue;
        sqlite3_reset(D->ins);
        sqlite3_bind_text(D->ins, 1, host, -1, SQLITE_STATIC);
        sqlite3_bind_text(D->ins, 2, path, -1, SQLITE_STATIC);
        sqlite3_bind_text(D->ins, 3, fs, -1, SQLITE_STATIC);
        if (sqlite3_step(D->ins) != SQLITE_DONE) {
            D->rc = db_fail(D->im->db, D->im->err, "storing a CPE dictionary reference");
            return 1;
        }
        D->im->stats->cpe_refs += (size_t)sqlite3_changes(D->im->db->h);
    }
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Import the dictionary file @path (gzip or plain XML). */
static medsec_err import_file(struct importer *im, const char *path)
{
    struct medsec_error *err = im->err;
    if (!im->dict_done) {
        medsec_err rc = db_exec(im->db, "DELETE FROM cpe_ref", err);
        if (rc)
            return rc;
        im->dict_done = true;
    }
    struct dict_import D = {.im = im};
    if (sqlite3_prepare_v2(im->db->h,
                           "INSERT OR IGNORE INTO cpe_ref(host, path, cpe) VALUES(?, ?, ?)", -1,
                           &D.ins, NULL) != SQLITE_OK)
        return db_fail(im->db, err, "storing CPE dictionary references");
    gzFile gz = gzopen(path, "rb");
    struct dict_reader *R = NULL;
    char *buf = NULL;
    medsec_err rc = MEDSEC_OK;
    if (!gz) {
        rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot open");
        goto out_finalize;
    }
    if ((rc = dict_reader_init(&R, path, on_item, &D)) || !(buf = medsec_malloc(1 << 16))) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
        goto out_close;
    }
    uint64_t total = 0;
    for (;;) {
        int n = gzread(gz, buf, 1 << 16);
        if (n < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            rc = medsec_error_set(err, MEDSEC_EIO, path, 0, 0, "cannot read: %s", msg);
            break;
        }
        total += (uint64_t)n;
        if (total > MEDSEC_CPEDICT_MAX_BYTES) {
            rc = medsec_error_set(err, MEDSEC_ETOOBIG, path, 0, 0,
                                  "more than %llu bytes uncompressed (the dictionary cap)",
                                  (unsigned long long)MEDSEC_CPEDICT_MAX_BYTES);
            break;
        }
        rc = dict_reader_feed(R, buf, (size_t)n, n == 0, err);
        if (!rc)
            rc = D.rc;
        if (rc || n == 0)
            break;
    }
out_close:
    medsec_free(buf);
    dict_reader_free(R);
    if (gz)
        gzclose(gz);
out_finalize:
    sqlite3_finalize(D.ins);
    return rc;
}

/* Does the file @path start like a CPE dictionary (read through gzip when it is gzip)? */
static bool looks_like_dict(const char *path)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return false;
    char head[4097];
    int n = gzread(gz, head, sizeof head - 1);
    gzclose(gz);
    if (n <= 0)
        return false;
    head[n] = '\0';
    return strstr(head, "<cpe-list") != NULL;
}

/* Walk the folder @dir for files named *cpe-dictionary*.xml[.gz]. */
static medsec_err walk(struct importer *im, const char *dir, int depth)
{
    if (depth > MAX_DEPTH)
        return MEDSEC_OK;
    DIR *d = opendir(dir);
    if (!d)
        return MEDSEC_OK; /* the advisory walk reports unreadable folders */
    medsec_err rc = MEDSEC_OK;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;
        struct stat st;
        if (lstat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = walk(im, p, depth + 1);
        else if (S_ISREG(st.st_mode) && strstr(e->d_name, "cpe-dictionary") &&
                 (ends_with(e->d_name, ".xml") || ends_with(e->d_name, ".xml.gz")) &&
                 looks_like_dict(p))
            rc = import_file(im, p);
    }
    closedir(d);
    return rc;
}

medsec_err db_cpedict_import_path(struct importer *im, const char *path, bool *handled)
{
    *handled = false;
    struct stat st;
    if (stat(path, &st) != 0)
        return MEDSEC_OK; /* the advisory reader says why */
    if (S_ISDIR(st.st_mode))
        return walk(im, path, 0);
    if (S_ISREG(st.st_mode) && (ends_with(path, ".xml") || ends_with(path, ".xml.gz")) &&
        looks_like_dict(path)) {
        *handled = true;
        return import_file(im, path);
    }
    return MEDSEC_OK;
}

/* ---- lookup ---- */

medsec_err medsec_db_cpe_refs(struct medsec_db *db, const char *host,
                              int (*cb)(void *ud, const struct medsec_db_cpe_ref *r), void *ud,
                              struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    if (db->schema < DB_SCHEMA_CPE_REF)
        return MEDSEC_OK;
    sqlite3_stmt *s = db_stmt(db, ST_Q_CPE_REF,
                              "SELECT path, cpe FROM cpe_ref WHERE host = ? ORDER BY path, cpe");
    if (!s)
        return db_fail(db, err, "reading CPE dictionary references");
    sqlite3_bind_text(s, 1, host, -1, SQLITE_STATIC);
    int sr;
    while ((sr = sqlite3_step(s)) == SQLITE_ROW) {
        struct medsec_db_cpe_ref r = {(const char *)sqlite3_column_text(s, 0),
                                      (const char *)sqlite3_column_text(s, 1)};
        if (r.path && r.cpe && cb(ud, &r))
            break;
    }
    if (sr != SQLITE_ROW && sr != SQLITE_DONE)
        return db_fail(db, err, "reading CPE dictionary references");
    sqlite3_reset(s);
    return MEDSEC_OK;
}

size_t medsec_db_cpe_ref_count(struct medsec_db *db)
{
    DB_CTX_ENTER(db->ctx);
    if (db->schema < DB_SCHEMA_CPE_REF)
        return 0;
    sqlite3_stmt *s = NULL;
    size_t n = 0;
    if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM cpe_ref", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}
