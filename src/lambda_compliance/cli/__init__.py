"""``lambda-compliance``: scan an account, a Config snapshot or the demo estate with the rule code.

Exit status: 0 when every evaluated resource complies, 1 when any is
NON_COMPLIANT or a rule failed, 2 on usage, input or credential errors (one
line on stderr, no traceback), 3 with ``scan --require-complete`` when any
evaluation was skipped (a snapshot scan that could not read what a rule needs):
the scan is partial, whatever else it found.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
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


def _session(args: argparse.Namespace) -> Any:
    from lambda_compliance import scanner

    return _call_aws(lambda: scanner.session(args.profile))


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
    """Parse the arguments into one ScanRequest, run it, render the ScanResult, answer the exit status."""
    import dataclasses

    from lambda_compliance import report
    from lambda_compliance.report.progress import progress_bar

    request = _scan_request(args)
    with progress_bar(not args.no_progress and sys.stderr.isatty()) as sink:
        if args.demo:
            from lambda_compliance.demo import running_demo

            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            estate = stack.enter_context(running_demo())
            source = dataclasses.replace(
                request.source, session=estate.session, home_region=estate.region, endpoint_url=estate.endpoint_url
            )
            request = dataclasses.replace(request, source=source)
        result = _scan(request, sink)
        if args.remediate:
            from lambda_compliance.remediation import demo as remediation_demo

            remediated = remediation_demo.remediate(estate, result)
            result = _scan(request, sink)  # the same scan, after the fixes
            result.remediation = remediation_demo.attachment(remediated)
    for target in result.failed_targets:
        print(f"error: {target['target']} {target['region']}: {target['message']}", file=sys.stderr)
    document = report.document(result)
    _write(document, request.output)
    if args.to_security_hub:
        session = result.session or _session(args)
        endpoint = result.endpoint_url if result.session is not None else args.endpoint_url
        _publish(document, session, endpoint)
    summary = document["summary"]
    if summary["SKIPPED"] and args.require_complete:
        # Partial beats findings: a gate asking for a complete evaluation must not read 1 as "ran fully".
        print(
            f"error: {summary['SKIPPED']} evaluations skipped: the scan is incomplete (--require-complete)",
            file=sys.stderr,
        )
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if summary["NON_COMPLIANT"] > 0 or result.failed else EXIT_OK


def _scan(request: Any, sink: Any) -> Any:
    from lambda_compliance import scanner
    from lambda_compliance.scanner.request import ScanInputError

    try:
        return scanner.run(request, progress=sink)
    except ScanInputError as exc:
        raise UsageError(str(exc)) from None


def _scan_request(args: argparse.Namespace) -> Any:
    """The arguments as a ScanRequest; a combination that cannot run is a UsageError before any scan."""
    from lambda_compliance.report.output import OutputOptions
    from lambda_compliance.scanner.request import (
        AccountSource,
        RuleSelection,
        ScanRequest,
        SnapshotSource,
        TemplateSource,
    )

    if sum(bool(x) for x in (args.snapshot, args.demo, args.template)) > 1:
        raise UsageError("choose one of --snapshot, --demo and --template")
    overrides = _overrides(args.parameter_overrides)
    if overrides and not args.template:
        raise UsageError("--parameter-overrides goes with --template")
    if args.remediate and not args.demo:
        raise UsageError("--remediate changes the demo estate only: use it with --demo")
    output = OutputOptions(
        format=args.format,
        path=args.output,
        reports_dir=args.reports,
        details=args.details,
        quiet=args.quiet,
        demo=bool(args.demo),
    )
    _checked(output.check)
    settings = load_settings(args)
    source: Any
    if args.template:
        source = TemplateSource(tuple(args.template), tuple(overrides.items()))
    elif args.snapshot:
        source = SnapshotSource(args.snapshot)
    else:
        regions: Any = None
        if args.regions:
            regions = (
                "all"
                if args.regions.strip() == "all"
                else tuple(r.strip() for r in args.regions.split(",") if r.strip())
            )
        source = AccountSource(
            profile=args.profile,
            region=args.region,
            endpoint_url=args.endpoint_url,
            regions=regions,
            role_arns=tuple(args.role_arn),
            org_role=args.org_role,
        )
    selection = RuleSelection(args.rules, args.family, args.framework)
    return ScanRequest(source=source, settings=settings, rules=selection, output=output)


def _overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--parameter-overrides takes KEY=VALUE, not '{pair}'")
        out[key] = value
    return out


def _checked(call: Callable[[], Any]) -> Any:
    """Run ``call``; a report that cannot be written as asked is a UsageError."""
    from lambda_compliance.report.output import OutputError

    try:
        return call()
    except OutputError as exc:
        raise UsageError(str(exc)) from None


def _write(document: dict[str, Any], options: Any) -> None:
    from lambda_compliance.report import output

    _checked(lambda: output.write(document, options))


def _publish(document: dict[str, Any], session: Any, endpoint: str | None) -> None:
    from lambda_compliance.report import security_hub

    try:
        lines = _call_aws(lambda: security_hub.import_document(document, session, endpoint))
    except security_hub.ImportFailed as exc:
        raise UsageError(str(exc)) from None
    for line in lines:
        print(line, file=sys.stderr)


def _call_aws(call: Callable[[], Any]) -> Any:
    """Run ``call``; what the scanner says the user can fix (credentials, region, input) is a UsageError."""
    from lambda_compliance.scanner.clients import call_aws
    from lambda_compliance.scanner.request import ScanInputError

    try:
        return call_aws(call)
    except ScanInputError as exc:
        raise UsageError(str(exc)) from None


def attach_configuration(document: dict[str, Any], settings: Any) -> None:
    from lambda_compliance import report

    report.attach_configuration(document, settings)


def _emit(document: dict[str, Any], args: argparse.Namespace) -> None:
    """The ``report`` command's output (a deployed Config's document), as ``scan`` renders its own."""
    from lambda_compliance.report import output

    options = output.OutputOptions(format=args.format, path=args.output, reports_dir=args.reports)
    _checked(lambda: output.emit(document, options))


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
