"""Nothing is read through a symbolic link (SPEC §1; trial 8, item 4: with `participants/`
replaced by a link to a folder outside, `validate` and `due` said "none of the files it
points to were read", yet `export --format json` held the outside data and deleting a
file there changed `due`).

The kind of fault: git's index still named the committed files and `git status` named
them deleted, so the loader read them from the work tree, through the link; the check
(`storage.linked_folder`) only added the message. Now a linked record folder is refused
whole in the one place every reader loads through (`loader.load`, `employers.load`, and
the one-record read of the app and the edits), and a linked caseload.toml is never read
(and says so as a link, not as "participant files must be plain files").

Table-driven over what is a link (the participants folder, uncommitted as the trial had
it and committed; the employers folder; caseload.toml) and over every reader: validate,
due (text and --json), export (json and csv), report, fidelity, employer list, and the
app. The outside copies hold markers (a person, an employer, a team name) that must
appear nowhere, and each reader names the link."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import git
from pilot_wait import settle

from ipstui import cli
from ipstui.core.caseload import EditRefused, read_participant
from ipstui.core.loader import load
from ipstui.ui.app import IpsApp

TODAY = "2026-11-16"
FOLDER_REFUSAL = ("{folder} is a symbolic link, not a folder: ipstui never reads or writes "
                  "through links, so none of the files it points to were read; put the folder "
                  "itself in its place")  # fmt: skip
FILE_REFUSAL = ("caseload.toml:1:1: is a symbolic link: ipstui never reads or writes through "
                "links, so the file it points to was not read; put the file itself in its place")  # fmt: skip


@dataclass(frozen=True)
class Link:
    name: str
    entry: str  # what becomes a link: a folder or caseload.toml
    commit: bool  # the link committed (git's index then names no record file)
    marker: str  # text only the outside copy holds
    refusal: str  # what each reader of it says
    readers: frozenset[str] | None = None  # the commands that read it (None: all)


LINKS = [
    Link("participants, not committed", "participants", False, "Outside Only",
         FOLDER_REFUSAL.format(folder="participants")),
    Link("participants, committed", "participants", True, "Outside Only",
         FOLDER_REFUSAL.format(folder="participants")),
    Link("employers", "employers", False, "Outside Employer",
         FOLDER_REFUSAL.format(folder="employers"),
         frozenset({"validate", "fidelity", "employer list"})),
    Link("caseload.toml", "caseload.toml", False, "Outside Team", FILE_REFUSAL),
]  # fmt: skip


def link_out(root: Path, link: Link) -> Path:
    """Move `link.entry` out of the caseload, put the marker in the outside copy (and
    change a record there), and leave a symbolic link to it in its place."""
    outside = root.parent / f"outside-{link.entry}"
    shutil.move(root / link.entry, outside)
    if link.entry == "participants":
        text = (outside / "P-0001.toml").read_text(encoding="utf-8")
        (outside / "P-0001.toml").write_text(text.replace("Rasmus H.", "Outside Only"))
        (outside / "P-0999.toml").write_text(
            text.replace("P-0001", "P-0999").replace("Rasmus H.", "Outside Only")
        )
    elif link.entry == "employers":
        (outside / "E-0999.toml").write_text(
            'schema = 1\nid = "E-0999"\nname = "Outside Employer"\n', encoding="utf-8"
        )
    else:
        text = outside.read_text(encoding="utf-8")
        outside.write_text(text.replace('name = "IPS team Bologna Nord"', 'name = "Outside Team"'))
        assert "Outside Team" in outside.read_text(encoding="utf-8")
    os.symlink(outside, root / link.entry)
    if link.commit:
        git(root, "add", "-A", link.entry)
        git(root, "commit", "-qm", "link")
    return outside


READERS = [
    ("validate",),
    ("due",),
    ("due", "--json"),
    ("export", "--format", "json"),
    ("export", "--format", "csv"),
    ("report", "--format", "json"),
    ("fidelity",),
    ("employer", "list"),
]


@pytest.mark.parametrize("argv", READERS, ids=[" ".join(a) for a in READERS])
@pytest.mark.parametrize("link", LINKS, ids=[k.name for k in LINKS])
def test_no_command_reads_through_a_link(
    link: Link, argv: tuple[str, ...], sample_caseload: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    root = sample_caseload
    link_out(root, link)
    code = cli.main([*argv, "-C", str(root), "--today", TODAY])
    out, err = capsys.readouterr()
    assert link.marker not in out + err
    if link.readers is None or " ".join(argv) in link.readers:
        assert link.refusal in out + err
        assert code != 0
    if link.entry == "participants":  # refused whole: not the index's copies either
        if argv[0] in ("export", "due"):
            assert "P-00" not in out
        if argv[0] == "report":
            assert json.loads(out)["team"]["active"] == 0


@pytest.mark.parametrize("link", LINKS[:3], ids=[k.name for k in LINKS[:3]])
def test_the_one_record_read_refuses_a_linked_folder(link: Link, sample_caseload: Path) -> None:
    """`read_participant` (the app re-reads a record before an edit): refused, not read."""
    root = sample_caseload
    cl = load(root)
    link_out(root, link)
    if link.entry == "participants":
        with pytest.raises(EditRefused, match="is a symbolic link, not a folder"):
            read_participant(cl, "P-0001")
    else:
        got = read_participant(cl, "P-0001")
        assert got is not None and got.name == "Rasmus H."


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_the_app_reads_nothing_through_a_linked_folder(sample_caseload: Path) -> None:
    root = sample_caseload
    link_out(root, LINKS[0])
    app = IpsApp(root, today=date(2026, 11, 16), watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        cl = app.caseload
        assert cl is not None
        assert len(cl.participants) == 0
        assert [p.message for p in cl.problems if p.path == "participants"] == [
            FOLDER_REFUSAL.format(folder="participants")
        ]
