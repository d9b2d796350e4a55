"""Boilerplate a copy carries beyond the others (so it does not look "more complete")."""

from __future__ import annotations

import functools
import re

import numpy as np

from helpers.catalog.boilerplate import load_boilerplate
from helpers.dedup.textnorm import SENTENCE_RE, normalise_text, normalise_texts
from helpers.text.script import convert_script


def boilerplate_chars(text: str) -> int:
    """Count the matching characters of sentences that are boilerplate.

    A sentence is boilerplate when a line rule of the stage-01 catalog
    (``catalog/boilerplate.yaml``: disclaimers, reprint notices, share boxes...) matches it.
    Stage 01 drops such *lines*; a notice glued to the last paragraph survives it, and must
    not make a reprint look "more complete" than the original.

    Example:
        >>> boilerplate_chars("车队规模达1500辆。声明：本文转载自网络，仅代表作者观点。")
        16
    """
    return sum(len(normalise_text(s)) for s in SENTENCE_RE.findall(text) if is_boilerplate(s))


def _anchored_at_start(pattern: re.Pattern[str]) -> bool:
    """Tell whether every match of ``pattern`` starts at position 0 (a top-level ``^``).

    NOTE: ``re._parser`` is CPython's own pattern parser; only the parse tree tells ``^a|b``
    (not anchored: ``b`` may match anywhere) from ``^(a|b)``.

    Example:
        >>> [_anchored_at_start(re.compile(p)) for p in ("^(声明|聲明)[:：]", "^完|声明")]
        [True, False]
    """
    if pattern.flags & re.MULTILINE:
        return False
    items = re._parser.parse(pattern.pattern, pattern.flags).data
    return bool(items) and items[0] == (re._constants.AT, re._constants.AT_BEGINNING)


# NOTE: complexity 11: walks the regex parse tree of a boilerplate pattern; one branch per node
# kind.
def _first_chars(items: list) -> set[str] | None:
    """Characters a match of parsed pattern ``items`` must start with; None when not known.

    Handles literals, character sets, alternations, groups and repeats of at least one;
    anything else (an optional first item, a negated set, case folding...) gives None.
    """
    c = re._constants
    if not items:
        return None
    op, av = items[0]
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.IN:
        return _set_chars(av)
    if op is c.BRANCH:
        alternatives = [_first_chars(list(alt)) for alt in av[1]]
        return None if None in alternatives else set().union(*alternatives)
    if op is c.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _first_chars(list(av[3]))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _first_chars(list(av[2]))
    return None


def _set_chars(members: list) -> set[str] | None:
    """The characters of a parsed ``[...]`` set; None for negated, category or wide sets."""
    c = re._constants
    chars: set[str] = set()
    for op, av in members:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < 256:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return chars


def _start_screen(patterns: list[str]) -> re.Pattern[str] | None:
    """A one-class regex that finds a character some match of ``patterns`` must start with.

    NOTE: Python's regex engine tries a union of patterns at every position (0.15 us per
    character here); a single character class is scanned in C. Searching it first skips
    the union on sentences without any possible first character (~60% of them). None when
    some pattern's first character cannot be told.

    Example:
        >>> _start_screen(["(本文|文章)(仅|僅)代表", "不(负|負)"]).pattern
        '[不文本]'
        >>> _start_screen(["(?i:tags)", "a"]) is None
        True
    """
    firsts = [_first_chars(list(re._parser.parse(p).data)) for p in patterns]
    if not patterns or None in firsts:
        return None
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(set().union(*firsts))) + "]")


# NOTE: complexity 12: builds three screens from the catalog patterns in one pass; splitting would
# walk the patterns thrice.
@functools.cache
def _boilerplate_screen() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str] | None]:
    """Regexes that together match wherever any boilerplate pattern could (a fast test).

    The first unites the patterns anchored at the start (use ``.match``: one attempt at
    position 0), the second all others (use ``.search``), the third (when not None) finds
    a character a match of the second must start with (:func:`_start_screen`). NOTE: one
    union searched at every position cost ~20 us per sentence here; split, ~4 us.
    """
    patterns = [p for rule in load_boilerplate().line_rules for p in rule.patterns]
    if any(p.flags != re.UNICODE for p in patterns):
        raise ValueError("boilerplate patterns must be compiled without flags (use inline ones)")
    anchored = [p.pattern for p in patterns if _anchored_at_start(p)]
    free = [p.pattern for p in patterns if not _anchored_at_start(p)]
    # A union with no alternative must match nothing: (?!) always fails.
    anchored_re, free_re = (
        re.compile("|".join(f"(?:{x})" for x in group) or "(?!)") for group in (anchored, free)
    )
    return anchored_re, free_re, _start_screen(free)


def is_boilerplate(sentence: str) -> bool:
    """Tell whether one sentence is boilerplate by the stage-01 catalog's line rules.

    Example:
        >>> is_boilerplate("如有侵權請聯絡我們刪除。"), is_boilerplate("出口大增。")
        (True, False)
    """
    text = sentence.strip()
    anchored, free, starts = _boilerplate_screen()
    if not (
        anchored.match(text) or ((starts is None or starts.search(text)) and free.search(text))
    ):
        return False
    return any(rule.matches(text) for rule in load_boilerplate().line_rules)


