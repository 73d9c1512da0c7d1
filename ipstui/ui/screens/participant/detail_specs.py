"""How each field of the Details tab is edited (`DetailSpec`: its label, its kind of
control, whether it is required), in the order of SPEC §2's settable fields
(`DETAIL_SPECS`), and how a stored value shows in its control (`to_raw`, `raws_of`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ipstui.core.model import SETTABLE_FIELDS
from ipstui.core.vocab import FIELD_LABELS, readable


@dataclass(frozen=True, slots=True)
class DetailSpec:
    """How one scalar field is edited on the Details tab."""

    name: str
    label: str
    """English source, marked with `N_()`; translated where shown."""
    kind: str  # text | date | select | choice | list | area
    required: bool = False


def _spec(name: str, kind: str, required: bool = False) -> DetailSpec:
    """The spec of `name`, labelled as the field is everywhere (`vocab.FIELD_LABELS`)."""
    return DetailSpec(name, FIELD_LABELS.source[name], kind, required)


_SPECS: dict[str, DetailSpec] = {
    s.name: s
    for s in (
        _spec("name", "text", True),
        _spec("specialist", "select", True),
        _spec("phase", "select", True),
        _spec("phase_since", "date", True),
        _spec("referral_source", "choice"),
        _spec("referred_on", "date"),
        _spec("first_contact_on", "date"),
        _spec("enrolled_on", "date"),
        _spec("first_employer_contact_on", "date"),
        _spec("benefits_counseling_on", "date"),
        _spec("career_profile_updated_on", "date"),
        _spec("disclosure", "select"),
        _spec("support_mode", "select"),
        _spec("goals", "list"),
        _spec("strengths", "list"),
        _spec("notes", "area"),
    )
}

DETAIL_SPECS: tuple[DetailSpec, ...] = tuple(
    _SPECS.get(name) or DetailSpec(name, readable(name), "text") for name in SETTABLE_FIELDS
)


def to_raw(spec: DetailSpec, value: Any) -> Any:
    """A stored value as its control shows it (what `raw_value` reads back)."""
    if spec.kind in ("select", "choice"):
        return None if value is None else str(value)
    if value is None:
        return ""
    if spec.kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if spec.kind == "list":
        return ", ".join(str(x) for x in value) if isinstance(value, list) else str(value)
    return str(value)


def raws_of(data: dict[str, Any]) -> dict[str, Any]:
    """Every Details field of `data` as its control shows it."""
    return {s.name: to_raw(s, data.get(s.name)) for s in DETAIL_SPECS}
