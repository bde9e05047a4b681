/* cmd_docs.c: `medsec docs DIR -o OUT`: the device's regulatory documents (docs/docs.md). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/date.h"
#include "medsec/docs.h"
#include "medsec/triage.h"

/* What --format selects: the library's formats, and PDF (printed here from the HTML). */
#define FORMAT_PDF (1u << 8)

/* SOURCE_DATE_EPOCH as a date (@out has 11 bytes), when set and valid. */
static const char *source_date(char out[11])
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s)
        return NULL;
    char *end, ts[21];
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0 || v > 253402300799LL)
        return NULL;
    medsec_time_format((int64_t)v, ts);
    memcpy(out, ts, 10);
    out[10] = 0;
    return out;
}

/* "md,html,pdf,files" as format bits; 0 when a word is unknown. */
static unsigned parse_formats(const char *s)
{
    unsigned f = 0;
    while (s && *s) {
        size_t n = strcspn(s, ",");
        if (n == 2 && !strncmp(s, "md", 2))
            f |= MEDSEC_DOCS_MARKDOWN;
        else if (n == 4 && !strncmp(s, "html", 4))
            f |= MEDSEC_DOCS_HTML;
        else if (n == 3 && !strncmp(s, "pdf", 3))
            f |= FORMAT_PDF;
        else if (n == 5 && !strncmp(s, "files", 5))
            f |= MEDSEC_DOCS_FILES;
        else
            return 0;
        s += n + (s[n] == ',');
    }
    return f;
}

/*
 * Run @argv (a program on PATH) with standard input from /dev/null, standard error to /dev/null
 * and standard output into @out (NULL: /dev/null); kill it (and its process group) after
 * @timeout seconds. Returns its exit status, or -1 when it could not run, was killed or timed out.
 */
static int run(char *const argv[], struct medsec_buf *out, int timeout)
{
    int fd[2] = {-1, -1};
    if (out && pipe(fd))
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        if (out)
            close(fd[0]), close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 2);
        dup2(out ? fd[1] : null, 1);
        if (out)
            close(fd[0]);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (out) {
        close(fd[1]);
        fcntl(fd[0], F_SETFL, O_NONBLOCK);
    }
    const struct timespec tick = {0, 20 * 1000 * 1000};
    int status = 0;
    long waited = 0, limit = (long)timeout * 50;
    for (;;) {
        if (out) {
            char b[4096];
            ssize_t n;
            while ((n = read(fd[0], b, sizeof b)) > 0)
                if (out->len < 65536 && medsec_buf_add(out, b, (size_t)n))
                    break;
        }
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 || waited++ > limit) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            status = -1;
            break;
        }
        nanosleep(&tick, NULL);
    }
    if (out)
        close(fd[0]);
    return status == -1 || !WIFEXITED(status) ? -1 : WEXITSTATUS(status);
}

/* The device folder's commit for document control: `git rev-parse HEAD` when @dir is in a git
 * checkout, with " (modified)" when the checkout has changes to tracked files; NULL otherwise. */
static char *source_commit(const char *dir)
{
    struct medsec_buf b = MEDSEC_BUF_INIT, st = MEDSEC_BUF_INIT;
    char *rev[] = {"git", "-C", (char *)dir, "rev-parse", "--verify", "-q", "HEAD", NULL};
    char *status[] = {"git", "-C", (char *)dir, "status", "--porcelain", "--untracked-files=no",
                      NULL};
    char *r = NULL;
    if (run(rev, &b, 30) == 0 && b.len >= 40) {
        b.data[strspn(b.data, "0123456789abcdef")] = 0;
        int clean = run(status, &st, 30);
        if (clean == 0 && (r = medsec_malloc(strlen(b.data) + 12)))
            sprintf(r, "%s%s", b.data, st.len ? " (modified)" : "");
    }
    medsec_buf_release(&b);
    medsec_buf_release(&st);
    return r;
}

