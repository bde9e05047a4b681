"""hostile_mirror.py: loopback HTTP(S) servers that play a hostile or broken mirror for the
`medsec db update` tests (issue 9): each binds 127.0.0.1 on a port the OS picks, runs in a daemon
thread of the test, and shuts itself down after a time limit.

A server answers from a table of routes, path -> handler(request) where the handler returns
(status, headers, body) or does the talking itself (trickling, never answering) and returns None.
Every request is logged (method, path, headers) for the checks."""
import http.server
import os
import ssl
import subprocess
import threading
import time


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        srv = self.server.owner
        path = self.path.split("?", 1)[0]
        with srv.lock:
            srv.log.append((path, self.path, dict(self.headers)))
        route = srv.routes.get(path)
        if route is None:
            for prefix, h in srv.prefixes:
                if path.startswith(prefix):
                    route = h
                    break
        if route is None:
            return self.answer(404, {}, b"not found")
        out = route(self)
        if out is not None:
            self.answer(*out)

    def answer(self, status, headers, body):
        try:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass


class Mirror:
    """A loopback server: Mirror(routes, prefixes=[], tls=None, limit=120). .base is its URL."""

    def __init__(self, routes=None, prefixes=None, tls=None, limit=120):
        self.routes = dict(routes or {})
        self.prefixes = list(prefixes or [])
        self.log = []
        self.lock = threading.Lock()
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.srv.daemon_threads = True
        self.srv.owner = self
        scheme = "http"
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.srv.socket = ctx.wrap_socket(self.srv.socket, server_side=True)
            scheme = "https"
        self.port = self.srv.server_address[1]
        self.base = "%s://127.0.0.1:%d" % (scheme, self.port)
        self.stopping = threading.Event()
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.timer = threading.Timer(limit, self.stop)
        self.timer.daemon = True
        self.timer.start()

    def stop(self):
        self.stopping.set()
        self.srv.shutdown()
        self.srv.server_close()
        self.timer.cancel()

    def requests(self, path=None):
        with self.lock:
            return [r for r in self.log if path is None or r[0] == path]


def ok(body, ctype="application/octet-stream"):
    return lambda req: (200, {"Content-Type": ctype}, body)


def redirect(location, code=302):
    return lambda req: (code, {"Location": location}, b"")


def trickle(size, every, stop):
    """A 200 of @size bytes announced, one byte each @every seconds until the client goes or @stop is
    set."""
    def handler(req):
        try:
            req.send_response(200)
            req.send_header("Content-Length", str(size))
            req.end_headers()
            for _ in range(size):
                if stop.is_set():
                    break
                req.wfile.write(b"x")
                req.wfile.flush()
                time.sleep(every)
        except OSError:
            pass
        req.close_connection = True
    return handler


def silent(stop):
    """Read the request, then never answer (until @stop)."""
    def handler(req):
        stop.wait(300)
        req.close_connection = True
    return handler


def self_signed(folder):
    """A self-signed certificate for 127.0.0.1 made with openssl; returns (cert, key) paths."""
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key
