#!/usr/bin/python3
"""docs-hdo: the IFU security section and the HDO administrator manual checked against the
security file they come from (read here with python3-yaml, independently of medsec).

    check_hdo.py MEDSEC EXAMPLE-DIR CHECK [DB]

CHECK is one of:
  matrix      one data-flow matrix row per zone-crossing flow, with the ports of its interface
              that serve its protocol (or "port not stated" and a gap, or "not an IP flow")
  duties      every in_ifu duty is in the IFU; a duty not marked in_ifu is not in its duty lists
  residual    every residual risk above the acceptable region (from `medsec risk --json`) is a
              warning in both documents, and no other risk is
  residual-db the same with the vulnerability database DB (a copy without its triage file, so
              that both commands see every finding): the IFU shows the known vulnerabilities in
              one warning
  no-audt     a copy without any AUDT capability makes "logs" a gap in both documents; the
              example itself has no such gap
  no-ports    a copy whose interfaces state no ports: every IP flow's row says "port not stated"
              and has its gap; the example's rows with ports have none
  backup      the example's DTBK control only planned is a "backup" gap; the copy with it
              implemented has none
  release     documenting the current release: no "release-design" gap; any other release: the
              gap and a warning in both documents; on 2026-05-28, an end-of-support warning
              exactly when that release's end of support is on or before that day
  roles       the example names people: no "roles" gap; a copy whose people are systems has it
  debug       a copy with a debug interface not disabled in production gets a warning and a gap;
              the example has none
  contact     the security file's postmarket.contact (and advisories) appear under "What to do
              on a security alert" in both documents, with no "security-contact" gap; a copy
              without the post-market plan has that gap in both and names no contact
Exit 0 pass, 1 fail, 77 skip (no python3-yaml).
"""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("python3-yaml is not installed")
    sys.exit(77)

MEDSEC, EXAMPLE, CHECK = sys.argv[1], sys.argv[2], sys.argv[3]
DB = sys.argv[4] if len(sys.argv) > 4 else None
FAILS = []


def fail(msg):
    FAILS.append(msg)


