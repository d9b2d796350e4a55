"""Stage 03: every numeric fact with its entity, metric, period, market, source and sentence.

One row per (entity, metric, value, period) statement of a canonical article, traceable to
its sentence and to the character span of the number in ``body``.

How a fact is read (each step a small function; vocabularies in ``catalog/metrics.yaml``):

1. sentences and clauses with offsets (:mod:`helpers.sentences`); cues are matched on a
   same-length Simplified copy, the body is never changed;
2. numbers from :func:`helpers.numbers.extract_numbers`; kept when their unit is one a metric
   accepts (辆/台, 套/颗, %, 百分点, money, TOPS, km, 次); vague magnitudes (千辆级, 上千辆)
   and hypothetical figures (当…时, 如果) are skipped;
3. metric: the nearest cue before the number in its clause whose metric accepts the unit,
   else a cue after it in the clause (以47.66%的市占率), else the metric of the previous
   figure of the same unit in the sentence (俄罗斯以58.27万辆退居第二), else a cue earlier in
   the sentence, else the unit alone (TOPS -> compute_tops, 百分点 -> change);
4. subject (:mod:`helpers.attribution`): 分别 lists map values onto the entities, markets or
   years listed before 分别; 各 gives each listed entity the value; 合计 joins them with
   ``+``; otherwise the first subject of the clause, the previous figure's subject, the
   paragraph's last subject, or the metric's default (China for national export totals);
5. period: the nearest period before the number in its clause, then in its sentence
   (:func:`helpers.periods.extract_periods` with the article date as reference; 当时 takes the
   previous sentence's period); stock figures with no period (目前…车队规模) are dated by the
   article;
6. market, segment, data source, qualifier (预计 -> forecast, 目标/计划 -> target, then the
   number's over/approx/under) and sign (下降/减少 make a change negative; 降至 is a level).

Metric vocabulary (issue 6 plus documented extensions): exports, nev_exports, phev_exports,
bev_exports, overseas_sales, export_value, sales, production, market_share, penetration,
installed_units, compute_tops, fleet_size, fleet_target, mileage, revenue, funding, price,
gross_margin, rides, investment, capacity, yoy_growth, qoq_growth, change (``base_metric`` says
what changed).

NOTE: articles without a published date get a reference date estimated from the text (the
latest month- or day-level period written in it, else the latest year); every period that
depends on it is flagged ``period_inferred``.

Example:
    >>> rows = extract_article_facts("a1", "2025年1—11月,我國汽車整車出口634.3萬輛,同比增長18.7%。")
    >>> [(r["entity_id"], r["metric"], r["value"]) for r in rows]
    [('china', 'exports', 6343000.0), ('china', 'yoy_growth', 18.7)]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from helpers import attribution as attr
from helpers import incremental
from helpers.entities import Catalog, load_catalog
from helpers.numbers import extract_numbers
from helpers.periods import CONTEXT_YEARS, extract_periods, period_bounds
from helpers.sentences import (
    Span,
    inside,
    matching_copy,
    split_clauses,
    split_sentences,
    title_spans,
)
from helpers.vocabulary import Vocabulary, is_topic_fact, load_vocabulary

# numbers.py kinds/units -> our unit classes
UNIT_CLASSES = {
    "vehicles": "vehicles",
    "units": "units",
    "TOPS": "TOPS",
    "km": "km",
    "times": "rides",
}
KIND_CLASSES = {"percent": "percent", "percentage_point": "pp", "money": "money"}
OUTPUT_UNITS = {"vehicles": "vehicles", "units": "units", "percent": "percent", "pp": "pp",
                "TOPS": "TOPS", "km": "km", "rides": "rides"}  # fmt: skip
# A numeral that is only a magnitude (千辆级, 上千辆, 万亿) is vague, not a figure.
LONE_MAGNITUDES = frozenset("十百千万萬亿億拾佰仟")
SCALE_SUFFIX_RE = re.compile(r"^ *[级級]")
# 台 counts machines of any kind: after one of these, with no 车/辆 in between, a 台 figure
# counts robots or chargers, not vehicles (人形机器人220台; Optimus…目标是年产一百万台).
NON_VEHICLE_RE = re.compile(r"机器人|(?i:optimus)|充电桩|换电站|服务器|手机|电脑|无人机|芯片")
# 100美元/kWh, 26辆/千人: a rate per something, not an amount of anything.
RATE_SUFFIX_RE = re.compile(r"^ *[/／] *[A-Za-z\u4e00-\u9fff]")
YEAR_LIST_RE = re.compile(r"((?:19|20)\d\d) *[-—–~至到] *((?:19|20)\d\d) *年")
# Figures that hold at a moment (a fleet, a chip's TOPS, cumulative mileage, a price) rather
# than over a span; undated ones take the article's date. 目前/当前 dates any figure by the article.
STOCK_METRICS = frozenset({"fleet_size", "fleet_target", "compute_tops", "mileage", "price"})
AS_OF_RE = re.compile(r"目前|当前|截至目前|现已|截至发稿|累计")
ANAPHORA_METRIC_RE = re.compile(r"这一数字|该数字|这一数据|此前公布")
THEN_RE = re.compile(r"当时|同期")
# Subject types that may stand as subject per topic rule (see assign_topic).
CHIP_TYPES = frozenset({"chip_vendor", "chip_product"})
ROBOTAXI_TYPES = frozenset({"robotaxi_operator"})
COLUMNS = [
    "fact_id", "article_id", "topic", "is_topic_fact", "entity_id", "entity_text", "parent_id",
    "metric", "base_metric", "value", "value_high", "unit", "period", "period_inferred",
    "is_fiscal", "market", "segment", "qualifier", "data_source", "sentence", "sentence_start",
    "char_start", "char_end", "number_text", "part_of",
]  # fmt: skip
STATISTICS_BODY = "statistics_body"
# How many sentences after the one naming it a subject still holds without 公司/其.
SUBJECT_REACH = 2
# How many figure sentences after its mention a data source still attributes; metrics a
# statistics body or research firm named earlier never vouches for.
SOURCE_REACH = 2
NOT_FROM_CARRIED_SOURCE = frozenset({"price", "revenue", "funding", "gross_margin"})
# A clause naming a powertrain after an export figure changes that powertrain's exports.
POWERTRAIN_RES = [(re.compile(p), m) for p, m in (("插混|插电|混合动力", "phev_exports"),
                  ("纯电", "bev_exports"), ("新能源|电动", "nev_exports"))]  # fmt: skip
EXPORT_FAMILY = frozenset({"exports", "nev_exports", "phev_exports", "bev_exports"})
COUNT_WORDS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
               **{str(d): d for d in range(2, 10)}}  # fmt: skip
# A dateline: month and day without a year at the very start of a body (11月25日，…).
DATELINE_RE = re.compile(r"(?P<m>1[0-2]|0?[1-9]) *月 *(?P<d>3[01]|[12]\d|0?[1-9]) *日")
DATELINE_REACH = 16
# A movement to a new level (升至, 下降到, 增加到) between a 从/由 period and a later figure.
MOVE_TO_RE = re.compile(r"(?:升|降|增|减|提高|提升|下降|下滑|上升|增长|增加|减少|回落)了?(?:至|到)")
# A comparison base right before a figure (较2023年的…, 比上年同期的…).
BASE_VALUE_RE = re.compile(r"(?:较|比|相比|相较)于?[^，,。；;]{0,10}的 *$")
# Words that put a period in the future of the text (a plan, a forecast, a deadline).
FUTURE_RE = re.compile(
    r"计划|目标|预计|预期|有望|将|力争|争取|规划|年底前|年前|之前"
    r"|(?<![协联议机社])会(?:在|把|将|达|有)"  # 会 = will, not 乘联会/协会 (the bodies)
)
COUNT_RE = re.compile(r"[两二三四五六七八九2-9](?:家|者)")
# A remark in brackets (含整车出口及海外基地生产): its words name no metric of the figure.
ASIDE_RE = re.compile(r"[（(][^（）()]{1,40}[）)]")
# What joins two values of one list (46.5万辆及42.3万辆).
PAIRED_JOIN_RE = re.compile(r" *(?:及|和|与|、|以及) *")
# A picture caption at a sentence start, up to its credit (来源：).
CAPTION_RE = re.compile(r"\s*(?:图片|图为|图)[：:][^。！？\n]{0,80}?来源[：:]")
# Article columns copied onto each fact row.
ARTICLE_EXTRAS = ("source_file", "source_line", "file_position", "quality_score")
# 其中 ("of which"): a figure after it may be a part of a total written before it.
PART_RE = re.compile(r"其中")
# What a table tells facts apart by: a part equal to its total on all of these is no new row.
PART_KEY = ("entity_id", "metric", "unit", "period", "market")
# Segments that say which topic a figure belongs to, not which part of a total it is: a
# 全无人驾驶 part of an autonomous-driving mileage names no breakdown the table could show.
DOMAIN_SEGMENTS = frozenset({"robotaxi", "adas_chip"})


@dataclass
class Reading:
    """One usable number in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    text: str
    value: float
    unit_class: str
    unit: str
    qualifier: str | None
    high: float | None
    clause: int
    metric: str | None = None


