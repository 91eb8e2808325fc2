"""``lambda-compliance``: scan an account, a Config snapshot or the demo estate with the rule code.

Exit status: 0 when every evaluated resource complies, 1 when any is
NON_COMPLIANT or a rule failed, 2 on usage, input or credential errors (one
line on stderr, no traceback), 3 with ``scan --require-complete`` when any
evaluation was skipped (a snapshot scan that could not read what a rule needs):
the scan is partial, whatever else it found.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lambda_compliance import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
DEFAULT_CONFIG = "lambda-compliance.yaml"


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


# Subcommands register here: name -> (configure parser, run). Other modules add theirs.
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, configure: Callable[[argparse.ArgumentParser], None]) -> Callable[..., Any]:
    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = (configure, run)
        return run

    return register


def _configure_scan(p: argparse.ArgumentParser) -> None:
    source = p.add_argument_group("what to scan (default: the account of your AWS credentials)")
    source.add_argument("--profile", help="AWS named profile")
    source.add_argument("--region", help="AWS region (default: the profile's region, else us-east-1)")
    source.add_argument("--endpoint-url", help="send every AWS request to this endpoint (e.g. a moto server)")
    source.add_argument("--snapshot", metavar="FILE", help="evaluate a Config snapshot or config API dump")
    source.add_argument("--demo", action="store_true", help="scan the built-in demo estate (local moto)")
    source.add_argument(
        "--template",
        action="append",
        default=[],
        metavar="FILE",
        help="judge a CloudFormation/SAM template or a CDK cdk.out folder before deployment (repeatable)",
    )
    source.add_argument(
        "--parameter-overrides",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="with --template: template parameter values (also AWS::AccountId, AWS::Region)",
    )
    source.add_argument(
        "--remediate", action="store_true", help="with --demo: apply the safe remediations, rescan, show before/after"
    )
    source.add_argument("--regions", help="comma-separated regions, or 'all' (the account's enabled regions)")
    source.add_argument(
        "--role-arn",
        action="append",
        default=[],
        metavar="ARN",
        help="scan the account of this role (repeatable); credentials are never printed",
    )
    source.add_argument(
        "--org-role", metavar="NAME", help="scan every active account of the organization through this role name"
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help=f"configuration file (default: ./{DEFAULT_CONFIG} when present; with --demo, the demo's own)",
    )
    p.add_argument("--no-config", action="store_true", help="ignore any configuration file: rule defaults only")
    p.add_argument(
        "--rule-parameters", metavar="JSON", help='override rule parameters: {"RULE": {"param": "value"}} or @file.json'
    )
    p.add_argument("--rules", help="comma-separated rule names (default: all)")
    p.add_argument("--family", help="comma-separated rule families: lambda, role, data, apigateway, account")
    p.add_argument("--format", default="table", help="table (default), json, html, sarif, csv, ocsf or asff")
    p.add_argument("--output", metavar="PATH", help="write the report to PATH instead of stdout")
    p.add_argument(
        "--framework", help="only the rules evidencing this framework: soc2, gdpr, hipaa, pci-dss-4, iso27001-2022, ..."
    )
    p.add_argument("--reports", metavar="DIR", help="also write the html, sarif, csv and json reports into DIR")
    p.add_argument(
        "--to-security-hub",
        action="store_true",
        help="also import the findings (ASFF) into AWS Security Hub of the scanned account, updating earlier imports",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument(
        "--require-complete",
        action="store_true",
        help="exit 3 when any evaluation was skipped (e.g. a snapshot lacks what a rule needs)",
    )
    view = p.add_mutually_exclusive_group()
    view.add_argument("--details", action="store_true", help="table: every failing resource of every rule")
    view.add_argument("--quiet", "-q", action="store_true", help="table: the summary line only (and the exit status)")


def _select_rules(args: argparse.Namespace) -> list[Any]:
    from lambda_compliance import catalog

    try:
        rules = list(catalog.select_rules(args.rules, args.family))
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    if not rules:
        raise UsageError("no rules selected")
    return rules


@contextmanager
def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    from lambda_compliance.scanner.collectors import ProgressSink

    if not enabled:
        yield ProgressSink()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[bold]scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("scan", total=0)

    class Bar(ProgressSink):
        def add_total(self, n: int) -> None:
            progress.update(task, total=(progress.tasks[0].total or 0) + n)

        def advance(self, n: int = 1) -> None:
            progress.advance(task, n)

    with progress:
        yield Bar()


def _session(args: argparse.Namespace) -> Any:
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        return boto3.Session(profile_name=args.profile) if args.profile else boto3.Session()
    except ProfileNotFound:
        raise UsageError(f"AWS profile '{args.profile}' not found") from None


def load_settings(args: argparse.Namespace) -> Any:
    """The configuration file plus ``--rule-parameters``, validated against every rule."""
    from lambda_compliance import catalog, config_file

    rules = catalog.all_rules()
    if getattr(args, "no_config", False) and getattr(args, "config", None):
        raise UsageError("--no-config excludes --config")
    try:
        if getattr(args, "no_config", False):
            settings = config_file.Settings()
        else:
            settings = config_file.load(_config_path(args), rules=rules)
        raw = getattr(args, "rule_parameters", None)
        if raw:
            settings = config_file.with_overrides(settings, _read_json_argument(raw, "--rule-parameters"), rules)
    except config_file.ConfigError as exc:
        raise UsageError(str(exc)) from None
    return settings


def _config_path(args: argparse.Namespace) -> str | Path | None:
    """``--config``; else, for the demo, the demo's own file; else None (./lambda-compliance.yaml when present)."""
    if getattr(args, "config", None):
        return str(args.config)
    if getattr(args, "demo", False):
        from lambda_compliance.demo import CONFIG

        return CONFIG
    return None


