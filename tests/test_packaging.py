"""The wheel is a complete ipstui: built from the project's files, installed into a fresh
venv outside the source tree, it holds the schemas and the whole sample and its commands
work from a folder that has nothing to do with the checkout.

Fast without cheating: the wheel is built with this venv's setuptools (no isolated build
env to download), the fresh venv has no pip of its own (this venv's pip installs the
wheel into it with `--python`, `--no-deps`), and the third-party libraries come from this
venv's site-packages through a `.pth` line, which Python appends *after* the fresh venv's
own site-packages. ipstui itself can only come from the wheel: the source tree is not on
the path, this venv holds ipstui only as an editable finder that the `.pth` line does not
activate, and the test asserts where `ipstui` and its data were imported from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

import ipstui

pytestmark = pytest.mark.xdist_group("wheel")  # one worker builds and installs it once

PROJECT_DIR = Path(__file__).resolve().parents[1]
TODAY = "2026-11-16"
# What a wheel is built from: the files pyproject.toml names (nothing else is copied, so a
# file the build needs but the project does not declare fails here, not on a user's machine).
BUILD_INPUTS = ("pyproject.toml", "README.md", "ipstui", "schema", "sample_caseload", "docs")


def source_files(folder: str, pattern: str) -> list[str]:
    """Files of the checkout under `folder` matching `pattern`, as `/`-relative paths."""
    base = PROJECT_DIR / folder
    return sorted(p.relative_to(base).as_posix() for p in base.glob(pattern) if p.is_file())


def build_wheel(src: Path, out: Path) -> Path:
    """Build the wheel of the project copied to `src` into `out`; its path."""
    proc = subprocess.run(
        [
            sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
            "--no-index", "-q", "-w", str(out), str(src),
        ],
        capture_output=True,
        text=True,
        cwd=out,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = out.glob("ipstui-*.whl")
    return wheel


def copy_project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", ".git")
    for name in BUILD_INPUTS:
        src = PROJECT_DIR / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the project's declared files."""
    src = copy_project(tmp_path_factory.mktemp("src"))
    return build_wheel(src, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the source tree with only the wheel installed in it; its bin/."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    proc = subprocess.run(
        [
            sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
            "--no-deps", "--no-index", str(wheel),
        ],
        capture_output=True,
        text=True,
        cwd=env_dir,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True, cwd=env_dir, env=clean_env(bindir),
    ).stdout.strip()
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(site, "_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    return bindir


def clean_env(bindir: Path) -> dict[str, str]:
    """This test's environment (hermetic git, see conftest) with no Python path settings
    and a PATH holding the fresh venv and git only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    git = shutil.which("git")
    assert git, "git is needed"
    env["PATH"] = os.pathsep.join([str(bindir), str(Path(git).parent)])
    return env


def run(bindir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = bindir / ("ipstui.exe" if os.name == "nt" else "ipstui")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=cwd, env=clean_env(bindir)
    )


def test_the_wheel_holds_the_code_the_schemas_and_the_whole_sample(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    # Every file of the package folder: code, the stylesheet, the import template, ...
    code = {
        f"ipstui/{p}"
        for p in source_files("ipstui", "**/*")
        if "__pycache__" not in p and not p.endswith(".pyc")
    }
    schemas = {f"ipstui/schema/{p}" for p in source_files("schema", "*.schema.json")}
    sample = {f"ipstui/sample/{p}" for p in source_files("sample_caseload", "**/*.toml")}
    assert len(schemas) >= 2 and "ipstui/sample/caseload.toml" in sample
    assert len(sample) > 10
    for group in (code, schemas, sample):
        assert group <= names, sorted(group - names)
    # The compiled catalogs gettext reads at run time (SPEC §13).
    for lang in ("it", "da", "sv"):
        assert f"ipstui/locale/{lang}/LC_MESSAGES/ipstui.mo" in names
    # Nothing from outside the package (tests, bench, tools) rides along.
    assert {n.split("/")[0] for n in names} == {"ipstui", wheel.name.split("-py3")[0] + ".dist-info"}


def test_the_wheel_copies_equal_the_files_editors_use(wheel: Path) -> None:
    """One source: the wheel's data is byte for byte the repository's schema/ and sample."""
    z = zipfile.ZipFile(wheel)
    for folder, package, pattern in (
        ("schema", "schema", "*.schema.json"),
        ("sample_caseload", "sample", "**/*.toml"),
    ):
        for rel in source_files(folder, pattern):
            assert z.read(f"ipstui/{package}/{rel}") == (PROJECT_DIR / folder / rel).read_bytes()


def test_installed_wheel_runs_demo_validate_due_and_report(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    version = run(installed, elsewhere, "--version")
    assert version.returncode == 0 and version.stdout.strip() == f"ipstui {ipstui.__version__}"

    # ipstui and its data come from the fresh venv, never from the checkout.
    python = installed / "python"
    probe = subprocess.run(
        [
            str(python), "-c",
            "import ipstui, ipstui.core.resources as r; "
            "print(ipstui.__file__); print(r.SCHEMA_DIR); print(r.SAMPLE_DIR)",
        ],
        capture_output=True, text=True, cwd=elsewhere, env=clean_env(installed),
    )
    assert probe.returncode == 0, probe.stderr
    venv_root = installed.parent.resolve()
    for line in probe.stdout.split():
        assert Path(line).resolve().is_relative_to(venv_root), line

    demo = elsewhere / "demo"
    made = run(installed, elsewhere, "demo", "demo", "--no-open", "--today", TODAY)
    assert made.returncode == 0, made.stderr
    assert Path(made.stdout.strip().splitlines()[-1]).resolve() == demo.resolve()
    # Every participant and employer file of the sample made it into the demo.
    sample = source_files("sample_caseload", "*/*.toml")
    assert sorted(p.relative_to(demo).as_posix() for p in demo.glob("*/*.toml")) == sample
    n_participants = sum(p.startswith("participants/") for p in sample)

    checked = run(installed, elsewhere, "-C", "demo", "validate")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{n_participants} participant" in checked.stderr
    assert " 0 errors" in checked.stderr

    # The installed catalogs are found: headings in Danish.
    dansk = run(installed, elsewhere, "-C", "demo", "--lang", "da", "--today", TODAY, "due")
    assert dansk.returncode == 0, dansk.stderr
    assert dansk.stdout.split()[:2] == ["Frist", "Deltager"]

    due = run(installed, elsewhere, "-C", "demo", "--today", TODAY, "due", "--json")
    assert due.returncode == 0, due.stderr
    assert due.stdout.count('"participant"') > 0

    report = run(installed, demo, "--today", TODAY, "report", "--format", "json")
    assert report.returncode == 0, report.stderr
    assert '"team"' in report.stdout and '"active"' in report.stdout


def test_the_registered_merge_driver_runs_without_python_on_path(
    installed: Path, tmp_path: Path
) -> None:
    """git runs the driver through /bin/sh with whatever PATH it has: the registered command
    names its interpreter by absolute path, so a real merge works with no python on PATH."""
    root = tmp_path / "demo"
    assert run(installed, tmp_path, "demo", str(root), "--no-open", "--today", TODAY).returncode == 0
    env = clean_env(installed)
    env["PATH"] = str(Path(shutil.which("git") or "git").parent)  # git's folder only

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, env=env
        )

    driver = git("config", "--get", "merge.ipstui.driver").stdout
    assert driver.startswith(("'/", "/")) and "python" in driver.split()[0]
    # Both sides append a task at the end of the same file: a text merge conflicts, only
    # the field-wise driver can merge it (a union of the two lists).
    target = sorted((root / "participants").glob("*.toml"))[0]
    text = target.read_text()
    git("checkout", "-q", "-b", "other")
    target.write_text(text + '\n[[tasks]]\ndue = 2026-12-02\nwhat = "Theirs"\n')
    assert git("commit", "-qam", "theirs").returncode == 0
    git("checkout", "-q", "-")
    target.write_text(text + '\n[[tasks]]\ndue = 2026-12-01\nwhat = "Ours"\n')
    assert git("commit", "-qam", "ours").returncode == 0
    merged = git("merge", "-q", "--no-edit", "other")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    out = target.read_text()
    assert 'what = "Theirs"' in out and 'what = "Ours"' in out and "<<<<<<<" not in out


def test_a_checkout_reads_the_very_files_editors_use() -> None:
    """Run from the checkout (editable install), the package's data *is* schema/ and
    sample_caseload/ — not copies that could drift."""
    from ipstui.core import resources

    if not Path(ipstui.__file__).resolve().is_relative_to(PROJECT_DIR):
        pytest.skip("ipstui is installed from a wheel here; the wheel tests cover it")
    assert resources.SCHEMA_DIR == PROJECT_DIR / "schema"
    assert resources.SAMPLE_DIR == PROJECT_DIR / "sample_caseload"
    assert resources.PARTICIPANT_SCHEMA == PROJECT_DIR / "schema" / "participant.schema.json"


@pytest.mark.parametrize(
    ("package", "name"),
    [
        ("ipstui.schema", "no-such.schema.json"),  # a file missing from the package
        ("ipstui.no_such_data", "x.json"),  # a whole data package missing
        ("ipstui.sample", "participants"),  # a folder where a file is expected
    ],
)
def test_a_missing_shipped_file_is_named(package: str, name: str) -> None:
    from ipstui.core.resources import ResourceMissing, data_file

    with pytest.raises(ResourceMissing, match="reinstall|missing"):
        data_file(package, name)
