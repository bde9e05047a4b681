/* cmd_serve.c: `medsec serve`: the post-market server (REST API and web console on
 * libmicrohttpd) over an SQLite or PostgreSQL database, and its administration: `serve migrate`,
 * `serve user add`, `serve token add`. */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "fleet.h"
#include "medsec/checkin.h"
#include "watch.h"
#include "cli.h"
#include "commands.h"
#include "http.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "sdb.h"
#include "srv.h"

#define PEM_MAX ((size_t)1 << 20)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The database URL: --db, else medsec-server.sqlite next to the vulnerability database. */
static char *server_db_url(const char *cmd, const char *db, const char *vulndb)
{
    if (db)
        return medsec_strdup(db);
    char *owned = NULL;
    if (!vulndb && !(vulndb = owned = cli_vulndb_default_path(cmd)))
        return NULL;
    const char *slash = strrchr(vulndb, '/');
    size_t dir = slash ? (size_t)(slash - vulndb) + 1 : 0;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_buf_add(&b, vulndb, dir);
    medsec_buf_adds(&b, "medsec-server.sqlite");
    medsec_free(owned);
    return medsec_buf_detach(&b, NULL);
}

/* Open the server database and apply every module's migrations. */
static int open_migrated(const char *cmd, const char *url, struct sdb **db)
{
    struct medsec_error err = {0};
    medsec_err rc = sdb_open(db, url, &err);
    if (rc) {
        fprintf(stderr, "medsec %s: cannot open the server database %s: %s\n", cmd, cli_esc(url),
                err.msg[0] ? err.msg : medsec_strerror(rc));
        return cli_exit_for(rc);
    }
    for (size_t i = 0; srv_migrations[i].name; i++) {
        if ((rc = srv_migrations[i].fn(*db, &err)) != MEDSEC_OK) {
            fprintf(stderr, "medsec %s: migrating the %s tables: %s\n", cmd, srv_migrations[i].name,
                    err.msg[0] ? err.msg : medsec_strerror(rc));
            sdb_close(*db);
            *db = NULL;
            return rc == MEDSEC_EUNSUPPORTED ? EXIT_USAGE : EXIT_INTERNAL;
        }
    }
    return EXIT_OK_;
}

static int read_pem(const char *what, const char *path, struct medsec_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "medsec serve: %s %s: %s\n", what, cli_esc(path), strerror(errno));
        return EXIT_USAGE;
    }
    medsec_buf_init(b, PEM_MAX);
    char chunk[4096];
    size_t n;
    int ex = EXIT_OK_;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (medsec_buf_add(b, chunk, n) != MEDSEC_OK) {
            fprintf(stderr, "medsec serve: %s %s: larger than 1 MiB\n", what, cli_esc(path));
            ex = EXIT_USAGE;
            break;
        }
    if (ferror(f)) {
        fprintf(stderr, "medsec serve: %s %s: %s\n", what, cli_esc(path), strerror(errno));
        ex = EXIT_USAGE;
    }
    fclose(f);
    if (ex == EXIT_OK_ && !strstr(b->data, "-----BEGIN ")) {
        fprintf(stderr, "medsec serve: %s %s: not a PEM file\n", what, cli_esc(path));
        ex = EXIT_USAGE;
    }
    return ex;
}

/* ---- medsec serve migrate -------------------------------------------------------------------- */

