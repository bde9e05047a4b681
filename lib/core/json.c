/* json.c: a strict, fast RFC 8259 parser building an arena tree, with caps on size, depth, count.
 * Where RFC 8259 leaves the meaning open or a C string could not carry the value, it refuses: an
 * object with a key twice, a key that is not UTF-8, a \u0000 escape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/json.h"
#include "medsec/utf8.h"

struct stack {
    void *v;
    size_t n, cap, elem;
};

/* Objects with more members than this are checked for a key given twice with a hash table; smaller
 * ones by comparing every pair. */
#define DUP_PAIRWISE_MAX 12

struct parser {
    const char *s, *p, *end;
    struct medsec_json_doc *doc;
    struct stack items, members;
    struct stack key_at; /* beside members: the offset of each member's key (for messages) */
    size_t *dup_slots;   /* the duplicate check's hash table (member index + 1; 0 = free) */
    size_t dup_cap;
    unsigned depth, max_depth;
    size_t max_nodes;
    const char *filename;
    struct medsec_error *err;
};

static void *stack_push(struct stack *st)
{
    if (medsec_array_reserve(&st->v, &st->cap, st->n + 1, st->elem))
        return NULL;
    return (char *)st->v + st->elem * st->n++;
}

static void offset_position(const char *s, size_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1;
    size_t last = 0;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            l++;
            last = i + 1;
        }
    }
    *line = l;
    *col = (unsigned)(off - last) + 1;
}

static medsec_err fail(struct parser *ps, const char *at, medsec_err code, const char *what)
{
    unsigned line, col;
    offset_position(ps->s, (size_t)(at - ps->s), &line, &col);
    if (code == MEDSEC_ENOMEM)
        return medsec_error_set(ps->err, code, ps->filename, line, col, "out of memory");
    return medsec_error_set(ps->err, code, ps->filename, line, col, "%s", what);
}

static void skip_ws(struct parser *ps)
{
    const char *p = ps->p, *end = ps->end;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    ps->p = p;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval((unsigned char)p[i]);
        if (h < 0)
            return -1;
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | cp >> 12);
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | cp >> 18);
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* ps->p is just past the opening quote. */
static medsec_err parse_string(struct parser *ps, const char **out, size_t *outlen)
{
    const char *start = ps->p, *p = start, *end = ps->end;
    int escaped = 0;
    while (p < end && *p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c == '\\') {
            escaped = 1;
            p += 2;
            continue;
        }
        if (c < 0x20)
            return fail(ps, p, MEDSEC_EPARSE, "control character in string (must be escaped)");
        p++;
    }
    if (p >= end)
        return fail(ps, start - 1, MEDSEC_EPARSE, "unterminated string");
    size_t raw = (size_t)(p - start);
    char *dst = medsec_arena_alloc(&ps->doc->arena, raw + 1);
    if (!dst)
        return fail(ps, start, ps->doc->arena.toobig ? MEDSEC_ETOOBIG : MEDSEC_ENOMEM,
                    "document too large");
    if (!escaped) {
        memcpy(dst, start, raw);
        dst[raw] = '\0';
        *out = dst;
        *outlen = raw;
        ps->p = p + 1;
        return MEDSEC_OK;
    }
    char *o = dst;
    const char *q = start;
    while (q < p) {
        if (*q != '\\') {
            *o++ = *q++;
            continue;
        }
        const char *esc = q;
        q++;
        switch (*q) {
        case '"':
            *o++ = '"';
            q++;
            break;
        case '\\':
            *o++ = '\\';
            q++;
            break;
        case '/':
            *o++ = '/';
            q++;
            break;
        case 'b':
            *o++ = '\b';
            q++;
            break;
        case 'f':
            *o++ = '\f';
            q++;
            break;
        case 'n':
            *o++ = '\n';
            q++;
            break;
        case 'r':
            *o++ = '\r';
            q++;
            break;
        case 't':
            *o++ = '\t';
            q++;
            break;
        case 'u': {
            unsigned cp;
            if (read_hex4(q + 1, p, &cp))
                return fail(ps, esc, MEDSEC_EPARSE, "invalid \\u escape (expected 4 hex digits)");
            q += 5;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (p - q >= 6 && q[0] == '\\' && q[1] == 'u' && !read_hex4(q + 2, p, &lo) &&
                    lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                } else {
                    cp = 0xFFFD; /* lone high surrogate */
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD; /* lone low surrogate */
            }
            if (cp == 0)
                return fail(ps, esc, MEDSEC_EPARSE,
                            "\\u0000 (a NUL character) in a string; not accepted");
            o = put_utf8(o, cp);
            break;
        }
        default: return fail(ps, esc, MEDSEC_EPARSE, "invalid escape in string");
        }
    }
    *o = '\0';
    *out = dst;
    *outlen = (size_t)(o - dst);
    ps->p = p + 1;
    return MEDSEC_OK;
}

