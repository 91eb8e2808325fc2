"""``lambda-compliance rules``: list the catalog, or rewrite each rule's rdk parameters.json from its spec."""

from __future__ import annotations

import argparse

from lambda_compliance.cli import command


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "action", choices=("list", "sync"), help="list rules, or write parameters.json files and the README rule table"
    )


@command("rules", _configure)
def run_rules(args: argparse.Namespace) -> int:
    """List the rules, or regenerate rdk parameters.json from each rule's spec."""
    from lambda_compliance import catalog, docs_tables, rdk_metadata

    for rule in catalog.all_rules():
        if args.action == "sync":
            path = catalog.rules_dir() / rule.rule_name() / "parameters.json"
            text = rdk_metadata.render(rule)
            if not path.exists() or path.read_text() != text:
                path.write_text(text)
                print(f"wrote {path}")
        else:
            spec = rule.spec
            trigger = f"periodic {spec.frequency}" if spec.periodic else ",".join(spec.resource_types)
            print(f"{rule.rule_name():46} {spec.family:11} {spec.severity:8} {trigger}")
    readme = catalog.rules_dir().parent / "README.md"
    if args.action == "sync" and readme.is_file() and docs_tables.sync_readme(readme):
        print(f"wrote {readme}")
    return 0
