"""Edits refuse what would lose or misstate a change (trial 7 items 6, 10, 13).

- a change staged in git's index for the record being edited (status `MM`, `M `,
  `AD`) is refused as an unstaged change is, for participants and employers, and for
  the commit of a hand edit: `git commit -- path` would replace it by the work tree's
  copy; an unrelated staged file stays staged and out of the commit;
- a sparse checkout: a record it leaves out is named as "not checked out", never as
  "changes that are not committed", and a new record never takes its id;
- caseload.toml that parses but holds a value the schema refuses is one problem in
  caseload.toml and refuses every edit with that reason, like a syntax error.

Real git repositories and real files; edits through the CLI (`cli.main`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from conftest import empty_caseload, from_template, git

from ipstui import cli
from ipstui.core.caseload import UncommittedFile, commit_hand_edit, load

TODAY = "2026-11-16"


def _two(folder: Path) -> None:
    empty_caseload(folder)
    for name in ("Person One", "Person Two", "Person Three"):
        assert cli.main(["new", "-C", str(folder), "--name", name, "--specialist", "anna",
                         "--referral-source", "CSM", "--today", TODAY]) == 0  # fmt: skip
    assert cli.main(["employer", "new", "-C", str(folder), "--name", "Shop", "--today", TODAY]) == 0


@pytest.fixture
def root(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return from_template("trial7-three", _two, tmp_path / "cl", tmp_path_factory)


def _main(capsys: pytest.CaptureFixture[str], root: Path, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main([*argv, "-C", str(root), "--today", TODAY])
    return code, capsys.readouterr().err


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


# ------------------------------------------------------------ item 6: staged changes


def _mm(rel: str, old: str, new: str) -> Callable[[Path], None]:
    """Stage a change, then put the work tree back to HEAD's copy: status `MM`."""

    def make(root: Path) -> None:
        _replace(root, rel, old, new)
        git(root, "add", rel)
        (root / rel).write_bytes(git_show(root, rel))

    return make


def _m_(rel: str, old: str, new: str) -> Callable[[Path], None]:
    """Stage a change, the work tree holding it too: status `M `."""

    def make(root: Path) -> None:
        _replace(root, rel, old, new)
        git(root, "add", rel)

    return make


def git_show(root: Path, rel: str) -> bytes:
    import subprocess

    return subprocess.run(
        ["git", "-C", str(root), "show", f"HEAD:{rel}"], check=True, capture_output=True
    ).stdout


P3 = "participants/P-0003.toml"
E1 = "employers/E-0001.toml"
STAGED = [
    # (kind, make the state, git status of the file, the edit, says)
    ("participant MM", _mm(P3, "Person Three", "Person Drei"), "MM",
     ("set", "P-0003", "notes=x"), "staged in git's index"),
    ("participant M_", _m_(P3, "Person Three", "Person Drei"), "M ",
     ("set", "P-0003", "notes=x"), "has changes that are not committed"),
    ("employer MM", _mm(E1, "Shop", "Shop Two"), "MM",
     ("employer", "contact", "E-0001", "--by", "anna"), "staged in git's index"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "make", "status", "edit", "says"), STAGED, ids=[s[0] for s in STAGED]
)
def test_a_staged_change_of_the_edited_record_is_refused_and_kept(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    make: Callable[[Path], None],
    status: str,
    edit: tuple[str, ...],
    says: str,
) -> None:
    rel = P3 if "participant" in kind else E1
    make(root)
    assert git(root, "status", "--porcelain", "--", rel)[:2] == status
    staged = git(root, "diff", "--cached")
    before = git(root, "rev-parse", "HEAD")
    code, err = _main(capsys, root, *edit)
    assert code == 1
    assert rel in err and says in err
    assert git(root, "rev-parse", "HEAD") == before
    assert git(root, "diff", "--cached") == staged  # the staged change is still there


