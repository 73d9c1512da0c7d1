"""Odd files of the same kind as the trial's (SPEC §2).

- Two files whose ids differ only in case are one file on macOS and Windows: validate
  reports both, and neither is rewritten while both exist (one-line refusal).
- A file that starts with a UTF-8 byte order mark keeps it when the app rewrites it, with
  its line endings: one field edited is one changed line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli

TODAY = ["--today", "2026-11-16"]
VALID = VALID_PARTICIPANT
EMPLOYER = 'schema = 1\nid = "{eid}"\nname = "Coop"\nnotes = ""\n'
BOM = b"\xef\xbb\xbf"


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def commit_all(root: Path) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-qm", "files")
    return git(root, "rev-parse", "HEAD")


def twin_refusal(a: str, b: str) -> str:
    return (
        f"ipstui: error: {a} and {b} differ only in case, so on macOS and Windows they are "
        "one file; rename or remove one of them first, nothing was written\n"
    )


EDITS = [
    ("set", "{id}", "notes=x"),
    ("contact", "{id}", "--kind", "phone"),
    ("move", "{id}", "engagement"),
]


@pytest.mark.parametrize("edit", EDITS, ids=[e[0] for e in EDITS])
@pytest.mark.parametrize(
    ("files", "target", "refusal"),
    [
        (
            {"P-0008.toml": "P-0008", "p-0008.toml": "P-0008"},  # a copy, id unchanged
            "P-0008",
            twin_refusal("participants/P-0008.toml", "participants/p-0008.toml"),
        ),
        (
            {"P-0008.toml": "P-0008", "p-0008.toml": "p-0008"},  # each id its own name
            "p-0008",
            twin_refusal("participants/p-0008.toml", "participants/P-0008.toml"),
        ),
        (
            {"P-0008.toml": "P-0008", "p-0008.toml": "p-0008", "P-0008x.toml": "P-0008x"},
            "P-0008",
            twin_refusal("participants/P-0008.toml", "participants/p-0008.toml"),
        ),
    ],
    ids=["copy beside", "own id, lower-case one edited", "with an unrelated neighbour"],
)
def test_case_twins_are_both_refused(
    caseload_dir: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    target: str,
    refusal: str,
    edit: tuple[str, ...],
) -> None:
    root = caseload_dir
    for name, pid in files.items():
        (root / "participants" / name).write_text(VALID.format(pid=pid))
    head = commit_all(root)
    before = {p.name: p.read_bytes() for p in (root / "participants").iterdir()}

    code, out, _err = run(capsys, root, "validate")
    assert code == 1
    assert "participants/P-0008.toml:1:1: id P-0008 differs from p-0008 only in case" in out
    assert "participants/p-0008.toml:1:1: id p-0008 differs from P-0008 only in case" in out

    args = [a.format(id=target) for a in edit]
    code, _out, err = run(capsys, root, *TODAY, *args)
    assert (code, err) == (1, refusal)
    assert {p.name: p.read_bytes() for p in (root / "participants").iterdir()} == before
    assert git(root, "rev-parse", "HEAD") == head

    # Once one of them is gone, the other is editable again.
    other = next(n for n in files if n[:-5] != target and n[:-5].casefold() == target.casefold())
    git(root, "rm", "-q", f"participants/{other}")
    git(root, "commit", "-qm", "remove the twin")
    if files[f"{target}.toml"] != target:
        return  # the copy's id is not its name: still refused, by validation
    code, _out, err = run(capsys, root, *TODAY, *args)
    assert code == 0, err


def test_employer_case_twins_are_both_refused(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    (root / "employers").mkdir(exist_ok=True)
    for eid in ("E-0001", "e-0001"):
        (root / "employers" / f"{eid}.toml").write_text(EMPLOYER.format(eid=eid))
    head = commit_all(root)
    code, out, _err = run(capsys, root, "validate")
    assert code == 1
    assert "employers/E-0001.toml:1:1: id E-0001 differs from e-0001 only in case" in out
    assert "employers/e-0001.toml:1:1: id e-0001 differs from E-0001 only in case" in out
    for eid in ("E-0001", "e-0001"):
        code, _out, err = run(
            capsys, root, *TODAY, "employer", "contact", eid, "--by", "anna", "--on", "2026-11-10"
        )
        assert code == 1 and err.count("\n") == 1, err
        assert "only in case" in err or "differ only in case" in err, err
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("bom", "newline"),
    [(True, "\n"), (True, "\r\n"), (False, "\r\n"), (False, "\n")],
    ids=["bom lf", "bom crlf", "crlf", "lf"],
)
@pytest.mark.parametrize("edit", EDITS, ids=[e[0] for e in EDITS])
def test_bom_and_line_endings_are_kept(
    caseload_dir: Path,
    capsys: pytest.CaptureFixture[str],
    bom: bool,
    newline: str,
    edit: tuple[str, ...],
) -> None:
    root = caseload_dir
    git(root, "config", "core.autocrlf", "false")
    rel = "participants/P-0004.toml"
    raw = (BOM if bom else b"") + VALID.format(pid="P-0004").replace("\n", newline).encode()
    (root / rel).write_bytes(raw)
    commit_all(root)

    code, _out, err = run(capsys, root, *TODAY, *[a.format(id="P-0004") for a in edit])
    assert code == 0, err
    after = (root / rel).read_bytes()
    assert after.startswith(BOM) == bom
    body = after.removeprefix(BOM)
    assert body.count(b"\n") == body.count(newline.encode())  # no line changed its ending
    added, removed, _path = git(root, "show", "--numstat", "--format=", "HEAD").split("\t")
    # One field, one line (the first line is not rewritten for its mark); a contact only
    # adds lines.
    want = {"set": ("1", "1"), "move": ("2", "2")}  # move: phase and phase_since
    if edit[0] in want:
        assert (added, removed) == want[edit[0]]
    else:
        assert removed == "0"
    assert git(root, "status", "--porcelain") == ""
    if bom:
        code, out, _err = run(capsys, root, "validate")
        assert (code, out) == (
            0,
            f"{rel}:1:1: warning: file starts with a UTF-8 byte order mark (accepted; ipstui "
            "reads it without one)\n",
        )


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["bom lf", "bom crlf"])
def test_employer_file_keeps_its_bom(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], newline: str
) -> None:
    """The same transaction writes employer files: their mark and line endings stay too."""
    root = caseload_dir
    git(root, "config", "core.autocrlf", "false")
    (root / "employers").mkdir(exist_ok=True)
    rel = "employers/E-0001.toml"
    raw = BOM + EMPLOYER.format(eid="E-0001").replace("\n", newline).encode()
    (root / rel).write_bytes(raw)
    commit_all(root)
    code, _out, err = run(
        capsys, root, *TODAY, "employer", "contact", "E-0001", "--by", "anna", "--on", "2026-11-10"
    )
    assert code == 0, err
    after = (root / rel).read_bytes()
    assert after.startswith(raw)  # the contact is appended; nothing before it changed
    body = after.removeprefix(BOM)
    assert body.count(b"\n") == body.count(newline.encode())
