"""The matching copy of each body (``text_norm``): script counts, one conversion, NFKC fold.

Traditional text is converted **once** to Simplified with mainland vocabulary (OpenCC
``tw2sp``), then NFKC-folded, case folded, punctuation and whitespace removed; ``body`` is
never changed. The script *label* comes from stage 01
(:func:`helpers.text.script.detect_script`); the counts here only choose the conversion of
rows without one, or of mixed ones.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.dedup import minhash
from helpers.text.script import convert_script, fold_nfkc, opencc_converter, s2t_character_converter

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


def _convert_chars(codes: np.ndarray, config: str) -> np.ndarray:
    """Code point of each single character after conversion (``s2t`` or ``t2s``).

    Example:
        >>> "".join(map(chr, _convert_chars(np.array([ord("數"), ord("车")]), "t2s")))
        '数车'
    """
    converter = s2t_character_converter() if config == "s2t" else opencc_converter(config)
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
    return NON_WORD_RE.sub("", fold_nfkc(text).casefold())


# NOTE: complexity 11: builds the whole normalisation table in one vectorised pass (a one-time cost
# per process).
@functools.cache
def _norm_table() -> np.ndarray:
    r"""Per-character form of :func:`normalise_text` over the BMP.

    Entry: the single output character, :data:`_DROP`, or :data:`_MULTI` when the character
    expands to several characters or may compose with its neighbours (combining marks,
    Hangul jamo), which only the per-text path gets right.

    NOTE: built with whole-list comprehensions (one C call per character and step); a
    per-character function writing numpy scalars took 0.12-0.3 s, a one-time cost in every
    fresh process. ``str.isalnum`` of one character is exactly what ``\W`` tests in
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
    forms = [fold_nfkc(ch).casefold() for ch in chars]
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
