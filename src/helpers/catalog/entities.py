"""The entity catalog: canonical ids, aliases in 简/繁/English, parents; lookup and jieba words.

The data lives in ``catalog/entities.yaml`` (package data, next to this code); this module
loads and validates it and answers the questions the facts stage asks: which entities does a
sentence name, what does a brand roll up to, how is an id displayed.

NOTE: the loader lives here and not in ``helpers/catalog.py`` because ``helpers/catalog/`` is
already the package-data folder; a module of the same name would shadow it.

Example:
    >>> [e["entity_id"] for e in find_entities("輝達與地平線佔據市場,英伟达领先")]
    ['nvidia', 'horizon_robotics', 'nvidia']
    >>> rollup("mg"), display_name("horizon_robotics", "zh-Hant")
    ('saic', '地平線')
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml

from helpers.core.paths import CATALOG_DIR
from helpers.text.prefilter import first_chars, nonempty_matches, opening_re
from helpers.text.script import normalize_width, opencc_converter

CATALOG_PATH = CATALOG_DIR / "entities.yaml"
LANGS = ("zh-Hans", "zh-Hant", "en")
ID_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# Two-letter ISO-3166 codes (EU for Europe); multi-country regions with no ISO code use one of
# MULTI_REGION_CODES (ASEAN, LATAM, MIDEAST, AFRICA) so that no code can clash with a country.
MULTI_REGION_CODES = ("ASEAN", "LATAM", "MIDEAST", "AFRICA")
# Levels a Chinese region may declare (全省 / 全市 refer back to the last region of the level).
REGION_LEVELS = ("province", "city")
ISO_RE = re.compile(r"[A-Z]{2}|" + "|".join(MULTI_REGION_CODES))
# Latin aliases this short (MG, EU, US, BYD) match case-sensitively: "us" is a word.
CASE_SENSITIVE_MAX_LEN = 3
# jieba's user dictionary never matches words with spaces or punctuation (PITFALLS).
JIEBA_WORD_RE = re.compile(r"[\w]+")
JIEBA_TAG = "nz"
# NOTE: a high fixed frequency keeps every catalog name whole (英伟达 is otherwise 英/伟达).
JIEBA_FREQ = 100_000
OPENCC_CONFIGS = {"zh-Hans": "t2s", "zh-Hant": "s2t"}
# Common words an alias may start inside of: 其中國內 is 其中 + 國內, not 中國.
STRADDLED_WORDS = ("其中",)


class CatalogError(ValueError):
    """The catalog file breaks a rule; the message says which entry and how to fix it."""


@dataclass(frozen=True)
class Entity:
    """One canonical entity as written in the catalog."""

    entity_id: str
    types: tuple[str, ...]
    names: dict[str, str]
    aliases: tuple[tuple[str, str], ...]  # (alias, lang), names and script variants included
    ambiguous: frozenset[str]
    parent: str | None = None
    iso: str | None = None
    level: str | None = None


@dataclass(frozen=True, eq=False)
class Catalog:
    """All entities by id, plus the alias index used for lookup."""

    entities: dict[str, Entity]
    alias_index: dict[str, str]  # match key (see _match_key) -> entity id

    def __contains__(self, entity_id: str) -> bool:
        """Whether ``entity_id`` is a catalog id."""
        return entity_id in self.entities


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise CatalogError(f"duplicate key(s) {dupes} near line {node.start_mark.line + 1}")
        return super().construct_mapping(node, deep=deep)


def _match_key(alias: str) -> str:
    """Key under which an alias is indexed: width-folded; lower-cased unless short Latin."""
    folded = normalize_width(alias)
    return folded if _is_case_sensitive(folded) else _lower(folded)


# NOTE: ``str.lower`` lowers each character on its own except two: İ (U+0130) becomes two
# characters and Σ (U+03A3) depends on its neighbours (final sigma). A test checks this on
# every code point.
LOWER_SPECIAL_RE = re.compile("[\u0130\u03a3]")


def _lower(text: str) -> str:
    """Lower-case character by character, keeping the length (offsets stay valid)."""
    if LOWER_SPECIAL_RE.search(text) is None:
        return text.lower()  # NOTE: one C call; equal to the loop below on such text
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _is_latin(alias: str) -> bool:
    return alias.isascii()


def _is_case_sensitive(alias: str) -> bool:
    return _is_latin(alias) and len(alias) <= CASE_SENSITIVE_MAX_LEN


def _script_variants(alias: str, lang: str) -> list[tuple[str, str]]:
    """The alias in the other Chinese script (英伟达 -> 英偉達), via OpenCC character maps."""
    if _is_latin(alias) or lang == "en":
        return []
    out = []
    for target, config in OPENCC_CONFIGS.items():
        variant = opencc_converter(config).convert(alias)
        if variant != alias:
            out.append((variant, target))
    return out


def _check_entry(entity_id: str, raw: dict, known_types: set[str]) -> None:
    """Raise CatalogError when one entry breaks a rule."""
    where = f"entities.yaml entry {entity_id!r}"
    if not ID_RE.fullmatch(entity_id):
        raise CatalogError(f"{where}: ids are lower snake case (e.g. great_wall)")
    unknown = set(raw.get("types", [])) - known_types
    if not raw.get("types") or unknown:
        raise CatalogError(f"{where}: types {sorted(unknown)} unknown; use {sorted(known_types)}")
    missing = [lang for lang in LANGS if not raw.get("names", {}).get(lang)]
    if missing:
        raise CatalogError(f"{where}: add display names for {missing}")
    _check_region(where, raw)


def _check_region(where: str, raw: dict) -> None:
    """A region needs an iso code; only a region may declare a level, one of REGION_LEVELS."""
    if "region" in raw["types"] and not ISO_RE.fullmatch(str(raw.get("iso", ""))):
        raise CatalogError(
            f"{where}: a region needs iso: a two-letter ISO-3166 code, EU, or one of "
            f"{list(MULTI_REGION_CODES)}"
        )
    if "level" in raw and ("region" not in raw["types"] or raw["level"] not in REGION_LEVELS):
        raise CatalogError(f"{where}: level is for regions only, one of {list(REGION_LEVELS)}")


def _explicit_aliases(raw: dict) -> list[tuple[str, str]]:
    """Names, aliases and ambiguous aliases as (alias, lang) pairs, in file order."""
    pairs = [(raw["names"][lang], lang) for lang in LANGS]
    for lang, aliases in (raw.get("aliases") or {}).items():
        if lang not in LANGS:
            raise CatalogError(f"alias language {lang!r} unknown; use one of {LANGS}")
        pairs += [(str(a), lang) for a in aliases]
    for alias in raw.get("ambiguous", []):
        pairs.append((str(alias), "en" if _is_latin(str(alias)) else "zh-Hans"))
    return pairs


def _claim(index: dict[str, str], alias: str, entity_id: str, *, strict: bool) -> bool:
    """Record that ``alias`` names ``entity_id``; a second claimant is an error if strict."""
    key = _match_key(alias)
    owner = index.get(key)
    if owner is not None and owner != entity_id:
        if strict:
            raise CatalogError(
                f"alias {alias!r} is claimed by both {owner!r} and {entity_id!r}: keep it under "
                "one id (or list it under ambiguous for one of them only)"
            )
        return False
    index[key] = entity_id
    return True


def _build_entities(raw_entities: dict, known_types: set[str]) -> Catalog:
    """Validate entries, index explicit aliases strictly, then add script variants."""
    index: dict[str, str] = {}
    explicit = {}
    for entity_id, raw in raw_entities.items():
        _check_entry(entity_id, raw, known_types)
        explicit[entity_id] = _explicit_aliases(raw)
        for alias, _ in explicit[entity_id]:
            _claim(index, alias, entity_id, strict=True)
    entities = {}
    for entity_id, raw in raw_entities.items():
        pairs = list(dict.fromkeys(explicit[entity_id]))
        for alias, lang in list(pairs):
            # NOTE: a generated variant never displaces an alias written in the file.
            variants = _script_variants(alias, lang)
            pairs += [v for v in variants if _claim(index, v[0], entity_id, strict=False)]
        entities[entity_id] = _make_entity(entity_id, raw, tuple(dict.fromkeys(pairs)))
    return Catalog(entities=entities, alias_index=index)


def _make_entity(entity_id: str, raw: dict, pairs: tuple[tuple[str, str], ...]) -> Entity:
    ambiguous = set(map(str, raw.get("ambiguous", [])))
    ambiguous |= {v for a in list(ambiguous) for v, _ in _script_variants(a, "zh-Hans")}
    return Entity(
        entity_id=entity_id,
        types=tuple(raw["types"]),
        names=dict(raw["names"]),
        aliases=pairs,
        ambiguous=frozenset(ambiguous),
        parent=raw.get("parent"),
        iso=raw.get("iso"),
        level=raw.get("level"),
    )


def _check_parents(catalog: Catalog) -> None:
    """Every parent exists and no chain loops back on itself."""
    for entity in catalog.entities.values():
        seen = {entity.entity_id}
        parent = entity.parent
        while parent is not None:
            if parent not in catalog:
                raise CatalogError(f"{entity.entity_id!r}: parent {parent!r} is not an id")
            if parent in seen:
                raise CatalogError(f"{entity.entity_id!r}: parent chain loops at {parent!r}")
            seen.add(parent)
            parent = catalog.entities[parent].parent


def parse_catalog(text: str) -> Catalog:
    r"""Parse and validate catalog YAML text.

    Args:
        text: the YAML document (``version``, ``types`` and ``entities`` keys).

    Returns:
        The validated catalog.

    Raises:
        CatalogError: on a duplicate id or alias, a bad id, an unknown type, a missing name,
            a region without iso, a level outside :data:`REGION_LEVELS`, or a parent that does
            not exist.

    Example:
        >>> doc = "types: [chip_vendor]\nentities:\n  nvidia:\n    types: [chip_vendor]\n"
        >>> doc += "    names: {zh-Hans: 英伟达, zh-Hant: 輝達, en: NVIDIA}\n"
        >>> sorted(parse_catalog(doc).alias_index)[:2]
        ['nvidia', '英伟达']
    """
    doc = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: no arbitrary objects
    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), dict):
        raise CatalogError("the catalog needs a top-level 'entities:' mapping")
    catalog = _build_entities(doc["entities"], set(doc.get("types", [])))
    _check_parents(catalog)
    return catalog


@functools.cache
def load_catalog(path: str | Path = CATALOG_PATH) -> Catalog:
    """Load and validate the entity catalog (cached per path).

    Args:
        path: the YAML file; the packaged ``catalog/entities.yaml`` by default.

    Returns:
        The validated catalog.

    Example:
        >>> load_catalog().entities["tesla"].types
        ('automaker', 'chip_vendor', 'robotaxi_operator')
    """
    return parse_catalog(Path(path).read_text(encoding="utf-8"))


def with_aliases(catalog: Catalog, aliases: list[tuple[str, str]]) -> Catalog:
    """A copy of ``catalog`` in which each ``(text, entity_id)`` alias names that entity.

    Reviewed aliases (``alias`` corrections, :mod:`helpers.catalog.corrections`) are the
    analyst's word: one overrides an alias the file gives another entity, and it is never
    treated as ambiguous. Its other-script form is added where no file alias claims it.

    Args:
        catalog: the catalogue to extend (left unchanged).
        aliases: ``(text, entity_id)`` pairs; every id must be in the catalogue.

    Returns:
        A new catalogue (its own finder patterns are built on first use).

    Raises:
        CatalogError: an id the catalogue does not hold.

    Example:
        >>> c = with_aliases(load_catalog(), [("迪子", "byd")])
        >>> [(e["text"], e["entity_id"]) for e in find_entities("迪子海外销量", catalog=c)]
        [('迪子', 'byd')]
    """
    if not aliases:
        return catalog
    index = dict(catalog.alias_index)
    entities = dict(catalog.entities)
    for text, entity_id in aliases:
        if entity_id not in entities:
            raise CatalogError(f"alias {text!r}: {entity_id!r} is not a catalog id")
        _take_alias(entities, index, text, entity_id)
    return Catalog(entities=entities, alias_index=index)


def _take_alias(entities: dict[str, Entity], index: dict[str, str], text: str,
                entity_id: str) -> None:  # fmt: skip
    """Move ``text`` (and its other-script form, when free) to ``entity_id``, in place."""
    owner = index.get(_match_key(text))
    if owner is not None and owner != entity_id:
        old = entities[owner]
        kept = tuple(p for p in old.aliases if _match_key(p[0]) != _match_key(text))
        entities[owner] = replace(old, aliases=kept)
    index[_match_key(text)] = entity_id
    pairs = [(text, "en" if _is_latin(text) else "zh-Hans")]
    pairs += [v for v in _script_variants(text, pairs[0][1]) if _match_key(v[0]) not in index]
    for variant, _ in pairs[1:]:
        index[_match_key(variant)] = entity_id
    entity = entities[entity_id]
    entities[entity_id] = replace(
        entity,
        aliases=tuple(dict.fromkeys([*entity.aliases, *pairs])),
        ambiguous=entity.ambiguous - {text},
    )


def alias_table(catalog: Catalog | None = None) -> pd.DataFrame:
    """Return every alias as a row: alias, entity_id, lang, is_ambiguous.

    Example:
        >>> t = alias_table()
        >>> sorted(t.loc[t["entity_id"] == "nvidia", "alias"])[:3]
        ['NVIDIA', 'Nvidia', '英伟达']
    """
    catalog = catalog or load_catalog()
    rows = [
        {"alias": a, "entity_id": e.entity_id, "lang": lang, "is_ambiguous": a in e.ambiguous}
        for e in catalog.entities.values()
        for a, lang in e.aliases
    ]
    return pd.DataFrame(rows, columns=["alias", "entity_id", "lang", "is_ambiguous"])


def _trie_pattern(words: list[str]) -> str:
    """One regex for many words, factored by shared prefixes (much faster than a|b|c).

    Example:
        >>> _trie_pattern(["英伟达", "英偉達", "英国"])
        '英(?:伟达|偉達|国)'
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    alts = [re.escape(ch) + _node_pattern(sub) for ch, sub in node.items() if ch]
    if not alts:
        return ""
    group = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    # NOTE: the optional tail is greedy, so the longest alias wins (上汽通用五菱 over 上汽).
    return f"(?:{group})?" if "" in node else group


