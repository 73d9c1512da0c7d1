"""A symlinked `participants/` or `employers/` folder (SPEC §1: refused) is one error in
`validate` and refused by sync's outgoing check (trial 8 item B: validate said "0 files
checked", sync pushed the link and emptied the caseload for the whole team)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
from sync_helpers import head, isolate_git, make_team, run

from ipstui.cli import main
from ipstui.core.sync import SyncError, sync

EMPLOYER = 'schema = 1\nid = "E-0001"\nname = "Coop"\nnotes = ""\n'


def cli(repo: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["-C", str(repo), "--today", "2026-11-16", *args])
    return code, out.getvalue()


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    (a,) = make_team(tmp_path, "a")
    (a / "employers").mkdir()
    (a / "employers" / "E-0001.toml").write_text(EMPLOYER)
    run(a, "add", "-A")
    run(a, "commit", "-q", "-m", "E-0001: new employer")
    run(a, "push", "-q", "origin", "HEAD")
    return a


@pytest.mark.parametrize("folder", ["participants", "employers"])
def test_a_linked_record_folder_is_an_error_and_never_pushed(clone: Path, folder: str) -> None:
    outside = clone.parent / f"outside-{folder}"
    shutil.copytree(clone / folder, outside)
    run(clone, "rm", "-rq", folder)
    os.symlink(outside, clone / folder)
    run(clone, "add", folder)
    run(clone, "commit", "-q", "-m", "x")
    code, said = cli(clone, "validate")
    assert code != 0, said
    lines = [ln for ln in said.splitlines() if ln.startswith(f"{folder}:")]
    assert len(lines) == 1 and "symbolic link" in lines[0], said
    remote_before = run(clone, "rev-parse", "origin/main").stdout
    with pytest.raises(SyncError) as exc:
        sync(clone)
    assert folder in str(exc.value) and "not a folder" in str(exc.value)
    run(clone, "fetch", "-q")
    assert run(clone, "rev-parse", "origin/main").stdout == remote_before  # nothing pushed
    assert head(clone)  # the branch is kept
