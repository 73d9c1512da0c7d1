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

from collections.abc import Hashable, Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

FIRST = ("help",)
"""Shown before everything: `?` lists every key, so whatever a narrow footer cuts is
one key away (SPEC §9: "help lists all")."""
APP_ORDER = ("agenda", "sync", "problems", "reports", "employers", "fidelity", "quit")
"""The app's own keys, after the screen's: the daily ones (agenda, sync, problems) before
the periodic ones (reports, employers, fidelity); quit last (`escape` and `q` are known
to everyone, and help lists them)."""

MARK_CELLS = 2
"""Cells of the `…` mark (`#footer-more` in ipstui.tcss)."""

Entry = tuple[DOMNode, Binding, bool, str]
"""One of a screen's `active_bindings` values: (node, binding, enabled, tooltip)."""


def footer_order(entries: Iterable[Entry], app: DOMNode) -> list[Entry]:
    """The shown bindings (`binding.show`) in the footer's order, one per action: help
    first, then the focused widget's and the screen's own keys as they are bound (what
    this screen is for), then the app's in `APP_ORDER`, then any other. Narrow
    terminals drop whole keys at the right (with `…`), so the order is the priority."""
    first: dict[str, Entry] = {}
    for entry in entries:
        binding = entry[1]
        if binding.show:
            first.setdefault(binding.action, entry)

    def rank(pair: tuple[int, Entry]) -> tuple[int, int, int]:
        index, (node, binding, _enabled, _tip) = pair
        bid = binding.id or binding.action
        if bid in FIRST:
            return (0, FIRST.index(bid), index)
        if node is not app:
            return (1, 0, index)
        if bid in APP_ORDER:
            return (2, APP_ORDER.index(bid), index)
        return (3, 0, index)

    return [entry for _i, entry in sorted(enumerate(first.values()), key=rank)]


