"""Whom a figure is about: 分别/各/合计 lists, the clause's subject, carried or fitting ones."""

from __future__ import annotations

import re

from helpers.catalog.metrics import Vocabulary
from helpers.facts import mentions as attr
from helpers.facts.schema import (
    COUNT_RE,
    COUNT_WORDS,
    PAIRED_JOIN_RE,
    ROBOTAXI_TYPES,
    YEAR_LIST_RE,
    Reading,
    Sentence,
)

# A clause that starts with its subject, maybe after a ranking word (瑞萨排第二，占比19.7%; 其次是
# 英特尔，占比18%): that subject holds for the figures up to the next one named.
# 甲与乙合作…: partners named in a list, not a combination.
PARTNERS_AFTER_RE = re.compile(r"\s*(?:合作|联合|携手|共同|合资|签署|签约|达成)")
CLAUSE_OPENING_RE = re.compile(
    r"[\s、，,；;：:]*(?:其次(?:是|为)?|然后是|再次是|之后是|而|第[一二三四五六七八九十\d]+(?:名|位)?(?:是|为)?)?\s*"
)


# --- subjects ---------------------------------------------------------------------------------
def _subjects(sentence: Sentence, lo: int, hi: int) -> list[attr.Mention]:
    found = [m for m in sentence.mentions if m.role == "subject" and lo <= m.start and m.end <= hi]
    return most_specific(sentence, found)


def most_specific(sentence: Sentence, mentions: list[attr.Mention]) -> list[attr.Mention]:
    """Drop a vendor or group glued to its own product or brand (輝達Orin-X, 上汽名爵).

    NOTE: the product is the more specific subject and still counts for its vendor (its parent),
    so the figure lands on the right row either way: 輝達Orin-X晶片以210萬顆裝機量 is Orin-X's.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence
        >>> text = "輝達Orin-X與上汽名爵"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> [m.entity_id for m in most_specific(s, s.mentions)]
        ['orin_x', 'mg']
    """
    kept = []
    for m, nxt in zip(mentions, [*mentions[1:], None], strict=False):
        glued = nxt is not None and not sentence.norm[m.end : nxt.start].strip(" ()（）")
        if glued and attr.is_ancestor(m.entity_id, nxt.entity_id):
            continue
        kept.append(m)
    return kept


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
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
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


# NOTE: complexity 13: matches a list of subjects to a list of values clause by clause; the checks
# are the list shape.
def _paired_lists(sentence: Sentence) -> dict[int, tuple[str, object]]:
    """Map N listed subjects onto N joined values of one clause, as if 分别 were written.

    长安与吉利则录得46.5万辆及42.3万辆: the values are joined by 及/和/、.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence, read_numbers
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
    """The mapping of one 分别/对应/依次为 cue (empty when no list fits its values).

    NOTE: values of each unit class map on their own: 甲和乙分别以21万辆/13%和20万辆/12%
    gives each company a count and a share.
    """
    clause = sentence.clause_of(m.start())
    after = [
        i for i, r in enumerate(sentence.readings) if r.start >= m.end() and r.clause == clause
    ]
    if len(after) < 2:
        return {}
    lists = _candidate_lists(sentence, clause, m.start())
    mapping: dict[int, tuple[str, object]] = {}
    for cls in dict.fromkeys(sentence.readings[i].unit_class for i in after):
        same = [i for i in after if sentence.readings[i].unit_class == cls]
        mapping.update(_first_fitting(same, lists(len(same))))
    return mapping


def _first_fitting(values: list[int], lists: tuple) -> dict[int, tuple[str, object]]:
    """Map two or more values onto the first candidate list of the same length."""
    for kind, found in lists:
        if len(values) >= 2 and len(found) == len(values):
            return {i: (kind, item) for i, item in zip(values, found, strict=True)}
    return {}


def _candidate_lists(sentence: Sentence, clause: int, cue_start: int):
    """The lists a 分别 cue may refer to, in order of preference, for ``n`` values."""
    lo = sentence.clauses[clause][0]
    listed = [p for p in sentence.periods if lo <= p["start"] and p["end"] <= cue_start]
    # 2025年…在9月、10月分别为: the months are the list, the year only dates them
    listed = [p for p in listed if p["kind"] == listed[-1]["kind"]] if listed else []
    listed_periods = [p["period"] for p in listed]
    # NOTE: the list may stand in an earlier clause (前五名依次为奇瑞、比亚迪…，出口量分别为…):
    # then the last N list items of the sentence before the cue are the list.
    items = list_items(sentence, _subjects(sentence, 0, cue_start))

    def lists(n: int) -> tuple[tuple[str, list], ...]:
        return (
            ("subject", _subjects(sentence, lo, cue_start)),
            ("market", _markets(sentence, lo, cue_start)),
            ("period", year_list(sentence.span.text[lo:cue_start])),
            ("period", listed_periods if all(listed_periods) else []),  # 9月、10月、11月分别为
            ("subject", items[-n:] if len(items) >= n else []),
        )

    return lists


def sentence_items(sentence: Sentence) -> list[attr.Mention]:
    """The subjects a sentence lists, one per item (for a 前三家 in the sentence after it)."""
    return list_items(sentence, _subjects(sentence, 0, len(sentence.norm)))


def list_items(sentence: Sentence, mentions: list[attr.Mention]) -> list[attr.Mention]:
    """Return one mention per list item; an entity named twice counts once.

    辉达Orin-X (vendor + product, nothing between) is one item: the product.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence
        >>> text = "特斯拉FSD、輝達Orin-X與地平線征程5"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> [m.entity_id for m in list_items(s, most_specific(s, s.mentions))]
        ['tesla_fsd_chip', 'orin_x', 'journey_5']
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
    if cue.group().startswith("前"):
        return _top_n(sentence, cue)
    counted = COUNT_RE.search(sentence.norm, c_lo, cue.end())
    count = COUNT_WORDS.get(counted.group()[0], 0) if counted else 0
    if count and len(listed) < count:
        # NOTE: 三家合计 / 两者…的合计份额 refers back to the last N list items of the sentence.
        items = list_items(sentence, _subjects(sentence, 0, cue.start()))
        listed = items[-count:] if len(items) >= count else []
    return listed if len(listed) >= 2 else []


