"""Stored codes shown to a person go through the label tables (issue 13, item 4): error
messages name the field in the language (the wrong value stays as typed), the palette
names phase and specialist, the conflict dialog shows the values' labels. Per language."""

from __future__ import annotations

from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from textual.widgets import Select

from ipstui import cli
from ipstui.core.i18n import LANGUAGES, _, set_language
from ipstui.core.model import PHASE_LABELS
from ipstui.core.vocab import FIELD_LABELS, SUPPORT_MODE_LABELS, field_label, field_value
from ipstui.ui.commands import participant_help
from ipstui.ui.screens.forms import ConflictForm

TODAY = ["--today", "2026-11-16"]

# (command line after the id, the wrong value, the message's English source)
WRONG = [
    (["move", "{pid}", "nowhere"], "nowhere", "unknown phase {value}; use one of: {values}"),
    (
        ["contact", "{pid}", "--kind", "foo"],
        "foo",
        "unknown contact kind {value}; use one of: {values}",
    ),
    (
        ["move", "{pid}", "closed", "--reason", "bored"],
        "bored",
        "unknown closure reason {value}; use one of: {values}",
    ),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("argv", "value", "source"), WRONG, ids=[w[1] for w in WRONG])
def test_cli_names_the_field_in_the_language(
    sample_caseload: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    argv: list[str],
    value: str,
    source: str,
) -> None:
    args = [a.format(pid="P-0005") for a in argv]
    monkeypatch.setenv("IPSTUI_CASELOAD", str(sample_caseload))
    code = cli.main(["--lang", lang, *args, *TODAY])
    err = capsys.readouterr().err
    assert code != 0
    set_language(lang)
    head = _(source).split("{value}")[0]
    assert head.strip() and head in err, err
    assert repr(value) in err  # the wrong value as typed
    if lang != "en":
        assert source.split("{value}")[0] not in err  # not the English words


@pytest.mark.parametrize("lang", LANGUAGES)
def test_palette_help_shows_labels_not_codes(lang: str) -> None:
    set_language(lang)

    class Spec:
        name = "Anna Bianchi"

    text = participant_help("job_search", "anna", {"anna": Spec()})
    assert PHASE_LABELS["job_search"] in text and "Anna Bianchi" in text
    assert "job_search" not in text and "@" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_field_labels_and_values(lang: str) -> None:
    set_language(lang)
    assert field_label("support_mode") == FIELD_LABELS["support_mode"]
    assert (
        field_value("support_mode", "behind_the_scenes") == SUPPORT_MODE_LABELS["behind_the_scenes"]
    )
    assert field_value("phase", "job_search") == PHASE_LABELS["job_search"]
    assert field_value("notes", "direct") == "direct"  # not a coded field: as it is
    assert field_value("support_mode", "sideways") == "sideways"  # unknown code: as typed


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_conflict_dialog_shows_labels(lang: str) -> None:
    from textual.app import App

    set_language(lang)
    conflicts = {"support_mode": {"theirs": "behind_the_scenes", "theirs_commit": "abc1234"}}
    form = ConflictForm(conflicts, {"support_mode": "direct"}, who="P-0005 Test")
    async with App().run_test() as pilot:
        pilot.app.push_screen(form)
        await pilot.pause()
        field = form.field("support_mode")
        assert field.label_text == FIELD_LABELS["support_mode"]
        select = field.control
        assert isinstance(select, Select)
        shown = " ".join(str(label) for label, _value in select._options)
        assert SUPPORT_MODE_LABELS["direct"][:20] in shown  # cut to 40 cells with …
        assert SUPPORT_MODE_LABELS["behind_the_scenes"] in shown
        assert "behind_the_scenes" not in shown and "direct" not in shown.split()
