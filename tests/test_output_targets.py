"""Where `export`, `report --output` and `import --template` may write (SPEC §7, §8, §12):
a new or existing file gets the whole content at once, a pipe or device (`/dev/stdout`,
a named pipe) gets it streamed, and a directory or a path inside the caseload is refused
with one line. Every command and format against every kind of target.

The quick run (issue 12) writes each kind of target with two commands (a text and a
binary format, every command and format on some target: `_some`) and refuses each
kind of target for an export and a report; the other pairs (40 of 56) are `slow`."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ipstui import cli

TODAY = "2026-11-30"


def _csv(raw: bytes) -> None:
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert len(rows) > 10 and len({len(r) for r in rows}) == 1


def _json(raw: bytes) -> None:
    assert json.loads(raw)


def _xlsx(raw: bytes) -> None:
    assert load_workbook(io.BytesIO(raw)).sheetnames


def _text(raw: bytes) -> None:
    assert raw.decode("utf-8").strip()


# command (without --output), the check of what was written
COMMANDS: list[tuple[tuple[str, ...], Callable[[bytes], None]]] = [
    (("export",), _csv),
    (("export", "--format", "json"), _json),
    (("export", "--format", "xlsx"), _xlsx),
    (("report", "--quarter", "2026Q3", "--format", "csv"), _csv),
    (("report", "--quarter", "2026Q3", "--format", "json"), _json),
    (("report", "--quarter", "2026Q3", "--format", "xlsx"), _xlsx),
    (("report", "--quarter", "2026Q3"), _text),
]
IDS = ["export-csv", "export-json", "export-xlsx", "report-csv", "report-json",
       "report-xlsx", "report-table"]  # fmt: skip


def _some(*quick: str) -> list:
    """COMMANDS as parameters: those named in `quick` run in the quick run, the others
    are marked `slow` (the target is handled by one code path whatever the command; the
    quick run still writes every command and format to some kind of target)."""
    assert set(quick) <= set(IDS)
    return [
        pytest.param(*c, id=i, marks=() if i in quick else pytest.mark.slow)
        for c, i in zip(COMMANDS, IDS, strict=True)
    ]


def _run(root: Path, args: tuple[str, ...], output: str) -> int:
    return cli.main([*args, "--output", output, "-C", str(root), "--today", TODAY])


@pytest.mark.parametrize(("args", "check"), _some("export-csv", "report-xlsx"))
def test_a_new_file_is_whole_and_private(
    sample_caseload: Path, tmp_path: Path, args: tuple[str, ...], check: Callable[[bytes], None]
) -> None:
    out = tmp_path / "out" / "file"
    out.parent.mkdir()
    assert _run(sample_caseload, args, str(out)) == 0
    check(out.read_bytes())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["file"]  # no temporary file left


@pytest.mark.parametrize(("args", "check"), _some("export-json", "report-table"))
def test_an_existing_file_is_replaced_and_keeps_its_mode(
    sample_caseload: Path, tmp_path: Path, args: tuple[str, ...], check: Callable[[bytes], None]
) -> None:
    out = tmp_path / "old"
    out.write_text("old content that is longer than nothing\n" * 3)
    out.chmod(0o640)
    assert _run(sample_caseload, args, str(out)) == 0
    check(out.read_bytes())
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.parametrize(("args", "check"), _some("export-xlsx", "report-json"))
def test_a_named_pipe_gets_the_content_streamed(
    sample_caseload: Path, tmp_path: Path, args: tuple[str, ...], check: Callable[[bytes], None]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert _run(sample_caseload, args, str(fifo)) == 0
    reader.join(timeout=30)
    check(got[0])
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe, nothing renamed over it


@pytest.mark.parametrize(("args", "check"), _some("report-csv", "export-xlsx"))
def test_dev_stdout_of_a_real_process(
    sample_caseload: Path, args: tuple[str, ...], check: Callable[[bytes], None]
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ipstui", *args, "--output", "/dev/stdout",
         "-C", str(sample_caseload), "--today", TODAY],
        capture_output=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    check(run.stdout)


@pytest.mark.parametrize(
    ("where", "says"),
    [
        (lambda root, tmp: tmp, "is a directory"),
        (lambda root, tmp: root / "export.csv", "inside the caseload"),
        (lambda root, tmp: root / ".git" / "x.csv", "inside the caseload"),
        (lambda root, tmp: tmp / "missing" / "x.csv", "does not exist"),
    ],
    ids=["directory", "caseload", "git-dir", "no-parent"],
)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(c[0], id=i, marks=() if i in ("export-csv", "report-xlsx") else pytest.mark.slow)
        for c, i in zip(COMMANDS, IDS, strict=True)
    ],
)
def test_refused_targets_say_why_in_one_line_and_write_nothing(
    sample_caseload: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    where: Callable[[Path, Path], Path],
    says: str,
) -> None:
    target = where(sample_caseload, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert _run(sample_caseload, args, str(target)) == 1
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1, err
    assert not target.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("target", ["new", "pipe"])
def test_the_import_template_goes_to_a_file_or_a_pipe(
    sample_caseload: Path, tmp_path: Path, target: str
) -> None:
    out = tmp_path / "template.xlsx"
    got: list[bytes] = []
    if target == "pipe":
        os.mkfifo(out)
        reader = threading.Thread(target=lambda: got.append(out.read_bytes()), daemon=True)
        reader.start()
    assert cli.main(["import", "--template", str(out), "-C", str(sample_caseload)]) == 0
    if target == "pipe":
        reader.join(timeout=30)
    else:
        got.append(out.read_bytes())
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    _xlsx(got[0])
