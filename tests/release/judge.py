#!/usr/bin/python3
"""judge.py: an outside judge of medsec's release bundles, written against the specifications and
independent of medsec's code: Debian's python3-cbor2 decodes the envelope and python3-cryptography
checks every signature.

usage: judge.py envelope BUNDLE --anchor FILE [--payload FILE] [--expect-sequence N]
                [--expect-signers N] [--vendor-domain D --model M [--hardware H]]
       judge.py examples SUIT_DIR [MEDSEC]   (self-check: the drafts' ES256 examples pass this
                judge; with MEDSEC, `medsec release inspect` reads each as the judge does)

Checks (draft-ietf-suit-manifest-34, RFC 9052/9053, RFC 8949, docs/suit.md, docs/release.md):
- the envelope is tag 107 around a map; the authentication wrapper is a bstr holding an array whose
  first member is a bstr .cbor SUIT_Digest [-16, h32] and the others bstr .cbor COSE_Sign1 (tag 18)
  with detached payload; the manifest digest equals SHA-256 of the manifest bstr's content;
- every COSE_Sign1 verifies over Sig_structure ["Signature1", protected, h'', digest bstr] with a
  key the trust anchor or a carried certificate gives; the protected kid is the key's id;
- certificates and the revocation list are COSE_Sign1 by a root of the anchor and verify; the
  release keys are within validity, have the signing purpose and the anchor's vendor;
- at least k distinct roots vouch (the anchor's threshold);
- the manifest: version 1, sequence number, common with components and a shared sequence, every
  command sequence a bstr .cbor array of (command, argument) pairs with known command numbers;
  vendor/class ids equal the anchor's (and UUIDv5 of the given names); image digest and size match
  the payload (integrated "#image0" or --payload);
- our metadata member -257 is a map with the documented keys and types.
Exit 0 when every check passes, 1 otherwise (each failure printed), 77 when the judge cannot run.
"""
import hashlib
import sys
import time
import uuid

try:
    import cbor2
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
except ImportError as e:  # pragma: no cover
    print(f"skip: {e}")
    sys.exit(77)

ES256, EDDSA, ESP256 = -7, -8, -9
# the commands our envelopes use (docs/suit.md); the drafts' examples may use any number
OUR_COMMANDS = {1, 2, 3, 12, 15, 20, 21, 23}
COMMANDS = OUR_COMMANDS
SEQUENCE_KEYS = {7: "validate", 8: "load", 9: "invoke", 16: "payload-fetch", 20: "install",
                 24: "uninstall", 15: "dependency-resolution"}

failures = []
STRICT = False  # our envelopes: every nested item in deterministic encoding too


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def untag(item, tag):
    if isinstance(item, cbor2.CBORTag):
        if item.tag != tag:
            raise ValueError(f"tag {item.tag} where {tag} was expected")
        return item.value
    return item


def strict_loads(data, what):
    """Decode one CBOR item that must use all of @data."""
    if not isinstance(data, (bytes, bytearray)):
        raise ValueError(f"{what}: a bstr was expected")
    from io import BytesIO
    f = BytesIO(data)
    item = cbor2.CBORDecoder(f).decode()
    if f.tell() != len(data):
        raise ValueError(f"{what}: {len(data) - f.tell()} bytes after the item")
    return item


def judge_now():
    """Unix seconds: MEDSEC_NOW (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) when set, as medsec reads it."""
    import calendar
    import os
    t = os.environ.get("MEDSEC_NOW")
    if not t:
        return int(time.time())
    fmt = "%Y-%m-%dT%H:%M:%SZ" if "T" in t else "%Y-%m-%d"
    return calendar.timegm(time.strptime(t, fmt))


def deterministic(data, what):
    """RFC 8949 4.2: the bytes are the deterministic encoding of what they decode to (shortest
    heads, definite lengths, map keys in order; for our keys bytewise and length-first order agree,
    which is what cbor2's canonical mode writes)."""
    if cbor2.dumps(cbor2.loads(data), canonical=True) != bytes(data):
        fail(f"{what}: not in deterministic encoding (RFC 8949 4.2)")


def public_key(alg, raw):
    if alg in (ES256, ESP256):
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), bytes(raw))
    if alg == EDDSA:
        return ed25519.Ed25519PublicKey.from_public_bytes(bytes(raw))
    raise ValueError(f"unknown algorithm {alg}")


def raw_public(key):
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key.public_bytes(serialization.Encoding.X962,
                            serialization.PublicFormat.UncompressedPoint)


def kid_of(key):
    return hashlib.sha256(raw_public(key)).digest()[:16]


