"""The demo says where it is and who commits before the app opens (and in the app's
title); a report export never lands silently inside the caseload."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle, step, wait_for

from ipstui import cli
from ipstui.core.demo import DEMO_EMAIL, DEMO_NAME, describe, make_demo
from ipstui.ui.screens.reports import default_export_dir, inside


def test_demo_prints_path_and_identity_before_opening_the_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def fake_run(root: Path, *, today: date | None = None, banner: str = "") -> int:
        # What the user saw by the time the app takes the screen.
        seen["printed"] = capsys.readouterr().err
        seen["banner"] = banner
        seen["root"] = root
        return 0

    import ipstui.ui.app

    monkeypatch.setattr(ipstui.ui.app, "run", fake_run)
    target = tmp_path / "demo"
    assert cli.main(["demo", str(target), "--today", TODAY.isoformat()]) == 0
    printed = str(seen["printed"])
    assert f"demo caseload: {target.resolve()}" in printed
    assert "Anna Bianchi <anna@example.org>" in printed and "your git identity" in printed
    assert str(target.resolve()) in str(seen["banner"])
    assert "Anna Bianchi <anna@example.org>" in str(seen["banner"])


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
def test_demo_names_its_own_identity_when_git_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("EMAIL", "")
    root = make_demo(tmp_path / "demo", today=TODAY)
    info = describe(root)
    assert info.demo_identity
    assert info.identity.name == DEMO_NAME and info.identity.email == DEMO_EMAIL
    assert "demo identity, set in this repository only" in "\n".join(info.lines())


# ------------------------------------------------------------------ export


@pytest.mark.parametrize(
    ("cwd_rel", "home_rel", "expected_rel"),
    [
        ("elsewhere", "home", "elsewhere"),  # outside the caseload: where the user is
        ("cl", "home", "home"),  # at the caseload's root: the home folder
        ("cl/participants", "home", "home"),  # anywhere inside it
        ("cl", "cl/inner-home", "."),  # home inside the caseload too: the folder holding it
    ],
)
def test_default_export_dir_is_never_inside_the_caseload(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cwd_rel: str,
    home_rel: str,
    expected_rel: str,
) -> None:
    root = tmp_path / "cl"
    for rel in (cwd_rel, home_rel, "cl/participants"):
        (tmp_path / rel).mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(tmp_path / home_rel))
    got = default_export_dir(root, cwd=tmp_path / cwd_rel)
    assert got == (tmp_path / expected_rel).resolve()
    assert not inside(got, root)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_inside_follows_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "cl"
    (root / "sub").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(root / "sub")
    assert inside(link / "r.csv", root)
    assert not inside(tmp_path / "r.csv", root)


async def test_the_demo_banner_and_an_export_into_the_caseload(
    caseload_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One app session (a start costs more than either check): the demo's banner is
    under the board's title; an export into the caseload is refused."""
    from textual.widgets import Input

    from ipstui.ui.app import IpsApp
    from ipstui.ui.screens.reports import ExportCsvScreen, ReportsScreen

    home = tmp_path / "home-dir"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(caseload_dir)  # `cd caseload && ipstui`: the usual way to start
    app = IpsApp(caseload_dir, today=TODAY, watch_disk=False)
    app.banner = describe(caseload_dir).title()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None)
        with step("the demo banner is under the board title"):
            banner = str(app.screen.query_one("#banner").render())
            assert f"DEMO {caseload_dir}" in banner
            assert "Anna Bianchi" in banner

        await pilot.press("r")
        # `e` exports the figures shown: wait for them (a worker computes them), then for
        # the dialog (one pause was not enough on a loaded machine).
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ReportsScreen) and app.screen.report is not None,
            "the report's figures",
        )
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportCsvScreen), "the export dialog")
        proposed = Path(app.screen.query_one(Input).value)
        assert proposed.parent == home.resolve()

        # The user types a path inside the caseload: refused, as the CLI refuses it (one
        # rule, `export.inside_caseload`); nothing is asked, nothing written.
        inner = caseload_dir / "report.csv"
        app.screen.query_one(Input).value = str(inner)
        await pilot.press("enter")
        await settle(pilot)  # the export's worker refuses
        assert isinstance(app.screen, ReportsScreen)
        assert not inner.exists()
        assert any(
            "inside the caseload" in n.message and n.severity == "error"
            for n in app._notifications
        )
