"""Trial 8, item 11: at 80 columns the board titled "Job search" `Job … (16)`: a cut
word with a space before `…`. Now a cut never leaves a space before `…` (`vocab.fit`,
which every cut goes through), and a column too narrow for its phase's label shows the
phase's short label (`model.PHASE_SHORT_LABELS`, translated) before any cut: every
language, at 80×24 and 120×40, on the shipped sample."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ipstui.core.i18n import set_language
from ipstui.core.model import PHASE_SHORT_LABELS
from ipstui.core.vocab import fit
from ipstui.ui.app import IpsApp
from ipstui.ui.widgets.board import ColumnTitle, column_title

CUTS = [
    # (text, width, fitted): the `…` follows the last character kept
    ("Job search", 4, "Job…"),
    ("Job search", 5, "Job…"),  # not "Job …"
    ("Job search", 6, "Job s…"),
    ("a  b", 3, "a…"),  # every space the cut left goes
    ("a b c", 3, "a…"),
    ("求职 工作", 5, "求职…"),
    ("short", 8, "short"),
]


@pytest.mark.parametrize(("text", "width", "fitted"), CUTS)
def test_a_cut_leaves_no_space_before_the_ellipsis(text: str, width: int, fitted: str) -> None:
    assert fit(text, width, pad=False) == fitted
    padded = fit(text, width)
    assert padded.rstrip() == fitted.rstrip() and len(padded) >= len(fitted)


TITLES = [
    # (label, short, count, width, title)
    ("Job search", "Hunt", 16, 10, "Hunt (16)"),  # the trial's `Job … (16)`
    ("Job search", "Hunt", 16, 15, "Job search (16)"),
    ("Career profile", "Profile", 6, 11, "Profile (6)"),
    ("Career profile", "Profile", 6, 17, "Profile (6)"),  # `Career profi… (6)` before
    ("Career profile", "Profile", 6, 18, "Career profile (6)"),
    ("Engagement", "Engage", 16, 10, "Enga… (16)"),  # no short form fits: cut the short one
    ("Engagement", "", 6, 10, "Engag… (6)"),  # no short form at all
    ("Job search", "Job s", 6, 8, "Job… (6)"),  # no space before …, even in a short form
]


@pytest.mark.parametrize(("label", "short", "count", "width", "title"), TITLES)
def test_a_narrow_column_shows_the_short_label(
    label: str, short: str, count: int, width: int, title: str
) -> None:
    assert column_title(label, count, width, short) == title


BOARD = {
    # language: ({phase: title at 80×24}, {phase: title at 120×40}), on the sample
    "en": (
        ["Intake (6)", "Engage (6)", "Profile (6)", "Plan (6)", "Hunt (16)", "In job (14)"],
        ["Intake (6)", "Engagement (6)", "Profile (6)", "Plan (6)", "Job search (16)",
         "Follow-up (14)"],
    ),
    "it": (
        ["Avvio (6)", "Legame (6)", "Profilo (6)", "Piano (6)", "Cerca (16)", "Lavoro (14)"],
        ["Ingresso (6)", "Aggancio (6)", "Profilo (6)", "Piano (6)", "Ricerca (16)",
         "Supporto (14)"],
    ),
    "da": (
        ["Start (6)", "Dialog (6)", "Profil (6)", "Plan (6)", "Søger (16)", "I job (14)"],
        ["Indskrivning (6)", "Engagement (6)", "Profil (6)", "Plan (6)", "Jobsøgning (16)",
         "Opfølgning (14)"],
    ),
    "sv": (
        ["Remiss (6)", "Dialog (6)", "Profil (6)", "Plan (6)", "Sök (16)", "I jobb (14)"],
        ["Remiss (6)", "Relation (6)", "Arbetsprofil (6)", "Plan (6)", "Jobbsök (16)",
         "Uppföljning (14)"],
    ),
}  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize("lang", list(BOARD))
async def test_the_boards_titles_at_80_and_120_columns(lang: str, sample_caseload: Path) -> None:
    set_language(lang)
    for size, expected in zip(((80, 24), (120, 40)), BOARD[lang], strict=True):
        app = IpsApp(sample_caseload, today=date(2026, 11, 16), watch_disk=False)
        async with app.run_test(size=size) as pilot:
            for _unused in range(400):
                titles = [t for t in app.screen.query(ColumnTitle) if t.content_region.width]
                if len(titles) == 6 and all(t.count for t in titles):
                    break
                await pilot.pause(0.02)
            shown = [t.render().plain for t in titles]
        assert shown == expected, (size, shown)
        assert not any(" …" in s for s in shown)


SHORT_WORDS = {
    # language: {phase: its short label}: each a word of its own, never a cut one with a
    # full stop ("Engag.", "Aggan.", "Relat."), and Swedish "Closed" the word the catalog
    # uses for a closed participant ("Avslutad", not "Klar": done, ready)
    "it": {"engagement": "Legame", "closed": "Chiuso"},
    "da": {"engagement": "Dialog", "closed": "Slut"},
    "sv": {"engagement": "Dialog", "closed": "Avslutad"},
}


@pytest.mark.parametrize("lang", list(SHORT_WORDS))
def test_short_phase_labels_are_words_of_their_own(lang: str) -> None:
    set_language(lang)
    try:
        shown = {phase: PHASE_SHORT_LABELS[phase] for phase in PHASE_SHORT_LABELS}
    finally:
        set_language("en")
    for phase, word in SHORT_WORDS[lang].items():
        assert shown[phase] == word
    assert not [w for w in shown.values() if "." in w or "…" in w], shown
