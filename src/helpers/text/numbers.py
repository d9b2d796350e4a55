"""Find numbers, percents, money amounts and quantities in Chinese news text.

``extract_numbers`` scans running text (Simplified or Traditional, full- or half-width) and
returns one dict per numeric expression with its character span in the *original* text.

NOTE: the scanner is hand-written (a token regex plus a small Chinese-numeral evaluator) on
purpose. No maintained library parses mixed Chinese/Arabic numerals with magnitudes, ranges,
qualifiers and units in running text safely: cn2an's ``transform()`` rewrites whole articles
(零部件 -> 0部件, 一汽 -> 1汽, and the lower bound of 約兩百至兩百四十億元 loses its 億), and its
``cn2an()`` rejects 十分之一, 三成 and 13.4% (see ../shared/notes/PITFALLS.md). Recognizers-Text
has no maintained Python Chinese release; its spec files serve as our peer test suite instead.

Value conventions (every one a decision the facts stage relies on):

- ``value`` is in base units: 萬/万 = 1e4, 億/亿 = 1e8, 萬億/万亿 = 1e12.
  NOTE: 兆 = 1e12 (the Taiwanese/Japanese and modern financial reading, and the peer spec's),
  not 1e6 ("mega"); mainland texts rarely use 兆 for counts, so the risk is small.
- percents are 0-100: 39% -> 39; 百分之三十九 -> 39; 三成 -> 30; 三成半 -> 35; 八折 -> 80 (the
  price as a percent of list price). NOTE: a Chinese fraction N分之M is a share, so it is kind
  ``percent`` with value 100*M/N: 十分之一 -> 10, 千分之二 -> 0.2. Mixed numbers (三又三分之一)
  and Arabic slash fractions (3/5) stay kind ``number`` with the plain ratio (3.333, 0.6).
  NOTE: a proper slash fraction is a share only where that is unambiguous: after a
  qualifier (近1/3, 超过1/4) or a share verb/noun (占1/3, 份额为1/5) it is kind ``percent``
  (33.3, 25); alone (1/3 may be a date) or after 比例 (a ratio) it stays a plain number.
- 三四成, 两三成, 七八成 (two neighbouring digits before 成) are vague ranges: low 30, high 40
  (value 30, as for every range); a digit pair before 折 stays one number (七五折 -> 75).
- 百分點/百分点 -> kind ``percentage_point``; the sign of a change (下降, 減少) is left to the facts
  stage: 下降3個百分點 gives value 3.
- ranges (約200至240億元, 70-85%) carry ``low`` and ``high`` in base units; NOTE: ``value`` is
  ``low`` (the conservative reading). A bare lower bound inherits the upper bound's magnitude
  and unit: 200至240億元 -> 2.0e10 to 2.4e10.
- ``qualifier`` is ``approx`` (約, 大約, 近, 接近, 將近, 逼近, 左右, 上下, 幾), ``over`` (超, 超過,
  逾, 突破, 至少, 以上, 多, 餘, 之多) or ``under`` (不到, 不足, 低於, 以下); None when exact.
  NOTE: 逼近 ("closing in on") is ``approx``; forecast/target are sentence-level (facts stage).
- dates and durations are not quantities: 2025年, 11月, 6日, 二季度 -> kind ``date``; 11個月 and
  a non-year N年 -> kind ``period``; 第二 -> kind ``ordinal``. These kinds are dropped unless
  ``skip_kinds`` says otherwise; ``helpers.text.periods`` normalises periods for the facts stage.

Example:
    >>> [(n["text"], n["value"], n["kind"]) for n in extract_numbers("蕪湖出口汽車超83萬輛")]
    [('超83萬輛', 830000.0, 'quantity')]
"""

from __future__ import annotations

import math
import re

from helpers.text.numerals import (
    CHENG_RE,
    CN_BIG_UNITS,
    CN_DIGITS,
    CURRENCIES,
    CURRENCY_PREFIX_RE,
    CURRENCY_PREFIXES,
    CURRENCY_RE,
    DATE_RE,
    DOZEN_RE,
    EXPONENT_RE,
    FALSE_FRIENDS,
    FRACTION_RE,
    ISO_DATE_RE,
    LATIN_MAG_RE,
    LATIN_MAGNITUDES,
    MIXED_RE,
    NOT_APPROX_BEFORE_JIN,
    PERCENT_RE,
    PP_RE,
    QUAL_PREFIX_RE,
    QUAL_SUFFIX_RE,
    QUALIFIER_PREFIXES,
    QUALIFIER_SUFFIXES,
    RANGE_SEP_RE,
    RANGE_SUFFIX_KINDS,
    SHARE_SLASH_QUALIFIERS,
    SHARE_WORD_BEFORE_RE,
    SIGNS,
    SKIPPED_KINDS,
    SLASH_RE,
    SPECIAL_RE,
    START_RE,
    UNIT_RE,
    UNITLESS_KINDS_UNITS,
    UNITS,
    URL_RE,
    ZHE_RE,
    _Num,
    _read_core,
)
from helpers.text.script import normalize_width


