/* reader.c: what a text is: a .json document recognised by its content as OSV, NVD (1.1 feed or API
 * 2.0 response), CSAF or the KEV catalog, a .csv as EPSS or KEV; each handed to its parser, and the
 * records on to the caller's sink, with warnings for malformed ones. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reader.h"

void adv_reader_init(struct adv_reader *r, const struct medsec_adv_sink *sink,
                     struct medsec_adv_read_stats *stats, struct medsec_diags *diags,
                     struct medsec_error *err)
{
    memset(r, 0, sizeof *r);
    r->sink = sink;
    r->stats = stats ? stats : &r->own_stats;
    r->diags = diags;
    r->err = err ? err : &r->own_err;
    medsec_error_clear(r->err);
}

void adv_reader_release(struct adv_reader *r)
{
    medsec_arena_release(&r->arena);
}

void adv_warn(struct adv_reader *r, const char *origin, unsigned line, unsigned col,
              const char *fmt, ...)
{
    if (!r->diags)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (void)medsec_diags_add(r->diags, MEDSEC_SEV_WARNING, origin, line, col, NULL, "%s", msg);
}

bool adv_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *find_in(const char *text, size_t len, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= len; i++) {
        const char *p = memchr(text + i, needle[0], len - i - m + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
        i = (size_t)(p - text);
    }
    return NULL;
}

void adv_progress(struct adv_reader *r, uint64_t done)
{
    if (r->sink->progress && r->progress_path)
        r->sink->progress(r->sink->ud, r->progress_path, done, r->progress_total);
}

void adv_file_seen(struct adv_reader *r, const char *origin, enum medsec_adv_source s)
{
    if (r->sink->file)
        r->sink->file(r->sink->ud, origin, s);
}

/* ---- records ---- */

static size_t count_review(const struct medsec_advisory *adv)
{
    size_t n = 0;
    for (size_t i = 0; i < adv->n_vulns; i++)
        for (size_t j = 0; j < adv->vulns[i].n_affected; j++)
            n += (adv->vulns[i].affected[j].flags & MEDSEC_ADV_NEEDS_REVIEW) != 0;
    return n;
}

medsec_err adv_deliver(struct adv_reader *r, struct medsec_advisory *adv, const char *origin,
                       uint64_t hash)
{
    adv->origin = origin;
    adv->hash = hash;
    r->stats->records[adv->source]++;
    r->stats->needs_review += count_review(adv);
    medsec_err rc = r->sink->advisory ? r->sink->advisory(r->sink->ud, adv) : MEDSEC_OK;
    if (rc)
        return medsec_error_set(r->err, rc, origin, 0, 0, "storing %s record %s failed",
                                medsec_adv_source_name(adv->source), adv->id);
    return MEDSEC_OK;
}

medsec_err adv_deliver_kev(struct adv_reader *r, const struct medsec_kev_entry *k,
                           const char *origin, unsigned line)
{
    r->stats->records[MEDSEC_ADV_KEV]++;
    medsec_err rc =
        r->sink->kev ? r->sink->kev(r->sink->ud, k, origin, adv_kev_hash(k)) : MEDSEC_OK;
    if (rc)
        return medsec_error_set(r->err, rc, origin, line, 0, "storing KEV entry %s failed", k->cve);
    return MEDSEC_OK;
}

medsec_err adv_record_failed(struct adv_reader *r, const char *origin, unsigned line_base,
                             medsec_err rc, const struct medsec_error *e)
{
    if (rc == MEDSEC_ENOMEM || rc == MEDSEC_EINTERNAL) {
        *r->err = *e;
        r->err->code = rc;
        return rc;
    }
    unsigned line = e->line ? e->line + line_base : line_base;
    adv_warn(r, origin, line, e->line ? e->column : 0, "%s; record skipped",
             e->msg[0] ? e->msg : medsec_strerror(rc));
    r->stats->malformed++;
    return MEDSEC_OK;
}

/* ---- one JSON document ---- */

bool adv_looks_nvd(const char *text, size_t len)
{
    size_t n = len < ADV_PEEK ? len : ADV_PEEK;
    return find_in(text, n, "\"CVE_Items\"") || find_in(text, n, "\"NVD_CVE\"");
}

