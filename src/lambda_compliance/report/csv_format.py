"""``--format csv``: one row per evaluation, with a clause column per framework, for auditors' spreadsheets.

Columns: account, region, rule, severity, resource type and id, compliance,
annotation, one column per framework in the report holding the clause ids the
rule evidences there, and the remediation document. An evaluation the scan could not make (a
snapshot has no service APIs) is a row too, with compliance ``SKIPPED`` and the reason as its
annotation, so a partial scan never reads as a clean one. Cells that a spreadsheet
would run as a formula (leading ``=``, ``+``, ``-``, ``@``) are prefixed with a
quote: resource names come from the scanned account, not from us.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from lambda_compliance.report import compliance

FORMAT = "csv"
BASE_COLUMNS = (
    "accountId",
    "region",
    "rule",
    "severity",
    "resourceType",
    "resourceId",
    "compliance",
    "annotation",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def render(document: dict[str, Any], console: Any = None) -> str:
    compliance.ensure(document)
    rules = document["rules"]
    keys = [fw["key"] for fw in document["frameworks"]]
    prefixes = {fw["key"]: fw["prefix"] for fw in document["frameworks"]}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*BASE_COLUMNS, *(f"{prefixes[k]} clauses" for k in keys), "remediation"])
    for e in document["evaluations"]:
        meta = rules.get(e["rule"], {})
        fix = meta.get("remediation") or {}
        row = [
            e.get("accountId", ""),
            e.get("region", ""),
            e["rule"],
            meta.get("severity", ""),
            e.get("resourceType", ""),
            e["resourceId"],
            e["compliance"],
            e.get("annotation", ""),
            *(" ".join(meta.get("clauses", {}).get(k, ())) for k in keys),
            fix.get("document", "") if e["compliance"] == "NON_COMPLIANT" else "",
        ]
        writer.writerow([_cell(v) for v in row])
    for err in document.get("errors", []):
        if err.get("kind") != "skipped":
            continue
        meta = rules.get(err["rule"], {})
        row = [
            err.get("accountId", ""),
            err.get("region", ""),
            err["rule"],
            meta.get("severity", ""),
            "",
            err.get("resourceId", ""),
            "SKIPPED",
            err.get("message", ""),
            *(" ".join(meta.get("clauses", {}).get(k, ())) for k in keys),
            "",
        ]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
