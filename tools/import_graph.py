"""The shape of commonmeasure's imports: package-level cycles and function-level imports.

    .venv/bin/python tools/import_graph.py            # the summary
    .venv/bin/python tools/import_graph.py --verbose  # every cycle's imports and every late import
    .venv/bin/python tools/import_graph.py --check    # exit 1 on any of the faults below (make lint)

The package graph has one node per top-level package or module of `commonmeasure` (`reporting`,
`cli`, `settings`, ...) and an edge A -> B when any module of A imports any module of B, at module
level or inside a function (grimp, the library import-linter is built on, finds both). A "tangle" is
a strongly connected component of that graph with more than one node; the "mutual pairs" are the
two-way edges inside it. The same is counted for the module graph (module-level cycles).
"Function-level imports" counts `import` statements of project modules written inside a function
or method body (found with `ast`), which hide cycles from a reader, and those of them with no
comment above them in their function saying why; the last count lists every
`from x import _private_name` of a project module. `--check` fails on a tangle, a two-way pair,
a module cycle, an unexplained function-level import or a private name imported.
Tests, migrations and `TYPE_CHECKING` blocks are left out.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "commonmeasure"


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def is_skipped(module: str) -> bool:
    return ".migrations" in module or ".tests" in module


def package_graph(graph) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """{package: {imported package: [(importer, imported), ...]}} across packages only."""
    edges: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for module in graph.modules:
        if is_skipped(module) or module == PACKAGE:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if imported == PACKAGE or is_skipped(imported):
                continue
            a, b = top(module), top(imported)
            if a != b:
                edges[a][b].append((module, imported))
    return edges


def strongly_connected(nodes, edges) -> list[list[str]]:
    """Tarjan's algorithm: the strongly connected components, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            components.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return components


def function_level_imports(root: Path = ROOT) -> list[tuple[str, int, str, bool]]:
    """(file, line, imported module, explained) for every project import inside a function body.

    An import is explained when a comment in its function, above it, says why (the commands:
    "the console script reads the arguments before Django is set up"), or when the function is
    an app's ``ready()``, where Django's own rule is to import what needs every app's models."""
    found = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        rel = path.relative_to(root)
        if "migrations" in rel.parts or "tests" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)

        def explained(function, line: int, lines=lines) -> bool:
            if getattr(function, "name", "") == "ready":
                return True
            return any(
                code.strip().startswith("#") or "  # " in code
                for code in lines[function.lineno : line]
            )

        def walk(node, function, rel=rel):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                    walk(child, child, rel)
                    continue
                if function is not None and isinstance(child, ast.Import):
                    for alias in child.names:
                        if alias.name.split(".")[0] == PACKAGE:
                            why = explained(function, child.lineno)
                            found.append((str(rel), child.lineno, alias.name, why))
                elif function is not None and isinstance(child, ast.ImportFrom):
                    if child.level or (child.module or "").split(".")[0] == PACKAGE:
                        name = "." * child.level + (child.module or "")
                        why = explained(function, child.lineno)
                        found.append((str(rel), child.lineno, name, why))
                walk(child, function, rel)

        walk(tree, None)
    return found


def private_name_imports() -> list[tuple[str, int, str]]:
    """(file, line, module.name) for every `from <project module> import _name`."""
    found = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts or "tests" in rel.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if not (node.level or (node.module or "").split(".")[0] == PACKAGE):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    module = "." * node.level + (node.module or "")
                    found.append((str(rel), node.lineno, f"{module}.{alias.name}"))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every import behind a cycle")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 on a tangle, a two-way pair, a module cycle, a function-level import no "
        "comment explains or an import of a private name (make lint)",
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    edges = package_graph(graph)
    nodes = {top(m) for m in graph.modules if not is_skipped(m) and m != PACKAGE}
    tangles = [c for c in strongly_connected(nodes, edges) if len(c) > 1]
    pairs = sorted(
        {tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, {})}
    )

    print(f"packages and top-level modules: {len(nodes)}")
    print(f"package-level tangles (strongly connected components > 1): {len(tangles)}")
    for component in tangles:
        print(f"  {len(component)} packages: {', '.join(component)}")
    print(f"mutual package pairs (A imports B and B imports A): {len(pairs)}")
    for a, b in pairs:
        print(f"  {a} <-> {b}")
        if args.verbose:
            for importer, imported in edges[a][b] + edges[b][a]:
                print(f"      {importer} -> {imported}")
    module_edges = {
        m: {i: [] for i in graph.find_modules_directly_imported_by(m) if not is_skipped(i)}
        for m in graph.modules
        if not is_skipped(m)
    }
    module_cycles = [c for c in strongly_connected(set(module_edges), module_edges) if len(c) > 1]
    print(f"module-level cycles (strongly connected components > 1): {len(module_cycles)}")
    for component in module_cycles:
        shown = ", ".join(m.removeprefix(PACKAGE + ".") for m in component)
        print(f"  {len(component)} modules: {shown}")
    late = function_level_imports()
    unexplained = [(file, line, name) for file, line, name, why in late if not why]
    print(f"function-level imports of project modules: {len(late)}")
    if args.verbose:
        for file, line, name, _why in late:
            print(f"  {file}:{line}: {name}")
    print(f"function-level imports with no comment saying why: {len(unexplained)}")
    for file, line, name in unexplained:
        print(f"  {file}:{line}: {name}")
    private = private_name_imports()
    print(f"imports of another module's private names (from x import _y): {len(private)}")
    for file, line, name in private:
        print(f"  {file}:{line}: {name}")
    if args.check and (tangles or pairs or module_cycles or unexplained or private):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
