/* parse.c: YAML text to a libfyaml document, node positions and scalar text for medsec's loaders.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/utf8.h"
#include "yamlsrc.h"

static void quiet_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static bool blank_or_end(const char *text, size_t len, size_t i)
{
    return i >= len || text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r';
}

/* Is there an explicit key indicator: a `?` with white space (or the text's ends) on both sides? */
static bool has_explicit_key(const char *text, size_t len)
{
    for (const char *p = memchr(text, '?', len); p;
         p = memchr(p + 1, '?', len - (size_t)(p + 1 - text))) {
        size_t i = (size_t)(p - text);
        if ((i == 0 || blank_or_end(text, len, i - 1)) && blank_or_end(text, len, i + 1))
            return true;
        if (i + 1 >= len)
            break;
    }
    return false;
}

/*
 * libfyaml 0.7.12 frees a token twice (fy_fetch_value) when, in the content of an explicit key
 * (`? a:<TAB>|`), a value indicator is followed by blanks holding a tab and then a block indicator:
 * `-` (before a blank), `?`, `:`, `|` or `>` (found by fuzz_rules). Such text is refused before
 * libfyaml sees it, wherever it stands in a text that has an explicit key (outside comments).
 * Returns the offset of the tab, or @len.
 */
static size_t tab_before_indicator(const char *text, size_t len)
{
    if (!has_explicit_key(text, len))
        return len;
    bool comment = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n' || c == '\r') {
            comment = false;
            continue;
        }
        if (comment)
            continue;
        if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
            comment = true;
            continue;
        }
        if (c != ':')
            continue;
        size_t j = i + 1, tab = len;
        for (; j < len && (text[j] == ' ' || text[j] == '\t'); j++)
            if (text[j] == '\t' && tab == len)
                tab = j;
        if (tab == len || j >= len)
            continue;
        if (strchr("?:|>", text[j]) || (text[j] == '-' && blank_or_end(text, len, j + 1)))
            return tab;
    }
    return len;
}

