#!/usr/bin/python3
"""case_db_verify.py: `db update` verifies what the feeds publish before it imports (issue 9, item
18): an NVD 1.1 feed against the sha256 of its .meta, CSAF documents against their .sha512/.sha256
and, when the provider lists signing keys, their OpenPGP signatures (good, bad, missing, by a key
the provider does not list), OSV records' modified times; and `db status` says what was verified.
The tests make their own key pair with gpg in a temporary GNUPGHOME. Servers: 127.0.0.1 only."""
import gzip
import hashlib
import json
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import Suite  # noqa: E402

sys.path.insert(0, os.path.join(sys.argv[2] if len(sys.argv) > 2 else ".", "tests", "db"))
import hostile_mirror as hm  # noqa: E402


def meta_of(raw, gz):
    return ("lastModifiedDate:2025-01-01T00:00:00-05:00\r\nsize:%d\r\nzipSize:0\r\ngzSize:%d\r\nsha256:%s\r\n"
            % (len(raw), len(gz), hashlib.sha256(raw).hexdigest().upper())).encode()


class Gpg:
    """gpg in a temporary GNUPGHOME: make keys, export them, sign files."""

    def __init__(self, home):
        os.makedirs(home, mode=0o700)
        self.env = dict(os.environ, GNUPGHOME=home)

    def run(self, *args, data=None):
        return subprocess.run(["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "",
                               *args], env=self.env, input=data, capture_output=True, check=True).stdout

    def new_key(self, uid):
        self.run("--quick-gen-key", uid, "ed25519", "sign", "never")
        for line in self.run("--list-keys", "--with-colons", uid).decode().splitlines():
            if line.startswith("fpr:"):
                return line.split(":")[9]
        raise RuntimeError("no fingerprint")

    def export(self, fpr):
        return self.run("--armor", "--export", fpr)

    def sign(self, fpr, data):
        return self.run("--armor", "--detach-sign", "--local-user", fpr, "--output", "-", data=data)

    def stop(self):
        subprocess.run(["gpgconf", "--kill", "all"], env=self.env, capture_output=True)


def update(s, name, db, args, expect_exit=0, **kw):
    r = s.run(name, ["db", "update", "--db", db, "--delay-ms", "0", "--retries", "0", "--json", *args],
              expect_exit, **kw)
    return parse(r, None)


def parse(r, key):
    """The JSON of a run that succeeded (its @key when given), else None."""
    try:
        out = json.loads(r.stdout) if r is not None and r.returncode == 0 else None
        return out.get(key) if out is not None and key else out
    except ValueError:
        return None


def status(s, db):
    return parse(s.run("status of " + os.path.basename(db), ["db", "status", "--db", db, "--json"], 0), "verified")


