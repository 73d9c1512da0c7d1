"""A hand-kept file keeps its layout through every kind of edit (SPEC §2: "one field =
one changed line"; unknown and `x_` keys "still kept, in place").

Each construct a person writes by hand (own-line and end-of-line comments, dotted keys,
inline tables, blank lines, a key order of their own, a multi-line array, a comment
above `[[contacts]]`) × each kind of edit (set a field, set a new field, clear a field,
append a contact, change the phase, close): the commit changes exactly the lines the
edit changes in a plain file, and every line of the construct is still in the file.
Runs the real CLI on a real git caseload (core/caseload.py `_text_of`,
core/textpatch.py).

The quick run (issue 12) keeps every construct and every kind of edit, each pair of
them once on the diagonal (`_cases`): the other 55 of the 72 pairs are marked `slow`
(`pytest -m slow`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import git

from ipstui import cli
from ipstui.core import storage
from ipstui.core.textpatch import patch

TODAY = "2026-11-16"
REL = "participants/P-0009.toml"
PLAIN = """\
schema = 1
id = "P-0009"
name = "Valid Person"
specialist = "anna"
phase = "intake"
phase_since = 2026-11-01
referral_source = "CSM"
referred_on = 2026-11-01
first_contact_on = 2026-11-02
notes = ""

