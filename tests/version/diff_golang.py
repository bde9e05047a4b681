"""diff_golang.py: Go module versions: medsec against golang.org/x/mod/semver (Debian golang-golang-x-mod-dev)."""
import itertools
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as C  # noqa: E402

driver, vdir, excpath = C.usage_args()
go = C.need_tool("go")
gopath = "/usr/share/gocode"
if not os.path.isfile(os.path.join(gopath, "src", "golang.org", "x", "mod", "semver", "semver.go")):
    C.skip("golang.org/x/mod/semver not found under %s (Debian package golang-golang-x-mod-dev)" % gopath)
T = C.Tally("golang", C.load_exceptions(excpath, "golang"))
judge = "golang.org/x/mod/semver (Debian golang-golang-x-mod-dev)"

with tempfile.TemporaryDirectory() as tmp:
    env = dict(os.environ, GO111MODULE="off", GOPATH=gopath, GOFLAGS="", GOCACHE=os.path.join(tmp, "cache"),
               GOPROXY="off", HOME=tmp)
    exe = os.path.join(tmp, "go_judge")
    res = subprocess.run([go, "build", "-o", exe, os.path.join(C.JUDGES, "go", "go_judge.go")], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if res.returncode != 0:
        C.skip("could not build the Go judge offline: %s" % res.stdout.decode(errors="replace")[-300:])

    entries = C.load_json(os.path.join(vdir, "go", "go_semver_ordered.json"))["entries"]
    pairs, expected = [], []
    for i, j in itertools.product(range(len(entries)), repeat=2):
        a, b = entries[i], entries[j]
        pairs.append((a["in"], b["in"]))
        if not a["canonical"] or not b["canonical"]:
            expected.append("invalid")  # medsec refuses to order invalid versions (Go: all equal, lowest)
        else:
            expected.append("0" if a["canonical"] == b["canonical"] else ("-1" if i < j else "1"))
    # pseudo-versions, +incompatible and the forms OSV "Go" ranges use
    extra = ["v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200622213623-75b288015ac9", "v1.2.3-pre.0.20191109021931-daa7c04131f5",
             "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", "v1.2.4", "v2.0.0+incompatible", "v2.0.1+incompatible",
             "v1.0.0-rc.1", "v1.0.0-01", "v01.0.0", "v1.0.0-", "v1.0.0+", "v1.0.0-a..b", "v1.0", "v1", "v1.0-pre"]
    pairs += list(itertools.product(extra, repeat=2))
    ours = C.run_driver(driver, [("golang", a, b) for a, b in pairs])
    raw = C.run_judge([exe], ["%s\t%s" % p for p in pairs])
    theirs = []
    for r in raw:
        c, va, vb = r.split()
        theirs.append(c if va == "1" and vb == "1" else "invalid")
    T.check("go_semver_ordered.json vs vector", [(a, b, o, e) for (a, b), o, e in zip(pairs, ours, expected)])
    T.check("go_semver_ordered.json + pseudo-versions vs %s" % judge,
            [(a, b, o, t) for (a, b), o, t in zip(pairs, ours, theirs)])
T.finish()
