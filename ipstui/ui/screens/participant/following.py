"""`FollowsRecord`, a part of `ParticipantScreen` (screen.py): the record followed
while it is on the screen.

When the caseload snapshot changes, the screen shows what the record's path holds now:
the same record (the Details form rebased onto it, unsaved edits kept: `show_participant`),
the record at its new id when it was renamed (a sync's renumber, `git mv`), "not
available" when it is gone or broken, or "another participant" when its id was taken,
never moving typed values onto another person. Where the record went is git's answer
(`locate`), asked in a worker (`RecordLocated`). It owns the state that says which
record the user saw (`_seen`, `_base`) and whether it may be another person (`_doubt`,
`_other_person`), which the saving part (`saving.SavesEdits`) carries with each edit.

A part (`parts.ScreenPart` says what that means for its handlers and state): its
handler is `_on_record_located`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from textual import work
from textual.widgets import Label
from textual.worker import get_current_worker

from ipstui.core.i18n import _
from ipstui.core.identity import HISTORY, IDENTITY, Seen, Verdict
from ipstui.core.model import Participant
from ipstui.core.service import Caseload, CaseloadService
from ipstui.core.vocab import field_label
from ipstui.ui.keys import key_for
from ipstui.ui.messages import RecordLocated
from ipstui.ui.parts import ScreenPart

if TYPE_CHECKING:
    from ipstui.core.follow import Whereabouts


class Located(NamedTuple):
    """git's answer to where a record seen went (`locate`): `where`
    (`follow.Whereabouts`; None when git failed: the screen keeps to the path, and a
    save is checked under the lock all the same) and, when it moved, the record at its
    new id (`moved`; None when invalid or unreadable there)."""

    where: Whereabouts | None
    moved: Participant | None


def locate(service: CaseloadService, cl: Caseload | None, seen: Seen) -> Located:
    """Where the record `seen` is now (`service.where_now` with the blob seen, so a
    record that may be another person is DOUBTFUL), and the record at its new id when
    it moved (from the snapshot `cl`, else read from disk). Runs git: call it from a
    worker, never the UI thread."""
    from ipstui.core.follow import MOVED

    try:
        where = service.where_now(seen.commit, seen.rel, seen_blob=seen.blob)
    except Exception:  # noqa: BLE001 — git cannot tell: keep to the path
        return Located(None, None)
    moved = None
    if where.state == MOVED and cl is not None:
        new_pid = where.rel.rpartition("/")[2].removesuffix(".toml")
        moved = cl.participants.get(new_pid)
        if moved is None:
            try:
                moved = service.read_participant(cl, new_pid)
            except Exception:  # noqa: BLE001 — invalid there: shown as not available
                moved = None
    return Located(where, moved)


class FollowsRecord(ScreenPart):
    """Part of `ParticipantScreen`: follow the record."""

    _gone: Participant | None
    """The version the form showed when the file went away (deleted, broken,
    renamed): the one a returning file is rebased from, so nothing typed is lost."""
    _outside: list[str]
    """Fields changed by outside commits since the form last agreed with the file
    (no unsaved edits, or a save), each named in the banner."""
    _base: str | None
    """The HEAD commit at which the shown version was the committed one: where git's
    rename detection follows the record from when its file changes (`_follow`)."""
    _other_person: bool
    """The record's path now holds another record (its file was deleted or renamed
    away and the id was taken): nothing typed here is moved onto it, ever."""
    _seen: Seen | None
    """The record as the user saw it (commit, path, blob) while the screen agreed it
    is the same person: every edit carries it (`service.seen_by`), so the save
    refuses (ChangedHands) when the record at the id is no longer that person."""
    _locating: Seen | None
    """The version a `_locate` worker follows now; its answer is shown only while
    this is still it (a newer change or a refused save's answer comes first)."""
    _doubt: Verdict | None
    """The record at the id may be another person than the one the unsaved edits
    were made for (`identity`: its identity fields changed, or its history was
    replaced): an edit asks first, naming both (`run_edit`)."""

    def _setup_following(self) -> None:
        """The followed record's state (called from `ParticipantScreen.__init__`,
        `parts.set_up_parts`)."""
        self._gone = None
        self._outside = []
        self._base = None
        self._other_person = False
        self._seen = None
        self._locating = None
        self._doubt = None

    def _caseload_changed(self, cl: Caseload | None) -> None:
        """A new snapshot (`FollowsCaseload`): show what the record's path holds now."""
        if cl is None or self._other_person:
            return
        self._arrived(cl.participants.get(self.pid))

    def _follow_from(self, prev: Participant, p: Participant | None) -> Seen | None:
        """The version to follow with git when the path now holds `p` in place of the
        shown `prev` (what the user saw, `_seen`); None when no git call is needed: no
        commit to follow from, the app's own save came back (the form's or a dialog's)."""
        if self._base is None or (p is not None and p.data == self.details.submitted):
            return None
        if p is not None and self._own_save(p) is not None:
            return None
        seen = self._seen
        if seen is None or seen.rel != prev.rel_path:
            seen = Seen(self._base, prev.rel_path, prev.blob)
        return seen

    def _arrived(self, p: Participant | None, located: Located | None = None) -> dict[str, Any]:
        """Show what the record's path holds now (`p`, None when nothing valid): the
        record itself, or where it went when it was renamed (`_follow`); returns what
        moved underneath the user's unsaved edits, as `show_participant` does.

        Where the record went is git's answer (`locate`, a walk of the commits since
        the version seen): given as `located` when a worker already asked (a refused
        save's), else asked in a worker (`_locate`) and shown when it answers
        (`_on_record_located`); the screen keeps the version it shows meanwhile, and a save sent
        meanwhile is checked under the save lock all the same."""
        prev = self.participant
        was_gone = prev is None and self._gone is not None
        if was_gone:
            prev = self._gone  # the version shown when the file went away
        doubt = self._doubt
        if prev is not None and (p is None or p.blob != prev.blob):
            seen = self._follow_from(prev, p)
            if seen is not None and located is None:
                self._locating = seen
                self._locate(seen, p)
                return {}
            self._locating = None
            followed = self._follow(prev, p, was_gone=was_gone, located=located)
            if self._other_person:
                return {}
            if followed is None:
                p = None  # renamed, and invalid where it is now: not available
            elif followed is not p:
                old, self.pid = self.pid, followed.id
                self.details.pid = followed.id
                return self.show_participant(followed, renumbered=old)
        if p is None:
            self._show_missing()
            return {}
        summary = self.show_participant(p)
        if self._doubt is not None and self._doubt is not doubt:
            self._doubted(self._doubt)
        return summary

    def _unsaved_work(self) -> bool:
        """Whether something typed here waits to be saved: the Details form's edits, or
        a dialog open over this screen."""
        return bool(self.details.dirty()) or self.app.screen is not self

    def _doubted(self, doubt: Verdict) -> None:
        """The record at the id may be another person now (`_follow`): with nothing
        typed, the screen simply shows who it holds and later edits are made on that;
        with unsaved edits, a warning naming both, and every save asks (`run_edit`)."""
        if not self._unsaved_work():
            self._doubt = None
            if doubt.head is not None and doubt.blob is not None:
                self._seen = Seen(doubt.head, doubt.rel, doubt.blob)
            self.banner(
                _(
                    "{id} was changed outside this screen and now holds {now}; it held {was} before."
                ).format(id=self.pid, now=doubt.now, was=doubt.was),
                "warning",
            )
            return
        if doubt.reason == HISTORY:
            text = _(
                "{id}'s history was replaced outside this screen (a branch switch or a reset): it held {was} and now holds {now}, and it cannot be told whether this is the same participant. Your unsaved values are kept; {key} asks before saving them onto {now}."
            )
        else:
            text = _(
                "{id} may be another participant now: it held {was} when you started editing and now holds {now} (changed outside this screen). Your unsaved values are kept; {key} asks before saving them onto {now}."
            )
        key = key_for(self.details, "participant_save", "ctrl+s")
        self.banner(text.format(id=self.pid, was=doubt.was, now=doubt.now, key=key), "warning")

    def show_participant(
        self, p: Participant, *, reset: bool = False, renumbered: str = ""
    ) -> dict[str, Any]:
        """Show `p`; returns what moved underneath the user's unsaved edits, if anything.
        `renumbered`: the id the shown record had before it was renamed to `p.id`."""
        if p.id != self.pid or self._other_person:
            return {}  # another record's version (the one that took this path): not ours
        self._locating = None  # what a pending `_locate` would answer is settled here
        prev = self.participant
        details = self.details
        summary: dict[str, Any] = {}
        back = prev is None and self._gone is not None
        if back:
            prev = self._gone  # the file is back: rebase what was typed meanwhile
        self._gone = None
        same = prev is not None and prev.blob == p.blob and prev.data == p.data
        if self.participant is None and self._banner_kind == "error":
            self.banner("")  # it is back (see _show_missing)
        if prev is None or reset:
            details.load(p)
            self._outside = []
        elif not same or back:
            if details.submitted is not None and p.data == details.submitted:
                details.load(p)  # our own save came back
                self._outside = []
            else:
                if not details.dirty():
                    self._outside = []  # the form agreed with the file until now
                summary = details.rebase(prev, p)
                self._outside += [f for f in summary["underneath"] if f not in self._outside]
                if not self._requests and summary["underneath"]:
                    self.banner(*self._rebase_banner(p, summary))
                elif back and details.dirty():
                    self.banner(
                        _(
                            "{id}'s file is back, unchanged. Your unsaved edits are still "
                            "in the form."
                        ).format(id=p.id),
                        "info",
                    )
        self.participant = p
        if same and not reset and not back:
            # Same record (a reload or a new day): only what depends on the date.
            self._draw_header(p)
            for pane in self.panes():
                pane.redraw_for_day(p)
            return summary
        self._note_base(p)
        if renumbered:
            self.banner(
                _(
                    "{old} is now {new}: its id was taken by another participant (a sync renumbered it, or its file was renamed). This screen follows it to {new}; your unsaved values are kept and a save writes them to {new}."
                ).format(old=renumbered, new=p.id),
                "warning",
            )
        self._draw_header(p)
        for pane in self.panes():
            pane.draw(p)
        self.refresh_bindings()
        return summary

    def _note_base(self, p: Participant) -> None:
        """Remember the commit the shown version `p` is followed from: HEAD when it
        holds `p` at its path (the app's own save needs no git call); on first open of a
        version read before newer commits landed, the newest commit that holds it
        (`commit_holding`), never HEAD: a rename in between is not missed. A version
        read before a newer commit landed keeps the older commit it had."""
        own = self._own_save(p)
        if own is not None:
            self._set_base(own, p)  # the app's own commit holds `p`: no git call needed
            return
        try:
            head, blob = self.ips.service.record_base(p.rel_path)
        except Exception:  # noqa: BLE001 — no git, or git failed: keep what we had
            return
        if head is not None and blob == p.blob:
            self._set_base(head, p)
        elif head is not None and self._base is None:
            # Opened on a version read before newer commits landed: HEAD would hide a
            # rename in between, so follow from the commit that holds `p` (none for an
            # uncommitted version: the screen keeps to its path then).
            cl = self.caseload
            if cl is not None and p.rel_path in cl.dirty:
                return
            try:
                holding = self.ips.service.commit_holding(p.rel_path, p.blob)
            except Exception:  # noqa: BLE001 — git failed: keep to the path
                return
            if holding is not None:
                self._set_base(holding, p)

    def _set_base(self, commit: str, p: Participant) -> None:
        """`commit` holds the shown version `p`: follow from it; and, unless the record
        may be another person than the one the unsaved edits were made for (`_doubt`),
        it is what the user saw (`_seen`)."""
        self._base = commit
        if self._doubt is None:
            self._seen = Seen(commit, p.rel_path, p.blob)

    def _own_save(self, p: Participant) -> str | None:
        """The commit of the app's latest save when it wrote exactly `p` (same path and
        blob), else None: such a version needs no git call to be followed."""
        saved = self.ips.last_save
        mine = saved.participant if saved is not None else None
        if mine is not None and mine.rel_path == p.rel_path and mine.blob == p.blob:
            return saved.commit
        return None

    @work(thread=True, exclusive=True, group="participant-follow", exit_on_error=False)
    def _locate(self, seen: Seen, p: Participant | None) -> None:
        """Ask git where the record seen went (`locate`), off the UI thread; posts
        RecordLocated for `_located`. A newer change cancels this one (exclusive)."""
        located = locate(self.ips.service, self.caseload, seen)
        if not get_current_worker().is_cancelled:
            self.post_message(RecordLocated(seen, p, located))

    def _on_record_located(self, message: RecordLocated) -> None:
        """git answered where the record went: show it, unless the screen moved on
        since it asked (a newer change, a refused save that answered first)."""
        if message.seen is not self._locating or self._other_person:
            return
        self._arrived(message.p, message.located)

    def _follow(
        self,
        prev: Participant,
        p: Participant | None,
        *,
        was_gone: bool = False,
        located: Located | None = None,
    ) -> Participant | None:
        """The version to show when the file of the shown record `prev` now holds `p`:
        `p` when it is the same record (git's rename detection from `_base`, core
        `follow.where_now`); the record at its new id when it was renamed (a sync's
        renumber, `git mv`: `_arrived` makes it this screen's); None when the
        path now holds another record, which is never shown in this form (the screen
        says so and refuses every save: typed values never land on another person).
        `was_gone`: `prev` is the version shown when the file went away; a different
        file at the path after a rewritten history (an erasure) is then taken for
        another person too, as git cannot say it is the same one.

        `located`: git's answer (`locate`), None when no git call was needed
        (`_follow_from`)."""
        from ipstui.core.follow import DOUBTFUL, HISTORY_DOUBT, MOVED, REPLACED, UNKNOWN

        if located is None or located.where is None:
            return p  # no git call needed, or git could not tell: the save checks again
        where = located.where
        if where.state == DOUBTFUL and p is not None and not was_gone:
            # Maybe another person: shown, the typed values kept, but nothing is saved
            # onto them before the user says so (`run_edit` asks).
            reason = HISTORY if where.doubt == HISTORY_DOUBT else IDENTITY
            was = self._doubt.was if self._doubt is not None else prev.name
            self._doubt = Verdict(reason, p.rel_path, was, p.name, where.head, p.blob)
            return p
        if where.state == MOVED:
            if located.moved is not None:
                return located.moved
            if not where.replaced_path:
                return None  # renamed and invalid there: not available, never `p`
        other = (
            where.state == REPLACED
            or (where.state == MOVED and where.replaced_path)
            or (where.state in (UNKNOWN, DOUBTFUL) and was_gone)
        )
        if not other or p is None:
            return p
        self._other_person = True
        self._gone = None
        self.participant = None
        self.query_one("#p-title", Label).update(_("{id} — not available").format(id=prev.id))
        self.banner(
            _(
                "{id}'s file now holds another participant: this record was removed or renamed and its id taken. Your unsaved values were not moved onto the other person, and nothing here can be saved; go back ({key}) and open the participant again."
            ).format(id=prev.id, key=self._key("participant_back", "escape")),
            "error",
        )
        self.refresh_bindings()
        return None

    def _rebase_banner(self, p: Participant, summary: dict[str, Any]) -> tuple[str, str]:
        """(text, kind) of the banner after an outside change moved the form: a warning
        while any unsaved value differs from a newer saved one (named with both values,
        however many changes came since), else a notice. It names the fields of every
        outside commit since the form last agreed with the file."""
        fields = ", ".join(map(field_label, self._outside or summary["underneath"]))
        collided = summary.get("collided") or []
        if collided:
            details = self.details
            both = "; ".join(
                _("{field}: yours {value}, saved {saved}").format(
                    field=field_label(n),
                    value=details.shown(n, details.yours(n)),
                    saved=details.shown(n, details.baseline.get(n)),
                )
                for n in collided
            )
            text = _(
                "{id} was changed outside this screen ({fields}). Your unsaved values are "
                "kept; where the saved version differs, both are shown under the field and "
                "you decide: {both}"
            ).format(id=p.id, fields=fields, both=both)
            return text, "warning"
        if summary["kept"]:
            text = _(
                "{id} was changed outside this screen ({fields}); the new version "
                "is shown and your unsaved edits are kept."
            )
        else:
            text = _("{id} was changed outside this screen ({fields}); the new version is shown.")
        return text.format(id=p.id, fields=fields), "info"

    def _show_missing(self) -> None:
        """Nothing valid at the record's path: say so; nothing here can be saved."""
        if self.participant is not None:
            self._gone = self.participant
        self.participant = None
        self.query_one("#p-title", Label).update(_("{id} — not available").format(id=self.pid))
        self.banner(
            _(
                "{id} is not in the caseload any more: its file was removed or does not "
                "validate (see Problems, {key}). Nothing here can be saved."
            ).format(id=self.pid, key=self._key("problems", "p")),
            "error",
        )
        self.refresh_bindings()