/* 1-based line and column (in characters) of byte @off. */
static void position_of(const char *text, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* The first error libfyaml collected in @diag as a syntax failure; false when it has none. */
static bool collected_error(struct fy_diag *diag, struct medsec_yaml_failure *why)
{
    void *it = NULL;
    struct fy_diag_error *de = fy_diag_errors_iterate(diag, &it);
    if (!de)
        return false;
    /* libfyaml's collected errors are 1-based already (its marks are 0-based) */
    why->problem = MEDSEC_YAML_SYNTAX;
    why->line = de->line > 0 ? (unsigned)de->line : 0;
    why->column = de->column > 0 ? (unsigned)de->column : 0;
    snprintf(why->msg, sizeof why->msg, "%s", de->msg ? de->msg : "not well-formed");
    return true;
}

static void fail_at_mark(struct medsec_yaml_failure *why, enum medsec_yaml_problem problem,
                         const struct fy_mark *mk)
{
    why->problem = problem;
    why->line = mk ? (unsigned)mk->line + 1 : 0;
    why->column = mk ? (unsigned)mk->column + 1 : 0;
}

/* A tag on the node of @ev (a scalar or a collection's start): refused, quoted as written. */
static bool refuse_tag(struct fy_event *ev, const char *text, size_t len,
                       struct medsec_yaml_failure *why)
{
    struct fy_token *tag = fy_event_get_tag_token(ev);
    if (!tag)
        return false;
    const struct fy_mark *a = fy_token_start_mark(tag), *b = fy_token_end_mark(tag);
    fail_at_mark(why, MEDSEC_YAML_TAG, a);
    if (a && b && a->input_pos <= b->input_pos && b->input_pos <= len) {
        size_t n = b->input_pos - a->input_pos; /* URI characters: ASCII */
        snprintf(why->msg, sizeof why->msg, "%.*s", (int)(n < 64 ? n : 64), text + a->input_pos);
    } else {
        snprintf(why->msg, sizeof why->msg, "!");
    }
    return true;
}

/* A double-quoted scalar that holds an escape of NUL: refused at the escape. */
static bool refuse_nul_escape(struct fy_event *ev, const char *text, size_t len,
                              struct medsec_yaml_failure *why)
{
    struct fy_token *t = ev->scalar.value;
    if (!t || fy_token_scalar_style(t) != FYSS_DOUBLE_QUOTED)
        return false;
    const struct fy_mark *a = fy_token_start_mark(t), *b = fy_token_end_mark(t);
    /* the token's marks enclose the text between the quotes */
    if (!a || !b || a->input_pos > b->input_pos || b->input_pos > len)
        return false;
    size_t n;
    const char *esc = medsec_yaml_nul_escape(text + a->input_pos, text + b->input_pos, &n);
    if (!esc)
        return false;
    why->problem = MEDSEC_YAML_NUL_ESCAPE;
    position_of(text, (size_t)(esc - text), &why->line, &why->column);
    snprintf(why->msg, sizeof why->msg, "%.*s", (int)n, esc);
    return true;
}

/* One block scalar decoded by medsec: its content's offset in the source, its text in the table. */
struct block_entry {
    size_t pos, off, len;
};

/* What medsec_yaml_parse keeps with a document's root (its meta pointer): the block scalars. */
struct block_table {
    size_t n;
    const struct block_entry *e; /* by pos */
    const char *text;            /* each text NUL-terminated */
};

/* The block scalars as the stream is read, and the indentation of each open collection. */
struct blocks {
    struct medsec_buf entries; /* struct block_entry */
    struct medsec_buf text;
    struct medsec_buf cols; /* long: a block collection's indentation; LONG_MIN for a flow one */
};

static bool fail_nomem(struct medsec_yaml_failure *why)
{
    why->problem = MEDSEC_YAML_NOMEM;
    return false;
}

/* A collection opens (@open) or closes: keep the stack of indentations. */
static bool track_collection(struct blocks *B, struct fy_event *ev, bool open,
                             struct medsec_yaml_failure *why)
{
    if (!open) {
        if (B->cols.len >= sizeof(long))
            B->cols.len -= sizeof(long);
        return true;
    }
    const struct fy_mark *mk = fy_event_start_mark(ev);
    long col = fy_event_get_node_style(ev) == FYNS_FLOW || !mk ? LONG_MIN : (long)mk->column;
    return medsec_buf_add(&B->cols, &col, sizeof col) == MEDSEC_OK || fail_nomem(why);
}

/* The literal or folded scalar of @ev: decoded from the source into @B, or false with @why. */
static bool decode_block(struct blocks *B, struct fy_event *ev, const char *text, size_t len,
                         struct medsec_yaml_failure *why)
{
    struct fy_token *t = ev->scalar.value;
    enum fy_scalar_style st = t ? fy_token_scalar_style(t) : FYSS_PLAIN;
    if (st != FYSS_LITERAL && st != FYSS_FOLDED)
        return true;
    const struct fy_mark *a = fy_token_start_mark(t), *b = fy_token_end_mark(t);
    struct medsec_yaml_block_header h;
    size_t at = a && b && a->input_pos <= b->input_pos && b->input_pos <= len
                    ? medsec_yaml_block_header(text, a->input_pos, &h)
                    : SIZE_MAX;
    if (at == SIZE_MAX || h.folded != (st == FYSS_FOLDED)) {
        fail_at_mark(why, MEDSEC_YAML_SYNTAX, a);
        snprintf(why->msg, sizeof why->msg,
                 "the header of this block scalar ('|' or '>' on the line before) is not readable");
        return false;
    }
    long parent = -1;
    if (B->cols.len >= sizeof parent)
        memcpy(&parent, B->cols.data + B->cols.len - sizeof parent, sizeof parent);
    if (parent == LONG_MIN)
        parent = -1; /* not in a flow collection: libfyaml refuses a block scalar there */
    struct block_entry e = {a->input_pos, B->text.len, 0};
    size_t bad = 0;
    const char *what = NULL;
    medsec_err err = medsec_yaml_unblock(text, len, a->input_pos, b->input_pos, &h, parent,
                                         &B->text, &bad, &what);
    if (err == MEDSEC_EPARSE) {
        why->problem = MEDSEC_YAML_SYNTAX;
        position_of(text, bad, &why->line, &why->column);
        snprintf(why->msg, sizeof why->msg, "%s", what);
        return false;
    }
    e.len = B->text.len - e.off;
    if (err || medsec_buf_addc(&B->text, '\0') || medsec_buf_add(&B->entries, &e, sizeof e))
        return fail_nomem(why);
    return true;
}

/*
 * Read every event of the stream: libfyaml's document builder stops after the first document and
 * never looks at the rest, so a second document, or a syntax error in it, went unnoticed. Fails at
 * the first of: a syntax error, a second document, a tag, a NUL escape, a block scalar medsec
 * cannot decode. The block scalars are decoded into @B on the way. False with @why filled.
 */
static bool stream_ok(const char *text, size_t len, const struct fy_parse_cfg *base,
                      struct blocks *B, struct medsec_yaml_failure *why)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = quiet_output;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    struct fy_parse_cfg pcfg = *base;
    pcfg.diag = diag;
    struct fy_parser *fyp = diag ? fy_parser_create(&pcfg) : NULL;
    bool ok = false, second = false;
    if (!fyp || fy_parser_set_string(fyp, text, len) != 0) {
        why->problem = MEDSEC_YAML_NOMEM;
        goto out_destroy;
    }
    fy_diag_set_collect_errors(diag, true);
    unsigned docs = 0;
    struct fy_event *ev;
    ok = true;
    while (ok && (ev = fy_parser_parse(fyp)) != NULL) {
        const struct fy_mark *mk = fy_event_start_mark(ev);
        if (second && mk) {
            /* an implicit start ("..." then content) has no mark: the content's is the place */
            fail_at_mark(why, MEDSEC_YAML_MORE_DOCS, mk);
            ok = false;
        } else if (ev->type == FYET_DOCUMENT_START && ++docs > 1) {
            second = true;
            if (mk) {
                fail_at_mark(why, MEDSEC_YAML_MORE_DOCS, mk);
                ok = false;
            }
        } else if (ev->type == FYET_SCALAR || ev->type == FYET_SEQUENCE_START ||
                   ev->type == FYET_MAPPING_START) {
            ok = !refuse_tag(ev, text, len, why) &&
                 !(ev->type == FYET_SCALAR && refuse_nul_escape(ev, text, len, why));
            if (ok && ev->type == FYET_SCALAR)
                ok = decode_block(B, ev, text, len, why);
            else if (ok)
                ok = track_collection(B, ev, true, why);
        } else if (ev->type == FYET_SEQUENCE_END || ev->type == FYET_MAPPING_END) {
            ok = track_collection(B, ev, false, why);
        }
        fy_parser_event_free(fyp, ev);
    }
    if (ok && fy_parser_get_stream_error(fyp)) {
        ok = false;
        if (!collected_error(diag, why)) {
            why->problem = MEDSEC_YAML_SYNTAX;
            snprintf(why->msg, sizeof why->msg, "not well-formed");
        }
    } else if (ok && second) { /* a second document without a position */
        fail_at_mark(why, MEDSEC_YAML_MORE_DOCS, NULL);
        ok = false;
    }
out_destroy:
    if (fyp)
        fy_parser_destroy(fyp);
    if (diag)
        fy_diag_destroy(diag);
    return ok;
}