# --- numeral-level extensions (they are part of the numeral text) -----------------------------
def _extend_numeral(s: str, core: _Num) -> _Num | None:
    """Apply exponent, k/M, dozen, fraction, mixed-number and slash-fraction forms."""
    if core.arabic:
        _apply_exponent(s, core)
        if _apply_slash(s, core):
            return core
        _apply_latin_magnitude(s, core)
    if m := DOZEN_RE.match(s, core.end):
        core.value *= 12
        core.end = core.num_end = m.end()
        return core
    return _apply_fraction(s, core)


def _apply_exponent(s: str, core: _Num) -> None:
    if not (m := EXPONENT_RE.match(s, core.end)):
        return
    if m.group(1) is not None:
        core.value *= 10 ** int(m.group(1))
    else:
        sign = -1 if m.group(2).count("-") % 2 else 1
        core.value = core.value ** (sign * int(m.group(3)))
    core.end = core.num_end = m.end()


def _apply_latin_magnitude(s: str, core: _Num) -> None:
    if m := LATIN_MAG_RE.match(s, core.end):
        core.value *= LATIN_MAGNITUDES[m.group(1)]
        core.end = core.num_end = m.end()


def _apply_slash(s: str, core: _Num) -> bool:
    """4/3 and 1 4/3 (a mixed number): kind number with the plain ratio."""
    m = SLASH_RE.match(s, core.end)
    if not m or not float(m.group(2)):
        return False
    if m.group(1) is not None:  # "1 4/3": the core was the whole part
        core.value += float(m.group(1)) / float(m.group(2))
        core.extras["slash"] = "mixed"
    else:
        core.extras["slash"] = "whole" if core.value == int(core.value) else "decimal"
        core.value /= float(m.group(2))
    core.end = core.num_end = m.end()
    return True


def _read_signed_core(s: str, i: int) -> tuple[_Num | None, int]:
    """Read a numeral that may carry its own minus sign (fraction parts: 負3分之負157)."""
    sign = -1.0 if i < len(s) and s[i] in SIGNS else 1.0
    core, _ = _read_core(s, i + (sign < 0))
    if core is not None:
        if core.arabic:
            _apply_latin_magnitude(s, core)
        core.value *= sign
        core.start = core.num_start = i
    return core, i


# NOTE: complexity 12: the numeral grammar: one branch per fraction form (分之, 成, slash), checked
# in order.
def _apply_fraction(s: str, core: _Num) -> _Num | None:
    """N分之M -> percent 100*M/N; X又N分之M -> number X + M/N."""
    if m := MIXED_RE.match(s, core.end):
        den, _ = _read_core(s, m.end())
        frac = den and FRACTION_RE.match(s, den.end)
        num, _ = _read_signed_core(s, frac.end()) if frac else (None, 0)
        if num is not None and den.value:
            sign = -1 if core.value < 0 else 1
            core.value += sign * num.value / den.value
            core.end = core.num_end = num.end
            return core
    frac = FRACTION_RE.match(s, core.end)
    if not frac:
        return core
    num, _ = _read_signed_core(s, frac.end())
    if num is None or not core.value:
        return core
    core.value, core.kind = num.value * (100 / core.value), "percent"
    core.end = core.num_end = num.end
    if core.single_cn and s[core.start] in "百佰":
        core.num_start = num.start  # 百分之39: the numeral is 39
    core.single_cn = False
    return core


def _read_big_denominator(s: str, i: int) -> _Num | None:
    """萬分之三, 萬萬分之七: a fraction whose denominator is magnitudes only."""
    m = re.compile(rf"[{''.join(CN_BIG_UNITS)}]+").match(s, i)
    if not m or not FRACTION_RE.match(s, m.end()):
        return None
    value = math.prod(CN_BIG_UNITS[c] for c in m.group())
    core = _Num(start=i, end=m.end(), num_start=i, num_end=m.end(), value=value, single_cn=True)
    return _apply_fraction(s, core)


