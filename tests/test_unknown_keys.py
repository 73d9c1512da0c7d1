"""Keys the app does not know are warnings, kept in place (SPEC §2).

`validate` reports them (naming the known key a typo most likely meant), but the file
is loaded, listed in the agenda and export, and editable; an edit keeps the unknown key
on its line. Real errors (a required key missing because of the typo, a wrong value)
stay errors.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli

TODAY = ["--today", "2026-11-16"]
REL = "participants/P-0009.toml"
BASE = VALID_PARTICIPANT.format(pid="P-0009") + """
[[contacts]]
on = 2026-11-02
kind = "phone"
by = "anna"
note = "first call"

[[jobs]]
employer = "Coop"
title = "Shelf stocker"
start = 2026-11-02
hours_per_week = 20
competitive = true

[[tasks]]
due = 2026-11-20
what = "Call back"
"""
TYPO = "It is kept as it is; the team's own keys start with x_"
NO_GUESS = "(a typo? the team's own keys start with x_)"


@dataclass(frozen=True)
class Unknown:
    name: str
    old: str
    new: str
    """`old` in BASE becomes `new`: the unknown key."""
    line: str
    """validate's line for it (after the path)."""
    in_place: bool = True
    """False: the key is kept with its value, but the canonical writer spells a dotted
    key as a table of its own (`many.dots.x = 1` becomes `[many.dots]`, `x = 1`)."""


KINDS = [
    Unknown(
        "typo of an optional key",
        "referred_on = ",
        "refered_on = ",
        f"8:1: warning: unknown key 'refered_on': did you mean 'referred_on'? {TYPO}",
    ),
    Unknown(
        "typo in a contact",
        'note = "first call"',
        'noet = "first call"',
        f"15:1: warning: unknown key 'noet' in [contacts.0]: did you mean 'note'? {TYPO}",
    ),
    Unknown(
        "typo in a job",
        'title = "Shelf stocker"',
        'titel = "Shelf stocker"',
        f"19:1: warning: unknown key 'titel' in [jobs.0]: did you mean 'title'? {TYPO}",
    ),
    Unknown(
        "typo in a task",
        'what = "Call back"',
        'what = "Call back"\ndoen_on = 2026-11-10',
        f"27:1: warning: unknown key 'doen_on' in [tasks.0]: did you mean 'done_on'? {TYPO}",
    ),
    Unknown(
        "unrelated key",
        'notes = ""',
        'notes = ""\nfavourite_food = "pizza"',
        f"10:1: warning: unknown key 'favourite_food' {NO_GUESS}",
    ),
    Unknown(
        "unknown key only inside a dotted key",
        'notes = ""',
        'notes = ""\nmany.dots.x = 1',
        f"10:1: warning: unknown key 'many' {NO_GUESS}",
    ),
    Unknown(
        "typo of a table",
        "\n[[contacts]]",
        '\n[conflict.disclosure]\nours = "no"\ntheirs = "yes"\n\n[[contacts]]',
        f"11:2: warning: unknown key 'conflict': did you mean 'conflicts'? {TYPO}",
    ),
]


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def write_committed(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "hand edit")