[[contacts]]
on = 2026-11-02
kind = "phone"
by = "anna"
note = "first call"
"""


@dataclass(frozen=True)
class Construct:
    name: str
    old: str
    new: str
    """`old` in PLAIN becomes `new`."""


CONSTRUCTS = [
    Construct("own-line comment", 'notes = ""', '# team comment above notes\nnotes = ""'),
    Construct("end-of-line comment", 'specialist = "anna"', 'specialist = "anna"  # eol'),
    Construct("x_ key with a comment", 'notes = ""', 'notes = ""\nx_flag = true  # eol comment'),
    Construct("dotted x_ key", 'notes = ""', 'notes = ""\nx_custom.level = 3'),
    Construct(
        "dotted keys in a contact",
        'note = "first call"',
        'note = "first call"\nx_custom.source = "trial"\nx_custom.level = 2',
    ),
    Construct("inline table", 'notes = ""', 'notes = ""\nx_meta = { a = 1, b = "c" }'),
    Construct("blank lines", 'referral_source = "CSM"', '\nreferral_source = "CSM"\n'),
    Construct(
        "a key order of its own",
        'name = "Valid Person"\nspecialist = "anna"\n',
        'specialist = "anna"\nname = "Valid Person"\n',
    ),
    Construct(
        "comment above the contacts",
        "\n[[contacts]]",
        "\n# comment before contacts\n[[contacts]]",
    ),
    Construct(
        "multi-line array",
        'notes = ""',
        'goals = [\n  "warehouse",  # first\n  "gardening",\n]\nnotes = ""',
    ),
    Construct("comments at the end", 'note = "first call"\n', 'note = "first call"\n\n# end\n'),
]


@dataclass(frozen=True)
class Edit:
    name: str
    args: tuple[str, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]
    """The lines the commit removes and adds, in a plain file and in every other."""


EDITS = [
    Edit(
        "set a field",
        ("set", "P-0009", "referred_on=2026-10-30"),
        ("referred_on = 2026-11-01",),
        ("referred_on = 2026-10-30",),
    ),
    Edit(
        "set a new field",
        ("set", "P-0009", "career_profile_updated_on=2026-11-10"),
        (),
        ("career_profile_updated_on = 2026-11-10",),
    ),
    Edit(
        "clear a field",
        ("set", "P-0009", "first_contact_on="),
        ("first_contact_on = 2026-11-02",),
        (),
    ),
    Edit(
        "append a contact",
        ("contact", "P-0009", "--kind", "message", "--on", "2026-11-10", "--by", "mette"),
        (),
        ("", "[[contacts]]", "on = 2026-11-10", 'kind = "message"', 'by = "mette"'),
    ),
    Edit(
        "change the phase",
        ("move", "P-0009", "engagement"),
        ('phase = "intake"', "phase_since = 2026-11-01"),
        ('phase = "engagement"', "phase_since = 2026-11-16"),
    ),
    Edit(
        "close",
        ("move", "P-0009", "closed", "--reason", "moved"),
        ('phase = "intake"', "phase_since = 2026-11-01"),
        (
            'phase = "closed"',
            "phase_since = 2026-11-16",
            "[closure]",
            "on = 2026-11-16",
            'reason = "moved"',
            "",
        ),
    ),
]


def changed_lines(root: Path) -> tuple[list[str], list[str]]:
    diff = git(root, "show", "--format=", "-U0", "HEAD", "--", REL)
    lines = [x for x in diff.splitlines() if x[:1] in "+-" and x[:3] not in ("+++", "---")]
    return [x[1:] for x in lines if x[0] == "-"], [x[1:] for x in lines if x[0] == "+"]


def edit(root: Path, text: str, args: tuple[str, ...]) -> str:
    (root / REL).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "hand edit")
    assert cli.main(["-C", str(root), "--today", TODAY, *args]) == 0
    assert git(root, "status", "--porcelain") == ""
    return (root / REL).read_text()


def _cases() -> list:
    """Every construct × every edit; the quick run keeps the plain file with every edit
    and each construct with one edit (construct i with edit i, round the list), so each
    construct and each kind of edit runs once there; the other pairs are `slow`."""
    cases = []
    for ci, construct in enumerate([None, *CONSTRUCTS]):
        for ei, e in enumerate(EDITS):
            quick = construct is None or (ci - 1) % len(EDITS) == ei
            name = "plain" if construct is None else construct.name
            cases.append(
                pytest.param(
                    construct, e, id=f"{name}-{e.name}", marks=() if quick else pytest.mark.slow
                )
            )
    return cases


@pytest.mark.parametrize(("construct", "e"), _cases())
def test_an_edit_changes_only_its_own_lines(
    caseload_dir: Path, construct: Construct | None, e: Edit
) -> None:
    text = PLAIN
    if construct is not None:
        assert construct.old in PLAIN
        text = PLAIN.replace(construct.old, construct.new, 1)
    after = edit(caseload_dir, text, e.args)
    removed, added = changed_lines(caseload_dir)
    assert (sorted(removed), sorted(added)) == (sorted(e.removed), sorted(e.added))
    if construct is not None:
        for line in construct.new.splitlines():
            assert line in after.splitlines()
    # Nothing but the edit changed the data.
    plain_after = storage.loads_bytes(edit_plain(caseload_dir, e).encode())
    hand = tomllib.loads(after)
    x_keys = {k for k in hand if k.startswith("x_")} | {"goals"}
    assert {k: v for k, v in hand.items() if k not in x_keys and k != "contacts"} == {
        k: v for k, v in plain_after.items() if k not in x_keys and k != "contacts"
    }


_PLAIN_AFTER: dict[str, str] = {}
"""`edit_plain`'s answer for each edit: it depends on the edit alone (the plain file,
the template caseload, TODAY), so each process makes it once, not once per construct."""


def edit_plain(root: Path, e: Edit) -> str:
    """What the same edit gives on the plain file, in a second participant file (made
    once per edit and process: `_PLAIN_AFTER`)."""
    if e.name not in _PLAIN_AFTER:
        _PLAIN_AFTER[e.name] = _edit_plain(root, e)
    return _PLAIN_AFTER[e.name]


def _edit_plain(root: Path, e: Edit) -> str:
    rel = "participants/P-0010.toml"
    (root / rel).write_text(PLAIN.replace("P-0009", "P-0010"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plain twin")
    args = tuple("P-0010" if a == "P-0009" else a for a in e.args)
    assert cli.main(["-C", str(root), "--today", TODAY, *args]) == 0
    return (root / rel).read_text().replace("P-0010", "P-0009")


def test_a_changed_value_keeps_its_end_of_line_comment(caseload_dir: Path) -> None:
    text = PLAIN.replace("referred_on = 2026-11-01", "referred_on = 2026-11-01  # from the CSM")
    edit(caseload_dir, text, ("set", "P-0009", "referred_on=2026-10-30"))
    assert changed_lines(caseload_dir) == (
        ["referred_on = 2026-11-01  # from the CSM"],
        ["referred_on = 2026-10-30  # from the CSM"],
    )


# The patcher on its own: layouts it writes canonically instead (None) and layouts it
# keeps, each checked against the data it must hold.
PATCH_CASES = [
    # (name, text, change to the data, the text expected, or None: canonical instead)
    (
        "a table written with dotted keys at the top",
        'schema = 1\nsuspension.since = 2026-11-01\nsuspension.reason = "other"\n',
        {"suspension": {"since": date(2026, 11, 2), "reason": "other"}},
        'schema = 1\nsuspension.since = 2026-11-02\nsuspension.reason = "other"\n',
    ),
    (
        "a suspension ended, its section and blank line go",
        'schema = 1\n\n[suspension]\nsince = 2026-11-01\nreason = "other"\n\n# end\n',
        {"suspension": None},
        "schema = 1\n\n# end\n",
    ),
    (
        "a first contact after `contacts = []`",
        "schema = 1\ncontacts = []\n# end\n",
        {"contacts": [{"on": date(2026, 11, 2), "kind": "phone"}]},
        'schema = 1\n# end\n\n[[contacts]]\non = 2026-11-02\nkind = "phone"\n',
    ),
    (
        "a conflict beside another, before the contacts",
        'schema = 1\n\n[conflicts.name]\nours = "a"\ntheirs = "b"\n\n[[contacts]]\n'
        'on = 2026-11-02\nkind = "phone"\n',
        {
            "conflicts": {
                "name": {"ours": "a", "theirs": "b"},
                "notes": {"ours": "x", "theirs": "y"},
            }
        },
        'schema = 1\n\n[conflicts.name]\nours = "a"\ntheirs = "b"\n\n[conflicts.notes]\n'
        'ours = "x"\ntheirs = "y"\n\n[[contacts]]\non = 2026-11-02\nkind = "phone"\n',
    ),
    (
        "a value that changes from a key to a table of its own",
        "schema = 1\nx = 1\n",
        {"x": {"a": [{"b": 1}]}},
        "schema = 1\nx = { a = [{ b = 1 }] }\n",
    ),
]


@pytest.mark.parametrize(
    ("text", "change", "expected"),
    [c[1:] for c in PATCH_CASES],
    ids=[c[0] for c in PATCH_CASES],
)
def test_patch(text: str, change: dict, expected: str | None) -> None:
    old = tomllib.loads(text)
    new = dict(old)
    for k, v in change.items():
        if v is None:
            new.pop(k)
        else:
            new[k] = v
    out = patch(text, old, new, storage.dumps)
    assert out == expected
    if out is not None:
        assert tomllib.loads(out) == new
