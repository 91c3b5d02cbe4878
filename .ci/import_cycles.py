#!/usr/bin/env python3
"""Import cycles between the modules of a crate: builds the graph of `crate::`, `super::` and
parent-to-child `use` paths in its src dir and prints each strongly connected component of
more than one module (Tarjan). Exits 1 if there is one. Used by .ci/run on
crates/federation (issue 13: no import cycles inside the crate). `-v` lists the edges."""
import os, re, sys
args = [a for a in sys.argv[1:] if not a.startswith("-")]
root = args[0] if args else "crates/federation/src"
mods = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith(".rs"): continue
        p = os.path.join(d, f)
        rel = os.path.relpath(p, root)[:-3].split(os.sep)
        if rel[-1] in ("mod", "lib"): rel = rel[:-1]
        mods["::".join(rel)] = p
def resolve(path):
    parts = path.split("::")
    while parts:
        k = "::".join(parts)
        if k in mods: return k
        parts = parts[:-1]
    return None
graph = {m: set() for m in mods}
for m, p in mods.items():
    src = open(p).read()
    # strip test modules crudely
    src = re.split(r"#\[cfg\(test\)\]", src)[0]
    for mt in re.finditer(r"crate::((?:\w+::)*\w+)", src):
        t = resolve(mt.group(1))
        if t is not None and t != m and not m.startswith(t + "::") and not (t == ""):
            graph[m].add(t)
    if p.endswith("mod.rs") or p.endswith("lib.rs"):
        for mt in re.finditer(r"(?m)^\s*(?:pub(?:\(crate\))? )?use ((?:\w+::)*\w+)", src):
            first = mt.group(1).split("::")[0]
            if first in ("crate", "super", "self", "std") : continue
            t = resolve("::".join((m.split("::") if m else []) + mt.group(1).split("::")))
            if t and t != m: graph[m].add(t)
        for mt in re.finditer(r"\b(\w+)::(\w+)", src):
            t = resolve("::".join((m.split("::") if m else []) + [mt.group(1), mt.group(2)]))
            if t and t != m and t.startswith(m) : graph[m].add(t)
    for mt in re.finditer(r"crate::\{([^}]*)\}", src):
        for item in re.findall(r"(\w+(?:::\w+)*)", mt.group(1)):
            t = resolve(item)
            if t and t != m and not m.startswith(t + "::"): graph[m].add(t)
    if re.search(r"super::\{", src):
        base = m.split("::")[:-1] if not p.endswith("mod.rs") else m.split("::")[:-1]
        t = resolve("::".join(base)) if base else None
        if t and t != m: graph[m].add(t)
    for mt in re.finditer(r"super::((?:\w+::)*\w+)", src):
        base = m.split("::")[:-1] if not p.endswith("mod.rs") else m.split("::")[:-1]
        t = resolve("::".join(base + mt.group(1).split("::")))
        if t and t != m: graph[m].add(t)
# tarjan
idx, low, on, st, out, c = {}, {}, set(), [], [], [0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in graph[v]:
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: out.append(sorted(comp))
for v in graph:
    if v not in idx: sc(v)
print(f"{len(out)} cycle group(s)")
for comp in out:
    print(len(comp), comp)
    if "-v" in sys.argv:
        for m in comp:
            print("  ", m, "->", sorted(graph[m] & set(comp)))
sys.exit(1 if out else 0)
