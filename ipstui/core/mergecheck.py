"""Is the merged caseload valid as a whole? (SPEC §6, checked by sync before it pushes.)

Each side can be valid on its own and the merge still broken: one side removes team
member `sofia` while the other assigns a new participant to her; each side adds a file
whose id differs from the other's only in case. So after its merge commit, sync loads the
merged caseload with the ordinary loaders of participants and employers (the same
validation as `ipstui validate`, every file against the schema, the semantic rules and
the team) and adds the rules that span files (ids equal ignoring case).

Only problems the merge **introduced** stop a push: a problem that either side already
had is that side's, not the merge's, and must not block every later sync. A problem of
file F is already there on side S when S has the same F and the same `caseload.toml`
(the inputs of F's checks), or when checking S's version of F against S's team gives the
same message. A case clash is already there when one side holds every file of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ipstui.core import gitio, storage
from ipstui.core.caseload import parse_participant
from ipstui.core.model import Problem, Settings
from ipstui.core.renumber import RECORD_DIRS
from ipstui.core.validate import caseload_problems, errors_only, participant_team_problems

CASELOAD_FILE = "caseload.toml"


@dataclass(frozen=True, slots=True)
class Breakage:
    """A problem the merge introduced, with the record it belongs to."""

    problem: Problem
    record: str
    """The participant's (or employer's) id, or the file name for caseload.toml."""
    rule: str
    """`team`, `id_case`, or `file` (the file's own checks)."""


def _tree(root: Path, rev: str) -> dict[str, str]:
    """Caseload-relative path -> blob id of caseload.toml and the record files at `rev`."""
    out = gitio.git(
        root, "ls-tree", "-r", "-z", rev, "--", CASELOAD_FILE, *(f"{d}/" for d in RECORD_DIRS)
    ).stdout
    files = {}
    for rec in out.split("\0"):
        meta, _, path = rec.partition("\t")
        if path:
            files[path] = meta.split()[2]
    return files


def _blob_bytes(root: Path, blob: str) -> bytes:
    return gitio.git(root, "cat-file", "blob", blob, binary=True).stdout


def _team(root: Path, tree: dict[str, str]) -> set[str] | None:
    blob = tree.get(CASELOAD_FILE)
    if blob is None:
        return None
    try:
        data = storage.loads_bytes(_blob_bytes(root, blob), CASELOAD_FILE)
    except storage.ParseError:
        return None
    return set(Settings.from_dict(data).team)


_TEAM_LIST = re.compile(r" \(team: [^)]*\)$")


def rule_of(message: str) -> str:
    """The message without the parts that describe the context rather than the fault
    (the team listed after an unknown specialist), for comparing two sides."""
    return _TEAM_LIST.sub("", message)


def _record(rel: str) -> str:
    return Path(rel).stem if "/" in rel else rel


def _case_clashes(tree: dict[str, str]) -> list[list[str]]:
    groups: dict[tuple[str, str], list[str]] = {}
    for rel in tree:
        folder, _, name = rel.partition("/")
        if folder in RECORD_DIRS and "/" not in name and name.endswith(".toml"):
            groups.setdefault((folder, name.casefold()), []).append(rel)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _messages_on_side(
    root: Path, rel: str, tree: dict[str, str], team: set[str] | None
) -> set[str] | None:
    """Messages of the errors `rel` has on a side (None when that cannot be said)."""
    blob = tree.get(rel)
    if blob is None:
        return set()
    if not rel.startswith("participants/"):
        return None
    raw = _blob_bytes(root, blob)
    parsed = parse_participant(raw, rel)
    msgs = {rule_of(m) for _, _, m, sev in parsed.problems if sev == "error"}
    if parsed.data is not None and team is not None:
        text = raw.decode("utf-8", "replace")
        team_probs = participant_team_problems(parsed.data, rel, text, team)
        msgs |= {rule_of(p.message) for p in team_probs}
    return msgs


def introduced_problems(root: Path, ours: str, theirs: str) -> list[Breakage]:
    """Errors of the merged caseload in the work tree (HEAD, the merge of `ours` and
    `theirs`) that neither side had; [] when the merge broke nothing."""
    from ipstui.core.employers import load as load_employers
    from ipstui.core.loader import load

    cl = load(root)
    register = load_employers(root, cl.settings.team)
    merged = _tree(root, "HEAD")
    problems = errors_only([*cl.problems, *register.problems])
    if CASELOAD_FILE in merged and not any(p.path == CASELOAD_FILE for p in problems):
        raw = _blob_bytes(root, merged[CASELOAD_FILE])
        try:
            data = storage.loads_bytes(raw, CASELOAD_FILE)
            problems += errors_only(caseload_problems(data, CASELOAD_FILE, raw.decode()))
        except storage.ParseError as exc:
            problems.append(Problem(CASELOAD_FILE, exc.line, exc.col, exc.message))
    sides = [_tree(root, ours), _tree(root, theirs)]
    teams: list[set[str] | None] = [None, None]
    out: list[Breakage] = []
    seen: set[tuple[str, str]] = set()
    for p in problems:
        if (p.path, p.message) in seen:
            continue
        seen.add((p.path, p.message))
        rule = "team" if "unknown specialist" in p.message else "file"
        old = False
        for i, side in enumerate(sides):
            same_inputs = side.get(p.path) == merged.get(p.path) and (
                p.path == CASELOAD_FILE or side.get(CASELOAD_FILE) == merged.get(CASELOAD_FILE)
            )
            if same_inputs and p.path in merged:
                old = True
                break
            if p.path == CASELOAD_FILE:
                continue
            if teams[i] is None:
                teams[i] = _team(root, side)
            msgs = _messages_on_side(root, p.path, side, teams[i])
            if msgs is not None and rule_of(p.message) in msgs:
                old = True
                break
        if not old:
            out.append(Breakage(p, _record(p.path), rule))
    for group in _case_clashes(merged):
        if any(all(rel in side for rel in group) for side in sides):
            continue
        ids = [_record(rel) for rel in group]
        msg = "ids equal ignoring case: " + ", ".join(ids) + " (one file on macOS and Windows)"
        for rel in group:
            out.append(Breakage(Problem(rel, 1, 1, msg), _record(rel), "id_case"))
    return out


_WHAT_TO_DO = {
    "team": (
        "assign {ids} to a current team member (`ipstui set ID specialist=KEY`; an "
        "employer contact's `by`) or put the member back in caseload.toml, then sync again"
    ),
    "id_case": "give {ids} ids that differ in more than case, commit, and sync again",
    "file": "fix {ids} on your side (`ipstui validate` shows where), commit, and sync again",
}


def describe(breakages: list[Breakage], label: str, limit: int = 4) -> str:
    """One line: which records, which rule, what to do."""
    shown = breakages[:limit]
    parts = [f"{b.record}: {b.problem.message}" for b in shown]
    if len(breakages) > limit:
        parts.append(f"and {len(breakages) - limit} more")
    todo = []
    for rule in ("team", "id_case", "file"):
        ids = list(dict.fromkeys(b.record for b in breakages if b.rule == rule))
        if ids:
            todo.append(_WHAT_TO_DO[rule].format(ids=", ".join(ids)))
    return (
        f"merging {label} would break the caseload ("
        + "; ".join(parts)
        + "), so nothing was pushed and your branch is back where it was; to fix it: "
        + "; ".join(todo)
    )
