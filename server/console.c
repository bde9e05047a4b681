/* console.c: the web console of medsec serve: server-rendered HTML pages (no script) over the
 * fleet, advisories, roll-outs and post-market tables: login, overview, devices, advisories,
 * roll-outs with their forms, the PMS page. Every text from the database is escaped; every form
 * that changes something carries the session's CSRF token; hospital accounts see only their own
 * sites' devices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "fleet.h"
#include "medsec/json.h"
#include "srv.h"

/* A text parameter that is never NULL (an array: SDB_S would test its address). */
#define SDB_T(v) ((struct sdb_val){.type = SDB_TEXT, .s = (v)})
/* ---- HTML helpers ---------------------------------------------------------------------------- */

static void esc(struct medsec_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': medsec_buf_adds(b, "&amp;"); break;
        case '<': medsec_buf_adds(b, "&lt;"); break;
        case '>': medsec_buf_adds(b, "&gt;"); break;
        case '"': medsec_buf_adds(b, "&quot;"); break;
        case '\'': medsec_buf_adds(b, "&#39;"); break;
        default: medsec_buf_addc(b, *s);
        }
    }
}

/* Percent-encode @s for a URL path segment or query value. */
static void url_esc(struct medsec_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~')
            medsec_buf_addc(b, (char)c);
        else
            medsec_buf_addf(b, "%%%02X", c);
    }
}

static void fmt_time(char out[24], int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t <= 0 || !gmtime_r(&tt, &tm)) {
        snprintf(out, 24, "never");
        return;
    }
    strftime(out, 24, "%Y-%m-%d %H:%M UTC", &tm);
}

static int can_change(const struct srv_req *rq)
{
    return (rq->user->role & (SRV_ROLE_ADMIN | SRV_ROLE_ANALYST)) != 0;
}

static int64_t hospital_filter(const struct srv_req *rq)
{
    return rq->user && rq->user->role == SRV_ROLE_HOSPITAL ? rq->user->hospital_id : 0;
}

static void page_begin(struct srv_req *rq, struct srv_resp *rs, const char *title)
{
    struct medsec_buf *b = &rs->body;
    rs->content_type = "text/html; charset=utf-8";
    medsec_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>");
    esc(b, title);
    medsec_buf_adds(
        b,
        " \xe2\x80\x94 medsec serve</title>\n"
        "<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/static/console.css\">\n</head>\n<body>\n"
        "<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header>\n"
        "<p class=\"brand\">medsec serve</p>\n");
    const struct srv_user *u = rq->user;
    if (u && u->id) {
        medsec_buf_adds(b, "<nav aria-label=\"Main\"><ul>\n<li><a href=\"/\">Fleet</a></li>\n"
                           "<li><a href=\"/devices\">Devices</a></li>\n"
                           "<li><a href=\"/advisories\">Advisories</a></li>\n");
        if (u->role & SRV_ROLES_STAFF)
            medsec_buf_adds(b, "<li><a href=\"/rollouts\">Roll-outs</a></li>\n"
                               "<li><a href=\"/pms\">Post-market</a></li>\n");
        medsec_buf_adds(b, "</ul></nav>\n<form class=\"logout\" method=\"post\" action=\"/logout\">"
                           "<input type=\"hidden\" name=\"csrf\" value=\"");
        esc(b, u->csrf);
        medsec_buf_adds(b, "\"><span>");
        esc(b, u->name);
        medsec_buf_addf(b, " (%s)</span> <button type=\"submit\">Log out</button></form>\n",
                        srv_role_name(u->role) ? srv_role_name(u->role) : "");
    }
    medsec_buf_adds(b, "</header>\n<main id=\"main\" tabindex=\"-1\">\n<h1>");
    esc(b, title);
    medsec_buf_adds(b, "</h1>\n");
}

static medsec_err page_end(struct srv_resp *rs)
{
    return medsec_buf_adds(&rs->body, "</main>\n<footer><p>medsec serve: post-market surveillance"
                                      " of the fleet (MDR Art. 83\xe2\x80\x93"
                                      "86, MDCG 2019-16 \xc2\xa7"
                                      "5)</p></footer>\n</body>\n</html>\n");
}

static medsec_err page_error(struct srv_req *rq, struct srv_resp *rs, int status, const char *msg)
{
    medsec_buf_reset(&rs->body);
    rs->status = status;
    page_begin(rq, rs, status == 404 ? "Not found" : "The request was refused");
    medsec_buf_adds(&rs->body, "<p role=\"alert\">");
    esc(&rs->body, msg);
    medsec_buf_adds(&rs->body, "</p>\n<p><a href=\"/\">Back to the fleet</a></p>\n");
    return page_end(rs);
}

static medsec_err db_error(struct srv_req *rq, struct srv_resp *rs, const struct medsec_error *e)
{
    char msg[600];
    snprintf(msg, sizeof msg, "database: %s", e->msg[0] ? e->msg : "error");
    page_error(rq, rs, 500, msg);
    return MEDSEC_OK;
}

/* Does table @name exist (the tables of modules that may not be there)? */
static int table_exists(struct sdb *db, const char *name)
{
    struct medsec_error e = {0};
    int64_t n = 0;
    const char *sql = sdb_kind(db) == SDB_POSTGRES
                          ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = $1"
                          : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1";
    return sdb_query_int(db, sql, &SDB_S(name), 1, &n, &e) == MEDSEC_OK && n > 0;
}

/* A table from a query: column i shows result column cols[i].col, as text, a time, or a link to
 * prefix + the value of column link. */
enum cell { TEXT, TIME, LINK, YESNO, TENTHS };
struct col {
    const char *head;
    int col;
    enum cell kind;
    const char *prefix; /* LINK */
    int link;           /* LINK: the column whose value ends the URL */
};

