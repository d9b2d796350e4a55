"""When a figure holds: the article's (estimated) reference date, and the period of a figure."""

from __future__ import annotations

import datetime as dt
import re

from helpers.facts.schema import (
    AS_OF_BEFORE_RE,
    AS_OF_RE,
    DATELINE_RE,
    DATELINE_REACH,
    FUTURE_RE,
    MOVE_TO_RE,
    RELEASE_AFTER_RE,
    STOCK_METRICS,
    THEN_RE,
    ArticleContext,
    Reading,
    Sentence,
)
from helpers.text.periods import CONTEXT_YEARS, extract_periods, period_bounds
from helpers.text.sentences import (
    inside,
    matching_copy,
    title_spans,
)


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
    """The article's date, one the text pins down, or None; the flag says it is estimated.

    NOTE (issue 14): relative periods (今年, 去年, 上月) and undated stock figures are read
    against this date, so an estimate must come from the article itself, never from the
    nearest year it happens to mention (a founding year, a target year, a year of another
    story): on real pages with a known date that estimate named the wrong year in about
    half of the cases (annual figures come out in January; captions date old photos). In order:

    1. the published date (stage 01: a feed field, the page's metadata, a byline, a dateline,
       the URL or the file name): not estimated;
    2. a dateline without a year (11月25日，… / 中新网1月12日电) placed on or after the
       latest past period the text reports (:func:`dateline`);
    3. the latest as-of or release date written with a year (截至2025年11月23日,
       乘联会在2025年12月发布的数据): the text says when its figures stand (:func:`as_of_date`);
    4. ``fallback_date``: the date of the other articles in the same raw file
       (:func:`helpers.facts.extract.date_hints`), unless the article reports a past that
       ends in an earlier year (:func:`_neighbours_date`).

    Otherwise None: relative periods stay unresolved and stock figures undated.

    Example:
        >>> reference_date("去年出口", "2026-01-20")
        (datetime.date(2026, 1, 20), False)
        >>> reference_date("截至2025年11月23日，车队961辆。", None)
        (datetime.date(2025, 11, 23), True)
        >>> reference_date("2026年將是出海大年。2024年出口40萬輛。", None)
        (None, True)
    """
    if isinstance(published_date, str) and published_date[:10].strip():
        return dt.date.fromisoformat(published_date[:10]), False
    own = own_date(body, None)
    if own is None and fallback_date:
        return _neighbours_date(body, dt.date.fromisoformat(fallback_date)), True
    return own, True


def _neighbours_date(body: str, fallback: dt.date) -> dt.date | None:
    """The neighbours' date, unless the article's own past lies in an earlier year.

    NOTE: a dump collected in January holds December stories too: when the latest period an
    article reports ends in an earlier year than its neighbours' date, which year 今年 means
    is open, and an open year is left unresolved rather than guessed.

    Example:
        >>> _neighbours_date("2025年1—10月銷量增長。今年1—11月出口", dt.date(2026, 1, 19)) is None
        True
        >>> _neighbours_date("今年車隊擴大。", dt.date(2026, 1, 19))
        datetime.date(2026, 1, 19)
    """
    bound = _lower_bound(_written_periods(body)[1])
    return fallback if bound is None or bound.year >= fallback.year else None


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
    """The published date, else a date the text pins down (steps 1-3 of :func:`reference_date`).

    Example:
        >>> own_date("11月25日,小马智行发布财报。2024年底仅为270辆", None)
        datetime.date(2025, 11, 25)
    """
    if isinstance(published_date, str) and published_date[:10].strip():
        return dt.date.fromisoformat(published_date[:10])
    norm, past, _ = _written_periods(body)
    # NOTE: an as-of date may take its year from the text (…2025年第三季度…；截至10月31日):
    # with no article date, a year-less period's year can only come from a year written before.
    context = [p for p in body_periods(body) if p["period"] and not _is_future(norm, p["start"])]
    return dateline(norm, _lower_bound(past)) or as_of_date(norm, context)


def as_of_date(norm: str, past: list[dict]) -> dt.date | None:
    """The latest as-of or release date the text writes with a year (below year level).

    An as-of date follows 截至/截止/到 (截至2025年11月底); a release date comes right before
    发布/公布/披露 (2025年12月发布的数据). The article cannot be older, and it says when its
    figures stand.

    NOTE: a date of any other event is no estimate of the article's: a photo caption, a
    founding or an approval can lie years back (a 2025 page captioned a May 2024 launch).

    Example:
        >>> norm = "某公司2024年12月获批。截至2025年10月31日，车队超1600辆。"
        >>> as_of_date(norm, [p for p in extract_periods(norm) if p["period"]])
        datetime.date(2025, 10, 31)
    """
    ends = [
        end
        for p in past
        if p["kind"] != "year"
        and (AS_OF_BEFORE_RE.search(norm, max(0, p["start"] - 4), p["start"])
             or RELEASE_AFTER_RE.match(norm, p["end"]))
        and (end := _fine_end(p["period"]))
    ]  # fmt: skip
    return max(ends, default=None)


def dateline(norm: str, bound: dt.date | None) -> dt.date | None:
    """Place a month-day dateline without a year on or after ``bound``.

    The dateline (11月25日，… or 小马智行11月25日发布…) stands within the first
    :data:`DATELINE_REACH` characters.

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


# --- periods ----------------------------------------------------------------------------------
def choose_period(sentence: Sentence, r: Reading, ctx: ArticleContext, metric: str
                  ) -> tuple[str, bool, bool]:  # fmt: skip
    """Period of a reading: (period, is_inferred, is_fiscal).

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.entities import load_catalog
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
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
    if _has_unresolved_period(sentence, r):
        return "", True, False
    return _fallback_period(sentence, ctx, metric)


def _has_unresolved_period(sentence: Sentence, r: Reading) -> bool:
    """A relative period before the reading that no known date resolves (去年, 上月).

    NOTE: the sentence says which period it means; without the article's date that period
    is unknown, and a period carried from another sentence (2026年将是出海大年。去年出口…)
    or the passage's year would be a wrong one, not an unknown one.
    """
    return any(
        not p["period"] and p["end"] <= r.start and not p.get("is_base")
        for p in sentence.periods
    )


def _is_base_period(sentence: Sentence, period: dict, r: Reading) -> bool:
    """A period that only dates a comparison base.

    After 较/比/相比, or the 从/由 period of a 从…到 movement when a 至/到 verb stands between it
    and the reading.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> body = "份額由2024年的24%升至29%"
        >>> s = make_sentence(Span(0, len(body), body), body, all_periods=extract_periods(body))
        >>> s.readings = read_numbers(s)
        >>> [_is_base_period(s, s.periods[0], r) for r in s.readings]
        [False, True]
    """
    if re.fullmatch(r"(?: *|[^，,。；;]*的 *)", sentence.norm[period["end"] : r.start]):
        return False  # 较2023年的120.8万辆, 高于2024年…销量的41.72万辆: the base value's own period
    if period.get("is_base"):  # 较/比/超过 2024年 (helpers.text.periods.COMPARED_RE)
        return True
    before = sentence.norm[max(0, period["start"] - 3) : period["start"]]
    if not re.search(r"[从由]$", before):
        return False
    return bool(MOVE_TO_RE.search(sentence.norm, period["end"], r.start))


# NOTE: complexity 15: an ordered cascade of period rules (当时, stock figures, the sentence before,
# the article year); the first that applies wins.
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
