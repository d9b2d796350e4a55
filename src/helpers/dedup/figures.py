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

NOTE: the comparison is cheap where it can be. :func:`run_differences` compares the
multisets of digit and numeral runs of the matching texts of all pairs at once in numpy:
the same runs mean the same figures (a reprint), runs on one side only a copy with fewer or
more figures (a cut, an update). Only pairs where each side has runs the other lacks are
parsed (:func:`compare_figures`), and only in the lines one copy has and the other does not
(lines equal in matching form cancel), and only their sentences with a numeral. Matching
forms drop the decimal point, so 3.52 and 35.2 look alike to the runs and to the line
cancellation: no copy process or template changes only where a decimal point sits.

Example:
    >>> a = "1月，全国乘用车出口35.2万辆，同比增长12%。\n业内认为海外需求仍然旺盛。"
    >>> b = "2月，全国乘用车出口28.1万辆，同比增长9%。\n业内认为海外需求仍然旺盛。"
    >>> d = compare_figures(a, "none", b, "none")
    >>> d.verdict, [f.text for f in d.only_a], [f.text for f in d.only_b]
    ('conflict', ['1月', '35.2万辆', '12%'], ['2月', '28.1万辆', '9%'])
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from helpers.dedup import minhash
from helpers.dedup.textnorm import SENTENCE_RE, convert_lines, normalise_text, normalise_texts
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
NUMERIC_HINT_RE = re.compile(r"[0-9０-９二两兩三四五六七八九十百千万亿萬億]|一[倍成半]")
# Numeral runs of a sentence as written: full-width digits and 萬億兩 folded (no conversion).
RAW_FOLD = str.maketrans("０１２３４５６７８９萬億兩", "0123456789万亿两")
RAW_RUN_RE = re.compile(f"[{NUMERAL_CHARS}]+")
HAN_GAP_RE = re.compile(r"(?<=[\u3400-\u9fff])[ \t\u3000]+(?=[\u3400-\u9fff])")
CUT_TAIL_RE = re.compile(r"(?:[\s…⋯.．]|[（(]未完(?:待续|待續)?[)）])*$")


class Figure(NamedTuple):
    """One number of a text: its comparison key, its text and where it sits in the body."""

    key: tuple
    text: str
    start: int  # offset in the body
    end: int
    kind: str
    skeleton: str  # its sentence's matching form without the numbers

    def moved(self, by: int) -> Figure:
        """The same figure ``by`` characters further on (a NamedTuple: cheap to build)."""
        return Figure(self.key, self.text, self.start + by, self.end + by, self.kind, self.skeleton)


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
# Characters that make a number rounder, not more precise (trailing zeros and magnitudes).
_SIGNIFICANT = _NUMERAL.copy()
_SIGNIFICANT[[ord(c) for c in "0零〇十百千万亿"]] = False


@dataclass(frozen=True)
class NumeralRuns:
    """The runs of :data:`NUMERAL_CHARS` in many texts (one entry per run, in text order)."""

    doc: np.ndarray  # text index of each run
    hashes: np.ndarray  # uint64 hash of the run's characters (order-sensitive)
    lengths: np.ndarray  # characters per run
    is_year: np.ndarray  # four digits starting 19 or 20 (2025年: a date, not a figure)
    significant: np.ndarray  # characters up to the last that is not 0/零/〇/十/百/千/万/亿


