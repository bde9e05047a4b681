/* cmd_db.c: `medsec db import|status|update`: the local vulnerability database. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/db.h"
#include "medsec/json.h"

static void db_usage(FILE *out)
{
    fputs("usage: medsec db import [--db PATH] [--json] PATH...\n"
          "       medsec db status [--db PATH] [--json]\n"
          "       medsec db update [--db PATH] [--json] [--mirror URL] [options]\n"
          "\n"
          "Keep the local vulnerability database (one SQLite file) that `medsec scan` reads.\n"
          "\n"
          "  import PATH...  import advisories from files or folders: OSV zips or JSON, NVD JSON 1.1 feeds\n"
          "                  and API 2.0 responses (.json or .json.gz), CSAF 2.0 documents, the CISA KEV\n"
          "                  catalog, EPSS CSV (.csv or .csv.gz), and .tar.gz archives of these. Records\n"
          "                  already stored unchanged are skipped; changed records replace their rows.\n"
          "  status          counts per source, merged vulnerabilities, schema version\n"
          "  update          download the published feeds over HTTPS and import them\n"
          "\n"
          "  --db PATH       database file (default $XDG_DATA_HOME/medsec/vulndb.sqlite or\n"
          "                  ~/.local/share/medsec/vulndb.sqlite)\n"
          "  --json          print the result as JSON\n"
          "  -h, --help      show this help\n"
          "\n"
          "update options:\n"
          "  --mirror URL          take every feed from URL/osv, URL/nvd/rest/json/cves/2.0, URL/kev/...,\n"
          "                        URL/epss/..., URL/csaf/provider-metadata.json (a local copy)\n"
          "  --osv-base URL        OSV bucket ({URL}/{ecosystem}/all.zip)\n"
          "  --ecosystems LIST     comma-separated OSV ecosystems (default: Go,PyPI,crates.io,npm,Maven,\n"
          "                        NuGet,RubyGems,Packagist,Debian,Alpine,AlmaLinux)\n"
          "  --nvd-api URL         NVD CVE API 2.0 endpoint (API key from $NVD_API_KEY)\n"
          "  --kev-url URL, --epss-url URL, --csaf-provider URL\n"
          "  --sources LIST        comma-separated subset of osv,nvd,csaf,kev,epss (default all)\n"
          "  --page-size N         NVD resultsPerPage (default 2000)\n"
          "  --delay-ms N          pause between NVD pages and before retries (default: NVD's advice,\n"
          "                        6000 ms, or 600 ms with an API key)\n"
          "  --retries N           attempts after a failed request (default 3)\n"
          "  --cache DIR           where downloads are kept (default DB.cache)\n"
          "\n"
          "Exit codes: 0 done (malformed records are skipped with warnings), 2 bad usage or unreadable\n"
          "input, 3 database, network or internal error.\n",
          out);
}

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

static void print_import_text(const struct medsec_db_import_stats *st)
{
    printf("%-6s %9s %9s %9s %9s %9s\n", "SOURCE", "RECORDS", "ADDED", "UPDATED", "UNCHANGED", "OLDER");
    for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++)
        printf("%-6s %9zu %9zu %9zu %9zu %9zu\n", medsec_adv_source_name((enum medsec_adv_source)i),
               st->read.records[i], st->added[i], st->updated[i], st->unchanged[i], st->older[i]);
    printf("malformed records skipped: %zu\nfiles not recognised: %zu\nCSAF ranges needing review: %zu\n"
           "vulnerabilities (aliases merged): %zu\n",
           st->read.malformed, st->read.ignored, st->read.needs_review, st->identities);
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

/* Finish the JSON text of @w (over @b), print it and free it; returns the exit code. */
static int print_json(struct medsec_jsonw *w, struct medsec_buf *b)
{
    int ex = medsec_jsonw_finish(w) || !cli_write_stdout(b->data, b->len) ? EXIT_INTERNAL : EXIT_OK_;
    medsec_buf_release(b);
    return ex;
}