/* The Chromium to print PDFs with: $MEDSEC_CHROMIUM, else chromium, chromium-browser or
 * google-chrome on PATH; NULL when there is none. */
static const char *find_chromium(void)
{
    const char *env = getenv("MEDSEC_CHROMIUM");
    if (env && *env)
        return !strchr(env, '/') || access(env, X_OK) == 0 ? env : NULL;
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome"};
    const char *path = getenv("PATH");
    for (size_t i = 0; path && i < sizeof names / sizeof *names; i++) {
        for (const char *p = path; *p;) {
            size_t n = strcspn(p, ":");
            char full[PATH_MAX];
            if (n &&
                snprintf(full, sizeof full, "%.*s/%s", (int)n, p, names[i]) < (int)sizeof full &&
                access(full, X_OK) == 0)
                return names[i];
            p += n + (p[n] == ':');
        }
    }
    return NULL;
}

/* Print every page of OUT/html to OUT/pdf/<page>.pdf with headless Chromium @chrome. */
static int print_pdfs(const struct medsec_docs *set, const char *outdir, const char *chrome)
{
    char abs[PATH_MAX], pdfdir[PATH_MAX + 8], profile[] = "/tmp/medsec-docs-chromium-XXXXXX";
    const char *tmp = getenv("TMPDIR");
    char profile_in[PATH_MAX];
    if (!realpath(outdir, abs)) {
        fprintf(stderr, "medsec docs: %s: %s\n", cli_esc(outdir), strerror(errno));
        return EXIT_INTERNAL;
    }
    snprintf(pdfdir, sizeof pdfdir, "%s/pdf", abs);
    if (mkdir(pdfdir, 0755) && errno != EEXIST) {
        fprintf(stderr, "medsec docs: %s: %s\n", cli_esc(pdfdir), strerror(errno));
        return EXIT_INTERNAL;
    }
    /* a profile of its own, so that runs in parallel do not share one */
    char *prof = profile;
    if (tmp && *tmp &&
        snprintf(profile_in, sizeof profile_in, "%s/medsec-docs-chromium-XXXXXX", tmp) <
            (int)sizeof profile_in)
        prof = profile_in;
    if (!mkdtemp(prof)) {
        fprintf(stderr, "medsec docs: cannot create a temporary folder: %s\n", strerror(errno));
        return EXIT_INTERNAL;
    }
    int ex = EXIT_OK_;
    struct medsec_buf ub = MEDSEC_BUF_INIT;
    size_t n = medsec_docs_count(set);
    for (size_t i = 0; i <= n && ex == EXIT_OK_; i++) {
        const char *id = i == 0 ? "index" : medsec_docs_id(set, i - 1);
        char page[PATH_MAX + 600], pdf[PATH_MAX + 600], udd[PATH_MAX + 32];
        snprintf(page, sizeof page, "%s/html/%s.html", abs, id);
        char *url = (char *)cli_sarif_uri(&ub, page); /* file:// with the path percent-encoded */
        snprintf(pdf, sizeof pdf, "--print-to-pdf=%s/%s.pdf", pdfdir, id);
        snprintf(udd, sizeof udd, "--user-data-dir=%s", prof);
        char *argv[] = {(char *)chrome,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-pdf-header-footer",
                        "--no-first-run",
                        udd,
                        pdf,
                        url,
                        NULL};
        if (!url || run(argv, NULL, 120) != 0) {
            fprintf(stderr, "medsec docs: %s could not print %s/html/%s.html to PDF\n",
                    cli_esc(chrome), cli_esc(outdir), cli_esc(id));
            ex = EXIT_INTERNAL;
        }
    }
    medsec_buf_release(&ub);
    char *rm[] = {"rm", "-rf", "--", prof, NULL};
    run(rm, NULL, 60);
    return ex;
}

/* The gap summary on standard error, grouped by area: a line with the area's count, then one line
 * per gap ("  AREA ITEM: text (document)", for grep). On a terminal each area lists its first few
 * gaps; elsewhere (a CI log) every gap. */
