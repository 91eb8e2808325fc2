"""``lambda-compliance packs build|check``: the conformance packs, generated from the rules and the configuration."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lambda_compliance.cli import DEFAULT_CONFIG, EXIT_FINDINGS, EXIT_OK, UsageError, command, load_settings


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "action",
        choices=("build", "check"),
        help="build: write the packs; check: exit 1 when the files differ from what build would write "
        "(the committed packs and docs/frameworks.md are written by `lambda-compliance generate`)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help=f"configuration file whose parameters, exemptions and disabled rules the packs carry "
        f"(default: ./{DEFAULT_CONFIG} when present)",
    )
    p.add_argument(
        "--no-config",
        action="store_true",
        help="ignore any configuration file: rule defaults only (how the committed packs are built)",
    )
    p.add_argument(
        "--rule-parameters", metavar="JSON", help='override rule parameters: {"RULE": {"param": "value"}} or @file.json'
    )
    p.add_argument("--output", metavar="DIR", default="conformance-packs", help="directory (default: %(default)s)")


@command("packs", _configure)
def run_packs(args: argparse.Namespace) -> int:
    """Build conformance packs (one per framework plus 'all') from the rules and the configuration file."""
    from lambda_compliance import packs
    from lambda_compliance.config_file import Settings

    if args.no_config and (args.config or args.rule_parameters):
        raise UsageError("--no-config excludes --config and --rule-parameters")
    settings = Settings() if args.no_config else load_settings(args)
    try:
        built = packs.build_all(settings)
    except packs.PackError as exc:
        raise UsageError(str(exc)) from None
    directory = Path(args.output)
    if args.action == "check":
        stale = packs.stale(built, directory)
        for path in stale:
            print(f"stale: {path} (run: lambda-compliance packs build)", file=sys.stderr)
        return EXIT_FINDINGS if stale else EXIT_OK
    try:
        written = set(packs.write(built, directory))
    except OSError as exc:
        raise UsageError(f"cannot write {directory}: {exc.strerror}") from None
    source = "rule defaults" if not settings.path else str(settings.path)
    print(f"conformance packs from {source} in {directory}/:")
    for item in built:
        deploy = "inline" if item.inline else "S3 only"
        mark = "wrote" if directory / item.pack.file_name in written else "same "
        print(
            f"  {mark} {item.pack.file_name:22} {len(item.rules):3} rules {len(item.remediations):3} remediations "
            f"{item.parameters:3} parameters {item.size:7,} bytes ({deploy})"
        )
    return EXIT_OK
