r"""Which characters a regex match can start with: skip patterns that cannot match a text.

A rule set that runs many patterns over many short texts (the metric cues of stage 03: 139
patterns, tried again for each figure of each sentence) spends most of its time starting
scans that find nothing. :func:`first_chars` reads a pattern's parse tree and returns every
character a match can begin with, or None when it cannot tell (a pattern that may match the
empty string, opens with ``.``, a negated class, a category other than ``\d`` such as ``\s``,
a back-reference, or ignores case). A text holding none of those characters has no match of
that pattern, at any position: the skip gives the same matches, it only avoids the scan.

Example:
    >>> sorted(first_chars(re.compile("(?<![一-龥])(?:新能源|电动)车?出口")))
    ['新', '电']
    >>> first_chars(re.compile(r"\s*万辆")) is None
    True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from re import _constants as c  # NOTE: private, but the parse tree is stable since 3.11
from re import _parser

MAX_RANGE = 4096  # a class wider than this is not worth listing: no prefilter


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Return the characters a match of ``pattern`` must start with, or None.

    None also when the pattern can match the empty string (at any position).

    Example:
        >>> sorted(first_chars(re.compile("出口(?:金额|额)|货值")))
        ['出', '货']
    """
    chars, nullable = _opening(pattern)
    return None if chars is None or nullable else frozenset(chars)


def opening_re(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A one-character class of every character a *non-empty* match can start with, or None.

    Example:
        >>> opening_re(re.compile("(?:第?[一二]季度)?")).pattern
        '[一二第]'
    """
    chars, _nullable = _opening(pattern)
    if not chars:
        return None
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]")


def nonempty_matches(
    pattern: re.Pattern[str], opening: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """Yield the non-empty matches of ``pattern.finditer(text)``, tried only where one can start.

    NOTE: ``finditer`` tries a pattern at every position unless it opens with a literal or a
    class; here it is tried only at the positions :func:`opening_re` finds (a C scan),
    resuming after each match. The matches are those of ``finditer`` for a pattern that
    cannot match the empty string (:func:`first_chars` is not None); for one that can, they
    are its non-empty matches when, at a position, the pattern returns an empty match only
    if it has no longer one there (``(?:A)?(?:B)?`` with A and B never empty, as
    ``PERIOD_RE``; not ``(?:|abc)``, which ``finditer`` retries for ``abc``).

    Example:
        >>> period = re.compile("(?:第?[一二]季度)?")
        >>> [m.group() for m in nonempty_matches(period, opening_re(period), "第一季度和二季度")]
        ['第一季度', '二季度']
    """
    end = 0
    for candidate in opening.finditer(text):
        start = candidate.start()
        if start < end:
            continue
        m = pattern.match(text, start)
        if m is not None and m.end() > start:
            end = m.end()
            yield m


def _opening(pattern: re.Pattern[str]) -> tuple[set[str] | None, bool]:
    """Characters a non-empty match can start with (None: unknown); whether it can be empty."""
    if pattern.flags & (re.IGNORECASE | re.ASCII):
        return None, True
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except re.error:
        return None, True
    return _first_of_sequence(list(tree))


def _first_of_sequence(items: list) -> tuple[set[str] | None, bool]:
    """First characters of a sequence of parse items, and whether it can match empty."""
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _first_of_item(op, av)
        if first is None:
            return None, True
        chars |= first
        if not nullable:
            return chars, False
    return chars, True  # every item can match empty (or there is none)


def _first_of_item(op, av) -> tuple[set[str] | None, bool]:
    """First characters of one parse item, and whether it can match empty."""
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return set(), True  # NOTE: zero-width: the next item gives the first character
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        return _class_chars(av), False
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return (None, True) if add_flags or del_flags else _first_of_sequence(list(sub))
    if op is c.BRANCH:
        return _first_of_branch(av[1])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, sub = av
        first, nullable = _first_of_sequence(list(sub))
        return first, nullable or low == 0
    return None, True


def _first_of_branch(alternatives: list) -> tuple[set[str] | None, bool]:
    """First characters of an alternation: the union; empty when one alternative can be."""
    firsts = [_first_of_sequence(list(alt)) for alt in alternatives]
    if any(f is None for f, _ in firsts):
        return None, True
    return set().union(*(f for f, _ in firsts)), any(n for _, n in firsts)


def _class_chars(items: list) -> set[str] | None:
    """The characters of a ``[...]`` class; None for negated, category or very wide ones."""
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < MAX_RANGE:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            chars.update(_decimal_digits())  # \d of a str pattern: every decimal digit
        else:
            return None
    return chars


@functools.cache
def _decimal_digits() -> frozenset[str]:
    r"""Every character ``\d`` matches in a str pattern (Unicode decimal digits; ~0.05 s once)."""
    return frozenset(ch for ch in map(chr, range(0x110000)) if ch.isdecimal())
