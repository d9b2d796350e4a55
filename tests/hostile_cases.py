"""Hostile raw inputs, generated (issue 12): the cases of tests/test_hostile_inputs.py.

A support module (not collected): the per-file parse tests and the whole-suite test of
tests/test_any_folder.py build their hostile folders from the same cases.
"""

from __future__ import annotations

import builtins
import codecs
import contextlib
import errno
import json
import os
import random
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.parse import rawfiles

SENTENCE = "示例車企十月出口汽車12.5萬輛，同比增長35%，其中新能源車佔比近四成，歐洲市場貢獻最大。"
OUTLET = "示例報"
GOOD_NAME = "good_article.txt"
GOOD_TITLE = "示例車企海外交付再創新高"
GOOD_BODY = "示例車企公布的數據顯示，" + SENTENCE * 3
HANG_SECONDS = 120  # a FIFO opened for reading blocks forever: fail instead of hanging
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- generated content --------------------------------------------------------------------------


def title_of(n: int) -> str:
    return f"示例出口快訊第{n}則"


def body_of(n: int) -> str:
    return f"第{n}則：" + SENTENCE * 3


def dump(*numbers: int, newline: str = "\n") -> str:
    """A plain-text dump of titled articles, each closed by the outlet in parentheses."""
    return "".join(f"{title_of(n)}{newline}{body_of(n)} ({OUTLET}){newline}" for n in numbers)


def page(title: str, body: str, *, charset: str | None = None, head: str = "") -> str:
    """A saved news page: navigation, the article, a footer."""
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title>{head}</head><body>"
        '<nav><a href="/">首頁</a> <a href="/auto">汽車</a></nav>'
        f"<article><h1>{title}</h1><p>{body}</p><p>{SENTENCE}</p></article>"
        "<footer>版權所有 2025 示例網</footer></body></html>"
    )


def record(n: int, **extra: object) -> dict[str, object]:
    return {"title": title_of(n), "body": body_of(n), "source": OUTLET, **extra}


def nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def random_bytes(n: int, seed: int = 12) -> bytes:
    return random.Random(seed).randbytes(n)


# --- cases --------------------------------------------------------------------------------------