@dataclass
class Sentence:
    """A sentence with everything the rules look at (offsets relative to the sentence)."""

    span: Span
    norm: str
    clauses: list[tuple[int, int]]
    mentions: list[attr.Mention]
    periods: list[dict]
    readings: list[Reading] = field(default_factory=list)
    last_subjects: list[attr.Mention] = field(default_factory=list)
    last_market: str | None = None
    row_subject: tuple[str, str] | None = None  # subject of the sentence's last fact row
    asides: list[tuple[int, int]] = field(default_factory=list)  # （…） remarks: no cues there
    previous_start: int = 0  # body offset of the sentence before (own start for the first)

    def clause_of(self, pos: int) -> int:
        return next((i for i, (s, e) in enumerate(self.clauses) if s <= pos < e), 0)


@dataclass
class Carry:
    """What later sentences of an article inherit."""

    paragraph: int = -1
    subject: list[str] = field(default_factory=list)
    subject_text: str = ""
    subject_age: int = 0  # sentences since the subject was named or referred to
    source: str = ""
    source_age: int = 0  # sentences with figures since the source was named
    segment: str = ""
    segment_metric: str = ""  # the metric of the figure the carried segment came with
    metrics: dict[str, str] = field(default_factory=dict)
    metrics_paragraph: int = -1
    last_rows: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class ArticleContext:
    """Article-level inputs of the rules."""

    article_id: str
    body: str
    ref_date: dt.date | None
    ref_is_estimated: bool
    all_periods: list[dict]
    vocab: Vocabulary
    catalog: Catalog


# --- reference date ---------------------------------------------------------------------------
def _fine_end(period: str) -> dt.date | None:
    """Last day of a period that ends below year level (2025-01/2025-11 -> 2025-11-30).

    A period ending in a bare year (``2024/2025``) says nothing finer than the year: None.

    Example:
        >>> _fine_end("2025-Q2"), _fine_end("2024/2025")  # 第二季度
        (datetime.date(2025, 6, 30), None)
    """
    last = period.split("/")[-1]
    bounds = None if re.fullmatch(r"\d{4}", last) else period_bounds(last)
    return bounds[1] if bounds else None


def reference_date(body: str, published_date: object, fallback_date: str = ""
                   ) -> tuple[dt.date | None, bool]:  # fmt: skip
    """The article's date, or one estimated from the periods written in it.

    NOTE: news reports past figures, so the latest month-, quarter- or day-level period
    written with a year (not under a plan or forecast) is a lower bound of the article's date;
    without one, the latest written year stands in (its 31 December). A dateline without a
    year (11月25日，…) is then placed on or after that bound. With no such period the
    ``fallback_date`` (the neighbours' date, :func:`date_hints`) stands in, and only then a
    planned period (2026年将是出海大年). Every estimate is flagged (second value True).

    Example:
        >>> reference_date("2025年1—10月銷量。2035年目標", None)
        (datetime.date(2025, 10, 31), True)
        >>> reference_date("去年出口", "2026-01-20")
        (datetime.date(2026, 1, 20), False)
        >>> reference_date("2026年將是出海大年", None, "2025-11-30")
        (datetime.date(2025, 11, 30), True)
    """
    if isinstance(published_date, str) and published_date[:10].strip():
        return dt.date.fromisoformat(published_date[:10]), False
    norm, past, stated = _written_periods(body)
    if not past and fallback_date:
        return dt.date.fromisoformat(fallback_date), True
    bound = _lower_bound(past or stated)
    return dateline(norm, bound) or bound, True


def _written_periods(body: str) -> tuple[str, list[dict], list[dict]]:
    """(matching copy, periods written in the past, all periods written with a year)."""
    norm = matching_copy(body)
    stated = [p for p in body_periods(body) if p["period"] and not p["is_inferred"]]
    return norm, [p for p in stated if not _is_future(norm, p["start"])], stated


def _lower_bound(periods: list[dict]) -> dt.date | None:
    """The latest end of a below-year period, else the 31 December of the latest year."""
    fine = [d for p in periods if p["kind"] != "year" and (d := _fine_end(p["period"]))]
    years = [int(p["period"][:4]) for p in periods]
    return max(fine) if fine else (dt.date(max(years), 12, 31) if years else None)


def own_date(body: str, published_date: object) -> dt.date | None:
    """The published date or one estimated from past periods of the text (no fallbacks)."""
    if isinstance(published_date, str) and published_date[:10].strip():
        return dt.date.fromisoformat(published_date[:10])
    norm, past, _ = _written_periods(body)
    bound = _lower_bound(past)
    return dateline(norm, bound) or bound


def dateline(norm: str, bound: dt.date | None) -> dt.date | None:
    """A month-day dateline without a year (11月25日，… or 小马智行11月25日发布…: within the
    first :data:`DATELINE_REACH` characters) placed on or after ``bound``.

    NOTE: the lower bound says the article cannot be older than the past it reports, so a
    dateline's year is the first one that puts it on or after the bound (2024年底 and 11月25日
    give 2025-11-25).

    Example:
        >>> dateline("11月25日,小马智行发布财报。2024年底仅为270辆", dt.date(2024, 12, 31))
        datetime.date(2025, 11, 25)
    """
    m = DATELINE_RE.search(norm, 0, DATELINE_REACH)
    if m is None or bound is None or re.search(r"[年\d]\s*$", norm[: m.start()]):
        return None
    month, day = int(m["m"]), int(m["d"])
    for year in (bound.year, bound.year + 1):
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return None
        if date >= bound:
            return date
    return None


def body_periods(body: str, ref: dt.date | None = None) -> list[dict]:
    """Periods written in a body, except inside 《titles》 (《2025-2030年…报告》 dates nothing).

    Example:
        >>> [p["period"] for p in body_periods("《2030年展望》稱2025年出口")]
        ['2025']
    """
    titles = title_spans(body)
    return [p for p in extract_periods(body, ref) if not inside(titles, p["start"], p["end"])]


def _is_future(norm: str, start: int) -> bool:
    """A period in a clause with a plan or forecast (计划到2026年底, 2026年目标为…): no bound.

    Example:
        >>> _is_future("公司计划到2026年底扩至3000辆", 5), _is_future("2024年底为270辆", 0)
        (True, False)
    """
    lo = max(norm.rfind(c, 0, start) for c in "，,。；;！？\n") + 1
    ends = [i for c in "，,。；;！？\n" if (i := norm.find(c, start)) >= 0]
    return bool(FUTURE_RE.search(norm, lo, min(ends, default=len(norm))))


# --- readings ---------------------------------------------------------------------------------
def unit_class(number: dict) -> str | None:
    """The unit class of a number from :func:`extract_numbers`, or None when unusable.

    Example:
        >>> unit_class(extract_numbers("出口83萬輛")[0]), unit_class(extract_numbers("份額52%")[0])
        ('vehicles', 'percent')
    """
    if number["kind"] in KIND_CLASSES:
        return KIND_CLASSES[number["kind"]]
    if number["kind"] == "quantity":
        return UNIT_CLASSES.get(number["unit"])
    return None


