/* vigilance.c: security events and incidents, their MDR classification, IMDRF codes, the
 * Art. 87 deadline and the report draft (vigilance.h). */
#include "vigilance.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/date.h"
#include "medsec/json.h"
#include "watch_util.h"

/* ---- the rules ----------------------------------------------------------------------------- */

const char *srv_vig_class_name(enum srv_vig_class c)
{
    switch (c) {
    case SRV_VIG_INCIDENT: return "incident";
    case SRV_VIG_SERIOUS: return "serious_incident";
    default: return "not_incident";
    }
}

enum srv_vig_class srv_vig_classify(const struct srv_vig_facts *f)
{
    bool harm = f->death || f->serious_deterioration || f->public_health_threat;
    if (!f->malfunction)
        return SRV_VIG_NOT_INCIDENT;
    return harm ? SRV_VIG_SERIOUS : SRV_VIG_INCIDENT;
}

int srv_vig_deadline_days(const struct srv_vig_facts *f, const char **clause)
{
    const char *c = NULL;
    int days = 0;
    if (srv_vig_classify(f) == SRV_VIG_SERIOUS) {
        if (f->public_health_threat) {
            days = 2;
            c = "MDR Art. 87(4)";
        } else if (f->death || (f->serious_deterioration && f->unanticipated)) {
            days = 10;
            c = "MDR Art. 87(5)";
        } else {
            days = 15;
            c = "MDR Art. 87(3)";
        }
    }
    if (clause)
        *clause = c;
    return days;
}

void srv_vig_deadline_date(int64_t aware_at, int days, char out[11])
{
    int64_t day = aware_at >= 0 ? aware_at / 86400 : -((-aware_at + 86399) / 86400);
    medsec_date_format((day + days) * 86400, out);
}

/* The codes the server names by their term: the level-1 terms of IMDRF AET Annex A (Medical
 * Device Problem, release 2023, approved 31 January 2023) in the order the annex lists them, and
 * the health-effect codes for "no consequence" of Annexes E and F. Finer codes (A1101 ...) are
 * accepted by their shape and taken as the reporter gives them from the annex. */
static const struct {
    const char *code, *term;
} imdrf[] = {
    {"A01", "Patient Device Interaction Problem"},
    {"A02", "Manufacturing, Packaging or Shipping Problem"},
    {"A03", "Chemical Problem"},
    {"A04", "Material Integrity Problem"},
    {"A05", "Mechanical Problem"},
    {"A06", "Optical Problem"},
    {"A07", "Electrical/Electronic Property Problem"},
    {"A08", "Calibration Problem"},
    {"A09", "Output Problem"},
    {"A10", "Temperature Problem"},
    {"A11", "Computer Software Problem"},
    {"A12", "Connection Problem"},
    {"A13", "Communication or Transmission Problem"},
    {"A14", "Infusion or Flow Problem"},
    {"A15", "Activation, Positioning or Separation Problem"},
    {"A16", "Protective Measures Problem"},
    {"A17", "Compatibility Problem"},
    {"A18", "Contamination/Decontamination Problem"},
    {"A19", "Environmental Compatibility Problem"},
    {"A20", "Installation-Related Problem"},
    {"A21", "Labelling, Instructions for Use or Training Problem"},
    {"A24", "Adverse Event Without Identified Device or Use Problem"},
    {"E2403", "No Clinical Signs, Symptoms or Conditions"},
    {"F26", "No Health Consequences or Impact"},
};

bool srv_vig_imdrf_check(const char *code, const char **term)
{
    if (term)
        *term = NULL;
    size_t n = code ? strlen(code) : 0;
    if (n < 3 || n > 7 || !strchr("AEF", code[0]) || (n - 1) % 2)
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isdigit((unsigned char)code[i]))
            return false;
    for (size_t i = 0; i < sizeof imdrf / sizeof *imdrf; i++)
        if (strcmp(imdrf[i].code, code) == 0 && term)
            *term = imdrf[i].term;
    return true;
}

/* ---- schema -------------------------------------------------------------------------------- */