Writer = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One hostile input: what it writes, and what the report must say about ``name``."""

    id: str
    name: str  # the entry's path relative to the raw folder
    write: Writer
    status: str  # parsed / partial / quarantined / skipped
    reasons: frozenset[str] = frozenset()  # reason codes the report row must list
    articles: tuple[tuple[str | None, str], ...] = ()  # (title, body) the file must yield
    n_articles: int | None = None
    removed: tuple[str, ...] = ()  # cleaning rules that must have removed characters
    denied: bool = False  # every open() of the file raises PermissionError
    skip_reason: str = ""  # why this case cannot run here


def text(name: str, content: str, encoding: str = "utf-8") -> Writer:
    return lambda d: _write(d / name, content.encode(encoding))


def raw(name: str, data: bytes) -> Writer:
    return lambda d: _write(d / name, data)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def both(*writers: Writer) -> Writer:
    def write(d: Path) -> None:
        for w in writers:
            w(d)

    return write


def symlink(name: str, target: str) -> Writer:
    return lambda d: (d / name).symlink_to(target)


def fifo(name: str) -> Writer:
    return lambda d: os.mkfifo(d / name)


def chmod_000(name: str) -> Writer:
    def write(d: Path) -> None:
        _write(d / name, dump(1).encode())
        (d / name).chmod(0)

    return write


def outside_link(name: str) -> Writer:
    """A link to an article kept outside the raw folder."""

    def write(d: Path) -> None:
        target = d.parent / f"outside-{d.name}" / "article.txt"
        _write(target, dump(7).encode())
        (d / name).symlink_to(target)

    return write


def ten_mb_line(name: str, suffix: str = "") -> Writer:
    line = ("示例車企出口持續增長，海外市場擴張。" * 200_000).encode()[: 10 * 2**20]
    line = line[: len(line) - len(line) % 3]  # whole UTF-8 characters
    return raw(name, line + suffix.encode())


def huge_json(name: str) -> Writer:
    """A JSON feed just above the whole-file cap (JSON is parsed whole, JSON Lines streamed)."""
    item = json.dumps(record(1), ensure_ascii=False).encode() + b","
    count = rawfiles.MAX_WHOLE_FILE_BYTES // len(item) + 1
    return raw(name, b"[" + item * count + json.dumps(record(2)).encode() + b"]")


def tiny_articles(count: int) -> str:
    return "".join(f"快訊{n}號\n短訊正文第{n}條，出口增長。 ({OUTLET})\n" for n in range(count))


def unclosed_quote_csv() -> str:
    return f'title,body\n甲,{body_of(1)}\n乙,"{body_of(2)}\n丙,{body_of(3)}\n'


def huge_field_csv() -> str:
    return f'title,body\n甲,{body_of(1)}\n乙,"' + "很長的欄位內容" * 30_000 + "\n"


def deep_divs(depth: int) -> str:
    inner = f"<p>{GOOD_BODY}</p>"
    return f"<html><body>{'<div>' * depth}{inner}{'</div>' * depth}</body></html>"


ZW = "\u200b"  # zero-width space
RLO, PDF_, RLM, LRI, PDI = "\u202e", "\u202c", "\u200f", "\u2066", "\u2069"
INVISIBLE_TITLE = f"示例{ZW}出口{RLM}快訊第1則"
INVISIBLE_BODY = f"{RLO}第1則：{PDF_}" + SENTENCE.replace("12.5", f"12.{ZW}5") + f"{LRI}{PDI}"
INVISIBLE_DUMP = f"\ufeff{INVISIBLE_TITLE}\n{INVISIBLE_BODY}{SENTENCE * 2} ({OUTLET})\n"

NUL_DUMP = dump(1).replace("12.5", "12\x00.5").replace("新能源", "新\x00能源")
JSON_TYPES = [
    record(1),
    {"title": 2025, "body": body_of(2)},
    {"title": ["主標題", "副標題"], "content": [body_of(3), "第二段。"]},
    {"title": "空正文", "body": None},
    {"title": None, "body": 12345},
    {"title": "字典正文", "body": {"name": body_of(5)}},
    {"title": "欄位型別錯", "body": body_of(6), "date": [1, 2], "source": {"x": 1}, "url": 3.5},
    42,
    None,
    "一段字串",
    [1, 2],
]
XML_DECLARATION = '<?xml version="1.0" encoding="gb2312"?>'
INVALID_UTF8 = b"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"

A1 = ((title_of(1), body_of(1)),)
PAGE_ARTICLE = ((GOOD_TITLE, body_of(1) + "\n" + SENTENCE),)  # page(): the article's paragraphs
A12 = ((title_of(1), body_of(1)), (title_of(2), body_of(2)))
SKIPPED, QUARANTINED, PARSED, PARTIAL = "skipped", "quarantined", "parsed", "partial"


def why(*codes: str) -> frozenset[str]:
    """The reason codes a case's report row must list."""
    return frozenset(codes)


