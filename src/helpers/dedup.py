"""Stage 02: script-aware near-duplicate clusters of articles, with an audit trail.

The same story reaches an analyst many times: reprints under other outlets, a Traditional and
a Simplified version, a retitled copy with a boilerplate paragraph, a truncated copy. This
module groups them so each story is counted once, and records why each copy was grouped.

Steps (each a pure function; :func:`deduplicate` runs them in order):

1. :func:`add_text_norm` — a matching-only copy of each body: Traditional converted **once**
   to Simplified with mainland vocabulary (OpenCC ``tw2sp``), NFKC, case folded, punctuation
   and whitespace removed. ``body`` is never changed.
2. :func:`find_duplicate_pairs` — texts with equal ``text_norm`` are one node (exact
   duplicates); MinHash + LSH banding (:mod:`helpers.minhash`) proposes candidate node pairs,
   which join only when their *exact* Jaccard similarity or containment passes a threshold.
3. :func:`assign_clusters` — connected components; one representative per cluster by
   :data:`CANONICAL_RULE`; every other member points to it (``dup_of``) with the rule and
   similarity that tie it there.
4. :func:`build_report` — one row per dropped article; :func:`borderline_pairs` — checked
   pairs just below a threshold, to tune the thresholds.

Example:
    >>> df = pd.DataFrame({
    ...     "article_id": ["a1", "a2", "a3"],
    ...     "body": ["比亞迪海外銷量大增，晶片供應穩定。" * 3,
    ...              "比亚迪海外销量大增，芯片供应稳定。" * 3,
    ...              "小鹏汽车发布新款车型，售价下调。" * 3],
    ...     "quality_score": [0.9, 0.8, 0.9],
    ...     "published_date": ["2026-01-02", "2026-01-01", "2026-01-01"],
    ... })
    >>> out = deduplicate(df).articles
    >>> out[["article_id", "is_canonical", "dup_of", "dup_rule"]].values.tolist()
    [['a1', True, nan, nan], ['a2', False, 'a1', 'cross_script'], ['a3', True, nan, nan]]
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import opencc
import pandas as pd

from helpers import clean, minhash

# ---------------------------------------------------------------------------------------------
# Documented defaults. Every threshold can be overridden through DedupParams.
# ---------------------------------------------------------------------------------------------
SHINGLE_SIZE = 5  # characters per shingle of text_norm (Chinese: ~2-3 words)
NUM_PERM = 128  # MinHash signature length (OPH bins)
LSH_BANDS = 42  # 42 bands x 3 rows: P(candidate) 0.996 at Jaccard 0.5, 0.04 at 0.1
LSH_ROWS = 3
JACCARD_THRESHOLD = 0.7  # near duplicate: edits, paragraph shuffles, an added paragraph
CONTAINMENT_THRESHOLD = 0.9  # truncated copy: >= 90% of the smaller text's shingles in the other
MIN_CONTAINED_SHINGLES = 50  # a text with fewer shingles never joins as a truncated copy
MIN_MATCH_CHARS = 20  # shorter text_norm (empty bodies, one-line captions) is never clustered
# NOTE: a pair whose MinHash estimate is this far below both thresholds skips the exact check
# (its standard error with 128 slots is <= 0.045, so 0.2 is > 4 standard errors).
PREFILTER_MARGIN = 0.2
BORDERLINE_MARGIN = 0.1  # borderline_pairs(): checked pairs this close below a threshold
SEED = 20260202  # hash seed; changing it changes nothing but the (random) hash functions
# detect_script: share of Traditional-only among script-specific characters for 'hant'
# (1 - HANT_SHARE or less: 'hans'; in between: 'mixed').
HANT_SHARE = 0.9

CANONICAL_RULE = (
    "most complete clean body (longest text_norm without sentences the stage-01 boilerplate "
    "catalog recognises), then least boilerplate, then highest quality_score, then earliest "
    "published_date, then first seen (source_file, source_line), then smallest article_id"
)
DUP_RULES = ("exact", "near", "contained", "cross_script")
OUTPUT_COLUMNS = ("cluster_id", "is_canonical", "dup_of", "dup_rule", "similarity")

# NFKC + casefold, then drop everything that is not a letter or digit (punctuation, symbols,
# whitespace, underscore). NOTE: never ASCII folding: Chinese characters are letters here.
NON_WORD_RE = re.compile(r"[\W_]+")
_DROP = np.uint32(0)
_MULTI = np.uint32(0xFFFFFFFF)  # table marker: this character needs the per-text slow path
_BMP = 0x10000
# Characters per numpy batch in the vectorised text passes (see minhash.CHUNK_CHARS: the
# normalisation alone took 51 000 page faults in a fresh process with 250 000, 5 000 now).
CHUNK_CHARS = 50_000
SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))
UNIFIED_RANGES = CJK_RANGES[:2]  # CJK unified ideographs (Ext. A and the main block)
# Hangul jamo (conjoining, compatibility, half-width): NFKC composes them with neighbours.
_COMPOSING_RANGES = ((0x1100, 0x1200), (0x3130, 0x3190), (0xFFA0, 0xFFDD))


@dataclass(frozen=True)
class DedupParams:
    """Every tunable of stage 02, with the documented module defaults."""

    shingle_size: int = SHINGLE_SIZE
    num_perm: int = NUM_PERM
    bands: int = LSH_BANDS
    rows: int = LSH_ROWS
    jaccard_threshold: float = JACCARD_THRESHOLD
    containment_threshold: float = CONTAINMENT_THRESHOLD
    min_contained_shingles: int = MIN_CONTAINED_SHINGLES
    min_match_chars: int = MIN_MATCH_CHARS
    prefilter_margin: float = PREFILTER_MARGIN
    seed: int = SEED


DEFAULT_PARAMS = DedupParams()


@dataclass(frozen=True)
class DedupResult:
    """What :func:`deduplicate` returns: nothing is dropped, everything is explained.

    Attributes:
        articles: the input rows (same order) plus :data:`OUTPUT_COLUMNS`.
        report: one row per non-canonical article (:func:`build_report`).
        pairs: every checked candidate pair with its exact similarities.
    """

    articles: pd.DataFrame
    report: pd.DataFrame
    pairs: pd.DataFrame


# ---------------------------------------------------------------------------------------------
# Script detection and text_norm
# ---------------------------------------------------------------------------------------------
@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    # NOTE: opencc-python-reimplemented installs the same import name with older maps
    # (輝達→辉达); only the official C++ package has the compiled ``clib``.
    if not hasattr(opencc, "clib"):
        raise RuntimeError(
            "the `opencc` module is not the official OpenCC package: run "
            "`pip uninstall opencc-python-reimplemented && pip install --force-reinstall opencc`"
        )
    return opencc.OpenCC(config)


def convert_script(text: str, config: str) -> str:
    """Convert with an OpenCC config (``tw2sp``, ``t2s``, ...); ``none`` returns ``text``.

    Example:
        >>> convert_script("輝達晶片資料", "tw2sp")
        '英伟达芯片数据'
    """
    return text if config == "none" else _converter(config).convert(text)


# NOTE: OpenCC ``s2t`` loads its 0.9 MB phrase dictionary (STPhrases, 0.06-0.28 s, once per
# process), which cannot change a character standing alone; the script tables only convert
# single characters, so they use s2t's character dictionaries alone (load: ~3 ms). A test
# checks that this gives the full ``s2t`` result on every CJK character.
S2T_CHARACTER_DICTS = ("CJK_Compatibility_Ideographs.ocd2", "STCharacters.ocd2")


@functools.cache
def _s2t_characters() -> opencc.OpenCC:
    """OpenCC ``s2t`` for single characters: its normalisation and character dictionaries."""
    share = Path(_converter("t2s").config).parent  # the official package's dictionaries
    normalisation, characters = (
        {"type": "ocd2", "file": str(share / name)} for name in S2T_CHARACTER_DICTS
    )
    config = {
        "name": "s2t, single characters",
        "normalization": [{"dict": normalisation}],
        "conversion_chain": [{"dict": characters}],
    }
    # NOTE: OpenCC reads a config only from a file; the dictionaries are loaded when the
    # converter is built, so the temporary file can go right after.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s2t_characters.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        return opencc.OpenCC(str(path))


def _convert_chars(codes: np.ndarray, config: str) -> np.ndarray:
    """Code point of each single character after conversion (``s2t`` or ``t2s``).

    Example:
        >>> "".join(map(chr, _convert_chars(np.array([ord("數"), ord("车")]), "t2s")))
        '数车'
    """
    converter = _s2t_characters() if config == "s2t" else _converter(config)
    pieces = converter.convert("\n".join(map(chr, codes.tolist()))).split("\n")
    return np.fromiter((ord(p[0]) for p in pieces), dtype=np.int64, count=len(pieces))


@functools.cache
def _script_tables() -> tuple[np.ndarray, np.ndarray]:
    """Boolean tables over the BMP: Traditional-only and Simplified-only characters.

    A character is Traditional-only when OpenCC ``t2s`` changes it and ``s2t`` does not (數),
    Simplified-only for the reverse (数); characters both change, or neither, count for
    neither script (variant folding makes "is a t2s target" alone too loose: 料 is one).
    """
    codes = np.concatenate([np.arange(lo, hi) for lo, hi in CJK_RANGES])
    to_s, to_t = (_convert_chars(codes, cfg) for cfg in ("t2s", "s2t"))
    trad, simp = np.zeros(_BMP, dtype=bool), np.zeros(_BMP, dtype=bool)
    trad[codes] = (to_s != codes) & (to_t == codes)
    simp[codes] = (to_t != codes) & (to_s == codes)
    return trad, simp


def _bmp_codes(codes: np.ndarray) -> np.ndarray:
    """``codes`` with astral code points replaced by the last BMP one (a table index).

    NOTE: astral characters are rare; checking the maximum first skips a pass over every
    character.

    Example:
        >>> _bmp_codes(np.array([36710, 0x20000], dtype=np.uint32)).tolist()
        [36710, 65535]
    """
    if len(codes) and codes.max() >= _BMP:
        return np.minimum(codes, _BMP - 1)
    return codes


def _per_text_sums(flags: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sum a per-character boolean over each text of a concatenation.

    NOTE: ``np.add.reduceat`` on a uint8 view; ``np.cumsum`` of a bool array took 60x longer
    here (numpy 2.4 casts element by element).
    """
    sums = np.zeros(len(lengths), dtype=np.int64)
    # Empty texts are left out: reduceat returns the element itself for an empty slice.
    full = lengths > 0
    if full.any():
        starts = (np.cumsum(lengths) - lengths)[full]
        sums[full] = np.add.reduceat(flags.view(np.uint8), starts, dtype=np.int32)
    return sums