static medsec_err table(struct srv_req *rq, struct srv_resp *rs, const char *caption,
                        const char *sql, const struct sdb_val *p, size_t np, const struct col *cols,
                        size_t ncols, const char *empty, size_t *rows)
{
    struct medsec_buf *b = &rs->body;
    struct medsec_error e = {0};
    struct sdb_rows *r;
    medsec_err rc = sdb_query(rq->db, sql, p, np, &r, &e);
    if (rc)
        return db_error(rq, rs, &e), rc;
    size_t n = 0;
    int st;
    while ((st = sdb_step(r, &e)) == 1) {
        if (n++ == 0) {
            medsec_buf_adds(b, "<div class=\"scroll\"><table>\n<caption>");
            esc(b, caption);
            medsec_buf_adds(b, "</caption>\n<thead><tr>");
            for (size_t i = 0; i < ncols; i++) {
                medsec_buf_adds(b, "<th scope=\"col\">");
                esc(b, cols[i].head);
                medsec_buf_adds(b, "</th>");
            }
            medsec_buf_adds(b, "</tr></thead>\n<tbody>\n");
        }
        medsec_buf_adds(b, "<tr>");
        for (size_t i = 0; i < ncols; i++) {
            const struct col *c = &cols[i];
            const char *v = sdb_text(r, (size_t)c->col);
            medsec_buf_adds(b, i == 0 ? "<th scope=\"row\">" : "<td>");
            if (c->kind == TIME) {
                char t[24];
                fmt_time(t, sdb_is_null(r, (size_t)c->col) ? 0 : sdb_int(r, (size_t)c->col));
                esc(b, t);
            } else if (c->kind == TENTHS && !sdb_is_null(r, (size_t)c->col)) {
                int64_t t = sdb_int(r, (size_t)c->col);
                medsec_buf_addf(b, "%lld.%lld", (long long)(t / 10), (long long)(t % 10));
            } else if (c->kind == YESNO) {
                medsec_buf_adds(b, sdb_int(r, (size_t)c->col) ? "yes" : "no");
            } else if (c->kind == LINK && !sdb_is_null(r, (size_t)c->link)) {
                medsec_buf_adds(b, "<a href=\"");
                esc(b, c->prefix);
                struct medsec_buf u = MEDSEC_BUF_INIT;
                url_esc(&u, sdb_text(r, (size_t)c->link));
                esc(b, u.data);
                medsec_buf_release(&u);
                medsec_buf_adds(b, "\">");
                esc(b, v ? v : "");
                medsec_buf_adds(b, "</a>");
            } else {
                esc(b, v ? v : "\xe2\x80\x94");
            }
            medsec_buf_adds(b, i == 0 ? "</th>" : "</td>");
        }
        medsec_buf_adds(b, "</tr>\n");
    }
    sdb_rows_free(r);
    if (st < 0)
        return db_error(rq, rs, &e), e.code;
    if (n)
        medsec_buf_adds(b, "</tbody>\n</table></div>\n");
    else {
        medsec_buf_adds(b, "<p class=\"empty\">");
        esc(b, empty);
        medsec_buf_adds(b, "</p>\n");
    }
    if (rows)
        *rows = n;
    return MEDSEC_OK;
}

/* ---- static ---------------------------------------------------------------------------------- */

static const char console_css[] =
    ":root{--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--accent:#0a58ca;"
    "--warn:#8a1c1c}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}\n"
    ".skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem;z-index:2}\n"
    ".skip:focus{left:.5rem}\n"
    "header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.5rem 1rem;"
    "border-bottom:1px solid var(--line)}\n"
    ".brand{font-weight:700;margin:0}\n"
    "nav ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}\n"
    ".logout{margin-left:auto}\n"
    "main{padding:1rem;max-width:80rem}\n"
    "main:focus{outline:none}\n"
    "a{color:var(--accent)}\n"
    "a:focus,button:focus,input:focus,select:focus{outline:3px solid #ffbf47;outline-offset:2px}\n"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}\n"
    "caption{text-align:left;font-weight:600;padding:.25rem 0}\n"
    "th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}\n"
    "thead th{background:#f6f8fa}\n"
    ".scroll{overflow-x:auto}\n"
    "form.box{border:1px solid var(--line);padding:1rem;max-width:40rem;margin:1rem 0}\n"
    "form.box div{margin:.5rem 0}\n"
    "label{display:block;font-weight:600}\n"
    "input,select,button{font:inherit;padding:.25rem .5rem}\n"
    "form.inline{display:inline}\n"
    "[role=alert]{color:var(--warn);font-weight:600}\n"
    ".empty{color:var(--muted)}\n"
    "footer{border-top:1px solid var(--line);padding:.5rem 1rem;color:var(--muted)}\n";

static medsec_err h_css(struct srv_req *rq, struct srv_resp *rs)
{
    (void)rq;
    rs->content_type = "text/css; charset=utf-8";
    return medsec_buf_add(&rs->body, console_css, sizeof console_css - 1);
}

/* ---- login ----------------------------------------------------------------------------------- */

static medsec_err h_login_page(struct srv_req *rq, struct srv_resp *rs)
{
    const char *failed = rq->param(rq, "failed"), *next = rq->param(rq, "next");
    struct medsec_buf *b = &rs->body;
    struct srv_req anon = *rq;
    anon.user = NULL;
    page_begin(&anon, rs, "Log in");
    if (failed)
        medsec_buf_adds(b, strcmp(failed, "locked") == 0
                               ? "<p role=\"alert\">Too many failed logins: this account waits"
                                 " 15 minutes.</p>\n"
                               : "<p role=\"alert\">Wrong name or password.</p>\n");
    medsec_buf_adds(b,
                    "<form class=\"box\" method=\"post\" action=\"/login\">\n"
                    "<div><label for=\"name\">Name</label>"
                    "<input id=\"name\" name=\"name\" autocomplete=\"username\" required></div>\n"
                    "<div><label for=\"password\">Password</label>"
                    "<input id=\"password\" name=\"password\" type=\"password\""
                    " autocomplete=\"current-password\" required></div>\n"
                    "<input type=\"hidden\" name=\"next\" value=\"");
    esc(b, next && next[0] == '/' ? next : "/");
    medsec_buf_adds(b, "\">\n<div><button type=\"submit\">Log in</button></div>\n</form>\n");
    return page_end(rs);
}

