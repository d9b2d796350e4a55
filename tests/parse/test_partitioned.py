"""Stage 01 over partitions equals the whole-folder run, whatever the partition size."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import parse
from helpers.core import io
from helpers.core.partitions import LocalEngine
from helpers.core.paths import PROJ_ROOT
from helpers.parse import partitioned

SAMPLE = PROJ_ROOT / "data" / "raw" / "sample"
REPRINT = (
    "#出口\n示例车企十月出口创新高\n"
    + "示例车企公布数据，十月出口汽车三万辆，同比增长两成，欧洲和中东市场贡献最大。" * 3
    + " (示例周刊)\n"
)


@pytest.fixture
def raw(tmp_path):
    dst = tmp_path / "raw"
    shutil.copytree(SAMPLE, dst)
    # the same article in three files and twice in one: ids number repeats corpus-wide
    for name in ("00_a.txt", "50_b.txt", "98_c.txt"):
        (dst / name).write_text(REPRINT * (2 if name == "50_b.txt" else 1), encoding="utf-8")
    return dst


def run_parts(raw, out, partition_bytes, previous_dir=None):
    result = partitioned.parse_to_parts(
        raw,
        out,
        engine=LocalEngine(progress=None),
        partition_bytes=partition_bytes,
        previous_dir=previous_dir,
    )
    return {
        "articles": io.read_table(result.tables["articles"]),
        "cleaning": io.read_table(result.tables["cleaning"]),
        "report": result.report,
        "quarantine": result.quarantine,
    }, result


def roundtrip(table: pd.DataFrame, folder) -> pd.DataFrame:
    """A table as the next stage reads it (written and read back as parquet)."""
    return io.read_table(io.write_table(table, folder / "t.parquet"))


def assert_same(parts: dict, whole: parse.ledger.ParseResult, tmp_path) -> None:
    for name in ("articles", "cleaning", "report", "quarantine"):
        expected = roundtrip(getattr(whole, name), tmp_path)
        pd.testing.assert_frame_equal(roundtrip(parts[name], tmp_path), expected, obj=name)


@pytest.mark.parametrize("partition_bytes", [1, 20_000, 1 << 30], ids=["file-each", "20kB", "one"])
def test_partitions_equal_the_whole_folder(raw, tmp_path, partition_bytes):
    whole = parse.parse_raw_dir(raw)
    assert whole.articles["article_id"].str.len().eq(16).all()
    parts, result = run_parts(raw, tmp_path / "p", partition_bytes)
    assert_same(parts, whole, tmp_path)
    assert result.n_articles == len(whole.articles)
    if partition_bytes == 1:
        assert result.n_partitions == (whole.report["status"] != "skipped").sum()  # one per file


def test_incremental_partitions_equal_a_full_rebuild(raw, tmp_path):
    out = tmp_path / "p"
    first, _ = run_parts(raw, out, 30_000)
    for name, table in (("report", first["report"]), ("quarantine", first["quarantine"])):
        io.write_table(table, out / parse.folder.OUTPUT_FILES[name])
    (raw / "99_new.txt").write_text(REPRINT, encoding="utf-8")
    (raw / "16_export.csv").unlink()
    again, _ = run_parts(raw, tmp_path / "q", 30_000, previous_dir=out)
    assert_same(again, parse.parse_raw_dir(raw), tmp_path)
