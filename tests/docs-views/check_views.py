#!/usr/bin/python3
"""check_views.py: judges the FDA architecture views that lib/docs/views.c draws.

usage: check_views.py VIEWS_DRIVER DEVICE_DIR WORK_DIR

Runs the driver on the device folder (twice: the output must be byte-identical), parses every SVG
with the XML parser, and checks each view against what the security file says, read here with
PyYAML independently of the C loader:
- global system view: every item, interface and zone is drawn, every flow is an edge with its id;
- multi-patient harm view: its fleet-wide edges are exactly the flows from a shared item (criterion
  of docs/docs-views.md) to an item of the device;
- updatability view: every software item is drawn; an item is marked "no_update" exactly when no
  update flow reaches it, and the gap view:updatability names exactly the marked items;
- security use-case views: one per flow purpose, holding exactly that purpose's flows, numbered.
Property: removing one update flow (and every reference to it) from a copy of the folder marks and
gaps exactly the items that lose their last update path, and no other.
"""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from devcopy import copy_with, verdict  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def run(driver, dev, out):
    if os.path.exists(out):
        shutil.rmtree(out)
    subprocess.run([driver, dev, out], check=True)
    return out


def read_tree(root):
    files = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                files[os.path.relpath(p, root)] = f.read()
    return files


def svg_objects(path):
    """(kind, title, id, class) of every node/edge/cluster group of a Graphviz SVG."""
    tree = ET.parse(path)  # raises on malformed XML
    out = []
    for g in tree.iter(SVG + "g"):
        cls = g.get("class", "")
        title = g.find(SVG + "title")
        kind = cls.split()[0] if cls else ""
        if kind in ("node", "edge", "cluster"):
            out.append((kind, title.text if title is not None else "", g.get("id", ""), cls))
    return out


def gaps(out):
    rows = []
    with open(os.path.join(out, "gaps.tsv"), encoding="utf-8") as f:
        for line in f:
            rows.append(line.rstrip("\n").split("\t"))
    return rows


def is_person(it):
    if it.get("kind") == "person":
        return True
    return it.get("element") == "external_entity" and it.get("type") in ("human", "user", "operator")


def shared_items(m):
    zones = {z["id"]: z for z in m.get("zones", [])}
    items = m.get("items", [])

    def shared_zone(zid):
        z = zones.get(zid)
        if not z:
            return False
        if z.get("access", "remote") in ("network", "remote"):
            return True
        return any(i.get("zone") == zid and i.get("kind") in ("cloud_service", "server") for i in items)

    res = set()
    for it in items:
        if is_person(it) or it.get("type") == "device":
            continue
        if it.get("kind") in ("cloud_service", "external_system", "server") or shared_zone(it.get("zone")):
            res.add(it["id"])
    return res


def software_items(m):
    return [i["id"] for i in m.get("items", [])
            if i.get("element") != "external_entity" and not is_person(i) and i.get("kind") != "hardware"]


def update_reached(m):
    items = {i["id"]: i for i in m.get("items", [])}

    def chain(iid):
        seen, out = set(), []
        while iid in items and items[iid].get("runs_on") and iid not in seen:
            seen.add(iid)
            iid = items[iid]["runs_on"]
            out.append(iid)
        return out

    def platform(iid):
        c = chain(iid)
        return c[-1] if c else iid

    reached = set()
    for f in m.get("flows", []):
        if f.get("purpose") != "update":
            continue
        to = f["to"]
        for iid in items:
            if iid == to or to in chain(iid):
                reached.add(iid)
            elif items.get(to, {}).get("privileged") is True and platform(to) == platform(iid):
                reached.add(iid)
    return reached


def harmful(m, flow):
    """True when an asset the flow carries is the cause of a hazard with a harm."""
    carried = {a["id"] for a in m.get("assets", []) if flow["id"] in a.get("carried_by", [])}
    return any(h.get("harm") and any(c["asset"] in carried for c in h.get("caused_by", []))
               for h in m.get("hazards", []))


