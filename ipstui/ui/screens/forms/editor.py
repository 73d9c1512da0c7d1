"""Hand the terminal to the user's $EDITOR for a free-text note, then take the text back."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported

from ipstui.core.i18n import _


def run_editor(app: App, text: str, *, work_dir: Path | None = None) -> str | None:
    """Hand the terminal to $EDITOR (else vi) on a private temporary file holding `text`.

    Returns the edited text, or None (after telling the user) when the editor could
    not run or failed, so the caller keeps what it had. The temporary file lives in
    `work_dir` when given (the caseload's git directory: notes never land in /tmp).
    """
    editor = os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi"
    try:
        command = shlex.split(editor)
    except ValueError:
        command = []
    if not command:
        app.notify(
            _("$EDITOR is not a command: {editor}").format(editor=repr(editor)), severity="error"
        )
        return None
    try:
        fd, name = tempfile.mkstemp(
            prefix="ipstui-note-", suffix=".txt", dir=work_dir if work_dir else None
        )
    except OSError as exc:
        app.notify(
            _("Could not create a file for the editor: {error}").format(error=exc), severity="error"
        )
        return None
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            with app.suspend():
                code = subprocess.call([*command, str(path)])
        except SuspendNotSupported:
            if not app.is_headless:
                app.notify(_("This terminal cannot hand over to an editor"), severity="error")
                return None
            # No terminal to hand over (tests, headless runs): just run it.
            code = subprocess.call(
                [*command, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
            )
        if code != 0:
            app.notify(
                _(
                    "The editor ({editor}) exited with status {code}; the text was kept as it was"
                ).format(editor=command[0], code=code),
                severity="error",
            )
            return None
        return path.read_text(encoding="utf-8").rstrip("\n")
    except (OSError, UnicodeDecodeError) as exc:
        app.notify(
            _("Could not run the editor ({editor}): {error}; the text was kept as it was").format(
                editor=command[0], error=exc
            ),
            severity="error",
        )
        return None
    finally:
        path.unlink(missing_ok=True)


def editor_dir(app: App) -> Path | None:
    """The caseload's git directory, for the editor's temporary file (None if unknown)."""
    service = getattr(app, "service", None)
    return service.git_dir if service is not None else None
