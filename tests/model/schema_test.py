#!/usr/bin/python3
# schema_test.py: the JSON Schema of device.yaml (docs/schema/security-file.schema.json) accepts both
# example devices and the minimal file, rejects the broken files whose fault a schema can see, and
# accepts those whose fault only medsec validate can see (references, ids, real dates, files, SBOMs).
# usage: schema_test.py REPO_ROOT
import json, os, re, sys

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1 (yes/no are booleans, dates become objects); device.yaml is YAML 1.2."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))

root = sys.argv[1]
schema = json.load(open(os.path.join(root, "docs/schema/security-file.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

# Broken cases a schema detects, and those only medsec can (their YAML is schema-valid).
schema_detects = {"unknown-key", "wrong-type", "wrong-type-integer", "missing-required", "bad-enum",
                  "bad-capability", "many-errors", "empty-file", "too-deep", "version-sbom-listed-twice",
                  "postmarket-incomplete"}
only_medsec = {"duplicate-id", "dangling-reference", "wrong-kind-reference", "bad-date",
               "end-of-support-before-release", "unknown-version", "matrix-shape", "missing-sbom-file",
               "unknown-sbom-component", "missing-evidence-file", "too-many-entries", "yaml-alias",
               "vulnerability-unknown-component", "vulnerability-bad-rubric", "vulnerability-duplicate-id",
               "version-sbom-unreadable", "runs-on-cycle", "triage-bad-state", "triage-unknown-item"}
not_yaml = {"yaml-syntax", "not-utf8"}

failures = 0


def load(path):
    with open(path) as f:
        return json.loads(json.dumps(yaml.load(f, Loader=Yaml12Loader)))


def check(path, want_valid):
    global failures
    doc = load(path)
    errors = list(validator.iter_errors(doc))
    ok = not errors
    if ok != want_valid:
        failures += 1
        what = "rejected" if errors else "accepted"
        print("FAIL %s: schema %s it%s" % (path, what, (": " + errors[0].message[:200]) if errors else ""))
    else:
        print("ok   %s (%s)" % (path, "valid" if ok else "invalid: " + errors[0].message[:100]))


for good in ("examples/infusion-pump/device.yaml", "examples/glucose-cloud/device.yaml",
             "tests/model/minimal/device.yaml"):
    check(os.path.join(root, good), True)

broken = os.path.join(root, "tests/model/broken")
seen = set(os.listdir(broken))
unknown = seen - schema_detects - only_medsec - not_yaml
if unknown:
    print("FAIL broken cases not classified in schema_test.py: %s" % ", ".join(sorted(unknown)))
    failures += 1
for name in sorted(seen & (schema_detects | only_medsec)):
    check(os.path.join(broken, name, "device.yaml"), name in only_medsec)

print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)
