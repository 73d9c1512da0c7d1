"""`ipstui validate`: every broken file reported as path:line:col: message, with the
right position; one bad file never hides another; exit 1 on errors, 0 when clean."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli
from ipstui.core.resources import SAMPLE_DIR

PROJECT_DIR = Path(__file__).resolve().parents[1]
"""The source checkout these tests run in."""

VALID = VALID_PARTICIPANT

JOB = """
[[jobs]]
employer = "Coop"
start = 2026-11-02
hours_per_week = 20
competitive = true
"""


def valid(pid: str) -> str:
    return VALID.format(pid=pid)


def swap(pid: str, old: str, new: str) -> str:
    text = valid(pid)
    assert old in text
    return text.replace(old, new, 1)


@dataclass(frozen=True)
class Broken:
    """A broken file, the line (and column, if fixed) of its problem, and words of the message."""

    name: str
    content: bytes
    needle: str | None  # the problem is on the first line containing this text
    words: str
    col: int | None = 1

    @property
    def rel(self) -> str:
        return f"participants/{self.name}"

    @property
    def line(self) -> int:
        if self.needle is None:
            return 1
        lines = self.content.decode("utf-8", "replace").split("\n")
        hits = [i for i, ln in enumerate(lines, start=1) if self.needle in ln]
        assert hits, (self.name, self.needle)
        return hits[-1] if self.words == "duplicate key" else hits[0]


def _b(text: str) -> bytes:
    return text.encode("utf-8")


BROKEN: list[Broken] = [
    Broken("P-0101.toml", b"", None, "file is empty"),
    Broken(
        "P-0102.toml",
        valid("P-0102").replace('"Valid Person"', '"Caf\x00"').encode().replace(b"\x00", b"\xe9"),
        'name = "Caf',
        "not valid UTF-8",
        col=len('name = "Caf') + 1,
    ),
    Broken(
        "P-0103.toml",
        _b(valid("P-0103") + 'phase = "plan"\n'),
        'phase = "plan"',
        "duplicate key",
        1,  # the duplicated key itself
    ),
    Broken(
        "P-0104.toml",
        _b(swap("P-0104", "phase_since = 2026-11-01", "phase_since = 2026-11-01 oops")),
        "oops",
        "syntax error",
        None,
    ),
    Broken(
        "P-0105.toml",
        _b(valid("P-0105") + JOB.replace("hours_per_week = 20", 'hours_per_week = "20"')),
        "hours_per_week",
        "jobs.0.hours_per_week: expected number, found text '20'",
    ),
    Broken(
        "P-0106.toml",
        _b(swap("P-0106", "phase_since = 2026-11-01", "phase_since = 2026-11-01T10:00:00")),
        "phase_since",
        "phase_since: expected a date",
    ),
    Broken(
        "P-0107.toml",
        _b(swap("P-0107", "referred_on = 2026-11-01", 'referred_on = "2026-11-20"')),
        "referred_on",
        "referred_on: date written as a quoted string",
    ),
    Broken(
        "P-0108.toml",
        _b(swap("P-0108", 'phase = "intake"', 'phase = "waiting"')),
        "phase =",
        "phase: 'waiting' is not one of",
    ),
    Broken(
        "P-0109.toml",
        _b(valid("P-0109") + '\n[[contacts]]\non = 2026-11-02\nkind = "email"\n'),
        'kind = "email"',
        "contacts.0.kind: 'email' is not one of",
    ),
    Broken(
        "P-0110.toml",
        # A typo of a required key: the unknown key is a warning (SPEC §2), the missing
        # one an error (tests/test_unknown_keys.py has the typo of an optional key).
        _b(swap("P-0110", "phase_since", "phase_snce")),
        "phase_snce",
        "unknown key 'phase_snce'",
    ),
    Broken(
        "P-0111.toml",
        _b(swap("P-0111", 'id = "P-0111"', 'id = "P-9999"')),
        'id = "P-9999"',
        "does not match the file name",
    ),
    Broken("bad id.toml", _b(valid("bad-id")), None, "is not a safe participant id"),
    Broken(
        "P-0113.toml",
        _b(swap("P-0113", 'specialist = "anna"', 'specialist = "zed"')),
        "specialist",
        "unknown specialist 'zed'",
    ),
    Broken(
        "P-0114.toml",
        _b(
            valid("P-0114")
            + JOB.replace("hours_per_week = 20", 'end = 2026-10-01\nend_reason = "x"')
        ),
        "end = 2026-10-01",
        "ends (2026-10-01) before it starts (2026-11-02)",
    ),
    Broken(
        "P-0115.toml",
        _b(swap("P-0115", 'phase = "intake"', 'phase = "closed"')),
        'phase = "closed"',
        "phase is closed but there is no [closure]",
    ),
    Broken(
        "P-0116.toml",
        _b(valid("P-0116") + '\n[closure]\non = 2026-11-05\nreason = "moved"\n'),
        "[closure]",
        "[closure] present but phase is 'intake'",
        col=2,  # the key's own column, inside the brackets
    ),
    Broken(
        "P-0117.toml",
        _b(valid("P-0117") + JOB.replace("competitive = true\n", "")),
        "[[jobs]]",
        "'competitive' is required in [jobs.0]",
    ),
    # Positions stay right after values that look like structure (regressions).
    Broken(
        "P-0118.toml",
        _b(valid("P-0118").replace('notes = ""\n', 'goals = ["fix [bike", "b"]\nnotes = ""\n'))
        + b'disclosure = "maybe"\n',
        "disclosure",
        "disclosure: 'maybe' is not one of",
    ),
    Broken(
        "P-0119.toml",
        _b(
            valid("P-0119").replace("Valid Person", "Line\u2028sep\x85next")
            + 'disclosure = "maybe"\n'
        ),
        "disclosure",
        "disclosure: 'maybe' is not one of",
    ),
    Broken(
        "P-0120.toml",
        _b(
            swap("P-0120", 'referral_source = "CSM"', 'referral_source = \'CSM """ x\'').replace(
                'notes = ""\n',
                'goals = [\n  "a ]",\n  "b",\n]\nnotes = """\nphase = "x"\n[closure]\n"""\n',
            )
            + 'disclosure = "maybe"\n'
        ),
        "disclosure",
        "disclosure: 'maybe' is not one of",
    ),
]