# --- context: suffixes, ranges, prefixes ------------------------------------------------------
def _match_suffix(s: str, core: _Num) -> dict | None:
    """The unit-like word after a numeral: percent forms, currency, unit or date marker."""
    i = core.end
    if core.kind == "percent":
        return None
    for kind, pattern in (
        ("percentage_point", PP_RE),
        ("percent", PERCENT_RE),
        ("cheng", CHENG_RE),
        ("zhe", ZHE_RE),
        ("money", CURRENCY_RE),
        ("date", DATE_RE),
        ("quantity", UNIT_RE),
    ):
        if m := pattern.match(s, i):
            return {"kind": kind, "match": m, "end": m.end()}
    return None


def _apply_suffix(core: _Num, suffix: dict | None) -> bool:
    """Set kind, unit, currency and value from the suffix; False when the pair is invalid."""
    if suffix is None:
        return True
    kind, m = suffix["kind"], suffix["match"]
    if kind in ("cheng", "zhe"):
        return _apply_percent_word(core, kind, m)
    if kind == "date":
        return _apply_date(core, m)
    core.end = suffix["end"]
    if kind == "money":
        core.currency = CURRENCIES[m.group(1)]
    elif kind == "quantity":
        core.unit = UNITS[m.group(1)]
        kind = "number" if core.unit in UNITLESS_KINDS_UNITS else kind
    core.kind = kind
    return True


def _apply_percent_word(core: _Num, kind: str, m: re.Match) -> bool:
    """三成 -> 30, 七成六 -> 76, 三成半 -> 35; 八折 -> 80, 75折 -> 75, 九九折 -> 99."""
    v = core.value
    if kind == "cheng" and core.digit_seq:
        return _apply_cheng_pair(core, m)
    if kind == "cheng":
        extra = m.group(1)
        tail = 0 if extra is None else 5 if extra == "半" else CN_DIGITS.get(extra) or int(extra)
        pct = v * 10 + tail
    elif v < 10:
        pct = v * 10
    elif v == int(v) and 10 < v < 100:
        pct = v
    else:
        return False  # 十折 is not a discount
    core.value, core.kind, core.end = pct, "percent", m.end()
    return True


def _apply_cheng_pair(core: _Num, m: re.Match) -> bool:
    """三四成 -> 30 to 40 percent; False for any other digit sequence before 成.

    NOTE: 成 counts tenths, so two digits before it are never one number (三四成 is not 34
    tenths); written as neighbours, ascending, they are the vague range "three or four tenths".
    A tail digit (三四成五) has no reading as a range: left out.

    Example:
        >>> [(n["value"], n["low"], n["high"]) for n in extract_numbers("約有兩三成的車主")]
        [(20.0, 20.0, 30.0)]
    """
    digits = [int(d) for d in str(int(core.value))]
    if len(digits) != 2 or digits[1] != digits[0] + 1 or m.group(1) is not None:
        return False
    low, high = digits[0] * 10.0, digits[1] * 10.0
    core.value, core.low, core.high = low, low, high
    core.kind, core.end, core.digit_seq = "percent", m.end(), False
    return True


# NOTE: complexity 17: the numeral grammar: one branch per date form a number can belong to.
def _apply_date(core: _Num, m: re.Match) -> bool:
    """Mark years, months, days and quarters as ``date`` and durations as ``period``."""
    v, marker = core.value, m.group(1)
    whole = v == int(v) and v > 0
    if marker in ("年", "年度", "財年", "财年"):
        is_year = whole and (1900 <= v <= 2100 or (core.digit_seq and v >= 1900))
        core.kind = "date" if is_year else "period"
    elif marker in ("個月", "个月"):
        core.kind = "period"
    elif marker in ("月", "月份"):
        core.kind = "date" if whole and v <= 12 else "number"
    elif marker == "季度":
        core.kind = "date" if whole and v <= 4 else "number"
    else:
        core.kind = "date" if whole and v <= 31 else "number"
    if core.kind in ("date", "period"):
        core.end = m.end()
    return True


def _read_item(s: str, i: int) -> tuple[_Num | None, int]:
    """Read one numeral with its numeral-level extensions at ``i``."""
    if special := SPECIAL_RE.match(s, i):
        return _read_special(s, special), special.end()
    core, resume = _read_core(s, i)
    if core is None:
        return _read_big_denominator(s, i), resume
    return _extend_numeral(s, core), max(resume, core.end)


