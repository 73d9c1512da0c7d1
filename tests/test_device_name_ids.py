"""Ids that cannot be a file name on every platform a team member may clone on (trial 8,
item 3: `ipstui new --id CON` committed participants/CON.toml, `validate` found nothing
and sync pushed it; a Windows clone cannot check that file out).

The kind of fault: the id rule (model.ID_PATTERN) limits the characters, which already
leaves out what Windows refuses in a name (`:`, `<>"/\\|?*`, a trailing dot or space),
but not Windows' reserved device names (CON, PRN, AUX, NUL, COM0-9, LPT0-9, in any case;
Microsoft, "Naming Files, Paths, and Namespaces"). One rule in the core
(`model.is_valid_id`, and `DEVICE_NAME_PATTERN` in the shipped schemas) and every path
that takes or makes an id: `new --id`, `employer new --id`, import, the app's id field,
validate (an existing file), what sync would push, and sync's renumbering."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from conftest import VALID_PARTICIPANT, commit_count, git
from textual.app import App, ComposeResult
from textual.widgets import Input

from ipstui import cli
from ipstui.core.employers import EMPLOYER_SCHEMA
from ipstui.core.fastschema import compile_schema
from ipstui.core.model import DEVICE_NAMES, is_valid_id
from ipstui.core.outgoing import outgoing_problems
from ipstui.core.renumber import next_free_id
from ipstui.core.resources import PARTICIPANT_SCHEMA
from ipstui.ui.screens.forms.fields import check_id

TODAY = "2026-11-16"
DEVICES = ["CON", "con", "Con", "PRN", "prn", "AUX", "aUx", "NUL", "nul", "COM0", "COM1",
           "com1", "Com9", "LPT0", "LPT1", "lpt9", "Lpt5"]  # fmt: skip
"""Every kind of device name: each of the four words and both numbered kinds, in several cases."""
NOT_DEVICES = ["P-0001", "COM10", "LPT10", "COM", "LPT", "CON-1", "CONSOLE", "NULL", "AUX2",
               "PRN_1", "E-0003", "con1", "xCON"]  # fmt: skip
"""Ids that only look like one: still valid."""
BAD_CHARACTERS = ["P-0001.", "P-0001 ", "a:b", "a<b", 'a"b', "a/b", "a\\b", "a|b", "a?b",
                  "a*b", "CONIN$", "CON.txt", "nul.tar.gz", "", "-P", "x" * 65, "COM\u00b9"]  # fmt: skip
"""What the character rule already refused (Windows' other limits): still refused."""

MESSAGE = ("{id!r} is a device name on Windows (CON, PRN, AUX, NUL, COM0 to COM9, LPT0 to "
           "LPT9), so a Windows clone of the caseload could not have its file; choose another id")  # fmt: skip
"""The one refusal a person sees when typing such an id (model.device_name_refusal)."""


def finding(what: str, value: str) -> str:
    """The `validate` finding (model.device_name_problem) for `what` ("file name", "id:")."""
    return (
        f"{what} {value!r} is a device name on Windows (CON, PRN, AUX, NUL, COM0-COM9, "
        "LPT0-LPT9 in any case): a Windows clone cannot check the file out; rename it "
        "(docs/file-format.md)"
    )


def test_device_names_are_microsofts_list() -> None:
    """DEVICE_NAMES is the list of "Naming Files, Paths, and Namespaces" (ASCII digits)."""
    assert sorted(DEVICE_NAMES) == sorted(
        ["CON", "PRN", "AUX", "NUL"] + [f"COM{n}" for n in range(10)] + [f"LPT{n}" for n in range(10)]
    )


@pytest.mark.parametrize(
    ("value", "valid"),
    [(v, False) for v in DEVICES] + [(v, True) for v in NOT_DEVICES]
    + [(v, False) for v in BAD_CHARACTERS],
)  # fmt: skip
def test_one_id_rule_in_the_core_and_the_schemas(value: str, valid: bool) -> None:
    """`is_valid_id`, the JSON schemas (jsonschema, as editors and `validate` read them)
    and the fast check compiled from them agree on every id."""
    assert is_valid_id(value) is valid
    for path in (PARTICIPANT_SCHEMA, EMPLOYER_SCHEMA):
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
        node = schema["properties"]["id"]
        assert jsonschema.Draft202012Validator(node).is_valid(value) is valid, path
        assert compile_schema(node)(value) is valid, path


@dataclass(frozen=True)
class Entry:
    """One way a person gives an id: the command line, and what it says on stderr."""

    name: str
    argv: Callable[[str, Path], list[str]]
    err: Callable[[str, Path], str]


def _import(pid: str, root: Path) -> list[str]:
    csv = root.parent / "people.csv"
    csv.write_text(
        f"id,name,specialist,referral source,referred on\n{pid},Zed,anna,CSM,2026-11-01\n",
        encoding="utf-8",
    )
    return ["import", str(csv)]


ENTRIES = [
    Entry("new --id",
          lambda pid, root: ["new", "--name", "Zed", "--specialist", "anna",
                             "--referral-source", "CSM", "--id", pid],
          lambda pid, root: f"ipstui: error: {MESSAGE.format(id=pid)}\n"),
    Entry("employer new --id",
          lambda pid, root: ["employer", "new", "--name", "Bar Roma", "--id", pid],
          lambda pid, root: f"ipstui: error: {MESSAGE.format(id=pid)}\n"),
    Entry("import",
          _import,
          lambda pid, root: f"people.csv:2:1: {MESSAGE.format(id=pid)}\n"
                            "1 problem; nothing was imported\n"),
]  # fmt: skip


@pytest.mark.parametrize("pid", ["CON", "nul", "Com1", "LPT9"])
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_a_device_name_is_refused_where_an_id_is_typed(
    entry: Entry, pid: str, caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    before = commit_count(root)
    code = cli.main([*entry.argv(pid, root), "-C", str(root), "--today", TODAY])
    out, err = capsys.readouterr()
    assert (code, out, err) == (1, "", entry.err(pid, root))
    assert commit_count(root) == before
    assert git(root, "status", "--porcelain") == ""


ID_FIELD = [
    ("CON", MESSAGE.format(id="CON")),
    ("com3", MESSAGE.format(id="com3")),
    ("COM10", None),
    ("a b", "'a b': use letters, digits, _ and - (up to 64, no space)"),
]  # fmt: skip


async def test_the_apps_id_field_says_the_same() -> None:
    """The new-participant form's id field (forms.fields.check_id), on real Inputs."""

    class Fields(App[None]):
        def compose(self) -> ComposeResult:
            for typed, _error in ID_FIELD:
                yield Input(typed)

    app = Fields()
    async with app.run_test():
        check = check_id()
        got = [check(i) for i in app.query(Input)]
    assert got == [(None if error else typed, error) for typed, error in ID_FIELD]


@pytest.mark.parametrize("name", ["CON", "nul", "Com1", "lpt0"])
@pytest.mark.parametrize("folder", ["participants", "employers"])
def test_validate_names_an_existing_file_with_a_device_name(
    folder: str, name: str, caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file put there by hand (or by an older ipstui, or a teammate's push): an error
    for its name and its id, so sync will not push it (what it would publish is
    validated: `outgoing_problems`)."""
    root = caseload_dir
    rel = f"{folder}/{name}.toml"
    (root / folder).mkdir(exist_ok=True)
    if folder == "participants":
        text = VALID_PARTICIPANT.format(pid=name)
    else:
        text = f'schema = 1\nid = "{name}"\nname = "Bar Roma"\n'
    (root / rel).write_text(text, encoding="utf-8")
    code = cli.main(["validate", "-C", str(root), "--today", TODAY])
    out, _err = capsys.readouterr()
    found = [ln for ln in out.splitlines() if ln.startswith(rel)]
    assert code == 1
    assert found == [f"{rel}:1:1: {finding('file name', f'{name}.toml')}",
                     f"{rel}:2:1: {finding('id:', name)}"]  # fmt: skip
    git(root, "add", rel)
    git(root, "commit", "-qm", "by hand")
    pushed = [(p.path, p.message) for p in outgoing_problems(root, None)]
    assert any(path == rel and "device name on Windows" in msg for path, msg in pushed)


@pytest.mark.parametrize(("old", "taken", "new"), [
    ("COM1", ["com1"], "COM10"),                   # COM2..COM9 are device names
    ("LPT3", ["LPT3", "LPT12"], "LPT13"),          # one past the highest, as before
    ("com1", ["COM1", "com10"], "com11"),
    ("P-0061", ["p-0061"], "P-0062"),              # the usual case is unchanged
    ("CON-1", ["con-1"], "CON-2"),
    ("Zed", ["zed"], "Zed-2"),
    ("A" * 64, ["a" * 64], "A" * 62 + "-2"),       # cut to stay within 64 characters
    ("X" * 60 + "9999", ["x" * 60 + "9999"], "X" * 60 + "99-2"),  # its number would outgrow them
])  # fmt: skip
def test_sync_renumbering_never_makes_an_id_that_cannot_be_a_file(
    old: str, taken: list[str], new: str
) -> None:
    got = next_free_id(old, taken)
    assert got == new
    assert is_valid_id(got)
