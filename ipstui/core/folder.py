"""The caseload folder: its fixed names, where it is (`find_root`) and the base error
every user-facing failure derives from.

Kept apart from `caseload` (the snapshot and the save transaction) with nothing but
`os`, `pathlib` and the catalog imported, so that a command answered from a cache
(`ipstui due`: issue 17) can find its caseload without importing the models."""

from __future__ import annotations

import os
from pathlib import Path

from ipstui.core.i18n import _

CASELOAD_FILE = "caseload.toml"
PARTICIPANTS_DIR = "participants"


class CaseloadError(Exception):
    """A user-facing failure: the message is one clear line."""


class UsageError(CaseloadError, ValueError):
    """The command was used wrongly in a way its parser cannot see: options that need
    each other or exclude each other (`--format xlsx` without `--output`), or an
    option's value in the wrong shape (`--quarter 2026Q5`, `FIELD=VALUE` without `=`).
    The CLI exits 2 with the parser's own one line (SPEC §7: 2 wrong usage); elsewhere
    it is a CaseloadError (and a ValueError, for callers that catch that)."""


class NotACaseload(CaseloadError):
    """The folder holds no caseload.toml."""


def find_root(path: Path | str | None) -> Path:
    """The caseload named by -C, else $IPSTUI_CASELOAD, else the current directory.

    Raises NotACaseload when that folder has no caseload.toml."""
    if path is None:
        path = os.environ.get("IPSTUI_CASELOAD") or "."
    root = Path(path).expanduser().resolve()
    if not (root / CASELOAD_FILE).is_file():
        raise NotACaseload(
            _(
                "{root} is not a caseload (no {file}); create one with "
                "`ipstui init {path}`, try `ipstui demo`, or point at one with -C PATH"
            ).format(root=root, file=CASELOAD_FILE, path=path)
        )
    return root
