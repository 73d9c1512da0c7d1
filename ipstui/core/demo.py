"""`ipstui demo`: the sample caseload as a fresh git repository, dates shifted so
that the sample's `as_of` becomes today and the board always looks current."""

from __future__ import annotations

import re
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.caseload import CASELOAD_FILE, PARTICIPANTS_DIR, CaseloadError
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


def make_demo(target: Path | None, *, today: date, sample: Path = SAMPLE_DIR) -> Path:
    settings, raw = storage.read_file(sample / CASELOAD_FILE, CASELOAD_FILE)
    as_of = settings.get("as_of")
    if not isinstance(as_of, date):
        raise CaseloadError("the sample caseload has no as_of date")
    delta = today - as_of
    if target is None:
        root = Path(tempfile.mkdtemp(prefix="ipstui-demo-"))
    else:
        root = target.expanduser().resolve()
        if root.exists() and any(root.iterdir()):
            raise CaseloadError(f"{root} exists and is not empty; name a new folder for the demo")
        root.mkdir(parents=True, exist_ok=True)
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
    # The sample's past as the team's own commits, each on its date by its specialist.
    from ipstui.core.demo_history import replay_sample

    replay_sample(root, sample, delta, today)
    return root
