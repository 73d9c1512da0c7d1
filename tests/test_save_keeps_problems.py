"""After a save, the snapshot lists the saved file's problems as a reload would.

The fault: the snapshot the app keeps after a save (`Caseload.with_participant`) dropped
every problem of the saved file, so a file with a warning (an unknown key, a byte order
mark, a pending decision: SPEC §2, §6) vanished from the Problems screen until the app
reloaded. A save now returns the saved file's problems by the loader's own rule
(`caseload.file_problems`), and the snapshot takes them in place of the old ones.

Each case: a participant file with a warning, a kind of save through the service on the
loaded snapshot, then the snapshot as the app updates it must equal a fresh load, problem
for problem, and still hold the expected warning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import VALID_PARTICIPANT, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle

from ipstui.core.service import CaseloadService

TODAY = date(2026, 11, 16)
PID = "P-0009"
REL = f"participants/{PID}.toml"
OTHER = "participants/P-0001.toml"

UNKNOWN_KEY = VALID_PARTICIPANT.format(pid=PID) + "refered_on = 2026-11-01\n"
BOM = "\ufeff" + VALID_PARTICIPANT.format(pid=PID)
CONFLICT = VALID_PARTICIPANT.format(pid=PID) + (
    'disclosure = "no"\n\n[conflicts.disclosure]\nours = "no"\ntheirs = "yes"\n'
    'theirs_commit = "3f2c9a1"\n'
)

FILES = {
    "unknown key": (UNKNOWN_KEY, "unknown key 'refered_on'"),
    "byte order mark": (BOM, "byte order mark"),
    "pending decision": (CONFLICT, "needs a decision: "),
}
"""Variant -> (the file, words of the warning it must keep)."""


def _field(svc: CaseloadService, cl: Any) -> Any:
    return svc.set_fields(cl, PID, {"notes": "called back"}, today=TODAY)


def _contact(svc: CaseloadService, cl: Any) -> Any:
    return svc.add_contact(cl, PID, kind="phone", on=TODAY, by="anna", note="")


def _phase(svc: CaseloadService, cl: Any) -> Any:
    return svc.move(cl, PID, "engagement", today=TODAY)


def _close(svc: CaseloadService, cl: Any) -> Any:
    return svc.move(cl, PID, "closed", today=TODAY, reason="moved")


SAVES: dict[str, Callable[[CaseloadService, Any], Any]] = {
    "field": _field,
    "contact": _contact,
    "phase": _phase,
    "close": _close,
}


def _caseload(root: Path, text: str) -> CaseloadService:
    """`root` with the warned-about file and one other file with a warning of its own
    (which no save may lose either), committed."""
    (root / REL).write_bytes(text.encode("utf-8"))
    (root / OTHER).write_text(VALID_PARTICIPANT.format(pid="P-0001") + "x_team = 1\nfoo = 2\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "files with warnings")
    return CaseloadService(root)


def _key(p: Any) -> tuple:
    return (p.path, p.line, p.col, p.message, p.severity)


@pytest.mark.parametrize("save", SAVES)
@pytest.mark.parametrize("variant", FILES)
def test_saved_file_keeps_its_warnings(caseload_dir: Path, variant: str, save: str) -> None:
    text, words = FILES[variant]
    svc = _caseload(caseload_dir, text)
    cl = svc.load()
    assert any(words in p.message for p in cl.problems if p.path == REL)
    result = SAVES[save](svc, cl)
    after = cl.with_participant(result.participant, result.problems)
    fresh = svc.load()
    assert sorted(map(_key, after.problems)) == sorted(map(_key, fresh.problems))
    assert any(words in p.message for p in after.problems if p.path == REL), save
    assert any("unknown key 'foo'" in p.message for p in after.problems if p.path == OTHER)
    assert all(p.severity == "warning" for p in result.problems)


def test_new_participant_matches_a_reload(caseload_dir: Path) -> None:
    svc = _caseload(caseload_dir, UNKNOWN_KEY)
    cl = svc.load()
    result = svc.new_participant(
        cl, name="New Person", specialist="anna", referral_source="CSM", today=TODAY
    )
    after = cl.with_participant(result.participant, result.problems)
    assert result.problems == ()
    assert sorted(map(_key, after.problems)) == sorted(map(_key, svc.load().problems))


def test_stale_edit_keeps_the_fresh_files_warnings(caseload_dir: Path) -> None:
    """A save refused as stale hands back the fresh file with its problems."""
    from ipstui.core.caseload import StaleEdit

    svc = _caseload(caseload_dir, VALID_PARTICIPANT.format(pid=PID))
    cl = svc.load()
    (caseload_dir / REL).write_text(UNKNOWN_KEY)
    git(caseload_dir, "commit", "-qam", "hand edit")
    with pytest.raises(StaleEdit) as err:
        _field(svc, cl)
    after = cl.with_participant(err.value.fresh, err.value.problems)
    assert sorted(map(_key, after.problems)) == sorted(map(_key, svc.load().problems))
    assert any("unknown key 'refered_on'" in p.message for p in after.problems)


EMPLOYER = """\
schema = 1
id = "E-0001"
name = "Coop Adriatica"
sektor = "retail"
notes = ""
"""


def test_employer_save_keeps_its_warnings(caseload_dir: Path) -> None:
    (caseload_dir / "employers").mkdir()
    (caseload_dir / "employers" / "E-0001.toml").write_text(EMPLOYER)
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "employer")
    svc = CaseloadService(caseload_dir)
    cl = svc.load()
    reg = svc.employers(cl)
    assert any("unknown key 'sektor'" in p.message for p in reg.problems)
    result = svc.set_employer_fields(reg, "E-0001", {"notes": "met the manager"})
    after = reg.with_employer(result.employer, result.problems)
    assert sorted(map(_key, after.problems)) == sorted(map(_key, svc.employers(cl).problems))
    assert any("unknown key 'sektor'" in p.message for p in after.problems)


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_app_problems_keep_a_saved_files_warning(caseload_dir: Path) -> None:
    """In the app: a field saved in a file with an unknown key; the app's snapshot still
    lists the warning, without a reload."""
    from ipstui.ui.app import IpsApp

    svc = _caseload(caseload_dir, UNKNOWN_KEY)
    app = IpsApp(caseload_dir, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        loads = app.caseload
        app.run_edit("notes", app.service.set_fields, PID, {"notes": "x"}, today=TODAY)
        await settle(pilot)
        assert app.caseload is not loads
        assert app.caseload.stats is loads.stats  # the save's snapshot, not a reload
        assert app.caseload.participants[PID].data["notes"] == "x"
        shown = sorted(map(_key, app.caseload.problems))
        assert shown == sorted(map(_key, svc.load().problems))
        assert any("unknown key 'refered_on'" in m for _p, _l, _c, m, _s in shown)
