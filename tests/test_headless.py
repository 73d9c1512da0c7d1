"""Headless commands never import Textual (SPEC §7): checked in fresh interpreters."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import ipstui.core

PROJECT_DIR = Path(__file__).resolve().parents[1]
"""The source checkout these tests run in."""

CORE_MODULES = sorted(f"ipstui.core.{m.name}" for m in pkgutil.iter_modules(ipstui.core.__path__))


def python(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or PROJECT_DIR,
        timeout=60,
    )


def test_core_module_list_is_complete() -> None:
    expected = {
        "caseload",
        "changes",
        "demo",
        "edits",
        "gitio",
        "history",
        "init",
        "loader",
        "locate",
        "model",
        "rules",
        "storage",
        "validate",
    }
    assert expected <= {m.rsplit(".", 1)[1] for m in CORE_MODULES}


def test_importing_core_and_cli_does_not_import_textual() -> None:
    code = (
        "import importlib, json, sys\n"
        f"mods = {['ipstui', *CORE_MODULES, 'ipstui.cli']!r}\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "print(json.dumps(sorted(k for k in sys.modules if k == 'textual' "
        "or k.startswith('textual.') or k.startswith('ipstui.ui'))))\n"
    )
    proc = python("-c", code)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def _caseload(tmp_path: Path) -> Path:
    from ipstui.cli import main

    root = tmp_path / "cl"
    assert main(["init", str(root), "--specialist", "anna=Anna Bianchi"]) == 0
    args = ["-C", str(root), "--today", "2026-11-01"]
    assert (
        main([*args, "new", "--name", "A", "--specialist", "anna", "--referral-source", "CSM"]) == 0
    )
    assert main([*args, "move", "P-0001", "engagement"]) == 0
    return root


def _imported(stderr: str) -> list[str]:
    """Module names from `python -X importtime` output."""
    out = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            out.append(line.rsplit("|", 1)[1].strip())
    return out


def test_headless_commands_do_not_import_textual(tmp_path: Path) -> None:
    root = _caseload(tmp_path)
    for args in (
        ["due", "--json"],
        ["due"],
        ["validate"],
        ["log", "P-0001"],
        ["contact", "P-0001", "--kind", "phone"],
        ["set", "P-0001", "disclosure=yes"],
    ):
        proc = python(
            "-X", "importtime", "-m", "ipstui", "-C", str(root), *args, "--today", "2026-11-16"
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        modules = _imported(proc.stderr)
        # the control: the command ran through the service (`due` answered from the
        # agenda index imports no more than that)
        assert "ipstui.cli" in modules and "ipstui.core.service" in modules
        assert not [m for m in modules if m == "textual" or m.startswith("textual.")], args
        assert not [m for m in modules if m.startswith("ipstui.ui")], args


def test_the_check_can_see_textual() -> None:
    """Control: importing the app does show up, so the checks above are meaningful."""
    proc = python("-X", "importtime", "-c", "import ipstui.ui.app")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "textual" in _imported(proc.stderr)


# Issue 17: start like a native tool. What each start-up path may not import at all.
HEAVY = ("jsonschema", "textual", "filelock", "ipstui.core.fidelity", "ipstui.core.report")
PARSER_ONLY = tuple(
    f"ipstui.core.{m}"
    for m in ("service", "caseload", "loader", "storage", "validate", "gitio", "employers")
)


@pytest.mark.parametrize(
    ("args", "forbidden"),
    [
        # --help and a usage error only build the parser: the vocabulary of
        # ipstui.core.model for the choices, nothing that reads, validates or saves.
        (["--help"], (*PARSER_ONLY, *HEAVY)),
        (["due", "--bogus"], (*PARSER_ONLY, *HEAVY)),
        (["fidelity", "--help"], (*PARSER_ONLY, *HEAVY)),
        # due and report answered from the load cache: no schema checker, no lock, and
        # (for due) no report or fidelity code.
        (["due", "--json"], HEAVY),
        (["report", "--format", "json"], ("jsonschema", "textual", "filelock")),
        (["log", "P-0001"], HEAVY),
    ],
)
def test_start_up_imports_only_what_the_command_uses(
    tmp_path: Path, args: list[str], forbidden: tuple[str, ...]
) -> None:
    root = _caseload(tmp_path)
    warm = python("-m", "ipstui", "-C", str(root), "due", "--today", "2026-11-16")
    assert warm.returncode == 0, warm.stderr[-2000:]  # the load cache now answers
    proc = python("-X", "importtime", "-m", "ipstui", "-C", str(root), *args)
    assert proc.returncode in (0, 2), proc.stderr[-2000:]
    modules = _imported(proc.stderr)
    assert "ipstui.cli" in modules
    bad = [
        m for m in modules if any(m == f or m.startswith(f.rstrip(".") + ".") for f in forbidden)
    ]
    assert not bad, (args, bad)


def test_the_parsers_copies_of_the_core_choices_are_equal() -> None:
    from ipstui import cli_fidelity
    from ipstui.core import employers, fidelity

    assert cli_fidelity.FORMATS == fidelity.FORMATS
    assert cli_fidelity.ITEMS == fidelity.ITEMS
    assert cli_fidelity.PURPOSES == employers.PURPOSES
