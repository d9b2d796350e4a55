"""Views of stage 02's output for the notebook: outcomes, largest clusters, pairs side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.dedup.thresholds import DUP_RULES
from helpers.text.sentences import parse_spans


# ---------------------------------------------------------------------------------------------
# Views for the notebook
# ---------------------------------------------------------------------------------------------
def count_rules(articles: pd.DataFrame) -> pd.DataFrame:
    """Count articles by outcome: kept (with copies), single, and each dup rule.

    Example:
        >>> a = pd.DataFrame({"is_canonical": [True, False, True],
        ...                   "cluster_id": ["x", "x", "y"], "dup_rule": [None, "exact", None]})
        >>> count_rules(a)["articles"].tolist()
        [1, 1, 1, 0, 0, 0]
    """
    size = articles.groupby("cluster_id")["cluster_id"].transform("size")
    outcome = np.where(size > 1, "kept, has copies", "single").astype(object)
    outcome[~articles["is_canonical"].to_numpy()] = articles.loc[
        ~articles["is_canonical"], "dup_rule"
    ]
    order = ["kept, has copies", "single", *DUP_RULES]
    counts = pd.Series(outcome).value_counts().reindex(order, fill_value=0)
    return counts.rename_axis("outcome").reset_index(name="articles")


def _excerpt(text: object, chars: int) -> str:
    return str(text or "").replace("\n", " / ")[:chars]


def _largest(size: pd.Series, cluster: pd.Series, n: int) -> pd.Index:
    """Ids of the ``n`` largest clusters of two or more rows (ties: first seen)."""
    return size[size > 1].groupby(cluster).first().nlargest(n, keep="first").index


def shown_rows(articles: pd.DataFrame, *, n: int = 5) -> pd.Series:
    """Rows whose text the notebook's views show: the ``n`` largest clusters, copies read in part.

    Stage 02 over partitions keeps no body on the client
    (:func:`helpers.dedup.partitioned.with_bodies` reads these rows' bodies).

    Example:
        >>> a = pd.DataFrame({"cluster_id": ["x", "x", "z", "w"],
        ...                   "read_spans": ["", "", "", "0-4"]})
        >>> shown_rows(a, n=1).tolist()
        [True, True, False, True]
    """
    size = articles.groupby("cluster_id")["cluster_id"].transform("size")
    top = _largest(size, articles["cluster_id"], n)
    return articles["cluster_id"].isin(top) | (articles["read_spans"].fillna("") != "")


def largest_clusters(
    articles: pd.DataFrame, *, n: int = 5, excerpt_chars: int = 60, text_col: str = "body"
) -> pd.DataFrame:
    """Members of the ``n`` largest clusters, representative first, with a body excerpt.

    Example:
        >>> a = pd.DataFrame({"article_id": ["x", "y", "z"], "cluster_id": ["x", "x", "z"],
        ...                   "is_canonical": [True, False, True], "dup_rule": [None, "near", None],
        ...                   "similarity": [np.nan, 0.8, np.nan],
        ...                   "body": ["汽车", "汽车！", "芯片"]})
        >>> largest_clusters(a, n=1)[["cluster_id", "article_id", "excerpt"]].values.tolist()
        [['x', 'x', '汽车'], ['x', 'y', '汽车！']]
    """
    size = articles.groupby("cluster_id")["cluster_id"].transform("size").rename("cluster_size")
    top = _largest(size, articles["cluster_id"], n)
    view = articles.assign(
        cluster_size=size, excerpt=articles[text_col].map(lambda t: _excerpt(t, excerpt_chars))
    )
    view = view[view["cluster_id"].isin(top)]
    view = view.sort_values(
        ["cluster_size", "cluster_id", "is_canonical", "article_id"],
        ascending=[False, True, False, True],
    )
    cols = ["cluster_id", "cluster_size", "article_id", "is_canonical", "dup_rule", "similarity"]
    cols += [c for c in ("source_file", "title") if c in articles] + ["excerpt"]
    return view[cols].reset_index(drop=True)


def side_by_side(
    articles: pd.DataFrame, cluster_id: str, *, excerpt_chars: int = 120, text_col: str = "body"
) -> pd.DataFrame:
    """One cluster as a table with one column per member (representative first).

    Example:
        >>> a = pd.DataFrame({"article_id": ["x", "y"], "cluster_id": ["x", "x"],
        ...                   "is_canonical": [True, False], "dup_rule": [None, "exact"],
        ...                   "similarity": [np.nan, 1.0], "body": ["汽车出口", "汽车出口"]})
        >>> side_by_side(a, "x").columns.tolist()
        ['x', 'y']
    """
    view = largest_clusters(
        articles[articles["cluster_id"] == cluster_id],
        n=1,
        excerpt_chars=excerpt_chars,
        text_col=text_col,
    )
    return view.set_index("article_id").drop(columns=["cluster_id", "cluster_size"]).T


def describe_pairs(
    pairs: pd.DataFrame, articles: pd.DataFrame, *, excerpt_chars: int = 40, text_col: str = "body"
) -> pd.DataFrame:
    """Add both sides' titles (or body excerpts) to a pairs table, for reading.

    Example:
        >>> p = pd.DataFrame({"article_id": ["x"], "other_id": ["y"], "jaccard": [0.6]})
        >>> a = pd.DataFrame({"article_id": ["x", "y"], "body": ["汽车出口", "汽车进口"]})
        >>> describe_pairs(p, a)[["text", "other_text"]].values.tolist()
        [['汽车出口', '汽车进口']]
    """
    source = articles["title"] if "title" in articles else articles[text_col]
    label = dict(
        zip(articles["article_id"], source.map(lambda t: _excerpt(t, excerpt_chars)), strict=True)
    )
    return pairs.assign(
        text=pairs["article_id"].map(label).to_numpy(),
        other_text=pairs["other_id"].map(label).to_numpy(),
    )


def template_pairs(pairs: pd.DataFrame, articles: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """Pairs alike in text whose figures conflict (a template of another month), with evidence.

    Example:
        >>> p = pd.DataFrame({"article_id": ["x"], "other_id": ["y"], "jaccard": [0.8],
        ...                   "edge": ["template"], "figures_only_here": ["5万辆"],
        ...                   "figures_only_other": ["6万辆"]})
        >>> a = pd.DataFrame({"article_id": ["x", "y"], "body": ["1月出口5万辆", "2月出口6万辆"]})
        >>> template_pairs(p, a)[["figures_only_here", "other_text"]].values.tolist()
        [['5万辆', '2月出口6万辆']]
    """
    cols = ["article_id", "other_id", "jaccard", "figures_only_here", "figures_only_other"]
    cols += ["text", "other_text"]
    return describe_pairs(pairs[pairs["edge"] == "template"], articles).head(n)[cols]


def read_in_part(articles: pd.DataFrame, *, text_col: str = "body") -> pd.DataFrame:
    """Copies stage 03 reads in part (``read_spans``), with the sentences it will read.

    Example:
        >>> a = pd.DataFrame({"article_id": ["x", "y"], "dup_of": [None, "x"],
        ...                   "read_spans": ["", "6-10"],
        ...                   "body": ["出口5万辆", "出口5万辆。其中6万"]})
        >>> read_in_part(a)[["article_id", "sentences"]].values.tolist()
        [['y', '其中6万']]
    """
    rows = articles[articles["read_spans"].fillna("") != ""]
    sentences = [
        " / ".join(body[lo:hi] for lo, hi in parse_spans(spans))
        for body, spans in zip(rows[text_col], rows["read_spans"], strict=True)
    ]
    return rows[["article_id", "dup_of", "read_spans"]].assign(sentences=sentences)


def stories_across_outlets(articles: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """Stories told by more than one cluster (rewrites by other outlets), largest first.

    Example:
        >>> a = pd.DataFrame({"article_id": ["x", "y", "z"], "cluster_id": ["x", "y", "z"],
        ...                   "story_id": ["x", "x", "z"], "story_outlets": [2, 2, 1],
        ...                   "source_name": ["日报", "周刊", "日报"]})
        >>> stories_across_outlets(a)[["story_id", "clusters", "outlets"]].values.tolist()
        [['x', 2, '周刊; 日报']]
    """
    named = _column_or(articles, "source_name").fillna("").astype(str)
    grouped = articles.assign(source_name=named).groupby("story_id")
    table = pd.DataFrame(
        {
            "clusters": grouped["cluster_id"].nunique(),
            "articles": grouped.size(),
            "story_outlets": grouped["story_outlets"].first(),
            "outlets": grouped["source_name"].agg(lambda s: "; ".join(sorted({x for x in s if x}))),
        }
    )
    table = table[table["clusters"] > 1].sort_values(["clusters", "articles"], ascending=False)
    return table.head(n).reset_index()


def _column_or(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df else pd.Series("", index=df.index)