def count_script_chars(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Count Traditional-only and Simplified-only characters in each text.

    Example:
        >>> t, s = count_script_chars(["晶片資料與軟體", "芯片数据", "2025"])
        >>> t.tolist(), s.tolist()
        ([4, 0, 0], [0, 2, 0])
    """
    weights = _script_weights()
    both = np.zeros(len(texts), dtype=np.int64)
    for start, stop in minhash.chunk_bounds(texts, CHUNK_CHARS):
        codes, lengths = minhash.text_codes(texts[start:stop])
        w = weights[_bmp_codes(codes)]  # astral: the last BMP entry, which weighs 0
        full = lengths > 0  # reduceat returns the element itself for an empty slice
        if full.any():
            both[start:stop][full] = np.add.reduceat(w, (np.cumsum(lengths) - lengths)[full])
    return both & 0xFFFFFFFF, both >> 32


@functools.cache
def _script_weights() -> np.ndarray:
    """Per BMP character: 1 when Traditional-only, ``1 << 32`` when Simplified-only, else 0.

    NOTE: one int64 table and one sum per text count both scripts at once (two boolean
    tables and two sums took ~1.3x as long).
    """
    trad, simp = _script_tables()
    return trad.astype(np.int64) | (simp.astype(np.int64) << 32)


def classify_script(trad: int, simp: int) -> str:
    """Name the script from character counts: ``hant``, ``hans`` or ``mixed``.

    ``hans`` also covers text with no script-specific character at all (digits, Latin, or
    characters shared by both scripts), since it needs no conversion.

    Example:
        >>> classify_script(40, 0), classify_script(30, 10), classify_script(2, 30)
        ('hant', 'mixed', 'hans')
    """
    if trad == 0:
        return "hans"
    share = trad / (trad + simp)
    if share >= HANT_SHARE:
        return "hant"
    return "hans" if share <= 1 - HANT_SHARE else "mixed"


def detect_script(text: str) -> str:
    """Detect the script of one text (see :func:`classify_script`).

    Example:
        >>> detect_script("比亞迪海外銷量"), detect_script("比亚迪海外销量")
        ('hant', 'hans')
    """
    trad, simp = count_script_chars([text])
    return classify_script(int(trad[0]), int(simp[0]))


def choose_conversion(script: object, trad: int, simp: int) -> str:
    """Pick the one conversion a body gets before matching: ``tw2sp``, ``t2s`` or ``none``.

    ``hant`` → ``tw2sp`` (mainland vocabulary: 晶片→芯片). ``hans`` → none: ``tw2sp`` is not
    idempotent (程序→进程), so Simplified text is never passed through it. ``mixed`` or unknown
    → ``tw2sp`` when Traditional-only characters dominate, else ``t2s`` (character level) when
    any are present, to fold Traditional leftovers in Simplified text.

    Example:
        >>> choose_conversion("hant", 0, 0), choose_conversion("hans", 5, 0)
        ('tw2sp', 'none')
        >>> choose_conversion("mixed", 30, 10), choose_conversion(None, 2, 30)
        ('tw2sp', 't2s')
    """
    if script == "hant":
        return "tw2sp"
    if script == "hans":
        return "none"
    if trad > simp:
        return "tw2sp"
    return "t2s" if trad > 0 else "none"


def normalise_text(text: str) -> str:
    """Return the matching form of one text: NFKC, case folded, letters and digits only.

    This is the reference definition; :func:`normalise_texts` computes the same thing for
    many texts at once.

    Example:
        >>> normalise_text("２０２５年，Model Y 出口 １２％！")
        '2025年modely出口12'
    """
    return NON_WORD_RE.sub("", unicodedata.normalize("NFKC", text).casefold())


@functools.cache
def _norm_table() -> np.ndarray:
    """Per-character form of :func:`normalise_text` over the BMP.

    Entry: the single output character, :data:`_DROP`, or :data:`_MULTI` when the character
    expands to several characters or may compose with its neighbours (combining marks,
    Hangul jamo), which only the per-text path gets right.

    NOTE: built with whole-list comprehensions (one C call per character and step); a
    per-character function writing numpy scalars took 0.12-0.3 s, a one-time cost in every
    fresh process. ``str.isalnum`` of one character is exactly what ``\\W`` tests in
    :data:`NON_WORD_RE` (``_`` aside, which is not alphanumeric and not kept either); forms
    of other lengths go through :func:`normalise_text` itself.
    """
    # Unified ideographs are their own matching form (Unicode never gives them a
    # decomposition or a case), so only the other ~38 000 code points are looked at.
    table = np.arange(_BMP, dtype=np.uint32)
    other = np.ones(_BMP, dtype=bool)
    for lo, hi in UNIFIED_RANGES:
        other[lo:hi] = False
    codes = np.flatnonzero(other)
    chars = [chr(c) for c in codes.tolist()]
    forms = [unicodedata.normalize("NFKC", ch).casefold() for ch in chars]
    single = np.fromiter(map(len, forms), dtype=np.int64, count=len(forms)) == 1
    singles = [f for f, one in zip(forms, single.tolist(), strict=True) if one]
    table[codes[single]] = [ord(f) if f.isalnum() else 0 for f in singles]
    for i in np.flatnonzero(~single).tolist():
        table[codes[i]] = _table_entry(normalise_text(chars[i]))
    table[codes[[unicodedata.category(ch)[0] == "M" for ch in chars]]] = _MULTI
    for lo, hi in _COMPOSING_RANGES:  # Hangul jamo compose with their neighbours
        table[lo:hi] = _MULTI
    table[0xD800:0xE000] = _DROP  # lone surrogates are never letters
    return table


def _table_entry(form: str) -> np.uint32:
    """Table entry of a character whose matching form is ``form``."""
    if not form:
        return _DROP
    return np.uint32(ord(form)) if len(form) == 1 else _MULTI


def normalise_texts(texts: Sequence[str]) -> list[str]:
    """Apply :func:`normalise_text` to many texts through one code-point table lookup.

    Example:
        >>> normalise_texts(["新能源 汽车！", "ＡＢＣ１２３", ""])
        ['新能源汽车', 'abc123', '']
    """
    out: list[str] = []
    for start, stop in minhash.chunk_bounds(texts, CHUNK_CHARS):
        out += _normalise_chunk(texts[start:stop])
    return out


def _normalise_chunk(texts: Sequence[str]) -> list[str]:
    table = _norm_table()
    codes, lengths = minhash.text_codes(texts)
    mapped = table[_bmp_codes(codes)]
    if len(codes) and codes.max() >= _BMP:  # astral characters (rare) take the slow path
        mapped[codes >= _BMP] = _MULTI
    multi = mapped == _MULTI
    slow = _per_text_sums(multi, lengths) > 0 if multi.any() else np.zeros(len(texts), bool)
    # _DROP is 0 and _MULTI the largest uint32: both fall outside [1, _MULTI - 1] (wrapping).
    keep = (mapped - np.uint32(1)) < _MULTI - np.uint32(1)
    new_lengths = _per_text_sums(keep, lengths)
    # NOTE: np.compress, not mapped[keep]: on masks this dense (~85% kept) numpy 2.4's
    # boolean indexing took 3x longer here.
    joined = np.compress(keep, mapped).tobytes().decode("utf-32-le")
    ends = np.cumsum(new_lengths).tolist()
    out = [joined[e - n : e] for e, n in zip(ends, new_lengths.tolist(), strict=True)]
    for i in np.flatnonzero(slow).tolist():
        out[i] = normalise_text(texts[i])
    return out


def convert_lines(texts: list[str], config: str) -> list[str]:
    r"""Convert many texts with one OpenCC config, each distinct line once.

    The same as ``[convert_script(t, config) for t in texts]``: no OpenCC dictionary entry
    holds a line break, so a conversion never reaches across one. NOTE: reprints share most
    of their paragraphs (a retitled, truncated or reordered copy, an added notice), so each
    distinct line is converted once, all in one call (-14% of the characters on the
    benchmark corpus; the official OpenCC is the largest cost of stage 02).

    Example:
        >>> convert_lines(["軟體\n晶片", "晶片"], "tw2sp")
        ['软件\n芯片', '芯片']
    """
    if config == "none" or not texts:
        return list(texts)
    split = [text.split("\n") for text in texts]
    distinct = list(dict.fromkeys(line for lines in split for line in lines))
    converted = convert_script("\n".join(distinct), config).split("\n")
    if len(converted) != len(distinct):  # a dictionary added or removed a line break
        return [convert_script(text, config) for text in texts]
    line_map = dict(zip(distinct, converted, strict=True))
    return ["\n".join([line_map[line] for line in lines]) for lines in split]


def _convert_once(texts: list[str], conversions: list[str]) -> list[str]:
    """Apply each text's conversion (at most one per text, see :func:`convert_lines`)."""
    out = list(texts)
    for config in sorted(set(conversions) - {"none"}):
        rows = [i for i, c in enumerate(conversions) if c == config]
        for i, text in zip(rows, convert_lines([texts[i] for i in rows], config), strict=True):
            out[i] = text
    return out


def add_text_norm(df: pd.DataFrame, *, text_col: str = "body") -> pd.DataFrame:
    """Add ``text_norm`` (matching copy of ``text_col``), ``conversion`` and ``norm_script``.

    The script comes from the ``script`` column when present (stage 01 writes it); rows
    without one are detected here. Each body is converted at most once.

    Args:
        df: articles with ``text_col`` (and optionally ``script``).
        text_col: the column to match on.

    Returns:
        A copy of ``df`` with the three columns added. ``norm_script`` is ``hant`` when the
        text was converted from Traditional with ``tw2sp``, else ``hans``.

    Example:
        >>> d = add_text_norm(pd.DataFrame({"body": ["輝達晶片，出貨量 ２０２５ 年大增。"]}))
        >>> d[["text_norm", "conversion", "norm_script"]].values.tolist()
        [['英伟达芯片出货量2025年大增', 'tw2sp', 'hant']]
    """
    return _add_text_norm(df, text_col)[0]


def _add_text_norm(df: pd.DataFrame, text_col: str) -> tuple[pd.DataFrame, list[str]]:
    """:func:`add_text_norm`, and the texts of ``text_col`` as Python strings (for reuse)."""
    texts = df[text_col].fillna("").astype(str).tolist()
    trad, simp = count_script_chars(texts)
    scripts = df["script"].tolist() if "script" in df.columns else [None] * len(texts)
    conversions = [
        choose_conversion(s, t, m)
        for s, t, m in zip(scripts, trad.tolist(), simp.tolist(), strict=True)
    ]
    out = df.copy()
    # NOTE: object dtype keeps the Python strings (and their cached hashes); an Arrow string
    # column would rebuild 20 000 strings at every access.
    converted = _convert_once(texts, conversions)
    out["text_norm"] = pd.Series(normalise_texts(converted), index=df.index, dtype=object)
    out["conversion"] = conversions
    out["norm_script"] = np.where(np.array(conversions) == "tw2sp", "hant", "hans")
    return out, texts


# ---------------------------------------------------------------------------------------------
# Candidate pairs and their exact similarities
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Nodes:
    """Distinct matching texts ("nodes"); rows with equal text_norm share a node.

    Rows are visited in article_id order so node numbers, representatives and therefore every
    output are the same whatever the input row order.
    """

    of_row: np.ndarray  # node index of each input row (input order)
    texts: list[str]  # node texts; '' for texts too short to match
    rep_ids: np.ndarray  # smallest article_id of each node


def _text_nodes(norm: pd.DataFrame, min_chars: int) -> _Nodes:
    ids = norm["article_id"].astype(str).to_numpy(dtype=object)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    if len(ids) > 1 and (ids[1:] == ids[:-1]).any():
        raise ValueError("article_id is not unique: fix stage 01 before deduplicating")
    texts = norm["text_norm"].to_numpy(dtype=object)[order]
    # NOTE: short texts (empty bodies, captions) are never clustered, not even when
    # equal: two one-line bodies "详见附件" are not evidence of the same story.
    long = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) >= min_chars
    first: dict[str, int] = {}  # text -> its number by first appearance
    code = np.full(len(texts), -1, dtype=np.int64)
    code[long] = [first.setdefault(t, len(first)) for t in texts[long].tolist()]
    # A row opens a node when its text is short or seen for the first time.
    is_new = ~long | (code > np.maximum.accumulate(np.r_[-1, code[:-1]]))
    node = np.cumsum(is_new) - 1
    node[long] = node[is_new & long][code[long]]
    of_row = np.empty(len(ids), dtype=np.int64)
    of_row[order] = node
    node_texts = np.where(long, texts, "")[is_new].tolist()
    return _Nodes(of_row=of_row, texts=node_texts, rep_ids=ids[is_new])


