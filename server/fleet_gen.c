/* fleet_gen.c: a deterministic demo and benchmark fleet (srv_fleet_generate): hospitals, sites,
 * models, releases and devices whose uuids and Ed25519 keys derive from a seed, so that a
 * benchmark or a demo can sign the devices' check-ins without storing a million secret keys. */
#include "fleet.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"

/* Devices per INSERT statement, and per transaction when the generator owns it. */
#define GEN_BATCH 500
#define GEN_TX_ROWS 50000

static const char *const countries[] = {"DE", "FR", "NL", "IT", "ES", "AT", "BE", "SE", "DK", "IE"};

/* splitmix64: the generator's pseudo-random stream */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void srv_fleet_gen_device(uint64_t seed, uint64_t index, unsigned char uuid[16],
                          unsigned char pk[32], unsigned char sk[64])
{
    unsigned char in[24], key[32];
    memcpy(in, "medsecdv", 8);
    for (int i = 0; i < 8; i++) {
        in[8 + i] = (unsigned char)(seed >> (8 * i));
        in[16 + i] = (unsigned char)(index >> (8 * i));
    }
    crypto_generichash(key, sizeof key, in, sizeof in, NULL, 0);
    crypto_sign_seed_keypair(pk, sk, key);
    memcpy(in, "medsecid", 8);
    crypto_generichash(uuid, 16, in, sizeof in, NULL, 0);
    sodium_memzero(key, sizeof key);
}

struct gen_model;
static medsec_err fleet_generate(struct sdb *db, const struct srv_fleet_gen *g, int existing,
                                 struct medsec_error *err);

struct gen_model {
    int64_t id;
    int64_t *rel, *secver; /* its releases */
    size_t nrel, cap, cap2;
};

static medsec_err gen_models(struct sdb *db, const struct srv_fleet_gen *g, struct gen_model *m,
                             struct medsec_error *err)
{
    medsec_err e = MEDSEC_OK;
    char name[64], version[32];
    for (size_t i = 0; !e && i < g->models; i++) {
        snprintf(name, sizeof name, "Generated model %02zu", i + 1);
        struct sdb_val p[1] = {SDB_S(name)};
        e = sdb_insert_id(db, "INSERT INTO models (name) VALUES ($1)", p, 1, &m[i].id, err);
    }
    for (size_t j = 0; !e && j < g->releases; j++) {
        struct gen_model *mm = &m[j % g->models];
        size_t k = j / g->models;
        snprintf(version, sizeof version, "%zu.%zu.0", k / 10 + 1, k % 10);
        struct srv_release_new r = {
            .model_id = mm->id,
            .version = version,
            .security_version = (int64_t)k + 1,
            .released_at = g->now - (int64_t)(g->releases - j) * 30 * 86400,
            .support_end = g->now + (int64_t)(k + 1) * 365 * 86400,
        };
        int64_t id;
        e = srv_fleet_release_add(db, &r, &id, err);
        if (!e && (MEDSEC_ARRAY_GROW(mm->rel, mm->nrel, mm->cap) ||
                   MEDSEC_ARRAY_GROW(mm->secver, mm->nrel, mm->cap2)))
            e = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        if (!e) {
            mm->rel[mm->nrel] = id;
            mm->secver[mm->nrel++] = (int64_t)k + 1;
        }
    }
    return e;
}

/* The registered models that have releases, with their releases (models 0: the demo fleet on
 * the device folders registered before). */
static medsec_err load_models(struct sdb *db, struct gen_model **out, size_t *n,
                              struct medsec_error *err)
{
    struct sdb_rows *r;
    struct gen_model *m = NULL;
    size_t nm = 0, cap = 0;
    *out = NULL;
    *n = 0;
    medsec_err e = sdb_query(db,
                             "SELECT model_id, id, security_version FROM releases"
                             " ORDER BY model_id, security_version, id",
                             NULL, 0, &r, err);
    if (e)
        return e;
    int s;
    while ((s = sdb_step(r, err)) > 0) {
        int64_t mid = sdb_int(r, 0);
        if (!nm || m[nm - 1].id != mid) {
            if (MEDSEC_ARRAY_GROW(m, nm, cap)) {
                e = MEDSEC_ENOMEM;
                break;
            }
            memset(&m[nm], 0, sizeof m[nm]);
            m[nm++].id = mid;
        }
        struct gen_model *mm = &m[nm - 1];
        if (MEDSEC_ARRAY_GROW(mm->rel, mm->nrel, mm->cap) ||
            MEDSEC_ARRAY_GROW(mm->secver, mm->nrel, mm->cap2)) {
            e = MEDSEC_ENOMEM;
            break;
        }
        mm->rel[mm->nrel] = sdb_int(r, 1);
        mm->secver[mm->nrel++] = sdb_int(r, 2);
    }
    sdb_rows_free(r);
    if (!e && s < 0)
        e = MEDSEC_EDB;
    else if (e)
        e = medsec_error_set(err, e, NULL, 0, 0, "out of memory");
    else if (!nm)
        e = medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                             "fleet: no registered model with releases to put devices on");
    *out = m;
    *n = nm;
    return e;
}

