"""The JSON Schemas of the caseload files, shipped in the wheel as the data package
`ipstui.schema` (see `[tool.setuptools.package-dir]` in pyproject.toml). Editors and
check-jsonschema point at this folder; ipstui reads the same files through
`importlib.resources` (`ipstui.core.resources`). Holds no code."""
