"""The Reports screen's CSV export: written through the service, in a worker.

The fault: the screen wrote the file on the UI thread with a flow of its own (its own
checks, its own error handling). The write is now `CaseloadService.export_report_csv`
(`export.write_report_csv`), run in a worker that posts `ReportExported` or
`ExportRefused`; the refusals and the question (an existing file) are each a whole
sentence. A file inside the caseload is refused, as the CLI refuses it (issue 13, trial
9: the app asked "Write it there anyway?" and wrote)."""

from __future__ import annotations

import errno
import threading
from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle, wait_for

from ipstui.core.export import ExportRefusal
from ipstui.core.model import Settings
from ipstui.core.report import Quarter, compute, to_csv
from ipstui.core.service import CaseloadService

TODAY = date(2026, 11, 16)
REPORT = compute([], Settings(), Quarter(2026, 3), TODAY)


def _folder(tmp: Path, root: Path) -> Path:
    (tmp / "out").mkdir()
    return tmp / "out"


def _missing(tmp: Path, root: Path) -> Path:
    return tmp / "no-such-folder" / "r.csv"


def _inside(tmp: Path, root: Path) -> Path:
    return root / "r.csv"


def _inside_by_link(tmp: Path, root: Path) -> Path:
    (tmp / "link").symlink_to(root / "participants")
    return tmp / "link" / "r.csv"


def _exists(tmp: Path, root: Path) -> Path:
    (tmp / "r.csv").write_text("keep me\n")
    return tmp / "r.csv"


INSIDE = (
    "{real} is inside the caseload ({top}); an export holds personal data and would be "
    "committed and shared from there — write it outside the caseload"
)

REFUSALS = {
    "a folder": (_folder, ExportRefusal.FOLDER, "Not exported: {path} is a folder; give a file name."),
    "no folder": (_missing, ExportRefusal.NO_FOLDER, "Not exported: there is no folder {parent}."),
    # Never written there, as the CLI refuses it (one rule: export.inside_caseload).
    "inside the caseload": (_inside, ExportRefusal.INSIDE, INSIDE),
    "inside through a link": (_inside_by_link, ExportRefusal.INSIDE, INSIDE),
    "an existing file": (_exists, ExportRefusal.EXISTS, "{path} already exists. Overwrite it?"),
}
"""Case -> (makes the path, the refusal's reason, its message with {path} and {parent})."""


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals(case: str, caseload_dir: Path, tmp_path: Path) -> None:
    make, reason, words = REFUSALS[case]
    path = make(tmp_path, caseload_dir)
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(ExportRefusal) as err:
        CaseloadService(caseload_dir).export_report_csv(REPORT, path)
    assert err.value.reason == reason
    assert str(err.value) == words.format(
        path=path, parent=path.parent, real=path.resolve(), top=caseload_dir.resolve()
    )
    assert (path.read_bytes() if path.is_file() else None) == before


ALLOWED = {
    "outside": (lambda tmp, root: tmp / "r.csv", {}),
    "an existing file, once asked": (_exists, {"overwrite": True}),
}


@pytest.mark.parametrize("case", ALLOWED)
def test_written(case: str, caseload_dir: Path, tmp_path: Path) -> None:
    make, kwargs = ALLOWED[case]
    path = make(tmp_path, caseload_dir)
    got = CaseloadService(caseload_dir).export_report_csv(REPORT, path, **kwargs)
    assert got == path.resolve()
    assert path.read_text(encoding="utf-8") == to_csv(REPORT)


def test_a_write_the_system_refuses(
    caseload_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "open", full)
    path = tmp_path / "r.csv"
    with pytest.raises(ExportRefusal) as err:
        CaseloadService(caseload_dir).export_report_csv(REPORT, path)
    assert err.value.reason == ExportRefusal.UNWRITABLE
    assert str(err.value) == f"Not exported: cannot write {path}: No space left on device"


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_the_app_writes_in_a_worker(
    caseload_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the app: `e`, enter; the file is written off the UI thread, then said."""
    from textual.widgets import Input

    from ipstui.core import export
    from ipstui.ui.app import IpsApp
    from ipstui.ui.screens.reports import ExportCsvScreen, ReportsScreen

    threads: list[threading.Thread] = []
    write = export.write_report_csv

    def recording(*args: object, **kwargs: object) -> Path:
        threads.append(threading.current_thread())
        return write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "write_report_csv", recording)
    target = tmp_path / "report.csv"
    app = IpsApp(caseload_dir, today=TODAY, watch_disk=False)
    said: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None, "the load")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen), "Reports")
        await wait_for(pilot, lambda: app.screen.report is not None, "the report")
        report = app.screen.report
        monkeypatch.setattr(app.screen, "notify", lambda message, **_k: said.append(message))
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportCsvScreen)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert target.read_text(encoding="utf-8") == to_csv(report)
    assert said == [f"Exported the {report.quarter} report to {target.resolve()}"]
