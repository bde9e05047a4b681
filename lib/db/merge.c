/* merge.c: alias merging: union-find over the ids of every vulnerability entry (its own name and
 * its aliases), so CVE / GHSA / OSV / vendor ids that name the same flaw become one identity. Two
 * sets that each hold a different CVE are never merged (an advisory that lists several CVEs as
 * aliases would otherwise glue unrelated flaws together). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "medsec/alloc.h"
#include "medsec/arena.h"

/* One id: its text and its place in the union-find forest. */
struct name {
    const char *name;
    size_t parent;
    size_t cve; /* index of the CVE name in the set (root only), or SIZE_MAX */
    bool used;  /* an entry or alias in the database has it (a first import's names include
                 * those of the entries a newer copy of their record replaced) */
};

struct db_names {
    struct medsec_arena arena;
    struct name *v; /* index -> id */
    size_t n, cap;
    size_t *slots; /* open addressing: index + 1, 0 empty */
    size_t nslots;
};

/* The entries in id order, the index of each one's own name and its identity as stored (0: none).
 */
struct entry_name {
    sqlite3_int64 id;
    size_t name;
    sqlite3_int64 vuln;
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool is_cve(const char *s)
{
    return strncmp(s, "CVE-", 4) == 0;
}

static medsec_err grow_slots(struct db_names *t)
{
    size_t ns = t->nslots ? t->nslots * 2 : 1 << 16;
    size_t *slots = medsec_calloc(ns, sizeof *slots);
    if (!slots)
        return MEDSEC_ENOMEM;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = str_hash(t->v[i].name) & (ns - 1);
        while (slots[j])
            j = (j + 1) & (ns - 1);
        slots[j] = i + 1;
    }
    medsec_free(t->slots);
    t->slots = slots;
    t->nslots = ns;
    return MEDSEC_OK;
}

/* Index of @s, added when new; SIZE_MAX when memory ran out. */
static size_t intern(struct db_names *t, const char *s)
{
    if ((t->n + 1) * 2 > t->nslots && grow_slots(t))
        return SIZE_MAX;
    size_t j = str_hash(s) & (t->nslots - 1);
    while (t->slots[j]) {
        if (strcmp(t->v[t->slots[j] - 1].name, s) == 0)
            return t->slots[j] - 1;
        j = (j + 1) & (t->nslots - 1);
    }
    char *copy = medsec_arena_strdup(&t->arena, s);
    if (!copy || MEDSEC_ARRAY_GROW(t->v, t->n, t->cap))
        return SIZE_MAX;
    size_t i = t->n++;
    t->v[i] =
        (struct name){.name = copy, .parent = i, .cve = is_cve(copy) ? i : SIZE_MAX, .used = false};
    t->slots[j] = i + 1;
    return i;
}

static size_t find(struct db_names *t, size_t i)
{
    while (t->v[i].parent != i) {
        t->v[i].parent = t->v[t->v[i].parent].parent;
        i = t->v[i].parent;
    }
    return i;
}

static void unite(struct db_names *t, size_t a, size_t b)
{
    a = find(t, a);
    b = find(t, b);
    if (a == b)
        return;
    if (t->v[a].cve != SIZE_MAX && t->v[b].cve != SIZE_MAX)
        return; /* two different CVEs: keep them apart */
    if (a > b) {
        size_t x = a;
        a = b;
        b = x;
    }
    t->v[b].parent = a;
    if (t->v[a].cve == SIZE_MAX)
        t->v[a].cve = t->v[b].cve;
}

static void names_release(struct db_names *t)
{
    medsec_arena_release(&t->arena);
    medsec_free(t->v);
    medsec_free(t->slots);
}

struct db_names *db_names_new(void)
{
    return medsec_calloc(1, sizeof(struct db_names));
}

void db_names_free(struct db_names *t)
{
    if (!t)
        return;
    names_release(t);
    medsec_free(t);
}

sqlite3_int64 db_names_vuln(struct db_names *t, const char *name)
{
    size_t i = intern(t, name);
    return i == SIZE_MAX ? 0 : (sqlite3_int64)i + 1;
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp((*(struct name *const *)x)->name, (*(struct name *const *)y)->name);
}