# fmt: off
CASES = [
    # empty and blank
    Case("empty-txt", "empty.txt", raw("empty.txt", b""), QUARANTINED, why("empty_file")),
    Case("empty-json", "empty.json", raw("empty.json", b""), QUARANTINED, why("empty_file")),
    Case("empty-html", "empty.html", raw("empty.html", b""), QUARANTINED, why("empty_file")),
    Case("whitespace-only-txt", "blank.txt", text("blank.txt", " \n\t\r\n\u3000\n\n"),
         QUARANTINED, why("no_article")),
    Case("whitespace-only-html", "blank.html", text("blank.html", "  \n\n "), QUARANTINED,
         why("html_without_article")),
    Case("bom-only-txt", "bom.txt", raw("bom.txt", codecs.BOM_UTF8), QUARANTINED,
         why("no_article")),
    Case("single-short-line", "short.txt", text("short.txt", "快訊"), QUARANTINED,
         why("fragment_too_short")),
    # binary content under text names
    Case("png-named-txt", "photo.txt", raw("photo.txt", b"\x89PNG\r\n\x1a\n" + random_bytes(4096)),
         QUARANTINED, why("binary_file")),
    Case("zip-named-html", "archive.html", raw("archive.html", b"PK\x03\x04" + random_bytes(4096)),
         QUARANTINED, why("binary_file")),
    Case("pdf-named-json", "report.json", raw("report.json", b"%PDF-1.7\n" + random_bytes(4096)),
         QUARANTINED, why("binary_file")),
    Case("gzip-named-jsonl", "feed.gz.jsonl",
         raw("feed.gz.jsonl", b"\x1f\x8b\x08\x00" + random_bytes(4096)), QUARANTINED,
         why("binary_file")),
    Case("jpeg-named-csv", "table.csv", raw("table.csv", b"\xff\xd8\xff\xe0" + random_bytes(4096)),
         QUARANTINED, why("binary_file")),
    Case("elf-without-extension", "a.out", raw("a.out", b"\x7fELF" + random_bytes(4096)),
         QUARANTINED, why("binary_file")),
    Case("random-bytes-txt", "noise.txt", raw("noise.txt", random_bytes(65536)), QUARANTINED,
         why("binary_file")),
    Case("nul-only-txt", "zeros.txt", raw("zeros.txt", bytes(8192)), QUARANTINED,
         why("binary_file")),
    # encodings
    Case("invalid-utf8-halfway-txt", "half_broken.txt",
         raw("half_broken.txt", dump(1).encode() + (INVALID_UTF8 + b"\n") * 3 + dump(2).encode()),
         PARTIAL, why("undecodable_line"), A12),
    Case("invalid-utf8-inside-json", "broken_bytes.json",
         raw("broken_bytes.json",
             json.dumps([record(1), record(2)], ensure_ascii=False).encode()
             .replace(body_of(2)[:3].encode(), body_of(2)[:3].encode() + INVALID_UTF8)),
         PARSED, articles=A1, n_articles=2),
    Case("utf16-le-bom", "u16le.txt", text("u16le.txt", dump(1, 2), "utf-16"), PARSED,
         articles=A12),
    Case("utf16-be-bom", "u16be.txt",
         raw("u16be.txt", codecs.BOM_UTF16_BE + dump(1, 2).encode("utf-16-be")), PARSED,
         articles=A12),
    Case("utf16-le-no-bom", "u16le_nobom.txt", text("u16le_nobom.txt", dump(1, 2), "utf-16-le"),
         PARSED, articles=A12),
    Case("utf16-be-no-bom", "u16be_nobom.txt", text("u16be_nobom.txt", dump(1, 2), "utf-16-be"),
         PARSED, articles=A12),
    Case("utf16-json-bom", "u16.json",
         text("u16.json", json.dumps([record(1)], ensure_ascii=False), "utf-16"), PARSED,
         articles=A1),
    Case("gb18030-html-declares-utf8", "mislabelled_gb.html",
         text("mislabelled_gb.html", page(GOOD_TITLE, body_of(1), charset="utf-8"), "gb18030"),
         PARSED, articles=PAGE_ARTICLE),
    Case("big5-html-declares-gb2312", "mislabelled_big5.html",
         text("mislabelled_big5.html", page(GOOD_TITLE, body_of(1), charset="gb2312"), "big5"),
         PARSED, articles=PAGE_ARTICLE),
    Case("utf8-html-declares-gbk", "mislabelled_utf8.html",
         text("mislabelled_utf8.html", page(GOOD_TITLE, body_of(1), charset="gbk")), PARSED,
         articles=PAGE_ARTICLE),
    Case("xhtml-declares-encoding", "xhtml.html",
         text("xhtml.html", XML_DECLARATION + page(GOOD_TITLE, body_of(1)), "gb18030"), PARSED,
         articles=PAGE_ARTICLE),
    # NUL and other invisible characters
    Case("nul-bytes-inside-text", "nul_inside.txt", text("nul_inside.txt", NUL_DUMP), PARSED,
         articles=A1, removed=("invisible_chars",)),
    Case("nul-padding-after-text", "nul_padded.txt",
         raw("nul_padded.txt", dump(1).encode() + bytes(8192)), PARSED, articles=A1,
         removed=("invisible_chars",)),
    Case("nul-bytes-in-html", "nul_page.html",
         text("nul_page.html", page(GOOD_TITLE, body_of(1)).replace("<nav>", "<nav>\x00\x00")),
         PARSED, articles=PAGE_ARTICLE, removed=("invisible_chars",)),
    Case("rtl-and-zero-width", "invisible.txt", text("invisible.txt", INVISIBLE_DUMP), PARSED,
         articles=((title_of(1), body_of(1)),), removed=("invisible_chars",)),
    Case("cr-only-newlines", "old_mac.txt", text("old_mac.txt", dump(1, 2, newline="\r")),
         PARSED, articles=A12),
    Case("cr-crlf-lf-mixed", "mixed_newlines.txt",
         text("mixed_newlines.txt", dump(1, newline="\r") + dump(2, newline="\r\n") + dump(3)),
         PARSED, n_articles=3),
    # sizes
    Case("ten-mb-single-line-txt", "one_line.txt", ten_mb_line("one_line.txt"), QUARANTINED,
         why("line_too_long")),
    Case("ten-mb-single-line-jsonl", "one_line.jsonl",
         both(ten_mb_line("one_line.jsonl", "\n" + json.dumps(record(1), ensure_ascii=False))),
         PARTIAL, why("line_too_long"), A1),
    Case("two-mb-word-txt", "word.txt",
         text("word.txt", "QUJD" * 500_000 + "\n" + dump(1)), PARTIAL, why("no_body"), A1,
         removed=("long_token",)),
    Case("two-mb-word-in-json-body", "word.json",
         text("word.json",
              json.dumps([{"title": title_of(1), "body": body_of(1) + "QUJD" * 500_000}])),
         PARSED, articles=A1, removed=("long_token",)),
    Case("three-thousand-tiny-articles", "flood.txt", text("flood.txt", tiny_articles(3000)),
         PARSED, n_articles=3000),
    Case("json-above-whole-file-cap", "huge.json", huge_json("huge.json"), QUARANTINED,
         why("file_too_large")),
    # HTML
    Case("deep-html-nesting", "deep.html", text("deep.html", deep_divs(5000)), QUARANTINED,
         why("nesting_too_deep")),
    Case("script-style-only-html", "scripts.html",
         text("scripts.html", "<html><head><style>body{color:red}</style><script>var a=1;"
              "</script></head><body><script>alert('示例')</script></body></html>"),
         QUARANTINED, why("html_without_article")),
    Case("broken-html", "broken.html",
         text("broken.html", f"<html><head><title>{GOOD_TITLE}</title><body><div><p>{body_of(1)}"
              f"<p>{SENTENCE}</span></i></div></div></td><div><p class=\"trunc"),
         PARSED, articles=PAGE_ARTICLE),
    # JSON
    Case("json-top-level-string", "string.json", text("string.json", '"只是一段文字"'),
         QUARANTINED, why("unknown_layout")),
    Case("json-top-level-number", "number.json", text("number.json", "42"), QUARANTINED,
         why("unknown_layout")),
    Case("json-null", "null.json", text("null.json", "null"), QUARANTINED, why("unknown_layout")),
    Case("json-object-without-records", "meta.json",
         text("meta.json", '{"meta": {"count": 3, "ok": true}}'), QUARANTINED,
         why("unknown_layout")),
    Case("json-list-of-numbers", "numbers.json", text("numbers.json", "[1, 2, 3]"), QUARANTINED,
         why("unknown_layout")),
    Case("json-truncated", "truncated.json",
         text("truncated.json", json.dumps([record(1), record(2)], ensure_ascii=False)[:-40]),
         QUARANTINED, why("invalid_json")),
    Case("json-wrong-types", "types.json", text("types.json", json.dumps(JSON_TYPES)), PARTIAL,
         why("unknown_layout", "no_body", "fragment_too_short"), A1, n_articles=5),
    Case("json-deeply-nested", "deep.json", text("deep.json", nested_list(100_000)), QUARANTINED,
         why("nesting_too_deep")),
    Case("json-record-nested-deep", "deep_record.json",
         text("deep_record.json",
              f'[{json.dumps(record(1))}, {{"title": "深", "body": {nested_list(600)}}}]'),
         PARTIAL, why("nesting_too_deep"), A1, n_articles=1),
    Case("json-raw-control-chars-in-strings", "tabs.json",
         text("tabs.json", json.dumps([record(1)], ensure_ascii=False).replace("：", "：\t")),
         PARSED, n_articles=1),
    Case("jsonl-bad-lines", "mixed.jsonl",
         raw("mixed.jsonl", b"\n".join([
             json.dumps(record(1), ensure_ascii=False).encode(), b'{"title": "\xe6\x88\xaa',
             b"[1, 2]", b"null", nested_list(50_000).encode(), INVALID_UTF8 * 4, b"",
             json.dumps(record(2), ensure_ascii=False).encode()])),
         PARTIAL, why("invalid_json", "unknown_layout", "nesting_too_deep", "undecodable_line"),
         A12, n_articles=2),
    # CSV
    Case("csv-unknown-columns", "scores.csv", text("scores.csv", "編號,分數\n1,2\n3,4\n"),
         QUARANTINED, why("unknown_layout")),
    Case("csv-unclosed-quote", "quotes.csv", text("quotes.csv", unclosed_quote_csv()), PARTIAL,
         why("invalid_csv"), (("甲", body_of(1)),), n_articles=1),
    Case("csv-field-over-size-limit", "huge_field.csv", text("huge_field.csv", huge_field_csv()),
         PARTIAL, why("invalid_csv"), (("甲", body_of(1)),), n_articles=1),
    Case("csv-ragged-rows", "ragged.csv",
         text("ragged.csv", f"title,body,extra\n甲,{body_of(1)}\n乙,{body_of(2)},x,y,z\n"),
         PARSED, articles=(("甲", body_of(1)), ("乙", body_of(2)))),
    # names, folders, documentation
    Case("readme-txt", "README.txt", text("README.txt", "本資料夾的說明。\n" + dump(1)), SKIPPED,
         why("documentation")),
    Case("sources-without-extension", "SOURCES", text("SOURCES", "來源：示例網\n"), SKIPPED,
         why("documentation")),
    Case("readme-rst", "readme.rst", text("readme.rst", "說明\n====\n"), SKIPPED,
         why("documentation")),
    Case("dump-without-extension", "news_dump", text("news_dump", dump(1, 2)), PARSED,
         articles=A12),
    Case("page-without-extension", "saved_page", text("saved_page", page(GOOD_TITLE, body_of(1))),
         PARSED, articles=PAGE_ARTICLE),
    Case("nested-sub-folders", "2025/11/06/dump.txt", text("2025/11/06/dump.txt", dump(1)),
         PARSED, articles=A1),
    Case("dot-folder", ".cache/old.txt", text(".cache/old.txt", dump(1)), SKIPPED, why("dotfile")),
    Case("name-with-spaces-and-unicode", "新 聞 (一) 🚗 dump.txt",
         text("新 聞 (一) 🚗 dump.txt", dump(1)), PARSED, articles=A1),
    Case("name-with-newline", "line\nbreak.txt", text("line\nbreak.txt", dump(1)), PARSED,
         articles=A1),
    Case("name-with-line-separator", "para\u2028sep\ttab.txt",
         text("para\u2028sep\ttab.txt", dump(1)), PARSED, articles=A1),
    # links, pipes, permissions
    Case("symlink-loop", "loop_a.txt",
         both(symlink("loop_a.txt", "loop_b.txt"), symlink("loop_b.txt", "loop_a.txt")),
         SKIPPED, why("symlink_loop")),
    Case("symlink-to-itself", "self.txt", symlink("self.txt", "self.txt"), SKIPPED,
         why("symlink_loop")),
    Case("dangling-symlink", "dangling.txt", symlink("dangling.txt", "no_such_file.txt"), SKIPPED,
         why("dangling_symlink")),
    Case("symlink-to-parent-folder", "loop_dir/up",
         both(text("loop_dir/in_loop.txt", dump(3)), symlink("loop_dir/up", "..")), SKIPPED,
         why("symlinked_folder")),
    Case("symlink-to-file-outside", "outside.txt", outside_link("outside.txt"), PARSED,
         articles=((title_of(7), body_of(7)),)),
    Case("fifo-named-txt", "pipe.txt", fifo("pipe.txt"), SKIPPED, why("not_regular_file")),
    Case("unreadable-permission-error", "locked.txt", text("locked.txt", dump(1)), QUARANTINED,
         why("unreadable"), denied=True),
    Case("unreadable-chmod-000", "chmod000.txt", chmod_000("chmod000.txt"), QUARANTINED,
         why("unreadable"), skip_reason="root reads a chmod 000 file" if IS_ROOT else ""),
]
# fmt: on
RUNNABLE = [c for c in CASES if not c.skip_reason]


