"""One scan of one account and region (live, an endpoint such as moto, or a snapshot)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.runtime.rulebase import ComplianceRule
from lambda_compliance.scanner import aws_managed_policies, collectors, engine
from lambda_compliance.scanner.clients import RequestCounter, ScanClientFactory
from lambda_compliance.scanner.collectors import CollectContext, ProgressSink


@dataclass
class ScanReport:
    outcome: engine.Outcome
    account_id: str
    region: str
    started: str
    seconds: float
    requests: dict[str, int] = field(default_factory=dict)
    resources: int = 0
    source: str = "aws"

    @property
    def request_total(self) -> int:
        return sum(self.requests.values())


def inventory_types(rules: Iterable[type[ComplianceRule]]) -> set[str]:
    return {t for rule in rules for t in rule.spec.inventory_types}


def scan_account(
    rules: list[type[ComplianceRule]],
    *,
    session: boto3.Session,
    region: str,
    endpoint_url: str | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    progress: ProgressSink | None = None,
    workers: int = 16,
) -> ScanReport:
    """Collect the CIs the rules need from the account's APIs, then evaluate every rule."""
    engine.validate_parameters(rules, parameters or {})  # fail fast, before any AWS request
    started = datetime.now(UTC)
    clock = time.perf_counter()
    counter = RequestCounter()
    factory = ScanClientFactory(session, region, endpoint_url=endpoint_url, counter=counter, inventory=LocalInventory())
    account_id = factory.build_client("sts").get_caller_identity()["Account"]
    factory.reader.account_id = account_id
    sink = progress or ProgressSink()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        ctx = CollectContext(
            reader=factory.reader,
            account_id=account_id,
            region=region,
            capture_time=started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            pool=pool,
            progress=sink,
        )
        items = collectors.collect(ctx, inventory_types(rules))
    if ctx.built and set(ctx.built) <= set(ctx.failures):
        # Nothing could be collected at all (region not enabled, no access): the target failed, say it once.
        raise next(iter(ctx.failures.values()))
    factory.reader.inventory = LocalInventory(items)
    # A rule whose resources could not be collected reports that error; every other rule still runs.
    blocked = {r: sorted(ctx.failures.keys() & set(r.spec.inventory_types)) for r in rules}
    runnable = [r for r in rules if not blocked[r]]
    outcome = _evaluate(runnable, items, factory, parameters, account_id, region, sink, workers)
    for rule, types in blocked.items():
        if types:
            message = f"cannot collect {types[0]}: {engine.describe_error(ctx.failures[types[0]])}"
            outcome.errors.append(engine.RuleError(rule.rule_name(), message, "", account_id, region))
    return ScanReport(
        outcome=outcome,
        account_id=account_id,
        region=region,
        started=started.isoformat(timespec="seconds"),
        seconds=time.perf_counter() - clock,
        requests=counter.by_operation(),
        resources=len(items),
    )


class OfflineClientFactory:
    """A snapshot scan has no AWS access: a rule that needs a service API reports so.

    AWS managed policies, which Config never records, come from the documents shipped with the
    package (aws_managed_policies.py) instead of IAM.
    """

    offline = True  # the reader: an invalid identifier is still a read this source cannot make

    def __init__(self, items: list[ConfigItem], account_id: str, region: str) -> None:
        self.reader = AwsReader(self, account_id=account_id, region=region, inventory=LocalInventory(items))
        self.reader.aws_managed_policy = aws_managed_policies.document

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        raise OfflineDataError(f"needs the {service} API, which a snapshot scan does not call")


class OfflineDataError(RuntimeError):
    """Raised by the offline factory; the engine reports the rule as skipped for that resource."""

    skip = True


GLOBAL_REGIONS = frozenset({"", "global"})


@dataclass
class SnapshotTarget:
    """One (account, region) of a snapshot: the items it evaluates and the items its rules may read."""

    account_id: str
    region: str
    evaluated: list[ConfigItem] = field(default_factory=list)
    readable: list[ConfigItem] = field(default_factory=list)


