"""Chinese script and width: the one script detector, OpenCC factory and NFKC fold.

Every stage that looks at Traditional vs Simplified text or at full-width forms goes through
this module: :func:`detect_script` labels an article (stage 01 writes it to ``script``),
:func:`opencc_converter` builds each OpenCC converter once per process (and refuses the
look-alike reimplementation, see PITFALLS), :func:`fold_nfkc` is the NFKC fold and
:func:`normalize_width` its same-length, offset-keeping form.

Example:
    >>> detect_script("國內汽車銷量"), detect_script("国内汽车销量")
    ('hant', 'hans')
    >>> convert_script("輝達晶片資料", "tw2sp"), normalize_width("１２％，")
    ('英伟达芯片数据', '12%,')
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# CJK unified ideographs (Ext. A, the main block) and the compatibility ideographs.
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # the same, as code points
HAN_RE = re.compile(f"[{HAN}]")
ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")  # beyond the Basic Multilingual Plane
# NOTE: one threshold for the one script label. Stage 02 once had a second detector at 0.9
# that nothing but its own tests called (dedup chooses its conversion from the stored label
# and its own character counts, :func:`helpers.dedup.textnorm.choose_conversion`).
SCRIPT_MAJORITY = 0.8  # share of script-specific characters that decides hant / hans
OFFICIAL_OPENCC_HINT = (
    "the `opencc` module is not the official OpenCC package: run "
    "`pip uninstall opencc-python-reimplemented && pip install --force-reinstall opencc`"
)
# NOTE: OpenCC ``s2t`` loads its 0.9 MB phrase dictionary (STPhrases, 0.06-0.28 s, once per
# process), which cannot change a character standing alone; converting single characters
# only needs s2t's character dictionaries (load: ~3 ms). A test checks that this gives the
# full ``s2t`` result on every CJK character.
S2T_CHARACTER_DICTS = ("CJK_Compatibility_Ideographs.ocd2", "STCharacters.ocd2")


@functools.cache
def opencc_converter(config: str):
    """Return the process-wide OpenCC converter for ``config`` (``t2s``, ``tw2sp``, ``s2t``...).

    Raises:
        RuntimeError: the installed ``opencc`` is the look-alike reimplementation, which
            has older maps (輝達→辉达) and turns 什么 into 什幺.

    Example:
        >>> opencc_converter("t2s").convert("晶片資料")
        '晶片资料'
    """
    import opencc  # lazy: importing helpers.text stays light

    # NOTE: opencc-python-reimplemented installs the same import name with older maps
    # (輝達→辉达); only the official C++ package has the compiled ``clib``.
    if not hasattr(opencc, "clib"):
        raise RuntimeError(OFFICIAL_OPENCC_HINT)
    return opencc.OpenCC(config)


@functools.cache
def s2t_character_converter():
    """Return OpenCC ``s2t`` for single characters: its normalisation and character dicts."""
    share = Path(opencc_converter("t2s").config).parent  # the official package's dictionaries
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
        return opencc_converter.__wrapped__(str(path))


def convert_script(text: str, config: str) -> str:
    """Convert with an OpenCC config (``tw2sp``, ``t2s``, ...); ``none`` returns ``text``.

    Example:
        >>> convert_script("輝達晶片資料", "tw2sp")
        '英伟达芯片数据'
    """
    return text if config == "none" else opencc_converter(config).convert(text)


def fold_nfkc(text: str) -> str:
    """Return the NFKC form of ``text`` (full-width digits and Latin letters become ASCII).

    NOTE: NFKC plus explicit maps, never ASCII folding (PRACTICES 11): Han characters stay.

    Example:
        >>> fold_nfkc("ＢＹＤ ２０２５，比亞迪")
        'BYD 2025,比亞迪'
    """
    # NOTE: NFKC(x) == NFKC(x with each character replaced by its own one-character NFKC):
    # both have the same NFKD. After :func:`normalize_width` a Chinese text (its full-width
    # punctuation folded) usually passes CPython's quick check, so ``normalize`` returns it
    # without decomposing and recomposing every character (2-3x faster; a test compares
    # with plain ``normalize`` on every code point and on runs of combining marks).
    return unicodedata.normalize("NFKC", normalize_width(text))


def normalize_width(text: str) -> str:
    """Return ``text`` with full-width forms folded (NFKC) character by character.

    Only single-character results are kept, so every offset stays valid in the original text.

    Args:
        text: any text.

    Returns:
        A string of the same length: １２％ -> 12%, ，-> ,; 〇 and Han characters unchanged.

    Example:
        >>> normalize_width("約２００至２４０億元，")
        '約200至240億元,'
    """
    if text.isascii():
        return text  # no ASCII character has a decomposition
    # NOTE: str.translate costs ~40 ns per character (a table lookup through an int object
    # each); a Chinese text's only foldable characters are mostly a few full-width marks
    # (，：；（）％ and the ideographic space). Each is replaced by a C scan (str.replace),
    # then one regex scan looks for any other foldable character, and only a text holding
    # one is translated. The same result: each fold is one character to one character, and
    # no folded character folds again (checked when the tables are built).
    bmp, everywhere, rest = _width_tables()
    if ASTRAL_RE.search(text):
        return text.translate(everywhere)
    for char, folded in COMMON_FOLDS:
        if char in text:
            text = text.replace(char, folded)
    if rest.search(text) is None:
        return text
    # NOTE: a list lookup per character is ~3x faster than a dict one (a dict raises and
    # clears a KeyError for every unmapped character); a list cannot hold the astral planes.
    return text.translate(bmp)


# The full-width marks of Chinese text, folded first by str.replace (see normalize_width).
COMMON_FOLDS = tuple((ch, unicodedata.normalize("NFKC", ch)) for ch in "，：；（）！？％\u3000")


@functools.cache
def _width_tables() -> tuple[list[str], dict[int, str], re.Pattern[str]]:
    """Tables of :func:`normalize_width`: a BMP list, an all-planes dict, the other folds.

    The third is a character class of every foldable BMP character but :data:`COMMON_FOLDS`
    (BMP only: a class with astral ranges is checked range by range, 4x slower).

    NOTE: NFKC changes a character standing alone only when it has a decomposition mapping,
    so only those (5,795 code points; 0.06 s once per process) are folded; a test checks the
    tables against the per-character fold on every code point.
    """
    folds = _single_character_folds()
    bmp = [chr(code) for code in range(0x10000)]
    for code, folded in folds.items():
        if code < 0x10000:
            bmp[code] = folded
    common = {ord(ch) for ch, _ in COMMON_FOLDS}
    rest = re.compile(char_class(sorted(c for c in folds if c < 0x10000 and c not in common)))
    return bmp, folds, rest


def _single_character_folds() -> dict[int, str]:
    """Every code point whose NFKC on its own is one other character, and that character."""
    folds = {}
    for code in range(0x110000):
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch) if unicodedata.decomposition(ch) else ch
        if len(folded) == 1 and folded != ch:
            folds[code] = folded
    # the premise of folding in steps (normalize_width): a folded character never folds again
    assert not any(ord(f) in folds for f in folds.values()), "a fold that folds again"
    assert all(folds.get(ord(ch)) == f for ch, f in COMMON_FOLDS), "COMMON_FOLDS not folds"
    return folds


_SCRIPT_KIND: dict[str, str] = {}  # character → "t" (Traditional-only), "s", or "" (both)


def _script_kinds(chars: Iterable[str]) -> dict[str, str]:
    """Classify characters once (cached across articles: OpenCC is called for new ones only)."""
    new = [c for c in chars if c not in _SCRIPT_KIND]
    if new:
        joined = "\n".join(new)
        as_simp = opencc_converter("t2s").convert(joined).split("\n")
        as_trad = opencc_converter("s2t").convert(joined).split("\n")
        for c, simp, trad in zip(new, as_simp, as_trad, strict=True):
            _SCRIPT_KIND[c] = "t" if simp != c else ("s" if trad != c else "")
    return _SCRIPT_KIND


def char_class(codes: list[int]) -> str:
    r"""A regex character class holding exactly the code points ``codes`` (sorted), as ranges.

    Example:
        >>> char_class([0x6C7D, 0x6C7E, 0x8ECA])
        '[\\u6c7d-\\u6c7e\\u8eca]'
        >>> char_class([0x20000, 0x20001])
        '[\\U00020000-\\U00020001]'
    """
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        lo, hi = _escape_code(codes[i]), _escape_code(codes[j])
        parts.append(lo if lo == hi else f"{lo}-{hi}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def _escape_code(code: int) -> str:
    r"""The regex escape of a code point: ``\uXXXX`` in the BMP, ``\UXXXXXXXX`` beyond it."""
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@functools.cache
def _script_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The Traditional-only and the Simplified-only Han characters, as two character classes.

    NOTE: counting every Han character of an article (``Counter`` over a ``findall``) cost
    1.3 s on 22 MB; the kinds of all 28,096 Han code points take one OpenCC call each way
    (~0.1 s once per process), after which two C scans count the script-specific ones.
    """
    chars = [chr(c) for lo, hi in HAN_RANGES for c in range(lo, hi + 1)]
    kinds = _script_kinds(chars)
    trad = [ord(c) for c in chars if kinds[c] == "t"]
    simp = [ord(c) for c in chars if kinds[c] == "s"]
    return re.compile(char_class(trad)), re.compile(char_class(simp))


