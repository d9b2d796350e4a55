r"""Stage 03's reviewed corrections: aliases before extraction, fact edits after it.

``alias`` corrections extend the entity catalogue the extractor reads
(:func:`aliases_of`); ``reject``, ``set`` and ``add`` change the extracted table
(:func:`apply_fact_corrections`). Nothing is deleted: a rejected fact keeps its row with
``review_status`` "rejected" (the share tables leave it out), a changed one keeps its
extracted values in ``original_values`` (JSON), and every row says ``is_corrected`` and which
corrections touched it (``correction_ids``). Each correction gets one ``corrections_log``
row; one whose fact is gone is **stale** and is applied nowhere else.

Example:
    >>> from helpers.catalog.corrections import parse_corrections
    >>> facts = pd.DataFrame({"fact_id": ["f-1"], "article_id": ["a"], "topic": ["ev_exports"],
    ...     "is_topic_fact": [True], "entity_id": ["china"], "parent_id": ["china"],
    ...     "metric": ["exports"], "value": [6343000.0], "market": ["world"]})
    >>> text = ("- {action: set, fact_id: f-1, set: {value: 6340000}, who: a, when: t, why: 对}\n"
    ...         "- {action: reject, fact_id: f-9, who: a, when: t, why: 重复}")
    >>> out, log = apply_fact_corrections(facts, pd.DataFrame(), parse_corrections(text, "c.yaml"))
    >>> out[["value", "review_status", "original_values"]].values.tolist()
    [[6340000.0, 'corrected', '{"value": 6343000.0}']]
    >>> log["status"].tolist()
    ['applied', 'stale']
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from helpers.catalog import corrections as cor
from helpers.catalog.entities import Catalog, load_catalog
from helpers.catalog.metrics import Vocabulary, is_topic_fact, load_vocabulary
from helpers.facts import ids
from helpers.facts import mentions as attr
from helpers.facts.schema import COLUMNS

STAGE = "03_facts"
# Columns every facts table carries once corrections are applied (also with none).
REVIEW_COLUMNS = {"review_status": "", "is_corrected": False, "correction_ids": "",
                  "original_values": "", "source_url": ""}  # fmt: skip
REJECTED, CORRECTED, ADDED = "rejected", "corrected", "added"
REVIEW_STATUSES = ("", CORRECTED, REJECTED, ADDED)
# Fields whose new value must be known to the catalogue or the vocabulary.
CATALOG_FIELDS = ("entity_id", "metric")
# Columns a set recomputes from the fields it changes (their extracted values are kept too).
DERIVED = ("parent_id", "topic", "is_topic_fact")


def aliases_of(
    corrections: list[cor.Correction], catalog: Catalog | None = None
) -> tuple[tuple[str, str], ...]:
    """``(text, entity_id)`` of every alias correction naming a catalogue id, in file order.

    An alias naming an unknown id is left out here and logged as invalid (:func:`alias_log`).

    Example:
        >>> from helpers.catalog.corrections import parse_corrections
        >>> c = parse_corrections("- {action: alias, text: 迪子, entity_id: byd, who: a, "
        ...                       "when: t, why: 俗称}", "c.yaml")
        >>> aliases_of(c)
        (('迪子', 'byd'),)
    """
    catalog = catalog or load_catalog()
    pairs = [(str(c.fields["text"]), str(c.fields["entity_id"]))
             for c in cor.of_actions(corrections, ("alias",))]  # fmt: skip
    return tuple(p for p in pairs if p[1] in catalog)


def alias_texts(corrections: list[cor.Correction]) -> tuple[str, ...]:
    """The texts of the alias corrections (counted in the facts' ``entity_text``).

    Example:
        >>> from helpers.catalog.corrections import parse_corrections
        >>> alias_texts(parse_corrections("- {action: alias, text: 迪子, entity_id: byd, "
        ...                               "who: a, when: t, why: 俗称}", "c.yaml"))
        ('迪子',)
    """
    return tuple(dict.fromkeys(str(c.fields["text"]) for c in
                               cor.of_actions(corrections, ("alias",))))  # fmt: skip


def alias_counts(texts: tuple[str, ...], facts: pd.DataFrame) -> dict[str, int]:
    """How many facts name each text in their ``entity_text`` (summed over a table's parts).

    Example:
        >>> alias_counts(("迪子",), pd.DataFrame({"entity_text": ["迪子", "比亚迪"]}))
        {'迪子': 1}
    """
    if "entity_text" not in facts or not len(facts):
        return dict.fromkeys(texts, 0)
    names = facts["entity_text"].fillna("").astype(str)
    return {t: int(names.str.contains(t, regex=False).sum()) for t in texts}


def alias_log(
    corrections: list[cor.Correction], facts: pd.DataFrame, catalog: Catalog | None = None
) -> list[dict]:
    """Log rows of the alias corrections: invalid id, or how many facts name the text.

    Example:
        >>> from helpers.catalog.corrections import parse_corrections
        >>> c = parse_corrections("- {action: alias, text: 迪子, entity_id: nobody, who: a, "
        ...                       "when: t, why: 俗称}", "c.yaml")
        >>> [r["status"] for r in alias_log(c, pd.DataFrame({"entity_text": []}))]
        ['invalid']
    """
    return alias_log_of_counts(corrections, alias_counts(alias_texts(corrections), facts),
                               catalog)  # fmt: skip


def alias_log_of_counts(
    corrections: list[cor.Correction], counts: dict[str, int], catalog: Catalog | None = None
) -> list[dict]:
    """:func:`alias_log` from the counts of :func:`alias_counts` (a table read in parts)."""
    catalog = catalog or load_catalog()
    rows = []
    for c in cor.of_actions(corrections, ("alias",)):
        text, entity_id = str(c.fields["text"]), str(c.fields["entity_id"])
        if entity_id not in catalog:
            rows.append(cor.log_row(c, "invalid", STAGE, f"{entity_id!r} is not a catalog id"))
            continue
        n = counts.get(text, 0)
        status = "applied" if n else "no_change"
        detail = f"{n} facts name {text!r}" if n else f"no fact of this run names {text!r}"
        rows.append(cor.log_row(c, status, STAGE, detail))
    return rows


@dataclass
class _Edits:
    """What the fact corrections did, collected while they are applied in file order."""

    facts: pd.DataFrame
    vocab: Vocabulary
    catalog: Catalog
    log: dict[str, dict] = field(default_factory=dict)  # correction id -> log row
    field_owner: dict[tuple[str, str], str] = field(default_factory=dict)  # (fact, field) -> id
    changed: dict[str, set[str]] = field(default_factory=dict)  # correction id -> fields


def with_review_columns(facts: pd.DataFrame) -> pd.DataFrame:
    """``facts`` with the :data:`REVIEW_COLUMNS` (defaults where missing).

    Example:
        >>> with_review_columns(pd.DataFrame({"fact_id": ["f"]}))["is_corrected"].tolist()
        [False]
    """
    out = facts.copy()
    for column, default in REVIEW_COLUMNS.items():
        if column not in out:
            out[column] = pd.Series([default] * len(out), index=out.index, dtype=object)
    out["is_corrected"] = out["is_corrected"].fillna(False).astype(bool)
    return out


def apply_fact_corrections(
    facts: pd.DataFrame,
    articles: pd.DataFrame,
    corrections: list[cor.Correction],
    *,
    catalog: Catalog | None = None,
    vocab: Vocabulary | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply ``reject``, ``set`` and ``add`` corrections to an extracted facts table.

    Args:
        facts: stage 03's table (``fact_id`` unique).
        articles: the articles table of stage 02 (``article_id``, ``body``, ``is_canonical``)
            where added facts find their quote.
        corrections: every correction (other actions are ignored here).
        catalog: the entity catalogue (aliases included).
        vocab: the metric vocabulary.

    Returns:
        ``(facts, log)``: the facts with :data:`REVIEW_COLUMNS`, and one log row per fact
        correction (:data:`helpers.catalog.corrections.LOG_COLUMNS`).
    """
    edits = _Edits(with_review_columns(facts).set_index("fact_id", drop=False), vocab or
                   load_vocabulary(), catalog or load_catalog())  # fmt: skip
    for c in cor.of_actions(corrections, cor.FACT_ACTIONS):
        if c.action == "reject":
            _reject(edits, c)
        elif c.action == "set":
            _set(edits, c, str(c.fields["fact_id"]), dict(c.fields["set"]))
        else:
            _add(edits, c, articles)
    _settle_statuses(edits)
    out = edits.facts.reset_index(drop=True)
    log = cor.new_log([edits.log[c.correction_id] for c in corrections if c.correction_id in
                       edits.log])  # fmt: skip
    return out, log


def _stale_detail(edits: _Edits, c: cor.Correction) -> str:
    """Why a fact correction found nothing: the article is gone, or the fact within it."""
    seen = c.fields.get("seen") or {}
    article = str(seen.get("article_id", ""))
    if article and article in set(edits.facts["article_id"]):
        number, metric = seen.get("number_text", ""), seen.get("metric", "?")
        return (f"article {article} is still read, but no fact at that span and metric "
                f"({number!r} as {metric}); review it again")  # fmt: skip
    if article:
        return f"article {article} is no longer in this run (its text changed or it was removed)"
    return "no fact with this id in this run"


def _reject(edits: _Edits, c: cor.Correction) -> None:
    fid = str(c.fields["fact_id"])
    if fid not in edits.facts.index:
        edits.log[c.correction_id] = cor.log_row(c, "stale", STAGE, _stale_detail(edits, c))
        return
    already = edits.facts.at[fid, "review_status"] == REJECTED
    _mark(edits, fid, c, REJECTED)
    if already:
        row = cor.log_row(c, "no_change", STAGE, "already rejected by an earlier correction")
    else:
        row = cor.log_row(c, "applied", STAGE, "rejected")
    edits.log[c.correction_id] = row


def _mark(edits: _Edits, fid: str, c: cor.Correction, status: str) -> None:
    f = edits.facts
    ids_now = [i for i in str(f.at[fid, "correction_ids"]).split(";") if i]
    f.at[fid, "correction_ids"] = ";".join(dict.fromkeys([*ids_now, c.correction_id]))
    f.at[fid, "is_corrected"] = True
    if f.at[fid, "review_status"] != REJECTED:
        f.at[fid, "review_status"] = status


def _invalid_fields(edits: _Edits, values: dict) -> list[str]:
    """Entity ids and metrics a correction names that the catalogue does not know."""
    bad = []
    entity = values.get("entity_id")
    if entity is not None and not all(p in edits.catalog for p in str(entity).split("+")):
        bad.append(f"entity_id {entity!r}")
    metric = values.get("metric")
    if metric is not None and metric not in edits.vocab.metrics:
        bad.append(f"metric {metric!r}")
    return bad


def _same(old: object, new: object) -> bool:
    if isinstance(new, int | float) and not isinstance(new, bool):
        try:
            return float(old) == float(new)
        except (TypeError, ValueError):
            return False
    return str(old if old is not None else "") == str(new)


def _set(edits: _Edits, c: cor.Correction, fid: str, values: dict, note: str = "") -> None:
    if fid not in edits.facts.index:
        edits.log[c.correction_id] = cor.log_row(c, "stale", STAGE, _stale_detail(edits, c))
        return
    if bad := _invalid_fields(edits, values):
        edits.log[c.correction_id] = cor.log_row(c, "invalid", STAGE, ", ".join(bad))
        return
    original = json.loads(edits.facts.at[fid, "original_values"] or "{}")
    changed = _change_fields(edits, c, fid, values, original)
    edits.changed[c.correction_id] = changed
    if changed:
        _derive_keeping_originals(edits, fid, values, original)
        edits.facts.at[fid, "original_values"] = json.dumps(original, ensure_ascii=False)
        _mark(edits, fid, c, CORRECTED)
    detail = note + ("set " + ", ".join(sorted(changed)) if changed else "values already so")
    edits.log[c.correction_id] = cor.log_row(c, "applied" if changed else "no_change", STAGE,
                                             detail)  # fmt: skip


def _change_fields(edits: _Edits, c: cor.Correction, fid: str, values: dict,
                   original: dict) -> set[str]:  # fmt: skip
    """Write the values that differ; remember the extracted ones and who set each field."""
    f, changed = edits.facts, set()
    for name, new in values.items():
        old = f.at[fid, name] if name in f.columns else None
        if _same(old, new):
            continue
        original.setdefault(name, _plain(old))
        if name not in f.columns:
            f[name] = ""
        f.at[fid, name] = float(new) if name in cor.NUMERIC_FIELDS else str(new)
        prev = edits.field_owner.get((fid, name))
        if prev is not None:
            edits.changed.get(prev, set()).discard(name)
        edits.field_owner[(fid, name)] = c.correction_id
        changed.add(name)
    return changed


def _derive_keeping_originals(edits: _Edits, fid: str, values: dict, original: dict) -> None:
    """Recompute the derived columns; their extracted values join ``original``."""
    f = edits.facts
    before = {d: _plain(f.at[fid, d]) for d in DERIVED if d in f.columns}
    _derive(edits, fid, values)
    for name, old in before.items():
        if not _same(old, f.at[fid, name]):
            original.setdefault(name, old)


def _plain(value: object) -> object:
    """A JSON-ready copy of a cell (numpy numbers and NaN included)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _derive(edits: _Edits, fid: str, values: dict) -> None:
    """Columns that follow from the set ones: parent, topic, whether it is a topic fact."""
    f = edits.facts
    if "entity_id" in values:
        f.at[fid, "parent_id"] = attr.parent_of(str(values["entity_id"]), edits.catalog)
    if "metric" in values and "topic" not in values:
        f.at[fid, "topic"] = edits.vocab.metrics[str(values["metric"])].topic
    if {"metric", "market", "topic"} & set(values) and "is_topic_fact" in f:
        f.at[fid, "is_topic_fact"] = is_topic_fact(
            edits.vocab, str(f.at[fid, "topic"]), str(f.at[fid, "metric"]),
            str(f.at[fid, "market"] if "market" in f else ""),
        )  # fmt: skip


def _settle_statuses(edits: _Edits) -> None:
    """A set whose every change a later correction replaced is 'overridden'."""
    for cid, fields in edits.changed.items():
        row = edits.log[cid]
        if row["status"] == "applied" and not fields:
            row.update(status="overridden", detail="a later correction set the same fields")


def _quote_span(body: str, quote: str) -> tuple[int, int, int] | None:
    """(start, end, occurrences) of ``quote`` in ``body``; None when it is not there."""
    start = body.find(quote)
    if start < 0:
        return None
    return start, start + len(quote), body.count(quote)


def _sentence_around(body: str, start: int, end: int) -> tuple[str, int]:
    """The sentence holding a span (cut at 。！？ and line ends), with its start."""
    cuts = "。！？!?\n"
    lo = max((body.rfind(ch, 0, start) for ch in cuts), default=-1) + 1
    his = [i for i in (body.find(ch, end) for ch in cuts) if i >= 0]
    hi = min(his) + 1 if his else len(body)
    return body[lo:hi].strip(), lo


def _add(edits: _Edits, c: cor.Correction, articles: pd.DataFrame) -> None:
    fact = dict(c.fields["fact"])
    if bad := _invalid_fields(edits, fact):
        edits.log[c.correction_id] = cor.log_row(c, "invalid", STAGE, ", ".join(bad))
        return
    quote = str(c.fields["quote"])
    article_id = str(c.fields.get("article_id") or "")
    if not article_id:
        row = _row(edits, fact, quote, c, article_id="", span=(-1, -1), sentence=(quote, -1))
        row["fact_id"] = ids.fact_id("url:" + str(c.fields["source_url"]), 0, 0,
                                     str(fact["metric"]), quote)  # fmt: skip
        _append(edits, c, row, "added from " + str(c.fields["source_url"]))
        return
    found = _article_body(articles, article_id)
    if isinstance(found, str) and found.startswith("!"):
        edits.log[c.correction_id] = cor.log_row(c, "stale", STAGE, found[1:])
        return
    span = _quote_span(found, quote)
    if span is None:
        detail = f"quote {quote!r} is not in article {article_id}"
        edits.log[c.correction_id] = cor.log_row(c, "stale", STAGE, detail)
        return
    start, end, n = span
    fid = ids.fact_id(article_id, start, end, str(fact["metric"]))
    note = f"first of {n} occurrences; " if n > 1 else ""
    if fid in edits.facts.index:
        _set(edits, c, fid, fact, note=f"{note}already extracted as {fid}; ")
        return
    row = _row(edits, fact, quote, c, article_id=article_id, span=(start, end),
               sentence=_sentence_around(found, start, end))  # fmt: skip
    row["fact_id"] = fid
    _append(edits, c, row, f"{note}added as {fid}")


def _article_body(articles: pd.DataFrame, article_id: str) -> str:
    """The body of a canonical article, or ``!reason`` when facts cannot attach to it."""
    if articles.empty or article_id not in set(articles["article_id"]):
        return f"!article {article_id} is not in this run"
    art = articles.loc[articles["article_id"] == article_id].iloc[0]
    if "is_canonical" in art and not bool(art["is_canonical"]):
        return (f"!article {article_id} is a copy of {art.get('dup_of', '?')} (stage 02): "
                "add the fact to that article")  # fmt: skip
    return str(art["body"])


def _row(edits: _Edits, fact: dict, quote: str, c: cor.Correction, *, article_id: str,
         span: tuple[int, int], sentence: tuple[str, int]) -> dict:  # fmt: skip
    """A new fact row from an ``add`` correction (every column of the facts table)."""
    metric = str(fact["metric"])
    topic = str(fact.get("topic") or edits.vocab.metrics[metric].topic)
    market = str(fact.get("market", ""))
    row = {col: _blank(dtype) for col, dtype in edits.facts.dtypes.items()}
    row.update({k: (float(v) if k in cor.NUMERIC_FIELDS else str(v)) for k, v in fact.items()})
    row.update(
        article_id=article_id, topic=topic, market=market,
        is_topic_fact=is_topic_fact(edits.vocab, topic, metric, market),
        parent_id=attr.parent_of(str(fact["entity_id"]), edits.catalog),
        value_high=float(fact.get("value_high", float("nan"))),
        period_inferred=False, is_fiscal=False, sentence=sentence[0],
        sentence_start=sentence[1], char_start=span[0], char_end=span[1], number_text=quote,
        review_status=ADDED, is_corrected=True, correction_ids=c.correction_id,
        source_url=str(c.fields.get("source_url") or ""),
        # a person found the fact: no rule's evidence (confidence does not hold it back)
        subject_basis=ADDED, period_basis=ADDED, metric_basis=ADDED, cue_distance=-1,
    )  # fmt: skip
    return row


def _blank(dtype: object) -> object:
    """The empty value of a column: NaN for numbers, False for flags, "" for text.

    Example:
        >>> [_blank(pd.Series([1.5]).dtype), _blank(pd.Series([True]).dtype)]
        [nan, False]
    """
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_numeric_dtype(dtype):
        return float("nan")
    return ""


def _append(edits: _Edits, c: cor.Correction, row: dict, detail: str) -> None:
    if row["fact_id"] in edits.facts.index:
        edits.log[c.correction_id] = cor.log_row(c, "no_change", STAGE, "already added")
        return
    new = pd.DataFrame([row], columns=edits.facts.columns).set_index("fact_id", drop=False)
    edits.facts = pd.concat([edits.facts, new]) if len(edits.facts) else new
    edits.log[c.correction_id] = cor.log_row(c, "applied", STAGE, detail)


def uncorrected(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts as the extractor wrote them: added rows dropped, original values restored.

    NOTE: ``--incremental`` reuses the previous run's facts of unchanged articles; those were
    saved *with* that run's corrections, which this run applies again from the files (one of
    them may have been removed since).

    Example:
        >>> f = pd.DataFrame({"fact_id": ["f-1", "f-2"], "value": [6340000.0, 1.0],
        ...     "review_status": ["corrected", "added"],
        ...     "original_values": ['{"value": 6343000.0}', ""]})
        >>> uncorrected(f)[["fact_id", "value"]].values.tolist()
        [['f-1', 6343000.0]]
    """
    if "review_status" not in facts:
        return facts
    out = facts[facts["review_status"].fillna("") != ADDED].copy()
    for idx, text in out["original_values"].fillna("").items():
        for name, value in (json.loads(text) if text else {}).items():
            out.at[idx, name] = value
    return out.drop(columns=[c for c in REVIEW_COLUMNS if c in out]).reset_index(drop=True)


def summary_lines(log: pd.DataFrame) -> list[str]:
    """What the notebook prints about the corrections: counts by status, then each stale one.

    Example:
        >>> summary_lines(cor.new_log())
        ['no reviewed corrections']
    """
    if log.empty:
        return ["no reviewed corrections"]
    counts = ", ".join(f"{n} {s}" for s, n in log["status"].value_counts().items())
    lines = [f"{len(log)} reviewed corrections: {counts}"]
    stale = log[log["status"].isin(["stale", "invalid"])]
    lines += [f"  {r.status.upper()} {r.correction_id} ({r.action} {r.target}): {r.detail}"
              for r in stale.itertuples()]  # fmt: skip
    return lines


def table_columns() -> list[str]:
    """The facts table's columns with the review columns (for empty tables).

    Example:
        >>> table_columns()[-2:]
        ['original_values', 'source_url']
    """
    return [*COLUMNS, *REVIEW_COLUMNS]
