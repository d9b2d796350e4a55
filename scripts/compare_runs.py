"""Compare the tables of two pipeline runs and list the ones that differ.

Usage::

    python scripts/compare_runs.py A B

``A`` and ``B`` are run roots as written by ``python -m helpers run --processed-dir ROOT/p
--reports-dir ROOT/r``: the processed tables in ``ROOT/p`` and the run folder in
``ROOT/r/latest`` (a run folder or a processed folder can also be passed directly with
``--processed A B`` / ``--run A B``). Compared: every processed ``*.parquet``, the run's
``tables/*.parquet`` and ``tables/*.csv`` and ``figures/*.csv``. Ignored: only the code-version
columns (:data:`IGNORED_COLUMNS`, hashes of the source files, which change whenever a file
moves). Stage 02's table was renamed (``articles.parquet`` -> ``articles_dedup.parquet``, and
``articles.parquet`` became stage 01's own table): when ``B`` has the new layout and ``A`` the
old one, A's articles are compared with B's ``articles_dedup`` and B's ``articles`` with A's
minus the dedup columns.

Prints one line per table (``same``, ``DIFFERS: why``, ``only in A``/``only in B``) and exits 1
when any table differs or is missing on one side.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

IGNORED_COLUMNS = ("parser_version", "extractor_version")
RENAMED = {"articles.parquet": "articles_dedup.parquet"}
DEDUP_COLUMNS = ("cluster_id", "is_canonical", "dup_of", "dup_rule", "similarity")


def read(path: Path) -> pd.DataFrame:
    """Read a parquet or CSV table (CSV as text, exactly as written), version columns dropped."""
    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return df.drop(columns=[c for c in IGNORED_COLUMNS if c in df.columns])


def difference(a: pd.DataFrame, b: pd.DataFrame) -> str:
    """Why two tables differ ("" when they are equal, values and dtypes alike)."""
    if list(a.columns) != list(b.columns):
        return f"columns {sorted(set(a.columns) ^ set(b.columns)) or 'in another order'}"
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)}"
    try:
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True
        )
    except AssertionError as exc:
        return " ".join(str(exc).split())[:300]
    return ""


def tables_of(processed: Path | None, run: Path | None) -> dict[str, Path]:
    """Every compared table of one run, keyed by a name shared by both runs."""
    found: dict[str, Path] = {}
    if processed is not None:
        found |= {f"processed/{p.name}": p for p in sorted(processed.glob("*.parquet"))}
    if run is not None:
        for pattern in ("tables/*.parquet", "tables/*.csv", "figures/*.csv"):
            found |= {p.relative_to(run).as_posix(): p for p in sorted(run.glob(pattern))}
    return found


def pairs(a: dict[str, Path], b: dict[str, Path]) -> list[tuple[str, Path | None, Path | None]]:
    """(name, table of A, table of B) with the renamed articles table matched up."""
    out = []
    renamed_b = {f"processed/{new}": f"processed/{old}" for old, new in RENAMED.items()}
    new_layout = any(k in b and k not in a for k in renamed_b)
    for name in sorted(set(a) | set(b)):
        if new_layout and name in renamed_b:
            out.append((f"{renamed_b[name]} (A) vs {name} (B)", a.get(renamed_b[name]), b[name]))
        elif new_layout and name in renamed_b.values():
            out.append(
                (f"{name} (A, without dedup columns) vs {name} (B)", a.get(name), b.get(name))
            )
        else:
            out.append((name, a.get(name), b.get(name)))
    return out


def compare(a: dict[str, Path], b: dict[str, Path]) -> list[str]:
    """One line per table: same, DIFFERS (and why), or present on one side only."""
    lines = []
    for name, pa, pb in pairs(a, b):
        if pa is None or pb is None:
            lines.append(f"{name}: only in {'B' if pa is None else 'A'}")
            continue
        ta, tb = read(pa), read(pb)
        if "without dedup columns" in name:
            ta = ta.drop(columns=[c for c in DEDUP_COLUMNS if c in ta.columns])
        why = difference(ta, tb)
        lines.append(f"{name}: " + (f"DIFFERS: {why}" if why else f"same ({len(ta)} rows)"))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: print the comparison, return 1 if anything differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, help="run roots A B (ROOT/p, ROOT/r/latest)")
    parser.add_argument("--processed", nargs=2, type=Path, help="processed folders A B")
    parser.add_argument("--run", nargs=2, type=Path, help="run folders A B")
    args = parser.parse_args(argv)
    processed = args.processed or ([r / "p" for r in args.roots] if args.roots else [None, None])
    runs = args.run or ([r / "r" / "latest" for r in args.roots] if args.roots else [None, None])
    if len(processed) != 2 or len(runs) != 2 or processed == runs == [None, None]:
        parser.error("give two run roots, or --processed A B and/or --run A B")
    lines = compare(tables_of(processed[0], runs[0]), tables_of(processed[1], runs[1]))
    print("\n".join(lines))
    bad = [line for line in lines if not line.split(": ", 1)[1].startswith("same")]
    print(f"{len(lines)} tables compared, {len(bad)} differ or are missing on one side")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
