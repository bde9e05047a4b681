/* fleet.c: the fleet operations (fleet.h) on the shared core schema: registration of hospitals,
 * sites, models, releases and devices, signed check-ins with replay protection and install
 * reports, log uploads, and staged roll-outs (selection, offers, automatic halt). */
#include "fleet.h"

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/checkin.h"
#include "medsec/date.h"
#include "medsec/devlog.h"
#include "medsec/json.h"
#include "medsec/model.h"

/* ---- schema ---- */

/* The core schema in both dialects: only the identity column differs. Every integer is BIGINT
 * (64-bit in PostgreSQL; SQLite's integers are 64-bit anyway). */
#define FLEET_SCHEMA(ID)                                                                           \
    "CREATE TABLE hospitals (" ID ", name TEXT NOT NULL UNIQUE, country TEXT);"                    \
    "CREATE TABLE sites (" ID ", hospital_id BIGINT NOT NULL REFERENCES hospitals (id),"           \
    " name TEXT NOT NULL, UNIQUE (hospital_id, name));"                                            \
    "CREATE TABLE models (" ID ", name TEXT NOT NULL UNIQUE, device_dir TEXT);"                    \
    "CREATE TABLE releases (" ID ", model_id BIGINT NOT NULL REFERENCES models (id),"              \
    " version TEXT NOT NULL, security_version BIGINT NOT NULL DEFAULT 0,"                          \
    " released_at BIGINT NOT NULL DEFAULT 0, support_end BIGINT, sbom_path TEXT,"                  \
    " bundle_digest TEXT, UNIQUE (model_id, version));"                                            \
    "CREATE TABLE devices (" ID ", model_id BIGINT NOT NULL REFERENCES models (id),"               \
    " serial TEXT NOT NULL, uuid TEXT NOT NULL UNIQUE, pubkey TEXT NOT NULL,"                      \
    " site_id BIGINT NOT NULL REFERENCES sites (id), release_id BIGINT REFERENCES releases (id),"  \
    " security_version BIGINT NOT NULL DEFAULT 0, last_checkin BIGINT,"                            \
    " last_counter BIGINT NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'active'"               \
    " CHECK (status IN ('active', 'decommissioned')), registered_at BIGINT NOT NULL,"              \
    " UNIQUE (model_id, serial));"                                                                 \
    "CREATE INDEX devices_site ON devices (site_id);" /* covering index of "devices per site on    \
                                                         releases R1..Rk" (who is exposed) */      \
    "CREATE INDEX devices_exposure ON devices (release_id, status, site_id);"                      \
    "CREATE TABLE checkins (" ID ", device_id BIGINT NOT NULL REFERENCES devices (id),"            \
    " received_at BIGINT NOT NULL, counter BIGINT NOT NULL, release_id BIGINT,"                    \
    " security_version BIGINT NOT NULL DEFAULT 0, log_last BIGINT NOT NULL DEFAULT 0,"             \
    " install_seq BIGINT NOT NULL DEFAULT 0, install_result BIGINT NOT NULL DEFAULT 0);"           \
    "CREATE INDEX checkins_device ON checkins (device_id, received_at);"                           \
    "CREATE TABLE log_uploads (" ID ", device_id BIGINT NOT NULL REFERENCES devices (id),"         \
    " received_at BIGINT NOT NULL, first_seq BIGINT NOT NULL DEFAULT 0,"                           \
    " last_seq BIGINT NOT NULL DEFAULT 0, dropped BIGINT NOT NULL DEFAULT 0,"                      \
    " verified BIGINT NOT NULL DEFAULT 0, detail TEXT);"                                           \
    "CREATE INDEX log_uploads_device ON log_uploads (device_id, received_at);"                     \
    "CREATE TABLE rollouts (" ID ", release_id BIGINT NOT NULL REFERENCES releases (id),"          \
    " name TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft',"           \
    " 'running', 'paused', 'halted', 'done')), percent BIGINT NOT NULL DEFAULT 0"                  \
    " CHECK (percent BETWEEN 0 AND 100), hospital_id BIGINT REFERENCES hospitals (id),"            \
    " site_id BIGINT REFERENCES sites (id), max_failure_permille BIGINT NOT NULL DEFAULT 100"      \
    " CHECK (max_failure_permille BETWEEN 0 AND 1000), created_at BIGINT NOT NULL,"                \
    " started_at BIGINT, halted_reason TEXT);"                                                     \
    "CREATE INDEX rollouts_state ON rollouts (state, release_id);"                                 \
    "CREATE TABLE rollout_devices (rollout_id BIGINT NOT NULL REFERENCES rollouts (id),"           \
    " device_id BIGINT NOT NULL REFERENCES devices (id), state TEXT NOT NULL"                      \
    " CHECK (state IN ('offered', 'installing', 'succeeded', 'failed')),"                          \
    " updated_at BIGINT NOT NULL, result_code BIGINT NOT NULL DEFAULT 0,"                          \
    " PRIMARY KEY (rollout_id, device_id));"                                                       \
    "CREATE INDEX rollout_devices_device ON rollout_devices (device_id);"

static const struct sdb_migration fleet_steps[] = {
    {FLEET_SCHEMA("id INTEGER PRIMARY KEY"), FLEET_SCHEMA("id BIGSERIAL PRIMARY KEY")},
};

medsec_err srv_fleet_migrate(struct sdb *db, struct medsec_error *err)
{
    return sdb_migrate(db, "fleet", fleet_steps, sizeof fleet_steps / sizeof fleet_steps[0], err);
}

/* ---- helpers ---- */

void srv_fleet_hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static int is_hex(const char *s, size_t len)
{
    if (!s || strlen(s) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

static int hex_decode(const char *s, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = s[2 * i + k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i] = (unsigned char)v;
    }
    return 0;
}

static medsec_err check_name(const char *what, const char *s, struct medsec_error *err)
{
    if (!s || !*s)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "%s: missing", what);
    if (strlen(s) > SRV_FLEET_NAME_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "%s: longer than %d bytes", what,
                                SRV_FLEET_NAME_MAX);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "%s: control character not allowed", what);
    return MEDSEC_OK;
}