def test_a_staged_new_file_deleted_from_disk_is_not_taken_over(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Status `AD`: a new participant must not reuse the path of a staged add."""
    rel = "participants/P-0004.toml"
    (root / rel).write_text((root / P3).read_text().replace("P-0003", "P-0004"))
    git(root, "add", rel)
    (root / rel).unlink()
    code, err = _main(capsys, root, "new", "--id", "P-0004", "--name", "Nuovo",
                      "--specialist", "anna", "--referral-source", "CSM")  # fmt: skip
    assert code == 1 and "staged in git's index" in err
    assert git(root, "ls-files", "-s", rel).strip()  # still staged


def test_an_unrelated_staged_file_stays_out_of_the_commit(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _replace(root, "participants/P-0002.toml", "Person Two", "Person Zwei")
    git(root, "add", "participants/P-0002.toml")
    code, err = _main(capsys, root, "set", "P-0003", "notes=x")
    assert code == 0, err
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == [P3]
    assert git(root, "diff", "--cached", "--name-only").split() == ["participants/P-0002.toml"]


def test_committing_a_hand_edit_refuses_a_different_staged_copy(root: Path) -> None:
    _replace(root, P3, "Person Three", "Person Staged")
    git(root, "add", P3)
    _replace(root, P3, "Person Staged", "Person On Disk")
    with pytest.raises(UncommittedFile, match="staged in git's index"):
        commit_hand_edit(load(root), P3)
    assert "Person Staged" in git(root, "show", f":{P3}")


# ------------------------------------------------------------ item 10: sparse checkout


def test_a_sparse_checkout_is_named_and_its_ids_are_not_reused(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(root, "sparse-checkout", "set", "--no-cone", "/*", "!/participants/P-0002.toml")
    assert not (root / "participants/P-0002.toml").exists()
    code, err = _main(capsys, root, "set", "P-0002", "notes=x")
    assert code == 1
    assert "not checked out" in err and "sparse" in err
    assert "not committed" not in err
    code, err = _main(capsys, root, "new", "--id", "P-0002", "--name", "Other",
                      "--specialist", "anna", "--referral-source", "CSM")  # fmt: skip
    assert code == 1 and "not checked out" in err
    code, err = _main(capsys, root, "new", "--name", "Next", "--specialist", "anna",
                      "--referral-source", "CSM")  # fmt: skip
    assert code == 0, err
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == [
        "participants/P-0004.toml"
    ]


# ------------------------------------------------------------ item 13: invalid caseload.toml


def _setting(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / "caseload.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        git(root, "commit", "-qam", "settings")

    return make


INVALID = [
    ("control character in a member's name",
     _setting(lambda d: d["team"]["anna"].update(name="Anna\x07B")), "control character"),
    ("max_caseload below 1", _setting(lambda d: d.update(max_caseload=-5)), "max_caseload"),
    ("a member's max_caseload a text",
     _setting(lambda d: d["team"]["anna"].update(max_caseload="x")), "max_caseload"),
    ("due_soon_days out of range", _setting(lambda d: d.update(due_soon_days=10_000)),
     "due_soon_days"),
    ("referral_sources holding a number", _setting(lambda d: d.update(referral_sources=[3])),
     "referral_sources"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "make", "says"), INVALID, ids=[k[0] for k in INVALID])
def test_an_invalid_caseload_toml_value_refuses_edits_naming_it(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    make: Callable[[Path], None],
    says: str,
) -> None:
    make(root)
    code, out = 0, ""
    capsys.readouterr()
    code = cli.main(["validate", "-C", str(root), "--today", TODAY])
    out = capsys.readouterr().out
    errors = [ln for ln in out.splitlines() if ":" in ln and "warning:" not in ln]
    assert code == 1
    assert errors and all(ln.startswith("caseload.toml:") for ln in errors), errors
    assert says in errors[0]
    before = git(root, "rev-parse", "HEAD")
    for edit in (("set", "P-0001", "notes=x"), ("employer", "contact", "E-0001", "--by", "anna")):
        code, err = _main(capsys, root, *edit)
        assert code == 1, edit
        assert err.startswith("ipstui: error: caseload.toml") and says in err, err
        assert "fix caseload.toml first" in err
    assert git(root, "rev-parse", "HEAD") == before
