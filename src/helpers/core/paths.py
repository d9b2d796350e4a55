"""Every path the suite uses, in one place.

Relative paths given by a user (CLI flags, notebook parameters) are resolved against the
project root, so a notebook behaves the same whether JupyterLab starts its kernel in
``notebooks/`` or papermill starts it anywhere else.

Example:
    >>> resolve("data/raw/sample") == PROJ_ROOT / "data" / "raw" / "sample"
    True
    >>> resolve("/tmp/新闻").as_posix()
    '/tmp/新闻'
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/helpers (this file: core/paths.py)
# NOTE: the package is installed editable from a src layout (src/helpers), so the project
# root is two levels up. A non-editable install has no project root; notebooks then need
# absolute paths, which the runner always passes.
PROJ_ROOT = PACKAGE_DIR.parents[1]

NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
SAMPLE_RAW_DIR = RAW_DIR / "sample"
PROCESSED_DIR = DATA_DIR / "processed"
CORRECTIONS_DIR = DATA_DIR / "corrections"
REFERENCE_DIR = DATA_DIR / "reference"
REPORTS_DIR = PROJ_ROOT / "reports"
CATALOG_DIR = PACKAGE_DIR / "catalog"
SHARED_DIR = PROJ_ROOT.parent / "shared"


def resolve(path: str | Path) -> Path:
    """Return ``path`` as an absolute path, relative ones taken from the project root.

    Args:
        path: a path as a user typed it.

    Returns:
        The absolute path (not required to exist).
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJ_ROOT / p
