/* cmd_db.c: `medsec db import|status|check|update`: the local vulnerability database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/db.h"
#include "medsec/json.h"

/* ---- progress ---- */

struct prog {
    struct cli_progress bar;
    char label[64];
    bool started;
};

static void on_progress(void *ud, const char *path, uint64_t done, uint64_t total)
{
    struct prog *p = ud;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!p->started || strncmp(p->label, base, sizeof p->label - 1) != 0) {
        if (p->started)
            cli_progress_finish(&p->bar);
        snprintf(p->label, sizeof p->label, "%s", base);
        cli_progress_start(&p->bar, p->label, total);
        p->started = true;
    }
    p->bar.total = total;
    cli_progress_update(&p->bar, done);
}

static void progress_end(struct prog *p)
{
    if (p->started)
        cli_progress_finish(&p->bar);
    p->started = false;
}

/* ---- output ---- */

static void print_import_text(FILE *out, const struct medsec_db_import_stats *st)
{
    fprintf(out, "%-6s %9s %9s %9s %9s %9s\n", "SOURCE", "RECORDS", "ADDED", "UPDATED", "UNCHANGED",
            "OLDER");
    for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++)
        fprintf(out, "%-6s %9zu %9zu %9zu %9zu %9zu\n",
                medsec_adv_source_name((enum medsec_adv_source)i), st->read.records[i],
                st->added[i], st->updated[i], st->unchanged[i], st->older[i]);
    fprintf(
        out,
        "malformed records skipped: %zu\nfiles not recognised: %zu\nCSAF ranges needing review: %zu\n"
        "vulnerabilities (aliases merged): %zu\n",
        st->read.malformed, st->read.ignored, st->read.needs_review, st->identities);
    if (st->cpe_items)
        fprintf(out, "CPE dictionary: %zu products, %zu new product references\n", st->cpe_items,
                st->cpe_refs);
}

static void json_import(struct medsec_jsonw *w, const struct medsec_db_import_stats *st)
{
    medsec_jsonw_key(w, "sources");
    medsec_jsonw_object_begin(w);
    for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++) {
        medsec_jsonw_key(w, medsec_adv_source_name((enum medsec_adv_source)i));
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_int(w, "records", (long long)st->read.records[i]);
        medsec_jsonw_kv_int(w, "added", (long long)st->added[i]);
        medsec_jsonw_kv_int(w, "updated", (long long)st->updated[i]);
        medsec_jsonw_kv_int(w, "unchanged", (long long)st->unchanged[i]);
        medsec_jsonw_kv_int(w, "older", (long long)st->older[i]);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_object_end(w);
    medsec_jsonw_kv_int(w, "malformed", (long long)st->read.malformed);
    medsec_jsonw_kv_int(w, "ignored_files", (long long)st->read.ignored);
    medsec_jsonw_kv_int(w, "needs_review", (long long)st->read.needs_review);
    medsec_jsonw_kv_int(w, "vulnerabilities", (long long)st->identities);
}

/* Finish the JSON text of @w (over @b), write it to @out and free it; returns the exit code. */
static int print_json(struct cli_output *out, struct medsec_jsonw *w, struct medsec_buf *b)
{
    int ex = cli_output_json(out, w, b);
    medsec_buf_release(b);
    return ex;
}

/* The figures of an import, or of an update when @up is given; returns the exit code. */
static int print_run(struct cli_output *out, bool json, const struct medsec_db_import_stats *st,
                     const struct medsec_db_update_stats *up)
{
    if (!json) {
        if (up)
            fprintf(
                out->f,
                "downloads: %zu, not modified: %zu, failed: %zu, rejected: %zu, NVD pages: %zu\n",
                up->downloaded, up->not_modified, up->failed, up->rejected, up->nvd_pages);
        print_import_text(out->f, st);
        return EXIT_OK_;
    }
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    if (up) {
        medsec_jsonw_kv_int(&w, "downloaded", (long long)up->downloaded);
        medsec_jsonw_kv_int(&w, "not_modified", (long long)up->not_modified);
        medsec_jsonw_kv_int(&w, "failed", (long long)up->failed);
        medsec_jsonw_kv_int(&w, "rejected", (long long)up->rejected);
        medsec_jsonw_kv_int(&w, "nvd_pages", (long long)up->nvd_pages);
    }
    json_import(&w, st);
    medsec_jsonw_object_end(&w);
    return print_json(out, &w, &b);
}

