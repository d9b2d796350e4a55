"""Stage 02 over partitions equals deduplicate() on the whole table."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import as_parts

from helpers import dedup, parse
from helpers.core import io
from helpers.core.partitions import LocalEngine
from helpers.core.paths import SAMPLE_RAW_DIR
from helpers.dedup import partitioned
from helpers.devtools.bench.dedup_corpus import build_corpus


@pytest.fixture(scope="module")
def sample():
    return parse.parse_raw_dir(SAMPLE_RAW_DIR).articles


@pytest.fixture(scope="module")
def generated():
    corpus = build_corpus(1500, seed=11)
    keep = ["article_id", "title", "body", "published_date", "source_name"]
    table = corpus[[c for c in keep if c in corpus]].copy()
    table["source_file"] = [f"feed_{i // 100:03d}.jsonl" for i in range(len(table))]
    table["source_line"] = [i % 100 + 1 for i in range(len(table))]
    table["body_raw"] = table["body"]
    return table


def roundtrip(table, path):
    return io.read_table(io.write_table(table, path))


@pytest.mark.parametrize("corpus", ["sample", "generated"])
@pytest.mark.parametrize("n_parts", [1, 4])
def test_partitions_equal_the_whole_table(request, tmp_path, corpus, n_parts, monkeypatch):
    table = request.getfixturevalue(corpus)
    # small chunks: the exact check runs in many pieces
    monkeypatch.setattr(partitioned, "CHECK_CHARS", 20_000)
    whole = dedup.deduplicate(table)
    parts = as_parts(table, tmp_path / "articles.parquet", n_parts)
    run = partitioned.deduplicate_parts(parts, engine=LocalEngine(progress=None))
    target = partitioned.write_dedup_parts(
        run, run.result.articles, tmp_path / "out.parquet", engine=LocalEngine(progress=None)
    )
    pd.testing.assert_frame_equal(
        io.read_table(target), roundtrip(whole.articles, tmp_path / "a.parquet")
    )
    pd.testing.assert_frame_equal(run.result.report, whole.report)
    pd.testing.assert_frame_equal(run.result.pairs, whole.pairs)
    assert (whole.articles["dup_rule"].notna()).sum() > (5 if corpus == "sample" else 200)


@pytest.mark.parametrize("band_group", [1, 42], ids=["a-task-per-band", "one-task"])
def test_band_groups_change_nothing(generated, tmp_path, monkeypatch, band_group):
    # the union of the band groups' candidates is the one band join of deduplicate()
    monkeypatch.setattr(partitioned, "BAND_GROUP", band_group)
    whole = dedup.deduplicate(generated)
    parts = as_parts(generated, tmp_path / "articles.parquet", 3)
    run = partitioned.deduplicate_parts(parts, engine=LocalEngine(progress=None))
    pd.testing.assert_frame_equal(run.result.pairs, whole.pairs)
    pd.testing.assert_frame_equal(run.result.report, whole.report)
    assert (whole.pairs["edge"] == "template").sum() > 10, "figures were compared"


class Recording(LocalEngine):
    """The local engine, recording what each task label ran over and what came back."""

    def __init__(self):
        super().__init__(progress=None)
        self.calls: dict[str, tuple[list, list]] = {}

    def map(self, func, items, *, label, **kwargs):
        out = super().map(func, items, label=label, **kwargs)
        self.calls[label] = (list(items), out)
        return out


def test_texts_stay_off_the_client_and_the_scratch_folder_goes(generated, tmp_path):
    parts = as_parts(generated, tmp_path / "articles.parquet", 3)
    engine = Recording()
    run = partitioned.deduplicate_parts(parts, engine=engine)
    # bands joined, pairs checked, representatives and read_spans found as tasks (overlaps
    # only when a copy is tied to its representative through another copy)
    tasks = {f"02_dedup {t}" for t in ("bands", "pairs", "representatives", "read_spans")}
    assert tasks | {"02_dedup"} <= set(engine.calls) <= tasks | {"02_dedup", "02_dedup overlaps"}
    assert len(engine.calls["02_dedup bands"][0]) == -(-42 // partitioned.BAND_GROUP)
    assert len(engine.calls["02_dedup pairs"][0]) >= 1
    for part in engine.calls["02_dedup"][1]:
        assert not {"body", "text_norm", "body_raw"} & set(part.meta.columns)
    assert not {"body", "text_norm", "body_raw"} & set(run.result.articles.columns)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.parquet"]


def test_the_scratch_folder_goes_when_a_task_fails(generated, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(partitioned, "verify_pairs", broken)
    parts = as_parts(generated, tmp_path / "articles.parquet", 2)
    with pytest.raises(RuntimeError, match="磁盘已满"):
        partitioned.deduplicate_parts(parts, engine=LocalEngine(progress=None))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles.parquet"]


def test_with_bodies_reads_the_rows_shown(sample, tmp_path):
    parts = as_parts(sample, tmp_path / "articles.parquet", 3)
    run = partitioned.deduplicate_parts(parts, engine=LocalEngine(progress=None))
    arts = run.result.articles
    rows = dedup.views.shown_rows(arts)
    shown = partitioned.with_bodies(run, arts, rows)
    # the stage's own articles, in the parts' order, are what stage 01 wrote
    written = io.read_table(parts, columns=["article_id", "body"])
    assert shown["article_id"].tolist() == written["article_id"].tolist()
    assert shown["body"][rows].tolist() == written["body"][rows.to_numpy()].tolist()
    assert shown["body"][~rows].isna().all()
    assert 2 < rows.sum() < len(arts)
