"""The one problem list of a caseload: what `ipstui validate` prints and what the app's
Problems screen shows (SPEC §2, §7, §9), so the two never disagree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from ipstui.core.model import Problem
from ipstui.core.refs import participant_refs

if TYPE_CHECKING:
    from ipstui.core.caseload import Caseload
    from ipstui.core.employers import Register


def every_problem(cl: Caseload, register: Register, *, today: date | None) -> list[Problem]:
    """Every finding of the caseload `cl` with its employer `register`, sorted by (path,
    line, column): the load's (each file by `caseload.file_problems`, the case twins,
    caseload.toml's, files that are not participant files), the register's, an error
    for each participant file whose id erasures.toml lists, erasures.toml's own problem
    (`erasures.register_problem`), a warning for each stray file beside the records
    (`validate.stray_file_problems`), a warning
    for each `employer_id` the register lacks (`employers.reference_problems`) and, with
    `today`, one for each event date after it (`validate.future_event_problems`).

    Reads only the participant files that have such a warning (for its position): the
    employer ids and the latest event date of the others are cached with their summary
    (`refs.refs_row`), so the list costs no file read per participant."""
    from ipstui.core.employers import reference_problems

    known = {k.casefold() for k in register.known_ids}
    after = today.toordinal() if today is not None else None
    naming: list[str] = []
    future: list[tuple[str, str]] = []
    for pid, rel, (_jobs, named, latest) in participant_refs(cl.participants):
        if any(eid.casefold() not in known for _key, _i, eid in named):
            naming.append(rel)
        if after is not None and latest is not None and latest > after:
            future.append((pid, rel))
    out = [*cl.problems, *register.problems, *reference_problems(register, cl.root, naming)]
    from ipstui.core.erasures import problems_on_disk

    # The register itself broken or invalid, an erased person brought back (SPEC §12).
    out += problems_on_disk(cl.root)
    from ipstui.core.validate import stray_file_problems

    # Files beside the records (a `.orig` copy, notes): out of erase's reach (SPEC §1).
    out += stray_file_problems(cl.root, (p.path for p in out))
    if today is not None and future:
        from ipstui.core.validate import future_event_problems

        for pid, rel in future:
            path = cl.root / rel
            out += future_event_problems(
                cl.participants[pid].data,
                rel,
                lambda path=path: path.read_text(encoding="utf-8"),
                today,
            )
    return sorted(out, key=lambda p: (p.path, p.line, p.col))


def tally(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings) among `problems`: what the app's header and the Problems
    screen's title both say of the one list (`every_problem`), so their counts agree.
    Every problem that is not an error is a warning."""
    errors = warnings = 0
    for p in problems:
        if p.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings
