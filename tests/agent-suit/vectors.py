#!/usr/bin/python3
"""vectors.py: the outside judge for the agent's SUIT reading. Every example envelope of
../shared/data/vectors/suit whose authentication wrapper holds a COSE_Sign1 with an ECDSA P-256
algorithm (-7 ES256, or its fully specified twin -9 ESP256) must verify with the examples' trust
anchor key, streamed in chunks of several sizes; and the agent's plan (sequence number, components,
per-component parameters, the commands of each sequence) must equal an independent reading of the
same file with python3-cbor2 written here from draft-ietf-suit-manifest-34.

usage: vectors.py MSA_SUIT_DUMP SHARED_DATA_DIR       (exit 77 when the data is absent)
"""
import copy
import glob
import hashlib
import json
import os
import subprocess
import sys

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_der_public_key

SEQS = [("shared", None), ("dependency-resolution", 15), ("payload-fetch", 16), ("install", 20),
        ("validate", 7), ("load", 8), ("invoke", 9), ("uninstall", 24)]
SEVERABLE = {15, 16, 20, 23}


def untag(x, tag=None):
    if isinstance(x, cbor2.CBORTag) and (tag is None or x.tag == tag):
        return x.value
    return x


def signer_alg(env):
    """alg of the first COSE_Sign1 of the authentication wrapper, or None (COSE_Mac0, ...)."""
    auth = cbor2.loads(env[2])
    block = cbor2.loads(auth[1])
    if not (isinstance(block, cbor2.CBORTag) and block.tag == 18):
        return None
    return cbor2.loads(block.value[0]).get(1)


def es256_verifies(env, pub):
    auth = cbor2.loads(env[2])
    for b in auth[1:]:
        s = untag(cbor2.loads(b), 18)
        tbs = cbor2.dumps(["Signature1", s[0], b"", auth[0]])
        sig = s[3]
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
        pub.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
    digest = cbor2.loads(auth[0])
    return digest[0] == -16 and hashlib.sha256(cbor2.dumps(env[3])).digest() == digest[1]


class Reader:
    """An independent interpretation of the manifest's command sequences, by the same rules the
    agent documents (docs/suit.md): parameters merge per component over all sequences, the last
    value set wins; try-each takes the first alternative whose conditions hold, component-slot
    compared with slot 0; only top-level commands are listed."""

    def __init__(self, env):
        self.env = env
        self.m = cbor2.loads(env[3])
        common = cbor2.loads(self.m[3])
        self.comps = [{"dependency": False, "id": [c.hex() for c in cid]} for cid in common[2]]
        for idx in sorted(common.get(1, {})):
            assert idx == len(self.comps), "dependency indices follow the components"
            prefix = common[1][idx].get(1)
            self.comps.append({"dependency": True,
                               "id": [c.hex() for c in prefix] if prefix is not None else []})
        self.params = [{} for _ in self.comps]
        self.sequences = {}
        self.shared = common.get(4)

    def member(self, key):
        v = self.m.get(key)
        if isinstance(v, list):  # severed: a SUIT_Digest of the envelope's member
            if key not in self.env:
                return None, True, True
            item = cbor2.dumps(self.env[key])
            assert hashlib.sha256(item).digest() == v[1]
            return self.env[key], True, False
        return v, False, False

    def run(self, seq, sel, top):
        failed = False
        cmds = []
        for i in range(0, len(seq), 2):
            code, arg = seq[i], seq[i + 1]
            if top:
                cmds.append([code, arg if (isinstance(arg, int) and arg >= 0) or isinstance(arg, bool)
                             else None])
            if code == 12:
                sel = (list(range(len(self.comps))) if arg is True else
                       list(arg) if isinstance(arg, list) else [arg])
            elif code in (19, 20):
                for k in sel:
                    for pk, pv in arg.items():
                        if code == 20 or pk not in self.params[k]:
                            self.params[k][pk] = pv
            elif code == 15:
                saved = copy.deepcopy(self.params)
                ok = False
                for alt in arg:
                    if alt is None:
                        ok = True
                        break
                    f, sel2, _ = self.run(cbor2.loads(alt), sel, False)
                    if not f:
                        ok = True
                        sel = sel2
                        break
                    self.params = copy.deepcopy(saved)
                failed = not ok
            elif code == 34:  # override-multiple
                for k, pm in arg.items():
                    self.params[k].update(pm)
            elif code == 35:  # copy-params
                for src, keys in arg.items():
                    for k in sel:
                        if k == src:
                            continue
                        for pk in keys:
                            if pk in self.params[src]:
                                self.params[k][pk] = self.params[src][pk]
                            else:
                                self.params[k].pop(pk, None)
            elif code == 32:  # run-sequence: nested, its component index stays inside
                failed, _, _ = self.run(cbor2.loads(arg), sel, False)
            elif code == 5:
                failed = any(self.params[k].get(5, 0) != 0 for k in sel)
            if failed:
                break
        return failed, sel, cmds

    def plan(self):
        seqs = {}
        for name, key in SEQS:
            if key is None:
                if self.shared is None:
                    continue
                raw, severed, missing = self.shared, False, False
            else:
                if key not in self.m:
                    continue
                raw, severed, missing = self.member(key)
            entry = {"severed": severed, "missing": missing, "commands": []}
            if raw is not None:
                failed, _, entry["commands"] = self.run(cbor2.loads(raw), [0], True)
                assert not failed
            seqs[name] = entry
        comps = []
        for k, c in enumerate(self.comps):
            p = self.params[k]
            out = dict(c)
            if 1 in p:
                out["vendor"] = p[1].hex()
            if 2 in p:
                out["class"] = p[2].hex()
            if 3 in p:
                d = cbor2.loads(p[3])
                out["digest"] = [d[0], d[1].hex()]
            for pk, name in ((14, "size"), (21, "uri"), (5, "slot")):
                if pk in p:
                    out[name] = p[pk]
            out["encrypted"] = 19 in p
            uri = p.get(21)
            out["verified"] = bool(not c["dependency"] and not out["encrypted"] and
                                   isinstance(uri, str) and uri in self.env and 3 in p and
                                   hashlib.sha256(self.env[uri]).digest() == cbor2.loads(p[3])[1])
            comps.append(out)
        return {"sequence": self.m[2], "components": comps, "sequences": seqs}


