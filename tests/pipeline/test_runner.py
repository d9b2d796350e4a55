"""The papermill runner: order, selection, run folders, manifest, failures, lock."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import write_stage_notebook
from filelock import FileLock

from helpers.pipeline import cli, runner, runs
from helpers.pipeline.runner import RunConfig, RunError, Stage, select_stages
from helpers.publish import pdf

WRITE_ALPHA = (
    "import pandas as pd\n"
    "names = sorted(p.name for p in dirs.raw.iterdir())\n"
    "io.write_table(pd.DataFrame({'file': names}), dirs.processed / 'alpha.parquet')\n"
    "io.write_json({'raw_dir': raw_dir, 'labels': labels, 'processed_dir': processed_dir},"
    " dirs.tables / 'seen_params.json')"
)
WRITE_BETA = (
    "alpha = io.read_table(dirs.processed / 'alpha.parquet')\n"
    "io.write_table(alpha.assign(n=len(alpha)), dirs.processed / 'beta.parquet')"
)
RAISE = "x = 1\nraise ValueError('车企数据缺失')"


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """A raw folder with two files and a notebooks folder with two good stages."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("比亚迪出口", encoding="utf-8")
    (raw / "b.txt").write_text("蔚来", encoding="utf-8")
    nbs = tmp_path / "notebooks"
    write_stage_notebook(nbs / "01_alpha.ipynb", [WRITE_ALPHA], ["alpha.parquet"])
    write_stage_notebook(nbs / "02_beta.ipynb", [WRITE_BETA], ["beta.parquet"])
    return {
        "raw": raw,
        "nbs": nbs,
        "processed": tmp_path / "processed",
        "reports": tmp_path / "rep",
    }


def config(project: dict[str, Path], **kw) -> RunConfig:
    return RunConfig(
        raw_dir=project["raw"],
        processed_dir=project["processed"],
        reports_dir=project["reports"],
        notebooks_dir=project["nbs"],
        **kw,
    )


STAGES = [Stage(1, "parse", Path("01_parse.ipynb")), Stage(2, "dedup", Path("02_dedup.ipynb"))]


@pytest.mark.parametrize(
    ("only", "start_from", "expected"),
    [
        pytest.param((), None, ["01_parse", "02_dedup"], id="all"),
        pytest.param(("dedup",), None, ["02_dedup"], id="only-name"),
        pytest.param(("01",), None, ["01_parse"], id="only-number"),
        pytest.param(("02_dedup", "1"), None, ["01_parse", "02_dedup"], id="only-keeps-order"),
        pytest.param((), "2", ["02_dedup"], id="from-number"),
        pytest.param((), "parse", ["01_parse", "02_dedup"], id="from-name"),
    ],
)
def test_select_stages(only, start_from, expected):
    assert [s.label for s in select_stages(STAGES, only, start_from)] == expected


def test_select_unknown_stage_is_usage_error():
    with pytest.raises(RunError, match="no stage matches") as exc:
        select_stages(STAGES, ("facts",))
    assert exc.value.exit_code == 2


def test_discover_orders_by_number_and_ignores_other_files(tmp_path):
    for name in ["10_late.ipynb", "02_b.ipynb", "scratch.ipynb", "01_a.ipynb"]:
        write_stage_notebook(tmp_path / name, [])
    assert [s.label for s in runner.discover_stages(tmp_path)] == ["01_a", "02_b", "10_late"]


def test_full_run_writes_run_folder_manifest_and_latest(project):
    lines: list[str] = []
    out = runner.run_pipeline(config(project), echo=lines.append)
    assert out.ok, out.message
    run_dir = out.run_dir
    printed = ["report.pdf"] if pdf.find_browser() else []  # skipped where no Chromium is
    assert sorted(p.name for p in run_dir.iterdir()) == sorted([
        "figures", "manifest.json", "notebooks", "report.html", "tables", *printed,
    ])  # fmt: skip
    assert sorted(p.name for p in (run_dir / "notebooks").iterdir()) == [
        "01_alpha.ipynb", "02_beta.ipynb",
    ]  # fmt: skip
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok"
    assert set(manifest["inputs"]) == {"a.txt", "b.txt"}
    assert len(manifest["inputs"]["a.txt"]["sha256"]) == 64
    assert [n["notebook"] for n in manifest["notebooks"]] == ["01_alpha", "02_beta"]
    assert all(n["status"] == "ok" and n["duration_s"] >= 0 for n in manifest["notebooks"])
    assert manifest["packages"]["papermill"] and manifest["parameters"]["labels"] == "zh-Hans"
    assert (project["reports"] / "latest").resolve() == run_dir.resolve()
    assert (project["processed"] / "beta.parquet").exists()
    assert not [p for p in project["processed"].iterdir() if p.name.startswith(".staging")]
    assert lines[0] == "[1/2] 01_alpha started" and lines[-1].startswith("[2/2] 02_beta ok in")


