"""Build the bundled sample corpus and its answer key from the UTF-8 sources.

Sources (written for this project): ``tests/fixtures/sample_src/articles.yaml`` (canonical
articles with their hand-annotated facts) and ``tests/fixtures/sample_src/files.yaml`` (which
article goes into which raw file, in which format and encoding, and which duplicates to make).

Outputs:
    data/raw/sample/*                         the raw files the pipeline reads (not hand-edited)
    tests/fixtures/sample_truth/articles.csv  one row per article instance, with duplicate groups
    tests/fixtures/sample_truth/facts.csv     topic facts of the distinct (canonical) articles

Usage:
    python scripts/build_sample.py           # write the files
    python scripts/build_sample.py --check   # exit 1 when a committed file is out of date

Example:
    >>> fold_halfwidth("中汽協：出口（整車）")
    '中汽協:出口(整車)'
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import opencc
import yaml

PROJ_ROOT = Path(__file__).resolve().parents[1]
SRC_DIR = PROJ_ROOT / "tests" / "fixtures" / "sample_src"
RAW_DIR = PROJ_ROOT / "data" / "raw" / "sample"
TRUTH_DIR = PROJ_ROOT / "tests" / "fixtures" / "sample_truth"

# Body length bounds the issue asks for (characters, whitespace excluded).
MIN_BODY_CHARS = 100
MAX_BODY_CHARS = 800
# A truncated reprint keeps this share of the canonical body.
CONTAINED_SHARE = 0.7
# NOTE: the real Traditional dumps carry ASCII punctuation next to Chinese text, so files
# flagged `halfwidth` are folded the same way. 。、「」 stay, as they do in the real dumps.
HALFWIDTH_MAP = str.maketrans(
    {"，": ",", "：": ":", "；": ";", "？": "?", "！": "!", "（": "(", "）": ")"}
)
OPENCC_CONFIG = {"hans": "s2twp", "hant": "tw2sp"}
META_LABEL = {"hans": ("发布时间", "来源"), "hant": ("發布時間", "來源")}
FEED_DOMAIN = "feeds.autowire.example"
ARTICLE_COLUMNS = [
    "sample_key",
    "source_file",
    "position",
    "format",
    "encoding",
    "script",
    "topic",
    "title",
    "source_name",
    "published_date",
    "body_chars",
    "dup_group",
    "dup_kind",
    "canonical_key",
]
# The first ten columns are those of ../shared/corpus/gold_facts_dev.csv.
FACT_COLUMNS = [
    "seed",
    "topic",
    "entity",
    "metric",
    "value",
    "unit",
    "period",
    "market",
    "qualifier",
    "evidence",
    "basis",
    "source_body",
    "value_high",
]
FACT_FIELDS = [*FACT_COLUMNS[2:9], "basis", "source_body", "evidence"]


@dataclass
class Instance:
    """One article as it appears in one raw file."""

    key: str
    canonical: str
    kind: str
    title: str
    paras: list[str]
    outlet: str
    date: str
    script: str
    topic: str
    source_file: str = ""
    position: int = 0
    fmt: str = ""
    encoding: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def body(self) -> str:
        """Return the paragraphs joined with newlines."""
        return "\n".join(self.paras)


def fold_halfwidth(text: str) -> str:
    """Fold the full-width punctuation the real dumps store as ASCII.

    Args:
        text: Chinese text.

    Returns:
        The text with ，：；？！（） replaced by their ASCII forms.
    """
    return text.translate(HALFWIDTH_MAP)


def unescape_pua(text: str) -> str:
    r"""Turn ``\uXXXX`` escapes (used in the YAML for private-use garble) into characters."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), text)