def _is_vague(number: dict, text_after: str) -> bool:
    """千辆级, 上千辆, 一辆: a lone magnitude, a lone 一 or a scale word is not a figure."""
    numeral = number["numeral"].strip()
    # NOTE: 一辆/每一台 counts one item in passing; no statistic is written as 一. A lone 十 is
    # ten (仅约十辆车) unless 数十/几十 makes it vague (qualifier over).
    ten = numeral == "十" and number["qualifier"] != "over"
    vague = (numeral in LONE_MAGNITUDES and not ten) or numeral == "一"
    return vague or bool(SCALE_SUFFIX_RE.match(text_after))


def _counts_machines(sentence: Sentence, number: dict) -> bool:
    """人形机器人220台: a 台 figure about machines that are not vehicles.

    Example:
        >>> text = "首批人形機器人220台交付,另交付新車300台"
        >>> s = make_sentence(Span(0, len(text), text), text)
        >>> [_counts_machines(s, n) for n in extract_numbers(text)]
        [True, False]
    """
    if not number["text"].rstrip().endswith(("台", "臺")):
        return False
    machines = list(NON_VEHICLE_RE.finditer(sentence.norm, 0, number["start"]))
    between = sentence.norm[machines[-1].end() : number["start"]] if machines else "车"
    return not re.search("[车辆]", between)


def read_numbers(sentence: Sentence) -> list[Reading]:
    """Usable numbers of a sentence as readings, in order.

    Skipped: unusable units, vague magnitudes, rates (100美元/kWh) and numbers in 《titles》.

    Example:
        >>> s = make_sentence(Span(0, 16, "投放千輛級車隊,出口83萬輛和12%"), "")
        >>> [(r.value, r.unit_class) for r in read_numbers(s)]
        [(830000.0, 'vehicles'), (12.0, 'percent')]
    """
    out = []
    titles = title_spans(sentence.span.text)
    for n in extract_numbers(sentence.span.text):
        cls = unit_class(n)
        after = sentence.span.text[n["end"] :]
        if cls is None or _is_vague(n, after) or RATE_SUFFIX_RE.match(after):
            continue
        if inside(titles, n["start"], n["end"]):
            continue  # a number in a 《title》 is part of a name
        if cls == "vehicles" and _counts_machines(sentence, n):
            continue
        unit = n["currency"] if cls == "money" else OUTPUT_UNITS[cls]
        out.append(
            Reading(
                n["start"],
                n["end"],
                n["text"],
                n["value"],
                cls,
                unit,
                n["qualifier"],
                n["high"],
                sentence.clause_of(n["start"]),
            )
        )
    return out


def make_sentence(span: Span, body: str, *, all_periods: list[dict] | None = None,
                  mentions: list[attr.Mention] | None = None) -> Sentence:  # fmt: skip
    """Build a :class:`Sentence` (offsets made relative to the sentence).

    A leading figure caption (图：…来源：) is masked in the matching copy and its subjects and
    markets dropped: its words describe a picture, not the figures after it.
    """
    shift = span.start
    clauses = [(c.start - shift, c.end - shift) for c in split_clauses(span)]
    norm, caption_end = mask_caption(matching_copy(span.text))
    rel_mentions = [
        attr.Mention(m.start - shift, m.end - shift, m.text, m.entity_id, m.role, m.iso, m.types)
        for m in (mentions or [])
        if span.start <= m.start
        and m.end <= span.end
        and (m.role == "source" or m.start - shift >= caption_end)
    ]
    periods = [
        {**p, "start": p["start"] - shift, "end": p["end"] - shift}
        for p in (all_periods or [])
        if span.start <= p["start"] and p["end"] <= span.end
    ]
    asides = [(m.start(), m.end()) for m in ASIDE_RE.finditer(norm)]
    return Sentence(span, norm, clauses, rel_mentions, periods, asides=asides)


def mask_caption(norm: str) -> tuple[str, int]:
    """Blank a leading picture caption up to its 来源： (scrapers glue captions to the next
    sentence: 图：示例车队在路上，来源：某公司小马智行…). Returns (masked copy, caption end).

    NOTE: where the credit after 来源： ends cannot be told, so only the caption proper is
    masked; the credit stays (it may name a data source such as 高工智能汽车研究院).

    Example:
        >>> mask_caption("图：车队在路上，来源：甲公司。出口83万辆")
        ('　　　　　　　　　　　甲公司。出口83万辆', 11)
    """
    m = CAPTION_RE.match(norm)
    if m is None:
        return norm, 0
    return "　" * m.end() + norm[m.end() :], m.end()


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
    found = []
    for metric in vocab.metrics.values():
        if cls is not None and cls not in metric.units:
            continue
        if metric.context and not ctx.get(metric.context):
            continue
        for pattern in metric.cues:
            # NOTE: matched on the whole copy and kept when inside [lo, hi): a cue's lookahead
            # may look past hi (出货 counts chips only when 套/颗/片 follows).
            found += [
                (m.start(), m.end(), metric.name)
                for m in pattern.finditer(sentence.norm, lo)
                if m.end() <= hi and not inside(sentence.asides, m.start(), m.end())
            ]
    return found


