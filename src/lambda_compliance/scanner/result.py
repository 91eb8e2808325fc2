"""One scan's result: what every report format is rendered from (``report.document``).

Evaluations from every target are held once, merged in the order reports print them (rule,
account, region, resource type, resource id), as the engine's compact ``Result`` rows; nothing
here keeps a configuration item or an AWS payload.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambda_compliance.scanner import engine
from lambda_compliance.scanner.scan import ScanReport


@dataclass
class TargetInfo:
    """What was scanned in one (account, region): the document's ``scan.targets`` entry."""

    account_id: str
    region: str
    source: str
    started: str
    seconds: float
    resources: int
    requests: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "region": self.region,
            "source": self.source,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "resources": self.resources,
            "requests": self.requests,
        }


@dataclass
class ScanResult:
    rules: list[str]  # the rules run, sorted
    targets: list[TargetInfo] = field(default_factory=list)
    evaluations: list[engine.Result] = field(default_factory=list)
    errors: list[engine.RuleError] = field(default_factory=list)
    failed_targets: list[dict[str, str]] = field(default_factory=list)
    configuration: dict[str, Any] = field(default_factory=dict)
    exemptions: list[dict[str, Any]] = field(default_factory=list)
    framework: str | None = None
    # A template scan: resource id -> where it is written (scanner.templates.Location).
    locations: dict[str, Any] | None = None
    # A snapshot scan: which AWS managed policy versions the offline verdicts rest on.
    aws_managed_policies: dict[str, Any] | None = None
    # The demo's remediation: the first scan and the runs (``remediation.demo.attachment``).
    remediation: dict[str, Any] | None = None
    # The AWS account read (live scans): where ``--to-security-hub`` imports.
    session: Any = None
    endpoint_url: str | None = None

    @classmethod
    def of(cls, reports: list[ScanReport], rules: list[str], **kwargs: Any) -> ScanResult:
        """Merge per-target reports (each already sorted) into one result, in report order."""
        return cls(
            rules=sorted(rules),
            targets=[
                TargetInfo(r.account_id, r.region, r.source, r.started, r.seconds, r.resources, r.request_total)
                for r in reports
            ],
            evaluations=_merged([r.outcome.results for r in reports]),
            errors=[e for r in reports for e in r.outcome.errors],
            **kwargs,
        )

    def counts(self) -> Counter[str]:
        return Counter(r.compliance for r in self.evaluations)

    @property
    def failed(self) -> bool:
        """A rule failed, or a target could not be scanned."""
        return any(e.kind == "error" for e in self.errors) or bool(self.failed_targets)

    @property
    def skipped(self) -> int:
        return sum(1 for e in self.errors if e.kind == "skipped")


def _merged(parts: list[list[engine.Result]]) -> list[engine.Result]:
    if len(parts) == 1:
        return parts[0]
    # Each target's rows are sorted already; the document lists all targets' rows as one
    # concatenation (what build_document always did), so keep that order rather than re-sorting.
    return [r for part in parts for r in part]


def configuration(settings: Any) -> dict[str, Any]:
    """The parameters in force and where they came from (every report format shows them)."""
    return {
        "file": _display_path(settings.path) if settings.path else None,
        "parameters": {rule: dict(values) for rule, values in settings.parameters.items() if values},
        "disabled": sorted(settings.disabled),
    }


def exemption_report(settings: Any, evaluations: Iterable[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Every configured exemption with its status and the resources it exempted in this scan.

    ``evaluations``: (rule, annotation, resource id) of every evaluation.
    """
    from lambda_compliance.runtime import annotations, clock

    today = clock.today()
    rows = list(evaluations) if settings.exemptions else []
    out = []
    for exemption in settings.exemptions:
        mark = annotations.exempt(exemption.reason)
        applied = sorted({rid for rule, note, rid in rows if note == mark and exemption.applies_to_rule(rule)})
        status = "expired" if exemption.expired(today) else "active"
        out.append({**exemption.as_json(), "status": status, "applied_to": applied})
    return out


def _display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
