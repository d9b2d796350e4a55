"""Cleaning rules of stage 01 (helpers.parse.clean) and text-quality checks (helpers.parse.quality).

Every fixture sentence is written for these tests; none is copied from a real dump.
"""

from __future__ import annotations

import pytest
import yaml

from helpers.catalog import boilerplate
from helpers.catalog.boilerplate import CatalogError, parse_boilerplate
from helpers.parse import clean, lines, quality
from helpers.parse.clean import (
    apply_edits,
    clean_paragraph,
    normalize_fullwidth,
    normalize_number_spacing,
    normalize_quote_spacing,
    strip_outlet,
    strip_pinyin,
    undo_edits,
)
from helpers.parse.lines import classify_line, continues_block, match_block_header

# --- catalog ---------------------------------------------------------------------------------


def test_catalog_loads_and_every_rule_has_patterns():
    cat = boilerplate.load_boilerplate()
    names = {r.name for r in cat.line_rules}
    assert {"skip_link", "share_box", "comment_box", "disclaimer", "reprint_notice"} <= names
    assert {"related_list", "comment_box"} <= {r.name for r in cat.block_rules}
    assert all(r.patterns for r in (*cat.line_rules, *cat.block_rules))


@pytest.mark.parametrize(
    "mutate, message",
    [
        pytest.param(lambda d: d.pop("nav_words"), "keys", id="missing-key"),
        pytest.param(
            lambda d: d["line_rules"]["share_box"].update(patterns=["(unclosed"]),
            "bad regex",
            id="bad-regex",
        ),
        pytest.param(
            lambda d: d["line_rules"]["share_box"].update(max_chars=0), "max_chars", id="max-chars"
        ),
        pytest.param(lambda d: d.update(version=2), "version", id="version"),
    ],
)
def test_catalog_validation_names_the_problem(mutate, message):
    data = yaml.safe_load(boilerplate.BOILERPLATE_PATH.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(CatalogError, match=message):
        parse_boilerplate(data)


# --- line rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, rule",
    [
        pytest.param("", "whitespace", id="blank"),
        pytest.param("#新能源 #出口", "header_tag", id="header-tag"),
        pytest.param("发布时间：2025-03-02 09:15　来源：示例晚报", "byline", id="byline"),
        pytest.param("跳到主要內容", "skip_link", id="skip-link"),
        pytest.param("Skip to main content", "skip_link", id="skip-link-en"),
        pytest.param("首页 | 新闻 | 汽车 | 科技 | 财经", "web_nav", id="nav-bar"),
        pytest.param("示例车网 首页 行情 导购 测评 论坛", "web_nav", id="nav-with-home"),
        pytest.param("您的位置：首页 > 汽车 > 正文", "web_nav", id="breadcrumb"),
        pytest.param("电动车|电动车价格|电动车排行|新能源补贴|充电桩", "seo_spam", id="seo-spam"),
        pytest.param("分享到：微信　微博　QQ空间", "share_box", id="share"),
        pytest.param("微信 | 微博 | 朋友圈", "share_box", id="share-icons"),
        pytest.param("發表評論", "comment_box", id="comment-prompt"),
        pytest.param("已有12人参与评论", "comment_box", id="comment-count"),
        pytest.param("免責聲明：本文觀點僅代表作者本人。", "disclaimer", id="disclaimer"),
        pytest.param("© 2025 示例新聞網 版權所有", "disclaimer", id="copyright"),
        pytest.param("转载请注明出处及作者。", "reprint_notice", id="reprint"),
        pytest.param("本文來源於網絡，如有侵權請聯繫刪除。", "reprint_notice", id="reprint-hant"),
        pytest.param("责任编辑：王小明", "author_footer", id="editor"),
        pytest.param("（完）", "author_footer", id="end-marker"),
        pytest.param("上一篇：示例車企發布新款轎車", "web_nav", id="previous-article-link"),
        pytest.param("下一篇: 电池价格回落的背后", "web_nav", id="next-article-link"),
        pytest.param("打開APP，閱讀全文", "web_nav", id="app-prompt"),
        pytest.param("下载示例新闻客户端 查看更多", "web_nav", id="app-prompt-named"),
        pytest.param("查看更多評論", "comment_box", id="more-comments"),
        pytest.param("展开全部12条回复", "comment_box", id="more-replies"),
    ],
)
def test_classify_line_names_the_rule(line, rule):
    assert classify_line(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("比亞迪上月出口再創新高，歐洲市場貢獻最多。", id="sentence"),
        pytest.param("記者在發布會上看到，不少觀眾現場分享了試駕感受。", id="mentions-share"),
        pytest.param("新能源車出口|一季度", id="two-fields-not-spam"),
        pytest.param("评论人士认为价格战仍将持续，利润率承压。" * 3, id="long-comment"),
        pytest.param("目前萝卜快跑已在多个城市开展测试。", id="content"),
        pytest.param("下一篇報導將介紹電池技術的進展。", id="next-without-colon"),
        pytest.param("打开App后，用户可以一键叫车，等待时间不到五分钟。", id="mentions-app"),
    ],
)
def test_classify_line_keeps_article_text(line):
    assert classify_line(line) is None