/* Open a transaction when the caller has none; *@own says whether to commit it. */
static medsec_err tx_begin(struct sdb *db, int *own, struct medsec_error *err)
{
    *own = !sdb_in_tx(db);
    return *own ? sdb_begin(db, err) : MEDSEC_OK;
}

static medsec_err tx_end(struct sdb *db, int own, medsec_err e, struct medsec_error *err)
{
    if (!own)
        return e;
    if (e) {
        sdb_rollback(db);
        return e;
    }
    return sdb_commit(db, err);
}

/* An existing row's id by one text (and optionally one integer) key; 0 when absent. */
static medsec_err find_id(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                          int64_t *id, struct medsec_error *err)
{
    medsec_err e = sdb_query_int(db, sql, p, n, id, err);
    if (e == MEDSEC_ENOTFOUND) {
        *id = 0;
        medsec_error_clear(err);
        return MEDSEC_OK;
    }
    return e;
}

/* ---- registration ---- */

medsec_err srv_fleet_hospital_add(struct sdb *db, const char *name, const char *country,
                                  int64_t *id, struct medsec_error *err)
{
    medsec_err e = check_name("hospital name", name, err);
    if (e)
        return e;
    if (country && *country &&
        (strlen(country) != 2 || !isupper((unsigned char)country[0]) ||
         !isupper((unsigned char)country[1])))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "country: %.40s is not an ISO 3166-1 alpha-2 code (e.g. DE)",
                                country);
    int64_t old;
    struct sdb_val p[2] = {SDB_S(name), SDB_S(country && *country ? country : NULL)};
    e = find_id(db, "SELECT id FROM hospitals WHERE name = $1", p, 1, &old, err);
    if (e)
        return e;
    if (old)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "hospital name: %s is already registered (id %" PRId64 ")", name,
                                old);
    return sdb_insert_id(db, "INSERT INTO hospitals (name, country) VALUES ($1, $2)", p, 2, id,
                         err);
}

medsec_err srv_fleet_site_add(struct sdb *db, int64_t hospital_id, const char *name, int64_t *id,
                              struct medsec_error *err)
{
    medsec_err e = check_name("site name", name, err);
    if (e)
        return e;
    int64_t h;
    struct sdb_val p[2] = {SDB_I(hospital_id), SDB_S(name)};
    e = find_id(db, "SELECT id FROM hospitals WHERE id = $1", p, 1, &h, err);
    if (e)
        return e;
    if (!h)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0,
                                "hospital_id: no hospital %" PRId64, hospital_id);
    e = find_id(db, "SELECT id FROM sites WHERE hospital_id = $1 AND name = $2", p, 2, &h, err);
    if (e)
        return e;
    if (h)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "site name: %s already exists at this hospital (id %" PRId64 ")",
                                name, h);
    return sdb_insert_id(db, "INSERT INTO sites (hospital_id, name) VALUES ($1, $2)", p, 2, id,
                         err);
}

medsec_err srv_fleet_release_add(struct sdb *db, const struct srv_release_new *r, int64_t *id,
                                 struct medsec_error *err)
{
    medsec_err e = check_name("version", r->version, err);
    if (e)
        return e;
    if (strlen(r->version) > 32)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "version: longer than 32 bytes (the check-in carries 32)");
    if (r->security_version < 0)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "security_version: negative");
    if (r->bundle_digest && *r->bundle_digest && !is_hex(r->bundle_digest, 64))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "bundle_digest: not 64 lowercase hex digits");
    int64_t m;
    struct sdb_val p[7] = {
        SDB_I(r->model_id),
        SDB_S(r->version),
        SDB_I(r->security_version),
        SDB_I(r->released_at),
        r->support_end ? SDB_I(r->support_end) : SDB_NUL,
        SDB_S(r->sbom_path && *r->sbom_path ? r->sbom_path : NULL),
        SDB_S(r->bundle_digest && *r->bundle_digest ? r->bundle_digest : NULL),
    };
    e = find_id(db, "SELECT id FROM models WHERE id = $1", p, 1, &m, err);
    if (e)
        return e;
    if (!m)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "model_id: no model %" PRId64,
                                r->model_id);
    e = find_id(db, "SELECT id FROM releases WHERE model_id = $1 AND version = $2", p, 2, &m, err);
    if (e)
        return e;
    if (m)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "version: %s of this model is already registered", r->version);
    return sdb_insert_id(db,
                         "INSERT INTO releases (model_id, version, security_version, released_at,"
                         " support_end, sbom_path, bundle_digest) VALUES ($1, $2, $3, $4, $5, $6,"
                         " $7)",
                         p, 7, id, err);
}

static int by_release_date(const void *a, const void *b)
{
    const struct medsec_model_version *x = *(const struct medsec_model_version *const *)a;
    const struct medsec_model_version *y = *(const struct medsec_model_version *const *)b;
    int c = strcmp(x->release_date ? x->release_date : "", y->release_date ? y->release_date : "");
    return c ? c : strcmp(x->version, y->version);
}

