r"""Robustness of stages 01-03 to real-world noise: inject one noise kind, compare the facts.

Each injector is a small pure function ``(text, seed) -> Noisy`` that adds ONE kind of noise
that real scraped dumps carry (``../shared/corpus/README.md``) to a dump's text, seeded, and
returns the noisy text with the fragments it added, so the run can check that none of them
survives into an article body:

* ``seo_spam`` — a line of ``|``-separated keywords before each article;
* ``pinyin`` — readings inserted after some Han characters (``國內(nèi)``, ``（chē）``,
  ``(jing1)``);
* ``garble`` — ``??`` and private-use characters from a bad re-encoding, anywhere (facts may
  be lost: the bench shows how many), and ``garble_outside_numbers``, the same in sentences
  without a numeral only, so every gold fact stays readable;
* ``duplicate`` — the same article again after "related articles" bullets and a comment box;
* ``web_chrome`` — a web page's skip link, navigation bars and breadcrumb on top, disclaimer,
  reprint, copyright and share lines after each article;
* ``captions`` — an image caption repeated two or three times, inline or as lines;
* ``title_twin`` — a near-identical copy whose title differs by one punctuation mark.

Every noise sentence here is written for this bench (none is copied from a real dump).
``python -m helpers bench noise`` applies each kind (and all together) to copies of the dev
dumps in ``../shared/corpus``, runs parse → dedup → facts in memory and prints, per kind:
articles parsed, canonical after dedup, characters each cleaning rule removed beyond the clean
run, articles flagged as garbled, noise fragments that survived into bodies, facts tp/fp/fn vs
the dev gold, and whether the facts equal the clean run's.

Example:
    >>> from helpers.devtools.bench.noise_kinds import seo_spam_line
    >>> noisy = seo_spam_line("標題一則\n" + "正文。" * 200 + "\n", seed=1)
    >>> spam = noisy.fragments[0]
    >>> noisy.text.startswith(spam + "\n") and spam.count("|") + spam.count("｜") >= 4
    True
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.devtools.bench.noise_kinds import DEFAULT_SEED, DEV_FILES, NOISE_KINDS, Noisy, inject

# --- running the pipeline ------------------------------------------------------------------------


@dataclass
class Outcome:
    """What stages 01-03 made of one noisy copy of the dev dumps."""

    kind: str
    parsed: object  # helpers.parse.folder.ParseResult
    articles: pd.DataFrame  # after dedup
    facts: pd.DataFrame  # with seed
    noise: list[Noisy] = field(default_factory=list)


def write_noisy_copies(src_dir: Path, dest: Path, kind: str, seed: int, names=DEV_FILES):
    """Write noisy copies of ``names`` from ``src_dir`` into ``dest``; return their noise."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i, name in enumerate(names):
        noisy = inject(kind, (src_dir / name).read_text(encoding="utf-8"), seed + 101 * i)
        (dest / name).write_text(noisy.text, encoding="utf-8")
        out.append(noisy)
    return out


def run_pipeline(raw_dir: Path, kind: str, noise: list[Noisy]) -> Outcome:
    """Parse, dedup and extract facts from ``raw_dir`` in memory (as ``evaluate`` does)."""
    from helpers import dedup, facts, parse
    from helpers.devtools.evaluate import add_seeds

    parsed = parse.parse_raw_dir(raw_dir)
    articles = dedup.deduplicate(parsed.articles).articles
    found = add_seeds(facts.extract_facts(articles))
    return Outcome(kind, parsed, articles, found, noise)


def survivors(articles: pd.DataFrame, noise: list[Noisy]) -> list[str]:
    """Noise fragments found in a cleaned title or body, and repeats kept more than once.

    Example:
        >>> arts = pd.DataFrame({"title": ["標題"], "body": ["圖:甲圖:甲 正文 a|b|c"]})
        >>> survivors(arts, [Noisy("", fragments=("a|b|c",), repeats=("圖:甲",))])
        ['a|b|c', '圖:甲']
    """
    texts = [f"{t or ''}\n{b}" for t, b in zip(articles["title"], articles["body"], strict=True)]
    found = []
    for n in noise:
        found += [f for f in n.fragments if any(f.strip() in t for t in texts)]
        found += [r for r in n.repeats if any(t.count(r) > 1 for t in texts)]
    return found


def article_meta(articles: pd.DataFrame, added_titles: Iterable[str] = ()) -> list[tuple]:
    """Canonical articles as sorted (file, title without punctuation, outlet, date) tuples.

    Titles in ``added_titles`` (given by an injector to an untitled article) count as empty.

    Example:
        >>> df = pd.DataFrame({"source_file": ["f"], "title": ["變了!"], "source_name": ["甲"],
        ...     "published_date": [None], "is_canonical": [True]})
        >>> article_meta(df)
        [('f', '變了', '甲', '')]
    """
    canon = articles[articles["is_canonical"]]
    cols = ["source_file", "title", "source_name", "published_date"]
    rows = canon[cols].itertuples(index=False, name=None)
    added = set(added_titles)
    return sorted(
        (f, "" if t in added else re.sub(r"[\W_]+", "", t or ""), s or "", d or "")
        for f, t, s, d in (tuple(None if pd.isna(x) else x for x in r) for r in rows)
    )


