r"""How trustworthy an article's text is: garbled spans and certain mojibake repairs.

Garble kinds (each becomes a flag ``garble_<kind>``):

* ``qmarks`` — runs of ``??`` left where a converter could not map a character;
* ``replacement`` — U+FFFD from a decoder that met invalid bytes;
* ``private_use`` — private-use code points (an old font-specific mapping);
* ``mojibake`` — Chinese-looking text that is really another encoding read wrongly. Detected
  by rarity: news text uses the ~9,000 level-1 characters of GB2312 and Big5 almost only
  (measured 0.1 % outside them on the two real dumps), while UTF-8 read as GBK or Big5, or
  GBK read as Big5, puts 36–71 % of its characters outside that set.

A span is repaired only when a re-decoding round trip is certain: the span encodes strictly
in the wrong codec, decodes strictly in the right one, and the result is all common
characters (:func:`repair_mojibake`).

Example:
    >>> [s.kind for s in find_garbled_spans("比亞迪??銷量\ufffd")]
    ['qmarks', 'replacement']

The script label (``hant``/``hans``/``mixed``) is :func:`helpers.text.script.detect_script`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from helpers.parse.clean import Edit, apply_edits
from helpers.text.script import HAN, HAN_RANGES, HAN_RE, char_class

QMARK_RE = re.compile(r"\?{2,}")
REPLACEMENT_RE = re.compile("\ufffd+")
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]+")
NON_ASCII_RUN_RE = re.compile(r"[^\x00-\x7f\s]+")

MOJIBAKE_WINDOW = 8  # scored characters per window
MOJIBAKE_MIN_SUSPECT = 3  # suspects in a window that flag it (≥ 37 %)
# NOTE: Latin-1 letters, box drawing and bopomofo count as suspects too: UTF-8 read as
# Latin-1/cp1252 gives "ä¸­", GBK read as Big5 gives "═" and "ㄓ" among the Han characters.
SUSPECT_SYMBOLS = (
    "[\u0080-\u009f\u00a1-\u00af\u00b2-\u00b6\u00b8-\u00d6\u00d8-\u00ff\u2500-\u257f\u3100-\u312f]"
)
SUSPECT_SYMBOL_RE = re.compile(SUSPECT_SYMBOLS)
SCORED_RE = re.compile(f"[{HAN}]|{SUSPECT_SYMBOLS}")
SCORED_RUN_RE = re.compile(f"(?:[{HAN}]|{SUSPECT_SYMBOLS})+")  # runs of them: to count them
ROUND_TRIPS = (
    ("gb18030", "utf-8"),
    ("big5hkscs", "utf-8"),
    ("cp1252", "utf-8"),
    ("latin-1", "utf-8"),
    ("big5hkscs", "gb18030"),
    ("gb18030", "big5hkscs"),
)
MIN_REPAIR_HAN = 2
SHORT_BODY_CHARS = 50


@dataclass(frozen=True)
class GarbleSpan:
    """A garbled span ``text[start:end]`` of one ``kind``."""

    kind: str
    start: int
    end: int


def _level1_chars(codec: str, leads: range, trails: list[range]) -> set[str]:
    """Decode every two-byte code of a codec's frequent-character plane."""
    chars = set()
    for hi in leads:
        for trail in trails:
            for lo in trail:
                try:
                    chars.add(bytes([hi, lo]).decode(codec))
                except UnicodeDecodeError:
                    continue
    return chars


@functools.cache
def common_han() -> frozenset[str]:
    """Return the level-1 characters of GB2312 (3,755) and Big5 (5,401).

    Example:
        >>> "汽" in common_han(), "車" in common_han(), "姹" in common_han()
        (True, True, False)
    """
    gb = _level1_chars("gb2312", range(0xB0, 0xD8), [range(0xA1, 0xFF)])
    big5 = _level1_chars("big5", range(0xA4, 0xC7), [range(0x40, 0x7F), range(0xA1, 0xFF)])
    return frozenset(c for c in gb | big5 if HAN_RE.match(c))


@functools.cache
def suspect_re() -> re.Pattern[str]:
    """One character class of the suspects: odd symbols and the Han characters outside the set.

    NOTE: the suspects used to be counted by deleting the 9,000 common characters with
    ``str.translate`` (a dict lookup per character) and scanning the rest; one class (built
    once, ~0.01 s) finds the same characters in one C scan.

    Example:
        >>> suspect_re().findall("中国姹借汽车ä")
        ['姹', 'ä']
    """
    common = {ord(ch) for ch in common_han()}
    rare_han = [code for lo, hi in HAN_RANGES for code in range(lo, hi + 1) if code not in common]
    return re.compile(f"{char_class(rare_han)}|{SUSPECT_SYMBOLS}")


def count_suspects(text: str) -> tuple[int, int]:
    """Count ``(scored, suspect)`` characters: Han plus odd symbols, and the rare ones.

    Example:
        >>> count_suspects("中国汽车")
        (4, 0)
    """
    # NOTE: counted by runs (a Chinese clause is one run): a match per character cost
    # ~170 ns each (every line of a GB18030 or Big5 dump is scored while it is decoded).
    scored = sum(map(len, SCORED_RUN_RE.findall(text)))
    if not scored:
        return 0, 0
    return scored, len(suspect_re().findall(text))


