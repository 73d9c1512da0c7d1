"""`validate --staged` checks the staged employer files too (SPEC §7, §11).

The pre-commit hook judges what the commit will hold. Employer files used to be left
out of it: a hand edit of `employers/*.toml` with a bad value, or a participant job
naming an employer that is not in the index, went into the commit unchecked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import git

from ipstui import cli

EMPLOYER = """\
schema = 1
id = "E-0001"
name = "Biblioteca Lame"
sector = "public library"
notes = ""

[[contacts]]
on = 2026-11-02
by = "anna"
face_to_face = true
purpose = "placement"
"""
PARTICIPANT = """\
schema = 1
id = "P-0001"
name = "Valid Person"
specialist = "anna"
phase = "job_search"
phase_since = 2026-11-01
referral_source = "CSM"
referred_on = 2026-10-01
notes = ""

[[jobs]]
employer = "Biblioteca Lame"
employer_id = "E-0001"
title = "Shelver"
start = 2026-11-10
competitive = true
"""
EREL = "employers/E-0001.toml"
PREL = "participants/P-0001.toml"


@pytest.fixture
def repo(caseload_dir: Path) -> Path:
    (caseload_dir / "employers").mkdir()
    (caseload_dir / EREL).write_text(EMPLOYER)
    (caseload_dir / PREL).write_text(PARTICIPANT)
    git(caseload_dir, "add", EREL, PREL)
    git(caseload_dir, "commit", "-qm", "E-0001, P-0001: new")
    return caseload_dir


def _staged(capsys: pytest.CaptureFixture[str], root: Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["-C", str(root), "validate", "--staged"])
    got = capsys.readouterr()
    return code, got.out, got.err


def test_a_good_index_passes_and_counts_the_employer_files(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _staged(capsys, repo)
    assert (code, out) == (0, "")
    assert "1 staged participant file and 1 employer file checked" in err


# (what is staged, the exit code, the start of the line validate prints)
CASES = [
    pytest.param(
        {EREL: EMPLOYER.replace('purpose = "placement"', 'purpose = "coffee"')},
        1,
        f"{EREL}:11:1: contacts.0.purpose: 'coffee' is not one of",
        id="schema-error",
    ),
    pytest.param(
        {EREL: EMPLOYER.replace('by = "anna"', 'by = "nobody"')},
        1,
        f"{EREL}:9:1: contacts[0]: unknown specialist 'nobody'",
        id="unknown-specialist",
    ),
    pytest.param(
        {EREL: EMPLOYER.replace('id = "E-0001"', 'id = "E-0002"')},
        1,
        f"{EREL}:2:1: id 'E-0002' does not match the file name 'E-0001.toml'",
        id="id-not-file-name",
    ),
    pytest.param(
        {EREL: "name = 'twice'\n" + EMPLOYER},
        1,
        f"{EREL}:",
        id="not-toml",
    ),
    pytest.param(
        {PREL: PARTICIPANT.replace('employer_id = "E-0001"', 'employer_id = "E-0009"')},
        0,
        f"{PREL}:13:1: warning: jobs[0].employer_id: no employer 'E-0009' in employers/",
        id="job-names-a-missing-employer",
    ),
]


@pytest.mark.parametrize(("staged", "code", "line"), CASES)
def test_staged_employer_problems(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    staged: dict[str, str],
    code: int,
    line: str,
) -> None:
    for rel, text in staged.items():
        (repo / rel).write_text(text)
        git(repo, "add", rel)
        # Fixed in the work tree but not staged: the index is what is judged.
        (repo / rel).write_text(EMPLOYER if rel == EREL else PARTICIPANT)
    got, out, _err = _staged(capsys, repo)
    assert got == code
    assert out.splitlines()[0].startswith(line), out
    assert cli.main(["-C", str(repo), "validate"]) == 0  # the work tree is fine


def test_the_employer_of_a_job_removed_from_the_index_is_named(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo, "rm", "-q", "--cached", EREL)
    code, out, _err = _staged(capsys, repo)
    assert code == 0
    assert out.startswith(f"{PREL}:13:1: warning: jobs[0].employer_id: no employer 'E-0001'"), out


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_staged_symbolic_link_employer_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = repo / "employers" / "E-0002.toml"
    link.symlink_to("E-0001.toml")
    git(repo, "add", "employers/E-0002.toml")
    code, out, _err = _staged(capsys, repo)
    assert code == 1
    assert out.startswith(
        "employers/E-0002.toml:1:1: is a symbolic link; employer files must be plain files"
    ), out