#define VIG_SCHEMA_1(ID)                                                                           \
    "CREATE TABLE security_events(id " ID ", site_id BIGINT NOT NULL REFERENCES sites(id),"        \
    " device_id BIGINT REFERENCES devices(id), kind TEXT NOT NULL, description TEXT NOT NULL,"     \
    " occurred_at BIGINT NOT NULL, recorded_at BIGINT NOT NULL, recorded_by TEXT NOT NULL);"       \
    "CREATE INDEX security_events_site ON security_events(site_id, occurred_at);"                  \
    "CREATE TABLE incidents(id " ID ", event_id BIGINT REFERENCES security_events(id),"            \
    " site_id BIGINT NOT NULL REFERENCES sites(id), device_id BIGINT REFERENCES devices(id),"      \
    " title TEXT NOT NULL, description TEXT NOT NULL, aware_at BIGINT NOT NULL,"                   \
    " malfunction BIGINT NOT NULL, death BIGINT NOT NULL, serious_deterioration BIGINT NOT NULL,"  \
    " public_health_threat BIGINT NOT NULL, unanticipated BIGINT NOT NULL,"                        \
    " classification TEXT NOT NULL, rationale TEXT NOT NULL DEFAULT '', deadline_days BIGINT"      \
    " NOT NULL, deadline_clause TEXT, imdrf_codes TEXT NOT NULL DEFAULT '', vuln_id TEXT,"         \
    " state TEXT NOT NULL DEFAULT 'open', created_at BIGINT NOT NULL, created_by TEXT NOT NULL,"   \
    " updated_at BIGINT NOT NULL);"                                                                \
    "CREATE INDEX incidents_site ON incidents(site_id, aware_at);"

static const struct sdb_migration vig_steps[] = {
    {VIG_SCHEMA_1("INTEGER PRIMARY KEY"), VIG_SCHEMA_1("BIGSERIAL PRIMARY KEY")},
};

medsec_err srv_vigilance_migrate(struct sdb *db, struct medsec_error *err)
{
    return sdb_migrate(db, "vigilance", vig_steps, sizeof vig_steps / sizeof *vig_steps, err);
}

/* ---- handlers ------------------------------------------------------------------------------ */

/* A 0/1 field: absent is 0. */
static bool flag_field(struct srv_req *rq, const struct medsec_json_doc *doc, const char *name,
                       bool *out, struct srv_resp *rs)
{
    const char *v = wu_field(rq, doc, name);
    *out = false;
    if (!v)
        return true;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
        *out = true;
    else if (strcmp(v, "0") && strcmp(v, "false")) {
        srv_error(rs, 400, "%s: expected true or false", name);
        return false;
    }
    return true;
}

/* The site (and hospital) of a device or a site id; 0 when there is none. */
static medsec_err site_of_device(struct sdb *db, int64_t device, int64_t *site,
                                 struct medsec_error *err)
{
    struct sdb_val p[] = {SDB_I(device)};
    return sdb_query_int(db, "SELECT site_id FROM devices WHERE id = $1", p, 1, site, err);
}

/* Check the IMDRF codes of a comma-separated list; normalised into @out. */
static bool codes_field(const char *in, char *out, size_t cap, struct srv_resp *rs)
{
    out[0] = 0;
    if (!in)
        return true;
    if (strlen(in) >= cap) {
        srv_error(rs, 400, "imdrf_codes: too long");
        return false;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", in);
    size_t len = 0;
    for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (!srv_vig_imdrf_check(t, NULL)) {
            srv_error(rs, 400,
                      "imdrf_codes: '%.32s' is not an IMDRF code (A, E or F and 2, 4 or 6 digits)",
                      t);
            return false;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "", t);
    }
    return true;
}

static bool text_field(const char *v, const char *name, size_t max, bool required,
                       struct srv_resp *rs)
{
    if (!v && required) {
        srv_error(rs, 400, "%s: required", name);
        return false;
    }
    if (v && strlen(v) > max) {
        srv_error(rs, 400, "%s: more than %zu bytes", name, max);
        return false;
    }
    return true;
}

static void classify_text(const struct srv_vig_facts *f, char *out, size_t cap)
{
    enum srv_vig_class c = srv_vig_classify(f);
    if (c == SRV_VIG_NOT_INCIDENT)
        snprintf(out, cap,
                 "No malfunction or deterioration of the device's characteristics or performance, "
                 "no inadequacy of the information supplied and no undesirable side-effect: not an "
                 "incident under MDR Art. 2(64); kept as a security event.");
    else if (c == SRV_VIG_INCIDENT)
        snprintf(out, cap,
                 "A malfunction or deterioration (MDR Art. 2(64)) that did not and could not lead "
                 "to death, a serious deterioration of health or a serious public health threat: "
                 "an incident, not a serious incident (Art. 2(65)); subject to trend reporting "
                 "(Art. 88), not to Art. 87.");
    else
        snprintf(out, cap,
                 "A malfunction or deterioration (MDR Art. 2(64)) that led or might lead to%s%s%s: "
                 "a serious incident (Art. 2(65)), reported under Art. 87.",
                 f->death ? " death;" : "",
                 f->serious_deterioration
                     ? (f->unanticipated ? " an unanticipated serious deterioration of health;"
                                         : " a serious deterioration of health;")
                     : "",
                 f->public_health_threat ? " a serious public health threat (Art. 2(66));" : "");
}

