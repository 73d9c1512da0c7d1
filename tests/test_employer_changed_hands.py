"""An employer edit never lands on another employer when the id changes hands between
what the user saw and the save (SPEC §6 "Two people never become one", §11 "same rules
as participant files"): the participants' check (`identity.judge` under the save lock,
`caseload._refuse_changed_hands`), not a copy of it.

Before, an employer edit checked only "changed since read" against the register the
screen held *at save time*: a register read again after a sync (E-0002 renumbered, the
remote's E-0002 brought in) let a dialog opened on the old employer save onto the new
one, and a command that waited for the lock had nothing to compare with at all.

Table-driven over the ways an id changes hands and the outside edits that must still
save, for both callers: the command line (what it saw before waiting for the lock: a
refusal) and the app (the register the dialog showed: a refusal the screen turns into a
question, and the same edit saved onto the employer at the id when the user says yes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import head, isolate_git, make_team, participant, run
from test_changed_hands import _first_cat_file_done

from ipstui.core import employers, identity, storage
from ipstui.core.caseload import caseload_lock
from ipstui.core.service import CaseloadService, ChangedHands, StaleEdit

TODAY = date(2026, 11, 16)


def employer(eid: str, name: str, sector: str, person: str, **more: Any) -> dict[str, Any]:
    data = {"schema": 1, "id": eid, "name": name, "sector": sector, "contact_person": person}
    data.update(notes="", **more)
    data.setdefault(
        "contacts", [{"on": date(2026, 10, 1), "by": "anna", "purpose": "job_development"}]
    )
    return data


COOP = employer("E-0002", "Coop Adriatica", "retail", "store manager")
BAKERY = employer("E-0003", "Forno Rossi", "food", "owner")


def write(root: Path, data: dict[str, Any]) -> None:
    storage.atomic_write(root / "employers" / f"{data['id']}.toml", employers.dumps(data))


def read(root: Path, eid: str) -> dict[str, Any]:
    return storage.loads_bytes((root / "employers" / f"{eid}.toml").read_bytes())


def commit_all(root: Path, message: str) -> None:
    run(root, "add", "-A")
    run(root, "commit", "-qm", message)


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """`mine` and `theirs`, clones of a remote holding E-0002 Coop and E-0003 Forno."""
    isolate_git(tmp_path, monkeypatch)
    mine, theirs = make_team(tmp_path, "mine", "theirs", participants=[participant()])
    (mine / "employers").mkdir()
    write(mine, COOP)
    write(mine, BAKERY)
    commit_all(mine, "employers")
    run(mine, "push", "-q", "origin", "HEAD:main")
    run(theirs, "pull", "-q", "origin", "main")
    # A commit after the employers: a branch from the first commit is another history.
    write(mine, dict(read(mine, "E-0003"), notes="on main"))
    commit_all(mine, "E-0003: set notes")
    return mine, theirs


# ---------------------------------------------------------------- the changes


def _swap(root: Path, _theirs: Path) -> str:
    """E-0002 and E-0003 swap contents and ids in ONE commit."""
    coop, bakery = read(root, "E-0002"), read(root, "E-0003")
    write(root, dict(bakery, id="E-0002"))
    write(root, dict(coop, id="E-0003"))
    commit_all(root, "swap E-0002 and E-0003")
    return "E-0002"


def _mv_and_new(root: Path, _theirs: Path) -> str:
    """ONE commit: E-0002 renamed to E-0004 (its id too), another employer at E-0002."""
    coop = read(root, "E-0002")
    run(root, "mv", "employers/E-0002.toml", "employers/E-0004.toml")
    write(root, dict(coop, id="E-0004"))
    write(root, employer("E-0002", "Esselunga", "retail", "HR office"))
    commit_all(root, "E-0002 -> E-0004, new E-0002")
    return "E-0002"


def _other_branch(root: Path, _theirs: Path) -> str:
    first = run(root, "rev-list", "--max-parents=0", "HEAD").stdout.split()[0]
    run(root, "checkout", "-q", "-b", "other", first)
    (root / "employers").mkdir(exist_ok=True)
    write(root, employer("E-0002", "Other Branch Srl", "logistics", "depot lead"))
    commit_all(root, "E-0002 on another branch")
    return "E-0002"


def _sync_renumber(root: Path, theirs: Path) -> str:
    """A local, unpushed E-0005 Leo Bar; the remote took E-0005 for Kim Kiosk; `sync`
    renumbers the local one and brings the remote's to E-0005 (SPEC §6)."""
    write(theirs, employer("E-0005", "Kim Kiosk", "retail", "owner"))
    commit_all(theirs, "E-0005: new employer")
    run(theirs, "push", "-q", "origin", "HEAD:main")
    CaseloadService(root).sync()
    return "E-0005"


