"""`ipstui demo`: the sample caseload as a fresh git repository, dates shifted so
that the sample's `as_of` becomes today and the board always looks current (SPEC §7).

The sample is the one shipped with the package (`ipstui.core.resources.SAMPLE_DIR`), so
the demo works the same from a wheel as from a checkout."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.caseload import CASELOAD_FILE, PARTICIPANTS_DIR, CaseloadError
from ipstui.core.i18n import _
from ipstui.core.init import GITATTRIBUTES, configure_merge_driver
from ipstui.core.resources import SAMPLE_DIR

DEMO_NAME = "IPS Demo"
DEMO_EMAIL = "demo@example.org"


def shift(value: Any, delta: timedelta) -> Any:
    """Every local date inside `value` moved by `delta`."""
    if isinstance(value, dict):
        return {k: shift(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [shift(v, delta) for v in value]
    if type(value) is date:
        return value + delta
    return value


@dataclass(frozen=True, slots=True)
class DemoInfo:
    """Where a demo caseload is and who its commits are by, said before the app opens."""

    root: Path
    identity: gitio.Identity
    demo_identity: bool
    """True when the demo set its own local identity (git had none configured)."""

    def lines(self) -> list[str]:
        """What `ipstui demo` prints before it opens the app."""
        who = f"{self.identity.name} <{self.identity.email}>"
        how = (
            _("a demo identity, set in this repository only: git had none")
            if self.demo_identity
            else _("your git identity")
        )
        return [
            _("demo caseload: {path}").format(path=self.root),
            _("commits by:    {who} ({how})").format(who=who, how=how),
        ]

    def title(self) -> str:
        """One line for the app's title bar."""
        return _("DEMO {path} · commits as {who}").format(
            path=self.root, who=f"{self.identity.name} <{self.identity.email}>"
        )


def describe(root: Path) -> DemoInfo:
    """The DemoInfo of the demo caseload at `root`; GitError when git has no identity."""
    ident = gitio.identity(root)
    local = gitio.git(root, "config", "--local", "--get", "user.email", check=False)
    own = local.stdout.strip() == DEMO_EMAIL and ident.email == DEMO_EMAIL
    return DemoInfo(root, ident, own)


def make_demo(target: Path | None, *, today: date, sample: Path = SAMPLE_DIR) -> Path:
    """Create the demo caseload in `target` (a new or empty folder; None: a new temporary
    one) and return its path. Raises CaseloadError (one line) when `today` moves the
    sample's dates out of range or the folder is not usable; leaves no half-made folder."""
    settings, raw = storage.read_file(sample / CASELOAD_FILE, CASELOAD_FILE)
    as_of = settings.get("as_of")
    if not isinstance(as_of, date):
        raise CaseloadError(_("the sample caseload has no as_of date"))
    delta = today - as_of
    # Everything is computed before anything is created, so a date out of range
    # (SPEC §2: 1900-01-01 to 2199-12-31) leaves no half-made folder behind.
    from ipstui.core import employers

    files: dict[str, str] = {}
    kinds = ((PARTICIPANTS_DIR, storage.dumps), (employers.EMPLOYERS_DIR, employers.dumps))
    try:
        for folder, dumps in kinds:
            for src in sorted((sample / folder).glob("*.toml")):
                data, _unused = storage.read_file(src, src.name)
                shifted = shift(data, delta)
                if any(not _in_range(d) for d in _dates(shifted)):
                    raise OverflowError
                files[f"{folder}/{src.name}"] = dumps(shifted)
    except OverflowError:
        raise CaseloadError(
            _(
                "--today {date} would move the sample's dates outside 1900-01-01 to 2199-12-31; choose a nearer date"
            ).format(date=today.isoformat())
        ) from None
    if target is None:
        root = Path(tempfile.mkdtemp(prefix="ipstui-demo-"))
        made = True
    else:
        root = target.expanduser().resolve()
        if root.exists() and not root.is_dir():
            raise CaseloadError(
                _("{root} is not a folder; name a new folder for the demo").format(root=root)
            )
        if root.exists() and any(root.iterdir()):
            raise CaseloadError(
                _("{root} exists and is not empty; name a new folder for the demo").format(
                    root=root
                )
            )
        made = not root.exists()
        root.mkdir(parents=True, exist_ok=True)
    try:
        _fill(root, raw, today, delta, files, sample)
    except BaseException:
        if made:
            shutil.rmtree(root, ignore_errors=True)
        raise
    return root


def _dates(value: Any) -> list[date]:
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates(v)]
    return [value] if type(value) is date else []


def _in_range(d: date) -> bool:
    return date(1900, 1, 1) <= d <= date(2199, 12, 31)


def _fill(
    root: Path, raw: bytes, today: date, delta: timedelta, files: dict[str, str], sample: Path
) -> None:
    text = raw.decode("utf-8")
    text = re.sub(r"(?m)^as_of\s*=\s*\d{4}-\d{2}-\d{2}", f"as_of = {today.isoformat()}", text)
    (root / PARTICIPANTS_DIR).mkdir()
    storage.atomic_write(root / CASELOAD_FILE, text)
    storage.atomic_write(root / ".gitattributes", GITATTRIBUTES)
    gitio.git(root, "init", "-q")
    try:
        gitio.identity(root)
    except gitio.IdentityMissing:
        gitio.git(root, "config", "user.name", DEMO_NAME)
        gitio.git(root, "config", "user.email", DEMO_EMAIL)
    configure_merge_driver(root)
    # The sample's past as the team's own commits, each on its date by its specialist;
    # the participant files are written by checking out the last of them.
    from ipstui.core.demo_history import replay_sample

    replay_sample(root, sample, delta, today)