static int index_cmp(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

medsec_err db_merge_identities(struct medsec_db *db, struct db_names *names, size_t *count,
                               struct medsec_error *err)
{
    struct db_names own = {0};
    struct db_names *t = names ? names : &own;
    struct entry_name *entries = NULL;
    size_t nentries = 0, cap = 0;
    size_t *canon = NULL, *heads = NULL;
    struct name **by_name = NULL;
    sqlite3_stmt *s = NULL;
    medsec_err rc = MEDSEC_OK;
    *count = 0;

    /* 1. every entry's own name */
    if (sqlite3_prepare_v2(db->h, "SELECT id, name, vuln FROM entry ORDER BY id", -1, &s, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    int sr;
    while ((sr = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 1);
        size_t k = intern(t, name ? name : "");
        if (k == SIZE_MAX || MEDSEC_ARRAY_GROW(entries, nentries, cap)) {
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            goto out_free;
        }
        t->v[k].used = true;
        entries[nentries++] = (struct entry_name){
            .id = sqlite3_column_int64(s, 0), .name = k, .vuln = sqlite3_column_int64(s, 2)};
    }
    if (sr != SQLITE_DONE) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    sqlite3_finalize(s);
    s = NULL;

    /* 2. aliases: entries are in id order, so a binary search finds each alias's entry */
    if (sqlite3_prepare_v2(db->h, "SELECT entry, name FROM entry_alias", -1, &s, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    while ((sr = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 e = sqlite3_column_int64(s, 0);
        size_t lo = 0, hi = nentries;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (entries[mid].id < e)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == nentries || entries[lo].id != e)
            continue;
        const char *name = (const char *)sqlite3_column_text(s, 1);
        size_t k = intern(t, name ? name : "");
        if (k == SIZE_MAX) {
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            goto out_free;
        }
        t->v[k].used = true;
        unite(t, entries[lo].name, k);
    }
    if (sr != SQLITE_DONE) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    sqlite3_finalize(s);
    s = NULL;

    /* 3. canonical name per set: its CVE, else the smallest name; the identity's id is that
     * name's number plus one */
    size_t nsets = 0;
    canon = medsec_malloc((t->n ? t->n : 1) * sizeof *canon);
    heads = medsec_malloc((t->n ? t->n : 1) * sizeof *heads);
    if (!canon || !heads) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    for (size_t i = 0; i < t->n; i++)
        canon[i] = SIZE_MAX;
    for (size_t i = 0; i < t->n; i++) {
        if (!t->v[i].used)
            continue;
        size_t r = find(t, i);
        if (canon[r] == SIZE_MAX) {
            canon[r] = t->v[r].cve != SIZE_MAX ? t->v[r].cve : i;
            nsets++;
        } else if (t->v[r].cve == SIZE_MAX && strcmp(t->v[i].name, t->v[canon[r]].name) < 0) {
            canon[r] = i;
        }
    }
    size_t nheads = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].used && find(t, i) == i)
            heads[nheads++] = canon[i];
    qsort(heads, nheads, sizeof *heads, index_cmp); /* in id order: each row at the table's end */

    rc = db_exec(db, "DELETE FROM vuln; DELETE FROM alias", err);
    if (rc)
        goto out_free;
    if (sqlite3_prepare_v2(db->h, "INSERT INTO vuln(id, name) VALUES(?, ?)", -1, &s, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    for (size_t i = 0; i < nheads; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, (sqlite3_int64)heads[i] + 1);
        sqlite3_bind_text(s, 2, t->v[heads[i]].name, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = db_fail(db, err, "merge");
            goto out_free;
        }
    }
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(db->h, "INSERT INTO alias(name, vuln) VALUES(?, ?)", -1, &s, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    /* in name order: each row goes at the end of the table's b-tree */
    by_name = medsec_calloc(t->n ? t->n : 1, sizeof *by_name);
    if (!by_name) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    size_t nused = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].used)
            by_name[nused++] = &t->v[i];
    if (nused > 1)
        qsort(by_name, nused, sizeof *by_name, name_cmp);
    for (size_t k = 0; k < nused; k++) {
        size_t i = (size_t)(by_name[k] - t->v);
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, t->v[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)canon[find(t, i)] + 1);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = db_fail(db, err, "merge");
            goto out_free;
        }
    }
    sqlite3_finalize(s);
    /* the entries whose identity changes: on a first import, those whose own name does not head
     * their set */
    if (sqlite3_prepare_v2(db->h, "UPDATE entry SET vuln = ? WHERE id = ?", -1, &s, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    for (size_t i = 0; i < nentries; i++) {
        sqlite3_int64 v = (sqlite3_int64)canon[find(t, entries[i].name)] + 1;
        if (v == entries[i].vuln)
            continue;
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, v);
        sqlite3_bind_int64(s, 2, entries[i].id);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = db_fail(db, err, "merge");
            goto out_free;
        }
    }
    *count = nsets;
out_free:
    sqlite3_finalize(s);
    medsec_free(by_name);
    medsec_free(canon);
    medsec_free(heads);
    medsec_free(entries);
    names_release(&own);
    return rc;
}
