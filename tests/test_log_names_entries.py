"""`ipstui log` (and the History tab) never names two list entries as one (trial 8, item
13: after a merge, both teammates' new contacts were listed as `contacts[47]`).

The kind of fault: the history named a contact, job or task by its index in each
commit's own version of the file, and after a merge two sides' versions had given the
same index to different entries. Now an entry is named by its place in the file as it
is now (HEAD), found by its content (or, edited since, by the sub-fields it keeps), and
an entry no longer in the file by its place in the commit that touched it
(`contacts[2@1a2b3c4]`). Table-driven over histories made with plain git (a merge commit
with the merged content, as sync's merge driver writes it): two sides adding a contact,
two sides adding the same contact, a backdated contact merged in before others, an
entry edited later, an entry removed and another added in its place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli
from ipstui.core.history import history

PID = "P-0001"
REL = f"participants/{PID}.toml"


def contact(on: str, kind: str, by: str = "anna") -> str:
    return f'\n[[contacts]]\non = {on}\nkind = "{kind}"\nby = "{by}"\nnote = ""\n'


def job(end: str | None = None) -> str:
    text = '\n[[jobs]]\nemployer = "Coop"\ntitle = "Clerk"\nstart = 2026-10-01\ncompetitive = true\n'
    return text + (f"end = {end}\n" if end else "")


BASE = VALID_PARTICIPANT.format(pid=PID)
OLD = contact("2026-11-02", "meeting") + contact("2026-11-03", "phone")  # 2 contacts before


class Repo:
    """A caseload's repository with commits of P-0001's versions and merges of branches."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sha: dict[str, str] = {}

    def commit(self, name: str, text: str) -> None:
        (self.root / REL).write_text(text, encoding="utf-8")
        git(self.root, "add", REL)
        git(self.root, "commit", "-qm", name)
        self.sha[name] = git(self.root, "rev-parse", "--short=7", "HEAD").strip()

    def branch(self, name: str, start: str = "HEAD") -> None:
        git(self.root, "checkout", "-qb", name, start)

    def switch(self, name: str) -> None:
        git(self.root, "checkout", "-q", name)

    def merge(self, other: str, text: str) -> None:
        """A merge commit of `other` holding `text` (what the merge driver would write)."""
        git(self.root, "merge", "-q", "--no-commit", "-s", "ours", other)
        (self.root / REL).write_text(text, encoding="utf-8")
        git(self.root, "add", REL)
        git(self.root, "commit", "-qm", f"merge {other}")


def two_sides_add_a_contact(r: Repo) -> None:
    """The trial: each side appends a contact (both index 2 on their side); the merge
    keeps both, in date order."""
    r.commit("base", BASE + OLD)
    start = git(r.root, "branch", "--show-current").strip()
    r.branch("theirs")
    r.commit("theirs adds", BASE + OLD + contact("2026-11-05", "phone", "mette"))
    r.switch(start)
    r.commit("ours adds", BASE + OLD + contact("2026-11-06", "meeting"))
    r.merge("theirs", BASE + OLD + contact("2026-11-05", "phone", "mette")
            + contact("2026-11-06", "meeting"))  # fmt: skip


def two_sides_add_the_same_contact(r: Repo) -> None:
    """Equal content on both sides (the same call logged twice): two entries, two names."""
    r.commit("base", BASE + OLD)
    start = git(r.root, "branch", "--show-current").strip()
    r.branch("theirs")
    r.commit("theirs adds", BASE + OLD + contact("2026-11-05", "phone"))
    r.switch(start)
    r.commit("ours adds", BASE + OLD + contact("2026-11-05", "phone"))
    r.merge("theirs", BASE + OLD + contact("2026-11-05", "phone") + contact("2026-11-05", "phone"))


def a_backdated_contact_merged_in_first(r: Repo) -> None:
    """Their contact is older than ours: merged in before ours, which moves to index 3."""
    r.commit("base", BASE + OLD)
    start = git(r.root, "branch", "--show-current").strip()
    r.branch("theirs")
    r.commit("theirs adds", BASE + OLD + contact("2026-11-04", "team"))
    r.switch(start)
    r.commit("ours adds", BASE + OLD + contact("2026-11-09", "phone"))
    r.merge("theirs", BASE + OLD + contact("2026-11-04", "team") + contact("2026-11-09", "phone"))


def a_job_ended_later(r: Repo) -> None:
    """One job, added then ended: one entry, one name in both commits."""
    r.commit("base", BASE)
    r.commit("job", BASE + job())
    r.commit("end", BASE + job("2026-11-10"))


def removed_and_another_in_its_place(r: Repo) -> None:
    """A contact removed (a mistake) and another added at the same index."""
    r.commit("base", BASE + OLD)
    r.commit("wrong", BASE + OLD + contact("2026-11-05", "phone"))
    r.commit("removed", BASE + OLD)
    r.commit("right", BASE + OLD + contact("2026-11-05", "meeting"))


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Repo], None]
    names: dict[str, list[str]]  # commit subject -> its list-entry fields ("{sha:NAME}")


CASES = [
    Case("two sides add a contact", two_sides_add_a_contact,
         {"theirs adds": ["contacts[2]"], "ours adds": ["contacts[3]"]}),
    Case("two sides add the same contact", two_sides_add_the_same_contact,
         {"theirs adds": ["contacts[2]"], "ours adds": ["contacts[3]"]}),
    Case("a backdated contact merged in first", a_backdated_contact_merged_in_first,
         {"theirs adds": ["contacts[2]"], "ours adds": ["contacts[3]"]}),
    Case("a job ended later", a_job_ended_later,
         {"job": ["jobs[0]"], "end": ["jobs[0].end"]}),
    Case("removed, and another in its place", removed_and_another_in_its_place,
         {"wrong": ["contacts[2@{wrong}]"], "removed": ["contacts[2@{removed}]"],
          "right": ["contacts[2]"]}),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_log_never_names_two_entries_as_one(case: Case, caseload_dir: Path) -> None:
    repo = Repo(caseload_dir)
    case.build(repo)
    got = {
        rev.subject: [ch.field for ch in rev.changes if ch.top in ("contacts", "jobs", "tasks")]
        for rev in history(caseload_dir, PID)
        if rev.subject in case.names
    }
    want = {s: [n.format(**repo.sha) for n in names] for s, names in case.names.items()}
    assert got == want


def test_the_log_command_after_a_merge(caseload_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What the trial ran: `ipstui log` names the two merged contacts apart."""
    repo = Repo(caseload_dir)
    two_sides_add_a_contact(repo)
    assert cli.main(["log", PID, "-C", str(caseload_dir)]) == 0
    lines = [ln.split("  ", 3)[3] for ln in capsys.readouterr().out.splitlines()
             if "contacts[" in ln]  # fmt: skip
    assert lines[:2] == [
        "contacts[3]: — -> on=2026-11-06, kind=meeting, by=anna, note=",
        "contacts[2]: — -> on=2026-11-05, kind=phone, by=mette, note=",
    ]