SCRIPT_TABLE_MIN_CHARS = 200  # below this, two regex scans cost less than numpy's set-up


def count_script_chars(text: str) -> tuple[int, int]:
    """Count the Traditional-only and the Simplified-only characters of ``text``.

    NOTE: ``findall`` builds a string per match (~200 ns each: a third of a Simplified
    article's characters are Simplified-only); a long text is instead looked up in a
    table of every code point's kind (numpy, built once from the same two classes).

    Example:
        >>> count_script_chars("這種選擇背后的邏輯"), count_script_chars("国內車市" * 60)
        ((6, 1), (120, 60))
    """
    if len(text) < SCRIPT_TABLE_MIN_CHARS:
        trad_re, simp_re = _script_patterns()
        return len(trad_re.findall(text)), len(simp_re.findall(text))
    import numpy as np  # lazy: importing helpers.text stays light

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    counts = np.bincount(_script_table()[codes], minlength=3)
    return int(counts[1]), int(counts[2])


@functools.cache
def _script_table():
    """Every code point's kind as a numpy array: 1 Traditional-only, 2 Simplified-only, else 0."""
    import numpy as np

    trad_re, simp_re = _script_patterns()
    table = np.zeros(0x110000, dtype=np.uint8)
    for lo, hi in HAN_RANGES:
        for code in range(lo, hi + 1):
            ch = chr(code)
            table[code] = 1 if trad_re.match(ch) else (2 if simp_re.match(ch) else 0)
    return table


def detect_script(text: str) -> str:
    """Return ``hant``, ``hans`` or ``mixed`` from the script-specific characters in ``text``.

    A character is Traditional-only when ``t2s`` changes it, Simplified-only when ``s2t``
    does; at least :data:`SCRIPT_MAJORITY` (80 %) of one kind decides the script. Text with
    no script-specific character is ``hans`` (it needs no conversion).

    Example:
        >>> detect_script("這種選擇背后的邏輯"), detect_script("国內車市"), detect_script("2025")
        ('hant', 'mixed', 'hans')
    """
    trad, simp = count_script_chars(text)
    if trad + simp == 0:
        # NOTE: no script-specific character at all: t2s is a no-op on it, call it hans.
        return "hans"
    share = trad / (trad + simp)
    if share >= SCRIPT_MAJORITY:
        return "hant"
    return "hans" if share <= 1 - SCRIPT_MAJORITY else "mixed"