def test_block_header_and_continuation():
    assert match_block_header("延伸閱讀") == "related_list"
    assert match_block_header("猜你喜欢：") == "related_list"
    assert match_block_header("网友评论") == "comment_box"
    assert match_block_header("相關閱讀的內容很多，這是一整句話。") is None
    assert continues_block("◎另一篇報導的標題", None)
    assert continues_block("請先登入再留言", "送出")
    # the second copy of an article: title then byline or long body ends the block
    assert not continues_block("示例標題第二次出現", "發布時間：2025-01-02　來源：示例網")
    assert not continues_block("示例標題第二次出現", "內容" * 150)
    long_sentence = "這是一段相當長的正文，句子完整，" * 3 + "超過了留言的長度上限。"
    assert not continues_block(long_sentence, None)


@pytest.mark.parametrize(
    "line, next_line, expected",
    [
        pytest.param(
            "車迷甲：寫得好，期待續篇", "內容" * 150, True, id="handle-before-untitled-copy"
        ),
        pytest.param(
            "讀者乙：" + "這篇分析很清楚，" * 5 + "值得一讀。", None, True, id="long-comment"
        ),
        pytest.param("路人丙 2小時前 回覆 讚(5)", "內容" * 150, True, id="reply-like-line"),
        pytest.param("示例標題第二次出現", "內容" * 150, False, id="copy-title-ends-block"),
        pytest.param("這是一段相當長的正文，句子完整，" * 3 + "結束。", None, False, id="body"),
    ],
)
def test_comment_block_keeps_comment_shaped_lines(line, next_line, expected):
    assert continues_block(line, next_line, "comment_box") is expected


def test_comment_shape_only_extends_comment_blocks():
    # a related list has no comments: the same line followed by a body starts an article
    assert not continues_block("車迷甲：寫得好，期待續篇", "內容" * 150, "related_list")
    assert not lines.is_comment_line("車迷甲：" + "長" * 300)


# --- text rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("經(jīng)濟", "經濟", id="toned-ascii-brackets"),
        pytest.param("國內(nèi)市場", "國內市場", id="toned-nei"),
        pytest.param("汽车（qì chē）出口", "汽车出口", id="fullwidth-brackets-two-syllables"),
        pytest.param("电池(dian4 chi2)成本", "电池成本", id="numbered"),
        pytest.param("一輛(liàng)車們(men)", "一輛車們", id="toneless-with-context"),
        pytest.param("比亞迪(PHEV)車型", "比亞迪(PHEV)車型", id="uppercase-model"),
        pytest.param("全文完。 (第一財經)", "全文完。 (第一財經)", id="chinese-outlet"),
        pytest.param("項目制(ToB)與運營(ToC)", "項目制(ToB)與運營(ToC)", id="mixed-case"),
        pytest.param("我們(men)來了", "我們(men)來了", id="toneless-alone-kept"),
        pytest.param("型號(hello)不變", "型號(hello)不變", id="english-word"),
        pytest.param("(jīng) 開頭", "(jīng) 開頭", id="not-after-han"),
        pytest.param("汽??(qì chē)產業", "汽??產業", id="after-qmark-garble"),
        pytest.param("汽\ue3b7(qì chē)產業", "汽\ue3b7產業", id="after-private-use-garble"),
        pytest.param("什麼?(PHEV)車型", "什麼?(PHEV)車型", id="question-mark-not-pinyin"),
    ],
)
def test_strip_pinyin(text, expected):
    assert strip_pinyin(text)[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("2025 年 11 月 6 日", "2025年11月6日", id="date"),
        pytest.param("超 5500 萬公里", "超5500萬公里", id="ten-thousands"),
        pytest.param("增長 75.9 %", "增長75.9%", id="percent"),
        pytest.param("每股 139 港元", "每股139港元", id="inside-sentence"),
        pytest.param("平均\u00a013L油耗", "平均13L油耗", id="nbsp"),
        pytest.param("收官。02 新的開始", "收官。02 新的開始", id="section-number-kept"),
        pytest.param("iPhone 16 Pro", "iPhone 16 Pro", id="latin-untouched"),
    ],
)
def test_normalize_number_spacing(text, expected):
    assert normalize_number_spacing(text)[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param('成為 " 全球第一家 " 上市', '成為"全球第一家"上市', id="padded"),
        pytest.param('名為 " 小馬 (Pony)"App', '名為"小馬 (Pony)"App', id="latin-after"),
        pytest.param('" 用戶 "" 車輛 " 兩端', '"用戶""車輛"兩端', id="adjacent-pairs"),
        pytest.param('單個 " 引號', '單個 " 引號', id="odd-count-untouched"),
        pytest.param("一股 “ 熱潮 ” 來襲", "一股 “熱潮” 來襲", id="curly"),
    ],
)
def test_normalize_quote_spacing(text, expected):
    assert normalize_quote_spacing(text)[0] == expected


