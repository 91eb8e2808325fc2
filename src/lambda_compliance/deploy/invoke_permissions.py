"""Organization mode: let AWS Config in each member account invoke the central rule functions, and no one else.

Why one statement per account: a Lambda permission for a service principal can be narrowed by
``SourceAccount`` or ``SourceArn`` only. ``PrincipalOrgID`` (aws:PrincipalOrgID) applies to IAM
principals, not to ``config.amazonaws.com``; ``aws:SourceOrgID`` would fit but AddPermission and
AWS::Lambda::Permission cannot express arbitrary conditions. So, as AWS's own guidance for
cross-account Config rules does (``add-permission --principal config.amazonaws.com --source-account
<member>``), the deployer keeps one statement per account of the organization on every rule
function, ``Sid`` ``config-<account>``, and removes those of accounts that left. CloudFormation
keeps the central account's own statement.

Limits, checked before any change: a function policy holds at most 20 KB, 63 such statements for
the longest rule function name; larger organizations deploy the rule stack into every account
instead (see docs/deploy.md, "More than 60 accounts").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from botocore.exceptions import ClientError

from lambda_compliance.deploy.aws import Aws, DeployError, error_code

SID_PREFIX = "config-"
POLICY_LIMIT = 20 * 1024
PRINCIPAL = "config.amazonaws.com"


def statement(function_arn: str, account: str) -> dict[str, object]:
    """The statement Lambda stores for ``add_permission(..., SourceAccount=account)``."""
    return {
        "Sid": f"{SID_PREFIX}{account}",
        "Effect": "Allow",
        "Principal": {"Service": PRINCIPAL},
        "Action": "lambda:InvokeFunction",
        "Resource": function_arn,
        "Condition": {"StringEquals": {"AWS:SourceAccount": account}},
    }


def policy_bytes(function_arn: str, accounts: Iterable[str], others: Sequence[dict[str, object]] = ()) -> int:
    statements = [*others, *(statement(function_arn, a) for a in accounts)]
    return len(json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements}, separators=(",", ":")))


def max_accounts(function_arn: str) -> int:
    """How many member accounts one function's policy can hold next to the stack's own statement."""
    count = 0
    base = [statement(function_arn, "000000000000") | {"Sid": "x" * 100}]
    while policy_bytes(function_arn, [f"{n:012d}" for n in range(count + 1)], base) <= POLICY_LIMIT:
        count += 1
    return count


@dataclass(frozen=True)
class SyncResult:
    added: int
    removed: int
    functions: int


def statements(aws: Aws, function: str) -> list[dict[str, object]]:
    try:
        raw = aws.client("lambda").get_policy(FunctionName=function)["Policy"]
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return []
        raise
    parsed = json.loads(raw)
    found = parsed.get("Statement") or []
    return found if isinstance(found, list) else [found]


def sync(aws: Aws, function_arns: Sequence[str], accounts: Iterable[str], central_account: str) -> SyncResult:
    """Make each function's ``config-<account>`` statements exactly ``accounts`` (minus the central one)."""
    wanted = sorted({a for a in accounts if a != central_account})
    if function_arns:
        limit = max_accounts(max(function_arns, key=len))  # the longest ARN fills its policy first
        if len(wanted) > limit:
            raise DeployError(
                f"{len(wanted)} member accounts exceed what one Lambda function policy holds ({limit}); "
                "split the organization across two central deployments (see docs/deploy.md)"
            )
    lam = aws.client("lambda")

    def statements_of(arn: str) -> list[dict[str, object]]:
        return statements(aws, arn)

    def one(arn: str) -> tuple[int, int]:
        statements = statements_of(arn)
        have = {str(s.get("Sid")) for s in statements if str(s.get("Sid", "")).startswith(SID_PREFIX)}
        want = {f"{SID_PREFIX}{a}" for a in wanted}
        for sid in sorted(have - want):
            lam.remove_permission(FunctionName=arn, StatementId=sid)
        for sid in sorted(want - have):
            lam.add_permission(
                FunctionName=arn,
                StatementId=sid,
                Action="lambda:InvokeFunction",
                Principal=PRINCIPAL,
                SourceAccount=sid[len(SID_PREFIX) :],
            )
        return len(want - have), len(have - want)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(one, function_arns))
    return SyncResult(sum(a for a, _ in results), sum(r for _, r in results), len(function_arns))
