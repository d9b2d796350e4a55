"""Checks on the bundled sample corpus (data/raw/sample) and its answer key.

The coverage tests scan the raw bytes and decoded text: they do not trust articles.csv or the
generator's layout to say which formats, encodings and noise kinds are present.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

PROJ_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJ_ROOT / "data" / "raw" / "sample"
TRUTH_DIR = PROJ_ROOT / "tests" / "fixtures" / "sample_truth"
BUILD_SCRIPT = PROJ_ROOT / "scripts" / "build_sample.py"
SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

MAX_SAMPLE_BYTES = 200_000
MIN_DISTINCT_ARTICLES = 40
BODY_CHARS = (100, 800)
NO_COPY_WINDOW = 20
# Each format, encoding and noise kind must appear in at least this many files.
MIN_FILES_PER_KIND = 2
TOPICS = {"ev_exports", "chip_share", "robotaxi_fleet"}
DUP_KINDS = {"exact", "cross_script", "near", "contained"}
FEED_KEYS = {"title", "url", "source", "date", "content"}
CSV_HEADER = ["title", "date", "source", "body"]

# Very common characters: a wrong double-byte guess turns them into other characters.
COMMON_CHARS = "的年月日在是和。，"
HAN = r"[\u4e00-\u9fff]"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_RE = re.compile(HAN + rf"\((?=[a-zü{TONED}]*[{TONED}1-5])[a-zü{TONED}]+[1-5]?\)")
GARBLE_RE = re.compile(r"[?\ue000-\uf8ff]{4,}")
CAPTION_RE = re.compile(r"[圖图][:：][^\n]{2,80}?[來来]源[:：]")
PADDED_RE = re.compile(r"\d[ \u3000]+[年月日萬万億亿%港]|[年月日][ \u3000]+\d")
OUTLET_TAIL_RE = re.compile(r"\s\([^()\s]{2,12}\)$")
SHARE_RE = re.compile(r"分享")
DISCLAIMER_RE = re.compile(r"免責聲明|免责声明|僅供參考|仅供参考|版權所有|版权所有")
BULLET_RE = re.compile(r"^[•◎·]\s?\S")


def sample_files() -> list[Path]:
    """Return the raw sample files (documentation such as SOURCES.md excluded)."""
    return sorted(p for p in SAMPLE_DIR.iterdir() if p.is_file() and p.suffix != ".md")


def sniff_encoding(data: bytes) -> str:
    """Name the encoding of ``data`` from its bytes alone (BOM, strict UTF-8, Big5 vs GB18030)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    scores = {}
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        scores[enc] = sum(text.count(c) for c in COMMON_CHARS)
    assert scores, "file decodes as neither UTF-8, GB18030 nor Big5"
    return max(scores, key=scores.get)


def read_text(path: Path) -> str:
    """Decode a sample file with its sniffed encoding."""
    data = path.read_bytes()
    return data.decode(sniff_encoding(data))


