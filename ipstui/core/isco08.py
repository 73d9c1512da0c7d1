"""ISCO-08, the International Standard Classification of Occupations (ILO, 2008): the 10
major groups and 43 sub-major groups with their English titles, for a job's `job_type`
(SPEC §2, §10). Source: ILO, ISCO-08 Volume I, structure and group definitions (2012).
Eurostat uses the same codes; Italian CP2011, Danish DISCO-08 and Swedish SSYK 2012 map
onto them. Translations of the titles come with the language catalogs.

A `job_type` is 1 to 4 digits: a major group ("5"), a sub-major group ("52") or a finer
group inside one ("522", "5223"). Its first digit must be a major group and, from two
digits on, its first two digits one of the 43 sub-major groups.
"""

from __future__ import annotations

import re

MAJOR: dict[str, str] = {
    "1": "Managers",
    "2": "Professionals",
    "3": "Technicians and associate professionals",
    "4": "Clerical support workers",
    "5": "Service and sales workers",
    "6": "Skilled agricultural, forestry and fishery workers",
    "7": "Craft and related trades workers",
    "8": "Plant and machine operators, and assemblers",
    "9": "Elementary occupations",
    "0": "Armed forces occupations",
}
"""Major group code -> English title, in the order ISCO-08 lists them (0 last)."""

SUB_MAJOR: dict[str, str] = {
    "11": "Chief executives, senior officials and legislators",
    "12": "Administrative and commercial managers",
    "13": "Production and specialised services managers",
    "14": "Hospitality, retail and other services managers",
    "21": "Science and engineering professionals",
    "22": "Health professionals",
    "23": "Teaching professionals",
    "24": "Business and administration professionals",
    "25": "Information and communications technology professionals",
    "26": "Legal, social and cultural professionals",
    "31": "Science and engineering associate professionals",
    "32": "Health associate professionals",
    "33": "Business and administration associate professionals",
    "34": "Legal, social, cultural and related associate professionals",
    "35": "Information and communications technicians",
    "41": "General and keyboard clerks",
    "42": "Customer services clerks",
    "43": "Numerical and material recording clerks",
    "44": "Other clerical support workers",
    "51": "Personal service workers",
    "52": "Sales workers",
    "53": "Personal care workers",
    "54": "Protective services workers",
    "61": "Market-oriented skilled agricultural workers",
    "62": "Market-oriented skilled forestry, fishery and hunting workers",
    "63": "Subsistence farmers, fishers, hunters and gatherers",
    "71": "Building and related trades workers, excluding electricians",
    "72": "Metal, machinery and related trades workers",
    "73": "Handicraft and printing workers",
    "74": "Electrical and electronic trades workers",
    "75": "Food processing, wood working, garment and other craft and related trades workers",
    "81": "Stationary plant and machine operators",
    "82": "Assemblers",
    "83": "Drivers and mobile plant operators",
    "91": "Cleaners and helpers",
    "92": "Agricultural, forestry and fishery labourers",
    "93": "Labourers in mining, construction, manufacturing and transport",
    "94": "Food preparation assistants",
    "95": "Street and related sales and service workers",
    "96": "Refuse workers and other elementary workers",
    "01": "Commissioned armed forces officers",
    "02": "Non-commissioned armed forces officers",
    "03": "Armed forces occupations, other ranks",
}
"""Sub-major group code -> English title (43 groups), in ISCO-08's order (0x last)."""

_CODE = re.compile(r"[0-9]{1,4}")


def check(code: object) -> str | None:
    """None when `code` is a valid `job_type`, else a one-line reason."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return f"{code!r} is not an ISCO-08 code (1 to 4 digits, like 52 or 5223)"
    if code[:1] not in MAJOR:  # pragma: no cover - every digit is a major group
        return f"{code!r}: {code[:1]} is not an ISCO-08 major group"
    if len(code) >= 2 and code[:2] not in SUB_MAJOR:
        return f"{code!r}: {code[:2]} is not an ISCO-08 sub-major group"
    return None


def label(code: str) -> str:
    """The title of the most precise group this list knows for `code` ('' if none):
    '5223' -> 'Sales workers' (its sub-major group), '5' -> 'Service and sales workers'."""
    return SUB_MAJOR.get(code[:2], "") if len(code) >= 2 else MAJOR.get(code, "")


def choices() -> list[tuple[str, str]]:
    """(code, "code  title") for a picker: each major group followed by its sub-major
    groups, indented."""
    out: list[tuple[str, str]] = []
    for major, title in MAJOR.items():
        out.append((major, f"{major}  {title}"))
        for code, sub in SUB_MAJOR.items():
            if code[0] == major:
                out.append((code, f"  {code}  {sub}"))
    return out


def schema_pattern() -> str:
    """The `job_type` pattern of schema/participant.schema.json, built from this list."""
    by_major: dict[str, list[str]] = {}
    for code in SUB_MAJOR:
        by_major.setdefault(code[0], []).append(code[1])
    parts = []
    for major in sorted(by_major):
        digits = sorted(by_major[major])
        if digits == [str(d) for d in range(int(digits[0]), int(digits[-1]) + 1)]:
            parts.append(f"{major}[{digits[0]}-{digits[-1]}]")
        else:  # pragma: no cover - ISCO-08's sub-major digits are contiguous
            parts.append(f"{major}[{''.join(digits)}]")
    return f"^(?:[0-9]|(?:{'|'.join(parts)})[0-9]{{0,2}})$"
