"""The faster number reader reads what the code it replaced read (issue 17, stage 03 speed).

Each test keeps the replaced implementation as a reference and compares it with the new one
on varied inputs: Simplified and Traditional, Chinese numerals, ranges, percents, 万/亿 and
false friends, in sentences written for these tests and in seeded random mixes of their
characters.
"""

from __future__ import annotations

import random
import re

import pytest

from helpers.text import numbers
from helpers.text.numerals import FALSE_FRIENDS, _Num

# Sentences written for these tests (no third-party text).
SENTENCES = [
    "一汽今年出口三成以上的零部件,十分重要。",
    "統一標準後,萬一銷量下滑兩成,進一步影響二手車出口。",
    "零跑汽車十分鐘充電,百分之三十九的用戶滿意,十分之一選擇四驅。",
    "這一數字較上一年增長約兩百至兩百四十億元,其中之一是百度。",
    "周一到周五共交付一萬兩千輛,星期三單日破三千台。",
    "四川與陸地港口合計出口五十萬輛,三星和五菱各佔一成半。",
    "万一出口额突破1,344亿元，同比增长18.7%，其一为新一代车型。",
    "隊伍擴大到逾千人,每千人汽車保有量約二百五十輛。",
    "兩岸車企零關稅政策下,單一車型出口逼近十萬輛。",
]
ALPHABET = "".join(sorted(set("".join(FALSE_FRIENDS) + "".join(SENTENCES) + "0123456789.%至-")))


def random_texts(n: int, seed: int) -> list[str]:
    """Seeded random mixes of the false friends' characters, numerals and units."""
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30))) for _ in range(n)]


def replaced_is_false_friend(text: str, core: _Num) -> bool:
    """The false-friend test before issue 17 (every word, every character of it)."""
    if not core.single_cn:
        return False
    p, ch = core.num_start, text[core.num_start]
    for word in FALSE_FRIENDS:
        for k, c in enumerate(word):
            if c == ch and p - k >= 0 and text[p - k : p - k + len(word)] == word:
                if word == "十分" and re.match(r"十分(?:鐘|钟|之)", text[p:]):
                    continue
                return True
    return False


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_false_friend_test_unchanged_at_every_position(seed):
    texts = SENTENCES + random_texts(400, seed)
    verdicts = []
    for text in texts:
        for p in range(len(text)):
            core = _Num(p, p + 1, p, p + 1, 1.0, single_cn=True)
            verdict = numbers._is_false_friend(text, core)
            assert verdict == replaced_is_false_friend(text, core), (text, p)
            verdicts.append(verdict)
    assert len(verdicts) > 1000 and 0 < sum(verdicts) < len(verdicts)  # both answers reached


def test_false_friend_index_holds_every_word_character():
    pairs = {(k, w) for v in numbers.FALSE_FRIENDS_BY_CHAR.values() for k, w in v}
    assert pairs == {(k, w) for w in FALSE_FRIENDS for k in range(len(w))}