def changed_lines(root: Path) -> list[str]:
    diff = git(root, "show", "--format=", "-U0", "HEAD")
    return [x for x in diff.splitlines() if x[:1] in "+-" and x[:3] not in ("+++", "---")]


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_unknown_key_is_a_warning_and_survives_edits(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], kind: Unknown
) -> None:
    root = caseload_dir
    assert kind.old in BASE
    text = BASE.replace(kind.old, kind.new, 1)
    write_committed(root, REL, text)

    code, out, err = run(capsys, root, "validate")
    assert (code, out.splitlines()) == (0, [f"{REL}:{kind.line}"]), err

    code, out, err = run(capsys, root, *TODAY, "due", "--json")
    assert code == 0, err
    assert "P-0009" in {d["participant"] for d in json.loads(out)}
    code, out, err = run(capsys, root, *TODAY, "export", "--format", "json")
    assert (code, [r["id"] for r in json.loads(out)]) == (0, ["P-0009"]), err

    # One field edited: one changed line; the unknown key stays where it was.
    before = tomllib.loads(text)
    code, out, err = run(capsys, root, *TODAY, "set", "P-0009", "notes=x")
    assert code == 0, err
    after = (root / REL).read_text()
    assert tomllib.loads(after) == {**before, "notes": "x"}
    if kind.in_place:
        assert after == text.replace('notes = ""', 'notes = "x"', 1)
        assert changed_lines(root) == ['-notes = ""', '+notes = "x"']

    code, out, err = run(capsys, root, *TODAY, "contact", "P-0009", "--kind", "meeting")
    assert code == 0, err
    data = tomllib.loads((root / REL).read_text())
    assert data["contacts"][:1] == before["contacts"]
    rest = ("contacts", "first_contact_on")  # a meeting may set the first contact date
    assert {k: v for k, v in data.items() if k not in rest} == {
        **{k: v for k, v in before.items() if k not in rest},
        "notes": "x",
    }
    if kind.in_place:
        assert all(x.startswith("+") for x in changed_lines(root))  # only added lines
    assert git(root, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("old", "new", "lines"),
    [
        (
            "phase_since = ",
            "phase_snce = ",
            [
                f"{REL}:1:1: 'phase_since' is required",
                f"{REL}:6:1: warning: unknown key 'phase_snce': did you mean 'phase_since'? "
                f"{TYPO}",
            ],
        ),
        (
            'phase = "intake"',
            'phase = "intake"\nphasee = "intake"',
            [f"{REL}:6:1: warning: unknown key 'phasee': did you mean 'phase'? {TYPO}"],
        ),
        (
            'kind = "phone"',
            'kind = "email"\nkidn = "phone"',
            [
                f"{REL}:13:1: contacts.0.kind: 'email' is not one of: meeting, phone, message,"
                " outreach, employer, team, family, benefits",
                f"{REL}:14:1: warning: unknown key 'kidn' in [contacts.0]: did you mean 'kind'? "
                f"{TYPO}",
            ],
        ),
    ],
    ids=["typo of a required key", "typo beside the key", "wrong value beside a typo"],
)
def test_real_errors_stay_errors(
    caseload_dir: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    lines: list[str],
) -> None:
    root = caseload_dir
    write_committed(root, REL, BASE.replace(old, new, 1))
    code, out, _err = run(capsys, root, "validate")
    errors = any("warning:" not in x for x in lines)
    assert (code, out.splitlines()) == (int(errors), lines)
    code, _out, err = run(capsys, root, *TODAY, "set", "P-0009", "notes=x")
    assert code == int(errors), err
    if errors:
        assert "fix the file first" in err


def test_unknown_key_in_caseload_toml_is_a_warning(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    settings = (root / "caseload.toml").read_text()
    write_committed(root, "caseload.toml", settings.replace("due_soon_days", "due_son_days"))
    write_committed(root, REL, BASE)
    code, out, _err = run(capsys, root, "validate")
    assert code == 0
    assert out.splitlines() == [
        "caseload.toml:3:1: warning: unknown key 'due_son_days': did you mean "
        f"'due_soon_days'? {TYPO}"
    ]
    code, _out, err = run(capsys, root, *TODAY, "set", "P-0009", "notes=x")
    assert code == 0, err


EMPLOYER = """\
schema = 1
id = "E-0001"
name = "Coop"
sectr = "retail"
notes = ""

[[contacts]]
on = 2026-11-02
by = "anna"
purpose = "placement"
fac_to_face = true
"""


def test_unknown_keys_in_an_employer_file_are_kept(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    (root / "employers").mkdir(exist_ok=True)
    write_committed(root, "employers/E-0001.toml", EMPLOYER)
    code, out, _err = run(capsys, root, "validate")
    assert code == 0
    assert out.splitlines() == [
        f"employers/E-0001.toml:4:1: warning: unknown key 'sectr': did you mean 'sector'? {TYPO}",
        "employers/E-0001.toml:11:1: warning: unknown key 'fac_to_face' in [contacts.0]: did"
        f" you mean 'face_to_face'? {TYPO}",
    ]
    code, _out, err = run(
        capsys, root, *TODAY, "employer", "contact", "E-0001", "--by", "anna", "--on",
        "2026-11-10",
    )
    assert code == 0, err
    after = (root / "employers" / "E-0001.toml").read_text()
    assert after.startswith(EMPLOYER)
    assert git(root, "status", "--porcelain") == ""


def test_staged_validate_passes_unknown_keys_as_warnings(caseload_dir: Path) -> None:
    """As a pre-commit hook, an unknown key does not block the commit (exit 0)."""
    root = caseload_dir
    (root / REL).write_text(BASE.replace("referred_on = ", "refered_on = "))
    git(root, "add", "-A")
    proc = subprocess.run(
        [sys.executable, "-m", "ipstui", "-C", str(root), "validate", "--staged"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "warning: unknown key 'refered_on'" in proc.stdout