/* ---- fleet ----------------------------------------------------------------------------------- */

static medsec_err h_overview(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t hf = hospital_filter(rq);
    struct sdb_val p[] = {SDB_I(hf)};
    page_begin(rq, rs, "Fleet");
    medsec_err rc;
    static const struct col per_release[] = {
        {"Model", 0, TEXT, NULL, 0},
        {"Release", 1, TEXT, NULL, 0},
        {"Devices", 2, TEXT, NULL, 0},
    };
    if ((rc = table(rq, rs, "Active devices per model and installed release",
                    "SELECT m.name, COALESCE(r.version, '(unknown)'), COUNT(*) FROM devices d"
                    " JOIN models m ON m.id = d.model_id JOIN sites s ON s.id = d.site_id"
                    " LEFT JOIN releases r ON r.id = d.release_id"
                    " WHERE d.status = 'active' AND ($1 = 0 OR s.hospital_id = $1)"
                    " GROUP BY m.name, r.version ORDER BY m.name, r.version",
                    p, 1, per_release, 3, "No devices are registered yet.", NULL)))
        return MEDSEC_OK;
    static const struct col per_site[] = {
        {"Hospital", 0, TEXT, NULL, 0},
        {"Site", 1, TEXT, NULL, 0},
        {"Devices", 2, TEXT, NULL, 0},
        {"Last check-in", 3, TIME, NULL, 0},
    };
    if ((rc = table(rq, rs, "Devices per site (the 200 largest)",
                    "SELECT h.name, s.name, COUNT(*), MAX(d.last_checkin) FROM devices d"
                    " JOIN sites s ON s.id = d.site_id JOIN hospitals h ON h.id = s.hospital_id"
                    " WHERE d.status = 'active' AND ($1 = 0 OR s.hospital_id = $1)"
                    " GROUP BY h.name, s.name ORDER BY COUNT(*) DESC, h.name, s.name LIMIT 200",
                    p, 1, per_site, 4, "No sites have devices yet.", NULL)))
        return MEDSEC_OK;
    static const struct col last[] = {
        {"Device", 1, LINK, "/devices/", 0}, {"Model", 2, TEXT, NULL, 0},
        {"Site", 3, TEXT, NULL, 0},          {"Received", 4, TIME, NULL, 0},
        {"Release", 5, TEXT, NULL, 0},
    };
    if ((rc = table(rq, rs, "Last check-ins",
                    "SELECT d.id, d.serial, m.name, h.name || ' / ' || s.name, c.received_at,"
                    " r.version FROM checkins c JOIN devices d ON d.id = c.device_id"
                    " JOIN models m ON m.id = d.model_id JOIN sites s ON s.id = d.site_id"
                    " JOIN hospitals h ON h.id = s.hospital_id"
                    " LEFT JOIN releases r ON r.id = c.release_id"
                    " WHERE ($1 = 0 OR s.hospital_id = $1) ORDER BY c.id DESC LIMIT 20",
                    p, 1, last, 5, "No device has checked in yet.", NULL)))
        return MEDSEC_OK;
    return page_end(rs);
}

static medsec_err h_devices(struct srv_req *rq, struct srv_resp *rs)
{
    const char *o = rq->param(rq, "offset");
    long long offset = o ? strtoll(o, NULL, 10) : 0;
    if (offset < 0)
        offset = 0;
    struct sdb_val p[] = {SDB_I(hospital_filter(rq)), SDB_I(offset)};
    page_begin(rq, rs, "Devices");
    static const struct col cols[] = {
        {"Serial", 1, LINK, "/devices/", 0}, {"Model", 2, TEXT, NULL, 0},
        {"Hospital", 3, TEXT, NULL, 0},      {"Site", 4, TEXT, NULL, 0},
        {"Release", 5, TEXT, NULL, 0},       {"Last check-in", 6, TIME, NULL, 0},
        {"Status", 7, TEXT, NULL, 0},
    };
    size_t n = 0;
    if (table(
            rq, rs, "Devices, 100 a page",
            "SELECT d.id, d.serial, m.name, h.name, s.name, r.version, d.last_checkin, d.status"
            " FROM devices d JOIN models m ON m.id = d.model_id JOIN sites s ON s.id = d.site_id"
            " JOIN hospitals h ON h.id = s.hospital_id LEFT JOIN releases r ON r.id = d.release_id"
            " WHERE ($1 = 0 OR s.hospital_id = $1) ORDER BY d.id LIMIT 100 OFFSET $2",
            p, 2, cols, 7, "No devices.", &n))
        return MEDSEC_OK;
    medsec_buf_adds(&rs->body, "<nav aria-label=\"Pages\"><p>");
    if (offset > 0)
        medsec_buf_addf(&rs->body, "<a href=\"/devices?offset=%lld\">Previous page</a> ",
                        offset >= 100 ? offset - 100 : 0);
    if (n == 100)
        medsec_buf_addf(&rs->body, "<a href=\"/devices?offset=%lld\">Next page</a>", offset + 100);
    medsec_buf_adds(&rs->body, "</p></nav>\n");
    return page_end(rs);
}

