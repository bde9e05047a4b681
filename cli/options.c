/* options.c: one option parser for every command, driven by the command's table (struct cli_spec),
 * and the --help text generated from the same table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "medsec/alloc.h"

void cli_strings_release(struct cli_strings *s)
{
    medsec_free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

static const struct cli_option help_option = {'h', "help", CLI_OPT_FLAG,    NULL,
                                              0,   NULL,   "show this help"};

static const char *format_option(const struct cli_spec *s, int format)
{
    for (const struct cli_option *o = s->opts; o && o->help; o++)
        if (o->kind == CLI_OPT_FORMAT && o->format == format)
            return o->lng;
    return "?";
}

/* Take the option's value; @text is what the user wrote (for messages). */
static int apply(const struct cli_spec *s, const struct cli_option *o, const char *text,
                 const char *value)
{
    switch (o->kind) {
    case CLI_OPT_FLAG: *(bool *)o->value = true; return EXIT_OK_;
    case CLI_OPT_STRING: *(const char **)o->value = value; return EXIT_OK_;
    case CLI_OPT_STRINGS: {
        struct cli_strings *l = o->value;
        if (l->max && l->n == l->max)
            return cli_usage_error(s->cmd, "at most %zu %s options", l->max, text);
        if (MEDSEC_ARRAY_GROW(l->v, l->n, l->cap)) {
            fprintf(stderr, "medsec %s: out of memory\n", s->cmd);
            return EXIT_INTERNAL;
        }
        l->v[l->n++] = value;
        return EXIT_OK_;
    }
    case CLI_OPT_HEADING: return EXIT_INTERNAL;
    case CLI_OPT_FORMAT: {
        int *f = o->value;
        if (*f != CLI_TEXT && *f != o->format)
            return cli_usage_error(s->cmd, "--%s and --%s exclude each other", format_option(s, *f),
                                   o->lng);
        *f = o->format;
        return EXIT_OK_;
    }
    }
    return EXIT_INTERNAL;
}

static const struct cli_option *find_long(const struct cli_spec *s, const char *name, size_t len)
{
    for (const struct cli_option *o = s->opts; o && o->help; o++)
        if (o->kind != CLI_OPT_HEADING && o->lng && strlen(o->lng) == len &&
            memcmp(o->lng, name, len) == 0)
            return o;
    return strlen(help_option.lng) == len && memcmp(help_option.lng, name, len) == 0 ? &help_option
                                                                                     : NULL;
}

static const struct cli_option *find_short(const struct cli_spec *s, char c)
{
    for (const struct cli_option *o = s->opts; o && o->help; o++)
        if (o->kind != CLI_OPT_HEADING && o->shrt && o->shrt == c)
            return o;
    return c == help_option.shrt ? &help_option : NULL;
}

static bool takes_value(const struct cli_option *o)
{
    return o->kind == CLI_OPT_STRING || o->kind == CLI_OPT_STRINGS;
}

int cli_parse(const struct cli_spec *s, int argc, char **argv, char ***args, int *nargs)
{
    int n = 0;
    bool only_operands = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_operands || a[0] != '-' || a[1] == '\0') {
            argv[1 + n++] = a; /* operands move to the front, in order */
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_operands = true;
            continue;
        }
        const struct cli_option *o;
        const char *value = NULL;
        char text[64];
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            o = find_long(s, a + 2, len);
            snprintf(text, sizeof text, "--%.*s", (int)(len < 50 ? len : 50), a + 2);
            if (o && eq && !takes_value(o))
                return cli_usage_error(s->cmd, "option '%s' takes no value", text);
            if (eq)
                value = eq + 1;
        } else {
            o = find_short(s, a[1]);
            snprintf(text, sizeof text, "-%c", a[1]);
            if (o && a[2]) {
                if (!takes_value(o))
                    return cli_usage_error(s->cmd, "unknown option '%s'", a);
                value = a + 2;
            }
        }
        if (!o)
            return cli_usage_error(s->cmd, "unknown option '%s'", a);
        if (o == &help_option) {
            cli_help(s, stdout);
            return CLI_HELP_SHOWN;
        }
        if (takes_value(o) && !value) {
            if (i + 1 >= argc)
                return cli_usage_error(s->cmd, "option '%s' needs a value (%s)", text,
                                       o->arg ? o->arg : "VALUE");
            value = argv[++i];
        }
        int ex = apply(s, o, text, value);
        if (ex != EXIT_OK_)
            return ex;
    }
    if ((unsigned)n < s->min_args)
        return cli_usage_error(s->cmd, "%s", s->missing ? s->missing : "missing argument");
    if (s->max_args && (unsigned)n > s->max_args)
        return cli_usage_error(s->cmd, "%s", s->extra ? s->extra : "too many arguments");
    *args = argv + 1;
    *nargs = n;
    return EXIT_OK_;
}

/* "  -o, --output FILE" */
static int option_head(const struct cli_option *o, char *buf, size_t cap)
{
    int w =
        snprintf(buf, cap, "  %s%c%s%s%s%s%s", o->shrt ? "-" : "", o->shrt ? o->shrt : ' ',
                 o->shrt && o->lng ? ", "
                 : o->shrt         ? ""
                                   : " ",
                 o->lng ? "--" : "", o->lng ? o->lng : "", o->arg ? " " : "", o->arg ? o->arg : "");
    if (!o->shrt) /* long options line up with the long part of "-o, --output" */
        w = snprintf(buf, cap, "  %s%s%s%s", o->lng ? "    --" : "", o->lng ? o->lng : "",
                     o->arg ? " " : "", o->arg ? o->arg : "");
    return w;
}

static void print_option(const struct cli_option *o, int col, FILE *out)
{
    char head[128];
    int w = option_head(o, head, sizeof head);
    fputs(head, out);
    const char *h = o->help ? o->help : "";
    if (w + 2 > col) {
        fputc('\n', out);
        w = 0;
    }
    for (bool first = true; first || *h; first = false) {
        size_t len = strcspn(h, "\n");
        fprintf(out, "%*s%.*s\n", first ? col - w : col, "", (int)len, h);
        h += len;
        if (*h == '\n')
            h++;
    }
}

void cli_help(const struct cli_spec *s, FILE *out)
{
    const char *u = s->usage;
    for (bool first = true; *u; first = false) {
        size_t len = strcspn(u, "\n");
        fprintf(out, "%s%.*s\n", first ? "usage: " : "       ", (int)len, u);
        u += len;
        if (*u == '\n')
            u++;
    }
    if (s->about)
        fprintf(out, "\n%s", s->about);
    /* the help column: after the longest head that is not too long, at least 2 spaces later */
    int col = 0;
    char head[128];
    for (const struct cli_option *o = s->opts; o && o->help; o++) {
        if (o->kind == CLI_OPT_HEADING)
            continue;
        int w = option_head(o, head, sizeof head);
        if (w <= 24 && w + 2 > col)
            col = w + 2;
    }
    int hw = option_head(&help_option, head, sizeof head);
    if (hw + 2 > col)
        col = hw + 2;
    fputc('\n', out);
    bool help_done = false; /* -h, --help closes the general options, before the first heading */
    for (const struct cli_option *o = s->opts; o && o->help; o++) {
        if (o->kind == CLI_OPT_HEADING) {
            if (!help_done)
                print_option(&help_option, col, out);
            help_done = true;
            fprintf(out, "\n%s\n", o->help);
        } else {
            print_option(o, col, out);
        }
    }
    if (!help_done)
        print_option(&help_option, col, out);
    if (s->more)
        fprintf(out, "\n%s", s->more);
}