def test_parameters_reach_notebook_as_exact_strings(project, tmp_path):
    weird = tmp_path / "raw \"引号\" \\反斜杠\\ 'q'\n第二行"
    weird.mkdir()
    (weird / "x.txt").write_text("x", encoding="utf-8")
    project["raw"] = weird
    out = runner.run_pipeline(config(project, only=("alpha",)), echo=lambda _: None)
    assert out.ok, out.message
    seen = json.loads((out.run_dir / "tables" / "seen_params.json").read_text(encoding="utf-8"))
    assert seen["raw_dir"] == str(weird)
    assert seen["labels"] == "zh-Hans"


def test_failing_stage_reports_cell_and_keeps_last_good_outputs(project):
    good = runner.run_pipeline(config(project), echo=lambda _: None)
    alpha = project["processed"] / "alpha.parquet"
    before = (alpha.stat().st_ino, alpha.read_bytes())
    write_stage_notebook(project["nbs"] / "02_beta.ipynb", [RAISE], ["beta.parquet"])
    bad = runner.run_pipeline(config(project), echo=lambda _: None)
    assert not bad.ok
    assert "02_beta" in bad.message and "cell 3" in bad.message
    # the message quotes the line that failed, not the first line of the cell
    assert "`raise ValueError('车企数据缺失')`" in bad.message and "车企数据缺失" in bad.message
    partial = bad.run_dir / "notebooks" / "02_beta.ipynb"
    assert str(partial) in bad.message and partial.exists()
    # stage 01 rewrote alpha.parquet in staging, but the failed run promoted nothing
    assert (alpha.stat().st_ino, alpha.read_bytes()) == before
    assert (project["reports"] / "latest").resolve() == good.run_dir.resolve()
    assert json.loads((bad.run_dir / "manifest.json").read_text())["status"] == "failed"
    assert (good.run_dir / "manifest.json").exists()


def test_stage_that_writes_nothing_fails(project):
    write_stage_notebook(project["nbs"] / "01_alpha.ipynb", ["pass"], ["alpha.parquet"])
    out = runner.run_pipeline(config(project, only=("alpha",)), echo=lambda _: None)
    assert not out.ok and "did not write ['alpha.parquet']" in out.message


def test_undeclared_parameter_fails_before_anything_runs(project):
    nb = project["nbs"] / "03_gamma.ipynb"
    write_stage_notebook(nb, [])
    text = nb.read_text(encoding="utf-8").replace("labels: str", "language: str")
    nb.write_text(text, encoding="utf-8")
    with pytest.raises(RunError, match="03_gamma: does not declare \\['labels'\\]") as exc:
        runner.run_pipeline(config(project), echo=lambda _: None)
    assert exc.value.exit_code == 2
    assert not project["reports"].exists()


def test_second_run_on_same_processed_dir_is_refused(project):
    project["processed"].mkdir()
    held = FileLock(runner.lock_path(project["processed"]))
    with held, pytest.raises(RunError, match="another run is using") as exc:
        runner.run_pipeline(config(project), echo=lambda _: None)
    assert exc.value.exit_code == 3


def test_cli_exit_codes(project, tmp_path, capsys):
    base = [
        "run", "--raw-dir", str(project["raw"]), "--processed-dir", str(project["processed"]),
        "--reports-dir", str(project["reports"]),
    ]  # fmt: skip
    bad_yaml = tmp_path / "p.yaml"
    bad_yaml.write_text("raw_dir: x\ncolour: red\n", encoding="utf-8")
    assert cli.main([*base, "--params", str(bad_yaml)]) == 2
    assert "unknown key(s) ['colour']" in capsys.readouterr().err
    assert cli.main([*base, "--only", "nope"]) == 2
    with pytest.raises(SystemExit) as exc:
        cli.main([*base, "--labels", "fr"])
    assert exc.value.code == 2


def test_params_file_and_flags_merge(tmp_path):
    pfile = tmp_path / "p.yaml"
    pfile.write_text("raw_dir: /data/新\nlabels: en\nonly: [parse, dedup]\n", encoding="utf-8")
    args = cli.build_parser().parse_args(["run", "--params", str(pfile), "--labels", "zh-Hant"])
    cfg = cli.config_from_args(args)
    assert (cfg.raw_dir, cfg.labels, cfg.only) == (Path("/data/新"), "zh-Hant", ("parse", "dedup"))


def test_lock_owner_is_named(project):
    out = runner.run_pipeline(config(project, only=("alpha",)), echo=lambda _: None)
    owner = runner.owner_path(project["processed"]).read_text(encoding="utf-8")
    assert out.run_id in owner and str(os.getpid()) in owner


