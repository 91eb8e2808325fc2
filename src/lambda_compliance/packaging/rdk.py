"""rdk compatibility, checked: ``rdk test-local --all`` runs every rule's tests, ``rdk create-rule-template`` lints.

rdk (awslabs/aws-config-rdk) runs on Python 3.12 and lives in its own virtualenv (``make rdk``
creates ``.venv/rdk`` with rdk and this project). ``rdk test-local`` loads each rule folder's
``*_test.py`` with unittest: a rule whose tests are pytest-style reports "Ran 0 tests", which this
check refuses. Templates: the full one (Config recorder, bucket and rules) and ``--rules-only``
(the Config rules pointing at functions in ``LambdaAccountId``: the central-account route) must
have no cfn-lint error; rdk's own warnings are reported, not failed.

    python -m lambda_compliance.packaging.rdk --rdk .venv/rdk/bin/rdk --cfn-lint .venv/bin/cfn-lint
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_TESTING = re.compile(r"^Testing (\S+)$")
_RAN = re.compile(r"^Ran (\d+) tests? in ")
TIMEOUT = 600


class RdkCheckError(Exception):
    """rdk disagrees with the rules; the message says which rule or template and why."""


@dataclass(frozen=True)
class LocalTests:
    ran: dict[str, int]  # rule -> tests run
    output: str


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run with stderr merged into stdout, in order (unittest reports "Ran N tests" on stderr)."""
    return subprocess.run(
        argv,
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def parse_test_local(output: str) -> dict[str, int]:
    """rule -> "Ran N tests" from ``rdk test-local`` output (rules in the order rdk ran them)."""
    ran: dict[str, int] = {}
    current: str | None = None
    for line in output.splitlines():
        line = line.strip()
        testing = _TESTING.match(line)
        if testing:
            current = testing.group(1)
            continue
        count = _RAN.match(line)
        if count and current:
            ran[current] = int(count.group(1))
            current = None
    return ran


def test_local(rdk: Path, rules_dir: Path) -> LocalTests:
    done = _run([str(rdk.absolute()), "test-local", "--all"], rules_dir)
    output = done.stdout
    ran = parse_test_local(output)
    folders = sorted(p.name for p in rules_dir.iterdir() if (p / f"{p.name}.py").is_file())
    missing = [name for name in folders if name not in ran]
    if missing:
        raise RdkCheckError(f"rdk test-local did not run {missing[0]} ({len(missing)} rules missing)")
    empty = [name for name, count in ran.items() if count == 0]
    if empty:
        raise RdkCheckError(f"rdk test-local: {empty[0]} reports 'Ran 0 tests' (write unittest TestCase classes)")
    if done.returncode != 0:
        failed = _first_failure(output)
        raise RdkCheckError(f"rdk test-local failed (exit {done.returncode}){': ' + failed if failed else ''}")
    return LocalTests(ran, output)


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAIL: ", "ERROR: ")):
            return line.strip()
    return ""


def rule_templates(rdk: Path, rules_dir: Path, out_dir: Path) -> list[Path]:
    """The full template and the ``--rules-only`` one, written by rdk itself."""
    out = []
    for name, extra in (("rdk-rules.json", []), ("rdk-rules-only.json", ["--rules-only"])):
        target = out_dir / name
        done = _run([str(rdk.absolute()), "create-rule-template", "--all", *extra, "-o", str(target)], rules_dir)
        if done.returncode != 0 or not target.is_file():
            tail = done.stdout.strip().splitlines()[-1:] or ["no output"]
            raise RdkCheckError(f"rdk create-rule-template {' '.join(extra)} failed: {tail[0]}")
        out.append(target)
    return out


def lint(cfn_lint: Path, templates: list[Path]) -> str:
    """Fail on any cfn-lint error; return the warnings (rdk's template style, not ours)."""
    done = subprocess.run(
        [str(cfn_lint), "--format", "parseable", *map(str, templates)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    errors = [line for line in done.stdout.splitlines() if re.search(r":E\d{4}:", line)]
    if errors or done.returncode & 3:  # cfn-lint exit bits: 2 error, 4 warning, 8 informational (1: failure)
        raise RdkCheckError(f"cfn-lint rejects rdk's template: {(errors or [done.stdout.strip()])[0]}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rdk", required=True, type=Path, help="the rdk executable (of its own virtualenv)")
    parser.add_argument("--cfn-lint", required=True, type=Path, help="the cfn-lint executable")
    parser.add_argument("--rules", type=Path, help="rules folder (default: the catalog's)")
    args = parser.parse_args(argv)
    if args.rules is None:
        from lambda_compliance import catalog

        args.rules = catalog.rules_dir()
    try:
        local = test_local(args.rdk, args.rules)
        for name, count in local.ran.items():
            print(f"rdk test-local  {name:46} Ran {count} tests")
        with tempfile.TemporaryDirectory() as scratch:
            templates = rule_templates(args.rdk, args.rules, Path(scratch))
            warnings = lint(args.cfn_lint, templates)
        print(f"rdk create-rule-template: {len(templates)} templates, no cfn-lint error", end="")
        print(f" ({len(warnings.splitlines())} warnings from rdk's own template style)" if warnings.strip() else "")
    except RdkCheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