medsec_err srv_fleet_model_add(struct sdb *db, const char *dir, int64_t *id, size_t *nreleases,
                               struct medsec_error *err)
{
    struct medsec_model *m = NULL;
    size_t added = 0;
    if (nreleases)
        *nreleases = 0;
    if (!dir || !*dir)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "device_dir: missing");
    medsec_err e = medsec_model_load(dir, NULL, &m, NULL, err);
    if (e)
        return e;
    const char *name = m->device.model ? m->device.model : m->device.name;
    e = check_name("model name (device.model of the security file)", name, err);
    if (e)
        goto out_free_model;
    const struct medsec_model_version **v = medsec_calloc(m->nversions + 1, sizeof *v);
    if (!v) {
        e = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free_model;
    }
    for (size_t i = 0; i < m->nversions; i++)
        v[i] = &m->versions[i];
    qsort(v, m->nversions, sizeof *v, by_release_date);

    int own;
    e = tx_begin(db, &own, err);
    if (e)
        goto out_free_v;
    int64_t mid;
    struct sdb_val p[2] = {SDB_S(name), SDB_S(dir)};
    e = find_id(db, "SELECT id FROM models WHERE name = $1", p, 1, &mid, err);
    if (!e && !mid)
        e = sdb_insert_id(db, "INSERT INTO models (name, device_dir) VALUES ($1, $2)", p, 2, &mid,
                          err);
    else if (!e)
        e = sdb_exec(db, "UPDATE models SET device_dir = $2 WHERE name = $1", p, 2, NULL, err);
    for (size_t i = 0; !e && i < m->nversions; i++) {
        int64_t rid;
        struct sdb_val q[2] = {SDB_I(mid), SDB_S(v[i]->version)};
        e = find_id(db, "SELECT id FROM releases WHERE model_id = $1 AND version = $2", q, 2, &rid,
                    err);
        if (e || rid)
            continue;
        int64_t rel = 0, end = 0;
        if (v[i]->release_date)
            medsec_time_parse(v[i]->release_date, &rel);
        if (v[i]->end_of_support)
            medsec_time_parse(v[i]->end_of_support, &end);
        struct srv_release_new r = {
            .model_id = mid,
            .version = v[i]->version,
            .security_version = (int64_t)i + 1,
            .released_at = rel,
            .support_end = end,
            .sbom_path = v[i]->sboms.n ? v[i]->sboms.v[0] : NULL,
        };
        e = srv_fleet_release_add(db, &r, &rid, err);
        if (!e)
            added++;
    }
    e = tx_end(db, own, e, err);
    if (!e) {
        if (id)
            *id = mid;
        if (nreleases)
            *nreleases = added;
    }
out_free_v:
    medsec_free(v);
out_free_model:
    medsec_model_free(m);
    return e;
}

medsec_err srv_fleet_device_add(struct sdb *db, const struct srv_device_new *d, int64_t now,
                                int64_t *id, struct medsec_error *err)
{
    medsec_err e = check_name("serial", d->serial, err);
    if (e)
        return e;
    if (!is_hex(d->uuid, 32))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "uuid: not 32 lowercase hex digits");
    if (!is_hex(d->pubkey, 64))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "pubkey: not 64 lowercase hex digits (an Ed25519 public key)");
    int64_t x, sv = d->security_version;
    struct sdb_val p[2] = {SDB_I(d->model_id), SDB_I(d->site_id)};
    e = find_id(db, "SELECT id FROM models WHERE id = $1", p, 1, &x, err);
    if (e)
        return e;
    if (!x)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "model_id: no model %" PRId64,
                                d->model_id);
    e = find_id(db, "SELECT id FROM sites WHERE id = $1", p + 1, 1, &x, err);
    if (e)
        return e;
    if (!x)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "site_id: no site %" PRId64,
                                d->site_id);
    if (d->release_id) {
        struct sdb_val q[2] = {SDB_I(d->release_id), SDB_I(d->model_id)};
        int64_t rsv = -1;
        e = sdb_query_int(db,
                          "SELECT security_version FROM releases WHERE id = $1 AND model_id = $2",
                          q, 2, &rsv, err);
        if (e == MEDSEC_ENOTFOUND)
            return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0,
                                    "release_id: no release %" PRId64 " of this model",
                                    d->release_id);
        if (e)
            return e;
        if (!sv)
            sv = rsv;
    }
    struct sdb_val u[2] = {SDB_S(d->uuid), SDB_I(d->model_id)};
    e = find_id(db, "SELECT id FROM devices WHERE uuid = $1", u, 1, &x, err);
    if (e)
        return e;
    if (x)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "uuid: %s is already registered (device %" PRId64 ")", d->uuid, x);
    u[0] = SDB_S(d->serial);
    e = find_id(db, "SELECT id FROM devices WHERE serial = $1 AND model_id = $2", u, 2, &x, err);
    if (e)
        return e;
    if (x)
        return medsec_error_set(
            err, MEDSEC_EINVAL, NULL, 0, 0,
            "serial: %s of this model is already registered (device %" PRId64 ")", d->serial, x);
    struct sdb_val v[8] = {
        SDB_I(d->model_id), SDB_S(d->serial),  SDB_S(d->uuid),
        SDB_S(d->pubkey),   SDB_I(d->site_id), d->release_id ? SDB_I(d->release_id) : SDB_NUL,
        SDB_I(sv),          SDB_I(now),
    };
    return sdb_insert_id(
        db,
        "INSERT INTO devices (model_id, serial, uuid, pubkey, site_id, release_id,"
        " security_version, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        v, 8, id, err);
}

/* ---- CSV import ---- */

#define CSV_FIELDS 16

/* Split one CSV record starting at *@pos (RFC 4180: quoted fields with "" inside) into @f
 * (pointers into @scratch). Returns the number of fields, 0 at the end, -1 on a malformed
 * record. */
static int csv_record(const char *s, size_t n, size_t *pos, char *scratch, const char **f)
{
    size_t i = *pos, o = 0;
    int nf = 0;
    if (i >= n)
        return 0;
    for (;;) {
        if (nf == CSV_FIELDS)
            return -1;
        f[nf++] = scratch + o;
        if (i < n && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= n)
                    return -1;
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        scratch[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                scratch[o++] = s[i++];
            }
        } else {
            while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
                scratch[o++] = s[i++];
        }
        scratch[o++] = '\0';
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == '\r')
            i++;
        if (i < n && s[i] == '\n')
            i++;
        else if (i < n)
            return -1; /* text after a closing quote */
        break;
    }
    *pos = i;
    return nf;
}

enum { COL_MODEL, COL_SERIAL, COL_UUID, COL_PUBKEY, COL_HOSPITAL, COL_SITE, COL_VERSION, NCOLS };
static const char *const col_names[NCOLS] = {"model",    "serial", "uuid",   "pubkey",
                                             "hospital", "site",   "version"};

