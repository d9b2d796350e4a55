"""Usable numbers of a sentence (:class:`~helpers.facts.schema.Reading`) and sentence records."""

from __future__ import annotations

import re

from helpers.facts import mentions as attr
from helpers.facts.schema import (
    ASIDE_RE,
    CAPTION_RE,
    CHIP_TYPES,
    KIND_CLASSES,
    KM_PER_MILE,
    LONE_MAGNITUDES,
    NON_VEHICLE_AFTER_RE,
    NON_VEHICLE_RE,
    OUTPUT_UNITS,
    RATE_SUFFIX_RE,
    SCALE_SUFFIX_RE,
    UNIT_CLASSES,
    Reading,
    Sentence,
)
from helpers.text.numbers import extract_numbers
from helpers.text.sentences import (
    Span,
    clause_bounds,
    inside,
    matching_copy,
    title_spans,
)


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
    """人形机器人220台, 3000部手机: a 台/部 figure about machines that are not vehicles.

    Example:
        >>> text = "首批人形機器人220台交付,另交付新車300台,賣出5000部手機"
        >>> s = make_sentence(Span(0, len(text), text), text)
        >>> [_counts_machines(s, n) for n in extract_numbers(text)]
        [True, False, True]
    """
    if not number["text"].rstrip().endswith(("台", "臺", "部")):
        return False
    if NON_VEHICLE_AFTER_RE.match(sentence.norm, number["end"]):
        return True
    machines = list(NON_VEHICLE_RE.finditer(sentence.norm, 0, number["start"]))
    between = sentence.norm[machines[-1].end() : number["start"]] if machines else "车"
    return not re.search("[车辆]", between)


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _counts_chips(sentence: Sentence, number: dict) -> bool:
    """A 台 figure whose nearest name before it is a chip or chip product counts chips.

    NOTE: filings write 台 for anything shipped (EyeQ出货量…3,500萬台): after a chip name with
    no 车/辆 in between, the count is of chips (unit class ``units``); the matching copy then
    reads 套 there, so the chip-shipment cues (出货…套) apply as they do to 套 and 颗.

    Example:
        >>> text = "EyeQ 今年出貨指引為3,500萬台,另特斯拉交付新車30萬台"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> [_counts_chips(s, n) for n in extract_numbers(text)], s.norm[12:19]
        ([True, False], '3,500万套')
    """
    if not number["text"].rstrip().endswith(("台", "臺")):
        return False
    named = [m for m in sentence.mentions if m.end <= number["start"] and m.role == "subject"]
    if not named or set(named[-1].types) - CHIP_TYPES:
        return False
    if re.search("[车辆]", sentence.norm[named[-1].end : number["start"]]):
        return False
    at = number["end"] - 1
    sentence.norm = sentence.norm[:at] + "套" + sentence.norm[at + 1 :]
    return True


def _usable_class(sentence: Sentence, n: dict) -> str | None:
    """The unit class a number is read with, or None when it is no usable figure."""
    cls = unit_class(n)
    after = sentence.span.text[n["end"] :]
    if cls is None or _is_vague(n, after) or RATE_SUFFIX_RE.match(after):
        return None
    if cls == "vehicles" and _counts_chips(sentence, n):
        return "units"  # before the machines test: 芯片…台 after a chip's name counts chips
    return None if cls == "vehicles" and _counts_machines(sentence, n) else cls


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
        cls = _usable_class(sentence, n)
        if cls is None or inside(titles, n["start"], n["end"]):
            continue  # a number in a 《title》 is part of a name
        if n["unit"] == "miles":
            n = {**n, "value": n["value"] * KM_PER_MILE, "high": _times(n["high"], KM_PER_MILE)}
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


# NOTE: complexity 13: filters mentions and periods to the sentence span in one place (caption
# masking included).
def make_sentence(span: Span, body: str, *, all_periods: list[dict] | None = None,
                  mentions: list[attr.Mention] | None = None) -> Sentence:  # fmt: skip
    """Build a :class:`Sentence` (offsets made relative to the sentence).

    A leading figure caption (图：…来源：) is masked in the matching copy and its subjects and
    markets dropped: its words describe a picture, not the figures after it.
    """
    shift = span.start
    clauses = clause_bounds(span.text)
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
    """Blank a leading picture caption up to its 来源：; return (masked copy, caption end).

    Scrapers glue captions to the next sentence: 图：示例车队在路上，来源：某公司小马智行….

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
