"""`ipstui audit` and `audit --check` on real repositories (SPEC §12): the listing's
filters, formats and hidden values; signature status with a throw-away gpg key; and
the check against one breach of each kind, each made with plain git."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date
from pathlib import Path

import pytest
from conftest import empty_caseload, from_template, git

from ipstui import cli
from ipstui.core import audit, edits, storage
from ipstui.core.caseload import load_for_edit

NAME = "Zelda Quux"
NOTE = "met at the harbour cafe"


@contextmanager
def as_author(name: str, email: str, when: str) -> Iterator[None]:
    """Commits made inside carry this author and committer, at `when` (ISO, +01:00)."""
    keys = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
    saved = {k: os.environ.get(k) for k in (*keys, "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE")}
    os.environ.update(dict(zip(keys, (name, email, name, email), strict=True)))
    os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = f"{when}T10:00:00+01:00"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


ANNA = ("Anna Bianchi", "anna@example.org")
METTE = ("Mette Hansen", "mette@example.org")


def _new(root: Path, name: str, on: str, pid: str | None = None) -> str:
    cl = load_for_edit(root, None)
    res = edits.new_participant(
        cl,
        name=name,
        specialist="anna",
        referral_source="CSM",
        today=date.fromisoformat(on),
        pid=pid,
    )
    return res.participant.id


@pytest.fixture
def history(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two participants, edits by two people over three months (all via the save path;
    built once, a copy for each test)."""
    return from_template("audit-history", _history, tmp_path / "cl", tmp_path_factory)


def _history(root: Path) -> None:
    empty_caseload(root)
    with as_author(*ANNA, "2026-09-01"):
        _new(root, NAME, "2026-09-01")
    with as_author(*METTE, "2026-09-15"):
        _new(root, "Other P.", "2026-09-15")
    with as_author(*ANNA, "2026-10-02"):
        edits.add_contact(
            load_for_edit(root, "P-0001"), "P-0001", kind="phone", on=date(2026, 10, 2), note=NOTE
        )
    with as_author(*METTE, "2026-10-20"):
        edits.move(load_for_edit(root, "P-0002"), "P-0002", "engagement", today=date(2026, 10, 20))
    with as_author(*ANNA, "2026-11-05"):
        edits.set_fields(
            load_for_edit(root, "P-0001"), "P-0001", {"disclosure": "yes"}, today=date(2026, 11, 5)
        )


def test_listing_reads_every_change_with_who_and_when(history: Path) -> None:
    rows = audit.audit(history)
    assert [r.when.date().isoformat() for r in rows] == sorted(
        (r.when.date().isoformat() for r in rows), reverse=True
    )
    move = [r for r in rows if r.field == "phase" and r.record == "P-0002" and r.old]
    assert len(move) == 1
    assert (move[0].old, move[0].new, move[0].author) == ("intake", "engagement", "Mette Hansen")
    contact = [r for r in rows if r.field.startswith("contacts[")]
    assert [(r.record, r.change) for r in contact] == [("P-0001", "added (phone, 2026-10-02)")]
    assert all(r.signature == "unsigned" for r in rows)
    assert all(r.source == "message" for r in rows)


@pytest.mark.parametrize(
    ("kwargs", "want"),
    [
        ({"since": date(2026, 10, 1)}, {"2026-10-02", "2026-10-20", "2026-11-05"}),
        ({"until": date(2026, 9, 30)}, {"2026-09-01", "2026-09-15"}),
        ({"since": date(2026, 10, 2), "until": date(2026, 10, 20)}, {"2026-10-02", "2026-10-20"}),
        ({"by": "Mette"}, {"2026-09-15", "2026-10-20"}),
        ({"by": "anna@example"}, {"2026-09-01", "2026-10-02", "2026-11-05"}),
        ({"record": "P-0002"}, {"2026-09-15", "2026-10-20"}),
        ({"field_name": "contacts"}, {"2026-10-02"}),
        ({"field_name": "phase"}, {"2026-09-01", "2026-09-15", "2026-10-20"}),
        ({"field_name": "disclosure", "record": "P-0001"}, {"2026-11-05"}),
        ({"since": date(2026, 12, 1)}, set()),
    ],
)
def test_filters(history: Path, kwargs: dict, want: set[str]) -> None:
    rows = audit.audit(history, **kwargs)
    assert {r.when.date().isoformat() for r in rows} == want


