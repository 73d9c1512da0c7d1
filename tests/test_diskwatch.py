"""The disk watcher: system file events on the caseload's folders and on git's own files
(at the paths git names, right in linked worktrees too), polling only where watching is
not available, and nothing read while nothing changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import wait_for

from ipstui.core import diskwatch
from ipstui.core.diskwatch import WatchUnavailable, git_paths, targets

WAIT = 10.0  # seconds an expected event may take on a busy machine (not a speed check)


class Recorder:
    """Collects the watcher's batches; `wait_for(pred)` until one satisfies `pred`."""

    def __init__(self) -> None:
        self.batches: list[set[tuple[int, str]]] = []
        self.cond = threading.Condition()

    def __call__(self, changes: set[tuple[int, str]]) -> None:
        with self.cond:
            self.batches.append(changes)
            self.cond.notify_all()

    def paths(self) -> set[str]:
        with self.cond:
            return {p for b in self.batches for _, p in b}

    def wait_for(self, pred, timeout: float = WAIT) -> bool:
        with self.cond:
            return self.cond.wait_for(
                lambda: pred({p for b in self.batches for _, p in b}), timeout
            )

    def clear(self) -> None:
        with self.cond:
            self.batches.clear()


@pytest.fixture
def watching(caseload_dir: Path) -> Iterator[Recorder]:
    rec = Recorder()
    stop = threading.Event()
    t = threading.Thread(target=diskwatch.watch, args=(caseload_dir, rec, stop), daemon=True)
    t.start()
    # The watch is up once a change is seen: touch a file until one is (no fixed sleep).
    probe = caseload_dir.resolve() / "participants" / "probe.toml"
    for i in range(int(WAIT / 0.1)):
        probe.write_text(f"x = {i}\n")
        if rec.wait_for(lambda ps: str(probe) in ps, 0.1):
            break
    else:
        raise AssertionError("the watcher never reported a change")
    probe.unlink()
    rec.wait_for(lambda ps: False, 0.3)  # let the probe's last events drain
    rec.clear()
    yield rec
    stop.set()
    t.join(WAIT)
    assert not t.is_alive()


def real(p: Path) -> str:
    return str(p.resolve())


@pytest.mark.parametrize(
    ("what", "rel"),
    # the participant file in the quick run; both in .ci/run (pytest -m slow)
    [
        ("a participant file written in place", "participants/P-0009.toml"),
        pytest.param("caseload.toml replaced by a rename", "caseload.toml", marks=pytest.mark.slow),
    ],
)
def test_a_change_to_the_caseload_is_reported(
    caseload_dir: Path, watching: Recorder, what: str, rel: str
) -> None:
    target = caseload_dir / rel
    if rel == "caseload.toml":
        tmp = caseload_dir / "caseload.toml.new"
        tmp.write_text(target.read_text() + "\n# edited\n")
        tmp.replace(target)
        tmp.write_text(target.read_text() + "\n# again\n")
        tmp.replace(target)  # a second replace: watching the folder, not the file, sees it
        assert watching.wait_for(lambda ps: real(target) in ps), what
    else:
        target.write_text('schema = 1\nid = "P-0009"\n')
        assert watching.wait_for(lambda ps: real(target) in ps), what


def test_a_commit_from_the_terminal_is_reported_through_gits_files(
    caseload_dir: Path, watching: Recorder
) -> None:
    files, refs = git_paths(caseload_dir)
    (caseload_dir / "notes.txt").write_text("not part of the caseload\n")
    git(caseload_dir, "add", "notes.txt")
    git(caseload_dir, "commit", "-qm", "notes")
    index = next(p for p in files if p.name == "index")
    assert refs is not None
    assert watching.wait_for(
        lambda ps: str(index) in ps and any(p.startswith(str(refs)) for p in ps)
    )
    # Neither an unrelated file nor git's objects or locks are reported.
    assert not any(p.endswith(("notes.txt", ".lock")) or "/objects/" in p for p in watching.paths())


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
def test_a_new_refs_folder_is_watched_too(caseload_dir: Path, watching: Recorder) -> None:
    """`refs/remotes/origin/` appears on the first fetch; a ref inside it is seen."""
    head = git(caseload_dir, "rev-parse", "HEAD").strip()
    git(caseload_dir, "update-ref", "refs/remotes/origin/main", head)
    _, refs = git_paths(caseload_dir)
    assert refs is not None
    ref = refs / "remotes" / "origin" / "main"
    assert watching.wait_for(lambda ps: any(p.startswith(str(refs / "remotes")) for p in ps))
    watching.clear()
    # A new folder restarts the watch on the new set (diskwatch.watch); a ref written
    # while it restarts is reported by the fingerprint comparison (tests/
    # test_diskwatch_gap.py). Here the ref is moved until the restarted watch sees it.
    deadline = time.monotonic() + WAIT
    while True:
        git(caseload_dir, "commit", "-q", "--allow-empty", "-m", "x")
        new = git(caseload_dir, "rev-parse", "HEAD").strip()
        git(caseload_dir, "update-ref", "refs/remotes/origin/main", new)
        if watching.wait_for(lambda ps: str(ref) in ps, timeout=0.5):
            break
        assert time.monotonic() < deadline, "a ref in the new refs folder was never seen"