static medsec_err parse_number(struct parser *ps, struct medsec_json *v)
{
    const char *p = ps->p, *end = ps->end, *start = p;
    if (p < end && *p == '-')
        p++;
    if (p >= end || !(*p >= '0' && *p <= '9'))
        return fail(ps, start, MEDSEC_EPARSE, "invalid number");
    if (*p == '0') {
        p++;
    } else {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !(*p >= '0' && *p <= '9'))
            return fail(ps, start, MEDSEC_EPARSE, "invalid number (digit expected after '.')");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !(*p >= '0' && *p <= '9'))
            return fail(ps, start, MEDSEC_EPARSE, "invalid number (digit expected in exponent)");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    size_t n = (size_t)(p - start);
    char *s = medsec_arena_strndup(&ps->doc->arena, start, n);
    if (!s)
        return fail(ps, start, ps->doc->arena.toobig ? MEDSEC_ETOOBIG : MEDSEC_ENOMEM,
                    "document too large");
    v->type = MEDSEC_JSON_NUMBER;
    v->u.str = s;
    v->len = n;
    ps->p = p;
    return MEDSEC_OK;
}

static medsec_err parse_value(struct parser *ps, struct medsec_json *v);

/* After an element of an array or an object: ',' (more follow) or @close (the end), else an error.
 */
static medsec_err next_or_close(struct parser *ps, char close, const char *expected,
                                const char *eof, bool *more)
{
    skip_ws(ps);
    if (ps->p < ps->end && (*ps->p == ',' || *ps->p == close)) {
        *more = *ps->p++ == ',';
        return MEDSEC_OK;
    }
    return fail(ps, ps->p, MEDSEC_EPARSE, ps->p < ps->end ? expected : eof);
}

/* Move the children an array or object stacked since @mark into the document's arena. */
static medsec_err stack_take(struct parser *ps, struct stack *st, size_t mark, void **out,
                             size_t *count)
{
    *count = st->n - mark;
    *out = NULL;
    if (*count) {
        if (!(*out = medsec_arena_alloc(&ps->doc->arena, *count * st->elem)))
            return fail(ps, ps->p, ps->doc->arena.toobig ? MEDSEC_ETOOBIG : MEDSEC_ENOMEM,
                        "document too large");
        memcpy(*out, (char *)st->v + mark * st->elem, *count * st->elem);
    }
    st->n = mark;
    return MEDSEC_OK;
}

static medsec_err parse_array(struct parser *ps, struct medsec_json *v)
{
    size_t mark = ps->items.n;
    medsec_err rc;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        goto done;
    }
    for (;;) {
        struct medsec_json item;
        rc = parse_value(ps, &item);
        if (rc)
            return rc;
        struct medsec_json *slot = stack_push(&ps->items);
        if (!slot)
            return fail(ps, ps->p, MEDSEC_ENOMEM, NULL);
        *slot = item;
        bool more = false;
        if ((rc = next_or_close(ps, ']', "expected ',' or ']' in array",
                                "unexpected end of input in array", &more)))
            return rc;
        if (!more)
            break;
    }
