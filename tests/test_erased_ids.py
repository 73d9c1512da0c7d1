"""An id erasures.toml lists stays erased (SPEC §12): a file holding it is an error in
`validate` (work tree and staged) and in the app's Problems, `new --id` refuses it, and
the next free id skips it — so a restored backup or an old clone is caught, and an
erased person's id is never given to somebody else."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli
from ipstui.core import erasures
from ipstui.core.service import CaseloadService

TODAY = ["--today", "2026-11-30"]


def _register(root: Path, *pids: str) -> None:
    lines = ["# erased"]
    for pid in pids:
        lines += ["[[erasure]]", "on = 2026-11-30", f'id_sha256 = "{erasures.id_hash(pid)}"', ""]
    (root / "erasures.toml").write_text("\n".join(lines), encoding="utf-8")


def _person(root: Path, pid: str) -> None:
    (root / "participants" / f"{pid}.toml").write_text(
        VALID_PARTICIPANT.format(pid=pid), encoding="utf-8"
    )


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([*argv, *TODAY])
    out, err = capsys.readouterr()
    return code, out, err


CASES = [
    # (erased ids, files present, validate errors expected for)
    ((), ("P-0001", "P-0002"), ()),
    (("P-0002",), ("P-0001",), ()),
    (("P-0002",), ("P-0001", "P-0002"), ("P-0002",)),
    (("P-0001", "P-0002"), ("P-0001", "P-0002", "P-0003"), ("P-0001", "P-0002")),
]


@pytest.mark.parametrize(("erased", "present", "flagged"), CASES)
def test_validate_flags_an_erased_id_present(
    caseload_dir: Path,
    capsys: pytest.CaptureFixture[str],
    erased: tuple[str, ...],
    present: tuple[str, ...],
    flagged: tuple[str, ...],
) -> None:
    root = caseload_dir
    if erased:
        _register(root, *erased)
    for pid in present:
        _person(root, pid)
    code, out, _err = _main(capsys, "validate", "-C", str(root))
    errors = sorted(ln.split(".toml:")[0].split("/")[-1] for ln in out.splitlines() if "was erased" in ln)
    assert errors == list(flagged)
    assert code == (1 if flagged else 0)
    svc = CaseloadService(root)
    in_app = sorted(p.path for p in svc.problems(svc.load()) if "was erased" in p.message)
    assert in_app == [f"participants/{pid}.toml" for pid in flagged]
    # The staged copies (a pre-commit hook) say the same.
    git(root, "add", "-A")
    code, out, _err = _main(capsys, "validate", "--staged", "-C", str(root))
    staged = sorted(ln.split(".toml:")[0].split("/")[-1] for ln in out.splitlines() if "was erased" in ln)
    assert staged == list(flagged)


def test_new_refuses_an_erased_id_and_the_next_id_skips_it(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = caseload_dir
    _person(root, "P-0001")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "P-0001: new participant")
    _register(root, "P-0002", "P-0003")
    git(root, "add", "erasures.toml")
    git(root, "commit", "-qm", "erase: a participant removed from the history")
    args = ["--name", "Ny Person", "--specialist", "anna", "--referral-source", "CSM"]
    code, _out, err = _main(capsys, "new", "--id", "P-0002", *args, "-C", str(root))
    assert code == 1 and "P-0002 was erased" in err
    code, out, err = _main(capsys, "new", *args, "-C", str(root))
    assert code == 0, err
    assert "P-0004" in out
    assert (root / "participants" / "P-0004.toml").exists()
