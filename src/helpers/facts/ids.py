"""Stable fact ids: derived from what a fact *is* in its article, never from row order or rules.

A fact is one number of one article read as one metric, so its id hashes the article id, the
character span of the number in ``body`` and the metric — nothing else. Reviewed corrections
(``data/corrections/``, :mod:`helpers.catalog.corrections`) and the run-to-run comparison
(:mod:`helpers.publish.changes`) key on it, so it must survive:

- reruns (the same text gives the same id; the row order plays no part);
- unrelated code changes: dedup, the share tables, the deck, and the *subject* and *dating*
  rules of stage 03 — a fact whose entity or period a later extractor reads differently keeps
  its id, so a correction of that entity or period still finds it.

NOTE: the key is what the number *is* (article, span, metric), not what the rules say about
it: a key with the entity or period in it (the old id) broke every correction whenever issue
14's subject and dating rules changed, and a row number breaks on any new article. The metric
stays in the key because the same number read as another metric is another fact.

It changes when the article's text changes (its ``article_id`` is a hash of title and body),
when the number's span moves, or when the number is read as another metric: then it is
another fact, and a correction aimed at the old one is reported as stale, never applied to
whatever now sits nearby.

NOTE: 各 lists give several facts to one number and metric (比亚迪、奇瑞各出口10万辆): only
those rows add the subject *as written in the text* (``entity_text``, not the catalogue id
a rule picked) to the hash, and an ordinal if even that repeats.

Example:
    >>> fact_id("a1", 10, 16, "exports")
    'f-e255cd48c9809897'
    >>> rows = [{"fact_id": fact_id("a", 0, 3, "exports"), "entity_text": t, "part_of": ""}
    ...         for t in ("比亚迪", "奇瑞")]
    >>> [r["fact_id"] for r in disambiguate(rows)]
    ['f-0fd0ed72a1a72e91', 'f-92c3346d624961aa']
"""

from __future__ import annotations

import hashlib
from collections import Counter

ID_PREFIX = "f-"
ID_HEX_CHARS = 16


def fact_id(article_id: str, start: int, end: int, metric: str, extra: str = "") -> str:
    """The stable id of a fact: a hash of article, character span and metric.

    Args:
        article_id: the article's id (a hash of its title and body).
        start: offset of the number in ``body``.
        end: end offset of the number in ``body``.
        metric: the metric the number is read as.
        extra: a disambiguator for numbers that give several facts (see module NOTE).

    Returns:
        ``f-`` and 16 hex digits.

    Example:
        >>> fact_id("a1", 10, 16, "exports") == fact_id("a1", 10, 16, "exports")
        True
    """
    key = f"{article_id}|{start}|{end}|{metric}"
    if extra:
        key += f"|{extra}"
    return ID_PREFIX + hashlib.sha1(key.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


def disambiguate(rows: list[dict]) -> list[dict]:
    """Give every row of one article a distinct id; rows sharing one get their subject text.

    Args:
        rows: the fact rows of one article (``fact_id`` from :func:`fact_id`, ``entity_text``,
            ``part_of``); changed in place and returned.

    Returns:
        The rows, ids unique; ``part_of`` follows a renamed total.
    """
    counts = Counter(r["fact_id"] for r in rows)
    shared = {i for i, n in counts.items() if n > 1}
    if not shared:
        return rows
    renamed: dict[str, str] = {}
    seen: Counter[tuple[str, str]] = Counter()
    for row in (r for r in rows if r["fact_id"] in shared):
        old, text = row["fact_id"], _subject_text(row)
        seen[(old, text)] += 1
        extra = text if seen[(old, text)] == 1 else f"{text}#{seen[(old, text)]}"
        row["fact_id"] = _rehash(old, extra)
        renamed.setdefault(old, row["fact_id"])
    return _follow(rows, renamed)


def _follow(rows: list[dict], renamed: dict[str, str]) -> list[dict]:
    """Point ``part_of`` at the renamed totals."""
    for row in rows:
        if row.get("part_of") in renamed:
            row["part_of"] = renamed[row["part_of"]]
    return rows


def _subject_text(row: dict) -> str:
    """The subject as written (``entity_text``), else its id."""
    return str(row.get("entity_text") or row.get("entity_id") or "")


def _rehash(base: str, extra: str) -> str:
    """A distinct id derived from a shared one and its disambiguator."""
    key = f"{base}|{extra}"
    return ID_PREFIX + hashlib.sha1(key.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]
