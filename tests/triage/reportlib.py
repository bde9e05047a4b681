"""reportlib.py: what the triage report checkers (check_reports.py, check_status.py) share: python3-jsonschema
(or a skip), the fixed day of the runs, the example devices, the closed VEX states, and running medsec."""
import os
import subprocess
import sys

SKIP = 77
try:
    import jsonschema  # noqa: F401  (re-exported to the checkers)
except ImportError:  # Debian's python3-jsonschema is required; see scripts/deps.sh
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(SKIP)

NOW = "2026-11-28"
DEVICES = ["examples/infusion-pump", "examples/glucose-cloud"]
CLOSED = {"not_affected", "false_positive", "resolved", "resolved_with_pedigree"}


def run(medsec, root, args):
    """medsec ARGS from the source root on day NOW: (exit code, stdout); any exit but 0 or 1 raises."""
    env = dict(os.environ, MEDSEC_NOW=NOW, NO_COLOR="1")
    p = subprocess.run([medsec] + args, cwd=root, env=env, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"medsec {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
    return p.returncode, p.stdout