# --- running ------------------------------------------------------------------------------------


@contextlib.contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail (not hang) when the parse blocks, e.g. on opening a FIFO."""

    def timeout(*_args: object) -> None:
        raise TimeoutError(f"parse_raw_dir blocked for {seconds} s")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def denied(paths: set[str]) -> Iterator[None]:
    """Make every open of ``paths`` raise PermissionError, as chmod 000 does (we run as root)."""
    real_open, real_os_open = builtins.open, os.open

    def check(file: object) -> None:
        if isinstance(file, str | os.PathLike) and os.path.abspath(file) in paths:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(file))

    def fake_open(file, *args, **kwargs):
        check(file)
        return real_open(file, *args, **kwargs)

    def fake_os_open(path, *args, **kwargs):
        check(path)
        return real_os_open(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builtins, "open", fake_open)
        mp.setattr(os, "open", fake_os_open)
        yield


def write_good(folder: Path) -> None:
    text(GOOD_NAME, f"{GOOD_TITLE}\n{GOOD_BODY} ({OUTLET})\n")(folder)


def listed_entries(folder: Path) -> set[str]:
    """Every entry a user sees in the folder: files, links, pipes (folders only as links)."""
    found = set()
    for root, dirs, names in os.walk(folder):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            found.add(Path(root, name).relative_to(folder).as_posix())
    return found


def write_all(folder: Path) -> list[Case]:
    """Every runnable case plus the good article into ``folder``; return the cases."""
    for case in RUNNABLE:
        case.write(folder)
    write_good(folder)
    return RUNNABLE


def denied_paths(folder: Path, cases: list[Case]) -> set[str]:
    """The files of ``cases`` that must read as permission denied."""
    return {os.path.abspath(folder / c.name) for c in cases if c.denied}