static int print_diags(const struct medsec_diags *d)
{
    if (d->n || d->dropped) {
        cli_print_diags(stderr, d);
        if (d->dropped)
            fprintf(stderr, "medsec db: %zu more warnings not shown\n", d->dropped);
    }
    return 0;
}

/* ---- subcommands ---- */

struct common {
    const char *db;
    bool json;
    struct cli_output *out;
    unsigned threads; /* db import: 1 or 2 (0: the library's default, 2) */
};

static int open_db(const struct common *c, unsigned flags, struct medsec_db **db, char **owned)
{
    struct medsec_error err;
    medsec_error_clear(&err);
    const char *path = c->db;
    *owned = NULL;
    if (!path) {
        if (!(*owned = cli_vulndb_default_path("db")))
            return EXIT_USAGE;
        path = *owned;
    }
    int ex = cli_vulndb_check("db", path); /* a FIFO would hold SQLite for ever */
    if (ex != EXIT_OK_)
        return ex;
    if (!(flags & MEDSEC_DB_READONLY) && medsec_db_make_parent(path, &err) != MEDSEC_OK) {
        cli_print_error(&err);
        return cli_exit_for(err.code);
    }
    medsec_err rc = medsec_db_open(cli_context(), path, flags, db, &err);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}

/* db import (@o NULL: the @n @paths) or db update (@o): run it on the database with a progress bar,
 * print the warnings, then the error or the figures. Returns the exit code. */
static int import_or_update(const struct common *c, const char *const *paths, size_t n,
                            struct medsec_db_update_opts *o)
{
    struct medsec_db *db = NULL;
    char *owned = NULL;
    int ex = open_db(c, 0, &db, &owned);
    if (ex)
        goto out_free;
    struct prog p = {0};
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    diags.max = 1000;
    struct medsec_error err;
    struct medsec_db_update_stats st;
    medsec_err rc;
    if (o) {
        o->progress = on_progress;
        o->ud = &p;
        rc = medsec_db_update(db, o, &st, &diags, &err);
    } else {
        struct medsec_db_import_opts opts = {
            .progress = on_progress, .ud = &p, .threads = c->threads};
        rc = medsec_db_import(db, paths, n, &opts, &st.import, &diags, &err);
    }
    progress_end(&p);
    print_diags(&diags);
    medsec_diags_release(&diags);
    if (rc) {
        cli_print_error(&err);
        ex = cli_exit_for(rc);
    } else {
        ex = print_run(c->out, c->json, &st.import, o ? &st : NULL);
    }
    medsec_db_close(db);
out_free:
    medsec_free(owned);
    return ex;
}

static int db_import(const struct common *c, int argc, char **argv)
{
    return import_or_update(c, (const char *const *)argv, (size_t)argc, NULL);
}

