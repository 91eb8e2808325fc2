"""Templates before deployment: the deployed rule classes judge CloudFormation, SAM and CDK templates.

The templates' resources become an account (``account.TemplateAccount``) whose APIs the scanner's
own collectors read, so each resource turns into the configuration item Config would record, and
each rule answers exactly as it would in AWS Config after deployment. Only rules that judge a
resource type the templates define run; account-level rules (CloudTrail, GuardDuty, ...) do not
apply to a template.

A value the template leaves to deployment time (a parameter without a value, an imported value,
an attribute AWS assigns) is evaluated twice with different stand-ins: where the verdict changes,
the result is *skipped*: "decided at deployment: <property>" instead of a guess.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lambda_compliance.domain.api_gateway.resources import stage_arn
from lambda_compliance.runtime.annotations import ANNOTATION_LIMIT
from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.runtime.rulebase import ComplianceRule
from lambda_compliance.scanner import aws_managed_policies, collectors, engine
from lambda_compliance.scanner.collectors import CollectContext, ProgressSink
from lambda_compliance.scanner.scan import ScanReport
from lambda_compliance.scanner.templates.account import TemplateAccount
from lambda_compliance.scanner.templates.resolve import STAND_IN
from lambda_compliance.scanner.templates.source import Template, TemplateError, discover, load

__all__ = ["Location", "Template", "TemplateError", "TemplateScan", "evaluate", "scan_templates"]


@dataclass(frozen=True)
class Location:
    """Where a resource is written: the file and the line of its logical id."""

    path: str
    line: int | None
    logical_id: str


@dataclass
class TemplateScan:
    report: ScanReport
    locations: dict[str, Location]  # resource id or ARN -> where it is written
    files: list[str]


# Resources that create another type too: a Deployment with StageName creates that stage.
IMPLIED = {"AWS::ApiGateway::Deployment": "AWS::ApiGateway::Stage"}


class _Factory:
    def __init__(self, account: TemplateAccount) -> None:
        self.account = account
        self.reader = AwsReader(self, account_id=account.account, region=account.region, inventory=LocalInventory())
        # AWS managed policies are IAM's, not the template's: judged from the shipped documents.
        self.reader.aws_managed_policy = aws_managed_policies.document

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        return self.account.build_client(service, region)


def applicable_rules(rules: Iterable[type[ComplianceRule]], templates: list[Template]) -> list[type[ComplianceRule]]:
    """Rules that judge a resource type the templates define (function rules judge roles too)."""
    defined = {str(r.get("Type")) for t in templates for r in (t.body.get("Resources") or {}).values()}
    defined |= {IMPLIED[t] for t in defined if t in IMPLIED}
    return [rule for rule in rules if defined & set(rule.spec.resource_types)]


def _collect(factory: _Factory, types: set[str], workers: int) -> tuple[list[ConfigItem], dict[str, str]]:
    """Config items of ``types`` through the scanner's collectors; types the template cannot build."""
    started = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        ctx = CollectContext(
            reader=factory.reader,
            account_id=factory.account.account,
            region=factory.account.region,
            capture_time=started,
            pool=pool,
        )
        items = collectors.collect(ctx, types)
    return items, {t: str(exc) for t, exc in ctx.failures.items()}


def _run(
    templates: list[Template],
    overrides: Mapping[str, str],
    variant: int,
    rules: list[type[ComplianceRule]],
    parameters: Mapping[str, Mapping[str, Any]] | None,
    sink: ProgressSink,
    partial: bool = False,
) -> tuple[engine.Outcome, TemplateAccount, list[ConfigItem]]:
    account = TemplateAccount(templates, dict(overrides), variant, partial)
    factory = _Factory(account)
    types = {t for rule in rules for t in rule.spec.inventory_types}
    items, gaps = _collect(factory, types, 4)
    factory.reader.inventory = LocalInventory(items)
    blocked = {r: sorted(gaps.keys() & set(r.spec.inventory_types)) for r in rules}
    runnable = [r for r in rules if not blocked[r]]
    if variant == 0:
        sink.add_total(engine.count_tasks(runnable, items))
    outcome = engine.run(
        runnable,
        items,
        factory,
        parameters=parameters,
        account_id=account.account,
        region=account.region,
        workers=4,
        on_progress=sink.advance if variant == 0 else None,
    )
    for rule, types_ in blocked.items():
        if types_:
            message = f"{gaps[types_[0]]} ({types_[0]})"
            outcome.errors.append(
                engine.RuleError(rule.rule_name(), message, "", account.account, account.region, "skipped")
            )
    return outcome, account, items