def load(folder):
    with open(os.path.join(folder, "device.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def docs(folder, db=None, version=None, epoch=None):
    """medsec docs FOLDER --json: (documents by id, gaps)."""
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ)
        env.pop("SOURCE_DATE_EPOCH", None)
        if epoch is not None:
            env["SOURCE_DATE_EPOCH"] = str(epoch)
        p = subprocess.run([MEDSEC, "docs", folder, "-o", out, "--json"] +
                           (["--db", db] if db else []) + (["--version", version] if version else []),
                           capture_output=True, text=True, env=env)
        if p.returncode != 0:
            print(p.stderr)
            sys.exit(1)
    j = json.loads(p.stdout)
    return {d["id"]: d for d in j["documents"]}, j["gaps"]


def variant(edit):
    """A copy of the example with device.yaml edited by @edit(yaml data); its folder."""
    tmp = tempfile.mkdtemp(prefix="docs-hdo-")
    dst = os.path.join(tmp, "dev")
    shutil.copytree(EXAMPLE, dst)
    data = load(dst)
    edit(data)
    with open(os.path.join(dst, "device.yaml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True)
    return tmp, dst


def section(doc, anchor):
    """The blocks of @doc from the level-1 heading @anchor to the next level-1 heading."""
    out, inside = [], False
    for b in doc["blocks"]:
        if b["kind"] == "heading" and b["level"] == 1:
            inside = b.get("anchor") == anchor
            continue
        if inside:
            out.append(b)
    return out


def gap_items(gaps, document):
    return {g["item"] for g in gaps if g["document"] == document}


def matrix_table(doc):
    tables = [b for b in section(doc, "data-flow-matrix") if b["kind"] == "table"]
    if len(tables) != 1 or tables[0]["head"][-1] != "Firewall rule":
        fail("the HDO manual has no single data-flow matrix table")
        return None
    return tables[0]


# ---- the model, read independently ----------------------------------------------------------

NETWORK_TYPES = {"wifi", "ethernet", "cellular", "lte", "5g", "api", "https"}


def zone_of(m, item_id):
    for it in m.get("items", []):
        if it["id"] == item_id:
            return it.get("zone")
    return None


def crossing_flows(m):
    out = []
    for f in m.get("flows", []):
        a, b = zone_of(m, f.get("from")), zone_of(m, f.get("to"))
        if a and b and a != b:
            out.append(f)
    return out


def interface(m, iid):
    for i in m.get("interfaces", []):
        if i["id"] == iid:
            return i
    return None


GENERIC = {"tls", "ssl", "dtls", "tcp", "udp", "ip", "over", "mtls"}


def serves(port, protocol):
    """A port serves a protocol when its service names one of the protocol's words (https also
    as http, mqtts as mqtt)."""
    service = (port.get("service") or "").lower()
    if not service or not protocol:
        return False
    for w in re.split(r"[-/+_ ]+", protocol.lower()):
        if len(w) < 3 or w in GENERIC:
            continue
        if w in service or (len(w) >= 5 and w.endswith("s") and w[:-1] in service):
            return True
    return False


def expected_port(m, f):
    """What the matrix's port cell must say for flow @f."""
    if f.get("channel", "network") != "network":
        return "not an IP flow"
    i = interface(m, f["via"]) if f.get("via") else None
    ports = (i or {}).get("ports") or []
    hit = [p for p in ports if serves(p, f.get("protocol"))]
    if not hit and len(ports) == 1 and not ports[0].get("service"):
        hit = ports
    if not hit:
        return "port not stated"
    return ", ".join("%d/%s" % (p["number"], p.get("transport", "transport not stated"))
                     for p in hit)


# ---- checks -----------------------------------------------------------------------------------

def check_matrix():
    m = load(EXAMPLE)
    d, gaps = docs(EXAMPLE)
    t = matrix_table(d["hdo-security-manual"])
    if t is None:
        return
    want = crossing_flows(m)
    if len(t["rows"]) != len(want):
        fail("matrix has %d rows, the model %d zone-crossing flows" % (len(t["rows"]), len(want)))
    rows = {}
    for r in t["rows"]:
        fid = re.search(r"\(([^()]*)\)$", r[0])
        if not fid:
            fail("matrix row without a flow id: %r" % r[0])
            continue
        if fid.group(1) in rows:
            fail("flow %s has two rows" % fid.group(1))
        rows[fid.group(1)] = r
    items = gap_items(gaps, "hdo-security-manual")
    stated = 0
    for f in want:
        r = rows.get(f["id"])
        if not r:
            fail("zone-crossing flow %s has no matrix row" % f["id"])
            continue
        port = expected_port(m, f)
        if r[5] != port:
            fail("flow %s: port cell %r, expected %r" % (f["id"], r[5], port))
        gap = "data-flow-matrix:" + f["id"] in items
        if (port == "port not stated") != gap:
            fail("flow %s: port %r but gap %s" % (f["id"], port, gap))
        if port == "port not stated" and "port not stated" not in r[8]:
            fail("flow %s: firewall rule %r does not say the port is missing" % (f["id"], r[8]))
        if re.match(r"\d+/", port):
            stated += 1
            if port not in r[8]:
                fail("flow %s: firewall rule %r lacks port %s" % (f["id"], r[8], port))
        if f.get("channel", "network") != "network" and not r[8].startswith("none"):
            fail("flow %s is no IP flow but has firewall rule %r" % (f["id"], r[8]))
        if r[3] != "not stated" and not f.get("via"):
            fail("flow %s names no interface but its row says %r" % (f["id"], r[3]))
    if not stated:
        fail("no matrix row of the example states a port: the check proves nothing")
    extra = set(rows) - {f["id"] for f in want}
    if extra:
        fail("matrix rows for flows that cross no zone: %s" % sorted(extra))


def list_items(blocks):
    return [i for b in blocks if b["kind"] == "list" for i in b["items"]]


def check_duties():
    m = load(EXAMPLE)
    d, gaps = docs(EXAMPLE)
    ifu = d["ifu-security"]
    items = list_items(section(ifu, "duties"))
    hdo_items = list_items(section(d["hdo-security-manual"], "duties"))
    marked = [u for u in m.get("duties", []) if u.get("in_ifu") is True]
    if not marked:
        fail("the example marks no duty in_ifu: the check proves nothing")
    for u in m.get("duties", []):
        line = "%s: %s" % (u["id"], " ".join(u["text"].split()))
        in_ifu = any(i.startswith(line) for i in items)
        if u.get("in_ifu") is True and not in_ifu:
            fail("in_ifu duty %s is not in the IFU's duties" % u["id"])
        if u.get("in_ifu") is not True and in_ifu:
            fail("duty %s is not marked in_ifu but is in the IFU's duties" % u["id"])
        if not any(i.startswith(line) for i in hdo_items):
            fail("duty %s is not in the HDO manual's duties" % u["id"])
    # no other section of the IFU brings back a duty not marked for it
    ifu_text = json.dumps(ifu)
    for u in m.get("duties", []):
        if u.get("in_ifu") is not True and " ".join(u["text"].split()) in ifu_text:
            fail("duty %s is not marked in_ifu but its text is in the IFU" % u["id"])
    if "duties" in gap_items(gaps, "ifu-security"):
        fail("a duties gap although the file marks duties in_ifu")


def check_residual(folder=EXAMPLE, db=None):
    d, _ = docs(folder, db)
    p = subprocess.run([MEDSEC, "risk", folder, "--json"] + (["--db", db] if db else []),
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        print(p.stderr)
        sys.exit(1)
    risks = json.loads(p.stdout)["risks"]
    above = {r["id"] for r in risks if not r["residual"]["acceptable"]}
    if not above:
        fail("the example has no residual risk above the acceptable region: the check proves "
             "nothing")
    for doc_id in ("ifu-security", "hdo-security-manual"):
        warn = [b["text"] for b in section(d[doc_id], "residual-risks")
                if b["kind"] == "callout" and b["callout"] == "warning"]
        # the manual: one warning per risk, named first (its justification may name others);
        # the IFU: the same, except that known vulnerabilities share one warning
        shown, groups = [], 0
        for w in warn:
            ids = re.findall(r"\((R-[^,()]+)[,)]", w)
            if not ids:
                fail("%s: a warning that names no risk: %r" % (doc_id, w[:80]))
            grouped = doc_id == "ifu-security" and re.match(r"\d+ known vulnerabilit", w)
            if grouped:
                groups += 1
            shown.extend(ids if grouped else ids[:1])
        if set(shown) != above:
            fail("%s: warnings for %s, expected %s" % (doc_id, sorted(set(shown) - above),
                                                          sorted(above - set(shown))))
        if len(shown) != len(set(shown)):
            fail("%s: a risk warned about twice" % doc_id)
        if groups > 1:
            fail("%s: %d warnings group known vulnerabilities" % (doc_id, groups))
        vulns = {r["id"] for r in risks if not r["residual"]["acceptable"] and r["vulnerability"]}
        if db and not vulns:
            fail("no known vulnerability above the acceptable region: the check proves nothing")
        if doc_id == "ifu-security" and bool(vulns) != bool(groups):
            fail("IFU: %d known vulnerabilities above acceptable, %d grouped warnings"
                 % (len(vulns), groups))


def check_residual_db():
    if not DB or not os.path.exists(DB):
        print("no vulnerability database at %s" % DB)
        sys.exit(77)
    def edit(m):
        m.pop("triage", None)
    tmp, dev = variant(edit)
    try:
        check_residual(dev, DB)
    finally:
        shutil.rmtree(tmp)


def strip_cap(code):
    def edit(m):
        for c in m.get("controls", []):
            caps = [x for x in c.get("capabilities", []) if x != code]
            c["capabilities"] = caps or ["SGUD"]
    return edit


def check_no_audt():
    _, gaps = docs(EXAMPLE)
    for doc_id in ("ifu-security", "hdo-security-manual"):
        if "logs" in gap_items(gaps, doc_id):
            fail("%s: a logs gap although the example has an AUDT control" % doc_id)
    tmp, dev = variant(strip_cap("AUDT"))
    try:
        d, gaps = docs(dev)
        for doc_id in ("ifu-security", "hdo-security-manual"):
            if "logs" not in gap_items(gaps, doc_id):
                fail("%s: no logs gap without any AUDT control" % doc_id)
            if any(b["kind"] != "callout" and "audit controls" in b.get("text", "")
                   for b in section(d[doc_id], "logs")):
                fail("%s: still lists audit controls without AUDT" % doc_id)
    finally:
        shutil.rmtree(tmp)


def check_no_ports():
    def edit(m):
        for i in m.get("interfaces", []):
            i.pop("ports", None)
    tmp, dev = variant(edit)
    try:
        m = load(dev)
        d, gaps = docs(dev)
        t = matrix_table(d["hdo-security-manual"])
        items = gap_items(gaps, "hdo-security-manual")
        rows = {re.search(r"\(([^()]*)\)$", r[0]).group(1): r for r in (t["rows"] if t else [])}
        ip = 0
        for f in crossing_flows(m):
            if f.get("channel", "network") != "network":
                continue
            ip += 1
            r = rows.get(f["id"], [""] * 9)
            if r[5] != "port not stated":
                fail("no ports: flow %s says %r" % (f["id"], r[5]))
            if "data-flow-matrix:" + f["id"] not in items:
                fail("no ports: flow %s has no gap" % f["id"])
        if not ip:
            fail("the example has no IP flow crossing a zone: the check proves nothing")
    finally:
        shutil.rmtree(tmp)


def set_status(cap, status):
    def edit(m):
        for c in m.get("controls", []):
            if cap in c.get("capabilities", []):
                c["status"] = status
    return edit


def check_backup():
    m = load(EXAMPLE)
    dtbk = [c for c in m.get("controls", []) if "DTBK" in c.get("capabilities", [])]
    if not dtbk:
        fail("the example has no DTBK control: the check proves nothing")
        return
    for status, gap in (("planned", True), ("implemented", False)):
        tmp, dev = variant(set_status("DTBK", status))
        try:
            _, gaps = docs(dev)
            for doc_id in ("ifu-security", "hdo-security-manual"):
                if ("backup" in gap_items(gaps, doc_id)) != gap:
                    fail("%s: DTBK control %s, backup gap %s" % (doc_id, status, not gap))
        finally:
            shutil.rmtree(tmp)


def check_debug():
    m = load(EXAMPLE)
    dbg = [i["id"] for i in m.get("interfaces", []) if i.get("debug") is True]
    _, gaps = docs(EXAMPLE)
    for iid in dbg:
        if iid in gap_items(gaps, "hdo-security-manual"):
            fail("debug interface %s: a gap although it is disabled in production" % iid)
    if not dbg:
        def edit(mm):
            mm["interfaces"][0]["debug"] = True
            mm["interfaces"][0]["disabled_in_production"] = False
        target = m["interfaces"][0]["id"]
    else:
        def edit(mm):
            for i in mm["interfaces"]:
                if i["id"] == dbg[0]:
                    i["disabled_in_production"] = False
        target = dbg[0]
    tmp, dev = variant(edit)
    try:
        d, gaps = docs(dev)
        if target not in gap_items(gaps, "hdo-security-manual"):
            fail("debug interface %s left enabled: no gap" % target)
        warn = [b for b in section(d["hdo-security-manual"], "secure-configuration")
                if b["kind"] == "callout" and b["callout"] == "warning"]
        if len(warn) != 1:
            fail("debug interface %s left enabled: %d warnings" % (target, len(warn)))
    finally:
        shutil.rmtree(tmp)


EPOCH, EPOCH_DATE = 1780000000, "2026-05-28"  # the document date of check_release


def check_roles():
    _, gaps = docs(EXAMPLE)
    for doc_id in ("ifu-security", "hdo-security-manual"):
        if "roles" in gap_items(gaps, doc_id):
            fail("%s: a roles gap although the example names people" % doc_id)
    def edit(m):
        for it in m.get("items", []):
            if it.get("type") in ("user", "operator", "human"):
                it["type"] = "system"
    tmp, dev = variant(edit)
    try:
        _, gaps = docs(dev)
        for doc_id in ("ifu-security", "hdo-security-manual"):
            for item in ("roles", "roles-access-control"):
                if item not in gap_items(gaps, doc_id):
                    fail("%s: no %s gap without any person" % (doc_id, item))
    finally:
        shutil.rmtree(tmp)


def check_release():
    m = load(EXAMPLE)
    cur = m["device"]["current_version"]
    for v in m["versions"]:
        d, gaps = docs(EXAMPLE, version=v["version"], epoch=EPOCH)
        for doc_id in ("ifu-security", "hdo-security-manual"):
            other = v["version"] != cur
            if ("release-design" in gap_items(gaps, doc_id)) != other:
                fail("%s, release %s: release-design gap %s" % (doc_id, v["version"], not other))
            warn = [b["text"] for b in section(d[doc_id], "risk-profile")
                    if b["kind"] == "callout" and b["callout"] == "warning"]
            if bool(warn) != other:
                fail("%s, release %s: %d design warnings" % (doc_id, v["version"], len(warn)))
            ended = str(v["end_of_support"]) <= EPOCH_DATE
            eos = [b["text"] for b in section(d[doc_id], "end-of-support")
                   if b["kind"] == "callout" and b["callout"] == "warning"
                   and "reached its end of support" in b["text"]]
            if bool(eos) != ended:
                fail("%s, release %s: end-of-support warning %s" % (doc_id, v["version"],
                                                                    bool(eos)))
    if len(m["versions"]) < 2:
        fail("the example has one release: the check proves nothing")


def check_contact():
    m = load(EXAMPLE)
    pm = m.get("postmarket") or {}
    d, gaps = docs(EXAMPLE)
    for doc_id in ("ifu-security", "hdo-security-manual"):
        text = " ".join(b.get("text", "") for b in section(d[doc_id], "security-alert"))
        if pm.get("contact"):
            if pm["contact"] not in text:
                fail("%s: the security alert section does not give postmarket.contact" % doc_id)
            if pm.get("advisories") and pm["advisories"] not in text:
                fail("%s: the security alert section does not give postmarket.advisories" % doc_id)
            if "security-contact" in gap_items(gaps, doc_id):
                fail("%s: a security-contact gap although the file names a contact" % doc_id)
        elif "security-contact" not in gap_items(gaps, doc_id):
            fail("%s: no security-contact gap although the file names no contact" % doc_id)
    if not pm.get("contact"):
        return

    def edit(data):
        data.pop("postmarket", None)
    tmp, dev = variant(edit)
    try:
        d, gaps = docs(dev)
        for doc_id in ("ifu-security", "hdo-security-manual"):
            if "security-contact" not in gap_items(gaps, doc_id):
                fail("%s: no security-contact gap without the post-market plan" % doc_id)
            text = " ".join(b.get("text", "") for b in section(d[doc_id], "security-alert"))
            if pm["contact"] in text:
                fail("%s: names a contact the copy does not have" % doc_id)
    finally:
        shutil.rmtree(tmp)


CHECKS = {"contact": check_contact, "release": check_release, "roles": check_roles, "matrix": check_matrix, "duties": check_duties, "residual": check_residual,
          "residual-db": check_residual_db,
          "no-audt": check_no_audt, "no-ports": check_no_ports, "backup": check_backup,
          "debug": check_debug}
CHECKS[CHECK]()
for f in FAILS:
    print("FAIL", f)
sys.exit(1 if FAILS else 0)
