"""The stage-01 boilerplate catalogue (``boilerplate.yaml``): line rules, loaded and validated.

Each rule has a name, a description and patterns; stage 01 drops the lines a rule matches and
stage 02 does not count such sentences as completeness (:mod:`helpers.dedup.boilerplate`).

Example:
    >>> sorted(rule.name for rule in load_boilerplate().line_rules)[0]
    'author_footer'
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from re import _constants as _c  # NOTE: private, but the parse tree is stable since 3.11
from re import _parser

import yaml

from helpers.core.paths import CATALOG_DIR
from helpers.text.prefilter import first_chars

BOILERPLATE_PATH = CATALOG_DIR / "boilerplate.yaml"


@dataclass(frozen=True)
class LineRule:
    """A boilerplate rule: a line of at most ``max_chars`` matching any pattern is dropped."""

    name: str
    description: str
    max_chars: int
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, line: str) -> bool:
        """Return True when ``line`` (stripped) is this kind of boilerplate."""
        return len(line) <= self.max_chars and any(p.search(line) for p in self.patterns)

    @functools.cached_property
    def plan(self) -> tuple[tuple[re.Pattern[str], ...], dict[str, tuple[re.Pattern[str], ...]]]:
        """The patterns to try on every line, and the anchored ones by first character.

        NOTE: kept on the rule (computed once): a cache keyed by the rules would hash
        every rule's fields on every line (3 % of the parse).
        """
        always, by_first = [], defaultdict(list)
        for pattern in self.patterns:
            chars = first_chars(pattern) if is_anchored(pattern) else None
            if chars is None:
                always.append(pattern)
            for ch in chars or ():
                by_first[ch].append(pattern)
        return tuple(always), {ch: tuple(ps) for ch, ps in by_first.items()}


def first_matching_rule(rules: tuple[LineRule, ...], line: str) -> str | None:
    """Name the first of ``rules`` that :meth:`LineRule.matches` ``line``, or None.

    NOTE: the same answer as trying every pattern of every rule in order, with fewer
    calls: a pattern anchored at the start (``^分享到``) is tried only when the line
    starts with a character its match can start with (:attr:`LineRule.plan`). About two
    thirds of the catalogue's patterns are anchored; trying each cost a regex call per
    line (5-10 µs of a line's 30). Merging the patterns into one alternation is no help:
    Python's engine then loses each pattern's own first-character scan (4x slower here).

    Example:
        >>> first_matching_rule(load_boilerplate().line_rules, "分享到：微信")
        'share_box'
        >>> first_matching_rule(load_boilerplate().line_rules, "比亞迪出口增長。") is None
        True
    """
    first = line[:1]
    for rule in rules:
        if len(line) > rule.max_chars:
            continue
        always, by_first = rule.plan
        if any(p.search(line) for p in always) or any(
            p.search(line) for p in by_first.get(first, ())
        ):
            return rule.name
    return None


def is_anchored(pattern: re.Pattern[str]) -> bool:
    r"""Return True when every match of ``pattern`` starts at the start of the text.

    A pattern whose parse tree opens with ``^`` or ``\A`` (not inside a group or an
    alternative) and that has no MULTILINE flag.

    Example:
        >>> is_anchored(re.compile("^分享")), is_anchored(re.compile("^分享|轉寄"))
        (True, False)
    """
    if pattern.flags & re.MULTILINE:
        return False
    tree = list(_parser.parse(pattern.pattern, pattern.flags))
    return bool(tree) and tree[0] in ((_c.AT, _c.AT_BEGINNING), (_c.AT, _c.AT_BEGINNING_STRING))


@dataclass(frozen=True)
class Boilerplate:
    """The validated content of ``boilerplate.yaml``."""

    line_rules: tuple[LineRule, ...]
    block_rules: tuple[LineRule, ...]
    nav_words: frozenset[str]
    seo_min_fields: int
    seo_max_field_chars: int


class CatalogError(ValueError):
    """``boilerplate.yaml`` does not have the expected shape."""


def _compile_rule(name: str, spec: object, key: str) -> LineRule:
    """Validate one rule entry of the catalog and compile its patterns."""
    if not isinstance(spec, dict) or set(spec) != {"description", "max_chars", key}:
        raise CatalogError(f"rule {name!r} needs exactly description, max_chars, {key}")
    patterns = spec[key]
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise CatalogError(f"rule {name!r}: {key} must be a list of regex strings")
    if not isinstance(spec["max_chars"], int) or spec["max_chars"] <= 0:
        raise CatalogError(f"rule {name!r}: max_chars must be a positive integer")
    try:
        compiled = tuple(re.compile(p) for p in patterns)
    except re.error as exc:
        raise CatalogError(f"rule {name!r}: bad regex ({exc})") from exc
    return LineRule(name, str(spec["description"]), spec["max_chars"], compiled)


def parse_boilerplate(data: object) -> Boilerplate:
    """Validate the parsed YAML of a boilerplate catalog.

    Args:
        data: the object ``yaml.safe_load`` returned.

    Returns:
        The compiled catalog; raises :class:`CatalogError` naming the bad entry otherwise.

    Example:
        >>> spec = {"description": "示例", "max_chars": 10, "patterns": ["^分享"]}
        >>> cat = parse_boilerplate({"version": 1, "line_rules": {"share_box": spec},
        ...     "block_rules": {}, "nav_words": ["首页"],
        ...     "seo_spam": {"min_fields": 4, "max_field_chars": 20}})
        >>> cat.line_rules[0].matches("分享到微信")
        True
    """
    expected = {"version", "line_rules", "block_rules", "nav_words", "seo_spam"}
    if not isinstance(data, dict) or set(data) != expected or data["version"] != 1:
        raise CatalogError(f"boilerplate catalog needs version: 1 and keys {sorted(expected)}")
    seo = data["seo_spam"]
    if not isinstance(seo, dict) or set(seo) != {"min_fields", "max_field_chars"}:
        raise CatalogError("seo_spam needs min_fields and max_field_chars")
    return Boilerplate(
        line_rules=tuple(_compile_rule(n, s, "patterns") for n, s in data["line_rules"].items()),
        block_rules=tuple(_compile_rule(n, s, "headers") for n, s in data["block_rules"].items()),
        nav_words=frozenset(str(w) for w in data["nav_words"]),
        seo_min_fields=int(seo["min_fields"]),
        seo_max_field_chars=int(seo["max_field_chars"]),
    )


@functools.cache
def load_boilerplate(path: Path = BOILERPLATE_PATH) -> Boilerplate:
    """Load and validate the boilerplate catalog (cached).

    Example:
        >>> load_boilerplate().line_rules[0].matches("跳到主要内容")
        True
    """
    with open(path, encoding="utf-8") as fh:
        return parse_boilerplate(yaml.safe_load(fh))
