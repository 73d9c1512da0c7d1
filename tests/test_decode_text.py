"""One reading of a record file's bytes (`storage.decode_text`): the byte order mark, the
line ending and the UTF-8 check, used by the load (`loads_bytes`), the save transaction,
the merge driver's patches and renumbering alike (SPEC §2: a BOM is accepted and kept,
a file's line endings are kept, UTF-8 only).

Before, three copies did this (the save's `_text_of` with `_uses_crlf`, textpatch's
`_split_bytes`, `loads_bytes`), and only one gave a clear error for bytes that are not
UTF-8; the others raised a bare UnicodeDecodeError.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli
from ipstui.core import storage
from ipstui.core.textpatch import merge_layouts, patch_bytes

BOM = b"\xef\xbb\xbf"

# (raw bytes, text, bom, crlf, what encode(text) gives back)
CASES = [
    ("lf", b'a = 1\nb = "x"\n', 'a = 1\nb = "x"\n', False, False, None),
    ("crlf", b'a = 1\r\nb = "x"\r\n', 'a = 1\nb = "x"\n', False, True, None),
    ("bom lf", BOM + b"a = 1\nb = 2\n", "a = 1\nb = 2\n", True, False, None),
    ("bom crlf", BOM + b"a = 1\r\nb = 2\r\n", "a = 1\nb = 2\n", True, True, None),
    # A lone CR is no line ending in TOML: left in place, for the parser to report.
    ("cr only", b"a = 1\rb = 2\r", "a = 1\rb = 2\r", False, False, None),
    # The first line's ending is the file's; every CRLF becomes "\n", and each line is
    # written back with its own ending (`FileText.mixed`).
    ("mixed, crlf first", b"a = 1\r\nb = 2\nc = 3\r\n", "a = 1\nb = 2\nc = 3\n", False, True,
     None),
    ("mixed, lf first", b"a = 1\nb = 2\r\nc = 3\n", "a = 1\nb = 2\nc = 3\n", False, False, None),
    ("no final newline, lf", b"a = 1\nb = 2", "a = 1\nb = 2", False, False, None),
    ("no final newline, crlf", b"a = 1\r\nb = 2", "a = 1\nb = 2", False, True, None),
    ("one line, no newline", b"a = 1", "a = 1", False, False, None),
    ("empty", b"", "", False, False, None),
    ("bom only", BOM, "", True, False, None),
    # A CR at the very start is not the end of a first line.
    ("first line empty, crlf", b"\r\na = 1\r\n", "\na = 1\n", False, True, None),
    ("first line empty, lf", b"\na = 1\r\n", "\na = 1\n", False, False, None),
    # A BOM further in is text, not a mark.
    ("bom inside", b'a = "\xef\xbb\xbf"\n', 'a = "\ufeff"\n', False, False, None),
    ("non-ascii", 'name = "Åsa Nørgård 王"\r\n'.encode(), 'name = "Åsa Nørgård 王"\n', False, True,
     None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "text", "bom", "crlf", "back"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_decode_text(raw: bytes, text: str, bom: bool, crlf: bool, back: bytes | None) -> None:
    got = storage.decode_text(raw, "participants/P-0001.toml")
    assert (got.text, got.bom, got.crlf) == (text, bom, crlf)
    assert got.encode(got.text) == (raw if back is None else back)


# (bytes that are not UTF-8, line, column of the first bad byte)
NOT_UTF8 = [
    ("latin-1 on line 1", b'name = "Jos\xe9"\n', 1, 12),
    ("latin-1 after a crlf line", b'schema = 1\r\nname = "Jos\xe9"\r\n', 2, 12),
    ("after a bom", BOM + b'schema = 1\nname = "\xff"\n', 2, 9),
    ("cut multi-byte character", b'schema = 1\nname = "\xc3"\n', 2, 9),
    ("utf-16 file", "schema = 1\n".encode("utf-16"), 1, 1),
    ("after wide characters", 'name = "王王"\n'.encode() + b'x = "\xff"\n', 2, 6),
]


@pytest.mark.parametrize(
    ("raw", "line", "col"), [c[1:] for c in NOT_UTF8], ids=[c[0] for c in NOT_UTF8]
)
@pytest.mark.parametrize(
    "reader",
    [
        lambda raw: storage.decode_text(raw, "participants/P-0001.toml"),
        lambda raw: storage.loads_bytes(raw, "participants/P-0001.toml"),
        lambda raw: patch_bytes(raw, {}, {"a": 1}, storage.dumps),
        lambda raw: merge_layouts(b"a = 1\n", {"a": 1}, raw, b"a = 1\n", {"a": 1}, {"a": 1},
                                  storage.dumps),
    ],
    ids=["decode_text", "loads_bytes", "patch_bytes", "merge_layouts"],
)  # fmt: skip
def test_not_utf8_is_one_clear_error_everywhere(
    reader: object, raw: bytes, line: int, col: int
) -> None:
    with pytest.raises(storage.ParseError) as caught:
        reader(raw)  # type: ignore[operator]
    assert (caught.value.line, caught.value.col, caught.value.message) == (
        line,
        col,
        "file is not valid UTF-8",
    )


@pytest.mark.parametrize(("raw", "text", "bom", "crlf", "back"), [c[1:] for c in CASES[:4]],
                         ids=[c[0] for c in CASES[:4]])  # fmt: skip
def test_patch_bytes_keeps_what_decode_read(
    raw: bytes, text: str, bom: bool, crlf: bool, back: bytes | None
) -> None:
    """The merge driver's patch writes the file back with its own mark and endings."""
    out, kept = patch_bytes(raw, {"a": 1, "b": storage.loads_bytes(raw)["b"]},
                            {"a": 2, "b": storage.loads_bytes(raw)["b"]}, storage.dumps)  # fmt: skip
    assert kept
    nl = "\r\n" if crlf else "\n"
    assert out == (BOM if bom else b"") + text.replace("a = 1", "a = 2").replace("\n", nl).encode()


