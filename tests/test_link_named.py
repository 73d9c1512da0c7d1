"""A write refused because of a symbolic link names the path that IS the link (SPEC §1).

Before, `ipstui new` in a caseload whose `participants/` folder was a link to `p2/` said
"participants/P-0061.toml is a symbolic link (to p2/P-0061.toml)": the file named was no
link, the folder was. `caseload.check_inside` now finds the first link on the path: a
linked folder is refused in the words a load uses for it (`storage.linked_folder`), a
linked file in the file's own words.

Table-driven over where the link is (the record folder, the file) and where it points
(inside the caseload, outside it), for participants and employers, through the CLI."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui.cli import main


@dataclass(frozen=True)
class Case:
    folder: str  # the record folder
    link: str  # the caseload-relative path made a link
    target: str  # where it points: "inside" (a sibling in the caseload) or "outside"
    args: tuple[str, ...]  # the command that writes
    said: str  # the refusal's words (after "ipstui: error: "); {elsewhere}: outside


NEW_P = ("new", "--name", "Z. Q.", "--specialist", "anna", "--referral-source", "CSM")
NEW_E = ("employer", "new", "--name", "Coop")
SET_P = ("set", "P-0001", "referral_source=Job centre")
FOLDER_SAID = (
    "{f} is a symbolic link, not a folder: ipstui never reads or writes through links, "
    "so none of the files it points to were read; put the folder itself in its place"
)
CASES = {
    "participants folder, inside": Case(
        "participants", "participants", "inside", NEW_P, FOLDER_SAID.format(f="participants")),
    "participants folder, outside": Case(
        "participants", "participants", "outside", NEW_P, FOLDER_SAID.format(f="participants")),
    "employers folder, inside": Case(
        "employers", "employers", "inside", NEW_E, FOLDER_SAID.format(f="employers")),
    "employers folder, outside": Case(
        "employers", "employers", "outside", NEW_E, FOLDER_SAID.format(f="employers")),
    "participant file, inside": Case(
        "participants", "participants/P-0001.toml", "inside", SET_P,
        "participants/P-0001.toml is a symbolic link (to kept/P-0001.toml, inside the "
        "caseload); ipstui never writes through links, nothing was written"),
    "participant file, outside": Case(
        "participants", "participants/P-0001.toml", "outside", SET_P,
        "participants/P-0001.toml resolves outside the caseload ({elsewhere}/P-0001.toml) "
        "through a symbolic link; ipstui never writes through links, nothing was written"),
}  # fmt: skip


def cli(root: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["-C", str(root), "--lang", "en", "--today", "2026-11-16", *args])
    return code, out.getvalue()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_refusal_names_the_link(caseload_dir: Path, tmp_path: Path, case: Case) -> None:
    root = caseload_dir
    (root / "employers").mkdir(exist_ok=True)
    (root / "participants/P-0001.toml").write_text(VALID_PARTICIPANT.format(pid="P-0001"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "P-0001")
    before = git(root, "rev-parse", "HEAD")
    name = case.link.rpartition("/")[2]
    real = (root / "kept" if case.target == "inside" else tmp_path / "elsewhere") / name
    real.parent.mkdir(parents=True, exist_ok=True)
    os.rename(root / case.link, real)
    os.symlink(real, root / case.link)

    code, said = cli(root, *case.args)

    assert code != 0, said
    assert said.strip() == "ipstui: error: " + case.said.format(
        elsewhere=os.path.realpath(tmp_path / "elsewhere")
    ), said
    assert git(root, "rev-parse", "HEAD") == before  # nothing was written