CONFLICTED = valid("P-0200") + (
    '\n[conflicts.referral_source]\nours = "CSM"\ntheirs = "Self"\ntheirs_commit = "3f2c9a1"\n'
)

EXTENDED = (
    valid("P-0201").replace('notes = ""\n', 'notes = ""\nx_case = "A-1"\nx_flag = 3\n')
    + '\n[x_meta]\nanything = "goes"\n'
    + '\n[[contacts]]\non = 2026-11-02\nkind = "phone"\nx_mood = "good"\n'
    + JOB.replace("competitive = true\n", 'competitive = true\nx_shift = "night"\n')
)

LINE_RE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$")


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (root / "participants" / name).write_bytes(content)


def broken_caseload(root: Path) -> None:
    files = {b.name: b.content for b in BROKEN}
    files["P-0100.toml"] = _b(valid("P-0100"))
    files["P-0200.toml"] = _b(CONFLICTED)
    files["P-0201.toml"] = _b(EXTENDED)
    write_files(root, files)


def parse_report(out: str) -> list[tuple[str, int, int, str]]:
    rows = []
    for line in out.splitlines():
        m = LINE_RE.match(line)
        assert m, f"not path:line:col: message: {line!r}"
        rows.append((m["path"], int(m["line"]), int(m["col"]), m["msg"]))
    return rows


def check_broken_report(out: str) -> None:
    rows = parse_report(out)
    paths = {r[0] for r in rows}
    assert "participants/P-0100.toml" not in paths
    assert "participants/P-0201.toml" not in paths, "x_ keys must never be reported"
    for key in ("x_case", "x_flag", "x_meta", "x_mood", "x_shift"):
        assert key not in out
    for b in BROKEN:
        mine = [r for r in rows if r[0] == b.rel]
        assert mine, f"{b.rel} not reported"
        match = [r for r in mine if b.words in r[3]]
        assert match, f"{b.rel}: no message with {b.words!r} in {mine}"
        _, line, col, _ = match[0]
        assert line == b.line, f"{b.rel}: line {line}, expected {b.line}: {match[0]}"
        if b.col is not None:
            assert col == b.col, f"{b.rel}: col {col}, expected {b.col}"
    conflict = [r for r in rows if r[0] == "participants/P-0200.toml"]
    assert len(conflict) == 1 and conflict[0][3].startswith("warning: ")
    assert conflict[0][1] == CONFLICTED.split("\n").index("[conflicts.referral_source]") + 1


@pytest.fixture
def broken(caseload_dir: Path) -> Path:
    broken_caseload(caseload_dir)
    return caseload_dir


def test_validate_reports_every_broken_file_in_process(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["-C", str(broken), "validate"])
    out, err = capsys.readouterr()
    assert code == 1
    check_broken_report(out)
    assert "Traceback" not in out + err
    assert " errors, " in err or " error, " in err


