#!/usr/bin/python3
"""checkin_judge.py: the signed check-in judged from outside: an independent decoder and verifier
written from docs/checkin.md with python3-cbor2 and python3-cryptography (no medsec code) reads the
check-ins medsec-agent writes, checks their signature and every field against what the device did
(install, boot, confirm, a refused replay), and rejects changed ones; check-ins it encodes itself
with cbor2 are accepted by `medsec checkin verify`, and malformed ones (unknown key, duplicate key,
wrong type, non-shortest head, indefinite length, trailing bytes, wrong header) are refused with
the field named. The counter increases across every run of medsec-agent (each one a reboot).

usage: checkin_judge.py MEDSEC_AGENT MEDSEC MKBUNDLE TMPDIR"""
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

AGENT, MEDSEC, MK = sys.argv[1:4]
TMP = tempfile.mkdtemp(prefix="checkin-judge-", dir=sys.argv[4])
failures = []
CT = "application/vnd.medsec.checkin+cbor"
NAMES = [None, "device_id", "counter", "time", "security_version", "version", "slot",
         "image_digest", "log_first", "log_last", "log_dropped", "log_head", "install_seq",
         "install_result", "bundle_digest"]


def run(*args, env=None):
    p = subprocess.run(list(args), capture_output=True,
                       env=dict(os.environ, MSA_NOW="1764806400", **(env or {})))
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def mk(*args):
    rc, out, err = run("/usr/bin/python3", MK, *args)
    if rc:
        sys.exit("mkbundle.py %s failed: %s" % (args[0], err))


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def t(name):
    return os.path.join(TMP, name)


# ---- the judge: docs/checkin.md, independently --------------------------------------------------
def judge(msg, pub):
    """The decoded fields as a dict, or raise ValueError saying why."""
    if len(msg) > 4096:
        raise ValueError("too big")
    obj = cbor2.loads(msg)
    if cbor2.dumps(obj, canonical=True) != msg:
        raise ValueError("not deterministic CBOR (or trailing bytes)")
    if not isinstance(obj, cbor2.CBORTag) or obj.tag != 18:
        raise ValueError("not a tagged COSE_Sign1")
    arr = obj.value
    if not isinstance(arr, list) or len(arr) != 4:
        raise ValueError("COSE_Sign1 is not an array of 4")
    prot, unprot, payload, sig = arr
    if cbor2.loads(prot) != {1: -8, 3: CT}:
        raise ValueError("protected header")
    if unprot != {}:
        raise ValueError("unprotected header")
    tbs = cbor2.dumps(["Signature1", prot, b"", payload])
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(pub).verify(sig, tbs)
    except InvalidSignature:
        raise ValueError("signature")
    m = cbor2.loads(payload)
    if cbor2.dumps(m, canonical=True) != payload:
        raise ValueError("payload not deterministic CBOR (duplicates, order, heads, trailing)")
    if not isinstance(m, dict) or sorted(m) != list(range(1, 15)):
        raise ValueError("payload keys")
    types = {1: (bytes, 16), 7: (bytes, 32), 11: (bytes, 32), 14: (bytes, 32), 5: (str, None)}
    out = {}
    for k, v in m.items():
        want = types.get(k, (int, None))
        if type(v) is not want[0] or (want[1] and len(v) != want[1]):
            raise ValueError("field %s" % NAMES[k])
        if want[0] is int and k != 13 and v < 0:
            raise ValueError("field %s negative" % NAMES[k])
        out[NAMES[k]] = v.hex() if isinstance(v, bytes) else v
    limits = {"slot": 255, "log_first": 2**32 - 1, "log_last": 2**32 - 1,
              "log_dropped": 2**32 - 1}
    for k, top in limits.items():
        if out[k] > top:
            raise ValueError("field %s out of range" % k)
    for k in ("counter", "time", "security_version", "install_seq"):
        if out[k] >= 2**64:
            raise ValueError("field %s out of range" % k)
    if not -2**31 <= out["install_result"] < 2**31:
        raise ValueError("field install_result out of range")
    if len(out["version"]) > 32 or any(not 0x20 <= ord(ch) <= 0x7e for ch in out["version"]):
        raise ValueError("field version")
    return out


def judge_ok(msg, pub):
    try:
        return judge(msg, pub)
    except Exception as e:  # noqa: BLE001 (any failure is a rejection)
        return None


# ---- a device doing things ----------------------------------------------------------------------
ids = ["--vendor-domain", "pump.example", "--class-name", "infusion-pump-rev2"]
mk("keygen", "--alg", "eddsa", t("root.json"))
mk("anchor", "--root", t("root.json"), *ids, t("anchor.cbor"))
rng = random.Random(15)
imgs = {}
for v, size in ((1, 20000), (2, 30000)):
    imgs[v] = bytes(rng.getrandbits(8) for _ in range(size))
    with open(t("img%d" % v), "wb") as f:
        f.write(imgs[v])
    mk("envelope", "--key", t("root.json"), "--sequence", str(v), "--image", t("img%d" % v),
       "--release-version", "2.%d.0" % v, "--model", "Infusion pump", *ids, t("b%d.suit" % v))
