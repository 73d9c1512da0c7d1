"""The user's documentation, shipped in the wheel as the data package `ipstui.docs` (see
`[tool.setuptools.package-dir]` in pyproject.toml), so the pointer in the caseload.toml
that `ipstui init` writes (docs/deadlines.md) holds for an installed ipstui too.
Holds no code."""
