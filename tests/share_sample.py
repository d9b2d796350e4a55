"""Build a facts table in the stage-03 contract from the sample answer key (tests only).

The answer key (``fixtures/sample_truth/facts.csv``) lists every topic fact of the sample
corpus with a richer metric vocabulary than the facts contract; :data:`METRIC_MAP` aligns it.
Each fact gets the full body sentence that contains its evidence, as stage 03 would give.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from helpers import parse
from helpers.core.paths import PROJ_ROOT, SAMPLE_RAW_DIR

TRUTH_DIR = PROJ_ROOT / "tests" / "fixtures" / "sample_truth"
# answer-key metric -> (contract metric, segment); metrics not listed keep their name.
METRIC_MAP = {
    "share_of_exports": ("market_share", ""),
    "av_fleet_size": ("fleet_size", "all_av"),
    "domain_controller_installs": ("installed_units", ""),
    "fitted_vehicles": ("installed_units", ""),
    "wholesale": ("sales", ""),
    "shipments": ("sales", ""),
}
SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _sentence(body: str, evidence: str) -> str:
    target = _norm(evidence)
    for sentence in SENTENCE_END.split(body):
        if target and target in _norm(sentence):
            return sentence.strip()
    return evidence


def sample_articles() -> pd.DataFrame:
    """Parsed sample articles with the answer key's ``sample_key`` and ``is_canonical``."""
    parsed = parse.parse_raw_dir(SAMPLE_RAW_DIR).articles.sort_values(
        ["source_file", "source_line"]
    )
    parsed["position"] = parsed.groupby("source_file").cumcount() + 1
    truth = pd.read_csv(TRUTH_DIR / "articles.csv", dtype=str, keep_default_na=False)
    truth["position"] = truth["position"].astype(int)
    keep = ["source_file", "position", "sample_key", "dup_kind"]
    out = parsed.merge(truth[keep], on=["source_file", "position"], validate="one_to_one")
    out["is_canonical"] = out["dup_kind"] == "none"
    return out.drop(columns=["position", "dup_kind"]).reset_index(drop=True)


def sample_facts(articles: pd.DataFrame) -> pd.DataFrame:
    """The answer key as a stage-03 facts table (one row per fact, canonical articles)."""
    truth = pd.read_csv(TRUTH_DIR / "facts.csv", dtype=str, keep_default_na=False)
    by_key = articles.set_index("sample_key")
    rows = []
    for i, r in truth.iterrows():
        metric, segment = METRIC_MAP.get(r["metric"], (r["metric"], ""))
        art = by_key.loc[r["seed"]]
        rows.append(
            {
                "fact_id": f"{r['seed']}-{i:03d}",
                "article_id": art["article_id"],
                "topic": r["topic"],
                "entity_id": r["entity"],
                "entity_text": "",
                "metric": metric,
                "value": float(r["value"]),
                "unit": r["unit"],
                "period": r["period"],
                "market": r["market"],
                "segment": segment,
                "qualifier": r["qualifier"],
                "data_source": r["basis"],
                "sentence": _sentence(art["body"], r["evidence"]),
                "char_start": -1,
                "char_end": -1,
                # the answer key is right by construction: sure enough for any min_confidence
                "confidence": 1.0,
            }
        )
    return pd.DataFrame(rows)


def write_sample_processed(processed_dir) -> None:
    """Write the sample's articles (as stage 02 leaves them) and facts into ``processed_dir``."""
    processed_dir.mkdir(parents=True, exist_ok=True)
    articles = sample_articles()
    sample_facts(articles).to_parquet(processed_dir / "facts.parquet", index=False)
    articles.drop(columns=["sample_key"]).to_parquet(
        processed_dir / "articles_dedup.parquet", index=False
    )
