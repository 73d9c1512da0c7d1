"""One wording per width for a card's deadline (issue 13, trial 9 item 6).

Cards side by side read `· due in 4d` and `· in 4d`, `✖ 4d late` and `✖ 4d`: each card
took the longest words its own text allowed. `vocab.deadline_line` picks the wording by
the width alone; checked here for every width a column can have, in every language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ipstui.core.i18n import set_language
from ipstui.core.rules import Deadline
from ipstui.core.vocab import SYMBOL, cells, deadline_line, short_words

TODAY = date(2026, 11, 30)
DAYS = [-40, -4, -1, 0, 1, 4, 12]
"""Day counts of one or two digits: late, today, soon, later."""


def family(text: str, days: int, others: int) -> str:
    """Which wording `text` is: `long` (`4d overdue`, `due in 4d`, `due today`), `short`
    (`4d late`, `in 4d`, `today`) or `days` (`4d`)."""
    body = text.split(" ", 1)[1].removesuffix(f" +{others}").split(" · ")[0]
    due = TODAY + timedelta(days=days)
    if body == Deadline("P-1", "anna", "first_contact", due, "overdue").words(TODAY):
        return "long"
    if body == short_words(due, TODAY):
        return "short"
    return "days"


@pytest.mark.parametrize("lang", ["en", "it", "da", "sv"])
def test_one_wording_per_width(lang: str) -> None:
    set_language(lang)
    for width in range(4, 41):
        seen = set()
        for days in DAYS:
            due = TODAY + timedelta(days=days)
            for others in (0, 3):
                text = deadline_line(
                    SYMBOL["overdue"],
                    Deadline("P-1", "anna", "first_contact", due, "overdue").words(TODAY),
                    short_words(due, TODAY),
                    "first contact",
                    others,
                    days,
                    width,
                )
                assert cells(text) <= width, (width, text)
                assert str(abs(days)) in text or days == 0 or "…" in text, (width, text)
                seen.add(family(text, days, others))
        assert len(seen) == 1, (lang, width, seen)
