"""The mends after the review of "the screen follows its record", in the core and the
app's problem list, on real repositories and files:

- `follow.where_now` reads HEAD once (the commit it walks to and whether another record
  has the path come from the same `git cat-file`, so they cannot disagree);
- `follow.commit_holding` finds the commit a version read before newer commits came
  from (a screen's base), and none for a version never committed;
- the problem list survives a participant file that is deleted or rewritten as invalid
  UTF-8 after the snapshot was read (its warnings at line 0), and the app's list blames
  that file, never the employer register, and keeps updating.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle

from ipstui.core import edits, gitio, storage
from ipstui.core.caseload import load
from ipstui.core.follow import MOVED, REPLACED, commit_holding, where_now
from ipstui.core.init import init_caseload
from ipstui.core.service import Caseload, CaseloadService
from ipstui.ui.app import IpsApp

TODAY = date(2026, 11, 16)
LATER = date(2026, 12, 1)
"""The day a participant was referred 'on': after TODAY, so each check as of TODAY
warns about it (`validate.future_event_problems`) and reads its file for the line."""
FILE = "participants/P-0001.toml"


def _caseload(tmp_path: Path, referred: date = TODAY) -> Path:
    root = init_caseload(tmp_path / "cl", name="Team", specialists=["anna=Anna B."])
    edits.new_participant(
        load(root), name="Alice Local", specialist="anna", referral_source="CSM", today=referred
    )
    return root


def _rename_and_replace(root: Path) -> None:
    """P-0001 renamed to P-0002 (one commit), another person then at P-0001."""
    data = storage.loads_bytes((root / FILE).read_bytes())
    git(root, "mv", FILE, "participants/P-0002.toml")
    (root / "participants/P-0002.toml").write_text(storage.dumps(dict(data, id="P-0002")))
    git(root, "commit", "-qam", "renumbered")
    (root / FILE).write_text(storage.dumps(dict(data, name="Zed Other")))
    git(root, "add", FILE)
    git(root, "commit", "-qm", "new participant")


def test_where_now_reads_head_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _caseload(tmp_path)
    base = git(root, "rev-parse", "HEAD").strip()
    _rename_and_replace(root)
    reads: list[tuple[str, ...]] = []
    real = gitio.git

    def counting(where: Path, *args: str, **kwargs: Any):
        reads.append(args)
        return real(where, *args, **kwargs)

    monkeypatch.setattr(gitio, "git", counting)
    where = where_now(root, base, FILE)
    assert (where.state, where.rel, where.replaced_path) == (
        MOVED,
        "participants/P-0002.toml",
        True,
    )
    assert [a for a in reads if a[0] == "cat-file"] == [
        ("cat-file", "--batch-check=%(objectname) %(objecttype)")
    ]


def test_where_now_deleted_then_replaced(tmp_path: Path) -> None:
    root = _caseload(tmp_path)
    base = git(root, "rev-parse", "HEAD").strip()
    git(root, "rm", "-q", FILE)
    git(root, "commit", "-qm", "removed")
    (root / FILE).write_text(storage.dumps({"id": "P-0001", "name": "Other"}))
    git(root, "add", FILE)
    git(root, "commit", "-qm", "another")
    assert where_now(root, base, FILE).state == REPLACED


def _blob(root: Path, commit: str) -> str:
    return git(root, "rev-parse", f"{commit}:{FILE}").strip()


@pytest.mark.parametrize(
    ("case", "expect"),
    [
        ("the version HEAD holds", "head"),
        ("a version read before a rename and a new person at its path", "first"),
        ("a version never committed", None),
    ],
)
def test_commit_holding(tmp_path: Path, case: str, expect: str | None) -> None:
    root = _caseload(tmp_path)
    first = git(root, "rev-parse", "HEAD").strip()
    blob = _blob(root, first)
    if expect == "first":
        _rename_and_replace(root)
    if expect is None:
        (root / FILE).write_text((root / FILE).read_text() + "# typed, not committed\n")
        blob = git(root, "hash-object", FILE).strip()
    head = git(root, "rev-parse", "HEAD").strip()
    want = {"head": head, "first": first, None: None}[expect]
    assert commit_holding(root, FILE, blob) == want, case


BREAKS: list[tuple[str, Callable[[Path], None]]] = [
    ("deleted after the snapshot was read", lambda f: f.unlink()),
    ("rewritten as invalid UTF-8", lambda f: f.write_bytes(b'name = "\xff\xfe"\n')),
]


def _held_in_full(root: Path, note: str = "called back") -> Caseload:
    """A snapshot holding P-0001 in full, as after a save (its data in memory: the
    problem list reads its file only for a warning's line)."""
    cl = load(root)
    saved = edits.set_fields(cl, "P-0001", {"notes": note}, today=LATER)
    assert saved.participant is not None
    return cl.with_participant(saved.participant, saved.problems)


@pytest.mark.parametrize(("fault", "do"), BREAKS, ids=[b[0] for b in BREAKS])
def test_problems_survive_a_file_broken_meanwhile(
    tmp_path: Path, fault: str, do: Callable[[Path], None]
) -> None:
    root = _caseload(tmp_path, referred=LATER)
    cl = _held_in_full(root)
    do(root / FILE)
    found = CaseloadService(root).problems(cl, today=TODAY)
    mine = [p for p in found if p.path == FILE]
    assert [(p.line, p.col) for p in mine] == [(0, 0), (0, 0)], fault
    assert all("is after today (2026-11-16)" in p.message for p in mine), fault


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_app_problem_list_blames_the_file_and_keeps_updating(tmp_path: Path) -> None:
    root = _caseload(tmp_path, referred=LATER)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for fault, do in BREAKS:
            cl = _held_in_full(root, fault)
            do(root / FILE)
            app.caseload = cl  # its problem list is read in a worker
            await settle(pilot)
            assert app.findings is not None and app.findings.snapshot is cl, fault
            paths = {p.path for p in app.findings.problems}
            assert "employers" not in paths, fault
            assert FILE in paths, fault
            git(root, "checkout", "-q", "--", FILE)
