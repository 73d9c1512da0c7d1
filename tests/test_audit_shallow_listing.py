"""Plain `ipstui audit` says when the history it lists is cut (a shallow clone), as
`audit --check` and `log` already do: one line on stderr whatever the format, and in
json a field on every row (`history_starts_at`: where this clone's history starts)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ipstui.cli import main
from ipstui.core import gitio


def clone(source: Path, dest: Path, depth: int | None) -> Path:
    option = [f"--depth={depth}"] if depth else []
    subprocess.run(
        ["git", "clone", "-q", *option, f"file://{source}", str(dest)],
        check=True, capture_output=True,
    )  # fmt: skip
    return dest


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
@pytest.mark.parametrize("depth", [3, None], ids=["shallow", "full"])
def test_plain_audit_says_the_history_is_cut(
    sample_caseload: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    depth: int | None,
) -> None:
    root = clone(sample_caseload, tmp_path / "clone", depth)
    boundary = sorted(gitio.shallow_boundary(root))
    assert len(boundary) == (1 if depth else 0)
    assert main(["audit", "-C", str(root), "--format", fmt]) == 0
    got = capsys.readouterr()
    notes = [ln for ln in got.err.splitlines() if "this clone is shallow" in ln]
    if depth:
        assert notes == [
            f"note: this clone is shallow, so its history starts at {boundary[0][:10]}: older "
            "changes are not listed, and what that commit changed is unknown; `git fetch "
            "--unshallow` brings the rest"
        ]
    else:
        assert notes == [] and got.err == ""
    if fmt == "json":
        rows = json.loads(got.out)
        assert rows and all(r["history_starts_at"] == boundary for r in rows)
    else:
        assert "shallow" not in got.out  # stdout stays the listing alone


def test_the_note_is_in_the_language_asked_for(
    sample_caseload: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = clone(sample_caseload, tmp_path / "clone", 2)
    assert main(["audit", "-C", str(root), "--lang", "it"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "git fetch --unshallow" in err[0]
    assert "this clone is shallow" not in err[0]
