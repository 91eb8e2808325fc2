"""``--format asff``: AWS Security Finding Format findings, one per COMPLIANT or NON_COMPLIANT evaluation.

The shape is what ``BatchImportFindings`` accepts (``scan --to-security-hub`` imports
exactly these): the required top-level attributes
(https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html),
a stable ``Id`` per rule, account, region and resource (``report.finding_id``) so a rescan
updates the finding, ``Compliance.Status`` PASSED/FAILED with the framework clauses as
``RelatedRequirements``, and the SSM remediation document as the recommendation.

A failing resource is an ACTIVE finding whose workflow starts NEW; a passing one is
ARCHIVED and RESOLVED from the start, as Security Hub itself resolves control findings
whose compliance is PASSED
(https://docs.aws.amazon.com/securityhub/latest/userguide/findings-workflow-status.html).
NOT_APPLICABLE evaluations have no finding: AWS Config does not send those either.
"""

from __future__ import annotations

import json
from typing import Any

FORMAT = "asff"
SCHEMA_VERSION = "2018-10-08"
FINDING_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards"
GENERATOR_PREFIX = "lambda-compliance/"
SEVERITY_LABEL = {"critical": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW"}
MAX_REQUIREMENTS = 32  # Compliance.RelatedRequirements holds at most 32 items
# Config resource types whose ASFF resource type is the same words run together; any other is "Other".
# https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resources.html
_ASFF_TYPES = frozenset(
    {
        "AwsAccount",
        "AwsApiGatewayStage",
        "AwsApiGatewayV2Stage",
        "AwsDynamoDbTable",
        "AwsEc2Vpc",
        "AwsEc2SecurityGroup",
        "AwsIamRole",
        "AwsKmsKey",
        "AwsLambdaFunction",
        "AwsSecretsManagerSecret",
        "AwsCloudTrailTrail",
    }
)


def resource_type(config_type: str) -> str:
    words = [w for w in config_type.split("::") if w]
    name = "".join(w[:1].upper() + w[1:].lower() if w.isupper() else w for w in words)
    name = name.replace("DynamoDB", "DynamoDb")
    return name if name in _ASFF_TYPES else "Other"


def product_arn(account: str, region: str) -> str:
    """The account's own product ARN: findings a customer imports from its own account use it."""
    from lambda_compliance.domain.api_gateway.resources import partition

    return f"arn:{partition(region)}:securityhub:{region}:{account}:product/{account}/default"


def _timestamp(started: str | None) -> str:
    from datetime import UTC, datetime

    return (started or datetime.now(UTC).isoformat(timespec="seconds")).replace("+00:00", "Z")


def findings(document: dict[str, Any], updated_at: str | None = None) -> list[dict[str, Any]]:
    from lambda_compliance.catalog import frameworks
    from lambda_compliance.domain.api_gateway.resources import partition
    from lambda_compliance.report import compliance, finding_id

    compliance.ensure(document)
    stamp = _timestamp(updated_at or document["scan"].get("time"))
    out = []
    for e in document["evaluations"]:
        if e["compliance"] not in ("COMPLIANT", "NON_COMPLIANT"):
            continue
        meta = document.get("rules", {}).get(e["rule"], {})
        failed = e["compliance"] == "NON_COMPLIANT"
        severity = SEVERITY_LABEL.get(meta.get("severity", "medium"), "MEDIUM")
        requirements = [frameworks.framework(key).token(c) for key, ids in meta.get("clauses", {}).items() for c in ids]
        account, region = e.get("accountId", ""), e.get("region", "")
        finding: dict[str, Any] = {
            "SchemaVersion": SCHEMA_VERSION,
            "Id": finding_id(e),
            "ProductArn": product_arn(account, region),
            "GeneratorId": f"{GENERATOR_PREFIX}{e['rule']}",
            "AwsAccountId": account,
            "Region": region,
            "Types": [FINDING_TYPE],
            "CreatedAt": stamp,
            "UpdatedAt": stamp,
            "Severity": {"Label": severity if failed else "INFORMATIONAL", "Original": severity},
            "Title": meta.get("title", e["rule"])[:256],
            "Description": (e["annotation"] or meta.get("title", e["rule"]))[:1024],
            "Compliance": {
                "Status": "FAILED" if failed else "PASSED",
                "RelatedRequirements": requirements[:MAX_REQUIREMENTS],
            },
            "Resources": [
                {
                    "Type": resource_type(e["resourceType"]),
                    "Id": e["resourceId"],
                    "Partition": partition(region),
                    "Region": region,
                }
            ],
            "ProductFields": {
                "lambda-compliance/Rule": e["rule"],
                "lambda-compliance/ResourceType": e["resourceType"],
            },
            "RecordState": "ACTIVE" if failed else "ARCHIVED",
            "Workflow": {"Status": "NEW" if failed else "RESOLVED"},
        }
        fix = meta.get("remediation")
        if fix:
            finding["Remediation"] = {
                "Recommendation": {"Text": f"Run the SSM Automation document {fix['document']} ({fix['mode']})."[:512]}
            }
        out.append(finding)
    return out


def render(document: dict[str, Any], console: Any = None) -> str:
    return json.dumps({"Findings": findings(document)}, indent=1) + "\n"
