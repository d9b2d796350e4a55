"""Stage 01's cache: incremental parsing reuses unchanged files and equals a full rebuild."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import parse
from helpers.core import io
from helpers.core.paths import PROJ_ROOT
from helpers.parse import cache as incremental

SAMPLE = PROJ_ROOT / "data" / "raw" / "sample"
NEW_FILE = (
    "#出口\n示例车企十月出口创新高\n"
    + "示例车企公布数据，十月出口汽车三万辆，同比增长两成，欧洲和中东市场贡献最大。" * 3
    + " (示例周刊)\n"
)


def roundtrip(result: parse.ledger.ParseResult, folder) -> dict[str, pd.DataFrame]:
    """Write and read back, as a later run sees the tables."""
    for name, file in parse.folder.OUTPUT_FILES.items():
        io.write_table(getattr(result, name), folder / file)
    loaded = parse.load_previous(folder)
    return {name: getattr(loaded, name) for name in parse.folder.OUTPUT_FILES}


@pytest.fixture
def raw(tmp_path):
    assert SAMPLE.is_dir(), f"the bundled sample corpus {SAMPLE} is missing"
    dst = tmp_path / "raw"
    shutil.copytree(SAMPLE, dst)
    return dst


def test_incremental_equals_full_rebuild_and_parses_only_changed_files(raw, tmp_path, monkeypatch):
    first = parse.parse_raw_dir(raw)
    previous = parse.load_previous(io.write_table(first.articles, tmp_path / "x.parquet").parent)
    assert previous is None  # incomplete set of tables: no reuse
    roundtrip(first, tmp_path / "prev")
    previous = parse.load_previous(tmp_path / "prev")
    # change the inputs: one new file, one edited, one deleted
    (raw / "99_new_dump.txt").write_text(NEW_FILE, encoding="utf-8")
    edited = raw / "04_nev_dump.txt"
    edited.write_bytes(edited.read_bytes().replace("新能源".encode(), "新能源汽车".encode(), 1))
    (raw / "16_export.csv").unlink()

    parsed: list[str] = []
    real = parse.folder.parse_file
    monkeypatch.setattr(
        parse.folder, "parse_file", lambda p, r: parsed.append(p.name) or real(p, r)
    )
    inc = parse.parse_raw_dir(raw, previous=previous)
    assert sorted(parsed) == ["04_nev_dump.txt", "99_new_dump.txt"]

    monkeypatch.setattr(parse.folder, "parse_file", real)
    full = parse.parse_raw_dir(raw)
    got, want = roundtrip(inc, tmp_path / "inc"), roundtrip(full, tmp_path / "full")
    for name in parse.folder.OUTPUT_FILES:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)
    assert "16_export.csv" not in set(got["articles"]["source_file"])


def test_parser_change_invalidates_every_file(raw):
    first = parse.parse_raw_dir(raw)
    hashes = dict(zip(first.report["source_file"], first.report["sha256"], strict=True))
    assert incremental.reusable_files(first.report, hashes, "other-version") == set()
    assert incremental.reusable_files(first.report, hashes, incremental.parser_version())


def test_parser_version_covers_every_stage_01_module():
    # NOTE: the version hashes whole packages, so a module split out later still invalidates.
    from helpers.core.paths import PACKAGE_DIR

    covered = {p for pattern in incremental.PARSER_SOURCES for p in PACKAGE_DIR.glob(pattern)}
    assert set((PACKAGE_DIR / "parse").glob("*.py")) <= covered


def test_parser_version_covers_the_text_and_catalog_modules_stage_01_imports():
    import ast

    from helpers.core.paths import PACKAGE_DIR

    covered = {p for pattern in incremental.PARSER_SOURCES for p in PACKAGE_DIR.glob(pattern)}
    imported = set()
    for path in covered:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[:2] in (["helpers", "text"], ["helpers", "catalog"]) and len(parts) > 2:
                    imported.add(PACKAGE_DIR / parts[1] / f"{parts[2]}.py")
    assert imported, "the parse modules import text and catalog modules"
    assert imported <= covered, sorted(p.name for p in imported - covered)
