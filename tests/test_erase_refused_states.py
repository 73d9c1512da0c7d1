"""`ipstui erase --yes` refused before anything changes (SPEC §12, trial 8 faults E, F):
a shallow clone — its rewrite and force-push would replace the team's whole history with
the few commits it holds — and an erasures.toml that is not a regular file. The dry run
says why; `--yes` exits 1 and the refs, the objects and the work tree are as they were."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import empty_caseload, git

from ipstui import cli
from ipstui.core import edits
from ipstui.core.caseload import load_for_edit

pytest.importorskip("git_filter_repo", reason="ipstui erase needs git-filter-repo (extra 'erase')")

TODAY = "2026-11-30"


def _full(tmp_path: Path) -> Path:
    root = tmp_path / "full"
    empty_caseload(root)
    for pid, name in (("P-0001", "Giulia Rossi"), ("P-0005", "Erasmo Quux")):
        edits.new_participant(
            load_for_edit(root, None), name=name, specialist="anna", referral_source="CSM",
            today=date(2026, 9, 1), pid=pid,
        )  # fmt: skip
        edits.add_contact(
            load_for_edit(root, pid), pid, kind="phone", on=date(2026, 9, 2), note="called"
        )
    return root


def _shallow(tmp_path: Path) -> Path:
    full = _full(tmp_path)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{full}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    return clone


def _register(kind: str) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        root = _full(tmp_path)
        target = root / "erasures.toml"
        if kind == "folder":
            target.mkdir()
            (target / "keep.toml").write_text("# a file so git tracks the folder\n")
        else:
            outside = tmp_path / "outside.toml"
            outside.write_text("# register kept elsewhere\n")
            os.symlink(outside, target)
        git(root, "add", "erasures.toml")
        git(root, "commit", "-q", "-m", "register")
        return root

    return build


def _state(root: Path) -> tuple[str, str, str]:
    refs = git(root, "for-each-ref", "--format=%(objectname) %(refname)")
    objects = git(root, "count-objects", "-v")
    return refs, objects, git(root, "status", "--porcelain", "--untracked-files=all")


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (_shallow, "shallow"),
        (_register("folder"), "erasures.toml"),
        (_register("symlink"), "erasures.toml"),
    ],
    ids=["shallow-clone", "register-is-a-folder", "register-is-a-symlink"],
)
def test_erase_is_refused_before_anything_changes(
    tmp_path: Path, build: Callable[[Path], Path], reason: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    root = build(tmp_path)
    before = _state(root)
    assert cli.main(["erase", "P-0005", "-C", str(root), "--today", TODAY]) == 0
    dry = capsys.readouterr().out
    assert "`--yes` would be refused now" in dry and reason in dry
    assert cli.main(["erase", "P-0005", "--yes", "-C", str(root), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert reason in err
    assert _state(root) == before
    assert "Erasmo Quux" in (root / "participants" / "P-0005.toml").read_text()


@pytest.mark.parametrize("kind", ["folder", "symlink"])
def test_validate_names_a_register_that_is_not_a_file(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _register(kind)(tmp_path)
    assert cli.main(["validate", "-C", str(root), "--today", TODAY]) == 1
    out = capsys.readouterr()
    assert "erasures.toml" in out.out + out.err and "not a regular file" in out.out + out.err
