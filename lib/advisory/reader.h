/* reader.h: the state of one medsec_adv_read_* walk and what the reader's files offer each other:
 * the path walk (walk.c), archives (archive.c), gzip streams (gzip.c), the streaming NVD feed
 * reader (nvdfeed.c), format detection and dispatch (reader.c), and the CSV importers. */
#ifndef MEDSEC_ADVISORY_READER_H
#define MEDSEC_ADVISORY_READER_H

#include <stdbool.h>
#include <stdio.h>
#include <zlib.h>

#include "internal.h"

#define ADV_MAX_FILE ((size_t)256 << 20)  /* a whole JSON document */
#define ADV_MAX_RECORD ((size_t)64 << 20) /* one NVD item, one archive member */
#define ADV_PEEK 65536                    /* how much of a text format detection looks at */

struct adv_reader {
    const struct medsec_adv_sink *sink;
    struct medsec_adv_read_stats *stats;
    struct medsec_diags *diags;
    struct medsec_error *err;
    struct medsec_arena arena; /* per-record scratch, released after each record */
    /* progress of the current top-level file */
    const char *progress_path;
    uint64_t progress_total;
    struct medsec_adv_read_stats own_stats; /* when the caller wants none */
    struct medsec_error own_err;
};

/* ---- reader.c: format detection and dispatch ---- */

/* A walk over @sink; @stats and @err may be NULL. */
void adv_reader_init(struct adv_reader *r, const struct medsec_adv_sink *sink,
                     struct medsec_adv_read_stats *stats, struct medsec_diags *diags,
                     struct medsec_error *err);
void adv_reader_release(struct adv_reader *r);

/* Record a warning "origin:line:col: msg" (ENOMEM from the list is ignored: warnings are best
 * effort). */