static void gap_summary(const struct medsec_docs *set, const char *outdir, unsigned formats)
{
    size_t n;
    const struct medsec_docs_gap *g = medsec_docs_gaps(set, &n);
    struct medsec_docs_area a[32];
    size_t na = medsec_docs_areas(set, a, sizeof a / sizeof *a);
    if (na > sizeof a / sizeof *a)
        na = sizeof a / sizeof *a;
    const size_t show = cli_is_tty(stderr) ? 5 : (size_t)-1;
    char what[32] = "";
    static const struct {
        unsigned bit;
        const char *name;
    } fmts[] = {{MEDSEC_DOCS_MARKDOWN, "md"},
                {MEDSEC_DOCS_HTML, "html"},
                {FORMAT_PDF, "pdf"},
                {MEDSEC_DOCS_FILES, "files"}};
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++)
        if (formats & fmts[i].bit) {
            strcat(what, *what ? ", " : "");
            strcat(what, fmts[i].name);
        }
    fprintf(stderr, "medsec docs: %zu documents in %s (%s), %zu gap%s\n", medsec_docs_count(set),
            cli_esc(outdir), what, n, n == 1 ? "" : "s");
    for (size_t k = 0; k < na; k++) {
        fprintf(stderr, "%s: %zu\n", cli_esc(a[k].label), a[k].gaps);
        size_t shown = 0;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(g[i].area, a[k].area))
                continue;
            if (shown++ < show)
                fprintf(stderr, "  %s %s: %s (%s)\n", cli_esc(g[i].area), cli_esc(g[i].item),
                        cli_esc(g[i].text), cli_esc(g[i].doc));
        }
        if (shown > show)
            fprintf(stderr, "  ... and %zu more (every gap: %s%s)\n", shown - show, cli_esc(outdir),
                    formats & MEDSEC_DOCS_MARKDOWN ? "/md/index.md"
                    : formats & MEDSEC_DOCS_HTML   ? "/html/index.html"
                                                   : ": the documents; --json lists them");
    }
}

