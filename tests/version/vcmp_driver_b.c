/*
 * vcmp_driver_b.c: reads "scheme<TAB>a<TAB>b" lines on stdin and prints the sign of
 * medsec_version_compare (-1, 0, 1) or "invalid"; a "scheme<TAB>v" line prints "valid" or "invalid".
 * vers: commands: "vers-parse<TAB>text" and "vers-canon<TAB>text" print "ok<TAB>canonical" or
 * "error<TAB>message" (medsec_vers_parse / medsec_vers_parse_canonical); "vers-contains<TAB>range<TAB>v"
 * prints "true", "false" or "error<TAB>message". "scheme?<TAB>name" prints "unknown", or "implemented" /
 * "placeholder" (the scheme's module still rejects "1.0.0").
 * Used by the differential tests (diff_*.py) to feed many cases through one process.
 */
#include <stdio.h>
#include <string.h>

#include "medsec/version.h"

static void vers_cmd(const char *cmd, const char *text, const char *version)
{
    struct medsec_vers r;
    struct medsec_error err = {0};
    medsec_err e = strcmp(cmd, "vers-canon") == 0 ? medsec_vers_parse_canonical(text, &r, &err)
                                                 : medsec_vers_parse(text, &r, &err);
    if (e) {
        printf("error\t%s\n", err.msg);
        return;
    }
    if (strcmp(cmd, "vers-contains") == 0) {
        bool in;
        if (medsec_vers_contains(&r, version ? version : "", &in, &err))
            printf("error\t%s\n", err.msg);
        else
            puts(in ? "true" : "false");
    } else {
        struct medsec_buf b = MEDSEC_BUF_INIT;
        if (medsec_vers_format(&r, &b))
            puts("error\tformat failed");
        else
            printf("ok\t%s\n", b.data);
        medsec_buf_release(&b);
    }
    medsec_vers_release(&r);
}

int main(void)
{
    static char line[8192];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        char *a = strchr(line, '\t');
        if (!a) {
            fputs("usage: scheme<TAB>a[<TAB>b]\n", stderr);
            return 2;
        }
        *a++ = '\0';
        char *b = strchr(a, '\t');
        if (b)
            *b++ = '\0';
        if (strncmp(line, "vers-", 5) == 0) {
            vers_cmd(line, a, b);
            fflush(stdout);
            continue;
        }
        enum medsec_vscheme s;
        if (strcmp(line, "scheme?") == 0) {
            if (!medsec_vscheme_from_name(a, &s))
                puts("unknown");
            else
                puts(medsec_version_valid(s, "1.0.0") ? "implemented" : "placeholder");
            continue;
        }
        if (!medsec_vscheme_from_name(line, &s)) {
            fprintf(stderr, "unknown scheme '%s'\n", line);
            return 2;
        }
        if (!b) {
            puts(medsec_version_valid(s, a) ? "valid" : "invalid");
            continue;
        }
        int r;
        struct medsec_error err = {0};
        if (medsec_version_compare(s, a, b, &r, &err) != MEDSEC_OK)
            puts("invalid");
        else
            printf("%d\n", r);
    }
    return 0;
}