def _read_special(s: str, m: re.Match) -> _Num | None:
    """半百 = 50, 半成 = 5 percent, 半折 and 打對折 = 50 percent."""
    text = m.group()
    if text[0] in "对對" and s[max(0, m.start() - 1) : m.start()] != "打":
        return None
    value, kind = (50.0, "number") if text == "半百" else (50.0, "percent")
    if "成" in text:
        value = 5.0
    end = m.end()
    return _Num(start=m.start(), end=end, num_start=m.start(), num_end=end, value=value, kind=kind)


# NOTE: complexity 12: the numeral grammar: one branch per range form (至, 到, -, ~) and shared
# unit.
def _apply_range(s: str, first: _Num) -> tuple[_Num, dict | None]:
    """Join ``A至B``/``A-B`` sharing B's magnitude and unit; return the item and its suffix."""
    suffix = _match_suffix(s, first)
    sep_at = suffix["end"] if suffix and suffix["kind"] in RANGE_SUFFIX_KINDS else first.end
    sep = RANGE_SEP_RE.match(s, sep_at)
    if not sep or first.kind == "percent":
        return first, suffix
    second, _ = _read_item(s, sep.end())
    if second is None or second.kind != "number" or second.value <= 0:
        return first, suffix
    second_suffix = _match_suffix(s, second)
    if suffix and (not second_suffix or second_suffix["kind"] != suffix["kind"]):
        return first, suffix
    low = _shared_low(first, second)
    if low > second.value:
        return first, suffix
    first.low, first.high, first.value = low, second.value, low
    first.end = first.num_end = second.end
    first.magnitude, first.single_cn = second.magnitude, False
    return first, second_suffix


def _shared_low(first: _Num, second: _Num) -> float:
    """The lower bound of a range, scaled like the upper bound when written bare.

    200至240億: the lower bound shares 億; 40-40.5百万: it shares 百万, the whole scale of the
    upper bound's leading number, not only its last magnitude character.

    Example:
        >>> [(n["value"], n["high"]) for n in extract_numbers("指引為40-40.5百萬台")]
        [(40000000.0, 40500000.0)]
    """
    low, lead = first.value, second.extras.get("lead")
    if first.magnitude == 1 and second.magnitude > 1 and low < (lead or second.extras["base"]):
        return low * (second.value / lead if lead else second.magnitude)
    return low


def _scale_range(core: _Num, before: float) -> None:
    """Carry a percent-word rescaling (三成 -> 30) over to the range bounds."""
    if core.low is None or not before:
        return
    factor = core.value / before
    core.low, core.high = core.low * factor, core.high * factor


# NOTE: complexity 14: the numeral grammar: one branch per prefix (qualifier, sign, currency).
def _apply_prefixes(s: str, core: _Num) -> None:
    """Attach a minus sign, a currency prefix (人民幣, US$) and a qualifier (約, 超過)."""
    i = core.start
    signed = i and s[i - 1] in SIGNS and core.low is None
    # NOTE: a dash after a Latin letter or digit is a hyphen (F-150); after 为/是 it is a sign.
    if signed and not (
        i > 1 and (s[i - 2] in SIGNS or (s[i - 2].isascii() and s[i - 2].isalnum()))
    ):
        core.value, i = -core.value, i - 1
        core.num_start = min(core.num_start, i)
    if m := CURRENCY_PREFIX_RE.search(s[max(0, i - 4) : i]):
        core.currency = CURRENCY_PREFIXES[m.group(1)]
        core.kind, i = "money", i - len(m.group())
    if m := QUAL_PREFIX_RE.search(s[max(0, i - 4) : i]):
        word = m["linked"] or m.group(2)
        word_start = i - len(m.group())
        recent = word_start and s[word_start - 1] in NOT_APPROX_BEFORE_JIN
        if not (word == "近" and recent):
            core.qualifier, i = QUALIFIER_PREFIXES[word], word_start
            core.extras["qualifier_word"] = word
    core.start = i


def _apply_suffix_qualifier(s: str, core: _Num) -> None:
    if m := QUAL_SUFFIX_RE.match(s, core.end):
        core.qualifier = core.qualifier or QUALIFIER_SUFFIXES[m.group(1)]
        core.end = m.end()