def scan_templates(
    paths: Iterable[str | Path],
    rules: Iterable[type[ComplianceRule]],
    *,
    overrides: Mapping[str, str] | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    progress: ProgressSink | None = None,
    managed_policies: Mapping[str, str] | None = None,
) -> TemplateScan:
    """Evaluate the rules against the resources the templates define; raises TemplateError on bad input."""
    files = discover(paths)
    pseudo = {k: v for k, v in (overrides or {}).items() if k.startswith("AWS::")}
    templates = [load(path, managed_policies, pseudo) for path in files]
    scan = evaluate(templates, rules, overrides=overrides, parameters=parameters, progress=progress)
    scan.files = [str(p) for p in files]
    return scan


def evaluate(
    templates: list[Template],
    rules: Iterable[type[ComplianceRule]],
    *,
    overrides: Mapping[str, str] | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    progress: ProgressSink | None = None,
    partial: bool = False,
) -> TemplateScan:
    """The rules' verdicts on templates already read (from files, or from a CloudFormation hook request).

    ``partial``: the templates hold only some of a stack's resources (a hook's resource request), so
    a rule that needs a related resource they lack is skipped rather than judged on its absence.
    """
    chosen = applicable_rules(rules, templates)
    engine.validate_parameters(chosen, parameters or {})
    started = datetime.now(UTC)
    clock = time.perf_counter()
    sink = progress or ProgressSink()
    first, account, items = _run(templates, overrides or {}, 0, chosen, parameters, sink, partial)
    outcome = first
    deferred = account.deferred()
    if deferred:
        second, _, _ = _run(templates, overrides or {}, 1, chosen, parameters, ProgressSink(), partial)
        outcome = _agree(first, second, deferred)
    report = ScanReport(
        outcome=outcome,
        account_id=account.account,
        region=account.region,
        started=started.isoformat(timespec="seconds"),
        seconds=time.perf_counter() - clock,
        resources=len(items),
        source="template",
    )
    return TemplateScan(report, _locations(account), [str(t.path) for t in templates])


def _agree(first: engine.Outcome, second: engine.Outcome, deferred: dict[tuple[str, str], set[str]]) -> engine.Outcome:
    """Keep a verdict only where both stand-ins give it and it is a verdict on the template's values.

    A result that changes with the stand-in, or that could not be evaluated at all, depends on a
    value decided at deployment: it is reported as skipped, naming the property.
    """
    by_name = {name: props for (_kind, name), props in deferred.items()}

    def decided_later(resource_id: str) -> set[str]:
        return by_name.get(resource_id) or by_name.get(resource_id.rsplit(":", 1)[-1].rsplit("/", 1)[-1]) or set()

    def skipped(rule: str, resource_id: str, props: set[str], account: str, region: str) -> engine.RuleError:
        message = "decided at deployment: " + ", ".join(sorted(props))
        return engine.RuleError(rule, message[:ANNOTATION_LIMIT], resource_id, account, region, "skipped")

    other = {(r.rule, r.resourceId): r.compliance for r in second.results}
    out = engine.Outcome()
    for error in first.errors:
        props = decided_later(error.resourceId) if STAND_IN.search(error.message) else set()
        out.errors.append(
            skipped(error.rule, error.resourceId, props, error.accountId, error.region) if props else error
        )
    for result in first.results:
        props = decided_later(result.resourceId)
        same = other.get((result.rule, result.resourceId)) == result.compliance
        if props and (not same or result.annotation.startswith("cannot evaluate")):
            out.errors.append(skipped(result.rule, result.resourceId, props, result.accountId, result.region))
        else:  # the same verdict whatever deployment decides; a stand-in is never shown as a value
            out.results.append(replace(result, annotation=STAND_IN.sub("<set at deployment>", result.annotation)))
    return out


def _shown(path: Path) -> str:
    """The path as code scanning expects it: relative to the working directory (the repository)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _locations(account: TemplateAccount) -> dict[str, Location]:
    out: dict[str, Location] = {}
    for logical_id, kind, props, template in account.resources:
        resolver = account._resolver(template)
        where = Location(_shown(template.path), template.line_of(logical_id), logical_id)
        for key in (
            resolver.name(logical_id),
            resolver.arn(logical_id),
            *_stage_ids(account, kind, props, resolver, logical_id),
        ):
            out.setdefault(key, where)
    return out


def _stage_ids(
    account: TemplateAccount, kind: str, props: Mapping[str, Any], resolver: Any, logical_id: str
) -> list[str]:
    """An API stage's id (its ARN, as Config names it), for the resource that creates the stage."""
    if kind == "AWS::ApiGateway::Stage":
        return [stage_arn(account.region, str(props.get("RestApiId")), resolver.name(logical_id), "REST")]
    if kind == "AWS::ApiGateway::Deployment" and isinstance(props.get("StageName"), str):
        return [stage_arn(account.region, str(props.get("RestApiId")), props["StageName"], "REST")]
    if kind == "AWS::ApiGatewayV2::Stage":
        return [stage_arn(account.region, str(props.get("ApiId")), resolver.name(logical_id), "V2")]
    return []