def _nearest_before(cues: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    return max(cues, key=lambda c: (c[1], c[1] - c[0]), default=None)


def _level_after_decrease(sentence: Sentence, cue_end: int, vocab: Vocabulary) -> bool:
    """降至/下降到: the verb introduces a level, not a change."""
    return bool(vocab.patterns["level_after_decrease"].match(sentence.norm[cue_end:]))


def choose_metric(sentence: Sentence, idx: int, vocab: Vocabulary, ctx: dict,
                  carry: Carry) -> tuple[str | None, int]:  # fmt: skip
    """The metric of reading ``idx`` and the start of the cue that gave it (-1 if carried).

    Example:
        >>> s = make_sentence(Span(0, 18, "出口709.8萬輛,同比增長21.1%"), "")
        >>> s.readings = read_numbers(s)
        >>> choose_metric(s, 1, load_vocabulary(), {}, Carry())
        ('yoy_growth', 12)
    """
    r = sentence.readings[idx]
    c_lo, c_hi = sentence.clauses[r.clause]
    before = [c for c in _cues(sentence, vocab, c_lo, r.start, r.unit_class, ctx)
              if not _is_level_verb(sentence, c, vocab)]  # fmt: skip
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


def _overriding(cue: tuple[int, int, str], cues: list, vocab: Vocabulary) -> tuple[str, int]:
    """A more specific metric named anywhere before wins (前装标配…交付 is installed, not sales)."""
    for other in cues:
        if cue[2] in vocab.metrics[other[2]].overrides:
            return other[2], other[0]
    return cue[2], cue[0]


def _is_level_verb(sentence: Sentence, cue: tuple[int, int, str], vocab: Vocabulary) -> bool:
    """A change cue that is a decrease followed by 至/到 ("降至3.59%") is not a change cue."""
    return vocab.metrics[cue[2]].is_change and _level_after_decrease(sentence, cue[1], vocab)


def _inherited_metric(sentence: Sentence, idx: int, vocab: Vocabulary, ctx: dict,
                      carry: Carry) -> tuple[str | None, int]:  # fmt: skip
    """Metric of the previous same-unit figure, of 这一数字, of an earlier cue, or of the unit."""
    r = sentence.readings[idx]
    for prev in reversed(sentence.readings[:idx]):
        # NOTE: a change (比上年增加18.05万辆) is not inherited by the next bare figure.
        level = prev.metric and not vocab.metrics[prev.metric].is_change
        if prev.unit_class == r.unit_class and level:
            return _powertrain_of(sentence, r, prev.metric), -1
    # NOTE: 这一数字 refers back; so does a cue-less ranking sentence right after a figure of
    # the same unit in the same paragraph (俄罗斯以58.27万辆退居第二). Never for percents.
    same_paragraph = carry.metrics_paragraph == sentence.span.paragraph
    follows = (
        same_paragraph
        and r.unit_class in ("vehicles", "money")
        and not _has_any_cue(sentence, vocab, r.unit_class, ctx)
    )
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


def _has_any_cue(sentence: Sentence, vocab: Vocabulary, cls: str, ctx: dict) -> bool:
    """Whether the sentence names a level metric for ``cls`` (a change cue such as 多出 in
    墨西哥以62.52万辆跃居第一，比前一年多出18.05万辆 names none)."""
    cues = _cues(sentence, vocab, 0, len(sentence.norm), cls, ctx)
    return any(not vocab.metrics[c[2]].is_change for c in cues)


def _powertrain_of(sentence: Sentence, r: Reading, metric: str) -> str:
    """An inherited export metric in a clause naming a powertrain becomes that powertrain's
    (出口231.5万辆，其中纯电动车型约132万辆，插电混动约99万辆).

    Example:
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
    levels = [c for c in _cues(sentence, vocab, 0, r.start, None, ctx)
              if not vocab.metrics[c[2]].is_change]  # fmt: skip
    c_lo = sentence.clauses[r.clause][0]
    in_clause = _nearest_before([c for c in levels if c[0] >= c_lo])
    cue = in_clause or _nearest_before(levels)
    if cue is None:
        return ""
    # NOTE: 纯电车型出口下降10.4%，插混车型则增长190%: the second clause names its own
    # powertrain without repeating 出口; it changes that powertrain's exports.
    return cue[2] if in_clause else _powertrain_of(sentence, r, cue[2])


def signed_value(sentence: Sentence, idx: int, cue_start: int, vocab: Vocabulary) -> float:
    """Negative for a change after a decrease word (同比下降7.08% -> -7.08); 降至 is a level.

    Example:
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


# --- subjects ---------------------------------------------------------------------------------
def _subjects(sentence: Sentence, lo: int, hi: int) -> list[attr.Mention]:
    return [m for m in sentence.mentions if m.role == "subject" and lo <= m.start and m.end <= hi]


def _markets(sentence: Sentence, lo: int, hi: int) -> list[attr.Mention]:
    return [m for m in sentence.mentions if m.role == "market" and lo <= m.start and m.end <= hi]


def year_list(text: str) -> list[str]:
    """Years of a written year range (2022-2024年 -> 2022, 2023, 2024).

    Example:
        >>> year_list("2023-2024年新能源車年增速分別達到39%及47%")
        ['2023', '2024']
    """
    m = YEAR_LIST_RE.search(text)
    if not m or int(m[2]) <= int(m[1]) or int(m[2]) - int(m[1]) > 10:
        return []
    return [str(y) for y in range(int(m[1]), int(m[2]) + 1)]


def respectively(sentence: Sentence, vocab: Vocabulary) -> dict[int, tuple[str, object]]:
    """分别: map the values after 分别 onto the entities, markets or years listed before it.

    Returns:
        reading index -> ("subject", Mention) | ("market", Mention) | ("period", "2023").

    Example:
        >>> s = make_sentence(Span(0, 19, "甲乙分别出口3萬輛和4萬輛"), "")
        >>> s.readings = read_numbers(s)
        >>> [(i, kind) for i, (kind, _) in respectively(s, load_vocabulary()).items()]
        []
    """
    mapping: dict[int, tuple[str, object]] = {}
    for m in vocab.patterns["respectively_cues"].finditer(sentence.norm):
        for i, item in _respectively_at(sentence, m).items():
            mapping.setdefault(i, item)
    for i, item in _paired_lists(sentence).items():
        mapping.setdefault(i, item)
    return mapping


def _paired_lists(sentence: Sentence) -> dict[int, tuple[str, object]]:
    """长安与吉利则录得46.5万辆及42.3万辆: N listed subjects then N values joined by 及/和/、 in
    one clause map in order, as if 分别 were written.

    Example:
        >>> text = "長安與吉利則錄得46.5萬輛及42.3萬輛"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> s.readings = read_numbers(s)
        >>> [(i, m.entity_id) for i, (_, m) in _paired_lists(s).items()]
        [(0, 'changan'), (1, 'geely')]
    """
    out: dict[int, tuple[str, object]] = {}
    for c, (lo, _hi) in enumerate(sentence.clauses):
        idx = [i for i, r in enumerate(sentence.readings) if r.clause == c]
        if len(idx) < 2:
            continue
        first = sentence.readings[idx[0]]
        subjects = list_items(sentence, _subjects(sentence, lo, first.start))
        joined = all(
            PAIRED_JOIN_RE.fullmatch(sentence.norm[a.end : b.start])
            for a, b in zip(
                [sentence.readings[i] for i in idx],
                [sentence.readings[i] for i in idx[1:]],
                strict=False,
            )
        )
        same_unit = len({sentence.readings[i].unit_class for i in idx}) == 1
        if joined and same_unit and len(subjects) == len(idx):
            out.update({i: ("subject", m) for i, m in zip(idx, subjects, strict=True)})
    return out


def _respectively_at(sentence: Sentence, m: re.Match) -> dict[int, tuple[str, object]]:
    """The mapping of one 分别/对应/依次为 cue (empty when no list fits its values)."""
    clause = sentence.clause_of(m.start())
    after = [
        i for i, r in enumerate(sentence.readings) if r.start >= m.end() and r.clause == clause
    ]
    if len(after) < 2:
        return {}
    cls = sentence.readings[after[0]].unit_class
    after = [i for i in after if sentence.readings[i].unit_class == cls]
    lo = sentence.clauses[clause][0]
    listed = [p for p in sentence.periods if lo <= p["start"] and p["end"] <= m.start()]
    # 2025年…在9月、10月分别为: the months are the list, the year only dates them
    listed = [p for p in listed if p["kind"] == listed[-1]["kind"]] if listed else []
    listed_periods = [p["period"] for p in listed]
    # NOTE: the list may stand in an earlier clause (前五名依次为奇瑞、比亚迪…，出口量分别为…):
    # then the last N list items of the sentence before the cue are the list.
    items = list_items(sentence, _subjects(sentence, 0, m.start()))
    lists = (
        ("subject", _subjects(sentence, lo, m.start())),
        ("market", _markets(sentence, lo, m.start())),
        ("period", year_list(sentence.span.text[lo : m.start()])),
        ("period", listed_periods if all(listed_periods) else []),  # 9月、10月、11月分别为
        ("subject", items[-len(after) :] if len(items) >= len(after) else []),
    )
    for kind, found in lists:
        if len(found) == len(after):
            return {i: (kind, item) for i, item in zip(after, found, strict=True)}
    return {}


def list_items(sentence: Sentence, mentions: list[attr.Mention]) -> list[attr.Mention]:
    """One mention per list item: 辉达Orin-X (vendor + product, nothing between) is one item,
    and an entity named twice counts once.

    Example:
        >>> text = "特斯拉FSD、輝達Orin-X與地平線征程5"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> [m.entity_id for m in list_items(s, s.mentions)]
        ['tesla', 'nvidia', 'horizon_robotics']
    """
    items: list[attr.Mention] = []
    for m in mentions:
        glued = items and not sentence.norm[items[-1].end : m.start].strip(" ()（）")
        if glued or any(x.entity_id == m.entity_id for x in items):
            continue
        items.append(m)
    return items


def _listed_subjects(sentence: Sentence, r: Reading, pattern: re.Pattern) -> list[attr.Mention]:
    """Subjects listed in the clause before a 各/合计 cue that stands before the reading."""
    c_lo = sentence.clauses[r.clause][0]
    cue = None
    for m in pattern.finditer(sentence.norm, c_lo, r.start):
        cue = m
    if cue is None or r.start - cue.end() > 4:
        return []
    listed = _subjects(sentence, c_lo, cue.start())
    counted = COUNT_RE.search(sentence.norm, c_lo, cue.end())
    count = COUNT_WORDS.get(counted.group()[0], 0) if counted else 0
    if count and len(listed) < count:
        # NOTE: 三家合计 / 两者…的合计份额 refers back to the last N list items of the sentence.
        items = list_items(sentence, _subjects(sentence, 0, cue.start()))
        listed = items[-count:] if len(items) >= count else []
    return listed if len(listed) >= 2 else []


def choose_subjects(sentence: Sentence, idx: int, vocab: Vocabulary) -> list[list[attr.Mention]]:
    """The subject(s) of reading ``idx``: one list per fact (各 gives several facts).

    An inner list with several mentions is one combined figure (三家合计).

    Example:
        >>> text = "吉利、比亞迪各約40萬輛"
        >>> s = make_sentence(Span(0, 13, text), "", mentions=attr.find_mentions(text))
        >>> s.readings = read_numbers(s)
        >>> [[m.entity_id for m in f] for f in choose_subjects(s, 0, load_vocabulary())]
        [['geely'], ['byd']]
    """
    r = sentence.readings[idx]
    if each := _listed_subjects(sentence, r, vocab.patterns["each_cues"]):
        return [[m] for m in each]
    if combined := _listed_subjects(sentence, r, vocab.patterns["combined_cues"]):
        return [combined]
    c_lo = sentence.clauses[r.clause][0]
    prev_end = max((x.end for x in sentence.readings[:idx] if x.clause == r.clause), default=c_lo)
    found = _subjects(sentence, prev_end, r.start) or _subjects(sentence, c_lo, r.start)
    if found:
        return [[found[0]]]
    # NOTE: 第一列辉达，49.36%；第二列华为，24.1%: a value alone in its clause belongs to the
    # entity named since the previous figure, whatever clause it stands in.
    last_end = max((x.end for x in sentence.readings[:idx]), default=0)
    alone = not re.sub(r"[\s,，;；:：。%]", "", sentence.norm[c_lo : r.start])
    if alone and (between := _subjects(sentence, last_end, r.start)):
        return [[between[-1]]]
    if sentence.last_subjects:
        return [sentence.last_subjects]
    earlier = _subjects(sentence, 0, c_lo)
    # NOTE: 文远知行改用英伟达Thor平台，公司计划…车队…: a fleet figure belongs to an operator,
    # not to the chip named last; prefer earlier subjects whose type fits the metric.
    fitting = [m for m in earlier if _fits(m, r.metric, vocab)]
    earlier = fitting or earlier
    return [[earlier[-1]]] if earlier else []


def _fits(mention: attr.Mention, metric: str | None, vocab: Vocabulary) -> bool:
    """Whether a subject's catalog types suit a metric (robotaxi metrics want operators)."""
    spec = vocab.metrics.get(metric or "")
    if spec is None or spec.context != "robotaxi":
        return True
    return bool(set(mention.types) & ROBOTAXI_TYPES)


# --- periods ----------------------------------------------------------------------------------
def choose_period(sentence: Sentence, r: Reading, ctx: ArticleContext, metric: str
                  ) -> tuple[str, bool, bool]:  # fmt: skip
    """Period of a reading: (period, is_inferred, is_fiscal).

    Example:
        >>> body = "出口增速從2024年的53%降至2025年的3.59%"
        >>> s = make_sentence(Span(0, len(body), body), body, all_periods=extract_periods(body))
        >>> s.readings = read_numbers(s)
        >>> ctx = ArticleContext("a", body, None, True, [], load_vocabulary(), load_catalog())
        >>> [choose_period(s, r, ctx, "yoy_growth")[0] for r in s.readings]
        ['2024', '2025']
    """
    c_lo = sentence.clauses[r.clause][0]
    # NOTE: 较2023年的…下降14%: a period after 较/比 is the comparison base, not the figure's
    # own period; so is the "from" period of 由2024年的24%升至29% for the figure after 升至.
    usable = [
        p
        for p in sentence.periods
        if p["period"] and p["end"] <= r.start and not _is_base_period(sentence, p, r)
    ]
    in_clause = [p for p in usable if p["start"] >= c_lo]
    chosen = (in_clause or usable or [None])[-1]
    if chosen is not None:
        return chosen["period"], chosen["is_inferred"], chosen["is_fiscal"]
    return _fallback_period(sentence, ctx, metric)


def _is_base_period(sentence: Sentence, period: dict, r: Reading) -> bool:
    """A period that only dates a comparison base: after 较/比/相比, or the 从/由 period of a
    从…到 movement when a 至/到 verb stands between it and the reading.

    Example:
        >>> body = "份額由2024年的24%升至29%"
        >>> s = make_sentence(Span(0, len(body), body), body, all_periods=extract_periods(body))
        >>> s.readings = read_numbers(s)
        >>> [_is_base_period(s, s.periods[0], r) for r in s.readings]
        [False, True]
    """
    if re.fullmatch(r"(?: *|[^，,。；;]*的 *)", sentence.norm[period["end"] : r.start]):
        return False  # 较2023年的120.8万辆, 高于2024年…销量的41.72万辆: the base value's own period
    if period.get("is_base"):  # 较/比/超过 2024年 (helpers.periods.COMPARED_RE)
        return True
    before = sentence.norm[max(0, period["start"] - 3) : period["start"]]
    if not re.search(r"[从由]$", before):
        return False
    return bool(MOVE_TO_RE.search(sentence.norm, period["end"], r.start))


def _fallback_period(
    sentence: Sentence, ctx: ArticleContext, metric: str
) -> tuple[str, bool, bool]:
    """No period in the sentence: 当时 -> the previous one; stock figures -> the article date."""
    earlier = [
        p
        for p in ctx.all_periods
        if p["period"]
        and p["end"] <= sentence.span.start
        and p["text"] not in CONTEXT_YEARS
        and not p.get("is_base")
    ]
    if THEN_RE.search(sentence.norm) and earlier:
        return earlier[-1]["period"], True, earlier[-1]["is_fiscal"]
    as_of = metric in STOCK_METRICS or AS_OF_RE.search(sentence.norm)
    if as_of and ctx.ref_date is not None:
        return ctx.ref_date.isoformat(), True, False
    # NOTE: a flow figure with no period continues the period of the sentence right before
    # (a caption line included); a period written further back belongs to another statement
    # (1985到1995年间 two sentences earlier does not date 渗透率超过50%).
    recent = [p for p in earlier if p["start"] >= sentence.previous_start]
    if recent:
        return recent[-1]["period"], True, recent[-1]["is_fiscal"]
    return (str(ctx.ref_date.year), True, False) if ctx.ref_date else ("", True, False)


# --- market, qualifier, source, topic ---------------------------------------------------------
def choose_market(sentence: Sentence, r: Reading, metric: str, subject_id: str,
                  vocab: Vocabulary) -> str:  # fmt: skip
    """Market of a reading: a market mention (clause first), market words, or a default.

    Example:
        >>> text = "比亞迪對歐洲交付近16萬輛"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> s.readings = read_numbers(s)
        >>> choose_market(s, s.readings[0], "sales", "byd", load_vocabulary())
        'EU'
    """
    c_lo, c_hi = sentence.clauses[r.clause]
    if found := _markets(sentence, c_lo, r.start):
        return attr.market_code(found[-1])
    if word := attr.market_from_words(sentence.norm[c_lo:c_hi], vocab):
        return word
    if found := _markets(sentence, 0, r.start) or _markets(sentence, c_lo, c_hi):
        return attr.market_code(found[-1])
    if sentence.last_market is not None:
        return sentence.last_market
    if vocab.metrics[metric].default_subject == "china" or metric == "overseas_sales":
        return "world"
    china_ish = any(m.iso == "CN" or m.entity_id == "chinese_brands" for m in sentence.mentions)
    return "CN" if china_ish or subject_id == "china" else ""


def choose_qualifier(sentence: Sentence, r: Reading, vocab: Vocabulary) -> str:
    """forecast / target / claimed from the sentence before the number, else over/approx/under.

    Example:
        >>> s = make_sentence(Span(0, 14, "中汽協預計汽車出口將達到620萬輛"), "")
        >>> s.readings = read_numbers(s)
        >>> choose_qualifier(s, s.readings[0], load_vocabulary())
        'forecast'
    """
    hits = [
        (m.end(), q)
        for q, pattern in vocab.qualifier_cues.items()
        for m in pattern.finditer(sentence.norm, 0, r.start)
    ]
    if hits:
        return max(hits)[1]
    return r.qualifier or ""


def assign_topic(vocab: Vocabulary, metric: str, types: frozenset[str], market: str,
                 segment: str, robotaxi: bool, chinese: bool = True) -> str:  # fmt: skip
    """The topic of a fact from its metric's topic and topic rule.

    Example:
        >>> v = load_vocabulary()
        >>> assign_topic(v, "market_share", frozenset({"chip_vendor"}), "CN", "", False)
        'chip_share'
        >>> assign_topic(v, "sales", frozenset({"automaker"}), "EU", "", False)
        'ev_exports'
    """
    spec = vocab.metrics[metric]
    rule = spec.topic_rule
    if rule == "foreign_market_is_ev_exports":
        # NOTE: sales abroad are exports news only for Chinese sellers (not 日本车企 abroad).
        foreign_seller = "region" in types and not chinese
        abroad = market not in ("", "CN", "world")
        return "ev_exports" if abroad and not foreign_seller else spec.topic
    if rule == "robotaxi_operator_is_robotaxi_fleet":
        return "robotaxi_fleet" if robotaxi and types & ROBOTAXI_TYPES else spec.topic
    if rule == "adas_is_chip_share":
        return "chip_share" if segment == "adas_chip" else spec.topic
    if rule == "share_by_subject":
        return _share_topic(types, segment, robotaxi)
    return spec.topic


def _share_topic(types: frozenset[str], segment: str, robotaxi: bool) -> str:
    if types & CHIP_TYPES or (not types and segment == "adas_chip"):
        return "chip_share"
    if (types & ROBOTAXI_TYPES and robotaxi) or (not types and segment == "robotaxi"):
        return "robotaxi_fleet"
    return "other"


def _skip_spans(sentence: Sentence, vocab: Vocabulary) -> list[tuple[int, int]]:
    """Hypothetical scopes (当/如果 to the end of that clause; 当…时 spans the figure), denials
    (而非传闻中的1000辆) and
    milestones (首次突破 and the figure after it; a clause naming a 里程碑 or 第N辆)."""
    spans = []
    for m in vocab.patterns["hypothetical_patterns"].finditer(sentence.norm):
        end = sentence.clauses[sentence.clause_of(max(m.end() - 1, m.start()))][1]
        spans.append((m.start(), end))
    for m in vocab.patterns["negation_patterns"].finditer(sentence.norm):
        spans.append((m.start(), sentence.clauses[sentence.clause_of(m.start())][1]))
    for m in vocab.patterns["milestone_patterns"].finditer(sentence.norm):
        spans.append((m.start(), m.end() + 2))
    for m in vocab.patterns["milestone_clause_patterns"].finditer(sentence.norm):
        spans.append(sentence.clauses[sentence.clause_of(m.start())])
    return spans


# --- one sentence -----------------------------------------------------------------------------
def _subject_record(sentence: Sentence, subjects: list[attr.Mention], metric: str,
                    market: str, carry: Carry, vocab: Vocabulary,
                    anaphoric: bool = False) -> tuple[str, str] | None:  # fmt: skip
    """(entity_id, entity_text) from mentions, the carried subject or the metric default.

    NOTE: the subject of an earlier sentence carries to the next :data:`SUBJECT_REACH`
    sentences, and further only to a sentence that refers back (公司, 该公司, 其, 集团): a cost
    estimate ten sentences after a company was named is not that company's figure.
    """
    if subjects:
        return "+".join(m.entity_id for m in subjects), "、".join(m.text for m in subjects)
    if sentence.row_subject is not None:
        return sentence.row_subject  # 出口620万辆，同比增长5.8%: the growth is of the same subject
    # NOTE: a sentence that names its own data source and no subject (佐思汽研数据显示，…装机量
    # 为252.6万套) reports a market figure, not the previous sentence's company's.
    sourced = any(m.role == "source" for m in sentence.mentions) and not anaphoric
    # NOTE: a market-level metric (装机量, 渗透率) with no subject of its own is the market's,
    # not the company of the sentence before, unless the sentence refers back (其装机量).
    market_level = vocab.metrics[metric].default_subject == "market" and not anaphoric
    carried_is_market = bool(carry.subject) and all(
        c.startswith("market_") or attr.types_of(c) & attr.NON_PUBLISHER_TYPES
        for c in carry.subject
    )
    market_level = market_level and not carried_is_market
    recent = carry.subject_age <= SUBJECT_REACH or anaphoric
    if carry.subject and not sourced and not market_level and recent:
        return "+".join(carry.subject), carry.subject_text
    default = vocab.metrics[metric].default_subject
    if default == "china" or (default == "market" and market == "CN"):
        return "china", ""
    # NOTE: 乘联会口径，新能源车年增速39%: a national statistics body's figure without a
    # subject is the country's.
    if any(STATISTICS_BODY in m.types for m in sentence.mentions if m.role == "source"):
        return "china", ""
    return None


def _china_abroad(entity_id: str, metric: str, market: str) -> str:
    """China's sales *in* a foreign market are Chinese brands' sales (中国汽车在欧洲销量)."""
    foreign = market not in ("", "CN", "world")
    return "chinese_brands" if entity_id == "china" and metric == "sales" and foreign else entity_id


@dataclass
class _Pending:
    """Per-reading decisions shared by the fact rows of that reading."""

    metric: str
    cue_start: int
    mapped: tuple[str, object] | None


def sentence_facts(sentence: Sentence, ctx: ArticleContext, carry: Carry) -> list[dict]:
    """Every fact of one sentence (and update what later sentences inherit)."""
    vocab = ctx.vocab
    carried = attr.types_of("+".join(carry.subject), ctx.catalog) if carry.subject else frozenset()
    ctx_ok = _context_ok(sentence, vocab, carried)
    if ctx_ok.get("robotaxi"):
        # NOTE: in a robotaxi sentence a city or country is where cars run (其中深圳约300辆),
        # never the operator a fleet figure belongs to.
        sentence.mentions = [
            replace(m, role="location") if m.role == "subject" and set(m.types) == {"region"} else m
            for m in sentence.mentions
        ]
    skip = _skip_spans(sentence, vocab)
    mapped = respectively(sentence, vocab)
    rows: list[dict] = []
    for idx, r in enumerate(sentence.readings):
        metric, cue_start = choose_metric(sentence, idx, vocab, ctx_ok, carry)
        r.metric = metric
        if metric is None or any(lo <= r.start < hi for lo, hi in skip):
            continue
        pending = _Pending(metric, cue_start, mapped.get(idx))
        rows += _reading_facts(sentence, idx, pending, ctx, carry, ctx_ok)
    if any(kind == "subject" for kind, _ in mapped.values()):
        # NOTE: after a list (奇瑞、比亚迪…分别为…) no single company is "the" subject: the
        # next sentence's 对墨西哥出口 is not the last-listed company's.
        carry.subject, carry.subject_text = [], ""
    # NOTE: 这一数字 in the next sentence points back to the headline (first) figure.
    carry.metrics, carry.metrics_paragraph = {}, sentence.span.paragraph
    for r in sentence.readings:
        if r.metric:
            carry.metrics.setdefault(r.unit_class, r.metric)
    rows = mark_parts(sentence, rows, carry.last_rows)
    carry.last_rows = rows
    return rows


def _part_key(row: dict) -> tuple:
    """The table key of a row; a domain segment (robotaxi, adas_chip) names no breakdown."""
    segment = "" if row["segment"] in DOMAIN_SEGMENTS else row["segment"]
    return (*(row[k] for k in PART_KEY), segment)


def mark_parts(sentence: Sentence, rows: list[dict], previous: list[dict]) -> list[dict]:
    """其中: a figure after it that equals a total before it on every table key is a part.

    The part keeps its row (a true statement) with ``part_of`` = the total's fact id and
    ``is_topic_fact`` False: the share tables could not tell it from its total's cell (the key
    cannot show "driverless" or "Austin"), and the dev gold lists the total only.
    NOTE: a part that names its dimension in a key (其中新能源汽车出口: another metric; 其中对俄
    出口: a market; 其中乘用车: a breakdown segment) is no part: it has a cell of its own.
    Domain segments (robotaxi, adas_chip) only name the topic and do not count as a dimension.
    ``previous`` holds the rows of the sentence before, for a sentence opening with 其中.

    Example:
        >>> body = "小馬智行路測里程超5500萬公里,其中全無人駕駛里程超1000萬公里。"
        >>> rows = extract_article_facts("a", body, "2025-11-06")
        >>> [(r["value"], r["is_topic_fact"], bool(r["part_of"])) for r in rows]
        [(55000000.0, True, False), (10000000.0, False, True)]
    """
    m = PART_RE.search(sentence.norm)
    if m is None:
        return rows
    cut = sentence.span.start + m.start()
    before = [r for r in rows if r["char_end"] <= cut] or (previous if m.start() < 3 else [])
    totals = {_part_key(r): r["fact_id"] for r in before}
    for row in rows:
        total = totals.get(_part_key(row))
        if row["char_start"] >= cut and total is not None:
            row["part_of"], row["is_topic_fact"] = total, False
    return rows


def _reading_facts(sentence: Sentence, idx: int, pending: _Pending, ctx: ArticleContext,
                   carry: Carry, ctx_ok: dict) -> list[dict]:  # fmt: skip
    """The fact rows of one reading (several for 各 lists)."""
    kind, item = pending.mapped or ("", None)
    groups = [[item]] if kind == "subject" else choose_subjects(sentence, idx, ctx.vocab)
    if groups:
        sentence.last_subjects = groups[-1]
    rows = []
    for group in groups or [[]]:
        row = _fact_row(sentence, idx, pending, group, ctx, carry, ctx_ok)
        if row is not None:
            rows.append(row)
    return rows


def _fact_row(sentence: Sentence, idx: int, pending: _Pending, group: list[attr.Mention],
              ctx: ArticleContext, carry: Carry, ctx_ok: dict) -> dict | None:  # fmt: skip
    """Assemble one fact row, or None when no subject can be found."""
    vocab, r = ctx.vocab, sentence.readings[idx]
    kind, item = pending.mapped or ("", None)
    metric = _promote_target(sentence, r, pending.metric, vocab)
    provisional = attr.market_code(item) if kind == "market" else ""
    market = provisional or choose_market(sentence, r, metric, "", vocab)
    sentence.last_market = market
    anaphoric = bool(vocab.patterns["anaphora_cues"].search(sentence.norm))
    subject = _subject_record(sentence, group, metric, market, carry, vocab, anaphoric)
    if subject is None:
        return None
    sentence.row_subject = subject
    entity_id = _china_abroad(subject[0], metric, market)
    if kind == "period":
        period, inferred, fiscal = item, False, False
    else:
        period, inferred, fiscal = choose_period(sentence, r, ctx, metric)
    if group or anaphoric:
        carry.subject_age = 0
    if group:
        carry.subject, carry.subject_text = [m.entity_id for m in group], subject[1]
    return _row(sentence, idx, pending, metric, entity_id, subject[1], market,
                (period, inferred, fiscal), ctx, carry, ctx_ok)  # fmt: skip


def _promote_target(sentence: Sentence, r: Reading, metric: str, vocab: Vocabulary) -> str:
    """A fleet_size in a sentence with a target cue before it is a fleet_target."""
    for target in vocab.metrics.values():
        if target.target_of == metric and vocab.qualifier_cues["target"].search(
            sentence.norm, 0, r.start
        ):
            return target.name
    return metric


def _row(sentence: Sentence, idx: int, pending: _Pending, metric: str, entity_id: str,
         entity_text: str, market: str, period: tuple[str, bool, bool], ctx: ArticleContext,
         carry: Carry, ctx_ok: dict) -> dict:  # fmt: skip
    vocab, r = ctx.vocab, sentence.readings[idx]
    spec = vocab.metrics[metric]
    base = base_metric(sentence, idx, vocab, ctx_ok) if spec.is_change else ""
    value = signed_value(sentence, idx, pending.cue_start, vocab) if spec.is_change else r.value
    cues = _cues(sentence, vocab, 0, len(sentence.norm), None, ctx_ok)
    own_level = any(not vocab.metrics[c[2]].is_change for c in cues)
    # NOTE: a domain segment (robotaxi, adas_chip) carries to the next sentence as it is; a
    # breakdown segment (nev) only to one without a level metric of its own or continuing the
    # same level metric (a ranking).
    continues = not own_level or (not spec.is_change and metric == carry.segment_metric)
    carried = carry.segment if carry.segment in DOMAIN_SEGMENTS or continues else ""
    segment = figure_segment(sentence, r, vocab, carried)
    types = attr.types_of(entity_id, ctx.catalog)
    robotaxi = ctx_ok.get("robotaxi", False) or bool(types and types <= ROBOTAXI_TYPES)
    topic_metric = base if spec.is_change and base else metric
    chinese = _is_chinese(entity_id, ctx.catalog)
    topic = assign_topic(vocab, topic_metric, types, market, segment, robotaxi, chinese)
    source = _source(sentence, r, entity_id, carry, ctx)
    start, end = sentence.span.start + r.start, sentence.span.start + r.end
    return {
        "fact_id": fact_id(ctx.article_id, start, end, metric, entity_id),
        "article_id": ctx.article_id,
        "topic": topic,
        "is_topic_fact": is_topic_fact(vocab, topic, metric, market),
        "entity_id": entity_id,
        "entity_text": entity_text,
        "parent_id": attr.parent_of(entity_id, ctx.catalog),
        "metric": metric,
        "base_metric": base,
        "value": float(value),
        "value_high": r.high,
        "unit": r.unit,
        "period": period[0],
        "period_inferred": bool(period[1]),
        "is_fiscal": bool(period[2]),
        "market": market,
        "segment": segment,
        "qualifier": choose_qualifier(sentence, r, vocab),
        "data_source": source,
        "sentence": sentence.span.text,
        "sentence_start": sentence.span.start,
        "char_start": start,
        "char_end": end,
        "number_text": r.text,
        "part_of": "",
    }


def figure_segment(sentence: Sentence, r: Reading, vocab: Vocabulary, carried: str) -> str:
    """The segment a figure is stated for: named in its clause, else before it in the sentence.

    NOTE: a segment named only *after* a figure is another figure's (出口832万辆；其中新能源汽车
    出口343万辆: the total is no NEV figure). A sentence naming no segment and no level metric
    of its own (同比增长90%。这一数字…) continues the previous sentence's headline segment
    (``carried``); so does one that continues its metric (a ranking: 地平线份额…。Mobileye份额…).
    The caller passes "" when the sentence states another level metric (出口 after 新能源出口).

    Example:
        >>> text = "汽車出口832萬輛;其中新能源汽車出口343萬輛"
        >>> s = make_sentence(Span(0, len(text), text), "")
        >>> s.readings = read_numbers(s)
        >>> [figure_segment(s, r, load_vocabulary(), "") for r in s.readings]
        ['', 'nev']
    """
    c_lo, c_hi = sentence.clauses[r.clause]
    found = attr.find_segment(sentence.norm[c_lo:c_hi], vocab)
    found = found or attr.find_segment(sentence.norm[: r.start], vocab)
    if found or attr.find_segment(sentence.norm, vocab):
        return found
    return carried


def _is_chinese(entity_id: str, catalog: Catalog) -> bool:
    """China, Chinese brands or a Chinese region (regions elsewhere are foreign sellers)."""
    first = entity_id.split("+")[0]
    if first == "chinese_brands":
        return True
    entity = catalog.entities.get(first)
    return entity is None or entity.iso in (None, "CN")


def _source(sentence: Sentence, r: Reading, entity_id: str, carry: Carry,
            ctx: ArticleContext) -> str:  # fmt: skip
    """A named statistics body or firm in the sentence, the article's last one, or the company.

    NOTE: a source named earlier (a caption's 来源 line included) carries to the figures of
    the next :data:`SOURCE_REACH` sentences that have figures (佐思数据显示…。装配率方面…
    continues its report), and never to prices, revenue or funding: statistics bodies and
    research firms count vehicles, shares and growth, a battery price after 乘联会数据显示 is
    not their figure.
    """
    named = [m.entity_id for m in sentence.mentions if m.role == "source"]
    if named:
        return named[0]
    carried = carry.source and carry.source_age < SOURCE_REACH
    if carried and r.metric not in NOT_FROM_CARRIED_SOURCE:
        return carry.source
    return attr.company_source(entity_id, sentence.norm, ctx.vocab, ctx.catalog)


def fact_id(article_id: str, start: int, end: int, metric: str, entity_id: str) -> str:
    """Stable id of a fact: a hash of article, character span, metric and entity.

    Example:
        >>> fact_id("a1", 10, 16, "exports", "china")
        'f-044470333d4eb418'
    """
    key = f"{article_id}|{start}|{end}|{metric}|{entity_id}"
    return "f-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# --- articles ---------------------------------------------------------------------------------
def _update_carry(carry: Carry, sentence: Sentence, vocab: Vocabulary) -> None:
    """Start a paragraph afresh; remember sources, segment and a sentence's lone subject."""
    # NOTE: the subject survives paragraph breaks (公司/其 in a later paragraph still means the
    # article's company); the segment does not.
    if sentence.span.paragraph != carry.paragraph:
        carry.paragraph, carry.segment = sentence.span.paragraph, ""
    sources = [m.entity_id for m in sentence.mentions if m.role == "source"]
    if sources:
        carry.source, carry.source_age = sources[0], 0
    # NOTE: a segment holds for the next sentence only (新能源汽车出口…。同比… continues it);
    # further on, a figure without one is not the segment's (重庆近250万辆 after a sentence on
    # NEVs is its total output). After a sentence with figures, that is its headline's segment.
    headline = carry.last_rows[0] if sentence.readings and carry.last_rows else None
    if headline is None:
        carry.segment, carry.segment_metric = attr.find_segment(sentence.norm, vocab), ""
    else:
        carry.segment, carry.segment_metric = headline["segment"], headline["metric"]
    if not sentence.readings:
        carry.metrics = {}  # cue-less figures inherit only from the sentence right before
    subjects = [m for m in sentence.mentions if m.role == "subject"]
    if subjects and not sentence.readings:
        carry.subject, carry.subject_text = [subjects[0].entity_id], subjects[0].text
        carry.subject_age = 0


def extract_article_facts(article_id: str, body: str, published_date: object = None, *,
                          catalog: Catalog | None = None, vocab: Vocabulary | None = None,
                          fallback_date: str = "") -> list[dict]:  # fmt: skip
    """Extract every fact of one article body.

    Args:
        article_id: id carried into each row (and into ``fact_id``).
        body: the article body; offsets in the rows point into it.
        published_date: ISO date of the article, or None/NaN (then estimated, see NOTE above).
        catalog: entity catalog; vocab: facts vocabulary (packaged ones by default).
        fallback_date: ISO date standing in (flagged as estimated) when neither a published
            date nor the text gives one (see :func:`date_hints`).

    Returns:
        One dict per fact with the keys of :data:`COLUMNS`.

    Example:
        >>> body = "小馬智行車隊規模超720輛,年底目標突破1000輛。"
        >>> rows = extract_article_facts("a", body, "2025-11-06")
        >>> [(r["metric"], r["value"], r["period"]) for r in rows]
        [('fleet_size', 720.0, '2025-11-06'), ('fleet_target', 1000.0, '2025')]
    """
    catalog, vocab = catalog or load_catalog(), vocab or load_vocabulary()
    ref, estimated = reference_date(body, published_date, fallback_date)
    # NOTE: an estimated date is a lower bound: a year-less 1-11月 after it is still its year.
    period_ref = dt.date(ref.year, 12, 31) if estimated and ref else ref
    periods = body_periods(body, period_ref)
    ctx = ArticleContext(article_id, body, ref, estimated, periods, vocab, catalog)
    mentions = attr.find_mentions(body, catalog=catalog, vocab=vocab)
    carry, rows, previous = Carry(), [], None
    for span in split_sentences(body):
        sentence = make_sentence(span, body, all_periods=ctx.all_periods, mentions=mentions)
        sentence.previous_start = previous.start if previous is not None else span.start
        previous, carry.subject_age = span, carry.subject_age + 1
        sentence.readings = read_numbers(sentence)
        if sentence.span.paragraph != carry.paragraph:
            _update_carry(carry, sentence, vocab)
        if sentence.readings:
            rows += sentence_facts(sentence, ctx, carry)
            carry.source_age += 1
        _update_carry(carry, sentence, vocab)
    return rows


def date_hints(articles: pd.DataFrame) -> list[str]:
    """For an article with no date of its own (none published, none in its text): the latest
    date of the other articles in the same raw file, else "".

    NOTE: a dump is collected at one time; an undated article in it is dated like its
    neighbours (flagged as estimated) rather than left without any period.

    Example:
        >>> df = pd.DataFrame({"source_file": ["d.txt"] * 2, "published_date": [None] * 2,
        ...                    "body": ["2025年11月出口72萬輛。", "11月車隊約30輛。"]})
        >>> date_hints(df)
        ['', '2025-11-30']
    """
    if "source_file" not in articles or not len(articles):
        return [""] * len(articles)
    published = articles.get("published_date")
    refs = [
        own_date(body, None if published is None else published.iloc[i])
        for i, body in enumerate(articles["body"])
    ]
    files = articles["source_file"].astype(str).tolist()
    latest: dict[str, dt.date] = {}
    for f, ref in zip(files, refs, strict=True):
        if ref is not None and (f not in latest or ref > latest[f]):
            latest[f] = ref
    return [
        "" if ref is not None or f not in latest else latest[f].isoformat()
        for f, ref in zip(files, refs, strict=True)
    ]


def _with_file_position(articles: pd.DataFrame) -> pd.DataFrame:
    """1-based order of each article inside its raw file (before dedup drops any)."""
    if not {"source_file", "source_line"} <= set(articles):
        return articles
    order = articles.groupby("source_file")["source_line"].rank(method="first")
    return articles.assign(file_position=order.astype(int))


def extract_facts(
    articles: pd.DataFrame,
    *,
    canonical_only: bool = True,
    previous: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Extract the facts of an articles table (stage 02 output) into one facts table.

    Args:
        articles: needs ``article_id``, ``body``, ``published_date``; with ``is_canonical``
            (from stage 02) only canonical articles are read, so duplicates add no facts.
        canonical_only: set False to read every row (e.g. before dedup, in tests).
        previous: ``(facts, facts_log)`` of an earlier run (incremental runs): articles the
            log lists with the same id, date and extractor version are not read again; their
            facts are reused. The result equals a full extraction.

    Returns:
        The facts table (:data:`COLUMNS` plus :data:`ARTICLE_EXTRAS` when the articles have
        them; titles stay in the articles table).

    Example:
        >>> df = pd.DataFrame({"article_id": ["a", "b"], "is_canonical": [True, False],
        ...     "body": ["蕪湖出口汽車超83萬輛。"] * 2, "published_date": ["2025-12-01"] * 2})
        >>> extract_facts(df)[["article_id", "entity_id", "value", "qualifier"]].values.tolist()
        [['a', 'wuhu', 830000.0, 'over']]
    """
    articles = _with_file_position(articles)
    if canonical_only and "is_canonical" in articles:
        articles = articles[articles["is_canonical"].astype(bool)]
    articles = articles.assign(date_hint=date_hints(articles))
    reused, todo = incremental.split_for_facts(articles, previous)
    rows = []
    for art in todo.itertuples(index=False):
        rows += extract_article_facts(
            art.article_id,
            art.body,
            getattr(art, "published_date", None),
            fallback_date=art.date_hint,
        )
    facts = pd.concat([reused, pd.DataFrame(rows, columns=COLUMNS)], ignore_index=True)
    facts = incremental.order_rows(facts, "article_id", articles["article_id"].tolist())
    facts["value_high"] = pd.to_numeric(facts["value_high"]).astype(float)  # NaN, not None
    # NOTE: quality_score travels with each fact so that figures read from garbled text can be
    # filtered or flagged downstream (stage 01 lowers it for ?? and private-use garble).
    extra = [c for c in ARTICLE_EXTRAS if c in articles]
    if extra:
        # NOTE: an empty articles table read back from parquet types article_id as float
        extras = articles[["article_id", *extra]].astype({"article_id": str})
        facts = facts.merge(extras, on="article_id", how="left", validate="many_to_one")
    return facts.reset_index(drop=True)


def facts_log(articles: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """One row per article read for facts: id, date, extractor version, number of facts.

    Example:
        >>> arts = pd.DataFrame({"article_id": ["a"], "published_date": ["2025-12-01"]})
        >>> facts_log(arts, pd.DataFrame({"article_id": ["a", "a"]}))["n_facts"].tolist()
        [2]
    """
    if "is_canonical" in articles:
        articles = articles[articles["is_canonical"].astype(bool)]
    articles = articles.assign(date_hint=date_hints(articles))
    counts = facts["article_id"].value_counts() if len(facts) else pd.Series(dtype="int64")
    return pd.DataFrame(
        {
            "article_id": articles["article_id"].to_numpy(),
            "published_date": incremental.date_keys(articles),
            "extractor_version": incremental.extractor_version(),
            "n_facts": articles["article_id"].map(counts).fillna(0).astype("int64").to_numpy(),
        }
    )


def load_previous(processed_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """``(facts, facts_log)`` of an earlier run in ``processed_dir`` (for ``previous=``)."""
    return incremental.load_previous_facts(processed_dir)
