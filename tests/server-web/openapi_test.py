#!/usr/bin/python3
"""openapi_test.py: docs/openapi.json against the real `medsec serve` (SQLite in a temporary folder,
loopback, a free port). Checks that every route of the server (`medsec serve routes`) is in the
file and every path of the file in the server; calls every operation as every role and anonymously:
a role the operation's x-roles lists is let in, another gets 403, nobody 401 (or, for a console
page, a redirect to the login page); every status is one the file documents and every JSON answer
validates against its schema (JSON Schema 2020-12, python3-jsonschema); every answer carries the
security headers. Then the access rules: a hospital account asking for another hospital's device
gets 404, the CSRF token is required with a session, API tokens work until revoked, the login rate
limit, the audit trail refuses UPDATE and DELETE, body caps, 404 and 405, plain HTTP only on
loopback, TLS with a configured certificate (Secure cookie, HSTS).

usage: openapi_test.py MEDSEC_BINARY SOURCE_ROOT [--pg]
With --pg (under tests/server-store/pgcluster.sh, which sets MEDSEC_PG_URL) the same on PostgreSQL.
"""
import copy
import datetime
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverlib  # noqa: E402
from serverlib import Client, Server  # noqa: E402

try:
    import jsonschema
except ImportError:
    print("openapi test: python3-jsonschema is not installed (scripts/deps.sh --test)")
    sys.exit(77)

medsec, root = sys.argv[1:3]
signal.alarm(600)  # the whole test, whatever happens
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


spec = json.load(open(os.path.join(root, "docs", "openapi.json")))
jsonschema.Draft202012Validator.check_schema({"$defs": spec["components"]["schemas"]})
if not spec.get("openapi", "").startswith("3.1"):
    fail("docs/openapi.json is not OpenAPI 3.1")


def norm(path):
    return re.sub(r"\{[^}/]*\}", "{}", path)


def validate(schema, value, where):
    root_schema = dict(schema)
    root_schema["components"] = spec["components"]
    try:
        jsonschema.Draft202012Validator(root_schema).validate(value)
    except jsonschema.ValidationError as e:
        fail(f"{where}: the answer does not match its schema: {e.message} at {list(e.absolute_path)}")


# MEDSEC_PG_URL (tests/server-store/pgcluster.sh): the same suite on PostgreSQL
pg_url = os.environ.get("MEDSEC_PG_URL") if "--pg" in sys.argv else None
if "--pg" in sys.argv and not pg_url:
    print("openapi test: --pg needs MEDSEC_PG_URL (run under tests/server-store/pgcluster.sh)")
    sys.exit(77)
