"""Trial 8, item 10: in the help panel (`?`) a long description went on at the panel's
left edge (`]  Next: Move … (one` / `  commit)  [next_phase]`). Now each entry wraps
under its own description column (a hanging indent), at 80 and 120 columns, in every
language, on the board and on a participant's screen; the words are all still there."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pilot_wait import wait_for
from rich.cells import cell_len

from ipstui.core.i18n import set_language
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.help import KEY_CELLS, HelpPage, HelpScreen, describe_bindings
from ipstui.ui.screens.participant import ParticipantScreen

DESC_COLUMN = 2 + KEY_CELLS + 1
"""Where a key's description starts: two spaces, the keys column, one space."""


def _screen_lines(app: IpsApp) -> list[str]:
    update = app.screen._compositor.render_full_update()
    return ["".join(seg.text for seg in line) for line in update.strips]


async def _open_help(app: IpsApp, pilot, where: str) -> None:
    await wait_for(pilot, lambda: app.screen.query("ColumnTitle"), "the board's columns")
    if where == "participant":
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, ParticipantScreen), "the participant's screen"
        )
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help panel")


CASES = [
    (lang, size, where)
    for lang in ("en", "it", "da", "sv")
    for size in ((80, 24), (120, 40))
    for where in ("board", "participant")
]


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(("lang", "size", "where"), CASES)
async def test_a_long_description_hangs_under_its_column(
    lang: str, size: tuple[int, int], where: str, sample_caseload: Path
) -> None:
    set_language(lang)
    app = IpsApp(sample_caseload, today=date(2026, 11, 16), watch_disk=False)
    async with app.run_test(size=size) as pilot:
        await _open_help(app, pilot, where)
        page = app.screen.query_one(HelpPage)
        width = page.content_region.width
        lines = page.render().plain.split("\n")
        entries = describe_bindings(page.under)
        screen = _screen_lines(app)
    assert width > DESC_COLUMN + 20
    start = lines.index(next(ln for ln in lines if ln.strip())) + 2  # after the title
    wrapped = 0
    for _keys, desc, ident in entries:
        lead = lines[start]
        assert lead.startswith("  ") and lead[2] != " ", lead
        assert cell_len(lead) <= width, lead
        body = lead[DESC_COLUMN:]
        start += 1
        while start < len(lines) and lines[start].startswith(" " * DESC_COLUMN):
            # Every further line of this entry starts under the description, not at the edge.
            assert cell_len(lines[start]) <= width, lines[start]
            body += " " + lines[start][DESC_COLUMN:]
            wrapped += 1
            start += 1
        whole = f"{desc}  [{ident}]" if ident else desc
        assert re.sub(r"\s+", " ", body).strip() == re.sub(r"\s+", " ", whole), (body, whole)
    if size == (80, 24):
        assert wrapped, "at 80 columns some description is long enough to wrap"
    # The terminal shows the same: a continuation's first letter is at the description's
    # column inside the panel, never at the panel's left edge.
    first = next(ln for ln in screen if ln.lstrip("┃ ").startswith(entries[0][0].split()[0]))
    edge = first.index("┃") + 1
    desc_at = first.index(entries[0][1][:6])
    for ln in screen:
        inner = ln[edge:].split("┃")[0].strip() if "┃" in ln else ""
        if re.fullmatch(r"\[[a-z_]+\]", inner):  # an id alone on a continuation line
            assert ln.index(inner) >= desc_at, ln