static bool read_facts(struct srv_req *rq, const struct medsec_json_doc *doc,
                       struct srv_vig_facts *f, struct srv_resp *rs)
{
    return flag_field(rq, doc, "malfunction", &f->malfunction, rs) &&
           flag_field(rq, doc, "death", &f->death, rs) &&
           flag_field(rq, doc, "serious_deterioration", &f->serious_deterioration, rs) &&
           flag_field(rq, doc, "public_health_threat", &f->public_health_threat, rs) &&
           flag_field(rq, doc, "unanticipated", &f->unanticipated, rs);
}

static medsec_err h_incident_add(struct srv_req *rq, struct srv_resp *rs)
{
    struct medsec_json_doc *doc;
    if (!wu_body_json(rq, rs, &doc))
        return MEDSEC_OK;
    medsec_err rc = MEDSEC_OK;
    struct medsec_error err;
    const char *title = wu_field(rq, doc, "title"), *desc = wu_field(rq, doc, "description");
    const char *aware = wu_field(rq, doc, "aware_at"), *dev = wu_field(rq, doc, "device_id");
    const char *site = wu_field(rq, doc, "site_id"), *vuln = wu_field(rq, doc, "vuln_id");
    const char *ev = wu_field(rq, doc, "event_id");
    struct srv_vig_facts f = {0};
    char codes[512];
    int64_t aware_at = 0, device_id = 0, site_id = 0, event_id = 0;
    if (!text_field(title, "title", 200, true, rs) ||
        !text_field(desc, "description", 8000, true, rs) ||
        !text_field(vuln, "vuln_id", 128, false, rs) || !read_facts(rq, doc, &f, rs) ||
        !codes_field(wu_field(rq, doc, "imdrf_codes"), codes, sizeof codes, rs))
        goto out;
    if (!wu_time_arg(aware, &aware_at)) {
        rc = srv_error(rs, 400, "aware_at: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
        goto out;
    }
    if ((dev && !wu_int_arg(dev, "device_id", 1, INT64_MAX, &device_id, rs)) ||
        (site && !wu_int_arg(site, "site_id", 1, INT64_MAX, &site_id, rs)) ||
        (ev && !wu_int_arg(ev, "event_id", 1, INT64_MAX, &event_id, rs)))
        goto out;
    if (device_id) {
        int64_t s;
        rc = site_of_device(rq->db, device_id, &s, &err);
        if (rc == MEDSEC_ENOTFOUND) {
            rc = srv_error(rs, 400, "device_id: no such device");
            goto out;
        }
        if (rc) {
            rc = wu_fail(rs, &err);
            goto out;
        }
        if (site_id && site_id != s) {
            rc = srv_error(rs, 400, "site_id: the device is at site %lld", (long long)s);
            goto out;
        }
        site_id = s;
    }
    if (!site_id) {
        rc = srv_error(rs, 400, "site_id: required (or device_id)");
        goto out;
    }
    int64_t have;
    struct sdb_val sp[] = {SDB_I(site_id)};
    if (sdb_query_int(rq->db, "SELECT id FROM sites WHERE id = $1", sp, 1, &have, &err)) {
        rc = srv_error(rs, 400, "site_id: no such site");
        goto out;
    }
    const char *clause;
    int days = srv_vig_deadline_days(&f, &clause);
    char why[600];
    classify_text(&f, why, sizeof why);
    const char *who = rq->user ? rq->user->name : "";
    struct sdb_val p[] = {
        event_id ? SDB_I(event_id) : SDB_NUL,
        SDB_I(site_id),
        device_id ? SDB_I(device_id) : SDB_NUL,
        SDB_S(title),
        SDB_S(desc),
        SDB_I(aware_at),
        SDB_I(f.malfunction),
        SDB_I(f.death),
        SDB_I(f.serious_deterioration),
        SDB_I(f.public_health_threat),
        SDB_I(f.unanticipated),
        SDB_S(srv_vig_class_name(srv_vig_classify(&f))),
        wu_s(why),
        SDB_I(days),
        clause ? SDB_S(clause) : SDB_NUL,
        wu_s(codes),
        vuln ? SDB_S(vuln) : SDB_NUL,
        SDB_I(rq->now),
        SDB_S(who),
    };
    int64_t id = 0;
    char obj[64], detail[160];
    if (sdb_begin(rq->db, &err)) {
        rc = wu_fail(rs, &err);
        goto out;
    }
    if (sdb_insert_id(rq->db,
                      "INSERT INTO incidents(event_id, site_id, device_id, title, description,"
                      " aware_at, malfunction, death, serious_deterioration, public_health_threat,"
                      " unanticipated, classification, rationale, deadline_days, deadline_clause,"
                      " imdrf_codes, vuln_id, created_at, created_by, updated_at) VALUES ($1, $2,"
                      " $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,"
                      " $19, $18)",
                      p, 19, &id, &err) ||
        (snprintf(obj, sizeof obj, "incident/%lld", (long long)id),
         snprintf(detail, sizeof detail, "{\"classification\":\"%s\",\"deadline_days\":%d}",
                  srv_vig_class_name(srv_vig_classify(&f)), days),
         srv_audit(rq, "incident.create", obj, detail, &err)) ||
        sdb_commit(rq->db, &err)) {
        sdb_rollback(rq->db);
        rc = err.code == MEDSEC_EDB ? srv_error(rs, 400, "incident: %s", err.msg)
                                    : wu_fail(rs, &err);
        goto out;
    }
    rs->status = 201;
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "id", id);
    medsec_jsonw_kv_string(&w, "classification", srv_vig_class_name(srv_vig_classify(&f)));
    medsec_jsonw_kv_int(&w, "deadline_days", days);
    if (days) {
        char d[11];
        srv_vig_deadline_date(aware_at, days, d);
        medsec_jsonw_kv_string(&w, "deadline", d);
    }
    medsec_jsonw_object_end(&w);
    rc = medsec_jsonw_finish(&w);
out:
    medsec_json_doc_free(doc);
    return rc;
}