def test_fullwidth_keeps_chinese_punctuation():
    text, edits = normalize_fullwidth("１０月，ＢＹＤ出口增長１２．５％：創新高。")
    assert text == "10月，BYD出口增長12.5%：創新高。"
    assert all(e.chars_removed == 0 for e in edits)


def test_repeated_caption_inline_and_paragraphs():
    text = "前文。圖：出口走勢，來源：示例研究院圖：出口走勢，來源：示例研究院後文"
    assert clean.collapse_repeated_captions(text)[0] == "前文。圖：出口走勢，來源：示例研究院後文"
    kept, dropped = clean.drop_repeated_paragraphs(["圖：工廠外景", "正文。", "圖： 工廠外景"])
    assert kept == ["圖：工廠外景", "正文。"] and dropped == [2]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "前文。圖片來源：示例官網圖片來源：示例官網後文",
            "前文。圖片來源：示例官網後文",
            id="source-only",
        ),
        pytest.param(
            "前文。▲新車外觀 ▲新車外觀 ▲新車外觀後文", "前文。▲新車外觀後文", id="triangle-marker"
        ),
        pytest.param("前文。图为工厂车间图为工厂车间后文", "前文。图为工厂车间后文", id="tu-wei"),
        pytest.param(
            "前文。新車下線（圖片來自網路）新車下線（圖片來自網路）後文",
            "前文。新車下線（圖片來自網路）後文",
            id="credit-at-end",
        ),
        pytest.param(
            "前文。圖1：甲。圖2：乙。後文",
            "前文。圖1：甲。圖2：乙。後文",
            id="different-captions-kept",
        ),
        pytest.param("哈哈哈哈，真好。", "哈哈哈哈，真好。", id="no-caption"),
    ],
)
def test_repeated_caption_forms(text, expected):
    assert clean.collapse_repeated_captions(text)[0] == expected


@pytest.mark.parametrize(
    "line, outlet",
    [
        pytest.param("最後一句話。 (示例財經)", "示例財經", id="space-before"),
        pytest.param("最後一句話。（示例日報）", "示例日報", id="fullwidth"),
        pytest.param("引語結束。” (示例社)", "示例社", id="after-quote"),
        pytest.param("錦江出租(上海)", None, id="place-in-sentence"),
        pytest.param("售價下降。 (jīng)", None, id="pinyin-not-outlet"),
        pytest.param("最後一句話。 (示例財(cái)經(jīng))", "示例財經", id="pinyin-inside-outlet"),
        pytest.param("新車在夜間測試 (圖片來自網路)", None, id="photo-credit-not-outlet"),
        pytest.param("最後一句話。（攝影：示例）", None, id="photographer-not-outlet"),
    ],
)
def test_strip_outlet(line, outlet):
    assert strip_outlet(line)[1] == outlet