dev = t("dev")
rc, out, err = run(AGENT, "init", dev, "--anchor", t("anchor.cbor"), "--slot-size", "65536")
check(rc == 0, "init")
pub = open(os.path.join(dev, "device.pub"), "rb").read()
with open(t("device.pub.hex"), "w") as f:
    f.write(pub.hex() + "\n")
uuid = hashlib.sha256(pub).digest()[:16].hex()

rc, out, err = run(AGENT, "checkin", "--help")
check(rc == 0 and "checkin DIR" in out.decode(), "medsec-agent checkin --help")
rc, out, err = run(MEDSEC, "checkin", "verify", "--help")
check(rc == 0 and b"--device-pub" in out, "medsec checkin verify --help")

counters = []


def checkin(name, *extra):
    rc, out, err = run(AGENT, "checkin", dev, "-o", t(name), *extra)
    check(rc == 0, "medsec-agent checkin -> %s %s" % (name, err.strip()))
    msg = open(t(name), "rb").read()
    got = judge_ok(msg, pub)
    check(got is not None, "the judge verifies %s (%d bytes)" % (name, len(msg)))
    rc, out, err = run(MEDSEC, "checkin", "verify", t(name), "--device-pub", t("device.pub.hex"),
                       "--json")
    check(rc == 0, "medsec checkin verify %s %s" % (name, err.strip()))
    mine = json.loads(out) if rc == 0 else {}
    if got:
        same = all(mine.get(k) == got[k] for k in got if k != "slot") and \
            (mine.get("slot") == (None if got["slot"] == 255 else got["slot"]))
        check(same, "medsec and the judge read the same fields in %s" % name)
        counters.append(got["counter"])
    return got or {}


c = checkin("c0.cbor")
check(c.get("device_id") == uuid and c.get("slot") == 255 and c.get("install_seq") == 0 and
      c.get("security_version") == 0 and c.get("version") == "",
      "a blank device: derived id, no slot, no install")
check(c.get("counter") == c.get("log_last") and c.get("time") == 1764806400,
      "the counter is the check-in's log record; the device clock is there")
rc, out, err = run(AGENT, "install", dev, t("b1.suit"))
check(rc == 0, "install v1")
run(AGENT, "boot", dev)
rc, out, err = run(AGENT, "confirm", dev)
check(rc == 0, "boot and confirm v1")
c = checkin("c1.cbor", "--version", "2.1.0", "--id", "00112233-4455-6677-8899-aabbccddeeff")
b1 = open(t("b1.suit"), "rb").read()
check(c.get("security_version") == 1 and c.get("slot") == 0 and c.get("version") == "2.1.0" and
      c.get("image_digest") == hashlib.sha256(imgs[1]).hexdigest() and
      c.get("device_id") == "00112233445566778899aabbccddeeff",
      "after v1: security version 1, slot A, image digest, version text, given id")
env = cbor2.loads(b1)
env = env.value if isinstance(env, cbor2.CBORTag) else env
manifest_digest = hashlib.sha256(cbor2.dumps(env[3])).hexdigest()
check(c.get("install_seq") == 1 and c.get("install_result") == 0 and
      c.get("bundle_digest") == manifest_digest,
      "the last install attempt: v1, success, bundle digest = SHA-256 of the encoded manifest bstr")
rc, out, err = run(AGENT, "install", dev, t("b1.suit"))
check(rc == 1, "the replayed v1 bundle is refused")
c = checkin("c2.cbor", "--version", "2.1.0")
check(c.get("install_seq") == 0 and c.get("install_result") == -22,
      "the last install attempt: v1 again, refused as a rollback (-22) before its sequence "
      "number was read")
for i in range(3):
    checkin("r%d.cbor" % i)
check(all(b > a for a, b in zip(counters, counters[1:])),
      "the counter strictly increases across runs (reboots): %s" % counters)
# a power cut while checking in: nothing written, and the next counter is still new
rc, out, err = run(AGENT, "checkin", dev, "-o", t("cut.cbor"), env={"MSA_CUT_AFTER": "1"})
check(rc == 1 and not os.path.exists(t("cut.cbor")) and "storage" in err,
      "a power cut at the check-in's log record: no check-in (%s)" % err.strip())
c = checkin("after-cut.cbor")
check(c.get("counter", 0) > counters[-2], "after a failed check-in the counter still increases")
rc, out, err = run(AGENT, "checkin", dev)
check(rc == 0 and judge_ok(out, pub) is not None, "medsec-agent checkin to standard output")

# ---- changed check-ins ---------------------------------------------------------------------------
msg = open(t("c1.cbor"), "rb").read()
rng = random.Random(7)
bad_judge = bad_medsec = 0
positions = sorted(rng.sample(range(len(msg)), 40))
for i in positions:
    b = bytearray(msg)
    b[i] ^= 1 << rng.randrange(8)
    with open(t("bad.cbor"), "wb") as f:
        f.write(b)
    bad_judge += judge_ok(bytes(b), pub) is None
    rc, out, err = run(MEDSEC, "checkin", "verify", t("bad.cbor"), "--device-pub",
                       t("device.pub.hex"))
    bad_medsec += rc == 2