/* The figures of an import, or of an update when @up is given; returns the exit code. */
static int print_run(bool json, const struct medsec_db_import_stats *st, const struct medsec_db_update_stats *up)
{
    if (!json) {
        if (up)
            printf("downloads: %zu, not modified: %zu, failed: %zu, NVD pages: %zu\n", up->downloaded,
                   up->not_modified, up->failed, up->nvd_pages);
        print_import_text(st);
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
        medsec_jsonw_kv_int(&w, "nvd_pages", (long long)up->nvd_pages);
    }
    json_import(&w, st);
    medsec_jsonw_object_end(&w);
    return print_json(&w, &b);
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
    if (!(flags & MEDSEC_DB_READONLY) && medsec_db_make_parent(path, &err) != MEDSEC_OK) {
        cli_print_error(&err);
        return cli_exit_for(err.code);
    }
    medsec_err rc = medsec_db_open(cli_context(), path, flags, db, &err);
    if (rc) {
        cli_print_error(&err);
        return rc == MEDSEC_EDB ? EXIT_USAGE : cli_exit_for(rc);
    }
    return EXIT_OK_;
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
        struct medsec_db_import_opts opts = {.progress = on_progress, .ud = &p};
        rc = medsec_db_import(db, paths, n, &opts, &st.import, &diags, &err);
    }
    progress_end(&p);
    print_diags(&diags);
    medsec_diags_release(&diags);
    if (rc) {
        cli_print_error(&err);
        ex = cli_exit_for(rc);
    } else {
        ex = print_run(c->json, &st.import, o ? &st : NULL);
    }
    medsec_db_close(db);
out_free:
    medsec_free(owned);
    return ex;
}

static int db_import(const struct common *c, int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("db import", "give at least one file or folder");
    return import_or_update(c, (const char *const *)argv, (size_t)argc, NULL);
}

static int db_status(const struct common *c, int argc, char **argv)
{
    (void)argv;
    if (argc > 0)
        return cli_usage_error("db status", "unexpected argument '%s'", argv[0]);
    struct medsec_db *db = NULL;
    char *owned = NULL;
    int ex = open_db(c, MEDSEC_DB_READONLY, &db, &owned);
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
    if (c->json) {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        struct medsec_jsonw w;
        medsec_jsonw_init(&w, &b, 1);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "schema_version", st.schema_version);
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
        medsec_jsonw_object_end(&w);
        ex = print_json(&w, &b);
    } else {
        printf("schema version: %d\nlast import: %s\nlast update: %s\n", st.schema_version,
               st.last_import[0] ? st.last_import : "never", st.last_update[0] ? st.last_update : "never");
        printf("%-6s %9s %15s %9s\n", "SOURCE", "RECORDS", "VULNERABILITIES", "AFFECTED");
        for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++)
            printf("%-6s %9zu %15zu %9zu\n", medsec_adv_source_name((enum medsec_adv_source)i), st.advisories[i],
                   st.vulns[i], st.affected[i]);
        printf("CPE match criteria: %zu (in %zu configuration nodes)\n"
               "vulnerabilities (aliases merged): %zu, named by %zu ids\n"
               "CSAF ranges needing review: %zu\n",
               st.cpe_matches, st.cpe_nodes, st.identities, st.aliases, st.needs_review);
    }
out_close:
    medsec_db_close(db);
out_free:
    medsec_free(owned);
    return ex;
}

static bool parse_long(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0)
        return false;
    *out = v;
    return true;
}

static int db_update(const struct common *c, struct medsec_db_update_opts *o, int argc, char **argv)
{
    (void)argv;
    if (argc > 0)
        return cli_usage_error("db update", "unexpected argument '%s'", argv[0]);
    const char *key = getenv("NVD_API_KEY");
    if (key && *key)
        o->nvd_api_key = key;
    return import_or_update(c, NULL, 0, o);
}

enum { OPT_DB = 256, OPT_MIRROR, OPT_OSV, OPT_ECOS, OPT_NVD, OPT_KEV, OPT_EPSS, OPT_CSAF, OPT_SOURCES,
       OPT_PAGE, OPT_DELAY, OPT_RETRIES, OPT_CACHE };

