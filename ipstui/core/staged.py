"""`ipstui validate --staged`: check the copies staged for the next commit (SPEC §7):
caseload.toml, the participant files and the employer files (SPEC §11), and the
participants' `employer_id`s against the staged employers.

As a git pre-commit hook, `validate` must judge what the commit will hold, which is the
index, not the work tree: a bad value staged and then fixed in the file without staging
would otherwise pass the hook and be committed. git runs hooks with `GIT_INDEX_FILE`
(and sometimes `GIT_DIR`) set, possibly as paths relative to the hook's directory, so
this module runs git with the environment kept and those paths made absolute, unlike
the editing commands, which never let such variables steer them (SPEC §5).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from ipstui.core import storage
from ipstui.core.caseload import CASELOAD_FILE, PARTICIPANTS_DIR, parse_participant, settings_of
from ipstui.core.employers import EMPLOYERS_DIR, reference_problems_in
from ipstui.core.employers import check as employer_problems
from ipstui.core.erasures import ERASURES_FILE, erased_problems, hashes_in, register_problem
from ipstui.core.gitio import GitError
from ipstui.core.i18n import _
from ipstui.core.model import Problem, Settings, case_twin_problems
from ipstui.core.validate import (
    caseload_problems,
    future_event_problems,
    participant_team_problems,
    stray_problems,
)

_PATH_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
)
_REGULAR = ("100644", "100755")


class StagedError(GitError):
    """git could not list or read the index; the message is git's own."""


def hook_env(environ: Mapping[str, str] | None = None, cwd: str | None = None) -> dict[str, str]:
    """The environment with git's path variables made absolute (relative to `cwd`)."""
    env = dict(os.environ if environ is None else environ)
    base = cwd or os.getcwd()
    for var in _PATH_VARS:
        value = env.get(var)
        if value and not os.path.isabs(value):
            env[var] = os.path.normpath(os.path.join(base, value))
    env["LC_ALL"] = "C"
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    return env


def _git(root: Path, env: dict[str, str], *args: str, data: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], input=data, capture_output=True, env=env
        )
    except FileNotFoundError:
        raise StagedError(_("git is not installed or not on PATH")) from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StagedError(msg[-1] if msg else _("git {command} failed").format(command=args[0]))
    return proc.stdout


def staged_blobs(root: Path, env: dict[str, str]) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """path -> (mode, blob id) of stage-0 entries under the caseload, and unmerged paths.

    Paths are relative to `root` (the caseload, which may sit inside a larger repository)."""
    out = _git(
        root, env, "ls-files", "-s", "-z", "--", CASELOAD_FILE, ERASURES_FILE, PARTICIPANTS_DIR,
        EMPLOYERS_DIR,
    )  # fmt: skip
    entries: dict[str, tuple[str, str]] = {}
    unmerged: set[str] = set()
    for rec in out.decode("utf-8", "surrogateescape").split("\0"):
        if not rec:
            continue
        meta, _unused, path = rec.partition("\t")
        mode, blob, stage = meta.split()
        if stage != "0":
            unmerged.add(path)
        else:
            entries[path] = (mode, blob)
    return entries, unmerged


def read_blobs(root: Path, env: dict[str, str], blobs: list[str]) -> dict[str, bytes]:
    """The contents of `blobs`, read with one `git cat-file --batch`."""
    if not blobs:
        return {}
    out = _git(root, env, "cat-file", "--batch", data="".join(b + "\n" for b in blobs).encode())
    got: dict[str, bytes] = {}
    i = 0
    for blob in blobs:
        nl = out.index(b"\n", i)
        header = out[i:nl].split()
        if len(header) < 3 or header[1] == b"missing":
            raise StagedError(_("object {blob} is missing from the repository").format(blob=blob))
        size = int(header[2])
        got[blob] = out[nl + 1 : nl + 1 + size]
        i = nl + 1 + size + 1
    return got


def _record_files(
    entries: dict[str, tuple[str, str]], folder: str, what: str
) -> tuple[dict[str, str], list[Problem]]:
    """The regular `folder/*.toml` entries (path -> blob id) and the problems of the others:
    a folder named like a record, a symbolic link (`what` names the kind of file)."""
    files: dict[str, str] = {}
    problems: list[Problem] = []
    for path, (mode, blob) in entries.items():
        if not path.startswith(folder + "/"):
            continue
        name = path[len(folder) + 1 :]
        if "/" in name:
            head = name.split("/", 1)[0]
            if head.endswith(".toml"):
                problems.append(Problem(f"{folder}/{head}", 1, 1, "is a folder, not a file"))
            continue
        if not name.endswith(".toml"):
            continue
        if mode not in _REGULAR:
            kind = "a symbolic link" if mode == "120000" else "not a regular file"
            problems.append(Problem(path, 1, 1, f"is {kind}; {what} files must be plain files"))
            continue
        files[path] = blob
    return files, problems


