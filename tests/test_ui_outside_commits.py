"""An unsaved edit never vanishes when outside commits land (SPEC §5; trial 5 item 2).

One, two or three commits made behind the app's back (another terminal's `ipstui set`),
to the field being typed in or to others, seen one by one or back to back: the typed
value stays in its field; where a newer saved value differs, it is shown under the
field and in the banner (both versions), until the person saves (theirs is written)
or takes the saved one. A dialog open meanwhile keeps what was typed in it too.

Every case runs in one app session, each on a participant of its own (`sessions_a`):
an app start costs more CPU than a case.

The whole walk runs under `pytest -m slow` (.ci/run), outside the README's quick run
(issue 12: the quick run under 2 minutes; a case costs about a second of CPU). It is split
in two tests, so the slow run spreads them over two workers: the cases of QUICK, with
taking the saved value and the dialog (one by one and back to back, a collision and
none, the same field saved twice, three commits, the typed value saved outside), and the
rest of CASES, the same kinds combined otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count, from_template, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle, step
from sessions_a import back_to_board, open_participant, paolas, pid_of
from textual.widgets import Static

from ipstui.core import edits
from ipstui.core.caseload import load
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.forms import ContactForm

TODAY = date(2026, 11, 16)
SIZE = (120, 40)


def _file(pid: str) -> str:
    return f"participants/{pid}.toml"


@pytest.fixture
def root(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return from_template("paolas", paolas, tmp_path / "cl", tmp_path_factory)


@dataclass(frozen=True)
class Case:
    name: str
    outside: tuple[dict[str, str], ...]
    """The commits made behind the app's back, in order (field → value, as `ipstui set`)."""
    one_by_one: bool
    """True: the app sees each commit before the next; False: all land back to back."""
    collided: bool
    """The typed name differs from a name saved meanwhile: both are shown."""
    saved_name: str
    """The name on disk after the outside commits."""


TYPED = "Paola CLIX"
CASES = [
    Case("one commit, same field", ({"name": "Paola CLI5"},), True, True, "Paola CLI5"),
    Case("one commit, other field", ({"support_mode": "behind_the_scenes"},), True, False, "Paola B."),
    Case(
        "two back to back, same then other field (the trial)",
        ({"name": "Paola CLI5"}, {"support_mode": "behind_the_scenes"}),
        False, True, "Paola CLI5",
    ),
    Case(
        "two one by one, same then other field",
        ({"name": "Paola CLI5"}, {"support_mode": "behind_the_scenes"}),
        True, True, "Paola CLI5",
    ),
    Case(
        "two one by one, same field twice",
        ({"name": "Paola CLI5"}, {"name": "Paola CLI6"}),
        True, True, "Paola CLI6",
    ),
    Case(
        "three one by one, other, same, other",
        ({"disclosure": "yes"}, {"name": "Paola CLI5"}, {"support_mode": "direct"}),
        True, True, "Paola CLI5",
    ),
    Case(
        "three back to back, other fields only",
        ({"disclosure": "yes"}, {"support_mode": "direct"}, {"referral_source": "Self"}),
        False, False, "Paola B.",
    ),
    Case("one commit saving the typed value itself", ({"name": TYPED},), True, False, TYPED),
]  # fmt: skip

QUICK = {
    "two back to back, same then other field (the trial)",
    "two one by one, same field twice",
    "three back to back, other fields only",
    "one commit saving the typed value itself",
}
"""The cases of the `quick` half (module docstring); the others run in the `rest` half."""


def _outside(root: Path, pid: str, values: dict[str, str]) -> None:
    """Another terminal's `ipstui set` (one commit through the core, as the CLI does)."""
    edits.set_fields(load(root), pid, dict(values), today=TODAY)


async def _land(app: IpsApp, pilot, root: Path, pid: str, case: Case) -> None:
    for values in case.outside:
        _outside(root, pid, values)
        if case.one_by_one:
            app.load_caseload()  # what the disk watcher does on each change
            await settle(pilot)
    if not case.one_by_one:
        app.load_caseload()
        await settle(pilot)


def _text(widget) -> str:
    return str(widget.render())


def _note(field) -> str:
    """The field's note line as shown; "" while it has had none (FormField mounts the
    line when it first has a text)."""
    lines = field.query_children(".field-note")
    return _text(lines.first(Static)) if lines else ""


