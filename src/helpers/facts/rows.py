"""One sentence's fact rows: market, qualifier, data source, topic, segment, parts of totals."""

from __future__ import annotations

from dataclasses import dataclass, replace

from helpers.catalog.entities import Catalog
from helpers.catalog.metrics import Vocabulary, is_topic_fact
from helpers.facts import mentions as attr
from helpers.facts.dating import choose_period
from helpers.facts.ids import fact_id
from helpers.facts.metrics import (
    _context_ok,
    _cues,
    base_metric,
    choose_metric,
    refine_metric,
    signed_value,
)
from helpers.facts.schema import (
    CHIP_TYPES,
    CURRENT_LEVEL_RE,
    DOMAIN_SEGMENTS,
    EXPORT_FAMILY,
    NOT_FROM_CARRIED_SOURCE,
    OUTWARD_METRICS,
    PART_KEY,
    PART_RE,
    PART_SEGMENTS,
    ROBOTAXI_TYPES,
    SOURCE_REACH,
    STATISTICS_BODY,
    SUBJECT_REACH,
    ArticleContext,
    Carry,
    Reading,
    Sentence,
)
from helpers.facts.subjects import _markets, respectively, subjects_and_rule


# --- market, qualifier, source, topic ---------------------------------------------------------
# NOTE: complexity 12: an ordered cascade of market rules (clause mention, market words, sentence
# mention, carried, default).
def choose_market(sentence: Sentence, r: Reading, metric: str, subject_id: str,
                  vocab: Vocabulary) -> str:  # fmt: skip
    """Market of a reading: a market mention (clause first), market words, or a default.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> text = "比亞迪對歐洲交付近16萬輛"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> s.readings = read_numbers(s)
        >>> choose_market(s, s.readings[0], "sales", "byd", load_vocabulary())
        'EU'
    """
    c_lo, c_hi = sentence.clauses[r.clause]
    if in_clause := _clause_market(sentence, r, vocab):
        return in_clause
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


def _clause_market(sentence: Sentence, r: Reading, vocab: Vocabulary) -> str:
    """Markets summed in the clause (EU+AU), else the last market named in it before the figure."""
    if combined := _combined_markets(sentence, r, vocab):
        return combined
    found = _markets(sentence, sentence.clauses[r.clause][0], r.start)
    return attr.market_code(found[-1]) if found else ""


def _combined_markets(sentence: Sentence, r: Reading, vocab: Vocabulary) -> str:
    """对英国、德国两国合计出口5万辆: one figure for several markets ("GB+DE").

    NOTE: such a figure cannot stand in a per-destination table; its market joins the codes so
    that it is kept, but it is no topic fact (:func:`helpers.catalog.metrics.is_topic_fact`).

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> text = "對英國、德國兩地合計出口6萬輛"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> s.readings = read_numbers(s)
        >>> _combined_markets(s, s.readings[0], load_vocabulary())
        'GB+DE'
    """
    c_lo = sentence.clauses[r.clause][0]
    cue = vocab.patterns["combined_cues"].search(sentence.norm, c_lo, r.start)
    markets = _markets(sentence, c_lo, cue.start()) if cue else []
    codes = list(dict.fromkeys(attr.market_code(m) for m in markets))
    return "+".join(codes) if len(codes) >= 2 else ""


def choose_qualifier(sentence: Sentence, r: Reading, vocab: Vocabulary) -> str:
    """Forecast / target / claimed from the sentence before the number, else over/approx/under.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
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


# NOTE: complexity 11: one branch per topic rule of metrics.yaml.
def assign_topic(vocab: Vocabulary, metric: str, types: frozenset[str], market: str,
                 segment: str, robotaxi: bool, chinese: bool = True) -> str:  # fmt: skip
    """The topic of a fact from its metric's topic and topic rule.

    Example:
        >>> from helpers.catalog.metrics import load_vocabulary
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
    if segment in PART_SEGMENTS:
        return "other"
    if types & CHIP_TYPES or (not types and segment == "adas_chip"):
        return "chip_share"
    if (types & ROBOTAXI_TYPES and robotaxi) or (not types and segment == "robotaxi"):
        return "robotaxi_fleet"
    return "other"


