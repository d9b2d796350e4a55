"""What incremental runs share: a hash of the code behind a stage, and stable row ordering.

Stage 01 (:mod:`helpers.parse.cache`) and stage 03 (:mod:`helpers.facts.cache`) reuse the
previous run's rows only when the code that made them is unchanged; both hash their own
source files, catalogue files and library versions with :func:`code_version`.

Example:
    >>> len(code_version(("core/paths.py",), (), ()))
    12
"""

from __future__ import annotations

import hashlib
from importlib import metadata

import pandas as pd

from helpers.core.paths import CATALOG_DIR, PACKAGE_DIR


def code_version(sources: tuple[str, ...], data: tuple[str, ...], libs: tuple[str, ...]) -> str:
    """Return a short hash of package source files, catalogue files and library versions.

    Args:
        sources: source files or glob patterns, relative to ``src/helpers`` (``parse/*.py``).
        data: catalogue files, relative to ``catalog/``.
        libs: distribution names whose installed version counts (``opencc``).

    Returns:
        The first 12 hex digits of a sha256 over all of them.
    """
    digest = hashlib.sha256()
    files = [p for pattern in sources for p in sorted(PACKAGE_DIR.glob(pattern))]
    for path in files + [CATALOG_DIR / n for n in data]:
        digest.update(path.read_bytes())
    for lib in libs:
        try:
            digest.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{lib}=none".encode())
    return digest.hexdigest()[:12]


def order_rows(table: pd.DataFrame, column: str, order: list[str]) -> pd.DataFrame:
    """Sort rows by the position of ``table[column]`` in ``order``, stable within a value.

    Example:
        >>> t = pd.DataFrame({"source_file": ["b", "a", "b"], "n": [1, 2, 3]})
        >>> order_rows(t, "source_file", ["a", "b"])["n"].tolist()
        [2, 1, 3]
    """
    rank = {name: i for i, name in enumerate(order)}
    key = table[column].map(rank)
    return table.assign(_rank=key).sort_values("_rank", kind="stable").drop(columns="_rank")
