"""When caseload.toml cannot give its settings, every view that used the defaults says
so (SPEC §7: a partial result is never taken for a whole one): `fidelity` warns on
stderr and exits 3 as `report` and `due` do; the app's board header says the team
settings could not be read and defaults are used, not only "1 file left out"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import step, wait_for
from textual.widgets import Static

from ipstui import cli
from ipstui.ui.app import IpsApp
from ipstui.ui.widgets.board import Board

TODAY = date(2026, 11, 16)
DEFAULTS_LINE = "caseload.toml: the settings it could not give were replaced by the defaults"

BREAKAGES = [
    # (kind, text appended to caseload.toml, header words)
    ("syntax error", "due_soon_days = \n", "the team settings (caseload.toml) could not be read"),
    ("bad value", "referral_sources = 'CSM'\n", "caseload.toml has an error, so the settings"),
]


def _break(root: Path, text: str) -> None:
    path = root / "caseload.toml"
    if "referral_sources" in text:
        body = path.read_text(encoding="utf-8")
        body = "\n".join(ln for ln in body.splitlines() if not ln.startswith("referral_sources"))
        path.write_text(text + body + "\n", encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture
def root(caseload_dir: Path) -> Path:
    (caseload_dir / "participants" / "P-0001.toml").write_text(
        VALID_PARTICIPANT.format(pid="P-0001"), encoding="utf-8"
    )
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "P-0001: create")
    return caseload_dir


@pytest.mark.parametrize("cmd", [["fidelity"], ["fidelity", "--format", "json"], ["report"]])
@pytest.mark.parametrize(("kind", "text", "_words"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_fidelity_warns_and_exits_as_report_does(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    cmd: list[str],
    kind: str,
    text: str,
    _words: str,
) -> None:
    args = [*cmd, "-C", str(root), "--today", TODAY.isoformat()]
    capsys.readouterr()
    assert cli.main(args) == 0
    assert capsys.readouterr().err == ""
    _break(root, text)
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert code == 3, err
    assert out  # the review is still printed
    assert DEFAULTS_LINE in err
    assert "caseload.toml" in err.splitlines()[0]
    assert err.count(DEFAULTS_LINE) == 1


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_the_board_header_says_the_defaults_stand_in(root: Path) -> None:
    """Each breakage of BREAKAGES in one app: caseload.toml put back as committed, broken
    that way, and loaded again (as on a disk change)."""
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(160, 44)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None and app.screen.query(Board))
        for kind, text, words in BREAKAGES:
            with step(kind):
                git(root, "checkout", "--", "caseload.toml")
                _break(root, text)
                before = app.caseload
                app.load_caseload()
                await wait_for(pilot, lambda old=before: app.caseload is not old, "the load")
                header = str(app.screen.query_one("#title", Static).render())
                assert words in header, header
                assert "use the defaults" in header
                assert "file left out" not in header  # caseload.toml is not counted twice


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_the_board_header_in_italian(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ipstui.core import i18n

    _break(root, BREAKAGES[0][1])
    i18n.set_language("it")
    try:
        app = IpsApp(root, today=TODAY, watch_disk=False)
        async with app.run_test(size=(160, 44)) as pilot:
            await wait_for(pilot, lambda: app.caseload is not None and app.screen.query(Board))
            header = str(app.screen.query_one("#title", Static).render())
            assert "impostazioni del team (caseload.toml)" in header, header
    finally:
        i18n.set_language("en")
