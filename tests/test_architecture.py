"""The package layers point one way and no module imports itself back (ARCHITECTURE.md).

The import graph is read with ``ast`` from every module of ``src/helpers``: module-level and
function-level imports alike (a lazy import inside a function still ties two modules). Layers,
lowest first::

    core <- text <- catalog <- parse | dedup | facts <- share <- publish <- pipeline <- devtools

A module may import its own package and any lower layer, never a higher one nor a sibling of
its own layer (stage 02 does not call stage 01; what two stages share belongs lower down).
``helpers/__init__.py`` imports nothing; ``helpers/__main__.py`` (the command dispatch) sits
outside the layers and may import anything, and nothing imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.core.paths import PACKAGE_DIR

LAYERS = {
    "core": 0,
    "text": 1,
    "catalog": 2,
    "parse": 3,
    "dedup": 3,
    "facts": 3,
    "share": 4,
    "publish": 5,
    "pipeline": 6,
    "devtools": 7,
}
OUTSIDE = {"helpers", "helpers.__main__"}


def module_name(path: Path) -> str:
    """``src/helpers/parse/clean.py`` -> ``helpers.parse.clean`` (a package: its own name)."""
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def imported(tree: ast.AST, modules: set[str]) -> set[str]:
    """Modules of ``helpers`` that ``tree`` imports anywhere (a name imported from a package
    counts as its submodule when it is one: ``from helpers.dedup import minhash``).

    A relative import is reported as ``.relative`` (the package uses absolute imports only).
    """
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.add(".relative")
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return {m for m in found if m in {"helpers", ".relative"} or m.startswith("helpers.")}


def import_graph() -> dict[str, set[str]]:
    """Module -> the helpers modules it imports (itself excluded)."""
    modules = all_modules()
    names = set(modules)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = imported(tree, names) - {name}
    return graph


def layer_of(module: str) -> tuple[str, int] | None:
    """(package, layer) of a module; None for the modules outside the layers."""
    if module in OUTSIDE:
        return None
    package = module.split(".")[1]
    return package, LAYERS[package]


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import that points up a layer or across to a sibling package, or at __main__."""
    out = []
    for source, targets in sorted(graph.items()):
        for target in sorted(targets):
            if target == ".relative":
                out.append(f"{source} uses a relative import (write helpers.<package>...)")
                continue
            if target == "helpers.__main__":
                out.append(f"{source} imports the command dispatch {target}")
                continue
            if source == "helpers":
                out.append(f"helpers/__init__.py imports {target}")
                continue
            src, dst = layer_of(source), layer_of(target)
            if src is None or dst is None or src[0] == dst[0]:
                continue
            if dst[1] >= src[1]:
                kind = "a sibling" if dst[1] == src[1] else "a higher layer"
                out.append(f"{source} ({src[0]}) imports {target}: {kind} ({dst[0]})")
    return out


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` reaches through one or more imports."""
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += graph.get(node, ())
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (sorted)."""
    reach = {node: reachable(graph, node) for node in graph}
    groups = {
        tuple(sorted({node} | {o for o in reach[node] if node in reach.get(o, ())}))
        for node in graph
        if node in reach[node]
    }
    return sorted(list(g) for g in groups)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_every_module_belongs_to_a_layer(graph):
    unknown = {m for m in graph if m not in OUTSIDE and m.split(".")[1] not in LAYERS}
    assert not unknown, f"add the package of {sorted(unknown)} to LAYERS and ARCHITECTURE.md"


def test_imports_point_down_the_layers(graph):
    found = violations(graph)
    assert not found, "\n".join(found)


def test_no_import_cycles(graph):
    found = cycles(graph)
    assert not found, "\n".join(" <-> ".join(c) for c in found)


def test_function_level_imports_are_in_the_graph(graph):
    # evaluate imports the stages inside a function; the graph must still see those edges
    assert {"helpers.parse", "helpers.dedup", "helpers.facts"} <= graph["helpers.devtools.evaluate"]


@pytest.mark.parametrize(
    ("graph_in", "expected"),
    [
        pytest.param({"helpers.core.io": {"helpers.parse.clean"}}, 1, id="up-a-layer"),
        pytest.param({"helpers.dedup.pairs": {"helpers.parse.clean"}}, 1, id="sibling-stage"),
        pytest.param({"helpers.share.tables": {"helpers.__main__"}}, 1, id="the-dispatch"),
        pytest.param({"helpers.publish.deck": {"helpers.share.tables"}}, 0, id="down-is-fine"),
        pytest.param({"helpers.facts.rows": {"helpers.facts.schema"}}, 0, id="same-package"),
    ],
)
def test_the_checks_catch_a_violation(graph_in, expected):
    assert len(violations(graph_in)) == expected


def test_the_checks_catch_a_cycle():
    looped = {
        "helpers.facts.extract": {"helpers.facts.cache"},
        "helpers.facts.cache": {"helpers.facts.extract"},
    }
    assert cycles(looped) == [["helpers.facts.cache", "helpers.facts.extract"]]