def _display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_json_argument(raw: str, flag: str) -> Any:
    import json

    text = raw
    if raw.startswith("@"):
        try:
            text = Path(raw[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{flag}: cannot read {raw[1:]} ({exc.strerror})") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{flag}: not valid JSON ({exc.msg} at column {exc.colno})") from None


@command("scan", _configure_scan)
def run_scan(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    with ExitStack() as stack:  # the demo estate stays up until its findings are imported
        return _run_scan(args, stack)


def _run_scan(args: argparse.Namespace, stack: Any) -> int:
    from lambda_compliance import report
    from lambda_compliance.scanner import engine, scan

    if sum(bool(x) for x in (args.snapshot, args.demo, args.template)) > 1:
        raise UsageError("choose one of --snapshot, --demo and --template")
    overrides = _overrides(args.parameter_overrides)
    if overrides and not args.template:
        raise UsageError("--parameter-overrides goes with --template")
    if getattr(args, "remediate", False) and not args.demo:
        raise UsageError("--remediate changes the demo estate only: use it with --demo")
    if args.format not in report.renderers():
        raise UsageError(f"unknown format '{args.format}' (choose from {', '.join(sorted(report.renderers()))})")
    settings = load_settings(args)
    rules = settings.enabled(_select_rules(args))
    if not rules:
        raise UsageError("every selected rule is disabled in the configuration")
    if args.framework:
        from lambda_compliance.report import compliance

        try:
            rules = compliance.framework_rules(rules, args.framework)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    parameters = settings.all_rule_parameters(rules)
    show_progress = not args.no_progress and sys.stderr.isatty()
    failed_targets: list[dict[str, str]] = []
    remediated = None
    hub: tuple[Any, str | None] | None = None  # (session, endpoint) that --to-security-hub imports through
    try:
        with _progress(show_progress) as sink:
            if args.template:
                from lambda_compliance.scanner.templates import TemplateError, scan_templates

                try:
                    template_scan = scan_templates(
                        args.template, rules, overrides=overrides, parameters=parameters, progress=sink
                    )
                except TemplateError as exc:
                    raise UsageError(str(exc)) from None
                reports = [template_scan.report]
            elif args.snapshot:
                from lambda_compliance.scanner.snapshot import SnapshotError, read_snapshot

                try:
                    snap = read_snapshot(args.snapshot)
                except SnapshotError as exc:
                    raise UsageError(str(exc)) from None
                reports = scan.scan_snapshot(rules, snap.items, parameters=parameters, progress=sink)
            elif args.demo:
                from lambda_compliance.demo import running_demo

                logging.getLogger("werkzeug").setLevel(logging.ERROR)
                estate = stack.enter_context(running_demo())
                hub = (estate.session, estate.endpoint_url)
                scan_estate = functools.partial(
                    _scan_targets,
                    scan,
                    rules,
                    estate.session,
                    estate.region,
                    estate.endpoint_url,
                    sink,
                    parameters,
                    args,
                    settings,
                )
                reports, failed_targets = scan_estate()
                if getattr(args, "remediate", False):
                    from lambda_compliance.remediation import demo as remediation_demo

                    remediated = remediation_demo.remediate(estate, rules, reports)
                    reports, failed_targets = scan_estate()  # the same scan, after the fixes
            else:
                session = _session(args)
                hub = (session, args.endpoint_url)
                region = args.region or session.region_name or "us-east-1"
                reports, failed_targets = _scan_targets(
                    scan, rules, session, region, args.endpoint_url, sink, parameters, args, settings
                )
    except engine.InvalidRuleParameters as exc:
        raise UsageError(f"invalid rule parameters: {exc}") from None
    document = report.build_document(reports, rules)
    if args.template:
        _locate(document, template_scan.locations)
    document["failedTargets"] = failed_targets
    if args.snapshot:  # which AWS managed policy versions the offline verdicts rest on
        from lambda_compliance.scanner import aws_managed_policies

        document["scan"]["awsManagedPolicies"] = aws_managed_policies.dataset_info()
    if remediated is not None:
        remediation_demo.attach(document, remediated)
    attach_configuration(document, settings)
    for target in failed_targets:
        print(f"error: {target['target']} {target['region']}: {target['message']}", file=sys.stderr)
    _add_compliance(document, args)
    _emit(document, args)
    if getattr(args, "to_security_hub", False):
        _to_security_hub(document, *(hub or (_session(args), args.endpoint_url)))
    failed = any(e.get("kind", "error") == "error" for e in document["errors"]) or bool(failed_targets)
    findings = document["summary"]["NON_COMPLIANT"] > 0 or failed
    skipped = document["summary"]["SKIPPED"]
    if skipped and getattr(args, "require_complete", False):
        # Partial beats findings: a gate asking for a complete evaluation must not read 1 as "ran fully".
        print(f"error: {skipped} evaluations skipped: the scan is incomplete (--require-complete)", file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if findings else EXIT_OK


def _overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--parameter-overrides takes KEY=VALUE, not '{pair}'")
        out[key] = value
    return out


def _locate(document: dict[str, Any], locations: Mapping[str, Any]) -> None:
    """Each evaluation and error of a template scan names the file and line of its resource."""
    for entry in [*document["evaluations"], *document["errors"]]:
        where = locations.get(entry.get("resourceId") or "")
        if where is not None:
            entry["location"] = {"file": where.path, "line": where.line, "logicalId": where.logical_id}


def _add_compliance(document: dict[str, Any], args: argparse.Namespace) -> None:
    """Per-framework clause data (every format reads it), and ``--reports DIR``: every file format at once."""
    from lambda_compliance.report import compliance

    compliance.enrich(document, getattr(args, "framework", None))
    if getattr(args, "reports", None):
        try:
            written = compliance.write_reports(document, args.reports)
        except OSError as exc:
            raise UsageError(f"cannot write {args.reports}: {exc.strerror}") from None
        print(f"wrote reports: {', '.join(written)}", file=sys.stderr)


def _to_security_hub(document: dict[str, Any], session: Any, endpoint: str | None) -> None:
    """Import the findings into Security Hub of the credentials' account; one line per region on stderr."""
    from botocore.config import Config

    from lambda_compliance.report import security_hub

    config = Config(retries={"mode": "standard", "total_max_attempts": 5})

    def client(region: str) -> Any:
        return session.client("securityhub", region_name=region, endpoint_url=endpoint, config=config)

    region = session.region_name or "us-east-1"
    account = _call_aws(
        lambda: session.client("sts", region_name=region, endpoint_url=endpoint).get_caller_identity()["Account"]
    )
    try:
        results = _call_aws(lambda: security_hub.publish(document, client, account))
    except security_hub.ImportFailed as exc:
        raise UsageError(str(exc)) from None
    for result in results:
        print(result.line(), file=sys.stderr)


def attach_configuration(document: dict[str, Any], settings: Any) -> None:
    """The parameters in force and the exemptions (with approver and expiry) every report format shows."""
    document["exemptions"] = _exemption_report(settings, document)
    document["configuration"] = {
        "file": _display_path(settings.path) if settings.path else None,
        "parameters": {rule: dict(values) for rule, values in settings.parameters.items() if values},
        "disabled": sorted(settings.disabled),
    }


def _exemption_report(settings: Any, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every configured exemption with its status and the resources it exempted in this scan."""
    from lambda_compliance.runtime import annotations, clock

    today = clock.today()
    out = []
    for exemption in settings.exemptions:
        applied = sorted(
            {
                e["resourceId"]
                for e in document["evaluations"]
                if exemption.applies_to_rule(e["rule"]) and e["annotation"] == annotations.exempt(exemption.reason)
            }
        )
        status = "expired" if exemption.expired(today) else "active"
        out.append({**exemption.as_json(), "status": status, "applied_to": applied})
    return out


def _scan_targets(
    scan: Any,
    rules: list[Any],
    session: Any,
    region: str,
    endpoint: str | None,
    sink: Any,
    parameters: dict[str, Any],
    args: argparse.Namespace,
    settings: Any,
) -> tuple[list[Any], list[dict[str, str]]]:
    """Scan every (account, region) target concurrently; a failing target is reported, the others complete."""
    from concurrent.futures import ThreadPoolExecutor

    from lambda_compliance.scanner import targets

    regions: Any = settings.regions
    if args.regions:
        regions = "all" if args.regions.strip() == "all" else [r.strip() for r in args.regions.split(",") if r.strip()]
    elif args.region:
        regions = [args.region]
    role_arns = list(args.role_arn) or list(settings.role_arns)
    org_role = args.org_role or settings.org_role
    resolved, errors = _call_aws(
        lambda: targets.resolve(
            session, region, regions=regions, role_arns=role_arns, org_role=org_role, endpoint_url=endpoint
        )
    )
    failed = [e.as_dict() for e in errors]
    if not resolved:
        if failed:
            return [], failed
        raise UsageError("nothing to scan")

    def one(target: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        from lambda_compliance.scanner.engine import describe_error

        try:
            return _call_aws(
                lambda: scan.scan_account(
                    rules,
                    session=target.session,
                    region=target.region,
                    endpoint_url=endpoint,
                    parameters=parameters,
                    progress=sink,
                )
            )
        except UsageError as exc:
            if len(resolved) == 1 and not failed:
                raise
            return targets.TargetError(target.label, target.region, str(exc))
        except (ClientError, BotoCoreError) as exc:  # a region or account that fails must not stop the others
            return targets.TargetError(target.label, target.region, describe_error(exc))

    reports = []
    with ThreadPoolExecutor(max_workers=min(4, len(resolved))) as pool:
        for result in pool.map(one, resolved):
            if isinstance(result, targets.TargetError):
                failed.append(result.as_dict())
            else:
                reports.append(result)
    return reports, failed


def _call_aws(call: Callable[[], Any]) -> Any:
    """Run ``call``; credential, region and endpoint problems become one-line usage errors."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )

    try:
        return call()
    except (NoCredentialsError, PartialCredentialsError):
        raise UsageError("no AWS credentials found (set a profile with --profile or AWS_PROFILE)") from None
    except NoRegionError:
        raise UsageError("no AWS region set (use --region)") from None
    except EndpointConnectionError as exc:
        raise UsageError(f"cannot reach AWS endpoint {exc.kwargs.get('endpoint_url', '')}") from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in CREDENTIAL_ERRORS:
            raise UsageError(f"AWS rejected the credentials or permissions ({code} on {exc.operation_name})") from None
        raise


CREDENTIAL_ERRORS = frozenset(
    {
        "InvalidClientTokenId",
        "ExpiredToken",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "AccessDeniedException",
        "ExpiredTokenException",
        "AuthFailure",
        "OptInRequired",
    }
)


def _emit(document: dict[str, Any], args: argparse.Namespace) -> None:
    from rich.console import Console

    from lambda_compliance import report

    renderer = report.renderers()[args.format]
    if args.format == "table":
        from functools import partial

        view = {
            "details": getattr(args, "details", False),
            "quiet": getattr(args, "quiet", False),
            "reports": getattr(args, "reports", None),
            "demo": bool(getattr(args, "demo", False)),
        }
        renderer = partial(renderer, **view)
        if "before_remediation" in document and not view["quiet"]:
            from lambda_compliance.remediation.demo import with_before_after

            renderer = with_before_after(renderer)
    if args.output:
        path = Path(args.output)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if args.format == "table":
                with path.open("w", encoding="utf-8") as handle:
                    renderer(document, Console(file=handle, width=160, no_color=True))
            else:
                path.write_text(renderer(document, None) or "", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror}") from None
        print(f"wrote {args.format} report to {path}", file=sys.stderr)
        return
    text = renderer(document, Console())
    if text is not None:
        sys.stdout.write(text)


def build_parser() -> argparse.ArgumentParser:
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="lambda-compliance",
        description="Custom AWS Config rules for AWS Lambda, mapped to compliance frameworks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (configure, run) in COMMANDS.items():
        doc = (run.__doc__ or "").strip().splitlines()
        p = sub.add_parser(name, help=doc[0] if doc else None)
        configure(p)
        p.set_defaults(run=run)
    return parser


def _load_commands() -> None:
    """Import the modules that register further subcommands (packs, report, package, ...)."""
    import importlib
    import pkgutil

    import lambda_compliance.cli.commands as commands

    for info in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"{commands.__name__}.{info.name}")


run_scan.__doc__ = "Evaluate the rules against an account, a Config snapshot or the demo estate."


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line, never a traceback, never a payload
        if os.environ.get("LAMBDA_COMPLIANCE_DEBUG"):
            raise
        from lambda_compliance.scanner.engine import describe_error

        print(f"error: {describe_error(exc)} (set LAMBDA_COMPLIANCE_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