def main():
    s = Suite()
    root = s.root
    nvd_raw = open(os.path.join(root, "tests/db/data/nvd/nvdcve-1.1-sample.json"), "rb").read()
    nvd_gz = gzip.compress(nvd_raw, mtime=0)
    feeds = "/nvd/feeds/json/cve/1.1/"

    # ---- NVD 1.1: the .meta's sha256 over the inflated feed ----
    tampered = gzip.compress(nvd_raw.replace(b"CVE-", b"CVX-", 1), mtime=0)
    m = hm.Mirror({feeds + "nvdcve-1.1-sample.meta": hm.ok(meta_of(nvd_raw, nvd_gz)),
                   feeds + "nvdcve-1.1-sample.json.gz": hm.ok(nvd_gz),
                   feeds + "nvdcve-1.1-bad.meta": hm.ok(meta_of(nvd_raw, nvd_gz)),
                   feeds + "nvdcve-1.1-bad.json.gz": hm.ok(tampered),
                   feeds + "nvdcve-1.1-nosum.meta": hm.ok(b"size:1\r\n"),
                   feeds + "nvdcve-1.1-nosum.json.gz": hm.ok(nvd_gz)}, limit=120)
    db = s.path("nvd.sqlite")
    out = update(s, "NVD 1.1: a feed that matches its .meta", db,
                 ["--mirror", m.base, "--sources", "nvd", "--nvd-feeds", "sample"])
    s.check("NVD 1.1: imported", out and out["sources"]["nvd"]["added"] == 2, str(out and out["sources"]["nvd"]))
    v = status(s, db)
    s.check("NVD 1.1: status records the sha256", v and v["nvd"] == {"files": 1, "sha256": 1, "sha512": 0,
                                                                      "openpgp": 0, "modified": 0, "unverified": 0}, str(v))
    before = len(m.requests(feeds + "nvdcve-1.1-sample.json.gz"))
    out = update(s, "NVD 1.1: the same .meta again", db, ["--mirror", m.base, "--sources", "nvd", "--nvd-feeds", "sample"])
    s.check("NVD 1.1: an unchanged sum is not downloaded again",
            len(m.requests(feeds + "nvdcve-1.1-sample.json.gz")) == before and out and out["not_modified"] == 1)
    db2 = s.path("nvd-bad.sqlite")
    s.run("NVD 1.1: a tampered feed", ["db", "update", "--db", db2, "--delay-ms", "0", "--retries", "0",
                                        "--mirror", m.base, "--sources", "nvd", "--nvd-feeds", "bad,nosum"], 0,
          stderr_has=["does not match the size and sha256 its .meta publishes", "its .meta gives no sha256"])
    r = s.run("NVD 1.1: nothing of it imported", ["db", "status", "--db", db2, "--json"], 0)
    got = parse(r, "sources")
    s.check("NVD 1.1: the tampered feed left out", got and got["nvd"]["records"] == 0, str(got))
    m.stop()
    shared = s.shared and os.path.join(s.shared, "advisories", "nvd", "feeds-1.1")
    if shared and os.path.isfile(os.path.join(shared, "nvdcve-1.1-recent.meta")):
        real = {feeds + n: hm.ok(open(os.path.join(shared, n), "rb").read())
                for n in ("nvdcve-1.1-recent.meta", "nvdcve-1.1-recent.json.gz")}
        m = hm.Mirror(real, limit=120)
        out = update(s, "NVD 1.1: the real 'recent' feed and its published .meta", s.path("nvd-real.sqlite"),
                     ["--mirror", m.base, "--sources", "nvd", "--nvd-feeds", "recent"])
        s.check("NVD 1.1: the real feed verified and imported", out and out["sources"]["nvd"]["added"] > 0
                and out.get("rejected") == 0, str(out and out["sources"]["nvd"]))
        m.stop()

    # ---- CSAF: sums and OpenPGP signatures ----
    doc = open(os.path.join(root, "tests/db/data/csaf/icsma-17-082-01.json"), "rb").read()

    def variant(n):
        return doc.replace(b"ICSMA-17-082-01", b"ICSMA-17-082-%02d" % n)

    g = Gpg(s.path("gnupg"))
    try:
        fpr = g.new_key("medsec test provider <provider@example.org>")
        other = g.new_key("someone else <other@example.org>")
        docs = {"good": variant(1), "badsig": variant(2), "nosig": variant(3), "badsum": variant(4),
                "otherkey": variant(5), "sumonly": variant(6)}
        routes = {"/csaf/key.asc": hm.ok(g.export(fpr)), "/csaf/other.asc": hm.ok(g.export(other))}
        for name, body in docs.items():
            base = "/csaf/white/2024/%s.json" % name
            routes[base] = hm.ok(body)
            if name == "good":
                routes[base + ".asc"] = hm.ok(g.sign(fpr, body))
                routes[base + ".sha512"] = hm.ok(("%s  %s.json\n" % (hashlib.sha512(body).hexdigest(), name)).encode())
            elif name == "badsig":
                routes[base + ".asc"] = hm.ok(g.sign(fpr, body + b" "))
            elif name == "badsum":
                routes[base + ".asc"] = hm.ok(g.sign(fpr, body))
                routes[base + ".sha256"] = hm.ok(hashlib.sha256(body + b"x").hexdigest().encode())
            elif name == "otherkey":
                routes[base + ".asc"] = hm.ok(g.sign(other, body))
            elif name == "sumonly":
                routes[base + ".sha256"] = hm.ok(hashlib.sha256(body).hexdigest().encode())
        routes["/csaf/white/index.txt"] = hm.ok("".join("2024/%s.json\n" % n for n in docs).encode())
        m = hm.Mirror(routes, limit=120)
        m.routes["/csaf/provider-metadata.json"] = hm.ok(json.dumps({
            "distributions": [{"directory_url": m.base + "/csaf/white/"}],
            "public_openpgp_keys": [{"fingerprint": " ".join(fpr[i:i + 4] for i in range(0, 40, 4)),
                                     "url": m.base + "/csaf/key.asc"}]}).encode())
        db = s.path("csaf.sqlite")
        out = update(s, "CSAF with signing keys", db, ["--mirror", m.base, "--sources", "csaf"],
                     stderr_has=["not imported: its OpenPGP signature (.asc) is not a good signature",
                                 "not imported: it has no OpenPGP signature (.asc)",
                                 "not imported: it does not match the sha256 sum"])
        s.check("CSAF signed: only the documents with a good signature by the listed key",
                out and out["sources"]["csaf"]["added"] == 1 and out.get("rejected") == 5,
                str(out and (out["sources"]["csaf"], out.get("rejected"))))
        v = status(s, db)
        s.check("CSAF signed: status records sha512 and OpenPGP", v and v["csaf"] == {
            "files": 1, "sha256": 0, "sha512": 1, "openpgp": 1, "modified": 0, "unverified": 0}, str(v))
        # the same provider without keys: no signature asked for; sums still checked
        m.routes["/csaf/provider-metadata.json"] = hm.ok(json.dumps({
            "distributions": [{"directory_url": m.base + "/csaf/white/"}]}).encode())
        db = s.path("csaf-unsigned.sqlite")
        out = update(s, "CSAF without signing keys", db, ["--mirror", m.base, "--sources", "csaf"],
                     stderr_has="does not match the sha256 sum")
        s.check("CSAF unsigned: all but the bad sum imported",
                out and out["sources"]["csaf"]["added"] == 5 and out.get("rejected") == 1,
                str(out and (out["sources"]["csaf"], out.get("rejected"))))
        v = status(s, db)
        s.check("CSAF unsigned: status counts the unverified", v and v["csaf"] == {
            "files": 5, "sha256": 1, "sha512": 1, "openpgp": 0, "modified": 0, "unverified": 3}, str(v))
        m.stop()
    finally:
        g.stop()

    # ---- OSV: modified times ----
    def osv_zip(modified):
        import io
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w") as z:
            z.writestr("GO-2099-0001.json", json.dumps({
                "id": "GO-2099-0001", "modified": modified, "published": "2024-01-01T00:00:00Z",
                "affected": [{"package": {"ecosystem": "Go", "name": "example.org/m"},
                              "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]}))
        return b.getvalue()
    m = hm.Mirror({"/osv/Go/all.zip": hm.ok(osv_zip("2024-02-01T00:00:00Z")),
                   "/osv/PyPI/all.zip": hm.ok(osv_zip("9999-01-01T00:00:00Z").replace(b"GO-2099-0001", b"GO-2099-0002"))},
                  limit=60)
    db = s.path("osv.sqlite")
    update(s, "OSV: one consistent feed, one with a time in the future", db,
           ["--mirror", m.base, "--sources", "osv", "--ecosystems", "Go,PyPI"],
           stderr_has="modified times not consistent: 1 records with an impossible time")
    v = status(s, db)
    s.check("OSV: status records the consistent one", v and v["osv"] == {
        "files": 2, "sha256": 0, "sha512": 0, "openpgp": 0, "modified": 1, "unverified": 1}, str(v))
    m.stop()
    s.done()


if __name__ == "__main__":
    main()
