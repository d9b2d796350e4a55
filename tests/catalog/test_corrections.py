"""Corrections files: validated on load, appended as text, ids unique."""

from __future__ import annotations

import pytest

from helpers.catalog import corrections as cor

OK = "- {action: reject, fact_id: f-1, who: 安娜, when: '2026-12-05T10:00:00Z', why: 重复计数}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("- {action: delete, fact_id: f-1, who: a, when: t, why: x}", "unknown",
                     id="unknown-action"),
        pytest.param("- {action: reject, fact_id: f-1, who: a, when: t}", "needs", id="no-why"),
        pytest.param("- {action: reject, fact_id: f-1, set: {value: 1}, who: a, when: t, why: x}",
                     "do not belong", id="stray-key"),
        pytest.param("- {action: set, fact_id: f-1, set: {colour: red}, who: a, when: t, why: x}",
                     "cannot be set", id="unknown-field"),
        pytest.param("- {action: set, fact_id: f-1, set: {value: 七十万}, who: a, when: t, why: x}",
                     "must be a number", id="value-not-a-number"),
        pytest.param("- {action: add, quote: 72万辆, fact: {entity_id: byd, metric: exports, "
                     "value: 1, unit: vehicles}, who: a, when: t, why: x}",
                     "article_id or source_url", id="add-without-source"),
        pytest.param("- {action: same-story, article_ids: [a, a], who: a, when: t, why: x}",
                     "two different", id="pair-of-one"),
        pytest.param("action: reject", "YAML list", id="not-a-list"),
    ],
)  # fmt: skip
def test_broken_entries_are_refused_with_the_reason(text, message):
    with pytest.raises(cor.CorrectionsError, match=message):
        cor.parse_corrections(text, "c.yaml")


def test_append_keeps_comments_and_validates(tmp_path):
    (tmp_path / "corrections.yaml").write_text("# 审核记录\n" + OK, encoding="utf-8")
    entry = cor.new_correction("alias", who="ana", why="俗称", text="迪子", entity_id="byd")
    cor.append_correction(tmp_path, entry)
    text = (tmp_path / "corrections.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 审核记录\n")
    assert [c.action for c in cor.load_corrections(tmp_path)] == ["reject", "alias"]
    with pytest.raises(cor.CorrectionsError):
        cor.append_correction(tmp_path, {"action": "reject", "who": "a"})
    assert (tmp_path / "corrections.yaml").read_text(encoding="utf-8") == text


def test_ids_must_be_unique_across_files(tmp_path):
    entry = "- {id: c-1, action: reject, fact_id: f-1, who: a, when: t, why: x}\n"
    (tmp_path / "a.yaml").write_text(entry, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(entry, encoding="utf-8")
    with pytest.raises(cor.CorrectionsError, match="appear twice"):
        cor.load_corrections(tmp_path)


def test_missing_folder_holds_none(tmp_path):
    assert cor.load_corrections(tmp_path / "absent") == []