def _skip_spans(sentence: Sentence, vocab: Vocabulary) -> list[tuple[int, int]]:
    """Spans where no figure is read: hypotheticals, denials and milestones.

    Hypothetical scopes run from 当/如果 to the end of that clause (当…时 spans the figure);
    denials (而非传闻中的1000辆), ratios in passing (每出口3辆就有1辆) and milestones (首次突破
    and the figure after it; a clause naming a 里程碑 or 第N辆) are skipped too.

    NOTE: 首次突破 restates a threshold the figure before has crossed (11月出口72.8万辆，单月
    首次突破70万辆). A forecast of crossing it (今年出口可望首次突破700万辆) is the forecast
    figure itself: kept, with its qualifier.
    """
    spans = []
    for m in vocab.patterns["hypothetical_patterns"].finditer(sentence.norm):
        end = sentence.clauses[sentence.clause_of(max(m.end() - 1, m.start()))][1]
        spans.append((m.start(), end))
    for m in vocab.patterns["negation_patterns"].finditer(sentence.norm):
        spans.append((m.start(), sentence.clauses[sentence.clause_of(m.start())][1]))
    spans += [m.span() for m in vocab.patterns["ratio_patterns"].finditer(sentence.norm)]
    for m in vocab.patterns["milestone_patterns"].finditer(sentence.norm):
        c_lo = sentence.clauses[sentence.clause_of(m.start())][0]
        if not vocab.qualifier_cues["forecast"].search(sentence.norm, c_lo, m.start()):
            spans.append((m.start(), m.end() + 2))
    for m in vocab.patterns["milestone_clause_patterns"].finditer(sentence.norm):
        spans.append(sentence.clauses[sentence.clause_of(m.start())])
    return spans


# --- one sentence -----------------------------------------------------------------------------
def _subject_record(sentence: Sentence, subjects: list[attr.Mention], metric: str,
                    market: str, carry: Carry, vocab: Vocabulary,
                    anaphoric: bool = False, r: Reading | None = None
                    ) -> tuple[str, str, str] | None:  # fmt: skip
    """(entity_id, entity_text, basis) from mentions, the carried subject or the metric default.

    ``basis`` says where the subject came from ("" for mentions found by the caller's rule,
    ``previous_row``, ``carried`` or ``default``): evidence for the fact's confidence.

    NOTE: the subject of an earlier sentence carries to the next :data:`SUBJECT_REACH`
    sentences, and further only to a sentence that refers back (公司, 该公司, 其, 集团): a cost
    estimate ten sentences after a company was named is not that company's figure.
    """
    if subjects:
        return "+".join(m.entity_id for m in subjects), "、".join(m.text for m in subjects), ""
    if sentence.row_subject is not None:
        # 出口620万辆，同比增长5.8%: the growth is of the same subject
        return *sentence.row_subject, "previous_row"
    carried = _carries_subject(sentence, metric, carry, vocab, anaphoric)
    if carried and not (r is not None and _carry_blocked(sentence, r, metric, carry, vocab)):
        return "+".join(carry.subject), carry.subject_text, "carried"
    default = _default_subject(sentence, metric, market, vocab)
    return None if default is None else (*default, "default")


def _carries_subject(sentence: Sentence, metric: str, carry: Carry, vocab: Vocabulary,
                     anaphoric: bool) -> bool:  # fmt: skip
    """Whether the carried subject of earlier sentences is this figure's subject."""
    if not carry.subject:
        return False
    # NOTE: a sentence that names its own data source and no subject (佐思汽研数据显示，…装机量
    # 为252.6万套) reports a market figure, not the previous sentence's company's.
    sourced = any(m.role == "source" for m in sentence.mentions) and not anaphoric
    # NOTE: a market-level metric (装机量, 渗透率) with no subject of its own is the market's,
    # not the company of the sentence before, unless the sentence refers back (其装机量).
    market_level = vocab.metrics[metric].default_subject == "market" and not anaphoric
    market_level = market_level and not _is_market_subject(carry.subject)
    recent = carry.subject_age <= SUBJECT_REACH or anaphoric
    return not sourced and not market_level and recent


