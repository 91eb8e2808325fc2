"""The test suite's own environment: which hypothesis profile runs, and where the browser test finds a browser."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import browser_support
import pytest
from conftest import hypothesis_profile
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("environ", "profile"),
    [
        ({"CI": "true"}, "ci"),
        ({"CI": "TRUE"}, "ci"),
        ({"CI": "1"}, "ci"),
        ({}, "dev"),
        ({"CI": "false"}, "dev"),
        ({"CI": ""}, "dev"),
        ({"HYPOTHESIS_PROFILE": "ci"}, "ci"),
        ({"HYPOTHESIS_PROFILE": "fuzz", "CI": "true"}, "fuzz"),
    ],
)
def test_profile_follows_hypothesis_profile_then_ci(environ, profile):
    assert hypothesis_profile(environ) == profile


def test_ci_profile_is_derandomized_without_an_example_database():
    ci = settings.get_profile("ci")
    assert ci.derandomize is True and ci.database is None
    assert settings.get_profile("dev").database is None and settings.get_profile("fuzz").database is None
    assert settings.get_profile("fuzz").derandomize is False  # the campaign is randomized on purpose


def test_the_loaded_profile_is_the_selected_one():
    selected = settings.get_profile(hypothesis_profile())
    assert settings.default.derandomize == selected.derandomize
    assert settings.default.database == selected.database


def test_make_test_selects_the_ci_profile_and_make_fuzz_exists():
    makefile = (ROOT / "Makefile").read_text()
    assert "HYPOTHESIS_PROFILE=ci $(PY) -m pytest" in makefile
    assert "\nfuzz: " in makefile and "tests/fuzz.py" in makefile
    assert "apt-get install" not in makefile  # installing is browser_support's decision, root on Debian only
    assert ".hypothesis/" in (ROOT / ".gitignore").read_text().splitlines()


def _executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_browser_found_by_chrome_variable_then_by_name(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    chrome = _executable(tmp_path / "my-chrome")
    assert browser_support.find({"CHROME": str(chrome), "PATH": str(bin_dir)}) == str(chrome)
    assert browser_support.find({"CHROME": str(tmp_path / "absent"), "PATH": str(bin_dir)}) is None
    stable = _executable(bin_dir / "google-chrome-stable")
    assert browser_support.find({"PATH": str(bin_dir)}) == str(stable)
    chromium = _executable(bin_dir / "chromium")
    assert browser_support.find({"PATH": str(bin_dir)}) == str(chromium)  # chromium is asked first


def test_no_browser_is_none_unless_the_macos_app_exists(tmp_path):
    expected = browser_support.MACOS_APP if os.access(browser_support.MACOS_APP, os.X_OK) else None
    assert browser_support.find({"PATH": str(tmp_path)}) == expected


def test_without_a_browser_make_prints_how_to_enable_it_and_ci_fails(monkeypatch, capsys):
    monkeypatch.setattr(browser_support, "find", lambda environ=os.environ: None)
    monkeypatch.setattr(browser_support, "can_apt_install", lambda: False)
    monkeypatch.delenv("CI", raising=False)
    assert browser_support.ensure() == 0
    assert capsys.readouterr().out.strip().splitlines() == [browser_support.ENABLE_HINT]
    monkeypatch.setenv("CI", "true")
    assert browser_support.ensure() == 1
    assert "CHROME=" in capsys.readouterr().out


def test_apt_is_used_only_as_root_on_debian(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert browser_support.can_apt_install() is False
