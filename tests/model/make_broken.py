#!/usr/bin/python3
# make_broken.py: (re)write the broken security files in broken/ from minimal/device.yaml, one
# error class per folder; each folder's expected message is in tests/cli/cases/validate-broken-*.
import os, sys

here = os.path.dirname(os.path.abspath(__file__))
base = open(os.path.join(here, "minimal", "device.yaml")).read()
head = "# Broken on purpose (tests/model/make_broken.py): %s\n"


def sub(old, new, count=1):
    assert base.count(old) >= 1, old
    return base.replace(old, new, count)


# MITRE rubric answers for the vulnerability cases (docs/rubric.md).
rubric = """rubric: mitre-medical-device-cvss
attack_vector: {routed_network: yes}
attack_complexity: {specialized_conditions: no}
privileges_required: {authentication_required: no}
user_interaction: {user_action_required: no}
scope: {impacts_other_components: no}
impact:
  phi: {confidentiality: high, integrity: none, availability: none}
  diagnosis_monitoring: {confidentiality: none, integrity: high, availability: high}
  therapy_delivery: {confidentiality: none, integrity: none, availability: none}
  clinical_workflow: {confidentiality: none, integrity: none, availability: low}
  secrets: {confidentiality: none, integrity: none, availability: none}
"""


def vuln(vid="CVE-2024-0001", components="[monitor-app]", rubric_file="cve.yaml"):
    return ("  - id: %s\n    components: %s\n    rubric: %s\n"
            "    rationale: The HL7 listener parses untrusted input.\n" % (vid, components, rubric_file))


# A small SBOM shared by the cases that need one.
app_sbom = open(os.path.join(here, "broken", "unknown-sbom-component", "app.cdx.json")).read()

