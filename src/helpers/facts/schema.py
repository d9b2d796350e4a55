"""Stage 03's vocabulary of columns, units and limits, and the records the rules pass around.

:data:`COLUMNS` is the facts table; :class:`Reading` (a usable number), :class:`Sentence`
(a sentence with its clauses, mentions and periods), :class:`Carry` (what later sentences
inherit) and :class:`ArticleContext` (article-level inputs) are shared by every rule module.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from helpers.catalog.entities import Catalog
from helpers.catalog.metrics import Vocabulary
from helpers.facts import mentions as attr
from helpers.text.sentences import (
    Span,
)

# numbers.py kinds/units -> our unit classes
UNIT_CLASSES = {
    "vehicles": "vehicles",
    "units": "units",
    "TOPS": "TOPS",
    "km": "km",
    "miles": "km",
    "times": "rides",
}
# Distances in miles (Waymo, Tesla news) are stored in km, the facts table's unit.
KM_PER_MILE = 1.609344
KIND_CLASSES = {"percent": "percent", "percentage_point": "pp", "money": "money"}
OUTPUT_UNITS = {"vehicles": "vehicles", "units": "units", "percent": "percent", "pp": "pp",
                "TOPS": "TOPS", "km": "km", "rides": "rides"}  # fmt: skip
# A numeral that is only a magnitude (千辆级, 上千辆, 万亿) is vague, not a figure.
LONE_MAGNITUDES = frozenset("十百千万萬亿億拾佰仟")
SCALE_SUFFIX_RE = re.compile(r"^ *[级級]")
# 台 counts machines of any kind: after one of these, with no 车/辆 in between, a 台 figure
# counts robots or chargers, not vehicles (人形机器人220台; Optimus…目标是年产一百万台).
NON_VEHICLE_RE = re.compile(r"机器人|(?i:optimus)|充电桩|换电站|服务器|手机|电脑|无人机|芯片")
# The same nouns right after a 台/部 figure (3000部手机, 220台人形机器人), bar 机器人出租车.
NON_VEHICLE_AFTER_RE = re.compile(
    r"\s*(?:人形)?(?:机器人(?!出租)|充电桩|换电站|服务器|手机|电脑|无人机|芯片)"
)
# 100美元/kWh, 26辆/千人: a rate per something, not an amount of anything.
RATE_SUFFIX_RE = re.compile(r"^ *[/／] *[A-Za-z\u4e00-\u9fff]")
YEAR_LIST_RE = re.compile(r"((?:19|20)\d\d) *[-—–~至到] *((?:19|20)\d\d) *年")
# A year range that lists years, its count written or not (2021-2023年, 2021-2023三年): the
# values of a list after it are one per year (helpers.facts.dating.listed_year).
YEAR_RANGE_RE = re.compile(
    r"((?:19|20)\d\d) *[-—–~至到] *((?:19|20)\d\d) *(?:[一二三四五六七八九十两兩]|\d{1,2})? *年"
)
MAX_LISTED_YEARS = 10
# Figures that hold at a moment (a fleet, a chip's TOPS, cumulative mileage, a price) rather
# than over a span; undated ones take the article's month. 目前/当前 dates any figure by it.
STOCK_METRICS = frozenset({"fleet_size", "compute_tops", "mileage", "price"})
# NOTE (issue 14): a target without a deadline (计划启动50辆试运营) has no period: the article's
# date is when the plan was told, not when it is due.
UNDATED_TARGETS = frozenset({"fleet_target"})
AS_OF_RE = re.compile(r"目前|当前|截至目前|现已|截至发稿|累计")
ANAPHORA_METRIC_RE = re.compile(r"这一数字|该数字|这一数据|此前公布")
THEN_RE = re.compile(r"当时|同期")
# Subject types that may stand as subject per topic rule (see assign_topic).
# NOTE: an ADAS system supplier (Momenta) competes in the same NOA / ADAS markets as the chip
# vendors: its share of such a market is a chip_share fact.
CHIP_TYPES = frozenset({"chip_vendor", "chip_product", "adas_supplier"})
# Segments naming a market of other parts (lidar, cameras, screens): no chip share there.
PART_SEGMENTS = frozenset({"other_parts"})
ROBOTAXI_TYPES = frozenset({"robotaxi_operator"})
COLUMNS = [
    "fact_id", "article_id", "topic", "is_topic_fact", "entity_id", "entity_text", "parent_id",
    "metric", "base_metric", "value", "value_high", "unit", "period", "period_inferred",
    "is_fiscal", "market", "segment", "qualifier", "data_source", "sentence", "sentence_start",
    "char_start", "char_end", "number_text", "part_of",
    # evidence of how the rules found the fact (helpers.facts.rows.evidence), for its confidence
    "subject_basis", "period_basis", "metric_basis", "cue_distance", "date_basis",
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
# What a fleet figure counts when it counts trucks (170多辆自动驾驶卡车, 超过170辆自有及租赁
# 自动驾驶卡车组成的车队): no digit in between, so a second figure's noun is not this one's.
TRUCK_AFTER_RE = re.compile(r"[^，,。；;\d]{0,12}(?:卡车|货车|重卡|(?i:robotruck))")
# A money figure followed by the NEVs it is the value of (出口了价值32亿美元的电动汽车).
NEV_VALUE_AFTER_RE = re.compile(r"\s*的?(?:纯电动|新能源|电动)(?:载人)?(?:汽)?车")
# A figure right after these is the current level a plan starts from (从目前的约250辆增加到
# 1000辆), not the target.
# An opening bracket right before a figure, maybe with 约/占 (英伟达（48.2%）, 华为(约26%)).
BRACKET_OPEN_RE = re.compile(r"[（(]\s*(?:约|近|超过|占)?\s*$")
# A ranking sentence (以57万辆位居第三, 分列第四至第六).
RANKING_RE = re.compile(r"位居|位列|排名|排第|居第|分列|居首|跃居|退居")
REACHED_RE = re.compile(r"[\d%％][^，,。；;]{0,3}(?:至|到)\s*$")
CURRENT_LEVEL_RE = re.compile(r"(?:目前|当前|现有|现时|现在|如今)的?\s*$")
# Figures about goods leaving China: their market is a destination, never China itself.
OUTWARD_METRICS = EXPORT_FAMILY | {"export_value", "overseas_sales"}
COUNT_WORDS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
               **{str(d): d for d in range(2, 10)}}  # fmt: skip
# A dateline: month and day without a year at the very start of a body (11月25日，…).
DATELINE_RE = re.compile(r"(?P<m>1[0-2]|0?[1-9]) *月 *(?P<d>3[01]|[12]\d|0?[1-9]) *日")
# NOTE: 24 characters leave room for a subject with its Latin name before the date
# (文远知行(WeRide)11月24日公布…), still inside the first clause.
DATELINE_REACH = 24
# An as-of date (截至2025年11月23日) and a release date (2025年12月发布): when a text's
# figures stand, so the article is at least that recent (helpers.facts.dating.as_of_date).
AS_OF_BEFORE_RE = re.compile(r"(?:截至|截止|截止到|到) *$")
RELEASE_AFTER_RE = re.compile(r" *(?:发布|公布|披露|发表)")
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
    carried_period: str = ""  # the passage's period its figures continue (facts.extract)
    previous_items: list[attr.Mention] = field(default_factory=list)  # its listed subjects

    def clause_of(self, pos: int) -> int:
        """Index of the clause holding offset ``pos`` (0 when none does)."""
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
    metrics_named: bool = False  # metrics named by a sentence without figures (topic_metric)
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
    # The reference date is only the floor of a complete year (helpers.facts.dating.dated_by):
    # it resolves 今年/去年, but a fleet counted "now" is not dated 1 January by it.
    ref_is_floor: bool = False
    # How the reference date was found (helpers.facts.dating.DATE_BASES; "" for none).
    date_basis: str = ""