static medsec_err csv_line(struct sdb *db, const char *const *v, int64_t now, unsigned line,
                           struct medsec_error *err)
{
    int64_t model = 0, hosp = 0, site = 0, rel = 0;
    struct sdb_val p[2] = {SDB_S(v[COL_MODEL]), SDB_NUL};
    medsec_err e = find_id(db, "SELECT id FROM models WHERE name = $1", p, 1, &model, err);
    if (e)
        return e;
    if (!model)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, line, 0, "line %u: model: no model %s",
                                line, v[COL_MODEL]);
    p[0] = SDB_S(v[COL_HOSPITAL]);
    e = find_id(db, "SELECT id FROM hospitals WHERE name = $1", p, 1, &hosp, err);
    if (!e && !hosp)
        e = srv_fleet_hospital_add(db, v[COL_HOSPITAL], NULL, &hosp, err);
    if (!e) {
        p[0] = SDB_I(hosp);
        p[1] = SDB_S(v[COL_SITE]);
        e = find_id(db, "SELECT id FROM sites WHERE hospital_id = $1 AND name = $2", p, 2, &site,
                    err);
    }
    if (!e && !site)
        e = srv_fleet_site_add(db, hosp, v[COL_SITE], &site, err);
    if (!e && v[COL_VERSION] && *v[COL_VERSION]) {
        p[0] = SDB_I(model);
        p[1] = SDB_S(v[COL_VERSION]);
        e = find_id(db, "SELECT id FROM releases WHERE model_id = $1 AND version = $2", p, 2, &rel,
                    err);
        if (!e && !rel)
            e = medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, line, 0,
                                 "version: %s is not a release of %s", v[COL_VERSION],
                                 v[COL_MODEL]);
    }
    if (!e) {
        struct srv_device_new d = {
            .model_id = model,
            .serial = v[COL_SERIAL],
            .uuid = v[COL_UUID],
            .pubkey = v[COL_PUBKEY],
            .site_id = site,
            .release_id = rel,
        };
        int64_t id;
        e = srv_fleet_device_add(db, &d, now, &id, err);
    }
    if (e && err && err->msg[0] && strncmp(err->msg, "line ", 5)) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        medsec_error_set(err, e, NULL, line, 0, "line %u: %s", line, msg);
    }
    return e;
}

medsec_err srv_fleet_devices_import_csv(struct sdb *db, const char *csv, size_t n, int64_t now,
                                        size_t *count, struct medsec_error *err)
{
    *count = 0;
    if (n > SRV_FLEET_CSV_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "CSV: more than %u bytes",
                                SRV_FLEET_CSV_MAX);
    /* one record never outgrows the whole text */
    char *scratch = medsec_malloc(n + CSV_FIELDS + 1);
    if (!scratch)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    size_t pos = 0;
    const char *f[CSV_FIELDS];
    int map[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        map[c] = -1;
    medsec_err e = MEDSEC_OK;
    int nf = csv_record(csv, n, &pos, scratch, f);
    if (nf <= 0) {
        e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 1, 0, "CSV: no header line");
        goto out_free;
    }
    int hdr = nf;
    for (int i = 0; i < nf; i++)
        for (int c = 0; c < NCOLS; c++)
            if (!strcmp(f[i], col_names[c]))
                map[c] = i;
    for (int c = 0; c < COL_VERSION; c++)
        if (map[c] < 0) {
            e = medsec_error_set(err, MEDSEC_EINVAL, NULL, 1, 0, "CSV: header has no column %s",
                                 col_names[c]);
            goto out_free;
        }
    int own;
    e = tx_begin(db, &own, err);
    if (e)
        goto out_free;
    unsigned line = 1;
    size_t added = 0;
    while (!e) {
        line++;
        nf = csv_record(csv, n, &pos, scratch, f);
        if (nf == 0)
            break;
        if (nf == 1 && !*f[0])
            continue; /* an empty line */
        if (nf != hdr) {
            e = medsec_error_set(
                err, nf < 0 ? MEDSEC_EPARSE : MEDSEC_EINVAL, NULL, line, 0, "line %u: %s", line,
                nf < 0 ? "malformed CSV record" : "not as many fields as the header");
            break;
        }
        const char *v[NCOLS];
        for (int c = 0; c < NCOLS; c++)
            v[c] = map[c] >= 0 ? f[map[c]] : NULL;
        e = csv_line(db, v, now, line, err);
        if (!e)
            added++;
    }
    e = tx_end(db, own, e, err);
    if (!e)
        *count = added;
out_free:
    medsec_free(scratch);
    return e;
}

/* ---- roll-outs ---- */

int srv_fleet_rollout_selects(const char *uuid, int64_t rollout_id, int percent)
{
    if (percent <= 0)
        return 0;
    if (percent >= 100)
        return 1;
    char in[96];
    int len = snprintf(in, sizeof in, "%s:%" PRId64, uuid, rollout_id);
    unsigned char h[8];
    crypto_generichash(h, sizeof h, (const unsigned char *)in, (size_t)len, NULL, 0);
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x = x << 8 | h[i];
    return (int)(x % 100) < percent;
}

medsec_err srv_fleet_rollout_add(struct sdb *db, const struct srv_rollout_new *r, int64_t now,
                                 int64_t *id, struct medsec_error *err)
{
    medsec_err e = check_name("name", r->name, err);
    if (e)
        return e;
    if (r->percent < 0 || r->percent > 100)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "percent: %d not in 0..100",
                                r->percent);
    if (r->max_failure_permille < 0 || r->max_failure_permille > 1000)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "max_failure_permille: %d not in 0..1000", r->max_failure_permille);
    int64_t x;
    struct sdb_val p[8] = {SDB_I(r->release_id),
                           SDB_S(r->name),
                           SDB_I(r->percent),
                           r->hospital_id ? SDB_I(r->hospital_id) : SDB_NUL,
                           r->site_id ? SDB_I(r->site_id) : SDB_NUL,
                           SDB_I(r->max_failure_permille),
                           SDB_I(now)};
    e = find_id(db, "SELECT id FROM releases WHERE id = $1", p, 1, &x, err);
    if (e)
        return e;
    if (!x)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0,
                                "release_id: no release %" PRId64, r->release_id);
    if (r->hospital_id) {
        e = find_id(db, "SELECT id FROM hospitals WHERE id = $1", &p[3], 1, &x, err);
        if (!e && !x)
            e = medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0,
                                 "hospital_id: no hospital %" PRId64, r->hospital_id);
        if (e)
            return e;
    }
    if (r->site_id) {
        struct sdb_val q[2] = {SDB_I(r->site_id), SDB_I(r->hospital_id)};
        e = find_id(db,
                    r->hospital_id ? "SELECT id FROM sites WHERE id = $1 AND hospital_id = $2"
                                   : "SELECT id FROM sites WHERE id = $1",
                    q, r->hospital_id ? 2 : 1, &x, err);
        if (!e && !x)
            e = medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0,
                                 "site_id: no site %" PRId64 "%s", r->site_id,
                                 r->hospital_id ? " at that hospital" : "");
        if (e)
            return e;
    }
    return sdb_insert_id(db,
                         "INSERT INTO rollouts (release_id, name, percent, hospital_id, site_id,"
                         " max_failure_permille, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                         p, 7, id, err);
}