static int db_status(const struct common *c)
{
    struct medsec_db *db = NULL;
    char *owned = NULL;
    int ex = open_db(c, MEDSEC_DB_READONLY | MEDSEC_DB_UNFINISHED, &db, &owned);
    if (ex)
        goto out_free;
    struct medsec_db_status st;
    struct medsec_error err;
    medsec_err rc = medsec_db_status(db, &st, &err);
    if (rc) {
        cli_print_error(&err);
        ex = cli_exit_for(rc);
        goto out_close;
    }
    const struct medsec_db_coverage *cov = NULL;
    if ((rc = medsec_db_coverage(db, &cov, &err))) {
        cli_print_error(&err);
        ex = cli_exit_for(rc);
        goto out_close;
    }
    if (!st.complete)
        fprintf(stderr, "medsec db status: warning: %s\n", medsec_db_unfinished_msg());
    if (c->json) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        medsec_jsonw_init(&w, &b, 1);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "schema_version", st.schema_version);
        medsec_jsonw_kv_bool(&w, "complete", st.complete);
        medsec_jsonw_kv_string(&w, "last_import", st.last_import[0] ? st.last_import : NULL);
        medsec_jsonw_kv_string(&w, "last_update", st.last_update[0] ? st.last_update : NULL);
        medsec_jsonw_key(&w, "sources");
        medsec_jsonw_object_begin(&w);
        for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++) {
            medsec_jsonw_key(&w, medsec_adv_source_name((enum medsec_adv_source)i));
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_int(&w, "records", (long long)st.advisories[i]);
            medsec_jsonw_kv_int(&w, "vulnerabilities", (long long)st.vulns[i]);
            medsec_jsonw_kv_int(&w, "affected", (long long)st.affected[i]);
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_object_end(&w);
        medsec_jsonw_kv_int(&w, "cpe_matches", (long long)st.cpe_matches);
        medsec_jsonw_kv_int(&w, "cpe_nodes", (long long)st.cpe_nodes);
        medsec_jsonw_kv_int(&w, "vulnerabilities", (long long)st.identities);
        medsec_jsonw_kv_int(&w, "aliases", (long long)st.aliases);
        medsec_jsonw_kv_int(&w, "needs_review", (long long)st.needs_review);
        /* what a scan can check: vulnerabilities per path, source and purl ecosystem */
        medsec_jsonw_key(&w, "coverage");
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < cov->n; i++) {
            const struct medsec_db_cover *cv = &cov->items[i];
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_string(&w, "path", medsec_db_cover_path_name(cv->path));
            medsec_jsonw_kv_string(&w, "source", medsec_adv_source_name(cv->source));
            medsec_jsonw_kv_string(&w, "ecosystem", cv->ecosystem[0] ? cv->ecosystem : NULL);
            medsec_jsonw_kv_int(&w, "vulnerabilities", (long long)cv->entries);
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_array_end(&w);
        medsec_jsonw_key(&w, "verified");
        medsec_jsonw_object_begin(&w);
        for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++) {
            const struct medsec_db_verified *v = &st.verified[i];
            medsec_jsonw_key(&w, medsec_adv_source_name((enum medsec_adv_source)i));
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_int(&w, "files", (long long)v->files);
            medsec_jsonw_kv_int(&w, "sha256", (long long)v->sha256);
            medsec_jsonw_kv_int(&w, "sha512", (long long)v->sha512);
            medsec_jsonw_kv_int(&w, "openpgp", (long long)v->openpgp);
            medsec_jsonw_kv_int(&w, "modified", (long long)v->modified);
            medsec_jsonw_kv_int(&w, "unverified", (long long)v->unverified);
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_object_end(&w);
        medsec_jsonw_object_end(&w);
        ex = print_json(c->out, &w, &b);
    } else {
        FILE *out = c->out->f;
        fprintf(out, "schema version: %d\nlast import: %s\nlast update: %s\n", st.schema_version,
                st.last_import[0] ? cli_esc(st.last_import) : "never",
                st.last_update[0] ? cli_esc(st.last_update) : "never");
        fprintf(out, "%-6s %9s %15s %9s\n", "SOURCE", "RECORDS", "VULNERABILITIES", "AFFECTED");
        for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++)
            fprintf(out, "%-6s %9zu %15zu %9zu\n",
                    medsec_adv_source_name((enum medsec_adv_source)i), st.advisories[i],
                    st.vulns[i], st.affected[i]);
        fprintf(out,
                "CPE match criteria: %zu (in %zu configuration nodes)\n"
                "vulnerabilities (aliases merged): %zu, named by %zu ids\n"
                "CSAF ranges needing review: %zu\n",
                st.cpe_matches, st.cpe_nodes, st.identities, st.aliases, st.needs_review);
        /* what a scan can check; a purl ecosystem not listed is one no scan can check */
        fprintf(out, "coverage (what a scan can check):\n");
        if (!cov->n)
            fprintf(out, "  nothing: the database holds no advisory data\n");
        else
            fprintf(out, "  %-8s %-6s %-28s %15s\n", "PATH", "SOURCE", "ECOSYSTEM",
                    "VULNERABILITIES");
        for (size_t i = 0; i < cov->n; i++) {
            const struct medsec_db_cover *cv = &cov->items[i];
            fprintf(out, "  %-8s %-6s %-28s %15zu\n", medsec_db_cover_path_name(cv->path),
                    medsec_adv_source_name(cv->source),
                    cv->ecosystem[0] ? cli_esc(cv->ecosystem) : "-", cv->entries);
        }
        for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++) {
            const struct medsec_db_verified *v = &st.verified[i];
            if (v->files)
                fprintf(out,
                        "%s files updated: %zu (sha256 %zu, sha512 %zu, OpenPGP %zu, modified"
                        " times %zu, unverified %zu)\n",
                        medsec_adv_source_name((enum medsec_adv_source)i), v->files, v->sha256,
                        v->sha512, v->openpgp, v->modified, v->unverified);
        }
    }
out_close:
    medsec_db_close(db);
