"""helpers.dedup: text_norm, clusters, representatives, audit columns; golden run on the sample."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest

from helpers import dedup, parse
from helpers.catalog import boilerplate
from helpers.core.paths import PROJ_ROOT, SAMPLE_RAW_DIR
from helpers.text import script

SAMPLE_TRUTH = PROJ_ROOT / "tests" / "fixtures" / "sample_truth" / "articles.csv"

# Written for these tests (not copied from any article).
EXPORTS = (
    "今年前十个月，国内车企的整车出口继续增长，新能源车型占比明显提高。\n"
    "欧洲和中东是主要增量来源，拉美市场的订单也在回升。"
    "多家企业表示，海外工厂投产后，出口与海外销量两个口径的差距会进一步扩大。\n"
    "业内人士提醒，比较不同机构的数据时，应先确认统计口径是否一致。"
)
CHIPS_HANT = (
    "今年上半年，城市領航輔助駕駛的晶片市佔率出現明顯變化，輝達仍居首位。\n"
    "本土供應商的份額快速上升，部分車企開始自研晶片，並把資料閉環交給自家軟體團隊。\n"
    "分析師認為，價格下探之後，中低價位車型將成為下一階段競爭的重點。"
)
CHIPS_HANS = (
    "今年上半年，城市领航辅助驾驶的芯片市占率出现明显变化，英伟达仍居首位。\n"
    "本土供应商的份额快速上升，部分车企开始自研芯片，并把数据闭环交给自家软件团队。\n"
    "分析师认为，价格下探之后，中低价位车型将成为下一阶段竞争的重点。"
)
ROBOTAXI = (
    "无人驾驶出租车在多个城市扩大运营范围，车队规模较去年底增加了约一倍。\n"
    "运营方表示，夜间和雨天的服务时段也将逐步开放，乘客可以通过手机预约。"
)
BOILERPLATE = (
    "免责声明：本网站转载的文章仅供读者参考，所载内容不构成任何投资建议，读者据此操作风险自担。"
    "本站对文章内容的真实性、准确性和完整性不作任何保证，如需引用请核对原始出处并注明来源。"
    "如对本文有任何疑问，请通过页面底部的联系方式与编辑部取得联系，我们会在三个工作日内回复。"
)
NOTICE = "声明：本文转载自网络，仅代表作者观点，不代表本站立场。"


def articles(*rows: dict) -> pd.DataFrame:
    """Stage-01 shaped articles; each row gives at least article_id and body."""
    defaults = {
        "source_file": "f.txt",
        "source_line": 1,
        "title": "标题",
        "body_raw": "",
        "published_date": None,
        "source_name": "示例",
        "encoding": "utf-8",
        "script": "hans",
        "quality_score": 1.0,
        "flags": [],
    }
    cols = ["article_id", "source_file", "source_line", "title", "body", "body_raw"]
    cols += ["published_date", "source_name", "encoding", "script", "quality_score", "flags"]
    return pd.DataFrame([{**defaults, **r} for r in rows])[cols]


def clusters(out: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g["article_id"]) for _, g in out.groupby("cluster_id")}


def by_id(out: pd.DataFrame, column: str) -> dict[str, object]:
    return dict(zip(out["article_id"], out[column], strict=True))


# ---------------------------------------------------------------------------------------------
# text_norm
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("２０２５年１１月", "2025年11月", id="fullwidth-digits"),
        pytest.param("出口，增长！\n 新高。", "出口增长新高", id="punctuation-whitespace"),
        pytest.param("Model Y 与 MODEL y", "modely与modely", id="latin-case"),
        pytest.param("“全球Robotaxi第一股”", "全球robotaxi第一股", id="quotes"),
        pytest.param("猫", "猫", id="never-ascii-folded"),
    ],
)
def test_normalise_text(text, expected):
    assert dedup.textnorm.normalise_text(text) == expected


def test_vectorised_normalisation_equals_reference():
    texts = [
        EXPORTS,
        CHIPS_HANT,
        "",
        "ｅ\u0301 combining ①② ㈱ ﬁ ß",  # composed, expanded and case-folded forms
        "한국어 ㄱㅏ 자동차",  # Hangul (composes across characters)
        "emoji 🚗 and 𠀋 (astral)",
        "tab\tand\u3000ideographic space",
    ]
    assert dedup.textnorm.normalise_texts(texts) == [
        dedup.textnorm.normalise_text(t) for t in texts
    ]


def _reference_table_entry(code: int) -> int:
    """The per-character table entry, written out one character at a time."""
    if 0xD800 <= code <= 0xDFFF:
        return 0
    ch = chr(code)
    jamo = 0x1100 <= code < 0x1200 or 0x3130 <= code < 0x3190 or 0xFFA0 <= code < 0xFFDD
    if unicodedata.category(ch).startswith("M") or jamo:
        return 0xFFFFFFFF
    out = dedup.textnorm.normalise_text(ch)
    return 0 if not out else ord(out) if len(out) == 1 else 0xFFFFFFFF


def test_normalisation_table_equals_the_per_character_definition():
    expected = np.array([_reference_table_entry(c) for c in range(0x10000)], dtype=np.uint32)
    assert np.array_equal(dedup.textnorm._norm_table(), expected)


def test_script_tables_use_what_full_s2t_gives_on_single_characters():
    # The tables skip s2t's phrase dictionary (slow to load); on lone characters the full
    # official s2t must agree, or the shortcut is wrong for this OpenCC version.
    codes = np.concatenate([np.arange(lo, hi) for lo, hi in dedup.textnorm.CJK_RANGES])
    full = script.opencc_converter("s2t").convert("\n".join(map(chr, codes.tolist()))).split("\n")
    assert dedup.textnorm._convert_chars(codes, "s2t").tolist() == [ord(c[0]) for c in full]


@pytest.mark.parametrize("config", ["tw2sp", "t2s", "none"])
def test_line_by_line_conversion_equals_whole_texts(config):
    texts = [CHIPS_HANT, CHIPS_HANT.split("\n")[0], "", "\n\n", "輝達\n\n晶片資料\n", CHIPS_HANS]
    expected = [script.convert_script(t, config) for t in texts]
    assert dedup.textnorm.convert_lines(texts, config) == expected


@pytest.mark.parametrize(
    ("script", "body", "conversion", "text_norm"),
    [
        pytest.param("hant", "輝達晶片資料", "tw2sp", "英伟达芯片数据", id="hant-vocabulary"),
        pytest.param("hant", "應用程式", "tw2sp", "应用程序", id="hant-once"),
        # tw2sp is not idempotent (程序→进程): Simplified text must never go through it.
        pytest.param("hans", "应用程序", "none", "应用程序", id="hans-untouched"),
        pytest.param("mixed", "芯片數据供应", "t2s", "芯片数据供应", id="mixed-mostly-hans"),
        pytest.param(None, "晶片資料與軟體", "tw2sp", "芯片数据与软件", id="no-script-detected"),
    ],
)
def test_add_text_norm_converts_traditional_once(script, body, conversion, text_norm):
    out = dedup.textnorm.add_text_norm(pd.DataFrame({"body": [body], "script": [script]}))
    assert out[["conversion", "text_norm"]].values.tolist() == [[conversion, text_norm]]
    assert out["body"].tolist() == [body]  # the original text is never replaced


# ---------------------------------------------------------------------------------------------
# Clusters
# ---------------------------------------------------------------------------------------------
def test_traditional_and_simplified_twins_cluster():
    df = articles(
        {"article_id": "t", "body": CHIPS_HANT, "script": "hant"},
        {"article_id": "s", "body": CHIPS_HANS},
        {"article_id": "x", "body": ROBOTAXI},
    )
    out = dedup.deduplicate(df).articles
    assert clusters(out) == {frozenset({"t", "s"}), frozenset({"x"})}
    member = out[~out["is_canonical"] & (out["cluster_id"] != "x")].iloc[0]
    assert member["dup_rule"] == "cross_script" and member["similarity"] > 0.9


def test_plain_minhash_would_miss_the_twins():
    # Why text_norm exists: the raw twins share almost no 5-character shingles.
    from helpers.dedup import minhash

    sets = minhash.hash_shingles([CHIPS_HANT, CHIPS_HANS], k=5)
    pair = np.array([[0, 1]])
    assert minhash.jaccard(sets, pair, minhash.overlap_counts(sets, pair))[0] < 0.3


def test_shared_boilerplate_does_not_make_duplicates():
    df = articles(
        {"article_id": "a", "body": EXPORTS + "\n" + BOILERPLATE},
        {"article_id": "b", "body": ROBOTAXI + "\n" + BOILERPLATE},
        {"article_id": "c", "body": CHIPS_HANS + "\n" + BOILERPLATE},
    )
    result = dedup.deduplicate(df)
    assert result.articles["is_canonical"].all()
    assert result.report.empty


@pytest.mark.parametrize(
    ("copy", "rule"),
    [
        pytest.param(EXPORTS, "exact", id="exact"),
        pytest.param(
            EXPORTS.replace("，", ", ").replace("\n", "\n\n  "), "exact", id="reformatted"
        ),
        pytest.param(EXPORTS.replace("明显提高", "大幅提高"), "near", id="edited"),
        pytest.param("\n".join(reversed(EXPORTS.split("\n"))), "near", id="paragraphs-shuffled"),
        pytest.param(EXPORTS[: int(len(EXPORTS) * 0.6)], "contained", id="truncated"),
    ],
)
def test_copy_kinds_join_with_their_rule(copy, rule):
    df = articles(
        {"article_id": "orig", "body": EXPORTS, "source_line": 1},
        {"article_id": "copy", "body": copy, "source_line": 2},
    )
    out = dedup.deduplicate(df).articles
    assert by_id(out, "is_canonical") == {"orig": True, "copy": False}
    assert (by_id(out, "dup_of")["copy"], by_id(out, "dup_rule")["copy"]) == ("orig", rule)


def test_truncated_copy_never_represents_the_story():
    df = articles(
        {"article_id": "a-trunc", "body": EXPORTS[:100], "quality_score": 1.0},
        {"article_id": "z-full", "body": EXPORTS, "quality_score": 0.5},
    )
    out = dedup.deduplicate(df).articles
    assert by_id(out, "is_canonical") == {"a-trunc": False, "z-full": True}


def test_appended_notice_does_not_make_a_copy_more_complete():
    df = articles(
        {"article_id": "a-reprint", "body": ROBOTAXI + NOTICE, "source_line": 1},
        {"article_id": "z-orig", "body": ROBOTAXI, "source_line": 9},
    )
    out = dedup.deduplicate(df).articles
    assert by_id(out, "is_canonical") == {"a-reprint": False, "z-orig": True}


@pytest.mark.parametrize(
    ("changes", "canonical"),
    [
        pytest.param({"b": {"quality_score": 0.9}}, "a", id="quality"),
        pytest.param({"b": {"published_date": "2026-01-01"}}, "b", id="dated-beats-undated"),
        pytest.param(
            {"a": {"published_date": "2026-01-02"}, "b": {"published_date": "2026-01-01"}},
            "b",
            id="earlier-date",
        ),
        pytest.param({"a": {"source_file": "z.txt"}}, "b", id="first-seen-file"),
        pytest.param({}, "a", id="article-id-last"),
    ],
)
def test_representative_tie_breaks(changes, canonical):
    rows = [{"article_id": i, "body": EXPORTS, **changes.get(i, {})} for i in ("a", "b")]
    out = dedup.deduplicate(articles(*rows)).articles
    assert out.loc[out["is_canonical"], "article_id"].tolist() == [canonical]


def test_short_texts_are_never_clustered():
    out = dedup.deduplicate(
        articles({"article_id": "a", "body": "详见附件"}, {"article_id": "b", "body": "详见附件"})
    ).articles
    assert out["is_canonical"].all()


def test_duplicate_article_ids_fail_loudly():
    with pytest.raises(ValueError, match="article_id is not unique"):
        dedup.deduplicate(
            articles({"article_id": "a", "body": EXPORTS}, {"article_id": "a", "body": ROBOTAXI})
        )


def corpus() -> pd.DataFrame:
    """Twelve rows: stories with every kind of copy, and unrelated articles."""
    return articles(
        {"article_id": "e1", "body": EXPORTS, "source_line": 1},
        {"article_id": "e2", "body": EXPORTS.replace("，", ","), "source_line": 2},
        {"article_id": "e3", "body": EXPORTS[:90], "source_line": 3},
        {"article_id": "e4", "body": EXPORTS + "\n" + BOILERPLATE, "source_line": 4},
        {"article_id": "c1", "body": CHIPS_HANT, "script": "hant", "source_line": 5},
        {"article_id": "c2", "body": CHIPS_HANS, "source_line": 6},
        {"article_id": "r1", "body": ROBOTAXI + "\n" + BOILERPLATE, "source_line": 7},
        {"article_id": "r2", "body": ROBOTAXI + NOTICE, "source_line": 8},
        {"article_id": "b1", "body": BOILERPLATE, "source_line": 9},
        {"article_id": "s1", "body": "详见附件", "source_line": 10},
        {"article_id": "s2", "body": "", "source_line": 11},
        {"article_id": "x1", "body": CHIPS_HANS[:60] + ROBOTAXI[40:], "source_line": 12},
    )


def test_invariants_hold():
    df = corpus()
    out = dedup.deduplicate(df).articles
    assert len(out) == len(df) and out["article_id"].tolist() == df["article_id"].tolist()
    assert list(out.columns) == [*df.columns, *dedup.thresholds.OUTPUT_COLUMNS]
    canon = out[out["is_canonical"]]
    assert canon["cluster_id"].is_unique and (canon["cluster_id"] == canon["article_id"]).all()
    members = out[~out["is_canonical"]]
    kept = dict(zip(canon["article_id"], canon["cluster_id"], strict=True))
    assert all(kept[d] == c for d, c in zip(members["dup_of"], members["cluster_id"], strict=True))
    assert set(members["dup_rule"]) <= set(dedup.thresholds.DUP_RULES)
    assert canon["dup_of"].isna().all() and canon["similarity"].isna().all()


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"order{s}") for s in range(3)])
def test_same_clusters_and_ids_in_any_row_order(seed):
    df = corpus()
    first = dedup.deduplicate(df).articles.set_index("article_id")
    shuffled = df.sample(frac=1, random_state=seed).reset_index(drop=True)
    again = dedup.deduplicate(shuffled).articles.set_index("article_id").loc[first.index]
    pd.testing.assert_frame_equal(
        first[list(dedup.thresholds.OUTPUT_COLUMNS)], again[list(dedup.thresholds.OUTPUT_COLUMNS)]
    )


def test_report_has_one_row_per_dropped_article():
    result = dedup.deduplicate(corpus())
    dropped = result.articles[~result.articles["is_canonical"]]
    assert sorted(result.report["article_id"]) == sorted(dropped["article_id"])
    assert {"dup_of", "dup_rule", "similarity", "jaccard", "containment", "dup_of_title"} <= set(
        result.report.columns
    )


def test_borderline_pairs_are_checked_pairs_just_below_a_threshold():
    strict = dedup.thresholds.DedupParams(jaccard_threshold=0.95, containment_threshold=0.99)
    pairs = dedup.pairs.find_duplicate_pairs(dedup.textnorm.add_text_norm(corpus()), params=strict)
    near_miss = dedup.clusters.borderline_pairs(pairs, params=strict, margin=0.5)
    assert len(near_miss) and (near_miss["edge"] == "").all() and near_miss["checked"].all()
    assert near_miss["gap"].between(0, 0.5, inclusive="right").all()
    assert near_miss["gap"].is_monotonic_increasing


def test_catalog_matches_the_reprint_notice():
    # The notice once needed extra patterns in dedup; they now live in the stage-01 catalog,
    # so parse removes such lines too and dedup reads the same rules.
    rules = boilerplate.load_boilerplate().line_rules
    assert any(rule.matches(NOTICE) for rule in rules)
    assert dedup.boilerplate.is_boilerplate(NOTICE)


def test_split_screen_passes_every_catalog_match():
    # The screen (anchored union by .match, the rest by .search after its first-character
    # class) must never reject a sentence a catalog pattern matches; probe each pattern at
    # the start and mid-sentence.
    patterns = [p for r in boilerplate.load_boilerplate().line_rules for p in r.patterns]
    anchored, free, starts = dedup.boilerplate._boilerplate_screen()
    samples = [NOTICE, "如有侵權請聯絡我們刪除。", "（完）", "编辑：小周", "分享到：微信 微博"]
    samples += ["版权所有 2025", "Copyright © 2025", "ICP备12345号", "未经授权不得转载"]
    samples += ["车队规模达1500辆，" + x for x in samples] + ["出口大增。", ""]
    for text in samples:
        hit = any(p.search(text) for p in patterns)
        free_hit = (starts is None or starts.search(text)) and free.search(text)
        assert hit <= bool(anchored.match(text) or free_hit), text


@pytest.mark.parametrize(
    ("patterns", "first"),
    [
        pytest.param(["(本文|文章)(仅|僅)代表", "不(负|負)"], "不文本", id="groups"),
        pytest.param(["[A-C]x", "(?:如有|若有)+侵权", "©\\s*\\d{4}"], "ABC如若©", id="sets"),
        pytest.param(["(?i:tags)"], None, id="case-folded"),
        pytest.param(["(任何)?投资"], None, id="optional-first"),
        pytest.param(["[^a]b"], None, id="negated-set"),
    ],
)
def test_start_screen_lists_every_possible_first_character(patterns, first):
    screen = dedup.boilerplate._start_screen(patterns)
    assert (screen and "".join(sorted(screen.pattern.strip("[]")))) == (
        first and "".join(sorted(first))
    )


def test_connected_components_equal_a_union_find():
    rng = np.random.default_rng(5)
    for n in (0, 1, 7, 60):
        edges = rng.integers(0, max(n, 1), size=(n, 2)) if n else np.empty((0, 2), int)
        order = rng.permutation(n)
        path = np.stack([order[:-1], order[1:]], axis=1)  # one long chain
        for e in (edges, path):
            parent = list(range(n))
            for a, b in e.tolist():
                while parent[a] != a:
                    a = parent[a]
                while parent[b] != b:
                    b = parent[b]
                parent[max(a, b)] = min(a, b)
            expected = []
            for x in range(n):
                while parent[x] != x:
                    x = parent[x]
                expected.append(x)
            assert dedup.groups.connected_components(n, e).tolist() == expected


# ---------------------------------------------------------------------------------------------
# Golden: the bundled sample corpus against its answer key
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_result():
    # NOTE: the sample and its key are bundled: missing means broken, never "not built yet".
    assert SAMPLE_TRUTH.exists(), f"answer key {SAMPLE_TRUTH} is missing"
    assert any(SAMPLE_RAW_DIR.glob("*")), f"sample corpus {SAMPLE_RAW_DIR} is missing"
    out = dedup.deduplicate(parse.parse_raw_dir(SAMPLE_RAW_DIR).articles).articles.copy()
    truth = pd.read_csv(SAMPLE_TRUTH, dtype=str, keep_default_na=False)
    out["position"] = out.groupby("source_file")["source_line"].rank(method="first").astype(int)
    truth["position"] = truth["position"].astype(int)
    return out.merge(truth, on=["source_file", "position"], how="outer", validate="1:1")


def test_sample_clusters_match_the_answer_key(sample_result):
    m = sample_result
    assert m["article_id"].notna().all() and m["sample_key"].notna().all(), "rows do not align"
    key_of = dict(zip(m["article_id"], m["sample_key"], strict=True))
    got = {frozenset(g["sample_key"]) for _, g in m.groupby("cluster_id")}
    story = m["dup_group"].where(m["dup_group"] != "", m["sample_key"])
    want = {frozenset(g["sample_key"]) for _, g in m.groupby(story)}
    assert got == want
    assert m["cluster_id"].map(key_of).tolist() == m["canonical_key"].tolist()


def test_sample_rules_match_the_answer_key(sample_result):
    m = sample_result[sample_result["dup_kind"] != "none"]
    # A "near" copy is the original plus an appended reprint notice and a retitle; where
    # stage 01 already dropped the notice line, the bodies are identical ("exact").
    allowed = {"exact": {"exact"}, "cross_script": {"cross_script"}, "contained": {"contained"}}
    allowed["near"] = {"near", "exact"}
    bad = m[
        [rule not in allowed[kind] for kind, rule in zip(m["dup_kind"], m["dup_rule"], strict=True)]
    ]
    assert bad.empty, bad[["sample_key", "dup_kind", "dup_rule"]]
