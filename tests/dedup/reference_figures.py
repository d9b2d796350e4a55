"""The code that speed fixes of stage 02 replaced, kept to compare the new code with.

Each function here is the implementation as it was before its fix (issue 17); the tests in
``test_speed.py`` assert that the faster code gives the same results on generated corpora.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from helpers.dedup import figures as f
from helpers.dedup.textnorm import normalise_text
from helpers.text.script import convert_script

# ---------------------------------------------------------------------------------------------
# compare_figures before "per-pair overhead" (Counters per pair, figures moved before _only)
# ---------------------------------------------------------------------------------------------


class _Sentence(NamedTuple):
    start: int
    text: str
    runs: tuple[str, ...]


def _one_sided(lines, other: Counter) -> list[tuple[int, str]]:
    left = Counter(other)
    out = []
    for offset, line, form in lines:
        if form and left[form] > 0:
            left[form] -= 1
        elif form:
            out.append((offset, line))
    return out


def _line_sentences(line: str, is_last: bool) -> tuple[_Sentence, ...]:
    cut = f._unfinished_from(line) if is_last else len(line)
    out = []
    for m in f.SENTENCE_RE.finditer(line, 0, cut):
        runs = tuple(f.RAW_RUN_RE.findall(m.group().translate(f.RAW_FOLD)))
        if runs:
            out.append(_Sentence(m.start(), m.group(), runs))
    return tuple(out)


def _sentences(lines: list[tuple[int, str]], body: str) -> list[_Sentence]:
    stripped = body.rstrip()
    last = stripped.rfind("\n") + 1
    return [
        _Sentence(off + s.start, s.text, s.runs) if off else s
        for off, line in lines
        for s in _line_sentences(line, off == last)
    ]


def _figures(sentences: list[_Sentence], differing: Counter, conversion: str) -> list:
    return [
        fig.moved(s.start)
        for s in sentences
        if f.NUMERIC_HINT_RE.search(s.text) and any(r in differing for r in s.runs)
        for fig in f._sentence_figures(s.text, conversion)
    ]


def _only(mine: list, theirs: list) -> tuple:
    left = Counter(fig.key for fig in theirs)
    out = []
    for fig in mine:
        if left[fig.key] > 0:
            left[fig.key] -= 1
        else:
            out.append(fig)
    return tuple(out)


def compare_figures(body_a, conversion_a, body_b, conversion_b, *, align_threshold=0.5):
    """``helpers.dedup.figures.compare_figures`` before the per-pair overhead fix."""
    lines_a, lines_b = f._line_forms(body_a, conversion_a), f._line_forms(body_b, conversion_b)
    side_a = _one_sided(lines_a, f._form_counts(body_b, conversion_b))
    side_b = _one_sided(lines_b, f._form_counts(body_a, conversion_a))
    sents_a, sents_b = _sentences(side_a, body_a), _sentences(side_b, body_b)
    runs_a = Counter(r for s in sents_a for r in s.runs)
    runs_b = Counter(r for s in sents_b for r in s.runs)
    figs_a = _figures(sents_a, runs_a - runs_b, conversion_a)
    figs_b = _figures(sents_b, runs_b - runs_a, conversion_b)
    only_a, only_b = _only(figs_a, figs_b), _only(figs_b, figs_a)
    return f.FigureDiff(f._verdict(only_a, only_b, align_threshold), only_a, only_b)


# ---------------------------------------------------------------------------------------------
# _line_forms before "batched line forms" (each line converted and normalised on its own)
# ---------------------------------------------------------------------------------------------
def line_forms(body: str, conversion: str) -> tuple[tuple[int, str, str], ...]:
    """``helpers.dedup.figures._line_forms`` before the batch: one line at a time."""
    out, pos = [], 0
    for line in body.split("\n"):
        text = convert_script(line, conversion) if conversion != "none" else line
        out.append((pos, line, normalise_text(text)))
        pos += len(line) + 1
    return tuple(out)
