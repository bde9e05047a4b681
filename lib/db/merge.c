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
};

struct names {
    struct medsec_arena arena;
    struct name *v; /* index -> id */
    size_t n, cap;
    size_t *slots; /* open addressing: index + 1, 0 empty */
    size_t nslots;
};

/* The entries in id order and the index of each one's own name. */
struct entry_name {
    sqlite3_int64 id;
    size_t name;
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

static medsec_err grow_slots(struct names *t)
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
static size_t intern(struct names *t, const char *s)
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
    t->v[i] = (struct name){.name = copy, .parent = i, .cve = is_cve(copy) ? i : SIZE_MAX};
    t->slots[j] = i + 1;
    return i;
}

static size_t find(struct names *t, size_t i)
{
    while (t->v[i].parent != i) {
        t->v[i].parent = t->v[t->v[i].parent].parent;
        i = t->v[i].parent;
    }
    return i;
}

static void unite(struct names *t, size_t a, size_t b)
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

static void names_release(struct names *t)
{
    medsec_arena_release(&t->arena);
    medsec_free(t->v);
    medsec_free(t->slots);
}

struct setname {
    size_t root;
    const char *canon;
};

static int setname_cmp(const void *x, const void *y)
{
    return strcmp(((const struct setname *)x)->canon, ((const struct setname *)y)->canon);
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp((*(struct name *const *)x)->name, (*(struct name *const *)y)->name);
}

medsec_err db_merge_identities(struct medsec_db *db, size_t *count, struct medsec_error *err)
{
    struct names t = {0};
    struct entry_name *entries = NULL;
    size_t nentries = 0, cap = 0;
    size_t *vuln_of_root = NULL;
    struct setname *sets = NULL;
    struct name **by_name = NULL;
    sqlite3_stmt *s = NULL;
    medsec_err rc = MEDSEC_OK;
    *count = 0;

    /* 1. every entry's own name */
    if (sqlite3_prepare_v2(db->h, "SELECT id, name FROM entry ORDER BY id", -1, &s, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    int sr;
    while ((sr = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 1);
        size_t k = intern(&t, name ? name : "");
        if (k == SIZE_MAX || MEDSEC_ARRAY_GROW(entries, nentries, cap)) {
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            goto out_free;
        }
        entries[nentries++] = (struct entry_name){.id = sqlite3_column_int64(s, 0), .name = k};
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
        size_t k = intern(&t, name ? name : "");
        if (k == SIZE_MAX) {
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            goto out_free;
        }
        unite(&t, entries[lo].name, k);
    }
    if (sr != SQLITE_DONE) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    sqlite3_finalize(s);
    s = NULL;

    /* 3. canonical name per set: its CVE, else the smallest name; ids in canonical-name order */
    size_t nsets = 0;
    sets = medsec_calloc(t.n ? t.n : 1, sizeof *sets);
    vuln_of_root = medsec_calloc(t.n ? t.n : 1, sizeof *vuln_of_root);
    if (!sets || !vuln_of_root) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    for (size_t i = 0; i < t.n; i++) {
        size_t r = find(&t, i);
        if (vuln_of_root[r] == 0) {
            sets[nsets].root = r;
            sets[nsets].canon = t.v[r].cve != SIZE_MAX ? t.v[t.v[r].cve].name : t.v[i].name;
            vuln_of_root[r] = ++nsets;
        } else if (t.v[r].cve == SIZE_MAX &&
                   strcmp(t.v[i].name, sets[vuln_of_root[r] - 1].canon) < 0) {
            sets[vuln_of_root[r] - 1].canon = t.v[i].name;
        }
    }
    qsort(sets, nsets, sizeof *sets, setname_cmp);
    for (size_t i = 0; i < nsets; i++)
        vuln_of_root[sets[i].root] = i + 1;

    rc = db_exec(db, "DELETE FROM vuln; DELETE FROM alias", err);
    if (rc)
        goto out_free;
    if (sqlite3_prepare_v2(db->h, "INSERT INTO vuln(id, name) VALUES(?, ?)", -1, &s, NULL) !=
        SQLITE_OK) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    for (size_t i = 0; i < nsets; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, (sqlite3_int64)(i + 1));
        sqlite3_bind_text(s, 2, sets[i].canon, -1, SQLITE_STATIC);
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
    by_name = medsec_calloc(t.n ? t.n : 1, sizeof *by_name);
    if (!by_name) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    for (size_t i = 0; i < t.n; i++)
        by_name[i] = &t.v[i];
    if (t.n > 1)
        qsort(by_name, t.n, sizeof *by_name, name_cmp);
    for (size_t k = 0; k < t.n; k++) {
        size_t i = (size_t)(by_name[k] - t.v);
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, t.v[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)vuln_of_root[find(&t, i)]);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = db_fail(db, err, "merge");
            goto out_free;
        }
    }
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(db->h, "UPDATE entry SET vuln = ? WHERE id = ? AND vuln IS NOT ?", -1,
                           &s, NULL) != SQLITE_OK) {
        rc = db_fail(db, err, "merge");
        goto out_free;
    }
    for (size_t i = 0; i < nentries; i++) {
        sqlite3_int64 v = (sqlite3_int64)vuln_of_root[find(&t, entries[i].name)];
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, v);
        sqlite3_bind_int64(s, 2, entries[i].id);
        sqlite3_bind_int64(s, 3, v);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = db_fail(db, err, "merge");
            goto out_free;
        }
    }
    *count = nsets;
out_free:
    sqlite3_finalize(s);
    medsec_free(by_name);
    medsec_free(sets);
    medsec_free(vuln_of_root);
    medsec_free(entries);
    names_release(&t);
    return rc;
}
