/* medsec/json.h: a fast JSON (RFC 8259) parser into an arena-backed tree, and a JSON writer. */
#ifndef MEDSEC_JSON_H
#define MEDSEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medsec/arena.h"
#include "medsec/buf.h"
#include "medsec/error.h"

enum medsec_json_type {
    MEDSEC_JSON_NULL = 0,
    MEDSEC_JSON_FALSE,
    MEDSEC_JSON_TRUE,
    MEDSEC_JSON_NUMBER,
    MEDSEC_JSON_STRING,
    MEDSEC_JSON_ARRAY,
    MEDSEC_JSON_OBJECT
};

struct medsec_json_member;

/* One value. Arrays hold `len` values in `u.items`; objects `len` members in `u.members`, every
 * key once. Strings are unescaped UTF-8 and NUL-terminated, with no NUL inside (the parser refuses
 * a "\u0000" escape), so `len` == strlen(u.str). Numbers keep their source text in `u.str`
 * (NUL-terminated). */
struct medsec_json {
    enum medsec_json_type type;
    size_t offset; /* byte offset of the value in the source text */
    size_t len;
    union {
        const char *str;
        const struct medsec_json *items;
        const struct medsec_json_member *members;
    } u;
};

struct medsec_json_member {
    const char *key;
    size_t key_len;
    struct medsec_json value;
};

struct medsec_json_limits {
    size_t max_bytes;   /* input size cap (0 = 256 MiB) */
    unsigned max_depth; /* nesting cap (0 = 128) */
    size_t max_nodes;   /* total value cap (0 = 64 Mi) */
};

struct medsec_json_doc {
    struct medsec_arena arena;
    const struct medsec_json *root;
    const char *text; /* borrowed: the caller's text, used only by medsec_json_position */
    size_t text_len;
    size_t nodes;
};

/*
 * Parse @len bytes at @text. On success *out is a new document (free with medsec_json_doc_free);
 * @text must stay valid only while medsec_json_position is used. On failure @err holds the
 * line and column and what was expected; @filename (may be NULL) is copied into it.
 * Valid JSON is refused (MEDSEC_EPARSE) where RFC 8259 leaves its meaning open or a C string could
 * not hold it: an object with the same key twice (decoded keys compared; at the second one, the
 * message naming the first), and a "\u0000" escape.
 */
medsec_err medsec_json_parse(const char *text, size_t len, const struct medsec_json_limits *lim,
                             const char *filename, struct medsec_json_doc **out,
                             struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_json_doc_free(struct medsec_json_doc *doc);

/* Line and column (1-based, columns in bytes) of @v in the parsed text. */
void medsec_json_position(const struct medsec_json_doc *doc, const struct medsec_json *v,
                          unsigned *line, unsigned *column);

/* Member @key of object @obj, or NULL (also when @obj is NULL or not an object). */
const struct medsec_json *medsec_json_get(const struct medsec_json *obj, const char *key);
/* String value of @v, or NULL when @v is NULL or not a string. */
const char *medsec_json_str(const struct medsec_json *v);
/* String member @key of @obj, or NULL. */
const char *medsec_json_get_str(const struct medsec_json *obj, const char *key);
/* Element @i of array @arr, or NULL. */
const struct medsec_json *medsec_json_at(const struct medsec_json *arr, size_t i);
/* Number value of @v as double; false when @v is not a number. */
bool medsec_json_number(const struct medsec_json *v, double *out);
bool medsec_json_is(const struct medsec_json *v, enum medsec_json_type t);
const char *medsec_json_type_name(enum medsec_json_type t);

/* ---- writer ---- */

/* Streams JSON into a buffer. Errors are sticky: check `err` once at the end. */
struct medsec_jsonw {
    struct medsec_buf *out;
    int pretty; /* indent by two spaces and end with a newline */
    unsigned depth;
    uint64_t need_comma; /* bit per level: a value was written at this level */
    uint64_t in_object;  /* bit per level: the level is an object */
    int after_key;
    medsec_err err;
};

void medsec_jsonw_init(struct medsec_jsonw *w, struct medsec_buf *out, int pretty);
void medsec_jsonw_object_begin(struct medsec_jsonw *w);
void medsec_jsonw_object_end(struct medsec_jsonw *w);
void medsec_jsonw_array_begin(struct medsec_jsonw *w);
void medsec_jsonw_array_end(struct medsec_jsonw *w);
void medsec_jsonw_key(struct medsec_jsonw *w, const char *key);
void medsec_jsonw_string(struct medsec_jsonw *w, const char *s); /* NULL writes null */
void medsec_jsonw_stringn(struct medsec_jsonw *w, const char *s, size_t n);
void medsec_jsonw_int(struct medsec_jsonw *w, long long v);
void medsec_jsonw_uint(struct medsec_jsonw *w, unsigned long long v);
/* Shortest text that reads back as @v; non-finite values are written as null. */
void medsec_jsonw_double(struct medsec_jsonw *w, double v);
/* A number with exactly @decimals decimals (scores: 9.8). */
void medsec_jsonw_fixed(struct medsec_jsonw *w, double v, int decimals);
void medsec_jsonw_bool(struct medsec_jsonw *w, bool v);
void medsec_jsonw_null(struct medsec_jsonw *w);
/* Copy a parsed value (used to pass through unknown data). */
void medsec_jsonw_value(struct medsec_jsonw *w, const struct medsec_json *v);
/* Shorthands for "key": value. */
void medsec_jsonw_kv_string(struct medsec_jsonw *w, const char *key, const char *s);
void medsec_jsonw_kv_int(struct medsec_jsonw *w, const char *key, long long v);
void medsec_jsonw_kv_bool(struct medsec_jsonw *w, const char *key, bool v);
/* "key": [the @n strings of @v] (NULL entries as null). */
void medsec_jsonw_kv_strings(struct medsec_jsonw *w, const char *key, const char *const *v,
                             size_t n);
/* Finish: adds the final newline when pretty; returns the sticky error. */
medsec_err medsec_jsonw_finish(struct medsec_jsonw *w);

/* Append @s to @b as a JSON string literal with quotes. */
medsec_err medsec_json_escape(struct medsec_buf *b, const char *s, size_t n);

#endif
