"""Only participant files count as uncommitted participant changes (issue 13, item 3).

One rule (`caseload.is_participant_file`) decides what the loader reads, what the board
and Problems count as "uncommitted" and what `commit_hand_edit` accepts; anything else
in participants/ is named once, as a "not a participant file" warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipstui.core import loader
from ipstui.core.caseload import CaseloadError, commit_hand_edit, is_participant_file

# (name in participants/, is it a participant file?)
NAMES = [
    (".DS_Store", False),
    ("P-0023.toml~", False),
    (".P-0024.toml.swp", False),
    ("P-0024.toml.swp", False),
    ("README.txt", False),
    ("P-0001.TOML", False),
    ("P-0001.toml", True),
]


@pytest.mark.parametrize(("name", "verdict"), NAMES)
def test_the_rule(name: str, verdict: bool) -> None:
    assert is_participant_file(f"participants/{name}") is verdict


@pytest.mark.parametrize(
    "rel",
    ["P-0001.toml", "participants/sub/P-0001.toml", "employers/P-0001.toml", "participants/.toml"],
)
def test_not_in_the_folder_is_not_one(rel: str) -> None:
    assert not is_participant_file(rel)


def test_junk_is_not_uncommitted_and_named_once(sample_caseload: Path) -> None:
    root = sample_caseload
    pdir = root / "participants"
    for name, _verdict in NAMES:
        if name != "P-0001.toml":
            (pdir / name).write_bytes(b"junk\n")
    # One real hand edit, so the right count is 1, not 0.
    text = (pdir / "P-0001.toml").read_text()
    (pdir / "P-0001.toml").write_text(text.replace('notes = "', 'notes = "hand edit. ', 1))
    cl = loader.load(root)
    assert cl.dirty == {"participants/P-0001.toml"}
    junk = sorted(f"participants/{n}" for n, ok in NAMES if not ok)
    named = [p for p in cl.problems if p.path in junk]
    assert sorted(p.path for p in named) == junk  # each once
    assert all(p.severity == "warning" for p in named)
    assert all("not a participant file" in p.message for p in named)
    assert "P-0001" in cl.participants


@pytest.mark.parametrize("name", [n for n, ok in NAMES if not ok])
def test_junk_is_never_committed(sample_caseload: Path, name: str) -> None:
    (sample_caseload / "participants" / name).write_bytes(b"junk\n")
    cl = loader.load(sample_caseload)
    with pytest.raises(CaseloadError, match="not a participant file"):
        commit_hand_edit(cl, f"participants/{name}")
