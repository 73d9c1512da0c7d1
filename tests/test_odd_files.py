"""One odd file never breaks the rest, and is never silently left out (issue 10).

For every kind of bad participant file: `validate` reports it at the exact
`file:line:col: message` and exits 1; `due` and `report` still list every other
participant, name the bad file on stderr with that same line and exit 3 (SPEC §7).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli
from ipstui.core import toml10

BAD = "participants/P-0009.toml"
GOOD_IDS = ("P-0001", "P-0002", "P-0003")
TODAY = ["--today", "2026-11-16"]
VALID = VALID_PARTICIPANT
JOB = """
[[jobs]]
employer = "Coop"
start = 2026-11-02
hours_per_week = 20
competitive = true
"""
PHASES = "intake, engagement, assessment, plan, job_search, follow_up, closed"


def valid(pid: str = "P-0009") -> str:
    return VALID.format(pid=pid)


def swap(old: str, new: str) -> bytes:
    text = valid()
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


def plus(extra: str) -> bytes:
    return (valid() + extra).encode("utf-8")


def _folder(root: Path) -> None:
    (root / BAD).mkdir()
    (root / BAD / "inside.txt").write_text("x")


def _symlink(root: Path) -> None:
    (root / "elsewhere.toml").write_text(valid())
    (root / BAD).symlink_to(root / "elsewhere.toml")


@dataclass(frozen=True)
class Kind:
    """A kind of odd file: how to make it, and the exact line validate/due/report print."""

    name: str
    make: bytes | Callable[[Path], None]
    line: str  # after "participants/P-0009.toml:"


KINDS: list[Kind] = [
    Kind(
        "phase typo", swap('"intake"', '"Intake"'), f"5:1: phase: 'Intake' is not one of: {PHASES}"
    ),
    Kind("phase unquoted", swap('"intake"', "intake"), "5:9: TOML syntax error: Invalid value"),
    Kind("empty file", b"", "1:1: file is empty"),
    Kind("form feed only", b"\x0c", "1:1: TOML syntax error: Invalid statement"),
    Kind(
        "not UTF-8",
        swap('"Valid Person"', '"Caf\x00"').replace(b"\x00", b"\xe9"),
        "3:12: file is not valid UTF-8",
    ),
    Kind(
        "600 nested arrays",
        plus("x_deep = " + "[" * 600 + "]" * 600 + "\n"),
        f"10:{len('x_deep = ') + toml10.MAX_DEPTH + 1}: {toml10.TOO_DEEP}",
    ),
    Kind(
        "TOML 1.1 trailing comma in inline table",
        plus('x_pref = { day = "mon", }\n'),
        "10:25: TOML syntax error: Invalid initial character for a key part",
    ),
    Kind(
        "TOML 1.1 inline table over two lines",
        plus('x_pref = { day = "mon",\n  hour = 9 }\n'),
        "10:24: TOML syntax error: Invalid initial character for a key part",
    ),
    Kind(
        "TOML 1.1 time without seconds",
        plus("x_at = 17:45\n"),
        "10:10: TOML syntax error: Expected newline or end of document after a statement",
    ),
    Kind(
        "TOML 1.1 \\x escape",
        plus('x_cafe = "Caf\\xe9"\n'),
        "10:16: TOML syntax error: Unescaped '\\' in a string",
    ),
    Kind(
        "string open at the end of the file",
        plus('x_note = "abc'),
        "10:14: TOML syntax error: Unterminated string",
    ),
    Kind(
        "date after 2199",
        swap("referred_on = 2026-11-01", "referred_on = 9999-12-31"),
        "8:1: referred_on: 9999-12-31 is outside the dates ipstui accepts (1900-01-01 to 2199-12-31)",
    ),
    Kind(
        "contact date before 1900",
        plus('\n[[contacts]]\non = 1899-12-31\nkind = "phone"\n'),
        "12:1: contacts.0.on: 1899-12-31 is outside the dates ipstui accepts (1900-01-01 to 2199-12-31)",
    ),
    Kind(
        "hours nan",
        plus(JOB.replace("hours_per_week = 20", "hours_per_week = nan")),
        "14:1: jobs.0.hours_per_week: nan is not a number; numbers must be finite",
    ),
    Kind(
        "wage inf",
        plus(JOB.replace("competitive", "hourly_wage = inf\ncompetitive")),
        "15:1: jobs.0.hourly_wage: inf is not a number; numbers must be finite",
    ),
    Kind(
        "hours above 168",
        plus(JOB.replace("hours_per_week = 20", "hours_per_week = 169")),
        "14:1: jobs.0.hours_per_week: 169 is greater than the maximum of 168",
    ),
    # Unknown keys are warnings, not errors (SPEC §2): tests/test_unknown_keys.py.
    Kind(
        "control characters in a name",
        swap('"Valid Person"', '"N\\u001b]0;pwned\\u0007\\u001b[2J"'),
        "3:1: name: control character U+001B is not allowed in single-line text",
    ),
    Kind(
        "new line in a single-line field",
        plus('\n[[tasks]]\ndue = 2026-11-20\nwhat = "call\\nback"\n'),
        "13:1: tasks.0.what: control character U+000A is not allowed in single-line text",
    ),
    Kind(
        "bidi override in notes",
        swap('notes = ""', 'notes = "a\\u202eb"'),
        "9:1: notes: bidirectional override U+202E is not allowed in free text",
    ),
    Kind(
        "referral source outside the team's list",
        swap('"CSM"', '"Friend"'),
        "7:1: referral source 'Friend' is not one of caseload.toml's referral_sources: CSM, Self",
    ),
    Kind("a folder where the file should be", _folder, "1:1: is a folder, not a file"),
    Kind(
        "a symbolic link",
        _symlink,
        "1:1: is a symbolic link; participant files must be plain files",
    ),
]


def make_caseload(root: Path, kind: Kind) -> None:
    for pid in GOOD_IDS:
        (root / "participants" / f"{pid}.toml").write_text(valid(pid))
    git(root, "add", "participants")
    git(root, "commit", "-qm", "three participants")
    if callable(kind.make):
        kind.make(root)
    else:
        (root / BAD).write_bytes(kind.make)


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_odd_file_is_reported_and_the_rest_keeps_working(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], kind: Kind
) -> None:
    make_caseload(caseload_dir, kind)
    expected = f"{BAD}:{kind.line}"

    code, out, err = run(capsys, caseload_dir, "validate")
    assert code == 1
    assert expected in out.splitlines(), out

    code, out, err = run(capsys, caseload_dir, *TODAY, "due", "--json")
    assert code == 3
    assert err == expected + "\n"
    assert sorted({d["participant"] for d in json.loads(out)}) == list(GOOD_IDS)

    code, out, err = run(capsys, caseload_dir, *TODAY, "due")
    assert code == 3
    assert err == expected + "\n"
    assert all(pid in out for pid in GOOD_IDS)

    code, out, err = run(capsys, caseload_dir, *TODAY, "report", "--format", "json")
    assert code == 3
    assert err == expected + "\n"
    assert json.loads(out)["referrals"][0]["referred"] == len(GOOD_IDS)

    # An edit of the odd file is refused in one line that names its first problem; an
    # edit of another participant works.
    code, out, err = run(capsys, caseload_dir, *TODAY, "contact", "P-0009", "--kind", "phone")
    assert code == 1
    assert err.startswith(f"ipstui: error: {BAD}") and err.count("\n") == 1
    if not callable(kind.make):  # content problems: the very line validate prints
        assert err.startswith(f"ipstui: error: {expected}")
    code, out, err = run(capsys, caseload_dir, *TODAY, "contact", "P-0001", "--kind", "phone")
    assert code == 0, err


def test_clean_caseload_exits_0_with_nothing_on_stderr(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for pid in GOOD_IDS:
        (caseload_dir / "participants" / f"{pid}.toml").write_text(valid(pid))
    for args in (["due"], ["due", "--json"], ["report"], ["report", "--format", "csv"]):
        code, _, err = run(capsys, caseload_dir, *TODAY, *args)
        assert (code, err) == (0, ""), args


def test_byte_order_mark_is_a_warning_and_the_participant_stays(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_caseload(caseload_dir, Kind("bom", b"\xef\xbb\xbf" + valid().encode(), ""))
    code, out, _ = run(capsys, caseload_dir, "validate")
    assert code == 0
    assert out == (
        f"{BAD}:1:1: warning: file starts with a UTF-8 byte order mark "
        "(accepted; ipstui reads it without one)\n"
    )
    code, out, err = run(capsys, caseload_dir, *TODAY, "due", "--json")
    assert (code, err) == (0, "")
    assert "P-0009" in {d["participant"] for d in json.loads(out)}


@pytest.mark.parametrize(
    "content, line",
    [
        (b"", "caseload.toml:1:1: file is empty"),
        (b"schema = 1\nname = team\n", "caseload.toml:2:8: TOML syntax error: Invalid value"),
        (
            b'schema = 1\nname = "T"\ndue_soon_days = 100000\n',
            "caseload.toml:3:1: due_soon_days: 100000 is greater than the maximum of 366",
        ),
    ],
)
def test_unreadable_caseload_toml_is_loud(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], content: bytes, line: str
) -> None:
    for pid in GOOD_IDS:
        (caseload_dir / "participants" / f"{pid}.toml").write_text(valid(pid))
    (caseload_dir / "caseload.toml").write_bytes(content)
    for args in (["due"], ["due", "--json"], ["report"]):
        code, _, err = run(capsys, caseload_dir, *TODAY, *args)
        assert code == 3, args
        assert line in err.splitlines()
    code, out, _ = run(capsys, caseload_dir, "validate")
    assert code == 1 and line in out.splitlines()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX permissions")
def test_unreadable_file_is_a_problem_of_that_file(tmp_path: Path) -> None:
    """A file without read permission. Root reads everything, so the command runs in a
    forked child that drops to the unprivileged user `nobody` (when run as root)."""
    root = tmp_path / "cl"
    (root / "participants").mkdir(parents=True)
    (root / "caseload.toml").write_text('schema = 1\nname = "T"\n\n[team.anna]\nname = "A"\n')
    for pid in GOOD_IDS + ("P-0009",):
        (root / "participants" / f"{pid}.toml").write_text(valid(pid))
    args = ["-C", str(root), *TODAY, "due", "--json"]
    uid = None
    if os.geteuid() == 0:
        import pwd

        try:
            uid = pwd.getpwnam("nobody").pw_uid
        except KeyError:
            pytest.skip("running as root and there is no user 'nobody'")
        for p in [root, *root.parents]:
            p.chmod(p.stat().st_mode | 0o005)  # nobody may walk to and list the caseload
        for p in root.rglob("*"):
            p.chmod(p.stat().st_mode | 0o004)
    (root / BAD).chmod(0)
    from ipstui.core.caseload import load

    load(root)  # warm every lazy import and schema cache before the fork
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop rights, run the command, report through the pipe
        code = 99
        try:
            os.close(r)
            os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
            if uid is not None:
                os.setgid(uid)
                os.setuid(uid)
                # The unprivileged user must reach what the command itself reads (git, the
                # shipped schema): a checkout or venv under a private folder (mktemp -d is
                # 0700) cannot be tested this way.
                from ipstui.core.resources import PARTICIPANT_SCHEMA

                git_exe = shutil.which("git")
                if not (
                    git_exe
                    and os.access(git_exe, os.X_OK)
                    and os.access(PARTICIPANT_SCHEMA, os.R_OK)
                ):
                    code = 77
                    os.write(w, b'["", ""]')
                    os._exit(code)
            out, err = sys.stdout, sys.stderr
            import io

            sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
            try:
                code = cli.main(args)
            finally:
                captured = json.dumps([sys.stdout.getvalue(), sys.stderr.getvalue()])
                sys.stdout, sys.stderr = out, err
            os.write(w, captured.encode())
        finally:
            os._exit(code)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    stdout, stderr = json.loads(data)
    if os.waitstatus_to_exitcode(status) == 77:
        pytest.skip("user 'nobody' cannot reach git or the package's files from here")
    assert os.waitstatus_to_exitcode(status) == 3, stderr
    assert stderr == f"{BAD}:1:1: cannot read: Permission denied\n"
    assert sorted({d["participant"] for d in json.loads(stdout)}) == list(GOOD_IDS)


def test_ids_that_differ_only_in_case_are_both_named(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """P-0009 and p-0009 are one file on macOS and Windows (SPEC §2)."""
    for pid in GOOD_IDS + ("P-0009", "p-0009"):
        (caseload_dir / "participants" / f"{pid}.toml").write_text(valid(pid))
    code, out, err = run(capsys, caseload_dir, *TODAY, "due", "--json")
    assert code == 3
    assert err.splitlines() == [
        f"participants/{a}.toml:1:1: id {a} differs from {b} only in case: on macOS and "
        "Windows they are one file (ids are unique ignoring case: docs/file-format.md)"
        for a, b in (("P-0009", "p-0009"), ("p-0009", "P-0009"))
    ]
    assert sorted({d["participant"] for d in json.loads(out)}) == list(GOOD_IDS)
