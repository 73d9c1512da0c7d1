"""An editor setting that cannot start never hangs the app or loses the text (trial 8,
item 1: EDITOR=nosuchedit, then ctrl+e in the contact form, left a blank screen and a
process waiting forever; the typed note died with it).

The kind of fault: the editor was started inside Textual's `App.suspend()`, whose `with`
block resumes the terminal only when it ends normally; the FileNotFoundError of a missing
program escaped it, so the app never came back. Table-driven over every way the setting
can fail (missing program or path, a folder, a file without execute permission, an empty
or badly quoted value, a command quoted whole, $VISUAL when $EDITOR is empty, a non-zero
exit, a kill): each keeps the note, says one exact message, and, when the terminal was
handed over, takes it back (the driver resumed as often as it was suspended). The real
`App.suspend()` runs: the headless driver is made to accept suspending, as a terminal's
does, so the resume path is the one a person's terminal takes."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pilot_wait import settle
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import TextArea

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.forms import ConfirmDialog, ContactForm

TODAY = date(2026, 11, 16)
PID = "P-0005"
TYPED = "typed first"
KEPT = "; the text was kept as it was"


@dataclass(frozen=True)
class Case:
    name: str
    env: dict[str, str]  # EDITOR / VISUAL; "{tmp}" is the test's folder
    message: str  # the one error toast, "{tmp}" likewise
    handed_over: bool  # whether the terminal was handed to a program at all


CASES = [
    Case("missing program", {"EDITOR": "nosuchedit-ipstui"},
         "Could not run the editor (nosuchedit-ipstui): No such file or directory" + KEPT, True),
    Case("missing path", {"EDITOR": "/nonexistent/ed"},
         "Could not run the editor (/nonexistent/ed): No such file or directory" + KEPT, True),
    Case("a folder", {"EDITOR": "{tmp}/folder"},
         "Could not run the editor ({tmp}/folder): Permission denied" + KEPT, True),
    Case("not executable", {"EDITOR": "{tmp}/plain.txt"},
         "Could not run the editor ({tmp}/plain.txt): Permission denied" + KEPT, True),
    Case("a command quoted whole", {"EDITOR": '"code --wait"'},
         "Could not run the editor (code --wait): No such file or directory" + KEPT, True),
    Case("unbalanced quote", {"EDITOR": 'code "--wait'},
         "EDITOR is not a command: 'code \"--wait'" + KEPT, False),
    Case("only spaces", {"EDITOR": "   "},
         "EDITOR is not a command: '   '" + KEPT, False),
    Case("empty EDITOR, bad VISUAL", {"EDITOR": "", "VISUAL": "nosuchvisual-ipstui"},
         "Could not run the editor (nosuchvisual-ipstui): No such file or directory" + KEPT, True),
    Case("bad VISUAL quoting", {"VISUAL": "'vi"},
         "VISUAL is not a command: \"'vi\"" + KEPT, False),
    Case("exits with status 1", {"EDITOR": "false"},
         "The editor (false) exited with status 1" + KEPT, True),
    Case("killed", {"EDITOR": "{tmp}/killed.sh"},
         "The editor ({tmp}/killed.sh) was stopped by signal 9 (SIGKILL)" + KEPT, True),
]  # fmt: skip


class Handover:
    """Counts the driver's suspends and resumes (the real `App.suspend()` calls them)."""

    def __init__(self, driver: HeadlessDriver) -> None:
        self.suspended = self.resumed = 0
        suspend, resume = driver.suspend_application_mode, driver.resume_application_mode

        def counted_suspend() -> None:
            self.suspended += 1
            suspend()

        def counted_resume() -> None:
            self.resumed += 1
            resume()

        driver.suspend_application_mode = counted_suspend  # type: ignore[method-assign]
        driver.resume_application_mode = counted_resume  # type: ignore[method-assign]


def _tools(tmp: Path) -> None:
    (tmp / "folder").mkdir()
    (tmp / "plain.txt").write_text("not a program\n")
    killed = tmp / "killed.sh"
    killed.write_text("#!/bin/sh\nkill -9 $$\n")
    killed.chmod(killed.stat().st_mode | stat.S_IEXEC)
    writes = tmp / "writes.sh"
    writes.write_text('#!/bin/sh\nprintf "from the editor\\n" >> "$1"\n')
    writes.chmod(writes.stat().st_mode | stat.S_IEXEC)


async def test_an_editor_that_cannot_start_keeps_the_text_and_the_app(
    sample_caseload: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tools(tmp_path)
    tmp = str(tmp_path)
    # A terminal's driver can suspend; the headless one says it cannot (then the editor
    # runs without a hand-over, and the resume path would go untested).
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app._driver is not None
        handover = Handover(app._driver)
        app.add_contact_for(PID)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        area = form.field("note").control
        assert isinstance(area, TextArea)
        for case in CASES:
            monkeypatch.delenv("EDITOR", raising=False)
            monkeypatch.delenv("VISUAL", raising=False)
            for var, value in case.env.items():
                monkeypatch.setenv(var, value.format(tmp=tmp))
            area.load_text(TYPED)
            app.clear_notifications()
            before = handover.suspended
            await pilot.press("ctrl+e")
            await settle(pilot)
            assert handover.suspended == before + case.handed_over, case.name
            assert handover.resumed == handover.suspended, case.name
            assert app.screen is form, case.name
            assert area.text == TYPED, case.name
            errors = [(n.severity, n.message) for n in app._notifications]
            assert errors == [("error", case.message.format(tmp=tmp))], case.name
        # An editor that works, after all those: the text comes back from it.
        monkeypatch.setenv("EDITOR", f"{tmp}/writes.sh")
        monkeypatch.delenv("VISUAL", raising=False)
        area.load_text(TYPED)
        app.clear_notifications()
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert area.text == TYPED + "from the editor"
        assert list(app._notifications) == []
        assert handover.resumed == handover.suspended == 1 + sum(c.handed_over for c in CASES)
        # The app still reads keys: escape on the edited form asks before losing the text.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
    # No temporary note left in the caseload's git directory.
    assert not list((sample_caseload / ".git").glob("ipstui-note-*"))


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (2, "The editor (vi) exited with status 2" + KEPT),
        (-9, "The editor (vi) was stopped by signal 9 (SIGKILL)" + KEPT),
        (-15, "The editor (vi) was stopped by signal 15 (SIGTERM)" + KEPT),
        (-200, "The editor (vi) was stopped by signal 200" + KEPT),  # no such signal
    ],
)
def test_how_the_editor_ended_is_said(code: int, said: str) -> None:
    from ipstui.ui.screens.forms.editor import _ended

    assert _ended("vi", code) == said
