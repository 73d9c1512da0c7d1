"""The history's section-by-section parse (issue 17: `log` at 100,000 commits) gives
exactly what parsing each version whole gives: the same values, or the same refusal,
on every file of the TOML 1.0 conformance corpus and on every kind of text that could
fool a cut at lines starting with `[`; and `history` shows the same changes as a
whole-file parse of every version, in a real repository."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import git
from test_toml_corpus import CORPUS, LISTED, _same

from ipstui.core import storage
from ipstui.core.changes import EntryAt, FieldChange, diff
from ipstui.core.history import VersionParser, history


def _outcome(parse: Any, raw: bytes) -> tuple[str, Any]:
    try:
        return ("ok", parse(raw))
    except storage.ParseError as exc:
        return ("refused", str(exc))


def _agree(parser: VersionParser, raw: bytes) -> None:
    got = _outcome(parser.parse, raw)
    want = _outcome(lambda r: storage.loads_bytes(r, parser.path), raw)
    assert got[0] == want[0], (got, want)
    if got[0] == "ok":
        assert _same(got[1], want[1])
    else:
        assert got[1] == want[1]


def test_every_corpus_file_parses_as_the_whole_text_parse() -> None:
    # One parser for all files: what it remembers of one document must not leak into another.
    parser = VersionParser("x.toml")
    for name in LISTED:
        _agree(parser, (CORPUS / name).read_bytes())


BASE = """schema = 1
id = "P-0001"
name = "Ada"
notes = ""

[closure]
on = 2025-09-30

[[contacts]]
on = 2024-02-14
kind = "phone"
note = "First contact."

[[contacts]]
on = 2024-02-26
kind = "meeting"

[[tasks]]
what = "call back"
"""

# (kind of text, the text, joined from sections?) — "whole": left to the whole-text parse.
CASES = [
    ("ipstui's own layout", BASE, True),
    ("no sections", 'schema = 1\nid = "P-0001"\n', True),
    ("no final new line", BASE.rstrip("\n"), True),
    ("dotted keys inside an element", BASE + "\n[[contacts]]\nx.y = 1\n", True),
    ("sub-table header indented inside a section", BASE + "  [tasks.more]\nz = 2\n", True),
    (
        "multi-line basic string with header-like lines",
        BASE.replace('note = "First contact."', 'note = """\n[[contacts]]\n[closure]\nx = 1\n"""'),
        False,
    ),
    (
        "multi-line literal string with a header-like line",
        BASE.replace('note = "First contact."', "note = '''\n[tasks]\n'''"),
        False,
    ),
    ("multi-line array with a line starting with [", BASE + "grid = [\n[1, 2],\n[3],\n]\n", False),
    ("table defined twice", BASE + "\n[closure]\nreason = 1\n", False),
    ("array of tables after a table of the same name", BASE + "\n[[closure]]\nx = 1\n", False),
    ("table after an array of tables of the same name", BASE + "\n[contacts]\nx = 1\n", False),
    ("top-level key then its array of tables", "contacts = []\n" + BASE, False),
    ("top-level dotted key then its table", "closure.on = 1\n" + BASE, False),
    ("dotted header", BASE + "\n[contacts.extra]\nx = 1\n", False),
    ("quoted header", BASE + '\n["tasks"]\nx = 1\n', False),
    ("header with a comment", BASE + "\n[extra] # note\nx = 1\n", False),
    ("second element indented in one section", BASE + "  [[tasks]]\nwhat = 2\n", False),
    ("header first, no top-level keys", "[closure]\non = 1\n[[tasks]]\nx = 1\n", True),
    ("only a comment before the sections", "# hello\n[closure]\non = 1\n", False),
    ("windows line ends", BASE.replace("\n", "\r\n"), False),
    ("byte order mark", "\ufeff" + BASE, False),
    ("duplicate key in a section", BASE + "\n[[tasks]]\nwhat = 1\nwhat = 2\n", False),
    ("syntax error in a section", BASE + "\n[[tasks]]\nwhat = \n", False),
    ("syntax error at the top", "schema = = 1\n" + BASE, False),
    ("nested too deeply", BASE + "\n[deep]\nx = " + "[" * 40 + "]" * 40 + "\n", False),
    ("empty", "", False),
]


@pytest.mark.parametrize(("text", "joined"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_of_text_is_joined_or_left_to_the_whole_parse(text: str, joined: bool) -> None:
    parser = VersionParser("participants/P-0001.toml")
    raw = text.encode()
    assert (parser._joined(raw) is not None) is joined
    _agree(parser, raw)
    _agree(parser, raw)  # again, from what it remembers


def test_bytes_that_are_not_utf8_are_refused_as_the_whole_parse_refuses_them() -> None:
    parser = VersionParser("participants/P-0001.toml")
    raw = BASE.encode() + b'\n[[tasks]]\nwhat = "\xff"\n'
    assert parser._joined(raw) is None
    _agree(parser, raw)


def test_versions_share_sections_but_each_is_its_own_document() -> None:
    parser = VersionParser("participants/P-0001.toml")
    one = parser.parse(BASE.encode())
    two = parser.parse((BASE + "\n[[contacts]]\non = 2024-03-01\n").encode())
    assert len(one["contacts"]) == 2 and len(two["contacts"]) == 3
    assert one == storage.loads_bytes(BASE.encode())


def test_history_shows_what_whole_file_parses_show(caseload_dir: Path) -> None:
    """Versions committed with plain git: appended contacts, a note whose lines look like
    headers, a broken version and its repair; the changes are those between the whole
    parses of consecutive versions."""
    rel = "participants/P-0001.toml"
    path = caseload_dir / rel
    path.parent.mkdir(exist_ok=True)
    versions = [
        BASE,
        BASE + "\n[[contacts]]\non = 2024-03-01\nkind = \"message\"\n",
        BASE.replace('note = "First contact."', 'note = """\n[[contacts]]\nkind = 1\n"""'),
        BASE + "\n[[tasks]]\nwhat = \n",
        BASE + "\n[[tasks]]\nwhat = \"fixed\"\n",
    ]
    for i, text in enumerate(versions):
        path.write_text(text)
        git(caseload_dir, "add", rel)
        git(caseload_dir, "commit", "-qm", f"version {i}")
    revs = history(caseload_dir, "P-0001")
    assert [r.subject for r in revs] == [f"version {i}" for i in reversed(range(5))]
    whole: list[dict[str, Any] | None] = []
    for text in versions:
        try:
            whole.append(storage.loads_bytes(text.encode()))
        except storage.ParseError:
            whole.append(None)
    assert whole[3] is None
    for i, rev in enumerate(reversed(revs)):
        old, new = ({} if i == 0 else whole[i - 1]), whole[i]
        if old is None or new is None:
            assert rev.note and rev.changes == ()
        else:
            # List entries no longer in the file are named by their place in the commit
            # (`EntryAt`, tests/test_log_names_entries.py): that place is diff's index.
            named = tuple(
                FieldChange(tuple(p.index if isinstance(p, EntryAt) else p for p in ch.path),
                            ch.old, ch.new)
                for ch in rev.changes
            )  # fmt: skip
            assert named == tuple(diff(old or None, new))
            assert rev.changes, f"version {i} changed something"


def test_a_failing_git_log_raises_and_leaves_no_process_waiting(caseload_dir: Path) -> None:
    from ipstui.core.gitio import GitError

    path = caseload_dir / "participants" / "P-0001.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(BASE)
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "one")
    git(caseload_dir, "symbolic-ref", "HEAD", "refs/heads/unborn")
    with pytest.raises(GitError, match="does not have any commits"):
        history(caseload_dir, "P-0001")
