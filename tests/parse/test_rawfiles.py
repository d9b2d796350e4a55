"""Raw-file reading of stage 01 (helpers.parse.rawfiles): listing, sniffing, decoding, streaming."""

from __future__ import annotations

import codecs
import io
import os
import tracemalloc
from pathlib import Path

import pytest

from helpers.parse import parse_raw_dir, rawfiles

TEXT_HANT = "示例車企宣佈第三季度海外交付量創新高，歐洲訂單已經排到明年。"
TEXT_HANS = "示例车企宣布第三季度海外交付量创新高，欧洲订单已经排到明年。"


@pytest.mark.parametrize(
    "data, kind, codec",
    [
        pytest.param(b"", "empty", "", id="empty"),
        pytest.param(TEXT_HANS.encode("utf-8"), "text", "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT_HANS.encode(), "text", "utf-8-sig", id="utf-8-bom"),
        pytest.param(TEXT_HANT.encode("utf-16"), "text", "utf-16", id="utf-16-bom"),
        pytest.param("Robotaxi fleet".encode("utf-16-le"), "text", "utf-16-le", id="utf-16-le"),
        pytest.param(TEXT_HANS.encode("gb18030"), "text", "gb18030", id="gb18030"),
        pytest.param(TEXT_HANS.encode("gbk"), "text", "gb18030", id="gbk-read-as-gb18030"),
        pytest.param(TEXT_HANT.encode("big5"), "text", "big5hkscs", id="big5"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary", "", id="png"),
        pytest.param(b"ab\x00\x01\x02\x03" * 50, "binary", "", id="nul-bytes"),
        pytest.param(TEXT_HANT.encode("utf-16-le"), "text", "utf-16-le", id="utf-16-le-chinese"),
        pytest.param(TEXT_HANS.encode("utf-16-be"), "text", "utf-16-be", id="utf-16-be-chinese"),
        pytest.param(TEXT_HANS.encode() + bytes(4096), "text", "utf-8", id="nul-padding"),
        pytest.param(
            TEXT_HANS.encode() + b"\x00" + TEXT_HANS.encode(), "text", "utf-8", id="a-nul"
        ),
        pytest.param(bytes(4096), "binary", "", id="only-nul"),
    ],
)
def test_sniff_bytes(data, kind, codec):
    sniff = rawfiles.sniff_bytes(data)
    assert (sniff.kind, sniff.codec) == (kind, codec)


@pytest.mark.parametrize(
    "raw, text, codec",
    [
        pytest.param(TEXT_HANS.encode(), TEXT_HANS, "utf-8", id="utf-8"),
        pytest.param(TEXT_HANS.encode("gb18030"), TEXT_HANS, "gb18030", id="gb18030"),
        pytest.param(TEXT_HANT.encode("big5"), TEXT_HANT, "big5hkscs", id="big5-in-gb-file"),
        pytest.param("香港的邨屋".encode("big5hkscs"), "香港的邨屋", "big5hkscs", id="hkscs-char"),
        pytest.param(b"plain ascii", "plain ascii", None, id="ascii"),
    ],
)
def test_decode_line_picks_plausible_codec(raw, text, codec):
    assert rawfiles.decode_line(raw, "gb18030")[:2] == (text, codec)


def test_truncated_multibyte_sequence_is_replaced_and_counted():
    raw = TEXT_HANS.encode()[:-2]  # the last character loses two of its three bytes
    text, codec, replaced = rawfiles.decode_line(raw, "utf-8")
    assert codec == "utf-8" and replaced == 1 and text.endswith("\ufffd")


def test_mixed_encodings_inside_one_file(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        TEXT_HANS.encode() + b"\n" + TEXT_HANS.encode("gb18030") + b"\n" + TEXT_HANT.encode("big5")
    )
    lines = list(rawfiles.iter_lines(path, rawfiles.sniff_file(path)))
    assert [(ln.text, ln.codec) for ln in lines] == [
        (TEXT_HANS, "utf-8"),
        (TEXT_HANS, "gb18030"),
        (TEXT_HANT, "big5hkscs"),
    ]


def test_utf16_lines_and_crlf(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(f"{TEXT_HANT}\r\n第二行\r\n".encode("utf-16"))
    lines = list(rawfiles.iter_lines(path, rawfiles.sniff_file(path)))
    assert [ln.text for ln in lines] == [TEXT_HANT, "第二行"]


def test_over_long_line_is_previewed_not_kept(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(("長" * 5000).encode() + b"\n" + TEXT_HANS.encode())
    lines = list(rawfiles.iter_lines(path, rawfiles.sniff_file(path), max_line_bytes=1024))
    assert lines[0].overflow_chars == 5000 and len(lines[0].text) <= rawfiles.PREVIEW_CHARS
    assert lines[1].text == TEXT_HANS


def test_list_raw_files_skips_documentation_and_dotfiles(tmp_path):
    for name in ("a.txt", "SOURCES.md", ".DS_Store", "sub/b.json", ".git/config"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("内容", encoding="utf-8")
    files, skipped = rawfiles.list_raw_files(tmp_path)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a.txt", "sub/b.json"]
    assert {p.name: r for p, r in skipped} == {
        ".DS_Store": "dotfile",
        "config": "dotfile",
        "SOURCES.md": "documentation",
    }


def test_read_text_refuses_huge_whole_file(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text("[" + '{"title": "甲", "body": "乙"},' * 100 + "{}]", encoding="utf-8")
    monkeypatch.setattr(rawfiles, "MAX_WHOLE_FILE_BYTES", 100)
    with pytest.raises(rawfiles.FileTooLarge, match="JSON Lines"):
        rawfiles.read_text(path, rawfiles.sniff_file(path))


def _write_single_line(path: Path, megabytes: int) -> None:
    """Write a ``megabytes`` MB file with no newline, in 1 MB chunks."""
    chunk = ("比亞迪出口" * 70_000).encode()[: 1 << 20]
    chunk = chunk[: len(chunk) - len(chunk) % 3]  # whole UTF-8 characters
    with open(path, "wb") as fh:
        written = 0
        while written < megabytes << 20:
            fh.write(chunk)
            written += len(chunk)


def test_fifty_megabyte_single_line_streams_in_bounded_memory(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _write_single_line(raw / "one_line.txt", 50)
    (raw / "ok.txt").write_text("標題一則\n" + "正文內容很長。" * 40 + " (示例報)\n", "utf-8")
    tracemalloc.start()
    try:
        result = parse_raw_dir(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # NOTE: the file's text is ~50 MB of UTF-8 (≈ 70 MB as a Python str); streaming keeps
    # the peak to a few line-cap-sized buffers.
    assert peak < 40 * 2**20, f"peak {peak / 2**20:.1f} MB"
    q = result.quarantine.set_index("source_file")
    assert q.loc["one_line.txt", "reason"] == "line_too_long"
    report = result.report.set_index("source_file")
    assert report.loc["one_line.txt", "chars_quarantined"] == report.loc["one_line.txt", "chars_in"]
    assert report.loc["one_line.txt", "chars_in"] > 16_000_000
    assert result.articles["source_file"].tolist() == ["ok.txt"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"a\rb\rc", id="cr"),
        pytest.param(b"a\r\nb\r\nc\r\n", id="crlf"),
        pytest.param(b"a\nb\r\nc\r", id="mixed"),
    ],
)
def test_split_byte_lines_ends_lines_on_cr_lf_and_crlf(data, monkeypatch):
    monkeypatch.setattr(rawfiles, "READ_BLOCK_BYTES", 2)  # a CR LF across two blocks
    pieces = list(rawfiles.split_byte_lines(io.BytesIO(data)))
    assert pieces == [(b"a", True), (b"b", True), (b"c", True)]


def test_split_byte_lines_cuts_an_over_long_line_into_pieces(monkeypatch):
    monkeypatch.setattr(rawfiles, "READ_BLOCK_BYTES", 4)
    pieces = list(rawfiles.split_byte_lines(io.BytesIO(b"x" * 20 + b"\ny"), max_line_bytes=8))
    assert b"".join(p for p, _ in pieces[:-1]) == b"x" * 20
    assert [end for _, end in pieces[:-1]].count(True) == 1 and pieces[-1] == (b"y", True)


def test_cr_only_dump_streams_as_lines(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes(f"{TEXT_HANS}\r第二行\r".encode("gb18030"))
    lines = list(rawfiles.iter_lines(path, rawfiles.sniff_file(path)))
    assert [ln.text for ln in lines] == [TEXT_HANS, "第二行"]


def test_fifo_and_broken_links_are_listed_as_skipped_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "gone.txt").symlink_to("missing.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "README").write_text("說明", encoding="utf-8")
    files, skipped = rawfiles.list_raw_files(tmp_path)
    assert files == []
    assert {p.relative_to(tmp_path).as_posix(): r for p, r in skipped} == {
        "pipe.txt": "not_regular_file",
        "loop.txt": "symlink_loop",
        "gone.txt": "dangling_symlink",
        "sub/up": "symlinked_folder",
        "README": "documentation",
    }


def test_unlistable_folder_is_reported_not_dropped(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "a.txt").write_text("內容", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, skipped = rawfiles.list_raw_files(tmp_path)
    assert [f.name for f in files] == ["a.txt"]
    assert [(p.name, r) for p, r in skipped] == [("locked", "unreadable")]


def test_open_raw_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(rawfiles.NotRegularFile):
        rawfiles.open_raw(tmp_path / "pipe.txt")