medsec_err srv_fleet_rollout_action(struct sdb *db, int64_t id, const char *action,
                                    const char *reason, int64_t now, struct medsec_error *err)
{
    static const struct {
        const char *action, *to, *from_sql;
    } moves[] = {
        {"start", "running", "state = 'draft'"},
        {"pause", "paused", "state = 'running'"},
        {"resume", "running", "state = 'paused'"},
        {"halt", "halted", "state IN ('draft', 'running', 'paused')"},
    };
    size_t k = 0;
    while (k < sizeof moves / sizeof moves[0] && strcmp(moves[k].action, action ? action : ""))
        k++;
    if (k == sizeof moves / sizeof moves[0])
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "action: %.40s is not start, pause, resume or halt",
                                action ? action : "(none)");
    if (reason && strlen(reason) > 1000)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "reason: longer than 1000 bytes");
    char state[16] = "";
    struct sdb_rows *r;
    struct sdb_val p[4] = {SDB_I(id), SDB_S(moves[k].to), SDB_I(now),
                           SDB_S(reason && *reason ? reason : "halted by a user")};
    medsec_err e = sdb_query(db, "SELECT state FROM rollouts WHERE id = $1", p, 1, &r, err);
    if (e)
        return e;
    int s = sdb_step(r, err);
    if (s > 0)
        snprintf(state, sizeof state, "%s", sdb_text(r, 0));
    sdb_rows_free(r);
    if (s < 0)
        return MEDSEC_EDB;
    if (!s)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "no roll-out %" PRId64, id);
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE rollouts SET state = $2%s%s WHERE id = $1 AND %s",
             k == 0 ? ", started_at = $3" : "", k == 3 ? ", halted_reason = $4" : "",
             moves[k].from_sql);
    int64_t changes = 0;
    e = sdb_exec(db, sql, p, k == 0 ? 3 : k == 3 ? 4 : 2, &changes, err);
    if (e)
        return e;
    if (!changes)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "roll-out %" PRId64 " is %s: cannot %s it", id, state, action);
    return MEDSEC_OK;
}

medsec_err srv_fleet_rollout_percent(struct sdb *db, int64_t id, int percent,
                                     struct medsec_error *err)
{
    if (percent < 0 || percent > 100)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "percent: %d not in 0..100",
                                percent);
    struct sdb_val p[2] = {SDB_I(id), SDB_I(percent)};
    int64_t changes = 0;
    medsec_err e =
        sdb_exec(db, "UPDATE rollouts SET percent = $2 WHERE id = $1", p, 2, &changes, err);
    if (!e && !changes)
        e = medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "no roll-out %" PRId64, id);
    return e;
}

/* ---- check-in ---- */

/* Reports at which the failure rate starts to count. */
#define FLEET_HALT_MIN_REPORTS 10

/* Record the install report of a check-in against the roll-outs that offered this device a
 * release with that security version (and bundle digest, when both are known), then halt a
 * roll-out whose failure rate passed its limit. */
static medsec_err install_report(struct sdb *db, int64_t device, const struct medsec_checkin *c,
                                 int64_t now, struct srv_req *rq, struct srv_checkin_result *out,
                                 struct medsec_error *err)
{
    static const unsigned char zero[32];
    char digest[65] = "";
    if (memcmp(c->bundle_digest, zero, 32))
        srv_fleet_hex(c->bundle_digest, 32, digest);
    if (c->install_seq > INT64_MAX)
        return MEDSEC_OK;
    struct sdb_val p[3] = {SDB_I(device), SDB_I((int64_t)c->install_seq), SDB_S(digest)};
    struct sdb_rows *r;
    int64_t ids[8];
    size_t n = 0;
    medsec_err e = sdb_query(db,
                             "SELECT rd.rollout_id FROM rollout_devices rd"
                             " JOIN rollouts r ON r.id = rd.rollout_id"
                             " JOIN releases rel ON rel.id = r.release_id"
                             " WHERE rd.device_id = $1 AND rd.state IN ('offered', 'installing')"
                             " AND rel.security_version = $2 AND (rel.bundle_digest IS NULL"
                             " OR $3 = '' OR rel.bundle_digest = $3)",
                             p, 3, &r, err);
    if (e)
        return e;
    int s;
    while ((s = sdb_step(r, err)) > 0)
        if (n < sizeof ids / sizeof ids[0])
            ids[n++] = sdb_int(r, 0);
    sdb_rows_free(r);
    if (s < 0)
        return MEDSEC_EDB;
    for (size_t i = 0; i < n; i++) {
        struct sdb_val u[5] = {SDB_I(ids[i]), SDB_I(device),
                               SDB_S(c->install_result == 0 ? "succeeded" : "failed"),
                               SDB_I(c->install_result), SDB_I(now)};
        e = sdb_exec(db,
                     "UPDATE rollout_devices SET state = $3, result_code = $4, updated_at = $5"
                     " WHERE rollout_id = $1 AND device_id = $2",
                     u, 5, NULL, err);
        if (e)
            return e;
        /* the failure rate of this roll-out */
        e = sdb_query(db,
                      "SELECT r.max_failure_permille,"
                      " SUM(CASE WHEN rd.state = 'succeeded' THEN 1 ELSE 0 END),"
                      " SUM(CASE WHEN rd.state = 'failed' THEN 1 ELSE 0 END)"
                      " FROM rollouts r JOIN rollout_devices rd ON rd.rollout_id = r.id"
                      " WHERE r.id = $1 AND r.state IN ('running', 'paused')"
                      " GROUP BY r.max_failure_permille",
                      u, 1, &r, err);
        if (e)
            return e;
        int64_t limit = 0, ok = 0, bad = 0;
        s = sdb_step(r, err);
        if (s > 0) {
            limit = sdb_int(r, 0);
            ok = sdb_int(r, 1);
            bad = sdb_int(r, 2);
        }
        sdb_rows_free(r);
        if (s < 0)
            return MEDSEC_EDB;
        if (s == 0 || ok + bad < FLEET_HALT_MIN_REPORTS || bad * 1000 <= limit * (ok + bad))
            continue;
        char reason[160];
        snprintf(reason, sizeof reason,
                 "automatic halt: %" PRId64 " of %" PRId64 " installs failed (limit %" PRId64
                 " per mille)",
                 bad, ok + bad, limit);
        struct sdb_val h[2] = {SDB_I(ids[i]), SDB_S(reason)};
        e = sdb_exec(db,
                     "UPDATE rollouts SET state = 'halted', halted_reason = $2"
                     " WHERE id = $1 AND state IN ('running', 'paused')",
                     h, 2, NULL, err);
        if (e)
            return e;
        out->halted_rollout = ids[i];
        if (rq) {
            char obj[40], detail[256];
            snprintf(obj, sizeof obj, "rollout/%" PRId64, ids[i]);
            struct medsec_buf b = MEDSEC_BUF_INIT;
            struct medsec_jsonw w;
            medsec_jsonw_init(&w, &b, 0);
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_string(&w, "reason", reason);
            medsec_jsonw_object_end(&w);
            e = medsec_jsonw_finish(&w);
            snprintf(detail, sizeof detail, "%s", b.data);
            medsec_buf_release(&b);
            if (!e)
                e = srv_audit(rq, "rollout.halt", obj, detail, err);
            if (e)
                return e;
        }
    }
    return MEDSEC_OK;
}

