"""Where the project's shipped files live (schema/, sample_caseload/)."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCHEMA_DIR = PROJECT_DIR / "schema"
SAMPLE_DIR = PROJECT_DIR / "sample_caseload"
PARTICIPANT_SCHEMA = SCHEMA_DIR / "participant.schema.json"
CASELOAD_SCHEMA = SCHEMA_DIR / "caseload.schema.json"
