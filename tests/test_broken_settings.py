"""A broken caseload.toml is one problem, named in caseload.toml (SPEC §2: "every
other participant keeps working"), never blamed on the participant or employer files.

Kinds of breakage, each with what the user gets:
- **unknown team settings** (the file cannot be parsed or decoded, `team` is not a
  table, `[privacy] message_values` is not a list of names): validate, --staged, due,
  report and the app's Problems list caseload.toml's error only; every edit is refused
  with that error (a commit could break the team's privacy rules or team membership);
- **a bad value** (`[rules]` not a table, `referral_sources` not a list, a bad
  `due_soon_days`): caseload.toml's own error only; defaults stand in for reading, and
  edits are refused as for a broken file (trial 7 item 13: a commit made with defaults
  in place of the team's settings; more kinds in test_invalid_settings_refuse.py).
`due` and `report` exit 3 (the settings were partly defaults) and say so on stderr."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from conftest import git

from ipstui import cli
from ipstui.core.service import CaseloadService

TODAY = "2026-11-16"


def _append(text: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        path.write_bytes(path.read_bytes() + text.encode("utf-8"))

    return change


def _bytes(raw: bytes) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        path.write_bytes(path.read_bytes() + raw)

    return change


def _set(key: str, value: object) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        data[key] = value
        path.write_text(tomli_w.dumps(data), encoding="utf-8")

    return change


KINDS = [
    # (kind, change, caseload.toml's error says, edits refused)
    ("syntax error", _append("due_soon_days = \n"), "TOML syntax error", True),
    ("not UTF-8", _bytes(b"# \xff\xfe\n"), "", True),
    ("team not a table", _set("team", 3), "team: expected object", True),
    ("privacy not a table", _set("privacy", 3), "privacy: expected object", True),
    ("message_values not a list", _set("privacy", {"message_values": "notes"}), "", True),
    ("rules not a table", _set("rules", 3), "rules: expected object", True),
    ("referral_sources a text", _set("referral_sources", "CSM"), "expected array", True),
    ("due_soon_days a text", _set("due_soon_days", "x"), "due_soon_days", True),
]
IDS = [k[0] for k in KINDS]


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([*argv, "--today", TODAY])
    out, err = capsys.readouterr()
    return code, out, err


def _errors(lines: str) -> list[str]:
    return [ln for ln in lines.splitlines() if ":" in ln and "warning:" not in ln]


@pytest.mark.parametrize(("kind", "change", "says", "refused"), KINDS, ids=IDS)
def test_a_broken_caseload_toml_is_one_problem_in_caseload_toml(
    sample_caseload: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    change: Callable[[Path], None],
    says: str,
    refused: bool,
) -> None:
    root = sample_caseload
    change(root / "caseload.toml")
    c = ["-C", str(root)]
    # validate: caseload.toml's error(s), nothing else (participant and employer files).
    code, out, _err = _main(capsys, "validate", *c)
    errors = _errors(out)
    assert code == 1
    assert errors and all(ln.startswith("caseload.toml:") for ln in errors), errors
    assert says in errors[0]
    # The app's Problems list is the same service call.
    svc = CaseloadService(root)
    snap = svc.load()
    app_errors = [p for p in svc.problems(snap) if p.severity == "error"]
    assert {p.path for p in app_errors} == {"caseload.toml"}
    files = list((root / "participants").glob("*.toml"))
    assert len(snap.participants) == len(files)  # every participant keeps working
    # due and report: exit 3, stderr names caseload.toml only, and says defaults stood in.
    for command in ("due", "report"):
        code, out, err = _main(capsys, command, *c)
        assert code == 3, command
        named = [ln for ln in err.splitlines() if ln.strip()]
        assert all(ln.startswith("caseload.toml") for ln in named), named
        assert "replaced by the defaults" in err
        assert "nothing due" not in out
    # An edit: refused naming caseload.toml, or made with the defaults.
    before = git(root, "rev-parse", "HEAD")
    code, _out, err = _main(capsys, "set", "P-0017", "notes=x", *c)
    if refused:
        assert code == 1
        assert err.startswith("ipstui: error: caseload.toml") and "fix caseload.toml" in err
        assert "P-0017" not in err
        assert git(root, "rev-parse", "HEAD") == before
        code, _out, err = _main(
            capsys, "new", "--name", "Ny", "--specialist", "anna", "--referral-source", "CSM", *c
        )
        assert code == 1 and "fix caseload.toml" in err and "unknown specialist" not in err
    else:
        assert code == 0, err
        assert git(root, "rev-parse", "HEAD") != before


@pytest.mark.parametrize(("kind", "change", "says", "refused"), KINDS[:3], ids=IDS[:3])
def test_the_staged_check_blames_caseload_toml_only(
    sample_caseload: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    change: Callable[[Path], None],
    says: str,
    refused: bool,
) -> None:
    root = sample_caseload
    change(root / "caseload.toml")
    git(root, "add", "caseload.toml")
    code, out, _err = _main(capsys, "validate", "--staged", "-C", str(root))
    errors = _errors(out)
    assert code == 1
    assert errors and all(ln.startswith("caseload.toml:") for ln in errors), errors


def test_nothing_due_says_when_files_were_left_out(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 3 with an empty agenda: "nothing due" alone would read as complete."""
    root = caseload_dir
    c = ["-C", str(root)]
    code, out, _err = _main(capsys, "due", *c)
    assert (code, out.strip()) == (0, "nothing due")
    (root / "participants" / "P-0001.toml").write_text("id = \n", encoding="utf-8")
    code, out, err = _main(capsys, "due", *c)
    assert code == 3
    assert out.strip() == "nothing due among the files that could be read (1 file left out)"
    assert err.startswith("participants/P-0001.toml:1:")
