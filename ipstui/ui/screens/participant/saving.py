"""`SavesEdits`, a part of `ParticipantScreen` (screen.py): saving what the screen and
its dialogs ask for.

Every edit goes through the app's worker (`IpsApp.run_edit`, one commit) carrying the
record as the user saw it (`following.FollowsRecord._seen`): the save refuses when the
file changed on disk meanwhile (`StaleEdit`) or the id changed hands (`ChangedHands`).
When the record may be another person (`_doubt`), an edit asks first, naming both. The
outcome comes back as the app's copy of `EditSaved`/`EditRefused`; this screen
recognises its own by request number and says plainly what was and was not saved.

A part (`parts.ScreenPart` says what that means for its handlers and state)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ipstui.core.i18n import _
from ipstui.core.identity import HISTORY, IDENTITY, Seen, Verdict
from ipstui.core.recordedit import changed_tops
from ipstui.core.service import Caseload, CaseloadError, ChangedHands, SaveResult, StaleEdit
from ipstui.core.termsafe import escape
from ipstui.core.vocab import field_label
from ipstui.ui.keys import key_for
from ipstui.ui.messages import EditRefused, EditSaved
from ipstui.ui.parts import ScreenPart
from ipstui.ui.screens.forms import ConfirmScreen
from ipstui.ui.screens.participant.following import locate

if TYPE_CHECKING:
    pass


class SavesEdits(ScreenPart):
    """Part of `ParticipantScreen`: edits and outcomes."""

    _requests: dict[int, tuple[str | None, bool]]
    """Edits of this screen in flight, by request number: (tab to show, reload the
    form) once saved. A snapshot change meanwhile is (likely) ours."""

    def _setup_saving(self) -> None:
        """The edits in flight (called from `ParticipantScreen.__init__`,
        `parts.set_up_parts`)."""
        self._requests = {}

    def run_edit(
        self,
        label: str,
        func: Callable[..., SaveResult],
        *args: Any,
        then_tab: str | None = None,
        then_reset: bool = False,
        **kwargs: Any,
    ) -> int:
        """One edit through the app's worker; once saved (EditSaved with its number),
        show the tab `then_tab`, or reload the form from the saved record (`then_reset`);
        a refusal (EditRefused) is shown here. Refused at once (EditRefused, this
        screen's banner left as it is) while the screen shows no record of its own
        (`_other_person`, or nothing valid at its id). Returns the request's number (a dialog
        that started the edit waits for it: `FormScreen.submitting`)."""
        if self._other_person or self.participant is None:
            # The edit names the record by id, and the id may now be another person's
            # (or nothing valid): refused like a stale save, a dialog keeps what was typed.
            error = CaseloadError(
                _(
                    "{id} is not available on this screen (its file was removed, no longer validates or now holds another participant); nothing was saved."
                ).format(id=self.pid)
            )
            self.details.submitted = None
            return self.ips.refuse_edit(label, error)
        if self._doubt is not None:
            return self._ask_first(self._doubt, label, func, args, kwargs, then_tab, then_reset)
        return self._start_edit(None, label, func, args, kwargs, then_tab, then_reset)

    def _start_edit(
        self,
        request: int | None,
        label: str,
        func: Callable[..., SaveResult],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        then_tab: str | None,
        then_reset: bool,
    ) -> int:
        """Run the edit through the app's worker, carrying the record as the user saw it
        (`_seen`): the save refuses (ChangedHands) when the id changed hands meanwhile."""
        seen = self._seen
        service = self.ips.service
        shown = self.participant
        follow = seen
        if shown is not None and (follow is None or follow.rel != shown.rel_path):
            follow = Seen(self._base, shown.rel_path, shown.blob) if self._base else None

        def edit(cl: Caseload, *a: Any, **k: Any) -> SaveResult:
            try:
                return func(service.seen_by(cl, seen), *a, **k)
            except StaleEdit as exc:
                # Where the record went, asked here in the edit's worker: the screen
                # shows the answer with the refusal (`_edit_failed`), no git on the UI.
                fresh = exc.fresh
                if follow is not None and fresh is not None and fresh.blob != follow.blob:
                    exc.located = locate(service, cl, follow)  # type: ignore[attr-defined]
                raise

        request = self.ips.run_edit(label, edit, *args, request=request, **kwargs)
        self._requests[request] = (then_tab, then_reset)
        return request

    def _ask_first(
        self,
        doubt: Verdict,
        label: str,
        func: Callable[..., SaveResult],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        then_tab: str | None,
        then_reset: bool,
    ) -> int:
        """The record at the id may be another person (`_doubt`): ask, naming both,
        before the edit runs; yes saves onto the one at the id now (and the screen
        takes them as its record), no saves nothing and keeps what was typed. Returns
        the request number reserved for the edit (a dialog waits for it)."""
        request = self.ips.reserve_request()

        def answer(yes: bool | None) -> None:
            if yes and self._doubt is doubt and doubt.head is not None and doubt.blob:
                self._doubt = None
                self._seen = Seen(doubt.head, doubt.rel, doubt.blob)
                self._start_edit(request, label, func, args, kwargs, then_tab, then_reset)
                return
            self.details.submitted = None
            error = CaseloadError(
                _("nothing was saved; your unsaved values are still on the screen")
            )
            self.ips.refuse_edit(label, error, request=request)
            self._requests[request] = (None, False)

        if doubt.reason == HISTORY:
            question = _(
                "{id}'s history was replaced (a branch switch or a reset): it held {was} when you started editing and now holds {now}. Save your edits onto {now}?"
            )
        else:
            question = _(
                "{id} may be another participant now: it held {was} when you started editing and now holds {now}. Save your edits onto {now}?"
            )
        text = question.format(id=self.pid, was=escape(doubt.was), now=escape(doubt.now))
        self.app.push_screen(
            ConfirmScreen(
                text,
                yes=_("Save onto {now}").format(now=escape(doubt.now)),
                no=_("Do not save"),
                title=_("Another participant?"),
            ),
            answer,
        )
        return request

    def _on_edit_saved(self, message: EditSaved) -> None:
        """An edit of this screen was saved: the banner cleared of what it is over, the
        form reloaded or the tab shown, as the edit asked."""
        then = self._requests.pop(message.request, None)
        if then is None:
            return  # another screen's edit
        then_tab, then_reset = then
        if self._banner_kind in ("error", "info"):
            self.banner("")  # an earlier failure or notice is over
        p = message.result.participant
        if then_reset and p is not None:
            self.show_participant(p, reset=True)
        if self._banner_kind == "warning" and not self.details.collided:
            self.banner("")  # the values it named both ways are saved now
        if then_tab is not None:
            self.show_tab(then_tab)

    def _on_edit_refused(self, message: EditRefused) -> None:
        """An edit of this screen was refused: said in the banner (`_edit_failed`)."""
        if self._requests.pop(message.request, None) is None:
            return
        self.details.submitted = None
        self._edit_failed(message.label, message.error)

    def _edit_failed(self, label: str, exc: Exception) -> None:
        """Say why `label` was not saved; a stale save shows the fresh version, what
        changed under the form, and what of the user's is kept."""
        if not isinstance(exc, StaleEdit):
            self.banner(_("{action}: not saved — {error}").format(action=label, error=exc), "error")
            return
        old = self.participant
        details = self.details
        if exc.fresh is None:
            self.banner(
                _(
                    "{action}: NOT SAVED. {id}'s file was deleted or no longer validates on "
                    "disk since it was loaded; see Problems ({key}). Nothing was written."
                ).format(action=label, id=self.pid, key=self._key("problems", "p")),
                "error",
            )
            return
        # The app normally put the fresh version in the snapshot already (this call is a
        # no-op then, and the rebase it did is remembered).
        asked = exc.fresh.id
        summary = self._arrived(exc.fresh, getattr(exc, "located", None))
        if self._other_person:
            return
        if asked != self.pid:
            # The save was made against the record's old id; the screen follows it now.
            self.banner(
                _(
                    "{action}: NOT SAVED. {old} is now {new}: its id was taken by another participant (a sync renumbered it, or its file was renamed). This screen follows it to {new}, your unsaved values are still in the form, and {key} saves them to {new}."
                ).format(
                    action=label,
                    old=asked,
                    new=self.pid,
                    key=key_for(details, "participant_save", "ctrl+s"),
                ),
                "error",
            )
            return
        if isinstance(exc, ChangedHands):
            self._changed_hands(label, exc)
            return
        if not summary and details.last_rebase and details.last_rebase[0] == exc.fresh.blob:
            summary = details.last_rebase[1]
        underneath = summary.get("underneath") or (
            changed_tops(old.data, exc.fresh.data) if old else []
        )
        kept = [f.field_name for f in details.dirty()]
        collided = summary.get("collided") or []
        # One sentence per fact, each translated whole.
        if underneath:
            text = _(
                "{action}: NOT SAVED. {id}'s file changed on disk since it was loaded "
                "(another terminal, a pull or a hand edit). The version on disk is shown "
                "now; it changed: {fields}."
            ).format(action=label, id=self.pid, fields=", ".join(map(field_label, underneath)))
        else:
            text = _(
                "{action}: NOT SAVED. {id}'s file changed on disk since it was loaded "
                "(another terminal, a pull or a hand edit). The version on disk is shown now."
            ).format(action=label, id=self.pid)
        if collided:
            text += " " + _(
                "Your values of {fields} differ from the saved ones: both are shown under "
                "each field; you decide."
            ).format(fields=", ".join(map(field_label, collided)))
        if kept:
            text += " " + _(
                "Your unsaved edits of {fields} are still in the form: {key} saves them."
            ).format(
                fields=", ".join(map(field_label, kept)),
                key=key_for(details, "participant_save", "ctrl+s"),
            )
        elif label != _("Save details"):
            text += " " + _("Do it again on the fresh version.")
        self.banner(text, "error")

    def _changed_hands(self, label: str, exc: ChangedHands) -> None:
        """The save found that the record at the id is not, or may not be, the one the
        edits were made for (the change landed before this screen saw it): nothing was
        written; the typed values stay, and the next save asks, naming both."""
        v = exc.verdict
        if self._doubt is None:
            reason = v.reason if v.reason == HISTORY else IDENTITY
            self._doubt = Verdict(reason, v.rel, v.was, v.now, v.head, v.blob)
        key = key_for(self.details, "participant_save", "ctrl+s")
        self.banner(
            _(
                "{action}: NOT SAVED — {why}. Your unsaved values are still on the screen; {key} asks before saving them onto {now}."
            ).format(action=label, why=exc, key=key, now=self._doubt.now),
            "error",
        )