def _account_wide(ci: ConfigItem) -> bool:
    # IAM is global: Config records it once (region "global", or the one region that records it),
    # and every region's functions of that account use its roles.
    return (ci.region or "") in GLOBAL_REGIONS or ci.resource_type.startswith("AWS::IAM::")


def snapshot_targets(items: list[ConfigItem]) -> list[SnapshotTarget]:
    """Split a snapshot (an aggregator's, say) into its accounts and regions.

    Each account's account-wide items (IAM) can be read by every region of that account and are
    evaluated once, in the account's first region. Sorted by account, then region.
    """
    targets: dict[tuple[str, str], SnapshotTarget] = {}
    account_wide: dict[str, list[ConfigItem]] = {}
    for ci in items:
        account = ci.account_id or ""
        if _account_wide(ci):
            account_wide.setdefault(account, []).append(ci)
        else:
            key = (account, ci.region or "")
            target = targets.setdefault(key, SnapshotTarget(*key))
            target.evaluated.append(ci)
            target.readable.append(ci)
    for account, shared in account_wide.items():
        regional = sorted((t for t in targets.values() if t.account_id == account), key=lambda t: t.region)
        if not regional:
            region = next((ci.region for ci in shared if (ci.region or "") not in GLOBAL_REGIONS), "") or ""
            regional = [targets.setdefault((account, region), SnapshotTarget(account, region))]
        regional[0].evaluated.extend(shared)
        for target in regional:
            target.readable.extend(shared)
    return [targets[key] for key in sorted(targets)]


def scan_snapshot(
    rules: list[type[ComplianceRule]],
    items: list[ConfigItem],
    *,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    progress: ProgressSink | None = None,
    source: str = "snapshot",
) -> list[ScanReport]:
    """One report per (account, region) of the snapshot; a role is read only in its own account."""
    targets = snapshot_targets(items) or [SnapshotTarget("", "")]
    return [
        scan_items(
            rules,
            target.evaluated,
            readable=target.readable,
            account_id=target.account_id,
            region=target.region,
            parameters=parameters,
            progress=progress,
            source=source,
        )
        for target in targets
    ]


def scan_items(
    rules: list[type[ComplianceRule]],
    items: list[ConfigItem],
    *,
    readable: list[ConfigItem] | None = None,
    account_id: str | None = None,
    region: str | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    progress: ProgressSink | None = None,
    source: str = "snapshot",
) -> ScanReport:
    """Evaluate ``items`` offline; rules may also read ``readable`` (default: ``items``)."""
    engine.validate_parameters(rules, parameters or {})
    started = datetime.now(UTC)
    clock = time.perf_counter()
    if account_id is None:
        account_id = next((ci.account_id for ci in items if ci.account_id), "") or ""
    if region is None:
        region = next((ci.region for ci in items if ci.region and ci.region != "global"), "") or ""
    factory = OfflineClientFactory(readable if readable is not None else items, account_id, region)
    outcome = _evaluate(rules, items, factory, parameters, account_id, region, progress or ProgressSink(), 4)
    return ScanReport(
        outcome=outcome,
        account_id=account_id,
        region=region,
        started=started.isoformat(timespec="seconds"),
        seconds=time.perf_counter() - clock,
        resources=len(items),
        source=source,
    )


def _evaluate(
    rules: list[type[ComplianceRule]],
    items: list[ConfigItem],
    factory: Any,
    parameters: Mapping[str, Mapping[str, Any]] | None,
    account_id: str,
    region: str,
    sink: ProgressSink,
    workers: int,
) -> engine.Outcome:
    sink.add_total(engine.count_tasks(rules, items))
    return engine.run(
        rules,
        items,
        factory,
        parameters=parameters,
        account_id=account_id,
        region=region,
        workers=workers,
        on_progress=sink.advance,
    )
