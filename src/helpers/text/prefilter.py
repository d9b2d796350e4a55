r"""Which characters a regex match can start with: skip patterns that cannot match a text.

A rule set that runs many patterns over many short texts (the metric cues of stage 03: 139
patterns, tried again for each figure of each sentence) spends most of its time starting
scans that find nothing. :func:`first_chars` reads a pattern's parse tree and returns every
character a match can begin with, or None when it cannot tell (a pattern that may match the
empty string, opens with ``.``, a negated class, a category such as ``\d``, a back-reference,
or ignores case). A text holding none of those characters has no match of that pattern, at
any position: the skip gives the same matches, it only avoids the scan.

Example:
    >>> sorted(first_chars(re.compile("(?<![一-龥])(?:新能源|电动)车?出口")))
    ['新', '电']
    >>> first_chars(re.compile(r"\d+万辆")) is None
    True
"""

from __future__ import annotations

import re
from re import _constants as c  # NOTE: private, but the parse tree is stable since 3.11
from re import _parser

MAX_RANGE = 4096  # a class wider than this is not worth listing: no prefilter


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Return the characters a non-empty match of ``pattern`` must start with, or None.

    Example:
        >>> sorted(first_chars(re.compile("出口(?:金额|额)|货值")))
        ['出', '货']
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except re.error:
        return None
    found = _first_of_sequence(list(tree))
    return None if found is None else frozenset(found)


def _first_of_sequence(items: list) -> set[str] | None:
    """First characters of a sequence of parse items; None when unknown or possibly empty."""
    for op, av in items:
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue  # NOTE: zero-width: the next item still gives the first character
        return _first_of_item(op, av)
    return None  # an empty sequence matches the empty string


def _first_of_item(op, av) -> set[str] | None:
    """First characters of one consuming parse item."""
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.IN:
        return _class_chars(av)
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _first_of_sequence(list(sub))
    if op is c.BRANCH:
        firsts = [_first_of_sequence(list(alt)) for alt in av[1]]
        return None if any(f is None for f in firsts) else set().union(*firsts)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _first_of_sequence(list(sub)) if low >= 1 else None
    return None


def _class_chars(items: list) -> set[str] | None:
    """The characters of a ``[...]`` class; None for negated, category or very wide ones."""
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < MAX_RANGE:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return chars