static medsec_err h_device(struct srv_req *rq, struct srv_resp *rs)
{
    char *end;
    long long id = strtoll(rq->args[0], &end, 10);
    if (*end || id <= 0)
        return page_error(rq, rs, 404, "No such device.");
    struct medsec_error e = {0};
    struct sdb_rows *r;
    struct sdb_val p[] = {SDB_I(id), SDB_I(hospital_filter(rq))};
    medsec_err rc = sdb_query(
        rq->db,
        "SELECT m.name, d.serial, d.uuid, h.name, s.name, r.version, d.security_version,"
        " d.last_checkin, d.status, d.registered_at, d.release_id FROM devices d"
        " JOIN models m ON m.id = d.model_id JOIN sites s ON s.id = d.site_id"
        " JOIN hospitals h ON h.id = s.hospital_id LEFT JOIN releases r ON r.id = d.release_id"
        " WHERE d.id = $1 AND ($2 = 0 OR s.hospital_id = $2)",
        p, 2, &r, &e);
    if (rc)
        return db_error(rq, rs, &e);
    int st = sdb_step(r, &e);
    if (st != 1) {
        sdb_rows_free(r);
        return st < 0 ? db_error(rq, rs, &e) : page_error(rq, rs, 404, "No such device.");
    }
    char title[160], t1[24], t2[24];
    snprintf(title, sizeof title, "Device %s %s", sdb_text(r, 0), sdb_text(r, 1));
    page_begin(rq, rs, title);
    struct medsec_buf *b = &rs->body;
    fmt_time(t1, sdb_int(r, 7));
    fmt_time(t2, sdb_int(r, 9));
    const char *labels[] = {
        "Model", "Serial", "UUID", "Hospital", "Site", "Installed release", "Security version"};
    medsec_buf_adds(b, "<dl>\n");
    for (size_t i = 0; i < 7; i++) {
        medsec_buf_adds(b, "<dt>");
        esc(b, labels[i]);
        medsec_buf_adds(b, "</dt><dd>");
        esc(b, sdb_text(r, i) ? sdb_text(r, i) : "unknown");
        medsec_buf_adds(b, "</dd>\n");
    }
    medsec_buf_adds(b, "<dt>Last check-in</dt><dd>");
    esc(b, t1);
    medsec_buf_adds(b, "</dd>\n<dt>Status</dt><dd>");
    esc(b, sdb_text(r, 8));
    medsec_buf_adds(b, "</dd>\n<dt>Registered</dt><dd>");
    esc(b, t2);
    medsec_buf_adds(b, "</dd>\n</dl>\n");
    int64_t release = sdb_int(r, 10);
    sdb_rows_free(r);
    static const struct col checkins[] = {
        {"Received", 0, TIME, NULL, 0},        {"Counter", 1, TEXT, NULL, 0},
        {"Release", 2, TEXT, NULL, 0},         {"Security version", 3, TEXT, NULL, 0},
        {"Last log record", 4, TEXT, NULL, 0}, {"Install sequence", 5, TEXT, NULL, 0},
        {"Install result", 6, TEXT, NULL, 0},
    };
    if (table(rq, rs, "The last 20 check-ins",
              "SELECT c.received_at, c.counter, r.version, c.security_version, c.log_last,"
              " c.install_seq, c.install_result FROM checkins c"
              " LEFT JOIN releases r ON r.id = c.release_id WHERE c.device_id = $1"
              " ORDER BY c.id DESC LIMIT 20",
              p, 1, checkins, 7, "This device has not checked in yet.", NULL))
        return MEDSEC_OK;
    static const struct col logs[] = {
        {"Received", 0, TIME, NULL, 0},    {"First record", 1, TEXT, NULL, 0},
        {"Last record", 2, TEXT, NULL, 0}, {"Dropped", 3, TEXT, NULL, 0},
        {"Verified", 4, YESNO, NULL, 0},   {"Detail", 5, TEXT, NULL, 0},
    };
    if (table(rq, rs, "Security log uploads",
              "SELECT received_at, first_seq, last_seq, dropped, verified, detail FROM log_uploads"
              " WHERE device_id = $1 ORDER BY id DESC LIMIT 10",
              p, 1, logs, 6, "No security log was uploaded.", NULL))
        return MEDSEC_OK;
    if (release && table_exists(rq->db, "release_findings")) {
        static const struct col findings[] = {
            {"Vulnerability", 0, LINK, "/advisories/", 0},
            {"Severity", 1, TEXT, NULL, 0},
            {"CVSS", 2, TENTHS, NULL, 0},
            {"KEV", 3, YESNO, NULL, 0},
            {"Triage", 4, TEXT, NULL, 0},
        };
        if (table(rq, rs, "Known vulnerabilities of the installed release",
                  "SELECT vuln_id, severity, cvss_tenths, kev, triage_state FROM release_findings"
                  " WHERE release_id = $1 AND gone_at IS NULL ORDER BY kev DESC, vuln_id",
                  &SDB_I(release), 1, findings, 5, "No known vulnerability.", NULL))
            return MEDSEC_OK;
    }
    return page_end(rs);
}

