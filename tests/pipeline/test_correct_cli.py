"""python -m helpers correct: checks targets against the last run, writes, lists."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.catalog import corrections as cor
from helpers.core import io
from helpers.pipeline import cli, correct


@pytest.fixture
def last_run(tmp_path):
    processed = tmp_path / "processed"
    facts = pd.DataFrame({"fact_id": ["f-1"], "article_id": ["a1"], "number_text": ["72万辆"],
                          "metric": ["exports"], "value": [720000.0],
                          "entity_id": ["byd"]})  # fmt: skip
    articles = pd.DataFrame({"article_id": ["a1", "a2"], "body": ["比亚迪出口72万辆。", "另一篇"]})
    io.write_table(facts, processed / "facts.parquet")
    io.write_table(articles, processed / "articles_dedup.parquet")
    return ["--processed-dir", str(processed), "--corrections-dir", str(tmp_path / "c"),
            "--who", "ana"]  # fmt: skip


def test_each_action_writes_one_checked_entry(last_run, tmp_path, capsys):
    calls = [
        ["reject", "f-1", "--why", "重复"],
        ["set", "f-1", "--value", "721000", "--why", "原文"],
        ["add", "--article", "a1", "--quote", "72万辆", "--entity", "byd", "--metric", "exports",
         "--value", "720000", "--unit", "vehicles", "--why", "漏读"],
        ["alias", "迪子", "byd", "--why", "俗称"],
        ["not-duplicate", "a1", "a2", "--why", "不同报道"],
    ]  # fmt: skip
    for argv in calls:
        assert correct.main([*argv, *last_run]) == 0
    written = cor.load_corrections(tmp_path / "c")
    assert [c.action for c in written] == ["reject", "set", "add", "alias", "not-duplicate"]
    assert written[0].fields["seen"]["number_text"] == "72万辆"
    assert {c.who for c in written} == {"ana"}
    assert correct.main(["list", *last_run]) == 0
    assert "not run yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["reject", "f-9", "--why", "x"], "no fact f-9", id="unknown-fact"),
        pytest.param(["reject", "f-1"], "--why is required", id="no-why"),
        pytest.param(["set", "f-1", "--entity", "nobody", "--why", "x"], "entity", id="entity"),
        pytest.param(["add", "--article", "a1", "--quote", "不在文中", "--entity", "byd",
                      "--metric", "exports", "--value", "1", "--unit", "vehicles", "--why", "x"],
                     "not in article", id="quote-not-in-article"),
        pytest.param(["same-story", "a1", "zz", "--why", "x"], "not in the last run", id="pair"),
    ],
)  # fmt: skip
def test_bad_targets_exit_2_and_write_nothing(last_run, tmp_path, capsys, argv, message):
    assert correct.main([*argv, *last_run]) == 2
    assert message in capsys.readouterr().err
    assert cor.load_corrections(tmp_path / "c") == []


def test_force_writes_a_target_the_last_run_lacks(last_run, tmp_path):
    assert correct.main(["reject", "f-9", "--why", "下次运行会有", "--force", *last_run]) == 0
    assert [c.target for c in cor.load_corrections(tmp_path / "c")] == ["f-9"]


def test_run_refuses_a_broken_corrections_file(tmp_path, capsys):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "bad.yaml").write_text("- {action: reject}", encoding="utf-8")
    code = cli.main(["run", "--corrections-dir", str(folder), "--processed-dir",
                     str(tmp_path / "p"), "--reports-dir", str(tmp_path / "r")])  # fmt: skip
    assert code == 2
    assert "bad.yaml" in capsys.readouterr().err


def test_run_refuses_a_missing_corrections_dir_given_explicitly(tmp_path, capsys):
    code = cli.main(["run", "--corrections-dir", str(tmp_path / "absent"), "--processed-dir",
                     str(tmp_path / "p"), "--reports-dir", str(tmp_path / "r")])  # fmt: skip
    assert code == 2
    assert "absent" in capsys.readouterr().err