#define INCIDENT_COLS                                                                              \
    "i.id, i.title, i.description, i.aware_at, i.classification, i.rationale, i.deadline_days,"    \
    " i.deadline_clause, i.imdrf_codes, i.vuln_id, i.state, i.malfunction, i.death,"               \
    " i.serious_deterioration, i.public_health_threat, i.unanticipated, s.id, s.name, h.id,"       \
    " h.name, i.device_id, d.serial, m.name, rl.version, i.created_at, i.created_by"
#define INCIDENT_FROM                                                                              \
    " FROM incidents i JOIN sites s ON s.id = i.site_id JOIN hospitals h ON h.id ="                \
    " s.hospital_id LEFT JOIN devices d ON d.id = i.device_id LEFT JOIN models m ON m.id ="        \
    " d.model_id LEFT JOIN releases rl ON rl.id = d.release_id"

static void incident_json(struct medsec_jsonw *w, const struct sdb_rows *r)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "id", sdb_int(r, 0));
    medsec_jsonw_kv_string(w, "title", sdb_text(r, 1));
    medsec_jsonw_kv_string(w, "description", sdb_text(r, 2));
    medsec_jsonw_key(w, "aware_at");
    wu_json_time(w, r, 3);
    medsec_jsonw_kv_string(w, "classification", sdb_text(r, 4));
    medsec_jsonw_kv_string(w, "rationale", sdb_text(r, 5));
    int days = (int)sdb_int(r, 6);
    medsec_jsonw_kv_int(w, "deadline_days", days);
    medsec_jsonw_key(w, "deadline");
    if (days) {
        char d[11];
        srv_vig_deadline_date(sdb_int(r, 3), days, d);
        medsec_jsonw_string(w, d);
    } else {
        medsec_jsonw_null(w);
    }
    medsec_jsonw_kv_string(w, "deadline_clause", sdb_text(r, 7));
    medsec_jsonw_key(w, "imdrf_codes");
    medsec_jsonw_array_begin(w);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", sdb_text(r, 8) ? sdb_text(r, 8) : "");
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        const char *term;
        srv_vig_imdrf_check(t, &term);
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "code", t);
        medsec_jsonw_kv_string(w, "term", term);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_string(w, "vuln_id", sdb_text(r, 9));
    medsec_jsonw_kv_string(w, "state", sdb_text(r, 10));
    medsec_jsonw_key(w, "criteria");
    medsec_jsonw_object_begin(w);
    static const char *const crit[] = {"malfunction", "death", "serious_deterioration",
                                       "public_health_threat", "unanticipated"};
    for (size_t k = 0; k < 5; k++)
        medsec_jsonw_kv_bool(w, crit[k], sdb_int(r, 11 + k) != 0);
    medsec_jsonw_object_end(w);
    medsec_jsonw_kv_int(w, "site_id", sdb_int(r, 16));
    medsec_jsonw_kv_string(w, "site", sdb_text(r, 17));
    medsec_jsonw_kv_int(w, "hospital_id", sdb_int(r, 18));
    medsec_jsonw_kv_string(w, "hospital", sdb_text(r, 19));
    medsec_jsonw_key(w, "device_id");
    wu_json_col(w, r, 20, true);
    medsec_jsonw_kv_string(w, "serial", sdb_text(r, 21));
    medsec_jsonw_kv_string(w, "model", sdb_text(r, 22));
    medsec_jsonw_kv_string(w, "release", sdb_text(r, 23));
    medsec_jsonw_key(w, "created_at");
    wu_json_time(w, r, 24);
    medsec_jsonw_kv_string(w, "created_by", sdb_text(r, 25));
    medsec_jsonw_object_end(w);
}