def test_filter_by_team_key_uses_the_members_email(history: Path) -> None:
    team = {"mette": {"name": "Mette Hansen", "email": "mette@example.org"}}
    rows = audit.audit(history, by="mette", team=team)
    assert {r.author for r in rows} == {"Mette Hansen"}


def test_sensitive_values_and_free_text_are_hidden(history: Path) -> None:
    rows = audit.audit(history)
    text = audit.render(rows, "json") + audit.render(rows, "table") + audit.render(rows, "csv")
    assert NAME not in text and NOTE not in text
    disc = [r for r in rows if r.field == "disclosure"]
    assert disc and all(r.old is None and r.new is None and r.change == "changed" for r in disc)


def test_privacy_message_values_hide_more_fields(history: Path) -> None:
    rows = audit.audit(history, settings={"privacy": {"message_values": ["referral_source"]}})
    ref = [r for r in rows if r.field == "referral_source"]
    assert ref and all(r.change == "changed" and r.new is None for r in ref)


def test_hand_edit_without_trailers_is_read_from_the_files(history: Path) -> None:
    path = history / "participants" / "P-0002.toml"
    data = storage.loads_bytes(path.read_bytes())
    data["support_mode"] = "direct"
    data["notes"] = "secret hand note"
    path.write_text(storage.dumps(data))
    with as_author(*METTE, "2026-11-10"):
        git(history, "commit", "-qam", "tidy")
    rows = [
        r
        for r in audit.audit(history)
        if r.commit.startswith(git(history, "rev-parse", "HEAD")[:10])
    ]
    assert {(r.field, r.change, r.source) for r in rows} == {
        ("support_mode", "(none) -> direct", "diff"),
        ("notes", "changed", "diff"),
    }


def test_formats_round_trip(history: Path) -> None:
    rows = audit.audit(history)
    parsed = json.loads(audit.render(rows, "json"))
    assert len(parsed) == len(rows) and parsed[0]["commit"] == rows[0].commit
    table = list(csv.DictReader(io.StringIO(audit.render(rows, "csv"))))
    assert len(table) == len(rows)
    assert {"commit", "when", "author", "signature", "record", "field", "old", "new"} <= set(
        table[0]
    )
    assert audit.render([], "table") == "no changes\n"


