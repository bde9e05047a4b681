#!/usr/bin/python3
"""case_db_update.py: `medsec db update` against hostile and broken loopback mirrors (issue 9,
items 6, 7, 10, 15): impossible NVD totalResults and pages, servers that trickle or never answer,
redirects that would carry the NVD API key to another host or downgrade https to http, and a CSAF
index line too long for a file name. Every server listens on 127.0.0.1 only and stops by itself."""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import Suite  # noqa: E402

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "db"))
import hostile_mirror as hm  # noqa: E402

KEY = "secret-key-4711"


def nvd_item(i):
    return {"cve": {"id": "CVE-2099-%04d" % i, "published": "2024-01-01T00:00:00.000",
                    "lastModified": "2024-01-02T00:00:00.000", "vulnStatus": "Analyzed",
                    "descriptions": [{"lang": "en", "value": "hostile mirror record %d" % i}]}}


def nvd_pages(total_literal, per_page=None, echo_start=True, growing=False):
    """An NVD API route: totalResults written as the literal text @total_literal (or a growing
    number), @per_page records a page (default: as asked)."""
    calls = [0]

    def handler(req):
        q = dict(p.split("=", 1) for p in req.path.split("?", 1)[1].split("&") if "=" in p)
        start, asked = int(q.get("startIndex", 0)), int(q.get("resultsPerPage", 2000))
        calls[0] += 1
        total = str(50 + 5 * calls[0]) if growing else total_literal
        n = asked if per_page is None else per_page
        if per_page is None and total.isdigit():
            n = max(0, min(asked, int(total) - start))
        items = ",".join(json.dumps(nvd_item(start + k)) for k in range(n))
        body = ('{"resultsPerPage": %d, "startIndex": %d, "totalResults": %s, "format": "NVD_CVE",'
                ' "version": "2.0", "vulnerabilities": [%s]}' % (n, start if echo_start else 0, total, items))
        return 200, {"Content-Type": "application/json"}, body.encode()
    return handler


def update(s, name, db, args, expect_exit, stderr_has=None, env=None, timeout=60, stderr_lacks=None):
    base = ["db", "update", "--db", db, "--delay-ms", "0", "--cache", db + ".cache"]
    t0 = time.monotonic()
    r = s.run(name, base + args, expect_exit, stderr_has=stderr_has, env=env, timeout=timeout,
              stderr_lacks=stderr_lacks)
    return r, time.monotonic() - t0


