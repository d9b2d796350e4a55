"""The ledger of stage 01 (helpers.parse.ledger): counts and the cleaning log."""

from __future__ import annotations

import random

from helpers.parse.clean import Edit
from helpers.parse.ledger import Ledger


def _log_edits_before(ledger, edits, *, line, key, field):
    """Ledger.log_edits before issue 17's second round: one remove() call per edit."""
    for e in edits:
        ledger.remove(
            e.rule,
            e.chars_removed,
            line=line,
            key=key,
            field=field,
            offset=e.start,
            text=e.text,
            replacement=e.replacement,
        )


def test_log_edits_logs_and_counts_as_remove_did():
    rng = random.Random(17)
    texts = ["", "(jīng)", " ", "２０２５", "圖：工廠圖：工廠", "，"]
    edits = [
        Edit(rng.choice(["pinyin", "fullwidth", "whitespace"]), rng.randint(0, 99), t, r)
        for _ in range(2000)
        for t, r in [(rng.choice(texts), rng.choice(["", "2025", ",", " "]))]
    ]
    new, old = Ledger("示例.txt", "text"), Ledger("示例.txt", "text")
    for i in range(0, len(edits), 7):
        args = {"line": i or None, "key": f"示例.txt#{i}", "field": rng.choice(["body", "title"])}
        new.log_edits(edits[i : i + 7], **args)
        _log_edits_before(old, edits[i : i + 7], **args)
    assert new.cleaning == old.cleaning
    assert new.removed == old.removed
    assert len(new.cleaning) > 1000  # most of the random edits change something
