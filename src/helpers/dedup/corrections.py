"""Stage 02's reviewed corrections: ``not-duplicate`` and ``same-story`` for article pairs.

NOTE: a post-processing hook on the finished :class:`~helpers.dedup.thresholds.DedupResult`,
kept apart from the clustering itself (``dedup.clusters``), so the matching can change without
touching it: whatever clusters the matcher builds, the reviewer's pairs are enforced on them.

- ``not-duplicate a b``: when both sit in one cluster, the one that is not its representative
  (``b`` when neither is) leaves it and becomes a story of its own (its facts are read).
- ``same-story a b``: when they sit in two clusters, ``b``'s whole cluster joins ``a``'s
  under ``a``'s representative, with ``dup_rule`` :data:`SAME_STORY_RULE` and no similarity
  (a reviewer's decision, not a measurement).

Every article touched gets ``is_corrected`` and the ids in ``correction_ids``; the report is
kept equal to the copies; each correction gets one ``corrections_log`` row (a pair naming an
article this run does not have is **stale**).

Example:
    >>> from helpers.catalog.corrections import parse_corrections
    >>> from helpers.dedup import deduplicate
    >>> body = "小米汽车交付新车，订单排到明年。" * 2
    >>> result = deduplicate(pd.DataFrame({"article_id": ["m1", "m2"], "body": [body] * 2}))
    >>> c = parse_corrections("- {action: not-duplicate, article_ids: [m1, m2], who: a, "
    ...                       "when: t, why: 两家媒体各自报道}", "c.yaml")
    >>> fixed, log = apply_pair_corrections(result, c)
    >>> fixed.articles["is_canonical"].tolist(), len(fixed.report), log["status"].tolist()
    ([True, True], 0, ['applied'])
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from helpers.catalog import corrections as cor
from helpers.dedup.thresholds import DedupResult

STAGE = "02_dedup"
SAME_STORY_RULE = "same_story"
REPORT_EXTRAS = ("jaccard", "containment")


def apply_pair_corrections(
    result: DedupResult, corrections: list[cor.Correction]
) -> tuple[DedupResult, pd.DataFrame]:
    """Enforce the reviewed article pairs on a dedup result.

    Args:
        result: what :func:`helpers.dedup.deduplicate` returned.
        corrections: every correction (only the pair actions are used).

    Returns:
        ``(result, log)``: articles with ``is_corrected`` and ``correction_ids``, a report
        equal to the copies, the pairs unchanged; one log row per pair correction.
    """
    arts = result.articles.copy()
    arts["is_corrected"] = False
    arts["correction_ids"] = ""
    arts = arts.set_index(arts["article_id"].astype(str), drop=False)
    rows = []
    for c in cor.of_actions(corrections, cor.PAIR_ACTIONS):
        a, b = (str(x) for x in c.fields["article_ids"])
        missing = [x for x in (a, b) if x not in arts.index]
        if missing:
            rows.append(cor.log_row(c, "stale", STAGE, f"article(s) {missing} not in this run"))
            continue
        move = _split if c.action == "not-duplicate" else _join
        status, detail, moved = move(arts, a, b)
        for x in moved:
            arts.at[x, "is_corrected"] = True
            arts.at[x, "correction_ids"] = _joined(arts.at[x, "correction_ids"], c.correction_id)
        rows.append(cor.log_row(c, status, STAGE, detail))
    arts = arts.reset_index(drop=True)
    report = _report(arts, result.report)
    return replace(result, articles=arts, report=report), cor.new_log(rows)


def _joined(ids: str, new: str) -> str:
    return ";".join(dict.fromkeys([*(i for i in ids.split(";") if i), new]))


def _split(arts: pd.DataFrame, a: str, b: str) -> tuple[str, str, list[str]]:
    """Take one of a same-cluster pair out into a story of its own."""
    if arts.at[a, "cluster_id"] != arts.at[b, "cluster_id"]:
        return "no_change", "already different stories", []
    mover = a if bool(arts.at[b, "is_canonical"]) else b
    arts.loc[mover, ["cluster_id", "is_canonical"]] = [mover, True]
    arts.loc[mover, ["dup_of", "dup_rule"]] = [None, None]
    arts.at[mover, "similarity"] = np.nan
    return "applied", f"{mover} is a story of its own now", [mover]


def _join(arts: pd.DataFrame, a: str, b: str) -> tuple[str, str, list[str]]:
    """Put b's whole cluster under a's representative."""
    keep, gone = arts.at[a, "cluster_id"], arts.at[b, "cluster_id"]
    if keep == gone:
        return "no_change", "already one story", []
    members = arts.index[arts["cluster_id"] == gone].tolist()
    arts.loc[members, "cluster_id"] = keep
    arts.loc[members, "is_canonical"] = False
    arts.loc[members, "dup_of"] = keep
    arts.loc[members, "dup_rule"] = SAME_STORY_RULE
    arts.loc[members, "similarity"] = np.nan
    return "applied", f"{len(members)} article(s) joined the story of {keep}", members


def _report(arts: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """One row per copy, as :func:`helpers.dedup.clusters.build_report` makes it."""
    copies = arts.loc[~arts["is_canonical"].astype(bool)]
    cols = [c for c in old.columns if c in copies.columns]
    report = copies[cols].copy()
    measured = old.set_index(["article_id", "dup_of"])
    for col in REPORT_EXTRAS:
        if col in old:
            keys = list(zip(report["article_id"], report["dup_of"], strict=True))
            report[col] = [measured[col].get(k, np.nan) for k in keys]
    if "dup_of_title" in old and "title" in arts:
        titles = arts.set_index("article_id")["title"]
        report["dup_of_title"] = report["dup_of"].map(titles).to_numpy()
    report = report.reindex(columns=list(old.columns))
    return report.sort_values(["cluster_id", "article_id"]).reset_index(drop=True)