# NOTE: complexity 12: sorts the aliases into the three alternations (short case-sensitive
# Latin, other Latin, CJK); the comprehension filters are the catalog's ambiguity and Latin
# rules.
@functools.cache
def _finders(catalog: Catalog, include_ambiguous: bool) -> tuple[re.Pattern, re.Pattern]:
    """Two patterns: one over lower-cased text, one (short Latin, e.g. MG, US) case-sensitive."""
    keys = {
        _match_key(a)
        for e in catalog.entities.values()
        for a, _ in e.aliases
        if include_ambiguous or a not in e.ambiguous
    }
    short = sorted(k for k in keys if _is_case_sensitive(k))
    latin = sorted(k for k in keys if _is_latin(k) and k not in short)
    other = sorted(k for k in keys if not _is_latin(k))
    edge_before, edge_after = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
    folded = f"{_trie_pattern(other)}|{edge_before}(?:{_trie_pattern(latin)}){edge_after}"
    exact = f"{edge_before}(?:{_trie_pattern(short)}){edge_after}"
    return re.compile(folded), re.compile(exact)


@functools.cache
def _opening(pattern: re.Pattern) -> re.Pattern | None:
    """The first characters of an alias pattern as one class; None if it can match empty."""
    return opening_re(pattern) if first_chars(pattern) is not None else None


