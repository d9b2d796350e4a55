"""Reading raw input files: listing, sniffing, encoding detection and streamed decoding.

The only module of stage 01 that opens files, and only regular ones: FIFOs, devices, link
loops and dangling links are listed as skipped, never opened (:func:`list_raw_files`). Text
is streamed line by line (LF, CR LF or CR alone end a line) with a byte cap per line, so a
50 MB single-line file costs a few MB of memory, not 50 (its text is counted and previewed,
not kept). Each line is decoded on its own: UTF-8 first, then GB18030 or
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
import errno
import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import charset_normalizer

from helpers.parse.quality import PRIVATE_USE_RE, count_suspects

# Documentation beside the data: by suffix (SOURCES.md), or by name whatever the suffix
# (README, README.txt, LICENSE). NOTE: a news dump is never called README; reading one as
# news would put the folder's own notes into the articles table.
SKIP_SUFFIXES = frozenset({".md", ".markdown", ".rst"})
DOC_STEMS = frozenset({"readme", "sources", "license", "licence", "changelog", "notice", "authors"})
SNIFF_BYTES = 256 * 1024
MAX_LINE_BYTES = 2 * 1024 * 1024  # 002's longest line is 51 KB; longer is not an article line
MAX_WHOLE_FILE_BYTES = 32 * 1024 * 1024  # HTML and JSON are parsed whole; cap their size
PREVIEW_CHARS = 200
READ_BLOCK_BYTES = 1024 * 1024
# NOTE: a NUL or another control byte now and then (padding, a record separator) does not
# make a text file binary; they are removed as invisible characters by the parse stage.
# Random or compressed bytes without a known signature have ~10.5 % control bytes.
CONTROL_SHARE_BINARY = 0.05
UTF16_MIN_HAN_SHARE = 0.3  # a BOM-less UTF-16 sample must read as Chinese text
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


class NotRegularFile(OSError):
    """The path is no longer a regular file when opened (replaced by a FIFO or device)."""


LINE_END_RE = re.compile(rb"\r\n|\r|\n")
CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def open_raw(path: Path) -> io.BufferedReader:
    """Open a raw file for reading bytes; never blocks, refuses anything but a regular file.

    NOTE: O_NONBLOCK makes opening a FIFO return at once (a plain open waits for a writer
    forever); the listing skips FIFOs already, this guards against one swapped in since.

    Raises:
        NotRegularFile: the path is a FIFO, socket or device.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _walk_entries(raw_dir: Path) -> Iterator[tuple[Path, str | None]]:
    """Yield every entry below ``raw_dir`` that is not a real folder, with a walk error or None.

    NOTE: symbolic links to folders are listed, not entered (``followlinks=False``): a link
    to a parent folder would loop, and one to a sibling would read its files twice. A
    folder that cannot be listed is yielded with the reason instead of vanishing.
    """
    unlisted: list[Path] = []
    for root, dirs, names in os.walk(raw_dir, onerror=lambda e: unlisted.append(Path(e.filename))):
        for name in dirs:
            if os.path.islink(os.path.join(root, name)):
                yield Path(root, name), "symlinked_folder"
        for name in names:
            yield Path(root, name), None
    yield from ((path, "unreadable") for path in unlisted if path != raw_dir)


def skip_reason(path: Path, rel: Path) -> str | None:
    """Return why ``path`` is not parsed (a code of :data:`helpers.parse.folder.REASONS`), or None.

    Example:
        >>> skip_reason(Path("/raw/讀我/README.txt"), Path("讀我/README.txt"))
        'documentation'
    """
    if any(part.startswith(".") for part in rel.parts):
        return "dotfile"
    if path.suffix.lower() in SKIP_SUFFIXES or path.stem.lower() in DOC_STEMS:
        return "documentation"  # by name: never opened
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "dangling_symlink" if path.is_symlink() else None
    except OSError as exc:
        # NOTE: any other error (permission on a parent) surfaces when the file is opened,
        # and the file is quarantined as unreadable with it.
        return "symlink_loop" if exc.errno == errno.ELOOP else None
    if not stat.S_ISREG(mode):
        return "not_regular_file"  # a FIFO or device could block the run: never opened
    return None


