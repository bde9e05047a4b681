"""case_input_yaml.py: YAML that says more than medsec reads (issue 9, items 3, 4 and 19).

Every YAML file medsec reads (device.yaml, threat rule catalogs, MITRE rubric answers) goes through
one front, lib/yaml, which took the first document of a stream and never looked at the rest: a second
document, even one with a syntax error, went unnoticed. Tags (`!!str`, `!foo`) were accepted and
ignored, and a NUL written as an escape ("yes\\0...") cut a rubric answer short. Each is now an input
error (exit 2) at file:line:column, for every kind of file."""

from hostile import Suite

s = Suite()

with open(s.root + "/tests/model/minimal/device.yaml") as f:
    device = f.read()
with open(s.root + "/examples/rubric-answers/insulin-pump-ble-bolus.yaml") as f:
    answers = f.read()
RULE = ('version: 1\nrules:\n  - id: extra-rule\n    title: "Extra {name}"\n    kind: process\n'
        '    stride: S\n    rating: low\n')
DEV_LINES = device.count("\n")
SECOND = "error: YAML: a second document; a file holds one document (nothing after '---' or '...')"


def folder(name, text):
    s.write(name + "/device.yaml", text)
    return name


# ---- the baseline: each file as it is is read ------------------------------------------------

s.run("device.yaml as it is", ["validate", folder("ok", device)], 0)
s.write("rule.yaml", RULE)
s.run("a rule catalog as it is", ["threats", "ok", "--rules", "rule.yaml"], 0, stdout_has="Extra ")
s.write("answers.yaml", answers)
s.run("rubric answers as they are", ["cvss", "rubric", "answers.yaml"], 0, stdout_has="base score")

# ---- item 4: one document per file ------------------------------------------------------------

s.run("device.yaml: a second document after '---'",
      ["validate", folder("two-docs", device + "---\nmedsec: 2\n")], 2,
      stderr_has="two-docs/device.yaml:%d:1: %s" % (DEV_LINES + 1, SECOND))
s.run("device.yaml: a second document after '...', with a syntax error in it",
      ["validate", folder("two-docs-bad", device + "...\nmedsec: [\n")], 2,
      stderr_has="two-docs-bad/device.yaml:%d:1: %s" % (DEV_LINES + 2, SECOND))
s.run("device.yaml: garbage after '...'",
      ["validate", folder("garbage", device + "...\n]]\n")], 2,
      stderr_has="garbage/device.yaml:%d:1: error: YAML: flow sequence with invalid extra closing "
                 "bracket" % (DEV_LINES + 2))
s.run("device.yaml: '...' and a comment is one document",
      ["validate", folder("end-marker", device + "...\n# the end\n")], 0)
s.write("rule-2docs.yaml", RULE + "---\nversion: 1\nrules: []\n")
s.run("a rule catalog with a second document", ["threats", "ok", "--rules", "rule-2docs.yaml"], 2,
      stderr_has="rule-2docs.yaml:8:1: " + SECOND)
s.write("answers-2docs.yaml", answers + "---\nid: OTHER\n")
s.run("rubric answers with a second document", ["cvss", "rubric", "answers-2docs.yaml"], 2,
      stderr_has="answers-2docs.yaml:%d:1: %s" % (answers.count("\n") + 1, SECOND))

# ---- item 19: tags ----------------------------------------------------------------------------

s.run("device.yaml: a !!str tag",
      ["validate", folder("tag", device.replace("  name: Example Monitor",
                                                "  name: !!str Example Monitor"))], 2,
      stderr_has="tag/device.yaml:5:9: error: YAML tag '!!str': tags are not read; write the value "
                 "without it")
s.run("device.yaml: a local tag on a mapping",
      ["validate", folder("tag-local", device.replace("device:\n", "device: !device\n", 1))], 2,
      stderr_has="tag-local/device.yaml:3:9: error: YAML tag '!device'")
s.write("rule-tag.yaml", RULE.replace("stride: S", "stride: !!str S"))
s.run("a rule catalog with a tag", ["threats", "ok", "--rules", "rule-tag.yaml"], 2,
      stderr_has="rule-tag.yaml:6:13: error: YAML tag '!!str'")
s.write("answers-tag.yaml", answers.replace("  wireless: yes", "  wireless: !!bool yes"))
s.run("rubric answers with a tag", ["cvss", "rubric", "answers-tag.yaml"], 2,
      stderr_has="answers-tag.yaml:9:13: error: YAML tag '!!bool'")

# ---- item 3: a NUL written as an escape -------------------------------------------------------

# "yes\0, unless ..." read as "yes" before
s.write("answers-nul.yaml", answers.replace("  wireless: yes", '  wireless: "yes\\0, unless shielded"'))
s.run("rubric answers with \\0 in an answer", ["cvss", "rubric", "answers-nul.yaml"], 2,
      stderr_has="answers-nul.yaml:9:17: error: '\\0' (a NUL character) in a quoted scalar; not "
                 "accepted")
s.write("rule-nul.yaml", RULE.replace("id: extra-rule", 'id: "extra-rule\\x00-2"'))
s.run("a rule catalog with \\x00 in an id", ["threats", "ok", "--rules", "rule-nul.yaml"], 2,
      stderr_has="rule-nul.yaml:3:20: error: '\\x00' (a NUL character) in a quoted scalar")
s.run("device.yaml: \\u0000 in a name",
      ["validate", folder("nul", device.replace("  name: Example Monitor",
                                                '  name: "Example\\u0000 Monitor"'))], 2,
      stderr_has="nul/device.yaml:5:17: error: '\\u0000' (a NUL character) in a quoted scalar")
s.done()
