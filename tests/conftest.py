"""Shared fixtures: a moto server on 127.0.0.1 and a CLI runner. Tests never reach real AWS."""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, settings

# Property tests: one profile per purpose, chosen before any test module builds its settings.
# "ci" (CI=true, and `make test` selects it by HYPOTHESIS_PROFILE=ci): derandomized, so a commit gives
# the same examples and the same result on every machine; no example database read or written.
# "dev" (a plain `pytest`): random examples, as a developer's extra hunt. "fuzz": `make fuzz`'s campaign.
_BASE = settings.get_profile("default")  # explicit parent: the profiles never inherit whichever one is loaded
settings.register_profile("ci", _BASE, derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", _BASE, derandomize=False, database=None, deadline=None, print_blob=True)
settings.register_profile(
    "fuzz",
    _BASE,
    derandomize=False,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)


def hypothesis_profile(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """HYPOTHESIS_PROFILE when set, else "ci" under CI=true, else "dev"."""
    chosen = environ.get("HYPOTHESIS_PROFILE", "").strip()
    if chosen:
        return chosen
    return "ci" if environ.get("CI", "").strip().lower() in {"1", "true", "yes"} else "dev"


settings.load_profile(hypothesis_profile())

for _key, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}.items():
    os.environ[_key] = _value
os.environ.pop("AWS_PROFILE", None)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # moto's request log is noise in test output
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto(moto_endpoint: str) -> Iterator[Any]:
    """A clean moto account for this test, with the demo's helpers (roles, functions) bound to it."""
    from lambda_compliance.demo import Estate

    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    session = boto3.Session(region_name="us-east-1")
    yield Estate(session=session, endpoint_url=moto_endpoint)


@pytest.fixture
def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in-process from an empty directory (so no lambda-compliance.yaml of the caller applies);
    returns (exit status, JSON document or None, stdout, stderr)."""
    from lambda_compliance.cli import main

    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)

    def run(*args: str) -> tuple[int, dict[str, Any] | None, str, str]:
        out = tmp_path / "report.json"
        argv = list(args)
        wants_json = "--format" not in argv
        if wants_json:
            argv += ["--format", "json", "--output", str(out)]
        status = main(argv)
        captured = capsys.readouterr()
        document = json.loads(out.read_text()) if wants_json and out.exists() else None
        return status, document, captured.out, captured.err

    return run


def verdict_map(document: dict[str, Any], rule: str) -> dict[str, str]:
    """resourceId -> compliance for one rule."""
    return {e["resourceId"]: e["compliance"] for e in document["evaluations"] if e["rule"] == rule}