def list_raw_files(raw_dir: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """List the regular files to parse (sorted) and every other entry with why it is skipped.

    Skipped, never silently: dotfiles and dot-folders, documentation (``*.md``, README,
    SOURCES), FIFOs and devices, symbolic-link loops, dangling links and links to folders.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> for name in ("新闻.txt", "SOURCES.md", ".hidden"):
        ...     _ = (d / name).write_text("内容", encoding="utf-8")
        >>> (d / "失效.txt").symlink_to(d / "不存在.txt")
        >>> files, skipped = list_raw_files(d)
        >>> [f.name for f in files]
        ['新闻.txt']
        >>> [(p.name, r) for p, r in skipped]
        [('.hidden', 'dotfile'), ('SOURCES.md', 'documentation'), ('失效.txt', 'dangling_symlink')]
    """
    files, skipped = [], []
    for path, walk_reason in sorted(_walk_entries(Path(raw_dir))):
        reason = walk_reason or skip_reason(path, path.relative_to(raw_dir))
        if reason:
            skipped.append((path, reason))
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


def _utf16_han(head: bytes) -> str | None:
    """Return utf-16-le/be when ``head`` decodes strictly to plausible Chinese text, else None.

    NOTE: Chinese text in UTF-16 has few NUL bytes (一 is 00 4E, 汽 is 7D 6C), so the
    every-other-byte test misses it. Read the wrong way, or as GBK/Big5 bytes, the code
    units land on rare or non-Han code points; the common-character test tells them apart.

    Example:
        >>> _utf16_han("比亞迪十一月出口再創新高，歐洲市場貢獻最大".encode("utf-16-le"))
        'utf-16-le'
        >>> _utf16_han("比亞迪十一月出口再創新高，歐洲市場貢獻最大".encode("big5")) is None
        True
    """
    even = head[: len(head) // 2 * 2]
    for codec in ("utf-16-le", "utf-16-be"):
        for cut in (0, 2):  # the sample may end inside a surrogate pair
            try:
                text = even[: len(even) - cut].decode(codec)
            except UnicodeDecodeError:
                continue
            scored, suspect = count_suspects(text)
            visible = len(text) - sum(ch.isspace() for ch in text)
            if (
                scored >= max(4, UTF16_MIN_HAN_SHARE * visible)
                and suspect <= PLAUSIBLE_SUSPECT_SHARE * scored
                and not CONTROL_CHARS_RE.search(text)
            ):
                return codec
            break
    return None


def _is_binary(head: bytes) -> str:
    """Return why ``head`` looks binary, or an empty string.

    Example:
        >>> _is_binary("正文".encode() + bytes(4096)), _is_binary(bytes(4096))
        ('', 'binary file (only NUL bytes)')
    """
    if head.startswith(BINARY_MAGIC):
        return "binary file (known file signature)"
    # NOTE: trailing NUL padding (a preallocated or crash-truncated download) is not content.
    body = head.rstrip(b"\x00")
    if not body:
        return "binary file (only NUL bytes)"
    controls = sum(1 for b in body if b < 0x09 or 0x0E <= b < 0x20)
    if controls > CONTROL_SHARE_BINARY * len(body):
        nuls = body.count(0)
        return f"binary file ({'NUL' if 2 * nuls > controls else 'control'} bytes)"
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


# NOTE: complexity 11: one branch per encoding signal (BOM, NUL pattern, UTF-8, charset-normalizer
# guess).
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
    # NOTE: BOM-less Chinese UTF-16 is never valid UTF-8; checking that first spares the
    # plausibility test on every ordinary UTF-8 file.
    utf8 = _utf8_prefix_ok(head)
    utf16 = _utf16_without_bom(head) or (None if utf8 else _utf16_han(head))
    if utf16:
        return FileSniff("text", utf16, 0.9)
    reason = _is_binary(head)
    if reason:
        return FileSniff("binary", reason=reason)
    if utf8:
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


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """Return the first ``size`` bytes of a raw file (see :func:`open_raw`)."""
    with open_raw(path) as fh:
        return fh.read(size)


def sniff_file(path: Path) -> FileSniff:
    """Read the first :data:`SNIFF_BYTES` of ``path`` and classify it."""
    return sniff_bytes(read_head(path))


def _implausibility(text: str) -> int:
    """Score a decoding: rare characters, private-use code points, replacement characters."""
    _, suspect = count_suspects(text)
    return suspect + len(PRIVATE_USE_RE.findall(text)) + 2 * text.count("\ufffd")


def _best_legacy(raw: bytes) -> str:
    """Pick the Chinese legacy codec that decodes ``raw`` most plausibly."""
    scores = [(_implausibility(raw.decode(c, errors="replace")), c) for c in LEGACY_CODECS]
    return min(scores)[1]


def decode_line(raw: bytes, preferred: str) -> tuple[str, str | None, int]:
    r"""Decode one line: UTF-8, else the most plausible Chinese legacy codec.

    Args:
        raw: the line's bytes without terminator.
        preferred: the file's codec from :func:`sniff_bytes`, tried first among legacy ones.

    Returns:
        ``(text, codec, replaced)``: codec None for pure ASCII; ``replaced`` counts U+FFFD
        inserted when no codec decodes the line strictly (truncated multi-byte sequence).

    Example:
        >>> decode_line("中国汽车".encode("utf-8")[:-1], "utf-8")
        ('中国汽\ufffd', 'utf-8', 1)
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


# NOTE: complexity 11: a streaming line splitter: CR, LF, CRLF across block ends and over-long
# lines.
def split_byte_lines(
    fh: io.BufferedIOBase, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[tuple[bytes, bool]]:
    r"""Yield a stream's lines as ``(piece, ends_line)``; ``\r\n``, ``\r`` and ``\n`` end one.

    A line is one piece ending it; a line longer than ``max_line_bytes`` comes in several
    pieces, only the last with ``ends_line``, so it is never held whole.
    NOTE: old Mac exports end lines with CR alone; splitting on ``\n`` only made such a file
    one over-long line. CR and LF are never trail bytes in UTF-8, GB18030 or Big5.

    Example:
        >>> [p.decode() for p, _ in split_byte_lines(io.BytesIO("標題\r正文\r\n尾".encode()))]
        ['標題', '正文', '尾']
    """
    buf = bytearray()
    while True:
        block = fh.read(READ_BLOCK_BYTES)
        buf += block
        start = 0
        for m in LINE_END_RE.finditer(buf):
            if block and m.end() == len(buf) and buf.endswith(b"\r"):
                break  # a CR at the block's end may be the first half of CR LF
            line = bytes(buf[start : m.start()])
            if len(line) >= max_line_bytes:
                yield line, False  # whole in this block, but over the cap all the same
                line = b""
            yield line, True
            start = m.end()
        del buf[:start]
        if not block:
            if buf:
                yield bytes(buf), True
            return
        keep = 1 if buf.endswith(b"\r") else 0
        if len(buf) - keep >= max_line_bytes:
            yield bytes(buf[: len(buf) - keep]), False
            del buf[: len(buf) - keep]


def _drain_overlong(
    pieces: Iterator[tuple[bytes, bool]], first: bytes, codec: str
) -> tuple[str, int]:
    """Consume the rest of an over-long line; return a preview and its character count."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    preview = decoder.decode(first)
    chars = len(preview)
    for piece, ends_line in pieces:
        chars += len(decoder.decode(piece))
        if ends_line:
            break
    chars += len(decoder.decode(b"", final=True))
    return preview[:PREVIEW_CHARS], chars


def _iter_byte_lines(path: Path, sniff: FileSniff, max_line_bytes: int) -> Iterator[RawLine]:
    """Stream lines of a byte-oriented codec (UTF-8, GB18030, Big5)."""
    codec = "utf-8" if sniff.codec == "utf-8-sig" else sniff.codec
    with open_raw(path) as fh:
        if sniff.codec == "utf-8-sig":
            fh.read(len(codecs.BOM_UTF8))
        pieces = split_byte_lines(fh, max_line_bytes)
        for line_no, (raw, ends_line) in enumerate(pieces, start=1):
            if not ends_line:
                preview, chars = _drain_overlong(pieces, raw, codec)
                yield RawLine(line_no, preview, codec, overflow_chars=chars)
                continue
            text, used, replaced = decode_line(raw, codec)
            yield RawLine(line_no, text, used, replaced)


def _iter_utf16_lines(path: Path, sniff: FileSniff, max_line_chars: int) -> Iterator[RawLine]:
    """Stream lines of a UTF-16 file through a text wrapper (NUL bytes inside lines)."""
    with (
        open_raw(path) as raw,
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
    r"""Stream the decoded lines of a text file, at most ``max_line_bytes`` held at a time.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "雙碼.txt"
        >>> _ = p.write_bytes("第一行\n".encode("utf-8") + "第二行".encode("gb18030"))
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
    with open_raw(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > MAX_WHOLE_FILE_BYTES:
            raise FileTooLarge(
                f"{size} bytes is above the {MAX_WHOLE_FILE_BYTES}-byte cap for whole-file"
                " formats (split it, or export JSON Lines, which is streamed)"
            )
        raw = fh.read()
    if sniff.codec.startswith("utf-16") or sniff.codec == "utf-8-sig":
        text = raw.decode(sniff.codec, errors="replace")
        return text.lstrip("\ufeff"), sniff.codec, text.count("\ufffd")
    text, codec, replaced = decode_line(raw, sniff.codec)
    return text, codec or "utf-8", replaced