def _worth_checking(est: np.ndarray, sizes: np.ndarray, params: DedupParams) -> np.ndarray:
    """Candidates whose MinHash estimate is close enough to a threshold for an exact check."""
    small, big = sizes.min(axis=1), sizes.max(axis=1)
    est_contain = np.divide(est * (small + big), (1 + est) * small, where=small > 0, out=est * 0)
    margin = params.prefilter_margin
    return (est >= params.jaccard_threshold - margin) | (
        est_contain >= params.containment_threshold - margin
    )


def _edge_kinds(
    cand: np.ndarray, jac: np.ndarray, con: np.ndarray, sizes: np.ndarray, params: DedupParams
) -> np.ndarray:
    """``near``/``contained``/'' per candidate node pair; a truncated text joins one container.

    Among the pairs where a text is the smaller one and contained, the best container has
    the highest containment, then the most shingles, then the smallest node numbers (node
    numbers follow article_id order, see :class:`_Nodes`).

    NOTE: one container per contained text stops a short text (say, a lone disclaimer) from
    chaining every article that quotes it into one cluster.

    Example:
        >>> cand = np.array([[0, 1], [0, 2], [1, 2]])
        >>> sizes = np.array([[60, 80], [60, 90], [80, 90]])
        >>> jac, con = np.array([0.2, 0.3, 0.8]), np.array([0.95, 0.95, 0.9])
        >>> _edge_kinds(cand, jac, con, sizes, DEFAULT_PARAMS).tolist()
        ['', 'contained', 'near']
    """
    kind = np.full(len(cand), "", dtype=object)
    near = jac >= params.jaccard_threshold  # NaN (not checked) compares False
    contained = (
        ~near
        & (con >= params.containment_threshold)
        & (sizes.min(axis=1) >= params.min_contained_shingles)
    )
    at = np.flatnonzero(contained)
    small = np.where(sizes[at, 0] <= sizes[at, 1], cand[at, 0], cand[at, 1])
    # np.lexsort sorts by its last key first.
    order = np.lexsort((cand[at, 1], cand[at, 0], -sizes[at].max(axis=1), -con[at], small))
    small = small[order]
    first = np.r_[True, small[1:] != small[:-1]] if len(at) else np.zeros(0, dtype=bool)
    kind[near] = "near"
    kind[at[order[first]]] = "contained"
    return kind


