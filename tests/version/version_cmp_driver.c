/*
 * version_cmp_driver.c: line-oriented front end to the version schemes, the native ranges and vers:
 * for the differential tests (tests/version/diff_*.py), so that many cases go through one process.
 * Each input line is TAB-separated; one output line per input line:
 *   SCHEME a b                 -> -1 | 0 | 1 | invalid
 *   valid SCHEME v             -> 1 | 0
 *   scheme? NAME               -> unknown | implemented | placeholder (the module rejects "1.0.0")
 *   vers-parse TEXT            -> ok<TAB>canonical | error<TAB>message   (medsec_vers_parse)
 *   vers-canon TEXT            -> the same with medsec_vers_parse_canonical
 *   vers-contains RANGE V      -> true | false | error<TAB>message
 *   npm-range RANGE V FLAGS    -> 1 | 0 | invalid      (FLAGS: bit 1 loose, bit 2
 * includePrerelease) npm-format RANGE FLAGS     -> canonical range | invalid npm-valid V FLAGS -> 1
 * | 0 npm-cmp A B FLAGS          -> -1 | 0 | 1 | invalid pep440-spec SPECS V PRE    -> 1 | 0 |
 * invalid      (PRE: auto | include | exclude) pep440-norm V              -> normalised | invalid
 *   nuget-range RANGE V        -> 1 | 0 | invalid | unsupported
 *   maven-range RANGE V        -> 1 | 0 | invalid
 *   gem-req REQ V              -> 1 | 0 | invalid
 *   conan-range RANGE V PRE    -> 1 | 0 | invalid      (PRE: auto | include | exclude)
 * Fields may use \t, \n, \\ escapes so versions with blanks survive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/version.h"
#include "medsec/vrange.h"

#define MAX_FIELDS 5

static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

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
    if (version) {
        bool in;
        if (medsec_vers_contains(&r, version, &in, &err))
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

static void print_bool(medsec_err e, bool b)
{
    if (e == MEDSEC_EUNSUPPORTED)
        puts("unsupported");
    else if (e)
        puts("invalid");
    else
        puts(b ? "1" : "0");
}

int main(void)
{
    static char line[65536];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *f[MAX_FIELDS] = {0};
        int nf = 0;
        for (char *p = line; nf < MAX_FIELDS;) {
            f[nf++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = '\0';
            p = t + 1;
        }
        for (int i = 0; i < nf; i++)
            unescape(f[i]);
        enum medsec_vscheme s;
        bool b = false;
        medsec_err e;
        if (strcmp(f[0], "valid") == 0 && nf == 3 && medsec_vscheme_from_name(f[1], &s)) {
            puts(medsec_version_valid(s, f[2]) ? "1" : "0");
        } else if (strcmp(f[0], "scheme?") == 0 && nf == 2) {
            if (!medsec_vscheme_from_name(f[1], &s))
                puts("unknown");
            else
                puts(medsec_version_valid(s, "1.0.0") ? "implemented" : "placeholder");
        } else if ((strcmp(f[0], "vers-parse") == 0 || strcmp(f[0], "vers-canon") == 0) &&
                   nf == 2) {
            vers_cmd(f[0], f[1], NULL);
        } else if (strcmp(f[0], "vers-contains") == 0 && nf == 3) {
            vers_cmd(f[0], f[1], f[2]);
        } else if (strcmp(f[0], "npm-range") == 0 && nf == 4) {
            e = medsec_npm_range_satisfies(f[1], f[2], (unsigned)atoi(f[3]), &b, NULL);
            print_bool(e, b);
        } else if (strcmp(f[0], "npm-format") == 0 && nf == 3) {
            char out[4096];
            if (medsec_npm_range_format(f[1], (unsigned)atoi(f[2]), out, sizeof out, NULL))
                puts("invalid");
            else
                printf("=%s\n", out);
        } else if (strcmp(f[0], "npm-valid") == 0 && nf == 3) {
            puts(medsec_npm_version_valid(f[1], (unsigned)atoi(f[2])) ? "1" : "0");
        } else if (strcmp(f[0], "npm-cmp") == 0 && nf == 4) {
            int r;
            if (medsec_npm_version_compare(f[1], f[2], (unsigned)atoi(f[3]), &r, NULL))
                puts("invalid");
            else
                printf("%d\n", r);
        } else if (strcmp(f[0], "pep440-spec") == 0 && nf == 4) {
            enum medsec_pep440_pre pre = strcmp(f[3], "include") == 0   ? MEDSEC_PEP440_PRE_INCLUDE
                                         : strcmp(f[3], "exclude") == 0 ? MEDSEC_PEP440_PRE_EXCLUDE
                                                                        : MEDSEC_PEP440_PRE_AUTO;
            e = medsec_pep440_specifiers_contain(f[1], f[2], pre, &b, NULL);
            print_bool(e, b);
        } else if (strcmp(f[0], "pep440-norm") == 0 && nf == 2) {
            char out[1024];
            if (medsec_pep440_normalize(f[1], out, sizeof out, NULL))
                puts("invalid");
            else
                printf("=%s\n", out);
        } else if (strcmp(f[0], "nuget-range") == 0 && nf == 3) {
            e = medsec_nuget_range_contains(f[1], f[2], &b, NULL);
            print_bool(e, b);
        } else if (strcmp(f[0], "maven-range") == 0 && nf == 3) {
            e = medsec_maven_range_contains(f[1], f[2], &b, NULL);
            print_bool(e, b);
        } else if (strcmp(f[0], "gem-req") == 0 && nf == 3) {
            e = medsec_gem_requirement_satisfied(f[1], f[2], &b, NULL);
            print_bool(e, b);
        } else if (strcmp(f[0], "conan-range") == 0 && nf == 4) {
            enum medsec_conan_pre pre = strcmp(f[3], "include") == 0   ? MEDSEC_CONAN_PRE_INCLUDE
                                        : strcmp(f[3], "exclude") == 0 ? MEDSEC_CONAN_PRE_EXCLUDE
                                                                       : MEDSEC_CONAN_PRE_AUTO;
            e = medsec_conan_range_contains(f[1], f[2], pre, &b, NULL);
            print_bool(e, b);
        } else if (nf == 3 && medsec_vscheme_from_name(f[0], &s)) {
            int r;
            if (medsec_version_compare(s, f[1], f[2], &r, NULL))
                puts("invalid");
            else
                printf("%d\n", r);
        } else {
            fprintf(stderr, "version_cmp_driver: bad line: %s\n", f[0]);
            return 2;
        }
    }
    return 0;
}
