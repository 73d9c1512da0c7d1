"""`SavesScreenshots`, a part of `IpsApp` (ui/app.py): the palette's Screenshot.

Textual's own saved the picture in the user's Downloads folder and said only "Failed to
save screenshot" when there was none (a server, a fresh account: trial 8, item 8). The
command is kept: the picture is drawn from the app's own screen, so it works in every
terminal and headless alike. Here it is saved through the service (Downloads, else the
home folder; never inside the caseload, a screenshot showing participants' details), in
a thread, and the app says where it was saved, or why not, in one line (its toast
escapes the path, `IpsApp.notify`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual import work

from ipstui.core.i18n import _
from ipstui.core.service import ExportRefusal
from ipstui.ui.parts import AppPart


class SavesScreenshots(AppPart):
    """A part of `IpsApp` (`parts.AppPart`): the Screenshot command."""

    screenshots: list[Path]
    """The pictures saved in this session, oldest first."""

    def _setup_screenshots(self) -> None:
        self.screenshots = []

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Save a picture of the screen (SVG; Textual's `export_screenshot`) as `filename`
        (default `ipstui_<date>T<time>.svg`; a taken name gets `-2`, `-3`: never overwritten)
        in `path` (default: Downloads, else home), and say where, or why it was not saved. Returns None: nothing is delivered to a
        browser (Textual's return value is a web delivery's key)."""
        stamp = datetime.now().strftime(time_format or "%Y-%m-%dT%H_%M_%S")
        name = filename or f"ipstui_{stamp}.svg"
        self._save_screenshot(self.export_screenshot(), name, path)
        return None

    @work(thread=True, group="screenshot", exit_on_error=False)
    def _save_screenshot(self, svg: str, name: str, folder: str | None) -> None:
        try:
            written = self.service.save_screenshot(svg, name, Path(folder) if folder else None)
        except ExportRefusal as refusal:
            self.call_from_thread(
                self.notify,
                str(refusal),
                title=_("Screenshot"),
                severity="error",
                timeout=10,
            )
            return
        self.screenshots.append(written)
        self.call_from_thread(
            self.notify,
            _("Screenshot saved to {path}").format(path=written),
            title=_("Screenshot"),
        )