def _apply_slash_share(s: str, core: _Num) -> None:
    """Read a proper slash fraction after a qualifier or share word as a percent (近1/3 -> 33.3).

    NOTE: a bare 1/3 may be a date (January 3rd) and 比例3/5 a ratio, so they stay numbers;
    "nearly", "over" or "takes up" a third can only be a share. Whole numerator and
    denominator only (not 1.5/3), value below 1 (not 4/3).

    Example:
        >>> [(n["text"], round(n["value"], 2), n["kind"]) for n in extract_numbers("佔比近1/3")]
        [('近1/3', 33.33, 'percent')]
        >>> [(n["value"], n["kind"]) for n in extract_numbers("1/3發布")]
        [(0.3333333333333333, 'number')]
    """
    if core.extras.get("slash") != "whole" or core.kind != "number" or not 0 < core.value < 1:
        return
    qualified = core.extras.get("qualifier_word") in SHARE_SLASH_QUALIFIERS
    if qualified or SHARE_WORD_BEFORE_RE.search(s[max(0, core.start - 6) : core.start]):
        core.value, core.kind = core.value * 100, "percent"


def _false_friends_by_char(words: tuple[str, ...]) -> dict[str, tuple[tuple[int, str], ...]]:
    """For each character, the (position, word) pairs of the false friends holding it.

    Example:
        >>> _false_friends_by_char(("一汽", "統一"))["一"]
        ((0, '一汽'), (1, '統一'))
    """
    index: dict[str, list[tuple[int, str]]] = {}
    for word in words:
        for k, ch in enumerate(word):
            index.setdefault(ch, []).append((k, word))
    return {ch: tuple(pairs) for ch, pairs in index.items()}


# NOTE: the false-friend test ran every numeral past all 240 words and each of their
# characters (4 % of stage 03); only the words holding the numeral's character can match.
FALSE_FRIENDS_BY_CHAR = _false_friends_by_char(FALSE_FRIENDS)
TEN_MINUTES_RE = re.compile(r"十分(?:鐘|钟|之)")


def _is_false_friend(text: str, core: _Num) -> bool:
    """一汽, 零部件, 十分重要, 萬一: a one-character numeral inside a word.

    Example:
        >>> [n["text"] for n in extract_numbers("一汽出口三成,零部件十分重要")]
        ['三成']
    """
    if not core.single_cn:
        return False
    p = core.num_start
    for k, word in FALSE_FRIENDS_BY_CHAR.get(text[p], ()):
        if p - k >= 0 and text.startswith(word, p - k):
            if word == "十分" and TEN_MINUTES_RE.match(text, p):
                continue  # 十分鐘, 十分之一: the numeral is ten
            return True
    return False


# NOTE: complexity 13: the numeral grammar: one test per Latin neighbour that makes a digit part of
# a name.
def _touches_latin(s: str, core: _Num) -> bool:
    """SU7, ET9, ES8百天, F-150, 5G, 4S, 1:1: digits glued to letters or colons are names."""
    if not core.extras.get("latin_edge"):
        return False
    before = s[max(0, core.num_start - 2) : core.num_start]
    after_two = s[core.num_end : core.num_end + 2]
    ratio_before = before[-1:] == ":" and before[:1].isdigit()
    if ratio_before or (after_two[:1] == ":" and after_two[1:].isdigit()):
        return True
    if before[-1:].isascii() and before[-1:].isalpha():
        return True
    if before[-1:] in ("-", "_", "/") and before[:1].isascii() and before[:1].isalpha():
        return True
    after = s[core.num_end : core.num_end + 1]
    return after.isascii() and after.isalpha() and core.end == core.num_end


def _is_stray_digit_seq(core: _Num) -> bool:
    """一二線, 三一重工: digits side by side are a number only as a year or before 折."""
    return core.digit_seq and core.kind not in ("percent", "date", "period") and core.value < 1900


def _classify(s: str, core: _Num) -> None:
    """第N is an ordinal; a bare 4-digit 1900-2100 (CES 2026, 2025款) is a year.

    Numerals with a date marker (年, 月, 季度) were typed in ``_apply_date``.
    """
    before = s[: core.num_start].rstrip(" ")
    if before.endswith("第"):
        core.kind = "ordinal"
        return
    bare = core.kind == "number" or core.unit == "models"
    if bare and core.arabic and _is_year(s[core.num_start : core.num_end]):
        core.kind = "date"


def _is_year(numeral: str) -> bool:
    """2025 and 2024-2025 look like years; 2,025 and 2025.5 do not."""
    parts = re.split(r"[-至到—~]", numeral.replace(" ", ""))
    return all(re.fullmatch(r"(?:19|20)\d\d", p) for p in parts)