def verify_raw(key, alg, sig, msg):
    try:
        if alg == EDDSA:
            key.verify(sig, msg)
        else:
            if len(sig) != 64:
                return False
            der = encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                       int.from_bytes(sig[32:], "big"))
            key.verify(der, msg, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def sign1_parts(item, what):
    """(protected map, protected bstr, payload, signature) of a COSE_Sign1."""
    arr = untag(item, 18)
    if not isinstance(arr, list) or len(arr) != 4:
        raise ValueError(f"{what}: COSE_Sign1 is an array of 4")
    prot_b, unprot, payload, sig = arr
    if not isinstance(unprot, dict):
        raise ValueError(f"{what}: unprotected header is not a map")
    prot = strict_loads(prot_b, what + " protected header") if prot_b else {}
    if not isinstance(prot, dict) or not isinstance(prot.get(1), int):
        raise ValueError(f"{what}: protected header has no alg")
    return prot, prot_b, payload, sig


def check_sign1(item, key, what, detached_payload=None):
    prot, prot_b, payload, sig = sign1_parts(item, what)
    if detached_payload is not None:
        if payload is not None:
            fail(f"{what}: payload should be detached (nil)")
        payload = detached_payload
    tbs = cbor2.dumps(["Signature1", prot_b, b"", payload])
    return verify_raw(key, prot[1], sig, tbs), payload


def check_sequence(b, what):
    if isinstance(b, list) and len(b) == 2 and b[0] == -16:
        return []  # a severed member: only its digest is here
    seq = strict_loads(b, what)
    if STRICT:
        deterministic(b, what)
    if not isinstance(seq, list) or len(seq) % 2:
        fail(f"{what}: a command sequence is an array of (command, argument) pairs")
        return []
    for i in range(0, len(seq), 2):
        cmd, arg = seq[i], seq[i + 1]
        if not isinstance(cmd, int) or cmd not in COMMANDS:
            fail(f"{what}: unknown command {cmd!r} at {i}")
        if cmd == 15:  # try-each: an array of bstr .cbor sequences (or nil)
            if not isinstance(arg, list):
                fail(f"{what}: try-each argument is not an array")
            for j, alt in enumerate(arg if isinstance(arg, list) else []):
                if alt is not None:
                    check_sequence(alt, f"{what} try-each {j}")
        elif cmd == 20 and not isinstance(arg, dict):
            fail(f"{what}: override-parameters takes a map")
    return seq


def decode_manifest(mb):
    m = strict_loads(mb, "manifest")
    if not isinstance(m, dict):
        raise ValueError("the manifest is not a map")
    if m.get(1) != 1:
        fail("manifest-version is not 1")
    if not isinstance(m.get(2), int) or m[2] < 0:
        fail("manifest-sequence-number is not an unsigned integer")
    common = strict_loads(m[3], "common")
    if STRICT:
        deterministic(m[3], "common")
    if not isinstance(common.get(2), list) or not all(
            isinstance(c, list) and all(isinstance(x, bytes) for x in c) for c in common[2]):
        fail("common components are not arrays of bstr")
    params = {}
    if 4 in common:
        seq = check_sequence(common[4], "shared-sequence")
        for i in range(0, len(seq) - 1, 2):
            if seq[i] == 20 and isinstance(seq[i + 1], dict):
                params.update(seq[i + 1])
    for k, name in SEQUENCE_KEYS.items():
        if k in m:
            seq = check_sequence(m[k], name)
            for i in range(0, len(seq) - 1, 2):
                if seq[i] == 20 and isinstance(seq[i + 1], dict):
                    params.update(seq[i + 1])
    return m, params


def check_metadata(meta):
    if not isinstance(meta, dict):
        fail("-257 is not a map")
        return
    types = {1: str, 2: list, 3: str, 4: str, 5: str}
    for k, v in meta.items():
        if k not in types or not isinstance(v, types[k]):
            fail(f"-257: key {k!r} unknown or of the wrong type")
    if 2 in meta:
        d = meta[2]
        if len(d) != 2 or d[0] != -16 or not isinstance(d[1], bytes) or len(d[1]) != 32:
            fail("-257 SBOM digest is not [-16, h32]")


def judge_envelope(path, anchor_path, payload_path, expect_seq, expect_signers, names):
    global STRICT
    STRICT = True
    data = open(path, "rb").read()
    env = strict_loads(data, "envelope")
    deterministic(data, "envelope")
    if not isinstance(env, cbor2.CBORTag) or env.tag != 107:
        fail("the envelope is not tag 107 (we always write it)")
    env = untag(env, 107)
    if not isinstance(env, dict) or 2 not in env or 3 not in env:
        fail("the envelope map lacks 2 (authentication) or 3 (manifest)")
        return
    order = list(env.keys())
    canon = sorted(order, key=lambda k: cbor2.dumps(k))
    if order != canon:
        fail(f"envelope keys not in deterministic order: {order}")
    anchor = strict_loads(open(anchor_path, "rb").read(), "anchor")
    k = anchor[1]
    roots = [(r[1], public_key(r[1], r[2])) for r in anchor[2]]
    root_by_kid = {kid_of(key): (alg, key) for alg, key in roots}
    now = judge_now()

    # revocation list
    revoked = set()
    if -259 in env:
        item = strict_loads(env[-259], "revocation list")
        prot, _, payload, _ = sign1_parts(item, "revocation list")
        signer = root_by_kid.get(bytes(prot.get(4, b"")))
        ok = signer and check_sign1(item, signer[1], "revocation list")[0]
        if not ok:
            fail("the revocation list is not signed by a root of the anchor")
        rl = strict_loads(payload, "revocation list payload")
        if not isinstance(rl.get(1), int) or not isinstance(rl.get(3), list):
            fail("revocation list payload lacks its number or list")
        revoked = {bytes(x) for x in rl.get(3, [])}
        print(f"ok: revocation list {rl.get(1)} verifies ({len(revoked)} revoked)")

    # certificates: release key kid -> (alg, key, root kid)
    certified = {}
    for i, cb in enumerate(env.get(-258, [])):
        item = strict_loads(cb, f"certificate {i}")
        prot, _, payload, _ = sign1_parts(item, f"certificate {i}")
        rkid = bytes(prot.get(4, b""))
        signer = root_by_kid.get(rkid)
        if not signer or not check_sign1(item, signer[1], f"certificate {i}")[0]:
            fail(f"certificate {i} is not signed by a root of the anchor")
            continue
        c = strict_loads(payload, f"certificate {i} payload")
        key = public_key(c[2], c[3])
        if kid_of(key) != bytes(c[1]):
            fail(f"certificate {i}: subject kid is not the key's id")
        if not (c[4] <= now <= c[5]):
            fail(f"certificate {i}: outside its validity now")
        if not c[6] & 1:
            fail(f"certificate {i}: no signing purpose")
        if bytes(c[7]) != bytes(anchor[3]):
            fail(f"certificate {i}: vendor id is not the anchor's")
        if bytes(c[1]) in revoked:
            print(f"note: certificate {i} names a revoked key")
        certified[bytes(c[1])] = (c[2], key, rkid)
        print(f"ok: certificate {i} for {bytes(c[1]).hex()} verifies")

    # authentication wrapper
    aw = strict_loads(env[2], "authentication wrapper")
    if not isinstance(aw, list) or len(aw) < 2:
        fail("the authentication wrapper has no signature")
        return
    digest = strict_loads(aw[0], "manifest digest")
    if digest[0] != -16 or hashlib.sha256(cbor2.dumps(env[3])).digest() != digest[1]:
        fail("the manifest digest is not SHA-256 of the manifest bstr")
    else:
        print("ok: manifest digest")
    vouching = set()
    for i, sb in enumerate(aw[1:]):
        item = strict_loads(sb, f"signature {i}")
        prot, _, _, _ = sign1_parts(item, f"signature {i}")
        kid = bytes(prot.get(4, b""))
        if kid in root_by_kid:
            alg, key = root_by_kid[kid]
            root = kid
        elif kid in certified:
            alg, key, root = certified[kid]
            if kid in revoked:
                fail(f"signature {i}: by a revoked key")
                continue
        else:
            fail(f"signature {i}: kid {kid.hex()} is neither a root nor certified")
            continue
        if prot[1] != alg:
            fail(f"signature {i}: alg {prot[1]} is not the key's {alg}")
        ok, _ = check_sign1(item, key, f"signature {i}", detached_payload=aw[0])
        if not ok:
            fail(f"signature {i}: does not verify")
            continue
        vouching.add(root)
        print(f"ok: signature {i} by {kid.hex()} verifies")
    if len(vouching) < k:
        fail(f"{len(vouching)} roots vouch, the anchor asks {k}")
    if expect_signers is not None and len(aw) - 1 != expect_signers:
        fail(f"{len(aw) - 1} signatures, expected {expect_signers}")

    for name, b in (("manifest", env[3]), ("authentication wrapper", env[2])):
        deterministic(b, name)
    for i, cb in enumerate(env.get(-258, [])):
        deterministic(cb, f"certificate {i}")
    if -259 in env:
        deterministic(env[-259], "revocation list")
    m, params = decode_manifest(env[3])
    if expect_seq is not None and m[2] != expect_seq:
        fail(f"sequence number {m[2]}, expected {expect_seq}")
    if bytes(params.get(1, b"")) != bytes(anchor[3]) or bytes(params.get(2, b"")) != bytes(anchor[4]):
        fail("vendor / class ids are not the anchor's")
    if names:
        dom, model, hw = names
        v = uuid.uuid5(uuid.NAMESPACE_DNS, dom)
        c = uuid.uuid5(v, model + (" " + hw if hw else ""))
        if v.bytes != bytes(params.get(1, b"")) or c.bytes != bytes(params.get(2, b"")):
            fail("vendor / class ids are not UUIDv5 of the names")
        else:
            print("ok: vendor and class ids are UUIDv5 of the names")
    uri = params.get(21)
    if uri is None:
        fail("no uri parameter")
    elif uri.startswith("#"):
        payload = env.get(uri)
        if not isinstance(payload, bytes):
            fail(f"integrated payload {uri} is not in the envelope")
    else:
        payload = open(payload_path, "rb").read() if payload_path else None
        if payload is None:
            fail("a detached payload needs --payload")
    if isinstance(params.get(3), bytes):
        d = strict_loads(params[3], "image digest")
        if payload is not None:
            if d[0] != -16 or hashlib.sha256(payload).digest() != d[1]:
                fail("the image digest does not match the payload")
            elif params.get(14) != len(payload):
                fail("the image size does not match the payload")
            else:
                print(f"ok: image digest and size ({len(payload)} bytes)")
    else:
        fail("no image digest")
    if -257 in m:
        check_metadata(m[-257])
        print(f"ok: metadata {m[-257]!r}"[:200])


def judge_examples(folder, medsec=None):
    global COMMANDS
    COMMANDS = range(0, 1 << 16)
    import glob
    import os
    pem = open(os.path.join(folder, "key", "trust_anchor_secp256r1_pub.pem"), "rb").read()
    key = serialization.load_pem_public_key(pem)
    n = inspected = 0
    for path in sorted(glob.glob(os.path.join(folder, "*.suit"))):
        env = untag(strict_loads(open(path, "rb").read(), path), 107)
        aw = strict_loads(env[2], "aw")
        item = strict_loads(aw[1], "sig")
        if isinstance(item, cbor2.CBORTag) and item.tag == 17:
            continue  # COSE_Mac0: the three MAC'd examples
        prot, _, _, _ = sign1_parts(item, path)
        if prot[1] not in (ES256, ESP256):
            continue  # the MAC'd ones
        ok, _ = check_sign1(item, key, path, detached_payload=aw[0])
        digest = strict_loads(aw[0], "digest")
        if not ok or hashlib.sha256(cbor2.dumps(env[3])).digest() != digest[1]:
            fail(f"{os.path.basename(path)} does not verify")
        m, params = decode_manifest(env[3])
        n += 1
        if medsec:
            # medsec release inspect (the agent's decoder) reads the same sequence number and,
            # where the shared sequence sets them plainly, the same ids, digest and size
            import json
            import subprocess
            r = subprocess.run([medsec, "release", "inspect", "--json", "--key",
                                os.path.join(folder, "key", "trust_anchor_secp256r1_pub.pem"), path],
                               capture_output=True, text=True)
            if r.returncode != 0:
                fail(f"{os.path.basename(path)}: medsec release inspect: {r.stderr.strip()}")
                continue
            got = json.loads(r.stdout)
            if got.get("authenticated") is not True:
                fail(f"{os.path.basename(path)}: inspect --key does not authenticate it")
            if got["sequence"] != m[2]:
                fail(f"{os.path.basename(path)}: inspect reads sequence {got['sequence']}, not {m[2]}")
            c = got["components"][0] if got["components"] else {}
            for pkey, ours in ((1, "vendor_id"), (2, "class_id")):
                if isinstance(params.get(pkey), bytes) and ours in c and c[ours] != params[pkey].hex():
                    fail(f"{os.path.basename(path)}: inspect's {ours} differs")
            inspected += 1
    print(f"{n} ES256 example envelopes verify with the trust anchor's key")
    if medsec:
        print(f"{inspected} of them authenticated with the key and read alike by medsec release inspect")
    if n != 19:
        fail(f"{n} ES256 examples, 19 expected")


def main(argv):
    if len(argv) >= 2 and argv[1] == "examples":
        import os
        if not os.path.isdir(argv[2]):
            print("skip: no", argv[2])
            return 77
        judge_examples(argv[2], argv[3] if len(argv) > 3 else None)
    else:
        args = argv[2:]
        opt = {}
        path = args[0]
        i = 1
        while i < len(args):
            opt[args[i]] = args[i + 1]
            i += 2
        names = None
        if "--vendor-domain" in opt:
            names = (opt["--vendor-domain"], opt["--model"], opt.get("--hardware"))
        try:
            judge_envelope(path, opt["--anchor"], opt.get("--payload"),
                           int(opt["--expect-sequence"]) if "--expect-sequence" in opt else None,
                           int(opt["--expect-signers"]) if "--expect-signers" in opt else None,
                           names)
        except (OSError, ValueError, KeyError, TypeError, IndexError, cbor2.CBORDecodeError) as e:
            fail(f"{path}: {type(e).__name__}: {e}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