def run_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m ipstui ARGS` in a real process (exit code and streams as a shell sees them)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "ipstui", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
        timeout=60,
    )


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`ipstui ARGS` in this process: its exit code (argparse's exits too) and streams."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(["ipstui", *args], code, out.getvalue(), err.getvalue())


def test_validate_reports_every_broken_file_in_subprocess(broken: Path) -> None:
    proc = run_subprocess("-C", str(broken), "validate")
    assert proc.returncode == 1, proc.stderr
    check_broken_report(proc.stdout)
    assert "Traceback" not in proc.stderr


def test_validate_works_committed_and_in_a_plain_folder(broken: Path, tmp_path: Path) -> None:
    git(broken, "add", "-A")
    git(broken, "commit", "-qm", "broken files")
    proc = run_cli("-C", str(broken), "validate")
    assert proc.returncode == 1
    check_broken_report(proc.stdout)
    plain = tmp_path / "plain"
    shutil.copytree(broken, plain, ignore=shutil.ignore_patterns(".git"))
    proc = run_cli("-C", str(plain), "validate")
    assert proc.returncode == 1, proc.stderr
    check_broken_report(proc.stdout)


@pytest.mark.parametrize("b", BROKEN, ids=[b.name for b in BROKEN])
def test_each_broken_file_alone(
    caseload_dir: Path, b: Broken, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(caseload_dir, {b.name: b.content, "P-0100.toml": _b(valid("P-0100"))})
    assert cli.main(["-C", str(caseload_dir), "validate"]) == 1
    out, _ = capsys.readouterr()
    rows = parse_report(out)
    assert {r[0] for r in rows} == {b.rel}
    assert any(b.words in r[3] and r[1] == b.line for r in rows), rows


def test_clean_caseload_exits_zero(caseload_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_files(caseload_dir, {"P-0100.toml": _b(valid("P-0100")), "P-0201.toml": _b(EXTENDED)})
    assert cli.main(["-C", str(caseload_dir), "validate"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "0 errors, 0 warnings" in err


def test_empty_caseload_exits_zero(caseload_dir: Path) -> None:
    assert cli.main(["-C", str(caseload_dir), "validate"]) == 0


def test_conflicts_are_a_warning_with_exit_zero(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(caseload_dir, {"P-0200.toml": _b(CONFLICTED)})
    assert cli.main(["-C", str(caseload_dir), "validate"]) == 0
    out, err = capsys.readouterr()
    (row,) = parse_report(out)
    assert row[0] == "participants/P-0200.toml"
    assert row[3].startswith("warning: ") and "referral_source" in row[3]
    assert "3f2c9a1" in row[3]
    assert "0 errors, 1 warning" in err


def test_broken_caseload_toml_is_reported(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (caseload_dir / "caseload.toml").write_text('schema = 1\nname = "T"\ndue_soon_days = "3"\n')
    assert cli.main(["-C", str(caseload_dir), "validate"]) == 1
    out, _ = capsys.readouterr()
    (row,) = parse_report(out)
    assert row[:2] == ("caseload.toml", 3) and "due_soon_days" in row[3]


def test_validate_outside_a_caseload_errors_clearly(tmp_path: Path) -> None:
    proc = run_cli("-C", str(tmp_path), "validate")
    assert proc.returncode != 0
    assert "not a caseload" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def _sample_ready() -> bool:
    return (SAMPLE_DIR / "caseload.toml").is_file() and any(
        (SAMPLE_DIR / "participants").glob("*.toml")
    )


needs_sample = pytest.mark.skipif(not _sample_ready(), reason="sample_caseload/ not generated yet")


@needs_sample
def test_shipped_sample_validates_clean() -> None:
    proc = run_cli("-C", str(SAMPLE_DIR), "validate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not [ln for ln in proc.stdout.splitlines() if "warning" not in ln]


@needs_sample
def test_demo_of_the_sample_validates_clean(sample_caseload: Path) -> None:
    proc = run_cli("-C", str(sample_caseload), "validate")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("data", "places"),
    [
        ({"jobs": [{"hours_per_week": float("nan")}]}, ["jobs.0.hours_per_week"]),
        ({"a": {"b": [1.5, float("-inf")]}}, ["a.b.1"]),
        ({"x_score": float("nan"), "x_meta": {"w": float("inf")}}, []),  # the team's own keys
        ({"jobs": [{"hours_per_week": 20.5, "start": "2026-01-01"}]}, []),
        ({"y": (float("inf"),)}, []),  # what the exact walk does not enter, it does not report
    ],
)
def test_nan_and_inf_are_found_where_the_rule_looks(data: dict, places: list[str]) -> None:
    """The typed walk that spares the walk with paths never hides a nan or inf from it."""
    from ipstui.core.validate import number_problems

    class NoText:
        def find(self, path: list) -> tuple[int, int]:
            return (1, 1)

    got = [p.message.split(":")[0] for p in number_problems(data, "x.toml", NoText())]
    assert sorted(got) == sorted(places)