def _top_n(sentence: Sentence, cue: re.Match) -> list[attr.Mention]:
    """前三家占比超过80%: the first N items of the ranking, in this sentence or the one before.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence
        >>> text = "高通居首，瑞萨第二，英特尔第三，恩智浦第四，前三家合计"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> [m.entity_id for m in _top_n(s, re.search("前三家", text))]
        ['qualcomm', 'renesas', 'intel']
    """
    count = COUNT_WORDS.get(cue.group()[1], 0)
    items = list_items(sentence, _subjects(sentence, 0, cue.start())) or sentence.previous_items
    return items[:count] if count >= 2 and len(items) >= count else []


def choose_subjects(sentence: Sentence, idx: int, vocab: Vocabulary) -> list[list[attr.Mention]]:
    """The subject(s) of reading ``idx``: one list per fact (各 gives several facts).

    An inner list with several mentions is one combined figure (三家合计). Otherwise the first
    rule that finds a subject wins: the clause's own, one named since the previous figure, the
    previous figure's, an earlier one whose type fits the metric.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> text = "吉利、比亞迪各約40萬輛"
        >>> s = make_sentence(Span(0, 13, text), "", mentions=attr.find_mentions(text))
        >>> s.readings = read_numbers(s)
        >>> [[m.entity_id for m in f] for f in choose_subjects(s, 0, load_vocabulary())]
        [['geely'], ['byd']]
    """
    return subjects_and_rule(sentence, idx, vocab)[0]


def subjects_and_rule(sentence: Sentence, idx: int, vocab: Vocabulary
                      ) -> tuple[list[list[attr.Mention]], str]:  # fmt: skip
    """:func:`choose_subjects` and the name of the rule that found them ("" for none).

    The rule is evidence for the fact's confidence (:mod:`helpers.facts.confidence`): a subject
    named in the figure's own clause is surer than one taken from an earlier clause.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.catalog.metrics import load_vocabulary
        >>> from helpers.facts.readings import make_sentence, read_numbers
        >>> text = "比亞迪出口5萬輛，同比增長9%"
        >>> s = make_sentence(Span(0, len(text), text), "", mentions=attr.find_mentions(text))
        >>> s.readings = read_numbers(s)
        >>> subjects_and_rule(s, 0, load_vocabulary())[1]
        'in_clause'
    """
    r = sentence.readings[idx]
    if each := _listed_subjects(sentence, r, vocab.patterns["each_cues"]):
        return [[m] for m in each], "each"
    if combined := _listed_subjects(sentence, r, vocab.patterns["combined_cues"]):
        return [combined], "combined"
    for name, rule in SUBJECT_RULES:
        if found := rule(sentence, idx, vocab):
            return [found], name
    return [], ""


def _in_clause(sentence: Sentence, idx: int, vocab: Vocabulary) -> list[attr.Mention]:
    """The first subject of the clause, after the previous figure of the clause if any.

    A list heading the clause (甲、乙等品牌海外销量达16万辆; 甲和乙新能源车销售超过1万辆)
    with the only figure of its unit in the clause is one combined figure.
    """
    r = sentence.readings[idx]
    c_lo = sentence.clauses[r.clause][0]
    prev_end = max((x.end for x in sentence.readings[:idx] if x.clause == r.clause), default=c_lo)
    found = _subjects(sentence, prev_end, r.start) or _subjects(sentence, c_lo, r.start)
    alone = [x for x in sentence.readings if x.clause == r.clause and x.unit_class == r.unit_class]
    run = _joined_run(sentence, found)
    return run if len(run) >= 2 and len(alone) == 1 else found[:1]


