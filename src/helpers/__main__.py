"""``python -m helpers COMMAND``: ``run``, ``correct``, ``evaluate``, ``calibrate``, ``bench``.

NOTE: this module sits outside the layers (tests/test_architecture.py): it only dispatches, to
:mod:`helpers.pipeline.cli` for ``run`` and to :mod:`helpers.devtools` for the developer
commands, so the pipeline never imports the developer tools.
"""

from __future__ import annotations

import importlib
import sys

# command -> module whose ``main(argv) -> int`` takes the remaining arguments
COMMANDS = {
    "evaluate": "helpers.devtools.evaluate",
    "calibrate": "helpers.devtools.calibrate",
    "bench": "helpers.devtools.bench.__main__",
    "correct": "helpers.pipeline.correct",
}


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``argv`` (default: the command line) and return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        return int(importlib.import_module(COMMANDS[argv[0]]).main(argv[1:]) or 0)
    from helpers.pipeline.cli import main as run_main

    return run_main(argv)


if __name__ == "__main__":
    sys.exit(main())
