"""not-duplicate / same-story on a finished dedup result: invariants of stage 02 still hold."""

from __future__ import annotations

import pandas as pd

from helpers.catalog import corrections as cor
from helpers.dedup import deduplicate
from helpers.dedup.corrections import SAME_STORY_RULE, apply_pair_corrections

BODY = "小米汽车交付新车，订单排到明年，工厂正在扩建第二条产线。" * 2
OTHER = "蔚来发布季度财报，毛利率回升，换电站数量继续增加。" * 2


def _pair(action: str, a: str, b: str) -> list[cor.Correction]:
    text = f"- {{action: {action}, article_ids: [{a}, {b}], who: t, when: t, why: 审核}}"
    return cor.parse_corrections(text, "c.yaml")


def _result():
    df = pd.DataFrame({"article_id": ["m1", "m2", "n1"], "body": [BODY, BODY, OTHER],
                       "title": ["小米", "小米转载", "蔚来"]})  # fmt: skip
    return deduplicate(df)


def _check_invariants(result) -> None:
    arts = result.articles
    canon, copies = arts[arts["is_canonical"]], arts[~arts["is_canonical"]]
    assert (canon["cluster_id"] == canon["article_id"]).all()
    rep_of = canon.set_index("article_id")["cluster_id"]
    assert (copies["dup_of"].map(rep_of) == copies["cluster_id"]).all()
    assert sorted(result.report["article_id"]) == sorted(copies["article_id"])


def test_same_story_joins_whole_cluster_under_the_first_article():
    fixed, log = apply_pair_corrections(_result(), _pair("same-story", "m2", "n1"))
    arts = fixed.articles.set_index("article_id")
    assert arts.at["n1", "cluster_id"] == "m1" and arts.at["n1", "dup_rule"] == SAME_STORY_RULE
    assert pd.isna(arts.at["n1", "similarity"]), "a decision, not a measurement"
    assert arts.loc["n1", "is_corrected"] and log["status"].tolist() == ["applied"]
    _check_invariants(fixed)


def test_not_duplicate_splits_and_stale_pairs_are_logged():
    result = _result()
    assert not result.articles.set_index("article_id").at["m2", "is_canonical"]
    fixed, log = apply_pair_corrections(
        result, _pair("not-duplicate", "m1", "m2") + _pair("same-story", "m1", "gone")
    )
    assert fixed.articles["is_canonical"].all()
    assert log["status"].tolist() == ["applied", "stale"]
    assert "gone" in log["detail"].iloc[1]
    _check_invariants(fixed)


def test_pairs_already_so_change_nothing():
    result = _result()
    fixed, log = apply_pair_corrections(result, _pair("not-duplicate", "m1", "n1"))
    assert log["status"].tolist() == ["no_change"]
    assert not fixed.articles["is_corrected"].any()