def main():
    s = Suite()
    root = s.root
    csaf_doc = open(os.path.join(root, "tests/db/data/csaf/icsma-17-082-01.json"), "rb").read()
    kev = open(os.path.join(root, "tests/db/data/kev/kev-sample.json"), "rb").read()

    # ---- item 6: NVD paging trusts nothing it is told ----
    for lit, says in (("1e300", "impossible totalResults"), ("-1e300", "impossible totalResults"),
                      ("1e9", "impossible totalResults"), ("12.5", "impossible totalResults")):
        m = hm.Mirror({"/nvd/rest/json/cves/2.0": nvd_pages(lit, per_page=1)}, limit=60)
        update(s, "NVD totalResults %s: stops at once" % lit, s.path("nvd-%s.sqlite" % lit),
               ["--mirror", m.base, "--sources", "nvd", "--page-size", "5", "--retries", "0"], 3,
               stderr_has=says, timeout=30)
        s.check("NVD totalResults %s: one request" % lit, len(m.requests()) == 1, "%d" % len(m.requests()))
        m.stop()
    # a plausible total with pages of one record: a short page ends the run
    m = hm.Mirror({"/nvd/rest/json/cves/2.0": nvd_pages("1000000", per_page=1)}, limit=60)
    update(s, "NVD short pages: stops", s.path("nvd-short.sqlite"),
           ["--mirror", m.base, "--sources", "nvd", "--page-size", "5", "--retries", "0"], 3,
           stderr_has="short page", timeout=30)
    s.check("NVD short pages: one request", len(m.requests()) == 1, "%d" % len(m.requests()))
    m.stop()
    # a server that ignores startIndex
    m = hm.Mirror({"/nvd/rest/json/cves/2.0": nvd_pages("50", echo_start=False)}, limit=60)
    update(s, "NVD ignores startIndex: stops", s.path("nvd-start.sqlite"),
           ["--mirror", m.base, "--sources", "nvd", "--page-size", "5", "--retries", "0"], 0,
           stderr_has="not at 5 as asked", timeout=30)
    s.check("NVD ignores startIndex: two requests", len(m.requests()) == 2, "%d" % len(m.requests()))
    m.stop()
    # a total that grows with every page: bounded by the first page's total
    m = hm.Mirror({"/nvd/rest/json/cves/2.0": nvd_pages(None, growing=True)}, limit=60)
    update(s, "NVD growing total: bounded", s.path("nvd-grow.sqlite"),
           ["--mirror", m.base, "--sources", "nvd", "--page-size", "5", "--retries", "0"], 0,
           stderr_has="pages of 5", timeout=60)
    s.check("NVD growing total: at most 13 requests", len(m.requests()) <= 13, "%d" % len(m.requests()))
    m.stop()
    # an honest server: every page, then the run is complete
    m = hm.Mirror({"/nvd/rest/json/cves/2.0": nvd_pages("23")}, limit=60)
    r, _ = update(s, "NVD honest pages", s.path("nvd-ok.sqlite"),
                  ["--mirror", m.base, "--sources", "nvd", "--page-size", "5", "--retries", "0", "--json"], 0)
    if r is not None and r.returncode == 0:
        s.check("NVD honest pages: 23 records in 5 pages",
                json.loads(r.stdout)["sources"]["nvd"]["added"] == 23 and len(m.requests()) == 5)
    m.stop()

    # ---- item 7: deadlines and a minimum rate ----
    stop = threading.Event()
    m = hm.Mirror({"/trickle.json": hm.trickle(1 << 20, 0.05, stop), "/silent.json": hm.silent(stop),
                   "/epss.csv.gz": hm.silent(stop)}, limit=120)
    _, took = update(s, "trickling server: the download deadline ends it", s.path("slow-1.sqlite"),
                     ["--sources", "kev", "--kev-url", m.base + "/trickle.json", "--retries", "2",
                      "--download-timeout", "3", "--min-rate", "0"], 3, stderr_has="deadline of 3 s")
    s.check("trickling server: ended within 8 s", took < 8, "%.1f s" % took)
    _, took = update(s, "trickling server: the minimum rate ends it", s.path("slow-2.sqlite"),
                     ["--sources", "kev", "--kev-url", m.base + "/trickle.json", "--retries", "0",
                      "--min-rate", "1000", "--rate-grace", "2"], 3, stderr_has="slower than 1000 bytes/s")
    s.check("trickling server: aborted within 8 s", took < 8, "%.1f s" % took)
    _, took = update(s, "silent server: the minimum rate ends it", s.path("slow-3.sqlite"),
                     ["--sources", "kev", "--kev-url", m.base + "/silent.json", "--retries", "0",
                      "--rate-grace", "2"], 3, stderr_has="slower than 1024 bytes/s")
    s.check("silent server: aborted within 8 s", took < 8, "%.1f s" % took)
    _, took = update(s, "silent servers: the update deadline ends them all", s.path("slow-4.sqlite"),
                     ["--sources", "kev,epss", "--kev-url", m.base + "/silent.json", "--epss-url",
                      m.base + "/epss.csv.gz", "--retries", "3", "--min-rate", "0", "--update-timeout", "4"], 3,
                     stderr_has="deadline")
    s.check("silent servers: ended within 10 s", took < 10, "%.1f s" % took)
    stop.set()
    m.stop()

    # ---- item 10: the API key goes to the configured host only; no https -> http ----
    other = hm.Mirror({"/nvd/rest/json/cves/2.0": nvd_pages("1", per_page=1)}, limit=60)
    m = hm.Mirror({"/nvd/rest/json/cves/2.0": hm.redirect(other.base + "/nvd/rest/json/cves/2.0?startIndex=0"),
                   "/kev/x/cves/kev.json": hm.ok(kev)}, limit=60)
    env = {"NVD_API_KEY": KEY}
    update(s, "redirect to another host", s.path("key-1.sqlite"),
           ["--mirror", m.base, "--sources", "nvd,kev", "--kev-url", m.base + "/kev/x/cves/kev.json",
            "--retries", "0"], 0, env=env)
    first = m.requests("/nvd/rest/json/cves/2.0")
    s.check("the configured host gets the key", first and first[0][2].get("apiKey") == KEY)
    s.check("the other host was asked", len(other.requests()) == 1)
    s.check("the other host never sees the key", all("apiKey" not in r[2] and KEY not in str(r) for r in other.requests()))
    s.check("the key goes to no other feed, whatever its path",
            all("apiKey" not in r[2] for r in m.requests("/kev/x/cves/kev.json")))
    other.stop()
    m.stop()
    m = hm.Mirror({"/nvd/rest/json/cves/2.0": hm.redirect("/nvd/v2?startIndex=0&resultsPerPage=2000"),
                   "/nvd/v2": nvd_pages("1", per_page=1)}, limit=60)
    update(s, "redirect on the same host", s.path("key-2.sqlite"),
           ["--mirror", m.base, "--sources", "nvd", "--retries", "0"], 0, env=env)
    s.check("a redirect on the configured host keeps the key",
            [r[2].get("apiKey") for r in m.requests("/nvd/v2")] == [KEY])
    m.stop()
    m = hm.Mirror({"/nvd/rest/json/cves/2.0": nvd_pages("1", per_page=1)}, limit=60)
    update(s, "an API key with a line break is refused", s.path("key-3.sqlite"),
           ["--mirror", m.base, "--sources", "nvd", "--retries", "0"], 2,
           env={"NVD_API_KEY": KEY + "\r\nX-Injected: 1"}, stderr_has="space or control character")
    s.check("an API key with a line break: nothing sent", m.requests() == [])
    m.stop()
    cert, key = hm.self_signed(s.dir)
    plain = hm.Mirror({"/kev.json": hm.ok(kev), "/nvd/rest/json/cves/2.0": nvd_pages("1", per_page=1)}, limit=60)
    tls = hm.Mirror({"/kev.json": hm.redirect(plain.base + "/kev.json"),
                     "/ok.json": hm.ok(kev),
                     "/nvd/rest/json/cves/2.0": hm.redirect(plain.base + "/nvd/rest/json/cves/2.0?startIndex=0")},
                    tls=(cert, key), limit=60)
    update(s, "https to http redirect refused", s.path("tls-1.sqlite"),
           ["--sources", "kev,nvd", "--kev-url", tls.base + "/kev.json", "--nvd-api",
            tls.base + "/nvd/rest/json/cves/2.0", "--cacert", cert, "--retries", "0"], 3,
           stderr_has="refused a redirect from https to http", env=env)
    s.check("https to http: the plain server was never asked", plain.requests() == [])
    update(s, "https with the mirror's certificate works", s.path("tls-2.sqlite"),
           ["--sources", "kev", "--kev-url", tls.base + "/ok.json", "--cacert", cert, "--retries", "0"], 0)
    update(s, "https without trusting the certificate fails", s.path("tls-3.sqlite"),
           ["--sources", "kev", "--kev-url", tls.base + "/ok.json", "--retries", "0"], 3,
           stderr_has="download failed")
    plain.stop()
    tls.stop()

    # ---- item 15: a long CSAF index line, and one feed's bad entry kept from the rest ----
    long_rel = "2024/" + "a" * 300 + ".json"
    routes = {"/csaf/provider-metadata.json": None, "/csaf/white/index.txt":
              hm.ok(("%s\n2024/short.json\n2024/missing.json\n2024/broken.json\n../../etc/passwd.json\n" % long_rel).encode()),
              "/csaf/white/" + long_rel: hm.ok(csaf_doc), "/csaf/white/2024/short.json": hm.ok(csaf_doc.replace(
                  b"ICSMA-17-082-01", b"ICSMA-17-082-99")),
              "/csaf/white/2024/broken.json": hm.ok(b"{\"document\": {\"csaf_version\": \"2.0\", "),
              "/kev/known_exploited_vulnerabilities.json": hm.ok(kev)}
    m = hm.Mirror(routes, limit=60)
    m.routes["/csaf/provider-metadata.json"] = hm.ok(json.dumps(
        {"distributions": [{"directory_url": m.base + "/csaf/white/"}]}).encode())
    r, _ = update(s, "long CSAF index line: the update goes on", s.path("csaf-1.sqlite"),
                  ["--mirror", m.base, "--sources", "csaf,kev", "--retries", "0", "--json"], 0)
    if r is not None and r.returncode == 0:
        out = json.loads(r.stdout)
        s.check("long CSAF index line: both documents imported", out["sources"]["csaf"]["added"] == 2,
                str(out["sources"]["csaf"]))
        s.check("long CSAF index line: KEV imported", out["sources"]["kev"]["added"] == 2, str(out["sources"]["kev"]))
    s.check("the index's ../ line is never asked for", not any("passwd" in q[1] for q in m.requests()))
    cache = os.listdir(s.path("csaf-1.sqlite.cache"))
    s.check("cache files are named by a hash", all(len(n) < 80 for n in cache), str(cache))
    m.stop()
    s.done()


if __name__ == "__main__":
    main()
