"""``scanner.run(request)``: one scan request in, one ``ScanResult`` out.

Resolves the rules (selection, configuration, framework filter), the source (accounts and
regions, a snapshot, templates) and runs the scan; the CLI only parses and renders.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lambda_compliance.runtime.rulebase import ComplianceRule
from lambda_compliance.scanner import engine, scan, targets
from lambda_compliance.scanner.clients import call_aws
from lambda_compliance.scanner.collectors import ProgressSink
from lambda_compliance.scanner.request import (
    AccountSource,
    ScanInputError,
    ScanRequest,
    SnapshotSource,
    TemplateSource,
)
from lambda_compliance.scanner.result import ScanResult, configuration, exemption_report


def select_rules(request: ScanRequest) -> list[type[ComplianceRule]]:
    """The rules to run: ``--rules``/``--family``, minus those the configuration disables, then ``--framework``."""
    from lambda_compliance import catalog
    from lambda_compliance.catalog import frameworks

    selection = request.rules
    try:
        chosen = list(catalog.select_rules(selection.names, selection.families))
    except KeyError as exc:
        raise ScanInputError(str(exc.args[0])) from None
    if not chosen:
        raise ScanInputError("no rules selected")
    rules = request.settings.enabled(chosen)
    if not rules:
        raise ScanInputError("every selected rule is disabled in the configuration")
    if selection.framework:
        try:
            rules = frameworks.framework_rules(rules, selection.framework)
        except ValueError as exc:
            raise ScanInputError(str(exc)) from None
    return rules


def run(request: ScanRequest, progress: ProgressSink | None = None) -> ScanResult:
    rules = select_rules(request)
    parameters = request.settings.all_rule_parameters(rules)
    sink = progress or ProgressSink()
    source = request.source
    extra: dict[str, Any] = {}
    failed: list[dict[str, str]] = []
    try:
        if isinstance(source, TemplateSource):
            from lambda_compliance.scanner.templates import TemplateError, scan_templates

            try:
                template_scan = scan_templates(
                    source.paths, rules, overrides=dict(source.overrides), parameters=parameters, progress=sink
                )
            except TemplateError as exc:
                raise ScanInputError(str(exc)) from None
            reports = [template_scan.report]
            extra["locations"] = template_scan.locations
        elif isinstance(source, SnapshotSource):
            from lambda_compliance.scanner import aws_managed_policies
            from lambda_compliance.scanner.snapshot import SnapshotError, read_snapshot

            try:
                snap = read_snapshot(source.path)
            except SnapshotError as exc:
                raise ScanInputError(str(exc)) from None
            reports = scan.scan_snapshot(rules, snap.items, parameters=parameters, progress=sink)
            extra["aws_managed_policies"] = aws_managed_policies.dataset_info()
        else:
            aws = source.session or session(source.profile)
            extra["session"], extra["endpoint_url"] = aws, source.endpoint_url
            reports, failed = _scan_accounts(source, aws, request.settings, rules, parameters, sink)
    except engine.InvalidRuleParameters as exc:
        raise ScanInputError(f"invalid rule parameters: {exc}") from None
    result = ScanResult.of(
        reports,
        [r.rule_name() for r in rules],
        failed_targets=failed,
        framework=request.rules.framework,
        configuration=configuration(request.settings),
        **extra,
    )
    result.exemptions = exemption_report(
        request.settings, ((e.rule, e.annotation, e.resourceId) for e in result.evaluations)
    )
    return result


def session(profile: str | None) -> Any:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.Session(profile_name=profile) if profile else boto3.Session()
    except ProfileNotFound:
        raise ScanInputError(f"AWS profile '{profile}' not found") from None


def _scan_accounts(
    source: AccountSource,
    session: Any,
    settings: Any,
    rules: list[type[ComplianceRule]],
    parameters: dict[str, Any],
    sink: ProgressSink,
) -> tuple[list[scan.ScanReport], list[dict[str, str]]]:
    """Scan every (account, region) target concurrently; a failing target is reported, the others complete."""
    from botocore.exceptions import BotoCoreError, ClientError

    region = source.home_region or source.region or session.region_name or "us-east-1"
    regions: Any = source.regions if source.regions is not None else settings.regions
    if source.regions is None and source.region:
        regions = [source.region]
    resolved, errors = call_aws(
        lambda: targets.resolve(
            session,
            region,
            regions=regions,
            role_arns=list(source.role_arns) or list(settings.role_arns),
            org_role=source.org_role or settings.org_role,
            endpoint_url=source.endpoint_url,
        )
    )
    failed = [e.as_dict() for e in errors]
    if not resolved:
        if failed:
            return [], failed
        raise ScanInputError("nothing to scan")

    def one(target: targets.Target) -> scan.ScanReport | targets.TargetError:
        try:
            return call_aws(
                lambda: scan.scan_account(
                    rules,
                    session=target.session,
                    region=target.region,
                    endpoint_url=source.endpoint_url,
                    parameters=parameters,
                    progress=sink,
                )
            )
        except ScanInputError as exc:
            if len(resolved) == 1 and not failed:
                raise
            return targets.TargetError(target.label, target.region, str(exc))
        except (ClientError, BotoCoreError) as exc:  # a region or account that fails must not stop the others
            return targets.TargetError(target.label, target.region, engine.describe_error(exc))

    reports = []
    with ThreadPoolExecutor(max_workers=min(4, len(resolved))) as pool:
        for outcome in pool.map(one, resolved):
            if isinstance(outcome, targets.TargetError):
                failed.append(outcome.as_dict())
            else:
                reports.append(outcome)
    return reports, failed