def squash(text: str) -> str:
    """Return NFKC text without whitespace (how evidence is compared)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def load_csv(name: str) -> list[dict[str, str]]:
    """Read one answer-key table."""
    with (TRUTH_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """Decoded text of every sample file, keyed by file name."""
    return {p.name: read_text(p) for p in sample_files()}


# ---------------------------------------------------------------- formats


def is_dump(name: str, text: str) -> bool:
    """Multi-article dump: `#tag` line, then short title / long body pairs ending in (outlet)."""
    lines = text.rstrip("\n").split("\n")
    if not (name.endswith(".txt") and re.fullmatch(r"#\S+", lines[0])):
        return False
    pairs = list(zip(lines[1::2], lines[2::2], strict=False))
    return len(pairs) >= 2 and all(
        len(t) <= 60 and "。" not in t and len(b) > 2 * len(t) and OUTLET_TAIL_RE.search(b)
        for t, b in pairs
    )


def is_webpage(name: str, text: str) -> bool:
    """Web-page text dump: nav, share buttons, disclaimer and 'related' bullets around text."""
    lines = text.split("\n")
    return (
        name.endswith(".txt")
        and bool(SHARE_RE.search(text))
        and bool(DISCLAIMER_RE.search(text))
        and sum(bool(BULLET_RE.match(x)) for x in lines) >= 2
        and any(len(x) > 40 and "。" in x for x in lines)
    )


def is_single(name: str, text: str) -> bool:
    """Single article without a title line: the first non-spam line is already body text."""
    if not name.endswith(".txt") or is_dump(name, text) or is_webpage(name, text):
        return False
    lines = [x for x in text.split("\n") if x.strip() and not is_seo_line(x)]
    return len(lines[0]) > 40 and "。" in lines[0] and bool(OUTLET_TAIL_RE.search(lines[-1]))


def is_html(name: str, text: str) -> bool:
    """HTML page with script, navigation and footer around the article."""
    low = text.lower()
    return name.endswith(".html") and all(
        tag in low for tag in ("<script", "<nav", "<footer", "<p>")
    )


def is_jsonl(name: str, text: str) -> bool:
    """JSON Lines feed whose records carry title, url, source, date and content."""
    if not name.endswith(".jsonl"):
        return False
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    return len(records) >= 2 and all(set(r) == FEED_KEYS for r in records)


def is_csv_export(name: str, text: str) -> bool:
    """CSV export with the header title,date,source,body."""
    if not name.endswith(".csv"):
        return False
    rows = list(csv.reader(text.lstrip("\ufeff").splitlines(keepends=True)))
    return rows[0] == CSV_HEADER and len(rows) >= 3


FORMAT_CHECKS = {
    "multi_article_dump": is_dump,
    "single_article": is_single,
    "webpage_dump": is_webpage,
    "html": is_html,
    "jsonl": is_jsonl,
    "csv": is_csv_export,
}


@pytest.mark.parametrize("kind", FORMAT_CHECKS)
def test_every_format_is_present(kind: str, texts: dict[str, str]) -> None:
    found = [name for name, text in texts.items() if FORMAT_CHECKS[kind](name, text)]
    assert len(found) >= MIN_FILES_PER_KIND, f"{kind}: only {found}"


def test_every_file_has_a_recognised_format(texts: dict[str, str]) -> None:
    unknown = [n for n, t in texts.items() if not any(f(n, t) for f in FORMAT_CHECKS.values())]
    assert not unknown


# ---------------------------------------------------------------- encodings


def test_every_encoding_is_present() -> None:
    found = Counter(sniff_encoding(p.read_bytes()) for p in sample_files())
    for enc in ("utf-8", "utf-8-sig", "gb18030", "big5"):
        assert found[enc] >= MIN_FILES_PER_KIND, f"{enc}: {found}"


def test_legacy_encoded_files_are_not_utf8() -> None:
    for path in sample_files():
        data = path.read_bytes()
        if sniff_encoding(data) in {"gb18030", "big5"}:
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")


# ---------------------------------------------------------------- noise


def is_seo_line(line: str) -> bool:
    """A line of at least five short `|`-separated keywords and no sentence."""
    parts = line.strip().split("|")
    return len(parts) >= 5 and "。" not in line and all(0 < len(p) <= 12 for p in parts)


def has_repeated_caption(text: str) -> bool:
    """The same image caption (圖:… 來源:) occurs two or more times."""
    return any(n >= 2 for n in Counter(CAPTION_RE.findall(text)).values())


def has_garble(text: str) -> bool:
    """A run of `?` and private-use characters left by a bad re-encoding."""
    return any("??" in m and re.search(r"[\ue000-\uf8ff]", m) for m in GARBLE_RE.findall(text))


NOISE_CHECKS = {
    "seo_spam_line": lambda t: any(is_seo_line(x) for x in t.split("\n")),
    "pinyin_after_han": lambda t: bool(PINYIN_RE.search(t)),
    "garbled_span": has_garble,
    "repeated_caption": has_repeated_caption,
    "padded_numbers": lambda t: len(PADDED_RE.findall(t)) >= 2,
}


@pytest.mark.parametrize("kind", NOISE_CHECKS)
def test_every_noise_kind_is_present(kind: str, texts: dict[str, str]) -> None:
    found = [name for name, text in texts.items() if NOISE_CHECKS[kind](text)]
    assert len(found) >= MIN_FILES_PER_KIND, f"{kind}: only {found}"


def test_script_mix(texts: dict[str, str]) -> None:
    # 車 only occurs in Traditional text, 车 only in Simplified: both scripts must be present.
    trad = [n for n, t in texts.items() if t.count("車") > t.count("车")]
    simp = [n for n, t in texts.items() if t.count("车") > t.count("車")]
    assert len(trad) >= MIN_FILES_PER_KIND and len(simp) >= MIN_FILES_PER_KIND


def test_sample_is_small() -> None:
    total = sum(p.stat().st_size for p in sample_files())
    assert total < MAX_SAMPLE_BYTES


# ---------------------------------------------------------------- answer key


def test_articles_table_is_consistent(texts: dict[str, str]) -> None:
    rows = load_csv("articles.csv")
    keys = [r["sample_key"] for r in rows]
    assert len(keys) == len(set(keys))
    canon = {r["sample_key"]: r for r in rows if r["dup_kind"] == "none"}
    assert len(canon) >= MIN_DISTINCT_ARTICLES
    assert {r["topic"] for r in canon.values()} == TOPICS | {"off_topic"}
    assert set(texts) == {r["source_file"] for r in rows}
    for r in rows:
        assert BODY_CHARS[0] <= int(r["body_chars"]) <= BODY_CHARS[1], r["sample_key"]
        assert r["canonical_key"] in canon
        if r["title"]:
            assert squash(r["title"]) in squash(texts[r["source_file"]]), r["sample_key"]
        if r["dup_kind"] != "none" or r["dup_group"]:
            assert r["dup_group"] and r["dup_group"] == canon[r["canonical_key"]]["dup_group"]


@pytest.mark.parametrize("kind", sorted(DUP_KINDS))
def test_duplicate_kinds_are_real(kind: str, texts: dict[str, str]) -> None:
    rows = {r["sample_key"]: r for r in load_csv("articles.csv")}
    dups = [r for r in rows.values() if r["dup_kind"] == kind]
    assert len(dups) >= MIN_FILES_PER_KIND
    for dup in dups:
        orig = rows[dup["canonical_key"]]
        if kind in {"exact", "contained"}:
            assert dup["title"] == orig["title"]
            assert int(dup["body_chars"]) <= int(orig["body_chars"])
        elif kind == "near":
            diff = [a != b for a, b in zip(dup["title"], orig["title"], strict=True)]
            assert sum(diff) == 1 and int(dup["body_chars"]) > int(orig["body_chars"])
        else:
            assert dup["script"] != orig["script"] and dup["title"] != orig["title"]
    if kind == "exact":
        # one exact pair lives inside a single file: its title occurs twice there
        assert any(texts[d["source_file"]].count(d["title"]) >= 2 for d in dups)


def test_facts_table_is_consistent(texts: dict[str, str]) -> None:
    articles = {r["sample_key"]: r for r in load_csv("articles.csv")}
    facts = load_csv("facts.csv")
    with (TRUTH_DIR / "facts.csv").open(encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    assert header[:10] == [
        "seed", "topic", "entity", "metric", "value", "unit",
        "period", "market", "qualifier", "evidence",
    ]  # fmt: skip
    for f in facts:
        art = articles[f["seed"]]
        assert art["dup_kind"] == "none", "facts are listed once, on the canonical article"
        assert f["topic"] == art["topic"] in TOPICS
        assert re.fullmatch(r"[a-z0-9_+]+", f["entity"])
        float(f["value"])
        assert squash(f["evidence"]) in squash(texts[art["source_file"]]), f
    per_topic = Counter(f["topic"] for f in facts)
    assert all(per_topic[t] >= 10 for t in TOPICS), per_topic


def test_sources_document_lists_urls() -> None:
    text = (SAMPLE_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert len(set(re.findall(r"https?://\S+", text))) >= 30


def test_generated_files_are_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("build_sample", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve string annotations through sys.modules, so register the module first
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    stale = [p.name for p, data in module.build().items() if p.read_bytes() != data]
    assert not stale, "run scripts/build_sample.py and commit the result"


# ---------------------------------------------------------------- originality


def test_no_20_char_run_is_copied_from_shared_corpus(texts: dict[str, str]) -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"{SHARED_CORPUS} is absent (fresh clone without ../shared)")
    windows: set[str] = set()
    for path in SHARED_CORPUS.iterdir():
        if path.is_file():
            other = path.read_bytes().decode("utf-8", errors="replace")
            windows.update(other[i : i + NO_COPY_WINDOW] for i in range(len(other)))
    copied = [
        (name, text[i : i + NO_COPY_WINDOW])
        for name, text in texts.items()
        for i in range(len(text) - NO_COPY_WINDOW + 1)
        if text[i : i + NO_COPY_WINDOW] in windows
    ]
    assert not copied, copied[:5]
