"""``lambda-compliance report``: the compliance report read from a deployed AWS Config, not a local scan."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from lambda_compliance.cli import (
    DEFAULT_CONFIG,
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    _call_aws,
    _emit,
    _session,
    attach_configuration,
    command,
    load_settings,
)


def _configure(p: argparse.ArgumentParser) -> None:
    source = p.add_argument_group("where to read compliance (default: this account's Config rules)")
    source.add_argument("--conformance-pack", metavar="NAME", help="one conformance pack, e.g. lambda-compliance-hipaa")
    source.add_argument(
        "--aggregator", metavar="NAME", help="a Config aggregator: every account and region of an organization"
    )
    source.add_argument("--profile", help="AWS named profile")
    source.add_argument("--region", help="AWS region (default: the profile's region, else us-east-1)")
    source.add_argument("--endpoint-url", help="send every AWS request to this endpoint")
    p.add_argument("--framework", help="only the rules evidencing this framework (soc2, gdpr, hipaa, ...)")
    p.add_argument("--format", default="table", help="table (default), json, html, sarif or csv")
    p.add_argument("--output", metavar="PATH", help="write the report to PATH instead of stdout")
    p.add_argument("--reports", metavar="DIR", help="also write the html, sarif, csv and json reports into DIR")
    p.add_argument(
        "--config",
        metavar="FILE",
        help=f"the configuration the packs were built from: parameters in force and exemption approvals "
        f"(default: ./{DEFAULT_CONFIG} when present)",
    )


def read(client: Any, sts: Any, args: argparse.Namespace, known: list[str]) -> dict[str, Any]:
    """The document from the chosen source (clients injected: tests stub them)."""
    from lambda_compliance.report import deployed

    if args.aggregator:
        return deployed.from_aggregator(client, args.aggregator, known)
    account = sts.get_caller_identity()["Account"]
    region = client.meta.region_name
    if args.conformance_pack:
        return deployed.from_conformance_pack(client, args.conformance_pack, account, region, known)
    return deployed.from_account(client, account, region, known)


def _only(document: dict[str, Any], rules: set[str]) -> dict[str, Any]:
    from lambda_compliance.report import summarise

    document["evaluations"] = [e for e in document["evaluations"] if e["rule"] in rules]
    document["errors"] = [e for e in document["errors"] if e["rule"] in rules]
    document["scan"]["rules"] = [r for r in document["scan"]["rules"] if r in rules]
    document["summary"] = summarise(document["evaluations"], document["errors"])
    return document


@command("report", _configure)
def run_report(args: argparse.Namespace) -> int:
    """Build the compliance report from a deployed AWS Config (rules, a conformance pack or an aggregator)."""
    from lambda_compliance import catalog, report
    from lambda_compliance.catalog import frameworks
    from lambda_compliance.report import compliance

    if args.aggregator and args.conformance_pack:
        raise UsageError("choose one of --conformance-pack and --aggregator")
    settings = load_settings(args)
    if args.format not in report.renderers():
        raise UsageError(f"unknown format '{args.format}' (choose from {', '.join(sorted(report.renderers()))})")
    if args.framework and args.framework not in frameworks.FRAMEWORKS:
        raise UsageError(f"unknown framework '{args.framework}' (choose from {', '.join(frameworks.FRAMEWORKS)})")
    session = _session(args)
    region = args.region or session.region_name or "us-east-1"
    client = session.client("config", region_name=region, endpoint_url=args.endpoint_url)
    sts = session.client("sts", region_name=region, endpoint_url=args.endpoint_url)
    known = list(catalog.rule_names())
    document = _call_aws(lambda: read(client, sts, args, known))
    if args.framework:
        document = _only(document, set(frameworks.rules_for_framework(args.framework)))
    if not document["scan"]["rules"]:
        print("warning: no lambda-compliance rule found in this AWS Config source", file=sys.stderr)
    attach_configuration(document, settings)
    compliance.enrich(document, args.framework)
    if args.reports:
        try:
            written = compliance.write_reports(document, args.reports)
        except OSError as exc:
            raise UsageError(f"cannot write {args.reports}: {exc.strerror}") from None
        print(f"wrote reports: {', '.join(written)}", file=sys.stderr)
    _emit(document, args)
    failed = any(e.get("kind", "error") == "error" for e in document["errors"])
    return EXIT_FINDINGS if document["summary"]["NON_COMPLIANT"] or failed else EXIT_OK
