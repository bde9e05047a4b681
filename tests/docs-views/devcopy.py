"""devcopy.py: what the checks of this folder share: a device folder copied with another
device.yaml, and the verdict line."""
import os
import shutil

import yaml


def copy_with(dev, dest, model):
    """Copy device folder @dev to @dest (replacing it) with @model as its device.yaml."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(dev, dest)
    with open(os.path.join(dest, "device.yaml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(model, f, sort_keys=False, allow_unicode=True)
    return dest


def verdict(name, fails):
    """Print the failures and the count; the exit status."""
    for f in fails:
        print("FAIL:", f)
    print("%s: %d failures" % (name, len(fails)))
    return 1 if fails else 0
