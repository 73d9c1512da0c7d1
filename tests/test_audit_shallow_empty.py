"""An empty json listing of a shallow clone (`[]`: no row to carry
`history_starts_at`) still says the history is cut: the stderr line, as for every
format (docs/privacy.md). The listing stays a list, whatever it holds, so a script
reads one shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_audit_shallow_listing import clone

from ipstui.cli import main


def test_an_empty_json_listing_of_a_shallow_clone_says_so_on_stderr(
    sample_caseload: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = clone(sample_caseload, tmp_path / "clone", 2)
    args = ["audit", "-C", str(root), "--format", "json", "--participant", "P-9999"]
    assert main(args) == 0
    got = capsys.readouterr()
    assert json.loads(got.out) == []
    notes = [ln for ln in got.err.splitlines() if "this clone is shallow" in ln]
    assert len(notes) == 1 and "git fetch --unshallow" in notes[0]
