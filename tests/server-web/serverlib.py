"""serverlib.py: what the tests of medsec serve share: a temporary server database with a small
fleet (two hospitals, a site each, one model, two releases, a device per site, one finding), one
user per role, and a real `medsec serve` on a free loopback port that stops with the test."""
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

PASSWORD = "correct horse battery staple"
ROLES = ("admin", "analyst", "regulatory", "hospital")

# the common schema's fleet tables, created only when the fleet module is not in this build
FLEET_FALLBACK = """
CREATE TABLE IF NOT EXISTS hospitals (id INTEGER PRIMARY KEY, name TEXT UNIQUE, country TEXT);
CREATE TABLE IF NOT EXISTS sites (id INTEGER PRIMARY KEY, hospital_id INTEGER, name TEXT);
CREATE TABLE IF NOT EXISTS models (id INTEGER PRIMARY KEY, name TEXT UNIQUE, device_dir TEXT);
CREATE TABLE IF NOT EXISTS releases (id INTEGER PRIMARY KEY, model_id INTEGER, version TEXT,
  security_version INTEGER, released_at INTEGER, support_end INTEGER, sbom_path TEXT, bundle_digest TEXT);
CREATE TABLE IF NOT EXISTS devices (id INTEGER PRIMARY KEY, model_id INTEGER, serial TEXT, uuid TEXT,
  pubkey TEXT, site_id INTEGER, release_id INTEGER, security_version INTEGER, last_checkin INTEGER,
  last_counter INTEGER, status TEXT, registered_at INTEGER);
CREATE TABLE IF NOT EXISTS checkins (id INTEGER PRIMARY KEY, device_id INTEGER, received_at INTEGER,
  counter INTEGER, release_id INTEGER, security_version INTEGER, log_last INTEGER, install_seq INTEGER,
  install_result INTEGER);
CREATE TABLE IF NOT EXISTS log_uploads (id INTEGER PRIMARY KEY, device_id INTEGER, received_at INTEGER,
  first_seq INTEGER, last_seq INTEGER, dropped INTEGER, verified INTEGER, detail TEXT);
CREATE TABLE IF NOT EXISTS rollouts (id INTEGER PRIMARY KEY, release_id INTEGER, name TEXT, state TEXT,
  percent INTEGER, hospital_id INTEGER, site_id INTEGER, max_failure_permille INTEGER, created_at INTEGER,
  started_at INTEGER, halted_reason TEXT);
CREATE TABLE IF NOT EXISTS rollout_devices (rollout_id INTEGER, device_id INTEGER, state TEXT,
  updated_at INTEGER, result_code INTEGER, PRIMARY KEY (rollout_id, device_id));
"""
FINDINGS_FALLBACK = """
CREATE TABLE IF NOT EXISTS release_findings (release_id INTEGER, vuln_id TEXT, aliases TEXT,
  severity TEXT, cvss_tenths INTEGER, kev INTEGER, epss_ppm INTEGER, fixed_version TEXT,
  first_seen INTEGER, last_seen INTEGER, gone_at INTEGER, triage_state TEXT, triage_at INTEGER,
  fixed_release_id INTEGER);
"""

VULN = "CVE-2024-99999"


