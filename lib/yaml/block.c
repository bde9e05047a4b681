/* block.c: decode literal and folded block scalars from their source text (YAML 1.2.2, 8.1). */
#include <stdint.h>
#include <string.h>

#include "yamlsrc.h"

static bool is_white(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_break(char c)
{
    return c == '\n' || c == '\r';
}

/* The header's tail at @p, after the '|' or '>': indentation and chomping indicators (each at most
 * once, either order), then the line's end or white space and an optional comment. */
static bool read_tail(const char *p, const char *le, struct medsec_yaml_block_header *h)
{
    h->chomp = 0;
    h->indent = 0;
    for (int k = 0; k < 2 && p < le; k++, p++) {
        if ((*p == '-' || *p == '+') && !h->chomp)
            h->chomp = *p;
        else if (*p >= '1' && *p <= '9' && !h->indent)
            h->indent = (unsigned)(*p - '0');
        else
            break;
    }
    if (p == le)
        return true;
    if (!is_white(*p))
        return false;
    while (p < le && is_white(*p))
        p++;
    return p == le || *p == '#';
}

size_t medsec_yaml_block_header(const char *text, size_t content,
                                struct medsec_yaml_block_header *h)
{
    /* the header is the line that ends right before the content */
    if (content == 0 || !is_break(text[content - 1]))
        return SIZE_MAX;
    size_t le = content - 1;
    if (le > 0 && text[le] == '\n' && text[le - 1] == '\r')
        le--;
    size_t ls = le;
    while (ls > 0 && !is_break(text[ls - 1]))
        ls--;
    /*
     * The first '|' or '>' at the start of a token whose tail is a header's: before the header a
     * line holds indentation, indicators ('-', '?', ':'), a one-line key (plain, quoted or flow),
     * anchors and '---'. A plain key cannot hold " #", so a candidate inside one has no header's
     * tail unless the rest of the line is a comment; quoted scalars are skipped whole.
     */
    unsigned flow = 0;
    bool start = true;
    for (size_t i = ls; i < le; i++) {
        char c = text[i];
        if (is_white(c)) {
            start = true;
            continue;
        }
        if (start && c == '#')
            return SIZE_MAX; /* a comment: no header on the line */
        if (start && (c == '"' || c == '\'')) {
            size_t j = i + 1;
            for (; j < le; j++) {
                if (c == '"' && text[j] == '\\') {
                    j++;
                } else if (text[j] == c) {
                    if (c == '\'' && j + 1 < le && text[j + 1] == '\'')
                        j++;
                    else
                        break;
                }
            }
            if (j >= le)
                return SIZE_MAX;
            i = j;
            start = false;
            continue;
        }
        if (start && (c == '&' || c == '*' || c == '!')) {
            while (i + 1 < le && !is_white(text[i + 1]))
                i++;
            start = false;
            continue;
        }
        if (start && flow == 0 && (c == '|' || c == '>') && read_tail(text + i + 1, text + le, h)) {
            h->folded = c == '>';
            return i;
        }
        if ((start || flow) && (c == '[' || c == '{')) {
            flow++;
        } else if (flow && (c == ']' || c == '}')) {
            flow--;
        }
        start = flow > 0 && (c == '[' || c == '{' || c == ',' || c == ':');
    }
    return SIZE_MAX;
}

/* Append @n line feeds. */
static medsec_err feeds(struct medsec_buf *out, size_t n)
{
    medsec_err e = MEDSEC_OK;
    while (n-- && !e)
        e = medsec_buf_addc(out, '\n');
    return e;
}

/* One line of the content: [s, e) without its break; @brk when a break ends it. */
struct line {
    size_t s, e, next;
    bool brk;
};

/* The line at @i of the region ending at @b. */
static struct line line_at(const char *text, size_t i, size_t b)
{
    struct line l = {i, i, i, false};
    while (l.e < b && !is_break(text[l.e]))
        l.e++;
    l.next = l.e;
    if (l.e < b) {
        l.brk = true;
        l.next = l.e + (text[l.e] == '\r' && l.e + 1 < b && text[l.e + 1] == '\n' ? 2 : 1);
    }
    return l;
}

static size_t spaces(const char *text, const struct line *l)
{
    size_t k = l->s;
    while (k < l->e && text[k] == ' ')
        k++;
    return k - l->s;
}

/* The first line of [@i, @end) that is neither blank nor a comment, or SIZE_MAX. */
static size_t comments_only(const char *text, size_t i, size_t end)
{
    while (i < end) {
        struct line l = line_at(text, i, end);
        size_t k = l.s;
        while (k < l.e && is_white(text[k]))
            k++;
        if (k < l.e && text[k] != '#')
            return l.s;
        i = l.next;
    }
    return SIZE_MAX;
}

medsec_err medsec_yaml_unblock(const char *text, size_t srclen, size_t a, size_t b,
                               const struct medsec_yaml_block_header *h, long parent,
                               struct medsec_buf *out, size_t *bad, const char **why)
{
    /* a last line without a break is content only at the end of the text; elsewhere the region
     * ends in the indentation of the node that follows, or right before a content line's break */
    size_t end = b;
    if (b < srclen) {
        size_t k = b;
        while (k > a && text[k - 1] == ' ')
            k--;
        if (k == a || is_break(text[k - 1])) {
            end = k;
        } else if (k == b && is_break(text[b])) {
            end = b + (text[b] == '\r' && b + 1 < srclen && text[b + 1] == '\n' ? 2 : 1);
        } else {
            *bad = k;
            *why = "the block scalar ends inside a line";
            return MEDSEC_EPARSE;
        }
    }
    /* the content's indentation: the indicator's, or the first line of text's */
    size_t ind = 0, most = 0;
    bool found = false;
    if (h->indent) {
        /* at the top level, libfyaml (and PyYAML) count from column 0 */
        ind = (size_t)(parent < 0 ? 0 : parent) + h->indent;
        found = true;
    } else {
        for (size_t i = a; i < end && !found;) {
            struct line l = line_at(text, i, end);
            size_t sp = spaces(text, &l);
            if (sp < l.e - l.s && (long)sp <= parent) {
                break; /* a comment after an empty scalar: the content is indented past @parent */
            } else if (sp < l.e - l.s) {
                ind = sp;
                found = true;
            } else if (sp > most) {
                most = sp;
            }
            i = l.next;
        }
        if (!found)
            ind = (long)most > parent ? most : (size_t)(parent + 1);
        else if (most > ind) {
            *bad = a;
            *why = "a blank line before the block scalar's first line of text has more spaces "
                   "than that line (YAML 1.2, 8.1.1.1)";
            return MEDSEC_EPARSE;
        }
    }
    size_t empty = 0; /* blank lines since the last line of text */
    bool text_seen = false, prev_spaced = false, prev_brk = false;
    medsec_err e = MEDSEC_OK;
    for (size_t i = a; i < end && !e;) {
        struct line l = line_at(text, i, end);
        size_t sp = spaces(text, &l);
        i = l.next;
        if (sp == l.e - l.s && sp <= ind) { /* a blank line */
            empty += l.brk;
            continue;
        }
        if (sp < ind && text[l.s + sp] == '#') {
            /* trailing comments (8.1.1.2, l-trail-comments) end the content; only comments and
             * blank lines may follow */
            size_t at = comments_only(text, l.next, end);
            if (at != SIZE_MAX) {
                *bad = at;
                *why = "text after the comment that ends the block scalar";
                return MEDSEC_EPARSE;
            }
            break;
        }
        if (sp < ind) {
            *bad = l.s;
            *why = "a line of the block scalar is indented less than its content (tabs do not "
                   "indent)";
            return MEDSEC_EPARSE;
        }
        const char *t = text + l.s + ind;
        size_t tl = l.e - l.s - ind;
        bool spaced = is_white(*t);
        if (!text_seen)
            e = feeds(out, empty);
        else if (h->folded && !prev_spaced && !spaced)
            e = empty ? feeds(out, empty) : medsec_buf_addc(out, ' ');
        else
            e = feeds(out, empty + 1);
        if (!e)
            e = medsec_buf_add(out, t, tl);
        text_seen = true;
        prev_spaced = spaced;
        prev_brk = l.brk;
        empty = 0;
    }
    /* chomping (8.1.1.2): strip keeps no final line break, clip one, keep all */
    if (!e && text_seen && prev_brk && h->chomp != '-')
        e = medsec_buf_addc(out, '\n');
    if (!e && h->chomp == '+')
        e = feeds(out, empty);
    return e;
}
