/* vulndb.c: where the vulnerability database is by default, and opening it read-only for the
 * commands that match against it. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "medsec/alloc.h"
#include "medsec/db.h"
#include "medsec/file.h"

char *cli_vulndb_default_path(const char *cmd)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char buf[4096];
    if (xdg && *xdg)
        snprintf(buf, sizeof buf, "%s/medsec/vulndb.sqlite", xdg);
    else if (home && *home)
        snprintf(buf, sizeof buf, "%s/.local/share/medsec/vulndb.sqlite", home);
    else
        buf[0] = '\0';
    char *path = buf[0] ? medsec_strdup(buf) : NULL;
    if (!path)
        fprintf(stderr, "medsec %s: no --db given and neither XDG_DATA_HOME nor HOME is set\n",
                cmd);
    return path;
}

int cli_vulndb_check(const char *cmd, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
        return EXIT_OK_;
    /* SQLite would wait for ever on a FIFO */
    fprintf(stderr, "medsec %s: %s is %s, not a regular file: not a vulnerability database\n", cmd,
            cli_esc(path), medsec_file_kind((unsigned)st.st_mode));
    return EXIT_USAGE;
}

int cli_open_vulndb(const char *cmd, const char *path, struct medsec_db **db, char **owned)
{
    *db = NULL;
    *owned = NULL;
    if (!path) {
        if (!(*owned = cli_vulndb_default_path(cmd)))
            return EXIT_USAGE;
        path = *owned;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(
            stderr,
            "medsec %s: no vulnerability database at %s: fill it with `medsec db import PATH...` "
            "or `medsec db update`\n",
            cmd, cli_esc(path));
        return EXIT_USAGE;
    }
    int ex = cli_vulndb_check(cmd, path);
    if (ex != EXIT_OK_)
        return ex;
    struct medsec_error err;
    medsec_err rc = medsec_db_open(cli_context(), path, MEDSEC_DB_READONLY, db, &err);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}
