"""Reading raw input files: listing, sniffing, encoding detection and streamed decoding.

The only module of stage 01 that opens files. Text is streamed line by line with a byte cap
per line, so a 50 MB single-line file costs a few MB of memory, not 50 (its text is counted
and previewed, not kept). Each line is decoded on its own: UTF-8 first, then GB18030 or
Big5-HKSCS, whichever gives plausible Chinese (few characters outside the common set), so a
file that mixes encodings still decodes line by line.

Example:
    >>> decode_line("汽車出口".encode("big5"), "gb18030")[:2]
    ('汽車出口', 'big5hkscs')
    >>> decode_line("汽车出口".encode("utf-8"), "gb18030")[:2]
    ('汽车出口', 'utf-8')
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import charset_normalizer

from helpers.quality import PRIVATE_USE_RE, count_suspects

SKIP_SUFFIXES = frozenset({".md"})  # documentation beside the data (SOURCES.md, README.md)
SNIFF_BYTES = 256 * 1024
MAX_LINE_BYTES = 2 * 1024 * 1024  # 002's longest line is 51 KB; longer is not an article line
MAX_WHOLE_FILE_BYTES = 32 * 1024 * 1024  # HTML and JSON are parsed whole; cap their size
PREVIEW_CHARS = 200
CONTROL_SHARE_BINARY = 0.1
LEGACY_CODECS = ("gb18030", "big5hkscs")
PLAUSIBLE_SUSPECT_SHARE = 0.1
BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"GIF8",
    b"\xff\xd8\xff",
    b"BZh",
    b"7z\xbc\xaf",
    b"\x7fELF",
    b"Rar!",
)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
CODEC_ALIASES = {
    "ascii": "utf-8",
    "utf_8": "utf-8",
    "utf-8": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "big5-hkscs": "big5hkscs",
}


@dataclass(frozen=True)
class FileSniff:
    """What a file's first bytes say: ``kind`` (empty/binary/text), codec, confidence."""

    kind: str
    codec: str = ""
    confidence: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class RawLine:
    """One decoded line (terminator removed).

    ``codec`` is None for pure-ASCII lines (every codec agrees on them); ``replaced`` counts
    U+FFFD the decoder inserted; ``overflow_chars`` > 0 marks a line longer than the cap,
    whose ``text`` is then only a preview.
    """

    line_no: int
    text: str
    codec: str | None
    replaced: int = 0
    overflow_chars: int = 0


class FileTooLarge(ValueError):
    """A file parsed whole (HTML, JSON) is larger than :data:`MAX_WHOLE_FILE_BYTES`."""


