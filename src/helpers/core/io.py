"""Reading and writing stage outputs; the only module that touches the file system for data.

Every write goes to a temporary file in the destination folder and is then renamed over the
target (``os.replace`` is atomic on POSIX), so a crash never leaves a half-written table and a
reader never sees one.

Example:
    >>> import tempfile, pandas as pd
    >>> d = Path(tempfile.mkdtemp())
    >>> p = write_table(pd.DataFrame({"公司": ["比亚迪"], "出口_辆": [1]}), d / "t.parquet")
    >>> read_table(p)["公司"].tolist()
    ['比亚迪']
    >>> oct(p.stat().st_mode & 0o777) == oct(0o666 & ~_current_umask())
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

HASH_CHUNK_BYTES = 1 << 20
# A partitioned table is a folder named like a table file (``facts.parquet/``) holding one
# ``part-NNNNN.parquet`` per partition, optionally under ``<key>=<value>/`` folders (hive
# style: DuckDB's ``read_parquet('facts.parquet/**/*.parquet', hive_partitioning=true)`` and
# ``pd.read_parquet`` see the key as a column; :func:`read_table` does not add it).
PART_PREFIX = "part-"
# OWASP CSV injection: a spreadsheet reads a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRAL_PREFIX = "'"
TABLE_FORMATS = (".parquet", ".csv")


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    Args:
        target: the final file path; its folder is created when missing.

    Yields:
        A temporary path in the same folder (same file system, so the rename is atomic).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes 0600 files; give the result the mode a plain open() would have.
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralize_cell(value: object) -> object:
    """Prefix ``'`` to text a spreadsheet would run as a formula (numbers stay as they are).

    Example:
        >>> neutralize_cell("=1+1"), neutralize_cell("-12.5"), neutralize_cell("比亚迪")
        ("'=1+1", '-12.5', '比亚迪')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value):
        return NEUTRAL_PREFIX + value
    return value


def restore_cell(value: object) -> object:
    """Undo :func:`neutralize_cell` when reading a CSV we wrote.

    Example:
        >>> restore_cell("'@SUM(A1)"), restore_cell("'引号")
        ('@SUM(A1)', "'引号")
    """
    if (
        isinstance(value, str)
        and value[:1] == NEUTRAL_PREFIX
        and value[1:2]
        and (value[1:].startswith(FORMULA_PREFIXES))
    ):
        return value[1:]
    return value


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as spreadsheet formulas (CSV exports only).

    NOTE: scraped titles and outlet names are attacker-controlled; parquet keeps the original
    text, the CSV (meant for Excel) gets the OWASP-recommended leading apostrophe.

    Example:
        >>> table = pd.DataFrame({"标题": ["=1+1", "+86 10"], "n": [1, -2]})
        >>> neutralize_formulas(table).values.tolist()
        [["'=1+1", 1], ["'+86 10", -2]]
    """
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralize_cell)
    return out


def write_table(df: pd.DataFrame, target: str | Path) -> Path:
    """Write ``df`` atomically as parquet or CSV (chosen by the suffix) and return the path.

    CSV is written as UTF-8 with a BOM so that spreadsheet programs show Chinese correctly,
    with formula-like text neutralised (:func:`neutralize_formulas`).
    """
    target = Path(target)
    if target.is_dir():  # a partitioned table of an earlier run becomes one file again
        shutil.rmtree(target)
    with atomic_path(target) as tmp:
        if target.suffix == ".parquet":
            df.to_parquet(tmp, index=False)
        elif target.suffix == ".csv":
            # NOTE: CRLF rows (RFC 4180) make the csv module quote any cell holding a bare CR,
            # which scraped text can contain; with "\n" rows such a cell split its row in two.
            neutralize_formulas(df).to_csv(
                tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n"
            )
        else:
            raise ValueError(f"unsupported table format {target.suffix!r}: use .parquet or .csv")
    return target


def read_table(
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    keys: Sequence[str] | None = None,
    where: tuple[str, Sequence[object]] | None = None,
) -> pd.DataFrame:
    """Read a table written by :func:`write_table` or a partitioned one (:func:`write_part`).

    Args:
        path: a ``.parquet`` or ``.csv`` file, or the folder of a partitioned table.
        columns: read only these columns (parquet only).
        keys: of a partitioned table, read only the parts under these key values
            (``["2025-11"]`` for ``month=2025-11/``); None: every part.
        where: ``(column, values)``: only rows whose column holds one of the values (parquet
            only; row groups whose statistics exclude them are not read).

    Returns:
        The rows; a partitioned table's parts in order (key folders, then part number), which
        is the order the stage produced them in.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run the stage that writes it first "
            "(python -m helpers run --only <stage>)"
        )
    if path.is_dir():
        return _read_parts(table_parts(path, keys), columns, where)
    if path.suffix == ".parquet":
        return _read_parquet(path, columns, where)
    table = pd.read_csv(path, encoding="utf-8-sig")
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].map(restore_cell)
    return table


