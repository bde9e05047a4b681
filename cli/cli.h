/* cli.h: what the subcommands of the medsec command share: exit codes, the command table entry,
 * the option tables and their parser, output destinations, tables and progress bars. Only the CLI
 * prints. */
#ifndef MEDSEC_CLI_H
#define MEDSEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "medsec/buf.h"
#include "medsec/ctx.h"
#include "medsec/diag.h"
#include "medsec/error.h"

/* Exit codes (docs/exit-codes.md). */
enum {
    EXIT_OK_ = 0,      /* success, nothing to report */
    EXIT_FINDINGS = 1, /* the command worked and found problems or a policy failed */
    EXIT_USAGE = 2,    /* bad arguments or bad input */
    EXIT_INTERNAL = 3  /* medsec failed (out of memory, bug, I/O on output) */
};

struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

/* The command table, in cli/main.c. */
extern const struct cmd medsec_commands[];
extern const size_t medsec_command_count;

/* The one table from a library error to an exit code (docs/exit-codes.md): input problems are 2,
 * the rest 3. No command maps errors by hand. */
int cli_exit_for(medsec_err rc);
/* Print @err (cli_print_error) and return its exit code. */
int cli_fail(const struct medsec_error *err, medsec_err rc);
/* Print "medsec: FILE:LINE:COL: error: MSG" (the parts that are known) to stderr. */
void cli_print_error(const struct medsec_error *e);
/* Print "medsec CMD: MSG" and "Try 'medsec CMD --help'." to stderr and return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the diagnostics to @out as "file:line:column: severity: message" lines. */
void cli_print_diags(FILE *out, const struct medsec_diags *d);
struct medsec_device;
struct medsec_device_opts;
/* Open the device folder @dir under the run's context; on failure print the file's errors and why,
 * and return the exit code. */
int cli_open_device(const char *dir, const struct medsec_device_opts *opts,
                    struct medsec_device **d);
struct medsec_db;
/* The default vulnerability database: $XDG_DATA_HOME/medsec/vulndb.sqlite, else
 * $HOME/.local/share/medsec/vulndb.sqlite (free with medsec_free). NULL when neither variable is
 * set or memory ran out, after saying so on stderr for command @cmd. */
char *cli_vulndb_default_path(const char *cmd);
/* EXIT_OK_ when @path is a regular file or nothing; else (a FIFO, on which SQLite would wait for
 * ever, a folder, a device) say so for command @cmd and return EXIT_USAGE. cli_open_vulndb calls
 * it; a command that opens a database path itself calls it before medsec_db_open. */
int cli_vulndb_check(const char *cmd, const char *path);
/* Open the vulnerability database at @path (NULL: the default path) read-only for command @cmd;
 * prints why not and returns the exit code. *owned (free with medsec_free) holds a default path. */
int cli_open_vulndb(const char *cmd, const char *path, struct medsec_db **db, char **owned);

/* The library context of this run (cli/context.c): the default allocator, and the clock that
 * MEDSEC_NOW ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ") fixes when set, else the system's. main()
 * builds it once and enters it, so every library call runs under it. cli_context_init returns an
 * exit code (EXIT_USAGE when MEDSEC_NOW is malformed). */
int cli_context_init(void);
const struct medsec_ctx *cli_context(void);
/* "Today" of the run's clock as YYYY-MM-DD into @buf; returns @buf. */
const char *cli_today(char buf[11]);

/*
 * Text for people: tables, diagnostics, errors and the text formats are printed with every control
 * character escaped, always (on a terminal or not), so that a name from an SBOM or a file name
 * cannot move the cursor, retitle the window or hide what came before. \t \n \r as such, other C0
 * controls and DEL as \xHH, C1 controls (U+0080..U+009F) as \u00HH, a byte that is not part of
 * well-formed UTF-8 as \xHH; the rest of UTF-8 as it is. JSON, CSV and SARIF are for machines and
 * escape by their own rules.
 */
/* Append @s to @b escaped. */
medsec_err cli_escape(struct medsec_buf *b, const char *s);
/* @s escaped for printf: @s itself when nothing needs escaping (NULL stays NULL), else a copy that
 * stays valid for the next 15 calls (enough for one printf). */
const char *cli_esc(const char *s);

/* @path as a SARIF artifactLocation.uri (a URI reference, SARIF 2.1.0 3.4.3) written into @b:
 * every byte a path segment may not hold percent-encoded, an absolute path as a file URI. Returns
 * b->data, or NULL when memory ran out. */
const char *cli_sarif_uri(struct medsec_buf *b, const char *path);
/* A SARIF 2.1.0 log up to the open `rules` array of its one run's tool driver @name (the caller
 * writes the rules, closes them and the driver and tool, then writes the results). */
struct medsec_jsonw;
void cli_sarif_begin(struct medsec_jsonw *w, const char *name);

/* True when @f is a terminal and the user did not ask for plain output (NO_COLOR set to anything
 * but the empty string, or TERM=dumb): progress bars are drawn only then. */
bool cli_is_tty(FILE *f);

/* ---- options (as git's parse-options: one declarative table per command) ----------------------
 */

enum cli_opt_kind {
    CLI_OPT_FLAG,    /* bool *value = true */
    CLI_OPT_STRING,  /* const char **value = the argument (the last one given counts) */
    CLI_OPT_STRINGS, /* struct cli_strings *value: every argument, in order (repeatable) */
    CLI_OPT_FORMAT,  /* int *value = `format`; two different formats exclude each other */
    CLI_OPT_HEADING  /* no option: a heading in the help ("update options:") */
};