static void free_blocks(struct fy_node *n, void *meta, void *user)
{
    (void)n;
    (void)user;
    medsec_free(meta);
}

/* Keep the decoded block scalars with @doc's root, in one block freed with the document. */
static bool keep_blocks(struct fy_document *doc, struct blocks *B)
{
    struct fy_node *root = fy_document_root(doc);
    size_t n = B->entries.len / sizeof(struct block_entry);
    struct block_table *t = root ? medsec_malloc(sizeof *t + B->entries.len + B->text.len) : NULL;
    if (!t)
        return false;
    struct block_entry *e = (struct block_entry *)(t + 1);
    memcpy(e, B->entries.data, B->entries.len);
    memcpy((char *)(e + n), B->text.data, B->text.len);
    t->n = n;
    t->e = e;
    t->text = (const char *)(e + n);
    if (fy_document_register_meta(doc, free_blocks, NULL) != 0 || fy_node_set_meta(root, t) != 0) {
        medsec_free(t);
        return false;
    }
    return true;
}

/* The text medsec decoded for the block scalar whose content starts at @pos, or NULL. */
static const char *kept_block(struct fy_node *n, size_t pos, size_t *len)
{
    struct fy_document *doc = fy_node_document(n);
    struct fy_node *root = doc ? fy_document_root(doc) : NULL;
    const struct block_table *t = root ? fy_node_get_meta(root) : NULL;
    size_t lo = 0, hi = t ? t->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->e[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!t || lo == t->n || t->e[lo].pos != pos)
        return NULL;
    *len = t->e[lo].len;
    return t->text + t->e[lo].off;
}