def _scan(pattern: re.Pattern, text: str) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, tried only where an alias can start.

    NOTE: both alias patterns open with an alternation whose second part (Latin aliases)
    begins with a lookbehind, so the regex engine tried them at every position of every
    body (13 % of stage 03); a pattern that cannot match the empty string has the same
    matches when tried only at its first characters (0.92 -> 0.17 s over 5.8 MB).
    """
    opening = _opening(pattern)
    return pattern.finditer(text) if opening is None else nonempty_matches(pattern, opening, text)


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans that overlap an earlier (or, at the same start, a longer) span."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda se: (se[0], -se[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def find_entities(
    text: str, *, catalog: Catalog | None = None, include_ambiguous: bool = False
) -> list[dict]:
    """Find catalog entities named in ``text`` (Traditional, Simplified or English).

    Args:
        text: any text; full-width Latin is folded before matching.
        catalog: the catalog to use; the packaged one by default.
        include_ambiguous: also match aliases that are ordinary words (理想, 大眾, 長城).

    Returns:
        One dict per mention, in text order: ``text``, ``start``, ``end``, ``entity_id`` and
        ``is_ambiguous`` (the alias is an ordinary word too).

    Example:
        >>> [(e["text"], e["entity_id"]) for e in find_entities("名爵MG與騰勢")]
        [('名爵', 'mg'), ('MG', 'mg'), ('騰勢', 'denza')]
    """
    catalog = catalog or load_catalog()
    folded_re, exact_re = _finders(catalog, include_ambiguous)
    width_folded = normalize_width(text)
    spans = [m.span() for m in _scan(folded_re, _lower(width_folded)) if m.group()]
    spans += [m.span() for m in _scan(exact_re, width_folded) if m.group()]
    ambiguous = _ambiguous_keys(catalog)
    return [
        {
            "text": text[start:end],
            "start": start,
            "end": end,
            "entity_id": catalog.alias_index[key],
            "is_ambiguous": key in ambiguous,
        }
        for start, end in _longest_first(spans)
        if not _starts_inside_word(width_folded, start)
        for key in [_match_key(width_folded[start:end])]
    ]


@functools.cache
def _ambiguous_keys(catalog: Catalog) -> frozenset[str]:
    """Match keys of the aliases that are ordinary words too."""
    return frozenset(_match_key(a) for e in catalog.entities.values() for a in e.ambiguous)


def _starts_inside_word(text: str, start: int) -> bool:
    """Whether a match at ``start`` begins inside one of :data:`STRADDLED_WORDS`.

    Example:
        >>> _starts_inside_word("其中國內銷售", 1), _starts_inside_word("中國出口", 0)
        (True, False)
    """
    for word in STRADDLED_WORDS:
        for k in range(1, len(word)):
            if start >= k and text[start - k : start - k + len(word)] == word:
                return True
    return False


def rollup(entity_id: str, catalog: Catalog | None = None) -> str:
    """Return the top of ``entity_id``'s parent chain (itself when it has no parent).

    Example:
        >>> rollup("orin_x"), rollup("zeekr"), rollup("byd")
        ('nvidia', 'geely', 'byd')
    """
    catalog = catalog or load_catalog()
    if entity_id not in catalog:
        raise KeyError(f"{entity_id!r} is not in the entity catalog (see entities.yaml)")
    while (parent := catalog.entities[entity_id].parent) is not None:
        entity_id = parent
    return entity_id


def display_name(entity_id: str, labels: str = "en", catalog: Catalog | None = None) -> str:
    """Return the display name of ``entity_id`` in ``labels`` (zh-Hans, zh-Hant or en).

    Example:
        >>> display_name("nvidia", "zh-Hans"), display_name("nvidia", "zh-Hant")
        ('英伟达', '輝達')
    """
    catalog = catalog or load_catalog()
    if labels not in LANGS:
        raise ValueError(f"labels must be one of {LANGS}, not {labels!r}")
    return catalog.entities[entity_id].names[labels]


def jieba_userdict_lines(catalog: Catalog | None = None) -> list[str]:
    """Return jieba user-dictionary lines (``word freq tag``) for every usable alias.

    Aliases with spaces or punctuation are left out: jieba never matches them.

    Example:
        >>> lines = jieba_userdict_lines()
        >>> any(line.startswith("英伟达 ") for line in lines), any("Lynk & Co" in x for x in lines)
        (True, False)
    """
    catalog = catalog or load_catalog()
    words = dict.fromkeys(
        a for e in catalog.entities.values() for a, _ in e.aliases if JIEBA_WORD_RE.fullmatch(a)
    )
    return [f"{w} {JIEBA_FREQ} {JIEBA_TAG}" for w in words]


@functools.cache
def cached_tokenizer(catalog: Catalog):
    """One shared :func:`make_tokenizer` per catalog, built on first use (about a second).

    Example:
        >>> cached_tokenizer(load_catalog()) is cached_tokenizer(load_catalog())
        True
    """
    return make_tokenizer(catalog)


def make_tokenizer(catalog: Catalog | None = None):
    """Return a fresh jieba Tokenizer that knows every catalog alias (about 1 s to build).

    Use it on candidate sentences only: jieba runs at about 0.5 MB/s.

    Example:
        >>> tok = make_tokenizer()
        >>> "英伟达" in tok.lcut("英伟达和地平线的芯片")
        True
    """
    import logging
    import warnings

    with warnings.catch_warnings():
        # NOTE: jieba imports pkg_resources, which warns that it is deprecated (jieba #1026).
        warnings.simplefilter("ignore")
        import jieba  # imported lazily: it costs a second

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines are not ours to show
    tokenizer = jieba.Tokenizer()
    for line in jieba_userdict_lines(catalog):
        word, freq, tag = line.rsplit(" ", 2)
        tokenizer.add_word(word, int(freq), tag)
    return tokenizer
