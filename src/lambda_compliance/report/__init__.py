"""Scan results as documents: the JSON model every output format is rendered from.

Format modules in this package expose ``FORMAT`` (its name) and
``render(document, console) -> str | None`` (a string to write, or None when it
printed to the console itself). They are discovered, so a new format is one
new module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from lambda_compliance.scanner.engine import Outcome
from lambda_compliance.scanner.scan import ScanReport

Renderer = Callable[..., str | None]


def summarise(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    results = list(results)
    by_compliance = Counter(r["compliance"] for r in results)
    per_rule: dict[str, Counter[str]] = {}
    for r in results:
        per_rule.setdefault(r["rule"], Counter())[r["compliance"]] += 1
    return {
        "total": len(results),
        "COMPLIANT": by_compliance.get("COMPLIANT", 0),
        "NON_COMPLIANT": by_compliance.get("NON_COMPLIANT", 0),
        "NOT_APPLICABLE": by_compliance.get("NOT_APPLICABLE", 0),
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
    return {
        "evaluations": evaluations,
        "errors": [e.as_dict() for e in outcome.errors],
        "summary": summarise(evaluations),
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


@cache
def renderers() -> dict[str, Renderer]:
    found: dict[str, Renderer] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "FORMAT") and hasattr(module, "render"):
            found[module.FORMAT] = module.render
    return found