def agent(dump, key, path, *extra):
    seq = [] if "--one-shot" in extra else ["--any-sequence"]
    r = subprocess.run([dump, "--es256-spki", key, *seq, *extra, path],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise SystemExit("%s: msa-suit-dump failed: %s" % (path, r.stderr))
    return json.loads(r.stdout)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    dump, data = sys.argv[1], os.path.join(sys.argv[2], "vectors", "suit")
    key = os.path.join(data, "key", "trust_anchor_secp256r1_pub.der")
    if not os.path.exists(key):
        print("vectors: %s absent, skipped" % data)
        return 77
    with open(key, "rb") as f:
        pub = load_der_public_key(f.read())
    signed = other = 0
    bad = []
    for path in sorted(glob.glob(os.path.join(data, "*.suit"))):
        name = os.path.basename(path)
        with open(path, "rb") as f:
            env = untag(cbor2.loads(f.read()), 107)
        alg = signer_alg(env)
        if alg not in (-7, -9):
            other += 1
            got = agent(dump, key, path)
            print("%-26s alg %s (not ECDSA P-256): agent says %s" % (name, alg, got["result"]))
            if got["result"] != "MSA_E_UNSUPPORTED":
                bad.append("%s: a non-Sign1 wrapper gave %s" % (name, got["result"]))
            continue
        signed += 1
        if not es256_verifies(env, pub):
            bad.append("%s: python's own check of the signature failed" % name)
            continue
        want = Reader(env).plan()
        runs = [[], ["--chunk", "1"], ["--seed", "7", "--chunk", "23"]]
        if want["sequence"] > 0:  # in memory, against a device one version behind
            runs.append(["--one-shot", "--counter", str(want["sequence"] - 1)])
        for extra in runs:
            got = agent(dump, key, path, *extra)
            if got["result"] != "MSA_OK":
                bad.append("%s %s: agent says %s" % (name, " ".join(extra), got["result"]))
                continue
            mine = {"sequence": got["sequence"], "components": got["components"],
                    "sequences": {n: {k: v for k, v in s.items() if k != "unsupported"}
                                  for n, s in got["sequences"].items()}}
            if mine != want:
                bad.append("%s %s: plans differ\n agent:  %s\n python: %s" %
                           (name, " ".join(extra), json.dumps(mine, sort_keys=True),
                            json.dumps(want, sort_keys=True)))
        # encrypted payloads (firmware-encryption examples): authentic, but not decrypted here
        for k, comp in enumerate(want["components"]):
            if not comp["encrypted"]:
                continue
            got = agent(dump, key, path, "--payload", "%d=%s" % (k, path))
            if got["result"] != "MSA_E_UNSUPPORTED":
                bad.append("%s: encrypted payload of component %d gave %s" %
                           (name, k, got["result"]))
            else:
                print("%-26s component %d is encrypted: authenticated, its payload "
                      "MSA_E_UNSUPPORTED" % (name, k))
        ncmd = sum(len(s["commands"]) for s in want["sequences"].values())
        print("%-26s alg %d: verified, sequence %d, %d components, %d sequences, %d commands" %
              (name, alg, want["sequence"], len(want["components"]), len(want["sequences"]), ncmd))
    print("vectors: %d ECDSA-signed envelopes, %d others; %d problems" % (signed, other, len(bad)))
    for b in bad:
        print("FAIL", b)
    if signed != 19:
        print("FAIL: expected 19 ECDSA P-256 signed envelopes, found %d" % signed)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
