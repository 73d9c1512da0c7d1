"""git's commit-graph with changed-path filters is kept up to date by ipstui's own saves
and syncs (issue 17: `log` at 100,000 commits), in batches, in real repositories."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from conftest import git

from ipstui.core import history
from ipstui.core.service import CaseloadService

TODAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def graph_upkeep_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """conftest switches the upkeep off for every other test; these test it."""
    monkeypatch.delenv("IPSTUI_COMMIT_GRAPH", raising=False)


def graph_files(root: Path) -> list[Path]:
    info = root / ".git" / "objects" / "info"
    return sorted([*info.glob("commit-graph"), *info.glob("commit-graphs/*.graph")])


def chunk_ids(path: Path) -> set[bytes]:
    """The chunk ids of a commit-graph file (git's format: 8-byte header, then a table
    of 12-byte entries, 4-byte id and 8-byte offset, ending with a zero id)."""
    data = path.read_bytes()
    assert data[:4] == b"CGPH"
    count = data[6]
    return {data[8 + 12 * i : 12 + 12 * i] for i in range(count)}


def graph_commits(root: Path) -> int:
    """How many commits git's commit-graph files hold, from `git commit-graph verify`."""
    git(root, "commit-graph", "verify")
    total = 0
    for path in graph_files(root):
        data = path.read_bytes()
        for i in range(data[6]):
            entry = data[8 + 12 * i : 20 + 12 * i]
            if entry[:4] == b"OIDF":
                off = int.from_bytes(entry[4:], "big")
                total += int.from_bytes(data[off + 255 * 4 : off + 256 * 4], "big")
    return total


def wait_for_full_write(root: Path) -> None:
    """The first save starts the full write in a detached process; wait for its end
    (a condition, not a speed: generous so a loaded machine cannot fail it)."""
    gd = root / ".git"
    deadline = time.monotonic() + 120
    while not (gd / history.GRAPH_DONE).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (gd / history.GRAPH_DONE).exists(), "the background full write did not finish"


def contact(svc: CaseloadService, i: int) -> None:
    svc.add_contact(None, "P-0001", kind="phone", on=TODAY, by="anna", note=f"call {i}")


def test_first_save_writes_the_graph_with_changed_path_filters(sample_caseload: Path) -> None:
    svc = CaseloadService.find(sample_caseload)
    assert not graph_files(sample_caseload)
    contact(svc, 0)
    wait_for_full_write(sample_caseload)
    files = graph_files(sample_caseload)
    assert files, "no commit-graph after the first save"
    assert all({b"BIDX", b"BDAT"} <= chunk_ids(f) for f in files)
    assert graph_commits(sample_caseload) == int(
        git(sample_caseload, "rev-list", "--count", "HEAD")
    )


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
def test_later_saves_add_a_layer_every_batch(sample_caseload: Path) -> None:
    svc = CaseloadService.find(sample_caseload)
    contact(svc, 0)
    wait_for_full_write(sample_caseload)
    after_first = graph_commits(sample_caseload)
    for i in range(1, history.GRAPH_BATCH):
        contact(svc, i)
        assert graph_commits(sample_caseload) == after_first, f"graph written at save {i}"
    contact(svc, history.GRAPH_BATCH)
    head = int(git(sample_caseload, "rev-list", "--count", "HEAD"))
    assert graph_commits(sample_caseload) == head
    assert all({b"BIDX", b"BDAT"} <= chunk_ids(f) for f in graph_files(sample_caseload))


@pytest.mark.parametrize(
    ("pending", "done", "expect"),
    [
        ("", False, "full"),  # never written: the whole graph once
        ("3", True, None),  # mid-batch: only the count grows
        (str(history.GRAPH_BATCH - 1), True, "incremental"),  # the batch is full
        ("garbage", True, None),  # a broken count starts again
        ("garbage", False, "full"),
    ],
)
def test_when_the_graph_is_written(
    sample_caseload: Path, pending: str, done: bool, expect: str | None
) -> None:
    gd = sample_caseload / ".git"
    if pending:
        (gd / history.GRAPH_PENDING).write_text(pending)
    if done:
        (gd / history.GRAPH_DONE).write_text("")
    assert history.keep_commit_graph(sample_caseload, gd, background=False) == expect
    if expect is None:
        assert (gd / history.GRAPH_PENDING).read_text() != pending
    else:
        assert not (gd / history.GRAPH_PENDING).exists()


def test_a_failed_write_keeps_the_count_and_never_raises(tmp_path: Path) -> None:
    """Not a repository: git fails; the count is kept for the next try."""
    gd = tmp_path / "gd"
    gd.mkdir()
    assert history.keep_commit_graph(tmp_path, gd, background=False) is None
    assert (gd / history.GRAPH_PENDING).read_text() == "1"
    assert not (gd / history.GRAPH_DONE).exists()


def test_the_full_write_starts_once_in_the_background(sample_caseload: Path) -> None:
    gd = sample_caseload / ".git"
    assert history.keep_commit_graph(sample_caseload, gd) == "started"
    # While it runs (or for FULL_RETRY_SECONDS after a start that never finished), saves
    # only count.
    (gd / history.GRAPH_STARTED).touch()
    assert history.keep_commit_graph(sample_caseload, gd) is None
    wait_for_full_write(sample_caseload)
    assert all({b"BIDX", b"BDAT"} <= chunk_ids(f) for f in graph_files(sample_caseload))


def test_a_stale_start_is_retried(sample_caseload: Path) -> None:
    """A background write that died (its start mark older than FULL_RETRY_SECONDS)."""
    import os

    gd = sample_caseload / ".git"
    mark = gd / history.GRAPH_STARTED
    mark.touch()
    old = time.time() - history.FULL_RETRY_SECONDS - 5
    os.utime(mark, (old, old))
    assert history.keep_commit_graph(sample_caseload, gd) == "started"
    wait_for_full_write(sample_caseload)


def test_history_reads_the_same_with_the_graph(sample_caseload: Path) -> None:
    svc = CaseloadService.find(sample_caseload)
    for i in range(3):
        contact(svc, i)
    with_graph = svc.history("P-0001")
    for f in graph_files(sample_caseload):
        f.unlink()
    assert svc.history("P-0001") == with_graph
    assert len(with_graph) >= 3
