"""Scan results as documents: the JSON model every output format is rendered from.

Format modules in this package expose ``FORMAT`` (its name) and
``render(document, console) -> str | None`` (a string to write, or None when it
printed to the console itself), and may add ``write(document, handle)`` that
streams the same text to a file. They are discovered, so a new format is one
new module.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from lambda_compliance.scanner import engine
from lambda_compliance.scanner.engine import Outcome
from lambda_compliance.scanner.result import ScanResult, configuration, exemption_report
from lambda_compliance.scanner.scan import ScanReport

Renderer = Callable[..., str | None]


def skipped_summary(errors: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Evaluations a scan could not make (a snapshot has no service APIs), per rule and reason.

    A skipped evaluation is neither a pass nor a failure: every format shows how many there were
    so a clean-looking report of a partial scan is never mistaken for a complete one.
    """
    per_rule: dict[str, Counter[str]] = {}
    for error in errors:
        if error.get("kind") == "skipped":
            per_rule.setdefault(error["rule"], Counter())[error.get("message", "")] += 1
    return {
        "total": sum(sum(c.values()) for c in per_rule.values()),
        "rules": {
            rule: {"count": sum(reasons.values()), "reasons": dict(sorted(reasons.items()))}
            for rule, reasons in sorted(per_rule.items())
        },
    }


def summarise(results: Iterable[dict[str, Any]], errors: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    skipped = skipped_summary(errors)
    by_compliance: Counter[str] = Counter()
    per_rule: dict[str, Counter[str]] = {}
    total = 0
    for r in results:  # one pass: ``results`` may be rows made as they are read
        total += 1
        by_compliance[r["compliance"]] += 1
        per_rule.setdefault(r["rule"], Counter())[r["compliance"]] += 1
    return {
        "total": total,
        "COMPLIANT": by_compliance.get("COMPLIANT", 0),
        "NON_COMPLIANT": by_compliance.get("NON_COMPLIANT", 0),
        "NOT_APPLICABLE": by_compliance.get("NOT_APPLICABLE", 0),
        "SKIPPED": skipped["total"],
        "skipped": skipped,
        "rules": {
            rule: {k: counts.get(k, 0) for k in ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")}
            for rule, counts in sorted(per_rule.items())
        },
    }


def build_document(reports: list[ScanReport], rules: Iterable[Any]) -> dict[str, Any]:
    """The scan as data: evaluations, errors, summary, and what was scanned."""
    outcome = Outcome()
    for report in reports:
        outcome.extend(report.outcome)
    evaluations = [r.as_dict() for r in outcome.results]
    errors = [e.as_dict() for e in outcome.errors]
    return {
        "evaluations": evaluations,
        "errors": errors,
        "summary": summarise(evaluations, errors),
        "scan": {
            "targets": [
                {
                    "accountId": r.account_id,
                    "region": r.region,
                    "source": r.source,
                    "started": r.started,
                    "seconds": round(r.seconds, 3),
                    "resources": r.resources,
                    "requests": r.request_total,
                }
                for r in reports
            ],
            "rules": sorted(rule.rule_name() for rule in rules),
        },
    }


def document(result: ScanResult) -> dict[str, Any]:
    """The scan as the document every format renders: ``build_document``'s keys, where the scan came
    from, the configuration and exemptions in force, and the per-framework clause data."""
    from lambda_compliance.report import compliance
    from lambda_compliance.report.rows import Rows

    evaluations: list[dict[str, Any]]
    if result.locations is not None:  # a template scan adds each row's location: rows that are kept
        evaluations = [r.as_dict() for r in result.evaluations]
    else:  # made when read: a large scan's document never holds one dict per evaluation
        evaluations = Rows(result.evaluations, engine.Result.as_dict)
    errors = [e.as_dict() for e in result.errors]
    doc: dict[str, Any] = {
        "evaluations": evaluations,
        "errors": errors,
        "summary": summarise(evaluations, errors),
        "scan": {"targets": [t.as_dict() for t in result.targets], "rules": list(result.rules)},
    }
    if result.locations is not None:
        _locate(doc, result.locations)
    doc["failedTargets"] = result.failed_targets
    if result.aws_managed_policies is not None:
        doc["scan"]["awsManagedPolicies"] = result.aws_managed_policies
    if result.remediation is not None:
        doc.update(result.remediation)
    doc["exemptions"] = result.exemptions
    doc["configuration"] = result.configuration
    return compliance.enrich(doc, result.framework)


def _locate(doc: dict[str, Any], locations: dict[str, Any]) -> None:
    """Each evaluation and error of a template scan names the file and line of its resource."""
    for entry in [*doc["evaluations"], *doc["errors"]]:
        where = locations.get(entry.get("resourceId") or "")
        if where is not None:
            entry["location"] = {"file": where.path, "line": where.line, "logicalId": where.logical_id}


def attach_configuration(doc: dict[str, Any], settings: Any) -> None:
    """A document read from elsewhere (a deployed Config): the parameters in force and the exemptions."""
    rows = ((e["rule"], e["annotation"], e["resourceId"]) for e in doc["evaluations"])
    doc["exemptions"] = exemption_report(settings, rows)
    doc["configuration"] = configuration(settings)


def finding_id(evaluation: dict[str, Any]) -> str:
    """One evaluation's stable id across scans (rule, account, region, resource): OCSF ``finding_info.uid`` and
    the ASFF ``Id``, so a rescan updates the same finding instead of adding one. The resource is hashed: an
    ARN can be long and hold characters finding ids do not need."""
    resource = hashlib.sha256(f"{evaluation['resourceType']}|{evaluation['resourceId']}".encode()).hexdigest()[:32]
    account, region = evaluation.get("accountId") or "-", evaluation.get("region") or "-"
    return f"lambda-compliance/{account}/{region}/{evaluation['rule']}/{resource}"


@cache
def writers() -> dict[str, Callable[[dict[str, Any], Any], None]]:
    """Formats that can also stream to an open text file (``write(document, handle)``), by name."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "FORMAT") and hasattr(module, "write"):
            found[module.FORMAT] = module.write
    return found


@cache
def renderers() -> dict[str, Renderer]:
    found: dict[str, Renderer] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "FORMAT") and hasattr(module, "render"):
            found[module.FORMAT] = module.render
    return found
