"""``lambda-compliance package``: the layer, one zip per rule, the hook function and the templates, into a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from lambda_compliance.cli import UsageError, command


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", default="dist", metavar="DIR", help="folder to write into (default: dist)")
    p.add_argument("--rules", help="comma-separated rule names (default: all)")


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB"


@command("package", _configure)
def run_package(args: argparse.Namespace) -> int:
    """Build the Lambda layer, the rule zips, the CloudFormation hook function and the stack templates."""
    from lambda_compliance import catalog
    from lambda_compliance.packaging import build
    from lambda_compliance.packaging.layer import PackagingError

    try:
        rules = list(catalog.select_rules(args.rules)) if args.rules else list(catalog.all_rules())
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    try:
        result = build.build(Path(args.output), rules, catalog.rules_dir())
    except PackagingError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror}") from None
    zips = sum(a.size for a in result.rule_zips.values())
    layer = result.layer
    print(
        f"layer      {layer.path}  {_kb(layer.size)} ({_kb(layer.unzipped)} unzipped: "
        f"{len(result.layer_modules)} lambda_compliance modules, {len(result.layer_data)} data files, rdklib)"
    )
    print(f"rules      {result.output / 'rules'}/  {len(result.rule_zips)} zips, {_kb(zips)}")
    print(f"templates  {result.rule_stack}  {result.member_role}")
    if result.hook is not None:
        print(
            f"hook       {result.hook.path}  {_kb(result.hook.size)} ({len(result.hook_modules)} modules beyond the "
            f"layer, the rules, PyYAML)  {result.hook_stack}"
        )
    print(f"manifest   {result.output / build.MANIFEST_FILE}")
    return 0
