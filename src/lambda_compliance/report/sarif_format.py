"""``--format sarif``: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

One ``reportingDescriptor`` per rule: its title, a help text naming the clauses it
evidences and the remediation, the clause tokens and family as tags, the severity
as ``defaultConfiguration.level`` and as ``security-severity`` (GitHub's scale).
One result per NON_COMPLIANT evaluation: the resource as a logical location (and
a stable pseudo-path, since code-scanning tools want a physical one), and a
fingerprint that stays the same across scans so an alert keeps its history.
Rules that failed to run become tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from lambda_compliance import __version__
from lambda_compliance.report import compliance, skipped_summary

FORMAT = "sarif"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def _help(name: str, meta: dict[str, Any]) -> tuple[str, str]:
    lines = [f"{meta['title']}."]
    md = [f"**{meta['title']}** ({meta['severity']})", ""]
    for key, ids in meta.get("clauses", {}).items():
        prefix = key.upper()
        lines.append(f"{prefix}: {', '.join(ids)}")
        md.append(f"- {prefix}: {', '.join(f'`{i}`' for i in ids)}")
    fix = meta.get("remediation")
    if fix:
        text = f"Remediation: SSM Automation document {fix['document']} ({fix['mode']})."
        lines.append(text)
        md += ["", f"Remediation: SSM Automation document `{fix['document']}` ({fix['mode']})."]
    return "\n".join(lines), "\n".join(md)


def _descriptor(name: str, meta: dict[str, Any]) -> dict[str, Any]:
    text, markdown = _help(name, meta)
    tokens = [t for t in meta.get("citation", "").strip("[]").split() if not t.startswith("+")]
    return {
        "id": name,
        "name": "".join(part.title() for part in name.split("_")),
        "shortDescription": {"text": meta["title"]},
        "fullDescription": {"text": f"{meta.get('citation', '')} {meta['title']}".strip()},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVEL.get(meta["severity"], "warning")},
        "properties": {
            "tags": ["security", "compliance", *([meta["family"]] if meta.get("family") else []), *tokens],
            "security-severity": SECURITY_SEVERITY.get(meta["severity"], "5.5"),
            "precision": "high",
        },
    }


def _location(e: dict[str, Any]) -> dict[str, Any]:
    where = e.get("location")
    if where:  # a template scan: the file and the line of the resource, so code scanning annotates it
        physical: dict[str, Any] = {"artifactLocation": {"uri": Path(where["file"]).as_posix()}}
        if where.get("line"):
            physical["region"] = {"startLine": where["line"]}
        name = where.get("logicalId") or e["resourceId"]
        return {"physicalLocation": physical, "logicalLocations": [{"name": name, "kind": "resource"}]}
    account, region = e.get("accountId") or "account", e.get("region") or "global"
    resource_type = (e.get("resourceType") or "resource").replace("::", "/")
    return {
        "physicalLocation": {"artifactLocation": {"uri": f"aws/{account}/{region}/{resource_type}/{e['resourceId']}"}},
        "logicalLocations": [
            {"name": e["resourceId"], "fullyQualifiedName": f"{account}/{region}/{e['resourceId']}", "kind": "resource"}
        ],
    }


def _utc(stamp: str) -> str:
    return stamp.replace("+00:00", "Z")


def build(document: dict[str, Any]) -> dict[str, Any]:
    compliance.ensure(document)
    rules = document["rules"]
    names = sorted(rules)
    index = {name: i for i, name in enumerate(names)}
    results = []
    for e in document["evaluations"]:
        if e["compliance"] != "NON_COMPLIANT":
            continue
        meta = rules.get(e["rule"], {})
        key = "|".join((e["rule"], e.get("accountId", ""), e.get("region", ""), e["resourceId"]))
        results.append(
            {
                "ruleId": e["rule"],
                "ruleIndex": index[e["rule"]],
                "level": LEVEL.get(meta.get("severity", "medium"), "warning"),
                "message": {"text": f"{e['resourceId']}: {e['annotation']}"},
                "locations": [_location(e)],
                "partialFingerprints": {"lambdaComplianceFinding/v1": hashlib.sha256(key.encode()).hexdigest()[:32]},
                "properties": {
                    "accountId": e.get("accountId", ""),
                    "region": e.get("region", ""),
                    "resourceType": e.get("resourceType", ""),
                    "severity": meta.get("severity", ""),
                },
            }
        )
    notifications = [
        {
            "level": "error" if err.get("kind", "error") == "error" else "note",
            "message": {"text": f"{err['rule']}: {err['message']}"},
            "descriptor": {"id": err["rule"]},
        }
        for err in document.get("errors", [])
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "lambda-compliance",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_descriptor(n, rules[n]) for n in names],
            }
        },
        "automationDetails": {"id": f"lambda-compliance/{document['scan'].get('framework') or 'all'}/"},
        "invocations": [
            {
                "executionSuccessful": not any(e.get("kind", "error") == "error" for e in document.get("errors", [])),
                "toolExecutionNotifications": notifications,
                **({"startTimeUtc": _utc(document["scan"]["time"])} if document["scan"].get("time") else {}),
            }
        ],
        "results": results,
        "properties": {
            "accounts": document["scan"].get("accounts", []),
            "regions": document["scan"].get("regions", []),
            # Evaluations the scan could not make, per rule with the reasons (each is also a note above).
            "skipped": skipped_summary(document.get("errors", [])),
            "frameworkClauseStatus": {fw["key"]: fw["clauseStatus"] for fw in document["frameworks"]},
        },
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(document: dict[str, Any], console: Any = None) -> str:
    return json.dumps(build(document), indent=2) + "\n"
