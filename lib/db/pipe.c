/* pipe.c: the import on two threads. The calling thread walks the files and parses their records
 * while a storing thread writes them to SQLite: each record is copied into one block of its own and
 * handed over, in order, through a queue bounded in records and in bytes. The reader answers "is
 * this content stored?" from a set of the hashes stored when the import began, and asks the storing
 * thread only about a hash that a record of this import may have changed, so the answers are those
 * of the one-thread import. */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "medsec/alloc.h"

#define PIPE_SLOTS 4096               /* records and calls in the queue */
#define PIPE_BATCH 64                 /* a sleeping side wakes when this many can move */
#define PIPE_TAKE 16                  /* the storing thread takes this many at a time */
#define PIPE_BYTES ((size_t)16 << 20) /* copies in the queue (one bigger record goes alone) */

/* ---- the content hashes stored, and the records this import delivered ---- */

/* A stored hash: tag bit 63 marks the slot used, bits 60..62 the source (7: two rows share the
 * hash, ask the database), bits 0..59 the key of the row's source and record id. */
struct known_slot {
    uint64_t hash, tag;
};
#define TAG_USED ((uint64_t)1 << 63)
#define TAG_ASK 7u
#define TAG_KEY(t) ((t) & (((uint64_t)1 << 60) - 1))
#define TAG_SOURCE(t) ((unsigned)((t) >> 60) & 7u)

/* A layer of a Bloom filter: 32 bits per value, 10 probes (a false "maybe" in 500,000 values).
 * Full layers stay; a new one is four times as big. A false "maybe" only costs a question to the
 * storing thread. */
struct bloom {
    uint64_t *bits;
    uint64_t nbits; /* a power of two */
    size_t n, cap;
};
#define BLOOM_LAYERS 20
#define BLOOM_PROBES 10
#define BLOOM_BITS 32

