#!/usr/bin/env python3
"""Notifications end to end on loopback: a small SMTP server and a webhook receiver (both here,
on free ports of 127.0.0.1), then notify_client (the server's watch) subscribes, rescans and
delivers. Checks what arrived: one RFC 5322 message with the right envelope and headers, and two
webhook POSTs (the first refused with 503, then the retry) whose X-Medsec-Signature is the
HMAC-SHA256 of the body under the shared secret.

usage: notify_test.py CLIENT DEVICE_DIR VULNDB
"""
import email
import email.policy
import email.utils
import hashlib
import hmac
import http.server
import json
import socket
import socketserver
import subprocess
import sys
import threading

SECRET = "s3cret-for-the-test"
mails = []
posts = []


class SMTPHandler(socketserver.StreamRequestHandler):
    """Enough SMTP (RFC 5321) for one client: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    timeout = 20

    def send(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.send("220 localhost test SMTP")
        env = {"from": None, "to": []}
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.send("250 localhost")
            elif verb == "MAIL":
                env = {"from": cmd[10:].strip(), "to": []}
                self.send("250 OK")
            elif verb == "RCPT":
                env["to"].append(cmd[8:].strip())
                self.send("250 OK")
            elif verb == "DATA":
                self.send("354 end with .")
                data = []
                while True:
                    l = self.rfile.readline(65536)
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    data.append(l)
                mails.append((env, b"".join(data)))
                self.send("250 queued")
            elif verb == "QUIT":
                self.send("221 bye")
                return
            elif verb in ("RSET", "NOOP"):
                self.send("250 OK")
            else:
                self.send("502 not implemented")


class HookHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(n, 1 << 20))
        posts.append((dict(self.headers), body))
        code = 503 if len(posts) == 1 else 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    client, device_dir, vulndb = sys.argv[1:4]
    smtp = Threaded(("127.0.0.1", 0), SMTPHandler)
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HookHandler)
    hook.daemon_threads = True
    for s in (smtp, hook):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    smtp_url = "smtp://127.0.0.1:%d" % smtp.server_address[1]
    hook_url = "http://127.0.0.1:%d/hook" % hook.server_address[1]
    try:
        r = subprocess.run([client, device_dir, vulndb, smtp_url, hook_url, SECRET], timeout=120)
    finally:
        smtp.shutdown()
        hook.shutdown()
    if r.returncode != 0:
        print("notify_client failed: %d" % r.returncode)
        return 1
    errors = []

    def check(cond, what):
        if not cond:
            errors.append(what)

    check(len(mails) == 1, "one e-mail, got %d" % len(mails))
    if mails:
        env, raw = mails[0]
        check(env["from"] == "<watch@maker.example>", "MAIL FROM %r" % env["from"])
        check(env["to"] == ["<psirt@maker.example>"], "RCPT TO %r" % env["to"])
        check(b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "CRLF line ends")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        check(msg["From"] == "watch@maker.example", "From %r" % msg["From"])
        check(msg["To"] == "psirt@maker.example", "To %r" % msg["To"])
        check("CVE-2099-5001" in msg["Subject"] and "critical" in msg["Subject"],
              "Subject %r" % msg["Subject"])
        check(msg["Message-ID"] and msg["Message-ID"].startswith("<medsec."), "Message-ID")
        date = email.utils.parsedate_to_datetime(msg["Date"])
        check(date.year == 2099 and date.month == 2 and date.day == 1, "Date %r" % msg["Date"])
        text = msg.get_content()
        check("Exposed devices: 16" in text, "the body counts 16 exposed devices")
        check("Watch Pump 1.0.0: 10 devices; fixed in 2.0.0" in text, "the body lists releases")
    check(len(posts) == 2, "two webhook POSTs (refused, then retried), got %d" % len(posts))
    for headers, body in posts:
        want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        check(headers.get("X-Medsec-Signature") == want, "HMAC of the body")
        wrong = "sha256=" + hmac.new(b"other", body, hashlib.sha256).hexdigest()
        check(headers.get("X-Medsec-Signature") != wrong, "HMAC depends on the secret")
        check(headers.get("Content-Type") == "application/json", "JSON content type")
        doc = json.loads(body)
        check(doc.get("vulnerability") == "CVE-2099-5001", "vulnerability %r" % doc)
        check(doc.get("event") == "critical" and doc.get("devices") == 16, "event %r" % doc)
    if len(posts) == 2:
        check(posts[0][1] == posts[1][1], "the retry sends the same body")
    for e in errors:
        print("FAIL:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
