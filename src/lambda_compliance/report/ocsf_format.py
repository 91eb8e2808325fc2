"""``--format ocsf``: one OCSF 1.1.0 Compliance Finding event (class_uid 2003) per evaluation, as a JSON array.

OCSF is the schema Amazon Security Lake stores and Prowler emits. 1.1.0 is the version of
Security Lake's version-2 AWS sources, and events a custom source writes to Security Lake
must follow OCSF (as Parquet: converting this JSON is the custom source's step)
(https://docs.aws.amazon.com/security-lake/latest/userguide/open-cybersecurity-schema-framework.html).
Each event carries the rule (``compliance.control``, ``finding_info``), the resource
(``resource``, ``cloud``), the verdict (``compliance.status_id``, ``status_id``), the
severity, the framework clauses the rule evidences (``compliance.requirements`` as
``PREFIX:clause`` tokens, ``compliance.standards`` as framework names) and, where the
rule has one, its SSM remediation document (``remediation``). The class is defined at
https://schema.ocsf.io/1.1.0/classes/compliance_finding; tests validate every event
against tests/data/ocsf-1.1.0-compliance_finding.schema.json.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from lambda_compliance import __version__
from lambda_compliance.catalog import frameworks

FORMAT = "ocsf"
OCSF_VERSION = "1.1.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2003, 2, 1
# OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.
SEVERITY_ID = {"low": 2, "medium": 3, "high": 4, "critical": 5}
# Config's verdict -> (compliance.status_id, compliance.status): 1 Pass, 3 Fail, 99 Other.
COMPLIANCE_STATUS = {"COMPLIANT": (1, "Pass"), "NON_COMPLIANT": (3, "Fail"), "NOT_APPLICABLE": (99, "Not Applicable")}
# Finding status_id: 1 New (needs work), 4 Resolved (complies), 99 Other (the rule does not apply).
FINDING_STATUS = {"COMPLIANT": (4, "Resolved"), "NON_COMPLIANT": (1, "New"), "NOT_APPLICABLE": (99, "Not Applicable")}
ACCOUNT_TYPE_AWS = 10  # account.type_id 10: AWS Account


def events(document: dict[str, Any]) -> list[dict[str, Any]]:
    from lambda_compliance.report import compliance, finding_id
    from lambda_compliance.report.table_format import short_name

    compliance.ensure(document)
    started = document["scan"].get("time")
    time_ms = int(datetime.fromisoformat(started).timestamp() * 1000) if started else 0
    out = []
    for evaluation in document["evaluations"]:
        meta = document.get("rules", {}).get(evaluation["rule"], {})
        severity = meta.get("severity", "medium")
        compliance_id, compliance_status = COMPLIANCE_STATUS[evaluation["compliance"]]
        status_id, status = FINDING_STATUS[evaluation["compliance"]]
        clauses = meta.get("clauses", {})
        event: dict[str, Any] = {
            "activity_id": ACTIVITY_CREATE,
            "activity_name": "Create",
            "category_uid": CATEGORY_UID,
            "category_name": "Findings",
            "class_uid": CLASS_UID,
            "class_name": "Compliance Finding",
            "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
            "type_name": "Compliance Finding: Create",
            "time": time_ms,
            "severity_id": SEVERITY_ID.get(severity, 0),
            "severity": severity.capitalize(),
            "status_id": status_id,
            "status": status,
            "message": evaluation["annotation"],
            "metadata": {
                "version": OCSF_VERSION,
                "product": {"name": "lambda-compliance", "vendor_name": "lambda-compliance", "version": __version__},
                "profiles": ["cloud"],
            },
            "cloud": {
                "provider": "AWS",
                "region": evaluation.get("region", ""),
                "account": {"uid": evaluation.get("accountId", ""), "type_id": ACCOUNT_TYPE_AWS, "type": "AWS Account"},
            },
            "finding_info": {
                "uid": finding_id(evaluation),
                "title": meta.get("title", evaluation["rule"]),
                "desc": evaluation["annotation"],
                "analytic": {"uid": evaluation["rule"], "name": evaluation["rule"], "type_id": 1, "type": "Rule"},
                "types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
            },
            "compliance": {
                "control": evaluation["rule"],
                "standards": [frameworks.framework(key).name for key in clauses],
                "requirements": [frameworks.framework(key).token(c) for key, ids in clauses.items() for c in ids],
                "status_id": compliance_id,
                "status": compliance_status,
                "status_detail": evaluation["annotation"],
            },
            "resource": {
                "uid": evaluation["resourceId"],
                "name": short_name(evaluation["resourceType"], evaluation["resourceId"]),
                "type": evaluation["resourceType"],
                "region": evaluation.get("region", ""),
                "cloud_partition": "aws",
            },
        }
        fix = meta.get("remediation")
        if fix:
            event["remediation"] = {
                "desc": f"Run the SSM Automation document {fix['document']} ({fix['mode']}).",
                "references": [fix["document"]],
            }
        out.append(event)
    return out


def render(document: dict[str, Any], console: Any = None) -> str:
    return json.dumps(events(document), indent=1) + "\n"
