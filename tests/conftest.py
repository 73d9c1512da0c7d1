"""Shared fixtures: a hermetic git environment and real caseloads in temp folders."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import textual._wait

# Keep the bytecode of the test modules (as pytest rewrote their asserts) and of ipstui in
# the git-ignored __pycache__ folders even when PYTHONDONTWRITEBYTECODE is set, as it is
# on the shared machine: else every worker rewrites and compiles all ~130 test modules
# on every run (about 4.5 of its 7 s of collection CPU), and every `python -m ipstui` a
# test starts compiles the package again. Python reads a cache whatever that variable
# says, so the later runs, the test's own child processes included, start from it.
sys.dont_write_bytecode = False

TODAY = date(2026, 11, 16)

# Textual's Pilot waits for "idle" after every key press (twice) and every
# `pilot.pause()`: it sleeps SLEEP_GRANULARITY (20 ms) at a time until a whole sleep
# passes with under SLEEP_IDLE (a twentieth of it) of process CPU. So each key costs at
# least 40 ms of a worker doing nothing: about a quarter of the suite's wall time was
# these sleeps (549 waits in tests/test_ui_participant.py alone). A 5 ms step keeps
# the rule (a whole step with under 5% CPU) and the 1 s cap, at a quarter of the wait.
# What the app does in workers is waited for explicitly (tests/pilot_wait.py), not
# guessed from idleness. Both names are read at call time, so setting them here is
# enough; only `wait_for_idle` reads them.
textual._wait.SLEEP_GRANULARITY = 0.005
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20


TMPFS = Path("/dev/shm")
"""Where Linux keeps files in memory (tmpfs): `pytest_configure` puts the tests' folders
there when it has TMPFS_ROOM free."""

TMPFS_ROOM = 4 * 2**30
"""Bytes free in TMPFS for the tests' folders to go there: a quick run leaves about
1.2 GiB of them (each test's git repositories), removed at its end when it passed."""

_IN_MEMORY = pytest.StashKey[bool]()
"""Whether `pytest_configure` put this run's temporary folders in TMPFS."""


def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary folders in memory (TMPFS) where the machine has room, unless
    `--basetemp` or PYTEST_DEBUG_TEMPROOT names a place (issue 12: the README's command
    under 2 minutes). A quick run makes about 100,000 files; on this machine's disk,
    pytest removing an earlier run's at exit took 5-15 s of wall time, in memory the
    whole run's take about 1.5 s. Set in the controller only: xdist hands its workers
    folders under the controller's."""
    if hasattr(config, "workerinput") or config.option.basetemp:
        return
    if "PYTEST_DEBUG_TEMPROOT" in os.environ:
        return
    try:
        room = shutil.disk_usage(TMPFS).free
        # Tests run programs and git hooks from their folders: not on a noexec mount
        # (a container's /dev/shm often is).
        noexec = os.statvfs(TMPFS).f_flag & os.ST_NOEXEC
    except OSError:
        return
    if room >= TMPFS_ROOM and not noexec and os.access(TMPFS, os.W_OK | os.X_OK):
        # pytest reads it when it first makes a folder (`TempPathFactory.getbasetemp`),
        # and makes its own `pytest-of-USER/pytest-N` folders, locked per run, under it.
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(TMPFS)
        config.stash[_IN_MEMORY] = True


_REMOVING = pytest.StashKey[threading.Thread]()
"""The thread removing a passed run's folders in memory (`pytest_sessionfinish`)."""


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A passed run's folders in memory removed, and those of earlier runs that ended
    (failed ones, kept to look into until a run passes): in a thread while xdist waits
    for its workers to exit (seconds), joined in `pytest_unconfigure`. Every test has
    ended here (a worker reports its end after its last teardown)."""
    config = session.config
    if exitstatus != 0 or _IN_MEMORY not in config.stash:
        return
    factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
    basetemp = factory.getbasetemp()
    if basetemp.is_relative_to(TMPFS):
        removing = threading.Thread(target=_remove_runs, args=(basetemp,), daemon=True)
        removing.start()
        config.stash[_REMOVING] = removing


def _remove_runs(basetemp: Path) -> None:
    """`basetemp` removed, and its siblings of runs that ended: pytest's `pytest-N`
    folders without the `.lock` a run holds while it lasts (pytest keeps the newest
    `tmp_path_retention_count` folders, so after a passed run removed its own a failed
    run's would stay in memory for good). A run killed before it removed its lock
    stays, for pytest's own cleanup."""
    shutil.rmtree(basetemp, ignore_errors=True)
    for run in basetemp.parent.glob("pytest-[0-9]*"):
        if run.is_dir() and not run.is_symlink() and not (run / ".lock").exists():
            shutil.rmtree(run, ignore_errors=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Wait for `pytest_sessionfinish`'s removal, if any, to end."""
    removing = config.stash.get(_REMOVING, None)
    if removing is not None:
        removing.join()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the app's tests first: they are the async ones (Pilot journeys of 10-60 s
    each), and xdist hands tests out in collection order, so a long journey collected
    last would keep one worker busy alone while the other has finished. Stable: the
    order within each kind is pytest's, and every worker collects the same order."""
    import inspect

    items.sort(key=lambda item: not inspect.iscoroutinefunction(getattr(item, "function", None)))


@pytest.fixture(scope="session")
def homes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of `hermetic_git`'s homes, one per process (xdist worker)."""
    return tmp_path_factory.mktemp("homes")


@pytest.fixture(autouse=True)
def hermetic_git(homes: Path) -> Iterator[Path]:
    """Never read or write the user's home or git config; a fixed author for every commit.

    The environment is set on a MonkeyPatch of its own, not the test's `monkeypatch`: a
    test that calls `monkeypatch.undo()` (to put a patched function back mid-test) then
    undoes only its own changes and keeps this hermetic home and identity. On the shared
    `monkeypatch` that undo also dropped HOME and the GIT_* identity, so the rest of the
    test ran on the user's ~/.gitconfig (and failed where there is none: .ci/run runs the
    suite with an empty HOME to prove no test needs it)."""
    # A random name in a folder of their own: `tmp_path_factory.mktemp` numbers its
    # folders by listing the run's folder, which every test's home and tmp_path fill
    # (4,000 entries a worker by the end of a quick run: 2 ms a call, twice a test).
    home = Path(tempfile.mkdtemp(prefix="home", dir=homes))
    with pytest.MonkeyPatch.context() as mp:
        _hermetic_env(mp, home)
        yield home


def _hermetic_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    cfg = home / "gitconfig"
    cfg.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Anna Bianchi")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "anna@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Anna Bianchi")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "anna@example.org")
    monkeypatch.delenv("IPSTUI_CASELOAD", raising=False)
    # No detached commit-graph writer racing a test's temporary repository
    # (tests/test_commit_graph.py switches it back on).
    monkeypatch.setenv("IPSTUI_COMMIT_GRAPH", "off")
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("IPSTUI_CONFIG", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for var in (*GIT_STEERING, "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    # Config a wrapper or hook passed on (`git -c`, GIT_CONFIG_COUNT's pairs).
    for var in [v for v in os.environ if re.fullmatch(r"GIT_CONFIG_(KEY|VALUE)_\d+", v)]:
        monkeypatch.delenv(var)


GIT_STEERING = (
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
)
"""Variables a wrapper or a git hook may have set that steer every git a test runs
(config, the repository, its objects, its index): the hermetic environment clears them,
as .ci/run does (with GIT_CONFIG_KEY_<n> and GIT_CONFIG_VALUE_<n>)."""


_TEMPLATES: dict[str, Path] = {}

_SHARED_TEMPLATES = "ipstui_templates"
"""The key of `workerinput` under which the controller names the templates it built."""


def _shared_builds() -> dict[str, Callable[[Path], object]]:
    """The templates most tests start from, built once by xdist's controller for all
    its workers (the sample's history alone is seconds of CPU per build)."""
    return {"empty": empty_caseload, "sample": build_sample}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under xdist: the controller builds the shared templates before it starts the
    workers (`pytest_configure_node` hands their paths over), and each worker takes
    them as built. Without xdist each process builds what its tests ask for."""
    config = session.config
    shared = getattr(config, "workerinput", {}).get(_SHARED_TEMPLATES)
    if shared is not None:
        _TEMPLATES.update({key: Path(path) for key, path in shared.items()})
        return
    if getattr(config.option, "numprocesses", None) and config.pluginmanager.hasplugin(
        "dsession"
    ):
        factory: pytest.TempPathFactory = config._tmp_path_factory  # type: ignore[attr-defined]
        for key, build in _shared_builds().items():
            _build_template(key, build, factory)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # noqa: ANN001 — xdist's WorkerController
    """Hand the templates the controller built to a worker (`pytest_sessionstart`)."""
    node.workerinput[_SHARED_TEMPLATES] = {
        key: str(_TEMPLATES[key]) for key in _shared_builds() if key in _TEMPLATES
    }


def _build_template(
    key: str, build: Callable[[Path], object], factory: pytest.TempPathFactory
) -> None:
    """Build the template `key` in a new folder, in the hermetic environment of
    `hermetic_git` whatever the calling test changed."""
    base = factory.mktemp(f"template-{key}")
    with pytest.MonkeyPatch.context() as mp:
        _hermetic_env(mp, factory.mktemp("template-home"))
        build(base / "repo")
    _TEMPLATES[key] = base / "repo"


def from_template(
    key: str,
    build: Callable[[Path], object],
    target: Path,
    factory: pytest.TempPathFactory,
) -> Path:
    """A copy at `target` of the repository `build(folder)` makes in a new `folder`.

    The repository is built once per session (per xdist worker; the empty caseload and
    the sample once for all workers, by the controller: `pytest_sessionstart`), in the hermetic
    environment of `hermetic_git` whatever the calling test changed, and copied for each
    test: a copy costs a few milliseconds where `git init` and the commits cost tenths
    of a second (the sample's history, seconds). After the copy git's index is
    refreshed, as a fresh repository's is, so no later `git status` rewrites it."""
    if key not in _TEMPLATES:
        _build_template(key, build, factory)
    shutil.copytree(_TEMPLATES[key], target, symlinks=True)
    git(target, "update-index", "-q", "--refresh")
    return target


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch):
    """Tests read English whatever the machine's locale (SPEC §13: the locale chooses the
    language); a test that switched language in this process leaves English behind."""
    from ipstui.core.i18n import set_language

    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def paused_typing_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's typing guard (`ipstui.ui.keys.TypingGuard`) reads a clock that moves an
    hour on every reading: a person who pauses before each key, so a Pilot test's keys
    are commands as they are written, however fast or slow the machine. The guard's own
    tests (tests/test_ui_typing_guard.py) give the app a stopped clock: the fast typist."""
    import itertools

    import ipstui.ui.keys as keys

    hours = itertools.count(0.0, 3600.0)
    monkeypatch.setattr(keys, "typing_clock", lambda: next(hours))


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=os.environ
    ).stdout


VALID_PARTICIPANT = """\
schema = 1
id = "{pid}"
name = "Valid Person"
specialist = "anna"
phase = "intake"
phase_since = 2026-11-01
referral_source = "CSM"
referred_on = 2026-11-01
notes = ""
"""
"""A participant file that passes `validate` in `caseload_dir`'s caseload, as a template:
`.format(pid=...)` gives the file of one id. Tests point at its lines (phase is line 5)."""


CASELOAD_TOML = """schema = 1
name = "Test team"
due_soon_days = 3
max_caseload = 2
referral_sources = ["CSM", "Self"]

[team.anna]
name = "Anna Bianchi"

[team.mette]
name = "Mette Hansen"

[rules]
"""


def empty_caseload(folder: Path) -> None:
    """Make in `folder` the caseload of `caseload_dir` (for a template's `build`)."""
    from ipstui.core.init import init_caseload

    root = init_caseload(
        folder, name="Test team", specialists=["anna=Anna Bianchi", "mette=Mette Hansen"]
    )
    (root / "caseload.toml").write_text(CASELOAD_TOML)
    git(root, "commit", "-qam", "test settings")


@pytest.fixture
def caseload_dir(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty caseload: git repo, caseload.toml with two specialists, first commit."""
    return from_template("empty", empty_caseload, tmp_path / "cl", tmp_path_factory)


def build_sample(folder: Path) -> None:
    """Make in `folder` the caseload of `sample_caseload` (for a template's `build`)."""
    from ipstui.core.demo import make_demo

    make_demo(folder, today=date(2026, 11, 16))


@pytest.fixture
def sample_caseload(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sample as a git caseload, dates unshifted (today = its as_of), with its
    history (tests/test_demo_history.py tests how `make_demo` builds it)."""
    return from_template("sample", build_sample, tmp_path / "demo", tmp_path_factory)


def commit_count(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD").strip())