def find_duplicate_pairs(norm: pd.DataFrame, *, params: DedupParams = DEFAULT_PARAMS):
    """Find near-duplicate candidates between distinct texts and check them exactly.

    Args:
        norm: articles with ``article_id`` and ``text_norm`` (:func:`add_text_norm`).
        params: shingle size, MinHash/LSH shape and thresholds.

    Returns:
        One row per LSH candidate pair of distinct texts: ``article_id`` < ``other_id`` (the
        smallest article id holding each text), ``estimate`` (MinHash), ``checked``,
        ``jaccard`` and ``containment`` (exact; NaN when the estimate was too low to check),
        ``shingles``/``other_shingles`` (set sizes) and ``edge`` (``near``, ``contained`` or
        '' when the pair does not join).

    Example:
        >>> body = "奇瑞集团去年出口汽车一百三十四万辆，同比增长百分之十七。"
        >>> norm = add_text_norm(pd.DataFrame({"article_id": ["x", "y"],
        ...                                     "body": [body * 2, body * 2 + "欢迎关注"]}))
        >>> find_duplicate_pairs(norm)[["article_id", "other_id", "edge"]].values.tolist()
        [['x', 'y', 'near']]
    """
    return _find_pairs(norm, _text_nodes(norm, params.min_match_chars), params)


def _find_pairs(norm: pd.DataFrame, nodes: _Nodes, params: DedupParams) -> pd.DataFrame:
    """:func:`find_duplicate_pairs` over the nodes of ``norm`` (:func:`_text_nodes`)."""
    sets = minhash.hash_shingles(nodes.texts, k=params.shingle_size, seed=params.seed)
    sig = minhash.oph_signatures(sets, num_perm=params.num_perm, seed=params.seed)
    cand = minhash.band_candidates(sig, bands=params.bands, rows=params.rows)
    est = minhash.estimate_jaccard(sig, cand)
    sizes = sets.sizes[cand] if len(cand) else np.empty((0, 2), dtype=np.int64)
    check = _worth_checking(est, sizes, params)
    jac, con = np.full(len(cand), np.nan), np.full(len(cand), np.nan)
    inter = minhash.overlap_counts(sets, cand[check])
    jac[check] = minhash.jaccard(sets, cand[check], inter)
    con[check] = minhash.containment(sets, cand[check], inter)
    pairs = pd.DataFrame(
        {
            "article_id": nodes.rep_ids[cand[:, 0]].astype(str),
            "other_id": nodes.rep_ids[cand[:, 1]].astype(str),
            "estimate": est,
            "checked": check,
            "jaccard": jac,
            "containment": con,
            "shingles": sizes[:, 0],
            "other_shingles": sizes[:, 1],
            "edge": pd.Series(_edge_kinds(cand, jac, con, sizes, params), dtype=object),
        }
    )
    return pairs


# ---------------------------------------------------------------------------------------------
# Clusters, representatives, report
# ---------------------------------------------------------------------------------------------
def connected_components(n: int, edges: np.ndarray) -> np.ndarray:
    """Label nodes ``0..n-1`` by component; a component's label is its smallest node.

    Example:
        >>> connected_components(5, np.array([[0, 3], [3, 4]])).tolist()
        [0, 1, 2, 0, 0]
    """
    # NOTE: min-label propagation in numpy instead of a Python union-find (0.02-0.06 s on
    # 20 000 articles, ~1.5 ms this way). Each round gives both ends of every edge, and the
    # nodes their labels point to, the smaller label; label[x] is always a node of x's
    # component no larger than x, so once every edge has equal ends the label of a component
    # is its smallest node. Pointer jumping (label[label]) shortens the chains of long paths.
    label = np.arange(n, dtype=np.int64)
    a, b = (np.asarray(edges, dtype=np.int64).reshape(-1, 2)[:, j] for j in (0, 1))
    while len(a):
        la, lb = label[a], label[b]
        low = np.minimum(la, lb)
        for ends in (a, b, la, lb):
            np.minimum.at(label, ends, low)
        label = label[label]
        if (label[a] == label[b]).all():
            break
    return label