def part_key(part: Path) -> str:
    """The key value of a part (``2025-11`` for ``month=2025-11/part-00003.parquet``), or ''.

    Example:
        >>> part_key(Path("facts.parquet/month=2025-11/part-00003.parquet"))
        '2025-11'
    """
    folder = part.parent.name
    return folder.split("=", 1)[1] if "=" in folder else ""


def table_parts(path: str | Path, keys: Sequence[str] | None = None) -> list[Path]:
    """The part files of a partitioned table in order (a plain file: itself).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()) / "事实.parquet"
        >>> _ = write_part(pd.DataFrame({"a": [1]}), d, 1, key=("month", "2025-12"))
        >>> _ = write_part(pd.DataFrame({"a": [2]}), d, 0, key=("month", "2025-11"))
        >>> [p.relative_to(d).as_posix() for p in table_parts(d)]
        ['month=2025-11/part-00000.parquet', 'month=2025-12/part-00001.parquet']
    """
    path = Path(path)
    if not path.is_dir():
        return [path]
    parts = sorted(
        (p for p in path.rglob(f"{PART_PREFIX}*.parquet") if not p.name.startswith(".")),
        key=lambda p: p.relative_to(path).as_posix(),
    )
    wanted = None if keys is None else set(keys)
    return [p for p in parts if wanted is None or part_key(p) in wanted]


def present_columns(path: str | Path, wanted: Sequence[str]) -> list[str]:
    """The columns of ``wanted`` the table holds (its first part's schema), in that order.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()) / "文章.parquet"
        >>> _ = write_part(pd.DataFrame({"article_id": ["a1"], "title": ["蔚来"]}), d, 0)
        >>> present_columns(d, ["article_id", "body", "title"])
        ['article_id', 'title']
    """
    parts = table_parts(path)
    names = set(pq.read_schema(parts[0]).names) if parts else set()
    return [c for c in dict.fromkeys(wanted) if c in names]


def _read_parquet(
    path: Path, columns: Sequence[str] | None, where: tuple[str, Sequence[object]] | None
) -> pd.DataFrame:
    cols = list(columns) if columns else None
    if not where:
        return pd.read_parquet(path, columns=cols)
    try:
        return pd.read_parquet(path, columns=cols, filters=[(where[0], "in", list(where[1]))])
    except (pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # NOTE: an empty table's text columns are Arrow nulls, which a filter on strings
        # rejects; such a table is small, so it is read whole and filtered here.
        table = pd.read_parquet(path, columns=cols)
        return table[table[where[0]].isin(list(where[1]))].reset_index(drop=True)


def _read_parts(
    parts: list[Path], columns: Sequence[str] | None, where: tuple[str, Sequence[object]] | None
) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=list(columns or []))
    if len(parts) == 1:
        return _read_parquet(parts[0], columns, where)
    cols = list(columns) if columns else None
    tables = [_read_part(p, cols, where) for p in parts]
    # NOTE: concatenated as Arrow tables, not DataFrames: a part whose column is all null
    # (no titles in that batch) has Arrow type null, which Arrow promotes to the other parts'
    # type; pandas would make the whole column object instead of str.
    whole = pa.concat_tables(tables, promote_options="permissive")
    return whole.to_pandas()


