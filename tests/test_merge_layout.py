"""A sync's merge keeps the text a person wrote (SPEC §2: comments, dotted `x_` keys and
the key order "kept, in place"; §6: the field-by-field merge).

Each case is a real `git merge` through the `merge=ipstui` driver of a hand-written
participant file edited on two branches. The merged file must parse, hold exactly the
field-by-field merge of the three versions (`merge.merge_data`), and differ from ours
only in the lines the merge had to change (listed per case). Where the layout cannot be
kept, the driver says so and `ipstui sync` reports it in its summary."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from sync_helpers import apply_edit, isolate_git, make_team, participant, rounds_st, run

from ipstui.core import storage
from ipstui.core.merge import LAYOUT_LOST, merge_data, merge_file
from ipstui.core.sync import ensure_merge_driver, sync
from ipstui.core.tomlvalues import freeze, same

REL = "participants/P-0001.toml"

BASE = '''# Kept by hand: every comment here must survive a sync.
schema = 1
id = "P-0001"
name = "Giulia R."  # a pseudonym
specialist = "anna"
phase = "job_search"
phase_since = 2026-10-02
referral_source = "CSM"
referred_on = 2026-09-01
enrolled_on = 2026-09-10
disclosure = "undecided"   # she decides
support_mode = "direct"
goals = ["warehouse work", "gardening"]
notes = """
Likes mornings.
Prefers phone calls."""
x_team.level = 3            # dotted x_ key
x_team.tags = { colour = "green", shift = "early" }

# the contact log, oldest first
[[contacts]]
on = 2026-09-04
kind = "meeting"  # at the library
by = "anna"
note = "First meeting."

# second contact
[[contacts]]
on = 2026-10-20
kind = "phone"
by = "anna"
note = "Follow-up."
'''

THEIR_CONTACT = """
[[contacts]]
on = 2026-09-20
kind = "message"
by = "marco"
note = "Sent the CV."
"""

OUR_CONTACT = """
# ours' newest, written by hand
[[contacts]]
on = 2026-11-02
kind = "meeting"
by = "anna"
note = "Met the employer."
"""


def sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# (name, ours, theirs, ours' lines the merge changes or removes)
INLINE = (
    BASE[: BASE.index("\n# the contact log")]
    + """contacts = [
  { on = 2026-09-04, kind = "meeting", by = "anna", note = "First meeting." },  # the first
  { on = 2026-10-20, kind = "phone", by = "anna", note = "Follow-up." },
]
"""
)

CASES = [
    (
        "a comment above and beside fields; theirs edits another field",
        BASE,
        sub(BASE, 'support_mode = "direct"', 'support_mode = "behind_the_scenes"'),
        {'support_mode = "direct"'},
    ),
    (
        "theirs adds a contact dated between ours' contacts; ours adds one at the end",
        BASE + OUR_CONTACT,
        BASE + THEIR_CONTACT,
        set(),
    ),
    (
        "both edit one field differently: the conflict table is added, comments stay",
        sub(BASE, 'disclosure = "undecided"', 'disclosure = "yes"'),
        sub(BASE, 'disclosure = "undecided"', 'disclosure = "no"'),
        set(),
    ),
    (
        "theirs changes a dotted x_ key: its line, comment kept",
        BASE,
        sub(BASE, "x_team.level = 3", "x_team.level = 4"),
        {"x_team.level = 3            # dotted x_ key"},
    ),
    (
        "theirs changes an inline table",
        BASE,
        sub(BASE, 'colour = "green"', 'colour = "blue"'),
        {'x_team.tags = { colour = "green", shift = "early" }'},
    ),
    (
        "theirs edits a contact written under a comment",
        BASE,
        sub(BASE, 'note = "Follow-up."', 'note = "Follow-up call."'),
        {'note = "Follow-up."'},
    ),
    (
        "a multi-line string: theirs changes it, ours changes the name",
        sub(BASE, 'name = "Giulia R."', 'name = "Giulia Rossi"'),
        sub(BASE, 'Prefers phone calls."""', 'Prefers phone calls.\nNo Fridays."""'),
        # Theirs' own layout of the value comes with it (textpatch.merge_layouts): only
        # the last line of the string changes, not the whole value.
        {'Prefers phone calls."""'},
    ),
    (
        "theirs appends to an inline array",
        BASE,
        sub(BASE, '"gardening"]', '"gardening", "cooking"]'),
        {'goals = ["warehouse work", "gardening"]'},
    ),
    (
        "theirs removes a contact ours kept: its section and its comment go",
        BASE,
        BASE[: BASE.index("# second contact")].rstrip("\n") + "\n",
        {
            "# second contact",
            "[[contacts]]",
            "on = 2026-10-20",
            'kind = "phone"',
            'by = "anna"',
            'note = "Follow-up."',
            "",
        },
    ),
    (
        "comments on both sides: ours' kept, theirs' phase change taken",
        "# ours: reviewed in November\n" + BASE,
        sub(
            "# theirs: a note of their own\n" + BASE, 'phase = "job_search"', 'phase = "follow_up"'
        ),
        {'phase = "job_search"'},
    ),
    (
        "ours writes its contacts as an inline array: theirs' goes in between, in its layout",
        INLINE,
        BASE + THEIR_CONTACT,
        set(),
    ),
    (
        "ours starts with a byte order mark",
        "\ufeff" + BASE,
        sub(BASE, 'phase = "job_search"', 'phase = "follow_up"'),
        {'phase = "job_search"'},
    ),
    (
        "ours written with CRLF line endings, theirs with LF",
        BASE.replace("\n", "\r\n"),
        BASE + THEIR_CONTACT,
        set(),
    ),
    (
        "both written with CRLF, both add a contact",
        (BASE + OUR_CONTACT).replace("\n", "\r\n"),
        (BASE + THEIR_CONTACT).replace("\n", "\r\n"),
        set(),
    ),
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    root = tmp_path / "repo"
    run(tmp_path, "init", "-q", str(root))
    (root / ".gitattributes").write_text(
        "participants/*.toml merge=ipstui\nemployers/*.toml merge=ipstui\n"
    )
    (root / "participants").mkdir()
    (root / "employers").mkdir()
    run(root, "add", "-A")
    run(root, "commit", "-q", "-m", "attributes")
    ensure_merge_driver(root)
    return root


