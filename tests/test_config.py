"""User settings: key remapping read from a TOML file, never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipstui.core.config import config_path, load_keymap


def test_path_from_env_then_xdg_then_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IPSTUI_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path() == tmp_path / "xdg" / "ipstui" / "config.toml"
    monkeypatch.setenv("IPSTUI_CONFIG", str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"


def test_missing_file_is_no_problem(tmp_path: Path) -> None:
    assert load_keymap(tmp_path / "none.toml") == ({}, [])


def test_keys_and_problems(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[keys]\nnext_phase = "right_square_bracket, greater_than_sign"\nx = 1\ny = "no spaces allowed!"\n'
    )
    keymap, problems = load_keymap(path)
    assert keymap == {"next_phase": "right_square_bracket,greater_than_sign"}
    assert len(problems) == 2 and all(str(path) in p for p in problems)


def test_broken_file_reports_position(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[keys\n")
    keymap, problems = load_keymap(path)
    assert keymap == {} and problems and ":1:" in problems[0]
