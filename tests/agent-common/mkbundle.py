#!/usr/bin/python3
"""mkbundle.py: a TEST-ONLY bundle maker for the medsec agent, written independently of the C code
(python3-cbor2 + python3-cryptography) from the formats in docs/suit.md. The agent's tests use it
to make keys, certificates, revocation lists, trust anchors and SUIT envelopes
(draft-ietf-suit-manifest-34) with integrated or detached payloads.

Commands (each has --help):
  keygen     --alg es256|eddsa OUT.json             a key pair (JSON: alg, private, public, kid)
  kid        KEY.json                               print the key id (hex)
  cert       --root R.json --subject K.json ... OUT a release-key certificate (COSE_Sign1)
  revocation --signer R.json --number N ... OUT     a revocation list (COSE_Sign1)
  anchor     --root R.json [--root ...] --k K ...   a device trust anchor (CBOR)
  envelope   --key K.json ... --sequence N ... OUT  a signed SUIT envelope
  ids        --vendor-domain D --class-name C       print the UUIDv5 vendor and class ids
  check      ENVELOPE...                            check SUIT structure (draft-34 CDDL) with cbor2

Key files are JSON and hold the private key in clear: test keys only.
"""
import argparse
import hashlib
import json
import os
import sys
import uuid

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ALG = {"es256": -7, "eddsa": -8}
SHA256 = -16


# ---- keys --------------------------------------------------------------------------------------
def raw_public(priv):
    if isinstance(priv, ed25519.Ed25519PrivateKey):
        return priv.public_key().public_bytes(serialization.Encoding.Raw,
                                              serialization.PublicFormat.Raw)
    return priv.public_key().public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)


def kid_of(pub):
    return hashlib.sha256(pub).digest()[:16]


def load_key(path):
    with open(path) as f:
        k = json.load(f)
    raw = bytes.fromhex(k["private"])
    if k["alg"] == "eddsa":
        priv = ed25519.Ed25519PrivateKey.from_private_bytes(raw)
    else:
        priv = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    return {"alg": k["alg"], "priv": priv, "pub": raw_public(priv)}


