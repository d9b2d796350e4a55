"""Stage outputs on disk: atomic writes, parquet/CSV, and CSV exports safe for spreadsheets."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core import io

# OWASP CSV injection: cells a spreadsheet would evaluate (scraped titles can look like this).
HOSTILE = [
    '=HYPERLINK("http://evil.example","点我")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("cell", [pytest.param(c, id=repr(c[:8])) for c in HOSTILE])
def test_csv_cells_cannot_run_as_formulas_but_parquet_keeps_the_text(tmp_path, cell):
    table = pd.DataFrame({"title": [cell, "比亚迪出口"], "value": [1.5, -2.0]})
    io.write_table(table, tmp_path / "t.csv")
    io.write_table(table, tmp_path / "t.parquet")
    raw = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    written = raw["title"].iloc[0]
    assert written.startswith("'") and written[1:].strip() == cell.strip()
    assert raw["title"].iloc[1] == "比亚迪出口"
    assert raw["value"].tolist() == [1.5, -2.0], "numbers are not text and stay as they are"
    assert io.read_table(tmp_path / "t.parquet")["title"].iloc[0] == cell
    assert io.read_table(tmp_path / "t.csv")["title"].iloc[0].strip() == cell.strip()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        pytest.param("-12.5", "-12.5", id="negative-number-text"),
        pytest.param("+86", "+86", id="signed-number-text"),
        pytest.param("+86 10 1234", "'+86 10 1234", id="phone-like-text"),
        pytest.param("'引号", "'引号", id="leading-quote-kept"),
        pytest.param("", "", id="empty"),
    ],
)
def test_neutralize_cell(cell, expected):
    assert io.neutralize_cell(cell) == expected


def test_round_trip_through_csv_restores_the_text(tmp_path):
    table = pd.DataFrame({"source_note": ["=1+1；汽车周刊", "中汽协"]})
    io.write_table(table, tmp_path / "chart.csv")
    assert (
        io.read_table(tmp_path / "chart.csv")["source_note"].tolist()
        == table["source_note"].tolist()
    )


def test_write_tables_writes_both_formats(tmp_path):
    paths = io.write_tables({"findings_03_facts": pd.DataFrame({"a": [1]})}, tmp_path)
    assert sorted(p.name for p in paths) == ["findings_03_facts.csv", "findings_03_facts.parquet"]


def test_arrow_scratch_files_are_read_back_by_the_row(tmp_path):
    texts = pd.DataFrame({"正文": ["比亚迪出口", "", "蔚来交付"], "长度": [5, 0, 4]})
    path = io.write_arrow(texts, tmp_path / "scratch" / "texts.arrow")
    assert sorted(p.name for p in path.parent.iterdir()) == ["texts.arrow"]  # no temp file left
    taken = io.read_arrow_rows(path, [2, 2, 1], ["长度", "正文"])
    assert taken.column_names == ["长度", "正文"]
    assert taken.to_pandas().values.tolist() == [[4, "蔚来交付"], [4, "蔚来交付"], [0, ""]]
    assert io.read_arrow_rows(path, [], ["正文"]).num_rows == 0
