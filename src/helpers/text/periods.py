"""Find time periods in Chinese news text and normalise them (2025, 2025-11, 2025-Q2, ...).

The facts stage needs the period a figure refers to. ``extract_periods`` returns one dict per
period expression with its span, a normalised ``period`` string and whether the year had to be
inferred. Normalised forms:

- ``2025`` (2025年, 今年), ``2025-11`` (2025年11月), ``2025-11-06`` (2025 年 11 月 6 日)
- ``2025-Q2`` (第二季度, 2025Q2, Q2 2025), ``2025-H1`` (上半年, 2025H1)
- ranges ``2025-01/2025-11`` (1—11月, 前11個月, 1至11月); 前三季度 -> ``2025-01/2025-09``
- 年底/年末 -> the year (``2025``) with kind ``year_end``

NOTE: a span without a written year (11月, 第二季度, 1—11月) takes the last year written
(or resolved) earlier in the text — the year the passage is about — unless that year lies
after ``ref_date``; otherwise the year of ``ref_date``, one year back when the span would
end after the article's date (12月 or 前三季度 in a January article are last year's). Either way
``is_inferred`` is True. Relative words (今年, 去年, 明年, 前年) need ``ref_date``: without it
``period`` is None. 上年/上一年 (the year before) and 當年/全年 (that year) are relative to
the year written earlier, falling back to ``ref_date``. We never guess a year from the
machine clock. Fiscal years (2025財年) carry ``is_fiscal`` True.

Example:
    >>> [(p["text"], p["period"]) for p in extract_periods("2025年1—11月出口634.3萬輛")]
    [('2025年1—11月', '2025-01/2025-11')]
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from helpers.text.numerals import parse_cn_numeral
from helpers.text.prefilter import opening_re
from helpers.text.script import normalize_width

_CN_SMALL = "〇零一二三四五六七八九十兩两"
_NUM = rf"(?:\d{{1,2}}|[{_CN_SMALL}]{{1,3}})"
RELATIVE_YEARS = {"今年": 0, "本年": 0, "去年": -1, "前年": -2, "明年": 1}
# Relative to the year written earlier in the text (the passage's year), not to the article date.
CONTEXT_YEARS = {"上一年": -1, "上年": -1, "前一年": -1, "當年": 0, "当年": 0, "全年": 0}
HALVES = {"上半年": "H1", "下半年": "H2"}
# Words before a year that make it a comparison base, not the passage's year.
# Words right before a year that make it a plan's or a forecast's (计划2026年…, 预计到2027年):
# a target year is not the year the passage reports on.
PLAN_RE = re.compile(
    r"(?:计划|計畫|計劃|目标|目標|预计|預計|预期|預期|有望|力争|力爭|争取|爭取|规划|規劃|将|將)"
    r" *(?:在|于|於|到|至)? *$"
)
# 由/从 a year to a new level (占比由2021年的14.9%提升至29.3%): the year is where a change
# starts, a comparison base, not the year the passage is about.
FROM_BEFORE_RE = re.compile(r"[由从從] *$")
MOVE_AFTER_RE = re.compile(
    r"[^，,。；;]{0,24}?(?:升|增|提升|提高|上升|下降|降|减少|減少|回落|下滑|扩大|擴大)了?(?:至|到)"
)


def _is_start_of_move(s: str, m: re.Match) -> bool:
    """A period after 由/从 whose clause moves on to a new level (see :data:`MOVE_AFTER_RE`)."""
    before = FROM_BEFORE_RE.search(s, max(0, m.start() - 2), m.start())
    return bool(before and MOVE_AFTER_RE.match(s, m.end()))


# A period followed by a multiple is a comparison base too (为去年同期3.5倍, 是上年的两倍).
TIMES_AFTER_RE = re.compile(
    r" *(?:同期)? *(?:的)? *(?:\d+(?:\.\d+)?|[一二两兩三四五六七八九十]+) *倍"
)
COMPARED_RE = re.compile(r"(?:超过|超過|超出|高于|高於|低于|低於|较|較|比|相比|相較|相较)于?於? *$")
YEAR_PART = (
    r"(?:(?P<year>(?:19|20)\d\d|[〇零一二三四五六七八九]{4})"
    r" *(?:(?P<fy>[財财]年|[財财]政年度)|年度?)"
    rf"|(?P<rel>{'|'.join(RELATIVE_YEARS)})|(?P<ctx>{'|'.join(CONTEXT_YEARS)}))"
)
TAIL_PART = (
    r"(?:"
    rf"(?P<m1>{_NUM}) *(?:月份?)? *(?:[-—–~～至到]|——) *(?P<m2>{_NUM}) *月份?"
    rf"|[前首] *(?P<first_n>{_NUM}) *[個个]?月"  # 首11個月 (HK/TW) = 前11个月
    r"|[前首] *(?P<first_q>[一二三1-3]) *[個个]?季度?"
    r"|第? *(?P<q>[一二三四1-4]) *季度"
    # Taiwan/HK write 第四季 and 前三季 without 度; 四季 alone (四季如春) is no quarter.
    r"|第 *(?P<q_short>[一二三四1-4]) *季(?![节節风風])"
    r"|(?P<half>上半年|下半年)"
    rf"|(?P<m>{_NUM}) *月份?(?: *(?P<d>{_NUM}) *[日號号])?"
    r"|(?P<end>年底|年末|底|末)"
    r")"
)
NOT_AFTER_NUMERAL = r"(?<![\d〇零一二三四五六七八九十])"
PERIOD_RE = re.compile(
    # Both parts optional in the pattern; a match with neither is dropped in the loop.
    rf"{NOT_AFTER_NUMERAL}(?:{YEAR_PART} *)?(?:{TAIL_PART})?"
)
LATIN_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<year>(?:19|20)\d\d) *(?P<qh>[QH][1-4])"
    r"|(?P<qh2>[QH][1-4]) *(?P<year2>(?:19|20)\d\d))(?![A-Za-z0-9])"
)


# A two-digit year opening a clause (24年國內出貨量…，25年開推…), as HK, Taiwan and mainland
# market notes write them; not a count of years (成立24年, 10年来, 20年间, 30年前).
SHORT_YEAR_RE = re.compile(
    r"(?:^|(?<=[，,。；;：:、\n（(]))(?P<yy>[1-3]\d) *年"
    r"(?![来來间間内內前后後多龄齡级級半\d])"
)


def _short_years(text: str, s: str) -> list[dict]:
    """Year periods written with two digits at a clause start (see :data:`SHORT_YEAR_RE`)."""
    return [
        {"text": text[m.start() : m.end()], "start": m.start(), "end": m.end(),
         "period": str(2000 + int(m["yy"])), "kind": "year", "is_inferred": False,
         "is_fiscal": False, "is_base": False}
        for m in SHORT_YEAR_RE.finditer(s)
    ]  # fmt: skip


def _to_date(ref_date: dt.date | str | None) -> dt.date | None:
    if ref_date is None or isinstance(ref_date, dt.date):
        return ref_date
    return dt.date.fromisoformat(str(ref_date)[:10])


# NOTE: cached: a body's periods read the same few numerals (11, 十一, 三) over and over, and
# reading one (parse_cn_numeral) was a fifth of extract_periods.
@functools.lru_cache(maxsize=4096)
def _num(text: str | None) -> int | None:
    """Month, day or quarter number from Arabic or Chinese digits (十一 -> 11)."""
    if text is None:
        return None
    value = parse_cn_numeral(text.replace("兩", "二").replace("两", "二"))
    return None if value is None else int(value)


def _tail(g: dict, year: int | None) -> tuple[str | None, str]:
    """The normalised period and its kind for the part after the year."""
    if year is None:
        return None, _tail_kind(g)
    if g["m1"]:
        return f"{year}-{_num(g['m1']):02d}/{year}-{_num(g['m2']):02d}", "range"
    if g["first_n"]:
        return f"{year}-01/{year}-{_num(g['first_n']):02d}", "range"
    if g["first_q"]:
        return f"{year}-01/{year}-{3 * _num(g['first_q']):02d}", "range"
    if g["q"]:
        return f"{year}-Q{_num(g['q'])}", "quarter"
    if g["half"]:
        return f"{year}-{HALVES[g['half']]}", "half"
    if g["m"]:
        return _month_or_day(g, year)
    if g["end"]:
        return str(year), "year_end"
    return str(year), "year"


def _tail_kind(g: dict) -> str:
    for key, kind in (("m1", "range"), ("first_n", "range"), ("first_q", "range"),
                      ("q", "quarter"), ("half", "half"), ("d", "day"), ("m", "month"),
                      ("end", "year_end")):  # fmt: skip
        if g[key]:
            return kind
    return "year"


def _month_or_day(g: dict, year: int) -> tuple[str, str]:
    month = _num(g["m"])
    if g["d"]:
        return f"{year}-{month:02d}-{_num(g['d']):02d}", "day"
    return f"{year}-{month:02d}", "month"


def _is_valid(g: dict) -> bool:
    """Months 1-12, days 1-31, and 月 alone (本月) is not a period here."""
    months = [_num(g[k]) for k in ("m", "m1", "m2", "first_n") if g[k]]
    if any(m is None or not 1 <= m <= 12 for m in months):
        return False
    day = _num(g["d"]) if g["d"] else 1
    return day is not None and 1 <= day <= 31


# NOTE: complexity 15: one branch per way a year is written (explicit, relative, fiscal, context),
# in priority order.
def _year_of(g: dict, ref: dt.date | None, context_year: int | None) -> tuple[int | None, bool]:
    """The year a span refers to, and whether it was inferred rather than written."""
    if g["year"]:
        return _num_year(g["year"]), False
    if g["rel"]:
        return (None if ref is None else ref.year + RELATIVE_YEARS[g["rel"]]), True
    if g["end"] and ref is not None:
        return ref.year, True  # 年底 with no year: this year's end, whatever was discussed
    usable = context_year if ref is None or (context_year or 0) <= ref.year else None
    if g["ctx"]:
        base = usable if usable is not None else (ref.year if ref else None)
        return (None if base is None else base + CONTEXT_YEARS[g["ctx"]]), True
    if usable is not None:
        return usable, True
    if ref is not None:
        return ref.year - _starts_after(g, ref), True
    return None, True


# NOTE: complexity 14: one test per character that may stand before a period expression.
def _starts_after(g: dict, ref: dt.date) -> int:
    """1 when a year-less span would end after ``ref`` (12月 or 前三季度 in a January article)."""
    if g["m1"] or g["m"]:
        last = _num(g["m2"] or g["m"]) or 1
    elif g["first_n"] or g["first_q"]:
        last = _num(g["first_n"]) if g["first_n"] else 3 * (_num(g["first_q"]) or 1)
    elif g["q"]:
        last = 3 * (_num(g["q"]) or 1)
    else:
        last = 6 if g["half"] == "上半年" else 12 if g["half"] else 1
    return int((last or 1) > ref.month)


def _num_year(text: str) -> int:
    if text.isdigit():
        return int(text)
    return int(parse_cn_numeral(text) or 0)


def _latin_period(m: re.Match) -> dict:
    year = m.group("year") or m.group("year2")
    qh = m.group("qh") or m.group("qh2")
    kind = "quarter" if qh[0] == "Q" else "half"
    return {"period": f"{year}-{qh}", "kind": kind, "is_inferred": False, "is_fiscal": False}


@functools.cache
def _period_opening() -> re.Pattern[str]:
    """Every character a period can start with (built on first use: ~0.05 s, not at import)."""
    return opening_re(PERIOD_RE)


def _unnamed(pattern: str) -> str:
    """The pattern with its named groups made non-capturing (for a copy inside a lookahead).

    Example:
        >>> _unnamed("(?P<m>[一二]) *月")
        '(?:[一二]) *月'
    """
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@functools.cache
def _period_scan() -> re.Pattern[str]:
    """:data:`PERIOD_RE` that matches only where its match is not empty (built on first use).

    NOTE: PERIOD_RE's match at a position is non-empty exactly when its year part or its
    tail part matches there (both are optional, greedy, and never empty); the lookahead
    tests that with group-free copies, after the cheap tests (an opening character, no
    numeral before). ``finditer`` of this pattern gives the non-empty matches of PERIOD_RE
    (same spans, same groups) in one C scan, where
    :func:`~helpers.text.prefilter.nonempty_matches` called ``match`` from Python at every
    digit, numeral and other opening character (0.43 -> 0.35 s over the bench's bodies).
    """
    either = f"(?:{_unnamed(YEAR_PART)}|{_unnamed(TAIL_PART)})"
    opening = f"(?={_period_opening().pattern}){NOT_AFTER_NUMERAL}"
    return re.compile(f"{opening}(?={either}){PERIOD_RE.pattern}")


def extract_periods(text: str, ref_date: dt.date | str | None = None) -> list[dict]:
    """Find period expressions in ``text`` and normalise them.

    Args:
        text: running Chinese text (Simplified or Traditional, any width).
        ref_date: the article's publication date (date or ISO string); resolves 今年/去年 and
            year-less months. Optional.

    Returns:
        One dict per expression in text order: ``text``, ``start``, ``end``, ``period``
        (normalised string, or None when the year cannot be resolved), ``kind`` (year, month,
        day, quarter, half, range, year_end), ``is_inferred`` and ``is_fiscal``.

    Example:
        >>> [(p["text"], p["period"], p["is_inferred"])
        ...  for p in extract_periods("去年前11個月對歐洲交付近16萬輛", ref_date="2026-01-20")]
        [('去年前11個月', '2025-01/2025-11', True)]
        >>> extract_periods("第二季度總營收", ref_date="2025-08-11")[0]["period"]
        '2025-Q2'
    """
    s = normalize_width(text)
    ref = _to_date(ref_date)
    # NOTE: LATIN_RE opens with a lookbehind, so it is tried at every position; every match
    # holds a Q or an H, and most bodies hold neither.
    latin = LATIN_RE.finditer(s) if "Q" in s or "H" in s else ()
    found = [
        {"text": text[m.start() : m.end()], "start": m.start(), "end": m.end(), **_latin_period(m)}
        for m in latin
    ] + _short_years(text, s)
    state = _Written()
    # NOTE: PERIOD_RE matches the empty string at almost every position (2 M of 2.2 M
    # characters), and ``_groups`` drops those: only its non-empty matches are read
    # (:func:`_period_scan`; those of :func:`helpers.text.prefilter.nonempty_matches`).
    for m in _period_scan().finditer(s):
        if not m.group().strip():
            continue
        g = _groups(m)
        if g is None:
            continue
        year, inferred = _resolve_year(g, m, s, ref, state)
        period, kind = _period_kind(g, m, s, year, state)
        base = COMPARED_RE.search(s, max(0, m.start() - 4), m.start()) or TIMES_AFTER_RE.match(
            s, m.end()
        )
        planned = PLAN_RE.search(s, max(0, m.start() - 5), m.start()) or _is_start_of_move(s, m)
        _remember(state, g, m, year, period, kind, bool(base or planned))
        end = m.start() + len(m.group().rstrip())
        item = {"text": text[m.start() : end], "start": m.start(), "end": end}
        flags = {"is_inferred": inferred, "is_fiscal": bool(g["fy"])}
        flags["is_base"] = bool(base)  # 较去年同期: dates a comparison base only
        found.append({**item, "period": period, "kind": kind, **flags})
    return _with_relative_spans(text, s, ref, sorted(found, key=lambda p: p["start"]))


# Relative spans below year level (issue 14): the month before the article's (上月), the month
# just named or else the article's (当月), the year to date (年初至今, 今年以来), and the quarter
# just named (本季度, 当季: an earnings story's own quarter). NOTE: 本月 stays out: it is rare in
# these reports and a test keeps it no period.
RELATIVE_SPAN_RE = re.compile(
    r"(?P<last_month>上個月|上个月|上月)"
    r"|(?P<that_month>當月|当月)"
    r"|(?P<ytd>年初至今|年初以來|年初以来|今年以來|今年以来|年內至今|年内至今)"
    r"|(?P<this_quarter>本季度|當季度|当季度|該季度|该季度|本季|當季|当季)"
)


def _with_relative_spans(text: str, s: str, ref: dt.date | None, found: list[dict]) -> list[dict]:
    """Add the :data:`RELATIVE_SPAN_RE` spans (replacing a 今年 inside 今年以来).

    NOTE: without the article's date 上月 and 年初至今 have no period (None), like 今年; 本季度
    and 当月 take the quarter or month written before them, which needs no date.

    Example:
        >>> [p["period"] for p in extract_periods("比亞迪上月出口8萬輛", ref_date="2026-01-10")]
        ['2025-12']
        >>> [p["period"] for p in extract_periods("2025年第三季度財報顯示，本季度收入增長")]
        ['2025-Q3', '2025-Q3']
    """
    added = []
    for m in RELATIVE_SPAN_RE.finditer(s):
        before = [p for p in found if p["end"] <= m.start() and p["period"]]
        period, kind = _relative_period(m.lastgroup or "", ref, before)
        base = COMPARED_RE.search(s, max(0, m.start() - 4), m.start())
        added.append({"text": text[m.start() : m.end()], "start": m.start(), "end": m.end(),
                      "period": period, "kind": kind, "is_inferred": True, "is_fiscal": False,
                      "is_base": bool(base)})  # fmt: skip
    if not added:
        return found
    kept = [p for p in found if not any(a["start"] <= p["start"] < a["end"] for a in added)]
    return sorted(kept + added, key=lambda p: p["start"])


def _relative_period(name: str, ref: dt.date | None, before: list[dict]) -> tuple[str | None, str]:
    """The period and kind of one relative span (see :data:`RELATIVE_SPAN_RE`)."""
    if name == "this_quarter":
        return _last_of(before, ("quarter",)), "quarter"
    named = _last_of(before, ("month", "day")) if name == "that_month" else None
    if named:
        return named[:7], "month"
    kind = "range" if name == "ytd" else "month"
    return (None if ref is None else _RELATIVE_TO_DATE[name](ref)), kind


def _last_of(periods: list[dict], kinds: tuple[str, ...]) -> str | None:
    """The last period of one of ``kinds`` (the quarter or month just named), or None."""
    return next((p["period"] for p in reversed(periods) if p["kind"] in kinds), None)


def _month_before(ref: dt.date) -> str:
    previous = ref.replace(day=1) - dt.timedelta(days=1)
    return f"{previous.year}-{previous.month:02d}"


_RELATIVE_TO_DATE = {
    "last_month": _month_before,
    "that_month": lambda ref: f"{ref.year}-{ref.month:02d}",
    "ytd": lambda ref: f"{ref.year}-01/{ref.year}-{ref.month:02d}",
}


@dataclass
class _Written:
    """What the periods written so far in a text say about the next ones."""

    context_year: int | None = None  # the year 上年/全年/year-less months refer to
    last_written: tuple[int, int] | None = None  # (end offset, year) of the last written year
    shapes: dict = field(default_factory=dict)  # year-less shape (1-11月) -> year written with
    last_fine: tuple[str, int] | None = None  # (period, year) of the last below-year period


def _groups(m: re.Match) -> dict | None:
    """The named groups of a period match, or None when it is no usable period."""
    g = m.groupdict()
    g["q"] = g["q"] or g.pop("q_short")
    if not m.group().strip() or not _is_valid(g) or _is_bare_end(g):
        return None
    return g


def _resolve_year(
    g: dict, m: re.Match, s: str, ref: dt.date | None, state: _Written
) -> tuple[int | None, bool]:
    """The year of a period match and whether it is inferred."""
    year, inferred = _year_of(g, ref, state.context_year)
    last = state.last_written
    if g["ctx"] and last and s[last[0] : m.start()].strip() == "":
        year = last[1] + CONTEXT_YEARS[g["ctx"]]  # 2024年全年: that year
    shape = _tail(g, 2000)[0] if not (g["year"] or g["rel"] or g["ctx"]) else None
    if shape in state.shapes:
        # NOTE: 1-11月 after 2025年1-11月 repeats that period, whatever other years came
        # between (作为对照，2024年全年…；零跑1-11月出口…).
        year = state.shapes[shape]
    return year, inferred


def _period_kind(
    g: dict, m: re.Match, s: str, year: int | None, state: _Written
) -> tuple[str | None, str]:
    """The normalised period and its kind."""
    period, kind = _tail(g, year)
    fine = state.last_fine
    if fine and year is not None and s.startswith("同期", m.end()) and kind == "year":
        # NOTE: 较上年同期: the same span as the period written before, that many years back.
        period, kind = shift_years(fine[0], year - fine[1]), "range"
    return period, kind


def _remember(
    state: _Written, g: dict, m: re.Match, year: int | None, period: str | None, kind: str,
    is_base: bool,
) -> None:  # fmt: skip
    """Update what the next periods inherit from this one."""
    # 上年/全年 follow the context year and never set it; nor does a year-end reference
    # point (截至11月23日…, 2024年底时仅为270辆, 10月下旬… : 10月 is still this year).
    # Nor does a year named as a comparison base (已超过2024年全年…的水平；单看11月…), nor a
    # plan's or forecast's year (…计划2026年将网点缩减至80家。今年1—11月… is not 2026's).
    if (g["year"] or g["rel"]) and kind != "year_end" and not is_base:
        state.context_year = year if year is not None else state.context_year
    if g["year"] and year is not None:
        state.last_written = (m.start() + len(m.group().rstrip()), year)
        if kind != "year":
            state.shapes[_tail(g, 2000)[0]] = year
    if _is_fine(period, kind, is_base):
        # NOTE: 同期 repeats the span written last, its year written or resolved (1-11月
        # in a December article, …较去年同期: January to November of the year before).
        state.last_fine = (period, year)


def _is_fine(period: str | None, kind: str, is_base: bool) -> bool:
    """A resolved period below year level that is no comparison base."""
    return bool(period) and kind not in ("year", "year_end") and not is_base


def shift_years(period: str, years: int) -> str:
    """Move every year of a period string by ``years`` (上年同期 of 2025-01/2025-09).

    Example:
        >>> shift_years("2025-01/2025-09", -1)
        '2024-01/2024-09'
    """
    return re.sub(r"\d{4}", lambda y: str(int(y[0]) + years), period)


def _is_bare_end(g: dict) -> bool:
    """底/末 alone (底盤, 末端) is a period only right after a year (2025 年底)."""
    return bool(g["end"]) and len(g["end"]) == 1 and not (g["year"] or g["rel"] or g["ctx"])


def period_bounds(period: str) -> tuple[dt.date, dt.date] | None:
    """First and last day a normalised period covers; None when it cannot be read.

    Example:
        >>> period_bounds("2025-H1")
        (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
        >>> period_bounds("2025-01/2025-11")[1]
        datetime.date(2025, 11, 30)
    """
    if not isinstance(period, str) or not period:
        return None
    parts = period.split("/")
    first, last = _bounds_one(parts[0]), _bounds_one(parts[-1])
    if first is None or last is None:
        return None
    return first[0], last[1]


def _bounds_one(p: str) -> tuple[dt.date, dt.date] | None:
    if m := re.fullmatch(r"(\d{4})", p):
        y = int(m[1])
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if m := re.fullmatch(r"(\d{4})-([QH])(\d)", p):
        size = 3 if m[2] == "Q" else 6
        end_month = size * int(m[3])
        return dt.date(int(m[1]), end_month - size + 1, 1), month_end(int(m[1]), end_month)
    if m := re.fullmatch(r"(\d{4})-(\d\d)", p):
        return dt.date(int(m[1]), int(m[2]), 1), month_end(int(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", p):
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return d, d
    return None


def month_end(year: int, month: int) -> dt.date:
    """Last day of a month.

    Example:
        >>> month_end(2025, 2)  # 2025年2月
        datetime.date(2025, 2, 28)
    """
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