check(bad_judge == len(positions) and bad_medsec == len(positions),
      "40 one-bit changes: the judge rejects %d, medsec %d" % (bad_judge, bad_medsec))
other = ed25519.Ed25519PrivateKey.generate()
opub = other.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
with open(t("other.pub"), "w") as f:
    f.write(opub.hex())
rc, out, err = run(MEDSEC, "checkin", "verify", t("c1.cbor"), "--device-pub", t("other.pub"))
check(rc == 2 and "signature does not verify" in err, "another device's key: refused")
check(judge_ok(msg, opub) is None, "the judge refuses it with another device's key too")

# ---- check-ins the judge encodes ----------------------------------------------------------------
PROT = cbor2.dumps({1: -8, 3: CT}, canonical=True)


def fields(**kw):
    m = {1: bytes(range(16)), 2: 9, 3: 0, 4: 3, 5: "3.0", 6: 1, 7: b"\x01" * 32, 8: 1, 9: 9,
         10: 0, 11: b"\x02" * 32, 12: 3, 13: -23, 14: b"\x03" * 32}
    m.update(kw)
    return m


def sign1(payload, prot=PROT, unprot=b"\xa0", tag=True, sig=None):
    tbs = cbor2.dumps(["Signature1", prot, b"", payload])
    s = sig if sig is not None else other.sign(tbs)
    body = b"\x84" + cbor2.dumps(prot) + unprot + cbor2.dumps(payload) + cbor2.dumps(s)
    return (b"\xd2" if tag else b"") + body


def medsec_verify(data):
    with open(t("judge.cbor"), "wb") as f:
        f.write(data)
    return run(MEDSEC, "checkin", "verify", t("judge.cbor"), "--device-pub", t("other.pub"),
               "--json")


good = sign1(cbor2.dumps(fields(), canonical=True))
rc, out, err = medsec_verify(good)
check(rc == 0 and json.loads(out)["install_result"] == -23 and json.loads(out)["counter"] == 9,
      "a check-in the judge encoded is accepted by medsec " + err.strip())


def raw_map(pairs):
    """A map from already encoded (key, value) pairs, in the given order."""
    head = cbor2.dumps({})[:0]
    n = len(pairs)
    head = bytes([0xa0 + n]) if n < 24 else bytes([0xb8, n])
    return head + b"".join(cbor2.dumps(k) + v for k, v in pairs)


base = [(k, cbor2.dumps(v, canonical=True)) for k, v in sorted(fields().items())]
cases = [
    ("unknown key", raw_map(base + [(15, cbor2.dumps(0))]), "unknown key 15"),
    ("duplicate key", raw_map(base[:2] + [base[1]] + base[2:]), "counter"),
    ("missing field", raw_map(base[:-1]), "bundle_digest"),
    ("keys out of order", raw_map([base[1], base[0]] + base[2:]), "device_id"),
    ("keys out of order later", raw_map(base[:3] + [base[4], base[3]] + base[5:]), "order"),
    ("counter as text", raw_map(base[:1] + [(2, cbor2.dumps("9"))] + base[2:]), "counter"),
    ("short device id", raw_map([(1, cbor2.dumps(b"\x00" * 15))] + base[1:]), "device_id"),
    ("slot 256", raw_map(base[:5] + [(6, cbor2.dumps(256))] + base[6:]), "slot"),
    ("install result out of range",
     raw_map(base[:12] + [(13, cbor2.dumps(-2**31 - 1))] + base[13:]), "install_result"),
    ("long head", raw_map(base[:1] + [(2, b"\x18\x09")] + base[2:]), "deterministic"),
    ("version with a newline", raw_map(base[:4] + [(5, cbor2.dumps("3.0\n"))] + base[5:]),
     "version"),
    ("payload with trailing bytes", cbor2.dumps(fields(), canonical=True) + b"\x00",
     "after the map"),
    ("indefinite map", b"\xbf" + b"".join(cbor2.dumps(k) + v for k, v in base) + b"\xff",
     "payload"),
]
for what, payload, word in cases:
    rc, out, err = medsec_verify(sign1(payload))
    check(rc == 2 and word in err, "refused: %s (%s)" % (what, err.strip().splitlines()[0]))
    check(judge_ok(sign1(payload), opub) is None, "the judge refuses it too: %s" % what)
pl = cbor2.dumps(fields(), canonical=True)
envelope_cases = [
    ("no tag", sign1(pl, tag=False), "tag 18"),
    ("another algorithm", sign1(pl, prot=cbor2.dumps({1: -7, 3: CT})), "protected header"),
    ("an unprotected kid", sign1(pl, unprot=cbor2.dumps({4: b"k"})), "unprotected header"),
    ("trailing bytes", good + b"\x00", "trailing"),
    ("short signature", sign1(pl, sig=b"\x00" * 63), "64"),
    ("oversized", good + b"\x00" * 5000, "4096"),
]
for what, data, word in envelope_cases:
    rc, out, err = medsec_verify(data)
    check(rc == 2 and word in err, "refused: %s (%s)" % (what, err.strip().splitlines()[0]))

if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("all checks passed")
