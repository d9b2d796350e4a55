"""Which metric a figure states: cues before and after it, inherited metrics, changes and signs."""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass

from helpers.catalog.metrics import Metric, Vocabulary
from helpers.facts import mentions as attr
from helpers.facts.schema import (
    ANAPHORA_METRIC_RE,
    BASE_VALUE_RE,
    BRACKET_OPEN_RE,
    CHIP_TYPES,
    EXPORT_FAMILY,
    NEV_VALUE_AFTER_RE,
    POWERTRAIN_RES,
    RANKING_RE,
    REACHED_RE,
    TRUCK_AFTER_RE,
    Carry,
    Reading,
    Sentence,
)
from helpers.text.prefilter import first_chars
from helpers.text.sentences import (
    inside,
)


# --- metric -----------------------------------------------------------------------------------
def _context_ok(
    sentence: Sentence, vocab: Vocabulary, carried: frozenset[str] = frozenset()
) -> dict:
    """Which metric contexts (e.g. robotaxi) hold for this sentence.

    NOTE: a context holds when its words occur, or when the sentence names an entity whose
    *only* roles are the context's types (文远知行 is a robotaxi operator; 特斯拉 is that and an
    automaker, so a Tesla sentence needs the words).
    """
    out = {}
    for name, (patterns, types) in vocab.contexts.items():
        pure = any(m.types and set(m.types) <= types for m in sentence.mentions)
        pure = pure or bool(carried and carried <= types)
        out[name] = pure or any(p.search(sentence.norm) for p in patterns)
    return out


def _cues(sentence: Sentence, vocab: Vocabulary, lo: int, hi: int, cls: str | None,
          ctx: dict) -> list[tuple[int, int, str]]:  # fmt: skip
    """Cue matches (start, end, metric) in norm[lo:hi] for metrics accepting ``cls``."""
    index = _cue_index(vocab)
    mask = _live_mask(sentence.norm, vocab)
    if cls is not None:
        mask &= index.by_unit.get(cls, 0)
    for context, needing in index.by_context.items():
        if not ctx.get(context):
            mask &= ~needing
    found = []
    while mask:  # the cues left, in vocabulary order
        lowest = mask & -mask
        mask ^= lowest
        metric, pattern = index.pairs[lowest.bit_length() - 1]
        # NOTE: matched on the whole copy and kept when inside [lo, hi): a cue's lookahead
        # may look past hi (出货 counts chips only when 套/颗/片 follows).
        found += [
            (m.start(), m.end(), metric.name)
            for m in pattern.finditer(sentence.norm, lo)
            if m.end() <= hi and not inside(sentence.asides, m.start(), m.end())
        ]
    return found


@dataclass(frozen=True)
class _CueIndex:
    """Every (metric, cue) of a vocabulary, with bit masks over their positions.

    Bit ``i`` stands for ``pairs[i]``. ``by_char``: the cues a character can start;
    ``unknown``: cues whose first characters :func:`first_chars` cannot tell (always live);
    ``by_unit``: the cues of metrics accepting a unit class; ``by_context``: the cues of
    metrics that need a context (robotaxi).
    """

    pairs: tuple[tuple[Metric, re.Pattern], ...]
    by_char: dict[str, int]
    unknown: int
    by_unit: dict[str, int]
    by_context: dict[str, int]


@functools.cache
def _cue_index(vocab: Vocabulary) -> _CueIndex:
    """The :class:`_CueIndex` of ``vocab`` (built once per vocabulary).

    NOTE: ``_cues`` went through every live cue testing its unit and context in Python on
    each of its ~15 calls per sentence; with bit masks the filters are three integer
    operations and only the cues left are visited (in the same vocabulary order).
    """
    pairs = tuple((metric, pattern) for metric in vocab.metrics.values() for pattern in metric.cues)
    by_char: dict[str, int] = {}
    unknown = 0
    by_unit: dict[str, int] = {}
    by_context: dict[str, int] = {}
    for i, (metric, pattern) in enumerate(pairs):
        bit = 1 << i
        firsts = first_chars(pattern)
        if firsts is None:
            unknown |= bit
        for ch in firsts or ():
            by_char[ch] = by_char.get(ch, 0) | bit
        for unit in metric.units:
            by_unit[unit] = by_unit.get(unit, 0) | bit
        if metric.context:
            by_context[metric.context] = by_context.get(metric.context, 0) | bit
    return _CueIndex(pairs, by_char, unknown, by_unit, by_context)