def numeral_runs(texts: list[str]) -> NumeralRuns:
    """Find every run of digits and Chinese numerals (with 万, 亿) in ``texts``, in numpy.

    NOTE: the run alone, not the character after it: in a matching form that is the next
    sentence's first character once punctuation is gone, which a reordered copy changes.

    Example:
        >>> r = numeral_runs(["2025年出口352万辆", "增长12", "100万与1500"])
        >>> r.doc.tolist(), r.lengths.tolist(), r.is_year.tolist()
        ([0, 0, 1, 2, 2], [4, 4, 2, 4, 4], [True, False, False, False, False])
        >>> r.significant.tolist()
        [4, 3, 2, 1, 2]
    """
    codes, lengths = minhash.text_codes(texts)
    n = len(codes)
    doc = np.repeat(np.arange(len(texts)), lengths)
    is_num = _NUMERAL[np.minimum(codes, 0xFFFF)] & (codes < 0x10000)
    new_doc = np.r_[True, doc[1:] != doc[:-1]] if n else np.zeros(0, dtype=bool)
    at = np.flatnonzero(is_num)
    # A run starts where a numeral follows a non-numeral or opens a text.
    first = (new_doc | ~np.r_[False, is_num[:-1]])[at]
    heads = np.flatnonzero(first)  # positions in ``at`` of each run's first character
    run_len = np.diff(np.r_[heads, len(at)])
    offset = np.arange(len(at)) - np.repeat(heads, run_len)
    with np.errstate(over="ignore"):
        salted = codes[at].astype(np.uint64) | (offset.astype(np.uint64) << np.uint64(32))
        char_hash = minhash.mix64(salted)
    hashes = np.add.reduceat(char_hash, heads) if len(heads) else char_hash[:0]
    starts = at[heads]
    one, two = codes[starts], codes[np.minimum(starts + 1, max(n - 1, 0))]
    year = (run_len == 4) & (
        ((one == ord("1")) & (two == ord("9"))) | ((one == ord("2")) & (two == ord("0")))
    )
    # The last significant character of each run: 1500 -> 15 (2), 7098万 -> 4, 100万 -> 1.
    where = np.where(_SIGNIFICANT[np.minimum(codes[at], 0xFFFF)], offset, -1)
    last = np.maximum.reduceat(where, heads) if len(heads) else where[:0]
    return NumeralRuns(
        doc=doc[starts], hashes=hashes, lengths=run_len, is_year=year, significant=last + 1
    )


def numeral_runs_of(texts: list[str]) -> NumeralRuns:
    """:func:`numeral_runs` of many texts, in chunks (bounded temporaries), one result."""
    parts = []
    for start, stop in minhash.chunk_bounds(texts, minhash.CHUNK_CHARS):
        r = numeral_runs(texts[start:stop])
        parts.append(replace(r, doc=r.doc + start))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return NumeralRuns(empty, empty.astype(np.uint64), empty, empty.astype(bool), empty)
    return NumeralRuns(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in NumeralRuns.__dataclass_fields__)
    )


@dataclass(frozen=True)
class RunDiff:
    """Per pair of texts: numeral runs only the first has, only the second, and non-years."""

    only_a: np.ndarray
    only_b: np.ndarray
    figures_a: np.ndarray  # of only_a, runs that are not years (a figure facts may read)
    figures_b: np.ndarray


