#!/usr/bin/python3
"""stack.py: worst-case stack of the agent's entry points from GCC's call-graph files.

usage: stack.py BUILD_DIR [--bound FUNCTION=N ...] [--root FUNCTION ...]

BUILD_DIR is the mps2 cross build (agent/port/mps2), compiled with -fstack-usage
-fcallgraph-info=su: one .ci file per object, with each function's frame size and its calls. For
every external function of the agent core and of agent/crypto, the deepest call path is summed
frame by frame. A call through a function pointer of struct msa_port (port->NAME(...) at the call
site GCC records) goes to the function the port puts in that member ("port->NAME = FUNCTION;" in
port_ram.c or crypto/port.c); any other callback counts as the deepest port function. Library
leaves (memcpy, memset, memcmp) have no frame information and count as 0. Recursion is an error
unless bounded with --bound FUNCTION=N: at most N activations of FUNCTION on any call path (the
code must enforce that bound itself, as the SUIT interpreter does for try-each nesting).
Prints one line per entry point, deepest first, and a summary line "stack.worst N"; with --root,
also "stack.root FUNCTION N PATH" for a function of the program (e.g. the reset handler: the bound
of the whole program's stack, which a measurement on the board must not exceed).
"""
import os
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"(?: label: "([^"]*)")?')
WHERE = re.compile(r'\\n(.+?):\d+:\d+')
SIZE = re.compile(r'\\n(\d+) bytes \((static|dynamic|dynamic,bounded)\)')


def load(build):
    frames, calls, files, kinds, paths = {}, {}, {}, {}, {}
    for root, _, names in os.walk(build):
        for name in names:
            if not name.endswith('.ci'):
                continue
            # the target's folder: CMakeFiles/TARGET.dir/...
            rel = os.path.relpath(root, build).split(os.sep)
            part = rel[1] if len(rel) > 1 and rel[0] == 'CMakeFiles' else ''
            with open(os.path.join(root, name), encoding='utf-8') as f:
                text = f.read()
            for title, label in NODE.findall(text):
                m = SIZE.search(label)
                if m:
                    frames[title] = int(m.group(1))
                    kinds[title] = m.group(2)
                    files[title] = (part, name)
                    w = WHERE.search(label)
                    if w:
                        paths[title] = w.group(1)
            for src, dst, where in EDGE.findall(text):
                calls.setdefault(src, []).append((dst, where))
    return frames, calls, files, kinds, paths


def called_member(where):
    """the struct member an indirect call at FILE:LINE:COL goes through (port->NAME(...)), or None"""
    m = re.match(r'(.+):(\d+):(\d+)$', where or '')
    if not m:
        return None
    try:
        with open(m.group(1), encoding='utf-8') as f:
            line = f.read().split('\n')[int(m.group(2)) - 1]
    except (OSError, IndexError):
        return None
    callee = line[int(m.group(3)) - 1:].split('(', 1)[0]
    names = re.findall(r'(\w+)\s*$', callee)
    return names[0] if names else None


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith('-'):
        sys.exit(__doc__)
    build, bounds, roots = args[0], {}, []
    rest = args[1:]
    while rest:
        if rest[0] == '--root' and len(rest) >= 2:
            roots.append(rest[1])
        elif rest[0] == '--bound' and len(rest) >= 2 and '=' in rest[1]:
            name, n = rest[1].split('=', 1)
            bounds[name] = int(n)
        else:
            sys.exit(__doc__)
        rest = rest[2:]
    frames, calls, files, kinds, paths = load(build)
    if not frames:
        sys.exit('stack.py: no .ci files under %s (built with -fcallgraph-info=su?)' % build)

    # a global function's title is its bare name; a static one's is "FILE:name"
    def is_port(t):
        part, name = files.get(t, ('', ''))
        return name.startswith('port_ram.c') or (part == 'msa_crypto.dir' and name.startswith('port.c'))

    def bare(t):
        return t.split(':')[-1]

    port_funcs = [t for t in frames if is_port(t)]
    # which port function each member of struct msa_port holds: "port->MEMBER = FUNCTION;" in
    # the port's sources
    members = {}
    for path in sorted({paths[t] for t in port_funcs if t in paths}):
        with open(path, encoding='utf-8') as f:
            for member, func in re.findall(r'port->(\w+)\s*=\s*(\w+)\s*;', f.read()):
                for t in port_funcs:
                    if bare(t) == func:
                        members[member] = t
    memo = {}
    unresolved = set()

    def deepest(t, active):
        """deepest path from t; active: activations on the current path, by title"""
        key = (t, tuple(sorted((k, v) for k, v in active.items() if bare(k) in bounds)))
        if key in memo:
            return memo[key]
        limit = bounds.get(bare(t), 1)
        if active.get(t, 0) >= limit:
            if bare(t) in bounds:
                return (0, [])  # the code refuses to go deeper
            sys.exit('stack.py: recursion through %s: no static bound (--bound %s=N)' % (t, bare(t)))
        active[t] = active.get(t, 0) + 1
        best, path = 0, []
        targets = []
        for c, where in calls.get(t, []):
            if c != '__indirect_call':
                targets.append(c)
            elif called_member(where) in members:
                targets.append(members[called_member(where)])
            else:  # a callback other than the port's: charged as the deepest port function
                unresolved.add(called_member(where) or where)
                targets.extend(port_funcs)
        for c in targets:
            d, p = deepest(c, active) if c in frames else (0, [c])
            if d > best:
                best, path = d, p
        active[t] -= 1
        memo[key] = (frames.get(t, 0) + best, [t] + path)
        return memo[key]

    entries = [t for t in frames if ':' not in t and files[t][0] in ('msa.dir', 'msa_crypto.dir')]
    rows = sorted(((deepest(t, {}), t) for t in entries), key=lambda r: -r[0][0])
    dynamic = [t for t in frames if kinds[t] == 'dynamic']
    for (depth, path), t in rows:
        short = ' > '.join(bare(p) for p in path)
        print('stack.entry %-28s %6d  %s' % (t, depth, short))
    for name in roots:
        found = [t for t in frames if bare(t) == name]
        if not found:
            sys.exit('stack.py: no function %s in the call graph' % name)
        depth, path = deepest(found[0], {})
        print('stack.root %s %d  %s' % (name, depth, ' > '.join(bare(p) for p in path)))
    if unresolved:
        print('stack.callbacks %s (charged as the deepest port function)' % ', '.join(sorted(unresolved)))
    if dynamic:
        print('stack.dynamic (unbounded frames): %s' % ', '.join(sorted(dynamic)))
    worst = rows[0][0][0] if rows else 0
    print('stack.worst %d' % worst)
    return 1 if dynamic else 0


if __name__ == '__main__':
    sys.exit(main())