void adv_warn(struct adv_reader *r, const char *origin, unsigned line, unsigned col,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Tell the sink how far the current top-level file is read. */
void adv_progress(struct adv_reader *r, uint64_t done);
/* Tell the sink that @origin holds records of @source. */
void adv_file_seen(struct adv_reader *r, const char *origin, enum medsec_adv_source source);
bool adv_ends_with(const char *s, const char *suffix);
/* Hand a parsed record (from @origin, content hash @hash) to the sink. */
medsec_err adv_deliver(struct adv_reader *r, struct medsec_advisory *adv, const char *origin,
                       uint64_t hash);
/* Hand a KEV entry (at line @line of @origin, 0 unknown) to the sink. */
medsec_err adv_deliver_kev(struct adv_reader *r, const struct medsec_kev_entry *k,
                           const char *origin, unsigned line);
/* A record that failed with @rc: input problems become a warning (positions in @e are counted from
 * line @line_base of @origin) and MEDSEC_OK; running out of memory is returned. */
medsec_err adv_record_failed(struct adv_reader *r, const char *origin, unsigned line_base,
                             medsec_err rc, const struct medsec_error *e);
/* One uncompressed text by its name: .json (detected as OSV, NVD, CSAF or KEV by content) or .csv
 * (EPSS, KEV); anything else is counted as ignored. */
medsec_err adv_read_content(struct adv_reader *r, const char *origin, const char *text, size_t len);
/* One JSON document, whatever its name. */
medsec_err adv_read_json(struct adv_reader *r, const char *origin, const char *text, size_t len);
/* Does this text start like an NVD JSON 1.1 feed? (looks at the first ADV_PEEK bytes) */
bool adv_looks_nvd(const char *text, size_t len);

/* ---- archive.c: archives and compressed files ---- */

medsec_err adv_read_zip(struct adv_reader *r, const char *path); /* OSV zips: every .json member */
medsec_err adv_read_tar_gz(struct adv_reader *r, const char *path); /* every .json / .csv member */
medsec_err adv_read_gz(struct adv_reader *r, const char *path);     /* .json.gz, .csv.gz */

/* ---- gzip.c: a gzip stream read from a file, and text read from it ---- */

/*
 * A gzip file is a series of members (RFC 1952, 2.2), read one after the other as gzip -d does.
 * Bytes after a member that do not start another one (zero padding, garbage, a zlib stream) end
 * the data: what was inflated is kept, the count of those bytes is in `trailing`, and the reader
 * gets a warning naming the file.
 */
struct adv_gz {
    FILE *f;
    z_stream z;
    unsigned char in[1 << 16];
    bool eof, done, init;
    uint64_t trailing;    /* bytes after the last member that are not gzip data */
    struct adv_reader *r; /* warned about them; its err gets the errors of adv_gz_open */
};
medsec_err adv_gz_open(struct adv_gz *g, struct adv_reader *r, const char *path);
void adv_gz_close(struct adv_gz *g);
/* Inflate up to @cap bytes into @out; *got == 0 at the end. EPARSE on corrupt data, EIO. */
medsec_err adv_gz_read(struct adv_gz *g, char *out, size_t cap, size_t *got, const char *path,
                       struct medsec_error *err);
/* Read exactly @n bytes (or fewer at the end: *got tells). */
medsec_err adv_gz_read_full(struct adv_gz *g, char *out, size_t n, size_t *got, const char *path,
                            struct medsec_error *err);
/* Skip @n bytes of the stream; EPARSE when it ends first. */
medsec_err adv_gz_skip(struct adv_gz *g, unsigned long long n, const char *path,
                       struct medsec_error *err);
/* Compressed bytes read from the file so far. */
uint64_t adv_gz_pos(const struct adv_gz *g);

/* Text in a growable buffer: @len bytes of @data used, one byte after them always free for a NUL.
 */
struct adv_text {
    char *data;
    size_t len, cap;
};
/* Inflate more of @g after the text of @t, first doubling @t (up to @max bytes) when fewer than
 * @room bytes are free. *@got is 0 at the end of the stream. MEDSEC_ETOOBIG when @t would have to
 * pass @max (nothing read), ENOMEM, or the stream's errors with @err filled. */
medsec_err adv_gz_fill(struct adv_gz *g, struct adv_text *t, size_t room, size_t max, size_t *got,
                       const char *path, struct medsec_error *err);

/* ---- nvdfeed.c: NVD feeds, item by item ---- */

/* A whole NVD feed (1.1 CVE_Items or API 2.0 vulnerabilities) in memory. */
medsec_err adv_nvd_read(struct adv_reader *r, const char *origin, const char *text, size_t len);

/* A feed read in pieces: adv_nvd_feed_push after each piece, adv_nvd_feed_end at the end. */
struct adv_nvd_feed {
    int depth;
    bool in_str, esc, key_capture, in_target, in_item;
    char key[20];
    size_t keylen;
    size_t pos;        /* where scanning goes on in the text */
    size_t item_start; /* where the unfinished item starts */
    unsigned line, item_line;
    const char
        *broken; /* why the feed cannot be read further (unbalanced, nested too deeply), or NULL */
};
/* Hand every item completed in @t to the sink, then drop the text before the unfinished item from
 * @t. Stop reading when f->broken is set. Returns the sink's errors. */
medsec_err adv_nvd_feed_push(struct adv_reader *r, struct adv_nvd_feed *f, const char *origin,
                             struct adv_text *t);
/* Warn about a broken feed or one that ends inside an item. */
void adv_nvd_feed_end(struct adv_reader *r, const struct adv_nvd_feed *f, const char *origin);

/* ---- the CSV importers (epss.c, kev.c) ---- */

bool adv_epss_detect(const char *text, size_t len);
medsec_err adv_epss_read(struct adv_reader *r, const char *origin, const char *text, size_t len);
/* The KEV catalog as CSV (header row starting with cveID). */
bool adv_kev_csv_detect(const char *text, size_t len);
medsec_err adv_kev_csv_read(struct adv_reader *r, const char *origin, const char *text, size_t len);
/* Content hash of a KEV entry (the same for the JSON and the CSV form of one entry). */
uint64_t adv_kev_hash(const struct medsec_kev_entry *k);

#endif
