"""A shallow clone's boundary commit is not a creation nor a breach (trial 7, item 8):
`audit --check` checks its message only and says the clone is shallow; `log ID` says
the history starts there.

The quick run (issue 12) keeps a boundary at the newest commit (`depth 1`) and one with
commits above it (`since 5th`); `depth 3` (a boundary above commits, as `since 5th`) and
the full clone (no boundary: every participant's whole history walked, the slowest
case; full clones are the rest of the suite's audits and histories) are `slow`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ipstui.cli import main
from ipstui.core import gitio
from ipstui.core.audit import check
from ipstui.core.history import history


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


def clone(source: Path, dest: Path, how: str) -> Path:
    """`how`: "depth 1", "depth 3", "since 5th": shallow since the 5th newest commit's
    date, "full": no shallow option."""
    if how.startswith("depth"):
        option = [f"--depth={how.split()[1]}"]
    elif how == "since 5th":
        when = git(source, "log", "-5", "--format=%ct").splitlines()[-1]
        option = [f"--shallow-since={when}"]
    else:
        option = []
    subprocess.run(
        ["git", "clone", "-q", *option, f"file://{source}", str(dest)],
        check=True, capture_output=True,
    )  # fmt: skip
    return dest


@pytest.mark.parametrize(
    ("how", "commits"),
    [
        ("depth 1", 1),
        pytest.param("depth 3", 3, marks=pytest.mark.slow),
        ("since 5th", 5),
        pytest.param("full", None, marks=pytest.mark.slow),
    ],
)
def test_the_boundary_is_named_not_reported(
    sample_caseload: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    how: str,
    commits: int | None,
) -> None:
    root = clone(sample_caseload, tmp_path / "clone", how)
    boundary = gitio.shallow_boundary(root)
    if commits is None:
        assert boundary == frozenset()
    else:
        assert len(git(root, "log", "--format=%H").splitlines()) == commits
        assert boundary == {git(root, "log", "--format=%H").splitlines()[-1]}

    result = check(root)
    assert result.breaches == []
    assert set(result.shallow) == boundary
    capsys.readouterr()
    assert main(["-C", str(root), "audit", "--check"]) == 0
    err = capsys.readouterr().err
    assert ("this clone is shallow" in err) == bool(boundary)

    # Every participant's history: a creation only where the file was really created.
    for path in sorted((root / "participants").glob("*.toml")):
        for rev in history(root, path.stem):
            if rev.commit in boundary:
                assert rev.changes == () and "the history starts here" in rev.note
            else:
                assert "shallow" not in rev.note


def test_a_message_breach_at_the_boundary_is_still_reported(
    sample_caseload: Path, tmp_path: Path
) -> None:
    """The boundary's message is known: free text of a record in it is still a breach."""
    pid = sorted(p.stem for p in (sample_caseload / "participants").glob("*.toml"))[0]
    path = sample_caseload / "participants" / f"{pid}.toml"
    path.write_text(path.read_text() + 'x_secret = "Visits the Harbour Clinic"\n')
    git(sample_caseload, "commit", "-qam", f"{pid}: hand edit Visits the Harbour Clinic")
    root = clone(sample_caseload, tmp_path / "clone", "depth 1")
    result = check(root)
    assert result.shallow
    assert [b.problem.split(" (")[0] for b in result.breaches] == [
        "the message holds free text of the record"
    ]
