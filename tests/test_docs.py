"""The README and docs/ are for users of the package: every link they make points at a
file the repository has, none points outside it, and the README opens with the two
commands (install-and-demo, install-and-test)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
PAGES = [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(PROJECT_DIR).as_posix())
def test_every_local_link_resolves_inside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    # Users of the package have no copy of the project's specification.
    assert "shared/" not in text and "SPEC" not in text
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+://", target):
            continue
        path = target.split("#", 1)[0]
        if not path:
            continue
        resolved = (page.parent / path).resolve()
        assert resolved.is_relative_to(PROJECT_DIR), f"{page.name}: {target} leaves the repo"
        assert resolved.exists(), f"{page.name}: {target} does not exist"


def test_docs_index_lists_every_page() -> None:
    index = (PROJECT_DIR / "docs" / "README.md").read_text(encoding="utf-8")
    for page in PAGES[1:]:
        if page.name != "README.md":
            assert f"({page.name})" in index, page.name


def test_readme_starts_with_the_two_commands() -> None:
    text = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(first_block) == 2
    demo, tests = first_block
    assert demo.startswith("python3 -m venv .venv && ") and demo.endswith("ipstui demo")
    assert tests.startswith("python3 -m venv .venv && ") and tests.endswith("-m pytest")
    # .ci/run runs that same test command (in a fresh venv).
    assert tests in (PROJECT_DIR / ".ci" / "run").read_text(encoding="utf-8")