def squash(text: str) -> str:
    """Return NFKC text without whitespace, the form evidence is compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def load_sources() -> tuple[dict, dict]:
    """Read and validate articles.yaml and files.yaml."""
    articles = yaml.safe_load((SRC_DIR / "articles.yaml").read_text(encoding="utf-8"))
    layout = yaml.safe_load((SRC_DIR / "files.yaml").read_text(encoding="utf-8"))
    for key, art in articles.items():
        art["body"] = unescape_pua(art["body"]).strip("\n")
        n = len(re.sub(r"\s", "", art["body"]))
        assert MIN_BODY_CHARS <= n <= MAX_BODY_CHARS, f"{key}: body has {n} chars"
        for fact in art["facts"]:
            assert len(fact) in (10, 11), f"{key}: fact needs 10 or 11 items: {fact}"
            assert squash(fact[9]) in squash(art["body"]), f"{key}: evidence not in body: {fact}"
    placed = [it for f in layout["files"] for it in f["items"] if isinstance(it, str)]
    assert sorted(placed) == sorted(articles), "every article must be placed exactly once"
    return articles, layout


def make_canonical(key: str, art: dict, halfwidth: bool) -> Instance:
    """Build the canonical instance of an article, styled for the file it lives in."""
    style = fold_halfwidth if halfwidth else (lambda s: s)
    return Instance(
        key=key,
        canonical=key,
        kind="none",
        title=style(art["title"]),
        paras=[style(p) for p in art["body"].split("\n")],
        outlet=art["outlet"],
        date=art["date"],
        script=art["script"],
        topic=art["topic"],
    )


def make_copy(item: dict, canon: Instance, boilerplate: dict) -> Instance:
    """Build a duplicate instance of ``canon`` as described by a files.yaml item."""
    kind = item["kind"]
    inst = Instance(
        key=item.get("key", f"{canon.key}_{kind}"),
        canonical=canon.key,
        kind=kind,
        title=canon.title,
        paras=list(canon.paras),
        outlet=item.get("outlet", canon.outlet),
        date=canon.date,
        script=canon.script,
        topic=canon.topic,
    )
    if kind == "cross_script":
        conv = opencc.OpenCC(OPENCC_CONFIG[canon.script])
        inst.title, inst.outlet = conv.convert(canon.title), conv.convert(inst.outlet)
        inst.paras = [conv.convert(p) for p in canon.paras]
        inst.script = "hant" if canon.script == "hans" else "hans"
    elif kind == "near":
        inst.title = item["title"]
        assert len(inst.title) == len(canon.title) and inst.title != canon.title
        inst.paras.append(boilerplate[item["boilerplate"]])
    elif kind == "contained":
        body = canon.body
        cut = body[: round(len(body) * CONTAINED_SHARE)]
        inst.paras = cut.rstrip("\n").split("\n")
    else:
        assert kind == "exact", f"unknown duplicate kind {kind}"
    return inst


def article_lines(inst: Instance) -> list[str]:
    """Render an instance for a web-page dump: title, meta line, paragraphs."""
    when, src = META_LABEL[inst.script]
    meta = f"{when}：{inst.date}　{src}：{inst.outlet}" if inst.date else f"{src}：{inst.outlet}"
    paras = [*inst.paras[:-1], f"{inst.paras[-1]} ({inst.outlet})"]
    return [inst.title, meta, *paras]


def render_text(spec: dict, insts: list[Instance], html_template: str) -> str:
    """Render one raw file as text (before encoding)."""
    fmt = spec["format"]
    if fmt == "dump":
        lines = [spec["tag"]]
        for inst in insts:
            lines += [inst.title, "".join(inst.paras) + f" ({inst.outlet})"]
        return "\n".join(lines) + "\n"
    if fmt == "single":
        (inst,) = insts
        lines = [spec["seo"]] if "seo" in spec else []
        lines += [*inst.paras[:-1], f"{inst.paras[-1]} ({inst.outlet})"]
        return "\n".join(lines) + "\n"
    if fmt == "webpage":
        lines = []
        for line in spec["template"]:
            m = re.fullmatch(r"\{article:(\d+)\}", line)
            lines += article_lines(insts[int(m.group(1)) - 1]) if m else [line]
        return "\n".join(lines) + "\n"
    if fmt == "html":
        (inst,) = insts
        paras = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in inst.paras)
        return html_template.format(
            charset=spec["meta_charset"],
            title=html.escape(inst.title),
            date=inst.date,
            outlet=inst.outlet,
            paras=paras,
        )
    if fmt == "jsonl":
        return "".join(json.dumps(feed_record(i), ensure_ascii=False) + "\n" for i in insts)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")  # NOTE: spreadsheet exports use CRLF
        writer.writerow(["title", "date", "source", "body"])
        for inst in insts:
            writer.writerow([inst.title, inst.date.replace("-", "/"), inst.outlet, inst.body])
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt}")


def feed_record(inst: Instance) -> dict:
    """Return the JSON Lines record of an instance (title, url, source, date, content)."""
    digest = hashlib.sha1(inst.key.encode()).hexdigest()[:10]
    year_month = inst.date[:7].replace("-", "/") if inst.date else "archive"
    return {
        "title": inst.title,
        "url": f"https://{FEED_DOMAIN}/{year_month}/{digest}.html",
        "source": inst.outlet,
        "date": inst.date,
        "content": inst.body,
    }


def encode(text: str, encoding: str, name: str) -> bytes:
    """Encode strictly, naming the first character the codec cannot hold."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as err:
        bad = text[err.start : err.end]
        raise SystemExit(f"{name}: {bad!r} cannot be encoded as {encoding}; reword it") from err