def _carry_blocked(sentence: Sentence, r: Reading, metric: str, carry: Carry,
                   vocab: Vocabulary) -> bool:  # fmt: skip
    """Figures an earlier sentence's subject never takes.

    NOTE: a clause stating a market total (汽车出口总量, 全国, 行业) with no subject of its own is
    the market's, not the company named last (比亚迪出口40万辆。全年汽车出口总量达600万辆).
    A foreign country carried from an earlier sentence is a destination the text talked about
    (墨西哥成为第一大出口目的国), never the exporter of a later export figure.
    """
    c_lo = sentence.clauses[r.clause][0]
    total = vocab.patterns["market_total_cues"].search(sentence.norm, c_lo, r.start)
    foreign = metric in EXPORT_FAMILY and all(_is_foreign_region(c) for c in carry.subject)
    return bool(total) or foreign


def _is_foreign_region(entity_id: str) -> bool:
    """A region outside China (墨西哥, 欧洲) or a foreign abbreviation (对俄 -> market_ru)."""
    if entity_id.startswith("market_"):
        return True
    entity = attr.load_catalog().entities.get(entity_id)
    return entity is not None and "region" in entity.types and entity.iso != attr.HOME_ISO


def _is_market_subject(subject: list[str]) -> bool:
    """A carried subject that is itself a market (``market_*``, a region or a group)."""
    return all(
        c.startswith("market_") or attr.types_of(c) & attr.NON_PUBLISHER_TYPES for c in subject
    )


def _default_subject(sentence: Sentence, metric: str, market: str,
                     vocab: Vocabulary) -> tuple[str, str] | None:  # fmt: skip
    """China for national figures (by the metric's default or a statistics body), else None."""
    default = vocab.metrics[metric].default_subject
    if default == "china" or (default == "market" and market == "CN"):
        return "china", ""
    # NOTE: 乘联会口径，新能源车年增速39%: a national statistics body's figure without a
    # subject is the country's.
    if any(STATISTICS_BODY in m.types for m in sentence.mentions if m.role == "source"):
        return "china", ""
    return None


def _china_abroad(entity_id: str, metric: str, market: str) -> str:
    """China's sales *in* a foreign market are Chinese brands' sales (中国汽车在欧洲销量).

    NOTE: the other way round, 中国车企出口 (Chinese makers' exports) is the national export
    statistic: CAAM counts exports by the makers it surveys. Its subject is China.

    Example:
        >>> _china_abroad("china", "sales", "EU"), _china_abroad("chinese_brands", "exports", "")
        ('chinese_brands', 'china')
    """
    foreign = market not in ("", "CN", "world")
    if entity_id == "chinese_brands" and metric in EXPORT_FAMILY:
        return "china"
    return "chinese_brands" if entity_id == "china" and metric == "sales" and foreign else entity_id


def _outward_market(market: str, metric: str) -> str:
    """China is never the destination of its own exports: such a figure's market is the world.

    NOTE: 在上海口岸出口 names where goods leave, 中国出口 the exporter; with no foreign market
    named, an export or overseas figure counts for the world.

    Example:
        >>> _outward_market("CN", "exports"), _outward_market("", "exports")
        ('world', 'world')
        >>> _outward_market("CN", "sales")
        'CN'
    """
    return "world" if market in ("", attr.HOME_ISO) and metric in OUTWARD_METRICS else market


@dataclass
class _Pending:
    """Per-reading decisions shared by the fact rows of that reading."""

    metric: str
    cue_start: int
    mapped: tuple[str, object] | None
    subject_rule: str = ""  # the rule of helpers.facts.subjects that named the subject


