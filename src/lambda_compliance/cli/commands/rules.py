"""``lambda-compliance rules list``: the catalog, one line per rule (``generate`` writes their metadata)."""

from __future__ import annotations

import argparse

from lambda_compliance.cli import command


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("list",), help="list the rules: name, family, severity, trigger")


@command("rules", _configure)
def run_rules(args: argparse.Namespace) -> int:
    """List the rules."""
    from lambda_compliance import catalog

    for rule in catalog.all_rules():
        spec = rule.spec
        trigger = f"periodic {spec.frequency}" if spec.periodic else ",".join(spec.resource_types)
        print(f"{rule.rule_name():46} {spec.family:11} {spec.severity:8} {trigger}")
    return 0