struct db_known {
    struct known_slot *slots; /* NULL: none stored */
    size_t mask;
    struct bloom layers[BLOOM_LAYERS]; /* hashes and record keys delivered in this import */
    size_t nlayers;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The key of record @id of source @source (60 bits). */
static uint64_t record_key(const char *source, const char *id)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *s = source; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
    for (const char *s = id ? id : ""; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return mix(h) & (((uint64_t)1 << 60) - 1);
}

static struct known_slot *known_find(const struct db_known *k, uint64_t hash)
{
    if (!k->slots)
        return NULL;
    for (size_t j = mix(hash) & k->mask;; j = (j + 1) & k->mask) {
        struct known_slot *s = &k->slots[j];
        if (!(s->tag & TAG_USED))
            return NULL;
        if (s->hash == hash)
            return s;
    }
}

static bool bloom_has(const struct db_known *k, uint64_t v)
{
    uint64_t a = mix(v), b = mix(v ^ 0x9e3779b97f4a7c15ull) | 1;
    for (size_t l = 0; l < k->nlayers; l++) {
        const struct bloom *f = &k->layers[l];
        bool all = true;
        for (unsigned i = 0; all && i < BLOOM_PROBES; i++) {
            uint64_t bit = (a + i * b) & (f->nbits - 1);
            all = (f->bits[bit >> 6] >> (bit & 63)) & 1;
        }
        if (all)
            return true;
    }
    return false;
}

static medsec_err bloom_add(struct db_known *k, uint64_t v)
{
    struct bloom *f = k->nlayers ? &k->layers[k->nlayers - 1] : NULL;
    if (!f || f->n >= f->cap) {
        if (k->nlayers == BLOOM_LAYERS)
            return MEDSEC_ENOMEM;
        f = &k->layers[k->nlayers];
        f->cap = (size_t)65536 << (2 * k->nlayers);
        f->nbits = (uint64_t)f->cap * BLOOM_BITS;
        f->n = 0;
        if (!(f->bits = medsec_calloc((size_t)(f->nbits / 64), sizeof *f->bits)))
            return MEDSEC_ENOMEM;
        k->nlayers++;
    }
    uint64_t a = mix(v), b = mix(v ^ 0x9e3779b97f4a7c15ull) | 1;
    for (unsigned i = 0; i < BLOOM_PROBES; i++) {
        uint64_t bit = (a + i * b) & (f->nbits - 1);
        f->bits[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
    f->n++;
    return MEDSEC_OK;
}

void db_known_free(struct importer *im)
{
    struct db_known *k = im->known;
    if (!k)
        return;
    for (size_t l = 0; l < k->nlayers; l++)
        medsec_free(k->layers[l].bits);
    medsec_free(k->slots);
    medsec_free(k);
    im->known = NULL;
}

medsec_err db_known_load(struct importer *im)
{
    struct medsec_db *db = im->db;
    struct db_known *k = medsec_calloc(1, sizeof *k);
    if (!k)
        return medsec_error_set(im->err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
    im->known = k;
    sqlite3_stmt *s = NULL;
    size_t n = 0;
    if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM advisory", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return db_fail(db, im->err, "stored hashes");
    }
    n = (size_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    s = NULL;
    if (n == 0)
        return MEDSEC_OK;
    size_t nslots = 1024;
    while (nslots < n + n / 2) /* at most two thirds full */
        nslots *= 2;
    if (!(k->slots = medsec_calloc(nslots, sizeof *k->slots)))
        return medsec_error_set(im->err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
    k->mask = nslots - 1;
    if (sqlite3_prepare_v2(db->h, "SELECT hash, source, record_id FROM advisory", -1, &s, NULL) !=
        SQLITE_OK)
        return db_fail(db, im->err, "stored hashes");
    size_t got = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && got < n) {
        uint64_t hash = (uint64_t)sqlite3_column_int64(s, 0);
        const char *src = (const char *)sqlite3_column_text(s, 1);
        const char *id = (const char *)sqlite3_column_text(s, 2);
        unsigned source = TAG_ASK;
        for (unsigned i = 0; src && i < MEDSEC_ADV_NSOURCES; i++)
            if (strcmp(src, medsec_adv_source_name((enum medsec_adv_source)i)) == 0)
                source = i;
        uint64_t tag = TAG_USED | (uint64_t)source << 60 | record_key(src ? src : "", id);
        size_t j = mix(hash) & k->mask;
        while ((k->slots[j].tag & TAG_USED) && k->slots[j].hash != hash)
            j = (j + 1) & k->mask;
        if (k->slots[j].tag & TAG_USED)
            tag |= (uint64_t)TAG_ASK << 60; /* two rows, one hash: the database knows which */
        k->slots[j] = (struct known_slot){hash, tag};
        got++;
    }
    if (rc == SQLITE_ROW) /* more rows than counted inside our own transaction: a bug */
        rc = SQLITE_DONE, got = n + 1;
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return db_fail(db, im->err, "stored hashes");
    if (got > n)
        return medsec_error_set(im->err, MEDSEC_EINTERNAL, db->path, 0, 0,
                                "the advisory table changed while it was read");
    return MEDSEC_OK;
}

/* ---- a record copied into one block ---- */

/* Copying in two passes: with @base NULL only @pos counts the bytes, then the same calls copy. */
struct flat {
    unsigned char *base;
    size_t pos;
};

static const char *flat_str(struct flat *f, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = f->base ? (char *)f->base + f->pos : NULL;
    if (d)
        memcpy(d, s, n);
    f->pos += n;
    return d;
}

/* A copy of @n elements of @size at @src; NULL when @n is 0 and while counting. */
static void *flat_arr(struct flat *f, const void *src, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    f->pos = (f->pos + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    void *d = f->base ? f->base + f->pos : NULL;
    if (d)
        memcpy(d, src, n * size);
    f->pos += n * size;
    return d;
}

static void flat_vuln(struct flat *f, const struct medsec_adv_vuln *sv, struct medsec_adv_vuln *v)
{
    v->name = flat_str(f, sv->name);
    v->summary = flat_str(f, sv->summary);
    v->details = flat_str(f, sv->details);
    v->published = flat_str(f, sv->published);
    v->modified = flat_str(f, sv->modified);
    v->withdrawn = flat_str(f, sv->withdrawn);
    v->cwes = flat_str(f, sv->cwes);
    v->refs = flat_str(f, sv->refs);
    v->aliases = flat_arr(f, sv->aliases, sv->n_aliases, sizeof *sv->aliases);
    for (size_t i = 0; i < sv->n_aliases; i++) {
        const char *a = flat_str(f, sv->aliases[i]);
        if (v->aliases)
            v->aliases[i] = a;
    }
    v->scores = flat_arr(f, sv->scores, sv->n_scores, sizeof *sv->scores);
    for (size_t i = 0; i < sv->n_scores; i++) {
        struct medsec_adv_score t, *d = v->scores ? &v->scores[i] : &t;
        d->type = flat_str(f, sv->scores[i].type);
        d->vector = flat_str(f, sv->scores[i].vector);
        d->source = flat_str(f, sv->scores[i].source);
    }
    v->affected = flat_arr(f, sv->affected, sv->n_affected, sizeof *sv->affected);
    for (size_t i = 0; i < sv->n_affected; i++) {
        const struct medsec_adv_affected *a = &sv->affected[i];
        struct medsec_adv_affected t, *d = v->affected ? &v->affected[i] : &t;
        d->purl_type = flat_str(f, a->purl_type);
        d->purl_ns = flat_str(f, a->purl_ns);
        d->purl_name = flat_str(f, a->purl_name);
        d->purl = flat_str(f, a->purl);
        d->ecosystem = flat_str(f, a->ecosystem);
        d->scheme = flat_str(f, a->scheme);
        d->vendor = flat_str(f, a->vendor);
        d->product = flat_str(f, a->product);
        d->product_id = flat_str(f, a->product_id);
        d->cpe = flat_str(f, a->cpe);
        d->ranges = flat_str(f, a->ranges);
        d->versions = flat_str(f, a->versions);
        d->fixed = flat_str(f, a->fixed);
        d->status = flat_str(f, a->status);
    }
    v->nodes = flat_arr(f, sv->nodes, sv->n_nodes, sizeof *sv->nodes);
    v->cpes = flat_arr(f, sv->cpes, sv->n_cpes, sizeof *sv->cpes);
    for (size_t i = 0; i < sv->n_cpes; i++) {
        const struct medsec_adv_cpe *c = &sv->cpes[i];
        struct medsec_adv_cpe t, *d = v->cpes ? &v->cpes[i] : &t;
        d->criteria = flat_str(f, c->criteria);
        d->key = flat_str(f, c->key);
        d->vsi = flat_str(f, c->vsi);
        d->vse = flat_str(f, c->vse);
        d->vei = flat_str(f, c->vei);
        d->vee = flat_str(f, c->vee);
        d->ver_key = flat_str(f, c->ver_key);
    }
    v->remediations = flat_arr(f, sv->remediations, sv->n_remediations, sizeof *sv->remediations);
    for (size_t i = 0; i < sv->n_remediations; i++) {
        const struct medsec_adv_remediation *r = &sv->remediations[i];
        struct medsec_adv_remediation t, *d = v->remediations ? &v->remediations[i] : &t;
        d->category = flat_str(f, r->category);
        d->details = flat_str(f, r->details);
        d->url = flat_str(f, r->url);
        d->products = flat_str(f, r->products);
    }
}

static void flat_adv(struct flat *f, const struct medsec_advisory *a)
{
    struct medsec_advisory t, *d = flat_arr(f, a, 1, sizeof *a);
    if (!d)
        d = &t;
    d->id = flat_str(f, a->id);
    d->title = flat_str(f, a->title);
    d->published = flat_str(f, a->published);
    d->modified = flat_str(f, a->modified);
    d->origin = flat_str(f, a->origin);
    d->vulns = flat_arr(f, a->vulns, a->n_vulns, sizeof *a->vulns);
    for (size_t i = 0; i < a->n_vulns; i++) {
        struct medsec_adv_vuln tv = a->vulns[i];
        flat_vuln(f, &a->vulns[i], d->vulns ? &d->vulns[i] : &tv);
    }
}

/* A KEV or EPSS entry and its origin; returns the origin's copy. */
static const char *flat_kev(struct flat *f, const struct medsec_kev_entry *k, const char *origin)
{
    struct medsec_kev_entry t, *d = flat_arr(f, k, 1, sizeof *k);
    if (!d)
        d = &t;
    const char **fields[] = {&d->cve,         &d->vendor,     &d->product,  &d->name,
                             &d->description, &d->date_added, &d->due_date, &d->ransomware,
                             &d->action,      &d->notes};
    const char *const from[] = {k->cve,         k->vendor,     k->product,  k->name,
                                k->description, k->date_added, k->due_date, k->ransomware,
                                k->action,      k->notes};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        *fields[i] = flat_str(f, from[i]);
    return flat_str(f, origin);
}

static const char *flat_epss(struct flat *f, const struct medsec_epss_entry *e, const char *origin)
{
    struct medsec_epss_entry t, *d = flat_arr(f, e, 1, sizeof *e);
    if (!d)
        d = &t;
    d->cve = flat_str(f, e->cve);
    d->date = flat_str(f, e->date);
    return flat_str(f, origin);
}

/* ---- the queue ---- */

enum item_kind { IT_ADV, IT_KEV, IT_EPSS, IT_KNOWN };

struct item {
    enum item_kind kind;
    void *block;      /* the copy (owned); NULL for IT_KNOWN */
    size_t size;      /* its bytes */
    const char *text; /* in @block: the origin of a KEV or EPSS entry */
    uint64_t a;       /* KEV: its hash; known: the hash asked about */
};

struct pipe {
    struct importer *im;
    pthread_mutex_t mu;
    pthread_cond_t to_writer, to_reader;
    struct item ring[PIPE_SLOTS];
    size_t head, count, bytes, need;
    bool writer_waiting, reader_waiting;
    bool done;             /* the reader has finished */
    bool answered, answer; /* the storing thread's answer to an IT_KNOWN */
    bool refill;           /* after an answer the queue is empty: take the records one by one */
    medsec_err stop;       /* storing failed: the reader stops at its next record */
    medsec_err own_rc;     /* the reader side failed to copy (out of memory) */
    atomic_bool halted;    /* stop or own_rc is set (read without the lock) */
    struct medsec_error rerr;
    size_t unchanged[MEDSEC_ADV_NSOURCES]; /* known from the set (the reader's count) */
    bool seen_nvd;                         /* an NVD record was stored */
};

/* Is there room for @it? Less than PIPE_BATCH slots free or too many bytes: not yet. */
static bool room(const struct pipe *p, size_t size, size_t slots_free)
{
    return p->count == 0 || (PIPE_SLOTS - p->count >= slots_free && p->bytes + size <= PIPE_BYTES);
}

/* Queue @it (its block is the queue's from now on). Returns the storing side's error. */
static medsec_err put(struct pipe *p, const struct item *it)
{
    pthread_mutex_lock(&p->mu);
    while (!p->stop && !room(p, it->size, 1)) {
        p->reader_waiting = true;
        p->need = it->size;
        if (p->writer_waiting)
            pthread_cond_signal(&p->to_writer);
        pthread_cond_wait(&p->to_reader, &p->mu);
    }
    p->reader_waiting = false;
    medsec_err rc = p->stop;
    if (!rc) {
        p->ring[(p->head + p->count) % PIPE_SLOTS] = *it;
        p->count++;
        p->bytes += it->size;
        if (p->count >= PIPE_BATCH)
            p->refill = false;
        if (p->writer_waiting && (p->count >= PIPE_BATCH || p->refill || it->kind == IT_KNOWN))
            pthread_cond_signal(&p->to_writer);
    }
    pthread_mutex_unlock(&p->mu);
    if (rc)
        medsec_free(it->block);
    return rc;
}

static medsec_err stopped(struct pipe *p)
{
    if (!atomic_load_explicit(&p->halted, memory_order_relaxed))
        return MEDSEC_OK;
    pthread_mutex_lock(&p->mu);
    medsec_err rc = p->stop ? p->stop : p->own_rc;
    pthread_mutex_unlock(&p->mu);
    return rc;
}

/* ---- the reading thread's sink ---- */

static bool pipe_known(void *ud, uint64_t hash)
{
    struct pipe *p = ud;
    if (stopped(p))
        return false; /* parse it: delivering it returns the error at once */
    const struct db_known *k = p->im->known;
    const struct known_slot *s = k ? known_find(k, hash) : NULL;
    if (s && TAG_SOURCE(s->tag) != TAG_ASK && !bloom_has(k, TAG_KEY(s->tag))) {
        /* stored when the import began, and no record of this import had its id */
        p->unchanged[TAG_SOURCE(s->tag)]++;
        return true;
    }
    if (!s && (!k || !bloom_has(k, hash)))
        return false; /* stored neither before nor (maybe) by this import */
    /* the database as the records before this one left it knows */
    struct item it = {.kind = IT_KNOWN, .a = hash};
    if (put(p, &it))
        return false;
    pthread_mutex_lock(&p->mu);
    while (!p->answered && !p->stop) {
        p->reader_waiting = true;
        p->need = 0;
        if (p->writer_waiting)
            pthread_cond_signal(&p->to_writer);
        pthread_cond_wait(&p->to_reader, &p->mu);
    }
    p->reader_waiting = false;
    bool answer = p->answered && p->answer;
    p->answered = false;
    pthread_mutex_unlock(&p->mu);
    return answer;
}

/* Copy with @fill into a new block of the size it counts. */
#define PIPE_COPY(p, it, fill)                                                                     \
    do {                                                                                           \
        struct flat f_ = {NULL, 0};                                                                \
        fill;                                                                                      \
        (it).size = f_.pos;                                                                        \
        if (!((it).block = medsec_malloc(f_.pos)))                                                 \
            return own_fail(p);                                                                    \
        f_ = (struct flat){(it).block, 0};                                                         \
        fill;                                                                                      \
    } while (0)

static medsec_err own_fail(struct pipe *p)
{
    pthread_mutex_lock(&p->mu);
    p->own_rc = MEDSEC_ENOMEM;
    atomic_store(&p->halted, true);
    pthread_mutex_unlock(&p->mu);
    return MEDSEC_ENOMEM;
}

static medsec_err pipe_advisory(void *ud, const struct medsec_advisory *adv)
{
    struct pipe *p = ud;
    medsec_err rc = stopped(p);
    if (rc)
        return rc;
    db_import_check_time(p->im, adv);
    /* a later record with this content or id asks the storing thread (pipe_known) */
    if (p->im->known &&
        (bloom_add(p->im->known, adv->hash) ||
         bloom_add(p->im->known, record_key(medsec_adv_source_name(adv->source), adv->id))))
        return own_fail(p);
    struct item it = {.kind = IT_ADV};
    PIPE_COPY(p, it, flat_adv(&f_, adv));
    return put(p, &it);
}

static medsec_err pipe_kev(void *ud, const struct medsec_kev_entry *e, const char *origin,
                           uint64_t hash)
{
    struct pipe *p = ud;
    medsec_err rc = stopped(p);
    if (rc)
        return rc;
    struct item it = {.kind = IT_KEV, .a = hash};
    PIPE_COPY(p, it, it.text = flat_kev(&f_, e, origin));
    return put(p, &it);
}

static medsec_err pipe_epss(void *ud, const struct medsec_epss_entry *e, const char *origin)
{
    struct pipe *p = ud;
    medsec_err rc = stopped(p);
    if (rc)
        return rc;
    struct item it = {.kind = IT_EPSS};
    PIPE_COPY(p, it, it.text = flat_epss(&f_, e, origin));
    return put(p, &it);
}

/* The reader runs on the calling thread: its progress calls go straight to the caller (they say
 * how far the files are read; the records stored trail them by the queue). */
static void pipe_progress(void *ud, const char *path, uint64_t done, uint64_t total)
{
    struct pipe *p = ud;
    db_import_progress(p->im, path, done, total);
}

/* ---- the storing thread ---- */

/* Store @it unless storing failed before; an error stops the reader. */
static void store_item(struct pipe *p, const struct item *it)
{
    struct importer *im = p->im;
    medsec_err rc = MEDSEC_OK;
    if (it->kind == IT_KNOWN) {
        bool answer = !p->stop && db_import_known(im, it->a);
        pthread_mutex_lock(&p->mu);
        p->answer = answer;
        p->answered = true;
        p->refill = true;
        pthread_cond_signal(&p->to_reader);
        pthread_mutex_unlock(&p->mu);
        return;
    }
    if (p->stop)
        return;
    const unsigned char *b = it->block;
    switch (it->kind) {
    case IT_ADV: {
        const struct medsec_advisory *a = (const void *)b;
        /* the NVD records are over (the walk goes in name order: osv after nvd): the CPE index
         * is sorted now, while the reading thread parses on, not at the end */
        if (a->source == MEDSEC_ADV_NVD)
            p->seen_nvd = true;
        else if (p->seen_nvd && im->bulk && !im->cpe_indexed)
            rc = db_import_cpe_index(im);
        if (!rc)
            rc = db_import_store(im, a);
        break;
    }
    case IT_KEV: {
        const struct medsec_kev_entry *k = (const void *)b;
        rc = db_import_store_kev(im, k, it->text, it->a);
        break;
    }
    case IT_EPSS: {
        const struct medsec_epss_entry *e = (const void *)b;
        rc = db_import_store_epss(im, e, it->text);
        break;
    }
    case IT_KNOWN: break;
    }
    if (rc) {
        pthread_mutex_lock(&p->mu);
        p->stop = rc;
        atomic_store(&p->halted, true);
        pthread_cond_signal(&p->to_reader);
        pthread_mutex_unlock(&p->mu);
    }
}

/* The storing thread: everything the reader queues, in order, until it is done. */
static void *writer_main(void *arg)
{
    struct pipe *p = arg;
    const struct medsec_ctx *prev = medsec_ctx_enter(p->im->db->ctx);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->count == 0 ||
               (p->count < PIPE_BATCH && !p->reader_waiting && !p->done && !p->refill)) {
            if (p->count == 0 && p->done)
                break;
            p->writer_waiting = true;
            pthread_cond_wait(&p->to_writer, &p->mu);
        }
        p->writer_waiting = false;
        if (p->count == 0 && p->done)
            break;
        /* the items up to head + n stay put until they are released below */
        size_t n = p->count < PIPE_TAKE ? p->count : PIPE_TAKE, head = p->head, bytes = 0;
        pthread_mutex_unlock(&p->mu);
        for (size_t i = 0; i < n; i++) {
            struct item *it = &p->ring[(head + i) % PIPE_SLOTS];
            store_item(p, it);
            medsec_free(it->block);
            bytes += it->size;
        }
        pthread_mutex_lock(&p->mu);
        p->head = (p->head + n) % PIPE_SLOTS;
        p->count -= n;
        p->bytes -= bytes;
        if (p->reader_waiting && !p->answered && room(p, p->need, PIPE_BATCH))
            pthread_cond_signal(&p->to_reader);
    }
    pthread_mutex_unlock(&p->mu);
    medsec_ctx_leave(prev);
    return NULL;
}

/*
 * The records are read on the calling thread and stored on a new one, which has the SQLite handle
 * for the length of the read (the end of the import runs on the calling thread again). So the
 * memory the end needs (index sorts) reuses what parsing freed, as on one thread.
 */
medsec_err db_pipe_import(struct importer *im, const char *path, bool *started)
{
    struct pipe *p = medsec_calloc(1, sizeof *p);
    *started = false;
    if (!p)
        return medsec_error_set(im->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
    p->im = im;
    medsec_error_clear(&p->rerr);
    if (!im->known && !(im->known = medsec_calloc(1, sizeof *im->known))) {
        medsec_free(p);
        return medsec_error_set(im->err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
    }
    pthread_t writer;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        medsec_free(p);
        return MEDSEC_OK; /* not started: read on this thread */
    }
    bool conds = pthread_cond_init(&p->to_writer, NULL) == 0;
    if (conds && pthread_cond_init(&p->to_reader, NULL) != 0) {
        pthread_cond_destroy(&p->to_writer);
        conds = false;
    }
    if (!conds || pthread_create(&writer, NULL, writer_main, p) != 0) {
        if (conds) {
            pthread_cond_destroy(&p->to_writer);
            pthread_cond_destroy(&p->to_reader);
        }
        pthread_mutex_destroy(&p->mu);
        medsec_free(p);
        return MEDSEC_OK;
    }
    *started = true;
    struct medsec_adv_sink sink = {
        .ud = p,
        .known = pipe_known,
        .advisory = pipe_advisory,
        .kev = pipe_kev,
        .epss = pipe_epss,
        .progress = im->opts && im->opts->progress ? pipe_progress : NULL,
    };
    medsec_err rc = medsec_adv_read_path(path, &sink, &im->stats->read, im->diags, &p->rerr);
    pthread_mutex_lock(&p->mu);
    if (!rc && p->own_rc)
        rc = medsec_error_set(&p->rerr, p->own_rc, path, 0, 0, "out of memory");
    p->done = true;
    pthread_cond_signal(&p->to_writer);
    pthread_mutex_unlock(&p->mu);
    pthread_join(writer, NULL);
    if (p->stop)
        rc = p->stop; /* the reader stopped on it, or the last records failed */
    for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++)
        im->stats->unchanged[i] += p->unchanged[i];
    /* a statement failure already filled err with SQLite's message; keep the reader's otherwise */
    if (rc && im->err->code == MEDSEC_OK)
        *im->err = p->rerr;
    pthread_cond_destroy(&p->to_writer);
    pthread_cond_destroy(&p->to_reader);
    pthread_mutex_destroy(&p->mu);
    medsec_free(p);
    return rc;
}