struct fy_document *medsec_yaml_parse(const char *text, size_t len, struct medsec_yaml_failure *why)
{
    memset(why, 0, sizeof *why);
    struct medsec_utf8_pos bad;
    if (!medsec_utf8_check(text, len, &bad)) {
        why->problem = bad.byte ? MEDSEC_YAML_NOT_UTF8 : MEDSEC_YAML_NUL;
        why->line = bad.line;
        why->column = bad.column;
        why->byte = bad.byte;
        return NULL;
    }
    size_t tab = tab_before_indicator(text, len);
    if (tab < len) {
        why->problem = MEDSEC_YAML_SYNTAX;
        position_of(text, tab, &why->line, &why->column);
        snprintf(
            why->msg, sizeof why->msg,
            "a tab after ':' before '-', '?', ':', '|' or '>' where the text has an explicit key ('? '); "
            "write spaces");
        return NULL;
    }
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = quiet_output;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag) {
        why->problem = MEDSEC_YAML_NOMEM;
        return NULL;
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg = {
        NULL, FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_DISABLE_RECYCLING, NULL, diag};
    struct fy_document *doc = NULL;
    struct blocks B = {MEDSEC_BUF_INIT, MEDSEC_BUF_INIT, MEDSEC_BUF_INIT};
    if (stream_ok(text, len, &pcfg, &B, why)) {
        doc = fy_document_build_from_string(&pcfg, text, len);
        /* without a collected error, libfyaml built no document from a stream without one: only
         * comments or blanks */
        if (!doc && !collected_error(diag, why))
            why->problem = MEDSEC_YAML_EMPTY;
        if (doc && B.entries.len && !keep_blocks(doc, &B)) {
            fy_document_destroy(doc);
            doc = NULL;
            why->problem = MEDSEC_YAML_NOMEM;
        }
    }
    medsec_buf_release(&B.entries);
    medsec_buf_release(&B.text);
    medsec_buf_release(&B.cols);
    fy_diag_destroy(diag);
    return doc;
}

