"""helpers.dedup.figures and groups: figures decide what is a copy (issue 15)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import dedup
from helpers.dedup import figures, groups

from .cases import (
    LAST_PARAGRAPH,
    OTHER_UPDATE_PARAGRAPH,
    RELATED,
    STORY,
    UPDATE_PARAGRAPH,
    monthly_brief,
)


def frame(bodies: dict[str, str], **columns) -> pd.DataFrame:
    return pd.DataFrame({"article_id": list(bodies), "body": list(bodies.values()), **columns})


def by_id(out: pd.DataFrame, column: str) -> dict[str, object]:
    return dict(zip(out["article_id"], out[column], strict=True))


def test_twelve_template_briefs_are_twelve_stories_of_one_template():
    briefs = {f"b{m:02d}": monthly_brief(m)[0] for m in range(1, 13)}
    result = dedup.deduplicate(frame(briefs))
    out = result.articles
    assert out["is_canonical"].all()
    assert out["cluster_id"].nunique() == 12
    assert set(out["template_id"]) == {"b01"}
    template = result.pairs[result.pairs["edge"] == "template"]
    assert len(template) > 0 and (template["figures"] == "conflict").all()
    # The evidence: the figures each side has and the other does not.
    first = template[(template["article_id"] == "b01") & (template["other_id"] == "b02")].iloc[0]
    assert first["figures_only_here"] == "1月; 31.3万辆; 6%; 10.7万辆"
    assert first["figures_only_other"] == "2月; 32.6万辆; 7%; 11.4万辆"


def test_a_reprint_shares_the_template_id_of_its_cluster():
    briefs = {"b01": monthly_brief(1)[0], "b02": monthly_brief(2)[0]}
    briefs["b02-copy"] = briefs["b02"].replace("，", ", ")
    out = dedup.deduplicate(frame(briefs)).articles
    assert by_id(out, "cluster_id") == {"b01": "b01", "b02": "b02", "b02-copy": "b02"}
    assert set(out["template_id"]) == {"b01"}


def test_an_updated_copy_with_an_added_figure_represents_the_story():
    df = frame({"a-orig": STORY, "z-update": STORY + "\n" + UPDATE_PARAGRAPH})
    out = dedup.deduplicate(df).articles
    assert by_id(out, "cluster_id") == {"a-orig": "z-update", "z-update": "z-update"}
    assert by_id(out, "read_spans") == {"a-orig": "", "z-update": ""}


def test_two_updates_join_their_original_and_the_copy_is_read_where_it_adds_a_figure():
    one, two = STORY + "\n" + UPDATE_PARAGRAPH, STORY + "\n" + OTHER_UPDATE_PARAGRAPH
    result = dedup.deduplicate(frame({"orig": STORY, "upd1": one, "upd2": two}))
    out = result.articles
    assert out["cluster_id"].nunique() == 1
    pair = result.pairs.set_index(["article_id", "other_id"]).loc[("upd1", "upd2")]
    assert pair["figures"] == "differ" and pair["edge"] == ""
    copy = out[~out["is_canonical"] & (out["article_id"] != "orig")].iloc[0]
    body = one if copy["article_id"] == "upd1" else two
    ((lo, hi),) = [tuple(map(int, copy["read_spans"].split("-")))]
    assert body[lo:hi] == (
        UPDATE_PARAGRAPH if copy["article_id"] == "upd1" else OTHER_UPDATE_PARAGRAPH
    )
    assert by_id(out, "read_spans")["orig"] == ""


def test_a_cut_reprint_never_represents_the_full_text():
    full = STORY + "\n" + LAST_PARAGRAPH
    # The cut copy is longer (a digest paragraph added), better scored and earlier.
    cut = STORY + "\n" + RELATED
    df = frame(
        {"a-cut": cut, "z-full": full},
        quality_score=[1.0, 0.5],
        published_date=["2025-12-01", "2025-12-05"],
    )
    result = dedup.deduplicate(df)
    out = result.articles
    assert len(cut) > len(full)
    assert by_id(out, "is_canonical") == {"a-cut": False, "z-full": True}
    pair = result.pairs.iloc[0]
    assert pair["figures"] == "fewer" and pair["fewer_figures_id"] == "a-cut"


def test_a_copy_cut_inside_a_figure_is_still_a_copy():
    full = STORY + "\n" + LAST_PARAGRAPH
    cut = full[: full.index("21.5") + 2] + "……"  # ends in "21……"
    d = figures.compare_figures(cut, "none", full, "none")
    assert d.verdict == "fewer"
    out = dedup.deduplicate(frame({"full": full, "cut": cut})).articles
    assert out["cluster_id"].nunique() == 1


def test_a_corrected_figure_is_not_a_copy():
    fixed = STORY.replace("4.8万辆", "4.6万辆")
    result = dedup.deduplicate(frame({"first": STORY, "fixed": fixed}))
    assert result.articles["is_canonical"].all()
    pair = result.pairs.iloc[0]
    assert (pair["figures"], pair["edge"]) == ("conflict", "template")
    assert (pair["figures_only_here"], pair["figures_only_other"]) == ("4.8万辆", "4.6万辆")


@pytest.mark.parametrize(
    "copy",
    [
        pytest.param(STORY.replace("4.8万辆", "4.8萬輛"), id="traditional-unit"),
        pytest.param(STORY.replace("4.8万辆", "48000辆"), id="other-notation"),
        pytest.param(STORY.replace("4.8万辆", " 4.8 万辆 "), id="spaced"),
        pytest.param(STORY.replace("4.8万辆", "４.８万辆"), id="fullwidth"),
    ],
)
def test_the_same_figure_written_otherwise_is_the_same_figure(copy):
    assert figures.compare_figures(STORY, "none", copy, "none").verdict == "same"
    assert dedup.deduplicate(frame({"a": STORY, "b": copy})).articles["cluster_id"].nunique() == 1


def test_numeral_runs_ignore_order_and_see_other_digits():
    runs = figures.numeral_runs_of(["出口352万辆增长12", "增长12出口352万辆", "出口352万辆增长13"])
    d = figures.run_differences(runs, np.array([[0, 1], [0, 2]]))
    assert (d.only_a.tolist(), d.only_b.tolist()) == ([0, 1], [0, 1])


def test_a_chain_of_copies_never_joins_two_templates():
    # b1 and b2 conflict; c (commentary only) is a copy of both: it joins one, never both.
    edges = np.array([[0, 2], [1, 2]])
    labels = groups.constrained_components(3, edges, np.array([0.8, 0.9]), np.array([[0, 1]]))
    assert labels.tolist() == [0, 1, 1]


# ---------------------------------------------------------------------------------------------
# Stories across outlets
# ---------------------------------------------------------------------------------------------
RELEASE_A = (
    "小鹏汽车周一公布，十一月共交付新车36728辆，同比增长102%，其中海外交付4213辆。\n"
    "公司称，新款车型上市后订单明显增加，工厂已经开始双班生产。"
    "截至十一月底，今年累计交付量达到355209辆，已经超过去年全年。"
)
RELEASE_B = (
    "据小鹏汽车官方消息，该公司上个月交付新车36728辆，较去年同期翻了一番多，达102%。"
    "海外市场贡献了4213辆。\n"
    "分析人士指出，这家新势力车企今年前十一个月的累计交付为355209辆，"
    "全年目标基本锁定，明年的看点在于新平台能否如期量产。"
)
RELEASE_C = RELEASE_B.replace("小鹏汽车官方", "公司公告").replace("这家新势力车企", "小鹏")


def test_rewrites_by_three_outlets_are_one_story_of_three_clusters():
    df = frame(
        {"a": RELEASE_A, "b": RELEASE_B, "c": RELEASE_C, "x": monthly_brief(3)[0]},
        source_name=["汽车日报", "财经周刊", "科技快讯", "汽车日报"],
    )
    out = dedup.deduplicate(df).articles
    assert out.set_index("article_id").loc[["a", "b"], "is_canonical"].all()
    stories = by_id(out, "story_id")
    assert stories["a"] == stories["b"] == stories["c"] != stories["x"]
    assert by_id(out, "story_outlets") == {"a": 3, "b": 3, "c": 3, "x": 1}


def test_template_briefs_are_not_one_story():
    briefs = {f"b{m:02d}": monthly_brief(m)[0] for m in range(1, 13)}
    out = dedup.deduplicate(frame(briefs)).articles
    assert out["story_id"].nunique() == 12
