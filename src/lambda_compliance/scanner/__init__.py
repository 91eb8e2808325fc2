"""The scanner: runs the deployed rule classes outside Lambda (engine, one scan, clients, targets,
snapshots, collectors that build Config-shaped CIs).

``run(ScanRequest) -> ScanResult`` is its one entry (``runner``); the request and result live in
``request`` and ``result``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lambda_compliance.scanner.collectors import ProgressSink
    from lambda_compliance.scanner.request import ScanRequest
    from lambda_compliance.scanner.result import ScanResult


def run(request: ScanRequest, progress: ProgressSink | None = None) -> ScanResult:
    """Run one scan request (imported here lazily: ``scanner.engine`` alone stays light)."""
    from lambda_compliance.scanner import runner

    return runner.run(request, progress)


def session(profile: str | None = None) -> Any:
    from lambda_compliance.scanner import runner

    return runner.session(profile)
