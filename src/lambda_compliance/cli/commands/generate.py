"""``lambda-compliance generate [--check]``: every generated file of the repository, from one registry."""

from __future__ import annotations

import argparse
import sys

from lambda_compliance.cli import EXIT_FINDINGS, EXIT_OK, command


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each stale file (missing, different, or no longer generated)",
    )


@command("generate", _configure)
def run_generate(args: argparse.Namespace) -> int:
    """Rewrite the generated files that changed (rule metadata, README table, packs, docs, SSM, templates)."""
    from lambda_compliance import generate

    root = generate.repo_root()
    if args.check:
        stale = generate.stale(root)
        for path in stale:
            print(f"stale: {path.relative_to(root)} (run: lambda-compliance generate)", file=sys.stderr)
        return EXIT_FINDINGS if stale else EXIT_OK
    written, removed = generate.write(root)
    for path in written:
        print(f"wrote   {path.relative_to(root)}")
    for path in removed:
        print(f"removed {path.relative_to(root)}")
    if not written and not removed:
        print("every generated file is current")
    return EXIT_OK
