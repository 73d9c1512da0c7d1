"""The load cache is keyed on git's blob ids: never stale after a hand edit, a pull
or a checkout; a broken or deleted cache only costs a rebuild. Worker processes
give the same answer as parsing in-process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import git

from ipstui.core import agenda as agenda_index
from ipstui.core import edits, loader
from ipstui.core.caseload import load


def _snapshot(cl) -> dict:
    return {
        "participants": {pid: (p.blob, p.summary, p.data) for pid, p in cl.participants.items()},
        "problems": sorted(str(p) for p in cl.problems),
        "dirty": sorted(cl.dirty),
    }


def _cache_file(root: Path) -> Path:
    return root / ".git" / loader.CACHE_NAME


def test_warm_load_equals_cold_load(sample_caseload: Path) -> None:
    cold = load(sample_caseload, use_cache=False)
    assert cold.stats["parsed"] == cold.stats["files"] == 60
    first = load(sample_caseload)  # writes the cache
    warm = load(sample_caseload)
    assert warm.stats["parsed"] == 0 and warm.stats["cached"] == 60
    assert _snapshot(warm) == _snapshot(cold) == _snapshot(first)
    # Deadlines from the cache equal those computed from the records.
    from ipstui.core.rules import deadlines, participant_deadlines

    for p in warm.participants.values():
        assert participant_deadlines(p, warm.settings, date(2026, 11, 16)) == deadlines(
            p.data, warm.settings, date(2026, 11, 16)
        )


def test_hand_edit_is_never_served_from_cache(sample_caseload: Path) -> None:
    load(sample_caseload)
    path = sample_caseload / "participants" / "P-0001.toml"
    path.write_text(path.read_text().replace('disclosure = "', 'disclosure = "yes"\nx_was = "'))
    cl = load(sample_caseload)
    assert cl.participants["P-0001"].data["disclosure"] == "yes"
    assert "participants/P-0001.toml" in cl.dirty
    assert cl.stats["parsed"] == 1


def test_checkout_of_an_older_version_is_seen(sample_caseload: Path) -> None:
    cl = load(sample_caseload)
    edits.move(
        cl,
        "P-0001",
        "engagement" if cl.participants["P-0001"].phase != "engagement" else "plan",
        today=date(2026, 11, 16),
    )
    after = load(sample_caseload)
    git(sample_caseload, "checkout", "-q", "HEAD~1", "--", "participants/P-0001.toml")
    git(sample_caseload, "commit", "-qm", "P-0001: revert")
    reverted = load(sample_caseload)
    assert reverted.participants["P-0001"].phase == cl.participants["P-0001"].phase
    assert reverted.participants["P-0001"].phase != after.participants["P-0001"].phase


@pytest.mark.parametrize("damage", [b"", b"not marshal at all", b"\x00" * 100])
def test_broken_cache_is_rebuilt(sample_caseload: Path, damage: bytes) -> None:
    good = _snapshot(load(sample_caseload))
    _cache_file(sample_caseload).write_bytes(damage)
    cl = load(sample_caseload)
    assert cl.stats["parsed"] == 60
    assert _snapshot(cl) == good
    _cache_file(sample_caseload).unlink()
    assert _snapshot(load(sample_caseload)) == good


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
def test_worker_processes_agree_with_in_process(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = sample_caseload / "participants" / "P-0999.toml"
    broken.write_text('schema = 1\nid = "P-0999"\nname = "X"\nphase = "nowhere"\n')
    here = _snapshot(load(sample_caseload, use_cache=False))
    monkeypatch.setattr(loader, "PARALLEL_MIN", 1)
    spawned = []
    real_popen = loader.subprocess.Popen

    def popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        spawned.append(proc)
        return proc

    monkeypatch.setattr(loader.subprocess, "Popen", popen)
    workers = _snapshot(load(sample_caseload, use_cache=False))
    assert spawned, "the worker path was not taken"
    assert all(p.returncode == 0 for p in spawned)
    assert workers == here
    assert any("P-0999.toml:4:1" in p and "nowhere" in p for p in workers["problems"])


def test_lazy_record_reads_its_file_once(sample_caseload: Path) -> None:
    load(sample_caseload)
    cl = load(sample_caseload)
    p = cl.participants["P-0002"]
    assert not p.loaded
    assert p.data["id"] == "P-0002" and p.loaded
    assert p.name == p.data["name"] and p.phase == p.data["phase"]


def test_card_shows_the_most_urgent_deadline(sample_caseload: Path) -> None:
    from ipstui.core.board import F, deadline_of, make_card
    from ipstui.core.rules import participant_deadlines

    cl = load(sample_caseload)
    for today in (date(2026, 11, 16), date(2026, 12, 31), date(2027, 6, 1)):
        for p in cl.participants.values():
            ds = participant_deadlines(p, cl.settings, today)
            card = make_card(p, cl.settings, today)
            assert deadline_of(card) == (ds[0] if ds else None)
            assert card[F.OPEN_DEADLINES] == len(ds)


ODD_FILES: dict[str, bytes] = {
    # kind of fault -> the file's bytes (names chosen so every kind lands in both workers)
    "P-0901.toml": b'schema = 1\nid = "P-0901"\nname = "X"\nphase = "nowhere"\n',  # schema
    "P-0902.toml": b"schema = = 1\n",  # TOML syntax
    "P-0903.toml": b'schema = 1\nid = "P-0903"\nname = "\xff"\n',  # not UTF-8
    "P-0904.toml": b"",  # empty
    "P-0905.toml": b'schema = 1\nid = "P-0999"\n',  # id differs from the name
    "p-0001.toml": b'schema = 1\nid = "p-0001"\n',  # differs from P-0001 only in case
    "not an id.toml": b"schema = 1\n",  # unsafe name
}


def test_worker_processes_and_in_process_give_one_agenda_on_odd_files(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cold `due` path (issue 17): the agenda and its problems are the same whether the
    files are parsed here or in worker processes, with broken and odd files among them."""
    pdir = sample_caseload / "participants"
    for name, raw in ODD_FILES.items():
        (pdir / name).write_bytes(raw)
    good = (pdir / "P-0002.toml").read_text()
    (pdir / "P-0906.toml").write_text("\ufeff" + good.replace("P-0002", "P-0906"))  # BOM
    (pdir / "P-0907.toml").write_text(good.replace("P-0002", "P-0907") + "x_score = nan\n")
    (pdir / "P-0908.toml").mkdir()  # a folder where a file should be (git sees its file)
    (pdir / "P-0908.toml" / "inside").write_text("x")

    def agenda() -> tuple[list, list]:
        for name in (loader.CACHE_NAME, agenda_index.AGENDA_NAME):
            (sample_caseload / ".git" / name).unlink(missing_ok=True)
        got = agenda_index.load_agenda(sample_caseload)
        return got.rows, sorted(str(p) for p in got.problems())

    here = agenda()
    monkeypatch.setattr(loader, "PARALLEL_MIN", 1)
    spawned = []
    real_popen = loader.subprocess.Popen

    def popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        if "ipstui.core.loader" in args[0]:
            spawned.append(proc)
        return proc

    monkeypatch.setattr(loader.subprocess, "Popen", popen)
    workers = agenda()
    assert len(spawned) >= 2, "the worker path was not taken"
    assert all(p.returncode == 0 for p in spawned)
    assert workers == here
    rows, problems = here
    assert any(r[1] == "P-0907" for r in rows), "x_ keys may hold nan: P-0907 stays"
    for name in [*ODD_FILES, "P-0906.toml", "P-0908.toml"]:
        assert any(f"participants/{name}" in p for p in problems), name