def boilerplate_chars(text: str) -> int:
    """Count the matching characters of sentences that are boilerplate.

    A sentence is boilerplate when a line rule of the stage-01 catalog
    (``catalog/boilerplate.yaml``: disclaimers, reprint notices, share boxes...) matches it.
    Stage 01 drops such *lines*; a notice glued to the last paragraph survives it, and must
    not make a reprint look "more complete" than the original.

    Example:
        >>> boilerplate_chars("车队规模达1500辆。声明：本文转载自网络，仅代表作者观点。")
        16
    """
    return sum(len(normalise_text(s)) for s in SENTENCE_RE.findall(text) if is_boilerplate(s))


def _anchored_at_start(pattern: re.Pattern[str]) -> bool:
    """Tell whether every match of ``pattern`` starts at position 0 (a top-level ``^``).

    NOTE: ``re._parser`` is CPython's own pattern parser; only the parse tree tells ``^a|b``
    (not anchored: ``b`` may match anywhere) from ``^(a|b)``.

    Example:
        >>> [_anchored_at_start(re.compile(p)) for p in ("^(声明|聲明)[:：]", "^完|声明")]
        [True, False]
    """
    if pattern.flags & re.MULTILINE:
        return False
    items = re._parser.parse(pattern.pattern, pattern.flags).data
    return bool(items) and items[0] == (re._constants.AT, re._constants.AT_BEGINNING)


def _first_chars(items: list) -> set[str] | None:
    """Characters a match of parsed pattern ``items`` must start with; None when not known.

    Handles literals, character sets, alternations, groups and repeats of at least one;
    anything else (an optional first item, a negated set, case folding...) gives None.
    """
    c = re._constants
    if not items:
        return None
    op, av = items[0]
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.IN:
        return _set_chars(av)
    if op is c.BRANCH:
        alternatives = [_first_chars(list(alt)) for alt in av[1]]
        return None if None in alternatives else set().union(*alternatives)
    if op is c.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _first_chars(list(av[3]))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _first_chars(list(av[2]))
    return None


def _set_chars(members: list) -> set[str] | None:
    """The characters of a parsed ``[...]`` set; None for negated, category or wide sets."""
    c = re._constants
    chars: set[str] = set()
    for op, av in members:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < 256:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return chars


def _start_screen(patterns: list[str]) -> re.Pattern[str] | None:
    """A one-class regex that finds a character some match of ``patterns`` must start with.

    NOTE: Python's regex engine tries a union of patterns at every position (0.15 us per
    character here); a single character class is scanned in C. Searching it first skips
    the union on sentences without any possible first character (~60% of them). None when
    some pattern's first character cannot be told.

    Example:
        >>> _start_screen(["(本文|文章)(仅|僅)代表", "不(负|負)"]).pattern
        '[不文本]'
        >>> _start_screen(["(?i:tags)", "a"]) is None
        True
    """
    firsts = [_first_chars(list(re._parser.parse(p).data)) for p in patterns]
    if not patterns or None in firsts:
        return None
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(set().union(*firsts))) + "]")


@functools.cache
def _boilerplate_screen() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str] | None]:
    """Regexes that together match wherever any boilerplate pattern could (a fast test).

    The first unites the patterns anchored at the start (use ``.match``: one attempt at
    position 0), the second all others (use ``.search``), the third (when not None) finds
    a character a match of the second must start with (:func:`_start_screen`). NOTE: one
    union searched at every position cost ~20 us per sentence here; split, ~4 us.
    """
    patterns = [p for rule in clean.load_boilerplate().line_rules for p in rule.patterns]
    if any(p.flags != re.UNICODE for p in patterns):
        raise ValueError("boilerplate patterns must be compiled without flags (use inline ones)")
    anchored = [p.pattern for p in patterns if _anchored_at_start(p)]
    free = [p.pattern for p in patterns if not _anchored_at_start(p)]
    # A union with no alternative must match nothing: (?!) always fails.
    anchored_re, free_re = (
        re.compile("|".join(f"(?:{x})" for x in group) or "(?!)") for group in (anchored, free)
    )
    return anchored_re, free_re, _start_screen(free)


def is_boilerplate(sentence: str) -> bool:
    """Tell whether one sentence is boilerplate by the stage-01 catalog's line rules.

    Example:
        >>> is_boilerplate("如有侵權請聯絡我們刪除。"), is_boilerplate("出口大增。")
        (True, False)
    """
    text = sentence.strip()
    anchored, free, starts = _boilerplate_screen()
    if not (
        anchored.match(text) or ((starts is None or starts.search(text)) and free.search(text))
    ):
        return False
    return any(rule.matches(text) for rule in clean.load_boilerplate().line_rules)


def _column(df: pd.DataFrame, name: str, default: object) -> pd.Series:
    return df[name] if name in df.columns else pd.Series(default, index=df.index)


def _tie_rank(norm: pd.DataFrame) -> np.ndarray:
    """Rank of each row by the tie-breaks after length (0 = preferred); a strict order.

    Highest quality_score, then earliest published_date, then first seen (source_file,
    source_line), then smallest article_id (unique, so no two rows tie).
    """
    quality = pd.to_numeric(_column(norm, "quality_score", np.nan), errors="coerce")
    dates = pd.to_datetime(_column(norm, "published_date", None), errors="coerce")
    # NOTE: undated articles sort after dated ones (NaT last): a date beats "unknown".
    date_ns = dates.to_numpy("datetime64[ns]").view(np.int64)
    line = pd.to_numeric(_column(norm, "source_line", np.nan), errors="coerce")
    keys = [  # least significant first, for np.lexsort
        pd.factorize(norm["article_id"].astype(str), sort=True)[0],
        line.fillna(np.inf).to_numpy(dtype=float),
        pd.factorize(_column(norm, "source_file", "").fillna("").astype(str), sort=True)[0],
        np.where(dates.isna().to_numpy(), np.iinfo(np.int64).max, date_ns),
        -quality.fillna(-1.0).to_numpy(dtype=float),
    ]
    rank = np.empty(len(norm), dtype=np.int64)
    rank[np.lexsort(keys)] = np.arange(len(norm))
    return rank


def _leaders(
    starts: np.ndarray, length: np.ndarray, noise: np.ndarray, tie_rank: np.ndarray
) -> np.ndarray:
    """Position of the best row of each group of consecutive rows starting at ``starts``."""
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(length)]))
    order = np.lexsort((tie_rank, noise, -length, group))
    return order[starts]  # each group keeps its rows, so its first sorted row is at its start


def _is_extra(sentence: str, others: str) -> bool:
    """True when neither half of a sentence occurs in the other copies (an edit keeps one).

    ``others``: the other copies joined by NUL (which never occurs in a text).
    """
    half = len(sentence) // 2
    if half < 4:
        return sentence not in others
    return sentence[:half] not in others and sentence[half:] not in others


def _matching_forms(
    sentences: list[list[str]], text_norms: list[str], conversions: list[str]
) -> list[list[str]]:
    """Each sentence's matching form: its slice of the body's text_norm (one batch call).

    The slices line up when the conversion kept the length (almost always: 晶片→芯片); when
    it did not (網際網路→互联网), that body's sentences are converted one by one.
    """
    flat = normalise_texts([x for sents in sentences for x in sents])
    out, pos = [], 0
    for sents, text_norm, conversion in zip(sentences, text_norms, conversions, strict=True):
        norms, pos = flat[pos : pos + len(sents)], pos + len(sents)
        if conversion != "none" and sum(map(len, norms)) != len(text_norm):
            norms = normalise_texts([convert_script(x, conversion) for x in sents])
        elif conversion != "none":
            ends = np.cumsum([len(x) for x in norms]).tolist()
            norms = [text_norm[e - len(x) : e] for e, x in zip(ends, norms, strict=True)]
        out.append(norms)
    return out


