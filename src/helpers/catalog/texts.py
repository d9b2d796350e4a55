"""Chart and table texts in zh-Hans, zh-Hant and en: the vocabulary file and name lookups.

The texts live in ``catalog/labels.yaml`` (data next to the code, validated on load); entity
names come from the entity catalog (:func:`helpers.catalog.entities.display_name`). Ids that are not
catalog entities (``others``, ``company_b``, a combined ``nvidia+huawei``) are named here.

Example:
    >>> entity_label("nvidia+horizon_robotics", "zh-Hant")
    '輝達+地平線'
    >>> format_period("2025-01/2025-09", "zh-Hans"), format_period("2025-Q2", "en")
    ('2025年1–9月', 'Q2 2025')
"""

from __future__ import annotations

import calendar
import functools
import re
from pathlib import Path

import yaml

from helpers.catalog import entities
from helpers.core.paths import CATALOG_DIR

LABELS_PATH = CATALOG_DIR / "labels.yaml"
LANGS = entities.LANGS
SECTIONS = (
    "text", "topics", "titles", "units", "metrics", "scopes", "measures", "bases", "segments",
    "markets", "entities", "periods", "findings", "deck", "changes", "report", "columns",
)  # fmt: skip
MAY_BE_EMPTY = {("measures", "unspecified")}
COMBINED_SEP = "+"
PERIOD_RE = re.compile(
    r"(?P<y>\d{4})(?:-(?:(?P<q>Q[1-4])|(?P<h>H[12])|(?P<m>\d{2})(?:-(?P<d>\d{2}))?))?"
)


class LabelsError(ValueError):
    """labels.yaml breaks a rule; the message names the entry."""