SAVED = [
    # (how the file is laid out, its bytes, what the set edit leaves)
    ("bom crlf", lambda t: BOM + t.replace("\n", "\r\n").encode(),
     lambda t: BOM + t.replace("\n", "\r\n").encode()),
    # Mixed: the lines left alone keep their own ending, the edited one (notes, the
    # last) takes the file's, its first line's (tests/test_mixed_line_endings.py).
    ("mixed, crlf first", lambda t: t.replace("\n", "\r\n", 2).encode(),
     lambda t: t.replace("\n", "\r\n", 2).replace('notes = "x"\n', 'notes = "x"\r\n').encode()),
    ("mixed, lf first", lambda t: t.replace('notes = ""\n', 'notes = ""\r\n').encode(),
     lambda t: t.encode()),
    ("no final newline", lambda t: t.rstrip("\n").encode(),
     lambda t: t.rstrip("\n").encode()),
    ("bom, crlf, no final newline", lambda t: BOM + t.rstrip("\n").replace("\n", "\r\n").encode(),
     lambda t: BOM + t.rstrip("\n").replace("\n", "\r\n").encode()),
]  # fmt: skip


@pytest.mark.parametrize(("before", "after"), [c[1:] for c in SAVED], ids=[c[0] for c in SAVED])
def test_a_save_writes_the_file_back_as_decode_read_it(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], before: object, after: object
) -> None:
    """`ipstui set` through the save transaction: the edited line changes, and the file
    keeps its mark and line endings (a changed line: the first line's)."""
    root = caseload_dir
    git(root, "config", "core.autocrlf", "false")
    rel = "participants/P-0004.toml"
    text = VALID_PARTICIPANT.format(pid="P-0004")
    (root / rel).write_bytes(before(text))  # type: ignore[operator]
    git(root, "add", "-A")
    git(root, "commit", "-qm", "files")
    code = cli.main(["-C", str(root), "--today", "2026-11-16", "set", "P-0004", "notes=x"])
    assert code == 0, capsys.readouterr().err
    want = after(text.replace('notes = ""', 'notes = "x"'))  # type: ignore[operator]
    assert (root / rel).read_bytes() == want
    assert git(root, "status", "--porcelain") == ""