/* The roll-out this device is offered: a running one of its model's newer release, whose cohort
 * holds the device's site and that selects the device; each once (a device that succeeded or
 * failed is not offered the same roll-out again). */
static medsec_err find_offer(struct sdb *db, int64_t device, int64_t model, int64_t hospital,
                             int64_t site, int64_t release, int64_t secver, const char *uuid,
                             int64_t now, struct srv_checkin_result *out, struct medsec_error *err)
{
    struct sdb_val p[6] = {SDB_I(model),   SDB_I(hospital), SDB_I(site),
                           SDB_I(release), SDB_I(secver),   SDB_I(device)};
    struct sdb_rows *r;
    medsec_err e = sdb_query(db,
                             "SELECT r.id, r.percent, rel.version, rel.bundle_digest"
                             " FROM rollouts r JOIN releases rel ON rel.id = r.release_id"
                             " WHERE r.state = 'running' AND rel.model_id = $1"
                             " AND (r.hospital_id IS NULL OR r.hospital_id = $2)"
                             " AND (r.site_id IS NULL OR r.site_id = $3)"
                             " AND rel.id <> $4 AND rel.security_version > $5"
                             " AND NOT EXISTS (SELECT 1 FROM rollout_devices rd"
                             " WHERE rd.rollout_id = r.id AND rd.device_id = $6"
                             " AND rd.state IN ('succeeded', 'failed'))"
                             " ORDER BY rel.security_version DESC, r.id",
                             p, 6, &r, err);
    if (e)
        return e;
    int s;
    while ((s = sdb_step(r, err)) > 0) {
        int64_t id = sdb_int(r, 0);
        if (!srv_fleet_rollout_selects(uuid, id, (int)sdb_int(r, 1)))
            continue;
        out->offer_rollout = id;
        snprintf(out->offer_version, sizeof out->offer_version, "%s", sdb_text(r, 2));
        snprintf(out->offer_digest, sizeof out->offer_digest, "%s",
                 sdb_text(r, 3) ? sdb_text(r, 3) : "");
        break;
    }
    sdb_rows_free(r);
    if (s < 0)
        return MEDSEC_EDB;
    if (!out->offer_rollout)
        return MEDSEC_OK;
    struct sdb_val q[3] = {SDB_I(out->offer_rollout), SDB_I(device), SDB_I(now)};
    return sdb_exec(db,
                    "INSERT INTO rollout_devices (rollout_id, device_id, state, updated_at)"
                    " VALUES ($1, $2, 'offered', $3) ON CONFLICT DO NOTHING",
                    q, 3, NULL, err);
}

/* ---- check-in: the write, and group commit ---- */

/* A verified check-in waiting to be written. */
struct pending {
    int64_t device, model, hospital, site, release, now;
    int known_version;
    const struct medsec_checkin *c;
    const char *uuid;
    struct srv_req *rq;
    struct srv_checkin_result *out;
    /* filled by whoever writes it */
    medsec_err e;
    struct medsec_error err;
    int done;
    struct pending *next;
};

/* Write one verified check-in in the open transaction. MEDSEC_EINVAL (a replay: nothing written)
 * leaves the transaction usable; any other error does not. */
static medsec_err checkin_write(struct sdb *db, struct pending *pd, struct medsec_error *err)
{
    const struct medsec_checkin *c = pd->c;
    struct sdb_val u[6] = {SDB_I(pd->device),
                           SDB_I((int64_t)c->counter),
                           SDB_I(pd->now),
                           pd->release ? SDB_I(pd->release) : SDB_NUL,
                           SDB_I((int64_t)c->security_version),
                           SDB_I(pd->known_version)};
    int64_t changes = 0;
    /* the counter test again, inside the transaction: two copies of one check-in racing each
     * other cannot both pass */
    medsec_err e = sdb_exec(db,
                            "UPDATE devices SET last_counter = $2, last_checkin = $3,"
                            " release_id = CASE WHEN $6 = 1 THEN $4 ELSE release_id END,"
                            " security_version = $5 WHERE id = $1 AND last_counter < $2",
                            u, 6, &changes, err);
    if (e)
        return e;
    if (!changes)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "check-in: replayed counter %" PRIu64, c->counter);
    struct sdb_val v[8] = {SDB_I(pd->device),
                           SDB_I(pd->now),
                           SDB_I((int64_t)c->counter),
                           pd->release ? SDB_I(pd->release) : SDB_NUL,
                           SDB_I((int64_t)c->security_version),
                           SDB_I(c->log_last),
                           SDB_I(c->install_seq > INT64_MAX ? 0 : (int64_t)c->install_seq),
                           SDB_I(c->install_result)};
    e = sdb_insert_id(db,
                      "INSERT INTO checkins (device_id, received_at, counter, release_id,"
                      " security_version, log_last, install_seq, install_result)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                      v, 8, &pd->out->checkin_id, err);
    if (!e && c->install_seq) {
        /* the audit line of a halt goes through this connection (which holds the transaction) */
        struct srv_req rq2;
        if (pd->rq) {
            rq2 = *pd->rq;
            rq2.db = db;
        }
        e = install_report(db, pd->device, c, pd->now, pd->rq ? &rq2 : NULL, pd->out, err);
    }
    if (!e)
        e = find_offer(db, pd->device, pd->model, pd->hospital, pd->site, pd->release,
                       (int64_t)c->security_version, pd->uuid, pd->now, pd->out, err);
    return e;
}