def test_strip_outlet_with_readings_is_one_reversible_edit():
    line = "全文完。 (示例財(cái)經)"
    text, outlet, edit = strip_outlet(line)
    assert (text, outlet) == ("全文完。", "示例財經")
    assert undo_edits(text, [edit]) == line and edit.rule == "outlet_suffix"


def test_clean_paragraph_is_reversible_rule_by_rule():
    raw = ' 國內(nèi)銷量 2025 年達到 " 新高 "，ＮＥＶ占比１２％ '
    text, edits = clean_paragraph(raw)
    assert text == '國內銷量2025年達到"新高"，NEV占比12%'
    # undo rule by rule, last rule first
    for rule in reversed(list(dict.fromkeys(e.rule for e in edits))):
        text = undo_edits(text, [e for e in edits if e.rule == rule])
    assert text == raw


def test_apply_and_undo_edits_round_trip():
    edits = [clean.Edit("x", 0, "甲", ""), clean.Edit("x", 2, "丙丁", "戊")]
    assert apply_edits("甲乙丙丁", edits) == "乙戊"
    assert undo_edits("乙戊", edits) == "甲乙丙丁"


# --- garble and quality ------------------------------------------------------------------------


MOJIBAKE = "汽车出口增长".encode().decode("gb18030")  # UTF-8 bytes read as GBK
BIG5_AS_GBK = "據報道,汽車出口".encode("big5").decode("gbk", "replace")


@pytest.mark.parametrize(
    "text, kind",
    [
        pytest.param("銷量??增長", "qmarks", id="qmarks"),
        pytest.param("銷量\ufffd\ufffd增長", "replacement", id="replacement"),
        pytest.param("銷量\ue0a7\ue1c2增長", "private_use", id="private-use"),
        pytest.param(f"據報道,{MOJIBAKE},今年", "mojibake", id="mojibake-gbk"),
        pytest.param(BIG5_AS_GBK, "mojibake", id="big5-as-gbk"),
    ],
)
def test_find_garbled_spans(text, kind):
    assert kind in {s.kind for s in quality.find_garbled_spans(text)}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("比亞迪十一月海外銷量創新高，歐洲市場貢獻最大。", id="hant"),
        pytest.param("比亚迪十一月海外销量创新高，欧洲市场贡献最大。", id="hans"),
        pytest.param("是誰贏了? 答案是:還沒有。", id="single-question-mark"),
    ],
)
def test_clean_text_has_no_garble(text):
    assert quality.find_garbled_spans(text) == []


def test_repair_only_when_round_trip_is_certain():
    fixed, edits = quality.repair_mojibake(f"據報道,{MOJIBAKE},今年")
    assert fixed == "據報道,汽车出口增长,今年" and edits[0].rule == "garble_repair"
    broken = f"據報道,{MOJIBAKE[:-1]}\ufffd,今年"  # a lost byte: no certain round trip
    assert quality.repair_mojibake(broken)[0] == broken


def test_quality_score_orders_clean_above_garbled():
    clean_body = "比亞迪海外銷量持續增長。" * 10
    garbled = "比亞迪??銷量\ue000\ue001增長。" * 10
    assert quality.quality_score(clean_body, quality.find_garbled_spans(clean_body)) == 1.0
    low = quality.quality_score(garbled, quality.find_garbled_spans(garbled))
    assert 0.0 <= low < 0.7


# --- invisible characters and long tokens ---------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("比亞\u200b迪", "比亞迪", id="zero-width-space"),
        pytest.param("\u202e出口\u202c新高", "出口新高", id="rtl-override"),
        pytest.param("銷量\u200f12\u2066萬\u2069輛", "銷量12萬輛", id="bidi-marks-and-isolates"),
        pytest.param("正文\x00\x00\x07結束", "正文結束", id="nul-and-bell"),
        pytest.param("中\ufeff文", "中文", id="bom-inside-text"),
        pytest.param("保留\t製表符與\u00ad軟連字號", "保留\t製表符與\u00ad軟連字號", id="kept"),
    ],
)
def test_strip_invisible(text, expected):
    cleaned, edits = clean.strip_invisible(text)
    assert cleaned == expected
    assert undo_edits(cleaned, edits) == text
    assert {e.rule for e in edits} <= {"invisible_chars"}


def test_invisible_characters_do_not_split_numbers():
    cleaned, _ = clean_paragraph("出口12.\u200b5萬輛，增長3\u200b5%")
    assert cleaned == "出口12.5萬輛，增長35%"