def _name_only(root: Path, _theirs: Path) -> str:
    """A colleague fixes the name only: the same employer."""
    write(root, dict(read(root, "E-0002"), name="Coop Adriatica soc. coop."))
    commit_all(root, "E-0002: set name")
    return "E-0002"


def _notes(root: Path, _theirs: Path) -> str:
    write(root, dict(read(root, "E-0002"), notes="a colleague's note"))
    commit_all(root, "E-0002: set notes")
    return "E-0002"


@dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[Path, Path], str]
    refused: str | None
    """The `identity` reason of the refusal, None when the edit is the same employer's."""
    said: tuple[str, ...] = ()
    holder: str = ""
    """The name at the id after the change (untouched by a refusal)."""
    moved_to: str = ""


CASES = [
    Case("swap in one commit", _swap, identity.IDENTITY,
         ("E-0002", "Coop Adriatica", "Forno Rossi"), "Forno Rossi"),
    Case("mv and another employer at the old path", _mv_and_new, identity.RENUMBERED,
         ("E-0002", "E-0004", "changed hands", "employer"), "Esselunga", "E-0004"),
    Case("branch checkout", _other_branch, identity.HISTORY,
         ("E-0002", "history was replaced", "employer"), "Other Branch Srl"),
    Case("sync renumber", _sync_renumber, identity.RENUMBERED,
         ("E-0005", "a sync renumbered it", "E-0006"), "Kim Kiosk", "E-0006"),
    Case("the name fixed, nothing else", _name_only, None),
    Case("another field edited", _notes, None),
]  # fmt: skip


def _prepare(mine: Path, case: Case) -> None:
    if case.change is _sync_renumber:  # Leo Bar: local, not pushed
        write(mine, employer("E-0005", "Leo Bar", "food", "owner"))
        commit_all(mine, "E-0005: new employer")