def test_cli_audit_prints_and_rejects_bad_dates(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli.main(["audit", "-C", str(history), "--participant", "P-0002", "--format", "json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert {r["record"] for r in out} == {"P-0002"}
    assert cli.main(["audit", "-C", str(history), "--since", "2026-13-01"]) == 2  # usage
    assert "not a date" in capsys.readouterr().err


# --------------------------------------------------------------------------- signatures


@pytest.fixture
def gpg_home(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A throw-away gpg key in a temporary GNUPGHOME; (home, fingerprint). The gpg-agent
    that gpg starts for it is stopped afterwards, so no daemon outlives the test."""
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed, so signed commits cannot be made")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    proc = subprocess.run(
        ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
         "--quick-gen-key", "Anna Bianchi <anna@example.org>", "ed25519", "sign", "never"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if proc.returncode != 0:
        pytest.skip(f"gpg could not make a test key: {proc.stderr.strip()[:200]}")
    listing = subprocess.run(
        ["gpg", "--batch", "--with-colons", "--list-secret-keys"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    fpr = next(ln.split(":")[9] for ln in listing.splitlines() if ln.startswith("fpr:"))
    try:
        yield home, fpr
    finally:
        if shutil.which("gpgconf"):
            subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, capture_output=True)


def _signed_commit(root: Path, home: Path, fpr: str, message: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", f"user.signingkey={fpr}", "-c", "gpg.program=gpg",
         "commit", "-q", "-S", "--allow-empty", "-m", message],
        env={**os.environ, "GNUPGHOME": str(home)}, check=True, capture_output=True,
    )  # fmt: skip


def test_signature_status_good_unknown_bad_unsigned(
    history: Path, gpg_home: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, fpr = gpg_home
    path = history / "participants" / "P-0002.toml"
    data = storage.loads_bytes(path.read_bytes())
    data["support_mode"] = "direct"
    path.write_text(storage.dumps(data))
    git(history, "add", "-A")
    with as_author(*METTE, "2026-11-12"):
        _signed_commit(
            history, home, fpr,
            "P-0002: support_mode (none) -> direct\n\nParticipant: P-0002\nChanged: support_mode",
        )  # fmt: skip
    signed = git(history, "rev-parse", "HEAD").strip()

    def status(gnupghome: Path) -> dict[str, str]:
        monkeypatch.setenv("GNUPGHOME", str(gnupghome))
        return {r.commit: r.signature for r in audit.audit(history)}

    assert status(home)[signed] == "good"
    assert set(v for k, v in status(home).items() if k != signed) == {"unsigned"}
    empty = tmp_path / "empty-gnupg"
    empty.mkdir(mode=0o700)
    assert status(empty)[signed] == "unknown key"
    # The same signature over a changed message: git says the signature is bad.
    raw = git(history, "cat-file", "commit", "HEAD").replace(
        "support_mode (none)", "support_mode (nil)"
    )
    forged = subprocess.run(
        ["git", "-C", str(history), "hash-object", "-t", "commit", "-w", "--stdin"],
        input=raw, text=True, capture_output=True, check=True,
    ).stdout.strip()  # fmt: skip
    git(history, "update-ref", "HEAD", forged)
    assert status(home)[forged] == "bad"
    # --require-signed: the bad one and every unsigned record commit are breaches.
    monkeypatch.setenv("GNUPGHOME", str(home))
    res = audit.check(history, require_signed=True)
    bad = {b.commit for b in res.breaches if b.problem.startswith("signature")}
    assert forged in bad and len(bad) == res.checked


def test_ssh_signatures_good_unknown_and_never_reported_unsigned(
    history: Path, tmp_path: Path
) -> None:
    """SSH signing with a throw-away key. Without gpg.ssh.allowedSignersFile git itself
    says N (unsigned) for a signed commit; the audit says unknown key instead."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed, so SSH-signed commits cannot be made")
    key = tmp_path / "key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "anna@example.org", "-f", str(key)],
        check=True, capture_output=True,
    )  # fmt: skip
    git(history, "config", "gpg.format", "ssh")
    git(history, "config", "user.signingkey", str(key) + ".pub")
    with as_author(*ANNA, "2026-11-12"):
        git(history, "commit", "-q", "-S", "--allow-empty", "-m", "signed with ssh")
    signed = git(history, "rev-parse", "HEAD").strip()
    assert git(history, "log", "-1", "--format=%G?").strip() == "N"  # git's own answer
    assert audit.signatures(history, [signed]) == {signed: "unknown key"}
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"anna@example.org {(tmp_path / 'key.pub').read_text()}")
    git(history, "config", "gpg.ssh.allowedSignersFile", str(allowed))
    assert audit.signatures(history, [signed]) == {signed: "good"}
    rows = audit.audit(history)
    assert {r.signature for r in rows} == {"unsigned"}  # the signed commit changed no record
    first = git(history, "rev-list", "--max-parents=0", "HEAD").strip()
    assert audit.signatures(history, [first, signed]) == {first: "unsigned", signed: "good"}


def _write(root: Path, pid: str, **changes: object) -> None:
    path = root / "participants" / f"{pid}.toml"
    data = storage.loads_bytes(path.read_bytes())
    for k, v in changes.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    path.write_text(storage.dumps(data))
    git(root, "add", "-A")


Breaker = Callable[[Path], None]


def _two_records(root: Path) -> None:
    _write(root, "P-0001", support_mode="direct")
    _write(root, "P-0002", support_mode="direct")
    git(
        root,
        "commit",
        "-qm",
        "P-0001: support_mode (none) -> direct\n\nParticipant: P-0001\nChanged: support_mode",
    )


def _bad_subject(root: Path) -> None:
    _write(root, "P-0001", support_mode="direct")
    git(root, "commit", "-qm", "update support mode\n\nParticipant: P-0001\nChanged: support_mode")


def _subject_names_other(root: Path) -> None:
    _write(root, "P-0001", support_mode="direct")
    git(
        root,
        "commit",
        "-qm",
        "P-0002: support_mode (none) -> direct\n\nParticipant: P-0001\nChanged: support_mode",
    )


def _no_trailers(root: Path) -> None:
    _write(root, "P-0001", support_mode="direct")
    git(root, "commit", "-qm", "P-0001: support_mode (none) -> direct")


def _wrong_changed(root: Path) -> None:
    _write(root, "P-0001", support_mode="direct", enrolled_on=date(2026, 11, 1))
    git(
        root,
        "commit",
        "-qm",
        "P-0001: support_mode (none) -> direct\n\nParticipant: P-0001\nChanged: support_mode",
    )


def _wrong_participant(root: Path) -> None:
    _write(root, "P-0001", support_mode="direct")
    git(
        root,
        "commit",
        "-qm",
        "P-0001: support_mode (none) -> direct\n\nParticipant: P-0002\nChanged: support_mode",
    )


def _name_in_message(root: Path) -> None:
    _write(root, "P-0001", support_mode="direct")
    git(
        root,
        "commit",
        "-qm",
        f"P-0001: {NAME} now direct\n\nParticipant: P-0001\nChanged: support_mode",
    )


def _note_in_message(root: Path) -> None:
    data = storage.loads_bytes((root / "participants" / "P-0001.toml").read_bytes())
    contacts = [
        *data.get("contacts", []),
        {"on": date(2026, 11, 3), "kind": "phone", "note": "asked about the night shift"},
    ]
    _write(root, "P-0001", contacts=contacts)
    git(
        root,
        "commit",
        "-qm",
        "P-0001: add contact (phone)\n\ncontacts[1]: asked about the night shift\n\nParticipant: P-0001\nChanged: contacts",
    )


def _sensitive_value(root: Path) -> None:
    _write(root, "P-0001", disclosure="no")
    git(
        root,
        "commit",
        "-qm",
        "P-0001: disclosure yes -> no\n\nParticipant: P-0001\nChanged: disclosure",
    )


def _suspension_reason(root: Path) -> None:
    _write(root, "P-0001", suspension={"since": date(2026, 11, 3), "reason": "relapse"})
    git(
        root,
        "commit",
        "-qm",
        "P-0001: suspend (relapse)\n\nParticipant: P-0001\nChanged: suspension",
    )


def _employer_in_message(root: Path) -> None:
    jobs = [{"employer": "Forno Navile", "start": date(2026, 11, 2), "competitive": True}]
    _write(root, "P-0001", jobs=jobs)
    git(
        root,
        "commit",
        "-qm",
        "P-0001: add job at Forno Navile\n\nParticipant: P-0001\nChanged: jobs",
    )


BREACHES: list[tuple[str, Breaker, str]] = [
    ("two records", _two_records, "touches 2 records"),
    ("subject form", _bad_subject, "subject is not `P-0001: <what changed>`"),
    ("subject names another record", _subject_names_other, "subject is not"),
    ("no trailers", _no_trailers, "no `Participant: P-0001` trailer"),
    ("Changed does not match", _wrong_changed, "does not match the diff (changed: enrolled_on, support_mode)"),
    ("Participant names another", _wrong_participant, "`Participant:` trailer names P-0002"),
    ("name in message", _name_in_message, "free text"),
    ("note in message", _note_in_message, "free text"),
    ("disclosure value", _sensitive_value, "sensitive field"),
    ("suspension reason", _suspension_reason, "sensitive field"),
    ("employer name", _employer_in_message, "free text"),
]  # fmt: skip


@pytest.fixture
def clean(history: Path) -> Path:
    # The fixture's set of disclosure writes the value into the message today (SPEC §5
    # says it must not: issue 10 fixes the builder); start the clean range after it.
    git(history, "tag", "base")
    return history


@pytest.mark.parametrize(("what", "breaker", "problem"), BREACHES, ids=[b[0] for b in BREACHES])
def test_check_names_each_kind_of_breach(
    clean: Path, what: str, breaker: Breaker, problem: str
) -> None:
    assert audit.check(clean, since="base").breaches == []
    breaker(clean)
    head = git(clean, "rev-parse", "HEAD").strip()
    res = audit.check(clean, since="base")
    assert res.breaches, what
    assert {b.commit for b in res.breaches} == {head}
    assert any(problem in b.problem for b in res.breaches), [b.problem for b in res.breaches]


def test_check_allows_sync_merges_and_ipstui_edits(clean: Path) -> None:
    git(clean, "checkout", "-qb", "side")
    with as_author(*METTE, "2026-11-20"):
        edits.add_contact(
            load_for_edit(clean, "P-0002"),
            "P-0002",
            kind="meeting",
            on=date(2026, 11, 20),
            note=NOTE,
        )
    git(clean, "checkout", "-q", "main")
    with as_author(*ANNA, "2026-11-21"):
        edits.move(load_for_edit(clean, "P-0001"), "P-0001", "engagement", today=date(2026, 11, 21))
        git(clean, "merge", "-q", "--no-ff", "-m", "Sync: merge origin/main into main", "side")
    res = audit.check(clean, since="base")
    assert res.breaches == [] and res.checked == 3


def test_check_exit_codes_and_bad_revision(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["audit", "-C", str(clean), "--check", "--since", "base"]) == 0
    _name_in_message(clean)
    assert cli.main(["audit", "-C", str(clean), "--check", "--since", "base"]) == 1
    out = capsys.readouterr().out
    assert git(clean, "rev-parse", "HEAD")[:10] in out and NAME not in out
    assert cli.main(["audit", "-C", str(clean), "--check", "--since", "nope"]) == 1
    assert "unknown revision" in capsys.readouterr().err


def test_parse_message_trailers_only_in_last_paragraph() -> None:
    m = audit.parse_message(
        "P-1: x\n\nChanged: not a trailer\nbody\n\nParticipant: P-1\nChanged: a, b\n"
    )
    assert m.trailers == {"Participant": "P-1", "Changed": "a, b"}
    assert m.body == ("Changed: not a trailer", "body")
    assert audit.parse_message("P-1: x").trailers == {}


def test_employer_files_follow_the_same_convention(clean: Path) -> None:
    """An employer file (SPEC §11) is a record too: its own trailer, no free text."""
    emp = clean / "employers" / "E-0001.toml"
    emp.parent.mkdir()
    emp.write_text('schema = 1\nid = "E-0001"\nname = "Forno Navile"\nnotes = ""\n')
    git(clean, "add", "-A")
    git(clean, "commit", "-qm", "E-0001: new employer\n\nEmployer: E-0001\nChanged: new")
    assert audit.check(clean, since="base").breaches == []
    rows = audit.audit(clean, record="E-0001")
    assert rows and {r.record for r in rows} == {"E-0001"}
    emp.write_text(emp.read_text().replace('notes = ""', 'notes = "ask Marta"'))
    git(clean, "commit", "-qam", "E-0001: notes\n\nParticipant: E-0001\nChanged: notes")
    res = audit.check(clean, since="base")
    assert [b.problem for b in res.breaches] == ["no `Employer: E-0001` trailer"]
    emp.write_text(emp.read_text().replace("ask Marta", "ask Marta again"))
    git(clean, "commit", "-qam", "E-0001: Forno Navile notes\n\nEmployer: E-0001\nChanged: notes")
    res = audit.check(clean, since="HEAD~1")
    assert [b.problem for b in res.breaches] == [
        "the message holds free text of the record (1 value, e.g. a name or note)"
    ]


def test_control_characters_are_escaped_in_table_and_csv(history: Path) -> None:
    path = history / "participants" / "P-0002.toml"
    data = storage.loads_bytes(path.read_bytes())
    data["support_mode"] = "direct"
    path.write_text(storage.dumps(data))
    with as_author("Evil\x1b[31m Name", "e@example.org", "2026-11-11"):
        git(
            history,
            "commit",
            "-qam",
            "P-0002: support_mode (none) -> direct\n\nParticipant: P-0002\nChanged: support_mode",
        )
    rows = audit.audit(history, since=date(2026, 11, 11))
    for fmt in ("table", "csv"):
        text = audit.render(rows, fmt)
        assert "\x1b" not in text and "\\x1b[31m" in text
    assert json.loads(audit.render(rows, "json"))[0]["author"] == "Evil\x1b[31m Name"


def test_a_merge_lists_only_what_it_changed_itself(clean: Path) -> None:
    """Both sides change P-0002's support_mode: the merge driver keeps ours and writes a
    [conflicts] record — a change only the merge commit makes."""
    git(clean, "checkout", "-qb", "side")
    with as_author(*METTE, "2026-11-20"):
        edits.set_fields(
            load_for_edit(clean, "P-0002"),
            "P-0002",
            {"support_mode": "direct"},
            today=date(2026, 11, 20),
        )
    git(clean, "checkout", "-q", "main")
    with as_author(*ANNA, "2026-11-21"):
        edits.set_fields(
            load_for_edit(clean, "P-0002"),
            "P-0002",
            {"support_mode": "behind_the_scenes"},
            today=date(2026, 11, 21),
        )
        git(clean, "merge", "-q", "--no-ff", "-m", "Sync: merge origin/main into main", "side")
    merge = git(clean, "rev-parse", "HEAD").strip()
    assert "[conflicts.support_mode]" in (clean / "participants" / "P-0002.toml").read_text()
    rows = [r for r in audit.audit(clean, since=date(2026, 11, 20)) if r.commit == merge]
    assert {(r.record, r.field, r.source) for r in rows} == {("P-0002", "conflicts", "merge")}
    assert rows[0].change.startswith("added")
    assert audit.check(clean, since="base").breaches == []


def test_privacy_message_values_are_breaches_when_quoted(clean: Path) -> None:
    _write(clean, "P-0001", support_mode="direct")
    git(
        clean,
        "commit",
        "-qm",
        "P-0001: support_mode (none) -> direct\n\nParticipant: P-0001\nChanged: support_mode",
    )
    assert audit.check(clean, since="base").breaches == []
    res = audit.check(
        clean, since="base", settings={"privacy": {"message_values": ["support_mode"]}}
    )
    assert [b.problem for b in res.breaches] == ["the message holds the value of a sensitive field"]


@pytest.mark.parametrize(
    ("field", "text", "shown"),
    [
        ("disclosure", "undecided -> yes", "changed"),
        ("suspension", "added (relapse)", "added"),
        ("suspension", "removed", "removed"),
        ("suspension.reason", "relapse -> other", "changed"),
        ("closure", "added (moved)", "added (moved)"),
        ("phase", "plan -> job_search", "plan -> job_search"),
        ("contacts[3]", "added (phone, 2026-11-03)", "added (phone, 2026-11-03)"),
    ],
)
def test_sensitive_values_hidden_whatever_the_message_says(
    field: str, text: str, shown: str
) -> None:
    assert audit._hide(field, text, audit.SENSITIVE) == shown


@pytest.mark.parametrize(
    ("authors", "shown"),
    [
        (["Seed 0077a6a8 maintainers", "Anna"], ["Seed 0077a6a8 maintainers", "Anna"]),
        (["Anna", "Bo"], ["Anna", "Bo"]),
        (["李小龍", "Anna Bianchi"], ["李小龍", "Anna Bianchi"]),
        (["A" * 40, "Bo"], ["A" * 31 + "…", "Bo"]),
        (["Ann\x1b]0;x\x07", "Bo"], ["Ann\\x1b]0;x\\x07", "Bo"]),
    ],
    ids=["long-whole", "short", "wide", "cut", "escaped"],
)
def test_the_table_shows_authors_whole_or_with_an_ellipsis_and_aligned(
    authors: list[str], shown: list[str]
) -> None:
    from datetime import datetime

    from rich.cells import cell_len

    from ipstui.core.audit import Change, render

    when = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    changes = [Change("a" * 40, when, a, "e@x", "ok", "P-0001", "phase", None, None, "x -> y")
               for a in authors]  # fmt: skip
    lines = render(changes, "table").splitlines()
    for line, want in zip(lines, shown, strict=True):
        assert line.split("  ")[2].rstrip() == want
    # the columns after the author start at the same cell on every line
    starts = {cell_len(line[: line.index("P-0001")]) for line in lines}
    assert len(starts) == 1