def place_instances(articles: dict, layout: dict) -> list[tuple[dict, list[Instance]]]:
    """Resolve every files.yaml item into an Instance, canonicals first so copies can see them."""
    canon: dict[str, Instance] = {}
    for spec in layout["files"]:
        for item in spec["items"]:
            if isinstance(item, str):
                canon[item] = make_canonical(item, articles[item], spec.get("halfwidth", False))
    placed = []
    for spec in layout["files"]:
        insts = []
        for pos, item in enumerate(spec["items"], start=1):
            if isinstance(item, str):
                inst = canon[item]
            else:
                inst = make_copy(item, canon[item["copy_of"]], layout["boilerplate"])
            inst.source_file, inst.position = spec["name"], pos
            inst.fmt, inst.encoding = spec["format"], spec["encoding"]
            insts.append(inst)
        placed.append((spec, insts))
    return placed


def articles_table(placed: list[tuple[dict, list[Instance]]]) -> str:
    """Return articles.csv: one row per instance, duplicate groups numbered g01, g02, ..."""
    insts = [i for _, group in placed for i in group]
    keys = [i.key for i in insts]
    assert len(keys) == len(set(keys)), "sample keys must be unique"
    with_dups = sorted({i.canonical for i in insts if i.kind != "none"})
    group_of = {k: f"g{n:02d}" for n, k in enumerate(with_dups, start=1)}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ARTICLE_COLUMNS)
    for i in insts:
        chars = len(re.sub(r"\s", "", i.body))
        group = group_of.get(i.canonical, "")
        writer.writerow(
            [i.key, i.source_file, i.position, i.fmt, i.encoding, i.script, i.topic, i.title,
             i.outlet, i.date, chars, group, i.kind, i.canonical]
        )  # fmt: skip
    return buf.getvalue()


def facts_table(articles: dict, placed: list[tuple[dict, list[Instance]]]) -> str:
    """Return facts.csv: the facts of each canonical article, in file order."""
    halfwidth = {i.key: spec.get("halfwidth", False) for spec, g in placed for i in g}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FACT_COLUMNS)
    for _, group in placed:
        for inst in group:
            if inst.kind != "none":
                continue
            art = articles[inst.key]
            for fact in art["facts"]:
                row = dict(zip(FACT_FIELDS, fact[:10], strict=True))
                row["value_high"] = fact[10] if len(fact) == 11 else ""
                if halfwidth[inst.key]:
                    row["evidence"] = fold_halfwidth(row["evidence"])
                row.update(seed=inst.key, topic=art["topic"])
                writer.writerow([format_cell(row[c]) for c in FACT_COLUMNS])
    return buf.getvalue()


def format_cell(value: object) -> str:
    """Write numbers without a trailing .0 (7098000, not 7098000.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def build() -> dict[Path, bytes]:
    """Return every generated file's path and bytes."""
    articles, layout = load_sources()
    placed = place_instances(articles, layout)
    out: dict[Path, bytes] = {}
    for spec, insts in placed:
        text = render_text(spec, insts, layout["html_template"])
        if spec["encoding"] == "utf-8-sig":
            assert not text.startswith("\ufeff")
        out[RAW_DIR / spec["name"]] = encode(text, spec["encoding"], spec["name"])
    out[TRUTH_DIR / "articles.csv"] = articles_table(placed).encode("utf-8")
    out[TRUTH_DIR / "facts.csv"] = facts_table(articles, placed).encode("utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the sample corpus, or with --check report files that differ from a fresh build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for path, data in build().items():
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path.relative_to(PROJ_ROOT))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if stale:
        print("out of date (run scripts/build_sample.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