static int serve_migrate(int argc, char **argv)
{
    const char *db = NULL, *vulndb = NULL;
    const struct cli_option opts[] = {
        {0, "db", CLI_OPT_STRING, &db, 0, "URL",
         "server database: a path or sqlite:PATH, or postgresql://... (default\n"
         "medsec-server.sqlite next to the vulnerability database)"},
        {0, "vulndb", CLI_OPT_STRING, &vulndb, 0, "PATH", "the vulnerability database"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "serve migrate",
        .usage = "medsec serve migrate [--db URL] [--vulndb PATH]",
        .about = "Create or update the server database's tables (every module's migrations, in\n"
                 "order). `medsec serve` does it on start too.\n",
        .opts = opts,
        .more = "Exit codes: 0 done, 2 bad usage or a database made by a newer medsec, 3 error.\n",
        .max_args = 0,
        .extra = "no operands",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (nargs)
        return cli_usage_error("serve migrate", "no operands");
    char *url = server_db_url("serve migrate", db, vulndb);
    if (!url)
        return EXIT_USAGE;
    struct sdb *sdb;
    if ((ex = open_migrated("serve migrate", url, &sdb)) == EXIT_OK_) {
        printf("%s: migrated\n", cli_esc(url));
        sdb_close(sdb);
    }
    medsec_free(url);
    return ex;
}

/* ---- medsec serve user add / token add ------------------------------------------------------- */

/* The password: from a terminal with a prompt (twice, no echo), else the first line of stdin. */
static int read_password(char *out, size_t cap)
{
    int tty = isatty(STDIN_FILENO);
    char again[1100];
    for (int round = 0; round < (tty ? 2 : 1); round++) {
        char *dst = round ? again : out;
        size_t dcap = round ? sizeof again : cap;
        struct termios old, quiet;
        if (tty) {
            fputs(round ? "Again: " : "Password: ", stderr);
            fflush(stderr);
            tcgetattr(STDIN_FILENO, &old);
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        char *got = fgets(dst, (int)dcap, stdin);
        if (tty) {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
            fputc('\n', stderr);
        }
        if (!got) {
            fprintf(stderr, "medsec serve user add: no password on standard input\n");
            return EXIT_USAGE;
        }
        size_t n = strlen(dst);
        if (n && dst[n - 1] != '\n' && !feof(stdin)) {
            fprintf(stderr, "medsec serve user add: the password is longer than 1024 bytes\n");
            return EXIT_USAGE;
        }
        while (n && (dst[n - 1] == '\n' || dst[n - 1] == '\r'))
            dst[--n] = 0;
    }
    if (tty && strcmp(out, again) != 0) {
        fprintf(stderr, "medsec serve user add: the two passwords differ\n");
        return EXIT_USAGE;
    }
    return EXIT_OK_;
}

static int serve_add(int argc, char **argv, int token)
{
    const char *db = NULL, *vulndb = NULL, *role = NULL, *hospital = NULL;
    const char *cmd = token ? "serve token add" : "serve user add";
    const struct cli_option opts[] = {
        {0, "role", CLI_OPT_STRING, &role, 0, "ROLE",
         "admin, analyst, regulatory or hospital (required)"},
        {0, "hospital", CLI_OPT_STRING, &hospital, 0, "H",
         "the hospital (id or name) of a hospital account"},
        {0, "db", CLI_OPT_STRING, &db, 0, "URL",
         "server database (default medsec-server.sqlite next to the\nvulnerability database)"},
        {0, "vulndb", CLI_OPT_STRING, &vulndb, 0, "PATH", "the vulnerability database"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = cmd,
        .usage = token ? "medsec serve token add NAME --role ROLE [--hospital H] [--db URL]"
                       : "medsec serve user add NAME --role ROLE [--hospital H] [--db URL]",
        .about =
            token ? "Create an API token (sent as `Authorization: Bearer TOKEN`) with a role and\n"
                    "print it, once: the server keeps only its SHA-256.\n"
                  : "Create a console and API user with a role. The password (at least 12\n"
                    "characters) is asked twice on a terminal, else read as the first line of\n"
                    "standard input; it is stored as an Argon2id hash.\n",
        .opts = opts,
        .more = "Exit codes: 0 created, 2 bad usage, name taken, unknown hospital, 3 error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing NAME",
        .extra = "one NAME only",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    unsigned bit = srv_role_parse(role);
    if (!role)
        return cli_usage_error(cmd, "--role is required");
    if (!bit)
        return cli_usage_error(cmd, "--role: one of admin, analyst, regulatory, hospital, not '%s'",
                               role);
    if ((bit == SRV_ROLE_HOSPITAL) != (hospital != NULL))
        return cli_usage_error(cmd, bit == SRV_ROLE_HOSPITAL
                                        ? "--hospital is required for a hospital account"
                                        : "--hospital is only for a hospital account");
    struct medsec_error err = {0};
    if (srv_auth_init(&err) != MEDSEC_OK)
        return cli_fail(&err, err.code);
    char password[1100] = "";
    if (!token && (ex = read_password(password, sizeof password)) != EXIT_OK_)
        return ex;
    char *url = server_db_url(cmd, db, vulndb);
    if (!url)
        return EXIT_USAGE;
    struct sdb *sdb = NULL;
    if ((ex = open_migrated(cmd, url, &sdb)) != EXIT_OK_)
        goto out_free_url;
    int64_t hid = 0, id = 0;
    medsec_err rc = MEDSEC_OK;
    if (hospital && (rc = srv_auth_hospital_find(sdb, hospital, &hid, &err)) != MEDSEC_OK) {
        fprintf(stderr, "medsec %s: %s\n", cmd, err.msg);
        ex = EXIT_USAGE;
        goto out_close;
    }
    struct srv_req rq = srv_auth_cli_req(sdb);
    char secret[65];
    if ((rc = sdb_begin(sdb, &err)) ||
        (rc = token ? srv_auth_token_add(&rq, args[0], bit, hid, secret, &id, &err)
                    : srv_auth_user_add(&rq, args[0], bit, hid, password, &id, &err)) ||
        (rc = sdb_commit(sdb, &err))) {
        sdb_rollback(sdb);
        fprintf(stderr, "medsec %s: %s\n", cmd, err.msg[0] ? err.msg : medsec_strerror(rc));
        ex = cli_exit_for(rc);
        goto out_close;
    }
    if (token)
        printf("%s\n", secret);
    else
        printf("user %s (%s) added, id %lld\n", cli_esc(args[0]), role, (long long)id);
out_close:
    sdb_close(sdb);
out_free_url:
    medsec_free(url);
    memset(password, 0, sizeof password);
    return ex;
}

/* ---- the demo fleet ------------------------------------------------------------------------- */

/* Register each --device folder's model and releases (audited as the command line's). */
static int register_devices(struct sdb *db, const struct cli_strings *dirs, int64_t *models,
                            size_t *nmodels)
{
    struct medsec_error err = {0};
    struct srv_req rq = srv_auth_cli_req(db);
    *nmodels = 0;
    for (size_t i = 0; i < dirs->n; i++) {
        int64_t id = 0;
        size_t nrel = 0;
        char detail[80];
        medsec_err rc;
        if ((rc = sdb_begin(db, &err)) ||
            (rc = srv_fleet_model_add(db, dirs->v[i], &id, &nrel, &err)) ||
            (snprintf(detail, sizeof detail, "{\"releases_added\":%zu}", nrel),
             rc = srv_audit(&rq, "model.register", "models", detail, &err)) ||
            (rc = sdb_commit(db, &err))) {
            sdb_rollback(db);
            fprintf(stderr, "medsec serve: --device %s: %s\n", cli_esc(dirs->v[i]),
                    err.msg[0] ? err.msg : medsec_strerror(rc));
            return cli_exit_for(rc);
        }
        if (*nmodels < 64)
            models[(*nmodels)++] = id;
        printf("medsec serve: device model %s: %zu new releases\n", cli_esc(dirs->v[i]), nrel);
    }
    return EXIT_OK_;
}

struct demo_release {
    int64_t id, model_id, secver;
    char version[33];
};

/* A demonstration fleet of @n devices on the releases of @models, when there are no devices yet:
 * hospitals with three sites each, devices spread over the models and their releases (keys
 * derived from a fixed seed, srv_fleet_gen_device), and a signed check-in from each of the first
 * 500, taken through the same path as a real device's. */
static int demo_fleet(struct sdb *db, size_t n, const int64_t *models, size_t nmodels)
{
    static const char *const site_names[] = {"ICU", "Oncology", "Surgery"};
    static const char *const countries[] = {"DE", "FR", "NL", "IT", "ES", "AT"};
    struct medsec_error err = {0};
    int64_t have = 0;
    medsec_err rc = sdb_query_int(db, "SELECT COUNT(*) FROM devices", NULL, 0, &have, &err);
    if (rc == MEDSEC_OK && have > 0) {
        printf("medsec serve: the database has %lld devices: no demo fleet added\n",
               (long long)have);
        return EXIT_OK_;
    }
    struct demo_release rel[256];
    size_t nrel = 0;
    for (size_t m = 0; !rc && m < nmodels; m++) {
        struct sdb_rows *r;
        if ((rc = sdb_query(db,
                            "SELECT id, model_id, security_version, version FROM releases"
                            " WHERE model_id = $1 ORDER BY released_at, id",
                            &SDB_I(models[m]), 1, &r, &err)))
            break;
        while (nrel < 256 && sdb_step(r, &err) == 1) {
            rel[nrel].id = sdb_int(r, 0);
            rel[nrel].model_id = sdb_int(r, 1);
            rel[nrel].secver = sdb_int(r, 2);
            snprintf(rel[nrel].version, sizeof rel[nrel].version, "%s",
                     sdb_text(r, 3) ? sdb_text(r, 3) : "");
            nrel++;
        }
        sdb_rows_free(r);
    }
    if (!rc && nrel == 0) {
        fprintf(stderr, "medsec serve: --demo-fleet: the --device models have no releases\n");
        return EXIT_USAGE;
    }
    size_t nhosp = n / 200 + 1 > 40 ? 40 : n / 200 + 1;
    int64_t sites[40 * 3];
    size_t nsites = 0;
    int64_t now = (int64_t)time(NULL);
    if (!rc)
        rc = sdb_begin(db, &err);
    for (size_t h = 0; !rc && h < nhosp; h++) {
        char name[64];
        int64_t hid;
        snprintf(name, sizeof name, "Demo Hospital %02zu", h + 1);
        rc = srv_fleet_hospital_add(db, name, countries[h % 6], &hid, &err);
        for (size_t s = 0; !rc && s < 3; s++)
            rc = srv_fleet_site_add(db, hid, site_names[s], &sites[nsites++], &err);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        unsigned char uuid[16], pk[32], sk[64];
        char serial[32], uhex[33], pkhex[65];
        srv_fleet_gen_device(1, i, uuid, pk, sk);
        srv_fleet_hex(uuid, 16, uhex);
        srv_fleet_hex(pk, 32, pkhex);
        /* models in turn; within a model, older releases on fewer devices as time went on */
        const int64_t model = models[i % nmodels];
        size_t first = 0, count = 0;
        for (size_t k = 0; k < nrel; k++)
            if (rel[k].model_id == model) {
                if (!count)
                    first = k;
                count++;
            }
        if (!count)
            continue;
        const struct demo_release *r = &rel[first + (i * 7 + i / 3) % count];
        snprintf(serial, sizeof serial, "DEMO-%06zu", i + 1);
        struct srv_device_new d = {.model_id = model,
                                   .serial = serial,
                                   .uuid = uhex,
                                   .pubkey = pkhex,
                                   .site_id = sites[(i * 13) % nsites],
                                   .release_id = r->id};
        int64_t id;
        rc = srv_fleet_device_add(db, &d, now - 86400 * 30, &id, &err);
        sodium_memzero(sk, sizeof sk);
    }
    if (!rc)
        rc = sdb_commit(db, &err);
    else
        sdb_rollback(db);
    for (size_t i = 0; !rc && i < n && i < 500; i++) {
        unsigned char uuid[16], pk[32], sk[64], msg[1024];
        size_t len;
        srv_fleet_gen_device(1, i, uuid, pk, sk);
        struct sdb_rows *r;
        char uhex[33];
        srv_fleet_hex(uuid, 16, uhex);
        if ((rc = sdb_query(db,
                            "SELECT r.version, d.security_version FROM devices d"
                            " JOIN releases r ON r.id = d.release_id WHERE d.uuid = $1",
                            &SDB_S(uhex), 1, &r, &err)))
            break;
        struct medsec_checkin ck = {.counter = 1, .time = (uint64_t)now, .slot = 0};
        memcpy(ck.device_id, uuid, 16);
        if (sdb_step(r, &err) == 1) {
            snprintf(ck.version, sizeof ck.version, "%s", sdb_text(r, 0));
            ck.security_version = (uint64_t)sdb_int(r, 1);
        }
        sdb_rows_free(r);
        struct srv_checkin_result res;
        if ((rc = medsec_checkin_make(&ck, sk, msg, sizeof msg, &len, &err)) == MEDSEC_OK)
            rc = srv_fleet_checkin(db, msg, len, now - (int64_t)(i * 37 % 3600), NULL, &res, &err);
        sodium_memzero(sk, sizeof sk);
    }
    if (rc) {
        fprintf(stderr, "medsec serve: --demo-fleet: %s\n",
                err.msg[0] ? err.msg : medsec_strerror(rc));
        return cli_exit_for(rc);
    }
    printf("medsec serve: demo fleet: %zu devices at %zu sites of %zu hospitals\n", n, nsites,
           nhosp);
    return EXIT_OK_;
}

/* ---- medsec serve routes -------------------------------------------------------------------- */

static int serve_routes(int argc, char **argv)
{
    const struct cli_option opts[] = {CLI_OPT_END};
    const struct cli_spec spec = {
        .cmd = "serve routes",
        .usage = "medsec serve routes",
        .about = "List every route the server answers: method, path pattern ({} is one path\n"
                 "segment) and the roles that may call it (public: no login; devices sign).\n",
        .opts = opts,
        .more = "Exit codes: 0 listed, 2 bad usage.\n",
        .max_args = 0,
        .extra = "no operands",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    for (size_t t = 0; srv_route_tables[t]; t++)
        for (const struct srv_route *r = srv_route_tables[t]; r->method; r++) {
            printf("%-6s %-40s ", r->method, r->pattern);
            if (r->roles == SRV_ROLE_PUBLIC)
                printf("public");
            for (unsigned bit = 1, first = 1; bit <= SRV_ROLE_HOSPITAL; bit <<= 1)
                if (r->roles & bit) {
                    printf("%s%s", first ? "" : ",", srv_role_name(bit));
                    first = 0;
                }
            putchar('\n');
        }
    return EXIT_OK_;
}

/* ---- medsec serve ---------------------------------------------------------------------------- */

int cmd_serve(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "migrate") == 0)
        return serve_migrate(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "routes") == 0)
        return serve_routes(argc - 1, argv + 1);
    if (argc > 1 && (strcmp(argv[1], "user") == 0 || strcmp(argv[1], "token") == 0)) {
        int token = argv[1][0] == 't';
        if (argc < 3 || strcmp(argv[2], "add") != 0)
            return cli_usage_error("serve", "'serve %s' takes 'add'", argv[1]);
        return serve_add(argc - 2, argv + 2, token);
    }
    const char *db = NULL, *vulndb = NULL, *listen = "127.0.0.1:8443", *cert = NULL, *key = NULL;
    const char *demo = NULL, *smtp = NULL, *smtp_from = NULL, *secret = NULL, *threads = NULL;
    struct cli_strings devices = {0};
    const struct cli_option opts[] = {
        {0, "db", CLI_OPT_STRING, &db, 0, "URL",
         "server database: a path or sqlite:PATH, or postgresql://... (default\n"
         "medsec-server.sqlite next to the vulnerability database)"},
        {0, "vulndb", CLI_OPT_STRING, &vulndb, 0, "PATH",
         "the vulnerability database the watch scans with (default\n"
         "$XDG_DATA_HOME/medsec/vulndb.sqlite or ~/.local/share/medsec/vulndb.sqlite)"},
        {0, "listen", CLI_OPT_STRING, &listen, 0, "ADDR:PORT",
         "address and port (default 127.0.0.1:8443; port 0: a free one);\n"
         "plain HTTP only on a loopback address, else give --tls-cert and --tls-key"},
        {0, "tls-cert", CLI_OPT_STRING, &cert, 0, "FILE", "TLS certificate chain (PEM)"},
        {0, "tls-key", CLI_OPT_STRING, &key, 0, "FILE", "its private key (PEM)"},
        {0, "device", CLI_OPT_STRINGS, &devices, 0, "DIR",
         "a device folder whose model and releases the fleet knows (repeatable)"},
        {0, "demo-fleet", CLI_OPT_STRING, &demo, 0, "N",
         "generate a demonstration fleet of N devices on the --device models\n"
         "(when the database has no devices yet)"},
        {0, "smtp", CLI_OPT_STRING, &smtp, 0, "URL",
         "SMTP relay for notifications (smtp://host:port)"},
        {0, "smtp-from", CLI_OPT_STRING, &smtp_from, 0, "ADDR", "sender address of the e-mails"},
        {0, "webhook-secret", CLI_OPT_STRING, &secret, 0, "S",
         "key of the HMAC-SHA256 that signs webhook bodies"},
        {0, "threads", CLI_OPT_STRING, &threads, 0, "N", "worker threads (default 2)"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "serve",
        .usage =
            "medsec serve [--db URL] [--vulndb PATH] [--listen ADDR:PORT]\n"
            "             [--tls-cert FILE --tls-key FILE] [--device DIR]... [--demo-fleet N]\n"
            "             [--smtp URL --smtp-from ADDR] [--webhook-secret S]\n"
            "medsec serve migrate [--db URL]\n"
            "medsec serve routes\n"
            "medsec serve user add NAME --role ROLE [--hospital H] [--db URL]\n"
            "medsec serve token add NAME --role ROLE [--hospital H] [--db URL]",
        .about = "The post-market server: the fleet's devices and check-ins, the vulnerability\n"
                 "watch of fielded releases, roll-outs, post-market figures and vigilance, as a\n"
                 "REST API (docs/openapi.json) and a web console, with users, roles and an\n"
                 "audit trail. Applies the database migrations on start; prints the URL it\n"
                 "serves; stops cleanly on SIGINT or SIGTERM.\n",
        .opts = opts,
        .more = "Exit codes: 0 stopped by a signal, 2 bad usage, a bad certificate or an address\n"
                "that cannot be served, 3 error. See docs/serve.md.\n",
        .max_args = 0,
        .extra = "no operands (subcommands: migrate, routes, user add, token add)",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&devices);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    struct medsec_buf certpem = MEDSEC_BUF_INIT, keypem = MEDSEC_BUF_INIT;
    char *url = NULL, *vulndb_owned = NULL;
    struct sdb *sdb = NULL;
    struct srv_http *http = NULL;
    struct medsec_error err = {0};
    unsigned nthreads = 0;
    if (nargs) {
        ex = cli_usage_error("serve",
                             "no operands (subcommands: migrate, routes, user add, token add)");
        goto out;
    }
    if (threads) {
        char *end;
        long t = strtol(threads, &end, 10);
        if (*end || t < 1 || t > 64) {
            ex = cli_usage_error("serve", "--threads: a number from 1 to 64, not '%s'", threads);
            goto out;
        }
        nthreads = (unsigned)t;
    }
    if ((cert != NULL) != (key != NULL)) {
        ex = cli_usage_error("serve", "give --tls-cert and --tls-key together");
        goto out;
    }
    if ((smtp != NULL) != (smtp_from != NULL)) {
        ex = cli_usage_error("serve", "give --smtp and --smtp-from together");
        goto out;
    }
    size_t ndemo = 0;
    if (demo) {
        char *end;
        long long v = strtoll(demo, &end, 10);
        if (!*demo || *end || v < 1 || v > 1000000) {
            ex = cli_usage_error("serve", "--demo-fleet: a number from 1 to 1000000, not '%s'",
                                 demo);
            goto out;
        }
        if (!devices.n) {
            ex = cli_usage_error("serve", "--demo-fleet needs at least one --device folder");
            goto out;
        }
        ndemo = (size_t)v;
    }
    struct sockaddr_storage sa;
    int loopback;
    if (srv_http_parse_listen(listen, &sa, &loopback, &err) != MEDSEC_OK) {
        ex = cli_usage_error("serve", "--%s", err.msg);
        goto out;
    }
    if (!cert && !loopback) {
        ex = cli_usage_error("serve",
                             "--listen %s: plain HTTP only on a loopback address; give --tls-cert"
                             " and --tls-key",
                             listen);
        goto out;
    }
    if (cert && ((ex = read_pem("--tls-cert", cert, &certpem)) != EXIT_OK_ ||
                 (ex = read_pem("--tls-key", key, &keypem)) != EXIT_OK_))
        goto out;
    if (!vulndb && !(vulndb = vulndb_owned = cli_vulndb_default_path("serve"))) {
        ex = EXIT_USAGE;
        goto out;
    }
    if (!(url = server_db_url("serve", db, vulndb))) {
        ex = EXIT_USAGE;
        goto out;
    }
    if ((ex = open_migrated("serve", url, &sdb)) != EXIT_OK_)
        goto out;
    int64_t models[64];
    size_t nmodels = 0;
    if ((ex = register_devices(sdb, &devices, models, &nmodels)) != EXIT_OK_ ||
        (ndemo && (ex = demo_fleet(sdb, ndemo, models, nmodels)) != EXIT_OK_))
        goto out;
    struct srv_config cfg = {
        .db_url = url,
        .vulndb_path = vulndb,
        .device_dirs = devices.v,
        .device_dir_count = devices.n,
        .smtp_url = smtp,
        .smtp_from = smtp_from,
        .webhook_secret = secret,
    };
    struct srv_http_opts ho = {
        .listen = listen,
        .tls_cert_pem = cert ? certpem.data : NULL,
        .tls_key_pem = key ? keypem.data : NULL,
        .threads = nthreads,
        .cfg = &cfg,
    };
    struct sigaction act = {0};
    act.sa_handler = on_signal;
    sigemptyset(&act.sa_mask);
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    signal(SIGPIPE, SIG_IGN);
    medsec_err rc = srv_http_start(&http, &ho, &err);
    if (rc) {
        fprintf(stderr, "medsec serve: %s\n", err.msg[0] ? err.msg : medsec_strerror(rc));
        ex = rc == MEDSEC_EINVAL || rc == MEDSEC_EIO ? EXIT_USAGE : EXIT_INTERNAL;
        goto out;
    }
    char host[64];
    snprintf(host, sizeof host, "%s", listen);
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = 0;
    printf("medsec serve: listening on %s://%s:%u/ (database %s)\n", cert ? "https" : "http", host,
           srv_http_port(http), cli_esc(url));
    fflush(stdout);
    /* the vulnerability watch: a rescan now, then whenever the database file changes */
    struct srv_watch_poller poller = {0};
    int64_t delivered_at = 0;
    char last_error[512] = "";
    while (!stop_requested) {
        int64_t now = (int64_t)time(NULL);
        bool ran = false;
        struct medsec_error werr = {0};
        medsec_err wrc = srv_watch_poll(&poller, sdb, &cfg, now, &ran, &werr);
        if (wrc == MEDSEC_OK && now - delivered_at >= 60) {
            size_t sent = 0, failed = 0;
            wrc = srv_watch_deliver(sdb, &cfg, now, &sent, &failed, &werr);
            delivered_at = now;
        }
        if (wrc != MEDSEC_OK && strcmp(werr.msg, last_error) != 0) {
            fprintf(stderr, "medsec serve: watch: %s\n",
                    werr.msg[0] ? werr.msg : medsec_strerror(wrc));
            snprintf(last_error, sizeof last_error, "%s", werr.msg);
        } else if (ran) {
            printf("medsec serve: watch: rescanned the releases against %s\n", cli_esc(vulndb));
            fflush(stdout);
            last_error[0] = 0;
        }
        for (int i = 0; i < 5 && !stop_requested; i++) {
            struct timespec ts = {0, 200 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    srv_http_stop(http);
    printf("medsec serve: stopped\n");
    fflush(stdout);
    ex = EXIT_OK_;
out:
    sdb_close(sdb);
    medsec_free(url);
    medsec_free(vulndb_owned);
    if (keypem.cap)
        memset(keypem.data, 0, keypem.len);
    medsec_buf_release(&certpem);
    medsec_buf_release(&keypem);
    cli_strings_release(&devices);
    return ex;
}
