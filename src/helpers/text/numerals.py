"""Numerals: the characters, words and patterns of Chinese and Arabic numbers, and their value.

:func:`parse_cn_numeral` evaluates one numeral (兩百零五, 4.78萬億); the readers here find the
numeral core of a number, which :mod:`helpers.text.numbers` extends with units, ranges and
qualifiers.

Example:
    >>> parse_cn_numeral("兩百零五"), parse_cn_numeral("4.78萬億")
    (205.0, 4780000000000.0)
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from helpers.text.script import normalize_width

# --- characters -------------------------------------------------------------------------------
# NOTE: 參 (also "take part") and 幺 are left out of the digits: too many false friends.
CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2, "俩": 2,
    "倆": 2, "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
# 兩/两 never follow a decimal point (一点两 is "one" then "two", as the peer spec says).
CN_DECIMAL_DIGITS = "".join(c for c in CN_DIGITS if c not in "两兩俩倆")
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "兆": 1e12}
FILLERS = {"余": "over", "餘": "over", "多": "over", "几": "approx", "幾": "approx"}
LATIN_MAGNITUDES = {"k": 1e3, "K": 1e3, "M": 1e6, "bn": 1e9}
SIGNS = "-负負"

# --- what may stand before or after a number ------------------------------------------------
QUALIFIER_PREFIXES = {
    "大約": "approx", "大约": "approx", "約": "approx", "约": "approx", "接近": "approx",
    "將近": "approx", "将近": "approx", "逼近": "approx", "近": "approx",
    "超過": "over", "超过": "over", "超出": "over", "超": "over", "逾": "over",
    "突破": "over", "多達": "over", "多达": "over", "至少": "over", "破": "over",
    "數": "over", "数": "over", "幾": "over", "几": "over",
    "不到": "under", "不足": "under", "低於": "under", "低于": "under",
}  # fmt: skip
# 近 preceded by these is "recent"/"nearby", not "nearly": 最近3個月, 附近.
NOT_APPROX_BEFORE_JIN = "最附鄰邻親亲靠遠远"
QUALIFIER_SUFFIXES = {
    "左右": "approx", "上下": "approx", "以上": "over", "之多": "over", "有餘": "over",
    "有余": "over", "以下": "under",
}  # fmt: skip
CURRENCIES = {
    "元人民幣": "CNY", "元人民币": "CNY", "人民幣": "CNY", "人民币": "CNY", "美元": "USD",
    "美金": "USD", "美刀": "USD", "港元": "HKD", "港幣": "HKD", "港币": "HKD", "歐元": "EUR",
    "欧元": "EUR", "日元": "JPY", "日圓": "JPY", "盧布": "RUB", "卢布": "RUB", "韓元": "KRW",
    "韩元": "KRW", "英鎊": "GBP", "英镑": "GBP", "新台幣": "TWD", "新臺幣": "TWD",
    "台幣": "TWD", "臺幣": "TWD", "澳元": "AUD", "加元": "CAD", "元": "CNY",
}  # fmt: skip
CURRENCY_PREFIXES = {
    "人民幣": "CNY", "人民币": "CNY", "RMB": "CNY", "US$": "USD", "HK$": "HKD", "$": "USD",
    "¥": "CNY", "€": "EUR", "£": "GBP",
}  # fmt: skip
# Units of counted things, mapped to the unit names the facts table uses.
# NOTE: 部 counts vehicles in Hong Kong filings (付運1萬部); 英里 is a distance the facts stage
# turns into km. A 部 that starts a word (部分, 部门, 部署, 部长) is no counter (UNIT_RE).
UNITS = {
    "輛": "vehicles", "辆": "vehicles", "台": "vehicles", "臺": "vehicles", "部": "vehicles",
    "英里": "miles", "英哩": "miles",
    "顆": "units", "颗": "units", "套": "units", "片": "units", "家": "companies", "起": "cases",
    "公里": "km", "千米": "km", "km": "km", "TOPS": "TOPS", "kWh": "kWh", "GWh": "GWh",
    "個": "items", "个": "items", "款": "models", "次": "times", "人": "people",
    "股": "shares", "倍": "fold",
}  # fmt: skip
# NOTE: 倍 (fold) is a multiplier, not a counted thing: kind stays ``number``.
UNITLESS_KINDS_UNITS = {"fold"}
DATE_MARKERS = (
    "年度", "財年", "财年", "年", "個月", "个月", "月份", "月", "日", "號", "号", "季度",
)  # fmt: skip
SKIPPED_KINDS = ("date", "period", "ordinal")
# Qualifiers that make a proper slash fraction a share (近1/3, 超過1/4); 數/幾 only count.
SHARE_SLASH_QUALIFIERS = frozenset(QUALIFIER_PREFIXES) - {"數", "数", "幾", "几"}
# A lower bound may repeat these suffixes: 70%-85%, 5萬輛至8萬輛.
RANGE_SUFFIX_KINDS = ("percent", "money", "quantity")

# Words in which a lone numeral character is not a number (checked only for one-character
# numerals; 一汽 is FAW, 零跑 is Leapmotor, 百度 is Baidu, 十分 is "very").
FALSE_FRIENDS_TEXT = (
    "一汽 一體 一体 一些 一邊 一边 一切 一看 一般 一直 一定 一起 一樣 一样 一旦 一致 一系列 "
    "一線 一线 一口 一方面 一時 一时 一同 一再 一向 一律 一路 一概 一帶 一带 一下 一度 一流 "
    "一貫 一贯 一舉 一举 一併 一并 一味 一覽 一览 一手 一次性 一旁 一番 一經 一经 一如 一心 "
    "統一 统一 唯一 之一 同一 進一步 进一步 萬一 万一 逐一 專一 专一 單一 单一 劃一 划一 不一 "
    "其一 十分 十足 十字 百度 百姓 百貨 百货 百科 千方百計 千方百计 萬達 万达 萬物 万物 "
    "三星 五菱 四川 四周 四處 四处 八達 八达 九州 陆地 陸地 大陆 大陸 登陆 登陸 海陆 海陸 "
    "陆续 陸續 陆军 陸軍 着陆 著陸 入伍 退伍 队伍 隊伍 伍仁 落伍 收拾 拾取 拾起 拾到 夕拾 "
    "拾遗 拾遺 壹切 放肆 肆意 肆无 肆無 肆虐 大肆 零部件 零件 零售 零跑 零碳 零排放 零星 零散 "
    "零食 零錢 零钱 零距離 零距离 零關稅 零关税 零容忍 兩岸 两岸 兩會 两会 兩輪 两轮 兩者 "
    "两者 三者 二手 二維碼 二维码 三電 三电 四驅 四驱 兩驅 两驱 百分點 百分点 百分位 百分比 "
    "這一 这一 每一 下一 上一 新一 一部分 一步 一而再 再而三 一窩 一窝 一攬子 一揽子 一席 "
    "一環 一环 一幕 一戰 一战 一股 其二 其三 二線 二线 三線 三线 四線 四线 零起點 零起点 整零 "
    "每千人 /千人 周一 周二 周三 周四 周五 周六 週一 週二 週三 週四 週五 週六 星期一 星期二 "
    "星期三 星期四 星期五 星期六"
)
FALSE_FRIENDS = tuple(FALSE_FRIENDS_TEXT.split())

# --- regular expressions ----------------------------------------------------------------------
_CN = "".join(CN_DIGITS)
TOKEN_RE = re.compile(
    r"(?P<space> +)"
    r"|(?P<arabic>(?<![\d,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)"
    r"|(?<!\d\.)\d+\.\d+(?![.\d])|(?<![\d.])\.\d+|\d+)"
    rf"|(?P<digit>[{_CN}])"
    rf"|(?P<unit>[{''.join(CN_SMALL_UNITS)}])"
    rf"|(?P<big>[{''.join(CN_BIG_UNITS)}])"
    rf"|(?P<fill>[{''.join(FILLERS)}])"
    rf"|(?P<point>[点點] *[{CN_DECIMAL_DIGITS}](?: *[{CN_DECIMAL_DIGITS}])*)"
)
START_RE = re.compile(
    rf"\d|(?<![\d.])\.\d|[{_CN}{''.join(CN_SMALL_UNITS)}]|半|(?<=打)[对對]折"
    rf"|[{''.join(CN_BIG_UNITS)}]+(?= *分 *之)"
)
SPECIAL_RE = re.compile(r"半百|半 *成|半 *折|[对對]折")
ISO_DATE_RE = re.compile(
    r"(?:19|20)\d\d(?:([-/])\d{1,2}(?:\1\d{1,2})?|\.\d{1,2}\.\d{1,2})(?![\d.])"
)
URL_RE = re.compile(r"(?:https?://|www\.)\S+")
EXPONENT_RE = re.compile(r"[eE]([+-]?\d+)(?![A-Za-z])|\^([+-]*)(\d+)")
LATIN_MAG_RE = re.compile(r" ?(bn|[kKM])(?![A-Za-z])")
DOZEN_RE = re.compile(r" *打(?![折对對])")
FRACTION_RE = re.compile(r" *分 *之 *")
MIXED_RE = re.compile(r" *又 *")
SLASH_RE = re.compile(r"(?: +(\d+))? */ *(\d+)(?![\d/])")
# A share verb or noun right before a slash fraction: 占1/3, 佔比達1/4, 份額為1/5, 市占率1/3.
# NOTE: 比例 is left out on purpose: 比例3/5 may be a ratio of 3 to 5.
SHARE_WORD_BEFORE_RE = re.compile(
    r"(?:[占佔](?:比|到|據|据|了|有)?|份[額额]|市[占佔]率)(?:[为為达達是])? *$"
)
RANGE_SEP_RE = re.compile(r" *(?:至|到|—{1,2}|–|~|〜|-) *")
PP_RE = re.compile(r" *[个個]? *百 *分 *[点點]")
PERCENT_RE = re.compile(r" *%")
CHENG_RE = re.compile(r" *成(?![为為立本功交长長员員果熟都])(?: *([一二三四五六七八九1-9]|半))?")
ZHE_RE = re.compile(r" *折(?![合扣旧舊叠疊算价價射返腾騰线線角])")
CURRENCY_RE = re.compile(
    " *(" + "|".join(sorted(CURRENCIES, key=len, reverse=True)) + r")(?![素宇旦年])"
)
UNIT_LOOKAHEAD = {"部": "(?![分门門署长長件委位队隊落属屬])"}
UNIT_RE = re.compile(
    " *("
    + "|".join(
        u + ("(?![A-Za-z])" if u.isascii() else UNIT_LOOKAHEAD.get(u, ""))
        for u in sorted(UNITS, key=len)[::-1]
    )
    + ")"
)
DATE_RE = re.compile(" *(" + "|".join(DATE_MARKERS) + ")")
# NOTE: 約為/约达 (約 + a linking verb) qualify the figure as 約 alone does; only 約 takes
# one (人数为300 is no "over").
QUAL_PREFIX_RE = re.compile(
    "(?:(?P<linked>大約|大约|約|约)[为為达達]|("
    + "|".join(sorted(QUALIFIER_PREFIXES, key=len, reverse=True))
    + ")) *$"
)
QUAL_SUFFIX_RE = re.compile(
    " *(" + "|".join(sorted(QUALIFIER_SUFFIXES, key=len, reverse=True)) + ")(?!游)"
)
CURRENCY_PREFIX_RE = re.compile(
    "(" + "|".join(re.escape(c) for c in sorted(CURRENCY_PREFIXES, key=len, reverse=True)) + ") *$"
)


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass
class _Acc:
    """Running state of the Chinese-numeral evaluator (total = finished 萬/億 sections)."""

    total: float = 0.0
    section: float = 0.0
    num: float | None = None
    num_is_cn: bool = False
    max_big: float = 0.0
    last_small: float = 0.0
    last_unit: float = 0.0
    after_unit: bool = False
    zero: bool = False
    magnitude: float = 1.0
    fill: str | None = None

    def is_empty(self) -> bool:
        return self.total == 0 and self.section == 0 and self.num is None

    def number(self, value: float, is_cn: bool) -> bool:
        if self.num is not None:
            return False
        self.num, self.num_is_cn = value, is_cn
        return True

    def unit(self, u: float) -> bool:
        if self.last_small and u >= self.last_small:
            return False  # 五十千: units must fall within a section
        if self.num is None and not (self.zero or self.is_empty()):
            return False
        self.section += (1 if self.num is None else self.num) * u
        self._after_unit(u)
        self.last_small = u
        return True

    def big(self, b: float) -> bool:
        v = self.section + (self.num or 0)
        if v == 0 and self.total == 0:
            return False  # a bare 萬 is not a number
        if v == 0:  # 萬億, 四萬萬: the magnitude scales everything read so far
            self.total *= b
            self.max_big *= b
            self.magnitude *= b
        elif b > self.max_big:
            self.total = (self.total + v) * b
            self.max_big = self.magnitude = b
        else:
            self.total += v * b
            self.magnitude = b
        self.section = 0.0
        self.last_small = 0.0
        self._after_unit(b)
        return True

    def decimal(self, frac: float) -> bool:
        self._elide()
        self.num = (self.num or 0) + frac
        self.num_is_cn = False
        return True

    def finish(self) -> float:
        self._elide()
        return self.total + self.section + (self.num or 0)

    def _after_unit(self, u: float) -> None:
        self.num, self.last_unit, self.after_unit, self.zero = None, u, True, False

    def _elide(self) -> None:
        # 一萬三 = 13000, 九百九 = 990: a last digit right after a unit counts in the next unit.
        if self.num is not None and self.num_is_cn and self.after_unit and not self.zero:
            self.num *= self.last_unit / 10
            self.num_is_cn = False


@dataclass
class _Num:
    """One parsed expression while it is being extended (offsets in the normalised text)."""

    start: int
    end: int
    num_start: int
    num_end: int
    value: float
    kind: str = "number"
    magnitude: float = 1.0
    unit: str | None = None
    currency: str | None = None
    qualifier: str | None = None
    low: float | None = None
    high: float | None = None
    single_cn: bool = False
    arabic: bool = False
    digit_seq: bool = False
    extras: dict = field(default_factory=dict)


def parse_cn_numeral(numeral: str) -> float | None:
    """Evaluate one numeral (Chinese, Arabic or mixed) such as 兩百零五 or 4.78萬億.

    Args:
        numeral: the numeral alone, without units or qualifiers.

    Returns:
        Its value, or None when the whole string is not one valid numeral.

    Example:
        >>> parse_cn_numeral("兩百零五"), parse_cn_numeral("一萬三"), parse_cn_numeral("零部件")
        (205.0, 13000.0, None)
    """
    s = normalize_width(numeral).strip()
    tokens = _read_tokens(s, 0)
    if not tokens or tokens[-1].end != len(s):
        return None
    found = _evaluate(tokens)
    return None if found is None else found[0]


def _read_tokens(s: str, i: int) -> list[_Token]:
    """Read numeral tokens from ``i`` while they may follow each other."""
    tokens: list[_Token] = []
    pos = i
    while m := TOKEN_RE.match(s, pos):
        tok = _Token(m.lastgroup or "", m.group(), m.start(), m.end())
        if not _can_follow(tokens, tok):
            break
        tokens.append(tok)
        pos = m.end()
    # A trailing 幾 is the adverb "almost" (破百萬幾無懸念); 幾 counts only inside (二十幾萬).
    while tokens and (tokens[-1].kind == "space" or tokens[-1].text in "几幾"):
        tokens.pop()
    return tokens


# NOTE: complexity 15: the numeral grammar: one rule per token pair that may stand next to each
# other.
def _can_follow(tokens: list[_Token], tok: _Token) -> bool:
    """Whether ``tok`` may extend ``tokens`` (spaces may not join two Arabic numbers)."""
    if not tokens:
        return tok.kind in ("arabic", "digit", "unit")
    solid = [t for t in tokens if t.kind != "space"]
    spaced = tokens[-1].kind == "space"
    if tok.kind == "space":
        return tokens[-1].kind != "space"
    if spaced and solid[-1].kind == "arabic" and tok.kind in ("arabic", "digit", "point"):
        return False
    if spaced and solid[-1].kind == "digit" and tok.kind == "arabic":
        return False
    if spaced and solid[-1].kind == "arabic" and tok.kind == "fill":
        return False  # 03 多元 is a heading number, then a word
    return not (tok.kind == "point" and solid[-1].kind == "point")


def _arabic_value(text: str) -> float:
    return float(text.replace(",", ""))


def _is_digit_seq(tokens: list[_Token]) -> bool:
    """二〇二五, 九九: two or more digits with no unit between them."""
    solid = [t for t in tokens if t.kind != "space"]
    return len(solid) >= 2 and all(t.kind == "digit" for t in solid)


def _has_digit_pair(tokens: list[_Token]) -> bool:
    """二三十, 三四百: two non-zero digits side by side is a vague range, not a number."""
    solid = [t for t in tokens if t.kind != "space"]
    pairs = itertools.pairwise(solid)
    return any(
        a.kind == b.kind == "digit" and CN_DIGITS[a.text] and CN_DIGITS[b.text] for a, b in pairs
    )


# NOTE: complexity 14: the numeral grammar: one branch per token kind fed to the accumulator.
def _feed(acc: _Acc, tok: _Token) -> bool:
    """Feed one token to the evaluator; False when the token makes the numeral invalid."""
    kind, text = tok.kind, tok.text
    if kind == "space":
        return True
    if kind == "fill":
        acc.fill = acc.fill or FILLERS[text]
        return not acc.is_empty() or acc.zero
    if kind == "arabic":
        return acc.number(_arabic_value(text), False)
    if kind == "digit" and CN_DIGITS[text] == 0:
        acc.zero = True
        return True
    if kind == "digit":
        return acc.number(CN_DIGITS[text], True)
    if kind == "unit":
        return acc.unit(CN_SMALL_UNITS[text])
    if kind == "big":
        return acc.big(CN_BIG_UNITS[text])
    digits = [CN_DIGITS[c] for c in text[1:] if c != " "]
    return acc.decimal(sum(d / 10 ** (k + 1) for k, d in enumerate(digits)))


def _evaluate(tokens: list[_Token]) -> tuple[float, _Acc] | None:
    """Evaluate a token list as one numeral, or None when it is not one."""
    if _is_digit_seq(tokens):
        digits = "".join(str(CN_DIGITS[t.text]) for t in tokens if t.kind == "digit")
        return float(digits), _Acc()
    acc = _Acc()
    for tok in tokens:
        if not _feed(acc, tok):
            return None
    return acc.finish(), acc


def _read_core(s: str, i: int) -> tuple[_Num | None, int]:
    """Read the longest valid numeral at ``i``; return it and where scanning resumes."""
    tokens = _read_tokens(s, i)
    if not tokens:
        return None, i + 1
    if _has_digit_pair(tokens) and not _is_digit_seq(tokens):
        return None, tokens[-1].end  # skip the whole vague span (二三十个百分点)
    for k in range(len(tokens), 0, -1):
        part = tokens[:k]
        if part[-1].kind == "space":
            continue
        found = _evaluate(part)
        if found is not None:
            return _make_core(part, *found), _resume_after(tokens, k)
    return None, tokens[-1].end


def _resume_after(tokens: list[_Token], k: int) -> int:
    """Where to scan next after using ``tokens[:k]``: a unit glued on (五十千) is skipped."""
    if k < len(tokens) and tokens[k].kind in ("unit", "big"):
        return tokens[k].end
    return tokens[k - 1].end


def _make_core(tokens: list[_Token], value: float, acc: _Acc) -> _Num:
    """Build a ``_Num`` from evaluated tokens; a trailing 多/餘 is text, not numeral."""
    solid = [t for t in tokens if t.kind not in ("space", "fill")] or tokens
    core = _Num(
        start=tokens[0].start,
        end=tokens[-1].end,
        num_start=tokens[0].start,
        num_end=solid[-1].end,
        value=value,
        magnitude=acc.magnitude if tokens[-1].kind == "big" else 1.0,
        qualifier=acc.fill,
        single_cn=len(tokens) == 1 and tokens[0].kind in ("digit", "unit"),
        arabic=all(t.kind == "arabic" for t in tokens),
        digit_seq=_is_digit_seq(tokens),
    )
    core.extras["base"] = value / core.magnitude
    core.extras["latin_edge"] = tokens[0].kind == "arabic"
    # The leading Arabic number (35.5 of 35.5百万): a bare lower bound scales like it.
    core.extras["lead"] = _arabic_value(tokens[0].text) if tokens[0].kind == "arabic" else None
    return core
