"""Command line: ``python -m helpers bench <stage> [options]`` runs that stage's benchmark."""

from __future__ import annotations

import importlib
import sys

from helpers.devtools.bench import BENCHMARKS


def main(argv: list[str] | None = None) -> int:
    """Dispatch to ``helpers.devtools.bench.<stage>.main`` with the remaining arguments."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in BENCHMARKS:
        names = ", ".join(sorted(BENCHMARKS))
        print(f"usage: python -m helpers bench {{{names}}} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHMARKS[argv[0]])
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
