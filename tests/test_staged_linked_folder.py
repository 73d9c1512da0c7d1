"""`validate --staged` refuses a record folder staged as a symbolic link (review of
s8fixA): an index entry for `participants` or `employers` itself, mode 120000.

The kind of fault: the staged check looked only at entries inside the folders, so a
staged link in place of a folder passed the pre-commit hook, though plain `validate`
refuses a linked folder (`storage.linked_folder`, SPEC §1). Now the index's entry is
reported with the same message (one rule). Table-driven over both folders, with a real
repository and a real index (`git add` of the link, the folder's files removed)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli
from ipstui.core.storage import linked_folder

REL = "participants/P-0001.toml"


@pytest.mark.parametrize("folder", ["participants", "employers"])
def test_staged_link_in_place_of_a_record_folder(
    folder: str, caseload_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    (root / REL).write_text(VALID_PARTICIPANT.format(pid="P-0001"))
    git(root, "add", REL)
    git(root, "commit", "-qm", "P-0001: new participant")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if (root / folder).exists():
        shutil.copytree(root / folder, elsewhere, dirs_exist_ok=True)
        git(root, "rm", "-rq", "--cached", "--ignore-unmatch", folder)
        shutil.rmtree(root / folder)
    os.symlink(elsewhere, root / folder)
    git(root, "add", folder)
    assert git(root, "ls-files", "-s", "--", folder).startswith("120000 ")
    want = linked_folder(root, folder)
    assert want is not None
    capsys.readouterr()
    code = cli.main(["-C", str(root), "validate", "--staged"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines() == [f"{folder}:1:1: {want}"], out