def _read_part(
    part: Path, columns: list[str] | None, where: tuple[str, Sequence[object]] | None
) -> pa.Table:
    """One part as an Arrow table, only the rows ``where`` names."""
    if not where:
        return pq.read_table(part, columns=columns)
    try:
        return pq.read_table(part, columns=columns, filters=[(where[0], "in", list(where[1]))])
    except (pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # NOTE: as in _read_parquet: a part whose filter column is all null (Arrow type null)
        # rejects a filter on strings; such a part is read whole and filtered here.
        wanted = None if columns is None else list(dict.fromkeys([*columns, where[0]]))
        table = pq.read_table(part, columns=wanted)
        keep = table.column(where[0]).to_pandas().isin(list(where[1])).to_numpy()
        table = table.filter(pa.array(keep, type=pa.bool_()))
        return table.select(columns) if columns is not None else table


def write_part(
    df: pd.DataFrame, table: str | Path, index: int, *, key: tuple[str, str] | None = None
) -> Path:
    """Write one partition of a partitioned table, atomically: ``table/[k=v/]part-NNNNN``.

    Workers write their own parts (a partition never passes through the client), so a
    table grows without any process holding all of it.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()) / "文章.parquet"
        >>> write_part(pd.DataFrame({"标题": ["出口"]}), d, 7).name
        'part-00007.parquet'
    """
    folder = Path(table) / (f"{key[0]}={key[1]}" if key else "")
    return write_table(df, folder / f"{PART_PREFIX}{index:05d}.parquet")


def new_table_dir(target: str | Path) -> Path:
    """A fresh hidden folder beside ``target`` to write a partitioned table's parts into.

    :func:`replace_table` then puts it in place in one rename, so readers never see half a
    table and a failed stage leaves the old one as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".parts", dir=target.parent))


def replace_table(parts_dir: str | Path, target: str | Path) -> Path:
    """Move the folder ``parts_dir`` to ``target``, replacing a table file or folder there."""
    target = Path(target)
    if target.is_dir() and not target.is_symlink():
        # NOTE: rename(2) cannot replace a folder that holds files: move the old one aside.
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.replace(target, old / "table")
        os.replace(parts_dir, target)
        shutil.rmtree(old, ignore_errors=True)
        return target
    if target.exists() or target.is_symlink():
        target.unlink()  # the single-file table of an earlier run (a hard link in staging)
    os.replace(parts_dir, target)
    return target


def write_tables(
    tables: dict[str, pd.DataFrame], folder: str | Path, formats: tuple[str, ...] = TABLE_FORMATS
) -> list[Path]:
    """Write each table as ``folder/<name><suffix>`` for every suffix in ``formats``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> [p.name for p in write_tables({"份额": pd.DataFrame({"a": [1]})}, d)]
        ['份额.parquet', '份额.csv']
    """
    return [
        write_table(table, Path(folder) / f"{name}{suffix}")
        for name, table in tables.items()
        for suffix in formats
    ]


def write_stage_outputs(
    processed_dir: str | Path,
    tables_dir: str | Path,
    *,
    processed: dict[str, pd.DataFrame],
    tables: dict[str, pd.DataFrame],
) -> list[Path]:
    """Write a stage's processed tables (parquet) and its run tables (parquet + csv).

    The processed tables are what later stages read (``metadata.helpers.outputs``); a table
    named in both dicts (a stage's findings) is written to both places.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> t = {"findings_04": pd.DataFrame({"a": [1]})}
        >>> [p.name for p in write_stage_outputs(d / "p", d / "t", processed=t, tables=t)]
        ['findings_04.parquet', 'findings_04.parquet', 'findings_04.csv']
    """
    written = [write_table(t, Path(processed_dir) / f"{n}.parquet") for n, t in processed.items()]
    return written + write_tables(tables, tables_dir)


def write_arrow(df: pd.DataFrame, target: str | Path) -> Path:
    """Write ``df`` atomically as an uncompressed Arrow IPC file, to be read back by the row.

    For a stage's scratch data that tasks read a few rows of at a time
    (:func:`read_arrow_rows`): an uncompressed file is memory-mapped, so a read touches only
    the pages of the rows it takes (a parquet part is decompressed whole, ~4 ms a read).

    Example:
        >>> import tempfile
        >>> p = write_arrow(pd.DataFrame({"正文": ["蔚来", "小鹏", "理想"]}),
        ...                 Path(tempfile.mkdtemp()) / "texts.arrow")
        >>> read_arrow_rows(p, [2, 0], ["正文"]).column("正文").to_pylist()
        ['理想', '蔚来']
    """
    table = pa.Table.from_pandas(df, preserve_index=False)
    with (
        atomic_path(target) as tmp,
        pa.OSFile(str(tmp), "wb") as sink,
        pa.ipc.new_file(sink, table.schema) as writer,
    ):
        writer.write_table(table)
    return Path(target)


def read_arrow_rows(path: str | Path, rows: Sequence[int], columns: Sequence[str]) -> pa.Table:
    """Rows ``rows`` (in that order) of columns of a file :func:`write_arrow` wrote."""
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all().select(list(columns))
        return table.take(pa.array(rows, type=pa.int64()))


def write_json(obj: Any, target: str | Path) -> Path:
    """Write ``obj`` as indented UTF-8 JSON, atomically, Chinese kept readable."""
    target = Path(target)
    with atomic_path(target) as tmp:
        tmp.write_text(
            json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n",
            encoding="utf-8",
        )
    return target


def read_json(path: str | Path) -> Any:
    """Read a JSON file written by :func:`write_json`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_text(text: str, target: str | Path) -> Path:
    """Write ``text`` as UTF-8, atomically."""
    target = Path(target)
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def sha256_file(path: str | Path) -> str:
    """Return the hex sha256 of a file, read in chunks so large files stay cheap."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(HASH_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()
