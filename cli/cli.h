/* cli.h: what the subcommands of the medsec command share: exit codes, the command table entry,
 * option helpers, tables and progress bars. Only the CLI prints. */
#ifndef MEDSEC_CLI_H
#define MEDSEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

/* Map a library error to an exit code: input problems are 2, the rest 3. */
int cli_exit_for(medsec_err rc);
/* Print "medsec: FILE:LINE:COL: error: MSG" (the parts that are known) to stderr. */
void cli_print_error(const struct medsec_error *e);
/* Print "medsec CMD: MSG" to stderr and return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the diagnostics to @out as "file:line:column: severity: message" lines. */
void cli_print_diags(FILE *out, const struct medsec_diags *d);
/* Write a whole text to stdout; false when stdout failed. */
bool cli_write_stdout(const char *data, size_t len);
struct medsec_db;
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

/* True when @f is a terminal and the user did not ask for plain output (NO_COLOR, TERM=dumb). */
bool cli_is_tty(FILE *f);

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
