"""A typed value survives its file going away and coming back (SPEC §5: an unsaved
edit is never lost; re-test item 2).

Table-driven over the kinds of outage a person can cause from another shell while the
app shows the participant with a typed, unsaved name: the file deleted then restored,
broken then fixed, renamed away then back, and each of them coming back with a
different saved version (a commit made meanwhile). While the file is away the banner
says nothing can be saved and the form keeps the typed value; once it is back the
value is still in its field, marked unsaved (✎), and a differing saved value is shown
under it (the collisions mechanism), until the person saves. Also: the banner names
the fields of every outside commit since the form last agreed with the file, and
clears after a save.

Every outage runs in one app session, each on a participant of its own (`sessions_a`):
an app start costs more CPU than a case.

The whole walk runs under `pytest -m slow` (.ci/run), outside the README's quick run
(issue 12: the quick run under 2 minutes; an outage costs about a second of CPU). It is
split in two tests, so the slow run spreads them over two workers: the outages of QUICK,
with the banner's list (each way away, deleted, broken, renamed, once, and each way back,
unchanged, another saved name, another field changed, once), and the other three, which
combine them otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
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
from ipstui.core.vocab import field_label
from ipstui.ui.app import IpsApp

TODAY = date(2026, 11, 16)
SIZE = (120, 40)
TYPED = "Paola W"


@pytest.fixture
def root(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return from_template("paolas", paolas, tmp_path / "cl", tmp_path_factory)


def _file(pid: str) -> str:
    return f"participants/{pid}.toml"


def _delete(root: Path, pid: str) -> None:
    (root / _file(pid)).unlink()


def _break(root: Path, pid: str) -> None:
    with (root / _file(pid)).open("a") as f:
        f.write("broken = \n")


def _rename(root: Path, pid: str) -> None:
    (root / _file(pid)).rename(root / f"{_file(pid)}.old")


def _restore(root: Path, pid: str) -> None:
    old = root / f"{_file(pid)}.old"
    if old.exists():
        old.rename(root / _file(pid))
    git(root, "checkout", "--", _file(pid))


def _outside(root: Path, pid: str, values: dict[str, str]) -> None:
    """Another terminal's `ipstui set` (one commit through the core, as the CLI does)."""
    edits.set_fields(load(root), pid, dict(values), today=TODAY)


@dataclass(frozen=True)
class Outage:
    name: str
    away: Callable[[Path, str], None]
    meanwhile: dict[str, str]
    """Committed after the file is back, before the app sees it ({}: nothing)."""


OUTAGES = [
    Outage("deleted then restored", _delete, {}),
    Outage("broken then fixed", _break, {}),
    Outage("renamed away then back", _rename, {}),
    Outage("deleted, back with another saved name", _delete, {"name": "Paola CLI"}),
    Outage("broken, fixed with another saved name", _break, {"name": "Paola CLI"}),
    Outage("renamed, back with another field changed", _rename, {"disclosure": "yes"}),
]

QUICK = {
    "deleted then restored",
    "broken, fixed with another saved name",
    "renamed, back with another field changed",
}
"""The outages of the `quick` half (module docstring); the others run in the `rest` half."""


def _text(widget) -> str:
    return str(widget.render())


async def a_typed_value_survives_the_file_going_away(
    app: IpsApp, pilot, root: Path, pid: str, outage: Outage
) -> None:
    screen = await open_participant(app, pilot, pid)
    name = screen.details.field("name")
    name.control.value = TYPED
    await pilot.pause()
    banner = screen.query_one("#p-banner", Static)

    outage.away(root, pid)
    app.load_caseload()  # what the disk watcher does on each change
    await settle(pilot)
    assert "Nothing here can be saved" in _text(banner)
    assert name.control.value == TYPED

    _restore(root, pid)
    if outage.meanwhile:
        _outside(root, pid, outage.meanwhile)
    app.load_caseload()
    await settle(pilot)
    assert screen.participant is not None
    assert "Nothing here can be saved" not in _text(banner)
    assert name.control.value == TYPED  # never dropped
    assert name.has_class("-changed")
    assert "✎" in _text(name.query_one(".field-label", Static))
    note = " ".join(_text(w) for w in name.query(".field-note"))  # mounted once set
    if "name" in outage.meanwhile:
        assert "Paola CLI" in note and "^t" in note
        assert f"yours {TYPED}, saved Paola CLI" in _text(banner)
    else:
        assert "saved meanwhile" not in note
    if not outage.meanwhile:
        assert "file is back, unchanged" in _text(banner)
    for field, value in outage.meanwhile.items():
        if field != "name":
            assert str(screen.details.field(field).control.value) == value

    # Saving writes the typed value on the newest version, in one commit, and the
    # banner is over.
    before = commit_count(root)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert commit_count(root) == before + 1
    text = (root / _file(pid)).read_text()
    assert f'name = "{TYPED}"' in text
    for field, value in outage.meanwhile.items():
        if field != "name":
            assert f'{field} = "{value}"' in text
    assert _text(banner).strip() == ""
    assert not name.has_class("-changed")


async def the_banner_names_every_outside_commit_until_a_save(
    app: IpsApp, pilot, root: Path, pid: str
) -> None:
    screen = await open_participant(app, pilot, pid)
    name = screen.details.field("name")
    name.control.value = TYPED
    await pilot.pause()
    banner = screen.query_one("#p-banner", Static)
    for values in ({"name": "Paola CLI"}, {"disclosure": "yes"}, {"support_mode": "direct"}):
        _outside(root, pid, values)
        app.load_caseload()
        await settle(pilot)
    shown = _text(banner)
    fields = ", ".join(map(field_label, ("name", "disclosure", "support_mode")))
    assert f"({fields})" in shown, shown
    assert f"yours {TYPED}, saved Paola CLI" in shown
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert f'name = "{TYPED}"' in (root / _file(pid)).read_text()
    assert _text(banner).strip() == ""
    # A later outside commit on a form that agrees with the file names only itself.
    _outside(root, pid, {"referral_source": "Self"})
    app.load_caseload()
    await settle(pilot)
    shown = _text(banner)
    assert field_label("referral_source") in shown, shown
    assert field_label("disclosure") not in shown, shown


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(
    "quick",
    [pytest.param(True, id="quick"), pytest.param(False, id="rest")],
)
async def test_a_typed_value_survives_the_file_going_away(root: Path, quick: bool) -> None:
    """Each outage of OUTAGES in this half (QUICK, or the rest), then with QUICK the
    banner's list of outside commits: one app, each on a participant of its own, the
    board between them."""
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=SIZE) as pilot:
        for index, outage in enumerate(OUTAGES):
            if (outage.name in QUICK) != quick:
                continue
            with step(outage.name):
                await a_typed_value_survives_the_file_going_away(
                    app, pilot, root, pid_of(index), outage
                )
                await back_to_board(app, pilot)
        if not quick:
            return
        with step("the banner names every outside commit until a save"):
            await the_banner_names_every_outside_commit_until_a_save(
                app, pilot, root, pid_of(len(OUTAGES))
            )