medsec_err adv_read_json(struct adv_reader *r, const char *origin, const char *text, size_t len)
{
    if (adv_looks_nvd(text, len))
        return adv_nvd_read(r, origin, text, len);
    uint64_t h = medsec_adv_hash(text, len);
    if (r->sink->known && r->sink->known(r->sink->ud, h)) {
        enum medsec_adv_source s =
            find_in(text, len < ADV_PEEK ? len : ADV_PEEK, "\"csaf_version\"") ? MEDSEC_ADV_CSAF
                                                                               : MEDSEC_ADV_OSV;
        r->stats->records[s]++;
        r->stats->known++;
        return MEDSEC_OK;
    }
    struct medsec_json_doc *doc = NULL;
    struct medsec_error e;
    medsec_error_clear(&e);
    struct medsec_json_limits lim = {.max_bytes = ADV_MAX_FILE};
    medsec_err rc = medsec_json_parse(text, len, &lim, origin, &doc, &e);
    if (rc)
        return adv_record_failed(r, origin, 0, rc, &e);
    const struct medsec_json *root = doc->root;
    struct medsec_advisory adv;
    const struct medsec_json *vulns = medsec_json_get(root, "vulnerabilities");
    if (medsec_json_get(root, "document") &&
        medsec_json_get(medsec_json_get(root, "document"), "csaf_version")) {
        adv_file_seen(r, origin, MEDSEC_ADV_CSAF);
        rc = medsec_csaf_from_json(doc, root, &r->arena, &adv, &e);
        rc = rc ? adv_record_failed(r, origin, 0, rc, &e) : adv_deliver(r, &adv, origin, h);
    } else if (medsec_json_get(root, "catalogVersion") &&
               medsec_json_is(vulns, MEDSEC_JSON_ARRAY)) {
        adv_file_seen(r, origin, MEDSEC_ADV_KEV);
        for (size_t i = 0; !rc && i < vulns->len; i++) {
            const struct medsec_json *item = medsec_json_at(vulns, i);
            struct medsec_kev_entry k;
            rc = medsec_kev_from_json(item, &k, &e);
            if (rc) {
                unsigned line, col;
                medsec_json_position(doc, item, &line, &col);
                adv_warn(r, origin, line, col, "%s; entry skipped", e.msg);
                r->stats->malformed++;
                rc = MEDSEC_OK;
                continue;
            }
            rc = adv_deliver_kev(r, &k, origin, 0);
        }
    } else if (medsec_json_is(vulns, MEDSEC_JSON_ARRAY) && vulns->len &&
               medsec_json_get(medsec_json_at(vulns, 0), "cve")) {
        medsec_json_doc_free(doc);
        medsec_arena_release(&r->arena);
        return adv_nvd_read(r, origin, text, len);
    } else if (adv_str(root, "id") &&
               (medsec_json_get(root, "modified") || medsec_json_get(root, "affected"))) {
        adv_file_seen(r, origin, MEDSEC_ADV_OSV);
        rc = medsec_osv_from_json(doc, root, &r->arena, &adv, &e);
        rc = rc ? adv_record_failed(r, origin, 0, rc, &e) : adv_deliver(r, &adv, origin, h);
    } else {
        r->stats->ignored++;
    }
    medsec_json_doc_free(doc);
    medsec_arena_release(&r->arena);
    return rc;
}

medsec_err adv_read_content(struct adv_reader *r, const char *origin, const char *text, size_t len)
{
    if (adv_ends_with(origin, ".json"))
        return adv_read_json(r, origin, text, len);
    if (adv_ends_with(origin, ".csv") && adv_epss_detect(text, len)) {
        adv_file_seen(r, origin, MEDSEC_ADV_EPSS);
        return adv_epss_read(r, origin, text, len);
    }
    if (adv_ends_with(origin, ".csv") && adv_kev_csv_detect(text, len)) {
        adv_file_seen(r, origin, MEDSEC_ADV_KEV);
        return adv_kev_csv_read(r, origin, text, len);
    }
    r->stats->ignored++;
    return MEDSEC_OK;
}

medsec_err medsec_adv_read_buffer(const char *name, const void *data, size_t len,
                                  const struct medsec_adv_sink *sink,
                                  struct medsec_adv_read_stats *stats, struct medsec_diags *diags,
                                  struct medsec_error *err)
{
    struct adv_reader r;
    adv_reader_init(&r, sink, stats, diags, err);
    medsec_err rc = adv_read_content(&r, name, data, len);
    adv_reader_release(&r);
    return rc;
}