# NOTE: complexity 14: the per-sentence driver: context, skips, 分别 lists, readings, carried state,
# parts, in that order.
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
        metric = refine_metric(sentence, idx, metric, vocab, carry)
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
    carry.metrics, carry.metrics_paragraph, carry.metrics_named = {}, sentence.span.paragraph, False
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
        >>> from helpers.facts.extract import extract_article_facts
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
    groups, pending.subject_rule = (
        ([[item]], "respectively")
        if kind == "subject"
        else subjects_and_rule(sentence, idx, ctx.vocab)
    )
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
    market = _outward_market(provisional or choose_market(sentence, r, metric, "", vocab), metric)
    sentence.last_market = market
    anaphoric = bool(vocab.patterns["anaphora_cues"].search(sentence.norm))
    subject = _subject_record(sentence, group, metric, market, carry, vocab, anaphoric, r)
    if subject is None:
        return None
    sentence.row_subject = subject[:2]
    entity_id = _china_abroad(subject[0], metric, market)
    if kind == "period":
        period = (item, False, False, "list")
    else:
        period = choose_period(sentence, r, ctx, metric)
    _remember_subject(carry, group, subject[1], anaphoric)
    row = _row(sentence, idx, pending, metric, entity_id, subject[1], market,
               period[:3], ctx, carry, ctx_ok)  # fmt: skip
    return {**row, **evidence(sentence, r, pending, subject[2] or pending.subject_rule, period[3],
                              ctx)}  # fmt: skip


def _remember_subject(carry: Carry, group: list[attr.Mention], text: str, anaphoric: bool) -> None:
    """A subject named (or referred back to) starts the carried subject's reach afresh."""
    if group or anaphoric:
        carry.subject_age = 0
    if group:
        carry.subject, carry.subject_text = [m.entity_id for m in group], text


def evidence(sentence: Sentence, r: Reading, pending: _Pending, subject_basis: str,
             period_basis: str, ctx: ArticleContext) -> dict:  # fmt: skip
    """How the rules found a fact's parts: what :mod:`helpers.facts.confidence` scores.

    ``metric_basis``: the cue stood before the figure in its clause (``cue_before``), after it
    (``cue_after``), in an earlier clause (``cue_earlier``), or none did and the metric was
    inherited from a figure before or taken from the unit (``inherited``); ``cue_distance``
    counts the characters between cue and figure (-1 for none).

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> s = make_sentence(Span(0, 10, "比亚迪海外销量达5万辆"), "")
        >>> s.readings = read_numbers(s)
        >>> ev = evidence(s, s.readings[0], _Pending("overseas_sales", 3, None), "in_clause",
        ...               "none", None)
        >>> ev["metric_basis"], ev["cue_distance"], ev["date_basis"]
        ('cue_before', 5, '')
    """
    c_lo = sentence.clauses[r.clause][0]
    start = pending.cue_start
    if start < 0:
        basis, distance = "inherited", -1
    elif start >= r.end:
        basis, distance = "cue_after", start - r.end
    else:
        basis = "cue_before" if start >= c_lo else "cue_earlier"
        distance = max(r.start - start, 0)
    return {"subject_basis": subject_basis, "period_basis": period_basis,
            "metric_basis": basis, "cue_distance": distance,
            "date_basis": ctx.date_basis if ctx is not None else ""}  # fmt: skip


def _promote_target(sentence: Sentence, r: Reading, metric: str, vocab: Vocabulary) -> str:
    """A fleet_size in a sentence with a target cue before it is a fleet_target.

    NOTE: the level a plan starts from (计划…从目前的约250辆增加到1000辆) stays a fleet size.
    """
    if CURRENT_LEVEL_RE.search(sentence.norm, sentence.clauses[r.clause][0], r.start):
        return metric
    for target in vocab.metrics.values():
        if target.target_of == metric and vocab.qualifier_cues["target"].search(
            sentence.norm, 0, r.start
        ):
            return target.name
    return metric


# NOTE: complexity 12: assembles one fact row from the rule functions; each condition picks which
# rule applies.
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
        "fact_id": fact_id(ctx.article_id, start, end, metric),
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
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
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
