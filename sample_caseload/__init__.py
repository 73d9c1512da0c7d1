"""The fictional sample caseload `ipstui demo` starts from, shipped in the wheel as the
data package `ipstui.sample` (see `[tool.setuptools.package-dir]` in pyproject.toml) and
read through `importlib.resources` (`ipstui.core.resources`). Holds no code."""
