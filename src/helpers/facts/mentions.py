"""Who a figure is about, where, and who says so: subject, market and data-source attribution.

Every named thing in a body becomes a :class:`Mention` with a *role*:

- ``source``  a statistics body or research firm (中汽协, 乘联会, 高工智能): the data source;
- ``market``  a foreign region (墨西哥, 欧洲), any region after a market preposition (对, 在, 向)
  or before 市场 (在中国市场), a one-character abbreviation after a preposition (对俄出口):
  where the figure applies;
- ``location`` a region before 工厂/基地 (上海超级工厂): where a plant stands, neither;
- ``owner``   an entity followed by 旗下/母公司 (吉利旗下的沃尔沃): not the subject;
- ``scope``   a group between 在 and 市场 (在中国自主品牌ADAS市场), or anything in 以…计 (以中国
  主机厂ADAS方案计): the basis a figure is measured on, not whom it is about;
- ``instrument`` a name after 依托/凭借/借助 (依托MG品牌): the means, not the subject;
- ``subject`` everything else (automakers, brands, chip vendors, operators, China and Chinese
  cities as exporters, a country before 车企/汽车 (日本车企: its makers), and generic
  subjects 公司B / 其他厂商).

NOTE: roles come from catalog types plus the few characters around the mention; no parser.
A subject is then chosen per figure in :mod:`helpers.facts.extract` (first subject of the clause,
分别 lists, 各, 合计 combinations, carried subjects).

Example:
    >>> [(m.entity_id, m.role) for m in find_mentions("中國對墨西哥出口,乘聯會統計")]
    [('china', 'subject'), ('mexico', 'market'), ('cpca', 'source')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from helpers.catalog.entities import Catalog, cached_tokenizer, find_entities, load_catalog, rollup
from helpers.catalog.metrics import Vocabulary, load_vocabulary
from helpers.text.sentences import inside, matching_copy, title_spans

HOME_ISO = "CN"
NON_PUBLISHER_TYPES = frozenset({"region", "group"})
# How many characters before a mention a market preposition may stand (对墨西哥, 在中国).
PREPOSITION_WINDOW = 3
# A region heading a market phrase (中国NOA芯片市场, 中国乘用车前视一体机市场).
MARKET_PHRASE_RE = re.compile(r"[^，,。；;的和与及、]{1,10}?市场")
# 以/按/依…计: the basis a figure is counted on (以中国主机厂方案计, 按中国市场计).
MEASURE_BY_RE = re.compile(r"[以按依] *$")
LIST_JOIN_RE = re.compile(r" *(?:、|和|与|與|及|以及|,|，) *")
# How far after 旗下 (吉利旗下的沃尔沃) an owned name may start.
OWNED_REACH = 5
# A stock ticker (TSLA-US, AMZN.US, 9660.HK): the exchange code names no market.
TICKER_BEFORE_RE = re.compile(r"[A-Za-z0-9][-.]$")
# What a clause must hold after an ambiguous alias for it to be the subject of a figure.
FIGURE_AFTER_RE = re.compile(r"[^，,。；;！？!?\n]*?\d")
# Tokens after an ambiguous alias that make it an ordinary word (理想的, 大众消费者, 大众市场).
ORDINARY_NEXT_TOKENS = frozenset(
    {"的", "地", "化", "型", "性", "状态", "目标", "消费者", "用户", "车主", "群体", "市场", "家庭"}
)


@dataclass(frozen=True)
class Mention:
    """One entity mention: span in the body, catalog id (or generic id), role, ISO code."""

    start: int
    end: int
    text: str
    entity_id: str
    role: str
    iso: str | None = None
    types: tuple[str, ...] = ()


def _role(norm: str, start: int, end: int, types: tuple[str, ...], iso: str | None,
          vocab: Vocabulary) -> str:  # fmt: skip
    """The role of one catalog mention from its types and its neighbours."""
    if set(types) & vocab.source_types:
        return "source"
    after = norm[end : end + 6]
    if vocab.patterns["owner_suffixes"].match(after.lstrip("的")):
        return "owner"
    before = norm[max(0, start - PREPOSITION_WINDOW) : start]
    if MEASURE_BY_RE.search(before) and "计" in norm[end : end + 15]:
        return "scope"  # 以中国主机厂ADAS方案计: how a share is counted, not whose it is
    if vocab.patterns["instrument_prefixes"].search(before[-2:]):
        return "instrument"  # 上汽集团：依托MG品牌，海外销量…: the group's figure, not MG's
    preposition = _preposition_before(before, vocab)
    if iso is None:
        # NOTE: 其在中国自主品牌ADAS市场的份额: a group after 在 and before 市场 names the
        # market segment a figure is measured in, not who the figure is about.
        scope = preposition and "group" in types and "市场" in norm[end : end + 10]
        return "scope" if scope else "subject"
    return _region_role(norm, end, iso, preposition, vocab)


def _preposition_before(before: str, vocab: Vocabulary) -> re.Match | None:
    """A market preposition that ends right where the mention starts (对墨西哥, 在中国)."""
    found = vocab.patterns["market_prepositions"].search(before)
    return found if found and found.end() == len(before) else None


def _names_makers(after: str, preposition: re.Match | None, vocab: Vocabulary) -> bool:
    """A region before 车企/汽车 (not after a direction, not before 市场) stands for its makers."""
    maker = vocab.patterns["maker_suffixes"].match(after)
    directed = preposition is not None and bool(
        vocab.patterns["directional_prepositions"].fullmatch(preposition.group())
    )
    return (
        bool(maker)
        and not directed
        and not vocab.patterns["market_suffixes"].match(after[maker.end() :])
    )


def _region_role(norm: str, end: int, iso: str, preposition: re.Match | None,
                 vocab: Vocabulary) -> str:  # fmt: skip
    """A region is a market, a plant's location or (日本车企) the subject, by its neighbours.

    NOTE: a direction (对, 向, 销往) beats the maker suffix: 对墨西哥汽车出口 is China's exports
    to Mexico, while 日本汽车出口 and 在日本汽车占优的市场 name Japan's makers. A foreign
    country heading its own export verb with no preposition (韩国出口汽车278万辆) is the
    exporter.
    """
    after = norm[end : end + 6]
    if _names_makers(after, preposition, vocab):
        return "subject"  # 日本车企, 在日本汽车占优的市场 (but 在中国汽车市场 is a market)
    if vocab.patterns["location_suffixes"].match(after):
        return "location"
    exporter = preposition is None and vocab.patterns["exporter_verbs"].match(norm, end)
    if exporter and iso != HOME_ISO:
        return "subject"  # 韩国出口汽车278万辆: Korea's exports, not China's to Korea
    if iso != HOME_ISO or vocab.patterns["market_suffixes"].match(after):
        return "market"
    if MARKET_PHRASE_RE.match(norm, end):
        return "market"  # 中国NOA芯片市场中英伟达占52.57%: the market, not whose share
    return "market" if preposition else "subject"


def _entities(body: str, norm: str, catalog: Catalog) -> list[dict]:
    """Catalog mentions found in the body or in its Simplified copy, longest first.

    NOTE: scraped pages mix scripts inside one name (蘿卜快跑: Traditional 蘿, Simplified 卜);
    no spelling in the catalog matches it, but its same-length Simplified copy (萝卜快跑) does.
    The body is searched as well: OpenCC rewrites a few Simplified names (乾崑).

    Example:
        >>> text = "蘿卜快跑"
        >>> [e["entity_id"] for e in _entities(text, matching_copy(text), load_catalog())]
        ['baidu_apollo_go']
    """
    found = find_entities(body, catalog=catalog, include_ambiguous=True)
    if norm != body:  # a Simplified body is its own copy: one search is enough
        found += find_entities(norm, catalog=catalog, include_ambiguous=True)
    kept: list[dict] = []
    for e in sorted(found, key=lambda e: (e["start"], e["start"] - e["end"])):
        if not kept or e["start"] >= kept[-1]["end"]:
            kept.append({**e, "text": body[e["start"] : e["end"]]})
    # NOTE: TSLA-US, 9660.HK: an exchange code after a ticker is no market.
    return [e for e in kept if not TICKER_BEFORE_RE.search(body, 0, e["start"])]


def _listed_ambiguous(body: str, norm: str, catalog: Catalog) -> list[dict]:
    """Catalog mentions, plus ambiguous aliases (长安, 理想) that name the company here.

    NOTE: 长安 alone may be the old name of Xi'an; in 奇瑞、比亚迪、上汽、长安和吉利 it is the
    automaker. An ambiguous alias is kept when a list separator (、 和 与 及) joins it to an
    unambiguous mention, or when it is the subject of a figure (:func:`_names_a_subject`).

    Example:
        >>> [e["entity_id"] for e in _listed_ambiguous("上汽、长安和吉利", "", load_catalog())]
        ['saic', 'changan', 'geely']
    """
    norm = norm or matching_copy(body)
    found = _entities(body, norm, catalog)
    sure = [e for e in found if not e["is_ambiguous"]]
    kept = list(sure)
    for e in found:
        if not e["is_ambiguous"]:
            continue
        near = [x for x in sure if LIST_JOIN_RE.fullmatch(_between(body, x, e))]
        if near or _names_a_subject(norm, e, catalog):
            kept.append(e)
        else:  # 上海汽车出口: not SAIC here, but 上海 inside it is still a sure name
            kept += _inside(body, norm, e, catalog)
    return sorted(kept, key=lambda e: e["start"])


def _inside(body: str, norm: str, e: dict, catalog: Catalog) -> list[dict]:
    """The sure names within the span of a rejected ambiguous alias (offsets in the body)."""
    lo, hi = e["start"], e["end"]
    return [
        {
            **x,
            "start": x["start"] + lo,
            "end": x["end"] + lo,
            "text": body[lo:hi][x["start"] : x["end"]],
        }
        for x in find_entities(norm[lo:hi], catalog=catalog)
    ]


def _names_a_subject(norm: str, e: dict, catalog: Catalog) -> bool:
    """Whether an ambiguous alias (理想, 大众) is a word of its own heading a figure.

    NOTE: jieba, loaded with the catalog's names, decides the word boundaries: 理想化, 长安街,
    万里长城 and 大众化 are other words. A whole word counts when its clause goes on to a number
    (理想12月交付5万辆) and the next word does not make it an ordinary one (理想的, 大众消费者).
    jieba is slow, so it runs only on such clauses (most aliases fail the cheap test first).

    Example:
        >>> text = "理想12月交付5万辆，理想化的设想"
        >>> found = find_entities(text, include_ambiguous=True)
        >>> [_names_a_subject(text, e, load_catalog()) for e in found]
        [True, False]
    """
    if not FIGURE_AFTER_RE.match(norm, e["end"]):
        return False
    start = max(norm.rfind(c, 0, e["start"]) for c in "，,。；;！？!?\n") + 1
    words = cached_tokenizer(catalog).lcut(norm[start : e["end"] + 12])
    position = start
    for word, after in zip(words, [*words[1:], ""], strict=True):
        if position == e["start"]:
            whole = position + len(word) == e["end"]
            return whole and after not in ORDINARY_NEXT_TOKENS
        position += len(word)
    return False


def _between(body: str, a: dict, b: dict) -> str:
    lo, hi = (a["end"], b["start"]) if a["start"] < b["start"] else (b["end"], a["start"])
    return body[lo:hi] if lo <= hi else "x"


def _catalog_mentions(body: str, norm: str, catalog: Catalog, vocab: Vocabulary) -> list[Mention]:
    out = []
    for e in _listed_ambiguous(body, norm, catalog):
        entity = catalog.entities[e["entity_id"]]
        role = _role(norm, e["start"], e["end"], entity.types, entity.iso, vocab)
        out.append(
            Mention(e["start"], e["end"], e["text"], e["entity_id"], role, entity.iso, entity.types)
        )
    return _owners_of_nothing_named(out)


def _owners_of_nothing_named(mentions: list[Mention]) -> list[Mention]:
    """An owner (X旗下) with no name right after it owns a thing, not a brand: it is the subject.

    NOTE: 吉利旗下的沃尔沃 is Volvo's figure; 文远知行旗下Robotaxi车队规模超过1000辆 is WeRide's.

    Example:
        >>> [(m.entity_id, m.role) for m in find_mentions("文遠知行旗下Robotaxi車隊")]
        [('weride', 'subject')]
    """
    out = []
    for m in mentions:
        owned = any(0 <= x.start - m.end <= OWNED_REACH for x in mentions if x is not m)
        out.append(m if m.role != "owner" or owned else replace(m, role="subject"))
    return out


def _generic_mentions(body: str, norm: str, vocab: Vocabulary) -> list[Mention]:
    """公司B -> company_b, 其他厂商 -> others (subjects no catalog can list)."""
    out = []
    for name, pattern in vocab.generic_subjects.items():
        for m in pattern.finditer(norm):
            entity_id = f"company_{m.group(1).lower()}" if name == "company_x" else name
            out.append(Mention(m.start(), m.end(), body[m.start() : m.end()], entity_id, "subject"))
    return out


def _abbreviation_mentions(body: str, norm: str, vocab: Vocabulary) -> list[Mention]:
    """对俄出口, 对美出口: a one-character country name right after a market preposition."""
    out = []
    for prep in vocab.patterns["market_prepositions"].finditer(norm):
        ch = norm[prep.end() : prep.end() + 1]
        iso = vocab.market_abbreviations.get(ch)
        if iso and norm[prep.end() + 1 : prep.end() + 3] in ("出口", "销售", "交付"):
            start = prep.end()
            out.append(
                Mention(start, start + 1, body[start], f"market_{iso.lower()}", "market", iso)
            )
    return out


def _region_anaphora(body: str, norm: str, found: list[Mention], catalog: Catalog,
                     vocab: Vocabulary) -> list[Mention]:  # fmt: skip
    """全省 / 全市: the last province or city named before, as the subject.

    NOTE: 安徽…。据统计，全省累计出口汽车22.5万辆 is Anhui's figure, not that of the company
    the sentence before was about. Levels come from the catalog (``level`` of a region).

    Example:
        >>> body = "安徽车企奇瑞出口17万辆。全省出口22万辆"
        >>> found = _catalog_mentions(body, body, load_catalog(), load_vocabulary())
        >>> [m.entity_id for m in _region_anaphora(body, body, found, load_catalog(),
        ...                                        load_vocabulary())]
        ['anhui']
    """
    out = []
    for level, pattern in vocab.region_anaphora.items():
        for m in pattern.finditer(norm):
            named = [x for x in found if x.end <= m.start() and _level(x, catalog) == level]
            if named:
                x = named[-1]
                out.append(Mention(m.start(), m.end(), body[m.start() : m.end()], x.entity_id,
                                   "subject", x.iso, x.types))  # fmt: skip
    return out


def _level(mention: Mention, catalog: Catalog) -> str | None:
    entity = catalog.entities.get(mention.entity_id)
    return entity.level if entity is not None else None


def find_mentions(body: str, *, catalog: Catalog | None = None,
                  vocab: Vocabulary | None = None) -> list[Mention]:  # fmt: skip
    """Find every entity mention in ``body`` with its role, in text order.

    Args:
        body: the article body (offsets refer to it).
        catalog: entity catalog (the packaged one by default).
        vocab: facts vocabulary (the packaged one by default).

    Returns:
        Mentions sorted by start; overlapping generic matches lose to catalog ones; names
        inside a 《title》 are not mentions (《日本经济新闻》 is no market).

    Example:
        >>> [(m.entity_id, m.role) for m in find_mentions("在對俄出口中,奇瑞一家就占了兩成")]
        [('market_ru', 'market'), ('chery', 'subject')]
    """
    catalog = catalog or load_catalog()
    vocab = vocab or load_vocabulary()
    norm = matching_copy(body)
    found = _catalog_mentions(body, norm, catalog, vocab)
    found += _region_anaphora(body, norm, found, catalog, vocab)
    taken = [(m.start, m.end) for m in found]
    for extra in _generic_mentions(body, norm, vocab) + _abbreviation_mentions(body, norm, vocab):
        if not any(s < extra.end and extra.start < e for s, e in taken):
            found.append(extra)
    titles = title_spans(body)
    return sorted((m for m in found if not inside(titles, m.start, m.end)), key=lambda m: m.start)


def parent_of(entity_id: str, catalog: Catalog | None = None) -> str:
    """The top of the parent chain for catalog ids; generic ids are their own parent.

    Example:
        >>> parent_of("orin_x"), parent_of("company_b")
        ('nvidia', 'company_b')
    """
    catalog = catalog or load_catalog()
    parts = [rollup(p, catalog) if p in catalog else p for p in entity_id.split("+")]
    return "+".join(parts)


def is_ancestor(ancestor_id: str, entity_id: str, catalog: Catalog | None = None) -> bool:
    """Whether ``ancestor_id`` is on the parent chain of ``entity_id`` (itself excluded).

    Example:
        >>> is_ancestor("nvidia", "orin_x"), is_ancestor("orin_x", "nvidia")
        (True, False)
    """
    catalog = catalog or load_catalog()
    part = entity_id
    while part in catalog and (part := catalog.entities[part].parent) is not None:
        if part == ancestor_id:
            return True
    return False


def types_of(entity_id: str, catalog: Catalog | None = None) -> frozenset[str]:
    """Catalog types of an id and of its parent chain (empty for generic ids).

    Example:
        >>> sorted(types_of("orin_x"))
        ['chip_product', 'chip_vendor']
    """
    catalog = catalog or load_catalog()
    out: set[str] = set()
    for part in entity_id.split("+"):
        while part in catalog:
            entity = catalog.entities[part]
            out |= set(entity.types)
            if entity.parent is None:
                break
            part = entity.parent
    return frozenset(out)


def market_code(mention: Mention) -> str:
    """ISO-3166 alpha-2 (EU for Europe) of a market mention.

    Example:
        >>> market_code(Mention(0, 2, "歐洲", "eu", "market", "EU"))
        'EU'
    """
    return mention.iso or ""


def market_from_words(norm_text: str, vocab: Vocabulary) -> str:
    """World or CN from words like 全球/海外 and 国内; empty when none is written.

    Example:
        >>> market_from_words("公司在全球运营超过1600辆", load_vocabulary())
        'world'
    """
    hits = [
        (m.start(), code) for code, p in vocab.market_words.items() if (m := p.search(norm_text))
    ]
    return min(hits)[1] if hits else ""


def find_segment(norm_text: str, vocab: Vocabulary) -> str:
    """The first segment whose words occur in the text (adas_chip, robotaxi, nev, ...).

    Example:
        >>> find_segment("城市NOA计算芯片市场中", load_vocabulary())
        'adas_chip'
    """
    for name, pattern in vocab.segments:
        if pattern.search(norm_text):
            return name
    return ""


def company_source(subject_id: str, norm_sentence: str, vocab: Vocabulary,
                   catalog: Catalog | None = None) -> str:  # fmt: skip
    """The company itself as data source when the sentence is its own disclosure (公布, 财报).

    Example:
        >>> company_source("zeekr", "公司公布全年销量", load_vocabulary())
        'geely'
    """
    catalog = catalog or load_catalog()
    if not subject_id or "+" in subject_id or subject_id not in catalog:
        return ""
    # NOTE: a country, city or aggregate (中国, 中国品牌) publishes nothing itself.
    if types_of(subject_id, catalog) & NON_PUBLISHER_TYPES:
        return ""
    if vocab.patterns["company_source_cues"].search(norm_sentence):
        return rollup(subject_id, catalog)
    return ""