srv = Server(medsec, db=pg_url)
srv.setup()
srv.start()
fleet = srv.fleet
try:
    # ---- the route lists, both ways --------------------------------------------------------------
    out = subprocess.run([medsec, "serve", "routes"], capture_output=True, text=True, check=True).stdout
    server_routes = {}
    for line in out.splitlines():
        method, pattern, roles = line.split()
        server_routes[(method, pattern)] = set(roles.split(","))
    file_routes = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "delete", "patch"):
                file_routes[(method.upper(), norm(path))] = (path, op)
    for k in sorted(set(server_routes) - set(file_routes)):
        fail(f"route {k[0]} {k[1]} is served but not in docs/openapi.json")
    for k in sorted(set(file_routes) - set(server_routes)):
        fail(f"docs/openapi.json has {k[0]} {k[1]} but the server does not serve it")
    for k in sorted(set(server_routes) & set(file_routes)):
        if set(file_routes[k][1].get("x-roles", [])) != server_routes[k]:
            fail(f"{k[0]} {k[1]}: x-roles {file_routes[k][1].get('x-roles')} but the server lets in "
                 f"{sorted(server_routes[k])}")

    # ---- the callers -------------------------------------------------------------------------------
    callers = {"anonymous": Client(srv)}
    for role in serverlib.ROLES:
        callers[role] = Client(srv, role).login(role + "1")
    admin = callers["admin"]

    # a roll-out for the console's roll-out routes, made through the console form
    r = admin.request("POST", "/rollouts", f"csrf={admin.csrf}&name=fix+{serverlib.VULN}&release_id="
                      f"{fleet.rel_new}&hospital_id=&percent=20&max_failure_permille=50", csrf=False)
    if r.status != 303:
        fail(f"POST /rollouts as admin: {r.status} {r.data[:200]!r}")
    rollout = int(srv.sql.query("SELECT MAX(id) FROM rollouts")[0][0] or 1)

    def sample_path(path):
        """The operation's path with its parameters filled from the fixtures."""
        def arg(m):
            name = m.group(1)
            if "/devices/" in path:
                return str(fleet.dev_a)
            if "/rollouts/" in path:
                return str(rollout)
            if "/advisories/" in path:
                return serverlib.VULN
            if "/releases/" in path:
                return str(fleet.rel_old)
            if "/tokens/" in path:
                return "999999"
            return "1" if name != "vuln" else serverlib.VULN
        return re.sub(r"\{([^}/]*)\}", arg, path)

    SAMPLE_BODIES = {
        ("POST", "/login"): {"name": "nobody", "password": "wrong password!"},
        ("POST", "/api/v1/users"): None,  # made per caller below
        ("POST", "/api/v1/tokens"): {"name": "bot", "role": "regulatory"},
        ("POST", "/logout"): None,
    }

    checked = 0
    for (method, npath), (path, op) in sorted(file_routes.items()):
        if (method, npath) not in server_routes:
            continue
        roles = set(op.get("x-roles", []))
        for who, client in callers.items():
            if method == "POST" and path == "/logout" and who != "anonymous":
                continue  # logged out below, once the rest is done
            body = SAMPLE_BODIES.get((method, path), {} if method in ("POST", "PUT", "PATCH") else None)
            if (method, path) == ("POST", "/api/v1/users"):
                body = {"name": "new-" + who, "role": "analyst", "password": serverlib.PASSWORD}
            if npath.startswith("/rollouts") and method == "POST":
                body = f"csrf={client.csrf or ''}&reason=test&name=x&release_id={fleet.rel_new}&percent=5"
            target = sample_path(path)
            r = client.request(method, target, body)
            checked += 1
            where = f"{method} {target} as {who}"
            for h, want in (("Content-Security-Policy", "frame-ancestors 'none'"),
                            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")):
                if want not in (r.getheader(h) or ""):
                    fail(f"{where}: header {h} lacks {want!r}")
            public = "public" in roles
            if who == "anonymous" and not public:
                html_get = method == "GET" and not path.startswith("/api/")
                want = 303 if html_get else 401
                if r.status != want:
                    fail(f"{where}: {r.status}, expected {want}")
                elif html_get and not (r.getheader("Location") or "").startswith("/login?next="):
                    fail(f"{where}: redirected to {r.getheader('Location')}, not the login page")
            elif who != "anonymous" and not public and who not in roles:
                if r.status != 403:
                    fail(f"{where}: {r.status}, expected 403 (x-roles {sorted(roles)})")
            elif r.status in (401, 403) and not (path == "/login" and method == "POST"):
                fail(f"{where}: {r.status} {r.data[:200]!r} although x-roles lets it in")
            resp = op["responses"].get(str(r.status)) or op["responses"].get("default")
            if resp is None:
                fail(f"{where}: status {r.status} is not documented ({r.data[:200]!r})")
                continue
            ctype = (r.getheader("Content-Type") or "").split(";")[0]
            content = resp.get("content", {})
            if r.status in (303, 204):
                continue
            if ctype not in content:
                fail(f"{where}: {r.status} answered {ctype}, documented {sorted(content)}")
                continue
            if ctype == "application/json":
                try:
                    value = json.loads(r.data)
                except ValueError:
                    fail(f"{where}: not JSON: {r.data[:200]!r}")
                    continue
                validate(content[ctype]["schema"], value, where)
    print(f"openapi test: {checked} calls checked against {len(file_routes)} operations")

    # ---- the hospital account sees only its own hospital's devices --------------------------------
    hosp = callers["hospital"]
    r = hosp.request("GET", f"/devices/{fleet.dev_b}")
    if r.status != 404:
        fail(f"hospital account, another hospital's device page: {r.status}, expected 404")
    r = hosp.request("GET", f"/devices/{fleet.dev_a}")
    if r.status != 200 or b"SN-0001" not in r.data:
        fail(f"hospital account, its own device page: {r.status}")
    r = hosp.request("GET", "/devices")
    if b"SN-0002" in r.data or b"SN-0001" not in r.data:
        fail("hospital account: the device list shows another hospital's device, or not its own")
    if ("GET", "/api/v1/devices/{}") in server_routes:
        r = hosp.request("GET", f"/api/v1/devices/{fleet.dev_b}")
        if r.status != 404:
            fail(f"hospital account, GET /api/v1/devices/{fleet.dev_b} (other hospital): {r.status}, expected 404")
        r = hosp.request("GET", f"/api/v1/devices/{fleet.dev_a}")
        if r.status != 200:
            fail(f"hospital account, GET /api/v1/devices/{fleet.dev_a} (its own): {r.status}")
    if ("GET", "/api/v1/devices") in server_routes:
        r = hosp.request("GET", "/api/v1/devices")
        items = json.loads(r.data).get("items", []) if r.status == 200 else None
        if items is None or any(d.get("id") == fleet.dev_b for d in items) or len(items) != 1:
            fail(f"hospital account, GET /api/v1/devices: {r.status} {r.data[:300]!r}")
    # escaping: the second hospital's name has <, > and &
    r = admin.request("GET", "/")
    if b"<Nord>" in r.data or "Hôpital &lt;Nord&gt; &amp; Co".encode() not in r.data:
        fail("the overview does not escape a hospital's name")

    # ---- CSRF, tokens ----------------------------------------------------------------------------
    r = admin.request("POST", "/api/v1/tokens", {"name": "nocsrf", "role": "analyst"}, csrf=False)
    if r.status != 403:
        fail(f"POST /api/v1/tokens with a session but no CSRF token: {r.status}, expected 403")
    r = admin.request("POST", "/api/v1/tokens", {"name": "reader", "role": "regulatory"},
                      headers={"X-CSRF-Token": "0" * 64}, csrf=False)
    if r.status != 403:
        fail(f"POST /api/v1/tokens with a wrong CSRF token: {r.status}, expected 403")
    r = admin.request("POST", "/api/v1/tokens", {"name": "reader", "role": "regulatory"})
    tok = json.loads(r.data)
    bot = Client(srv, "token")
    bot.bearer = tok["token"]
    r = bot.request("GET", "/api/v1/me")
    if r.status != 200 or json.loads(r.data)["role"] != "regulatory":
        fail(f"GET /api/v1/me with an API token: {r.status} {r.data!r}")
    r = bot.request("GET", "/api/v1/users")
    if r.status != 403:
        fail(f"a regulatory token listing users: {r.status}, expected 403")
    stored = [row[0] for row in srv.sql.query("SELECT token_hash FROM api_tokens")]
    if tok["token"] in stored:
        fail("the API token is stored in clear")
    r = admin.request("DELETE", f"/api/v1/tokens/{tok['id']}")
    if r.status != 200:
        fail(f"revoking a token: {r.status}")
    r = bot.request("GET", "/api/v1/me")
    if r.status != 401:
        fail(f"a revoked token: {r.status}, expected 401")
    bad = Client(srv)
    bad.bearer = "f" * 64
    if bad.request("GET", "/api/v1/me").status != 401:
        fail("an unknown token is let in")

    # ---- login: wrong password, rate limit, session cookie ----------------------------------------
    if "HttpOnly" not in admin.set_cookie or "SameSite=Strict" not in admin.set_cookie:
        fail(f"the session cookie lacks HttpOnly or SameSite=Strict: {admin.set_cookie}")
    anon = Client(srv)
    for i in range(5):
        r = anon.request("POST", "/login", {"name": "analyst1", "password": "not the password"})
        if r.status != 401:
            fail(f"wrong password #{i + 1}: {r.status}, expected 401")
    r = anon.request("POST", "/login", {"name": "analyst1", "password": serverlib.PASSWORD})
    if r.status != 429:
        fail(f"the right password after 5 failures: {r.status}, expected 429 (locked)")
    r = anon.request("POST", "/login", "name=regulatory1&password=nope&next=//evil.example/")
    if r.status != 303 or not r.getheader("Location", "").startswith("/login?failed="):
        fail(f"a failed form login: {r.status} {r.getheader('Location')}")
    r = anon.request("POST", "/login", "name=regulatory1&password=" + serverlib.PASSWORD.replace(" ", "+")
                     + "&next=//evil.example/")
    if r.status != 303 or r.getheader("Location") != "/":
        fail(f"a form login with an off-site next: {r.status} {r.getheader('Location')}, expected /")

    # ---- the audit trail --------------------------------------------------------------------------
    r = callers["regulatory"].request("GET", "/api/v1/audit?limit=1000")
    actions = {e["action"] for e in json.loads(r.data)["items"]}
    for want in ("user.add", "token.add", "token.revoke", "login", "login.failed", "login.locked",
                 "rollout.create"):
        if want not in actions:
            fail(f"the audit trail has no {want} entry")
    statements = ["UPDATE audit SET action = 'x'", "DELETE FROM audit"]
    if srv.sql.pg:
        statements.append("TRUNCATE audit")
    for sql in statements:
        try:
            srv.sql.query(sql)
            fail(f"the audit trail accepted: {sql}")
        except serverlib.DBError as e:
            if "append-only" not in str(e):
                fail(f"{sql}: refused, but not by the audit trigger: {e}")

    # ---- HTTP core ---------------------------------------------------------------------------------
    import socket
    with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as sk:
        sk.sendall(b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Content-Length: 2097152\r\n\r\n")
        head = sk.recv(4096)
    if not head.startswith(b"HTTP/1.1 413"):
        fail(f"a 2 MiB Content-Length: {head[:40]!r}, expected 413")
    # chunked, no length announced: the cap holds while reading
    r = admin.request("POST", "/api/v1/users", iter([b"x" * 65536] * 32), ctype="application/json",
                      headers={"Transfer-Encoding": "chunked"})
    if r.status != 413:
        fail(f"a 2 MiB chunked body: {r.status}, expected 413")
    r = admin.request("DELETE", "/api/v1/users")
    if r.status != 405 or "GET" not in (r.getheader("Allow") or ""):
        fail(f"DELETE /api/v1/users: {r.status} Allow={r.getheader('Allow')}, expected 405")
    if admin.request("GET", "/no/such/page").status != 404:
        fail("an unknown path is not 404")
    r = admin.request("GET", "/api/v1/users?limit=5000")
    if r.status != 400:
        fail(f"limit=5000: {r.status}, expected 400")
    r = admin.request("POST", "/api/v1/users", "name=%zz", ctype="application/x-www-form-urlencoded")
    if r.status != 400:
        fail(f"a bad percent-encoding: {r.status}, expected 400")
    r = admin.request("POST", "/api/v1/users", {"name": "weak", "role": "analyst", "password": "short"})
    if r.status != 400 or b"password" not in r.data:
        fail(f"a short password: {r.status} {r.data!r}")
    # hostile requests: the server answers each (or closes) and keeps serving
    def raw(data):
        with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as sk:
            try:
                sk.sendall(data)
                return sk.recv(200)
            except OSError:
                return b""
    for data, want in ((b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b" 414"),
                       (b"GET /api/v1/users?" + b"&".join(b"k%d=v" % i for i in range(300)) +
                        b" HTTP/1.1\r\nHost: x\r\nCookie: medsec_session=" + admin.cookie.encode() + b"\r\n\r\n", b" 400"),
                       (b"\x00\xff\xfe garbage\r\n\r\n", None),
                       (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 400000 + b"\r\n\r\n", None),
                       (b"GET /devices/%00 HTTP/1.1\r\nHost: x\r\n\r\n", None),
                       (b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 12\r\n\r\n{\"name\": [1]", None)):
        got = raw(data)
        if want and want not in got[:20]:
            fail(f"hostile request {data[:40]!r}: answered {got[:40]!r}, expected{want.decode()}")
    if Client(srv).request("GET", "/login").status != 200:
        fail("the server stopped answering after the hostile requests")
    r = admin.request("POST", "/logout", "csrf=" + admin.csrf, csrf=False)
    if r.status != 303 or admin.request("GET", "/api/v1/me").status != 401:
        fail("after logout the session still works")
finally:
    rc = srv.stop()
if rc != 0:
    fail(f"the server stopped with exit code {rc} on SIGTERM")

# ---- plain HTTP only on loopback; TLS ----------------------------------------------------------------
r = subprocess.run([medsec, "serve", "--db", srv.db, "--listen", "0.0.0.0:0"], capture_output=True,
                   text=True, timeout=30)
if r.returncode != 2 or "loopback" not in r.stderr:
    fail(f"plain HTTP on 0.0.0.0: exit {r.returncode} {r.stderr!r}, expected 2")

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
except ImportError:
    x509 = None
    print("openapi test: python3-cryptography is missing: the TLS part is skipped")
if x509:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    import ipaddress
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(srv.tmp, "cert.pem"), os.path.join(srv.tmp, "key.pem")
    open(cert_path, "wb").write(cert.public_bytes(serialization.Encoding.PEM))
    open(key_path, "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    tls = Server(medsec, ["--tls-cert", cert_path, "--tls-key", key_path], tmp=srv.tmp, db=srv.db)
    try:
        tls.start()
        ctx = ssl.create_default_context(cafile=cert_path)
        c = Client(tls, "admin", context=ctx).login("admin1")
        if "Secure" not in c.set_cookie:
            fail(f"the session cookie under TLS is not Secure: {c.set_cookie}")
        r = c.request("GET", "/")
        if r.status != 200 or "max-age" not in (r.getheader("Strict-Transport-Security") or ""):
            fail(f"GET / over TLS: {r.status}, HSTS {r.getheader('Strict-Transport-Security')}")
    except Exception as e:  # noqa: BLE001
        fail(f"TLS: {e}")
    finally:
        tls.stop()
    r = subprocess.run([medsec, "serve", "--db", srv.db, "--listen", "127.0.0.1:0", "--tls-cert", key_path,
                        "--tls-key", key_path], capture_output=True, text=True, timeout=30)
    if r.returncode != 2:
        fail(f"a key given as the certificate: exit {r.returncode}, expected 2 ({r.stderr!r})")

if failures:
    print(f"openapi test: {len(failures)} failures")
    sys.exit(1)
print("openapi test: ok")