def test_long_ascii_token_is_dropped_and_logged():
    blob = "data:image/png;base64," + "iVBORw0KGgo" * 100
    cleaned, edits = clean_paragraph(f"正文第一句。{blob}正文第二句。")
    assert cleaned == "正文第一句。正文第二句。"
    assert [(e.rule, e.text) for e in edits] == [("long_token", blob)]


def test_long_url_below_the_cap_is_kept():
    url = "https://example.com/news/" + "a" * 200
    assert clean_paragraph(f"詳見{url}")[0] == f"詳見{url}"


def test_outlet_precheck_finds_what_the_pattern_finds():
    import random
    import re

    from helpers.parse.clean import OUTLET_RE, _outlet_match

    # the premise: regex \s and str.rstrip agree on every code point
    assert all(bool(re.fullmatch(r"\s", chr(c))) == chr(c).isspace() for c in range(0x110000))
    parts = ["全文完。", " ", "(", "（", ")", "）", "示例財經", "(cái)", "\n", "\u3000", "圖片"]
    # what the search now starts from: the last opening bracket, the whitespace before it,
    # the lookbehind's characters, names too long or cut by punctuation, photo credits
    parts += ["。", "…", '"', "」", "\t", "a", "，", "圖/", "示例汽車研究院新能源數據中心周報", "x"]
    rng = random.Random(17)
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 12))) for _ in range(40000)]
    texts += ["全文完。 (示例財經)", "全文完。 (示例財經)\n", "全文完。（示例日報） \u3000"]
    texts += [
        "",
        " ",
        ")",
        "()",
        "。()",
        "。(示例)",
        "。 \t (示例)",
        "(示例)",
        " (示例) ",
        "。(圖片來自示例)",
    ]
    for line in [*texts, "錦江出租(上海)"]:
        expected = OUTLET_RE.search(line)
        got = _outlet_match(line)
        assert (got and got.span()) == (expected and expected.span()), repr(line)
        assert (got and got.group("outlet")) == (expected and expected.group("outlet"))


def _strip_pinyin_before(text, *, context=False):
    """strip_pinyin before issue 17's second round: two scans of the pattern."""
    if not clean._has_any(text, "(（"):
        return text, []
    kinds = {
        m.start(): clean.pinyin_confidence(m.group("py")) for m in clean.PINYIN_RE.finditer(text)
    }
    context = context or "toned" in kinds.values()
    allowed = {"toned", "toneless"} if context else {"toned"}
    return clean._regex_rule(
        "pinyin",
        clean.PINYIN_RE,
        text,
        lambda m: "" if kinds[m.start()] in allowed else m.group(0),
    )


def test_strip_pinyin_in_one_scan_gives_the_replaced_result():
    import random

    parts = ["經", "濟", "(jīng)", "(ji4)", "(men)", "（nèi）", "(PHEV)", "(第一財經)", "(", ")"]
    parts += ["們", "?", "\ufffd", "\ue000", " ", "。", "(qì chē)", "(a)", "(xyz)", "（上海）"]
    rng = random.Random(17)
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    for text in texts:
        for context in (False, True):
            assert strip_pinyin(text, context=context) == _strip_pinyin_before(
                text, context=context
            ), text


def test_paragraph_keys_and_repeats_give_the_replaced_results():
    import random
    import re

    from helpers.text.script import fold_nfkc

    # the premise: str.split() splits on exactly the characters regex \s matches
    spaces = "".join(chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c)))
    assert "".join(f"x{spaces}y".split()) == "xy"
    assert all(chr(c).isspace() == (chr(c) in spaces) for c in range(0x110000))
    pool = [*spaces, "圖", "：", "工廠", "，", "ＡＢ", "AB", "1", "１"]
    rng = random.Random(17)
    paras = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    for para in paras:
        assert clean.paragraph_key(para) == fold_nfkc(re.sub(r"\s+", "", para)), repr(para)
    for i in range(0, 20000, 3):
        group = paras[i : i + rng.randint(0, 4)]
        seen, kept, dropped = set(), [], []
        for j, para in enumerate(group):  # the loop as it was, with no shortcut
            key = fold_nfkc(re.sub(r"\s+", "", para))
            (dropped.append(j) if key in seen else kept.append(para)), seen.add(key)
        assert clean.drop_repeated_paragraphs(iter(group)) == (kept, dropped)
