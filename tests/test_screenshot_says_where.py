"""Trial 8, item 8: the palette's Screenshot said only "Failed to save screenshot"
(Textual saves in ~/Downloads, which a server or a fresh account lacks). It is kept (the
picture is drawn from the app's own screen: any terminal, headless too) and now says
where it saved, or why it did not, in one line: Downloads when there is one, else the
home folder; never inside the caseload (a screenshot shows participants' details)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pilot_wait import palette_offers, wait_for

from ipstui.core.export import ExportRefusal
from ipstui.core.service import CaseloadService
from ipstui.ui.app import IpsApp

SVG = "<svg xmlns='http://www.w3.org/2000/svg'/>"


def _downloads(home: Path, caseload: Path) -> Path | None:
    (home / "Downloads").mkdir()
    return None


def _no_downloads(home: Path, caseload: Path) -> Path | None:
    return None


def _inside(home: Path, caseload: Path) -> Path | None:
    return caseload / "participants"


def _missing(home: Path, caseload: Path) -> Path | None:
    return home / "no-such-folder"


def _a_folder_has_the_name(home: Path, caseload: Path) -> Path | None:
    (home / "shots" / "s.svg").mkdir(parents=True)
    return home / "shots"


def _a_file_has_the_name(home: Path, caseload: Path) -> Path | None:
    (home / "shots").mkdir()
    (home / "shots" / "s.svg").write_text("the first")
    return home / "shots"


def _two_files_have_the_name(home: Path, caseload: Path) -> Path | None:
    _a_file_has_the_name(home, caseload)
    (home / "shots" / "s-2.svg").write_text("the second")
    return home / "shots"


def _name_too_long(home: Path, caseload: Path) -> Path | None:
    (home / "shots").mkdir()
    return home / "shots"


CASES: list[tuple[str, Callable[[Path, Path], Path | None], str, str | None]] = [
    # (case, set up and the folder asked for, the one line, the file written (from home))
    ("Downloads there", _downloads, "", "Downloads/s.svg"),
    ("no Downloads: home", _no_downloads, "", "s.svg"),
    (
        "inside the caseload",
        _inside,
        "The screenshot was not saved: {caseload}/participants/s.svg is inside the caseload, "
        "and a screenshot shows participants' details, which would be committed and shared "
        "from there.",
        None,
    ),
    (
        "no such folder",
        _missing,
        "The screenshot was not saved: there is no folder {home}/no-such-folder.",
        None,
    ),
    # A taken name is never written over: the next free one (s8fixB review, item 6).
    ("a folder has its name", _a_folder_has_the_name, "", "shots/s-2.svg"),
    ("a file has its name", _a_file_has_the_name, "", "shots/s-2.svg"),
    ("two files have", _two_files_have_the_name, "", "shots/s-3.svg"),
    (
        "a name too long",
        _name_too_long,
        "The screenshot was not saved: cannot write {home}/shots/" + "s" * 300 + ".svg: "
        "File name too long.",
        None,
    ),
]


@pytest.mark.parametrize(("case", "setup", "line", "written"), CASES, ids=[c[0] for c in CASES])
def test_a_screenshot_is_saved_or_says_why_not(
    case: str,
    setup: Callable[[Path, Path], Path | None],
    line: str,
    written: str | None,
    sample_caseload: Path,
    hermetic_git: Path,
) -> None:
    home = hermetic_git
    folder = setup(home, sample_caseload)
    name = "s" * 300 + ".svg" if setup is _name_too_long else "s.svg"
    svc = CaseloadService(sample_caseload)
    if written is None:
        with pytest.raises(ExportRefusal) as info:
            svc.save_screenshot(SVG, name, folder)
        assert str(info.value) == line.format(home=home, caseload=sample_caseload)
        assert not (sample_caseload / "participants" / "s.svg").exists()
        return
    before = {p: p.read_bytes() for p in home.rglob("s*.svg") if p.is_file()}
    path = svc.save_screenshot(SVG, "s.svg", folder)
    assert path == (home / written).resolve()
    assert {p: p.read_bytes() for p in before} == before  # nothing written over
    assert path.read_text() == SVG
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it shows personal data


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize("downloads", [True, False])
async def test_the_palettes_screenshot_says_where(
    downloads: bool, sample_caseload: Path, hermetic_git: Path
) -> None:
    home = hermetic_git
    if downloads:
        (home / "Downloads").mkdir()
    folder = home / "Downloads" if downloads else home
    app = IpsApp(sample_caseload, today=date(2026, 11, 16), watch_disk=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None)
        await pilot.press("ctrl+p", *"Screenshot")
        await wait_for(pilot, lambda: palette_offers(app, "Screenshot"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(t == "Screenshot" for t, _m in app.messages))
        title, message = next(m for m in app.messages if m[0] == "Screenshot")
    shots = list(folder.glob("ipstui_*.svg"))
    assert len(shots) == 1 and shots[0].read_text().startswith("<svg")
    assert message == f"Screenshot saved to {shots[0]}"
