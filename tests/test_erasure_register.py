"""erasures.toml is checked like every caseload file (trial 7 item 9; SPEC §12).

A register that does not parse or is not the shape `ipstui erase` writes is one problem
in erasures.toml for `validate`, `validate --staged` and the app's Problems list; and
`erase --yes` is refused (exit 1) before anything is rewritten, so an entry is never
appended to a broken register. Valid registers (comments only, real entries, upper-case
hex) are no problem and do not stop an erasure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import empty_caseload, from_template, git

from ipstui import cli
from ipstui.core.erasures import id_hash, register_problem
from ipstui.core.service import CaseloadService

TODAY = "2026-11-16"
HASH = id_hash("P-0099")


def _one(folder: Path) -> None:
    empty_caseload(folder)
    assert cli.main(["new", "-C", str(folder), "--name", "Person One", "--specialist", "anna",
                     "--referral-source", "CSM", "--today", TODAY]) == 0  # fmt: skip


@pytest.fixture
def root(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return from_template("trial7-erasure", _one, tmp_path / "cl", tmp_path_factory)


def _main(capsys: pytest.CaptureFixture[str], root: Path, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([*argv, "-C", str(root), "--today", TODAY])
    out, err = capsys.readouterr()
    return code, out, err


BROKEN = [
    # (kind, the register's text, line, words of the one problem)
    ("not TOML", "bad = = x\n", 1, "TOML syntax error"),
    ("a key that is not an entry", f'note = 1\n\n[[erasure]]\nid_sha256 = "{HASH}"\n', 1, "not a key"),
    ("erasure not a list of tables", "erasure = 3\n", 1, "[[erasure]]"),
    ("a hash too short", '[[erasure]]\nid_sha256 = "abc"\n', 2, "64 hex digits"),
    ("an entry without its hash", '[[erasure]]\non = 2026-11-01\n', 1, "64 hex digits"),
    ("a date that is text", f'[[erasure]]\non = "yesterday"\nid_sha256 = "{HASH}"\n', 2, "date"),
    ("who is a number", f'[[erasure]]\nby = 3\nid_sha256 = "{HASH}"\n', 2, "text"),
]  # fmt: skip

VALID = [
    ("comments only", "# nothing erased yet\n"),
    ("one entry", f'# register\n\n[[erasure]]\non = 2026-11-01\nby = "Anna"\nid_sha256 = "{HASH}"\nrequest = "R-1"\n'),
    ("upper-case hex", f'[[erasure]]\nid_sha256 = "{HASH.upper()}"\n'),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "text", "line", "says"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_register_is_one_problem_and_refuses_erase(
    root: Path, capsys: pytest.CaptureFixture[str], kind: str, text: str, line: int, says: str
) -> None:
    problem = register_problem(text.encode())
    assert problem is not None and problem.line == line and says in problem.message
    (root / "erasures.toml").write_text(text, encoding="utf-8")
    git(root, "add", "erasures.toml")
    code, out, _err = _main(capsys, root, "validate", "--staged")
    assert code == 1 and [ln for ln in out.splitlines() if ln.startswith("erasures.toml:")]
    git(root, "commit", "-qm", "register")
    code, out, _err = _main(capsys, root, "validate")
    named = [ln for ln in out.splitlines() if ln.startswith("erasures.toml:")]
    assert code == 1 and len(named) == 1 and named[0].startswith(f"erasures.toml:{line}:")
    svc = CaseloadService(root)
    assert [p.path for p in svc.problems(svc.load())] == ["erasures.toml"]
    before = (git(root, "rev-parse", "HEAD"), (root / "erasures.toml").read_bytes())
    code, _out, err = _main(capsys, root, "erase", "P-0001", "--yes")
    assert code == 1
    assert err.startswith("ipstui: error: erasures.toml:") and "fix erasures.toml first" in err
    assert (git(root, "rev-parse", "HEAD"), (root / "erasures.toml").read_bytes()) == before
    assert (root / "participants" / "P-0001.toml").exists()
    code, out, _err = _main(capsys, root, "erase", "P-0001")  # the dry run says why too
    assert code == 0 and "`--yes` would be refused now: erasures.toml:" in out


@pytest.mark.parametrize(("kind", "text"), VALID, ids=[v[0] for v in VALID])
def test_a_valid_register_is_no_problem(
    root: Path, capsys: pytest.CaptureFixture[str], kind: str, text: str
) -> None:
    assert register_problem(text.encode()) is None
    (root / "erasures.toml").write_text(text, encoding="utf-8")
    git(root, "add", "erasures.toml")
    git(root, "commit", "-qm", "register")
    code, out, _err = _main(capsys, root, "validate")
    assert code == 0, out
    code, out, _err = _main(capsys, root, "erase", "P-0001")
    assert code == 0 and "would be refused" not in out
