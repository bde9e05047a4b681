#!/usr/bin/python3
"""agent_cli.py: the whole device flow from the command line with medsec-agent: a device trusts an
anchor, installs a signed bundle (verified while streaming), boots it on trial, confirms it;
refuses the older signed bundle (replay); resumes an install a cut-short download interrupted;
rolls back by itself when a new image never confirms; the log shows each step and verifies.

usage: agent_cli.py MEDSEC_AGENT MEDSEC MKBUNDLE TMPDIR"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

AGENT, MEDSEC, MK = sys.argv[1:4]
TMP = tempfile.mkdtemp(prefix="agent-cli-", dir=sys.argv[4])
failures = []


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True,
                       env=dict(os.environ, MSA_NOW="1764806400"))
    return p.returncode, p.stdout, p.stderr


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


ids = ["--vendor-domain", "pump.example", "--class-name", "infusion-pump-rev2"]
mk("keygen", "--alg", "es256", t("root.json"))
mk("anchor", "--root", t("root.json"), *ids, t("anchor.cbor"))
rng = random.Random(14)
for v, size in ((1, 30000), (2, 90000), (3, 50000)):
    with open(t("img%d" % v), "wb") as f:
        f.write(bytes(rng.getrandbits(8) for _ in range(size)))
    mk("envelope", "--key", t("root.json"), "--sequence", str(v), "--image", t("img%d" % v),
       "--release-version", "2.%d.0" % v, "--model", "Infusion pump", *ids, t("b%d.suit" % v))
dev = t("dev")

rc, out, err = run(AGENT, "--help")
check(rc == 0 and "install DIR BUNDLE" in out and "decommission" in out, "medsec-agent --help")
with open(t("junk.cbor"), "wb") as f:
    f.write(bytes([0xa1, 0x01, 0x02]) + bytes(rng.getrandbits(8) for _ in range(60)))
rc, out, err = run(AGENT, "init", dev, "--anchor", t("junk.cbor"))
check(rc == 2 and "not a trust anchor" in err and not os.path.exists(dev),
      "init refuses a file that is not a trust anchor")
rc, out, err = run(AGENT, "init", dev, "--anchor", t("anchor.cbor"), "--slot-size", "131072")
check(rc == 0, "init")
rc, out, err = run(AGENT, "boot", dev)
check(rc == 1 and "no slot holds a verified image" in err, "a new device has nothing to boot")

rc, out, err = run(AGENT, "install", dev, t("b1.suit"))
check(rc == 0 and "security version 1" in out and "slot A" in out, "install v1: " + out.strip())
rc, out, err = run(AGENT, "boot", dev)
check(rc == 0 and "booted slot A" in out and "trial boot 1 of 3" in out, "boot v1 on trial")
rc, out, err = run(AGENT, "confirm", dev)
check(rc == 0 and "slot A confirmed" in out, "confirm v1")
with open(os.path.join(dev, "slotA.bin"), "rb") as f:
    check(f.read(30000) == open(t("img1"), "rb").read(), "slot A holds image 1 byte for byte")

# a power cut in the middle of an install (MSA_CUT_AFTER): v1 still boots, the same bundle resumes
os.environ["MSA_CUT_AFTER"] = "12"
rc, out, err = run(AGENT, "install", dev, t("b2.suit"))
del os.environ["MSA_CUT_AFTER"]
check(rc == 1 and "the power went" in err, "power cut during install: " + err.strip().splitlines()[0])
rc, out, err = run(AGENT, "boot", dev)
check(rc == 0 and "booted slot A" in out, "after the power cut the device boots v1")
rc, out, err = run(AGENT, "status", dev)
check("journal: installing security version 2" in out, "the journal holds the cut install")
# a download cut short in the middle of the payload: refused, then the full bundle resumes
b2 = open(t("b2.suit"), "rb").read()
with open(t("b2-short.suit"), "wb") as f:
    f.write(b2[:len(b2) - 30000])
rc, out, err = run(AGENT, "install", dev, t("b2-short.suit"))
check(rc == 1 and "truncated" in err, "a cut-short bundle is refused: " + err.strip())
rc, out, err = run(AGENT, "status", dev)
check(rc == 0 and "journal: installing security version 2 into slot B" in out,
      "the journal keeps the interrupted install")
rc, out, err = run(AGENT, "boot", dev)
check(rc == 0 and "booted slot A" in out and "confirmed" in out,
      "meanwhile the device boots v1")
rc, out, err = run(AGENT, "install", dev, t("b2.suit"))
check(rc == 0 and "resuming an interrupted install" in out and "slot B" in out,
      "the full bundle resumes: " + out.strip())
rc, out, err = run(AGENT, "install", dev, t("b3.suit"))
check(rc == 1 and "not allowed" in err, "no second install while a trial image waits")

# v2 never confirms: three trial boots, then the device rolls back by itself
for i in range(1, 4):
    rc, out, err = run(AGENT, "boot", dev)
    check(rc == 0 and "booted slot B" in out and "trial boot %d of 3" % i in out,
          "trial boot %d of v2" % i)
rc, out, err = run(AGENT, "boot", dev)
check(rc == 0 and "booted slot A" in out, "fourth boot: rolled back to v1 by itself")
rc, out, err = run(AGENT, "confirm", dev)
check(rc == 1, "the old image cannot confirm anything")
rc, out, err = run(AGENT, "status", dev)
check("slot B: empty" in out and "counter: 1" in out, "slot B dropped, counter unchanged")

# v3 installed and confirmed; v1 and v2 replayed: refused
rc, out, err = run(AGENT, "install", dev, t("b3.suit"))
check(rc == 0 and "slot B" in out, "install v3")
run(AGENT, "boot", dev)
rc, out, err = run(AGENT, "confirm", dev)
check(rc == 0, "confirm v3")
for old in ("b1.suit", "b2.suit", "b3.suit"):
    rc, out, err = run(AGENT, "install", dev, t(old))
    check(rc == 1 and "not newer than the installed security version" in err,
          "replay of %s refused" % old)
rc, out, err = run(AGENT, "status", dev)
check("counter: 3" in out and "security version 3, 50000 bytes" in out, "status after v3")

rc, out, err = run(AGENT, "log", dev)
events = [line.split()[2] for line in out.splitlines() if line.strip()[:1].isdigit()]
check(events.count("rollback") == 1 and events.count("confirm") == 2 and
      events.count("update-result") >= 6 and events[0] == "config-change",
      "the log tells the story: " + " ".join(events))
rc, out, err = run(AGENT, "log", dev, "--export", t("dev.log"))
rc, out, err = run(MEDSEC, "log", "verify", t("dev.log"), "--key", os.path.join(dev, "log.key"),
                   "--device-pub", os.path.join(dev, "device.pub"))
check(rc == 0, "medsec log verify: " + err.strip())

print("%d check(s) failed" % len(failures) if failures else "all checks passed")
if not failures:
    shutil.rmtree(TMP)
sys.exit(1 if failures else 0)