/* Output formats a command can offer beside its text (CLI_OPT_FORMAT). */
enum cli_format { CLI_TEXT = 0, CLI_JSON, CLI_CSV, CLI_SARIF, CLI_JUNIT };

struct cli_strings {
    const char **v;     /* owned array of pointers into argv; free with cli_strings_release */
    size_t n, cap, max; /* max: at most this many (0 = no limit) */
};
void cli_strings_release(struct cli_strings *s);

struct cli_option {
    char shrt;       /* 'o', or 0 */
    const char *lng; /* "output", or NULL */
    enum cli_opt_kind kind;
    void *value;
    int format;       /* CLI_OPT_FORMAT: the format the option selects */
    const char *arg;  /* the value's name in the help ("PATH"); options with a value have one */
    const char *help; /* one or more lines, '\n' between them */
};
/* clang-format off */
#define CLI_OPT_END {0, NULL, CLI_OPT_FLAG, NULL, 0, NULL, NULL} /* the table ends at the first NULL help */
#define CLI_OPT_GROUP(title) {0, NULL, CLI_OPT_HEADING, NULL, 0, NULL, (title)}
/* The shared ones. */
#define CLI_OPT_OUTPUT(path) \
    {'o', "output", CLI_OPT_STRING, (path), 0, "FILE", "write to FILE (atomically) instead of standard output"}
#define CLI_OPT_DB(path)                                                                                   \
    {0, "db", CLI_OPT_STRING, (path), 0, "PATH",                                                          \
     "vulnerability database (default $XDG_DATA_HOME/medsec/vulndb.sqlite\nor ~/.local/share/medsec/vulndb.sqlite)"}
/* clang-format on */

/* What a command takes and says about itself; its --help is generated from it. */
struct cli_spec {
    const char *cmd;               /* "risk", "db import": for messages */
    const char *usage;             /* usage lines without "usage: " ('\n' between them) */
    const char *about;             /* what the command does, before the options (may be NULL) */
    const struct cli_option *opts; /* ends with CLI_OPT_END; -h/--help is added */
    const char *more;              /* after the options: exit codes and the like (may be NULL) */
    unsigned min_args, max_args;   /* operands; max_args 0 = no limit */
    const char *missing;           /* message when there are fewer than min_args */
    const char *extra;             /* message when there are more than max_args */
};

/* The operands of a command on one device folder (in a struct cli_spec initializer). */
#define CLI_ONE_DEVICE_FOLDER                                                                      \
    .min_args = 1, .max_args = 1, .missing = "missing device folder",                              \
    .extra = "one device folder only"

#define CLI_HELP_SHOWN (-1)
/*
 * Parse @argv (argv[0] is the command's name) against @spec: options anywhere, "--" ends them,
 * "--opt=VALUE", "--opt VALUE", "-oVALUE", "-o VALUE". Operands go to *@args (pointers into argv)
 * and *@nargs. Returns EXIT_OK_; CLI_HELP_SHOWN after printing the help for -h/--help (the command
 * returns EXIT_OK_ then); EXIT_USAGE after printing the same message every command gives for an
 * unknown option, a missing value, two formats, or a wrong number of operands.
 */
int cli_parse(const struct cli_spec *spec, int argc, char **argv, char ***args, int *nargs);
/* The help text of @spec. */
void cli_help(const struct cli_spec *spec, FILE *out);

/* ---- output ------------------------------------------------------------------------------------
 */

/*
 * Where a command writes its result: standard output, or the file of -o, written atomically when
 * the command is done (a reader sees the old file or the whole new one). Write to `f`.
 */
struct cli_output {
    const char *path; /* NULL: standard output */
    FILE *f;
    char *mem; /* the text for `path`, until cli_output_close */
    size_t len;
    bool keep; /* write the file even when the exit code is not 0 or 1 (a report of bad input) */
};
/* EXIT_OK_ with o->f ready, or EXIT_INTERNAL. */
int cli_output_open(struct cli_output *o, const char *path);
/* Finish: with a file, write it when @ex is EXIT_OK_ or EXIT_FINDINGS (the command produced its
 * result) or `keep` is set, and drop it otherwise. Returns @ex, or the exit code of a failed write.
 */
int cli_output_close(struct cli_output *o, int ex);
/* Write a finished JSON text (medsec_jsonw over @b) to @o; EXIT_INTERNAL when it failed. */
struct medsec_jsonw;
int cli_output_json(struct cli_output *o, struct medsec_jsonw *w, struct medsec_buf *b);

/* A simple text table: columns sized to content (UTF-8 aware), header underlined. */
struct cli_table {
    size_t ncols;
    size_t nrows, cap;
    char **cells; /* nrows * ncols, row-major, owned; row 0 is the header */
};
int cli_table_init(struct cli_table *t, size_t ncols, const char *const *headers);
/* Add a row of @t->ncols cells (NULL prints as "-"); copies the strings. */
int cli_table_add(struct cli_table *t, const char *const *cells);
void cli_table_print(const struct cli_table *t, FILE *out);
void cli_table_release(struct cli_table *t);

/* A progress bar on stderr, drawn only when stderr is a terminal and the work is > 1 s. */
struct cli_progress {
    const char *label;
    unsigned long long total, done;
    double start, last_draw;
    bool enabled, drawn;
};
void cli_progress_start(struct cli_progress *p, const char *label, unsigned long long total);
void cli_progress_update(struct cli_progress *p, unsigned long long done);
void cli_progress_finish(struct cli_progress *p);

#endif
