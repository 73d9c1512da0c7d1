"""git's own refusals of a commit for want of an identity (git 2.39's words, produced for
real), reported as the missing identity of the right person: the author's or the
committer's, whether git's words say whose or not."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git

from ipstui.core import gitio
from ipstui.core.gitio import IdentityMissing
from ipstui.core.service import CaseloadService

GOOD = {"GIT_AUTHOR_NAME": "Anna Bianchi", "GIT_AUTHOR_EMAIL": "anna@example.org",
        "GIT_COMMITTER_NAME": "Anna Bianchi", "GIT_COMMITTER_EMAIL": "anna@example.org"}

# (what is set at the commit, git's words, whose identity git refused)
REFUSALS: list[tuple[dict[str, str], dict[str, str], str, str]] = [
    ({"GIT_AUTHOR_NAME": "."}, {}, "name consists only of disallowed characters", "author"),
    ({"GIT_COMMITTER_NAME": "."}, {}, "name consists only of disallowed characters",
     "committer"),
    ({"GIT_AUTHOR_NAME": ""}, {}, "empty ident name", "author"),
    ({"GIT_COMMITTER_NAME": ""}, {}, "empty ident name", "committer"),
    ({"GIT_AUTHOR_NAME": None}, {"user.useConfigOnly": "true"},  # type: ignore[dict-item]
     "no name was given and auto-detection is disabled", "author"),
    ({"GIT_COMMITTER_NAME": None}, {"user.useConfigOnly": "true"},  # type: ignore[dict-item]
     "no name was given and auto-detection is disabled", "committer"),
    ({"GIT_AUTHOR_EMAIL": None}, {"user.useConfigOnly": "true"},  # type: ignore[dict-item]
     "no email was given and auto-detection is disabled", "author"),
    ({"GIT_COMMITTER_EMAIL": None}, {"user.useConfigOnly": "true"},  # type: ignore[dict-item]
     "no email was given and auto-detection is disabled", "committer"),
]


def _set(monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None]) -> None:
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("env", "config", "words", "who"), REFUSALS, ids=lambda v: v if isinstance(v, str) else None
)
def test_each_refusal_of_git_commit_names_whose_identity_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str | None], config: dict[str, str], words: str, who: str,
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    for key, value in config.items():
        git(root, "config", key, value)
    (root / "a.toml").write_text("x = 1\n")
    _set(monkeypatch, {**GOOD, "EMAIL": None, **env})
    with pytest.raises(gitio.GitError) as refused:
        gitio.commit(root, ["a.toml"], "a: add", add=True)
    assert words in (refused.value.stderr or str(refused.value))
    missing = gitio.identity_refusal(refused.value, root)
    assert isinstance(missing, IdentityMissing)
    assert f"who the {who} is ({who}.name/{who}.email" in str(missing)


def test_a_word_of_git_that_is_no_identity_refusal_is_none() -> None:
    assert gitio.identity_refusal(gitio.GitError("fatal: bad object HEAD")) is None


@pytest.mark.parametrize("removed", [False, True], ids=["edited", "removed"])
def test_a_hand_edit_git_refuses_for_want_of_an_identity_is_reported_as_missing(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch, removed: bool
) -> None:
    """The identity kept by the service from an earlier save, and the committer's name
    then made one git refuses (in a file the kept answers do not watch): the commit of
    a hand edit is refused by git and reported as the committer's missing identity."""
    root = sample_caseload
    pid = sorted(p.stem for p in (root / "participants").glob("P-*.toml"))[0]
    rel = f"participants/{pid}.toml"
    monkeypatch.delenv("GIT_COMMITTER_NAME")
    included = root.parent / "who.gitconfig"
    included.write_text("[user]\n\tname = Anna Bianchi\n")
    git(root, "config", "include.path", str(included))
    svc = CaseloadService(root)
    cl = svc.load()
    path = root / rel
    path.write_text(path.read_text().replace('schema = 1', 'schema = 1\n# by hand', 1))
    svc.commit_hand_edit(cl, rel)  # the identity is asked, and kept
    included.write_text("[user]\n\tname = .\n")
    if removed:
        path.unlink()
    else:
        path.write_text(path.read_text() + "# again by hand\n")
    head = git(root, "rev-parse", "HEAD")
    with pytest.raises(IdentityMissing, match=r"who the committer is \(committer\.name"):
        svc.commit_hand_edit(cl, rel)
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "diff", "--cached", "--name-only") == ""
