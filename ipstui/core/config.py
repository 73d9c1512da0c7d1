"""The user's own settings: `~/.config/ipstui/config.toml` (or $IPSTUI_CONFIG).

Only key remapping for now (SPEC §9: keys remappable from configuration):

    [keys]
    next_phase = "right_square_bracket,greater_than_sign"
    agenda = "A"

Each name is a binding id (the help screen lists them); the value is Textual's key
string, several keys separated by commas."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ipstui.core import storage

_KEY = re.compile(r"^[A-Za-z0-9_+-]+(,[A-Za-z0-9_+-]+)*$")


def config_path() -> Path:
    explicit = os.environ.get("IPSTUI_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "ipstui" / "config.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """(binding id -> keys, problems). A missing file is no problem; a broken one never
    stops the app: its problems are reported and the default keys stay."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [f"{path}: cannot read: {exc.strerror}"]
    try:
        data = storage.loads_bytes(raw, str(path))
    except storage.ParseError as exc:
        return {}, [str(exc)]
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        return {}, [f'{path}: [keys] must be a table of binding id = "key,key"']
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for ident, value in keys.items():
        if isinstance(value, str) and _KEY.match(value.replace(" ", "")):
            keymap[ident] = value.replace(" ", "")
        else:
            problems.append(f'{path}: keys.{ident}: {value!r} is not a key like "ctrl+n" or "a,b"')
    return keymap, problems