def end_to_end(m, flow):
    """True when a control stated to hold end to end applies to the flow (named against it, its
    interface or an asset it carries)."""
    carried = {a["id"] for a in m.get("assets", []) if flow["id"] in a.get("carried_by", [])}
    names = {flow["id"], flow.get("via")} | carried
    return any(c.get("end_to_end") is True and names & set(c.get("applies_to", []))
               for c in m.get("controls", []))


def undefended_warning(out):
    """The flow ids the multi-patient harm warning lists."""
    with open(os.path.join(out, "md", "fda-test.md"), encoding="utf-8") as f:
        for line in f:
            line = line.replace("\\_", "_")  # Markdown escapes
            if "no control stated to hold" in line:
                return {w.split(" ")[0] for w in line.split(": ", 1)[1].split("; ")}
    return set()


def check_device(driver, dev, out, fails):
    with open(os.path.join(dev, "device.yaml"), encoding="utf-8") as f:
        m = yaml.safe_load(f)
    run(driver, dev, out)
    views = os.path.join(out, "files", "views")
    objs = {}
    for n in sorted(os.listdir(views)):
        objs[n[:-4]] = svg_objects(os.path.join(views, n))

    def fail(msg):
        fails.append("%s: %s" % (os.path.basename(dev), msg))

    # global system view
    g = objs.get("global-system", [])
    titles = {t for k, t, _, _ in g if k == "node"}
    edge_ids = {i for k, _, i, _ in g if k == "edge"}
    clusters = {t for k, t, _, _ in g if k == "cluster"}
    for it in m.get("items", []):
        if it["id"] not in titles:
            fail("global view lacks item %s" % it["id"])
    for i in m.get("interfaces", []):
        if i["id"] not in titles:
            fail("global view lacks interface %s" % i["id"])
    for z in m.get("zones", []):
        if any(it.get("zone") == z["id"] for it in m.get("items", [])) and "cluster_" + z["id"] not in clusters:
            fail("global view lacks zone %s" % z["id"])
    for fl in m.get("flows", []):
        if fl["id"] not in edge_ids:
            fail("global view lacks flow %s" % fl["id"])

    # multi-patient harm view
    shared = shared_items(m)
    items = {i["id"]: i for i in m.get("items", [])}
    expect = {f["id"] for f in m.get("flows", [])
              if f["from"] in shared and f["to"] not in shared and f["to"] in items
              and not is_person(items[f["to"]])}
    internal = {f["id"] for f in m.get("flows", []) if f["from"] in shared and f["to"] in shared}
    if "multi-patient-harm" in objs:
        got = {i for k, _, i, _ in objs["multi-patient-harm"] if k == "edge"}
        flow_ids = {f["id"] for f in m.get("flows", [])}
        got &= flow_ids
        if got - internal != expect:
            fail("multi-patient harm paths %s, expected %s" % (sorted(got - internal), sorted(expect)))
        for k, t, _, cls in objs["multi-patient-harm"]:
            if k == "node" and t in items and "shared" in cls.split() and t not in shared:
                fail("%s drawn as shared" % t)
    elif shared:
        fail("no multi-patient harm view although %s are shared" % sorted(shared))

    # updatability view
    u = objs.get("updatability", [])
    reached = update_reached(m)
    drawn = {t: cls.split() for k, t, _, cls in u if k == "node"}
    marked = set()
    for sid in software_items(m):
        if sid not in drawn:
            fail("updatability view lacks software item %s" % sid)
            continue
        if "no_update" in drawn[sid]:
            marked.add(sid)
        if ("no_update" in drawn[sid]) != (sid not in reached):
            fail("updatability: %s marked %s, update path %s" % (sid, "no_update" in drawn[sid], sid in reached))
    gap_text = " ".join(r[3] for r in gaps(out) if r[1] == "view:updatability")
    for sid in software_items(m):
        named = (": %s" % sid) in gap_text or (", %s" % sid) in gap_text
        if named != (sid in marked):
            fail("updatability gap names %s: %s, marked: %s" % (sid, named, sid in marked))

    # the warning lists exactly the harmful fleet-wide paths without an end-to-end control
    paths = [f for f in m.get("flows", []) if f["id"] in expect]
    want = {f["id"] for f in paths if harmful(m, f) and not end_to_end(m, f)}
    if undefended_warning(out) != want:
        fail("undefended paths %s, expected %s" % (sorted(undefended_warning(out)), sorted(want)))

    # security use-case views
    purposes = []
    for fl in m.get("flows", []):
        p = fl.get("purpose")
        if p and p not in purposes:
            purposes.append(p)
    for p in purposes:
        name = "use-case-" + "".join(c if c.isalnum() and c.islower() or c.isdigit() or c in "_-" else "-" for c in p)
        if name not in objs:
            fail("no use-case view for purpose %s" % p)
            continue
        got = {i for k, _, i, _ in objs[name] if k == "edge"}
        want = {f["id"] for f in m.get("flows", []) if f.get("purpose") == p}
        if got != want:
            fail("use case %s flows %s, expected %s" % (p, sorted(got), sorted(want)))
        tree = ET.parse(os.path.join(views, name + ".svg"))
        steps = sorted(int(t.text.split(".")[0]) for t in tree.iter(SVG + "text")
                       if t.text and t.text.split(".")[0].isdigit() and ". " in t.text)
        if steps != list(range(1, len(want) + 1)):
            fail("use case %s steps %s" % (p, steps))

    # each gap recorded once per area: FDA by the FDA document, EU by the EU one, same items
    rows = gaps(out)
    keys = [(r[0], r[1], r[3]) for r in rows]
    if len(keys) != len(set(keys)):
        fail("a gap recorded twice")
    for r in rows:
        if (r[0], r[2]) not in (("FDA", "fda-test"), ("EU", "eu-test")):
            fail("gap %s %s recorded by %s" % (r[0], r[1], r[2]))
    if sorted((r[1], r[3]) for r in rows if r[0] == "FDA") != sorted((r[1], r[3]) for r in rows if r[0] == "EU"):
        fail("the EU and FDA documents record different gaps")
    return m, marked