@functools.lru_cache(maxsize=4096)
def _live_mask(norm: str, vocab: Vocabulary) -> int:
    """The cues that can match somewhere in ``norm`` (a bit mask over ``_cue_index(vocab)``).

    NOTE: 139 cues were scanned again for each figure and clause of a sentence (8 M scans on
    5.8 MB, nearly all finding nothing); a cue none of whose first characters occurs in the
    sentence has no match in it at any offset, so skipping it changes nothing. Cached per
    sentence: ``_cues`` runs about twice per sentence.

    Example:
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> v = load_vocabulary()
        >>> def live(norm):
        ...     pairs = enumerate(_cue_index(v).pairs)
        ...     return {p[0].name for i, p in pairs if _live_mask(norm, v) >> i & 1}
        >>> "exports" in live("汽车出口"), "exports" in live("汽车")
        (True, False)
    """
    index = _cue_index(vocab)
    by_char = index.by_char
    return functools.reduce(operator.or_, filter(None, map(by_char.get, set(norm))), index.unknown)


def _nearest_before(cues: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    return max(cues, key=lambda c: (c[1], c[1] - c[0]), default=None)


def _level_after_decrease(sentence: Sentence, cue_end: int, vocab: Vocabulary) -> bool:
    """降至/下降到: the verb introduces a level, not a change."""
    return bool(vocab.patterns["level_after_decrease"].match(sentence.norm[cue_end:]))


def choose_metric(sentence: Sentence, idx: int, vocab: Vocabulary, ctx: dict,
                  carry: Carry) -> tuple[str | None, int]:  # fmt: skip
    """The metric of reading ``idx`` and the start of the cue that gave it (-1 if carried).

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> s = make_sentence(Span(0, 18, "出口709.8萬輛,同比增長21.1%"), "")
        >>> s.readings = read_numbers(s)
        >>> choose_metric(s, 1, load_vocabulary(), {}, Carry())
        ('yoy_growth', 12)
    """
    r = sentence.readings[idx]
    c_lo, c_hi = sentence.clauses[r.clause]
    # NOTE: 总收入按年增长75.9%至1.54亿元: a figure right after 至/到 is the level reached; the
    # change cue before belongs to the percent.
    reached = bool(REACHED_RE.search(sentence.norm, c_lo, r.start))
    before = [c for c in _cues(sentence, vocab, c_lo, r.start, r.unit_class, ctx)
              if not _is_level_verb(sentence, c, vocab)
              and not (reached and vocab.metrics[c[2]].is_change)]  # fmt: skip
    if cue := _nearest_before(before):
        return _overriding(cue, before, vocab)
    if BASE_VALUE_RE.search(sentence.norm, c_lo, r.start):
        # NOTE: 较2023年的120.8万辆下降14%: the comparison base is a level of the figure before.
        return _inherited_metric(sentence, idx, vocab, ctx, carry)
    # NOTE: the whole rest of the clause: 分别以52.57%和30.71%的市占率 names the metric once.
    # NOTE: 从…的39%下降到25%: 下降到 leads to the next level, it names no change of 39%.
    after = [c for c in _cues(sentence, vocab, r.end, c_hi, r.unit_class, ctx)
             if not _is_level_verb(sentence, c, vocab)]  # fmt: skip
    if after:
        return min(after)[2], min(after)[0]
    return _inherited_metric(sentence, idx, vocab, ctx, carry)


def topic_metric(sentence: Sentence, vocab: Vocabulary) -> dict[str, str]:
    """{"vehicles": metric} for the last level cue of vehicles a figure-less sentence names.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence
        >>> topic_metric(make_sentence(Span(0, 9, "汽车出口版图出现变化"), ""), load_vocabulary())
        {'vehicles': 'exports'}
    """
    cues = [c for c in _cues(sentence, vocab, 0, len(sentence.norm), "vehicles", {})
            if not vocab.metrics[c[2]].is_change]  # fmt: skip
    cue = _nearest_before(cues)
    return {"vehicles": cue[2]} if cue else {}


def refine_metric(sentence: Sentence, idx: int, metric: str | None, vocab: Vocabulary,
                  carry: Carry | None = None) -> str | None:  # fmt: skip
    """Correct a metric by what the figure counts and where it stands.

    - a share with no market or scope is a mix (:func:`share_has_scope`);
    - a fleet figure counting trucks (170辆自动驾驶卡车) is no Robotaxi fleet;
    - an export value of NEVs (货值 after an NEV count, 价值N亿美元的电动汽车) is a part;
    - vehicles counted for an ADAS or chip supplier are fitted vehicles (:func:`_fitted`).

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> s = make_sentence(Span(0, 12, "該系列占總出貨量近50%"), "")
        >>> s.readings = read_numbers(s)
        >>> refine_metric(s, 0, "market_share", load_vocabulary())
        'mix_share'
    """
    r = sentence.readings[idx]
    metric = metric or _bracketed_share(sentence, r)
    if metric == "market_share" and not share_has_scope(sentence, r, vocab, carry):
        return "mix_share"
    if metric in ("fleet_size", "fleet_target") and TRUCK_AFTER_RE.match(sentence.norm, r.end):
        return "truck_fleet"
    if metric == "export_value" and _nev_value(sentence, idx):
        return "nev_export_value"
    return _fitted(sentence, r, metric)


def _bracketed_share(sentence: Sentence, r: Reading) -> str | None:
    """A cue-less percent in brackets right after a name is its share in a ranking.

    英伟达（48.2%）、华为（26.1%）: the share still needs its scope (:func:`share_has_scope`).
    """
    if r.unit_class != "percent" or not BRACKET_OPEN_RE.search(sentence.norm, 0, r.start):
        return None
    opening = BRACKET_OPEN_RE.search(sentence.norm, 0, r.start).start()
    named = any(m.end == opening and m.role == "subject" for m in sentence.mentions)
    return "market_share" if named else None


def share_has_scope(sentence: Sentence, r: Reading, vocab: Vocabulary,
                    carry: Carry | None = None) -> bool:  # fmt: skip
    """Whether a share figure is a market share.

    It is when the sentence names a share word (份额, 市占率, 在…市场), a market (中国市场,
    全球, 国内) or an ADAS scope (NOA, 前视一体机), or when it goes on with the market shares of
    the sentence before in the paragraph (甲以47%居首。乙、丙分别占27%和4%). It is not when it
    is a part of the subject's own total (占上半年总出货量近50%) or of a spec band (100Tops区间，
    占43%).

    NOTE: issue 14: a market share needs a share cue and a market or scope. 占比 alone may be
    the mix of a company's own output or of a spec band.
    """
    if vocab.patterns["mix_cues"].search(sentence.norm, 0, r.start):
        return False
    if vocab.patterns["share_scope_words"].search(sentence.norm):
        return True
    market = any(m.role == "market" for m in sentence.mentions)
    adas = vocab.patterns["adas_scope_words"].search(sentence.norm)
    go_on = carry is not None and carry.metrics_paragraph == sentence.span.paragraph
    go_on = go_on and carry.metrics.get("percent") == "market_share"
    return market or adas or go_on or bool(attr.market_from_words(sentence.norm, vocab))


def _nev_value(sentence: Sentence, idx: int) -> bool:
    """An export value whose goods are NEVs: 价值32亿美元的电动汽车, or 货值 after an NEV count."""
    r = sentence.readings[idx]
    if NEV_VALUE_AFTER_RE.match(sentence.norm, r.end):
        return True
    before = [x for x in sentence.readings[:idx] if x.unit_class == "vehicles" and x.metric]
    return bool(before) and before[-1].metric == "nev_exports"


def _fitted(sentence: Sentence, r: Reading, metric: str | None) -> str | None:
    """Vehicles sold with a supplier's ADAS are its fitted vehicles, not its sales.

    NOTE: 華為乾崑智駕以45.2萬輛獨占27.8%份額: a chip or ADAS supplier sells no cars; the cars
    counted for it carry its system (installed units). Only for the first subject of the
    clause, and only one that is no automaker (小米 sells its own cars).
    """
    if r.unit_class != "vehicles" or metric not in (None, "sales"):
        return metric
    c_lo = sentence.clauses[r.clause][0]
    named = [m for m in sentence.mentions if m.role == "subject" and c_lo <= m.start < r.start]
    types = attr.types_of(named[-1].entity_id) if named else frozenset()
    supplier = bool(types & CHIP_TYPES) and "automaker" not in types
    return "installed_units" if supplier else metric


def _overriding(cue: tuple[int, int, str], cues: list, vocab: Vocabulary) -> tuple[str, int]:
    """A more specific metric named anywhere before wins (前装标配…交付 is installed, not sales)."""
    for other in cues:
        if cue[2] in vocab.metrics[other[2]].overrides:
            return other[2], other[0]
    return cue[2], cue[0]


def _is_level_verb(sentence: Sentence, cue: tuple[int, int, str], vocab: Vocabulary) -> bool:
    """A change cue that is a decrease followed by 至/到 ("降至3.59%") is not a change cue."""
    return vocab.metrics[cue[2]].is_change and _level_after_decrease(sentence, cue[1], vocab)


# NOTE: complexity 13: an ordered cascade of inheritance rules (previous figure, 这一数字, earlier
# cue, unit); the first that applies wins.
def _inherited_metric(sentence: Sentence, idx: int, vocab: Vocabulary, ctx: dict,
                      carry: Carry) -> tuple[str | None, int]:  # fmt: skip
    """Metric of the previous same-unit figure, of 这一数字, of an earlier cue, or of the unit."""
    r = sentence.readings[idx]
    for prev in reversed(sentence.readings[:idx]):
        # NOTE: a change (比上年增加18.05万辆) is not inherited by the next bare figure.
        level = prev.metric and not vocab.metrics[prev.metric].is_change
        if prev.unit_class == r.unit_class and level:
            return _powertrain_of(sentence, r, prev.metric), -1
    follows = _follows_previous(sentence, r, vocab, ctx, carry)
    if (ANAPHORA_METRIC_RE.search(sentence.norm) or follows) and r.unit_class in carry.metrics:
        return carry.metrics[r.unit_class], -1
    # NOTE: a change cue in an earlier clause belonged to that clause's figure (同比增长17%，
    # 达到约2700万辆: the 2700万 is a level of 销量, not a change).
    earlier = [
        c
        for c in _cues(sentence, vocab, 0, sentence.clauses[r.clause][0], r.unit_class, ctx)
        if not vocab.metrics[c[2]].is_change
    ]
    if cue := _nearest_before(earlier):
        return cue[2], cue[0]
    for metric in vocab.metrics.values():
        if r.unit_class in metric.unit_driven_for:
            return metric.name, -1
    return None, -1


def _follows_previous(sentence: Sentence, r: Reading, vocab: Vocabulary, ctx: dict,
                      carry: Carry) -> bool:  # fmt: skip
    """Whether a cue-less figure goes on with the metric of the sentence right before.

    NOTE: 这一数字 refers back; so does a cue-less ranking sentence right after a figure of the
    same unit in the same paragraph (俄罗斯以58.27万辆退居第二). Never for percents. A metric
    only named by a sentence without figures passes to a ranking (甲国以57万辆位居第三), not to
    any cue-less figure after it.
    """
    same_paragraph = carry.metrics_paragraph == sentence.span.paragraph
    ranked = not carry.metrics_named or bool(RANKING_RE.search(sentence.norm))
    return (
        same_paragraph
        and ranked
        and r.unit_class in ("vehicles", "money")
        and not _has_any_cue(sentence, vocab, r.unit_class, ctx)
    )


def _has_any_cue(sentence: Sentence, vocab: Vocabulary, cls: str, ctx: dict) -> bool:
    """Whether the sentence names a level metric for ``cls``.

    A change cue names none: 多出 in 墨西哥以62.52万辆跃居第一，比前一年多出18.05万辆.
    """
    cues = _cues(sentence, vocab, 0, len(sentence.norm), cls, ctx)
    return any(not vocab.metrics[c[2]].is_change for c in cues)


def _powertrain_of(sentence: Sentence, r: Reading, metric: str) -> str:
    """Turn an inherited export metric into the powertrain's its clause names.

    出口231.5万辆，其中纯电动车型约132万辆，插电混动约99万辆: the parts are BEV and PHEV exports.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> text = "出口231.5萬輛,其中純電動車型約132萬輛"
        >>> s = make_sentence(Span(0, len(text), text), "")
        >>> s.readings = read_numbers(s)
        >>> _powertrain_of(s, s.readings[1], "nev_exports")
        'bev_exports'
    """
    if metric not in EXPORT_FAMILY:
        return metric
    c_lo = sentence.clauses[r.clause][0]
    return next(
        (m for pattern, m in POWERTRAIN_RES if pattern.search(sentence.norm, c_lo, r.start)),
        metric,
    )


def base_metric(sentence: Sentence, idx: int, vocab: Vocabulary, ctx: dict) -> str:
    """For a change metric: the level metric it changes (nearest level cue before it).

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> s = make_sentence(Span(0, 22, "新能源汽車出口231.5萬輛,同比增長102.9%"), "")
        >>> s.readings = read_numbers(s)
        >>> base_metric(s, 1, load_vocabulary(), {})
        'nev_exports'
        >>> text = "純電車型出口下降10%,插混車型則增長190%"
        >>> s = make_sentence(Span(0, len(text), text), "")
        >>> s.readings = read_numbers(s)
        >>> base_metric(s, 1, load_vocabulary(), {})
        'phev_exports'
    """
    r = sentence.readings[idx]
    levels = [c for c in _cues(sentence, vocab, 0, r.start, _level_class(sentence, idx), ctx)
              if not vocab.metrics[c[2]].is_change]  # fmt: skip
    c_lo = sentence.clauses[r.clause][0]
    in_clause = _nearest_before([c for c in levels if c[0] >= c_lo])
    cue = in_clause or _nearest_before(levels)
    if cue is None:
        return ""
    # NOTE: 纯电车型出口下降10.4%，插混车型则增长190%: the second clause names its own
    # powertrain without repeating 出口; it changes that powertrain's exports.
    return cue[2] if in_clause else _powertrain_of(sentence, r, cue[2])


def _level_class(sentence: Sentence, idx: int) -> str | None:
    """The unit of the level figure a change refers to: that of the last other-unit figure.

    NOTE: one cue may fit metrics of two units (新能源汽车出口: NEV exports in vehicles, their
    value in money); the figure that changed is the level figure before, so its unit decides.
    """
    r = sentence.readings[idx]
    before = [x.unit_class for x in sentence.readings[:idx] if x.unit_class != r.unit_class]
    return before[-1] if before else None


def signed_value(sentence: Sentence, idx: int, cue_start: int, vocab: Vocabulary) -> float:
    """Negative for a change after a decrease word (同比下降7.08% -> -7.08); 降至 is a level.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> s = make_sentence(Span(0, 11, "同比下降7.08%"), "")
        >>> s.readings = read_numbers(s)
        >>> signed_value(s, 0, 0, load_vocabulary())
        -7.08
    """
    r = sentence.readings[idx]
    prev_end = max((x.end for x in sentence.readings[:idx] if x.clause == r.clause), default=0)
    lo = max(cue_start, prev_end, sentence.clauses[r.clause][0])
    for m in vocab.patterns["decrease_cues"].finditer(sentence.norm, lo, r.start):
        if not _level_after_decrease(sentence, m.end(), vocab):
            return -abs(r.value)
    return r.value
