"""A one-field save changes one line's bytes in a file whose lines end in both ways
(SPEC §2 "one field = one changed line"; review of s8fixA).

The kind of fault: `FileText.encode` gave every line the first line's ending, so in a
file of CRLF lines then LF lines a one-field save rewrote every LF line. Now each line
the save did not change keeps its own ending and the changed line takes the file's
(its first line's). Table-driven over the mixes, with the real service, a real
repository and real files; the bytes are compared line by line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui.core.service import CaseloadService

PID = "P-0001"
REL = f"participants/{PID}.toml"
LINES = VALID_PARTICIPANT.format(pid=PID).splitlines()  # 9 lines; notes is the last


def _file(ends: list[str], bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + "".join(
        line + end for line, end in zip(LINES, ends, strict=True)
    ).encode()


CRLF, LF = "\r\n", "\n"
# (name, the file's bytes, the changed line's ending after the save: the first line's)
CASES = [
    ("CRLF then LF", _file([CRLF] * 4 + [LF] * 5), CRLF),
    ("LF then CRLF", _file([LF] * 4 + [CRLF] * 5), LF),
    ("BOM, mixed", _file([CRLF, LF] * 4 + [LF], bom=True), CRLF),
    ("BOM, mixed, notes line in CRLF", _file([LF, CRLF] * 4 + [CRLF], bom=True), LF),
]


@pytest.mark.parametrize(("raw", "end"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_field_save_changes_one_line(caseload_dir: Path, raw: bytes, end: str) -> None:
    root = caseload_dir
    (root / REL).write_bytes(raw)
    git(root, "add", REL)
    git(root, "commit", "-qm", f"{PID}: new participant")
    result = CaseloadService(root).set_fields(None, PID, {"notes": "called"}, today=date(2026, 11, 16))
    assert result.participant is not None
    after = (root / REL).read_bytes()
    before_lines, after_lines = raw.split(b"\n"), after.split(b"\n")
    assert len(after_lines) == len(before_lines)
    changed = [i for i, (a, b) in enumerate(zip(before_lines, after_lines, strict=True)) if a != b]
    assert changed == [8], (raw, after)
    assert after_lines[8] + b"\n" == f'notes = "called"{end}'.encode()