int cmd_db(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},           {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},                  {"mirror", required_argument, NULL, OPT_MIRROR},
        {"osv-base", required_argument, NULL, OPT_OSV},    {"ecosystems", required_argument, NULL, OPT_ECOS},
        {"nvd-api", required_argument, NULL, OPT_NVD},     {"kev-url", required_argument, NULL, OPT_KEV},
        {"epss-url", required_argument, NULL, OPT_EPSS},   {"csaf-provider", required_argument, NULL, OPT_CSAF},
        {"sources", required_argument, NULL, OPT_SOURCES}, {"page-size", required_argument, NULL, OPT_PAGE},
        {"delay-ms", required_argument, NULL, OPT_DELAY},  {"retries", required_argument, NULL, OPT_RETRIES},
        {"cache", required_argument, NULL, OPT_CACHE},     {NULL, 0, NULL, 0},
    };
    struct common c = {0};
    struct medsec_db_update_opts o = {.delay_ms = -1};
    char *ecos_copy = NULL;
    const char *ecos[64];
    int ex = EXIT_OK_;
    optind = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "hj", longopts, NULL)) != -1) {
        long v;
        switch (opt) {
        case 'h':
            db_usage(stdout);
            goto out_free;
        case 'j':
            c.json = true;
            break;
        case OPT_DB:
            c.db = optarg;
            break;
        case OPT_MIRROR:
            o.mirror = optarg;
            break;
        case OPT_OSV:
            o.osv_base = optarg;
            break;
        case OPT_NVD:
            o.nvd_api = optarg;
            break;
        case OPT_KEV:
            o.kev_url = optarg;
            break;
        case OPT_EPSS:
            o.epss_url = optarg;
            break;
        case OPT_CSAF:
            o.csaf_provider = optarg;
            break;
        case OPT_CACHE:
            o.cache_dir = optarg;
            break;
        case OPT_ECOS: {
            medsec_free(ecos_copy);
            ecos_copy = medsec_strdup(optarg);
            if (!ecos_copy) {
                ex = EXIT_INTERNAL;
                goto out_free;
            }
            o.n_osv_ecosystems = 0;
            for (char *tok = strtok(ecos_copy, ","); tok && o.n_osv_ecosystems < 64; tok = strtok(NULL, ","))
                ecos[o.n_osv_ecosystems++] = tok;
            o.osv_ecosystems = ecos;
            break;
        }
        case OPT_SOURCES: {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", optarg);
            o.sources = 0;
            for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
                int i;
                for (i = 0; i < MEDSEC_ADV_NSOURCES; i++)
                    if (strcmp(tok, medsec_adv_source_name((enum medsec_adv_source)i)) == 0)
                        break;
                if (i == MEDSEC_ADV_NSOURCES) {
                    ex = cli_usage_error("db", "unknown source '%s' (osv, nvd, csaf, kev, epss)", tok);
                    goto out_free;
                }
                o.sources |= 1u << i;
            }
            break;
        }
        case OPT_PAGE:
        case OPT_DELAY:
        case OPT_RETRIES:
            if (!parse_long(optarg, &v) || v > 1000000) {
                ex = cli_usage_error("db", "'%s' is not a valid number", optarg);
                goto out_free;
            }
            if (opt == OPT_PAGE)
                o.nvd_page_size = v;
            else if (opt == OPT_DELAY)
                o.delay_ms = v;
            else
                o.retries = (int)v;
            break;
        default:
            ex = EXIT_USAGE;
            goto out_free;
        }
    }
    if (optind >= argc) {
        ex = cli_usage_error("db", "missing subcommand (import, status or update)");
        goto out_free;
    }
    const char *sub = argv[optind++];
    int nrest = argc - optind;
    char **rest = argv + optind;
    if (strcmp(sub, "import") == 0)
        ex = db_import(&c, nrest, rest);
    else if (strcmp(sub, "status") == 0)
        ex = db_status(&c, nrest, rest);
    else if (strcmp(sub, "update") == 0)
        ex = db_update(&c, &o, nrest, rest);
    else
        ex = cli_usage_error("db", "unknown subcommand '%s' (import, status or update)", sub);
out_free:
    medsec_free(ecos_copy);
    return ex;
}