def _remembered_is_boilerplate(sentence: str, verdicts: dict[str, bool]) -> bool:
    """:func:`is_boilerplate`, looked up in or added to ``verdicts``."""
    verdict = verdicts.get(sentence)
    if verdict is None:
        verdict = verdicts[sentence] = is_boilerplate(sentence)
    return verdict


def _lost_boilerplate(body: str, raw_others: str, verdicts: dict[str, bool]) -> set[str]:
    """Sentences of ``body`` that are extra as written and boilerplate.

    NOTE: a line found whole in the other copies cannot hold an extra sentence (both halves
    of each of its sentences are found too), so its sentences are not looked at: one search
    per line instead of two per sentence. Sentences never span lines (``SENTENCE_RE``).
    """
    rest = "\n".join(line for line in body.split("\n") if line not in raw_others)
    return {
        x
        for x in SENTENCE_RE.findall(rest)
        if _is_extra(x.strip(), raw_others) and _remembered_is_boilerplate(x, verdicts)
    }


def extra_boilerplate_chars(
    bodies: list[str],
    text_norms: list[str],
    conversions: list[str],
    others: list[tuple[str, str]],
) -> list[int]:
    """Count, per copy, the boilerplate characters that no other copy of its story has.

    A sentence is *extra* when neither half of it occurs in any other copy, compared first
    as written, then (if not found) in matching form (script, width and punctuation folded).
    Only extra sentences are tested with :func:`is_boilerplate`: boilerplate that every copy
    shares cannot change which copy is most complete, and skipping it keeps this cheap.
    NOTE: the three tests are one conjunction, run cheapest-and-most-selective first: as
    written (see :func:`_lost_boilerplate`), then :func:`is_boilerplate`, and the matching
    forms (a batch normalisation, sometimes OpenCC) only for the few bodies with a sentence
    left.

    Args:
        bodies: one body per copy to examine.
        text_norms: their text_norm.
        conversions: their conversion (``tw2sp``/``t2s``/``none``).
        others: per copy, the other copies' bodies and their text_norms, each joined by NUL.

    Returns:
        Boilerplate characters (in matching form) per copy.

    Example:
        >>> orig = "车队规模达1500辆。每周出行超25万次。"
        >>> copy = orig + "声明：本文转载自网络，仅代表作者观点。"
        >>> extra_boilerplate_chars([copy], [normalise_text(copy)], ["none"],
        ...                         [(orig, normalise_text(orig))])
        [16]
    """
    out = [0] * len(bodies)
    todo, sentences, missing = [], [], []
    verdicts: dict[str, bool] = {}  # copies share their notices: test each sentence once
    for i, (body, text_norm, (raw_others, norm_others)) in enumerate(
        zip(bodies, text_norms, others, strict=True)
    ):
        if text_norm in norm_others:  # the whole text is in another copy: nothing extra
            continue
        lost = _lost_boilerplate(body, raw_others, verdicts)
        if lost:
            sents = SENTENCE_RE.findall(body)
            todo.append(i)
            sentences.append(sents)
            missing.append([j for j, x in enumerate(sents) if x in lost])
    forms = _matching_forms(
        sentences, [text_norms[i] for i in todo], [conversions[i] for i in todo]
    )
    for i, norms, lost in zip(todo, forms, missing, strict=True):
        out[i] = sum(len(norms[j]) for j in lost if norms[j] and _is_extra(norms[j], others[i][1]))
    return out


