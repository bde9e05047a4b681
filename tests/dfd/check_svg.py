#!/usr/bin/python3
# check_svg.py: `medsec dfd DIR` writes a well-formed SVG with one cluster per trust zone and one edge
# per data flow, byte-identical on a second run. usage: check_svg.py MEDSEC_BINARY DEVICE_DIR
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/2000/svg}'


def render(binary, device, out):
    r = subprocess.run([binary, 'dfd', device, '-o', out], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit('medsec dfd failed (%d): %s' % (r.returncode, r.stderr))
    with open(out, 'rb') as f:
        return f.read()


def main():
    binary, device = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        first = render(binary, device, os.path.join(tmp, 'a.svg'))
        second = render(binary, device, os.path.join(tmp, 'b.svg'))
    if first != second:
        sys.exit('two runs gave different SVG')
    root = ET.fromstring(first)  # raises on malformed XML
    if root.tag != NS + 'svg':
        sys.exit('root element is %s, not svg' % root.tag)
    groups = root.iter(NS + 'g')
    kinds = {}
    for g in groups:
        kinds[g.get('class')] = kinds.get(g.get('class'), 0) + 1
    dot = subprocess.run([binary, 'dfd', device, '--format', 'dot'], capture_output=True, text=True, check=True)
    zones = dot.stdout.count('subgraph "cluster_')
    flows = sum(1 for line in dot.stdout.splitlines() if '->' in line and 'dir=none' not in line)
    if kinds.get('cluster', 0) != zones or zones < 2:
        sys.exit('clusters: SVG %d, DOT %d (want equal, at least 2)' % (kinds.get('cluster', 0), zones))
    if kinds.get('edge', 0) < flows or flows < 1:
        sys.exit('edges: SVG %d, flows in DOT %d' % (kinds.get('edge', 0), flows))
    print('ok: %d clusters, %d edges, %d nodes, %d bytes' % (zones, kinds.get('edge', 0), kinds.get('node', 0),
                                                            len(first)))


if __name__ == '__main__':
    main()