def _is_extra(sentence: str, others: str) -> bool:
    """True when neither half of a sentence occurs in the other copies (an edit keeps one).

    ``others``: the other copies joined by NUL (which never occurs in a text).
    """
    half = len(sentence) // 2
    if half < 4:
        return sentence not in others
    return sentence[:half] not in others and sentence[half:] not in others


def _matching_forms(
    sentences: list[list[str]], text_norms: list[str], conversions: list[str]
) -> list[list[str]]:
    """Each sentence's matching form: its slice of the body's text_norm (one batch call).

    The slices line up when the conversion kept the length (almost always: 晶片→芯片); when
    it did not (網際網路→互联网), that body's sentences are converted one by one.
    """
    flat = normalise_texts([x for sents in sentences for x in sents])
    out, pos = [], 0
    for sents, text_norm, conversion in zip(sentences, text_norms, conversions, strict=True):
        norms, pos = flat[pos : pos + len(sents)], pos + len(sents)
        if conversion != "none" and sum(map(len, norms)) != len(text_norm):
            norms = normalise_texts([convert_script(x, conversion) for x in sents])
        elif conversion != "none":
            ends = np.cumsum([len(x) for x in norms]).tolist()
            norms = [text_norm[e - len(x) : e] for e, x in zip(ends, norms, strict=True)]
        out.append(norms)
    return out


def _remembered_is_boilerplate(sentence: str, verdicts: dict[str, bool]) -> bool:
    """:func:`is_boilerplate`, looked up in or added to ``verdicts``."""
    verdict = verdicts.get(sentence)
    if verdict is None:
        verdict = verdicts[sentence] = is_boilerplate(sentence)
    return verdict


def _lost_boilerplate(body: str, raw_others: str, verdicts: dict[str, bool]) -> set[str]:
    """Sentences of ``body`` that are extra as written and boilerplate.

    NOTE: a line found whole in the other copies cannot hold an extra sentence (both halves
    of each of its sentences are found too), so its sentences are not looked at: one search
    per line instead of two per sentence. Sentences never span lines (``SENTENCE_RE``).
    """
    rest = "\n".join(line for line in body.split("\n") if line not in raw_others)
    return {
        x
        for x in SENTENCE_RE.findall(rest)
        if _is_extra(x.strip(), raw_others) and _remembered_is_boilerplate(x, verdicts)
    }


# NOTE: complexity 12: one batched pass over the leaders of all clusters (speed: see the dedup
# benchmark).
def extra_boilerplate_chars(
    bodies: list[str],
    text_norms: list[str],
    conversions: list[str],
    others: list[tuple[str, str]],
) -> list[int]:
    """Count, per copy, the boilerplate characters that no other copy of its story has.

    A sentence is *extra* when neither half of it occurs in any other copy, compared first
    as written, then (if not found) in matching form (script, width and punctuation folded).
    Only extra sentences are tested with :func:`is_boilerplate`: boilerplate that every copy
    shares cannot change which copy is most complete, and skipping it keeps this cheap.
    NOTE: the three tests are one conjunction, run cheapest-and-most-selective first: as
    written (see :func:`_lost_boilerplate`), then :func:`is_boilerplate`, and the matching
    forms (a batch normalisation, sometimes OpenCC) only for the few bodies with a sentence
    left.

    Args:
        bodies: one body per copy to examine.
        text_norms: their text_norm.
        conversions: their conversion (``tw2sp``/``t2s``/``none``).
        others: per copy, the other copies' bodies and their text_norms, each joined by NUL.

    Returns:
        Boilerplate characters (in matching form) per copy.

    Example:
        >>> orig = "车队规模达1500辆。每周出行超25万次。"
        >>> copy = orig + "声明：本文转载自网络，仅代表作者观点。"
        >>> extra_boilerplate_chars([copy], [normalise_text(copy)], ["none"],
        ...                         [(orig, normalise_text(orig))])
        [16]
    """
    out = [0] * len(bodies)
    todo, sentences, missing = [], [], []
    verdicts: dict[str, bool] = {}  # copies share their notices: test each sentence once
    for i, (body, text_norm, (raw_others, norm_others)) in enumerate(
        zip(bodies, text_norms, others, strict=True)
    ):
        if text_norm in norm_others:  # the whole text is in another copy: nothing extra
            continue
        lost = _lost_boilerplate(body, raw_others, verdicts)
        if lost:
            sents = SENTENCE_RE.findall(body)
            todo.append(i)
            sentences.append(sents)
            missing.append([j for j, x in enumerate(sents) if x in lost])
    forms = _matching_forms(
        sentences, [text_norms[i] for i in todo], [conversions[i] for i in todo]
    )
    for i, norms, lost in zip(todo, forms, missing, strict=True):
        out[i] = sum(len(norms[j]) for j in lost if norms[j] and _is_extra(norms[j], others[i][1]))
    return out
