#!/usr/bin/env python3
"""make_feeds.py: writes the two small NVD 1.1 feeds the triage tests import (fictional CVE-2099-7xxx
records, written for these tests, on the infusion pump's components). v2 is the same feed a month
later: one score raised, one affected range moved, so decisions made against v1 become stale.

usage: python3 make_feeds.py   (rewrites v1/nvd.json and v2/nvd.json next to this script)
"""
import json
import os

V31 = "CVSS:3.1/"


def item(cve, text, cpe, cwe, vector, score, start=None, end_excl=None):
    m = {"vulnerable": True, "cpe23Uri": cpe, "cpe_name": []}
    if start:
        m["versionStartIncluding"] = start
    if end_excl:
        m["versionEndExcluding"] = end_excl
    return {
        "cve": {
            "data_type": "CVE", "data_format": "MITRE", "data_version": "4.0",
            "CVE_data_meta": {"ID": cve, "ASSIGNER": "cve@example.invalid"},
            "problemtype": {"problemtype_data": [{"description": [{"lang": "en", "value": cwe}]}]},
            "references": {"reference_data": []},
            "description": {"description_data": [{"lang": "en", "value": text}]},
        },
        "configurations": {"CVE_data_version": "4.0",
                           "nodes": [{"operator": "OR", "children": [], "cpe_match": [m]}]},
        "impact": {"baseMetricV3": {"cvssV3": {"version": "3.1", "vectorString": V31 + vector,
                                               "baseScore": score}}},
        "publishedDate": "2026-02-01T00:00Z",
        "lastModifiedDate": "2026-02-01T00:00Z",
    }


def feed(v2):
    kernel = "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*"
    items = [
        item("CVE-2099-7001",
             "The OCSP status request handling in OpenSSL 1.0.2 before 1.0.2k lets a remote peer "
             "grow memory without bound.",
             "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "CWE-400",
             "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H" if v2 else "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
             9.1 if v2 else 7.5, "1.0.2", "1.0.2k"),
        item("CVE-2099-7002",
             "drivers/media/usb/dvb-usb/dw2102.c in the Linux kernel before 4.9.40 uses a stack "
             "buffer for DMA, which lets a USB device corrupt memory.",
             kernel, "CWE-119", "AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8,
             None, "4.9.45" if v2 else "4.9.40"),
        item("CVE-2099-7003",
             "net/ipv4/tcp_input.c in the Linux kernel before 4.9.35 mishandles SACK blocks, which "
             "lets a remote attacker exhaust memory.",
             kernel, "CWE-400", "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, None, "4.9.35"),
        item("CVE-2099-7004",
             "A use-after-free in the Linux kernel before 4.9.50 lets a local user gain "
             "privileges through a crafted system call sequence.",
             kernel, "CWE-416", "AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, None, "4.9.50"),
        item("CVE-2099-7005",
             "ncurses 6.0 has a heap-based buffer overflow in its terminfo reader on a crafted "
             "terminfo file.",
             "cpe:2.3:a:gnu:ncurses:*:*:*:*:*:*:*:*", "CWE-787",
             "AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", 5.5, "6.0", "6.1"),
        item("CVE-2099-7006",
             "libcurl before 7.51.0 writes past a heap buffer when a server sends a long "
             "redirect URL.",
             "cpe:2.3:a:haxx:libcurl:*:*:*:*:*:*:*:*", "CWE-787",
             "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, None, "7.51.0"),
        item("CVE-2099-7007",
             "BlueZ before 5.48 leaks memory of the SDP server to a device in Bluetooth range.",
             "cpe:2.3:a:bluez:bluez:*:*:*:*:*:*:*:*", "CWE-200",
             "AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 6.5, None, "5.50" if v2 else "5.48"),
        item("CVE-2099-7009",
             "The getaddrinfo function of glibc before 2.26 overflows a stack buffer on a "
             "crafted DNS reply.",
             "cpe:2.3:a:gnu:glibc:*:*:*:*:*:*:*:*", "CWE-121",
             "AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1, None, "2.26"),
    ]
    for i in items:
        if v2:
            i["lastModifiedDate"] = "2026-07-01T00:00Z"
    return {"CVE_data_type": "CVE", "CVE_data_format": "MITRE", "CVE_data_version": "4.0",
            "CVE_data_numberOfCVEs": str(len(items)), "CVE_data_timestamp": "2026-02-01T00:00Z",
            "CVE_Items": items}


here = os.path.dirname(os.path.abspath(__file__))
for name, v2 in (("v1", False), ("v2", True)):
    os.makedirs(os.path.join(here, name), exist_ok=True)
    with open(os.path.join(here, name, "nvdcve-1.1-triage-test.json"), "w") as f:
        json.dump(feed(v2), f, indent=1)
        f.write("\n")
