#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The library's module graph, from the symbols each object file takes from the others.

Usage: tests/layering.py [--print] SOURCE_ROOT OBJECT_DIR [NM]

A module is a source file; its layer is its folder (src/util, src/lib/<stage>,
or src/lib itself for the driver). Fails on a cycle between modules, or on an
edge to a layer that is not below in LAYERS (an upward edge). --print shows
every edge with its symbols, then the layer graph.
"""
import collections
import os
import subprocess
import sys

# Bottom first: a module may take symbols from its own layer (without a cycle)
# and from the layers before it, never from those after.
LAYERS = [
    'util',     # no pirscan vocabulary
    'model',    # severities, reasons, diagnostics
    'extract',  # bytes to locations (markers, action-items files): pure, run by source
    'source',   # reading git (repository, history walk, blobs, packs), extracting each blob
    'history',  # keys across history and the replay that dates them
    'result',   # one repository's result, owning its memory: collected, cached or read from JSON
    'cache',    # the SQLite cache of results
    'config',   # .pirscan.yml and team configuration
    'age',      # stage 5: an item's age, days overdue and stale reasons
    'link',     # stage 4: locations into items, teams, order
    'fleet',    # repository lists, names, shards, mirrors
    'scan',     # the driver: scan.c and filter.c
    'check',    # the gate, on the scan's results
    'report',   # the report model
    'output',   # stage 6: writers
    'deliver',  # stage 7: mail
]


def layer_of(rel):
    parts = rel.split('/')
    if parts[:2] == ['src', 'util']:
        return 'util'
    if parts[:2] == ['src', 'lib']:
        return parts[2] if len(parts) > 3 else 'scan'
    return None


def modules(root):
    """Meson's object name for each library source -> its path from the root."""
    lib = os.path.join(root, 'src', 'lib')
    out = {}
    for top in ('src/util', 'src/lib'):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith('.c'):
                    path = os.path.join(d, f)
                    obj = os.path.relpath(path, lib).replace('/', '_') + '.o'
                    out[obj] = os.path.relpath(path, root)
    return out


def symbols(nm, obj):
    defined, undefined = set(), set()
    text = subprocess.run([nm, obj], capture_output=True, text=True, check=True).stdout
    for line in text.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in 'TDBRCG':
            defined.add(p[2])
        elif len(p) == 2 and p[0] == 'U':
            undefined.add(p[1])
    return defined, undefined


def cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(argv):
    show = '--print' in argv
    argv = [a for a in argv if a != '--print']
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root, objdir = argv[0], argv[1]
    nm = argv[2] if len(argv) > 2 else 'nm'
    mods = modules(root)
    owner, takes = {}, {}
    for obj in sorted(os.listdir(objdir)):
        if not obj.endswith('.o'):
            continue
        if obj not in mods:
            print(f'layering: {obj}: no source file under src/ matches', file=sys.stderr)
            return 1
        defined, undefined = symbols(nm, os.path.join(objdir, obj))
        for s in defined:
            owner[s] = mods[obj]
        takes[mods[obj]] = undefined
    edges = collections.defaultdict(lambda: collections.defaultdict(set))
    for m, undefined in takes.items():
        for s in undefined:
            if s in owner and owner[s] != m:
                edges[m][owner[s]].add(s)

    failed = False
    rank = {name: i for i, name in enumerate(LAYERS)}
    layer_edges = collections.defaultdict(set)
    for m in sorted(edges):
        for n in sorted(edges[m]):
            syms = ' '.join(sorted(edges[m][n]))
            if show:
                print(f'{m} -> {n}: {syms}')
            lm, ln = layer_of(m), layer_of(n)
            if lm not in rank or ln not in rank:
                print(f'layering: {m} or {n} is in no layer of LAYERS', file=sys.stderr)
                failed = True
                continue
            if lm != ln:
                layer_edges[lm].add(ln)
            if rank[ln] > rank[lm]:
                print(f'layering: upward edge {m} ({lm}) -> {n} ({ln}): {syms}',
                      file=sys.stderr)
                failed = True
    for comp in cycles(takes.keys(), edges):
        print('layering: cycle between ' + ', '.join(comp), file=sys.stderr)
        failed = True
    if show:
        print()
        for lm in LAYERS:
            if layer_edges.get(lm):
                below = sorted(layer_edges[lm], key=rank.get)
                print(f'{lm} -> {" ".join(below)}')
    if not failed:
        print(f'layering: {len(takes)} modules, no cycle, no upward edge')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