done:;
    void *arr;
    size_t count;
    if ((rc = stack_take(ps, &ps->items, mark, &arr, &count)))
        return rc;
    v->type = MEDSEC_JSON_ARRAY;
    v->len = count;
    v->u.items = arr;
    return MEDSEC_OK;
}

static bool same_key(const struct medsec_json_member *a, const struct medsec_json_member *b)
{
    return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

static size_t key_hash(const struct medsec_json_member *m)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < m->key_len; i++) {
        h ^= (unsigned char)m->key[i];
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static medsec_err duplicate_key(struct parser *ps, size_t first, size_t again)
{
    const struct medsec_json_member *m = (const struct medsec_json_member *)ps->members.v + again;
    const size_t *at = ps->key_at.v;
    unsigned line, col;
    offset_position(ps->s, at[first], &line, &col);
    char what[160];
    snprintf(what, sizeof what, "duplicate key \"%.64s%s\" in object (first at line %u, column %u)",
             m->key, m->key_len > 64 ? "..." : "", line, col);
    return fail(ps, ps->s + at[again], MEDSEC_EPARSE, what);
}

/* Refuse an object (its members are members[mark..n) of the stack) that has a key twice, at the
 * first repetition in the text. */
static medsec_err check_keys(struct parser *ps, size_t mark)
{
    const struct medsec_json_member *m = ps->members.v;
    size_t n = ps->members.n;
    if (n - mark <= DUP_PAIRWISE_MAX) {
        for (size_t j = mark + 1; j < n; j++)
            for (size_t i = mark; i < j; i++)
                if (same_key(&m[i], &m[j]))
                    return duplicate_key(ps, i, j);
        return MEDSEC_OK;
    }
    size_t want = 2 * (n - mark), cap = 64;
    while (cap < want)
        cap *= 2;
    if (cap > ps->dup_cap) {
        size_t *slots = medsec_malloc(cap * sizeof *slots);
        if (!slots)
            return fail(ps, ps->p, MEDSEC_ENOMEM, NULL);
        medsec_free(ps->dup_slots);
        ps->dup_slots = slots;
        ps->dup_cap = cap;
    }
    memset(ps->dup_slots, 0, cap * sizeof *ps->dup_slots);
    for (size_t j = mark; j < n; j++) {
        size_t k = key_hash(&m[j]) & (cap - 1);
        for (; ps->dup_slots[k]; k = (k + 1) & (cap - 1))
            if (same_key(&m[ps->dup_slots[k] - 1], &m[j]))
                return duplicate_key(ps, ps->dup_slots[k] - 1, j);
        ps->dup_slots[k] = j + 1;
    }
    return MEDSEC_OK;
}

static medsec_err parse_object(struct parser *ps, struct medsec_json *v)
{
    size_t mark = ps->members.n;
    medsec_err rc;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        goto done;
    }
    for (;;) {
        struct medsec_json_member m;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"')
            return fail(ps, ps->p, MEDSEC_EPARSE,
                        ps->p < ps->end ? "expected a string key in object"
                                        : "unexpected end of input in object");
        size_t key_at = (size_t)(ps->p - ps->s);
        ps->p++;
        rc = parse_string(ps, &m.key, &m.key_len);
        if (rc)
            return rc;
        /* the key's source bytes (escapes decode to UTF-8 always): two keys that differ only in
         * bytes that are not UTF-8 would be one key where they are written back (U+FFFD) */
        struct medsec_utf8_pos bad;
        const char *raw = ps->s + key_at + 1;
        if (!medsec_utf8_check(raw, (size_t)(ps->p - 1 - raw), &bad)) {
            char what[64];
            snprintf(what, sizeof what, "object key is not UTF-8 (byte 0x%02x)", bad.byte);
            return fail(ps, raw + bad.offset, MEDSEC_EPARSE, what);
        }
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':')
            return fail(ps, ps->p, MEDSEC_EPARSE, "expected ':' after object key");
        ps->p++;
        rc = parse_value(ps, &m.value);
        if (rc)
            return rc;
        struct medsec_json_member *slot = stack_push(&ps->members);
        size_t *at = slot ? stack_push(&ps->key_at) : NULL;
        if (!at)
            return fail(ps, ps->p, MEDSEC_ENOMEM, NULL);
        *slot = m;
        *at = key_at;
        bool more = false;
        if ((rc = next_or_close(ps, '}', "expected ',' or '}' in object",
                                "unexpected end of input in object", &more)))
            return rc;
        if (!more)
            break;
    }
    if ((rc = check_keys(ps, mark)))
        return rc;