cases = {
    "yaml-syntax": ("a flow mapping that is never closed",
                    sub("  intended_users: [nurses]", "  intended_users: [nurses\n")),
    "unknown-key": ("a misspelt key (protocl)", sub("    protocol: hl7-mllp", "    protocl: hl7-mllp")),
    "wrong-type": ("a boolean written as a word", sub("    authenticated: false", "    authenticated: no")),
    "wrong-type-integer": ("trust is not a number", sub("    trust: 80", "    trust: high")),
    "missing-required": ("a flow without 'to'", sub("    to: central-station\n", "")),
    "duplicate-id": ("two items with the same id",
                     sub("interfaces:\n", "  - id: monitor-app\n    name: Second app\n    kind: application\n"
                         "    element: process\n    zone: device\ninterfaces:\n")),
    "dangling-reference": ("a flow to an item that does not exist",
                           sub("    to: central-station", "    to: central-staton")),
    "wrong-kind-reference": ("a control applied to a requirement-less id of the wrong kind",
                             sub("    applies_to: [f-vitals]", "    applies_to: [c-tls]")),
    "bad-enum": ("an unknown DFD role", sub("    element: process", "    element: proces")),
    "bad-capability": ("an MDS2 code that does not exist",
                       sub("    capabilities: [TXCF, TXIG]", "    capabilities: [TXCF, TXIQ]")),
    "bad-date": ("February 30th", sub("    release_date: 2025-01-15", "    release_date: 2025-02-30")),
    "end-of-support-before-release": ("support ends before the release",
                                      sub("    end_of_support: 2030-12-31", "    end_of_support: 2024-12-31")),
    "unknown-version": ("current_version names no version",
                        sub("  current_version: 1.0.0", "  current_version: 1.0.1")),
    "matrix-shape": ("a matrix row with three cells for a two-level harm scale",
                     sub("      cells: [tolerable, unacceptable]", "      cells: [tolerable, unacceptable, unacceptable]")),
    "missing-sbom-file": ("an item naming an SBOM file that is not there",
                          sub("    zone: device\n", "    zone: device\n    sbom: sbom/app.cdx.json\n    components: [app/zlib]\n")),
    "unknown-sbom-component": ("a component ref that is not in the SBOM",
                               sub("    zone: device\n", "    zone: device\n    sbom: app.cdx.json\n    components: [app/zlb]\n")),
    "missing-evidence-file": ("evidence naming a report that is not there",
                              base + "evidence:\n  - id: EV-1\n    title: TLS test\n    kind: test\n    result: pass\n"
                              "    file: reports/tls.md\n    verifies: [c-tls]\n"),
    "too-deep": ("nesting deeper than the cap",
                 base + "hazards:\n  - id: HZ-1\n    title: deep\n    harm: serious\n    description:\n" +
                 "".join("      " + "  " * i + "k%d:\n" % i for i in range(40)) + "      " + "  " * 40 + "end\n"),
    "too-many-entries": ("a list longer than the cap",
                         sub("    zone: device\n", "    zone: device\n    data: [" + ", ".join(["x"] * 10001) + "]\n")),
    "empty-file": ("nothing in it", "# empty\n"),
    "yaml-alias": ("a value written as an alias", sub("    trust: 80", "    trust: &t 80").replace(
        "    trust: 30", "    trust: *t")),
    "not-utf8": ("a value saved as Latin-1 (a byte that is not UTF-8)",
                 sub("  manufacturer: Example Medical", "  manufacturer: Example M\udce9dical")),
    "vulnerability-unknown-component": ("a vulnerability in a component no item lists",
                                        base + "vulnerabilities:\n" + vuln(components="[monitor-ap]"),
                                        {"cve.yaml": rubric}),
    "vulnerability-bad-rubric": ("a vulnerability whose rubric answers miss a question the flow reaches",
                                 base + "vulnerabilities:\n" + vuln(),
                                 {"cve.yaml": rubric.replace("{authentication_required: no}",
                                                             "{authentication_required: yes}")}),
    "vulnerability-duplicate-id": ("the same vulnerability assessed twice",
                                   base + "vulnerabilities:\n" + vuln() + vuln(components="[central-station]"),
                                   {"cve.yaml": rubric}),
    "version-sbom-listed-twice": ("a release naming the same SBOM twice",
                                  sub("    end_of_support: 2030-12-31\n",
                                      "    end_of_support: 2030-12-31\n    sboms: [app.cdx.json, app.cdx.json]\n"),
                                  {"app.cdx.json": app_sbom}),
    "version-sbom-unreadable": ("a release naming a file that is no SBOM",
                                sub("    end_of_support: 2030-12-31\n",
                                    "    end_of_support: 2030-12-31\n    sboms: [release-notes.txt]\n"),
                                {"release-notes.txt": "Release 1.0.0: first release.\n"}),
    "runs-on-cycle": ("two processes that each run on the other",
                      sub("    zone: device\n", "    zone: device\n    runs_on: rtos\n").replace(
                          "  - id: central-station\n", "  - id: rtos\n    name: Real-time kernel\n"
                          "    kind: operating_system\n    element: process\n    zone: device\n"
                          "    runs_on: monitor-app\n  - id: central-station\n")),
    "triage-bad-state": ("a triage file whose decision has a state no VEX vocabulary has",
                         base, {"triage.yaml": "medsec_triage: 1\ndecisions:\n  - vuln: CVE-2024-0001\n"
                                "    component: app/zlib\n    state: harmless\n    by: QA\n"}),
    "triage-unknown-item": ("a triage rule naming an item the security file does not have",
                            base, {"triage.yaml": "medsec_triage: 1\nrules:\n  - id: no-local-users\n"
                                   "    kind: local_attacker\n    items: [monitor-ap]\n"
                                   "    justification: requires_environment\n"
                                   "    detail: No interactive accounts.\n    by: QA\n"}),
    "postmarket-incomplete": ("a post-market plan without its contact and with a zero day count",
                              base + "postmarket:\n  acknowledge_days: 0\n"
                              "  monitoring: [NVD]\n"),
    "many-errors": ("several problems, all reported at once",
                    sub("    protocol: hl7-mllp", "    protocl: hl7-mllp").replace(
                        "    to: central-station", "    to: central-staton").replace(
                        "    trust: 80", "    trust: 180").replace(
                        "    support: full", "    support: ful")),
}

for name, (why, text, *extra) in cases.items():
    d = os.path.join(here, "broken", name)
    os.makedirs(d, exist_ok=True)
    # surrogateescape turns a lone \udcXX back into the byte XX (the not-UTF-8 case)
    with open(os.path.join(d, "device.yaml"), "wb") as f:
        f.write((head % why + text).encode("utf-8", "surrogateescape"))
    for fname, ftext in (extra[0] if extra else {}).items():
        with open(os.path.join(d, fname), "w") as f:
            f.write(ftext)
print("wrote %d cases" % len(cases), file=sys.stderr)
