"""The key bar at the bottom of every screen: Textual's `Footer`, rebuilt only when what
it shows changes.

Textual's Footer recomposes on every `bindings_updated` signal of its screen: each focus
change, each screen pushed or popped, each `refresh_bindings()`. A rebuild mounts and
styles a dozen `FooterKey` widgets (two component classes each); opening a participant
sent six such signals and the rebuilds were a sixth of its CPU, though the keys shown
changed once. Tabbing through a form's fields rebuilt it on every key, for the same keys.
Here the footer first compares the keys it would show with those it shows, and rebuilds
only if they differ; when it does, it draws exactly what Textual's Footer draws."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """A `Footer` that recomposes only when its keys, their labels or their enabled state
    change (see the module's docstring)."""

    _shown: Hashable = None
    """What the last compose drew (`_keys()` at that time); None before the first."""

    def _keys(self) -> Hashable:
        """Everything `Footer.compose` reads from the screen and the app, as a value:
        per shown binding its key, key display, description, action, group, enabled
        state and tooltip, plus whether the palette key is shown."""
        if not self._bindings_ready:
            return None
        app = self.app
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
                binding.tooltip,
            )
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return (keys, self.show_command_palette and app.ENABLE_COMMAND_PALETTE)

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        for widget in super().compose():
            if self.compact and isinstance(widget, FooterKey):
                # Textual binds each key's `compact` to the footer's; on mount the bound
                # value reaches the key's watcher, which adds `-compact` and restyles the
                # key (a stylesheet pass per key, every rebuild). With the class already
                # there the watcher has nothing to change.
                widget.add_class("-compact", update=False)
            yield widget
        if self._shown is not None:
            yield Static("…", id="footer-more", classes="hidden")

    def on_resize(self) -> None:
        self.call_after_refresh(self._mark_cut)

    def on_mount(self) -> None:
        self.call_after_refresh(self._mark_cut)

    def _mark_cut(self) -> None:
        """Show `…` before the palette key when the keys do not all fit (SPEC §9: a cut
        text ends in `…`; `?` lists every key)."""
        more = self.query("#footer-more")
        if not more:
            return
        cut = self.virtual_size.width > self.scrollable_content_region.width
        mark = more.first()
        mark.set_class(not cut, "hidden")
        # Both are docked right, where Textual lays them over each other: the mark moves
        # left by the palette key's width (which depends on the language).
        palette = self.query(".-command-palette")
        width = palette.first().outer_size.width if palette else 0
        mark.styles.offset = (-width, 0)

    def bindings_changed(self, screen: Screen) -> None:
        """As Textual's Footer, but the rebuild is asked of `_recompose_if_changed`."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        if self._restate(keys):
            self._shown = keys
            return
        await self.recompose()
        self.call_after_refresh(self._mark_cut)

    def _restate(self, keys: Hashable) -> bool:
        """Show `keys` by changing the shown keys' enabled state and tooltip in place,
        when only those differ from what is shown (the same keys, labels and order), as
        when focus moves between a list and a field, or a dialog opens over the screen:
        a rebuild would remount every key and lay out the whole screen again for a
        change of style. False (nothing changed) when anything else differs, or when a
        key stands for several bindings (Textual's groups, or two keys of one action)."""
        old, new = self._shown, keys
        if not (isinstance(old, tuple) and isinstance(new, tuple)) or old[1] != new[1]:
            return False
        old_keys, new_keys = old[0], new[0]
        if len(old_keys) != len(new_keys) or any(
            a[:5] != b[:5] or a[7] != b[7] for a, b in zip(old_keys, new_keys, strict=True)
        ):
            return False
        if any(k[4] is not None for k in new_keys) or len({k[3] for k in new_keys}) != len(
            new_keys
        ):
            return False
        shown = [key for key in self.query(FooterKey) if not key.has_class("-command-palette")]
        if len(shown) != len(new_keys):
            return False
        for widget, key in zip(shown, new_keys, strict=True):
            enabled, tooltip = key[5], key[6]
            # What Footer.compose gives a key of its own (not grouped).
            widget._disabled = not enabled
            widget.set_class(not enabled, "-disabled")
            widget.tooltip = tooltip or None
        return True