def parse_labels(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """Parse and validate labels YAML: section -> key -> language -> text.

    Example:
        >>> doc = "text: {a: {zh-Hans: 甲, zh-Hant: 甲, en: A}}"
        >>> parse_labels(doc)["text"]["a"]["en"]
        'A'
    """
    doc = yaml.safe_load(text) or {}
    out: dict[str, dict[str, dict[str, str]]] = {}
    for section, entries in doc.items():
        if section == "version":
            continue
        if section not in SECTIONS or not isinstance(entries, dict):
            raise LabelsError(f"labels.yaml: unknown or malformed section {section!r}")
        for key, texts in entries.items():
            _check_entry(section, key, texts)
        out[section] = entries
    return out


def _check_entry(section: str, key: str, texts: object) -> None:
    where = f"labels.yaml {section}.{key}"
    if not isinstance(texts, dict) or set(texts) != set(LANGS):
        raise LabelsError(f"{where}: give exactly the languages {LANGS}")
    for lang, value in texts.items():
        if not isinstance(value, str) or (not value and (section, key) not in MAY_BE_EMPTY):
            raise LabelsError(f"{where}.{lang}: a non-empty string is required")


@functools.cache
def load_labels(path: str | Path = LABELS_PATH) -> dict[str, dict[str, dict[str, str]]]:
    """Load and validate the labels file (cached).

    Example:
        >>> load_labels()["metrics"]["exports"]["zh-Hant"]
        '出口量'
    """
    return parse_labels(Path(path).read_text(encoding="utf-8"))


def _check_lang(labels: str) -> None:
    if labels not in LANGS:
        raise ValueError(f"labels must be one of {LANGS}, not {labels!r}")


def label(section: str, key: str, labels: str, **fields: object) -> str:
    """Return the text of ``section.key`` in ``labels``, placeholders filled from ``fields``.

    Unknown keys fall back to the key itself (a new metric still gets a readable label).

    Example:
        >>> label("text", "as_of", "zh-Hans", date="2025年11月23日")
        '截至2025年11月23日'
    """
    _check_lang(labels)
    entry = load_labels().get(section, {}).get(key)
    text = entry[labels] if entry else str(key)
    return text.format(**fields) if fields else text


def entity_label(entity_id: str, labels: str) -> str:
    """Display name of an entity id, a combined id (``a+b``) or a non-catalog id.

    Example:
        >>> entity_label("others", "en"), entity_label("byd", "zh-Hant")
        ('Others', '比亞迪')
    """
    _check_lang(labels)
    if COMBINED_SEP in entity_id:
        return COMBINED_SEP.join(entity_label(p, labels) for p in entity_id.split(COMBINED_SEP))
    if entity_id in entities.load_catalog():
        return entities.display_name(entity_id, labels)
    return label("entities", entity_id, labels)


@functools.cache
def _iso_index() -> dict[str, str]:
    """ISO code -> region entity id (countries only; cities share their country's code)."""
    index: dict[str, str] = {}
    for e in entities.load_catalog().entities.values():
        if e.iso and "region" in e.types and e.iso not in index:
            index[e.iso] = e.entity_id
    return index


def market_label(market: str, labels: str) -> str:
    """Display name of a market code (``MX``, ``EU``, ``world``).

    Example:
        >>> market_label("MX", "zh-Hans"), market_label("world", "en")
        ('墨西哥', 'world')
    """
    if not market:
        return ""
    entity_id = _iso_index().get(market)
    if entity_id is not None:
        return entities.display_name(entity_id, labels)
    return label("markets", market, labels)


def basis_label(basis: str, labels: str) -> str:
    """Display name of a statistical basis / data source (``caam``, ``company``, ``ggii``).

    Example:
        >>> basis_label("cpca", "zh-Hant"), basis_label("ggii", "en")
        ('乘聯會', 'GGII')
    """
    key = basis or "unstated"
    if key in load_labels()["bases"]:
        return label("bases", key, labels)
    catalog = entities.load_catalog()
    return entities.display_name(key, labels) if key in catalog else key


def _month_name(month: str) -> str:
    return calendar.month_abbr[int(month)]


def _single_period(m: re.Match, labels: str) -> str:
    g = m.groupdict()
    y = g["y"]
    if g["q"]:
        return label("periods", "quarter", labels, y=y, q=g["q"][1])
    if g["h"]:
        half = {"1": "上", "2": "下"}[g["h"][1]]
        return label("periods", "half", labels, y=y, h=half, q=g["h"][1])
    if g["d"]:
        m_, d = int(g["m"]), int(g["d"])
        return label("periods", "day", labels, y=y, m=m_, d=d, mon=_month_name(g["m"]))
    if g["m"]:
        return label("periods", "month", labels, y=y, m=int(g["m"]), mon=_month_name(g["m"]))
    return label("periods", "year", labels, y=y)


def _same_year_months(a: re.Match, b: re.Match) -> bool:
    """Whether a range runs between two months of one year (2025-01/2025-09: 2025年1–9月)."""
    return bool(a["y"] == b["y"] and a["m"] and b["m"] and not (a["d"] or b["d"]))


def format_period(period: str, labels: str) -> str:
    """Human label of a normalised period (``2025``, ``2025-11``, ``2025-H1``, ranges).

    Example:
        >>> format_period("2025-11-23", "zh-Hant"), format_period("2025-H1", "en")
        ('2025年11月23日', 'H1 2025')
    """
    _check_lang(labels)
    if not period:
        return ""
    parts = period.split("/")
    matches = [PERIOD_RE.fullmatch(p) for p in parts]
    if not all(matches):
        return period
    if len(parts) == 2:
        a, b = matches
        if _same_year_months(a, b):
            return label(
                "periods", "month_range", labels, y=a["y"], m1=int(a["m"]), m2=int(b["m"]),
                mon1=_month_name(a["m"]), mon2=_month_name(b["m"]),
            )  # fmt: skip
        pa, pb = (_single_period(x, labels) for x in matches)
        return label("periods", "range", labels, a=pa, b=pb)
    return _single_period(matches[0], labels)
