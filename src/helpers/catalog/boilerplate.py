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
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.core.paths import CATALOG_DIR

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