out_free:
    medsec_free(owned);
    return ex;
}

static int db_check(const struct common *c)
{
    struct medsec_db *db = NULL;
    char *owned = NULL;
    int ex = open_db(c, MEDSEC_DB_READONLY | MEDSEC_DB_UNFINISHED, &db, &owned);
    if (ex)
        goto out_free;
    struct medsec_diags problems = MEDSEC_DIAGS_INIT;
    problems.max = 1000;
    struct medsec_error err;
    medsec_err rc = medsec_db_check(db, &problems, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_release;
    }
    ex = problems.n ? EXIT_FINDINGS : EXIT_OK_;
    if (c->json) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        medsec_jsonw_init(&w, &b, 1);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_bool(&w, "ok", problems.n == 0);
        medsec_jsonw_key(&w, "problems");
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < problems.n; i++)
            medsec_jsonw_string(&w, problems.v[i].msg);
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
        int jx = print_json(c->out, &w, &b);
        ex = jx ? jx : ex;
    } else if (problems.n == 0) {
        fprintf(c->out->f, "ok: the file is sound and its invariants hold\n");
    } else {
        for (size_t i = 0; i < problems.n; i++)
            fprintf(c->out->f, "problem: %s\n", cli_esc(problems.v[i].msg));
        if (problems.dropped)
            fprintf(c->out->f, "problem: %zu more not shown\n", problems.dropped);
    }
out_release:
    medsec_diags_release(&problems);
    medsec_db_close(db);
out_free:
    medsec_free(owned);
    return ex;
}

static bool parse_long(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 1000000)
        return false;
    *out = v;
    return true;
}

/* The update options as strings, checked and turned into @o. */
struct update_args {
    const char *mirror, *osv_base, *ecosystems, *nvd_api, *kev_url, *epss_url, *csaf_provider,
        *sources;
    const char *page_size, *delay_ms, *retries, *cache;
    const char *download_timeout, *update_timeout, *min_rate, *rate_grace, *cacert;
    const char *nvd_feeds, *nvd_feeds_url;
};

/* Split the comma-separated @list (copied to *@copy) into @v (at most @max words), *@n words. */
static int split_list(const char *list, char **copy, const char **v, size_t max, size_t *n)
{
    *n = 0;
    if (!(*copy = medsec_strdup(list)))
        return EXIT_INTERNAL;
    char *save = NULL;
    for (char *tok = strtok_r(*copy, ",", &save); tok && *n < max; tok = strtok_r(NULL, ",", &save))
        v[(*n)++] = tok;
    return EXIT_OK_;
}

static int update_opts(const struct update_args *a, struct medsec_db_update_opts *o,
                       char *ecos_copy[2], const char **ecos, size_t max_ecos)
{
    o->mirror = a->mirror;
    o->osv_base = a->osv_base;
    o->nvd_api = a->nvd_api;
    o->kev_url = a->kev_url;
    o->epss_url = a->epss_url;
    o->csaf_provider = a->csaf_provider;
    o->cache_dir = a->cache;
    /* the ecosystems take the first half of @ecos, the NVD 1.1 feeds the second */
    if (a->ecosystems) {
        if (split_list(a->ecosystems, &ecos_copy[0], ecos, max_ecos / 2, &o->n_osv_ecosystems))
            return EXIT_INTERNAL;
        o->osv_ecosystems = ecos;
    }
    if (a->nvd_feeds) {
        if (split_list(a->nvd_feeds, &ecos_copy[1], ecos + max_ecos / 2, max_ecos / 2,
                       &o->n_nvd_feeds))
            return EXIT_INTERNAL;
        o->nvd_feeds = ecos + max_ecos / 2;
    }
    if (a->nvd_feeds_url && !a->nvd_feeds)
        return cli_usage_error("db update", "--nvd-feeds-url needs --nvd-feeds");
    o->nvd_feeds_url = a->nvd_feeds_url;
    if (a->sources) {
        char buf[256], *save = NULL;
        snprintf(buf, sizeof buf, "%s", a->sources);
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            enum medsec_adv_source src;
            if (!medsec_adv_source_parse(tok, &src))
                return cli_usage_error("db", "unknown source '%s' (osv, nvd, csaf, kev, epss)",
                                       tok);
            o->sources |= 1u << src;
        }
    }
    const char *nums[] = {a->page_size,      a->delay_ms, a->retries,   a->download_timeout,
                          a->update_timeout, a->min_rate, a->rate_grace};
    long v[] = {0, -1, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (nums[i] && !parse_long(nums[i], &v[i]))
            return cli_usage_error("db", "'%s' is not a valid number", nums[i]);
    for (size_t i = 3; i < sizeof v / sizeof v[0]; i++)
        if (nums[i] && v[i] == 0 && i != 5)
            return cli_usage_error("db", "'%s': give at least 1 second", nums[i]);
    o->nvd_page_size = v[0];
    o->delay_ms = v[1];
    o->retries = a->retries && v[2] == 0 ? -1 : (int)v[2]; /* --retries 0: none */
    o->download_timeout = v[3];
    o->update_timeout = v[4];
    o->min_rate = a->min_rate && v[5] == 0 ? -1 : v[5]; /* --min-rate 0: no minimum */
    o->rate_grace = v[6];
    o->ca_file = a->cacert;
    const char *key = getenv("NVD_API_KEY");
    if (key && *key)
        o->nvd_api_key = key;
    return EXIT_OK_;
}