/*
 * Group commit: check-ins verified at the same time by several threads (each with its own
 * connection to the same database) are written in one transaction by whichever of them finds
 * no writer at work; the others wait until it committed and then answer. A commit is the
 * expensive part of a check-in (the WAL write; on PostgreSQL its fsync), a signature check the
 * other; this shares the first while the second runs in parallel. Nothing is acknowledged
 * before its transaction committed. One queue per database URL.
 */
#define GC_QUEUES 8
struct gc_queue {
    char *url;
    int leader;
    struct pending *head, *tail;
    pthread_cond_t cv;
    /* the check-in path's own connection: its look-ups and every batch go through it, so its
     * page cache stays warm (SQLite drops a connection's cache whenever another one wrote) */
    struct sdb *conn;
    pthread_mutex_t conn_lock;
};
static pthread_mutex_t gc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gc_queue gc_queues[GC_QUEUES];

/* The queue of @db's database (made on first use, with its connection); NULL when there is no
 * room or the connection cannot be opened: then @db does the work alone. */
static struct gc_queue *gc_get(struct sdb *db)
{
    const char *url = sdb_url(db);
    struct gc_queue *q = NULL;
    if (!url)
        return NULL;
    pthread_mutex_lock(&gc_lock);
    for (size_t i = 0; i < GC_QUEUES && !q; i++)
        if (gc_queues[i].url && !strcmp(gc_queues[i].url, url))
            q = &gc_queues[i];
    for (size_t i = 0; i < GC_QUEUES && !q; i++) {
        if (gc_queues[i].url)
            continue;
        struct medsec_error err = {0};
        struct sdb *conn = NULL;
        char *copy = medsec_strdup(url);
        if (!copy || sdb_open(&conn, url, &err)) {
            medsec_free(copy);
            break;
        }
        q = &gc_queues[i];
        q->url = copy;
        q->conn = conn;
        pthread_cond_init(&q->cv, NULL);
        pthread_mutex_init(&q->conn_lock, NULL);
    }
    pthread_mutex_unlock(&gc_lock);
    return q;
}

/* Write @batch in one transaction on @db; each item's outcome in it. */
static void gc_write(struct sdb *db, struct pending *batch)
{
    struct medsec_error err = {0};
    medsec_err e = sdb_begin(db, &err);
    for (struct pending *p = batch; !e && p; p = p->next) {
        p->e = checkin_write(db, p, &p->err);
        if (p->e && p->e != MEDSEC_EINVAL) {
            e = p->e;
            err = p->err;
        }
    }
    if (!e)
        e = sdb_commit(db, &err);
    else
        sdb_rollback(db);
    if (!e)
        return;
    /* the transaction is lost: none of them is written */
    for (struct pending *p = batch; p; p = p->next) {
        p->e = e;
        p->err = err;
        p->out->offer_rollout = 0;
        p->out->halted_rollout = 0;
    }
}

static medsec_err group_commit(struct gc_queue *q, struct pending *pd, struct medsec_error *err)
{
    pthread_mutex_lock(&gc_lock);
    pd->next = NULL;
    if (q->tail)
        q->tail->next = pd;
    else
        q->head = pd;
    q->tail = pd;
    while (!pd->done) {
        if (q->leader) {
            pthread_cond_wait(&q->cv, &gc_lock);
            continue;
        }
        /* nobody is writing: take everything waiting (this one is among it) */
        q->leader = 1;
        struct pending *batch = q->head;
        q->head = q->tail = NULL;
        pthread_mutex_unlock(&gc_lock);
        pthread_mutex_lock(&q->conn_lock);
        gc_write(q->conn, batch);
        pthread_mutex_unlock(&q->conn_lock);
        pthread_mutex_lock(&gc_lock);
        for (struct pending *p = batch, *next; p; p = next) {
            next = p->next;
            p->done = 1;
        }
        q->leader = 0;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&gc_lock);
    if (pd->e && err)
        *err = pd->err;
    return pd->e;
}

