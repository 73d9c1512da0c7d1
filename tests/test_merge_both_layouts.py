"""A merge keeps the layout changes of both sides (SPEC §6: "nothing is lost").

Ours' layout was kept before; a comment, a blank line, the key order, the quoting or a
dotted key changed only on theirs' side was dropped (the merge started from ours' text
and patched in only values). Each case merges one record edited on two sides: ours
changes a field, theirs logs a contact (the lists merge as a union), and one side also
changes one layout element. The merged text must be exactly the text the same merge
gives without that layout change, with the change made in it: whichever side made it,
for participants and employers. The end-to-end cases run `ipstui sync` between real
clones of a bare remote: ours on a participant and theirs on an employer in the quick run,
the other two pairs with `pytest -m slow`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sync_helpers import isolate_git, make_team, run

from ipstui.core import employers, storage
from ipstui.core.merge import THEIRS_LAYOUT_LOST, merge_data, merge_file
from ipstui.core.sync import ensure_merge_driver, sync

PARTICIPANT = """schema = 1
id = "P-0001"
name = "Giulia R."
specialist = "anna"
phase = "job_search"
phase_since = 2026-10-02
referral_source = "CSM"
referred_on = 2026-09-01
enrolled_on = 2026-09-10
disclosure = "undecided"
support_mode = "direct"
notes = ""
x_team = { level = 3 }

[[contacts]]
on = 2026-09-04
kind = "meeting"
by = "anna"
note = "First meeting."
"""

EMPLOYER = """schema = 1
id = "E-0001"
name = "Biblioteca Lame"
sector = "public library"
contact_person = "head librarian"
notes = ""
x_team = { level = 3 }

[[contacts]]
on = 2026-05-25
by = "anna"
face_to_face = true
purpose = "job_development"
"""

# kind -> (base text, ours' data change, theirs' new contact, canonical layout)
KINDS: dict[str, tuple[str, tuple[str, str], str, Callable]] = {
    "participant": (
        PARTICIPANT,
        ('referral_source = "CSM"', 'referral_source = "Self"'),
        '\n[[contacts]]\non = 2026-10-20\nkind = "phone"\nby = "marco"\nnote = "Follow-up."\n',
        storage.dumps,
    ),
    "employer": (
        EMPLOYER,
        ('contact_person = "head librarian"', 'contact_person = "the director"'),
        '\n[[contacts]]\non = 2026-06-04\nby = "marco"\nface_to_face = false\n'
        'purpose = "follow_along"\n',
        employers.dumps,
    ),
}

# element -> kind -> (text in base, the same values laid out otherwise)
ELEMENTS: dict[str, dict[str, tuple[str, str]]] = {
    "own-line comment": {
        "participant": (
            'phase = "job_search"',
            '# theirs-only comment on phase\nphase = "job_search"',
        ),
        "employer": ('sector = "public library"', '# what they do\nsector = "public library"'),
    },
    "end-of-line comment": {
        "participant": ("referred_on = 2026-09-01", "referred_on = 2026-09-01  # the form's date"),
        "employer": ('name = "Biblioteca Lame"', 'name = "Biblioteca Lame"  # branch in Lame'),
    },
    "blank line": {
        "participant": ('specialist = "anna"\n', 'specialist = "anna"\n\n'),
        "employer": ('notes = ""\n', 'notes = ""\n\n'),
    },
    "key order": {
        "participant": (
            'disclosure = "undecided"\nsupport_mode = "direct"',
            'support_mode = "direct"\ndisclosure = "undecided"',
        ),
        "employer": (
            'name = "Biblioteca Lame"\nsector = "public library"',
            'sector = "public library"\nname = "Biblioteca Lame"',
        ),
    },
    "quoting": {
        "participant": ('name = "Giulia R."', "name = 'Giulia R.'"),
        "employer": ('sector = "public library"', "sector = 'public library'"),
    },
    "dotted key": {
        "participant": ("x_team = { level = 3 }", "x_team.level = 3"),
        "employer": ("x_team = { level = 3 }", "x_team.level = 3"),
    },
}


def sub(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def sides(kind: str, layout_on: str | None, element: str | None) -> tuple[str, str, str]:
    """(base, ours, theirs) texts: ours changes a field, theirs logs a contact, and
    `layout_on` ("ours", "theirs" or None) also changes `element`'s layout."""
    base, (old, new), contact, _dumps = KINDS[kind]
    ours = sub(base, old, new)
    theirs = base + contact
    if layout_on is not None and element is not None:
        before, after = ELEMENTS[element][kind]
        if layout_on == "ours":
            ours = sub(ours, before, after)
        else:
            theirs = sub(theirs, before, after)
    return base, ours, theirs


CASES = [
    pytest.param(kind, side, element, id=f"{kind}-{side}-{element}")
    for kind in KINDS
    for side in ("ours", "theirs")
    for element in ELEMENTS
]


