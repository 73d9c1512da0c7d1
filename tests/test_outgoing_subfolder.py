"""sync's pre-push check (core/outgoing.py) finds the caseload's files wherever the
caseload sits in its repository: at the top, or in a folder of any name — also one named
like the caseload's own folders (`participants/`), whose prefix must not be stripped from
paths git already gives relative to the caseload (review of session 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CASELOAD_TOML, VALID_PARTICIPANT, git

from ipstui.core.outgoing import outgoing_problems

BROKEN = "schema = 1\nid = = \n"


@pytest.mark.parametrize("sub", ["", "team", "participants", "employers", "a/participants"])
@pytest.mark.parametrize(
    ("rel", "text", "bad"),
    [
        ("participants/P-0001.toml", BROKEN, True),
        ("participants/P-0001.toml", VALID_PARTICIPANT.format(pid="P-0001"), False),
        # A schema-refused team: settings unknown, so nobody is blamed for a specialist.
        ("participants/P-0002.toml", VALID_PARTICIPANT.format(pid="P-0002"), False),
    ],
)
def test_a_broken_file_is_found_in_a_caseload_in_any_folder(
    tmp_path: Path, sub: str, rel: str, text: str, bad: bool
) -> None:
    repo = tmp_path / "repo"
    root = repo / sub if sub else repo
    (root / "participants").mkdir(parents=True)
    settings = CASELOAD_TOML
    if rel.endswith("P-0002.toml"):
        settings = settings.replace('name = "Anna Bianchi"', 'name = "Anna\\u0007"')
    (root / "caseload.toml").write_text(settings, encoding="utf-8")
    (root / rel).write_text(text, encoding="utf-8")
    git(tmp_path, "init", "-q", str(repo))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "caseload")
    found = outgoing_problems(root, None)
    named = [p.path for p in found]
    if bad:
        assert named == [rel]
    elif rel.endswith("P-0002.toml"):
        # caseload.toml itself is reported (a control character), the participant is not.
        assert named == ["caseload.toml"]
    else:
        assert found == []