class KeysFooter(Footer):
    """A `Footer` that recomposes only when its keys, their labels or their enabled state
    change (see the module's docstring)."""

    _shown: Hashable = None
    """What the last compose drew (`_keys()` at that time); None before the first."""
    _mark: tuple[bool, int] = (True, 0)
    """The `…` mark as `_mark_cut` last left it: (hidden, horizontal offset)."""
    _composed = 0
    """How many times `compose` ran (each rebuild mounts keys `_mark_cut` has not measured)."""
    _cut_for: tuple[int, object] | None = None
    """(`_composed`, size) when `_mark_cut` last measured the keys; None before."""

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
        """Textual's Footer (ipstui binds no key groups), keys in `footer_order`."""
        self._shown = self._keys()
        self._composed += 1
        if not self._bindings_ready:
            return
        app = self.app
        active = self.screen.active_bindings
        ordered = footer_order(active.values(), app)
        self.styles.grid_size_columns = len(ordered)
        for _node, binding, enabled, tooltip in ordered:
            key = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            )
            # The footer's `compact`, given to the key as it is built (`watch_compact`
            # passes on a change), with the class already set: the key's watcher then has
            # nothing to restyle on mount (a stylesheet pass per key, every rebuild).
            # Not `data_bind`, as Textual's Footer does: that adds a watcher of the
            # footer's `compact` holding the key, which Textual drops only when `compact`
            # changes (never), so every rebuild kept its removed keys alive, ~6,700
            # objects per open and close of Reports, and each full collection walked them
            # all (issue 13).
            key.set_reactive(FooterKey.compact, self.compact)
            if self.compact:
                key.add_class("-compact", update=False)
            yield key
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            entry = active.get(app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _node, binding, enabled, _tooltip = entry
                yield FooterKey(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )
        # The mark as the last rebuild left it (`_mark_cut`): a rebuild that keeps the
        # keys' widths then moves and shows nothing, which would lay out the screen again.
        hidden, offset = self._mark
        mark = Static("…", id="footer-more", classes="hidden" if hidden else "")
        if offset:
            mark.styles.offset = (offset, 0)
        yield mark

    def watch_compact(self, compact: bool) -> None:
        """The keys follow the footer's `compact` (as Textual's data binding would)."""
        for key in self.query(FooterKey):
            key.compact = compact

    def on_resize(self) -> None:
        self.call_after_refresh(self._mark_cut)

    def on_mount(self) -> None:
        self.call_after_refresh(self._mark_cut)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _covered(self) -> bool:
        """Whether an opaque screen lies over this footer's screen (it is not seen)."""
        stack = self.app.screen_stack
        if self.screen not in stack:
            return True
        above = stack[stack.index(self.screen) + 1 :]
        return any(screen.styles.background.a >= 1 for screen in above)

    def _screen_changed(self, screen: Screen) -> None:
        """Back on top: show the keys as they are now, if they changed while covered."""
        if screen is self.screen and self.is_attached:
            self.call_after_refresh(self._recompose_if_changed)

    def _mark_cut(self) -> None:
        """Drop whole keys from the right when they do not all fit, and show `…` before
        the palette key then (SPEC §9: a cut text ends in `…`; `?`, always first and
        always kept, lists every key): never a label cut mid-word. The keys are in
        priority order (`footer_order`), so the ones dropped are the least used."""
        more = self.query("#footer-more")
        if not more:
            return
        self._cut_for = (self._composed, self.size)
        keys = [key for key in self.query(FooterKey) if not key.has_class("-command-palette")]
        # Both are docked right, where Textual lays them over each other: the mark moves
        # left by the palette key's width (which depends on the language). Every width is
        # measured from the widget's content and styles, never from its laid-out size:
        # a key mounted by the last rebuild has none yet (its `outer_size` is 0 until
        # the next layout), and a cut measured then let the keys run under the palette
        # key (a loaded machine, test_snapshots).
        palette = self.query(".-command-palette")
        pal = self._cells(palette.first()) if palette else 0
        width = self.scrollable_content_region.width
        need = [self._cells(key) for key in keys]
        kept = len(keys)
        if sum(need) > width - pal:
            room = width - pal - MARK_CELLS
            kept, used = 0, 0
            for cells in need:
                if used + cells > room and kept:
                    break
                used += cells
                kept += 1
        for i, key in enumerate(keys):
            if key.display != (i < kept):
                key.display = i < kept
        cut = kept < len(keys)
        mark = more.first()
        mark.set_class(not cut, "hidden")
        mark.styles.offset = (-pal, 0)
        self._mark = (not cut, -pal)

    def _cells(self, widget: Widget) -> int:
        """The cells `widget` takes in this footer's row: its content (its label), its
        gutter (padding and border: the palette key's `▏`) and its margin (a compact
        footer's gap)."""
        styles = widget.styles
        return (
            widget.get_content_width(self.size, self.app.size)
            + styles.gutter.width
            + styles.margin.width
        )

    @property
    def settled(self) -> bool:
        """Whether the footer shows its screen's keys as they are now, cut to its width:
        the keys composed are the current ones and `_mark_cut` measured them at this
        size. Between a change and the refresh that follows it (a rebuild and the cut
        each wait for one, `call_after_refresh`) a frame may show the keys uncut; a test
        that pictures the screen waits for this (tests/test_snapshots.py)."""
        return (
            self._shown == self._keys()
            and self._shown is not None
            and self._cut_for == (self._composed, self.size)
        )

    def shown_keys(self) -> list[FooterKey]:
        """The keys drawn, in order (the palette key last), without those dropped for
        want of room (`_mark_cut`)."""
        return [key for key in self.query(FooterKey) if key.display]

    def bindings_changed(self, screen: Screen) -> None:
        """As Textual's Footer, but the rebuild is asked of `_recompose_if_changed`."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        """Rebuild (or restate) the keys when they differ from those shown; not while the
        screen is covered by another (`_screen_changed` looks again when it is back).
        Why: opening Reports hides its key in the board's footer under it, closing
        brings it back; each rebuild there mounted a dozen keys and laid out the board,
        whose column scrollbars were then drawn again: ~130 ms of the UI thread at
        20,000 participants on closing Reports (issue 13, round 8)."""
        if not self.is_attached or self._covered():
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
        when only those differ from what is shown (the same bindings with the same
        labels), as when focus moves between a list and a field: a rebuild would
        remount every key and lay out the whole screen again for a change of style.
        False (nothing changed) when anything else differs, or when two shown bindings
        share an action (the footer shows one key per action)."""
        old, new = self._shown, keys
        if not (isinstance(old, tuple) and isinstance(new, tuple)) or old[1] != new[1]:
            return False
        old_keys, new_keys = old[0], new[0]
        if len(old_keys) != len(new_keys) or any(
            a[:5] != b[:5] or a[7] != b[7] for a, b in zip(old_keys, new_keys, strict=True)
        ):
            return False
        by_action = {
            key.action: key
            for key in self.query(FooterKey)
            if not key.has_class("-command-palette")
        }
        if len(by_action) != len(new_keys) or {k[3] for k in new_keys} != by_action.keys():
            return False
        for key in new_keys:
            enabled, tooltip = key[5], key[6]
            widget = by_action[key[3]]
            # What `compose` gives a key.
            widget._disabled = not enabled
            widget.set_class(not enabled, "-disabled")
            widget.tooltip = tooltip or None
        return True