@pytest.mark.parametrize(("kind", "side", "element"), CASES)
def test_a_layout_change_on_one_side_survives_the_merge(kind: str, side: str, element: str) -> None:
    dumps = KINDS[kind][3]
    plain = merge_file(*(s.encode() for s in sides(kind, None, None)), "abc1234", dumps)
    base, ours, theirs = sides(kind, side, element)
    merged = merge_file(base.encode(), ours.encode(), theirs.encode(), "abc1234", dumps)
    before, after = ELEMENTS[element][kind]
    assert merged.layout_kept and merged.theirs_layout_kept
    assert merged.raw.decode() == sub(plain.raw.decode(), before, after)
    want = merge_data(*(storage.loads_bytes(s.encode()) for s in (base, ours, theirs)), "abc1234")
    assert storage.loads_bytes(merged.raw) == want
    # Both sides' data changes are in it: ours' field and theirs' contact.
    assert KINDS[kind][1][1] in merged.raw.decode()
    assert len(want["contacts"]) == 2


@pytest.mark.parametrize(
    ("ours_element", "theirs_element"),
    [
        ("own-line comment", "end-of-line comment"),
        ("quoting", "blank line"),
        ("dotted key", "key order"),
    ],
)
def test_layout_changes_on_both_sides_all_survive(ours_element: str, theirs_element: str) -> None:
    base, ours, theirs = sides("participant", None, None)
    ours = sub(ours, *ELEMENTS[ours_element]["participant"])
    theirs = sub(theirs, *ELEMENTS[theirs_element]["participant"])
    merged = merge_file(base.encode(), ours.encode(), theirs.encode(), "abc1234")
    text = merged.raw.decode()
    assert merged.theirs_layout_kept
    for element in (ours_element, theirs_element):
        assert ELEMENTS[element]["participant"][1] in text, element


def test_two_different_comments_on_one_line_are_both_kept() -> None:
    base, ours, theirs = sides("participant", None, None)
    ours = sub(ours, 'phase = "job_search"', '# ours: why\nphase = "job_search"')
    theirs = sub(theirs, 'phase = "job_search"', '# theirs: when\nphase = "job_search"')
    merged = merge_file(base.encode(), ours.encode(), theirs.encode(), "abc1234")
    assert "# ours: why\n" in merged.raw.decode()
    assert "# theirs: when\n" in merged.raw.decode()


def test_theirs_crlf_and_byte_order_mark_are_carried_when_ours_kept_base_s() -> None:
    base, ours, theirs = sides("participant", "theirs", "own-line comment")
    theirs_raw = ("\ufeff" + theirs.replace("\n", "\r\n")).encode()
    merged = merge_file(base.encode(), ours.encode(), theirs_raw, "abc1234")
    assert merged.raw.startswith("\ufeff".encode())
    assert b"# theirs-only comment on phase\r\n" in merged.raw
    assert b"\n" not in merged.raw.replace(b"\r\n", b"")


# ------------------------------------------------------------------ end to end


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    isolate_git(tmp_path, monkeypatch)
    s1, s2 = make_team(
        tmp_path, "s1", "s2", participants=[storage.loads_bytes(PARTICIPANT.encode())]
    )
    for clone in (s1, s2):
        ensure_merge_driver(clone)
    # The hand-written texts, employer included, as the team's first version.
    (s2 / "employers").mkdir()
    (s2 / "participants" / "P-0001.toml").write_text(PARTICIPANT)
    (s2 / "employers" / "E-0001.toml").write_text(EMPLOYER)
    run(s2, "add", "-A")
    run(s2, "commit", "-q", "-m", "caseload: hand layout")
    assert sync(s2).status == "pushed"
    assert sync(s1).status == "pulled"
    return tmp_path / "remote.git", s1, s2


@pytest.mark.parametrize(
    ("side", "kind"),
    [
        ("ours", "participant"),
        ("theirs", "employer"),
        # slow: the other pairs of the same two sides and kinds (issue 12)
        pytest.param("ours", "employer", marks=pytest.mark.slow),
        pytest.param("theirs", "participant", marks=pytest.mark.slow),
    ],
)
def test_sync_keeps_comments_written_on_either_side(
    team: tuple[Path, Path, Path], kind: str, side: str
) -> None:
    remote, s1, s2 = team
    rel = "participants/P-0001.toml" if kind == "participant" else "employers/E-0001.toml"
    base, ours, theirs = sides(kind, side, "own-line comment")
    ours = sub(ours, *ELEMENTS["end-of-line comment"][kind]) if side == "ours" else ours
    theirs = sub(theirs, *ELEMENTS["end-of-line comment"][kind]) if side == "theirs" else theirs
    # s2 (theirs) pushes first; s1 (ours) merges it.
    (s2 / rel).write_text(theirs)
    run(s2, "commit", "-q", "-am", f"{rel.split('/')[1][:6]}: layout and a contact")
    assert sync(s2).status == "pushed"
    (s1 / rel).write_text(ours)
    run(s1, "commit", "-q", "-am", f"{rel.split('/')[1][:6]}: a field")
    result = sync(s1)
    assert result.status == "pushed" and not result.unmixed and not result.relaid
    published = run(remote, "show", f"main:{rel}").stdout
    for element in ("own-line comment", "end-of-line comment"):
        assert ELEMENTS[element][kind][1] in published, element
    assert KINDS[kind][1][1] in published
    assert storage.loads_bytes(published.encode())["contacts"][-1]["by"] == "marco"
    assert published == (s1 / rel).read_text()