def drop(node, ident):
    """The YAML tree without any list entry equal to @ident."""
    if isinstance(node, dict):
        return {k: drop(v, ident) for k, v in node.items()}
    if isinstance(node, list):
        return [drop(v, ident) for v in node if v != ident]
    return node


def main():
    driver, dev, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    fails = []
    first = os.path.join(work, "run1")
    m, marked = check_device(driver, dev, first, fails)
    again = run(driver, dev, os.path.join(work, "run2"))
    if read_tree(first) != read_tree(again):
        fails.append("two runs differ")

    # property: with no control holding end to end, every harmful fleet-wide path is in the warning
    mm = dict(m)
    mm["controls"] = [dict(c, end_to_end=False) for c in m.get("controls", [])]
    copy = copy_with(dev, os.path.join(work, "mut-no-end-to-end"), mm)
    check_device(driver, copy, os.path.join(work, "out-no-end-to-end"), fails)
    shared = shared_items(m)
    items = {i["id"]: i for i in m.get("items", [])}
    harmful_paths = {f["id"] for f in m.get("flows", []) if f["from"] in shared
                     and f["to"] in items and f["to"] not in shared and not is_person(items[f["to"]])
                     and harmful(m, f)}
    if undefended_warning(os.path.join(work, "out-no-end-to-end")) != harmful_paths:
        fails.append("without end-to-end controls: warning lists %s, expected %s"
                     % (sorted(undefended_warning(os.path.join(work, "out-no-end-to-end"))),
                        sorted(harmful_paths)))

    # property: removing an update flow marks exactly the items that lose their last path
    before = update_reached(m)
    for fl in [f for f in m.get("flows", []) if f.get("purpose") == "update"]:
        mm = drop(dict(m), fl["id"])
        mm["flows"] = [f for f in mm["flows"] if f["id"] != fl["id"]]
        copy = copy_with(dev, os.path.join(work, "mut-" + fl["id"]), mm)
        lost = before - update_reached(mm)
        _, marked2 = check_device(driver, copy, os.path.join(work, "out-" + fl["id"]), fails)
        if marked2 != marked | (lost & set(software_items(mm))):
            fails.append("without %s: marked %s, expected %s" % (fl["id"], sorted(marked2),
                                                                  sorted(marked | lost)))
    return verdict("check_views", fails)


if __name__ == "__main__":
    sys.exit(main())