const char *medsec_yaml_failure_text(const struct medsec_yaml_failure *why, char *buf, size_t size)
{
    switch (why->problem) {
    case MEDSEC_YAML_NOT_UTF8:
        snprintf(buf, size, "not UTF-8 text: byte 0x%02x (save the file as UTF-8)", why->byte);
        break;
    case MEDSEC_YAML_NUL: snprintf(buf, size, "a NUL byte; YAML text cannot hold one"); break;
    case MEDSEC_YAML_SYNTAX: snprintf(buf, size, "YAML: %s", why->msg); break;
    case MEDSEC_YAML_EMPTY:
        snprintf(buf, size, "no YAML document: the text holds only blanks and comments");
        break;
    case MEDSEC_YAML_NOMEM: snprintf(buf, size, "out of memory"); break;
    case MEDSEC_YAML_MORE_DOCS:
        snprintf(buf, size,
                 "YAML: a second document; a file holds one document (nothing after '---' or "
                 "'...')");
        break;
    case MEDSEC_YAML_TAG:
        snprintf(buf, size, "YAML tag '%s': tags are not read; write the value without it",
                 why->msg);
        break;
    case MEDSEC_YAML_NUL_ESCAPE:
        snprintf(buf, size, "'%s' (a NUL character) in a quoted scalar; not accepted", why->msg);
        break;
    default: snprintf(buf, size, "no problem"); break;
    }
    return buf;
}

medsec_err medsec_yaml_failure_error(const struct medsec_yaml_failure *why, const char *name,
                                     struct medsec_error *err)
{
    char msg[320];
    medsec_yaml_failure_text(why, msg, sizeof msg);
    return medsec_error_set(err, why->problem == MEDSEC_YAML_NOMEM ? MEDSEC_ENOMEM : MEDSEC_EPARSE,
                            name, why->line, why->column, "%s", msg);
}

static bool find_pos(struct fy_node *n, unsigned *line, unsigned *col, int depth)
{
    if (!n || depth > 128)
        return false;
    if (fy_node_is_scalar(n) || fy_node_is_alias(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *mk = t ? fy_token_start_mark(t) : NULL;
        if (!mk)
            return false;
        *line = (unsigned)mk->line + 1;
        *col = (unsigned)mk->column + 1;
        return true;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));)
            if (find_pos(fy_node_pair_key(p), line, col, depth + 1) ||
                find_pos(fy_node_pair_value(p), line, col, depth + 1))
                return true;
        return false;
    }
    for (struct fy_node *c; (c = fy_node_sequence_iterate(n, &it));)
        if (find_pos(c, line, col, depth + 1))
            return true;
    return false;
}

void medsec_yaml_pos(struct fy_node *n, unsigned *line, unsigned *column)
{
    if (!find_pos(n, line, column, 0)) {
        *line = 0;
        *column = 0;
    }
}

const char *medsec_yaml_text(struct fy_node *n, const char *src, size_t srclen,
                             struct medsec_arena *arena, size_t *len)
{
    size_t l = 0;
    const char *s = "";
    if (n && fy_node_is_scalar(n) && !fy_node_is_alias(n)) {
        enum fy_node_style st = fy_node_get_style(n);
        bool quoted = st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED;
        struct fy_token *t = quoted ? fy_node_get_scalar_token(n) : NULL;
        const struct fy_mark *a = t ? fy_token_start_mark(t) : NULL,
                             *b = t ? fy_token_end_mark(t) : NULL;
        char q = st == FYNS_SINGLE_QUOTED ? '\'' : '"';
        /* the token's marks enclose the text between the quotes */
        if (a && b && a->input_pos > 0 && a->input_pos <= b->input_pos && b->input_pos < srclen &&
            src[a->input_pos - 1] == q && src[b->input_pos] == q) {
            char *out = medsec_arena_alloc(arena, 2 * (b->input_pos - a->input_pos) + 1);
            if (!out)
                return NULL;
            l = medsec_yaml_unquote(src + a->input_pos, src + b->input_pos,
                                    st == FYNS_DOUBLE_QUOTED, out);
            s = out;
        } else {
            struct fy_token *bt = fy_node_get_scalar_token(n);
            const struct fy_mark *bm =
                bt && (st == FYNS_LITERAL || st == FYNS_FOLDED) ? fy_token_start_mark(bt) : NULL;
            s = bm ? kept_block(n, bm->input_pos, &l) : NULL;
            if (!s)
                s = fy_node_get_scalar(n, &l); /* plain scalars: libfyaml's text is sound */
            if (!s)
                s = "", l = 0;
        }
    }
    if (len)
        *len = l;
    return s;
}