def test_a_layout_change_that_cannot_be_carried_is_said(team: tuple[Path, Path, Path]) -> None:
    """Both sides wrote a different comment at the end of the same line (a union would
    write the key twice): the values merge, that line keeps ours' comment, the driver
    says so, and sync's summary names the record."""
    remote, s1, s2 = team
    rel = "participants/P-0001.toml"
    base, ours, theirs = sides("participant", "theirs", "own-line comment")
    ours = sub(ours, 'name = "Giulia R."', 'name = "Giulia R."  # ours')
    theirs = sub(theirs, 'name = "Giulia R."', 'name = "Giulia R."  # theirs')
    merged = merge_file(base.encode(), ours.encode(), theirs.encode(), "abc1234")
    assert not merged.theirs_layout_kept
    (s2 / rel).write_text(theirs)
    run(s2, "commit", "-q", "-am", "P-0001: layout")
    assert sync(s2).status == "pushed"
    (s1 / rel).write_text(ours)
    run(s1, "commit", "-q", "-am", "P-0001: layout")
    result = sync(s1)
    assert result.status == "pushed"
    assert result.unmixed == ("P-0001",) and not result.relaid
    assert "P-0001" in result.message and "could not be carried" in result.message
    text = run(remote, "show", f"main:{rel}").stdout
    assert text == merged.raw.decode()
    # Theirs' other layout change (a comment on its own line) is carried all the same.
    assert 'name = "Giulia R."  # ours\n' in text and "# theirs-only comment on phase\n" in text
    assert storage.loads_bytes(text.encode())["contacts"][-1]["by"] == "marco"
    assert "# theirs" not in text.replace("# theirs-only", "")
    assert THEIRS_LAYOUT_LOST.startswith("merged field by field")


# Characters `str.splitlines` ends a line at and TOML does not (TOML ends a line at "\n"
# only): U+2028, U+2029 and U+0085 may stand in a comment; \x0c, \x1c and a lone \r
# may not, but a line merge must not split there either.
NOT_NEW_LINES = ["\u2028", "\u2029", "\x85", "\x0c", "\x1c", "\r", "\x0b"]


@pytest.mark.parametrize("char", NOT_NEW_LINES, ids=[f"U+{ord(c):04X}" for c in NOT_NEW_LINES])
def test_a_line_is_split_at_new_lines_only(char: str) -> None:
    from ipstui.core.textpatch import _lines

    text = f"# alpha{char}beta\nid = 1\n"
    assert _lines(text) == [f"# alpha{char}beta\n", "id = 1\n"]
    assert "".join(_lines(text + "x")) == text + "x"


COMMENT_CHARS = ["\u2028", "\u2029", "\x85"]


@pytest.mark.parametrize("char", COMMENT_CHARS, ids=[f"U+{ord(c):04X}" for c in COMMENT_CHARS])
def test_a_merge_takes_whole_lines_of_a_comment(char: str) -> None:
    """Base's comment `# alpha<char>mid<char>beta` is one line; ours edits its first
    part, theirs its last. Split at <char>, the merge would build a line neither side
    wrote out of the halves of both; it is one line both sides changed."""
    from ipstui.core.textpatch import merge_layouts

    base_text = PARTICIPANT.replace("schema = 1\n", f"schema = 1\n# alpha{char}mid{char}beta\n")
    data = storage.loads_bytes(base_text.encode())
    ours_text = base_text.replace("alpha", "ALPHA")
    theirs_text = base_text.replace("beta", "BETA")
    out, _carried = merge_layouts(
        base_text.encode(), data, ours_text.encode(), theirs_text.encode(), data, data,
        storage.dumps,
    )  # fmt: skip
    comments = [ln for ln in out.decode().split("\n") if ln.startswith("#")]
    sides = {ln for t in (ours_text, theirs_text) for ln in t.split("\n")}
    assert comments and all(ln in sides for ln in comments), comments
    assert f"# ALPHA{char}mid{char}beta" in comments
