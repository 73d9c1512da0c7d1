"""A failed save puts the file back even when the disk is full (SPEC §5), and says so
truthfully when it cannot.

The save keeps the old file as a second name of its inode; the undo renames it back,
which needs no free space. When that is impossible too, the message names the file,
says it still holds the unsaved change and how to put it right.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli
from ipstui.core import caseload, storage

TODAY = ["--today", "2026-11-16"]
REL = "participants/P-0009.toml"
VALID = VALID_PARTICIPANT.format(pid="P-0009")
REFUSED = "ipstui: error: git refused the commit, nothing was saved: "


def run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def make(root: Path, text: str = VALID) -> None:
    (root / REL).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "P-0009")


def refuse_commits(root: Path) -> None:
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'no space for you' >&2\nexit 1\n")
    hook.chmod(0o755)


@dataclass(frozen=True)
class Fault:
    """What fails besides git's commit (which a pre-commit hook refuses)."""

    name: str
    no_link: bool
    """No second name can be made (a file system without hard links)."""
    no_write: bool
    """No new file can be written (the disk is full)."""
    put_back: bool
    """The right outcome: the file holds what it held before."""


FAULTS = [
    Fault("disk full", no_link=False, no_write=True, put_back=True),
    Fault("no hard links", no_link=True, no_write=False, put_back=True),
    Fault("no hard links and disk full", no_link=True, no_write=True, put_back=False),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_failed_save_is_put_back_or_says_it_is_not(
    caseload_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
) -> None:
    root = caseload_dir
    make(root)
    refuse_commits(root)
    writes: list[Path] = []
    real_write = storage.atomic_write

    def atomic_write(path: Path, text: str | bytes, new_mode: int = 0o644) -> None:
        if path.name == "P-0009.toml" and writes and fault.no_write:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        writes.append(path)
        real_write(path, text, new_mode)

    def link(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(storage, "atomic_write", atomic_write)
    if fault.no_link:
        monkeypatch.setattr(caseload.os, "link", link)

    code, _out, err = run(capsys, root, *TODAY, "contact", "P-0009", "--kind", "phone")
    assert code == 1
    on_disk = (root / REL).read_text()
    status = git(root, "status", "--porcelain", "--untracked-files=all")
    if fault.put_back:
        assert err.startswith(REFUSED) and err.count("\n") == 1, err
        assert on_disk == VALID
        assert status == ""
    else:
        assert err == (
            "ipstui: error: git refused the commit: no space for you. Nothing was committed, "
            f"but {REL} could not be put back (No space left on device), so it still holds "
            f"the change that was not saved. `git restore {REL}` brings back the committed "
            "version.\n"
        )
        assert on_disk != VALID and "[[contacts]]" in on_disk  # what it says
        assert status == f" M {REL}\n"
        git(root, "restore", REL)
    assert list((root / ".git").glob(f"*{caseload.UNDO_NAME}*")) == []
    assert list((root / "participants").glob(f"*{caseload.UNDO_NAME}*")) == []

    # The next edit, once git takes commits again, is not refused.
    (root / ".git" / "hooks" / "pre-commit").unlink()
    monkeypatch.undo()
    code, out, err = run(capsys, root, *TODAY, "contact", "P-0009", "--kind", "phone")
    assert code == 0, err
    assert git(root, "status", "--porcelain") == ""


def test_a_new_file_that_cannot_be_removed_is_named(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new participant's file is removed by the undo; when even that fails, the message
    says the file is new and was not committed."""
    root = caseload_dir
    refuse_commits(root)
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.name == "P-0001.toml":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    code, _out, err = run(
        capsys, root, *TODAY, "new", "--name", "Ada", "--specialist", "anna",
        "--referral-source", "CSM",
    )
    assert code == 1
    assert err.endswith(
        "Nothing was committed, but participants/P-0001.toml could not be put back "
        "(Read-only file system), so it still holds the change that was not saved. It is a "
        "new file that was not committed: remove it.\n"
    ), err
    assert (root / "participants" / "P-0001.toml").exists()


# ---------------------------------------------------------------- a real full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 30 MiB tmpfs mounted at a fresh folder (root only; skipped where not allowed)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    where = tmp_path / f"small-{uuid.uuid4().hex[:8]}"
    where.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=30m", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


FILL_HOOK = """#!{python}
import os
st = os.statvfs({where!r})
with open({big!r}, "wb") as fh:
    os.posix_fallocate(fh.fileno(), 0, st.f_bavail * st.f_frsize)
"""


@pytest.mark.parametrize("when", ["before the save", "while git commits"])
def test_real_full_disk_puts_the_file_back(
    caseload_dir: Path, small_disk: Path, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    """The disk is full before the save (16 KiB left: the file is written, git's objects
    are not), or fills up while git commits (a pre-commit hook takes every free byte:
    then not even a copy of the old file can be written back)."""
    root = small_disk / "cl"
    shutil.copytree(caseload_dir, root, symlinks=True)
    text = VALID
    if when == "while git commits":
        # A long file: writing a copy of it back needs more blocks than git's failed
        # commit leaves free (the trial's: a small file, a little space left by chance).
        text = VALID.replace('notes = ""', f'notes = "{random.Random(7).randbytes(32_000).hex()}"')
    make(root, text)
    big = small_disk / "fill"
    if when == "before the save":
        st = os.statvfs(small_disk)
        with open(big, "wb") as fh:
            os.posix_fallocate(fh.fileno(), 0, st.f_bavail * st.f_frsize - 16 * 1024)
    else:
        hook = root / ".git" / "hooks" / "pre-commit"
        hook.parent.mkdir(exist_ok=True)
        hook.write_text(
            FILL_HOOK.format(python=sys.executable, where=str(small_disk), big=str(big))
        )
        hook.chmod(0o755)
    code, _out, err = run(capsys, root, *TODAY, "contact", "P-0009", "--kind", "phone")
    assert code == 1
    assert err.startswith(REFUSED), err
    assert "No space left on device" in err or "Out of diskspace" in err, err
    assert (root / REL).read_text() == text
    big.unlink()
    (root / ".git" / "hooks" / "pre-commit").unlink(missing_ok=True)
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    code, _out, err = run(capsys, root, *TODAY, "contact", "P-0009", "--kind", "phone")
    assert code == 0, err
    assert git(root, "status", "--porcelain") == ""


# git's words when it cannot create the index's lock (LC_ALL=C), whether it is busy
LOCK_FAILURES = [
    (
        "fatal: Unable to create '/c/.git/index.lock': File exists.\n\nAnother git process "
        "seems to be running in this repository",
        True,
    ),
    ("fatal: Unable to create '/c/.git/index.lock': No space left on device", False),
    ("fatal: Unable to create '/c/.git/index.lock': Read-only file system", False),
    ("error: insufficient permission for adding an object to repository database", False),
]


@pytest.mark.parametrize(("stderr", "busy"), LOCK_FAILURES, ids=["busy", "full", "ro", "other"])
def test_only_a_lock_that_exists_is_waited_for(stderr: str, busy: bool) -> None:
    """A full disk fails git's lock too: refused at once, not retried for
    INDEX_LOCK_WAIT seconds as if another git held the index."""
    from ipstui.core.gitio import GitError, is_index_lock_error

    assert is_index_lock_error(GitError(stderr.splitlines()[-1], stderr)) is busy
