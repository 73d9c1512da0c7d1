"""`ipstui validate` and the app's Problems screen list the same problems.

The fault: the Problems screen showed only what the load found (`Caseload.problems`),
while `validate` also listed the employer register's problems, the `employer_id`s the
register lacks and event dates after today. Both now read one core function
(`findings.every_problem`, through `CaseloadService.problems`).

Each case: a caseload with odd files; the lines `validate --today` prints must be the
rows the Problems screen shows, in the same order, and hold the expected finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git
from pilot_wait import wait_for
from textual.widgets import DataTable

from ipstui import cli
from ipstui.core.termsafe import escape
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.problems import ProblemsScreen

TODAY = date(2026, 11, 16)


def _p(pid: str, extra: str = "") -> str:
    return VALID_PARTICIPANT.format(pid=pid) + extra


EMPLOYER = 'schema = 1\nid = "E-0001"\nname = "Coop"\nnotes = ""\n'

CASES: dict[str, tuple[dict[str, str], str]] = {
    "clean": ({"participants/P-0001.toml": _p("P-0001")}, ""),
    "unknown key": (
        {"participants/P-0001.toml": _p("P-0001", "refered_on = 2026-11-01\n")},
        "unknown key 'refered_on'",
    ),
    "event date after today": (
        {"participants/P-0001.toml": _p("P-0001", "first_contact_on = 2026-12-24\n")},
        "2026-12-24 is after today (2026-11-16)",
    ),
    "pending decision": (
        {
            "participants/P-0001.toml": _p(
                "P-0001",
                'disclosure = "no"\n\n[conflicts.disclosure]\nours = "no"\ntheirs = "yes"\n'
                'theirs_commit = "3f2c9a1"\n',
            )
        },
        "needs a decision: ",
    ),
    "employer id the register lacks": (
        {
            "employers/E-0001.toml": EMPLOYER,
            "participants/P-0001.toml": _p(
                "P-0001",
                '\n[[jobs]]\nemployer = "Coop"\nemployer_id = "E-0009"\ntitle = "Clerk"\n'
                "start = 2026-10-01\ncompetitive = true\n",
            ),
        },
        "jobs[0].employer_id: no employer 'E-0009' in employers/",
    ),
    "employer file with an unknown key": (
        {"employers/E-0001.toml": EMPLOYER + 'sektor = "retail"\n'},
        "unknown key 'sektor'",
    ),
    "file that does not parse": (
        {"participants/P-0001.toml": 'schema = 1\nid = "P-0001\n'},
        "participants/P-0001.toml:2:",
    ),
    "id not the file name": (
        {"participants/P-0001.toml": _p("P-0007")},
        "does not match the file name",
    ),
    "unknown specialist": (
        {"participants/P-0001.toml": _p("P-0001").replace('"anna"', '"zoe"')},
        "unknown specialist 'zoe'",
    ),
    "byte order mark": (
        {"participants/P-0001.toml": "\ufeff" + _p("P-0001")},
        "byte order mark",
    ),
    "case twins": (
        {"participants/P-0001.toml": _p("P-0001"), "participants/p-0001.toml": _p("p-0001")},
        "p-0001",
    ),
}
"""Case -> (files to commit, words one of the listed problems must hold)."""


def _make(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "odd files")


def _validate_lines(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    cli.main(["-C", str(root), "--today", TODAY.isoformat(), "validate"])
    return capsys.readouterr().out.splitlines()


def _screen_rows(screen: ProblemsScreen) -> list[tuple[str, str, str]]:
    """Each row of the Problems table: (where, tag "warning: " or "", message)."""
    table = screen.query_one("#problem-table", DataTable)
    out = []
    for i in range(table.row_count):
        where, severity, message = (str(c) for c in table.get_row_at(i))
        out.append((where, "warning: " if "warning" in severity else "", message))
    return out


def _screen_lines(screen: ProblemsScreen) -> list[str]:
    """Each row of the Problems table as validate prints a problem."""
    return [f"{where}: {tag}{message}" for where, tag, message in _screen_rows(screen)]


def _agree(screen: ProblemsScreen, printed: list[str]) -> None:
    """The table shows validate's lines in order; a place longer than its column ends in
    `…` (the line under the table shows it whole) and must begin the printed one."""
    rows = _screen_rows(screen)
    assert len(rows) == len(printed)
    for (where, tag, message), line in zip(rows, printed, strict=True):
        if where.endswith("…"):
            assert line.startswith(where[:-1]) and line.endswith(f": {tag}{message}"), line
        else:
            assert f"{where}: {tag}{message}" == line


@pytest.mark.parametrize("case", CASES)
async def test_validate_and_problems_screen_agree(
    case: str, caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files, words = CASES[case]
    _make(caseload_dir, files)
    printed = _validate_lines(caseload_dir, capsys)
    assert all(line == escape(line) for line in printed)
    assert (not words and not printed) or any(words in line for line in printed), printed
    app = IpsApp(caseload_dir, today=TODAY, watch_disk=False)
    async with app.run_test(size=(240, 50)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None, "the load")
        await pilot.press("p")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ProblemsScreen)
            and getattr(app.screen, "_shown", None) is app.caseload,
            "the problems",
        )
        _agree(app.screen, printed)


async def test_problems_screen_follows_a_save(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a save in the app, the screen's list is validate's list again."""
    from pilot_wait import settle

    _make(caseload_dir, {"participants/P-0001.toml": _p("P-0001", "refered_on = 2026-11-01\n")})
    app = IpsApp(caseload_dir, today=TODAY, watch_disk=False)
    async with app.run_test(size=(240, 50)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None, "the load")
        await pilot.press("p")
        await settle(pilot)
        app.run_edit(
            "first contact",
            app.service.set_fields,
            "P-0001",
            {"first_contact_on": "2026-11-10"},
            today=TODAY,
        )
        await wait_for(
            pilot,
            lambda: getattr(app.screen, "_shown", None) is app.caseload
            and app.caseload.participants["P-0001"].data.get("first_contact_on"),
            "the save",
        )
        shown = _screen_lines(app.screen)
    assert shown == _validate_lines(caseload_dir, capsys)
    assert any("unknown key 'refered_on'" in line for line in shown)


@pytest.mark.parametrize("hostile", [False, True], ids=["sample", "hostile"])
async def test_sample_and_hostile_caseloads_agree(
    hostile: bool, sample_caseload: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped sample, and the same made hostile (tests/hostile.py: escapes in text,
    in file names, invalid and uncommitted files, employers)."""
    if hostile:
        from hostile import make_hostile

        make_hostile(sample_caseload)
    printed = _validate_lines(sample_caseload, capsys)
    assert not hostile or printed
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(300, 60)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None, "the load")
        await pilot.press("p")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ProblemsScreen)
            and getattr(app.screen, "_shown", None) is app.caseload,
            "the problems",
        )
        _agree(app.screen, printed)
