#!/usr/bin/python3
"""pg_test.py: the web part of `medsec serve` on PostgreSQL (run under tests/server-store/pgcluster.sh,
which sets MEDSEC_PG_URL to a throw-away cluster): the migrations twice, users and tokens from the
command line, the real server on that database: login, CSRF, tokens, a hospital account and its
404 for another hospital's device, every console page, a roll-out created, started and halted
through the console, the audit trail (and its triggers refusing UPDATE, DELETE and TRUNCATE).

usage: pgcluster.sh pg_test.py MEDSEC_BINARY SOURCE_ROOT      (exit 77 without MEDSEC_PG_URL)
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverlib  # noqa: E402
from serverlib import Client, Server  # noqa: E402

url = os.environ.get("MEDSEC_PG_URL")
if not url:
    print("pg test: MEDSEC_PG_URL is not set (run under tests/server-store/pgcluster.sh)")
    sys.exit(77)
medsec, root = sys.argv[1:3]
signal.alarm(400)
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


psql = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"


def sql(statement):
    return subprocess.run([psql, url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", statement],
                          capture_output=True, text=True, timeout=60)


srv = Server(medsec)
srv.db = url
for _ in range(2):
    srv.run("migrate", "--db", url)
srv.run("user", "add", "admin1", "--role", "admin", "--db", url, stdin=serverlib.PASSWORD + "\n")
srv.run("user", "add", "reader1", "--role", "regulatory", "--db", url, stdin=serverlib.PASSWORD + "\n")
r = srv.run("user", "add", "admin1", "--role", "admin", "--db", url, stdin=serverlib.PASSWORD + "\n", check=False)
if r.returncode != 2:
    fail(f"a second user admin1: exit {r.returncode}, expected 2")
token = srv.run("token", "add", "ci", "--role", "analyst", "--db", url).stdout.strip()
srv.start("--device", os.path.join(root, "examples", "infusion-pump"))
try:
    admin = Client(srv, "admin").login("admin1")
    bot = Client(srv, "token")
    bot.bearer = token
    r = bot.request("GET", "/api/v1/me")
    if r.status != 200 or json.loads(r.data)["role"] != "analyst":
        fail(f"token: {r.status} {r.data!r}")
    ids = {}
    for name in ("North", "South"):
        r = admin.request("POST", "/api/v1/hospitals", {"name": name, "country": "DE"})
        if r.status != 201:
            fail(f"POST /api/v1/hospitals: {r.status} {r.data!r}")
            continue
        ids[name] = json.loads(r.data)["id"]
        r = admin.request("POST", "/api/v1/sites", {"hospital_id": ids[name], "name": "ICU"})
        ids[name + "/site"] = json.loads(r.data).get("id") if r.status == 201 else None
    r = admin.request("POST", "/api/v1/users", {"name": "north1", "role": "hospital",
                                                "hospital_id": ids.get("North"), "password": serverlib.PASSWORD})
    if r.status != 201:
        fail(f"a hospital user: {r.status} {r.data!r}")
    r = admin.request("GET", "/api/v1/releases")
    releases = json.loads(r.data)["items"] if r.status == 200 else []
    if not releases:
        fail(f"--device registered no releases: {r.status} {r.data[:200]!r}")
    else:
        devs = []
        for i, name in enumerate(("North", "South")):
            r = admin.request("POST", "/api/v1/devices", {
                "model_id": releases[0]["model_id"], "serial": f"PG-{i}", "uuid": f"{i + 1:032x}",
                "pubkey": "cd" * 32, "site_id": ids.get(name + "/site"), "release_id": releases[0]["id"]})
            if r.status != 201:
                fail(f"POST /api/v1/devices: {r.status} {r.data!r}")
            else:
                devs.append(json.loads(r.data)["id"])
        north = Client(srv, "hospital").login("north1")
        if len(devs) == 2:
            if north.request("GET", f"/devices/{devs[1]}").status != 404:
                fail("PostgreSQL: a hospital account sees another hospital's device page")
            if north.request("GET", f"/api/v1/devices/{devs[1]}").status != 404:
                fail("PostgreSQL: a hospital account reads another hospital's device")
            if north.request("GET", f"/devices/{devs[0]}").status != 200:
                fail("PostgreSQL: a hospital account cannot see its own device")
        r = admin.request("POST", "/rollouts", f"csrf={admin.csrf}&name=pg&release_id={releases[-1]['id']}"
                          f"&hospital_id={ids.get('North', '')}&percent=50&max_failure_permille=100", csrf=False)
        m = re.search(r"rollout-(\d+)", r.getheader("Location") or "")
        if r.status != 303 or not m:
            fail(f"console roll-out create on PostgreSQL: {r.status} {r.data[:300]!r}")
        else:
            for act in ("start", "pause", "resume", "halt"):
                r = admin.request("POST", f"/rollouts/{m.group(1)}/{act}", f"csrf={admin.csrf}&reason=pg+test",
                                  csrf=False)
                if r.status != 303:
                    fail(f"console roll-out {act} on PostgreSQL: {r.status} {r.data[:300]!r}")
            r = admin.request("GET", f"/api/v1/rollouts/{m.group(1)}")
            if r.status != 200 or json.loads(r.data)["state"] != "halted":
                fail(f"the roll-out after halt: {r.status} {r.data[:300]!r}")
    for page in ("/", "/devices", "/advisories", "/rollouts", "/pms", "/login"):
        r = admin.request("GET", page)
        if r.status != 200:
            fail(f"GET {page} on PostgreSQL: {r.status} {r.data[:300]!r}")
    r = Client(srv, "reader").login("reader1").request("GET", "/api/v1/audit?limit=1000")
    actions = {e["action"] for e in json.loads(r.data)["items"]} if r.status == 200 else set()
    for want in ("user.add", "token.add", "login", "rollout.create", "rollout.halt"):
        if want not in actions:
            fail(f"PostgreSQL audit trail: no {want} ({r.status})")
    anon = Client(srv)
    for _ in range(5):
        anon.request("POST", "/login", {"name": "reader1", "password": "wrong password"})
    if anon.request("POST", "/login", {"name": "reader1", "password": serverlib.PASSWORD}).status != 429:
        fail("PostgreSQL: the login rate limit does not hold")
    if admin.request("POST", "/api/v1/tokens", {"name": "x", "role": "analyst"}, csrf=False).status != 403:
        fail("PostgreSQL: a session request without the CSRF token is let in")
finally:
    rc = srv.stop()
if rc != 0:
    fail(f"the server stopped with exit code {rc}")
if os.path.exists(psql):
    for statement in ("UPDATE audit SET action = 'x'", "DELETE FROM audit", "TRUNCATE audit"):
        r = sql(statement)
        if r.returncode == 0 or "append-only" not in r.stderr:
            fail(f"PostgreSQL accepted {statement!r}: {r.returncode} {r.stderr.strip()}")
else:
    print("pg test: no psql; the audit triggers are not tried")
if failures:
    print(f"pg test: {len(failures)} failures")
    sys.exit(1)
print("pg test: ok")