done:;
    void *mem;
    size_t count;
    ps->key_at.n = mark;
    if ((rc = stack_take(ps, &ps->members, mark, &mem, &count)))
        return rc;
    v->type = MEDSEC_JSON_OBJECT;
    v->len = count;
    v->u.members = mem;
    return MEDSEC_OK;
}

static int literal(struct parser *ps, const char *word, size_t n)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return 0;
    ps->p += n;
    return 1;
}

static medsec_err parse_value(struct parser *ps, struct medsec_json *v)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, ps->p, MEDSEC_EPARSE, "unexpected end of input (expected a value)");
    if (++ps->doc->nodes > ps->max_nodes)
        return fail(ps, ps->p, MEDSEC_ETOOBIG, "too many values in document");
    v->offset = (size_t)(ps->p - ps->s);
    v->len = 0;
    v->u.str = NULL;
    medsec_err rc;
    switch (*ps->p) {
    case '{':
    case '[':
        if (++ps->depth > ps->max_depth)
            return fail(ps, ps->p, MEDSEC_ETOOBIG, "nesting too deep");
        rc = *ps->p == '{' ? parse_object(ps, v) : parse_array(ps, v);
        ps->depth--;
        return rc;
    case '"': {
        ps->p++;
        const char *s;
        size_t n;
        rc = parse_string(ps, &s, &n);
        if (rc)
            return rc;
        v->type = MEDSEC_JSON_STRING;
        v->u.str = s;
        v->len = n;
        return MEDSEC_OK;
    }
    case 't':
        if (!literal(ps, "true", 4))
            break;
        v->type = MEDSEC_JSON_TRUE;
        return MEDSEC_OK;
    case 'f':
        if (!literal(ps, "false", 5))
            break;
        v->type = MEDSEC_JSON_FALSE;
        return MEDSEC_OK;
    case 'n':
        if (!literal(ps, "null", 4))
            break;
        v->type = MEDSEC_JSON_NULL;
        return MEDSEC_OK;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return parse_number(ps, v);
        break;
    }
    return fail(ps, ps->p, MEDSEC_EPARSE, "unexpected character (expected a value)");
}

