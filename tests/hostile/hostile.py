"""hostile.py: what the hostile cases share: running the command on crafted inputs in a temporary
folder and checking the exit code and the message, every case named in the output."""

import os
import subprocess
import sys
import tempfile

SKIP = 77


class Suite:
    """usage: s = Suite(); s.run("name", [args], expect_exit=2, stderr_has="...") ...; s.done()"""

    def __init__(self):
        if len(sys.argv) < 3:
            sys.exit("usage: case_X.py MEDSEC SOURCE_ROOT [SHARED_DATA]")
        self.medsec = sys.argv[1]
        self.root = sys.argv[2]
        self.shared = sys.argv[3] if len(sys.argv) > 3 else None
        self.tmp = tempfile.TemporaryDirectory(prefix="medsec-hostile-")
        self.dir = self.tmp.name
        self.failures = []
        self.count = 0

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write(self, rel, data, mode=None):
        """Write @data (str or bytes) to @rel under the temporary folder; returns the path."""
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        if mode is not None:
            os.chmod(p, mode)
        return p

    def need_shared(self):
        if not self.shared or not os.path.isdir(self.shared):
            print("SKIP: ../shared/data is absent")
            sys.exit(SKIP)
        return self.shared

    def run(self, name, args, expect_exit, stderr_has=None, stdout_has=None, stderr_lacks=None,
            stdout_lacks=None, env=None, timeout=60, cwd=None, stdin=None):
        """Run medsec with @args; check the exit code and the texts. Returns the CompletedProcess."""
        self.count += 1
        e = dict(os.environ)
        e.setdefault("MEDSEC_NOW", "2026-11-28T00:00:00Z")
        e["NO_COLOR"] = "1"
        if env:
            e.update(env)
        try:
            p = subprocess.run([self.medsec, *args], capture_output=True, env=e, timeout=timeout,
                               cwd=cwd or self.dir, input=stdin)
        except subprocess.TimeoutExpired:
            self.fail(name, "did not finish within %d s" % timeout)
            return None
        out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        problems = []
        if p.returncode != expect_exit:
            problems.append("exit %d, expected %d" % (p.returncode, expect_exit))
        for want, text, what in ((stderr_has, err, "stderr"), (stdout_has, out, "stdout")):
            for w in ([want] if isinstance(want, str) else want or []):
                if w not in text:
                    problems.append("%s lacks %r" % (what, w))
        for bad, text, what in ((stderr_lacks, err, "stderr"), (stdout_lacks, out, "stdout")):
            for b in ([bad] if isinstance(bad, str) else bad or []):
                if b in text:
                    problems.append("%s has %r" % (what, b))
        if "AddressSanitizer" in err or "runtime error:" in err or "LeakSanitizer" in err:
            problems.append("sanitizer report")
        if problems:
            self.fail(name, "; ".join(problems) + "\n    stderr: " + err[-600:].replace("\n", "\n    "))
        else:
            print("ok   %s" % name)
        return p

    def check(self, name, cond, why=""):
        self.count += 1
        if cond:
            print("ok   %s" % name)
        else:
            self.fail(name, why or "check failed")

    def fail(self, name, why):
        self.failures.append(name)
        print("FAIL %s: %s" % (name, why))

    def done(self):
        print("%d of %d hostile cases hold" % (self.count - len(self.failures), self.count))
        self.tmp.cleanup()
        sys.exit(1 if self.failures else 0)
