#!/usr/bin/python3
"""log_cli.py: the security log and decommissioning from the command line. A device made by
medsec-agent logs events (more than its ring holds), exports the log, and `medsec log verify`
accepts the export and detects each edit: a changed byte, a deleted record, two records swapped,
the export cut short, a forged chain without the key. Then the device is decommissioned and
`medsec log decommission-verify` accepts the signed record and rejects a changed one.

usage: log_cli.py MEDSEC_AGENT MEDSEC MKBUNDLE TMPDIR"""
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

AGENT, MEDSEC, MKBUNDLE = sys.argv[1:4]
TMP = tempfile.mkdtemp(prefix="log-cli-", dir=sys.argv[4])
HDR, REC, TRL = 64, 112, 128
failures = []


def run(*args, env=None):
    e = dict(os.environ, MSA_NOW="1764806400")
    if env:
        e.update(env)
    p = subprocess.run(list(args), capture_output=True, text=True, env=e)
    return p.returncode, p.stdout, p.stderr


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def make_anchor(path):
    """A trust anchor for the device (init needs one; this test installs nothing)."""
    root = os.path.join(TMP, "root.json")
    for args in (("keygen", "--alg", "eddsa", root), ("anchor", "--root", root, path)):
        rc, out, err = run("/usr/bin/python3", MKBUNDLE, *args)
        if rc:
            sys.exit("mkbundle.py %s failed: %s" % (args[0], err))


def verify(path, *opts):
    return run(MEDSEC, "log", "verify", path, *opts)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def reseal_without_key(recs, first):
    """What an attacker without the key can do: chain and digest recomputed, SHA-256 seals."""
    out, prev = [], (b"\0" * 32 if first == 1 else recs[0][48:80])
    for i, r in enumerate(recs):
        r = bytearray(r)
        struct.pack_into("<I", r, 4, first + i)
        struct.pack_into("<H", r, 18, 0)
        r[48:80] = prev
        r[80:112] = hashlib.sha256(bytes(r[:80])).digest()
        prev = hashlib.sha256(bytes(r)).digest()
        out.append(bytes(r))
    return out


def build(header, recs, flags=0):
    h = bytearray(header)
    first = struct.unpack_from("<I", h, 20)[0]
    struct.pack_into("<III", h, 16, len(recs), first, first + len(recs) - 1)
    struct.pack_into("<I", h, 28, flags)
    body = bytes(h) + b"".join(recs)
    return body + hashlib.sha256(body).digest() + b"\0" * 96


dev = os.path.join(TMP, "dev")
anchor = os.path.join(TMP, "anchor.cbor")
make_anchor(anchor)
rc, out, err = run(AGENT, "init", dev, "--anchor", anchor, "--slot-size", "65536", "--log-size",
                   str(REC * 20))
check(rc == 0, "medsec-agent init")
for i in range(30):
    rc, _, err = run(AGENT, "note", dev, "config" if i % 3 else "tamper", "--value", str(i))
    if rc:
        break
check(rc == 0, "30 events logged into a ring of 20")
exp = os.path.join(TMP, "dev.log")
rc, _, err = run(AGENT, "log", dev, "--export", exp)
check(rc == 0, "medsec-agent log --export")
key, pub = os.path.join(dev, "log.key"), os.path.join(dev, "device.pub")
data = open(exp, "rb").read()
n, first, last = struct.unpack_from("<III", data, 16)
dropped = struct.unpack_from("<Q", data, 32)[0]
check(n == 20 and last == 31 and first == 12 and dropped == 11,
      "export: 20 records kept, 11 dropped (init logged one)")

rc, out, err = verify(exp, "--key", key, "--device-pub", pub)
check(rc == 0 and "20 records" in err and "11 earlier dropped" in err and "HMAC" in err
      and "signed by the device" in err, "medsec log verify accepts the export: " + err.strip())
rc, out, err = verify(exp)
check(rc == 0 and "NOT authenticated" in err, "without keys: chain only, and says so")
rc, out, err = verify(exp, "--list")
# kept: sequence numbers 12..31 = notes 10..29 (init logged record 1), config unless i % 3 == 0
check(rc == 0 and out.count("config-change") == sum(1 for i in range(10, 30) if i % 3)
      and out.count("tamper") == sum(1 for i in range(10, 30) if i % 3 == 0),
      "--list prints the records")
hexkey = os.path.join(TMP, "log.key.hex")
write(hexkey, (open(key, "rb").read().hex() + "\n").encode())
rc, out, err = verify(exp, "--key", hexkey)
check(rc == 0, "a key as 64 hex digits")
write(os.path.join(TMP, "short.key"), b"0123456789abcdef")
rc, out, err = verify(exp, "--key", os.path.join(TMP, "short.key"))
check(rc == 2 and "short.key" in err and "not a key" in err, "a malformed key file: " + err.strip())
rc, out, err = verify(os.path.join(TMP, "missing.log"), "--key", key)
check(rc == 2 and "missing.log" in err, "a missing export: " + err.strip())
write(os.path.join(TMP, "empty.log"), b"")
rc, out, err = verify(os.path.join(TMP, "empty.log"))
check(rc == 2 and "not a security log export" in err, "an empty file: " + err.strip())

