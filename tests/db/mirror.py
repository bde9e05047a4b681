#!/usr/bin/python3
"""mirror.py: a loopback HTTP server that mirrors the published advisory feeds' URL layout from
../shared/data, for the `medsec db update` test. It binds 127.0.0.1 on an ephemeral port, writes the
port to PORTFILE, answers conditional requests (ETag / If-None-Match), pages the NVD API 2.0 answer
by startIndex/resultsPerPage, fails the first KEV request with 503 (to exercise retries), and exits
by itself after TIMEOUT seconds.

usage: mirror.py SHARED_DATA_DIR PORTFILE [TIMEOUT_SECONDS]

Layout:
  /osv/{ecosystem}/all.zip                        advisories/osv/{ecosystem}/all.zip
  /nvd/rest/json/cves/2.0?startIndex=&resultsPerPage=   the NVD 2.0 records of the vulnfeeds test data
  /kev/known_exploited_vulnerabilities.json       advisories/kev/...json.gz, inflated
  /epss/epss_scores-current.csv.gz                advisories/epss/epss_scores-head-sample.csv, gzipped
  /csaf/provider-metadata.json                    distributions[0].directory_url = /csaf/white
  /csaf/white/index.txt, /csaf/white/{year}/{id}.json   the ICSMA documents
"""
import gzip
import hashlib
import http.server
import json
import os
import sys
import tarfile
import threading
import urllib.parse


def build(shared):
    adv = os.path.join(shared, "advisories")
    files = {}
    osv = os.path.join(adv, "osv")
    for eco in sorted(os.listdir(osv)):
        z = os.path.join(osv, eco, "all.zip")
        if os.path.isfile(z):
            with open(z, "rb") as f:
                files[f"/osv/{eco}/all.zip"] = f.read()
    files["/kev/known_exploited_vulnerabilities.json"] = gzip.open(
        os.path.join(adv, "kev", "known_exploited_vulnerabilities.json.gz")).read()
    with open(os.path.join(adv, "epss", "epss_scores-head-sample.csv"), "rb") as f:
        files["/epss/epss_scores-current.csv.gz"] = gzip.compress(f.read(), mtime=0)
    index = []
    with tarfile.open(os.path.join(adv, "csaf", "cisagov-csaf2.0-icsma-2017-2024.tar.gz")) as t:
        for m in t.getmembers():
            if m.isfile() and m.name.endswith(".json") and "/icsma-" in m.name:
                year, name = m.name.split("/")[-2:]
                rel = f"{year}/{name}"
                index.append(rel)
                files[f"/csaf/white/{rel}"] = t.extractfile(m).read()
    files["/csaf/white/index.txt"] = "".join(r + "\n" for r in sorted(index)).encode()
    nvd = []
    with tarfile.open(os.path.join(adv, "nvd", "osv.dev-vulnfeeds-nvd2.0-cve5-testdata.tar.gz")) as t:
        for m in sorted(t.getmembers(), key=lambda m: m.name):
            if m.isfile() and "/nvdcve-2.0/" in m.name and m.name.endswith(".json"):
                nvd.extend(json.load(t.extractfile(m))["vulnerabilities"])
    return files, nvd


class Handler(http.server.BaseHTTPRequestHandler):
    files = {}
    nvd = []
    kev_failed = False
    base = ""

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b"", etag=None, ctype="application/octet-stream"):
        self.send_response(code)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        if path == "/nvd/rest/json/cves/2.0":
            q = urllib.parse.parse_qs(url.query)
            start = int(q.get("startIndex", ["0"])[0])
            per = int(q.get("resultsPerPage", ["2000"])[0])
            page = self.nvd[start:start + per]
            body = json.dumps({"resultsPerPage": len(page), "startIndex": start, "totalResults": len(self.nvd),
                               "format": "NVD_CVE", "version": "2.0", "timestamp": "2026-11-28T00:00:00.000",
                               "vulnerabilities": page}).encode()
            return self.send(200, body, ctype="application/json")
        if path == "/csaf/provider-metadata.json":
            body = json.dumps({"canonical_url": self.base + path, "distributions": [
                {"directory_url": self.base + "/csaf/white/"}], "role": "csaf_trusted_provider"}).encode()
            return self.send(200, body, ctype="application/json")
        if path == "/kev/known_exploited_vulnerabilities.json" and not Handler.kev_failed:
            Handler.kev_failed = True
            return self.send(503, b"try again")
        body = self.files.get(path)
        if body is None:
            return self.send(404, b"not found")
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, etag=etag)
        return self.send(200, body, etag=etag)


def main():
    shared, portfile = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 300
    Handler.files, Handler.nvd = build(shared)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Handler.base = f"http://127.0.0.1:{srv.server_address[1]}"
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, portfile)
    threading.Timer(timeout, srv.shutdown).start()
    srv.serve_forever()
    srv.server_close()


if __name__ == "__main__":
    main()