def rare_ratio(text: str) -> float:
    """Share of Han characters (and odd symbols) outside the common set; 0 when none.

    Example:
        >>> rare_ratio("姹借溅鍑哄彛") > 0.3, rare_ratio("中国汽车")
        (True, 0.0)
    """
    scored, suspect = count_suspects(text)
    return suspect / scored if scored else 0.0


def _is_suspect(ch: str) -> bool:
    return suspect_re().match(ch) is not None


# NOTE: complexity 11: scans windows of scored characters; the conditions delimit a suspect run.
def find_mojibake_spans(text: str) -> list[GarbleSpan]:
    """Locate runs where a window of scored characters is mostly rare.

    Example:
        >>> find_mojibake_spans("銷量:姹借溅鍑哄彛。")
        [GarbleSpan(kind='mojibake', start=3, end=9)]
    """
    if len(suspect_re().findall(text)) < MOJIBAKE_MIN_SUSPECT:  # count_suspects' second count
        return []
    positions = [m.start() for m in SCORED_RE.finditer(text)]
    flags = [_is_suspect(text[p]) for p in positions]
    merged: list[list[int]] = []
    for i in range(max(1, len(positions) - MOJIBAKE_WINDOW + 1)):
        window = flags[i : i + MOJIBAKE_WINDOW]
        if sum(window) < MOJIBAKE_MIN_SUSPECT:
            continue
        hits = [positions[i + j] for j, f in enumerate(window) if f]
        if merged and hits[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hits[-1] + 1)
        else:
            merged.append([hits[0], hits[-1] + 1])
    spans = [GarbleSpan("mojibake", start, end) for start, end in merged]
    return spans


def find_garbled_spans(text: str) -> list[GarbleSpan]:
    r"""Return every garbled span in ``text``, sorted by position.

    Example:
        >>> find_garbled_spans("中\ue000\ue001文")
        [GarbleSpan(kind='private_use', start=1, end=3)]
    """
    # NOTE: the question-mark and U+FFFD patterns need "??" and U+FFFD: a C substring test
    # first (a regex scan costs ~20 ns per character even when it finds nothing).
    spans = [
        GarbleSpan(kind, m.start(), m.end())
        for kind, pattern, needs in (
            ("qmarks", QMARK_RE, "??"),
            ("replacement", REPLACEMENT_RE, "\ufffd"),
            ("private_use", PRIVATE_USE_RE, ""),
        )
        if needs in text
        for m in pattern.finditer(text)
    ]
    return sorted(spans + find_mojibake_spans(text), key=lambda s: (s.start, s.kind))


def round_trip(span: str) -> str | None:
    """Return the certain re-decoding of a mojibake span, or None when none is certain.

    Example:
        >>> round_trip("姹借溅鍑哄彛")
        '汽车出口'
        >>> round_trip("中国汽车") is None
        True
    """
    for wrong, right in ROUND_TRIPS:
        try:
            fixed = span.encode(wrong).decode(right)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed == span or len(HAN_RE.findall(fixed)) < MIN_REPAIR_HAN:
            continue
        _, suspect = count_suspects(fixed)
        if suspect == 0 and "\ufffd" not in fixed:
            return fixed
    return None


def repair_mojibake(text: str) -> tuple[str, list[Edit]]:
    """Repair mojibake spans whose round trip is certain; leave the rest flagged only.

    The candidate is the whole run of non-ASCII characters around a rare window (re-encoding
    leaves ASCII untouched, so a garbled region never crosses a comma or digit of ASCII).

    Example:
        >>> repair_mojibake("據報導,姹借溅鍑哄彛,增長")[0]
        '據報導,汽车出口,增長'
    """
    edits: list[Edit] = []
    taken_until = -1
    for span in find_mojibake_spans(text):
        for run in NON_ASCII_RUN_RE.finditer(text):
            if run.start() <= span.start < run.end() and run.start() > taken_until:
                fixed = round_trip(run.group(0))
                if fixed is not None:
                    edits.append(Edit("garble_repair", run.start(), run.group(0), fixed))
                    taken_until = run.end()
                break
    return (apply_edits(text, edits) if edits else text), edits


def garbled_chars(spans: list[GarbleSpan]) -> int:
    """Count characters covered by ``spans`` (overlaps counted once).

    Example:
        >>> garbled_chars([GarbleSpan("qmarks", 0, 2), GarbleSpan("mojibake", 1, 4)])
        4
    """
    covered: set[int] = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    return len(covered)


def quality_score(body: str, spans: list[GarbleSpan]) -> float:
    """Score an article body 0–1: 1 − 2 × garbled share, halved for a very short body.

    Example:
        >>> quality_score("比亞迪" * 20, []), quality_score("比亞迪??" * 20, [])
        (1.0, 1.0)
        >>> quality_score("比亞迪??", find_garbled_spans("比亞迪??"))
        0.1
    """
    length = len("".join(body.split()))  # NOTE: what re.sub(r"\s", "") keeps, in C
    if not length:
        return 0.0
    score = max(0.0, 1.0 - 2.0 * garbled_chars(spans) / length)
    if length < SHORT_BODY_CHARS:
        score *= 0.5
    return round(score, 3)