def commit_text(repo: Path, rel: str, text: str, message: str) -> str:
    (repo / rel).write_bytes(text.encode("utf-8"))
    run(repo, "add", "--", rel)
    run(repo, "commit", "-q", "--allow-empty", "-m", message)
    return run(repo, "rev-parse", "HEAD").stdout.strip()


def git_merge(repo: Path, rel: str, base: str, ours: str, theirs: str) -> tuple[bytes, str, str]:
    """(merged bytes, theirs' commit, git's output) of a real `git merge` of two edits."""
    commit_text(repo, rel, base, "base")
    run(repo, "checkout", "-q", "-b", "side")
    theirs_commit = commit_text(repo, rel, theirs, "theirs")
    run(repo, "checkout", "-q", "-")
    commit_text(repo, rel, ours, "ours")
    proc = run(repo, "merge", "--no-edit", "side", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return (repo / rel).read_bytes(), theirs_commit, proc.stdout + proc.stderr


def lines_gone(ours: str, merged: str) -> set[str]:
    """Ours' lines (CRLF or LF) that the merged text no longer holds, as many times."""
    left = merged.replace("\r\n", "\n").split("\n")
    gone = set()
    for line in ours.replace("\r\n", "\n").split("\n"):
        if line in left:
            left.remove(line)
        else:
            gone.add(line)
    return gone


@pytest.mark.parametrize(("name", "ours", "theirs", "changed"), CASES, ids=[c[0] for c in CASES])
def test_a_merge_keeps_ours_layout(
    repo: Path, name: str, ours: str, theirs: str, changed: set[str]
) -> None:
    raw, theirs_commit, said = git_merge(repo, REL, BASE, ours, theirs)
    got = storage.loads_bytes(raw)
    want = merge_data(
        storage.loads_bytes(BASE.encode()),
        storage.loads_bytes(ours.encode()),
        storage.loads_bytes(theirs.encode()),
        theirs_commit[:7],
    )
    assert same(got, want), name
    text = raw.decode("utf-8")
    assert lines_gone(ours, text) == changed, name
    assert LAYOUT_LOST not in said
    assert text.startswith("\ufeff") == ours.startswith("\ufeff")
    if "\r\n" in ours:
        assert text.count("\n") == text.count("\r\n"), "CRLF kept on every line"
    else:
        assert "\r" not in text


def test_an_added_contact_goes_in_date_order_with_the_comments_in_place(repo: Path) -> None:
    raw, _commit, _said = git_merge(repo, REL, BASE, BASE + OUR_CONTACT, BASE + THEIR_CONTACT)
    text = raw.decode()
    order = [text.index(s) for s in ("2026-09-04", "2026-09-20", "# second contact", "2026-11-02")]
    assert order == sorted(order)
    assert text.index("# ours' newest") < text.index("on = 2026-11-02")


def test_the_conflict_table_goes_before_the_contacts(repo: Path) -> None:
    ours = sub(BASE, 'disclosure = "undecided"', 'disclosure = "yes"')
    theirs = sub(BASE, 'disclosure = "undecided"', 'disclosure = "no"')
    text = git_merge(repo, REL, BASE, ours, theirs)[0].decode()
    assert 'disclosure = "yes"   # she decides' in text
    assert text.index("[conflicts.disclosure]") < text.index("# the contact log")


def test_an_employer_file_keeps_its_layout(repo: Path) -> None:
    rel = "employers/E-0003.toml"
    base = (
        '# our best employer\nschema = 1\nid = "E-0003"\nname = "Coop Adriatica"\n'
        'sector = "retail"   # food retail\nnotes = ""\n\n# visits\n[[contacts]]\n'
        'on = 2026-11-03\nby = "anna"\npurpose = "job_development"\n'
    )
    theirs = base + '\n[[contacts]]\non = 2026-11-20\nby = "marco"\npurpose = "placement"\n'
    ours = sub(base, 'name = "Coop Adriatica"', 'name = "Coop Adriatica s.c."')
    raw, _commit, said = git_merge(repo, rel, base, ours, theirs)
    text = raw.decode()
    assert lines_gone(ours, text) == set()
    assert [c["on"].day for c in storage.loads_bytes(raw)["contacts"]] == [3, 20]
    assert LAYOUT_LOST not in said


def test_a_layout_that_cannot_be_patched_is_said_by_the_driver_and_by_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Theirs empties the contact log as `contacts = []` (a form the patcher does not
    turn [[contacts]] sections into): the file is written in the standard layout, and
    the sync that merged it says so."""
    isolate_git(tmp_path, monkeypatch)
    anna, marco = make_team(tmp_path, "anna", "marco")
    for clone in (anna, marco):
        ensure_merge_driver(clone)
    # Anna's hand-written layout, shared first.
    commit_text(anna, REL, BASE, "P-0001: hand layout")
    assert sync(anna).status == "pushed"
    assert sync(marco).status == "pulled"
    theirs = BASE[: BASE.index("\n# the contact log")] + "\ncontacts = []\n"
    commit_text(marco, REL, theirs, "P-0001: contacts emptied")
    assert sync(marco).status == "pushed"
    commit_text(anna, REL, sub(BASE, "# she decides", "# she decides, asked again"), "P-0001: c")
    result = sync(anna)
    assert result.relaid == ("P-0001",)
    assert "P-0001" in result.message and "standard layout" in result.message
    got = storage.loads_bytes((anna / REL).read_bytes())
    assert got["contacts"] == []


def test_renumbering_keeps_the_layout_of_the_renumbered_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(tmp_path, monkeypatch)
    anna, marco = make_team(tmp_path, "anna", "marco")
    for clone in (anna, marco):
        ensure_merge_driver(clone)
    rel = "participants/P-0002.toml"
    mine = sub(sub(BASE, 'id = "P-0001"', 'id = "P-0002"'), 'name = "Giulia R."', 'name = "Ada L."')
    commit_text(anna, rel, mine, "P-0002: new participant")
    other = storage.dumps(participant("P-0002", name="Bo K."))
    commit_text(marco, rel, other, "P-0002: new participant")
    assert sync(marco).status == "pushed"
    result = sync(anna)
    assert [m.new for m in result.renumbered] == ["P-0003"]
    assert result.relaid == ()
    text = (anna / "participants" / "P-0003.toml").read_text()
    assert lines_gone(mine, text) == {'id = "P-0002"'}


# ------------------------------------------------------------------ one notion of "the same"

SAME = [
    ("equal strings", "a", "a", True),
    ("1 and 1.0", 1, 1.0, False),
    ("1 and true", 1, True, False),
    ("a date and a datetime", date(2026, 1, 1), __import__("datetime").datetime(2026, 1, 1), False),
    ("nan and nan", float("nan"), float("nan"), True),
    ("tables in another key order", {"a": 1, "b": 2}, {"b": 2, "a": 1}, True),
    ("a table and a list", {"a": 1}, [("a", 1)], False),
    ("a list and a tuple of the same values", [1, 2], (1, 2), True),
    ("lists in another order", [1, 2], [2, 1], False),
    ("nested nan", {"x": [float("nan")]}, {"x": [float("nan")]}, True),
]


@pytest.mark.parametrize(("what", "a", "b", "want"), SAME, ids=[c[0] for c in SAME])
def test_one_notion_of_the_same_value(what: str, a: object, b: object, want: bool) -> None:
    from ipstui.core import merge, textpatch

    assert merge.same is textpatch.same is same
    assert same(a, b) is want, what
    assert (freeze(a) == freeze(b)) is want, what


# ------------------------------------------------------------------ random edits, hand layout


def _hand(text: str) -> str:
    """A hand-kept layout of a canonical text: a comment on top and above every entry."""
    out = "# kept by hand\n" + text
    for name in ("contacts", "jobs", "tasks"):
        out = out.replace(f"\n[[{name}]]\n", f"\n# one of the {name}\n[[{name}]]\n")
    return out


@settings(deadline=None, database=None, max_examples=60)
@given(rounds=rounds_st)
def test_random_edits_merge_into_a_hand_layout_as_into_the_canonical_one(rounds: list) -> None:
    """The same random concurrent edits the merge property tests use, with ours laid out
    by hand: the merged data is the field-by-field merge, and ours' comments stay."""
    current = storage.loads_bytes(storage.dumps(participant()).encode())
    for ops_a, ops_b, a_first in rounds:
        sides = []
        for ops in (ops_a, ops_b):
            data = copy.deepcopy(current)
            for operation in ops:
                apply_edit(data, operation)
            sides.append(storage.loads_bytes(storage.dumps(data).encode()))
        theirs, ours = sides if a_first else sides[::-1]
        ours_text = _hand(storage.dumps(ours))
        got = merge_file(
            storage.dumps(current).encode(), ours_text.encode(), storage.dumps(theirs).encode(), "c"
        )
        out = storage.loads_bytes(got.raw)
        assert same(out, merge_data(current, ours, theirs, "c"))
        if got.layout_kept:
            assert got.raw.decode().startswith("# kept by hand\n")
        current = out
