"""The user's own settings: `~/.config/ipstui/config.toml` (or $IPSTUI_CONFIG).

The language (SPEC §13; `--lang` wins over it, it wins over the locale) and key
remapping (SPEC §9: keys remappable from configuration):

    lang = "da"          # one of en, it, da, sv

    [keys]
    next_phase = "right_square_bracket,greater_than_sign"
    agenda = "A"

Each name is a binding id (the help screen lists them); the value is Textual's key
string, several keys separated by commas."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ipstui.core.i18n import LANGUAGES

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
    from ipstui.core import storage  # not at import: `--help` reads only `lang`

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


def load_lang(path: Path | None = None) -> tuple[str | None, str | None]:
    """(the config's `lang` — one of `i18n.LANGUAGES` — or None, a one-line problem or
    None). A missing file, one in a folder this user cannot enter, or no `lang` key is
    no problem; an unreadable file, a file
    that is not TOML or a value outside `LANGUAGES` is one line, in English (the
    language is not known yet), and the language then comes from the locale.

    Read with the standard library's `tomllib` (not `storage`), because every start of
    the CLI, `--help` included, reads it before anything prints (issue 17: start-up
    cost)."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        if not os.access(path.parent, os.X_OK):
            # A folder this user cannot enter (another user's home, a command run as
            # `nobody`): there is no config of theirs to speak of, as for a missing file.
            return None, None
        return None, f"{path}: cannot read: {exc.strerror}"
    import tomllib  # only when there is a config file to read

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, f"{path}: not a TOML file: {exc}"
    value = data.get("lang")
    if value is None:
        return None, None
    if not isinstance(value, str) or value not in LANGUAGES:
        return None, f"{path}: lang: {value!r} is not one of {', '.join(LANGUAGES)}"
    return value, None