header, recs = data[:HDR], [data[HDR + i * REC:HDR + (i + 1) * REC] for i in range(n)]
trailer = data[HDR + n * REC:]
cases = []
# a changed byte: the value of record 5
r = bytearray(recs[4])
r[24] ^= 1
cases.append(("edit", header + b"".join(recs[:4]) + bytes(r) + b"".join(recs[5:]) + trailer))
# a deleted record, the header's counts fixed
cases.append(("delete", build(header, recs[:4] + recs[5:], 3)[:-96] + trailer[32:]))
# two records swapped
cases.append(("reorder", header + b"".join(recs[:3] + [recs[4], recs[3]] + recs[5:]) + trailer))
# cut short: the last record gone and the header fixed; and cut at an arbitrary byte
cases.append(("truncate", build(header, recs[:-1], 3)[:-128] + trailer))
cases.append(("truncate-bytes", data[:len(data) - 77]))
# the header's dropped count changed
h = bytearray(header)
struct.pack_into("<Q", h, 32, 3)
cases.append(("dropped-count", bytes(h) + data[HDR:]))
for name, bad in cases:
    path = os.path.join(TMP, "bad-" + name + ".log")
    write(path, bad)
    for opts in (("--key", key), ("--device-pub", pub), ()):
        rc, out, err = verify(path, *opts)
        check(rc == 2 and "medsec" in err and path in err,
              "%s detected %s: %s" % (name, " ".join(o.split("/")[-1] for o in opts) or
                                      "(chain only)", err.strip().splitlines()[0]))
# a forgery that recomputes everything a key-less reader can: only the key or the signature
# tells
for name, forged in (("forged-delete", build(header, reseal_without_key(recs[:4] + recs[5:], first))),
                     ("forged-truncate", build(header, recs[:-1]))):
    path = os.path.join(TMP, "bad-%s.log" % name)
    write(path, forged)
    rc, _, err = verify(path)
    check(rc == 0 and "NOT authenticated" in err,
          "%s: a recomputed export passes the unauthenticated check (why --key and "
          "--device-pub exist)" % name)
    rc, _, err = verify(path, "--key", key)
    check(rc == 2, "%s fails with --key" % name)
    rc, _, err = verify(path, "--device-pub", pub)
    check(rc == 2, "%s fails with --device-pub" % name)

# decommissioning
rec = os.path.join(TMP, "dev.decom")
rc, out, err = run(AGENT, "decommission", dev, "-o", rec, "--id", "SN-0042")
check(rc == 0 and os.path.getsize(rec) == 148, "medsec-agent decommission writes the record")
check(not os.path.exists(os.path.join(dev, "device.key"))
      and not os.path.exists(os.path.join(dev, "log.key"))
      and not os.path.exists(os.path.join(dev, "data.key"))
      and not os.path.exists(os.path.join(dev, "data.bin")), "keys and patient data erased")
rc, out, err = run(MEDSEC, "log", "decommission-verify", rec, "--device-pub", pub)
check(rc == 0 and "erased after signing" in out and "SN-0042" not in out and
      "534e2d30303432" in out and "good signature" in err, "decommission-verify accepts it")
rc, out, err = run(AGENT, "boot", dev)
check(rc == 1 and "not allowed" in err, "a decommissioned device does not boot")
# the record names the log's last record: the log (exported without the erased keys) has it
exp2 = os.path.join(TMP, "dev2.log")
rc, _, err = run(AGENT, "log", dev, "--export", exp2, "--no-sign")
check(rc == 0, "the log still exports after decommissioning")
d2 = open(exp2, "rb").read()
n2, f2, l2 = struct.unpack_from("<III", d2, 16)
r = open(rec, "rb").read()
log_last = struct.unpack_from("<I", r, 32)[0]
lastrec = d2[HDR + (log_last - f2) * REC:HDR + (log_last - f2 + 1) * REC]
check(log_last == l2 and hashlib.sha256(lastrec).digest() == r[36:68]
      and struct.unpack_from("<H", lastrec, 16)[0] == 7,
      "the record's log digest is the log's decommission event")
rc, _, err = verify(exp2)
check(rc == 0, "that log verifies")
for i in (0, 12, 40, 84, 147):
    b = bytearray(r)
    b[i] ^= 0x10
    path = os.path.join(TMP, "bad-%d.decom" % i)
    write(path, bytes(b))
    rc, out, err = run(MEDSEC, "log", "decommission-verify", path, "--device-pub", pub)
    check(rc == 2 and path in err, "decommission record with byte %d changed rejected: %s" %
          (i, err.strip()))
write(os.path.join(TMP, "short.decom"), r[:100])
rc, out, err = run(MEDSEC, "log", "decommission-verify", os.path.join(TMP, "short.decom"),
                   "--device-pub", pub)
check(rc == 2 and "not a decommission record" in err, "a truncated record rejected")
other = bytearray(open(pub, "rb").read())
other[3] ^= 1
write(os.path.join(TMP, "other.pub"), bytes(other))
rc, out, err = run(MEDSEC, "log", "decommission-verify", rec, "--device-pub",
                   os.path.join(TMP, "other.pub"))
check(rc == 2 and "signature" in err, "another device's key rejected")

print("%d check(s) failed" % len(failures) if failures else "all checks passed")
if not failures:
    shutil.rmtree(TMP)
sys.exit(1 if failures else 0)
