"""The summary's rules on odd tables: what a hostile or thin corpus can leave in a run."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.publish import summary
from helpers.publish.evidence import EvidenceRegister

NAN = float("nan")
ODD = {
    "ev_exports_long": pd.DataFrame({
        "entity_id": ["china", "china"], "metric": ["exports"] * 2, "market": ["world"] * 2,
        "is_display": [True, True], "period": ["", "2025"], "value": [NAN, 7098000.0],
        "unit": ["vehicles"] * 2, "fact_id": ["f-1", "f-2"], "value_group": [0, 0]}),
    "ev_exports_by_company": pd.DataFrame({
        "entity_id": ["chery"], "metric": ["exports"], "period": [""], "data_source": [""],
        "value": [NAN], "is_remainder": [False], "period_end": [pd.NaT]}),
    "chip_share_by_vendor": pd.DataFrame({
        "vendor_id": ["nvidia", "horizon_robotics"], "scope": ["noa"] * 2,
        "period_end": [pd.NaT] * 2, "value": [NAN, 30.71], "entity_name": ["英伟达", "地平线"],
        "unit": ["percent"] * 2, "period": ["", ""]}),
    "robotaxi_fleet_latest": pd.DataFrame({
        "entity_id": ["x", "pony_ai"], "value": [NAN, 961.0], "as_of_date": [None, "2025-11-23"],
        "entity_name": [None, "小马智行"], "unit": ["vehicles"] * 2}),
}  # fmt: skip


@pytest.mark.parametrize("topic", sorted(summary.HEADLINES))
def test_headlines_skip_rows_without_a_number_or_a_readable_period(topic):
    lines = summary.HEADLINES[topic](ODD, "zh-Hans", EvidenceRegister())
    assert lines, "the row that has a number still makes a headline"
    assert all(h.figure != "—" for h in lines)


def test_headline_texts_on_the_odd_tables():
    reg = EvidenceRegister()
    ev = summary.ev_headlines(ODD, "zh-Hans", reg)
    assert [(h.label, h.figure, h.period) for h in ev] == [("中国汽车出口", "709.8万辆", "2025年")]
    [fleet] = summary.fleet_headlines(ODD, "en", reg)
    assert (fleet.label, fleet.figure, fleet.period) == (
        "小马智行 fleet",
        "961 vehicles",
        "as of Nov 23, 2025",
    )
    [chip] = summary.chip_headlines(ODD, "zh-Hant", reg)
    assert (chip.label, chip.figure) == ("NOA晶片第一：地平线", "30.71%")


def test_empty_tables_give_no_headline_and_no_sentence():
    reg = EvidenceRegister()
    assert all(f({}, "en", reg) == [] for f in summary.HEADLINES.values())
    for topic in summary.TOPICS:
        assert summary.conflict_sentences(pd.DataFrame(), topic, "en", reg) == []
    assert summary.findings_lines(pd.DataFrame(), "ev_exports", "en") == ["No data findings."]
