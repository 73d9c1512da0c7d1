"""Random concurrent work on three clones, `new` included: after everyone syncs, every
clone holds every person exactly once, under one id, with every contact logged for
them — two people never become one, nobody is lost (SPEC §6).

A short variant (3 scenarios) and a long one (25) both run under `pytest -m slow`
(.ci/run), outside the README's quick run (issue 12: the quick run under 2 minutes).
`IPSTUI_PROPERTY_EXAMPLES=N` sets the number of scenarios of the short variant (e.g. 150
for a long run by hand), here and in the two-clone property test of test_sync.py;
`IPSTUI_PROPERTY_LONG_EXAMPLES=N` that of the long variant."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync_helpers import head, is_clean_state, isolate_git, make_team, run

from ipstui.core import edits, storage
from ipstui.core.caseload import CaseloadError, load, load_for_edit
from ipstui.core.sync import sync
from ipstui.core.validate import errors_only

EXAMPLES = int(os.environ.get("IPSTUI_PROPERTY_EXAMPLES", "3"))
LONG_EXAMPLES = int(os.environ.get("IPSTUI_PROPERTY_LONG_EXAMPLES", "25"))
CLONES = ("a", "b", "c")
DAY0 = date(2026, 10, 1)

op = st.one_of(
    st.just(("new",)),
    st.tuples(st.just("contact"), st.integers(0, 20), st.integers(0, 40)),
    st.tuples(
        st.just("set"),
        st.integers(0, 20),
        st.sampled_from(["disclosure", "support_mode"]),
        st.integers(0, 2),
    ),
)
round_st = st.tuples(
    st.lists(st.lists(op, max_size=4), min_size=3, max_size=3),
    st.permutations(CLONES),
)
rounds_st = st.lists(round_st, min_size=1, max_size=3)
CHOICES = {
    "disclosure": ("yes", "no", "undecided"),
    "support_mode": ("direct", "behind_the_scenes"),
}


def people(repo: Path) -> dict[str, dict]:
    """name -> record, asserting each name appears in one file only."""
    out: dict[str, dict] = {}
    for path in sorted((repo / "participants").glob("*.toml")):
        data = storage.loads_bytes(path.read_bytes())
        assert data["id"] == path.stem
        assert data["name"] not in out, f"{data['name']} twice on {repo.name}"
        out[data["name"]] = data
    return out


def apply(repo: Path, operation: tuple, made: Counter, notes: dict[str, set[str]]) -> None:
    kind = operation[0]
    if kind == "new":
        made["new"] += 1
        name = f"Person {repo.name}{made['new']}"
        edits.new_participant(
            load_for_edit(repo, None),
            name=name,
            specialist="anna",
            referral_source="CSM",
            today=DAY0,
        )
        notes[name] = set()
        return
    here = sorted(people(repo).items(), key=lambda kv: kv[1]["id"])
    name, data = here[operation[1] % len(here)]
    pid = data["id"]
    try:
        if kind == "contact":
            made["contact"] += 1
            note = f"c{made['contact']}"
            edits.add_contact(
                load_for_edit(repo, pid),
                pid,
                kind="phone",
                on=DAY0 + timedelta(days=operation[2]),
                note=note,
            )
            notes.setdefault(name, set()).add(note)
        else:
            field, value = (
                operation[2],
                CHOICES[operation[2]][operation[3] % len(CHOICES[operation[2]])],
            )
            edits.set_fields(load_for_edit(repo, pid), pid, {field: value}, today=DAY0)
            made["set"] += 1
    except CaseloadError:
        made["refused"] += 1  # nothing to save (same value)


@pytest.mark.slow  # a long randomised search: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(
    "examples",
    [
        pytest.param(EXAMPLES, id="short"),
        pytest.param(LONG_EXAMPLES, id="long"),
    ],
)
def test_random_work_with_new_on_three_clones_keeps_everyone(
    env_three: Path, capsys: pytest.CaptureFixture[str], examples: int
) -> None:
    stats: Counter = Counter()
    t0 = time.perf_counter()
    template = env_three

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(rounds=rounds_st)
    def scenario(rounds: list) -> None:
        stats["scenarios"] += 1
        folder = Path(tempfile.mkdtemp(dir=template.parent, prefix="scenario-"))
        for name in ("remote.git", *CLONES):
            shutil.copytree(template / name, folder / name, symlinks=True)
        repos = {name: folder / name for name in CLONES}
        for repo in repos.values():
            run(repo, "remote", "set-url", "origin", str(folder / "remote.git"))
        notes: dict[str, set[str]] = {"Giulia R.": set()}
        made: Counter = Counter()
        for ops_per_clone, order in rounds:
            stats["rounds"] += 1
            for name, ops in zip(CLONES, ops_per_clone, strict=True):
                for operation in ops:
                    apply(repos[name], operation, made, notes)
            # Everyone syncs in a random order, then all but the last once more.
            for name in [*order, *order[:-1]]:
                result = sync(repos[name])
                stats["syncs"] += 1
                stats["renumbered"] += len(result.renumbered)
                stats[f"status {result.status}"] += 1
            heads = {head(r) for r in repos.values()}
            assert len(heads) == 1
            for repo in repos.values():
                assert is_clean_state(repo)
                got = people(repo)
                assert set(got) == set(notes), (sorted(got), sorted(notes))
                for person, want in notes.items():
                    logged = {c.get("note") for c in got[person].get("contacts", [])}
                    assert want <= logged, (person, want - logged)
                    stats["contacts checked"] += len(want)
            cl = load(repos["a"])
            assert not errors_only(cl.problems), errors_only(cl.problems)[:3]
        stats["people"] += len(notes)
        for k in ("new", "contact", "set"):
            stats[f"edits {k}"] += made[k]
        shutil.rmtree(folder)

    scenario()
    elapsed = time.perf_counter() - t0
    with capsys.disabled():
        print(
            f"\nproperty test (3 clones, new included): {stats['scenarios']} scenarios, "
            f"{stats['rounds']} rounds, {stats['edits new']} new participants, "
            f"{stats['edits contact']} contacts, {stats['edits set']} field edits, "
            f"{stats['syncs']} syncs, {stats['renumbered']} renumbered, "
            f"{stats['contacts checked']} contacts checked on every clone, nobody lost or "
            f"merged into another, in {elapsed:.1f}s; "
            + ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()) if k.startswith("status"))
        )
    assert stats["scenarios"] >= min(examples, 1)


@pytest.fixture
def env_three(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A freshly cloned team of three, each clone with its own identity (plain clones:
    no merge driver configured yet)."""
    isolate_git(tmp_path, monkeypatch)
    template = tmp_path / "template"
    template.mkdir()
    make_team(template, *CLONES)
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    for name in CLONES:
        run(template / name, "config", "user.name", f"Specialist {name}")
        run(template / name, "config", "user.email", f"{name}@example.org")
    return template