static medsec_err h_incidents(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t limit, offset, total = 0;
    if (!wu_paging(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    int64_t h = wu_hospital(rq);
    struct medsec_error err;
    struct sdb_val c[] = {SDB_I(h)};
    if (sdb_query_int(rq->db,
                      "SELECT COUNT(*) FROM incidents i JOIN sites s ON s.id = i.site_id WHERE"
                      " ($1 = 0 OR s.hospital_id = $1)",
                      c, 1, &total, &err))
        return wu_fail(rs, &err);
    struct sdb_val p[] = {SDB_I(h), SDB_I(limit), SDB_I(offset)};
    struct sdb_rows *r;
    if (sdb_query(rq->db,
                  "SELECT " INCIDENT_COLS INCIDENT_FROM
                  " WHERE ($1 = 0 OR s.hospital_id = $1) ORDER BY i.aware_at DESC, i.id DESC"
                  " LIMIT $2 OFFSET $3",
                  p, 3, &r, &err))
        return wu_fail(rs, &err);
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    int st = 0;
    while ((st = sdb_step(r, &err)) > 0)
        incident_json(&w, r);
    sdb_rows_free(r);
    if (st < 0)
        return wu_fail(rs, &err);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", total);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

/* One incident the caller may see, as rows positioned on it; NULL (404 answered) when not. */
static struct sdb_rows *incident_row(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t id;
    if (!wu_id_arg(rq, 0, rs, &id))
        return NULL;
    struct medsec_error err;
    struct sdb_val p[] = {SDB_I(id), SDB_I(wu_hospital(rq))};
    struct sdb_rows *r;
    if (sdb_query(rq->db,
                  "SELECT " INCIDENT_COLS INCIDENT_FROM
                  " WHERE i.id = $1 AND ($2 = 0 OR s.hospital_id = $2)",
                  p, 2, &r, &err)) {
        wu_fail(rs, &err);
        return NULL;
    }
    int st = sdb_step(r, &err);
    if (st <= 0) {
        sdb_rows_free(r);
        if (st < 0)
            wu_fail(rs, &err);
        else
            srv_error(rs, 404, "no such incident");
        return NULL;
    }
    return r;
}

static medsec_err h_incident(struct srv_req *rq, struct srv_resp *rs)
{
    struct sdb_rows *r = incident_row(rq, rs);
    if (!r)
        return MEDSEC_OK;
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    incident_json(&w, r);
    sdb_rows_free(r);
    return medsec_jsonw_finish(&w);
}

static medsec_err h_classify(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t id;
    if (!wu_id_arg(rq, 0, rs, &id))
        return MEDSEC_OK;
    struct medsec_json_doc *doc;
    if (!wu_body_json(rq, rs, &doc))
        return MEDSEC_OK;
    medsec_err rc = MEDSEC_OK;
    struct medsec_error err;
    struct srv_vig_facts f = {0};
    char codes[512], why[600], obj[64], detail[160];
    const char *state = wu_field(rq, doc, "state");
    const char *cf = wu_field(rq, doc, "imdrf_codes");
    if (!read_facts(rq, doc, &f, rs) || !codes_field(cf, codes, sizeof codes, rs))
        goto out;
    if (state && strcmp(state, "open") && strcmp(state, "reported") && strcmp(state, "closed")) {
        rc = srv_error(rs, 400, "state: expected open, reported or closed");
        goto out;
    }
    const char *clause;
    int days = srv_vig_deadline_days(&f, &clause);
    classify_text(&f, why, sizeof why);
    struct sdb_val p[] = {SDB_I(f.malfunction),
                          SDB_I(f.death),
                          SDB_I(f.serious_deterioration),
                          SDB_I(f.public_health_threat),
                          SDB_I(f.unanticipated),
                          SDB_S(srv_vig_class_name(srv_vig_classify(&f))),
                          wu_s(why),
                          SDB_I(days),
                          clause ? SDB_S(clause) : SDB_NUL,
                          cf ? wu_s(codes) : SDB_NUL,
                          state ? SDB_S(state) : SDB_NUL,
                          SDB_I(rq->now),
                          SDB_I(id)};
    int64_t changed = 0;
    if (sdb_begin(rq->db, &err)) {
        rc = wu_fail(rs, &err);
        goto out;
    }
    if (sdb_exec(rq->db,
                 "UPDATE incidents SET malfunction = $1, death = $2, serious_deterioration = $3,"
                 " public_health_threat = $4, unanticipated = $5, classification = $6, rationale"
                 " = $7, deadline_days = $8, deadline_clause = $9, imdrf_codes ="
                 " COALESCE($10, imdrf_codes), state = COALESCE($11, state), updated_at = $12"
                 " WHERE id = $13",
                 p, 13, &changed, &err)) {
        sdb_rollback(rq->db);
        rc = wu_fail(rs, &err);
        goto out;
    }
    if (!changed) {
        sdb_rollback(rq->db);
        rc = srv_error(rs, 404, "no such incident");
        goto out;
    }
    snprintf(obj, sizeof obj, "incident/%lld", (long long)id);
    snprintf(detail, sizeof detail, "{\"classification\":\"%s\",\"deadline_days\":%d}",
             srv_vig_class_name(srv_vig_classify(&f)), days);
    if (srv_audit(rq, "incident.classify", obj, detail, &err) || sdb_commit(rq->db, &err)) {
        sdb_rollback(rq->db);
        rc = wu_fail(rs, &err);
        goto out;
    }
    rc = h_incident(rq, rs);
out:
    medsec_json_doc_free(doc);
    return rc;
}

/* Markdown text: no table-breaking bars or line breaks. */
static void md_text(struct medsec_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\r')
            medsec_buf_addc(b, ' ');
        else if (strchr("|*_`<>[]\\#", *s)) {
            medsec_buf_addc(b, '\\');
            medsec_buf_addc(b, *s);
        } else
            medsec_buf_addc(b, *s);
    }
}

static medsec_err h_report(struct srv_req *rq, struct srv_resp *rs)
{
    const char *fmt = wu_param(rq, "format");
    if (fmt && strcmp(fmt, "md") && strcmp(fmt, "json"))
        return srv_error(rs, 400, "format: expected md or json");
    struct sdb_rows *r = incident_row(rq, rs);
    if (!r)
        return MEDSEC_OK;
    int days = (int)sdb_int(r, 6);
    char deadline[11] = "", aware[11];
    medsec_date_format(sdb_int(r, 3), aware);
    if (days)
        srv_vig_deadline_date(sdb_int(r, 3), days, deadline);
    bool serious = strcmp(sdb_text(r, 4), "serious_incident") == 0;
    if (fmt && strcmp(fmt, "json") == 0) {
        struct medsec_jsonw w;
        wu_json_begin(rs, &w);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "report",
                               serious ? "MDR Art. 87 serious incident report (draft)"
                                       : "incident record (no Art. 87 report)");
        medsec_jsonw_kv_string(&w, "awareness_date", aware);
        medsec_jsonw_kv_string(&w, "deadline", days ? deadline : NULL);
        medsec_jsonw_key(&w, "incident");
        incident_json(&w, r);
        medsec_jsonw_object_end(&w);
        sdb_rows_free(r);
        return medsec_jsonw_finish(&w);
    }
    struct medsec_buf *b = &rs->body;
    medsec_buf_reset(b);
    rs->content_type = "text/markdown; charset=utf-8";
    snprintf(rs->filename, sizeof rs->filename, "incident-%lld.md", (long long)sdb_int(r, 0));
    medsec_buf_addf(b, "# %s: incident %lld (draft)\n\n",
                    serious ? "Serious incident report" : "Incident record",
                    (long long)sdb_int(r, 0));
    medsec_buf_adds(b, "Draft for the manufacturer incident report (MIR) under MDR Art. 87; a "
                       "person checks and completes it before it is submitted.\n\n");
    medsec_buf_adds(b, "| Field | Value |\n|---|---|\n| Title | ");
    md_text(b, sdb_text(r, 1));
    medsec_buf_addf(b, " |\n| Awareness date | %s |\n| Classification | ", aware);
    md_text(b, sdb_text(r, 4));
    if (days)
        medsec_buf_addf(b, " |\n| Report due | %s (%d days after awareness, %s) |\n", deadline,
                        days, sdb_text(r, 7) ? sdb_text(r, 7) : "");
    else
        medsec_buf_adds(b, " |\n| Report due | none under Art. 87 (trend reporting, Art. 88) |\n");
    medsec_buf_adds(b, "| Hospital / site | ");
    md_text(b, sdb_text(r, 19));
    medsec_buf_adds(b, " / ");
    md_text(b, sdb_text(r, 17));
    medsec_buf_adds(b, " |\n| Device | ");
    if (!sdb_is_null(r, 20)) {
        md_text(b, sdb_text(r, 22));
        medsec_buf_adds(b, ", serial ");
        md_text(b, sdb_text(r, 21));
        medsec_buf_adds(b, ", release ");
        md_text(b, sdb_text(r, 23) ? sdb_text(r, 23) : "unknown");
    } else {
        medsec_buf_adds(b, "not identified");
    }
    medsec_buf_adds(b, " |\n| Vulnerability | ");
    md_text(b, sdb_text(r, 9) ? sdb_text(r, 9) : "none recorded");
    medsec_buf_adds(b, " |\n| IMDRF codes | ");
    char buf[512];
    snprintf(buf, sizeof buf, "%s", sdb_text(r, 8) ? sdb_text(r, 8) : "");
    bool any = false;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        const char *term;
        srv_vig_imdrf_check(t, &term);
        medsec_buf_addf(b, "%s%s%s%s", any ? "; " : "", t, term ? " " : "", term ? term : "");
        any = true;
    }
    medsec_buf_adds(b, any ? " |\n" : "none yet |\n");
    medsec_buf_adds(b, "\n## Criteria (MDR Art. 2(64)-(66))\n\n");
    static const char *const crit[] = {
        "Malfunction or deterioration of characteristics or performance (Art. 2(64))",
        "Led or might lead to death (Art. 2(65)(a))",
        "Led or might lead to a serious deterioration of health (Art. 2(65)(b))",
        "Serious public health threat (Art. 2(65)(c), 2(66))",
        "The serious deterioration was unanticipated (Art. 87(5))"};
    for (size_t k = 0; k < 5; k++)
        medsec_buf_addf(b, "- [%c] %s\n", sdb_int(r, 11 + k) ? 'x' : ' ', crit[k]);
    medsec_buf_adds(b, "\n## Classification\n\n");
    md_text(b, sdb_text(r, 5));
    medsec_buf_adds(b, "\n\n## Description\n\n");
    md_text(b, sdb_text(r, 2));
    medsec_buf_adds(b, "\n\n## Deadlines that apply (MDR Art. 87)\n\n"
                       "- Serious incident: immediately, at the latest 15 days after awareness "
                       "(Art. 87(3)).\n"
                       "- Death or unanticipated serious deterioration of health: at the latest 10 "
                       "days after awareness (Art. 87(5)).\n"
                       "- Serious public health threat: at the latest 2 days after awareness "
                       "(Art. 87(4)).\n"
                       "- An initial incomplete report may come first, the complete one after "
                       "(Art. 87(6)).\n");
    sdb_rows_free(r);
    return MEDSEC_OK;
}

