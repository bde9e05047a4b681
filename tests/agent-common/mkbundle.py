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
    common = {2: [[bytes([i])] for i in range(ncomp)], 4: seq(shared)}
    manifest = {1: 1, 2: args.sequence, 3: cbor2.dumps(common), 7: seq(validate),
                9: seq(([12, 0] if ncomp > 1 or args.set_index else []) + [23, 2]),
                20: seq(install)}
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
    p.add_argument("--release-version", help="medsec metadata (-257): release version")
    p.add_argument("--sbom", help="medsec metadata: SBOM file (digest and name)")
    p.add_argument("--notes-uri", help="medsec metadata: release notes uri")
    p.add_argument("--model", help="medsec metadata: device model")
    p.add_argument("--no-tag", action="store_true", help="leave out tag 107")
    add_id_args(p)
    p.add_argument("out")
    p.set_defaults(fn=cmd_envelope)

    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
