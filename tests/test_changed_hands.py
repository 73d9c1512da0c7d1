"""An id-keyed edit never lands on another person when the id changes hands between
what the user saw and the save (SPEC §6 "Two people never become one", §5; s7ident).

Table-driven over the ways an id changes hands without git showing a rename of the
path itself, and over the outside edits that must still save: each case takes what a
command-line edit sees before it waits for the save lock (`CaseloadService.seen_now`),
changes the caseload behind its back with real git, then runs the edit as the CLI does
(`seen_by` on the settings-only snapshot) and checks which file holds the edit, what
was said, and HEAD's log. The last test runs the real `ipstui contact` process while a
real `ipstui sync` renumbers its participant.
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

import pytest
from sync_helpers import (
    head,
    isolate_git,
    make_team,
    participant,
    read_participant,
    run,
    write_participant,
)

from ipstui.core import identity
from ipstui.core.caseload import caseload_lock
from ipstui.core.service import CaseloadService, ChangedHands

TODAY = date(2026, 11, 16)


def _anna(pid: str = "P-0002") -> dict:
    return participant(pid, name="Anna Bianchi", referred_on=date(2026, 9, 1))


def _lars(pid: str = "P-0003") -> dict:
    return participant(
        pid,
        name="Lars Holm",
        referral_source="Self",
        referred_on=date(2026, 8, 3),
        contacts=[{"on": date(2026, 8, 5), "kind": "phone", "by": "anna", "note": "Call."}],
    )


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """`mine` and `theirs`, two clones of a bare remote holding P-0002 Anna, P-0003 Lars
    and P-0009 Marco."""
    isolate_git(tmp_path, monkeypatch)
    people = [_anna(), _lars(), participant("P-0009", name="Marco Rossi", referral_source="GP")]
    mine, theirs = make_team(tmp_path, "mine", "theirs", participants=people)
    return mine, theirs


def _commit_all(root: Path, message: str) -> None:
    run(root, "add", "-A")
    run(root, "commit", "-qm", message)


# ---------------------------------------------------------------- the changes


def _swap(root: Path, _theirs: Path) -> str:
    """P-0002 and P-0003 swap contents and ids in ONE commit (git mv via a temp name)."""
    run(root, "mv", "participants/P-0002.toml", "participants/tmp.toml")
    run(root, "mv", "participants/P-0003.toml", "participants/P-0002.toml")
    run(root, "mv", "participants/tmp.toml", "participants/P-0003.toml")
    write_participant(root, _lars("P-0002"))
    write_participant(root, _anna("P-0003"))
    _commit_all(root, "swap P-0002 and P-0003")
    return "P-0002"


def _mv_and_new(root: Path, _theirs: Path) -> str:
    """ONE commit: P-0009 renamed to P-0010 (its id too) and Yuri written at P-0009."""
    marco = read_participant(root, "P-0009")
    run(root, "mv", "participants/P-0009.toml", "participants/P-0010.toml")
    write_participant(root, dict(marco, id="P-0010"))
    write_participant(
        root,
        participant(
            "P-0009", name="Yuri Petrov", referral_source="Self", referred_on=date(2026, 10, 1)
        ),
    )
    _commit_all(root, "P-0009 -> P-0010, new P-0009")
    return "P-0009"


def _other_branch(root: Path, _theirs: Path) -> str:
    """`git checkout other`: a branch from the first commit where P-0002 is another
    person (the commit the edit saw is not in its history)."""
    first = run(root, "rev-list", "--max-parents=0", "HEAD").stdout.split()[0]
    run(root, "checkout", "-q", "-b", "other", first)
    write_participant(root, participant("P-0002", name="Other Branch Person", referral_source="GP"))
    _commit_all(root, "P-0002: another person on this branch")
    return "P-0002"


def _reset_hard(root: Path, _theirs: Path) -> str:
    """`git reset --hard` to another history (an orphan commit of the same caseload)
    where P-0002 holds Anna with another field changed: git cannot follow, so a
    changed file is "cannot tell"."""
    run(root, "checkout", "-q", "--orphan", "tmp-orphan")
    write_participant(root, dict(_anna(), notes="rewritten history"))
    _commit_all(root, "rewritten")
    orphan = head(root)
    run(root, "checkout", "-q", "main")
    run(root, "reset", "-q", "--hard", orphan)
    return "P-0002"


def _sync_renumber(root: Path, theirs: Path) -> str:
    """A local, unpushed P-0008 Leo; the remote took P-0008 for Kim; `sync` renumbers
    Leo to P-0010 and brings Kim to P-0008 (SPEC §6)."""
    write_participant(theirs, participant("P-0008", name="Kim Remote", referral_source="GP"))
    _commit_all(theirs, "P-0008: new participant")
    run(theirs, "push", "-q", "origin", "HEAD:main")
    CaseloadService(root).sync()
    return "P-0008"


def _name_typo(root: Path, _theirs: Path) -> str:
    write_participant(root, dict(_anna(), name="Anna Bianchì"))
    _commit_all(root, "P-0002: set name")
    return "P-0002"


def _name_only(root: Path, _theirs: Path) -> str:
    """A colleague renames Anna (only the name changes): the same record."""
    write_participant(root, dict(_anna(), name="Giovanna Neri"))
    _commit_all(root, "P-0002: set name")
    return "P-0002"


def _other_field(root: Path, _theirs: Path) -> str:
    write_participant(root, dict(_anna(), notes="a colleague's note"))
    _commit_all(root, "P-0002: set notes")
    return "P-0002"


@dataclass(frozen=True)
class Case:
    name: str
    pid: str
    change: Callable[[Path, Path], str]
    refused: str | None
    """The `identity` reason of the refusal, None when the edit saves."""
    said: tuple[str, ...] = ()
    """Words the refusal's one line holds."""
    holder_name: str = ""
    """The name at the edit's id after the change: untouched on a refusal."""
    moved_to: str = ""