medsec_err medsec_json_parse(const char *text, size_t len, const struct medsec_json_limits *lim,
                             const char *filename, struct medsec_json_doc **out,
                             struct medsec_error *err)
{
    *out = NULL;
    size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : (size_t)256 << 20;
    if (len > max_bytes)
        return medsec_error_set(err, MEDSEC_ETOOBIG, filename, 0, 0,
                                "document is %zu bytes, larger than the limit of %zu bytes", len,
                                max_bytes);
    struct medsec_json_doc *doc = medsec_calloc(1, sizeof *doc);
    if (!doc)
        return medsec_error_set(err, MEDSEC_ENOMEM, filename, 0, 0, "out of memory");
    struct parser ps = {
        .s = text,
        .p = text,
        .end = text + len,
        .doc = doc,
        .items = {NULL, 0, 0, sizeof(struct medsec_json)},
        .members = {NULL, 0, 0, sizeof(struct medsec_json_member)},
        .key_at = {NULL, 0, 0, sizeof(size_t)},
        .max_depth = lim && lim->max_depth ? lim->max_depth : 128,
        .max_nodes = lim && lim->max_nodes ? lim->max_nodes : (size_t)64 << 20,
        .filename = filename,
        .err = err,
    };
    doc->text = text;
    doc->text_len = len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3; /* tolerate a UTF-8 byte order mark */
    struct medsec_json *root = medsec_arena_alloc(&doc->arena, sizeof *root);
    medsec_err rc = root ? parse_value(&ps, root) : fail(&ps, ps.p, MEDSEC_ENOMEM, NULL);
    if (!rc) {
        skip_ws(&ps);
        if (ps.p < ps.end)
            rc = fail(&ps, ps.p, MEDSEC_EPARSE, "unexpected data after the JSON value");
    }
    medsec_free(ps.items.v);
    medsec_free(ps.members.v);
    medsec_free(ps.key_at.v);
    medsec_free(ps.dup_slots);
    if (rc) {
        medsec_json_doc_free(doc);
        return rc;
    }
    doc->root = root;
    *out = doc;
    return MEDSEC_OK;
}

void medsec_json_doc_free(struct medsec_json_doc *doc)
{
    if (!doc)
        return;
    medsec_arena_release(&doc->arena);
    medsec_free(doc);
}

void medsec_json_position(const struct medsec_json_doc *doc, const struct medsec_json *v,
                          unsigned *line, unsigned *column)
{
    if (!doc || !v || !doc->text || v->offset > doc->text_len) {
        *line = 0;
        *column = 0;
        return;
    }
    offset_position(doc->text, v->offset, line, column);
}

const struct medsec_json *medsec_json_get(const struct medsec_json *obj, const char *key)
{
    if (!obj || obj->type != MEDSEC_JSON_OBJECT)
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < obj->len; i++) {
        const struct medsec_json_member *m = &obj->u.members[i];
        if (m->key_len == kl && memcmp(m->key, key, kl) == 0)
            return &m->value;
    }
    return NULL;
}

const char *medsec_json_str(const struct medsec_json *v)
{
    return v && v->type == MEDSEC_JSON_STRING ? v->u.str : NULL;
}

const char *medsec_json_get_str(const struct medsec_json *obj, const char *key)
{
    return medsec_json_str(medsec_json_get(obj, key));
}

const struct medsec_json *medsec_json_at(const struct medsec_json *arr, size_t i)
{
    if (!arr || arr->type != MEDSEC_JSON_ARRAY || i >= arr->len)
        return NULL;
    return &arr->u.items[i];
}

bool medsec_json_number(const struct medsec_json *v, double *out)
{
    if (!v || v->type != MEDSEC_JSON_NUMBER)
        return false;
    *out = strtod(v->u.str, NULL);
    return true;
}

bool medsec_json_is(const struct medsec_json *v, enum medsec_json_type t)
{
    if (!v)
        return false;
    if (t == MEDSEC_JSON_TRUE || t == MEDSEC_JSON_FALSE)
        return v->type == MEDSEC_JSON_TRUE || v->type == MEDSEC_JSON_FALSE;
    return v->type == t;
}

const char *medsec_json_type_name(enum medsec_json_type t)
{
    switch (t) {
    case MEDSEC_JSON_NULL: return "null";
    case MEDSEC_JSON_FALSE:
    case MEDSEC_JSON_TRUE: return "boolean";
    case MEDSEC_JSON_NUMBER: return "number";
    case MEDSEC_JSON_STRING: return "string";
    case MEDSEC_JSON_ARRAY: return "array";
    case MEDSEC_JSON_OBJECT: return "object";
    }
    return "value";
}
