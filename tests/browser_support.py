"""Where the HTML report's browser test finds its headless Chromium/Chrome: one place for it and `make test`.

``find()`` looks at ``$CHROME`` first, then the usual command names, then the macOS application.
``python tests/browser_support.py`` (run by ``make browser-deps``) reports what it found; with none,
it installs Debian's chromium through apt only when running as root on a Debian-family system, and
otherwise prints one line saying how to enable the test. Under ``CI=true`` a missing browser is an
error (exit 1), never a skip: CI must run the browser test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MACOS_APP = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
ENABLE_HINT = (
    "browser test skipped: no Chromium or Chrome found; to enable it install chromium "
    "(e.g. sudo apt-get install chromium, or Google Chrome) or set CHROME=/path/to/chrome"
)


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _runnable(path: str | None) -> str | None:
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def find(environ: Mapping[str, str] = os.environ) -> str | None:
    """The browser to run: $CHROME, then chromium / chromium-browser / google-chrome(-stable), then macOS's."""
    chosen = environ.get("CHROME", "").strip()
    if chosen:
        return _runnable(chosen) or _runnable(shutil.which(chosen, path=environ.get("PATH")))
    for name in COMMANDS:
        found = shutil.which(name, path=environ.get("PATH"))
        if found:
            return found
    return _runnable(MACOS_APP)


def can_apt_install() -> bool:
    """Root on a Debian-family system (the only case where installing for the developer is ours to do)."""
    return os.geteuid() == 0 and Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None


def _apt_install() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)


def ensure() -> int:
    """make browser-deps: 0 with a browser (found or installed) or a skip line; 1 when CI lacks one."""
    found = find()
    if not found and can_apt_install():
        try:
            _apt_install()
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"browser: apt-get install chromium failed ({exc})", file=sys.stderr)
        found = find()
    if found:
        print(f"browser test: {found}")
        return 0
    if in_ci():
        print("error: CI=true needs a browser for the HTML report test; " + ENABLE_HINT.split("; ", 1)[1])
        return 1
    print(ENABLE_HINT)
    return 0


if __name__ == "__main__":
    sys.exit(ensure())