class DB:
    """The server database as the tests see it: an SQLite file (python's sqlite3) or a PostgreSQL
    URL (through psql; values are written as literals: the tests' own values only)."""

    def __init__(self, url):
        self.url = url
        self.pg = url.startswith(("postgresql://", "postgres://"))
        self.psql = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"

    @staticmethod
    def literal(v):
        if v is None:
            return "NULL"
        if isinstance(v, (int, float)):
            return repr(v)
        return "'" + str(v).replace("'", "''") + "'"

    def query(self, sql, params=()):
        """Rows of @sql (parameters written ?) as tuples of text (PostgreSQL) or values (SQLite).
        Raises DBError when the database refuses the statement."""
        if not self.pg:
            try:
                with sqlite3.connect(self.url) as c:
                    return c.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as e:
                raise DBError(str(e)) from e
        parts = sql.split("?")
        text = parts[0] + "".join(self.literal(p) + rest for p, rest in zip(params, parts[1:]))
        r = subprocess.run([self.psql, self.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t", "-c", text],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise DBError(r.stderr.strip())
        return [tuple(line.split("\t")) for line in r.stdout.splitlines()]

    def script(self, sql):
        if self.pg:
            self.query(sql)
        else:
            with sqlite3.connect(self.url) as c:
                c.executescript(sql)

    def tables(self):
        if self.pg:
            return {r[0] for r in self.query("SELECT table_name FROM information_schema.tables"
                                              " WHERE table_schema = 'public'")}
        return {r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def columns(self, table):
        if self.pg:
            return [r[0] for r in self.query("SELECT column_name FROM information_schema.columns"
                                             " WHERE table_name = ?", (table,))]
        return [r[1] for r in self.query(f"PRAGMA table_info({table})")]

    def insert(self, table, **kv):
        """Insert the values the table has columns for (modules may add columns with defaults)."""
        have = self.columns(table)
        kv = {k: v for k, v in kv.items() if k in have}
        sql = f"INSERT INTO {table} ({', '.join(kv)}) VALUES ({', '.join('?' * len(kv))})"
        if self.pg:
            return int(self.query(sql + " RETURNING id", tuple(kv.values()))[0][0])
        with sqlite3.connect(self.url) as c:
            return c.execute(sql, list(kv.values())).lastrowid


class DBError(Exception):
    pass


class Fleet:
    pass


def make_fleet(db):
    """Two hospitals, a site each, a model with releases 1.0 (vulnerable) and 1.1 (fixed), one device
    per site on 1.0. Returns the ids."""
    t = db.tables()
    f = Fleet()
    now = int(time.time())
    if "devices" not in t:
        db.script(FLEET_FALLBACK)
    if "release_findings" not in t:
        db.script(FINDINGS_FALLBACK)
    f.hosp_a = db.insert("hospitals", name="St. Anna", country="DE")
    f.hosp_b = db.insert("hospitals", name="Hôpital <Nord> & Co", country="FR")
    f.site_a = db.insert("sites", hospital_id=f.hosp_a, name="ICU")
    f.site_b = db.insert("sites", hospital_id=f.hosp_b, name="Oncology")
    f.model = db.insert("models", name="infusion-pump", device_dir="examples/infusion-pump")
    f.rel_old = db.insert("releases", model_id=f.model, version="1.0.0", security_version=1,
                          released_at=now - 86400 * 300)
    f.rel_new = db.insert("releases", model_id=f.model, version="1.1.0", security_version=2,
                          released_at=now - 86400 * 10)
    devs = []
    for i, site in enumerate((f.site_a, f.site_b)):
        devs.append(db.insert("devices", model_id=f.model, serial=f"SN-{i + 1:04d}",
                              uuid=f"{i + 1:032x}", pubkey="ab" * 32, site_id=site,
                              release_id=f.rel_old, security_version=1, last_checkin=now - 60,
                              last_counter=5, status="active", registered_at=now - 86400))
        db.insert("checkins", device_id=devs[-1], received_at=now - 60, counter=5,
                  release_id=f.rel_old, security_version=1, log_last=3, install_seq=0,
                  install_result=0)
    f.dev_a, f.dev_b = devs
    db.insert("release_findings", release_id=f.rel_old, vuln_id=VULN, aliases="[]",
              severity="critical", cvss_tenths=98, kev=1, epss_ppm=500000, fixed_version="1.1.0",
              first_seen=now - 86400, last_seen=now, triage_state="exploitable",
              fixed_release_id=f.rel_new)
    return f


class Server:
    """`medsec serve` on 127.0.0.1, a free port, its own temporary folder."""

    def __init__(self, medsec, extra=(), tmp=None, db=None):
        self.medsec = medsec
        self.tmp = tmp or tempfile.mkdtemp(prefix="medsec-serve-")
        self.db = db or os.path.join(self.tmp, "server.sqlite")
        self.sql = DB(self.db)
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.scheme = "http"

    def run(self, *args, stdin=None, check=True):
        r = subprocess.run([self.medsec, "serve", *args], input=stdin, capture_output=True,
                           text=True, timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError(f"medsec serve {' '.join(args)}: exit {r.returncode}: {r.stderr}")
        return r

    def setup(self):
        self.run("migrate", "--db", self.db)
        self.fleet = make_fleet(self.sql)
        for role in ROLES:
            extra = ["--hospital", str(self.fleet.hosp_a)] if role == "hospital" else []
            self.run("user", "add", role + "1", "--role", role, "--db", self.db, *extra,
                     stdin=PASSWORD + "\n")

    def start(self, *args):
        self.proc = subprocess.Popen(
            [self.medsec, "serve", "--db", self.db, "--vulndb", os.path.join(self.tmp, "vulndb.sqlite"),
             "--listen", "127.0.0.1:0", *self.extra, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        m = None
        for _ in range(100):  # registration and demo lines come first
            line = self.proc.stdout.readline()
            m = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)/", line)
            if m or not line:
                break
        if not m:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            self.stop()
            raise RuntimeError(f"the server did not start: {line!r} {err}")
        self.scheme, self.port = m.group(1), int(m.group(2))
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def url(self, path="/"):
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"


class Client:
    """One caller: anonymous, a session (cookie + CSRF token) or an API token."""

    def __init__(self, server, name="anonymous", context=None):
        self.s = server
        self.name = name
        self.cookie = None
        self.csrf = None
        self.bearer = None
        self.context = context

    def request(self, method, path, body=None, ctype=None, headers=None, csrf=True):
        if self.s.scheme == "https":
            conn = http.client.HTTPSConnection("127.0.0.1", self.s.port, timeout=30, context=self.context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.s.port, timeout=30)
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = "medsec_session=" + self.cookie
        if self.bearer:
            h["Authorization"] = "Bearer " + self.bearer
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                h.setdefault("Content-Type", "application/json")
            elif isinstance(body, (bytes, str)):
                data = body if isinstance(body, bytes) else body.encode()
            else:
                data = body  # an iterable of chunks
            h.setdefault("Content-Type", ctype or "application/x-www-form-urlencoded")
        conn.request(method, path, body=data, headers=h,
                     encode_chunked=h.get("Transfer-Encoding") == "chunked")
        r = conn.getresponse()
        r.data = r.read()
        conn.close()
        return r

    def login(self, name, password=PASSWORD):
        r = self.request("POST", "/login", {"name": name, "password": password})
        if r.status != 200:
            raise RuntimeError(f"login {name}: {r.status} {r.data!r}")
        cookie = r.getheader("Set-Cookie")
        self.set_cookie = cookie
        self.cookie = re.match(r"medsec_session=([0-9a-f]{64});", cookie).group(1)
        self.csrf = json.loads(r.data)["csrf"]
        return self
