"""The "changed hands" refusal says what happened in words, in every language (SPEC §13),
for participants and employers alike.

Before, a record whose file was deleted (or renamed where git's rename detection cannot
follow it) while a command waited for the save lock was refused with "...the id now
holds ?": nobody held the id, and the message had only a name slot to say it with. Now
`identity.judge` calls that REMOVED, and the refusal says the file was deleted or
renamed and that no record holds the id.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sync_helpers import head, isolate_git, make_team, participant, run

from ipstui.core import identity
from ipstui.core.i18n import LANGUAGES, set_language

REASONS = [
    identity.RENUMBERED,
    identity.REPLACED,
    identity.IDENTITY,
    identity.HISTORY,
    identity.REMOVED,
]
FOLDERS = [("participants", "P-0002"), ("employers", "E-0002")]

# The words that say what happened, by language: (REMOVED, participants), (REMOVED,
# employers), and "nothing was written".
GONE_WORDS = {
    "en": ("is gone", "deleted or renamed", "no participant holds", "no employer holds",
           "nothing was written"),
    "it": ("non c'è più", "eliminato o rinominato", "nessun utente", "nessuna azienda",
           "nulla è stato scritto"),
    "da": ("er væk", "slettet eller omdøbt", "ingen deltager", "ingen arbejdsgiver",
           "intet blev skrevet"),
    "sv": ("finns inte längre", "bort eller döp", "ingen deltagare",
           "ingen arbetsgivare", "inget skrevs"),
}  # fmt: skip


def verdict(reason: str, folder: str, rid: str) -> identity.Verdict:
    gone = reason == identity.REMOVED
    return identity.Verdict(
        reason,
        f"{folder}/{rid}.toml",
        "Was Name",
        "" if gone else "Now Name",
        "c0ffee",
        None if gone else "b10b",
        rid[:2] + "0009" if reason == identity.RENUMBERED else "",
    )


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("waited", [True, False], ids=["command waited", "app"])
@pytest.mark.parametrize(("folder", "rid"), FOLDERS, ids=[f for f, _ in FOLDERS])
@pytest.mark.parametrize("reason", REASONS)
def test_every_refusal_is_a_whole_translated_sentence(
    reason: str, folder: str, rid: str, waited: bool, lang: str
) -> None:
    v = verdict(reason, folder, rid)
    english = identity.changed_hands_text(rid, v, waited)
    set_language(lang)
    text = identity.changed_hands_text(rid, v, waited)
    assert rid in text and "\n" not in text
    assert "?" not in text  # a name always, or words for its absence
    assert "{" not in text  # every placeholder filled
    if lang != "en":
        assert text != english  # translated
    if reason == identity.RENUMBERED:
        assert v.moved_to in text
    elif reason == identity.REMOVED:
        gone, how, nobody_p, nobody_e, nothing = GONE_WORDS[lang]
        for words in (gone, how, nobody_p if folder == "participants" else nobody_e, nothing):
            assert words in text, (lang, text)
    elif not (reason == identity.HISTORY and waited):  # "cannot be told": no names
        assert "Now Name" in text
    if lang == "en":
        other = "employer" if folder == "participants" else "participant"
        assert other not in text  # the record's own kind named, never the other


TODAY = date(2026, 11, 16)


@pytest.fixture
def mine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    people = [
        participant("P-0002", name="Anna Bianchi"),
        participant("P-0003", name="Lars Holm", referral_source="Self"),
    ]
    (root,) = make_team(tmp_path, "mine", participants=people)
    return root


def _deleted(root: Path) -> None:
    run(root, "rm", "-q", "participants/P-0002.toml")
    run(root, "commit", "-qm", "P-0002: remove")


def _renamed_and_rewritten(root: Path) -> None:
    """`git mv` to another folder and the content rewritten in the same commit: too
    different for git's rename detection, so git shows a delete and an add."""
    (root / "archive").mkdir()
    run(root, "mv", "participants/P-0002.toml", "archive/anna.toml")
    (root / "archive/anna.toml").write_text('title = "rewritten"\n' * 40)
    run(root, "add", "-A")
    run(root, "commit", "-qm", "archive P-0002")


def _taken(root: Path) -> None:
    """Deleted, and another person written at the id in the same commit."""
    (root / "participants/P-0002.toml").write_text(
        (root / "participants/P-0003.toml").read_text().replace("P-0003", "P-0002")
    )
    run(root, "rm", "-q", "participants/P-0003.toml")
    run(root, "add", "-A")
    run(root, "commit", "-qm", "P-0003 -> P-0002")


@pytest.mark.parametrize(
    ("change", "reason", "now", "said"),
    [
        (_deleted, identity.REMOVED, "", "P-0002 is gone: while this command waited"),
        (_renamed_and_rewritten, identity.REMOVED, "", "its file was deleted or renamed"),
        (_taken, identity.IDENTITY, "Lars Holm", "it held Anna Bianchi and now holds Lars Holm"),
    ],
    ids=["deleted", "renamed where git cannot follow", "another person at the id"],
)
def test_judge_and_the_erasure_that_waited_say_what_happened(
    mine: Path, change: object, reason: str, now: str, said: str
) -> None:
    """`ipstui erase P-0002 --yes` saw Anna, then waited for the lock; meanwhile the
    record went away (or someone else took the id). Refused, in words, nothing erased."""
    from ipstui.core.erase import EraseRefused, erase, plan

    seen = identity.seen_now(mine, "participants/P-0002.toml", waited=True)
    assert seen is not None
    change(mine)  # type: ignore[operator]
    v = identity.judge(mine, seen, "participants/P-0002.toml")
    assert v is not None and (v.reason, v.was, v.now) == (reason, "Anna Bianchi", now)
    before = head(mine)
    with pytest.raises(EraseRefused) as refused:
        erase(mine, plan(mine, "P-0002"), today=TODAY, seen=seen)
    text = str(refused.value)
    assert said in text and "?" not in text and "nothing was written" in text
    assert head(mine) == before
