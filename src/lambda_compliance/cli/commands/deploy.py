"""``lambda-compliance deploy``: package, then deploy to one account or, with ``--org``, a whole organization."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from lambda_compliance.cli import UsageError, command

HOOK_OPERATIONS = ("RESOURCE", "STACK", "CHANGE_SET")  # AWS::CloudFormation::LambdaHook TargetOperations


def _csv(raw: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (raw or "").split(",") if item.strip())


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bucket", required=True, help="S3 bucket for the layer, rule zips and templates (same region)")
    p.add_argument("--prefix", default="lambda-compliance/", help="key prefix in the buckets (default: %(default)s)")
    p.add_argument("--org", action="store_true", help="deploy for the whole AWS Organization (StackSets, org packs)")
    p.add_argument(
        "--dry-run", action="store_true", help="print the plan; change nothing (--org reads Organizations, StackSets)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="with --org: change nothing; list accounts where the deployed packs' rules cannot run yet (exit 1)",
    )
    p.add_argument("--packs", help="comma-separated conformance packs from conformance-packs/ (default: none)")
    p.add_argument("--packs-dir", metavar="DIR", help="where the generated packs are (default: conformance-packs/)")
    p.add_argument("--stack-name", default=None, help="rule stack name (default: lambda-compliance-rules)")
    p.add_argument(
        "--parameter",
        action="append",
        metavar="KEY=VALUE",
        help="rule stack parameter, e.g. ReservedConcurrency=2 or KmsKeyArn=arn:... (repeatable)",
    )
    p.add_argument(
        "--tag",
        action="append",
        metavar="KEY=VALUE",
        help="tag for the rule stack, propagated to its functions and roles, e.g. Owner=security (repeatable)",
    )
    p.add_argument("--pack-parameter", action="append", metavar="KEY=VALUE", help="conformance pack parameter")
    p.add_argument("--artifacts", metavar="DIR", help="build into DIR and keep it (default: a temporary folder)")
    aws = p.add_argument_group("AWS")
    aws.add_argument("--profile", help="AWS named profile")
    aws.add_argument("--region", help="AWS region (default: the profile's region)")
    aws.add_argument("--endpoint-url", help="send every AWS request to this endpoint (e.g. a moto server)")
    org = p.add_argument_group("organization (--org)")
    org.add_argument("--conformance-bucket", help="bucket the organization pack templates are read from (any name)")
    org.add_argument("--ou", help="comma-separated OU ids the StackSets target (default: the organization root)")
    org.add_argument("--accounts", help="comma-separated accounts allowed to invoke (default: every ACTIVE account)")
    org.add_argument("--exclude-accounts", help="comma-separated accounts the organization packs skip")
    org.add_argument("--regions", help="comma-separated regions for the remediation StackSet (default: --region)")
    org.add_argument("--execution-role-name", default=None, help="member-account role name")
    hook = p.add_argument_group("CloudFormation hook (--hook)")
    hook.add_argument(
        "--hook",
        action="store_true",
        help="also deploy a CloudFormation Lambda hook: the rules judge functions, roles, security groups and "
        "API Gateway resources before CloudFormation creates or updates them",
    )
    hook.add_argument(
        "--hook-mode",
        choices=("warn", "fail"),
        default=None,
        help="warn (default): a failing rule warns and the deployment proceeds; fail: it stops the deployment",
    )
    hook.add_argument(
        "--hook-operations",
        metavar="OPS",
        help="comma-separated: RESOURCE (default), STACK, CHANGE_SET; STACK and CHANGE_SET judge whole templates",
    )
    p.add_argument("--no-remediation", action="store_true", help="do not deploy templates/remediation.yaml")
    p.add_argument("--remediation-parameter", action="append", metavar="KEY=VALUE", help="remediation parameter")


def _options(args: argparse.Namespace, root: Path) -> Any:
    from lambda_compliance.deploy.run import Options, parse_assignments
    from lambda_compliance.packaging import naming

    accounts = _csv(args.accounts) if args.accounts else None
    return Options(
        bucket=args.bucket,
        org=args.org,
        prefix=args.prefix,
        stack_name=args.stack_name or naming.RULE_STACK,
        packs=_csv(args.packs),
        packs_dir=Path(args.packs_dir) if args.packs_dir else root / "conformance-packs",
        templates_dir=root / "templates",
        stack_parameters=parse_assignments(args.parameter, "--parameter"),
        tags=parse_assignments(args.tag, "--tag"),
        pack_parameters=parse_assignments(args.pack_parameter, "--pack-parameter"),
        execution_role_name=args.execution_role_name or naming.MEMBER_ROLE_NAME,
        conformance_bucket=args.conformance_bucket,
        organizational_units=_csv(args.ou),
        accounts=accounts,
        remediation=not args.no_remediation,
        regions=_csv(args.regions),
        remediation_parameters=parse_assignments(args.remediation_parameter, "--remediation-parameter"),
        excluded_accounts=_csv(args.exclude_accounts),
        hook=args.hook,
        hook_mode=(args.hook_mode or "warn").upper(),
        hook_operations=tuple(op.upper() for op in _csv(args.hook_operations)) or ("RESOURCE",),
    )


@command("deploy", _configure)
def run_deploy(args: argparse.Namespace) -> int:
    """Deploy the rules to one account, or with --org to an organization; --dry-run prints the plan."""
    from lambda_compliance import catalog
    from lambda_compliance.deploy.aws import Aws, DeployError
    from lambda_compliance.deploy.run import Deployment
    from lambda_compliance.generate import repo_root
    from lambda_compliance.packaging import build
    from lambda_compliance.packaging.layer import PackagingError

    if not args.org:
        org_only = ("conformance_bucket", "ou", "accounts", "exclude_accounts", "regions", "execution_role_name")
        given = [f"--{name.replace('_', '-')}" for name in (*org_only, "check") if getattr(args, name)]
        if given:
            raise UsageError(f"{given[0]} applies to --org deployments only")
    if (args.hook_mode or args.hook_operations) and not args.hook:
        raise UsageError(f"{'--hook-mode' if args.hook_mode else '--hook-operations'} applies with --hook only")
    unknown = [op for op in _csv(args.hook_operations) if op.upper() not in HOOK_OPERATIONS]
    if unknown:
        raise UsageError(f"--hook-operations: {unknown[0]} is not one of {', '.join(HOOK_OPERATIONS)}")
    session = None
    region = args.region
    # An organization plan names the accounts it excludes and the StackSet instances it adds, so its
    # dry run reads Organizations and CloudFormation (read-only); a single-account dry run reads nothing.
    reads_aws = not args.dry_run or args.org or args.check
    if reads_aws or not region:
        from lambda_compliance.cli import _session

        session = _session(args)
        region = region or session.region_name
    if not region:
        if reads_aws:
            raise UsageError("no AWS region set (use --region)")
        region = "<region>"
    root = repo_root()
    with tempfile.TemporaryDirectory(prefix="lambda-compliance-") as scratch:
        output = Path(args.artifacts) if args.artifacts else Path(scratch)
        try:
            options = _options(args, root)
            built = build.build(output, list(catalog.all_rules()), catalog.rules_dir())
            aws = Aws(session, region, endpoint_url=args.endpoint_url) if reads_aws else None
            deployment = Deployment(options, built, region, aws)
            if args.check:
                return deployment.check(sys.stdout)
            if args.dry_run:
                deployment.print_plan(sys.stdout)
            else:
                deployment.run(sys.stdout)
        except (DeployError, PackagingError) as exc:
            raise UsageError(str(exc)) from None
    return 0