async def a_typed_value_survives_outside_commits(
    app: IpsApp, pilot, root: Path, pid: str, case: Case
) -> None:
    screen = await open_participant(app, pilot, pid)
    name = screen.details.field("name")
    name.control.value = TYPED
    await pilot.pause()
    await _land(app, pilot, root, pid, case)
    assert screen.participant is not None
    assert screen.participant.data["name"] == case.saved_name
    assert name.control.value == TYPED  # never dropped
    note = _note(name)
    banner = _text(screen.query_one("#p-banner", Static))
    if case.collided:
        assert case.saved_name in note and "^t" in note
        assert f"yours {TYPED}, saved {case.saved_name}" in banner
        assert name.has_class("-changed")
    else:
        assert "saved meanwhile" not in note
        assert "saved meanwhile" not in banner
    assert name.has_class("-changed") == (case.saved_name != TYPED)
    # The other fields show the newest saved version.
    last = {k: v for values in case.outside for k, v in values.items() if k != "name"}
    for field, value in last.items():
        control = screen.details.field(field).control
        assert str(getattr(control, "value", "")) == value or field == "referral_source"

    # Saving writes the typed value, on the newest version, in one commit.
    before = commit_count(root)
    await pilot.press("ctrl+s")
    await settle(pilot)
    if case.saved_name == TYPED:
        assert commit_count(root) == before  # nothing to save
    else:
        assert commit_count(root) == before + 1
        assert f'name = "{TYPED}"' in (root / _file(pid)).read_text()
    assert "saved meanwhile" not in _note(name)


async def take_the_saved_value_instead(app: IpsApp, pilot, root: Path, pid: str) -> None:
    screen = await open_participant(app, pilot, pid)
    name = screen.details.field("name")
    name.control.value = TYPED
    name.control.focus()
    await pilot.pause()
    _outside(root, pid, {"name": "Paola CLI5"})
    _outside(root, pid, {"support_mode": "behind_the_scenes"})
    app.load_caseload()
    await settle(pilot)
    assert name.control.value == TYPED
    await pilot.press("ctrl+t")
    await settle(pilot)
    assert name.control.value == "Paola CLI5"
    assert not name.has_class("-changed")
    assert "saved meanwhile" not in _note(name)


async def a_dialog_keeps_what_was_typed_in_it(app: IpsApp, pilot, root: Path, pid: str) -> None:
    screen = await open_participant(app, pilot, pid)
    screen.details.focus_content()
    await pilot.press("c")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, ContactForm)
    note = form.field("note")
    note.control.load_text("Met at the cafe")
    await pilot.pause()
    for values in ({"name": "Paola CLI5"}, {"support_mode": "behind_the_scenes"}):
        _outside(root, pid, values)
        app.load_caseload()
        await settle(pilot)
    assert app.screen is form
    assert note.control.text == "Met at the cafe"
    before = commit_count(root)
    await pilot.press("ctrl+s")
    await settle(pilot)
    # Saved on the newest version (a contact is appended under the lock), or
    # refused with the dialog and its text still there: never lost.
    text = (root / _file(pid)).read_text()
    if commit_count(root) == before + 1:
        assert "Met at the cafe" in text
        assert 'name = "Paola CLI5"' in text
    else:
        assert app.screen is form and note.control.text == "Met at the cafe"
    assert git(root, "status", "--porcelain") == ""


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(
    "quick",
    [pytest.param(True, id="quick"), pytest.param(False, id="rest")],
)
async def test_a_typed_value_survives_outside_commits(root: Path, quick: bool) -> None:
    """Each case of CASES in this half (QUICK, or the rest), then with QUICK taking the
    saved value instead and a dialog: one app, each on a participant of its own, the
    board between them."""
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=SIZE) as pilot:
        for index, case in enumerate(CASES):
            if (case.name in QUICK) != quick:
                continue
            with step(case.name):
                await a_typed_value_survives_outside_commits(app, pilot, root, pid_of(index), case)
                await back_to_board(app, pilot)
        if not quick:
            return
        with step("take the saved value instead"):
            await take_the_saved_value_instead(app, pilot, root, pid_of(len(CASES)))
            await back_to_board(app, pilot)
        with step("a dialog keeps what was typed in it"):
            await a_dialog_keeps_what_was_typed_in_it(app, pilot, root, pid_of(len(CASES) + 1))