static medsec_err h_event_add(struct srv_req *rq, struct srv_resp *rs)
{
    struct medsec_json_doc *doc;
    if (!wu_body_json(rq, rs, &doc))
        return MEDSEC_OK;
    medsec_err rc = MEDSEC_OK;
    struct medsec_error err;
    const char *kind = wu_field(rq, doc, "kind"), *desc = wu_field(rq, doc, "description");
    const char *dev = wu_field(rq, doc, "device_id"), *site = wu_field(rq, doc, "site_id");
    const char *occ = wu_field(rq, doc, "occurred_at");
    int64_t device_id = 0, site_id = 0, at = rq->now, id = 0;
    if (!text_field(kind, "kind", 64, true, rs) || !text_field(desc, "description", 8000, true, rs))
        goto out;
    if (occ && !wu_time_arg(occ, &at)) {
        rc = srv_error(rs, 400, "occurred_at: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
        goto out;
    }
    if ((dev && !wu_int_arg(dev, "device_id", 1, INT64_MAX, &device_id, rs)) ||
        (site && !wu_int_arg(site, "site_id", 1, INT64_MAX, &site_id, rs)))
        goto out;
    if (device_id) {
        rc = site_of_device(rq->db, device_id, &site_id, &err);
        if (rc) {
            rc = rc == MEDSEC_ENOTFOUND ? srv_error(rs, 400, "device_id: no such device")
                                        : wu_fail(rs, &err);
            goto out;
        }
    }
    int64_t have;
    struct sdb_val sp[] = {SDB_I(site_id)};
    if (!site_id ||
        sdb_query_int(rq->db, "SELECT id FROM sites WHERE id = $1", sp, 1, &have, &err)) {
        rc = srv_error(rs, 400, "site_id: no such site");
        goto out;
    }
    struct sdb_val p[] = {
        SDB_I(site_id), device_id ? SDB_I(device_id) : SDB_NUL, SDB_S(kind), SDB_S(desc), SDB_I(at),
        SDB_I(rq->now), SDB_S(rq->user ? rq->user->name : "")};
    char obj[64];
    if (sdb_begin(rq->db, &err)) {
        rc = wu_fail(rs, &err);
        goto out;
    }
    if (sdb_insert_id(rq->db,
                      "INSERT INTO security_events(site_id, device_id, kind, description,"
                      " occurred_at, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6,"
                      " $7)",
                      p, 7, &id, &err) ||
        (snprintf(obj, sizeof obj, "security_event/%lld", (long long)id),
         srv_audit(rq, "event.create", obj, "{}", &err)) ||
        sdb_commit(rq->db, &err)) {
        sdb_rollback(rq->db);
        rc = wu_fail(rs, &err);
        goto out;
    }
    rs->status = 201;
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "id", id);
    medsec_jsonw_object_end(&w);
    rc = medsec_jsonw_finish(&w);
out:
    medsec_json_doc_free(doc);
    return rc;
}