medsec_err srv_fleet_checkin(struct sdb *db, const unsigned char *msg, size_t n, int64_t now,
                             struct srv_req *rq, struct srv_checkin_result *out,
                             struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    if (n > SRV_FLEET_CHECKIN_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "check-in: more than %d bytes",
                                SRV_FLEET_CHECKIN_MAX);
    struct medsec_checkin c;
    medsec_err e = medsec_checkin_parse(msg, n, &c, err);
    if (e)
        return e == MEDSEC_EINVAL ? MEDSEC_EPARSE : e; /* EINVAL here means replay */
    char uuid[33];
    srv_fleet_hex(c.device_id, 16, uuid);
    c.version[sizeof c.version - 1] = '\0';
    /* one read finds the device, its cohort and the reported version's release */
    struct sdb_val p[2] = {SDB_S(uuid), SDB_S(c.version)};
    struct sdb_rows *r;
    struct gc_queue *q = sdb_in_tx(db) ? NULL : gc_get(db);
    /* SQLite: the look-up through the check-in path's connection too, whose cache is warm;
     * PostgreSQL: through the caller's, in parallel with the batch being written */
    struct sdb *conn = q && sdb_kind(db) == SDB_SQLITE ? q->conn : db;
    if (conn != db)
        pthread_mutex_lock(&q->conn_lock);
    e = sdb_query(conn,
                  "SELECT d.id, d.pubkey, d.status, d.model_id, d.site_id, s.hospital_id,"
                  " d.last_counter, COALESCE(d.release_id, 0), (SELECT rel.id FROM releases rel"
                  " WHERE rel.model_id = d.model_id AND rel.version = $2)"
                  " FROM devices d JOIN sites s ON s.id = d.site_id WHERE d.uuid = $1",
                  p, 2, &r, err);
    if (e) {
        if (conn != db)
            pthread_mutex_unlock(&q->conn_lock);
        return e;
    }
    int s = sdb_step(r, err);
    int64_t device = 0, model = 0, site = 0, hospital = 0, last = 0, current = 0, reported = 0;
    unsigned char pub[32];
    int active = 0, keyok = 0;
    if (s > 0) {
        device = sdb_int(r, 0);
        keyok =
            sdb_text(r, 1) && is_hex(sdb_text(r, 1), 64) && !hex_decode(sdb_text(r, 1), pub, 32);
        active = sdb_text(r, 2) && !strcmp(sdb_text(r, 2), "active");
        model = sdb_int(r, 3);
        site = sdb_int(r, 4);
        hospital = sdb_int(r, 5);
        last = sdb_int(r, 6);
        current = sdb_int(r, 7);
        reported = sdb_int(r, 8);
    }
    sdb_rows_free(r);
    if (conn != db)
        pthread_mutex_unlock(&q->conn_lock);
    if (s < 0)
        return MEDSEC_EDB;
    if (!s)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0,
                                "check-in: no device with uuid %s", uuid);
    if (!keyok)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0,
                                "check-in: device %" PRId64 " has a malformed key", device);
    e = medsec_checkin_verify(msg, n, pub, &c, err);
    if (e)
        return e;
    out->device_id = device;
    if (!active)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "check-in: device %" PRId64 " is decommissioned", device);
    if (c.counter > INT64_MAX || c.security_version > INT64_MAX)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "check-in: counter or security version out of range");
    if ((int64_t)c.counter <= last)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "check-in: replayed or old counter %" PRIu64 " (last %" PRId64 ")",
                                c.counter, last);
    /* the reported version's release (0: one we do not know); "" keeps what is known */
    struct pending pd = {.device = device,
                         .model = model,
                         .hospital = hospital,
                         .site = site,
                         .known_version = c.version[0] != '\0',
                         .now = now,
                         .c = &c,
                         .uuid = uuid,
                         .rq = rq,
                         .out = out};
    pd.release = pd.known_version ? reported : current;
    out->release_id = pd.release;
    if (q)
        return group_commit(q, &pd, err);
    if (sdb_in_tx(db))
        return checkin_write(db, &pd, err); /* the caller's transaction */
    pd.next = NULL;
    gc_write(db, &pd); /* alone, in its own transaction */
    if (pd.e && err)
        *err = pd.err;
    return pd.e;
}

medsec_err srv_fleet_checkin_answer(const struct srv_checkin_result *res, struct medsec_buf *out)
{
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, out, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_bool(&w, "accepted", true);
    medsec_jsonw_key(&w, "offer");
    if (res->offer_rollout) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "rollout", res->offer_rollout);
        medsec_jsonw_kv_string(&w, "version", res->offer_version);
        medsec_jsonw_kv_string(&w, "bundle_digest",
                               res->offer_digest[0] ? res->offer_digest : NULL);
        medsec_jsonw_object_end(&w);
    } else {
        medsec_jsonw_null(&w);
    }
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

/* ---- log upload ---- */

medsec_err srv_fleet_log_upload(struct sdb *db, int64_t device_id, const unsigned char *exp,
                                size_t n, int64_t now, int64_t *upload_id, int *verified,
                                char *detail, size_t cap, struct medsec_error *err)
{
    *verified = 0;
    if (detail && cap)
        detail[0] = '\0';
    if (n > SRV_FLEET_LOG_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "log: more than %u bytes",
                                SRV_FLEET_LOG_MAX);
    struct sdb_rows *r;
    struct sdb_val p[1] = {SDB_I(device_id)};
    medsec_err e = sdb_query(db, "SELECT pubkey FROM devices WHERE id = $1", p, 1, &r, err);
    if (e)
        return e;
    unsigned char pub[32];
    int s = sdb_step(r, err), keyok = 0;
    if (s > 0)
        keyok =
            sdb_text(r, 0) && is_hex(sdb_text(r, 0), 64) && !hex_decode(sdb_text(r, 0), pub, 32);
    sdb_rows_free(r);
    if (s < 0)
        return MEDSEC_EDB;
    if (!s)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "no device %" PRId64, device_id);
    if (!keyok)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0,
                                "device %" PRId64 " has a malformed key", device_id);
    struct msa_log_report rep;
    memset(&rep, 0, sizeof rep);
    struct medsec_error verr = {0};
    char why[sizeof verr.msg] = "";
    medsec_err v = medsec_devlog_verify(exp, n, "upload", NULL, pub, &rep, &verr);
    if (v)
        snprintf(why, sizeof why, "%s", verr.msg[0] ? verr.msg : medsec_strerror(v));
    else if (!rep.sig_checked)
        snprintf(why, sizeof why,
                 "the hash chain holds but the export is not signed by the device");
    else
        *verified = 1;
    if (detail && cap)
        snprintf(detail, cap, "%s", why);
    struct sdb_val q[7] = {SDB_I(device_id),
                           SDB_I(now),
                           SDB_I(v ? 0 : rep.first),
                           SDB_I(v ? 0 : rep.last),
                           SDB_I(v || rep.dropped > INT64_MAX ? 0 : (int64_t)rep.dropped),
                           SDB_I(*verified),
                           SDB_S(why[0] ? why : NULL)};
    return sdb_insert_id(db,
                         "INSERT INTO log_uploads (device_id, received_at, first_seq, last_seq,"
                         " dropped, verified, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                         q, 7, upload_id, err);
}
