"""Line rules of stage 01 (helpers.parse.lines): the faster scans give the replaced answers.

Each test compares the current function with a copy of the code it replaced, on the lines
of the fixtures and the sample, the benchmark's generator and seeded random lines built
from the boilerplate catalogue's own words (at and around each rule's ``max_chars``).
Every sentence here is written for these tests.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from helpers.catalog.boilerplate import (
    first_matching_rule,
    is_anchored,
    load_boilerplate,
)
from helpers.devtools.bench.parse import NOISE_LINES, _article
from helpers.parse import lines
from helpers.parse.clean import strip_pinyin

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_boilerplate()

# --- the replaced code, verbatim but for names ----------------------------------------------


def _old_without_readings(line):
    if "(" not in line and "（" not in line:
        return line
    return strip_pinyin(line)[0]


def _old_is_seo_spam(line, catalog):
    fields = [f.strip() for f in re.split(r"[|｜]", line)]
    if len(fields) < catalog.seo_min_fields or re.search("[。，,；;！!？?]", line):
        return False
    return all(0 < len(f) <= catalog.seo_max_field_chars for f in fields)


def _old_is_nav_bar(line, catalog):
    fields = [f for f in re.split(r"[\s|｜/·>»›]+", line.strip()) if f]
    if len(fields) < 3 or re.search("[。，,；;！!？?]", line):
        return False
    known = sum(f in catalog.nav_words for f in fields)
    short = all(len(f) <= lines.NAV_ITEM_MAX_CHARS for f in fields)
    has_home = any(f in lines.HOME_WORDS for f in fields)
    return known / len(fields) >= 0.6 or (short and has_home and len(fields) >= 4)


def _old_first_rule(rules, text):
    for rule in rules:
        if rule.matches(text):
            return rule.name
    return None


def _old_classify_line(line, catalog):
    text = _old_without_readings(line).strip()
    if not text:
        return "whitespace"
    if lines.parse_header_tags(text) is not None:
        return "header_tag"
    if lines.parse_byline(text) is not None:
        return "byline"
    if _old_is_nav_bar(text, catalog):
        return "web_nav"
    if _old_is_seo_spam(text, catalog):
        return "seo_spam"
    return _old_first_rule(catalog.line_rules, text)


def _old_match_block_header(line, catalog):
    return _old_first_rule(catalog.block_rules, _old_without_readings(line).strip())


# --- inputs -----------------------------------------------------------------------------------


def _pieces(words: str) -> list[str]:
    """The space-separated pieces of ``words``."""
    return words.split(" ")


# Words of every rule (both scripts), shapes of bylines, tags, nav bars and spam, readings,
# brackets, spaces and punctuation: the pieces random lines are built from.
PIECES = [
    *_pieces("跳到主要內容 返回顶部 skip to content Skip to main content 返回首頁，查看更多"),
    *_pieces("当前位置： 您的位置: 熱門標籤： Tags: 首页 > 登录|注册 關於我們 · 网站地图"),
    *_pieces("上一篇： 下一則: 打开APP，阅读全文 下載示例客戶端 查看原文 閱讀全文 >"),
    *_pieces("分享到： 分享: 收藏 點讚 在看 12 微信 微博 QQ空間 朋友圈 Facebook LINE X"),
    *_pieces("掃碼關注 長按識別二維碼下載 發表評論 我要留言 評論(12) 12條評論 12則"),
    *_pieces("寫下你的看法 登錄後參與評論 已有 5 人參與 暫無評論 展開全部12條回复"),
    *_pieces("【免責聲明】： 本文僅代表作者 不構成投資建議 僅供參考 不負法律責任"),
    *_pieces("版權所有 All Rights Reserved Copyright © ©2025 ICP備 公網安備"),
    *_pieces("轉載請註明 未經授權不得轉載 如有侵權請聯繫刪除 本文來源 原標題： 聲明："),
    *_pieces("僅代表作者個人觀點 不代表本站立場 責任編輯： 作者| （完） -END- 文/圖 |"),
    *_pieces("相關閱讀 猜你喜歡： Related articles read more 網友評論 讀者留言（3）："),
    *_pieces("#新能源 ＃出口 發布時間：2025-03-02 09:15 来源：示例晚报 记者 張三 date"),
    *_pieces("新聞 汽車 科技 財經 導購 論壇 Home 首頁 | ｜ / · » ›"),
    *_pieces("電動車|電動車價格|排行 比亞迪上月出口再創新高 。 ， ； ！ ? :"),
    *_pieces("(qì chē) (nèi) (men) (示例財經) （上海） ( ) （ ） 汽 車 經"),
    "(qì chē)",
    " ",
    "\u3000",
    "\t",
    "",
]


def _random_lines(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        line = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
        if rng.random() < 0.3:
            # around a rule's max_chars: the longest and the first too long for it
            rule = rng.choice([*CATALOG.line_rules, *CATALOG.block_rules])
            pad = rule.max_chars - len(line.strip()) + rng.choice((-1, 0, 1))
            line += "長" * max(pad, 0) if rng.random() < 0.5 else ""
            line = ("長" * max(pad, 0) + line) if rng.random() < 0.3 else line
        out.append(line)
    return out


def _corpus_lines() -> list[str]:
    """Every line of the fixtures' and the sample's text files (read as UTF-8)."""
    found = []
    for folder in (ROOT / "tests" / "fixtures", ROOT / "data" / "raw" / "sample"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".txt", ".html", ".json", ".jsonl", ".csv"} and path.is_file():
                found += path.read_text("utf-8", errors="replace").splitlines()
    rng = random.Random(7)
    found += [line for _ in range(300) for line in _article(rng).splitlines()]
    found += [line for noise in NOISE_LINES for line in noise.splitlines()]
    return found


LINES = [*_corpus_lines(), *_random_lines(10000, seed=17)]


def test_inputs_reach_every_rule():
    # NOTE: the comparisons below mean something only if the inputs make each rule fire.
    named = {lines.classify_line(line, CATALOG) for line in LINES}
    expected = {r.name for r in CATALOG.line_rules}
    assert expected | {"whitespace", "header_tag", "byline", "seo_spam", None} <= named
    headers = {lines.match_block_header(line, CATALOG) for line in LINES}
    assert {r.name for r in CATALOG.block_rules} <= headers


def test_classify_line_gives_the_replaced_answers():
    for line in LINES:
        assert lines.classify_line(line, CATALOG) == _old_classify_line(line, CATALOG), line


def test_match_block_header_gives_the_replaced_answers():
    for line in LINES:
        got = lines.match_block_header(line, CATALOG)
        assert got == _old_match_block_header(line, CATALOG), line


def test_nav_and_spam_tests_give_the_replaced_answers():
    for line in LINES:
        assert lines.is_nav_bar(line, CATALOG) == _old_is_nav_bar(line, CATALOG), line
        assert lines.is_seo_spam(line, CATALOG) == _old_is_seo_spam(line, CATALOG), line


def test_without_readings_remembers_the_same_answer():
    for line in LINES:
        expected = _old_without_readings(line)
        assert lines.without_readings(line) == expected
        assert lines.without_readings(line) == expected  # second time from the cache


@pytest.mark.parametrize(
    "pattern, anchored",
    [
        pytest.param("^分享", True, id="caret"),
        pytest.param(r"\A分享", True, id="backslash-a"),
        pytest.param("^分享|轉寄", False, id="top-level-alternation"),
        pytest.param("(^分享)", False, id="caret-inside-a-group"),
        pytest.param("分享$", False, id="end-anchor"),
        pytest.param("(?m)^分享", False, id="multiline"),
    ],
)
def test_is_anchored(pattern, anchored):
    assert is_anchored(re.compile(pattern)) is anchored


def test_first_matching_rule_keeps_rule_order_and_max_chars():
    # NOTE: the same line can match two rules: the first in catalogue order wins, and a
    # line over a rule's max_chars is never that rule's, as with LineRule.matches.
    rules = CATALOG.line_rules
    for line in ["發表評論", "版權所有，轉載請註明出處", "本文來源：示例網" + "長" * 300]:
        assert first_matching_rule(rules, line) == _old_first_rule(rules, line)
    for rule in rules:
        for line in LINES:
            text = line.strip()
            assert first_matching_rule((rule,), text) == _old_first_rule((rule,), text), text