static medsec_err h_events(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t limit, offset, total = 0;
    if (!wu_paging(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    int64_t h = wu_hospital(rq);
    struct medsec_error err;
    struct sdb_val c[] = {SDB_I(h)};
    if (sdb_query_int(rq->db,
                      "SELECT COUNT(*) FROM security_events e JOIN sites s ON s.id = e.site_id"
                      " WHERE ($1 = 0 OR s.hospital_id = $1)",
                      c, 1, &total, &err))
        return wu_fail(rs, &err);
    struct sdb_val p[] = {SDB_I(h), SDB_I(limit), SDB_I(offset)};
    struct sdb_rows *r;
    if (sdb_query(rq->db,
                  "SELECT e.id, e.kind, e.description, e.occurred_at, s.id, s.name, e.device_id,"
                  " e.recorded_by FROM security_events e JOIN sites s ON s.id = e.site_id WHERE"
                  " ($1 = 0 OR s.hospital_id = $1) ORDER BY e.occurred_at DESC, e.id DESC LIMIT"
                  " $2 OFFSET $3",
                  p, 3, &r, &err))
        return wu_fail(rs, &err);
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    int st = 0;
    while ((st = sdb_step(r, &err)) > 0) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "id", sdb_int(r, 0));
        medsec_jsonw_kv_string(&w, "kind", sdb_text(r, 1));
        medsec_jsonw_kv_string(&w, "description", sdb_text(r, 2));
        medsec_jsonw_key(&w, "occurred_at");
        wu_json_time(&w, r, 3);
        medsec_jsonw_kv_int(&w, "site_id", sdb_int(r, 4));
        medsec_jsonw_kv_string(&w, "site", sdb_text(r, 5));
        medsec_jsonw_key(&w, "device_id");
        wu_json_col(&w, r, 6, true);
        medsec_jsonw_kv_string(&w, "recorded_by", sdb_text(r, 7));
        medsec_jsonw_object_end(&w);
    }
    sdb_rows_free(r);
    if (st < 0)
        return wu_fail(rs, &err);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", total);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

static medsec_err h_codes(struct srv_req *rq, struct srv_resp *rs)
{
    (void)rq;
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    size_t n = sizeof imdrf / sizeof *imdrf;
    for (size_t i = 0; i < n; i++) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "code", imdrf[i].code);
        medsec_jsonw_kv_string(&w, "term", imdrf[i].term);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", (long long)n);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

const struct srv_route srv_routes_vigilance[] = {
    {"GET", "/api/v1/incidents", SRV_ROLES_ALL, h_incidents},
    {"POST", "/api/v1/incidents", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_incident_add},
    {"GET", "/api/v1/incidents/{}", SRV_ROLES_ALL, h_incident},
    {"POST", "/api/v1/incidents/{}/classify", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_classify},
    {"GET", "/api/v1/incidents/{}/report", SRV_ROLES_ALL, h_report},
    {"GET", "/api/v1/events", SRV_ROLES_ALL, h_events},
    {"POST", "/api/v1/events", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_event_add},
    {"GET", "/api/v1/imdrf-codes", SRV_ROLES_ALL, h_codes},
    {NULL, NULL, 0, NULL},
};
