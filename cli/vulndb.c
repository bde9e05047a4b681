/* vulndb.c: open the vulnerability database read-only for the commands that match against it. */
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "medsec/alloc.h"
#include "medsec/db.h"

int cli_open_vulndb(const char *cmd, const char *path, struct medsec_db **db, char **owned)
{
    *db = NULL;
    *owned = NULL;
    if (!path) {
        *owned = medsec_db_default_path();
        if (!*owned) {
            fprintf(stderr, "medsec %s: no --db given and neither XDG_DATA_HOME nor HOME is set\n", cmd);
            return EXIT_USAGE;
        }
        path = *owned;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "medsec %s: no vulnerability database at %s: fill it with `medsec db import PATH...` "
                        "or `medsec db update`\n",
                cmd, path);
        return EXIT_USAGE;
    }
    struct medsec_error err;
    medsec_err rc = medsec_db_open(path, MEDSEC_DB_READONLY, db, &err);
    if (rc) {
        cli_print_error(&err);
        return rc == MEDSEC_EDB ? EXIT_USAGE : cli_exit_for(rc);
    }
    return EXIT_OK_;
}