def staged_problems(
    root: Path, environ: Mapping[str, str] | None = None, *, today: date | None = None
) -> tuple[list[Problem], int, int]:
    """Problems of the staged caseload.toml, participant and employer files (and a record
    folder staged as a symbolic link: `storage.linked_folder_message`), a warning
    for each staged file in a record folder that is not a record file (`validate.
    stray_problems`, the rule plain `validate` applies to the work tree), and how many
    participant and employer files were checked; with `today`, also a warning for each
    event date after it (`validate.future_event_problems`: a hand edit is what a
    pre-commit hook sees). Raises StagedError when git cannot read the index."""
    env = hook_env(environ)
    entries, unmerged = staged_blobs(root, env)
    problems: list[Problem] = [
        Problem(path, 1, 1, "unmerged: the merge conflict in this file is not resolved")
        for path in sorted(unmerged)
    ]
    # A record folder staged as a symbolic link: refused as plain `validate` refuses it.
    problems.extend(
        Problem(folder, 1, 1, storage.linked_folder_message(folder))
        for folder in (PARTICIPANTS_DIR, EMPLOYERS_DIR)
        if entries.get(folder, ("",))[0] == "120000"
    )
    people, found = _record_files(entries, PARTICIPANTS_DIR, "participant")
    problems.extend(found)
    firms, found = _record_files(entries, EMPLOYERS_DIR, "employer")
    problems.extend(found)
    wanted = list(
        dict.fromkeys(
            list(people.values())
            + list(firms.values())
            + ([entries[CASELOAD_FILE][1]] if CASELOAD_FILE in entries else [])
        )
    )
    contents = read_blobs(root, env, wanted)

    settings = Settings()
    if CASELOAD_FILE in entries:
        raw = contents[entries[CASELOAD_FILE][1]]
        try:
            data = storage.loads_bytes(raw, CASELOAD_FILE)
        except storage.ParseError as exc:
            problems.append(Problem(exc.path, exc.line, exc.col, exc.message))
            settings = Settings(unknown=str(problems[-1]))
        else:
            found = caseload_problems(data, CASELOAD_FILE, raw.decode("utf-8"))
            problems.extend(found)
            settings = settings_of(data, found)
    else:
        settings = Settings(unknown=f"{CASELOAD_FILE} is not staged")
        if CASELOAD_FILE not in unmerged:
            problems.append(
                Problem(CASELOAD_FILE, 1, 1, "is not staged (the commit would have none)")
            )

    for path, blob in sorted(people.items()):
        raw = contents[blob]
        parsed = parse_participant(raw, path)
        problems.extend(Problem(path, ln, col, msg, sev) for ln, col, msg, sev in parsed.problems)
        if parsed.data is not None:
            problems.extend(
                participant_team_problems(
                    parsed.data,
                    path,
                    raw.decode("utf-8", "replace"),
                    settings.team_keys,
                    settings.referral_sources,
                )
            )
            if today is not None:
                problems.extend(
                    future_event_problems(parsed.data, path, raw.decode("utf-8", "replace"), today)
                )
    for path, blob in sorted(firms.items()):
        raw = contents[blob]
        try:
            data = storage.loads_bytes(raw, path)
        except storage.ParseError as exc:
            problems.append(Problem(exc.path, exc.line, exc.col, exc.message))
            continue
        problems.extend(
            employer_problems(data, path, raw.decode("utf-8", "replace"), settings.team_keys)
        )
    if ERASURES_FILE in entries:
        register = read_blobs(root, env, [entries[ERASURES_FILE][1]])[entries[ERASURES_FILE][1]]
        erased = hashes_in(register.decode("utf-8", "replace"))
        problems.extend(erased_problems(people, erased))
        broken = register_problem(register)
        if broken is not None:
            problems.append(broken)
    # Files beside the records: the same rule as the work tree's (`validate` warns).
    problems.extend(stray_problems(entries.keys() | unmerged))
    problems.extend(case_twin_problems(sorted(people)))
    problems.extend(case_twin_problems(sorted(firms)))
    known = [Path(path).stem for path in firms]
    problems.extend(
        reference_problems_in(
            known, ((path, contents[blob]) for path, blob in sorted(people.items()))
        )
    )
    return problems, len(people), len(firms)
