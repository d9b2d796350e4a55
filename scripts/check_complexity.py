"""Complexity gate: no function of ``src/`` above cyclomatic complexity 10 (radon rank B).

Radon counts every boolean operator (``a and b or c`` adds 2), which ruff's C901 does not; a
function above :data:`LIMIT` must carry a ``# NOTE: complexity N:`` comment right above its
``def`` (or its decorators) saying why it stays whole, and a marked function that is no longer
above the limit is reported too, so the markers stay true.

Usage::

    python scripts/check_complexity.py [PATH ...]    # default: src; exit 1 on any problem

``make lint`` runs it and ``tests/test_hygiene.py`` calls :func:`problems`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from radon.complexity import cc_visit

LIMIT = 10  # radon rank B: complexity 6-10
MARK_RE = re.compile(r"#\s*NOTE: complexity (\d+):\s*\S")
ROOT = Path(__file__).resolve().parents[1]


def _marker(lines: list[str], def_line: int) -> re.Match | None:
    """The ``NOTE: complexity`` comment in the comment block right above line ``def_line``."""
    i = def_line - 2  # the line above the def, 0-based
    while i >= 0 and lines[i].lstrip().startswith("@"):
        i -= 1
    while i >= 0 and lines[i].lstrip().startswith("#"):
        if m := MARK_RE.search(lines[i]):
            return m
        i -= 1
    return None


def _functions(blocks):
    for block in blocks:
        if hasattr(block, "methods"):  # a class: its methods count, the class itself does not
            yield from block.methods
        else:
            yield block
            yield from _functions(getattr(block, "closures", []))


def measure(path: Path) -> list[tuple[str, int, int, bool]]:
    """(name, line, complexity, is_marked) of every function and method in ``path``."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    out = []
    for fn in _functions(cc_visit(source)):
        name = f"{fn.classname}.{fn.name}" if getattr(fn, "classname", None) else fn.name
        out.append((name, fn.lineno, fn.complexity, _marker(lines, fn.lineno) is not None))
    return out


def python_files(paths: list[Path]) -> list[Path]:
    """The ``.py`` files of ``paths`` (folders searched recursively), sorted."""
    return sorted(p for root in paths for p in (root.rglob("*.py") if root.is_dir() else [root]))


def problems(paths: list[Path]) -> list[str]:
    """Unmarked functions over :data:`LIMIT`, and markers on functions within it."""
    found = []
    for path in sorted(
        p for root in paths for p in (root.rglob("*.py") if root.is_dir() else [root])
    ):
        for name, line, complexity, marked in measure(path):
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line}"
            if complexity > LIMIT and not marked:
                found.append(f"{where} {name}: complexity {complexity} > {LIMIT} (split it, or "
                             "mark it '# NOTE: complexity N: why' above the def)")  # fmt: skip
            elif complexity <= LIMIT and marked:
                found.append(f"{where} {name}: complexity {complexity}, drop its NOTE marker")
    return found


def over_limit(paths: list[Path]) -> list[tuple[str, int]]:
    """Every function above the limit, marked or not: (``file:line name``, complexity)."""
    out = []
    for path in sorted(
        p for root in paths for p in (root.rglob("*.py") if root.is_dir() else [root])
    ):
        for name, line, complexity, _ in measure(path):
            if complexity > LIMIT:
                out.append((f"{path.relative_to(ROOT)}:{line} {name}", complexity))
    return out


def main(argv: list[str]) -> int:
    """Print the problems (and the marked exceptions with ``-v``); 1 when there are any."""
    verbose = "-v" in argv
    paths = [Path(a) for a in argv if a != "-v"] or [ROOT / "src"]
    found = problems([p.resolve() for p in paths])
    if verbose:
        for where, complexity in over_limit([p.resolve() for p in paths]):
            print(f"marked exception: {where} ({complexity})")
    print("\n".join(found) if found else f"complexity: every function <= {LIMIT} or marked")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
