"""The files ipstui ships with its code: the JSON Schemas, the sample caseload and the
documentation.

They live in the repository at `schema/`, `sample_caseload/` (where editors and
check-jsonschema point) and `docs/` (`*.md`: the guides a caseload's comments point to,
e.g. `ipstui/docs/deadlines.md`), and are installed as the data-only packages
`ipstui.schema`, `ipstui.sample` and `ipstui.docs` (pyproject.toml maps those package
names onto the three folders), so a wheel, `pip install .` and an editable install all
hold them. They are found with
the import system (the package's spec, what `importlib.resources.files` reads too,
without the ~5 ms of imports `importlib.resources` costs every command: issue 17) —
never from a path computed relative to this file, which is wrong once the package is
installed.

The constants are `pathlib.Path`s: every supported install keeps packages as files on
disk. A package imported from a zip archive has no such paths; `data_dir` then raises
`ResourceMissing` rather than returning something that only half works.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCHEMA_PACKAGE = "ipstui.schema"
SAMPLE_PACKAGE = "ipstui.sample"


class ResourceMissing(RuntimeError):
    """A shipped file is not where the installed package should hold it (a broken or
    partial install)."""


def data_dir(package: str) -> Path:
    """The folder of data package `package` (e.g. `"ipstui.schema"`) as a real path.

    Raises ResourceMissing when the package cannot be imported or is not a folder on disk.
    """
    from ipstui.core.i18n import _

    missing = _("{package} is missing from this installation of ipstui; reinstall it")
    try:
        spec = importlib.util.find_spec(package)
    except ModuleNotFoundError as exc:
        raise ResourceMissing(missing.format(package=package)) from exc
    if spec is None:
        raise ResourceMissing(missing.format(package=package))
    places = list(spec.submodule_search_locations or ())
    root: object = Path(places[0]) if len(places) == 1 else places or spec.origin
    if not isinstance(root, Path) or not root.is_dir():
        from ipstui.core.i18n import _

        raise ResourceMissing(
            _(
                "{package} is not a folder on disk ({place}); install ipstui as files, not a zip"
            ).format(package=package, place=repr(root))
        )
    return root


def data_file(package: str, name: str) -> Path:
    """The shipped file `name` (a `/`-separated path) of data package `package`.

    Raises ResourceMissing, naming the file, when it is not there.
    """
    path = data_dir(package).joinpath(*name.split("/"))
    if not path.is_file():
        from ipstui.core.i18n import _

        raise ResourceMissing(
            _("{path}: shipped file missing from this installation of ipstui").format(path=path)
        )
    return path


SCHEMA_DIR: Path = data_dir(SCHEMA_PACKAGE)
"""The folder holding the JSON Schemas (`*.schema.json`)."""
SAMPLE_DIR: Path = data_dir(SAMPLE_PACKAGE)
"""The sample caseload: `caseload.toml`, `participants/*.toml` (and `employers/*.toml`)."""
PARTICIPANT_SCHEMA: Path = data_file(SCHEMA_PACKAGE, "participant.schema.json")
CASELOAD_SCHEMA: Path = data_file(SCHEMA_PACKAGE, "caseload.schema.json")

PROJECT_DIR: Path = Path(__file__).resolve().parents[2]
"""The folder above the package: the source checkout when ipstui runs from one (the test
suite and bench/ use it to start subprocesses there); site-packages when installed.
Nothing in the package reads data through it."""
