"""The dedup benchmark's corpus: stories, copies by processes blind to our rules, hard negatives.

Real-looking stories, copies made by processes independent of stage 02's rules, and hard
negatives that a near-duplicate detector must keep apart.

Stories are built from sentence templates and phrase lists written for this benchmark
(companies, markets, figures in the forms news uses; commentary sentences combined from
clause lists), plus, when ``../shared/corpus`` is beside the checkout, sentences of its real
dumps (each used by one story at most; read at bench time, never stored).

Copies (:data:`COPY_KINDS`), each made by a process that knows nothing of our rules:

* ``exact`` — the same body under another outlet; ``script`` — the whole text converted
  with **zhconv** (MediaWiki tables, not OpenCC) to the other script; ``partial`` — only some
  sentences converted; ``reorder`` — sentences shuffled inside paragraphs, later paragraphs
  shuffled; ``noise`` — punctuation and spacing noise (ASCII/full-width punctuation, spaces
  around numbers, full-width digits, blank lines, stray spaces); ``headline`` — a rewritten
  title and a dateline/byline line; ``insert`` — a paragraph from another story inserted;
  ``truncate`` — the last paragraphs dropped, or the text cut mid-way (with or without an
  ellipsis); ``edit`` — character edits (0.5-2 %), never touching a figure or its unit (a
  copy whose figure changed is, by issue 15's rule, another text); ``update`` — a paragraph
  with a new figure added; ``notice`` — a site notice appended.
* A third of the copies combine two processes (``script+truncate``...).

Hard negatives (:data:`HARD_KINDS`): ``template`` — monthly briefs of one template (the same
commentary, another month's figures, the figure paragraph in one of three phrasings);
``company_months`` — a company's releases of consecutive months; ``two_outlets`` — one
event rewritten by two outlets (the same figures, one sentence of the release quoted
verbatim, their own lead and commentary). Each is its own story; merging two is an error.

Example:
    >>> c = build_corpus(300, seed=3)
    >>> len(c) >= 300 and set(c["family_kind"]) >= {"", "template"}
    True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from helpers.core.paths import PROJ_ROOT
from helpers.devtools.bench import dedup_phrases as ph
from helpers.devtools.bench.dedup_phrases import Doc

COPY_KINDS = (
    "exact", "script", "partial", "reorder", "noise", "headline",
    "insert", "truncate", "edit", "update", "notice",
)  # fmt: skip
KIND_WEIGHTS = (0.08, 0.12, 0.08, 0.1, 0.1, 0.08, 0.1, 0.12, 0.08, 0.08, 0.06)
# Processes that leave the text's wording alone; one of them may be combined with any kind.
SURFACE_KINDS = ("script", "partial", "reorder", "noise", "headline")
HARD_KINDS = ("template", "company_months", "two_outlets")
DUP_STORY_SHARE = 0.35  # originals that get copies
COMBINED_SHARE = 0.33  # copies made by two processes
TRAD_SHARE = 0.2  # originals written in Traditional (zhconv zh-tw / zh-hk)
REAL_CORPUS = PROJ_ROOT.parent / "shared" / "corpus"
HAN_PAIR_RE = re.compile(r"[\u4e00-\u9fff](?=[\u4e00-\u9fff])")
NUMERAL_ZONE_RE = re.compile(r"[0-9０-９.．%％零〇一二两三四五六七八九十百千万亿萬億兩]+..?")


# ---------------------------------------------------------------------------------------------
# Script conversion with zhconv (never OpenCC: the rules under test use OpenCC)
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=200_000)
def zh(text: str, target: str) -> str:
    """Convert with zhconv (``zh-cn``, ``zh-tw``, ``zh-hk``); each distinct text once."""
    import zhconv

    return zhconv.convert(text, target)


def _to_other_script(rng: np.random.Generator, doc: Doc, share: float = 1.0) -> Doc:
    target = "zh-cn" if doc.script == "hant" else str(rng.choice(["zh-tw", "zh-hk"]))
    paras = [[zh(s, target) if rng.random() < share else s for s in p] for p in doc.paragraphs]
    whole = share >= 1.0
    script = ("hans" if doc.script == "hant" else "hant") if whole else "mixed"
    title = zh(doc.title, target) if whole else doc.title
    return replace(doc, title=title, paragraphs=paras, script=script)


# ---------------------------------------------------------------------------------------------
# Copy processes
# ---------------------------------------------------------------------------------------------
def _reorder(rng: np.random.Generator, doc: Doc) -> Doc:
    paras = [[p[i] for i in rng.permutation(len(p))] for p in doc.paragraphs]
    rest = paras[1:]
    rest = [rest[i] for i in rng.permutation(len(rest))] if rng.random() < 0.5 else rest
    return replace(doc, paragraphs=[paras[0], *rest])


_ASCII_PUNCT = {"，": ", ", "。": ". ", "：": ": ", "；": "; ", "！": "! ", "？": "? "}
_FULL_DIGITS = str.maketrans("0123456789%", "０１２３４５６７８９％")


def _noise_sentence(rng: np.random.Generator, s: str) -> str:
    if rng.random() < 0.5:
        s = "".join(_ASCII_PUNCT.get(ch, ch) if rng.random() < 0.6 else ch for ch in s)
    if rng.random() < 0.5:  # spaces around numbers, as some sites pad them
        s = re.sub(r"(\d+(?:\.\d+)?)", lambda m: f" {m.group(1)} ", s)
    if rng.random() < 0.2:
        s = s.translate(_FULL_DIGITS)
    between = [m.start() + 1 for m in HAN_PAIR_RE.finditer(s)]
    if between and rng.random() < 0.3:  # a stray space between two Chinese characters
        i = between[int(rng.integers(len(between)))]
        s = s[:i] + " " + s[i:]
    return s


def _noise(rng: np.random.Generator, doc: Doc) -> Doc:
    paras = [[_noise_sentence(rng, s) for s in p] for p in doc.paragraphs]
    if rng.random() < 0.5:  # blank lines between paragraphs
        paras = [q for p in paras for q in (p, [" "])][:-1]
    return replace(doc, paragraphs=paras)


def _headline(rng: np.random.Generator, doc: Doc) -> Doc:
    title = ph.pick(rng, ph.TITLE_PREFIXES) + doc.title + ph.pick(rng, ph.TITLE_SUFFIXES)
    line = ph.dateline(rng)
    return replace(doc, title=title, head=[line, *doc.head])


def _truncate(rng: np.random.Generator, doc: Doc) -> Doc:
    """The last paragraph(s) dropped, or the text cut at 55-90 %; at least half is kept."""
    text = doc.body()
    kept = [len("".join(p)) for p in doc.paragraphs]
    drop = int(rng.integers(1, 3))
    if len(doc.paragraphs) > drop and sum(kept[:-drop]) >= 0.5 * sum(kept) and rng.random() < 0.5:
        return replace(doc, paragraphs=doc.paragraphs[:-drop])
    cut = text[: int(len(text) * rng.uniform(0.55, 0.9))]
    tail = str(rng.choice(["……", "...", "（未完）", ""]))
    return replace(doc, head=[], paragraphs=[[line] for line in (cut + tail).split("\n")])


def _edit_sentence(rng: np.random.Generator, s: str, rate: float) -> str:
    protected = np.zeros(len(s), dtype=bool)
    for m in NUMERAL_ZONE_RE.finditer(s):
        protected[max(m.start() - 1, 0) : m.end()] = True
    free = np.flatnonzero(~protected)
    if not len(free):
        return s
    chars = list(s)
    for i in rng.choice(free, size=max(1, int(len(s) * rate)), replace=True).tolist():
        op, filler = int(rng.integers(3)), ph.pick(rng, ph.FILLER_CHARS)
        chars[i] = filler if op == 0 else "" if op == 1 else chars[i] + filler
    return "".join(chars)


def _edit(rng: np.random.Generator, doc: Doc) -> Doc:
    rate = float(rng.uniform(0.005, 0.02))
    paras = [
        [_edit_sentence(rng, s, rate) if rng.random() < 0.6 else s for s in p]
        for p in doc.paragraphs
    ]
    return replace(doc, paragraphs=paras)


def _update(rng: np.random.Generator, doc: Doc, subject: str) -> Doc:
    line = ph.pick(rng, ph.UPDATE_PREFIXES) + ph.figure_sentence(rng, subject)
    if doc.script == "hant":
        line = zh(line, "zh-tw")
    return replace(doc, paragraphs=[*doc.paragraphs, [line]])


def _notice(rng: np.random.Generator, doc: Doc) -> Doc:
    notice = ph.pick(rng, ph.NOTICES)
    return replace(doc, paragraphs=[*doc.paragraphs, [notice]])


def _insert(rng: np.random.Generator, doc: Doc, donor: list[str]) -> Doc:
    at = int(rng.integers(1, len(doc.paragraphs) + 1))
    paras = [*doc.paragraphs[:at], list(donor), *doc.paragraphs[at:]]
    return replace(doc, paragraphs=paras)


def make_copy(rng: np.random.Generator, kind: str, doc: Doc, ctx: Context) -> Doc:
    """One copy of ``doc`` by one process (see :data:`COPY_KINDS`)."""
    processes = {
        "script": lambda: _to_other_script(rng, doc),
        "partial": lambda: _to_other_script(rng, doc, share=float(rng.uniform(0.3, 0.7))),
        "reorder": lambda: _reorder(rng, doc),
        "noise": lambda: _noise(rng, doc),
        "headline": lambda: _headline(rng, doc),
        "insert": lambda: _insert(rng, doc, ctx.donor(rng)),
        "truncate": lambda: _truncate(rng, doc),
        "edit": lambda: _edit(rng, doc),
        "update": lambda: _update(rng, doc, ctx.subject),
        "notice": lambda: _notice(rng, doc),
    }
    return processes.get(kind, lambda: replace(doc))()


# ---------------------------------------------------------------------------------------------
# Stories, hard negatives, the corpus
# ---------------------------------------------------------------------------------------------
@dataclass
class Context:
    """What a copy process may need beyond the document: donors of paragraphs, the subject."""

    paragraphs: list[list[str]]
    subject: str = ""

    def donor(self, rng: np.random.Generator) -> list[str]:
        """A paragraph of some other story (with its own figures, usually)."""
        return self.paragraphs[int(rng.integers(len(self.paragraphs)))]


@functools.cache
def real_sentences() -> tuple[str, ...]:
    """Sentences of the real dumps in ``../shared/corpus`` (empty when it is absent).

    NOTE: read at bench time and never written anywhere: third-party text.
    """
    if not REAL_CORPUS.is_dir():
        return ()
    out = []
    for path in sorted(REAL_CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        out += [s.strip() for s in re.findall(r"[^。！？\n]{15,120}[。！？]", text)]
    return tuple(dict.fromkeys(out))


def _story(rng: np.random.Generator, real: list[str]) -> tuple[Doc, str]:
    subject = ph.pick(rng, ph.COMPANIES)
    paras = [[ph.figure_sentence(rng, subject) for _ in range(int(rng.integers(1, 3)))]]
    for _ in range(int(rng.integers(2, 6))):
        n = int(rng.integers(2, 5))
        para = [
            ph.figure_sentence(rng, subject) if rng.random() < 0.25 else ph.commentary(rng)
            for _ in range(n)
        ]
        paras.append(para)
    if real and rng.random() < 0.5:
        paras[int(rng.integers(1, len(paras)))].append(real.pop())
    return Doc(title=ph.title(rng, subject), paragraphs=paras), subject


def _in_script(rng: np.random.Generator, doc: Doc) -> Doc:
    return _to_other_script(rng, doc) if rng.random() < TRAD_SHARE else doc


def _copies(rng: np.random.Generator, doc: Doc, ctx: Context) -> list[Doc]:
    if rng.random() >= DUP_STORY_SHARE:
        return []
    out = []
    for _ in range(min(int(rng.geometric(0.55)), 3)):
        kind = str(rng.choice(COPY_KINDS, p=KIND_WEIGHTS))
        copy = make_copy(rng, kind, doc, ctx)
        if rng.random() < COMBINED_SHARE:
            second = str(rng.choice([k for k in SURFACE_KINDS if k != kind]))
            copy = make_copy(rng, second, copy, ctx)
            kind = f"{kind}+{second}"
        out.append(replace(copy, kind=kind, outlet=ph.pick(rng, ph.OUTLETS)))
    return out


def _rows(
    rng, docs: list[Doc], group: int, family: str, family_kind: str, event: int
) -> list[dict]:
    day = int(rng.integers(1, 360))
    return [
        {
            "title": d.title,
            "body": d.body(),
            "published_date": (pd.Timestamp("2025-01-01") + pd.Timedelta(days=day + i % 3))
            .date()
            .isoformat(),
            "quality_score": round(float(rng.uniform(0.6, 1.0)), 2),
            "source_name": d.outlet,
            "dup_group": group,
            "kind": d.kind,
            "script": d.script,
            "family": family,
            "family_kind": family_kind,
            "event": event,
        }
        for i, d in enumerate(docs)
    ]


def _family_docs(rng: np.random.Generator, kind: str) -> tuple[list[Doc], str]:
    if kind == "template":
        return ph.template_briefs(rng), ""
    if kind == "company_months":
        return ph.company_months(rng)
    return ph.two_outlets(rng)


def build_corpus(n_articles: int, *, seed: int, hard_share: float = 0.12) -> pd.DataFrame:
    """Generate at least ``n_articles`` articles with the truth of what copies what.

    Returns:
        ``article_id``, ``title``, ``body``, ``published_date``, ``quality_score``,
        ``source_name``, ``source_file``, ``source_line`` (what stage 01 gives) and the truth:
        ``dup_group`` (an original and its copies), ``kind`` (``original`` or the copy
        processes), ``script``, ``family``/``family_kind`` (hard-negative families) and
        ``event`` (two outlets' rewrites of one event share it).
    """
    rng = np.random.default_rng(seed)
    real = list(real_sentences())
    rng.shuffle(real)
    ctx = Context(paragraphs=[[ph.figure_sentence(rng, ph.pick(rng, ph.COMPANIES))]])
    rows: list[dict] = []
    group = event = family_no = 0
    while len(rows) < n_articles:
        if rng.random() < hard_share / 4:  # a family holds 2-12 stories
            kind = HARD_KINDS[family_no % len(HARD_KINDS)]
            docs, subject = _family_docs(rng, kind)
            family = f"{kind}-{family_no}"
            family_no += 1
            event += 1
        else:
            doc, subject = _story(rng, real)
            docs, family, kind = [doc], "", ""
        for doc in docs:
            doc = _in_script(rng, replace(doc, outlet=doc.outlet or ph.pick(rng, ph.OUTLETS)))
            ctx.subject = subject or ph.pick(rng, ph.COMPANIES)
            story = [doc, *_copies(rng, doc, ctx)]
            rows += _rows(rng, story, group, family, kind, event if kind == "two_outlets" else -1)
            ctx.paragraphs.append(doc.paragraphs[min(1, len(doc.paragraphs) - 1)])
            group += 1
    df = pd.DataFrame(rows)
    df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
    df.insert(0, "article_id", [f"a{i:06d}" for i in range(len(df))])
    df["source_file"] = [f"feed_{i // 1000:03d}.jsonl" for i in range(len(df))]
    df["source_line"] = np.arange(len(df)) % 1000 + 1
    return df


def real_text_used(corpus: pd.DataFrame) -> int:
    """How many bodies hold a sentence of the real dumps (for the report)."""
    real = real_sentences()
    if not real:
        return 0
    pattern = re.compile("|".join(re.escape(s) for s in real[:2000]))
    return int(corpus["body"].map(lambda b: bool(pattern.search(b))).sum())


def describe(corpus: pd.DataFrame) -> str:
    """One paragraph about the corpus: sizes, scripts, copy kinds, hard negatives."""
    originals = corpus[corpus["kind"] == "original"]
    kinds = corpus.loc[corpus["kind"] != "original", "kind"].str.split("+").explode().value_counts()
    fam = originals.groupby("family_kind")["family"].nunique().drop("", errors="ignore")
    stories = originals.groupby("family_kind").size().drop("", errors="ignore")
    chars = corpus["body"].str.len()
    return (
        f"{len(corpus):,} articles, {corpus['dup_group'].nunique():,} stories; body "
        f"{chars.median():.0f} characters median; {(originals['script'] == 'hant').sum():,} "
        f"originals in Traditional (zhconv). Copies by process (a combined copy counts for "
        f"both): "
        + ", ".join(f"{k} {v:,}" for k, v in kinds.items())
        + ". Hard negatives: "
        + ", ".join(f"{k} {fam[k]:,} families / {stories[k]:,} stories" for k in fam.index)
        + f". Bodies with a sentence of the real dumps: {real_text_used(corpus):,}."
    )
