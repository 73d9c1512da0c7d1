"""A plain `git pull` of a record file added on both sides (git gives the driver an empty
base) never merges two people field by field (SPEC §6 "Two people never become one"):
the driver leaves ours, git reports a conflict, and one line names `ipstui sync`, which
renumbers. One record added on both sides with the same first version still merges."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sync_helpers import head, isolate_git, make_team, participant, run

from ipstui.core import storage
from ipstui.core.sync import ensure_merge_driver, sync


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    isolate_git(tmp_path, monkeypatch)
    clones = make_team(tmp_path, "a", "b")
    for clone in clones:
        ensure_merge_driver(clone)
    return clones


def person(pid: str, name: str) -> bytes:
    return storage.dumps(participant(pid, name=name)).encode()


def employer(eid: str, name: str) -> bytes:
    return f'schema = 1\nid = "{eid}"\nname = "{name}"\nnotes = ""\n'.encode()


def add(repo: Path, rel: str, raw: bytes) -> None:
    (repo / rel).parent.mkdir(exist_ok=True)
    (repo / rel).write_bytes(raw)
    run(repo, "add", "--", rel)
    run(repo, "commit", "-q", "-m", f"{Path(rel).stem}: new", "--", rel)


@pytest.mark.parametrize(
    ("rel", "ours", "theirs"),
    [
        (
            "participants/P-0005.toml",
            person("P-0005", "Hank Local"),
            person("P-0005", "Gina Remote"),
        ),
        ("employers/E-0001.toml", employer("E-0001", "Coop"), employer("E-0001", "Bar Roma")),
    ],
    ids=["participant", "employer"],
)
def test_plain_pull_of_two_records_at_one_id_is_a_conflict(
    team: list[Path], rel: str, ours: bytes, theirs: bytes
) -> None:
    a, b = team
    add(b, rel, theirs)
    run(b, "push", "-q", "origin", "HEAD")
    add(a, rel, ours)
    proc = run(a, "pull", "--no-rebase", "--no-edit", check=False)
    assert proc.returncode != 0
    assert (a / rel).read_bytes() == ours  # ours left as it was: no field-by-field merge
    said = [ln for ln in proc.stderr.splitlines() if ln.startswith("ipstui merge:")]
    assert len(said) == 1 and "ipstui sync" in said[0], proc.stderr
    assert rel in run(a, "diff", "--name-only", "--diff-filter=U").stdout
    # Undone, sync renumbers ours and keeps both records.
    run(a, "merge", "--abort")
    result = sync(a)
    assert result.status == "pushed"
    assert [r.old for r in result.renumbered] == [Path(rel).stem]
    folder = a / Path(rel).parent
    texts = {p.read_bytes() for p in folder.glob("*.toml")}
    assert theirs in texts and len(texts) >= 2


def test_one_record_added_on_both_sides_still_merges_field_by_field(team: list[Path]) -> None:
    a, b = team
    rel = "participants/P-0005.toml"
    raw = person("P-0005", "Hank")
    add(b, rel, raw)
    first = head(b)
    run(b, "push", "-q", "origin", "HEAD")
    run(a, "fetch", "-q")
    # The same first version on both sides, in another commit (another committer date).
    later = dict(os.environ, GIT_COMMITTER_DATE="2026-11-02T10:00:00+00:00")
    subprocess.run(["git", "-C", str(a), "cherry-pick", first], env=later, check=True)
    assert head(a) != first
    data = storage.loads_bytes(raw)
    data["notes"] = "edited remotely"
    (b / rel).write_bytes(storage.dumps(data).encode())
    run(b, "commit", "-q", "-am", "P-0005: edit")
    run(b, "push", "-q", "origin", "HEAD")
    data = storage.loads_bytes(raw)
    data["referral_source"] = "Self"
    (a / rel).write_bytes(storage.dumps(data).encode())
    run(a, "commit", "-q", "-am", "P-0005: edit")
    proc = run(a, "pull", "--no-rebase", "--no-edit", check=False)
    assert proc.returncode == 0, proc.stderr
    merged = storage.loads_bytes((a / rel).read_bytes())
    # No base: a two-way merge by field, ours kept and theirs recorded (nothing lost).
    assert (merged["name"], merged["referral_source"]) == ("Hank", "Self")
    assert merged["conflicts"]["notes"]["theirs"] == "edited remotely"
    assert merged["referred_on"] == date(2026, 9, 1)
