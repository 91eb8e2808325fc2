"""The compliance report from a deployed AWS Config: the same document a scan builds, read from Config.

Three sources, one shape (``report.build_document``'s ``evaluations``/``errors``/
``summary``/``scan``):

- the account's Config rules: ``describe_compliance_by_config_rule`` lists them,
  ``get_compliance_details_by_config_rule`` gives each evaluation;
- one conformance pack: ``describe_conformance_pack_compliance`` and
  ``get_conformance_pack_compliance_details`` (packs record COMPLIANT, NON_COMPLIANT
  and INSUFFICIENT_DATA only);
- a Config aggregator across an organization: ``describe_aggregate_compliance_by_config_rules``
  and ``get_aggregate_compliance_details_by_config_rule`` per rule, account and region.

Only this project's rules are read: a deployed rule name is the catalog name, or the
name a conformance pack gives it (``<NAME>-conformance-pack-<id>``). INSUFFICIENT_DATA
is reported as a rule error, so its clauses show "partly tested" or "not tested", never
"no exceptions".
A NON_COMPLIANT evaluation carries ``since``: the time of the configuration change
Config evaluated (its ordering timestamp).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from lambda_compliance.report import summarise

VERDICTS = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
_PACK_SUFFIX = re.compile(r"-conformance-pack-[a-z0-9]+$")


def rule_name(config_rule_name: str, known: Iterable[str]) -> str | None:
    """This project's rule behind a deployed Config rule name, or None for someone else's rule."""
    names = set(known)
    base = _PACK_SUFFIX.sub("", config_rule_name)
    if base in names:
        return base
    candidates = [n for n in names if config_rule_name.startswith(n + "-")]
    return max(candidates, key=len) if candidates else None


def _stamp(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return str(value or "")


class _Counter:
    def __init__(self) -> None:
        self.requests = 0

    def pages(self, client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        if client.can_paginate(operation):
            for page in client.get_paginator(operation).paginate(**kwargs):
                self.requests += 1
                yield from page.get(key, [])
            return
        # get_conformance_pack_compliance_details has no boto3 paginator: follow NextToken.
        token = None
        while True:
            page = getattr(client, operation)(**kwargs, **({"NextToken": token} if token else {}))
            self.requests += 1
            yield from page.get(key, [])
            token = page.get("NextToken")
            if not token:
                return


def _evaluation(raw: dict[str, Any], rule: str, account: str, region: str) -> dict[str, str]:
    qualifier = raw["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
    out = {
        "rule": rule,
        "resourceType": qualifier.get("ResourceType", ""),
        "resourceId": qualifier.get("ResourceId", ""),
        "compliance": raw["ComplianceType"],
        "annotation": raw.get("Annotation") or raw["ComplianceType"].replace("_", " ").lower(),
        "accountId": raw.get("AccountId") or account,
        "region": raw.get("AwsRegion") or region,
    }
    if raw["ComplianceType"] == "NON_COMPLIANT":
        out["since"] = _stamp(raw["EvaluationResultIdentifier"].get("OrderingTimestamp"))
    out["recorded"] = _stamp(raw.get("ResultRecordedTime"))
    return out


def _split(
    results: Iterable[dict[str, Any]], rule: str, account: str, region: str
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    evaluations, errors = [], []
    for raw in results:
        item = _evaluation(raw, rule, account, region)
        if item["compliance"] in VERDICTS:
            evaluations.append(item)
        else:
            errors.append(
                {
                    "rule": rule,
                    "message": "AWS Config has insufficient data for this resource",
                    "resourceId": item["resourceId"],
                    "accountId": item["accountId"],
                    "region": item["region"],
                    "kind": "error",
                }
            )
    return evaluations, errors


def from_account(client: Any, account: str, region: str, known: Iterable[str]) -> dict[str, Any]:
    counter = _Counter()
    started, clock = datetime.now(UTC), time.perf_counter()
    evaluations, errors, rules = [], [], set()
    for item in list(counter.pages(client, "describe_compliance_by_config_rule", "ComplianceByConfigRules")):
        name = rule_name(item["ConfigRuleName"], known)
        if name is None:
            continue
        rules.add(name)
        results = counter.pages(
            client,
            "get_compliance_details_by_config_rule",
            "EvaluationResults",
            ConfigRuleName=item["ConfigRuleName"],
            ComplianceTypes=list(VERDICTS),
        )
        found, failed = _split(results, name, account, region)
        evaluations += found
        errors += failed
    target = _target(account, region, "aws-config", started, clock, evaluations, counter)
    return _document(evaluations, errors, rules, [target])


def from_conformance_pack(client: Any, pack: str, account: str, region: str, known: Iterable[str]) -> dict[str, Any]:
    counter = _Counter()
    started, clock = datetime.now(UTC), time.perf_counter()
    evaluations, errors, rules = [], [], set()
    listed = list(
        counter.pages(
            client,
            "describe_conformance_pack_compliance",
            "ConformancePackRuleComplianceList",
            ConformancePackName=pack,
        )
    )
    for item in listed:
        name = rule_name(item["ConfigRuleName"], known)
        if name is None:
            continue
        rules.add(name)
        results = counter.pages(
            client,
            "get_conformance_pack_compliance_details",
            "ConformancePackRuleEvaluationResults",
            ConformancePackName=pack,
            Filters={"ConfigRuleNames": [item["ConfigRuleName"]]},
        )
        found, failed = _split(results, name, account, region)
        evaluations += found
        errors += failed
    target = _target(account, region, f"conformance-pack:{pack}", started, clock, evaluations, counter)
    return _document(evaluations, errors, rules, [target])


def from_aggregator(client: Any, aggregator: str, known: Iterable[str]) -> dict[str, Any]:
    counter = _Counter()
    started, clock = datetime.now(UTC), time.perf_counter()
    evaluations, errors, rules = [], [], set()
    combos = list(
        counter.pages(
            client,
            "describe_aggregate_compliance_by_config_rules",
            "AggregateComplianceByConfigRules",
            ConfigurationAggregatorName=aggregator,
        )
    )
    for item in combos:
        name = rule_name(item["ConfigRuleName"], known)
        if name is None:
            continue
        rules.add(name)
        for verdict in ("COMPLIANT", "NON_COMPLIANT"):  # the only filters this API accepts
            results = counter.pages(
                client,
                "get_aggregate_compliance_details_by_config_rule",
                "AggregateEvaluationResults",
                ConfigurationAggregatorName=aggregator,
                ConfigRuleName=item["ConfigRuleName"],
                AccountId=item["AccountId"],
                AwsRegion=item["AwsRegion"],
                ComplianceType=verdict,
            )
            found, failed = _split(results, name, item["AccountId"], item["AwsRegion"])
            evaluations += found
            errors += failed
    pairs = sorted({(e["accountId"], e["region"]) for e in evaluations})
    targets = [
        _target(
            a,
            r,
            f"aggregator:{aggregator}",
            started,
            clock,
            [e for e in evaluations if e["accountId"] == a and e["region"] == r],
            counter,
        )
        for a, r in pairs
    ] or [_target("", "", f"aggregator:{aggregator}", started, clock, [], counter)]
    for t in targets[1:]:
        t["requests"] = 0  # counted once, on the first target
    return _document(evaluations, errors, rules, targets)


def _target(
    account: str, region: str, source: str, started: datetime, clock: float, evaluations: list[Any], counter: _Counter
) -> dict[str, Any]:
    return {
        "accountId": account,
        "region": region,
        "source": source,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 3),
        "resources": len({(e["resourceType"], e["resourceId"]) for e in evaluations}),
        "requests": counter.requests,
    }


def _document(
    evaluations: list[dict[str, str]], errors: list[dict[str, str]], rules: set[str], targets: list[dict[str, Any]]
) -> dict[str, Any]:
    evaluations.sort(key=lambda e: (e["rule"], e["accountId"], e["region"], e["resourceType"], e["resourceId"]))
    return {
        "evaluations": evaluations,
        "errors": errors,
        "summary": summarise(evaluations),
        "scan": {"targets": targets, "rules": sorted(rules)},
    }
