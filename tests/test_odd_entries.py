"""Anything named like a record file that is not a regular file is a problem (SPEC §2:
"shown as a problem", never silently left out), by one rule for participants and
employers, in `validate`, the app's Problems (the service), `due` and every edit.

git does not list an empty folder, a pipe or a socket, so the load looks in the folder
itself (`storage.odd_entries`); an edit of such a path is refused at once (a pipe is
never opened for reading: that would block)."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ipstui import cli
from ipstui.core import storage
from ipstui.core.service import CaseloadService

TODAY = ["--today", "2026-11-16"]


def _empty_folder(path: Path) -> None:
    path.mkdir()


def _folder_with_a_file(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("x")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    here = os.getcwd()
    os.chdir(path.parent)  # a relative name: socket paths are limited to ~100 bytes
    try:
        s.bind(path.name)
    finally:
        os.chdir(here)
        s.close()


def _dangling_link(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.toml")


KINDS: list[tuple[str, Callable[[Path], None], str]] = [
    # (kind, how to make it, what validate says after "file:1:1: ")
    ("empty folder", _empty_folder, "is a folder, not a file"),
    ("folder with a file", _folder_with_a_file, "is a folder, not a file"),
    ("named pipe", _fifo, "is not a regular file"),
    ("socket", _socket, "is not a regular file"),
    (
        "dangling symbolic link",
        _dangling_link,
        "is a symbolic link; {what} files must be plain files",
    ),
]
IDS = [k[0] for k in KINDS]
FOLDERS = [("participants", "P-0071", "participant"), ("employers", "E-0071", "employer")]

needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="pipes and sockets")


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([*argv, *TODAY])
    out, err = capsys.readouterr()
    return code, out, err


@needs_posix
@pytest.mark.parametrize(("folder", "rid", "what"), FOLDERS, ids=[f[0] for f in FOLDERS])
@pytest.mark.parametrize(("kind", "make", "says"), KINDS, ids=IDS)
def test_an_odd_entry_is_a_problem_everywhere(
    sample_caseload: Path,
    capsys: pytest.CaptureFixture[str],
    folder: str,
    rid: str,
    what: str,
    kind: str,
    make: Callable[[Path], None],
    says: str,
) -> None:
    root = sample_caseload
    rel = f"{folder}/{rid}.toml"
    make(root / rel)
    line = f"{rel}:1:1: {says.format(what=what)}"
    assert storage.odd_entries(root / folder, folder) == [rel]
    # validate (exit 1) and the app's Problems: the same line.
    code, out, _err = _main(capsys, "validate", "-C", str(root))
    assert code == 1
    assert line in out.splitlines()
    svc = CaseloadService(root)
    snap = svc.load()
    assert line in [str(p) for p in svc.problems(snap)]
    if folder == "participants":
        # due: every other participant listed, the odd entry named, exit 3.
        code, out, err = _main(capsys, "due", "-C", str(root))
        assert code == 3 and line in err.splitlines() and "P-00" in out
        # An edit of that id is refused at once, naming the path.
        code, _out, err = _main(capsys, "set", rid, "notes=x", "-C", str(root))
        assert code == 1 and rel in err
        code, _out, err = _main(
            capsys, "new", "--id", rid, "--name", "Ny", "--specialist", "anna",
            "--referral-source", "CSM", "-C", str(root),
        )  # fmt: skip
        assert code == 1 and rel in err
    else:
        code, _out, err = _main(capsys, "employer", "contact", rid, "--by", "anna", "-C", str(root))
        assert code == 1 and rel in err


def test_a_regular_file_and_other_names_are_not_odd(tmp_path: Path) -> None:
    (tmp_path / "P-0001.toml").write_text("x")
    (tmp_path / "notes").mkdir()  # not named like a record
    (tmp_path / "README.md").symlink_to(tmp_path / "P-0001.toml")
    assert storage.odd_entries(tmp_path, "participants") == []
    assert storage.odd_entries(tmp_path / "missing", "participants") == []