def test_prune_keeps_newest_and_the_latest_good_run(tmp_path):
    names = [f"2026010{i}T000000Z-abcdef{i}" for i in range(1, 6)]
    for name in names:
        (tmp_path / name).mkdir()
    (tmp_path / "notes").mkdir()  # not a run folder: never touched
    runs.point_latest(tmp_path, tmp_path / names[0])  # the only good run is the oldest
    deleted = runs.prune_runs(tmp_path, keep=2)
    assert deleted == names[1:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [names[0], *names[3:], "notes", "latest"]
    )


def test_cli_keep_prunes_after_run(project, capsys):
    base = [
        "run", "--raw-dir", str(project["raw"]), "--processed-dir", str(project["processed"]),
        "--reports-dir", str(project["reports"]), "--notebooks-dir", str(project["nbs"]),
    ]  # fmt: skip
    assert cli.main([*base, "--only", "alpha"]) == 0
    assert cli.main([*base, "--only", "alpha", "--keep", "1"]) == 0
    run_dirs = [p for p in project["reports"].iterdir() if runs.RUN_ID_RE.match(p.name)]
    assert len(run_dirs) == 1 and "pruned old run" in capsys.readouterr().out
    assert cli.main([*base, "--keep", "0"]) == 2


def test_bad_since_is_a_usage_error(project):
    with pytest.raises(RunError, match="since must be YYYY-MM-DD") as exc:
        runner.run_pipeline(config(project, since="July 2025"), echo=lambda _: None)
    assert exc.value.exit_code == 2


def test_incremental_and_since_reach_notebooks(project):
    code = "io.write_json({'incremental': incremental, 'since': since}, dirs.tables / 'p.json')"
    write_stage_notebook(project["nbs"] / "01_alpha.ipynb", [WRITE_ALPHA, code], ["alpha.parquet"])
    out = runner.run_pipeline(
        config(project, only=("alpha",), incremental=True, since="2025-07-01"),
        echo=lambda _: None,
    )
    assert out.ok, out.message
    seen = json.loads((out.run_dir / "tables" / "p.json").read_text(encoding="utf-8"))
    assert seen == {"incremental": True, "since": "2025-07-01"}


# --- min_confidence and the review table -------------------------------------------------------
def test_min_confidence_reaches_notebooks_and_the_manifest_counts_review(project):
    code = (
        "import pandas as pd\n"
        "io.write_json({'min_confidence': min_confidence}, dirs.tables / 'p.json')\n"
        "io.write_table(pd.DataFrame({'fact_id': ['f1', 'f2', 'f3'], 'topic': ['chip_share',"
        " 'chip_share', 'ev_exports']}), dirs.processed / 'review.parquet')"
    )
    write_stage_notebook(project["nbs"] / "01_alpha.ipynb", [WRITE_ALPHA, code],
                         ["alpha.parquet", "review.parquet"])  # fmt: skip
    out = runner.run_pipeline(config(project, only=("alpha",), min_confidence=0.8),
                              echo=lambda _: None)  # fmt: skip
    assert out.ok, out.message
    seen = json.loads((out.run_dir / "tables" / "p.json").read_text(encoding="utf-8"))
    assert seen == {"min_confidence": 0.8}
    manifest = json.loads((out.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["min_confidence"] == 0.8
    assert manifest["review"] == {"min_confidence": 0.8, "facts": 3,
                                  "by_topic": {"chip_share": 2, "ev_exports": 1}}  # fmt: skip


def test_manifest_review_is_none_when_no_stage_wrote_it(project):
    out = runner.run_pipeline(config(project), echo=lambda _: None)
    manifest = json.loads((out.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["review"]["facts"] is None


def test_min_confidence_flag_and_params_file(tmp_path):
    pfile = tmp_path / "p.yaml"
    pfile.write_text("min_confidence: 0.7\n", encoding="utf-8")
    from_file = cli.config_from_args(cli.build_parser().parse_args(["run", "--params", str(pfile)]))
    assert from_file.min_confidence == 0.7
    both = ["run", "--params", str(pfile), "--min-confidence", "0.95"]
    assert cli.config_from_args(cli.build_parser().parse_args(both)).min_confidence == 0.95
    default = cli.config_from_args(cli.build_parser().parse_args(["run"]))
    assert default.min_confidence == runner.DEFAULTS["min_confidence"]


@pytest.mark.parametrize("value", ["1.5", "high"], ids=["above-1", "text"])
def test_bad_min_confidence_is_a_usage_error(project, tmp_path, capsys, value):
    base = [
        "run", "--raw-dir", str(project["raw"]), "--processed-dir", str(project["processed"]),
        "--reports-dir", str(project["reports"]), "--notebooks-dir", str(project["nbs"]),
    ]  # fmt: skip
    pfile = tmp_path / "p.yaml"
    pfile.write_text(f"min_confidence: {value}\n", encoding="utf-8")
    assert cli.main([*base, "--params", str(pfile)]) == 2
    assert "min_confidence must" in capsys.readouterr().err
    assert not project["reports"].exists()
