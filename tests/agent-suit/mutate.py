#!/usr/bin/python3
"""mutate.py: mutation tests of the agent's streaming verifier (msa-suit-dump). For several SUIT
example envelopes and several of our own bundles (made by tests/agent-common/mkbundle.py) it
  - flips each byte (xor 0x01 and xor 0xff),
  - truncates at each length,
  - swaps each pair of envelope members and each pair of manifest members,
and checks the agent's answer. A mutation is rejected with the error its place calls for:
  manifest content -> MSA_E_DIGEST (the authenticated digest covers it)
  digest bytes, signature bytes -> MSA_E_SIGNATURE; a signature's kid -> MSA_E_KEY_UNKNOWN
  an integrated image -> MSA_E_IMAGE_DIGEST; a severed member -> MSA_E_DIGEST
  a certificate -> MSA_E_KEY_UNKNOWN (no usable certificate for the signer)
  a truncated bundle -> MSA_E_TRUNCATED; a manifest with members swapped -> MSA_E_DIGEST
  CBOR heads and keys -> a rejection (the error depends on what the bytes turn into)
A mutation may be accepted only when (a) the agent's plan is the same as the original's and
(b) python3-cbor2 finds every authenticated part unchanged (manifest, digest, protected headers and
signatures, certificates, revocation list, component images): then only unauthenticated bytes moved
(an unprotected COSE header, the order of envelope members, a dependency's bytes that the agent
does not process). Each accepted mutation is counted and listed by its reason.

usage: mutate.py MSA_SUIT_DUMP MKBUNDLE_PY SHARED_DATA_DIR
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

import cbor2

BAD_ANY = {"MSA_E_CBOR", "MSA_E_TRUNCATED", "MSA_E_UNSUPPORTED", "MSA_E_LIMIT", "MSA_E_STRUCTURE",
           "MSA_E_SIGNATURE", "MSA_E_KEY_UNKNOWN", "MSA_E_DIGEST", "MSA_E_BAD_KEY",
           "MSA_E_IMAGE_DIGEST", "MSA_E_IMAGE_SIZE", "MSA_E_KEY_REVOKED", "MSA_E_CONDITION"}
EXPECT = {
    "manifest": {"MSA_E_DIGEST"},
    "severed": {"MSA_E_DIGEST"},
    "hash": {"MSA_E_SIGNATURE"},
    "sig": {"MSA_E_SIGNATURE"},
    "kid": {"MSA_E_KEY_UNKNOWN"},
    "payload": {"MSA_E_IMAGE_DIGEST"},
    "cert": {"MSA_E_KEY_UNKNOWN"},
    "digestenc": {"MSA_E_SIGNATURE", "MSA_E_CBOR", "MSA_E_STRUCTURE", "MSA_E_UNSUPPORTED",
                  "MSA_E_TRUNCATED"},
    "protected": {"MSA_E_SIGNATURE", "MSA_E_UNSUPPORTED", "MSA_E_CBOR", "MSA_E_STRUCTURE",
                  "MSA_E_TRUNCATED", "MSA_E_KEY_UNKNOWN"},
    "rl": {"MSA_E_SIGNATURE", "MSA_E_KEY_UNKNOWN", "MSA_E_CBOR", "MSA_E_STRUCTURE",
           "MSA_E_UNSUPPORTED", "MSA_E_TRUNCATED", "MSA_E_LIMIT"},
    "unprotected": BAD_ANY,
    "dep-payload": BAD_ANY,
    "other": BAD_ANY,
}


# ---- an offset-aware walk of the envelope (definite lengths only) ------------------------------
def head(b, o):
    ib = b[o]
    major, ai = ib >> 5, ib & 31
    if ai < 24:
        return major, ai, 1
    n = 1 << (ai - 24)
    return major, int.from_bytes(b[o + 1:o + 1 + n], "big"), 1 + n


def skip(b, o):
    major, arg, h = head(b, o)
    o += h
    if major in (2, 3):
        return o + arg
    if major == 4:
        for _ in range(arg):
            o = skip(b, o)
    elif major == 5:
        for _ in range(2 * arg):
            o = skip(b, o)
    elif major == 6:
        o = skip(b, o)
    return o


def mark(kinds, a, z, kind):
    for i in range(a, z):
        kinds[i] = kind


def walk_sign1(b, o, kinds):
    major, arg, h = head(b, o)
    if major == 6:
        o += h
    _, _, h = head(b, o)  # array of 4
    o += h
    _, plen, h = head(b, o)  # protected bstr
    o += h
    pend = o + plen
    mark(kinds, o, pend, "protected")
    _, n, h = head(b, o)
    p = o + h
    for _ in range(n):
        kmaj, key, kh = head(b, p)
        vend = skip(b, p + kh)
        if key == 4 and kmaj == 0:
            _, _, vh = head(b, p + kh)
            mark(kinds, p + kh + vh, vend, "kid")
        p = vend
    o = pend
    uend = skip(b, o)
    mark(kinds, o, uend, "unprotected")
    o = skip(b, uend)  # payload (nil)
    _, slen, h = head(b, o)
    mark(kinds, o + h, o + h + slen, "sig")


def regions(b, uris):
    """kind of each byte offset of the envelope b; uris: component uris of images"""
    kinds = ["other"] * len(b)
    o = 2 if b[:2] == b"\xd8\x6b" else 0
    _, pairs, h = head(b, o)
    o += h
    members = []
    for _ in range(pairs):
        start = o
        kmaj, _, kh = head(b, o)
        key = cbor2.loads(b[o:skip(b, o)])
        o = skip(b, o)
        vmaj, vlen, vh = head(b, o)
        vend = skip(b, o)
        c0 = o + vh
        if key == 3:
            mark(kinds, c0, vend, "manifest")
        elif key == 2:
            p = c0
            _, nauth, ah = head(b, p)
            p += ah
            _, dlen, dh = head(b, p)
            p += dh
            mark(kinds, p, p + dlen, "digestenc")
            mark(kinds, p + dlen - 32, p + dlen, "hash")
            p += dlen
            for _ in range(nauth - 1):
                _, slen, sh = head(b, p)
                walk_sign1(b, p + sh, kinds)
                p += sh + slen
        elif key == -258:
            p = c0
            for _ in range(vlen):
                _, clen, ch = head(b, p)
                mark(kinds, p + ch, p + ch + clen, "cert")
                p += ch + clen
        elif key == -259:
            mark(kinds, c0, vend, "rl")
        elif isinstance(key, str):
            mark(kinds, c0, vend, "payload" if key in uris else "dep-payload")
        elif isinstance(key, int) and key > 0:
            mark(kinds, c0, vend, "severed")
        members.append((start, vend, key))
        o = vend
    return kinds, members, (2 if b[:2] == b"\xd8\x6b" else 0)


def authenticated_view(b, uris):
    """the parts of the envelope that authentication covers, as python3-cbor2 reads them"""
    e = cbor2.loads(b)
    if isinstance(e, cbor2.CBORTag):
        e = e.value
    auth = cbor2.loads(e[2])
    sigs = []
    for s in auth[1:]:
        c = cbor2.loads(s)
        c = c.value if isinstance(c, cbor2.CBORTag) else c
        sigs.append((c[0], c[3]))
    return (e[3], auth[0], sigs, e.get(-258), e.get(-259),
            {k: v for k, v in e.items() if isinstance(k, str) and k in uris},
            {k: v for k, v in e.items() if isinstance(k, int) and 0 < k and k not in (2, 3)})


def plan_of(j):
    return {k: v for k, v in j.items() if k not in ("max_rss_kib", "sunk", "revoked")}


class Runner:
    def __init__(self, dump, args, tmp):
        self.dump, self.args, self.tmp = dump, args, tmp

    def run(self, blobs):
        out = []
        for start in range(0, len(blobs), 800):
            part = blobs[start:start + 800]
            paths = []
            for i, blob in enumerate(part):
                p = os.path.join(self.tmp, "m%d.suit" % i)
                with open(p, "wb") as f:
                    f.write(blob)
                paths.append(p)
            r = subprocess.run([self.dump, *self.args, *paths], capture_output=True, text=True)
            lines = r.stdout.splitlines()
            if len(lines) != len(part):
                raise SystemExit("msa-suit-dump gave %d answers for %d bundles: %s" %
                                 (len(lines), len(part), r.stderr))
            out += [json.loads(line) for line in lines]
        return out


def check_bundle(name, blob, runner, report):
    base = runner.run([blob])[0]
    if base["result"] != "MSA_OK":
        report["fail"].append("%s: the original gives %s" % (name, base["result"]))
        return
    uris = {c["uri"] for c in base["components"] if "uri" in c and not c["dependency"]}
    kinds, members, _ = regions(blob, uris)
    view = authenticated_view(blob, uris)
    stats = collections.Counter()

    def judge(what, kind, mutated, got, allowed):
        res = got["result"]
        if res == "MSA_OK":
            try:
                mview = authenticated_view(mutated, uris)
            except Exception:  # noqa: BLE001 - cbor2 cannot read it: not justified
                mview = None
            same = mview == view
            if same and plan_of(got) == plan_of(base) and got["revoked"] == base["revoked"]:
                stats["accepted (%s: unauthenticated, plan unchanged)" % kind] += 1
                return
            # the revocation list is signed on its own and not bound to the manifest: a bundle
            # without it is still authentic (docs/suit.md, "Revocation lists")
            if (mview is not None and view[4] is not None and mview[4] is None and
                    mview[:4] == view[:4] and mview[5:] == view[5:] and
                    plan_of(got) == plan_of(base)):
                stats["accepted (%s: revocation list dropped, plan unchanged)" % kind] += 1
                return
            report["fail"].append("%s %s [%s]: accepted, but %s" %
                                  (name, what, kind, "the plan changed" if same else
                                   "authenticated bytes changed"))
            return
        if res not in allowed:
            report["fail"].append("%s %s [%s]: %s, want one of %s" %
                                  (name, what, kind, res, sorted(allowed)))
            return
        stats["%s -> %s" % (kind, res)] += 1

    # flips
    muts, meta = [], []
    for i in range(len(blob)):
        for x in (0x01, 0xff):
            m = bytearray(blob)
            m[i] ^= x
            muts.append(bytes(m))
            meta.append(("flip %d^%02x" % (i, x), kinds[i]))
    for (what, kind), m, got in zip(meta, muts, runner.run(muts)):
        judge(what, kind, m, got, EXPECT[kind])
    # truncations
    muts = [blob[:n] for n in range(len(blob))]
    for n, (m, got) in enumerate(zip(muts, runner.run(muts))):
        judge("truncate %d" % n, "truncation", m, got, {"MSA_E_TRUNCATED"})
    # swapped envelope members
    muts, meta = [], []
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            order = list(range(len(members)))
            order[i], order[j] = order[j], order[i]
            body = b"".join(blob[members[k][0]:members[k][1]] for k in order)
            muts.append(blob[:members[0][0]] + body + blob[members[-1][1]:])
            keys = [members[k][2] for k in order]
            first_payload = min([n for n, k in enumerate(keys) if isinstance(k, str)] or [99])
            late = [k for n, k in enumerate(keys) if not isinstance(k, str) and n > first_payload]
            if not late:
                allowed = {"MSA_OK"}
            elif 2 in late or 3 in late:
                allowed = {"MSA_E_STRUCTURE"}
            else:
                allowed = {"MSA_E_STRUCTURE", "MSA_E_KEY_UNKNOWN"}
            meta.append(("swap envelope %r<->%r" % (members[i][2], members[j][2]), allowed))
    for (what, allowed), m, got in zip(meta, muts, runner.run(muts) if muts else []):
        if allowed == {"MSA_OK"}:
            judge(what, "member order", m, got, set())
        else:
            judge(what, "member order", m, got, allowed)
    # swapped manifest members (the bstr keeps its length)
    mstart, mend = [(s, e) for s, e, k in members if k == 3][0]
    m_off = mstart + 1
    _, _, vh = head(blob, m_off)
    c0 = m_off + vh
    _, pairs, h = head(blob, c0)
    p = c0 + h
    spans = []
    for _ in range(pairs):
        e = skip(blob, skip(blob, p))
        spans.append((p, e))
        p = e
    muts = []
    for i in range(len(spans)):
        for j in range(i + 1, len(spans)):
            order = list(range(len(spans)))
            order[i], order[j] = order[j], order[i]
            body = b"".join(blob[spans[k][0]:spans[k][1]] for k in order)
            muts.append(blob[:spans[0][0]] + body + blob[spans[-1][1]:])
    for n, (m, got) in enumerate(zip(muts, runner.run(muts) if muts else [])):
        judge("swap manifest #%d" % n, "manifest order", m, got, {"MSA_E_DIGEST"})
    total = sum(stats.values())
    report["total"] += total
    print("%s (%d bytes): %d mutations judged" % (name, len(blob), total))
    for k in sorted(stats):
        print("   %6d  %s" % (stats[k], k))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    dump, mk, data = (os.path.abspath(a) for a in sys.argv[1:])
    report = {"fail": [], "total": 0}
    with tempfile.TemporaryDirectory() as tmp:
        vec = os.path.join(data, "vectors", "suit")
        key = os.path.join(vec, "key", "trust_anchor_secp256r1_pub.der")
        if os.path.exists(key):
            runner = Runner(dump, ["--es256-spki", key, "--any-sequence"], tmp)
            for v in ("exp1", "exp2B", "expI", "expED", "expU2"):
                with open(os.path.join(vec, "suit_manifest_%s.suit" % v), "rb") as f:
                    check_bundle(v, f.read(), runner, report)
        else:
            print("mutate: %s absent, the example envelopes are skipped" % vec)
        # our own bundles
        own = os.path.join(tmp, "own")
        os.mkdir(own)

        def mkb(*args):
            subprocess.run(["/usr/bin/python3", mk, *args], check=True, cwd=own)

        ids = ["--vendor-domain", "example.com", "--class-name", "pump-B"]
        mkb("keygen", "--alg", "eddsa", "root1.json")
        mkb("keygen", "--alg", "es256", "root2.json")
        mkb("keygen", "--alg", "es256", "rel.json")
        mkb("keygen", "--alg", "eddsa", "old.json")
        with open(os.path.join(own, "img.bin"), "wb") as f:
            f.write(bytes(range(256)) * 2)
        mkb("anchor", "--root", "root1.json", "--root", "root2.json", "--k", "1", *ids, "ta1.cbor")
        mkb("anchor", "--root", "root1.json", "--root", "root2.json", "--k", "2", *ids, "ta2.cbor")
        mkb("cert", "--root", "root1.json", "--subject", "rel.json", "--vendor-domain",
            "example.com", "rel.cert")
        mkb("revocation", "--signer", "root2.json", "--number", "4", "--revoke", "old.json",
            "rl.cbor")
        mkb("envelope", "--key", "rel.json", "--cert", "rel.cert", "--revocation", "rl.cbor",
            "--sequence", "7", *ids, "--image", "img.bin", "--release-version", "2.0.1",
            "--model", "pump", "cert.suit")
        mkb("envelope", "--key", "root1.json", "--key", "root2.json", "--no-kid", "--sequence",
            "7", *ids, "--image", "img.bin", "k2.suit")
        for name, anchor in (("cert.suit", "ta1.cbor"), ("k2.suit", "ta2.cbor")):
            runner = Runner(dump, ["--trust", os.path.join(own, anchor), "--counter", "6"], tmp)
            with open(os.path.join(own, name), "rb") as f:
                check_bundle("own " + name, f.read(), runner, report)
    print("mutate: %d mutations judged, %d wrong" % (report["total"], len(report["fail"])))
    for f in report["fail"][:60]:
        print("FAIL", f)
    return 1 if report["fail"] or report["total"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