CASES = [
    Case("swap in one commit", "P-0002", _swap, identity.IDENTITY,
         ("P-0002", "Anna Bianchi", "Lars Holm", "run the command again"), "Lars Holm"),
    Case("mv and a new person at the old path", "P-0009", _mv_and_new, identity.RENUMBERED,
         ("P-0009", "P-0010", "changed hands"), "Yuri Petrov", "P-0010"),
    Case("branch checkout", "P-0002", _other_branch, identity.HISTORY,
         ("P-0002", "history was replaced"), "Other Branch Person"),
    Case("reset --hard to another history", "P-0002", _reset_hard, identity.HISTORY,
         ("P-0002", "cannot be told"), "Anna Bianchi"),
    Case("sync renumber while waiting", "P-0008", _sync_renumber, identity.RENUMBERED,
         ("P-0008", "a sync renumbered it", "P-0010"), "Kim Remote", "P-0010"),
    Case("another name, nothing else", "P-0002", _name_only, None),
    Case("a typo fixed in the name", "P-0002", _name_typo, None),
    Case("another field edited", "P-0002", _other_field, None),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_an_edit_waiting_for_the_lock_never_lands_on_another_person(
    team: tuple[Path, Path], case: Case
) -> None:
    mine, theirs = team
    if case.pid == "P-0008":  # Leo, local and not pushed
        write_participant(mine, participant("P-0008", name="Leo Local", referral_source="Self"))
        _commit_all(mine, "P-0008: new participant")
    # A commit of main after the first: a branch from the first is another history.
    write_participant(mine, dict(read_participant(mine, "P-0003"), notes="on main"))
    _commit_all(mine, "P-0003: set notes")
    svc = CaseloadService(mine)
    seen = svc.seen_now(case.pid, waited=True)  # what `ipstui contact` saw at its start
    assert seen is not None
    case.change(mine, theirs)
    before = head(mine)
    holder_before = (mine / "participants" / f"{case.pid}.toml").read_bytes()

    def contact() -> object:
        return svc.add_contact(
            svc.seen_by(svc.load_for_edit(), seen), case.pid,
            kind="phone", on=TODAY, today=TODAY, note="for the one I meant",
        )  # fmt: skip

    if case.refused is None:
        res = contact()
        assert head(mine) == res.commit != before
        data = read_participant(mine, case.pid)
        assert data["contacts"][-1]["note"] == "for the one I meant"
        subject = run(mine, "log", "-1", "--format=%s").stdout.strip()
        assert subject.startswith(f"{case.pid}: add contact (phone)")
        return
    with pytest.raises(ChangedHands) as refused:
        contact()
    said = str(refused.value)
    assert refused.value.verdict.reason == case.refused
    for words in case.said:
        assert words in said
    assert "\n" not in said and "nothing was written" in said
    assert refused.value.verdict.moved_to == case.moved_to
    # Nothing written: HEAD as it was, the file at the id untouched, no contact anywhere.
    assert head(mine) == before
    assert (mine / "participants" / f"{case.pid}.toml").read_bytes() == holder_before
    assert read_participant(mine, case.pid)["name"] == case.holder_name
    assert run(mine, "status", "--porcelain").stdout == ""
    # Never refused forever: the command run again (it sees the id as it is now) saves.
    again = svc.add_contact(None, case.pid, kind="phone", on=TODAY, today=TODAY, note="again")
    assert head(mine) == again.commit
    assert read_participant(mine, case.pid)["contacts"][-1]["note"] == "again"


def test_the_command_line_refuses_in_one_line_when_a_sync_renumbers_while_it_waits(
    team: tuple[Path, Path],
) -> None:
    """`ipstui contact P-0008` starts while another ipstui holds the save lock; a sync
    then renumbers the local P-0008 (Leo) and the remote's Kim takes the id. The
    contact, once it has the lock, refuses with one line and exit 1; nothing written."""
    mine, theirs = team
    write_participant(mine, participant("P-0008", name="Leo Local", referral_source="Self"))
    _commit_all(mine, "P-0008: new participant")
    write_participant(theirs, participant("P-0008", name="Kim Remote", referral_source="GP"))
    _commit_all(theirs, "P-0008: new participant")
    run(theirs, "push", "-q", "origin", "HEAD:main")
    git_dir = Path(run(mine, "rev-parse", "--absolute-git-dir").stdout.strip())
    trace = mine.parent / "trace2.json"
    env = dict(os.environ, GIT_TRACE2_EVENT=str(trace))
    with caseload_lock(git_dir):
        child = subprocess.Popen(
            [sys.executable, "-m", "ipstui", "-C", str(mine), "contact", "P-0008",
             "--kind", "phone", "--note", "for leo", "--today", TODAY.isoformat()],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        # The command reads what it sees (its first `git cat-file`, before it asks for
        # the lock) and then waits: go on once git says that cat-file finished.
        while child.poll() is None and not _first_cat_file_done(trace):
            time.sleep(0.005)
        assert child.poll() is None, child.communicate()
        said = CaseloadService(mine).sync()  # the same thread may take the lock again
        assert [(r.old, r.new) for r in said.renumbered] == [("P-0008", "P-0010")]
        after_sync = head(mine)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 1, (out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "P-0008 changed hands while this command waited for another ipstui" in lines[0]
    assert "P-0010" in lines[0] and "nothing was written" in lines[0]
    assert head(mine) == after_sync
    assert read_participant(mine, "P-0008")["name"] == "Kim Remote"
    assert len(read_participant(mine, "P-0008")["contacts"]) == 1
    assert read_participant(mine, "P-0010")["name"] == "Leo Local"
    assert len(read_participant(mine, "P-0010")["contacts"]) == 1


def _first_cat_file_done(trace: Path) -> bool:
    """git's trace2 events (GIT_TRACE2_EVENT) show the first `git cat-file` exited."""
    import json

    try:
        lines = trace.read_text().splitlines()
    except OSError:
        return False
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:  # a line being written
            continue
    sids = [e["sid"] for e in events if e.get("event") == "cmd_name" and e.get("name") == "cat-file"]
    return bool(sids) and any(e["sid"] == sids[0] and e.get("event") == "exit" for e in events)


@pytest.mark.parametrize(
    ("old", "new", "another"),
    [
        ({"name": "Anna Bianchi"}, {"name": "Anna  bianchi"}, False),  # spaces and case
        ({"name": "Ana Bianchi"}, {"name": "Anna Bianchi"}, False),  # a typo fixed
        ({"name": "Anna Bianchi"}, {"name": "Lars Holm"}, False),  # one signal: renamed
        ({"name": "Anna Bianchi", "referral_source": "CSM"},
         {"name": "Lars Holm", "referral_source": "Self"}, True),
        ({"name": "A", "referred_on": date(2026, 1, 2)}, {"name": "A", "referred_on": date(2026, 1, 3)}, False),
        ({"name": "Ana", "referred_on": date(2026, 1, 2)}, {"name": "Anna", "referred_on": date(2026, 1, 3)}, True),
        ({"name": "A", "referral_source": "CSM", "enrolled_on": date(2026, 1, 2)},
         {"name": "A", "referral_source": "GP", "enrolled_on": date(2026, 2, 2)}, True),
        ({"name": "A", "contacts": [{"on": 1}]}, {"name": "A", "contacts": [{"on": 1}, {"on": 2}]}, False),
        ({"name": "A", "contacts": [{"on": 1}], "referral_source": "CSM"},
         {"name": "A", "contacts": [{"on": 2}], "referral_source": "GP"}, True),
        ({"name": "A", "notes": "x", "phase": "intake"}, {"name": "A", "notes": "y", "phase": "job_search"}, False),
    ],
)  # fmt: skip
def test_maybe_another_person_by_identity_fields(old: dict, new: dict, another: bool) -> None:
    assert identity.maybe_another("participants/P-0001.toml", old, new) is another


def test_an_erasure_that_waited_never_erases_the_person_who_took_the_id(
    team: tuple[Path, Path],
) -> None:
    """`ipstui erase P-0008 --yes` reads the record, then waits for the lock; a sync
    meanwhile renumbers Leo to P-0010 and brings Kim to P-0008: the erasure is refused
    before anything is rewritten (Kim's history stays whole)."""
    from ipstui.core.erase import EraseRefused, erase, plan

    mine, theirs = team
    write_participant(mine, participant("P-0008", name="Leo Local", referral_source="Self"))
    _commit_all(mine, "P-0008: new participant")
    seen = identity.seen_now(mine, "participants/P-0008.toml", waited=True)
    _sync_renumber(mine, theirs)
    before = head(mine)
    with pytest.raises(EraseRefused) as refused:
        erase(mine, plan(mine, "P-0008"), today=TODAY, seen=seen)
    assert "P-0008 changed hands" in str(refused.value) and "P-0010" in str(refused.value)
    assert head(mine) == before
    assert read_participant(mine, "P-0008")["name"] == "Kim Remote"
    assert read_participant(mine, "P-0010")["name"] == "Leo Local"
