r"""Figures decide: two texts whose numbers differ are not copies, however much prose they share.

A monthly brief built from a template (the same commentary, other figures in the first
paragraph) is as similar to last month's brief as a reprint is to its original. What tells
them apart is the figures. Each similar pair is compared on the multiset of its numeric
tokens (value in base units, kind, unit, currency, range top; from
:func:`helpers.text.numbers.extract_numbers`, dates and periods included), and the verdict
is one of :data:`VERDICTS`:

* ``same`` — the same figures (a reprint, a reordered or re-punctuated copy, a twin in the
  other script);
* ``fewer`` / ``more`` — one copy has every figure of the other and more (a cut reprint; an
  updated copy with an added paragraph; a related-news block or a dated notice added);
* ``conflict`` — a sentence of one says other figures than the matching sentence of the
  other (same skeleton once the numbers are taken out): a template brief of another month,
  or a corrected figure. Never one story: the pair is a ``template`` link;
* ``differ`` — both copies carry figures the other lacks, in sentences the other does not
  have (two reprints that each added their own paragraph). Not joined by this pair, and
  not kept apart either: both may still join a common original.

NOTE: the comparison is cheap where it can be. :func:`figure_screens` hashes the multiset
of digit and numeral runs of each matching text in numpy; equal screens mean the same
figures (a reprint), and only the other pairs are parsed, and only in the lines one copy
has and the other does not (lines equal in matching form cancel). Matching forms drop the
decimal point, so 3.52 and 35.2 look alike to the screen and to the line cancellation: no
copy process or template changes only where a decimal point sits.

Example:
    >>> a = "1月，全国乘用车出口35.2万辆，同比增长12%。\n业内认为海外需求仍然旺盛。"
    >>> b = "2月，全国乘用车出口28.1万辆，同比增长9%。\n业内认为海外需求仍然旺盛。"
    >>> d = compare_figures(a, "none", b, "none")
    >>> d.verdict, [f.text for f in d.only_a], [f.text for f in d.only_b]
    ('conflict', ['1月', '35.2万辆', '12%'], ['2月', '28.1万辆', '9%'])
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from helpers.dedup import minhash
from helpers.dedup.textnorm import SENTENCE_RE, normalise_text
from helpers.text.numbers import extract_numbers
from helpers.text.script import convert_script

VERDICTS = ("same", "fewer", "more", "differ", "conflict")
# Two sentences are "the same sentence with other figures" when the character bigrams of
# their skeletons (matching form, numbers taken out) overlap this much (Jaccard).
ALIGN_THRESHOLD = 0.5
# Digits and Chinese numeral characters: a run of them is one screen token.
NUMERAL_CHARS = "0123456789零〇一二两三四五六七八九十百千万亿"
# A text cut mid-figure ends in a number, maybe followed by these: that number is not read.
# Ellipses, spaces and "to be continued" marks; a full stop ends a sentence, not a cut.
SENTENCE_FINAL = '。！？!?」』”"）)'
HAN_GAP_RE = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000]+(?=[\u3400-\u9fff])")
CUT_TAIL_RE = re.compile(r"(?:[\s…⋯.．]|[（(]未完(?:待续|待續)?[)）])*$")


@dataclass(frozen=True)
class Figure:
    """One number of a text: its comparison key, its text and where it sits in the body."""

    key: tuple
    text: str
    start: int  # offset in the body
    end: int
    kind: str
    skeleton: str  # its sentence's matching form without the numbers


@dataclass(frozen=True)
class FigureDiff:
    """What :func:`compare_figures` finds: the figures only one side has, and the verdict."""

    verdict: str
    only_a: tuple[Figure, ...]
    only_b: tuple[Figure, ...]


def figure_key(number: dict) -> tuple:
    """Comparison key of one number from ``extract_numbers``: kind, unit, currency, values.

    Example:
        >>> from helpers.text.numbers import extract_numbers
        >>> [figure_key(n) for n in extract_numbers("出口35.2萬輛，即352,000辆")]
        [('quantity', 'vehicles', '', 352000.0, None), ('quantity', 'vehicles', '', 352000.0, None)]
    """
    high = number.get("high")
    return (
        number["kind"],
        number.get("unit") or "",
        number.get("currency") or "",
        float(f"{number['value']:.9g}"),
        None if high is None else float(f"{high:.9g}"),
    )


# ---------------------------------------------------------------------------------------------
# The screen: one multiset hash of numeral runs per matching text
# ---------------------------------------------------------------------------------------------
def _numeral_table() -> np.ndarray:
    table = np.zeros(0x10000, dtype=bool)
    table[[ord(c) for c in NUMERAL_CHARS]] = True
    return table


_NUMERAL = _numeral_table()


def figure_screens(texts: list[str]) -> np.ndarray:
    """Hash each text's multiset of numeral runs (digits, Chinese numerals, 万 and 亿).

    Texts are matching forms (``text_norm``). Equal hashes mean the same runs in any order:
    the same figures for every copy process but a moved decimal point (see the module NOTE).

    Example:
        >>> h = figure_screens(["出口352万辆增长12", "增长12出口352万辆", "出口281万辆增长9", "无"])
        >>> bool(h[0] == h[1]), bool(h[0] == h[2]), int(h[3])
        (True, False, 0)
    """
    out = np.zeros(len(texts), dtype=np.uint64)
    for start, stop in minhash.chunk_bounds(texts, minhash.CHUNK_CHARS):
        out[start:stop] = _chunk_screens(texts[start:stop])
    return out


def _chunk_screens(texts: list[str]) -> np.ndarray:
    runs = numeral_runs(texts)
    out = np.zeros(len(texts), dtype=np.uint64)
    with np.errstate(over="ignore"):
        token = minhash.mix64(runs.hashes ^ np.uint64(0x9E3779B9))
    np.add.at(out, runs.doc, token)
    return out


@dataclass(frozen=True)
class NumeralRuns:
    """The runs of :data:`NUMERAL_CHARS` in many texts (one entry per run, in text order)."""

    doc: np.ndarray  # text index of each run
    hashes: np.ndarray  # uint64 hash of the run's characters (order-sensitive)
    lengths: np.ndarray  # characters per run
    is_year: np.ndarray  # four digits starting 19 or 20 (2025年: a date, not a figure)


def numeral_runs(texts: list[str]) -> NumeralRuns:
    """Find every run of digits and Chinese numerals (with 万, 亿) in ``texts``, in numpy.

    NOTE: the run alone, not the character after it: in a matching form that is the next
    sentence's first character once punctuation is gone, which a reordered copy changes.

    Example:
        >>> r = numeral_runs(["2025年出口352万辆", "增长12"])
        >>> r.doc.tolist(), r.lengths.tolist(), r.is_year.tolist()
        ([0, 0, 1], [4, 4, 2], [True, False, False])
    """
    codes, lengths = minhash.text_codes(texts)
    n = len(codes)
    doc = np.repeat(np.arange(len(texts)), lengths)
    is_num = _NUMERAL[np.minimum(codes, 0xFFFF)] & (codes < 0x10000)
    new_doc = np.r_[True, doc[1:] != doc[:-1]] if n else np.zeros(0, dtype=bool)
    starts = np.flatnonzero(is_num & (new_doc | ~np.r_[False, is_num[:-1]]))
    # Position of each numeral character inside its run: index minus the run's start.
    run_start = np.zeros(n, dtype=np.int64)
    run_start[starts] = starts
    run_start = np.maximum.accumulate(run_start) if n else run_start
    at = np.flatnonzero(is_num)
    with np.errstate(over="ignore"):
        salted = codes[at].astype(np.uint64) | ((at - run_start[at]).astype(np.uint64) << 32)
        char_hash = minhash.mix64(salted)
    run_of = np.searchsorted(starts, at, side="right") - 1
    hashes = np.zeros(len(starts), dtype=np.uint64)
    np.add.at(hashes, run_of, char_hash)
    run_len = np.bincount(run_of, minlength=len(starts))
    second = codes[np.minimum(starts + 1, max(n - 1, 0))] if n else codes
    first = codes[starts] if n else codes
    year = (run_len == 4) & (
        ((first == ord("1")) & (second == ord("9"))) | ((first == ord("2")) & (second == ord("0")))
    )
    return NumeralRuns(doc=doc[starts], hashes=hashes, lengths=run_len, is_year=year)


# ---------------------------------------------------------------------------------------------
# The exact comparison of two bodies
# ---------------------------------------------------------------------------------------------
# NOTE: a text is compared with several others (twelve briefs of one template: eleven pairs
# each), so its lines' forms and figures are kept; bounded, as the inprocess runner reuses
# the process.
@functools.lru_cache(maxsize=1 << 14)
def _line_forms(body: str, conversion: str) -> tuple[tuple[int, str, str], ...]:
    """``(offset, line, matching form)`` of each line of ``body``."""
    out, pos = [], 0
    for line in body.split("\n"):
        text = convert_script(line, conversion) if conversion != "none" else line
        out.append((pos, line, normalise_text(text)))
        pos += len(line) + 1
    return tuple(out)


def _one_sided(lines: list[tuple[int, str, str]], other: Counter) -> list[tuple[int, str]]:
    """Lines whose matching form the other text does not have (as many times)."""
    left = Counter(other)
    out = []
    for offset, line, form in lines:
        if form and left[form] > 0:
            left[form] -= 1
        elif form:
            out.append((offset, line))
    return out


def _skeleton(sentence: str, spans: list[tuple[int, int]], conversion: str) -> str:
    """Matching form of ``sentence`` with the number spans taken out."""
    kept, pos = [], 0
    for lo, hi in spans:
        kept.append(sentence[pos:lo])
        pos = max(pos, hi)
    kept.append(sentence[pos:])
    text = "".join(kept)
    return normalise_text(convert_script(text, conversion) if conversion != "none" else text)


def _close_gaps(line: str) -> tuple[str, list[int]]:
    """``line`` without spaces between two Chinese characters, and each kept index.

    NOTE: a stray space inside a unit (10个 月) makes the reader see another figure; the
    figures' offsets are mapped back to ``line``.

    Example:
        >>> _close_gaps("前10个 月")
        ('前10个月', [0, 1, 2, 3, 5])
    """
    if not HAN_GAP_RE.search(line):
        return line, list(range(len(line)))
    gone = {i for m in HAN_GAP_RE.finditer(line) for i in range(m.start(), m.end())}
    kept = [i for i in range(len(line)) if i not in gone]
    return "".join(line[i] for i in kept), kept


def _unfinished_from(line: str) -> int:
    """Where the last line's unfinished sentence starts (a cut text); ``len(line)`` if none.

    Example:
        >>> _unfinished_from("出口5万辆。同比增长12……"), _unfinished_from("出口5万辆。")
        (6, 6)
    """
    end = CUT_TAIL_RE.search(line).start()
    if end == 0 or line[end - 1] in SENTENCE_FINAL:
        return len(line)
    stops = [i for i in range(end) if line[i] in "。！？!?"]
    return stops[-1] + 1 if stops else 0


@functools.lru_cache(maxsize=1 << 16)
def _line_figures(line: str, conversion: str, is_last: bool) -> tuple[Figure, ...]:
    """Every number of one line as a :class:`Figure` (line offsets).

    NOTE: on a text's last line, the figures of an unfinished last sentence are left out: a
    text cut mid-sentence or mid-figure ("增长12" of "增长12.5%") has no figure of its own there.
    """
    clean, kept = _close_gaps(line)
    numbers = [
        {**n, "start": kept[n["start"]], "end": kept[n["end"] - 1] + 1}
        for n in extract_numbers(clean, skip_kinds=())
    ]
    if is_last:
        cut = _unfinished_from(line)
        numbers = [n for n in numbers if n["start"] < cut]
    out = []
    for m in SENTENCE_RE.finditer(line):
        inside = [n for n in numbers if m.start() <= n["start"] < m.end()]
        if not inside:
            continue
        spans = [(n["start"] - m.start(), n["end"] - m.start()) for n in inside]
        skeleton = _skeleton(m.group(), spans, conversion)
        out += [
            Figure(
                key=figure_key(n),
                text=line[n["start"] : n["end"]],
                start=n["start"],
                end=n["end"],
                kind=n["kind"],
                skeleton=skeleton,
            )
            for n in inside
        ]
    return tuple(out)


def _last_line_offset(body: str) -> int:
    stripped = body.rstrip()
    return stripped.rfind("\n") + 1


def _figures(lines: list[tuple[int, str]], body: str, conversion: str) -> list[Figure]:
    """The figures of some lines of ``body``, with offsets into ``body``."""
    last = _last_line_offset(body)
    return [
        replace(f, start=f.start + off, end=f.end + off) if off else f
        for off, line in lines
        for f in _line_figures(line, conversion, off == last)
    ]


def _only(mine: list[Figure], theirs: list[Figure]) -> tuple[Figure, ...]:
    """Figures of ``mine`` left after taking out, one for one, those ``theirs`` has."""
    left = Counter(f.key for f in theirs)
    out = []
    for f in mine:
        if left[f.key] > 0:
            left[f.key] -= 1
        else:
            out.append(f)
    return tuple(out)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _aligned(only_a: tuple[Figure, ...], only_b: tuple[Figure, ...], threshold: float) -> bool:
    """Tell whether a figure of each side sits in sentences alike once numbers are out."""
    skeletons_b = {f.skeleton: _bigrams(f.skeleton) for f in only_b}
    for skeleton in {f.skeleton for f in only_a}:
        grams = _bigrams(skeleton)
        for other, other_grams in skeletons_b.items():
            if skeleton == other or len(grams & other_grams) >= threshold * len(
                grams | other_grams
            ):
                return True
    return False


def compare_figures(
    body_a: str,
    conversion_a: str,
    body_b: str,
    conversion_b: str,
    *,
    align_threshold: float = ALIGN_THRESHOLD,
) -> FigureDiff:
    r"""Compare the figures of two bodies (see the module docstring for the verdicts).

    Args:
        body_a: one body as written.
        conversion_a: its script conversion (``tw2sp``/``t2s``/``none``, stage 02's).
        body_b: the other body.
        conversion_b: its conversion.
        align_threshold: skeleton bigram Jaccard from which two sentences are the same
            sentence with other figures.

    Returns:
        :class:`FigureDiff` with the figures only ``a`` has and only ``b`` has (as written,
        with their offsets in their own body).

    Example:
        >>> full = "比亚迪11月销量48万辆。\n其中海外销量13.2万辆，同比增长超两倍。"
        >>> cut = "比亚迪11月銷量48萬輛。"
        >>> d = compare_figures(cut, "tw2sp", full, "none")
        >>> d.verdict, [f.text for f in d.only_b]
        ('fewer', ['13.2万辆', '超两倍'])
    """
    lines_a, lines_b = _line_forms(body_a, conversion_a), _line_forms(body_b, conversion_b)
    side_a = _one_sided(lines_a, Counter(form for _, _, form in lines_b))
    side_b = _one_sided(lines_b, Counter(form for _, _, form in lines_a))
    figs_a = _figures(side_a, body_a, conversion_a)
    figs_b = _figures(side_b, body_b, conversion_b)
    only_a, only_b = _only(figs_a, figs_b), _only(figs_b, figs_a)
    if not only_a and not only_b:
        verdict = "same"
    elif not only_a or not only_b:
        verdict = "fewer" if not only_a else "more"
    else:
        verdict = "conflict" if _aligned(only_a, only_b, align_threshold) else "differ"
    return FigureDiff(verdict=verdict, only_a=only_a, only_b=only_b)


def figure_texts(figures: tuple[Figure, ...]) -> str:
    """The differing figures as written, joined by "; " (the evidence column of a pair).

    Example:
        >>> figure_texts(compare_figures("出口5万辆。", "none", "出口6万辆。", "none").only_a)
        '5万辆'
    """
    return "; ".join(f.text for f in figures)
