"""ipstui — a terminal caseload tracker for IPS employment teams."""

__version__ = "0.1.0"