FACT_KEY = ["seed", "entity_id", "metric", "value", "period", "market", "qualifier"]


def fact_keys(facts: pd.DataFrame) -> set[tuple]:
    """The facts as a set of comparable tuples (value rounded).

    Example:
        >>> df = pd.DataFrame([dict(zip(FACT_KEY, ["002", "byd", "sales", 1.0, "2025", "EU", ""]))])
        >>> len(fact_keys(df))
        1
    """
    if facts.empty:
        return set()
    df = facts.reindex(columns=FACT_KEY).fillna("").assign(value=lambda d: d["value"].round(3))
    return set(df.itertuples(index=False, name=None))


def _removed_delta(outcome: Outcome, clean: Outcome) -> str:
    """Characters per rule removed beyond the clean run, as ``rule+chars`` items."""
    cols = [c for c in outcome.parsed.report.columns if c.startswith("removed_")]
    now = outcome.parsed.report[cols].sum()
    before = clean.parsed.report.reindex(columns=cols).fillna(0).sum()
    delta = (now - before).astype(int)
    items = [f"{c.removeprefix('removed_')}{d:+d}" for c, d in delta.items() if d]
    return " ".join(items) or "-"


def summarise(outcome: Outcome, clean: Outcome, gold: pd.DataFrame) -> dict:
    """One row of the bench table."""
    from helpers.devtools.evaluate import score, topic_facts

    table = score(gold, outcome.facts).table.set_index("topic").loc["all"]
    arts = outcome.articles
    garbled = arts["flags"].map(lambda f: any(str(x).startswith("garble_") for x in f))
    same_topic = fact_keys(topic_facts(outcome.facts)) == fact_keys(topic_facts(clean.facts))
    return {
        "noise": outcome.kind,
        "same_meta": article_meta(arts, [t for n in outcome.noise for t in n.titles])
        == article_meta(clean.articles),
        "articles": len(arts),
        "canonical": int(arts["is_canonical"].sum()),
        "tp": int(table["tp"]),
        "fp": int(table["fp"]),
        "fn": int(table["fn"]),
        "same_topic_facts": same_topic,
        "same_all_facts": fact_keys(outcome.facts) == fact_keys(clean.facts),
        "survived": len(survivors(arts, outcome.noise)),
        "garble_flagged": int(garbled.sum()),
        "removed_beyond_clean": _removed_delta(outcome, clean),
    }


def read_gold(path: Path) -> pd.DataFrame:
    """Read a gold CSV in the layout of ``gold_facts_dev.csv``."""
    gold = pd.read_csv(path, dtype={"seed": str, "period": str}, keep_default_na=False)
    return gold.assign(value=gold["value"].astype(float))


def run_kind(corpus: Path, kind: str, seed: int, work: Path) -> Outcome:
    """Write noisy copies of the dev dumps into ``work/kind`` and run stages 01-03."""
    noise = write_noisy_copies(corpus, work / kind, kind, seed)
    return run_pipeline(work / kind, kind, noise)


def main(argv: list[str]) -> int:
    """Print the robustness table for every noise kind and all of them together."""
    from helpers.core.paths import SHARED_DIR

    ap = argparse.ArgumentParser(prog="python -m helpers bench noise", description=__doc__)
    ap.add_argument("--corpus", type=Path, default=SHARED_DIR / "corpus", help="dev dumps + gold")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--kinds", nargs="*", default=[*NOISE_KINDS, "all"])
    ap.add_argument("--show", action="store_true", help="list surviving noise and fact changes")
    args = ap.parse_args(argv)
    if not (args.corpus / DEV_FILES[0]).is_file():
        print(f"{args.corpus} has no dev dumps: it sits at ../shared/corpus beside the checkout")
        return 2
    gold = read_gold(args.corpus / "gold_facts_dev.csv")
    work = Path(tempfile.mkdtemp(prefix="bench_noise_"))
    try:
        clean = run_kind(args.corpus, "clean", args.seed, work)
        rows = [summarise(clean, clean, gold)]
        for kind in args.kinds:
            outcome = run_kind(args.corpus, kind, args.seed, work)
            rows.append(summarise(outcome, clean, gold))
            if args.show:
                print(describe_changes(outcome, clean))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with pd.option_context("display.width", 250, "display.max_colwidth", 120):
        print(pd.DataFrame(rows).to_string(index=False))
    return 0


def describe_changes(outcome: Outcome, clean: Outcome) -> str:
    """Surviving noise and the facts gained or lost against the clean run, as text."""
    now, before = fact_keys(outcome.facts), fact_keys(clean.facts)
    lines = [f"== {outcome.kind}"]
    lines += [f"  survived: {s[:60]}" for s in survivors(outcome.articles, outcome.noise)]
    lines += [f"  lost fact:   {k}" for k in sorted(before - now, key=str)]
    lines += [f"  gained fact: {k}" for k in sorted(now - before, key=str)]
    return "\n".join(lines)