int cmd_db(int argc, char **argv)
{
    struct common c = {0};
    struct update_args u = {0};
    const char *output = NULL, *threads = NULL;
    int format = CLI_TEXT;
    const struct cli_option opts[] = {
        CLI_OPT_DB(&c.db),
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print the result as JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_GROUP("import options:"),
        {0, "threads", CLI_OPT_STRING, &threads, 0, "N",
         "2 (the default): store the records on a second thread while the first\n"
         "reads and parses the files; 1: both on one thread (same result)"},
        CLI_OPT_GROUP("update options:"),
        {0, "mirror", CLI_OPT_STRING, &u.mirror, 0, "URL",
         "take every feed from URL/osv, URL/nvd/rest/json/cves/2.0, URL/kev/...,\n"
         "URL/epss/..., URL/csaf/provider-metadata.json (a local copy)"},
        {0, "osv-base", CLI_OPT_STRING, &u.osv_base, 0, "URL",
         "OSV bucket ({URL}/{ecosystem}/all.zip)"},
        {0, "ecosystems", CLI_OPT_STRING, &u.ecosystems, 0, "LIST",
         "comma-separated OSV ecosystems (default: Go,PyPI,crates.io,npm,Maven,\n"
         "NuGet,RubyGems,Packagist,Debian,Alpine,AlmaLinux)"},
        {0, "nvd-api", CLI_OPT_STRING, &u.nvd_api, 0, "URL",
         "NVD CVE API 2.0 endpoint (API key from $NVD_API_KEY)"},
        {0, "nvd-feeds", CLI_OPT_STRING, &u.nvd_feeds, 0, "LIST",
         "take NVD from these JSON 1.1 feeds instead (2002,...,modified,recent),\n"
         "each checked against the sha256 of its .meta"},
        {0, "nvd-feeds-url", CLI_OPT_STRING, &u.nvd_feeds_url, 0, "URL",
         "folder of the NVD 1.1 feeds (default the mirror's nvd/feeds/json/cve/1.1)"},
        {0, "kev-url", CLI_OPT_STRING, &u.kev_url, 0, "URL", "CISA KEV catalog (JSON)"},
        {0, "epss-url", CLI_OPT_STRING, &u.epss_url, 0, "URL", "EPSS scores (CSV, gzip)"},
        {0, "csaf-provider", CLI_OPT_STRING, &u.csaf_provider, 0, "URL",
         "CSAF provider-metadata.json"},
        {0, "sources", CLI_OPT_STRING, &u.sources, 0, "LIST",
         "comma-separated subset of osv,nvd,csaf,kev,epss (default all)"},
        {0, "page-size", CLI_OPT_STRING, &u.page_size, 0, "N", "NVD resultsPerPage (default 2000)"},
        {0, "delay-ms", CLI_OPT_STRING, &u.delay_ms, 0, "N",
         "pause between NVD pages and before retries (default: NVD's advice,\n6000 ms, or 600 ms with an API key)"},
        {0, "retries", CLI_OPT_STRING, &u.retries, 0, "N",
         "attempts after a failed request (default 3)"},
        {0, "cache", CLI_OPT_STRING, &u.cache, 0, "DIR",
         "where downloads are kept (default DB.cache)"},
        {0, "download-timeout", CLI_OPT_STRING, &u.download_timeout, 0, "S",
         "give up one download, its retries included, after S seconds (default 1800)"},
        {0, "update-timeout", CLI_OPT_STRING, &u.update_timeout, 0, "S",
         "skip the downloads still left after S seconds of the update (default 14400)"},
        {0, "min-rate", CLI_OPT_STRING, &u.min_rate, 0, "N",
         "abort a transfer slower than N bytes/s on average (default 1024; 0: none)"},
        {0, "rate-grace", CLI_OPT_STRING, &u.rate_grace, 0, "S",
         "apply --min-rate once a transfer has run S seconds (default 60)"},
        {0, "cacert", CLI_OPT_STRING, &u.cacert, 0, "FILE",
         "trust the certificate authorities in FILE (PEM), e.g. a mirror's own"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "db",
        .usage = "medsec db import [--db PATH] [--json] [-o FILE] [--threads N] PATH...\n"
                 "medsec db status [--db PATH] [--json] [-o FILE]\n"
                 "medsec db check [--db PATH] [--json] [-o FILE]\n"
                 "medsec db update [--db PATH] [--json] [-o FILE] [--mirror URL] [options]",
        .about =
            "Keep the local vulnerability database (one SQLite file) that `medsec scan` reads.\n"
            "\n"
            "  import PATH...  import advisories from files or folders: OSV zips or JSON, NVD JSON 1.1 feeds\n"
            "                  and API 2.0 responses (.json or .json.gz), CSAF 2.0 documents, the CISA KEV\n"
            "                  catalog, EPSS CSV (.csv or .csv.gz), and .tar.gz archives of these. Records\n"
            "                  already stored unchanged are skipped; changed records replace their rows.\n"
            "  status          counts per source, merged vulnerabilities, schema version\n"
            "  check           SQLite's integrity check of the file and medsec's own invariants\n"
            "                  (exit 1 when it finds a problem)\n"
            "  update          download the published feeds over HTTPS and import them\n",
        .opts = opts,
        .more =
            "Exit codes: 0 done (malformed records are skipped with warnings), 1 `check` found a\n"
            "problem, 2 bad usage, unreadable input or a database file that cannot be used (not a\n"
            "database, damaged, not writable, a full disk, no import completed), 3 network or internal\n"
            "error, or a database busy with another import.\n",
        .min_args = 1,
        .missing = "missing subcommand (import, status, check or update)",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    c.json = format == CLI_JSON;
    const char *sub = args[0];
    enum { IMPORT, STATUS, UPDATE, CHECK } which;
    if (strcmp(sub, "import") == 0)
        which = IMPORT;
    else if (strcmp(sub, "status") == 0)
        which = STATUS;
    else if (strcmp(sub, "update") == 0)
        which = UPDATE;
    else if (strcmp(sub, "check") == 0)
        which = CHECK;
    else
        return cli_usage_error("db", "unknown subcommand '%s' (import, status, check or update)",
                               sub);
    static const struct update_args none;
    if (which != UPDATE && memcmp(&u, &none, sizeof u) != 0)
        return cli_usage_error("db", "the update options are for 'db update' only");
    if (threads && which != IMPORT)
        return cli_usage_error("db", "--threads is for 'db import' only");
    if (threads && strcmp(threads, "1") != 0 && strcmp(threads, "2") != 0)
        return cli_usage_error("db import", "--threads takes 1 or 2, not '%s'", threads);
    c.threads = threads ? (unsigned)(threads[0] - '0') : 0;
    if (which == IMPORT && nargs < 2)
        return cli_usage_error("db import", "give at least one file or folder");
    static const char *const names[] = {"db import", "db status", "db update", "db check"};
    if (which != IMPORT && nargs > 1)
        return cli_usage_error(names[which], "unexpected argument '%s'", args[1]);

    struct medsec_db_update_opts o = {.delay_ms = -1};
    char *ecos_copy[2] = {NULL, NULL};
    const char *ecos[128];
    struct cli_output out;
    if (which == UPDATE && (ex = update_opts(&u, &o, ecos_copy, ecos, 128)) != EXIT_OK_)
        goto out_free;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        goto out_free;
    c.out = &out;
    ex = which == IMPORT   ? db_import(&c, nargs - 1, args + 1)
         : which == STATUS ? db_status(&c)
         : which == CHECK  ? db_check(&c)
                           : import_or_update(&c, NULL, 0, &o);
    ex = cli_output_close(&out, ex);
out_free:
    medsec_free(ecos_copy[0]);
    medsec_free(ecos_copy[1]);
    return ex;
}