def test_git_paths_come_from_git_in_a_linked_worktree(caseload_dir: Path, tmp_path: Path) -> None:
    wt = tmp_path / "wt"
    git(caseload_dir, "worktree", "add", "-q", str(wt), "-b", "other")
    files, refs = git_paths(wt)
    index = next(p for p in files if p.name == "index")
    head = next(p for p in files if p.name == "HEAD")
    main_git = (caseload_dir / ".git").resolve()
    # The worktree's own index and HEAD, the shared refs: never `<worktree>/.git/index`
    # (there `.git` is a file).
    assert index.parent == head.parent != main_git
    assert index.parent.parent == main_git / "worktrees"
    assert refs == main_git / "refs"
    t = targets(wt)
    assert index.parent in t.folders and wt.resolve() / "participants" in t.folders
    assert not (wt / ".git").is_dir()


def test_without_git_only_the_caseload_folders_are_watched(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "participants").mkdir(parents=True)
    (root / "caseload.toml").write_text("schema = 1\n")
    t = targets(root)
    assert t.git_files == () and t.refs is None
    assert set(t.folders) == {root.resolve(), root.resolve() / "participants"}


def test_a_missing_folder_is_reported_as_unwatchable(tmp_path: Path) -> None:
    with pytest.raises(WatchUnavailable):
        diskwatch.watch(tmp_path / "gone", lambda c: None, threading.Event())


# ------------------------------------------------------------------ the app


def _hand_edit(root: Path) -> None:
    path = root / "participants" / "P-0001.toml"
    path.write_text(path.read_text().replace('name = "Giulia R."', 'name = "Giulia Edited"'))
    git(root, "commit", "-qam", "P-0001: hand edit")


def _person(root: Path) -> None:
    from ipstui.core import edits
    from ipstui.core.caseload import load_for_edit

    cl = load_for_edit(root, None)
    edits.new_participant(
        cl, name="Giulia R.", specialist="anna", referral_source="CSM", today=TODAY, pid="P-0001"
    )


async def test_the_app_reloads_on_a_change_and_reads_nothing_while_idle(
    caseload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipstui.ui import app_disk as app_module
    from ipstui.ui.app import IpsApp

    _person(caseload_dir)
    monkeypatch.setattr(app_module, "WATCH_INTERVAL", 0.05)  # would poll often, if it polled
    app = IpsApp(caseload_dir, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot, lambda: app.caseload is not None and app._fingerprint is not None, "the load"
        )
        calls = 0
        original = app._fingerprint_now

        def counting() -> tuple:
            nonlocal calls
            calls += 1
            return original()

        app._fingerprint_now = counting  # type: ignore[method-assign]
        await pilot.pause(0.5)
        assert calls == 0  # idle: no stat of every file every interval
        _hand_edit(caseload_dir)
        await wait_for(
            pilot, lambda: app.caseload.participants["P-0001"].name == "Giulia Edited", "the reload"
        )
        assert app.caseload.participants["P-0001"].name == "Giulia Edited"
        assert calls >= 1


async def test_the_app_polls_where_watching_is_unavailable(
    caseload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipstui.ui import app_disk as app_module
    from ipstui.ui.app import IpsApp

    def unavailable(*args, **kwargs) -> None:
        raise WatchUnavailable("no inotify here")

    _person(caseload_dir)
    monkeypatch.setattr(diskwatch, "watch", unavailable)
    monkeypatch.setattr(app_module, "WATCH_INTERVAL", 0.1)
    app = IpsApp(caseload_dir, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot, lambda: app.caseload is not None and app._fingerprint is not None, "the load"
        )
        _hand_edit(caseload_dir)
        await wait_for(
            pilot, lambda: app.caseload.participants["P-0001"].name == "Giulia Edited", "the reload"
        )
        assert app.caseload.participants["P-0001"].name == "Giulia Edited"
