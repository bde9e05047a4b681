"""killed_test.py: a `medsec serve` killed with SIGKILL in the middle of a stream of check-ins
restarts on the same SQLite database with nothing lost (issue 15, item 8).

A generated fleet (bench/serve_load_prep gen: keys derived from a seed) in a temporary folder; the
device check-ins signed beforehand (serve_load_prep sign: every device ten times, counters 1..10).
The real server on a free 127.0.0.1 port takes them from four client threads (each its own
devices, in counter order); every check-in answered 200 is recorded. Once a few hundred are
acknowledged the server is killed with -9 while the clients are still sending. Then:
- a new server on the same database starts;
- every acknowledged check-in is in the checkins table (device, counter) and each device's
  last_counter is at least its highest acknowledged counter;
- an acknowledged check-in sent again is refused with 409 (replay), a new one is accepted;
- the restarted server stops on SIGTERM with exit code 0 (under ASan: no leak).
usage: killed_test.py MEDSEC SERVE_LOAD_PREP"""
import http.client
import os
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

DEVICES = 200
ROUNDS = 10
CLIENTS = 4
KILL_AFTER = 400  # acknowledged check-ins before the kill
DEADLINE = time.monotonic() + 25  # the whole test


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def records(path):
    data = open(path, "rb").read()
    out, pos = [], 0
    while pos + 2 <= len(data):
        (n,) = struct.unpack(">H", data[pos:pos + 2])
        out.append(data[pos + 2:pos + 2 + n])
        pos += 2 + n
    return out


class Server:
    def __init__(self, medsec, db, tmp):
        self.out = open(os.path.join(tmp, "serve.out"), "w+")
        self.p = subprocess.Popen([medsec, "serve", "--db", "sqlite:" + db, "--vulndb",
                                   os.path.join(tmp, "none.sqlite"), "--listen", "127.0.0.1:0"],
                                  stdout=self.out, stderr=subprocess.STDOUT)
        self.port = None
        while time.monotonic() < DEADLINE and self.p.poll() is None:
            self.out.seek(0)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", self.out.read())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.05)
        if not self.port:
            self.out.seek(0)
            text = self.out.read()
            self.stop()
            fail("the server did not start: " + text)

    def post(self, body, timeout=5):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request("POST", "/api/v1/checkin", body, {"Content-Type": "application/cbor"})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def stop(self):
        """SIGTERM (the server stops by itself), SIGKILL after 10 s; its exit code."""
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        if not self.out.closed:
            self.out.seek(0)
            self.text = self.out.read()
            self.out.close()
        return self.p.returncode


def main():
    medsec, prep = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="medsec-killed-")
    servers = []
    try:
        db = os.path.join(tmp, "server.sqlite")
        run = lambda *a: subprocess.run([prep, *a], check=True, timeout=60,
                                        stdout=subprocess.DEVNULL)
        run("gen", "sqlite:" + db, "--devices", str(DEVICES), "--sites", "10", "--hospitals", "2",
            "--models", "2", "--releases", "4", "--seed", "7")
        run("sign", os.path.join(tmp, "msgs.bin"), "--devices", str(DEVICES), "--messages",
            str(DEVICES * ROUNDS), "--seed", "7", "--counter", "1", "--list",
            os.path.join(tmp, "msgs.txt"))
        run("sign", os.path.join(tmp, "late.bin"), "--devices", str(DEVICES), "--messages", "1",
            "--seed", "7", "--counter", "1000")
        msgs = records(os.path.join(tmp, "msgs.bin"))
        meta = [line.split() for line in open(os.path.join(tmp, "msgs.txt"))]
        if len(msgs) != DEVICES * ROUNDS or len(meta) != len(msgs):
            fail("serve_load_prep signed %d check-ins, listed %d" % (len(msgs), len(meta)))

        srv = Server(medsec, db, tmp)
        servers.append(srv)
        acked, lock = [], threading.Lock()
        killed = threading.Event()
        refused = []

        def client(t):
            # messages are device-major per round: message i is device i % DEVICES
            for i in range(len(msgs)):
                if (i % DEVICES) % CLIENTS != t:
                    continue
                if time.monotonic() > DEADLINE - 8:
                    return
                try:
                    status, body = srv.post(msgs[i])
                except (OSError, http.client.HTTPException):
                    if killed.is_set():
                        return
                    time.sleep(0.01)
                    continue
                with lock:
                    if status == 200:
                        acked.append(i)
                    else:
                        refused.append((i, status, body[:200]))

        threads = [threading.Thread(target=client, args=(t,)) for t in range(CLIENTS)]
        for th in threads:
            th.start()
        while time.monotonic() < DEADLINE - 8:
            with lock:
                n = len(acked)
            if n >= KILL_AFTER:
                break
            time.sleep(0.005)
        os.kill(srv.p.pid, signal.SIGKILL)  # the server this test started, mid-stream
        killed.set()
        srv.p.wait()
        for th in threads:
            th.join(timeout=10)
        if any(th.is_alive() for th in threads):
            fail("a client thread did not finish")
        if refused:
            fail("check-ins refused before the kill: %r" % refused[:5])
        if len(acked) < KILL_AFTER:
            fail("only %d check-ins acknowledged before the deadline" % len(acked))
        if len(acked) >= len(msgs):
            fail("every check-in was acknowledged before the kill: nothing was in the middle")
        print("killed the server (-9) after %d acknowledged check-ins" % len(acked))

        srv2 = Server(medsec, db, tmp)
        servers.append(srv2)
        with sqlite3.connect(db, timeout=10) as c:
            have = set(c.execute("SELECT d.uuid, k.counter FROM checkins k"
                                 " JOIN devices d ON d.id = k.device_id").fetchall())
            last = dict(c.execute("SELECT uuid, last_counter FROM devices").fetchall())
        lost = [meta[i] for i in acked if (meta[i][0], int(meta[i][1])) not in have]
        if lost:
            fail("%d acknowledged check-ins lost, e.g. %r" % (len(lost), lost[:5]))
        behind = [meta[i] for i in acked if last.get(meta[i][0], 0) < int(meta[i][1])]
        if behind:
            fail("%d devices' last_counter below an acknowledged counter, e.g. %r"
                 % (len(behind), behind[:5]))
        print("after the restart: all %d acknowledged check-ins in the database (%d rows)"
              % (len(acked), len(have)))

        status, body = srv2.post(msgs[acked[-1]])
        if status != 409:
            fail("a replayed acknowledged check-in answered %d, not 409: %r" % (status, body))
        status, body = srv2.post(records(os.path.join(tmp, "late.bin"))[0])
        if status != 200:
            fail("a new check-in after the restart answered %d: %r" % (status, body))
        print("replay refused (409), a new check-in accepted (200)")
        servers.remove(srv2)
        rc = srv2.stop()
        if rc != 0:
            fail("the restarted server exited %d on SIGTERM: %s" % (rc, srv2.text[-2000:]))
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
