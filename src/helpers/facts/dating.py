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
    MAX_LISTED_YEARS,
    MOVE_TO_RE,
    PAIRED_JOIN_RE,
    RELEASE_AFTER_RE,
    STOCK_METRICS,
    THEN_RE,
    UNDATED_TARGETS,
    YEAR_RANGE_RE,
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
# How an article's reference date was found (:func:`dated_by`): its published date; a
# dateline or an as-of/release date in its text; its neighbours in the raw file; or only the
# floor of a year its text reports as complete (good for 今年/去年, not for dating "now").
DATE_BASES = ("published", "text", "neighbours", "closed_year")
# A forecast or guidance anywhere in a sentence (the plan words of FUTURE_RE and more).
FORECAST_RE = re.compile(f"{FUTURE_RE.pattern}|预估|预测|指引|展望")


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
    story). The former estimate (the latest period the text reports) named the wrong year on
    4 of the 9 round-1 real pages whose date could be checked (annual figures come out in
    January; a caption dates an old photo; an approval dates nothing). In order:

    1. the published date (stage 01: a feed field, the page's metadata, a byline, a dateline,
       the URL or the file name): not estimated;
    2. a dateline without a year (11月25日，… / 中新网1月12日电) placed on or after the
       latest past period the text reports (:func:`dateline`);
    3. the latest as-of or release date written with a year (截至2025年11月23日,
       乘联会在2025年12月发布的数据): the text says when its figures stand (:func:`as_of_date`);
    4. ``fallback_date``: the date of the other articles in the same raw file
       (:func:`helpers.facts.extract.date_hints`), unless the article reports a past that
       ends in an earlier year (:func:`_neighbours_date`);
    5. 1 January after a year the text reports as complete, when it reports nothing later
       (:func:`closed_year_date`). Not offered to the neighbours: it is a floor, not a date.

    Otherwise None: relative periods stay unresolved and stock figures undated.

    Example:
        >>> reference_date("去年出口", "2026-01-20")
        (datetime.date(2026, 1, 20), False)
        >>> reference_date("截至2025年11月23日，车队961辆。", None)
        (datetime.date(2025, 11, 23), True)
        >>> reference_date("2026年將是出海大年。2024年出口40萬輛。", None)
        (None, True)
    """
    date, basis = dated_by(body, published_date, fallback_date)
    return date, basis != "published"


def dated_by(body: str, published_date: object, fallback_date: str = ""
             ) -> tuple[dt.date | None, str]:  # fmt: skip
    """:func:`reference_date` with the step that gave it (:data:`DATE_BASES`; "" for none).

    Example:
        >>> dated_by("2025年奇瑞全年出口134万辆，其中12月出口14万辆。", None)
        (datetime.date(2026, 1, 1), 'closed_year')
    """
    if isinstance(published_date, str) and published_date[:10].strip():
        return dt.date.fromisoformat(published_date[:10]), "published"
    if own := own_date(body, None):
        return own, "text"
    if fallback_date and (near := _neighbours_date(body, dt.date.fromisoformat(fallback_date))):
        return near, "neighbours"
    norm = matching_copy(body)
    context = [p for p in body_periods(body) if p["period"] and not _is_future(norm, p["start"])]
    floor = closed_year_date(norm, context)
    return floor, "closed_year" if floor else ""


def _neighbours_date(body: str, fallback: dt.date) -> dt.date | None:
    """The neighbours' date, unless the article's own past lies in an earlier year.

    NOTE: a dump collected in January holds December stories too: when the latest period an
    article reports ends inside an earlier year than its neighbours' date (2025年1—10月), which
    year 今年 means is open, and an open year is left unresolved rather than guessed. A past
    that runs to the end of that year (12月, 全年) fits a date early in the next one.

    Example:
        >>> _neighbours_date("2025年1—10月銷量增長。今年1—11月出口", dt.date(2026, 1, 19)) is None
        True
        >>> _neighbours_date("2025年12月出口增長。去年全年出口", dt.date(2026, 1, 19))
        datetime.date(2026, 1, 19)
    """
    bound = _lower_bound(_written_periods(body)[1])
    if bound is None or bound.year >= fallback.year:
        return fallback
    year_closed = (bound.month, bound.day) == (12, 31) and fallback.year == bound.year + 1
    return fallback if year_closed else None


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


def closed_year_date(norm: str, context: list[dict]) -> dt.date | None:
    """1 January after the latest year the text reports as complete, when nothing later is.

    A year is complete in the text when it reports that year's 全年 figure or a period that
    ends on 31 December (12月, 第四季度, 下半年) as past.

    NOTE: full-year statistics come out in the next year, so a text reporting them is written
    then at the earliest; 去年 in it is that year (奇瑞全年出口…其中12月…。比亚迪去年海外销量…).
    On the real pages of round 1 whose date the URL shows, this placed all three in the
    right year; a bare year (2025年智能驾驶迎来转折) says nothing of the kind.

    Example:
        >>> norm = "2025年奇瑞全年出口134万辆，其中12月出口14万辆。"
        >>> closed_year_date(norm, [p for p in extract_periods(norm) if p["period"]])
        datetime.date(2026, 1, 1)
        >>> norm = "2025年智能驾驶迎来转折，比亚迪全系标配。"
        >>> closed_year_date(norm, [p for p in extract_periods(norm) if p["period"]]) is None
        True
    """
    past = [p for p in context if not p.get("is_base")]
    closed = [int(p["period"][:4]) for p in past if _closes_year(norm, p)]
    latest = max((int(p["period"].split("/")[-1][:4]) for p in past), default=None)
    if not closed or max(closed) != latest:
        return None
    return dt.date(max(closed) + 1, 1, 1)


def _closes_year(norm: str, period: dict) -> bool:
    """A 全年 figure, or a below-year period ending on 31 December (12月, 四季度, 下半年).

    NOTE: a 全年 in a sentence with a forecast or guidance anywhere (曾预测…，全年突破200万辆;
    上修全年指引) is a year still running, not a complete one.
    """
    if "全年" in period["text"]:
        lo = max(norm.rfind(c, 0, period["start"]) for c in "。！？\n") + 1
        ends = [i for c in "。！？\n" if (i := norm.find(c, period["end"])) >= 0]
        return not FORECAST_RE.search(norm, lo, min(ends, default=len(norm)))
    end = _fine_end(period["period"]) if period["kind"] != "year" else None
    return end is not None and (end.month, end.day) == (12, 31)


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
# A bracketed remark that dates the figure before it: at most this long, at most this far after.
ASIDE_PERIOD_CHARS = 14
ASIDE_GAP_CHARS = 4
# A period that names a report (三季度财报, 中期业绩): it dates the report, not a count in it.
REPORT_AFTER_RE = re.compile(r" *(?:的)?(?:财报|业绩|财务报告|报告|季报|年报)")
# What chose a fact's period (:func:`choose_period`), from the surest to the loosest: a year list,
# a bracketed remark, its clause, an as-of period, an earlier clause heading the figure, its
# sentence across other figures; then, with none written before
# the figure: a relative period no date resolves, 当时, a target without deadline, the article's
# month, the sentence before, the passage, the article's year, nothing.
PERIOD_BASES = ("list", "aside", "clause", "as_of", "lead", "sentence", "unresolved", "then",
                "undated_target", "article_month", "previous_sentence", "passage",
                "article_year", "none")  # fmt: skip


def choose_period(sentence: Sentence, r: Reading, ctx: ArticleContext, metric: str
                  ) -> tuple[str, bool, bool, str]:  # fmt: skip
    """Period of a reading: (period, is_inferred, is_fiscal, basis).

    ``basis`` names the rule that chose it (:data:`PERIOD_BASES`), evidence for the fact's
    confidence: a period written in the figure's own clause is surer than one carried over
    from the sentence before or the article's date.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.entities import load_catalog
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> body = "出口增速從2024年的53%降至2025年的3.59%"
        >>> s = make_sentence(Span(0, len(body), body), body, all_periods=extract_periods(body))
        >>> s.readings = read_numbers(s)
        >>> ctx = ArticleContext("a", body, None, True, [], load_vocabulary(), load_catalog())
        >>> [choose_period(s, r, ctx, "yoy_growth")[::3] for r in s.readings]
        [('2024', 'clause'), ('2025', 'clause')]
    """
    listed = listed_year(sentence, r)
    if listed:
        return listed, False, False, "list"
    chosen, basis = _aside_period(sentence, r), "aside"
    if chosen is None:
        chosen, basis = _written_period(sentence, r, metric)
    if chosen is not None:
        return chosen["period"], chosen["is_inferred"], chosen["is_fiscal"], basis
    if _has_unresolved_period(sentence, r):
        return "", True, False, "unresolved"
    return _fallback_period(sentence, ctx, metric)


def _as_of_over_reports(sentence: Sentence, usable: list[dict]) -> dict | None:
    """The last as-of period (到/截至 2024年10月) when only report names follow it (三季度财报)."""
    norm = sentence.norm
    for i in range(len(usable) - 1, -1, -1):
        p = usable[i]
        if AS_OF_BEFORE_RE.search(norm, max(0, p["start"] - 4), p["start"]):
            later = usable[i + 1 :]
            return (
                p if later and all(REPORT_AFTER_RE.match(norm, q["end"]) for q in later) else None
            )
    return None


def _aside_period(sentence: Sentence, r: Reading) -> dict | None:
    """A period in a short bracketed remark right after the figure: ``60%份额(2024年数据)``.

    NOTE: the remark says which period the figure is from; it beats any period written
    before the figure, which may belong to another statement of the sentence.
    """
    for lo, hi in sentence.asides:
        if not _right_after(sentence.norm, r.end, lo) or hi - lo > ASIDE_PERIOD_CHARS:
            continue
        inner = [p for p in sentence.periods if lo <= p["start"] and p["end"] <= hi]
        if inner and inner[-1]["period"]:
            return inner[-1]
    return None


def _right_after(norm: str, end: int, lo: int) -> bool:
    """A remark at ``lo`` follows a figure ending at ``end`` closely, in the same clause."""
    gap = norm[end:lo]
    return lo >= end and len(gap) <= ASIDE_GAP_CHARS and not re.search(r"[，,。；;、]", gap)


def _written_period(sentence: Sentence, r: Reading, metric: str = ""
                    ) -> tuple[dict | None, str]:  # fmt: skip
    """The nearest period before the reading in its clause, else in its sentence, and which.

    A figure counted at a moment takes an as-of period of its sentence (到2024年10月，…三季度
    财报显示…拥有约2000辆) over a nearer period, which names a report or another span.
    """
    c_lo = sentence.clauses[r.clause][0]
    usable = _usable_periods(sentence, r)
    if metric in STOCK_METRICS and (as_of := _as_of_over_reports(sentence, usable)):
        return as_of, "as_of"
    in_clause = [p for p in usable if p["start"] >= c_lo]
    if in_clause:
        return in_clause[-1], "clause"
    if not usable:
        return None, ""
    # NOTE: a period heading the figure in an earlier clause (截至2025年11月底，其车队规模…)
    # dates it as surely as one in its clause; one with other figures in between was written
    # for them and only carries over.
    between = any(usable[-1]["end"] <= x.start < r.start for x in sentence.readings)
    return usable[-1], "sentence" if between else "lead"


def _usable_periods(sentence: Sentence, r: Reading) -> list[dict]:
    """Resolved periods before the reading that date it (comparison bases left out).

    NOTE: 较2023年的…下降14%: a period after 较/比 is the comparison base, not the figure's
    own period; so is the "from" period of 由2024年的24%升至29% for the figure after 升至.
    """
    return [
        p
        for p in sentence.periods
        if p["period"] and p["end"] <= r.start and not _is_base_period(sentence, p, r)
    ]


def _has_unresolved_period(sentence: Sentence, r: Reading) -> bool:
    """A relative period before the reading that no known date resolves (去年, 上月).

    NOTE: the sentence says which period it means; without the article's date that period
    is unknown, and a period carried from another sentence (2026年将是出海大年。去年出口…)
    or the passage's year would be a wrong one, not an unknown one.
    """
    return any(
        not p["period"] and p["end"] <= r.start and not p.get("is_base") for p in sentence.periods
    )


def listed_year(sentence: Sentence, r: Reading) -> str | None:
    """The year of a reading that belongs to a list of values matching a list of years.

    ``2021-2023三年……分别为N1万辆、N2万辆、N3万辆`` and ``2021年、2022年……迈上200万辆、300万辆``:
    the nearest year list before the reading (a range, or years joined by 、/和/及) and the
    joined values after it (same unit, joined by 、/和/及) pair up in order when they are as
    many. The list may stand in an earlier clause of the sentence.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> body = "2021-2023三年，某企业出口分别为5万辆、6万辆、24万辆。"
        >>> s = make_sentence(Span(0, len(body), body), body, all_periods=extract_periods(body))
        >>> s.readings = read_numbers(s)
        >>> [listed_year(s, r) for r in s.readings]
        ['2021', '2022', '2023']
    """
    lists = [(end, years) for end, years in _year_lists(sentence) if end <= r.start]
    if not lists:
        return None
    end, years = lists[-1]
    run = _joined_run(sentence, r, end)
    return years[run.index(r)] if len(run) == len(years) else None


def _year_lists(sentence: Sentence) -> list[tuple[int, list[str]]]:
    """(end offset, years) of each year range (2021-2023三年) and year enumeration of a sentence."""
    found = []
    for m in YEAR_RANGE_RE.finditer(sentence.norm):
        first, last = int(m[1]), int(m[2])
        if 0 < last - first <= MAX_LISTED_YEARS:
            found.append((m.end(), [str(y) for y in range(first, last + 1)]))
    return sorted(found + _year_enumerations(sentence))


def _year_enumerations(sentence: Sentence) -> list[tuple[int, list[str]]]:
    """(end offset, years) of years joined by 、/和/及 (2021年、2022年), two or more."""
    runs: list[list[dict]] = []
    for p in filter(_is_listed_year, sentence.periods):
        if runs and PAIRED_JOIN_RE.fullmatch(sentence.norm[runs[-1][-1]["end"] : p["start"]]):
            runs[-1].append(p)
        else:
            runs.append([p])
    return [(run[-1]["end"], [q["period"] for q in run]) for run in runs if len(run) > 1]


def _is_listed_year(period: dict) -> bool:
    """A resolved year that may stand in a list (a comparison base's year does not)."""
    return period["kind"] == "year" and bool(period["period"]) and not period.get("is_base")


def _joined_run(sentence: Sentence, r: Reading, after: int) -> list[Reading]:
    """The readings joined with ``r`` (same unit, 、/和/及 between), all after ``after``."""
    same = [x for x in sentence.readings if x.unit_class == r.unit_class and x.start >= after]
    run: list[Reading] = []
    for x in same:
        if run and not PAIRED_JOIN_RE.fullmatch(sentence.norm[run[-1].end : x.start]):
            if r in run:
                return run
            run = []
        run.append(x)
    return run if r in run else []


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
) -> tuple[str, bool, bool, str]:
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
        return earlier[-1]["period"], True, earlier[-1]["is_fiscal"], "then"
    if metric in UNDATED_TARGETS:
        return "", True, False, "undated_target"
    as_of = metric in STOCK_METRICS or AS_OF_RE.search(sentence.norm)
    if as_of:
        # NOTE (issue 14): a figure counted "now" holds in the article's month (its day is when
        # it was printed, not when it was counted); with no article date, or only the floor of
        # a complete year, that month is unknown, and the period of the sentence before is no
        # stand-in for it.
        known = ctx.ref_date is not None and not ctx.ref_is_floor
        return (ctx.ref_date.strftime("%Y-%m") if known else ""), True, False, "article_month"
    # NOTE: a flow figure with no period continues the period of the sentence right before
    # (a caption line included); a period written further back belongs to another statement
    # (1985到1995年间 two sentences earlier does not date 渗透率超过50%).
    recent = [p for p in earlier if p["start"] >= sentence.previous_start]
    if recent:
        return recent[-1]["period"], True, recent[-1]["is_fiscal"], "previous_sentence"
    if sentence.carried_period:
        return sentence.carried_period, True, False, "passage"
    if ctx.ref_date:
        return str(ctx.ref_date.year), True, False, "article_year"
    return "", True, False, "none"
