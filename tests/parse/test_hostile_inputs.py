"""Hostile inputs of stage 01 (issue 12, item 4): whatever lands in the raw folder is parsed
or quarantined with a named reason, nothing stops ``parse_raw_dir``, every file is accounted
for in ``parse_report`` and the good article beside a bad file keeps its text.

Every input is generated here (no binary fixtures). Each case names the file it writes, the
report status and the reason code (one of :data:`helpers.parse.folder.REASONS`) it must get; the
per-case test parses it beside one good article, the combined tests parse every case in one
folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hostile_cases import (
    CASES,
    GOOD_NAME,
    PARSED,
    PARTIAL,
    QUARANTINED,
    RUNNABLE,
    SKIPPED,
    Case,
    denied,
    listed_entries,
    no_hang,
    write_good,
)

from helpers import parse
from helpers.parse import parse_raw_dir


def run_parse(folder: Path, cases: list[Case]) -> parse.ledger.ParseResult:
    """Parse ``folder`` with the cases' denied files, failing instead of hanging."""
    paths = {os.path.abspath(folder / c.name) for c in cases if c.denied}
    with denied(paths), no_hang():
        return parse_raw_dir(folder)


def report_row(result: parse.ledger.ParseResult, name: str) -> pd.Series:
    rows = result.report[result.report["source_file"] == name]
    assert len(rows) == 1, f"{name!r} is not listed once in parse_report"
    return rows.iloc[0]


def articles_of(result: parse.ledger.ParseResult, name: str) -> pd.DataFrame:
    return result.articles[result.articles["source_file"] == name]


def comparable(articles: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain dicts, missing values as None (dtypes depend on the other articles)."""
    plain = articles.reset_index(drop=True).astype(object)
    return plain.where(plain.notna(), None).to_dict("records")


def reasons_of(row: pd.Series) -> set[str]:
    return {r for r in str(row["reason"] or "").split("; ") if r}


def check_case(result: parse.ledger.ParseResult, case: Case) -> None:
    """The report row, reasons, articles and cleaning of ``case`` are as the case says."""
    row = report_row(result, case.name)
    assert row["status"] == case.status, row.to_dict()
    assert case.reasons <= reasons_of(row), row.to_dict()
    if case.status in (PARSED, SKIPPED):
        assert not reasons_of(row) - case.reasons, row.to_dict()
    arts = articles_of(result, case.name)
    got = set(zip(arts["title"], arts["body"], strict=True))
    for title, body in case.articles:
        assert (title, body) in got, f"{(title, body[:20])} not among {[t for t, _ in got]}"
    if case.n_articles is not None:
        assert len(arts) == case.n_articles
    for rule in case.removed:
        assert row[f"removed_{rule}"] > 0, rule


def check_accounting(result: parse.ledger.ParseResult, folder: Path) -> None:
    """Every entry of the folder has one report row; characters balance; reasons documented."""
    report = result.report
    assert listed_entries(folder) <= set(report["source_file"])
    assert report["source_file"].is_unique
    assert report["is_balanced"].all(), report.loc[~report["is_balanced"], "source_file"]
    assert report["status"].isin([PARSED, PARTIAL, QUARANTINED, SKIPPED]).all()
    used = {r for reason in report["reason"].dropna() for r in reason.split("; ") if r}
    used |= set(result.quarantine["reason"])
    assert used <= set(parse.ledger.REASONS), used - set(parse.ledger.REASONS)
    not_parsed = report["status"].isin([QUARANTINED, SKIPPED])
    assert (report.loc[not_parsed, "reason"].fillna("") != "").all(), "a file without a reason"


@pytest.fixture(scope="module")
def good_alone(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("good_alone")
    write_good(folder)
    return parse_raw_dir(folder).articles


def test_at_least_forty_generated_cases():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_hostile_input_beside_a_good_article(case, tmp_path, good_alone):
    if case.skip_reason:
        pytest.skip(case.skip_reason)
    folder = tmp_path / "raw"
    folder.mkdir()
    case.write(folder)
    write_good(folder)
    result = run_parse(folder, [case])
    check_case(result, case)
    check_accounting(result, folder)
    assert comparable(articles_of(result, GOOD_NAME)) == comparable(good_alone)


@pytest.fixture(scope="module")
def all_together(tmp_path_factory) -> tuple[Path, parse.ledger.ParseResult]:
    folder = tmp_path_factory.mktemp("hostile") / "raw"
    folder.mkdir()
    for case in RUNNABLE:
        case.write(folder)
    write_good(folder)
    return folder, run_parse(folder, RUNNABLE)


def test_all_hostile_inputs_together_finish_and_list_every_file(all_together):
    folder, result = all_together
    check_accounting(result, folder)
    for case in RUNNABLE:
        check_case(result, case)


def test_all_hostile_inputs_together_leave_the_good_article_unchanged(all_together, good_alone):
    _, result = all_together
    good = articles_of(result, GOOD_NAME)
    assert len(good) == 1
    assert comparable(good) == comparable(good_alone)


def test_every_reason_is_documented_and_named_by_a_case():
    named = {r for c in CASES for r in c.reasons}
    assert named <= set(parse.ledger.REASONS)
    assert set(parse.ledger.REASONS) <= named, set(parse.ledger.REASONS) - named


def test_undocumented_reason_is_a_code_error():
    ledger = parse.ledger.Ledger("示例.txt", "text")
    with pytest.raises(AssertionError, match="REASONS"):
        ledger.hold("奇怪的理由", 0, line=None, detail="", preview="")