@pytest.mark.parametrize(
    # parsed in the quick run; from the cache too in .ci/run (pytest -m slow)
    "cached",
    [False, pytest.param(True, marks=pytest.mark.slow)],
    ids=["parsed", "from the cache"],
)
def test_a_loaded_snapshot_keeps_rows_not_participants(sample_caseload: Path, cached) -> None:
    """The snapshot lives as long as the app shows it: what it keeps per participant must
    be plain tuples of atoms, which the garbage collector stops tracking, not objects
    every full collection walks (issue 13). A Participant is made when asked for, and is
    the same object while someone holds it."""
    import gc
    import weakref

    from ipstui.core.board import make_cards
    from ipstui.core.model import Roster
    from ipstui.core.report import prepare, prepare_loaded
    from ipstui.core.rules import agenda_for

    if cached:
        load(sample_caseload)  # writes the cache the next load reads
    cl = load(sample_caseload)
    assert cl.stats["parsed"] == (0 if cached else 60)
    roster = cl.participants
    assert isinstance(roster, Roster) and len(roster) == 60
    # A collection stops tracking a tuple whose items are untracked atoms or tuples: a
    # row nests tuples four deep (row, facts, jobs, a job), so at most four collections.
    for _ in range(4):
        gc.collect()
    rows = roster._rows  # what the snapshot holds per participant
    assert not [pid for pid, row in rows.items() if gc.is_tracked(row)]

    p = roster["P-0001"]
    assert roster["P-0001"] is p and roster.get("P-0001") is p  # the same while held
    assert p.data is p.data and p.loaded
    gone = weakref.ref(p)
    del p
    assert gone() is None and not roster["P-0001"].loaded  # dropped, read again on demand

    people = list(roster.values())
    today = date(2026, 11, 16)
    # What the screens read from the rows is what the Participants say.
    assert dict(roster.summaries()) == {p.id: p.summary for p in people}
    assert make_cards(roster, cl.settings, today) == make_cards(people, cl.settings, today)
    assert agenda_for(roster, cl.settings, today) == agenda_for(people, cl.settings, today)
    assert agenda_for(roster, cl.settings, today, "anna") == agenda_for(
        people, cl.settings, today, "anna"
    )
    assert prepare_loaded(roster) == prepare([p.data for p in people])


def test_roster_edits_replace_add_and_remove(sample_caseload: Path) -> None:
    """`with_participant` and `without` give new snapshots in file order; the one they
    came from is unchanged, and `changed_ids` names exactly the participants that differ."""
    from ipstui.core.model import Participant, changed_ids

    cl = load(sample_caseload)
    ids = list(cl.participants)
    old = cl.participants["P-0002"]
    data = {**old.data, "name": "Renamed"}
    edited = Participant("P-0002", data, old.rel_path, "1" * 40)
    added = Participant("P-9999", {**data, "id": "P-9999"}, "participants/P-9999.toml", "2" * 40)

    one = cl.with_participant(edited)
    two = one.with_participant(added)
    three = two.without("P-0001", "participants/P-0001.toml")
    assert list(one.participants) == ids and one.participants["P-0002"] is edited
    assert list(two.participants) == [*ids, "P-9999"] and len(two.participants) == 61
    assert list(three.participants) == [*ids[1:], "P-9999"] and "P-0001" not in three.participants
    assert cl.participants["P-0002"].name == old.name and "P-9999" not in cl.participants
    assert dict(two.participants.summaries())["P-0002"][0] == "Renamed"
    assert changed_ids(cl.participants, two.participants) == ["P-0002", "P-9999"]
    assert changed_ids(two.participants, three.participants) == []
    assert changed_ids(cl.participants, cl.participants) == []
    with pytest.raises(KeyError):
        three.participants["P-0001"]
