"""Simultaneous edits from separate processes (SPEC §5: a save is a transaction).

Each round starts, at the same moment, three `ipstui contact` of one participant and two
`ipstui new` as real processes (`python -m ipstui`), then checks what each one reported
against HEAD: every reported success is in HEAD with its own content (its own commit
holds it), every reported failure left nothing, and the work tree equals HEAD.

Rounds: IPSTUI_RACE_ROUNDS in the README's run (default 3), IPSTUI_RACE_SOAK_ROUNDS in the
soak variant, marked slow and run by .ci/run (default 12; e.g. 50 for a long soak)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import git

from ipstui.core.resources import PROJECT_DIR

ROUNDS = int(os.environ.get("IPSTUI_RACE_ROUNDS", "3"))
SOAK_ROUNDS = int(os.environ.get("IPSTUI_RACE_SOAK_ROUNDS", "12"))
TODAY = "2026-11-16"


def _start(root: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.Popen(
        [sys.executable, "-m", "ipstui", *args, "-C", str(root), "--today", TODAY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _head_file(root: Path, rev: str, rel: str) -> dict | None:
    proc = subprocess.run(
        ["git", "-C", str(root), "show", f"{rev}:{rel}"], capture_output=True, text=True
    )
    return tomllib.loads(proc.stdout) if proc.returncode == 0 else None


def _commit_of(text: str) -> str:
    m = re.search(r"committed ([0-9a-f]{7,40})", text)
    assert m, f"a success must name its commit: {text!r}"
    return m.group(1)


@pytest.fixture
def race_caseload(caseload_dir: Path) -> Path:
    proc = _start(
        caseload_dir, "new", "--name", "Shared", "--specialist", "anna", "--referral-source", "CSM"
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip() == "P-0001"
    return caseload_dir


@pytest.mark.parametrize(
    "rounds",
    [
        pytest.param(ROUNDS, id="short"),
        pytest.param(SOAK_ROUNDS, id="soak", marks=pytest.mark.slow),  # .ci/run: -m slow
    ],
)
def test_simultaneous_edits_are_serialised_and_reported_truthfully(
    race_caseload: Path, rounds: int
) -> None:
    root = race_caseload
    rel = "participants/P-0001.toml"
    for r in range(rounds):
        notes = [f"round {r} contact {i}" for i in range(3)]
        names = [f"Person {r}-{i}" for i in range(2)]
        procs = [
            ("contact", note, _start(root, "contact", "P-0001", "--kind", "phone", "--note", note))
            for note in notes
        ] + [
            (
                "new",
                name,
                _start(
                    root,
                    "new",
                    "--name",
                    name,
                    "--specialist",
                    "mette",
                    "--referral-source",
                    "Self",
                ),
            )
            for name in names
        ]
        results = []
        for kind, what, proc in procs:
            out, err = proc.communicate(timeout=120)
            assert "Traceback" not in err, err
            results.append((kind, what, proc.returncode, out, err))

        head_notes = [
            c.get("note") for c in (_head_file(root, "HEAD", rel) or {}).get("contacts", [])
        ]
        tracked = git(root, "ls-tree", "--name-only", "HEAD", "participants/").split()
        head_names = {}
        for path in tracked:
            if path.endswith(".toml"):
                data = _head_file(root, "HEAD", path)
                assert data is not None
                head_names[data["name"]] = Path(path).stem
        for kind, what, code, out, err in results:
            if kind == "contact":
                if code == 0:
                    commit = _commit_of(out)
                    assert head_notes.count(what) == 1, (r, what, head_notes)
                    # Its own commit holds its own contact, and touches only that file.
                    own = _head_file(root, commit, rel)
                    assert own is not None and own["contacts"][-1]["note"] == what
                    changed = git(root, "show", "--name-only", "--format=", commit).split()
                    assert changed == [rel]
                else:
                    assert code == 1, err
                    assert what not in head_notes, (r, what, err)
            else:
                if code == 0:
                    pid = out.strip()
                    commit = _commit_of(err)
                    assert head_names.get(what) == pid, (r, what, pid, head_names)
                    status = git(root, "show", "--name-status", "--format=", commit).split()
                    assert status == ["A", f"participants/{pid}.toml"], (r, what, status)
                    subject = git(root, "log", "-1", "--format=%s", commit).strip()
                    assert subject == f"{pid}: new participant"
                else:
                    assert code == 1, err
                    assert what not in head_names, (r, what, err)
        assert git(root, "status", "--porcelain", "--untracked-files=all") == "", f"round {r}"
        # Under the lock nothing needs to fail: the edits queue and all land.
        assert all(code == 0 for _, _, code, _, _ in results), [
            (k, w, e) for k, w, c, _, e in results if c
        ]
    # Every commit of the run: one file, added or modified, never a deletion.
    for commit in git(root, "rev-list", f"HEAD~{rounds * 5}..HEAD").split():
        status = git(root, "show", "--name-status", "--format=", commit).split()
        assert len(status) == 2 and status[0] in ("A", "M"), (commit, status)