def run_differences(runs: NumeralRuns, pairs: np.ndarray) -> RunDiff:
    """Count, per pair ``(i, j)`` of texts, the numeral runs one has beyond the other.

    Args:
        runs: the runs of every text (:func:`numeral_runs_of`; ``doc`` is the text index).
        pairs: ``(m, 2)`` text indices.

    Multisets: a run twice in ``i`` and once in ``j`` counts once for ``i``. All pairs at
    once in numpy (one sort of every pair's runs).

    Example:
        >>> texts = ["出口352万辆增长12", "增长12出口352万辆2025年", "出口281万辆增长9"]
        >>> runs = numeral_runs_of(texts)
        >>> d = run_differences(runs, np.array([[0, 1], [0, 2]]))
        >>> d.only_a.tolist(), d.only_b.tolist(), d.figures_b.tolist()
        ([0, 2], [1, 2], [0, 2])
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    n = len(pairs)
    zero = np.zeros(n, dtype=np.int64)
    if not n:
        return RunDiff(zero, zero, zero, zero)
    offsets = np.searchsorted(runs.doc, np.arange(int(pairs.max()) + 2))
    sides = []
    for side in (0, 1):
        idx, counts = minhash._ragged_take(offsets, pairs[:, side])
        owner = np.repeat(np.arange(n, dtype=np.uint64), counts)
        # pair index in the high 24 bits, the run hash's top 40 bits below it
        code = (owner << np.uint64(40)) | (runs.hashes[idx] >> np.uint64(24))
        sides.append((code, ~runs.is_year[idx]))
    codes = np.concatenate([sides[0][0], sides[1][0]])
    uniq, inverse = np.unique(codes, return_inverse=True)
    side_b = np.r_[np.zeros(len(sides[0][0])), np.ones(len(sides[1][0]))]
    count_b = np.bincount(inverse, weights=side_b, minlength=len(uniq))
    count_a = np.bincount(inverse, minlength=len(uniq)) - count_b
    figure = np.zeros(len(uniq), dtype=bool)
    figure[inverse] = np.concatenate([sides[0][1], sides[1][1]])
    owner = (uniq >> np.uint64(40)).astype(np.int64)
    extra_a, extra_b = np.maximum(count_a - count_b, 0), np.maximum(count_b - count_a, 0)

    def per_pair(x: np.ndarray) -> np.ndarray:
        return np.bincount(owner, weights=x, minlength=n).astype(np.int64)

    return RunDiff(
        per_pair(extra_a), per_pair(extra_b), per_pair(extra_a * figure), per_pair(extra_b * figure)
    )


# ---------------------------------------------------------------------------------------------
# The exact comparison of two bodies
# ---------------------------------------------------------------------------------------------
# NOTE: a text is compared with several others (twelve briefs of one template: eleven pairs
# each), so its lines' forms and figures are kept; bounded, as the inprocess runner reuses
# the process.
@functools.lru_cache(maxsize=1 << 14)
def _line_forms(body: str, conversion: str) -> tuple[tuple[int, str, str], ...]:
    r"""``(offset, line, matching form)`` of each line of ``body``.

    Example:
        >>> _line_forms("出口５万辆。\n\n軟體", "tw2sp")
        ((0, '出口５万辆。', '出口5万辆'), (7, '', ''), (8, '軟體', '软件'))
    """
    primed = _PRIMED.get((body, conversion))
    if primed is not None:
        return primed
    lines = body.split("\n")
    converted = [convert_script(x, conversion) for x in lines] if conversion != "none" else lines
    return _with_offsets(lines, [normalise_text(x) for x in converted])


def _with_offsets(lines: list[str], forms: list[str]) -> tuple[tuple[int, str, str], ...]:
    """``(offset, line, form)`` per line, offsets in the body the lines were split from."""
    out, pos = [], 0
    for line, form in zip(lines, forms, strict=True):
        out.append((pos, line, form))
        pos += len(line) + 1
    return tuple(out)


# Line forms computed ahead by :func:`primed_line_forms`, read by :func:`_line_forms`.
_PRIMED: dict[tuple[str, str], tuple[tuple[int, str, str], ...]] = {}


@contextlib.contextmanager
def primed_line_forms(bodies: list[str], conversions: list[str]) -> Iterator[None]:
    r"""Within the block, :func:`_line_forms` of these bodies are computed ahead, in one batch.

    The same forms as line by line: each conversion's distinct lines go through OpenCC in
    one call (:func:`helpers.dedup.textnorm.convert_lines`, exact as no dictionary entry
    holds a line break) and every line through one :func:`normalise_texts` table pass.
    NOTE: ~0.07 s -> ~0.03 s for the ~2 000 texts whose figures stage 02 reads on the
    benchmark corpus (per line, OpenCC and NFKC calls cost more than the characters).

    Example:
        >>> with primed_line_forms(["出口５万辆。\n軟體"], ["tw2sp"]):
        ...     _line_forms.cache_clear()
        ...     _line_forms("出口５万辆。\n軟體", "tw2sp")
        ((0, '出口５万辆。', '出口5万辆'), (7, '軟體', '软件'))
    """
    _PRIMED.update(_batch_line_forms(bodies, conversions))
    try:
        yield
    finally:
        _PRIMED.clear()


def _batch_line_forms(bodies: list[str], conversions: list[str]) -> dict:
    """``{(body, conversion): line forms}`` of distinct bodies, as :func:`_line_forms`."""
    todo = list(dict.fromkeys(zip(bodies, conversions, strict=True)))
    raw = [body.split("\n") for body, _ in todo]
    conv = [text.split("\n") for text in _converted(todo)]
    flat = normalise_texts([x for lines in conv for x in lines])
    out, pos = {}, 0
    for key, lines, clines in zip(todo, raw, conv, strict=True):
        forms, pos = flat[pos : pos + len(clines)], pos + len(clines)
        # NOTE: a conversion that changed the line count is left to _line_forms (line by line).
        if len(clines) == len(lines):
            out[key] = _with_offsets(lines, forms)
    return out


def _converted(todo: list[tuple[str, str]]) -> list[str]:
    """Each ``(body, conversion)`` converted, one :func:`convert_lines` call per conversion.

    Example:
        >>> _converted([("軟體", "tw2sp"), ("軟體", "none")])
        ['软件', '軟體']
    """
    out = [body for body, _ in todo]
    for config in sorted({c for _, c in todo} - {"none"}):
        at = [i for i, (_, c) in enumerate(todo) if c == config]
        for i, text in zip(at, convert_lines([todo[i][0] for i in at], config), strict=True):
            out[i] = text
    return out


@functools.lru_cache(maxsize=1 << 14)
def _form_counts(body: str, conversion: str) -> Counter:
    """How many times each line form occurs in ``body`` (kept: read-only by its users)."""
    return Counter(form for _, _, form in _line_forms(body, conversion))


def _one_sided(lines: tuple[tuple[int, str, str], ...], other: Counter) -> list[int]:
    r"""Indices of the lines whose matching form the other text does not have (as many times).

    Example:
        >>> lines = _line_forms("出口5万辆。\n欢迎关注。\n出口6万辆。", "none")
        >>> _one_sided(lines, Counter({"出口5万辆": 1, "欢迎关注": 1}))
        [2]
    """
    # NOTE: a plain dict copy, not a Counter: this runs once per side of ~7 800 pairs.
    left = dict(other)
    out = []
    for i, (_, _, form) in enumerate(lines):
        if not form:
            continue
        if left.get(form, 0) > 0:
            left[form] -= 1
        else:
            out.append(i)
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
def _sentence_figures(sentence: str, conversion: str) -> tuple[Figure, ...]:
    """Every number of one sentence as a :class:`Figure` (offsets in the sentence)."""
    clean, kept = _close_gaps(sentence)
    numbers = [
        {**n, "start": kept[n["start"]], "end": kept[n["end"] - 1] + 1}
        for n in extract_numbers(clean, skip_kinds=())
    ]
    if not numbers:
        return ()
    skeleton = _skeleton(sentence, [(n["start"], n["end"]) for n in numbers], conversion)
    return tuple(
        Figure(
            key=figure_key(n),
            text=sentence[n["start"] : n["end"]],
            start=n["start"],
            end=n["end"],
            kind=n["kind"],
            skeleton=skeleton,
        )
        for n in numbers
    )


class _Sentence(NamedTuple):
    start: int  # offset in the body
    text: str
    runs: tuple[str, ...]  # its numeral runs as written (full width and 萬億兩 folded)
    hinted: bool  # NUMERIC_HINT_RE finds something: the reader may find a figure


@functools.lru_cache(maxsize=1 << 16)
def _line_sentences(line: str, is_last: bool) -> tuple[_Sentence, ...]:
    """The sentences of one line that hold a numeral, with their runs (offsets in the line).

    NOTE: on a text's last line an unfinished last sentence is left out: a text cut
    mid-sentence or mid-figure ("增长12" of "增长12.5%") has no figure of its own there.

    Example:
        >>> sents = _line_sentences("出口5万辆。增长一成。排名第一。好", True)
        >>> [(s.start, s.runs, s.hinted) for s in sents]
        [(0, ('5万',), True), (6, ('一',), True), (11, ('一',), False)]
    """
    cut = _unfinished_from(line) if is_last else len(line)
    out = []
    for m in SENTENCE_RE.finditer(line, 0, cut):
        runs = tuple(RAW_RUN_RE.findall(m.group().translate(RAW_FOLD)))
        if runs:
            hinted = NUMERIC_HINT_RE.search(m.group()) is not None
            out.append(_Sentence(m.start(), m.group(), runs, hinted))
    return tuple(out)


@functools.lru_cache(maxsize=1 << 14)
def _body_sentences(body: str, conversion: str) -> tuple[tuple[_Sentence, ...], ...]:
    r"""Per line of ``body`` (as :func:`_line_forms`): its numeral sentences, body offsets.

    NOTE: kept per body (a text meets up to a dozen others): a pair then only gathers the
    sentences of its one-sided lines instead of rebuilding them with their offsets.

    Example:
        >>> [[s.start for s in line] for line in _body_sentences("出口5万辆。\n增长6%。", "none")]
        [[0], [7]]
    """
    last = _last_line_offset(body)
    return tuple(
        tuple(
            s._replace(start=off + s.start) if off else s
            for s in _line_sentences(line, off == last)
        )
        for off, line, _ in _line_forms(body, conversion)
    )


def _sentences(body: str, conversion: str, line_indices: list[int]) -> list[_Sentence]:
    """The numeral sentences of the lines ``line_indices`` of ``body``, in text order."""
    per_line = _body_sentences(body, conversion)
    return [s for i in line_indices for s in per_line[i]]


def _last_line_offset(body: str) -> int:
    stripped = body.rstrip()
    return stripped.rfind("\n") + 1


def _run_counts(sentences: list[_Sentence]) -> dict[str, int]:
    """How many times each numeral run occurs in ``sentences``."""
    counts: dict[str, int] = {}
    for s in sentences:
        for r in s.runs:
            counts[r] = counts.get(r, 0) + 1
    return counts


def _surplus(mine: dict[str, int], theirs: dict[str, int]) -> set[str]:
    """The runs ``mine`` holds more times than ``theirs`` (the keys of ``Counter`` ``-``).

    Example:
        >>> sorted(_surplus({"5": 2, "6": 1, "7": 1}, {"5": 1, "6": 1}))
        ['5', '7']
    """
    return {r for r, n in mine.items() if n > theirs.get(r, 0)}


def _figures(
    sentences: list[_Sentence], differing: set[str], conversion: str
) -> list[tuple[int, Figure]]:
    """The figures of the sentences holding a ``differing`` run, with their sentence's offset.

    NOTE: only those are read (the reader costs ~2 us per character); a sentence whose
    runs the other text has too holds no figure of its own. The figures stay at their
    sentence offsets: only the few :func:`_only` keeps are moved into the body.
    """
    return [
        (s.start, f)
        for s in sentences
        if s.hinted and any(r in differing for r in s.runs)
        for f in _sentence_figures(s.text, conversion)
    ]


def _only(mine: list[tuple[int, Figure]], theirs: list[tuple[int, Figure]]) -> tuple[Figure, ...]:
    """Figures of ``mine`` left after taking out, one for one, those ``theirs`` has.

    ``mine`` and ``theirs`` are ``(sentence offset, figure)``; the figures left are moved
    to their offsets in the body.
    """
    left: dict[tuple, int] = {}
    for _, f in theirs:
        left[f.key] = left.get(f.key, 0) + 1
    out = []
    for start, f in mine:
        if left.get(f.key, 0) > 0:
            left[f.key] -= 1
        else:
            out.append(f.moved(start))
    return tuple(out)


@functools.lru_cache(maxsize=1 << 14)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset({text[i : i + 2] for i in range(len(text) - 1)} or {text})


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
    side_a = _one_sided(_line_forms(body_a, conversion_a), _form_counts(body_b, conversion_b))
    side_b = _one_sided(_line_forms(body_b, conversion_b), _form_counts(body_a, conversion_a))
    sents_a = _sentences(body_a, conversion_a, side_a)
    sents_b = _sentences(body_b, conversion_b, side_b)
    runs_a, runs_b = _run_counts(sents_a), _run_counts(sents_b)
    figs_a = _figures(sents_a, _surplus(runs_a, runs_b), conversion_a)
    figs_b = _figures(sents_b, _surplus(runs_b, runs_a), conversion_b)
    only_a, only_b = _only(figs_a, figs_b), _only(figs_b, figs_a)
    return FigureDiff(_verdict(only_a, only_b, align_threshold), only_a, only_b)


def _verdict(only_a: tuple[Figure, ...], only_b: tuple[Figure, ...], threshold: float) -> str:
    """``same``/``fewer``/``more``/``conflict``/``differ`` from the figures only each side has."""
    if not only_a and not only_b:
        return "same"
    if not only_a or not only_b:
        return "fewer" if not only_a else "more"
    return "conflict" if _aligned(only_a, only_b, threshold) else "differ"


def figure_texts(figures: tuple[Figure, ...]) -> str:
    """The differing figures as written, joined by "; " (the evidence column of a pair).

    Example:
        >>> figure_texts(compare_figures("出口5万辆。", "none", "出口6万辆。", "none").only_a)
        '5万辆'
    """
    return "; ".join(f.text for f in figures)
