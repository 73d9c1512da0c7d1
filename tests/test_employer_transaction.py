"""Employer saves go through the participants' save transaction (SPEC §5, §11): the
same refusals, the same git view of the file, the same verified commit, and the same
lock, so simultaneous command-line edits of the register queue up and report truthfully.

The repository states and helpers are those of test_save_transaction."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import commit_count, git
from test_save_transaction import STATES, Result, _crlf_autocrlf_clone, _diverged, _hook

from ipstui import cli
from ipstui.core.resources import PROJECT_DIR

TODAY = "2026-11-16"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def _run(*args: str, root: Path) -> Result:
        capsys.readouterr()
        try:
            code = cli.main([*args, "-C", str(root), "--today", TODAY])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return _run


@pytest.fixture
def reg(caseload_dir: Path, run: Callable[..., Result]) -> Path:
    """A caseload whose register holds E-0001 (Coop), committed."""
    res = run("employer", "new", "--name", "Coop", root=caseload_dir)
    assert res.code == 0, res.err
    return caseload_dir


def snapshot(root: Path) -> tuple[str, str, dict[str, bytes]]:
    """HEAD, `git status`, and every employer file's bytes."""
    edir = root / "employers"
    files = {
        p.name: p.read_bytes()
        for p in sorted(edir.glob("*.toml"))
        if p.is_file() and not p.is_symlink()
    }
    head = git(root, "rev-parse", "HEAD").strip()
    return head, git(root, "status", "--porcelain", "--untracked-files=all"), files


def refused(res: Result, *words: str) -> None:
    assert res.code == 1, (res.code, res.out, res.err)
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.err, res.err
    for word in words:
        assert word in lines[0], lines[0]


def contact(run: Callable[..., Result], root: Path, eid: str = "E-0001") -> Result:
    return run("employer", "contact", eid, "--by", "anna", "--note", "hi", root=root)


@pytest.mark.parametrize(
    "make_state,words", [(m, w) for _, m, w in STATES], ids=[s[0] for s in STATES]
)
def test_no_employer_edit_where_the_commit_would_be_lost(
    reg: Path, run: Callable[..., Result], make_state: Callable[[Path], None], words: str
) -> None:
    _diverged(reg)
    make_state(reg)
    before = snapshot(reg)
    refused(contact(run, reg), words, "nothing was written")
    refused(run("employer", "new", "--name", "Forno", root=reg), words)
    refused(run("employer", "set", "E-0001", "sector=retail", root=reg), words)
    assert snapshot(reg) == before


def test_a_symlinked_employers_folder_is_never_written_through(
    reg: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    shutil.move(str(reg / "employers"), outside)
    (reg / "employers").symlink_to(outside, target_is_directory=True)
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    head = git(reg, "rev-parse", "HEAD")
    refused(contact(run, reg), "employers is a symbolic link", "not a folder")
    refused(run("employer", "new", "--name", "Forno", root=reg), "employers is a symbolic link")
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before
    assert git(reg, "rev-parse", "HEAD") == head


@pytest.mark.parametrize("new_id", ["e-0001", "E-0001"])
def test_employer_ids_that_differ_only_in_case_are_one_file(
    reg: Path, run: Callable[..., Result], new_id: str
) -> None:
    before = snapshot(reg)
    refused(run("employer", "new", "--id", new_id, "--name", "Twin", root=reg), "E-0001", "exists")
    assert snapshot(reg) == before


def test_a_folder_or_a_file_deleted_but_not_committed_is_refused(
    reg: Path, run: Callable[..., Result]
) -> None:
    (reg / "employers" / "E-0009.toml").mkdir()
    refused(contact(run, reg, "E-0009"), "E-0009.toml is a folder, not an employer file")
    (reg / "employers" / "E-0009.toml").rmdir()
    (reg / "employers" / "E-0001.toml").unlink()
    before = snapshot(reg)
    # The next free id on disk is E-0001 again: a new employer must not continue its history.
    refused(run("employer", "new", "--name", "Forno", root=reg), "E-0001.toml", "not committed")
    assert snapshot(reg) == before


def test_a_commit_that_does_not_hold_the_saved_employer_is_taken_back(
    reg: Path, run: Callable[..., Result]
) -> None:
    _hook(reg, "printf '# hook\\n' >> employers/E-0001.toml\ngit add employers/E-0001.toml\n")
    head = git(reg, "rev-parse", "HEAD")
    res = contact(run, reg)
    assert res.code == 1 and "nothing was saved" in res.err and "committed" not in res.out
    assert git(reg, "rev-parse", "HEAD") == head


def test_an_autocrlf_clone_edits_employers_and_keeps_crlf(
    reg: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    root = _crlf_autocrlf_clone(reg, tmp_path)
    path = root / "employers" / "E-0001.toml"
    assert b"\r\n" in path.read_bytes() and git(root, "status", "--porcelain") == ""
    n = commit_count(root)
    assert contact(run, root).code == 0
    assert run("employer", "set", "E-0001", "sector=retail", root=root).code == 0
    assert commit_count(root) == n + 2
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert git(root, "status", "--porcelain") == ""


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


def test_simultaneous_employer_edits_queue_up_and_report_truthfully(reg: Path) -> None:
    """Three contacts of E-0001, two new employers and the same new name twice, at once."""
    by = ["anna", "mette", "anna"]
    jobs = [_start(reg, "employer", "contact", "E-0001", "--by", k, "--note", f"n{i}")
            for i, k in enumerate(by)]  # fmt: skip
    jobs += [_start(reg, "employer", "new", "--name", n) for n in ("Forno", "Bar", "Twin", "twin")]
    done = [(p, *p.communicate(timeout=120)) for p in jobs]
    for p, _out, err in done[:5]:
        assert p.returncode == 0, err
    twins = done[5:]
    assert sorted(p.returncode for p, _, _ in twins) == [0, 1], [e for _, _, e in twins]
    assert any("already in the register" in e for p, _, e in twins if p.returncode == 1)
    assert git(reg, "status", "--porcelain") == ""
    head = tomllib.loads(git(reg, "show", "HEAD:employers/E-0001.toml"))
    assert sorted(c["note"] for c in head["contacts"]) == ["n0", "n1", "n2"]
    ids = {out.strip() for p, out, _ in done[3:] if p.returncode == 0}
    assert len(ids) == 3 and all(re.fullmatch(r"E-000[2-4]", i) for i in ids)
    names = {tomllib.loads(git(reg, "show", f"HEAD:employers/{i}.toml"))["name"] for i in ids}
    assert names & {"Forno", "Bar"} == {"Forno", "Bar"}
    for p, out, err in done:
        if p.returncode == 0:
            commit = re.search(r"committed ([0-9a-f]{7})", out + err)
            assert commit and git(reg, "cat-file", "-t", commit.group(1)).strip() == "commit"