medsec_err srv_fleet_generate(struct sdb *db, const struct srv_fleet_gen *g,
                              struct medsec_error *err)
{
    if (!g->models)
        return fleet_generate(db, g, 1, err);
    return fleet_generate(db, g, 0, err);
}

static medsec_err fleet_generate(struct sdb *db, const struct srv_fleet_gen *g, int existing,
                                 struct medsec_error *err)
{
    if ((!existing && (!g->models || g->releases < g->models)) || !g->sites || !g->hospitals)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "fleet: need at least one model, site and hospital, and a release "
                                "per model");
    if (g->devices > 100000000 || g->sites > 10000000 || g->releases > 100000)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "fleet: too large");
    if (sodium_init() < 0)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "libsodium did not start");
    size_t nmodels = g->models;
    struct gen_model *m = existing ? NULL : medsec_calloc(g->models, sizeof *m);
    int64_t *hosp = medsec_calloc(g->hospitals, sizeof *hosp);
    int64_t *site = medsec_calloc(g->sites, sizeof *site);
    struct medsec_buf sql = MEDSEC_BUF_INIT;
    medsec_err e = MEDSEC_OK;
    int own = !sdb_in_tx(db);
    if ((!existing && !m) || !hosp || !site) {
        e = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    if (own && (e = sdb_begin(db, err)))
        goto out_free;
    char name[64];
    for (size_t i = 0; !e && i < g->hospitals; i++) {
        snprintf(name, sizeof name, "Hospital %04zu", i + 1);
        struct sdb_val p[2] = {SDB_S(name), SDB_S(countries[i % 10])};
        e = sdb_insert_id(db, "INSERT INTO hospitals (name, country) VALUES ($1, $2)", p, 2,
                          &hosp[i], err);
    }
    for (size_t i = 0; !e && i < g->sites; i++) {
        snprintf(name, sizeof name, "Site %05zu", i + 1);
        struct sdb_val p[2] = {SDB_I(hosp[i % g->hospitals]), SDB_S(name)};
        e = sdb_insert_id(db, "INSERT INTO sites (hospital_id, name) VALUES ($1, $2)", p, 2,
                          &site[i], err);
    }
    if (!e)
        e = existing ? load_models(db, &m, &nmodels, err) : gen_models(db, g, m, err);
    uint64_t rng = g->seed;
    for (size_t i = 0; !e && i < g->devices; i++) {
        if (i % GEN_BATCH == 0)
            e = medsec_buf_adds(&sql, "INSERT INTO devices (model_id, serial, uuid, pubkey,"
                                      " site_id, release_id, security_version, registered_at)"
                                      " VALUES ");
        unsigned char uuid[16], pk[32], sk[64];
        char uh[33], ph[65];
        srv_fleet_gen_device(g->seed, i, uuid, pk, sk);
        sodium_memzero(sk, sizeof sk);
        srv_fleet_hex(uuid, 16, uh);
        srv_fleet_hex(pk, 32, ph);
        struct gen_model *mm = &m[mix(&rng) % nmodels];
        size_t r = mix(&rng) % mm->nrel;
        int64_t s = site[mix(&rng) % g->sites];
        if (!e)
            e = medsec_buf_addf(&sql,
                                "%s(%" PRId64 ", 'SN%08zu', '%s', '%s', %" PRId64 ", %" PRId64
                                ", %" PRId64 ", %" PRId64 ")",
                                i % GEN_BATCH ? ", " : "", mm->id, i + 1, uh, ph, s, mm->rel[r],
                                mm->secver[r], g->now);
        if (e) {
            e = medsec_error_set(err, e, NULL, 0, 0, "out of memory");
            break;
        }
        if ((i + 1) % GEN_BATCH && i + 1 < g->devices)
            continue;
        e = sdb_exec(db, sql.data, NULL, 0, NULL, err);
        medsec_buf_reset(&sql);
        if (!e && own && (i + 1) % GEN_TX_ROWS == 0 && i + 1 < g->devices) {
            e = sdb_commit(db, err);
            if (!e)
                e = sdb_begin(db, err);
        }
    }
    if (own)
        e = e ? (sdb_rollback(db), e) : sdb_commit(db, err);
out_free:
    medsec_buf_release(&sql);
    for (size_t i = 0; m && i < nmodels; i++) {
        medsec_free(m[i].rel);
        medsec_free(m[i].secver);
    }
    medsec_free(m);
    medsec_free(hosp);
    medsec_free(site);
    return e;
}