def _contact(cl: Any, eid: str, seen: Any = None) -> employers.SaveResult:
    return employers.add_contact(
        cl, eid, by="anna", on=TODAY, note="for the one I meant", seen=seen
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_command_that_waited_never_writes_onto_another_employer(
    team: tuple[Path, Path], case: Case
) -> None:
    """What the command saw before it waited for the lock (`seen_now`, as
    `CaseloadService._employer_edit` asks it), then the change, then the save."""
    mine, theirs = team
    _prepare(mine, case)
    eid = "E-0005" if case.change is _sync_renumber else "E-0002"
    svc = CaseloadService(mine)
    seen = identity.seen_now(mine, f"employers/{eid}.toml", waited=True)
    assert seen is not None
    assert case.change(mine, theirs) == eid
    before, holder = head(mine), (mine / "employers" / f"{eid}.toml").read_bytes()
    cl = svc.seen_by(svc.load_for_edit(), seen)
    if case.refused is None:
        res = _contact(cl, eid)
        assert head(mine) == res.commit != before
        assert read(mine, eid)["contacts"][-1]["note"] == "for the one I meant"
        return
    with pytest.raises(ChangedHands) as refused:
        _contact(cl, eid)
    said = str(refused.value)
    assert refused.value.verdict.reason == case.refused
    assert refused.value.verdict.moved_to == case.moved_to
    for words in case.said:
        assert words in said, said
    assert "participant" not in said and "\n" not in said and "nothing was written" in said
    assert head(mine) == before
    assert (mine / "employers" / f"{eid}.toml").read_bytes() == holder
    assert read(mine, eid)["name"] == case.holder
    assert run(mine, "status", "--porcelain").stdout == ""
    # Run again (the command sees the id as it is now): saved onto the holder.
    again = svc.add_employer_contact(None, eid, by="anna", on=TODAY, note="again")
    assert head(mine) == again.commit
    assert read(mine, eid)["contacts"][-1]["note"] == "again"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_app_is_refused_with_both_names_and_saves_onto_the_holder_when_told(
    team: tuple[Path, Path], case: Case
) -> None:
    """The register as the dialog showed it (`add_employer_contact(register, ...)`):
    changed hands -> ChangedHands naming both (the screen asks); an ordinary outside
    edit -> StaleEdit, as before. Saying yes (the register with the employer at the id
    now, as the screen passes it) saves the same edit onto that employer."""
    mine, theirs = team
    _prepare(mine, case)
    svc = CaseloadService(mine)
    shown = svc.employers(head=True)  # as the Employers screen reads it
    eid = case.change(mine, theirs)
    before, holder = head(mine), (mine / "employers" / f"{eid}.toml").read_bytes()

    def contact(register: employers.Register) -> employers.SaveResult:
        return svc.add_employer_contact(register, eid, by="anna", on=TODAY, note="meant")

    with pytest.raises(StaleEdit) as refused:
        contact(shown)
    assert head(mine) == before
    assert (mine / "employers" / f"{eid}.toml").read_bytes() == holder
    if case.refused is None:
        assert not isinstance(refused.value, ChangedHands)
        return
    assert isinstance(refused.value, ChangedHands)
    v = refused.value.verdict
    assert (v.reason, v.moved_to, v.now) == (case.refused, case.moved_to, case.holder)
    assert v.was == shown.employers[eid].name
    fresh = refused.value.fresh
    assert fresh is not None and fresh.name == case.holder
    res = contact(shown.with_employer(fresh))  # "Save onto <holder>"
    assert head(mine) == res.commit
    assert read(mine, eid)["name"] == case.holder
    assert read(mine, eid)["contacts"][-1]["note"] == "meant"


def test_employer_contact_on_the_command_line_refuses_when_a_sync_renumbers_while_it_waits(
    team: tuple[Path, Path],
) -> None:
    """The real `ipstui employer contact E-0005` waits for the lock another ipstui holds;
    a sync then renumbers the local E-0005 (Leo Bar) and brings the remote's Kim Kiosk:
    one line, exit 1, nothing written onto Kim Kiosk."""
    mine, theirs = team
    write(mine, employer("E-0005", "Leo Bar", "food", "owner"))
    commit_all(mine, "E-0005: new employer")
    write(theirs, employer("E-0005", "Kim Kiosk", "retail", "owner"))
    commit_all(theirs, "E-0005: new employer")
    run(theirs, "push", "-q", "origin", "HEAD:main")
    git_dir = Path(run(mine, "rev-parse", "--absolute-git-dir").stdout.strip())
    trace = mine.parent / "trace2.json"
    env = dict(os.environ, GIT_TRACE2_EVENT=str(trace))
    with caseload_lock(git_dir):
        child = subprocess.Popen(
            [sys.executable, "-m", "ipstui", "-C", str(mine), "--today", TODAY.isoformat(),
             "employer", "contact", "E-0005", "--by", "anna", "--note", "for leo"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        while child.poll() is None and not _first_cat_file_done(trace):
            time.sleep(0.005)
        assert child.poll() is None, child.communicate()
        said = CaseloadService(mine).sync()
        assert [(r.old, r.new) for r in said.renumbered] == [("E-0005", "E-0006")]
        after_sync = head(mine)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, out) == (1, ""), err
    assert err.count("\n") == 1, err
    assert "E-0005 changed hands while this command waited for another ipstui" in err
    assert "the employer it held is now E-0006" in err and "nothing was written" in err
    assert head(mine) == after_sync
    assert len(read(mine, "E-0005")["contacts"]) == 1
    assert read(mine, "E-0005")["name"] == "Kim Kiosk"
    assert len(read(mine, "E-0006")["contacts"]) == 1


@pytest.mark.parametrize(
    # refusing in the quick run (the app's one check of a save onto another record);
    # saving onto the holder too in .ci/run (pytest -m slow)
    "yes",
    [pytest.param(True, marks=pytest.mark.slow), False],
    ids=["save onto the holder", "do not save"],
)
async def test_the_employers_screen_asks_naming_both_before_saving_onto_another(
    team: tuple[Path, Path], yes: bool
) -> None:
    """The contact dialog opened on E-0002 Coop; before Save, E-0002 and E-0003 swap in
    one commit (and the screen reads the register again, as after a sync). Save asks,
    naming both; yes logs the contact on the employer at E-0002 now (Forno Rossi), one
    commit; no writes nothing and keeps the dialog open with what was typed."""
    from pilot_wait import settle, wait_for
    from textual.widgets import DataTable, Select, TextArea

    from ipstui.ui.app import IpsApp
    from ipstui.ui.screens.employers import EmployerContactForm, EmployersScreen
    from ipstui.ui.screens.forms import ConfirmDialog

    mine, _theirs = team
    app = IpsApp(mine, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_employers()
        await wait_for(pilot, lambda: isinstance(app.screen, EmployersScreen), "Employers")
        screen = app.screen
        assert isinstance(screen, EmployersScreen)
        await wait_for(pilot, lambda: screen.register is not None, "the register")
        table = screen.query_one("#employers-list", DataTable)
        table.move_cursor(row=0)  # E-0002
        await pilot.pause()
        assert screen.current_id() == "E-0002"
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, EmployerContactForm), "dialog")
        form = app.screen
        assert isinstance(form, EmployerContactForm)
        form.field("by").query_one(Select).value = "anna"
        form.field("note").query_one(TextArea).text = "asked about seasonal hiring"
        _swap(mine, _theirs)
        before = head(mine)
        screen.reload()  # the register read again: it now shows Forno Rossi at E-0002
        await wait_for(
            pilot,
            lambda: (
                screen.register is not None
                and screen.register.employers["E-0002"].name == "Forno Rossi"
            ),
            "the register read again",
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert question.question == (
            "E-0002 may be another employer now: it held Coop Adriatica when you opened it "
            "and now holds Forno Rossi. Save onto Forno Rossi?"
        )
        assert question.title_text == "Another employer?"
        assert head(mine) == before  # nothing written while it asks
        await pilot.press("y" if yes else "n")
        if yes:
            await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
            await wait_for(pilot, lambda: head(mine) != before, "the commit")
        else:
            await wait_for(pilot, lambda: app.screen is form, "back in the dialog")
            await settle(pilot)
            assert form.field("note").query_one(TextArea).text == "asked about seasonal hiring"
    if yes:
        assert run(mine, "rev-list", "--count", f"{before}..HEAD").stdout.strip() == "1"
        forno = read(mine, "E-0002")
        assert forno["name"] == "Forno Rossi"
        assert forno["contacts"][-1]["note"] == "asked about seasonal hiring"
        assert read(mine, "E-0003")["contacts"] == COOP["contacts"]  # Coop untouched
    else:
        assert head(mine) == before
        assert run(mine, "status", "--porcelain").stdout == ""