def list_raw_files(raw_dir: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """List the files to parse (sorted) and the skipped ones with the reason.

    Dotfiles, dot-folders and ``*.md`` documentation are skipped, never silently.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> for name in ("新闻.txt", "SOURCES.md", ".hidden"):
        ...     _ = (d / name).write_text("内容", encoding="utf-8")
        >>> files, skipped = list_raw_files(d)
        >>> [f.name for f in files], [(p.name, r) for p, r in skipped]
        (['新闻.txt'], [('.hidden', 'dotfile'), ('SOURCES.md', 'documentation (*.md)')])
    """
    files, skipped = [], []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(raw_dir)
        if any(part.startswith(".") for part in rel.parts):
            skipped.append((path, "dotfile"))
        elif path.suffix.lower() in SKIP_SUFFIXES:
            skipped.append((path, "documentation (*.md)"))
        else:
            files.append(path)
    return files, skipped


def normalize_codec(name: str | None) -> str:
    """Map a detector's codec name to the one used for decoding (GBK → GB18030, Big5 → HKSCS).

    Example:
        >>> normalize_codec("GB2312"), normalize_codec("big5"), normalize_codec("utf_16_le")
        ('gb18030', 'big5hkscs', 'utf-16-le')
    """
    key = (name or "").lower().replace("_", "-")
    if key.startswith("utf-16"):
        return key
    return CODEC_ALIASES.get(key, CODEC_ALIASES.get(key.replace("-", "_"), key or "utf-8"))


def _utf16_without_bom(head: bytes) -> str | None:
    """Return utf-16-le/be when every other byte is NUL (ASCII-heavy UTF-16), else None."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    guess = None
    if odd.count(0) / len(odd) > 0.3 and even.count(0) < len(even) * 0.05:
        guess = "utf-16-le"
    elif even.count(0) / len(even) > 0.3 and odd.count(0) < len(odd) * 0.05:
        guess = "utf-16-be"
    if guess is None:
        return None
    text = head[: len(head) // 2 * 2].decode(guess, errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return guess if printable >= 0.95 * len(text) else None


def _is_binary(head: bytes) -> str:
    """Return why ``head`` looks binary, or an empty string."""
    if head.startswith(BINARY_MAGIC):
        return "binary file (known file signature)"
    if b"\x00" in head:
        return "binary file (NUL bytes)"
    controls = sum(1 for b in head if b < 0x09 or 0x0E <= b < 0x20)
    if controls > CONTROL_SHARE_BINARY * len(head):
        return "binary file (control bytes)"
    return ""


def _utf8_prefix_ok(head: bytes) -> bool:
    """Return True when ``head`` is UTF-8, allowing a character cut at the sample's end."""
    for cut in range(4):
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


def sniff_bytes(head: bytes) -> FileSniff:
    """Classify a file from its first bytes and choose the codec to decode it with.

    Example:
        >>> sniff_bytes("比亞迪".encode("utf-8")).codec
        'utf-8'
        >>> sniff_bytes(b"%PDF-1.7 ...").kind
        'binary'
        >>> sniff_bytes("國內汽車市場競爭激烈，價格戰持續。".encode("big5")).codec
        'big5hkscs'
    """
    if not head:
        return FileSniff("empty", reason="empty file")
    for bom, codec in BOMS:
        if head.startswith(bom):
            return FileSniff("text", codec, 1.0)
    utf16 = _utf16_without_bom(head)
    if utf16:
        return FileSniff("text", utf16, 0.9)
    reason = _is_binary(head)
    if reason:
        return FileSniff("binary", reason=reason)
    if _utf8_prefix_ok(head):
        return FileSniff("text", "utf-8", 1.0)
    best = charset_normalizer.from_bytes(head).best()
    if best is None:
        # NOTE: no single codec fits the sample (e.g. UTF-8 and GB18030 lines in one file);
        # lines are decoded one by one anyway, so start from the likelier Chinese codec.
        return FileSniff("text", _best_legacy(head), 0.0, "no single encoding fits the sample")
    codec = normalize_codec(best.encoding)
    if codec not in LEGACY_CODECS:
        # NOTE: the corpus is Chinese; a Latin or Cyrillic guess on a short sample is a
        # misfire more often than not, so decode line by line with the Chinese codecs.
        codec = _best_legacy(head)
    return FileSniff("text", codec, round(1.0 - best.chaos, 3))


def sniff_file(path: Path) -> FileSniff:
    """Read the first :data:`SNIFF_BYTES` of ``path`` and classify it."""
    with open(path, "rb") as fh:
        return sniff_bytes(fh.read(SNIFF_BYTES))


def _implausibility(text: str) -> int:
    """Score a decoding: rare characters, private-use code points, replacement characters."""
    _, suspect = count_suspects(text)
    return suspect + len(PRIVATE_USE_RE.findall(text)) + 2 * text.count("\ufffd")


def _best_legacy(raw: bytes) -> str:
    """Pick the Chinese legacy codec that decodes ``raw`` most plausibly."""
    scores = [(_implausibility(raw.decode(c, errors="replace")), c) for c in LEGACY_CODECS]
    return min(scores)[1]


def decode_line(raw: bytes, preferred: str) -> tuple[str, str | None, int]:
    """Decode one line: UTF-8, else the most plausible Chinese legacy codec.

    Args:
        raw: the line's bytes without terminator.
        preferred: the file's codec from :func:`sniff_bytes`, tried first among legacy ones.

    Returns:
        ``(text, codec, replaced)``: codec None for pure ASCII; ``replaced`` counts U+FFFD
        inserted when no codec decodes the line strictly (truncated multi-byte sequence).

    Example:
        >>> decode_line("中国汽车".encode("utf-8")[:-1], "utf-8")
        ('中国汽\\ufffd', 'utf-8', 1)
    """
    if raw.isascii():
        return raw.decode("ascii"), None, 0
    try:
        return raw.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError:
        pass
    order = [c for c in dict.fromkeys((preferred, *LEGACY_CODECS)) if c in LEGACY_CODECS]
    candidates = []
    for rank, codec in enumerate(order):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _implausibility(text)
        if score <= PLAUSIBLE_SUSPECT_SHARE * len(text):
            return text, codec, 0
        candidates.append((score, rank, text, codec, 0))
    loose = raw.decode("utf-8", errors="replace")
    candidates.append((_implausibility(loose), len(order), loose, "utf-8", loose.count("\ufffd")))
    _, _, text, codec, replaced = min(candidates)
    return text, codec, replaced


def _drain_overlong(fh: io.BufferedReader, first: bytes, codec: str) -> tuple[str, int]:
    """Consume the rest of an over-long line; return a preview and its character count."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    preview = decoder.decode(first)
    chars = len(preview)
    chunk = first
    while not chunk.endswith(b"\n"):
        chunk = fh.readline(MAX_LINE_BYTES)
        if not chunk:
            break
        chars += len(decoder.decode(chunk.rstrip(b"\r\n")))
    chars += len(decoder.decode(b"", final=True))
    return preview[:PREVIEW_CHARS], chars


def _iter_byte_lines(path: Path, sniff: FileSniff, max_line_bytes: int) -> Iterator[RawLine]:
    """Stream lines of a byte-oriented codec (UTF-8, GB18030, Big5): ``\\n`` is never a
    trail byte in them, so splitting bytes on it is safe."""
    codec = "utf-8" if sniff.codec == "utf-8-sig" else sniff.codec
    with open(path, "rb") as fh:
        if sniff.codec == "utf-8-sig":
            fh.read(len(codecs.BOM_UTF8))
        for line_no in count(1):
            raw = fh.readline(max_line_bytes)
            if not raw:
                return
            if len(raw) >= max_line_bytes and not raw.endswith(b"\n"):
                preview, chars = _drain_overlong(fh, raw, codec)  # type: ignore[arg-type]
                yield RawLine(line_no, preview, codec, overflow_chars=chars)
                continue
            text, used, replaced = decode_line(raw.rstrip(b"\n").rstrip(b"\r"), codec)
            yield RawLine(line_no, text, used, replaced)


def _iter_utf16_lines(path: Path, sniff: FileSniff, max_line_chars: int) -> Iterator[RawLine]:
    """Stream lines of a UTF-16 file through a text wrapper (NUL bytes inside lines)."""
    with (
        open(path, "rb") as raw,
        io.TextIOWrapper(raw, encoding=sniff.codec, errors="replace", newline="") as fh,
    ):
        for line_no in count(1):
            text = fh.readline(max_line_chars)
            if not text:
                return
            if len(text) >= max_line_chars and not text.endswith("\n"):
                chars = len(text)
                while text and not text.endswith("\n"):
                    text = fh.readline(max_line_chars)
                    chars += len(text.rstrip("\r\n"))
                yield RawLine(line_no, "", sniff.codec, overflow_chars=chars)
                continue
            text = text.rstrip("\n").rstrip("\r").lstrip("\ufeff")
            yield RawLine(line_no, text, sniff.codec, text.count("\ufffd"))


def iter_lines(
    path: Path, sniff: FileSniff, *, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[RawLine]:
    """Stream the decoded lines of a text file, at most ``max_line_bytes`` held at a time.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "雙碼.txt"
        >>> _ = p.write_bytes("第一行\\n".encode("utf-8") + "第二行".encode("gb18030"))
        >>> [(r.text, r.codec) for r in iter_lines(p, sniff_file(p))]
        [('第一行', 'utf-8'), ('第二行', 'gb18030')]
    """
    if sniff.codec.startswith("utf-16"):
        yield from _iter_utf16_lines(path, sniff, max_line_bytes // 2)
    else:
        yield from _iter_byte_lines(path, sniff, max_line_bytes)


def read_text(path: Path, sniff: FileSniff) -> tuple[str, str, int]:
    """Read and decode a whole file (HTML, JSON); return text, codec and replacements.

    Raises:
        FileTooLarge: above :data:`MAX_WHOLE_FILE_BYTES` (convert JSON to JSON Lines).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "頁.html"
        >>> _ = p.write_bytes("<p>汽車</p>".encode("big5"))
        >>> read_text(p, sniff_file(p))[:2]
        ('<p>汽車</p>', 'big5hkscs')
    """
    size = path.stat().st_size
    if size > MAX_WHOLE_FILE_BYTES:
        raise FileTooLarge(
            f"{size} bytes is above the {MAX_WHOLE_FILE_BYTES}-byte cap for whole-file formats"
            " (split it, or export JSON Lines, which is streamed)"
        )
    raw = path.read_bytes()
    if sniff.codec.startswith("utf-16") or sniff.codec == "utf-8-sig":
        text = raw.decode(sniff.codec, errors="replace")
        return text.lstrip("\ufeff"), sniff.codec, text.count("\ufffd")
    text, codec, replaced = decode_line(raw, sniff.codec)
    return text, codec or "utf-8", replaced