def _joined_run(sentence: Sentence, found: list[attr.Mention]) -> list[attr.Mention]:
    """The subjects joined to the first by list separators (、 和 与 及), in text order.

    NOTE: a list followed by a verb of working together (甲与乙合作…) names partners, not a
    combined figure: then only the first counts.

    Example:
        >>> from helpers.text.sentences import Span
        >>> from helpers.facts.readings import make_sentence
        >>> text = "名爵、上汽大通等品牌"
        >>> s = make_sentence(Span(0, len(text), text), text, mentions=attr.find_mentions(text))
        >>> [m.entity_id for m in _joined_run(s, s.mentions)]
        ['mg', 'maxus']
    """
    run = found[:1]
    for m in found[1:]:
        if not attr.LIST_JOIN_RE.fullmatch(sentence.norm[run[-1].end : m.start]):
            break
        run.append(m)
    partners = run and PARTNERS_AFTER_RE.match(sentence.norm, run[-1].end)
    return run[:1] if partners else list_items(sentence, run)


def _named_since_last_figure(sentence: Sentence, idx: int, vocab: Vocabulary) -> list:
    """A subject named between the previous figure and this one, in an earlier clause.

    NOTE: 第一列辉达，49.36%；第二列华为，24.1%: a value alone in its clause belongs to the
    entity named since the previous figure. So does a value after a clause that opens with its
    subject (瑞萨排在第二位，占比为19.7%；英特尔排第三，占比18.16%): in parallel lists split
    by ；, commas or line breaks, the figure is not the previous figure's company's. An entity
    in the middle of a clause (超过吉利) is an object, not the subject of the next clause.
    """
    r = sentence.readings[idx]
    last_end = max((x.end for x in sentence.readings[:idx]), default=0)
    between = _subjects(sentence, last_end, r.start)
    c_lo = sentence.clauses[r.clause][0]
    if between and not re.sub(r"[\s,，;；:：。%]", "", sentence.norm[c_lo : r.start]):
        return [between[-1]]
    openers = [m for m in between if _opens_clause(sentence, m)]
    return openers[-1:]


def _opens_clause(sentence: Sentence, m: attr.Mention) -> bool:
    """Whether a mention starts its clause (after at most a ranking word such as 其次是)."""
    c_lo = sentence.clauses[sentence.clause_of(m.start)][0]
    return bool(CLAUSE_OPENING_RE.fullmatch(sentence.norm, c_lo, m.start))


def _previous_figure_s(sentence: Sentence, idx: int, vocab: Vocabulary) -> list[attr.Mention]:
    return sentence.last_subjects


def _fitting_earlier(sentence: Sentence, idx: int, vocab: Vocabulary) -> list[attr.Mention]:
    """The last subject before the clause, preferring one whose type fits the metric.

    NOTE: 文远知行改用英伟达Thor平台，公司计划…车队…: a fleet figure belongs to an operator,
    not to the chip named last; prefer earlier subjects whose type fits the metric.
    """
    r = sentence.readings[idx]
    earlier = _subjects(sentence, 0, sentence.clauses[r.clause][0])
    fitting = [m for m in earlier if _fits(m, r.metric, vocab)]
    earlier = fitting or earlier
    return earlier[-1:]


def _named_right_after(sentence: Sentence, idx: int, vocab: Vocabulary) -> list[attr.Mention]:
    """仅有32辆特斯拉Model Y: with no subject before, the name right after the count is it."""
    r = sentence.readings[idx]
    after = _subjects(sentence, r.end, r.end + 6)
    return (
        after[:1]
        if after and not re.search(r"[，,。；;\d]", sentence.norm[r.end : after[0].start])
        else []
    )


def _fits(mention: attr.Mention, metric: str | None, vocab: Vocabulary) -> bool:
    """Whether a subject's catalog types suit a metric (robotaxi metrics want operators)."""
    spec = vocab.metrics.get(metric or "")
    if spec is None or spec.context != "robotaxi":
        return True
    return bool(set(mention.types) & ROBOTAXI_TYPES)


# The rules of :func:`subjects_and_rule` after 各/合计 lists, in order, with their evidence names.
SUBJECT_RULES = (("in_clause", _in_clause), ("since_last_figure", _named_since_last_figure),
                 ("previous_figure", _previous_figure_s), ("earlier_clause", _fitting_earlier),
                 ("right_after", _named_right_after))  # fmt: skip
