"""`ipstui validate` and the app's Problems screen list the same problems.

The fault: the Problems screen showed only what the load found (`Caseload.problems`),
while `validate` also listed the employer register's problems, the `employer_id`s the
register lacks and event dates after today. Both now read one core function
(`findings.every_problem`, through `CaseloadService.problems`).

Each case: a caseload with odd files; the lines `validate --today` prints must be the
rows the Problems screen shows, in the same order, and hold the expected finding.

The cases share one app session with the Problems screen open: each case puts its
files in the caseload's history in place of the last case's, and the app loads again,
as it does when its disk watcher sees a change (an app start costs more CPU than a
case)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import step, wait_for
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


def _validate_lines(root: Path) -> list[str]:
    """What `ipstui validate` prints on stdout, line by line (read here, not by pytest's
    capture: a running app redirects stdout to itself)."""
    out = io.StringIO()
    with redirect_stdout(out):
        cli.main(["-C", str(root), "--today", TODAY.isoformat(), "validate"])
    return out.getvalue().splitlines()


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


async def _problems_of(app: IpsApp, pilot) -> ProblemsScreen:
    """The Problems screen once it shows the caseload the app holds now."""
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, ProblemsScreen)
            and getattr(app.screen, "_shown", None) is app.caseload
        ),
        "the problems",
    )
    assert isinstance(app.screen, ProblemsScreen)
    return app.screen


async def validate_and_problems_screen_agree(app: IpsApp, pilot, root: Path, case: str) -> None:
    files, words = CASES[case]
    _make(root, files)
    printed = _validate_lines(root)
    assert all(line == escape(line) for line in printed)
    assert (not words and not printed) or any(words in line for line in printed), printed
    app.load_caseload()  # what the disk watcher does on a change
    _agree(await _problems_of(app, pilot), printed)


async def problems_screen_follows_a_save(app: IpsApp, pilot, root: Path) -> None:
    """After a save in the app, the screen's list is validate's list again."""
    _make(root, {"participants/P-0001.toml": _p("P-0001", "refered_on = 2026-11-01\n")})
    app.load_caseload()
    await _problems_of(app, pilot)
    app.run_edit(
        "first contact",
        app.service.set_fields,
        "P-0001",
        {"first_contact_on": "2026-11-10"},
        today=TODAY,
    )
    await wait_for(
        pilot,
        lambda: (
            getattr(app.screen, "_shown", None) is app.caseload
            and app.caseload.participants["P-0001"].data.get("first_contact_on")
        ),
        "the save",
    )
    shown = _screen_lines(app.screen)
    assert shown == _validate_lines(root)
    assert any("unknown key 'refered_on'" in line for line in shown)


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_validate_and_problems_screen_agree(caseload_dir: Path) -> None:
    """Each case of CASES, then a save: one app with the Problems screen open, each
    case's files committed on the caseload as it was before the first case."""
    base = git(caseload_dir, "rev-parse", "HEAD").strip()
    app = IpsApp(caseload_dir, today=TODAY, watch_disk=False)
    async with app.run_test(size=(240, 50)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None, "the load")
        await pilot.press("p")
        await _problems_of(app, pilot)
        for case in [*CASES, "problems screen follows a save"]:
            with step(case):
                git(caseload_dir, "reset", "-q", "--hard", base)
                git(caseload_dir, "clean", "-qfd")
                if case in CASES:
                    await validate_and_problems_screen_agree(app, pilot, caseload_dir, case)
                else:
                    await problems_screen_follows_a_save(app, pilot, caseload_dir)


async def test_sample_and_hostile_caseloads_agree(sample_caseload: Path) -> None:
    """The shipped sample, then the same made hostile (tests/hostile.py: escapes in text,
    in file names, invalid and uncommitted files, employers) and loaded again."""
    from hostile import make_hostile

    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(300, 60)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None, "the load")
        await pilot.press("p")
        with step("sample"):
            printed = _validate_lines(sample_caseload)
            _agree(await _problems_of(app, pilot), printed)
        with step("hostile"):
            make_hostile(sample_caseload)
            printed = _validate_lines(sample_caseload)
            assert printed
            app.load_caseload()  # what the disk watcher does on a change
            _agree(await _problems_of(app, pilot), printed)