def sign_raw(key, msg):
    if key["alg"] == "eddsa":
        return key["priv"].sign(msg)
    r, s = decode_dss_signature(key["priv"].sign(msg, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign1(key, payload, detached, kid=True, alg=None):
    """A tagged COSE_Sign1 (RFC 9052 4.2) over payload; nil payload when detached."""
    hdr = {1: alg if alg is not None else ALG[key["alg"]]}
    if kid:
        hdr[4] = kid_of(key["pub"])
    protected = cbor2.dumps(hdr)
    tbs = cbor2.dumps(["Signature1", protected, b"", payload])
    return cbor2.CBORTag(18, [protected, {}, None if detached else payload, sign_raw(key, tbs)])


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def hex16(s):
    b = bytes.fromhex(s)
    if len(b) != 16:
        raise argparse.ArgumentTypeError("need 16 bytes of hex")
    return b


def ids(args):
    """vendor = UUIDv5(DNS, domain); class = UUIDv5(vendor, class name), as SUIT's examples."""
    vendor = args.vendor
    if vendor is None and args.vendor_domain:
        vendor = uuid.uuid5(uuid.NAMESPACE_DNS, args.vendor_domain).bytes
    cls = getattr(args, "class_id", None)
    if cls is None and getattr(args, "class_name", None) and vendor is not None:
        cls = uuid.uuid5(uuid.UUID(bytes=vendor), args.class_name).bytes
    return vendor, cls


def add_id_args(p):
    p.add_argument("--vendor", type=hex16, help="vendor id, 16 bytes hex")
    p.add_argument("--vendor-domain", help="vendor id = UUIDv5(DNS namespace, DOMAIN)")
    p.add_argument("--class", dest="class_id", type=hex16, help="class id, 16 bytes hex")
    p.add_argument("--class-name", help="class id = UUIDv5(vendor id, NAME)")


# ---- commands ----------------------------------------------------------------------------------
def cmd_keygen(args):
    if args.alg == "eddsa":
        priv = ed25519.Ed25519PrivateKey.generate()
        raw = priv.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    else:
        priv = ec.generate_private_key(ec.SECP256R1())
        raw = priv.private_numbers().private_value.to_bytes(32, "big")
    pub = raw_public(priv)
    doc = {"alg": args.alg, "private": raw.hex(), "public": pub.hex(), "kid": kid_of(pub).hex()}
    write(args.out, (json.dumps(doc, indent=1) + "\n").encode())


def cmd_kid(args):
    print(kid_of(load_key(args.key)["pub"]).hex())


def cmd_ids(args):
    vendor, cls = ids(args)
    print(json.dumps({"vendor": vendor.hex() if vendor else None,
                      "class": cls.hex() if cls else None}))


def cmd_cert(args):
    root, subj = load_key(args.root), load_key(args.subject)
    vendor, _ = ids(args)
    if vendor is None:
        sys.exit("mkbundle: cert needs --vendor or --vendor-domain")
    body = {1: kid_of(subj["pub"]), 2: ALG[subj["alg"]], 3: subj["pub"], 4: args.not_before,
            5: args.not_after, 6: args.purposes, 7: vendor, 8: args.serial}
    write(args.out, cbor2.dumps(sign1(root, cbor2.dumps(body), detached=False)))


def cmd_revocation(args):
    signer = load_key(args.signer)
    kids = [bytes.fromhex(k) for k in args.revoke_kid]
    kids += [kid_of(load_key(k)["pub"]) for k in args.revoke]
    body = {1: args.number, 2: args.issued, 3: kids}
    write(args.out, cbor2.dumps(sign1(signer, cbor2.dumps(body), detached=False)))


def cmd_anchor(args):
    roots = [load_key(r) for r in args.root]
    vendor, cls = ids(args)
    ta = {1: args.k, 2: [{1: ALG[r["alg"]], 2: r["pub"]} for r in roots]}
    if vendor is not None:
        ta[3] = vendor
    if cls is not None:
        ta[4] = cls
    write(args.out, cbor2.dumps(ta))


def seq(cmds):
    return cbor2.dumps(cmds)


def cmd_envelope(args):
    vendor, cls = ids(args)
    if vendor is None or cls is None:
        sys.exit("mkbundle: envelope needs vendor and class ids")
    images = []  # (bytes, uri, integrated)
    for spec in args.image:
        path, _, uri = spec.partition("=")
        with open(path, "rb") as f:
            data = f.read()
        images.append((data, uri or "#image%d" % len(images), not uri))
    if not images:
        sys.exit("mkbundle: envelope needs at least one --image")
    ncomp = len(images)
    shared, install, validate = [], [], []
    for i, (data, uri, _) in enumerate(images):
        digest = cbor2.dumps([SHA256, hashlib.sha256(data).digest()])
        size = len(data) + args.size_delta
        if ncomp > 1 or args.set_index:
            shared += [12, i]
            install += [12, i]
            validate += [12, i]
        shared += [20, {1: vendor, 2: cls, 3: digest, 14: size}, 1, 15, 2, 15]
        install += [20, {21: uri}, 21, 2, 3, 15]
        validate += [3, 15]
    install += [3, 15] * args.extra_commands
    common = {2: [[bytes([i])] for i in range(ncomp)], 4: seq(shared)}
    manifest = {1: 1, 2: args.sequence, 3: cbor2.dumps(common), 7: seq(validate),
                9: seq(([12, 0] if ncomp > 1 or args.set_index else []) + [23, 2]),
                20: seq(install)}
    if args.deep_member:
        nested = "deep"
        for _ in range(args.deep_member):
            nested = [nested]
        manifest[-300] = nested  # a private member others would skip
    if args.release_version:
        meta = {1: args.release_version}
        if args.sbom:
            with open(args.sbom, "rb") as f:
                meta[2] = [SHA256, hashlib.sha256(f.read()).digest()]
            meta[3] = os.path.basename(args.sbom)
        if args.notes_uri:
            meta[4] = args.notes_uri
        if args.model:
            meta[5] = args.model
        manifest[-257] = meta
    manifest_bstr = cbor2.dumps(manifest)
    digest = cbor2.dumps([SHA256, hashlib.sha256(cbor2.dumps(manifest_bstr)).digest()])
    keys = [load_key(k) for k in args.key]
    if not keys:
        sys.exit("mkbundle: envelope needs at least one --key")
    auth = [digest] + [cbor2.dumps(sign1(k, digest, detached=True, kid=not args.no_kid))
                       for k in keys]
    env = {2: cbor2.dumps(auth), 3: manifest_bstr}
    if args.cert:
        certs = []
        for c in args.cert:
            with open(c, "rb") as f:
                certs.append(f.read())
        env[-258] = certs
    if args.revocation:
        with open(args.revocation, "rb") as f:
            env[-259] = f.read()
    for data, uri, integrated in images:
        if integrated:
            env[uri] = data
    out = cbor2.dumps(env if args.no_tag else cbor2.CBORTag(107, env))
    write(args.out, out)


# ---- check: is a file a valid SUIT envelope (draft-ietf-suit-manifest-34 CDDL, our members)? -----
class Invalid(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Invalid(what)


def is_uint(x):
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def digest_ok(d, what):
    need(isinstance(d, list) and len(d) >= 2 and is_int(d[0]) and isinstance(d[1], bytes),
         what + ": not a SUIT_Digest [alg, bstr]")
    if d[0] == SHA256:
        need(len(d[1]) == 32, what + ": SHA-256 digest not 32 bytes")


def sign1_ok(raw, what, detached):
    s = cbor2.loads(raw) if isinstance(raw, bytes) else raw
    need(isinstance(s, cbor2.CBORTag) and s.tag == 18, what + ": not a tagged COSE_Sign1")
    s = s.value
    need(isinstance(s, list) and len(s) == 4, what + ": COSE_Sign1 is not a 4-array")
    need(isinstance(s[0], bytes) and isinstance(s[1], dict), what + ": bad headers")
    prot = cbor2.loads(s[0])
    need(isinstance(prot, dict) and is_int(prot.get(1)), what + ": protected header lacks alg")
    need((s[2] is None) == detached, what + ": payload should be %s" %
         ("nil" if detached else "attached"))
    need(isinstance(s[3], bytes) and len(s[3]) == 64, what + ": signature not 64 bytes")
    return prot, s[2]


POLICY_CMDS = {1, 2, 3, 4, 5, 6, 7, 8, 14, 18, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 33}


def params_ok(p, what):
    need(isinstance(p, dict) and all(is_int(k) for k in p), what + ": parameters not an int map")
    for k, t in ((1, bytes), (2, bytes), (21, str)):
        if k in p:
            need(isinstance(p[k], t), "%s: parameter %d has the wrong type" % (what, k))
    for k in (1, 2):
        if k in p:
            need(len(p[k]) == 16, "%s: parameter %d is not 16 bytes" % (what, k))
    if 3 in p:
        need(isinstance(p[3], bytes), what + ": image-digest not a bstr")
        digest_ok(cbor2.loads(p[3]), what + ": image-digest")
    for k in (5, 14):
        if k in p:
            need(is_uint(p[k]), "%s: parameter %d not a uint" % (what, k))


def seq_ok(raw, what, depth=0):
    need(isinstance(raw, bytes), what + ": command sequence not a bstr")
    cmds = cbor2.loads(raw)
    need(isinstance(cmds, list) and len(cmds) % 2 == 0 and cmds, what + ": not an even array")
    for i in range(0, len(cmds), 2):
        code, arg = cmds[i], cmds[i + 1]
        w = "%s: command %d (%r)" % (what, i // 2, code)
        need(is_int(code), w + ": code not an int")
        if code in POLICY_CMDS:
            need(is_uint(arg), w + ": reporting policy not a uint")
        elif code == 12:
            need(is_uint(arg) or arg is True or
                 (isinstance(arg, list) and all(is_uint(x) for x in arg)), w + ": bad index")
        elif code in (19, 20):
            params_ok(arg, w)
        elif code == 15:
            need(isinstance(arg, list) and arg, w + ": try-each not an array")
            for alt in arg:
                if alt is not None:
                    seq_ok(alt, w, depth + 1)
        elif code == 32:
            seq_ok(arg, w, depth + 1)
    return cmds


def check_envelope(data):
    env = cbor2.loads(data)
    if isinstance(env, cbor2.CBORTag):
        need(env.tag == 107, "envelope tag is not 107")
        env = env.value
    need(isinstance(env, dict), "envelope is not a map")
    need(2 in env and 3 in env, "envelope lacks authentication-wrapper (2) or manifest (3)")
    for k, v in env.items():
        need(is_int(k) or isinstance(k, str), "envelope key %r neither int nor text" % (k,))
        if k != -258:
            need(isinstance(v, bytes), "envelope member %r is not a bstr" % (k,))
    auth = cbor2.loads(env[2])
    need(isinstance(auth, list) and len(auth) >= 2, "authentication wrapper: not [digest, sig+]")
    digest = cbor2.loads(auth[0])
    digest_ok(digest, "authentication digest")
    need(digest[1] == hashlib.sha256(cbor2.dumps(env[3])).digest(),
         "authentication digest does not match the manifest bstr")
    kids = [sign1_ok(a, "signature %d" % i, True)[0].get(4) for i, a in enumerate(auth[1:])]
    m = cbor2.loads(env[3])
    need(isinstance(m, dict), "manifest is not a map")
    need(m.get(1) == 1, "manifest-version is not 1")
    need(is_uint(m.get(2)), "manifest-sequence-number missing or not a uint")
    need(isinstance(m.get(3), bytes), "common missing or not a bstr")
    common = cbor2.loads(m[3])
    need(isinstance(common, dict), "common is not a map")
    comps = common.get(2)
    need(isinstance(comps, list) and comps and
         all(isinstance(c, list) and all(isinstance(b, bytes) for b in c) for c in comps),
         "components: not a non-empty array of arrays of bstr")
    if 4 in common:
        seq_ok(common[4], "shared-sequence")
    seqs = {}
    for key, name in ((7, "validate"), (8, "load"), (9, "invoke"), (15, "dependency-resolution"),
                      (16, "payload-fetch"), (20, "install"), (24, "uninstall")):
        if key not in m:
            continue
        v = m[key]
        if isinstance(v, list) and key in (15, 16, 20):
            digest_ok(v, name + " (severed)")
            if key in env:
                need(hashlib.sha256(cbor2.dumps(env[key])).digest() == v[1],
                     name + ": severed member does not match its digest")
                v = env[key]
            else:
                continue
        seqs[name] = len(seq_ok(v, name)) // 2
    if 23 in m:
        t = m[23]
        if isinstance(t, list):
            digest_ok(t, "text (severed)")
        else:
            need(isinstance(cbor2.loads(t), dict), "text is not a map")
    if -257 in m:
        md = m[-257]
        need(isinstance(md, dict), "medsec metadata (-257) is not a map")
        for k, t in ((1, str), (3, str), (4, str), (5, str)):
            if k in md:
                need(isinstance(md[k], t), "medsec metadata member %d has the wrong type" % k)
        if 2 in md:
            digest_ok(md[2], "medsec SBOM digest")
    certs = env.get(-258, [])
    need(isinstance(certs, list), "certificates (-258) not an array")
    for i, c in enumerate(certs):
        need(isinstance(c, bytes), "certificate %d is not a bstr" % i)
        _, body = sign1_ok(c, "certificate %d" % i, False)
        b = cbor2.loads(body)
        need(isinstance(b, dict) and all(k in b for k in range(1, 9)),
             "certificate %d: payload lacks a member 1..8" % i)
    if -259 in env:
        _, body = sign1_ok(env[-259], "revocation list", False)
        b = cbor2.loads(body)
        need(isinstance(b, dict) and is_uint(b.get(1)) and isinstance(b.get(3), list),
             "revocation list: payload not {1: number, 3: [kids]}")
    for k, v in env.items():
        if isinstance(k, str):
            need(any(isinstance(p, bytes) for p in [v]), "payload %s not a bstr" % k)
    return {"sequence": m[2], "components": len(comps), "signatures": len(auth) - 1,
            "kids": [k.hex() if isinstance(k, bytes) else None for k in kids],
            "sequences": seqs, "certificates": len(certs), "revocation": -259 in env,
            "payloads": sorted(k for k in env if isinstance(k, str)), "medsec": -257 in m}


def cmd_check(args):
    bad = 0
    for path in args.files:
        with open(path, "rb") as f:
            data = f.read()
        try:
            summary = check_envelope(data)
            print(json.dumps({"file": path, "valid": True, **summary}))
        except (Invalid, ValueError, KeyError, TypeError, IndexError, cbor2.CBORDecodeError) as e:
            print(json.dumps({"file": path, "valid": False, "why": str(e)}))
            bad += 1
    sys.exit(1 if bad else 0)


def main():
    ap = argparse.ArgumentParser(prog="mkbundle.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("keygen", help="make a key pair (JSON, test only)")
    p.add_argument("--alg", choices=sorted(ALG), default="eddsa")
    p.add_argument("out")
    p.set_defaults(fn=cmd_keygen)

    p = sub.add_parser("kid", help="print a key's id")
    p.add_argument("key")
    p.set_defaults(fn=cmd_kid)

    p = sub.add_parser("ids", help="print UUIDv5 vendor and class ids")
    add_id_args(p)
    p.set_defaults(fn=cmd_ids)

    p = sub.add_parser("cert", help="certify a release key with a root key")
    p.add_argument("--root", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--not-before", type=int, default=0)
    p.add_argument("--not-after", type=int, default=4102444800)  # 2100-01-01
    p.add_argument("--purposes", type=int, default=1, help="1 release, 2 revocation, 4 decommission")
    p.add_argument("--serial", type=int, default=1)
    add_id_args(p)
    p.add_argument("out")
    p.set_defaults(fn=cmd_cert)

    p = sub.add_parser("revocation", help="a revocation list signed by a root (or a certified key)")
    p.add_argument("--signer", required=True)
    p.add_argument("--number", type=int, required=True)
    p.add_argument("--issued", type=int, default=0)
    p.add_argument("--revoke", action="append", default=[], help="key file whose id to revoke")
    p.add_argument("--revoke-kid", action="append", default=[], help="key id (hex) to revoke")
    p.add_argument("out")
    p.set_defaults(fn=cmd_revocation)

    p = sub.add_parser("anchor", help="a device trust anchor")
    p.add_argument("--root", action="append", required=True)
    p.add_argument("--k", type=int, default=1)
    add_id_args(p)
    p.add_argument("out")
    p.set_defaults(fn=cmd_anchor)

    p = sub.add_parser("envelope", help="a signed SUIT envelope")
    p.add_argument("--key", action="append", default=[], help="signing key (repeat for k of n)")
    p.add_argument("--no-kid", action="store_true", help="leave the kid out of the signatures")
    p.add_argument("--cert", action="append", default=[], help="certificate to carry (-258)")
    p.add_argument("--revocation", help="revocation list to carry (-259)")
    p.add_argument("--sequence", type=int, required=True)
    p.add_argument("--image", action="append", default=[],
                   help="FILE (integrated as #imageN) or FILE=URI (detached); one per component")
    p.add_argument("--size-delta", type=int, default=0, help="test: add this to image-size")
    p.add_argument("--set-index", action="store_true", help="set-component-index even for one")
    p.add_argument("--extra-commands", type=int, default=0,
                   help="test: append N condition-image-match commands to install")
    p.add_argument("--deep-member", type=int, default=0,
                   help="test: a private manifest member (-300) nesting N arrays")
    p.add_argument("--release-version", help="medsec metadata (-257): release version")
    p.add_argument("--sbom", help="medsec metadata: SBOM file (digest and name)")
    p.add_argument("--notes-uri", help="medsec metadata: release notes uri")
    p.add_argument("--model", help="medsec metadata: device model")
    p.add_argument("--no-tag", action="store_true", help="leave out tag 107")
    add_id_args(p)
    p.add_argument("out")
    p.set_defaults(fn=cmd_envelope)

    p = sub.add_parser("check", help="check files are valid SUIT envelopes (exit 1 if not)")
    p.add_argument("files", nargs="+")
    p.set_defaults(fn=cmd_check)

    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
