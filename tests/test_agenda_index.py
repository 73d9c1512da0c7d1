"""`ipstui due` answers from the agenda index (issue 17) only while nothing it was made
from changed: for each kind of change a team can make — a hand edit (also one that keeps
the size and puts the old times back), a new or removed file, an ignore rule, an index
change, a commit, caseload.toml — the agenda equals the one a full load without caches
computes, and an unchanged caseload is answered without reading a participant file."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import git

from ipstui.core import agenda, loader
from ipstui.core.service import CaseloadService

TODAY = date(2026, 11, 16)


def _fresh(root: Path) -> tuple[list, list[str]]:
    """The agenda and problems of a full load that uses no cache at all."""
    svc = CaseloadService(root)
    cl = svc.load(use_cache=False)
    return svc.agenda(cl, TODAY), sorted(str(p) for p in cl.problems)


def _due(root: Path) -> tuple[list, list[str]]:
    items, problems = CaseloadService(root).due(TODAY)
    return items, sorted(str(p) for p in problems)


def _pfile(root: Path, pid: str) -> Path:
    return root / "participants" / f"{pid}.toml"


def _with_task(root: Path) -> str:
    """A participant with an open task deadline (its id)."""
    items, _ = _fresh(root)
    return next(d.participant for d in items if d.rule == "task")


def _hand_edit(root: Path) -> None:
    """A new task appended by hand: one more deadline."""
    path = _pfile(root, _with_task(root))
    path.write_text(path.read_text() + '\n[[tasks]]\nwhat = "call back"\ndue = 2026-11-20\n')


def _same_size_old_times(root: Path) -> None:
    """A task's due day changed in place (same length) and the file's access and
    modification times put back: only the inode's change time, which no program can
    set, tells."""
    items, _ = _fresh(root)
    d = next(d for d in items if d.rule == "task")
    path = _pfile(root, d.participant)
    st = path.stat()
    old = f"due = {d.due.isoformat()}".encode()
    new = f"due = {d.due.replace(day=1 if d.due.day != 1 else 2).isoformat()}".encode()
    raw = path.read_bytes()
    assert old in raw and len(old) == len(new)
    # git keeps a file's change time in its index in whole seconds: within the second the
    # file was last staged (the test's copy refreshes the index), git itself calls such an
    # edit clean (`git status` shows nothing, `git commit -a` would miss it), and a full
    # load follows git. Any later second, git sees it, and so must ipstui: wait for one.
    while time.time_ns() // 10**9 <= st.st_ctime_ns // 10**9:
        time.sleep(0.02)
    path.write_bytes(raw.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _new_untracked(root: Path) -> None:
    pid = _with_task(root)
    src = _pfile(root, pid).read_text()
    _pfile(root, "P-0900").write_text(src.replace(f'id = "{pid}"', 'id = "P-0900"'))


def _removed(root: Path) -> None:
    _pfile(root, _with_task(root)).unlink()


def _ignore_it(root: Path) -> None:
    (root / ".gitignore").write_text("participants/P-0900.toml\n")


def _ignore_tracked(root: Path) -> None:
    (root / ".gitignore").write_text(f"participants/{_with_task(root)}.toml\n")


def _untrack(root: Path) -> None:
    """An ignored file taken out of git, the file left on disk: loaded while HEAD still
    has it, no longer once the removal is committed (only git's index and HEAD say so)."""
    rel = (root / ".gitignore").read_text().strip()
    git(root, "rm", "-q", "--cached", rel)
    assert _due(root) == _fresh(root)
    git(root, "commit", "-qm", "stop tracking")


def _committed(root: Path) -> None:
    _hand_edit(root)
    git(root, "commit", "-qam", "hand edit")


def _staged(root: Path) -> None:
    """A hand edit staged with `git add`: git now vouches for the file again, with the
    new blob id in its index."""
    _hand_edit(root)
    git(root, "add", "participants")


def _settings(root: Path) -> None:
    path = root / "caseload.toml"
    lines = [
        "due_soon_days = 13" if ln.startswith("due_soon_days") else ln
        for ln in path.read_text().splitlines()
    ]
    path.write_text("\n".join(lines) + "\n")


def _nothing(root: Path) -> None:
    pass


CHANGES: list[tuple[Callable[[Path], None], Callable[[Path], None]]] = [
    (_nothing, _hand_edit),
    (_nothing, _same_size_old_times),
    (_nothing, _new_untracked),
    (_nothing, _removed),
    (_new_untracked, _ignore_it),
    (_ignore_tracked, _untrack),
    (_nothing, _committed),
    (_hand_edit, _staged),
    (_nothing, _settings),
]


@pytest.mark.parametrize(
    ("setup", "change"), CHANGES, ids=[c.__name__.strip("_") for _, c in CHANGES]
)
def test_every_kind_of_change_is_seen(
    sample_caseload: Path,
    setup: Callable[[Path], None],
    change: Callable[[Path], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(agenda, "RACY_NS", 0)  # stat alone decides, as a second later
    setup(sample_caseload)
    before = _due(sample_caseload)  # writes the index
    assert before == _fresh(sample_caseload) == _due(sample_caseload)
    change(sample_caseload)
    after = _due(sample_caseload)
    assert after == _fresh(sample_caseload)
    assert after != before  # the change moved the agenda, so a stale answer would show
    assert _due(sample_caseload) == after  # and the next answer, from the new index, too


def test_an_unchanged_caseload_reads_no_participant_file(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agenda, "RACY_NS", 0)
    first = _due(sample_caseload)
    read: list[str] = []
    real = agenda._read

    def spy(path: Path) -> bytes:
        read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(agenda, "_read", spy)
    monkeypatch.setattr(loader, "load", lambda *a, **k: pytest.fail("a full load was made"))
    assert _due(sample_caseload) == first
    assert sorted(read) == sorted(
        ["caseload.toml", "participant.schema.json", "caseload.schema.json", agenda.AGENDA_NAME]
    )


def test_a_file_changed_within_the_racy_window_is_keyed_by_content(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two edits within one tick of the file system's clock leave size and times as they
    were; a file that recent is judged by its bytes."""
    monkeypatch.setattr(agenda, "RACY_NS", 10**18)  # every file counts as just changed
    before = _due(sample_caseload)
    _same_size_old_times(sample_caseload)
    after = _due(sample_caseload)
    assert after == _fresh(sample_caseload) and after != before


@pytest.mark.parametrize("damage", [b"", b"not marshal", b"\x00" * 64])
def test_a_broken_index_is_rebuilt(sample_caseload: Path, damage: bytes) -> None:
    good = _due(sample_caseload)
    git_dir = sample_caseload / ".git"
    (git_dir / agenda.AGENDA_NAME).write_bytes(damage)
    assert _due(sample_caseload) == good == _fresh(sample_caseload)


def test_outside_git_the_agenda_is_a_full_load(tmp_path: Path, sample_caseload: Path) -> None:
    import shutil

    plain = tmp_path / "plain"
    shutil.copytree(sample_caseload, plain, ignore=shutil.ignore_patterns(".git"))
    assert _due(plain) == _fresh(plain)
    assert not (plain / ".git").exists()


def _json_of(items: list) -> str:
    """`ipstui due --json`'s text as the CLI printed it before issue 17's index: one
    `json.dumps` of every `Deadline.to_json()`, one object per line."""
    import json

    text = json.dumps([d.to_json() for d in items])[1:-1].replace('}, {"', '},\n{"')
    return "[\n" + text + "\n]\n"


SHIFTS = (-400, -30, -1, 0, 1, 2, 3, 4, 30, 400)
"""Days from TODAY that move the sample's deadlines across the overdue and due-soon
edges."""


@pytest.mark.parametrize("specialist", [None, "anna", "marco", "nobody-with-deadlines"])
def test_the_index_prints_what_the_deadlines_print(
    sample_caseload: Path, specialist: str | None
) -> None:
    """The JSON the index keeps, with each deadline's state put in on the day, is byte for
    byte the JSON of the deadlines themselves: on days that move deadlines across the
    overdue and due-soon edges (every day of SHIFTS, on one copy of the sample: the days
    were a case each, each copying and loading the sample again), for the whole team
    and for one specialist."""
    from datetime import timedelta

    svc = CaseloadService(sample_caseload)
    team = list(svc.load().settings.team)
    if specialist == "marco":
        specialist = team[-1]
    if specialist == "nobody-with-deadlines":
        (sample_caseload / "caseload.toml").write_text(
            (sample_caseload / "caseload.toml").read_text()
            + '\n[team.zoe]\nname = "Zoe Nobody"\n'
        )
        specialist = "zoe"
    for shift in SHIFTS:
        day = TODAY + timedelta(days=shift)
        items, _problems = svc.due(day, specialist)
        text, _problems = svc.due_json(day.toordinal(), specialist)
        assert text == _json_of(items), shift
        assert text == CaseloadService(sample_caseload).due_json(day.toordinal(), specialist)[0], shift


def test_an_unknown_specialist_is_refused_from_the_index(sample_caseload: Path) -> None:
    from ipstui.core.service import CaseloadError

    svc = CaseloadService(sample_caseload)
    svc.due(TODAY)  # writes the index
    for ask in (lambda: svc.due(TODAY, "nobody"), lambda: svc.due_json(TODAY.toordinal(), "nobody")):
        with pytest.raises(CaseloadError, match="unknown specialist 'nobody'; team: "):
            ask()


def test_what_git_does_not_vouch_for() -> None:
    """Each kind of record of `git ls-files -s -t -c -o -m -d`: only a regular file
    at stage 0 listed as `H` alone is left to git's word."""
    blob = "73cdb8bcc8734ee0facfc9ef313edee31ea87bd9"
    listing = "\0".join([
        f"H 100644 {blob} 0\tparticipants/P-1.toml",  # clean
        f"H 100755 {blob} 0\tparticipants/P-2.toml",  # clean, executable
        f"H 100644 {blob} 0\tparticipants/P-3.toml",
        f"C 100644 {blob} 0\tparticipants/P-3.toml",  # modified
        f"H 100644 {blob} 0\tparticipants/P-4.toml",
        f"R 100644 {blob} 0\tparticipants/P-4.toml",  # deleted
        f"H 120000 {blob} 0\tparticipants/P-5.toml",  # a symlink
        f"H 100644 {blob} 1\tparticipants/P-6.toml",  # unmerged
        f"S 100644 {blob} 0\tparticipants/P-7.toml",  # skip-worktree
        "? participants/P-8\t.toml",  # untracked (a tab in its name)
        "",
    ]).encode()
    assert agenda._not_vouched(listing) == [
        "participants/P-3.toml",
        "participants/P-4.toml",
        "participants/P-5.toml",
        "participants/P-6.toml",
        "participants/P-7.toml",
        "participants/P-8\t.toml",
    ]