# NOTE: complexity 11: the numeral grammar: reads the core, then each extension in order.
def _parse_at(text: str, s: str, i: int) -> tuple[_Num | None, int]:
    """Parse the expression starting at ``i``; return it (or None) and where to resume."""
    if iso := ISO_DATE_RE.match(s, i):
        value = float(s[i : i + 4])
        core = _Num(i, iso.end(), i, iso.end(), value, kind="date")
        return (None, iso.end()) if i and s[i - 1].isdigit() else (core, iso.end())
    core, resume = _read_item(s, i)
    if core is None:
        return None, resume
    core, suffix = _apply_range(s, core)
    before = core.value if core.low is not None else 0.0  # a range read before the suffix
    if not _apply_suffix(core, suffix):
        return None, max(resume, core.end)
    core.extras["word"] = suffix is not None and suffix["kind"] in ("cheng", "zhe")
    _scale_range(core, before)
    if _touches_latin(s, core) or _is_false_friend(text, core) or _is_stray_digit_seq(core):
        return None, max(resume, core.end)
    _classify(s, core)
    _apply_prefixes(s, core)
    _apply_slash_share(s, core)
    _apply_suffix_qualifier(s, core)
    return core, max(resume, core.end)


def _to_dict(text: str, core: _Num) -> dict:
    return {
        "text": text[core.start : core.end],
        "start": core.start,
        "end": core.end,
        "value": float(core.value),
        "kind": core.kind,
        "unit": core.unit,
        "currency": core.currency,
        "low": core.low,
        "high": core.high,
        "qualifier": core.qualifier,
        "numeral": text[core.num_start : core.num_end],
    }


def extract_numbers(text: str, *, skip_kinds: tuple[str, ...] = SKIPPED_KINDS) -> list[dict]:
    """Find every numeric expression in ``text``.

    Args:
        text: running Chinese text (Simplified or Traditional, any width).
        skip_kinds: kinds left out of the result; by default dates, periods and ordinals.
            Pass ``()`` to see them all.

    Returns:
        One dict per expression, in text order, with keys ``text``/``start``/``end`` (the whole
        expression, qualifier and unit included, as a slice of ``text``), ``value`` (float, base
        units), ``kind`` (number, percent, percentage_point, money, quantity; date, period,
        ordinal when not skipped), ``unit``, ``currency`` (ISO 4217), ``low``/``high`` (ranges),
        ``qualifier`` (approx, over, under) and ``numeral`` (the numeral alone, e.g. 240億).

    Example:
        >>> n = extract_numbers("營收約200至240億元")[0]
        >>> n["text"], n["low"], n["high"], n["currency"], n["qualifier"]
        ('約200至240億元', 20000000000.0, 24000000000.0, 'CNY', 'approx')
        >>> [n["value"] for n in extract_numbers("一汽的零部件十分重要,市佔率三成")]
        [30.0]
    """
    s = URL_RE.sub(lambda m: "\x00" * len(m.group()), normalize_width(text))
    found: list[dict] = []
    i = 0
    while m := START_RE.search(s, i):
        core, resume = _parse_at(text, s, m.start())
        if core is not None and core.kind not in skip_kinds:
            found.append(_to_dict(text, core))
        i = max(resume, m.start() + 1)
    return merge_percent_ranges(text, found)


def merge_percent_ranges(text: str, found: list[dict]) -> list[dict]:
    """Join two percents written as a range with their own percent words (两成至两成五, 20%至25%).

    The range reader joins ``70-85%`` (one shared suffix); when each bound carries its own
    percent word the two come out separately. Joined here: low ``value`` and ``low``/``high``.

    Example:
        >>> [(n["value"], n["high"]) for n in extract_numbers("份額約為兩成至兩成五")]
        [(20.0, 25.0)]
    """
    out: list[dict] = []
    for n in found:
        prev = out[-1] if out else None
        joinable = (
            prev is not None
            and prev["kind"] == n["kind"] == "percent"
            and prev["high"] is None
            and n["high"] is None
            and RANGE_SEP_RE.fullmatch(text[prev["end"] : n["start"]])
            and prev["value"] < n["value"]
        )
        if not joinable:
            out.append(n)
            continue
        out[-1] = {**prev, "text": text[prev["start"] : n["end"]], "end": n["end"],
                   "low": prev["value"], "high": n["value"]}  # fmt: skip
    return out
