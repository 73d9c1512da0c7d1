"""Hand the terminal to the user's $EDITOR for a free-text note, then take the text back.

Whatever the editor setting holds (a program that is not there, not executable, a
folder, an empty or badly quoted value) the app comes back to the screen with the text
it had and one message: the editor is started *inside* `App.suspend()` by `_start`,
which never raises. Textual's `suspend()` resumes the terminal only when its `with`
block ends normally (textual 8: no try/finally around its `yield`), so an exception
escaping the block (the FileNotFoundError of a missing program) left the app suspended
for good: a blank screen, no keys read, the note lost with the process.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported

from ipstui.core.i18n import _


def editor_command() -> tuple[str, str]:
    """The editor setting as (variable, value): $EDITOR, else $VISUAL, else ("", "vi").

    An empty variable counts as unset (as git and most programs read it)."""
    for variable in ("EDITOR", "VISUAL"):
        value = os.environ.get(variable, "")
        if value:
            return variable, value
    return "", "vi"


def _start(command: list[str], path: Path, *, quiet: bool) -> int | OSError:
    """Run `command path` and wait: its exit status (negative: killed by that signal),
    or the OSError that kept it from starting (missing program, no execute permission,
    a folder, ...). Never raises, so the caller's `App.suspend()` block always ends and
    the app resumes. A Ctrl+C typed while the editor runs reaches the editor too (same
    process group): the app goes on waiting for it, and the editor decides. `quiet`
    (no terminal was handed over): no input, output discarded."""
    extra: dict[str, int] = (
        {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL} if quiet else {}
    )
    try:
        proc = subprocess.Popen([*command, str(path)], **extra)
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        return exc if isinstance(exc, OSError) else OSError(str(exc))
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


def run_editor(app: App, text: str, *, work_dir: Path | None = None) -> str | None:
    """Hand the terminal to $EDITOR (else $VISUAL, else vi) on a private temporary file
    holding `text`.

    Returns the edited text, or None (after one message to the user) when the editor
    setting is not a command, the editor could not start, or it failed: the caller then
    keeps what it had. The app always resumes (see the module's docstring). The
    temporary file lives in `work_dir` when given (the caseload's git directory: notes
    never land in /tmp) and is removed in every case."""
    variable, editor = editor_command()
    try:
        command = shlex.split(editor)
    except ValueError:
        command = []
    if not command:
        _say(
            app,
            _("{variable} is not a command: {value}; the text was kept as it was").format(
                variable=variable or "EDITOR", value=repr(editor)
            ),
        )
        return None
    try:
        fd, name = tempfile.mkstemp(
            prefix="ipstui-note-", suffix=".txt", dir=work_dir if work_dir else None
        )
    except OSError as exc:
        _say(app, _("Could not create a file for the editor: {error}").format(error=exc))
        return None
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            with app.suspend():
                outcome = _start(command, path, quiet=False)
        except SuspendNotSupported:
            if not app.is_headless:
                _say(app, _("This terminal cannot hand over to an editor"))
                return None
            # No terminal to hand over (tests, headless runs): just run it.
            outcome = _start(command, path, quiet=True)
        if isinstance(outcome, OSError):
            raise outcome
        if outcome != 0:
            _say(
                app,
                _(
                    "The editor ({editor}) exited with status {code}; the text was kept as it was"
                ).format(editor=command[0], code=outcome),
            )
            return None
        return path.read_text(encoding="utf-8").rstrip("\n")
    except (OSError, UnicodeDecodeError) as exc:
        error = (exc.strerror if isinstance(exc, OSError) else None) or exc
        _say(
            app,
            _("Could not run the editor ({editor}): {error}; the text was kept as it was").format(
                editor=command[0], error=error
            ),
        )
        return None
    finally:
        path.unlink(missing_ok=True)


def _say(app: App, message: str) -> None:
    """One error toast; no markup (it quotes the editor setting and an OS error)."""
    app.notify(message, severity="error", markup=False)


def editor_dir(app: App) -> Path | None:
    """The caseload's git directory, for the editor's temporary file (None if unknown)."""
    service = getattr(app, "service", None)
    return service.git_dir if service is not None else None