def _grouped_rows(component: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of components with two or more rows, grouped by component, and group starts.

    Example:
        >>> rows, starts = _grouped_rows(np.array([4, 1, 4, 2, 1, 4]))
        >>> rows.tolist(), starts.tolist()
        ([1, 4, 0, 2, 5], [0, 2])
    """
    order = np.argsort(component, kind="stable")
    ordered = component[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(order) else order
    sizes = np.diff(np.r_[starts, len(order)])
    multi = sizes > 1
    return order[np.repeat(multi, sizes)], np.r_[0, np.cumsum(sizes[multi])[:-1]].astype(int)


def _others(columns: tuple[list[str], ...], todo: list[int], lo: list[int], hi: list[int]):
    """Per row in ``todo``: the other rows of its group ``[lo, hi)``, each column joined by NUL."""
    return [tuple("\0".join(col[lo[i] : i] + col[i + 1 : hi[i]]) for col in columns) for i in todo]


def _canonical_rows(
    norm: pd.DataFrame, component: np.ndarray, texts: Callable[[np.ndarray], list[str]]
) -> np.ndarray:
    """Position of each row's canonical row, by :data:`CANONICAL_RULE`.

    Boilerplate is counted lazily: a row's raw length (and no boilerplate) is an upper bound
    of its rank, so only the current leader of each cluster needs its boilerplate counted;
    when that drops it behind another row, the new leader is counted, until every leader is
    exact. Rows alone in their cluster are their own representative and are not ranked.
    """
    canon = np.arange(len(norm))
    rows, starts = _grouped_rows(component)
    if not len(rows):
        return canon
    sub = norm.iloc[rows]
    sizes = np.diff(np.r_[starts, len(rows)])
    # [lo, hi) of each row's group, in positions of ``rows`` (int lists: no GC-tracked pairs).
    lo, hi = np.repeat(starts, sizes).tolist(), np.repeat(starts + sizes, sizes).tolist()
    length = sub["text_norm"].str.len().to_numpy(dtype=np.int64, copy=True)
    noise = np.zeros(len(sub), dtype=np.int64)  # boilerplate characters, once counted
    tie_rank, counted = _tie_rank(sub), np.zeros(len(sub), dtype=bool)
    columns = (texts(rows), sub["text_norm"].tolist())
    conversions = sub["conversion"].tolist()
    while True:
        leaders = _leaders(starts, length, noise, tie_rank)
        todo = leaders[~counted[leaders]].tolist()
        if not todo:
            break
        noise[todo] = extra_boilerplate_chars(
            [columns[0][i] for i in todo],
            [columns[1][i] for i in todo],
            [conversions[i] for i in todo],
            _others(columns, todo, lo, hi),
        )
        length[todo] -= noise[todo]
        counted[todo] = True
    canon[rows] = np.repeat(rows[leaders], sizes)
    return canon


def _node_pairs(nodes: _Nodes, pairs: pd.DataFrame) -> np.ndarray:
    """``(m, 2)`` node numbers of the ``article_id``/``other_id`` columns of ``pairs``."""
    index = pd.Index(nodes.rep_ids, dtype=object)
    columns = [
        index.get_indexer(pairs[c].to_numpy(dtype=object)) for c in ("article_id", "other_id")
    ]
    return np.stack(columns, axis=1).astype(np.int64).reshape(-1, 2)


def _checked_similarities(
    nodes: _Nodes, need: np.ndarray, params: DedupParams
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment of node pairs ``need`` (shingled here, few of them)."""
    used = np.unique(need)
    sets = minhash.hash_shingles(
        [nodes.texts[i] for i in used], k=params.shingle_size, seed=params.seed
    )
    local = np.searchsorted(used, need)
    inter = minhash.overlap_counts(sets, local)
    return minhash.jaccard(sets, local, inter), minhash.containment(sets, local, inter)


def _pair_similarities(
    nodes: _Nodes, want: np.ndarray, pairs: pd.DataFrame, params: DedupParams
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Jaccard and containment of node pairs ``want``; reuses ``pairs`` when checked."""
    n = len(nodes.texts)
    known = pairs[pairs["checked"]]
    done = _node_pairs(nodes, known)
    done_code = done.min(axis=1) * n + done.max(axis=1)
    order = np.argsort(done_code, kind="stable")
    done_code = done_code[order]
    done_sims = known[["jaccard", "containment"]].to_numpy(dtype=float)[order]
    codes = want.min(axis=1) * n + want.max(axis=1)
    pos = np.minimum(np.searchsorted(done_code, codes), max(len(done_code) - 1, 0))
    hit = done_code[pos] == codes if len(done_code) else np.zeros(len(codes), dtype=bool)
    sims = np.empty((len(codes), 2))
    sims[hit] = done_sims[pos[hit]]
    missing = np.unique(codes[~hit])
    if len(missing):
        jac, con = _checked_similarities(
            nodes, np.stack([missing // n, missing % n], axis=1), params
        )
        at = np.searchsorted(missing, codes[~hit])
        sims[~hit] = np.stack([jac[at], con[at]], axis=1)
    return sims[:, 0], sims[:, 1]


def _rule_and_similarity(
    same_text: np.ndarray, cross: np.ndarray, jac: np.ndarray, con: np.ndarray, params
) -> tuple[np.ndarray, np.ndarray]:
    """Rule tying a member to its canonical article, and the similarity that rule uses.

    A member joined only through another member (A~B, B~C) may be below both thresholds
    against the canonical one; it gets the rule whose threshold it comes closer to.
    """
    by_jaccard = jac / params.jaccard_threshold >= con / params.containment_threshold
    rule = np.where(by_jaccard, "near", "contained").astype(object)
    rule[same_text] = "exact"
    rule[cross] = "cross_script"
    similarity = np.where(by_jaccard, jac, con)
    similarity[same_text] = 1.0
    return rule, similarity


def assign_clusters(
    norm: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    params: DedupParams = DEFAULT_PARAMS,
    text_col: str = "body",
) -> pd.DataFrame:
    """Cluster rows (equal text or a joining pair), pick each cluster's representative.

    Args:
        norm: articles with ``text_norm`` and ``norm_script`` (:func:`add_text_norm`).
        pairs: checked pairs from :func:`find_duplicate_pairs`.
        params: thresholds (used to name the rule of transitive members).
        text_col: the original text column (its boilerplate sentences do not count as
            completeness when picking the representative).

    Returns:
        ``norm`` plus ``cluster_id`` (the representative's article_id), ``is_canonical``,
        ``dup_of``, ``dup_rule``, ``similarity`` (None/NaN on representatives), and the exact
        ``jaccard``/``containment`` against the representative.

    Example:
        >>> body = "蔚来汽车交付量创下新高，海外市场增长明显，欧洲订单翻倍。"
        >>> norm = add_text_norm(pd.DataFrame({"article_id": ["b", "a"], "body": [body] * 2}))
        >>> out = assign_clusters(norm, find_duplicate_pairs(norm))
        >>> out[["article_id", "cluster_id", "dup_of", "dup_rule"]].values.tolist()
        [['b', 'a', 'a', 'exact'], ['a', 'a', nan, nan]]
    """
    nodes = _text_nodes(norm, params.min_match_chars)
    return _assign_clusters(norm, pairs, nodes, params, _column_texts(norm, text_col))


def _column_texts(norm: pd.DataFrame, text_col: str) -> Callable[[np.ndarray], list[str]]:
    """The texts of ``text_col`` at given positions, as Python strings (converted on demand)."""
    return lambda rows: norm[text_col].iloc[rows].fillna("").astype(str).tolist()


def _assign_clusters(
    norm: pd.DataFrame,
    pairs: pd.DataFrame,
    nodes: _Nodes,
    params: DedupParams,
    texts: Callable[[np.ndarray], list[str]],
) -> pd.DataFrame:
    """:func:`assign_clusters`, given the nodes of ``norm`` and its original texts."""
    joined = pairs[pairs["edge"] != ""]
    component = connected_components(len(nodes.texts), _node_pairs(nodes, joined))[nodes.of_row]
    canon = _canonical_rows(norm, component, texts)
    member = np.flatnonzero(canon != np.arange(len(norm)))
    want = np.stack([nodes.of_row[member], nodes.of_row[canon[member]]], axis=1)
    same_text = want[:, 0] == want[:, 1]
    jac, con = np.ones(len(member)), np.ones(len(member))
    if (~same_text).any():
        jac[~same_text], con[~same_text] = _pair_similarities(
            nodes, want[~same_text], pairs, params
        )
    scripts = norm["norm_script"].to_numpy()
    cross = scripts[member] != scripts[canon[member]]
    rule, similarity = _rule_and_similarity(same_text, cross, jac, con, params)
    ids = norm["article_id"].astype(str).to_numpy()
    out = norm.copy()
    out["cluster_id"] = ids[canon]
    out["is_canonical"] = canon == np.arange(len(norm))
    for col, values in (
        ("dup_of", ids[canon[member]]),
        ("dup_rule", rule),
        ("similarity", similarity),
        ("jaccard", jac),
        ("containment", con),
    ):
        is_text = values.dtype == object
        full = np.full(len(norm), None if is_text else np.nan, dtype=values.dtype)
        full[member] = values
        out[col] = pd.Series(full, index=norm.index, dtype="str" if is_text else float)
    return out


def build_report(clustered: pd.DataFrame) -> pd.DataFrame:
    """One row per non-canonical article: what it duplicates, by which rule, how similar.

    Args:
        clustered: output of :func:`assign_clusters`.

    Returns:
        ``article_id``, ``dup_of`` (the kept article), ``cluster_id``, ``dup_rule``,
        ``similarity``, ``jaccard``, ``containment``, ``title``/``dup_of_title`` and
        ``source_file`` when the input has them; sorted by cluster then article.

    Example:
        >>> body = "理想汽车发布季度财报，营收同比增长，毛利率回升至两成。"
        >>> norm = add_text_norm(pd.DataFrame({"article_id": ["a", "b"], "body": [body] * 2}))
        >>> build_report(assign_clusters(norm, find_duplicate_pairs(norm)))["dup_of"].tolist()
        ['a']
    """
    cols = ["article_id", "dup_of", "cluster_id", "dup_rule", "similarity", "jaccard"]
    cols += ["containment"] + [c for c in ("title", "source_file") if c in clustered]
    report = clustered.loc[~clustered["is_canonical"], cols]
    if "title" in clustered:
        titles = clustered.set_index(clustered["article_id"].astype(str))["title"]
        report = report.assign(dup_of_title=report["dup_of"].map(titles).to_numpy())
    return report.sort_values(["cluster_id", "article_id"]).reset_index(drop=True)


def borderline_pairs(
    pairs: pd.DataFrame,
    *,
    params: DedupParams = DEFAULT_PARAMS,
    margin: float = BORDERLINE_MARGIN,
) -> pd.DataFrame:
    """Checked pairs that did not join but came within ``margin`` below a threshold.

    Sorted closest first (``gap`` = distance to the nearer threshold), so a user tuning the
    thresholds sees what a lower value would merge.

    Example:
        >>> p = pd.DataFrame({"article_id": ["a", "a"], "other_id": ["b", "c"],
        ...                   "checked": [True, True], "jaccard": [0.65, 0.2],
        ...                   "containment": [0.7, 0.3], "edge": ["", ""]})
        >>> borderline_pairs(p)[["other_id", "gap"]].round(2).values.tolist()
        [['b', 0.05]]
    """
    gap_j = params.jaccard_threshold - pairs["jaccard"]
    gap_c = params.containment_threshold - pairs["containment"]
    gap = np.minimum(gap_j.where(gap_j > 0, np.inf), gap_c.where(gap_c > 0, np.inf))
    near_miss = pairs["checked"] & (pairs["edge"] == "") & (gap <= margin)
    return pairs[near_miss].assign(gap=gap[near_miss]).sort_values("gap").reset_index(drop=True)


def deduplicate(
    df: pd.DataFrame, *, params: DedupParams = DEFAULT_PARAMS, text_col: str = "body"
) -> DedupResult:
    """Run stage 02 on an articles table: normalise, pair, cluster, report.

    Args:
        df: stage-01 articles (``article_id``, ``body``; ``script``, ``quality_score``,
            ``published_date``, ``title`` are used when present).
        params: see :class:`DedupParams`.
        text_col: the column matched (the cleaned ``body``; titles are ignored on purpose:
            reprints are often retitled).

    Returns:
        :class:`DedupResult`: ``articles`` = ``df`` (same rows, same order) plus
        :data:`OUTPUT_COLUMNS`; the report; the checked pairs.

    Example:
        >>> body = "小米汽车交付新车，订单排到明年。" * 2
        >>> df = pd.DataFrame({"article_id": ["m1", "m2", "m3"],
        ...                    "body": [body, body + "（完）", body.replace("，", ", ")]})
        >>> deduplicate(df).report[["article_id", "dup_of", "dup_rule"]].values.tolist()
        [['m2', 'm1', 'near'], ['m3', 'm1', 'exact']]
    """
    # NOTE: a re-run on stage-02 output recomputes the columns instead of duplicating them.
    df = df.drop(columns=[c for c in OUTPUT_COLUMNS if c in df.columns])
    # NOTE: the internal steps share the bodies as Python strings and the text nodes
    # (converting an Arrow string column, or numbering 20 000 texts, twice cost ~0.05 s).
    norm, texts = _add_text_norm(df, text_col)
    nodes = _text_nodes(norm, params.min_match_chars)
    pairs = _find_pairs(norm, nodes, params)
    clustered = _assign_clusters(
        norm, pairs, nodes, params, lambda rows: [texts[i] for i in rows.tolist()]
    )
    report = build_report(clustered)
    articles = clustered[[*df.columns, *OUTPUT_COLUMNS]]
    return DedupResult(articles=articles, report=report, pairs=pairs)


# ---------------------------------------------------------------------------------------------
# Views for the notebook
# ---------------------------------------------------------------------------------------------
def count_rules(articles: pd.DataFrame) -> pd.DataFrame:
    """Count articles by outcome: kept (with copies), single, and each dup rule.

    Example:
        >>> a = pd.DataFrame({"is_canonical": [True, False, True],
        ...                   "cluster_id": ["x", "x", "y"], "dup_rule": [None, "exact", None]})
        >>> count_rules(a)["articles"].tolist()
        [1, 1, 1, 0, 0, 0]
    """
    size = articles.groupby("cluster_id")["cluster_id"].transform("size")
    outcome = np.where(size > 1, "kept, has copies", "single").astype(object)
    outcome[~articles["is_canonical"].to_numpy()] = articles.loc[
        ~articles["is_canonical"], "dup_rule"
    ]
    order = ["kept, has copies", "single", *DUP_RULES]
    counts = pd.Series(outcome).value_counts().reindex(order, fill_value=0)
    return counts.rename_axis("outcome").reset_index(name="articles")


def _excerpt(text: object, chars: int) -> str:
    return str(text or "").replace("\n", " / ")[:chars]


def largest_clusters(
    articles: pd.DataFrame, *, n: int = 5, excerpt_chars: int = 60, text_col: str = "body"
) -> pd.DataFrame:
    """Members of the ``n`` largest clusters, representative first, with a body excerpt.

    Example:
        >>> a = pd.DataFrame({"article_id": ["x", "y", "z"], "cluster_id": ["x", "x", "z"],
        ...                   "is_canonical": [True, False, True], "dup_rule": [None, "near", None],
        ...                   "similarity": [np.nan, 0.8, np.nan],
        ...                   "body": ["汽车", "汽车！", "芯片"]})
        >>> largest_clusters(a, n=1)[["cluster_id", "article_id", "excerpt"]].values.tolist()
        [['x', 'x', '汽车'], ['x', 'y', '汽车！']]
    """
    size = articles.groupby("cluster_id")["cluster_id"].transform("size").rename("cluster_size")
    top = size[size > 1].groupby(articles["cluster_id"]).first().nlargest(n, keep="first").index
    view = articles.assign(
        cluster_size=size, excerpt=articles[text_col].map(lambda t: _excerpt(t, excerpt_chars))
    )
    view = view[view["cluster_id"].isin(top)]
    view = view.sort_values(
        ["cluster_size", "cluster_id", "is_canonical", "article_id"],
        ascending=[False, True, False, True],
    )
    cols = ["cluster_id", "cluster_size", "article_id", "is_canonical", "dup_rule", "similarity"]
    cols += [c for c in ("source_file", "title") if c in articles] + ["excerpt"]
    return view[cols].reset_index(drop=True)


def side_by_side(
    articles: pd.DataFrame, cluster_id: str, *, excerpt_chars: int = 120, text_col: str = "body"
) -> pd.DataFrame:
    """One cluster as a table with one column per member (representative first).

    Example:
        >>> a = pd.DataFrame({"article_id": ["x", "y"], "cluster_id": ["x", "x"],
        ...                   "is_canonical": [True, False], "dup_rule": [None, "exact"],
        ...                   "similarity": [np.nan, 1.0], "body": ["汽车出口", "汽车出口"]})
        >>> side_by_side(a, "x").columns.tolist()
        ['x', 'y']
    """
    view = largest_clusters(
        articles[articles["cluster_id"] == cluster_id],
        n=1,
        excerpt_chars=excerpt_chars,
        text_col=text_col,
    )
    return view.set_index("article_id").drop(columns=["cluster_id", "cluster_size"]).T


def describe_pairs(
    pairs: pd.DataFrame, articles: pd.DataFrame, *, excerpt_chars: int = 40, text_col: str = "body"
) -> pd.DataFrame:
    """Add both sides' titles (or body excerpts) to a pairs table, for reading.

    Example:
        >>> p = pd.DataFrame({"article_id": ["x"], "other_id": ["y"], "jaccard": [0.6]})
        >>> a = pd.DataFrame({"article_id": ["x", "y"], "body": ["汽车出口", "汽车进口"]})
        >>> describe_pairs(p, a)[["text", "other_text"]].values.tolist()
        [['汽车出口', '汽车进口']]
    """
    source = articles["title"] if "title" in articles else articles[text_col]
    label = dict(
        zip(articles["article_id"], source.map(lambda t: _excerpt(t, excerpt_chars)), strict=True)
    )
    return pairs.assign(
        text=pairs["article_id"].map(label).to_numpy(),
        other_text=pairs["other_id"].map(label).to_numpy(),
    )
