"""Reviewed corrections: the analyst's decisions in ``data/corrections/*.yaml``, validated on load.

Each entry is one decision with who, when and why, keyed by what it is about:

========================  =============================================  ===================
action                    target                                         applied in
========================  =============================================  ===================
``reject``                ``fact_id`` (+ ``why``)                        03, after extraction
``set``                   ``fact_id`` and ``set: {field: value}``        03, after extraction
``add``                   ``article_id`` or ``source_url``, ``quote``,   03, after extraction
                          ``fact: {entity_id, metric, value, unit, …}``
``alias``                 ``text`` is ``entity_id``                      03, entity step
``not-duplicate``         ``article_ids: [a, b]``                        02, after clustering
``same-story``            ``article_ids: [a, b]``                        02, after clustering
========================  =============================================  ===================

``fact_id`` is the stable id of :mod:`helpers.facts.ids` (article, span, metric). A stage
that applies corrections writes one row per correction to its ``corrections_log`` (status
:data:`STATUSES`): a target that no longer exists is **stale**, reported in the log, the
report and the explorer, never dropped and never applied to another fact.

NOTE: stale corrections are reported, not fixed up: a correction is matched by its exact
id only (no "nearest fact" guess, which could apply a reviewer's value to another number);
what the reviewer saw (``seen``: article, number as written, metric) is kept with it so the
log can say whether the article is gone or only that reading of it. Every stage's log goes to
``tables/corrections_log.csv``, the manifest (``corrections``: counts, stale ids), the top
of ``report.html``, the "What changed" slide and ``python -m helpers correct list --stale``.

NOTE: YAML rather than CSV. The six actions carry different fields (a ``set`` names any of
seven fields, an ``add`` a whole fact), which a CSV can only hold as a wide sparse table;
YAML keeps one readable block per decision, Chinese quotes as written, and comments. New
entries are *appended* as text (:func:`append_correction`), so a review session is a clean
diff of added blocks and hand-written comments survive.

Example:
    >>> entry = new_correction("reject", who="ana", why="重复计数", fact_id="f-0123456789abcdef",
    ...                        when="2026-12-05T10:00:00Z")
    >>> entry["id"], entry["action"]
    ('c-299f74f1d2', 'reject')
    >>> [c.target for c in parse_corrections(dump_entries([entry]), "c.yaml")]
    ['f-0123456789abcdef']
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml
from filelock import FileLock

from helpers.core import io
from helpers.core.paths import resolve

ACTIONS = ("reject", "set", "add", "alias", "not-duplicate", "same-story")
FACT_ACTIONS = ("reject", "set", "add")
PAIR_ACTIONS = ("not-duplicate", "same-story")
# Fields a `set` may change and an `add` may give; entity/metric/market are checked against the
# catalogue when applied (an unknown one is logged as invalid, not guessed).
SETTABLE = (
    "value", "value_high", "unit", "entity_id", "metric", "period", "market", "data_source",
    "qualifier", "segment", "topic",
)  # fmt: skip
NUMERIC_FIELDS = frozenset({"value", "value_high"})
ADD_REQUIRED = ("entity_id", "metric", "value", "unit")
COMMON_KEYS = frozenset({"id", "action", "who", "when", "why", "seen"})
KEYS = {
    "reject": {"fact_id"},
    "set": {"fact_id", "set"},
    "add": {"article_id", "source_url", "quote", "fact", "published_date", "title"},
    "alias": {"text", "entity_id"},
    "not-duplicate": {"article_ids"},
    "same-story": {"article_ids"},
}
REQUIRED = {
    "reject": ("fact_id",),
    "set": ("fact_id", "set"),
    "add": ("quote", "fact"),
    "alias": ("text", "entity_id"),
    "not-duplicate": ("article_ids",),
    "same-story": ("article_ids",),
}
# What a stage says about each correction it looked at (the corrections_log).
STATUSES = {
    "applied": "applied",
    "no_change": "the data already says this (nothing to change)",
    "stale": "its target no longer exists in this run (not applied anywhere else)",
    "overridden": "a later correction of the same target replaced it",
    "invalid": "names an entity, metric or field the catalogue does not know",
}
LOG_COLUMNS = (
    "correction_id", "action", "target", "status", "stage", "detail", "who", "when", "why",
    "file",
)  # fmt: skip
DEFAULT_FILE = "corrections.yaml"
LOCK_NAME = ".corrections.lock"
ID_HEX_CHARS = 10


class CorrectionsError(ValueError):
    """A corrections file breaks a rule; the message names the file, the entry and the fix."""


@dataclass(frozen=True)
class Correction:
    """One reviewed decision as written in a corrections file."""

    correction_id: str
    action: str
    who: str
    when: str
    why: str
    file: str
    fields: dict = field(default_factory=dict)

    @property
    def target(self) -> str:
        """What the correction is about, as one readable string (fact, pair, alias text)."""
        f = self.fields
        if self.action in ("reject", "set"):
            return str(f["fact_id"])
        if self.action == "add":
            return f"{f.get('article_id') or f.get('source_url')}: {f['quote']}"
        if self.action == "alias":
            return f"{f['text']} → {f['entity_id']}"
        return "|".join(f["article_ids"])


def correction_id(entry: dict) -> str:
    """A short id from the entry's content (who, when and why included).

    Example:
        >>> correction_id({"action": "alias", "text": "迪子", "entity_id": "byd"})
        'c-c1199153ce'
    """
    body = {k: v for k, v in entry.items() if k != "id"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return "c-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


def utc_stamp(now: dt.datetime | None = None) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (the ``when`` of a new correction)."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_correction(action: str, *, who: str, why: str, when: str = "", **fields) -> dict:
    """A new entry, checked like a loaded one, with its id.

    Args:
        action: one of :data:`ACTIONS`.
        who: the reviewer.
        why: the reason, in a sentence.
        when: UTC timestamp; now by default.
        **fields: the action's keys (:data:`KEYS`); ``None`` values are left out.

    Returns:
        The entry as it will be written (``id`` first).
    """
    entry = {"action": action, **{k: v for k, v in fields.items() if v is not None}}
    entry.update(who=who, when=when or utc_stamp(), why=why)
    entry = {"id": correction_id(entry), **entry}
    _check_entry(entry, "new correction", 0)
    return entry


def _check_keys(entry: dict, where: str) -> str:
    action = entry.get("action")
    if action not in ACTIONS:
        raise CorrectionsError(f"{where}: action {action!r} unknown; use one of {ACTIONS}")
    unknown = sorted(set(entry) - COMMON_KEYS - KEYS[action])
    if unknown:
        raise CorrectionsError(f"{where}: key(s) {unknown} do not belong to a {action!r}")
    missing = [k for k in (*REQUIRED[action], "who", "when", "why") if not entry.get(k)]
    if missing:
        raise CorrectionsError(f"{where}: {action!r} needs {missing}")
    return action


def _check_fields(values: object, where: str, required: tuple[str, ...] = ()) -> None:
    """A ``set:`` or ``fact:`` mapping: known fields, numbers where numbers belong."""
    if not isinstance(values, dict) or not values:
        raise CorrectionsError(f"{where}: expected a mapping of field: value")
    unknown = sorted(set(values) - set(SETTABLE))
    if unknown:
        raise CorrectionsError(f"{where}: field(s) {unknown} cannot be set; use {SETTABLE}")
    missing = [k for k in required if values.get(k) in (None, "")]
    if missing:
        raise CorrectionsError(f"{where}: an added fact needs {missing}")
    for name in NUMERIC_FIELDS & set(values):
        if not _is_number(values[name]):
            raise CorrectionsError(f"{where}: {name} must be a number, got {values[name]!r}")


def _is_number(value: object) -> bool:
    """A real number (not a bool, not NaN).

    Example:
        >>> _is_number(6340000), _is_number("634万"), _is_number(True)
        (True, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not math.isnan(value)


def _check_entry(entry: object, file: str, index: int) -> None:
    """Raise :class:`CorrectionsError` unless ``entry`` is a well-formed correction."""
    where = f"{file} entry {index + 1}"
    if not isinstance(entry, dict):
        raise CorrectionsError(f"{where}: each entry is a mapping (- action: …)")
    action = _check_keys(entry, where)
    if action == "set":
        _check_fields(entry["set"], f"{where} set")
    elif action == "add":
        _check_fields(entry["fact"], f"{where} fact", ADD_REQUIRED)
        if not (entry.get("article_id") or entry.get("source_url")):
            raise CorrectionsError(f"{where}: an added fact needs article_id or source_url")
    elif action in PAIR_ACTIONS:
        pair = entry["article_ids"]
        if not isinstance(pair, list) or len(pair) != 2 or len(set(map(str, pair))) != 2:
            raise CorrectionsError(f"{where}: article_ids must be two different article ids")


def unknown_values(values: dict) -> list[str]:
    """Entity ids and metrics in ``values`` that the catalogues do not hold (empty when fine).

    The CLI and the explorer refuse such a correction before writing it.

    Example:
        >>> unknown_values({"entity_id": "byd+nobody", "metric": "exports"})
        ["entity_id 'byd+nobody'"]
    """
    from helpers.catalog.entities import load_catalog
    from helpers.catalog.metrics import load_vocabulary

    bad = []
    entity = values.get("entity_id")
    if entity is not None and not all(p in load_catalog() for p in str(entity).split("+")):
        bad.append(f"entity_id {entity!r}")
    metric = values.get("metric")
    if metric is not None and metric not in load_vocabulary().metrics:
        bad.append(f"metric {metric!r}")
    return bad


def parse_corrections(text: str, file: str) -> list[Correction]:
    """Parse one corrections file's text (a YAML list of entries).

    Raises:
        CorrectionsError: not a list, an unknown action or key, a missing who/when/why.

    Example:
        >>> text = "- {action: alias, text: 迪子, entity_id: byd, who: a, when: t, why: 俗称}"
        >>> [(c.action, c.fields["text"]) for c in parse_corrections(text, "x.yaml")]
        [('alias', '迪子')]
    """
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise CorrectionsError(f"{file}: not valid YAML: {err}") from None
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise CorrectionsError(f"{file}: a corrections file is a YAML list (- action: …)")
    out = []
    for i, entry in enumerate(doc):
        _check_entry(entry, file, i)
        rest = {k: v for k, v in entry.items() if k not in COMMON_KEYS - {"seen"}}
        out.append(Correction(
            correction_id=str(entry.get("id") or correction_id(entry)), action=entry["action"],
            who=str(entry["who"]), when=str(entry["when"]), why=str(entry["why"]), file=file,
            fields=rest,
        ))  # fmt: skip
    return out


def load_corrections(folder: str | Path) -> list[Correction]:
    """Every correction of ``folder/*.yaml`` in file-name order, then file order.

    A folder that does not exist holds no corrections; a relative one is taken from the
    project root. Ids must be unique across files.

    Raises:
        CorrectionsError: a file breaks a rule (see :func:`parse_corrections`).
    """
    folder = resolve(folder)
    if not folder.is_dir():
        return []
    out: list[Correction] = []
    for path in sorted(folder.glob("*.yaml")):
        out += parse_corrections(path.read_text(encoding="utf-8"), path.name)
    ids = [c.correction_id for c in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CorrectionsError(f"{folder}: correction id(s) {dupes} appear twice; keep one")
    return out


def of_actions(corrections: list[Correction], actions: tuple[str, ...]) -> list[Correction]:
    """The corrections of some actions, in file order.

    Example:
        >>> of_actions([], ("alias",))
        []
    """
    return [c for c in corrections if c.action in actions]


def dump_entries(entries: list[dict]) -> str:
    """YAML text of entries, one block each, Chinese kept readable."""
    return yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)


def append_correction(folder: str | Path, entry: dict, file_name: str = DEFAULT_FILE) -> Path:
    """Append one entry to ``folder/file_name`` (created when missing); return the file.

    NOTE: appended as text under a lock, then the whole folder is parsed again before the
    file is replaced (atomically): a second writer (the explorer and the CLI at once) waits,
    and an entry that would make the folder unreadable is never written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name
    with FileLock(folder / LOCK_NAME):
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        text = old + ("" if not old or old.endswith("\n") else "\n") + dump_entries([entry])
        parse_corrections(text, file_name)
        io.write_text(text, target)
        load_corrections(folder)
    return target


def log_row(c: Correction, status: str, stage: str, detail: str = "") -> dict:
    """One ``corrections_log`` row.

    Example:
        >>> c = parse_corrections("- {action: reject, fact_id: f-1, who: a, when: t, why: 错}",
        ...                       "c.yaml")[0]
        >>> log_row(c, "stale", "03_facts")["target"]
        'f-1'
    """
    if status not in STATUSES:
        raise ValueError(f"unknown correction status {status!r}; known: {sorted(STATUSES)}")
    return {
        "correction_id": c.correction_id, "action": c.action, "target": c.target,
        "status": status, "stage": stage, "detail": detail, "who": c.who, "when": c.when,
        "why": c.why, "file": c.file,
    }  # fmt: skip


def new_log(rows: list[dict] | None = None) -> pd.DataFrame:
    """A ``corrections_log`` table (always with every column, all text).

    Example:
        >>> list(new_log().columns)[:4]
        ['correction_id', 'action', 'target', 'status']
    """
    return pd.DataFrame(rows or [], columns=list(LOG_COLUMNS)).astype(str)


LOG_PREFIX = "corrections_log_"
COMBINED_LOG = "corrections_log"  # every stage's log in one table (written by 07_deck)


def read_stage_logs(folder: str | Path) -> pd.DataFrame:
    """Every stage's ``corrections_log_<stage>.parquet`` of a folder as one table.

    Example:
        >>> len(read_stage_logs("/nonexistent"))
        0
    """
    parts = [io.read_table(p) for p in sorted(Path(folder).glob(f"{LOG_PREFIX}*.parquet"))]
    parts = [p for p in parts if not p.empty]
    return new_log(pd.concat(parts, ignore_index=True).to_dict("records") if parts else [])


def summarize_log(log: pd.DataFrame) -> dict:
    """Counts for the manifest and the deck: total, by status, and the stale ids.

    Example:
        >>> summarize_log(new_log())
        {'total': 0, 'by_status': {}, 'stale': []}
    """
    bad = log[log["status"].isin(["stale", "invalid"])]
    return {
        "total": len(log),
        "by_status": {str(k): int(v) for k, v in log["status"].value_counts().sort_index().items()},
        "stale": bad["correction_id"].tolist(),
    }


def corrections_table(corrections: list[Correction]) -> pd.DataFrame:
    """One row per correction (for the explorer and ``python -m helpers correct list``).

    Example:
        >>> corrections_table([]).columns.tolist()
        ['correction_id', 'action', 'target', 'who', 'when', 'why', 'file']
    """
    rows = [
        {"correction_id": c.correction_id, "action": c.action, "target": c.target, "who": c.who,
         "when": c.when, "why": c.why, "file": c.file}
        for c in corrections
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["correction_id", "action", "target", "who", "when", "why",
                                       "file"])  # fmt: skip