int cmd_docs(int argc, char **argv)
{
    const char *outdir = NULL, *dbpath = NULL, *version = NULL, *format = NULL, *templates = NULL,
               *commit = NULL;
    bool json = false, strict = false, pdf = false;
    struct cli_strings triage_files = {0};
    const struct cli_option opts[] = {
        {'o', "output", CLI_OPT_STRING, &outdir, 0, "OUT", "the folder to write (required)"},
        {0, "version", CLI_OPT_STRING, &version, 0, "V",
         "the release documented (default: the current version)"},
        {0, "db", CLI_OPT_STRING, &dbpath, 0, "PATH",
         "the vulnerability database: the findings, their triage and the\nunresolved anomalies"},
        {0, "triage", CLI_OPT_STRINGS, &triage_files, 0, "FILE",
         "read this triage file too (after the device's own; repeatable; needs --db)"},
        {0, "format", CLI_OPT_STRING, &format, 0, "LIST",
         "what to write, comma-separated: md, html, pdf, files\n(default md,html,files; pdf "
         "prints the HTML pages with Chromium)"},
        {0, "pdf", CLI_OPT_FLAG, &pdf, 0, NULL, "add pdf to the formats"},
        {0, "templates", CLI_OPT_STRING, &templates, 0, "DIR",
         "page.html, cover.html or style.css in DIR replace the built-in ones"},
        {0, "source-commit", CLI_OPT_STRING, &commit, 0, "REV",
         "the commit shown in document control (default: git rev-parse HEAD\nof DIR's checkout, "
         "\"(modified)\" when it has changes)"},
        {0, "json", CLI_OPT_FLAG, &json, 0, NULL,
         "also print the underlying data as JSON on standard output\n(docs/schema/docs.schema.json)"},
        {0, "strict", CLI_OPT_FLAG, &strict, 0, NULL, "exit 1 while any gap remains"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "docs",
        .usage = "medsec docs DIR -o OUT [--version V] [--db PATH] [--triage FILE]...\n"
                 "            [--format LIST] [--pdf] [--templates DIR] [--source-commit REV]\n"
                 "            [--json] [--strict]",
        .about =
            "Write the device's regulatory documents under OUT (docs/docs.md): OUT/md, OUT/html\n"
            "(index.html is the cover with document control), OUT/pdf and OUT/files; print the\n"
            "gaps (what a document must say and the security file gives no source for) by area\n"
            "on standard error. The same input gives byte-identical files: the date is the\n"
            "release's release date, or SOURCE_DATE_EPOCH when set.\n",
        .opts = opts,
        .more = "Exit: 0 written, 1 written but gaps remain under --strict, 2 bad usage or input\n"
                "(also: --pdf without Chromium), 3 internal error.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&triage_files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    unsigned formats = format ? parse_formats(format)
                              : MEDSEC_DOCS_MARKDOWN | MEDSEC_DOCS_HTML | MEDSEC_DOCS_FILES;
    if (pdf)
        formats |= FORMAT_PDF;
    const char *chrome = formats & FORMAT_PDF ? find_chromium() : NULL;
    const char *bad =
        !outdir                     ? "-o OUT is required"
        : !formats                  ? "--format takes md, html, pdf and files, comma-separated"
        : triage_files.n && !dbpath ? "--triage needs --db: triage decisions are about findings"
        : (formats & FORMAT_PDF) && !chrome
            ? "PDF needs Chromium, and none was found (chromium, chromium-browser or\n"
              "google-chrome on PATH, or MEDSEC_CHROMIUM); Debian: apt-get install "
              "chromium"
            : NULL;
    if (bad) {
        cli_strings_release(&triage_files);
        return cli_usage_error("docs", "%s", bad);
    }
    if (formats & FORMAT_PDF) /* the PDFs are printed from the HTML pages */
        formats |= MEDSEC_DOCS_HTML;
    struct medsec_device *d = NULL;
    struct medsec_db *db = NULL;
    char *owned_db = NULL, *owned_commit = NULL;
    struct medsec_triage_session triage = {0};
    struct medsec_docs *set = NULL;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    medsec_err rc = MEDSEC_OK;
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out;
    if (dbpath && (ex = cli_open_vulndb("docs", dbpath, &db, &owned_db)) != EXIT_OK_)
        goto out;
    if (!commit)
        commit = owned_commit = source_commit(args[0]);
    char date[11];
    struct medsec_docs_opts o = {version, source_date(date), commit, db, NULL, templates};
    if (db) {
        const struct medsec_triage_assess_opts ao = {o.date, NULL, true};
        rc = medsec_triage_session_open(cli_context(), args[0], triage_files.v, triage_files.n, db,
                                        &ao, &triage, NULL, &err);
        o.triage = &triage;
    }
    if (!rc)
        rc = medsec_docs_build(d, &o, &set, &err);
    if (!rc)
        rc = medsec_docs_write(set, outdir, formats & ~FORMAT_PDF, &err);
    if (!rc && json)
        rc = medsec_docs_json(set, &b, 1, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out;
    }
    if (formats & FORMAT_PDF)
        ex = print_pdfs(set, outdir, chrome);
    if (json && fwrite(b.data, 1, b.len, stdout) != b.len)
        ex = EXIT_INTERNAL;
    gap_summary(set, outdir, formats);
    size_t ngaps;
    medsec_docs_gaps(set, &ngaps);
    if (ex == EXIT_OK_ && strict && ngaps)
        ex = EXIT_FINDINGS;
out:
    medsec_buf_release(&b);
    medsec_docs_free(set);
    cli_strings_release(&triage_files);
    medsec_triage_session_close(&triage);
    medsec_db_close(db);
    medsec_free(owned_db);
    medsec_free(owned_commit);
    medsec_device_close(d);
    return ex;
}