static void hidden_csrf(struct srv_req *rq, struct medsec_buf *b)
{
    medsec_buf_adds(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    esc(b, rq->user->csrf);
    medsec_buf_adds(b, "\">");
}

/* For each fixing release of @vuln: a form that creates a draft roll-out of it. */
static int fix_forms(struct srv_req *rq, struct srv_resp *rs, const char *vuln)
{
    struct medsec_buf *b = &rs->body;
    struct medsec_error e = {0};
    struct sdb_rows *r;
    if (sdb_query(rq->db,
                  "SELECT DISTINCT fr.id, m.name, fr.version FROM release_findings f"
                  " JOIN releases fr ON fr.id = f.fixed_release_id JOIN models m ON m.id ="
                  " fr.model_id WHERE f.vuln_id = $1 AND f.gone_at IS NULL ORDER BY fr.id",
                  &SDB_S(vuln), 1, &r, &e)) {
        db_error(rq, rs, &e);
        return -1;
    }
    while (sdb_step(r, &e) == 1) {
        long long id = (long long)sdb_int(r, 0);
        medsec_buf_addf(b,
                        "<form class=\"box\" method=\"post\" action=\"/rollouts\""
                        " aria-labelledby=\"fix-%lld\"><h2 id=\"fix-%lld\">Roll out ",
                        id, id);
        esc(b, sdb_text(r, 1));
        medsec_buf_adds(b, " ");
        esc(b, sdb_text(r, 2));
        medsec_buf_adds(b, "</h2>");
        hidden_csrf(rq, b);
        medsec_buf_addf(b,
                        "<input type=\"hidden\" name=\"release_id\" value=\"%lld\">"
                        "<input type=\"hidden\" name=\"name\" value=\"fix ",
                        id);
        esc(b, vuln);
        medsec_buf_addf(b,
                        "\"><div><label for=\"fix-pct-%lld\">Share of the fleet (percent)"
                        "</label><input id=\"fix-pct-%lld\" name=\"percent\" type=\"number\""
                        " min=\"0\" max=\"100\" value=\"10\" required></div>"
                        "<div><button type=\"submit\">Create a draft roll-out</button></div>"
                        "</form>\n",
                        id, id);
    }
    sdb_rows_free(r);
    return 0;
}

/* ---- advisories ------------------------------------------------------------------------------ */

static medsec_err no_watch(struct srv_req *rq, struct srv_resp *rs)
{
    medsec_buf_adds(&rs->body, "<p class=\"empty\">The vulnerability watch has not scanned the"
                               " fielded releases yet.</p>\n");
    (void)rq;
    return page_end(rs);
}

static medsec_err h_advisories(struct srv_req *rq, struct srv_resp *rs)
{
    page_begin(rq, rs, "Advisories");
    if (!table_exists(rq->db, "release_findings"))
        return no_watch(rq, rs);
    static const struct col cols[] = {
        {"Vulnerability", 0, LINK, "/advisories/", 0}, {"Highest CVSS", 1, TENTHS, NULL, 0},
        {"Known exploited (KEV)", 2, YESNO, NULL, 0},  {"Affected releases", 3, TEXT, NULL, 0},
        {"Exposed devices", 4, TEXT, NULL, 0},
    };
    if (table(rq, rs, "Vulnerabilities of the releases in the field, known exploited first",
              "SELECT f.vuln_id, MAX(f.cvss_tenths), MAX(f.kev), COUNT(DISTINCT f.release_id),"
              " (SELECT COUNT(*) FROM devices d JOIN sites s ON s.id = d.site_id"
              "  WHERE d.status = 'active' AND ($1 = 0 OR s.hospital_id = $1) AND d.release_id IN"
              "  (SELECT f2.release_id FROM release_findings f2 WHERE f2.vuln_id = f.vuln_id"
              "   AND f2.gone_at IS NULL))"
              " FROM release_findings f WHERE f.gone_at IS NULL GROUP BY f.vuln_id"
              " ORDER BY MAX(f.kev) DESC, MAX(f.cvss_tenths) DESC, f.vuln_id LIMIT 500",
              &SDB_I(hospital_filter(rq)), 1, cols, 5, "No known vulnerability.", NULL))
        return MEDSEC_OK;
    return page_end(rs);
}

static medsec_err h_advisory(struct srv_req *rq, struct srv_resp *rs)
{
    const char *vuln = rq->args[0];
    if (!table_exists(rq->db, "release_findings"))
        return page_error(rq, rs, 404, "No such advisory.");
    struct medsec_error e = {0};
    int64_t n = 0;
    if (sdb_query_int(
            rq->db, "SELECT COUNT(*) FROM release_findings WHERE vuln_id = $1 AND gone_at IS NULL",
            &SDB_S(vuln), 1, &n, &e))
        return db_error(rq, rs, &e);
    if (n == 0)
        return page_error(rq, rs, 404, "No release in the field has this vulnerability.");
    char title[200];
    snprintf(title, sizeof title, "Advisory %s", vuln);
    page_begin(rq, rs, title);
    struct sdb_val p[] = {SDB_S(vuln), SDB_I(hospital_filter(rq))};
    static const struct col rel[] = {
        {"Model", 0, TEXT, NULL, 0},          {"Release", 1, TEXT, NULL, 0},
        {"Severity", 2, TEXT, NULL, 0},       {"CVSS", 3, TENTHS, NULL, 0},
        {"KEV", 4, YESNO, NULL, 0},           {"Triage", 5, TEXT, NULL, 0},
        {"Fixing release", 6, TEXT, NULL, 0}, {"Exposed devices", 7, TEXT, NULL, 0},
    };
    if (table(
            rq, rs, "Affected releases",
            "SELECT m.name, r.version, f.severity, f.cvss_tenths, f.kev, f.triage_state, fr.version,"
            " (SELECT COUNT(*) FROM devices d JOIN sites s ON s.id = d.site_id"
            "  WHERE d.release_id = f.release_id AND d.status = 'active'"
            "  AND ($2 = 0 OR s.hospital_id = $2))"
            " FROM release_findings f JOIN releases r ON r.id = f.release_id"
            " JOIN models m ON m.id = r.model_id"
            " LEFT JOIN releases fr ON fr.id = f.fixed_release_id"
            " WHERE f.vuln_id = $1 AND f.gone_at IS NULL ORDER BY m.name, r.version",
            p, 2, rel, 8, "No affected release.", NULL))
        return MEDSEC_OK;
    static const struct col sites[] = {
        {"Hospital", 0, TEXT, NULL, 0},
        {"Site", 1, TEXT, NULL, 0},
        {"Exposed devices", 2, TEXT, NULL, 0},
    };
    if (table(rq, rs, "Exposed devices per site",
              "SELECT h.name, s.name, COUNT(*) FROM devices d JOIN sites s ON s.id = d.site_id"
              " JOIN hospitals h ON h.id = s.hospital_id WHERE d.status = 'active'"
              " AND ($2 = 0 OR s.hospital_id = $2) AND d.release_id IN"
              " (SELECT release_id FROM release_findings WHERE vuln_id = $1 AND gone_at IS NULL)"
              " GROUP BY h.name, s.name ORDER BY COUNT(*) DESC, h.name, s.name LIMIT 500",
              p, 2, sites, 3, "No device in the field runs an affected release.", NULL))
        return MEDSEC_OK;
    if (rq->user->role & SRV_ROLES_STAFF) {
        static const struct col ro[] = {
            {"Roll-out", 1, LINK, "/rollouts#rollout-", 0},
            {"Release", 2, TEXT, NULL, 0},
            {"State", 3, TEXT, NULL, 0},
            {"Percent", 4, TEXT, NULL, 0},
            {"Succeeded", 5, TEXT, NULL, 0},
            {"Failed", 6, TEXT, NULL, 0},
        };
        if (table(rq, rs, "Roll-outs of the fixing releases",
                  "SELECT ro.id, ro.name, m.name || ' ' || r.version, ro.state, ro.percent,"
                  " (SELECT COUNT(*) FROM rollout_devices rd WHERE rd.rollout_id = ro.id"
                  "  AND rd.state = 'succeeded'),"
                  " (SELECT COUNT(*) FROM rollout_devices rd WHERE rd.rollout_id = ro.id"
                  "  AND rd.state = 'failed')"
                  " FROM rollouts ro JOIN releases r ON r.id = ro.release_id"
                  " JOIN models m ON m.id = r.model_id WHERE ro.release_id IN"
                  " (SELECT fixed_release_id FROM release_findings WHERE vuln_id = $1)"
                  " ORDER BY ro.id",
                  p, 1, ro, 6, "No roll-out of a fixing release yet.", NULL))
            return MEDSEC_OK;
    }
    if (can_change(rq) && fix_forms(rq, rs, vuln))
        return MEDSEC_OK;
    return page_end(rs);
}

/* ---- roll-outs ------------------------------------------------------------------------------- */

static medsec_err h_rollouts(struct srv_req *rq, struct srv_resp *rs)
{
    struct medsec_buf *b = &rs->body;
    struct medsec_error e = {0};
    struct sdb_rows *r;
    page_begin(rq, rs, "Roll-outs");
    medsec_err rc = sdb_query(
        rq->db,
        "SELECT ro.id, ro.name, m.name, r.version, ro.state, ro.percent, h.name,"
        " ro.max_failure_permille, ro.created_at, ro.started_at, ro.halted_reason,"
        " (SELECT COUNT(*) FROM rollout_devices rd WHERE rd.rollout_id = ro.id),"
        " (SELECT COUNT(*) FROM rollout_devices rd WHERE rd.rollout_id = ro.id"
        "  AND rd.state = 'succeeded'),"
        " (SELECT COUNT(*) FROM rollout_devices rd WHERE rd.rollout_id = ro.id"
        "  AND rd.state = 'failed')"
        " FROM rollouts ro JOIN releases r ON r.id = ro.release_id"
        " JOIN models m ON m.id = r.model_id LEFT JOIN hospitals h ON h.id = ro.hospital_id"
        " ORDER BY ro.id DESC LIMIT 200",
        NULL, 0, &r, &e);
    if (rc)
        return db_error(rq, rs, &e);
    int st;
    size_t n = 0;
    while ((st = sdb_step(r, &e)) == 1) {
        if (n++ == 0)
            medsec_buf_adds(b, "<div class=\"scroll\"><table>\n<caption>Roll-outs, newest first"
                               "</caption>\n<thead><tr><th scope=\"col\">Roll-out</th>"
                               "<th scope=\"col\">Release</th><th scope=\"col\">State</th>"
                               "<th scope=\"col\">Percent</th><th scope=\"col\">Cohort</th>"
                               "<th scope=\"col\">Offered</th><th scope=\"col\">Succeeded</th>"
                               "<th scope=\"col\">Failed</th><th scope=\"col\">Started</th>"
                               "<th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n");
        long long id = (long long)sdb_int(r, 0);
        const char *state = sdb_text(r, 4);
        char t[24];
        fmt_time(t, sdb_int(r, 9));
        medsec_buf_addf(b, "<tr id=\"rollout-%lld\"><th scope=\"row\">", id);
        esc(b, sdb_text(r, 1));
        medsec_buf_adds(b, "</th><td>");
        esc(b, sdb_text(r, 2));
        medsec_buf_adds(b, " ");
        esc(b, sdb_text(r, 3));
        medsec_buf_adds(b, "</td><td class=\"state\">");
        esc(b, state);
        if (sdb_text(r, 10)) {
            medsec_buf_adds(b, ": ");
            esc(b, sdb_text(r, 10));
        }
        medsec_buf_addf(b, "</td><td>%lld %%</td><td>", (long long)sdb_int(r, 5));
        esc(b, sdb_text(r, 6) ? sdb_text(r, 6) : "all hospitals");
        medsec_buf_addf(b, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
                        (long long)sdb_int(r, 11), (long long)sdb_int(r, 12),
                        (long long)sdb_int(r, 13));
        esc(b, t);
        medsec_buf_adds(b, "</td><td>");
        if (can_change(rq)) {
            static const struct {
                const char *action, *label, *from;
            } acts[] = {{"start", "Start", "draft"},
                        {"resume", "Resume", "paused"},
                        {"pause", "Pause", "running"},
                        {"halt", "Halt", "draft running paused"}};
            for (size_t i = 0; i < 4; i++) {
                if (!state || !strstr(acts[i].from, state))
                    continue;
                medsec_buf_addf(
                    b, "<form class=\"inline\" method=\"post\" action=\"/rollouts/%lld/%s\">", id,
                    acts[i].action);
                hidden_csrf(rq, b);
                if (strcmp(acts[i].action, "halt") == 0)
                    medsec_buf_addf(b,
                                    "<label for=\"reason-%lld\">Reason to halt</label>"
                                    "<input id=\"reason-%lld\" name=\"reason\" maxlength=\"200\">",
                                    id, id);
                medsec_buf_addf(
                    b, "<button type=\"submit\" name=\"do\" value=\"%s\">%s</button></form> ",
                    acts[i].action, acts[i].label);
            }
        }
        medsec_buf_adds(b, "</td></tr>\n");
    }
    sdb_rows_free(r);
    if (st < 0)
        return db_error(rq, rs, &e);
    medsec_buf_adds(b, n ? "</tbody>\n</table></div>\n" : "<p class=\"empty\">No roll-outs.</p>\n");
    if (!can_change(rq))
        return page_end(rs);
    medsec_buf_adds(
        b, "<h2 id=\"new\">New roll-out</h2>\n"
           "<form class=\"box\" method=\"post\" action=\"/rollouts\" aria-labelledby=\"new\">\n");
    hidden_csrf(rq, b);
    medsec_buf_adds(b, "\n<div><label for=\"ro-name\">Name</label>"
                       "<input id=\"ro-name\" name=\"name\" required maxlength=\"100\"></div>\n"
                       "<div><label for=\"ro-release\">Release</label>"
                       "<select id=\"ro-release\" name=\"release_id\" required>\n");
    if ((rc = sdb_query(rq->db,
                        "SELECT r.id, m.name, r.version FROM releases r"
                        " JOIN models m ON m.id = r.model_id ORDER BY m.name, r.released_at DESC,"
                        " r.version",
                        NULL, 0, &r, &e)))
        return db_error(rq, rs, &e);
    while ((st = sdb_step(r, &e)) == 1) {
        medsec_buf_addf(b, "<option value=\"%lld\">", (long long)sdb_int(r, 0));
        esc(b, sdb_text(r, 1));
        medsec_buf_adds(b, " ");
        esc(b, sdb_text(r, 2));
        medsec_buf_adds(b, "</option>\n");
    }
    sdb_rows_free(r);
    medsec_buf_adds(b, "</select></div>\n<div><label for=\"ro-hospital\">Cohort: hospital</label>"
                       "<select id=\"ro-hospital\" name=\"hospital_id\">"
                       "<option value=\"\">All hospitals</option>\n");
    if ((rc = sdb_query(rq->db, "SELECT id, name FROM hospitals ORDER BY name LIMIT 1000", NULL, 0,
                        &r, &e)))
        return db_error(rq, rs, &e);
    while ((st = sdb_step(r, &e)) == 1) {
        medsec_buf_addf(b, "<option value=\"%lld\">", (long long)sdb_int(r, 0));
        esc(b, sdb_text(r, 1));
        medsec_buf_adds(b, "</option>\n");
    }
    sdb_rows_free(r);
    medsec_buf_adds(b,
                    "</select></div>\n"
                    "<div><label for=\"ro-percent\">Share of the cohort (percent)</label>"
                    "<input id=\"ro-percent\" name=\"percent\" type=\"number\" min=\"0\""
                    " max=\"100\" value=\"10\" required></div>\n"
                    "<div><label for=\"ro-fail\">Halt when failures exceed (per mille of"
                    " reports)</label><input id=\"ro-fail\" name=\"max_failure_permille\""
                    " type=\"number\" min=\"0\" max=\"1000\" value=\"50\" required></div>\n"
                    "<div><button type=\"submit\">Create the roll-out</button></div>\n</form>\n");
    return page_end(rs);
}

static int form_int(const struct srv_req *rq, const char *name, long long lo, long long hi,
                    long long *out)
{
    const char *s = rq->param(rq, name);
    char *end;
    if (!s || !*s)
        return 1;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static medsec_err h_rollout_create(struct srv_req *rq, struct srv_resp *rs)
{
    const char *name = rq->param(rq, "name");
    long long release = 0, hospital = 0, percent = 0, maxfail = 50;
    if (!name || !*name || strlen(name) > 100)
        return page_error(rq, rs, 400, "name: 1 to 100 characters");
    if (form_int(rq, "release_id", 1, INT64_MAX, &release))
        return page_error(rq, rs, 400, "release_id: a release's id");
    int hr = form_int(rq, "hospital_id", 1, INT64_MAX, &hospital);
    if (hr < 0)
        return page_error(rq, rs, 400, "hospital_id: a hospital's id or empty");
    if (form_int(rq, "percent", 0, 100, &percent))
        return page_error(rq, rs, 400, "percent: a number from 0 to 100");
    if (form_int(rq, "max_failure_permille", 0, 1000, &maxfail) < 0)
        return page_error(rq, rs, 400, "max_failure_permille: a number from 0 to 1000");
    struct medsec_error e = {0};
    int64_t found, id;
    medsec_err rc;
    if ((rc = sdb_query_int(rq->db, "SELECT id FROM releases WHERE id = $1", &SDB_I(release), 1,
                            &found, &e)))
        return rc == MEDSEC_ENOTFOUND ? page_error(rq, rs, 400, "release_id: no such release")
                                      : db_error(rq, rs, &e);
    if (hospital && (rc = sdb_query_int(rq->db, "SELECT id FROM hospitals WHERE id = $1",
                                        &SDB_I(hospital), 1, &found, &e)))
        return rc == MEDSEC_ENOTFOUND ? page_error(rq, rs, 400, "hospital_id: no such hospital")
                                      : db_error(rq, rs, &e);
    struct srv_rollout_new ro = {.release_id = release,
                                 .name = name,
                                 .percent = (int)percent,
                                 .hospital_id = hospital,
                                 .max_failure_permille = (int)maxfail};
    char object[64], detail[128];
    if ((rc = sdb_begin(rq->db, &e)) || (rc = srv_fleet_rollout_add(rq->db, &ro, rq->now, &id, &e)))
        goto out_rollback;
    snprintf(object, sizeof object, "rollout/%lld", (long long)id);
    snprintf(detail, sizeof detail, "{\"release_id\":%lld,\"percent\":%lld,\"hospital_id\":%lld}",
             release, percent, hospital);
    if ((rc = srv_audit(rq, "rollout.create", object, detail, &e)) || (rc = sdb_commit(rq->db, &e)))
        goto out_rollback;
    rs->status = 303;
    snprintf(rs->location, sizeof rs->location, "/rollouts#rollout-%lld", (long long)id);
    return MEDSEC_OK;
out_rollback:
    sdb_rollback(rq->db);
    return db_error(rq, rs, &e);
}

static medsec_err rollout_move(struct srv_req *rq, struct srv_resp *rs, const char *action)
{
    char *end;
    long long id = strtoll(rq->args[0], &end, 10);
    if (*end || id <= 0)
        return page_error(rq, rs, 404, "No such roll-out.");
    const char *reason = rq->param(rq, "reason");
    if (reason && strlen(reason) > 200)
        return page_error(rq, rs, 400, "reason: at most 200 characters");
    if (strcmp(action, "halt") == 0 && (!reason || !*reason))
        reason = "halted by hand";
    if (strcmp(action, "halt") != 0)
        reason = NULL;
    struct medsec_error e = {0};
    medsec_err rc;
    if ((rc = sdb_begin(rq->db, &e)) ||
        (rc = srv_fleet_rollout_action(rq->db, id, action, reason, rq->now, &e))) {
        sdb_rollback(rq->db);
        if (rc == MEDSEC_ENOTFOUND)
            return page_error(rq, rs, 404, "No such roll-out.");
        if (rc == MEDSEC_EINVAL)
            return page_error(rq, rs, 409, "The roll-out is not in a state that allows this.");
        return db_error(rq, rs, &e);
    }
    char object[64], act[32];
    snprintf(object, sizeof object, "rollout/%lld", id);
    struct medsec_buf d = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &d, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "reason", reason);
    medsec_jsonw_kv_string(&w, "via", "console");
    medsec_jsonw_object_end(&w);
    rc = medsec_jsonw_finish(&w);
    snprintf(act, sizeof act, "rollout.%s", action);
    if (!rc)
        rc = srv_audit(rq, act, object, d.data, &e);
    medsec_buf_release(&d);
    if (rc || (rc = sdb_commit(rq->db, &e))) {
        sdb_rollback(rq->db);
        return db_error(rq, rs, &e);
    }
    rs->status = 303;
    snprintf(rs->location, sizeof rs->location, "/rollouts#rollout-%lld", id);
    return MEDSEC_OK;
}

static medsec_err h_rollout_start(struct srv_req *rq, struct srv_resp *rs)
{
    return rollout_move(rq, rs, "start");
}

static medsec_err h_rollout_pause(struct srv_req *rq, struct srv_resp *rs)
{
    return rollout_move(rq, rs, "pause");
}

static medsec_err h_rollout_resume(struct srv_req *rq, struct srv_resp *rs)
{
    return rollout_move(rq, rs, "resume");
}

static medsec_err h_rollout_halt(struct srv_req *rq, struct srv_resp *rs)
{
    return rollout_move(rq, rs, "halt");
}

/* ---- post-market ----------------------------------------------------------------------------- */

static medsec_err h_pms(struct srv_req *rq, struct srv_resp *rs)
{
    struct medsec_buf *b = &rs->body;
    page_begin(rq, rs, "Post-market surveillance");
    char to[11], from[11];
    time_t now = (time_t)rq->now, then = now - 365 * 86400;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(to, sizeof to, "%Y-%m-%d", &tm);
    gmtime_r(&then, &tm);
    strftime(from, sizeof from, "%Y-%m-%d", &tm);
    medsec_buf_adds(b, "<p>The cybersecurity section of the post-market surveillance report and"
                       " the periodic safety update report (MDR Art. 84\xe2\x80\x93"
                       "86, MDCG 2019-16 \xc2\xa7"
                       "5): time to triage, time to a fix, time to patch the fleet, devices on"
                       " unsupported releases, for a period.</p>\n");
    medsec_buf_addf(b,
                    "<p><a id=\"pms-download\" href=\"/api/v1/pms/section?from=%s&amp;to=%s"
                    "&amp;format=md\">Download the section for the last 12 months"
                    " (Markdown)</a></p>\n",
                    from, to);
    medsec_buf_adds(b, "<h2 id=\"period\">Another period</h2>\n<form class=\"box\" method=\"get\""
                       " action=\"/api/v1/pms/section\" aria-labelledby=\"period\">\n"
                       "<div><label for=\"pms-from\">From</label>"
                       "<input id=\"pms-from\" name=\"from\" type=\"date\" required value=\"");
    medsec_buf_adds(b, from);
    medsec_buf_adds(b, "\"></div>\n<div><label for=\"pms-to\">To</label>"
                       "<input id=\"pms-to\" name=\"to\" type=\"date\" required value=\"");
    medsec_buf_adds(b, to);
    medsec_buf_adds(b, "\"></div>\n<div><label for=\"pms-format\">Format</label>"
                       "<select id=\"pms-format\" name=\"format\"><option value=\"md\">Markdown"
                       "</option><option value=\"html\">HTML</option></select></div>\n"
                       "<div><button type=\"submit\">Download</button></div>\n</form>\n");
    return page_end(rs);
}

const struct srv_route srv_routes_console[] = {
    {"GET", "/static/console.css", SRV_ROLE_PUBLIC, h_css},
    {"GET", "/login", SRV_ROLE_PUBLIC, h_login_page},
    {"GET", "/", SRV_ROLES_ALL, h_overview},
    {"GET", "/devices", SRV_ROLES_ALL, h_devices},
    {"GET", "/devices/{}", SRV_ROLES_ALL, h_device},
    {"GET", "/advisories", SRV_ROLES_ALL, h_advisories},
    {"GET", "/advisories/{}", SRV_ROLES_ALL, h_advisory},
    {"GET", "/rollouts", SRV_ROLES_STAFF, h_rollouts},
    {"POST", "/rollouts", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_rollout_create},
    {"POST", "/rollouts/{}/start", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_rollout_start},
    {"POST", "/rollouts/{}/pause", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_rollout_pause},
    {"POST", "/rollouts/{}/resume", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_rollout_resume},
    {"POST", "/rollouts/{}/halt", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_rollout_halt},
    {"GET", "/pms", SRV_ROLES_STAFF, h_pms},
    {NULL, NULL, 0, NULL},
};
