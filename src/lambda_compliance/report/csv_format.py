"""``--format csv``: one row per evaluation, with a clause column per framework, for auditors' spreadsheets;
and ``render_clauses``: one row per clause of every framework in the report (``--reports`` writes it
as ``lambda-compliance-clauses.csv``), with its evidence status, the rules and parameters in force,
population, failing and exempted resources (reason, approver, expiry) and the manual evidence still
needed; clauses no rule evidences or covers are rows too, so the sheet is the whole framework.

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


CLAUSE_COLUMNS = (
    "framework",
    "clause",
    "title",
    "status",
    "complete",
    "rules and parameters in force",
    "population",
    "failing",
    "exempted",
    "failing resources",
    "exempted resources (reason; approver; expires)",
    "not counted",
    "manual evidence still needed",
    "operational metric (% passing evaluations)",
)


def _rules_in_force(clause: dict[str, Any]) -> str:
    parts = []
    for r in clause["rules"]:
        params = ", ".join(f"{k}={v}" for k, v in r["parameters"].items())
        parts.append(f"{r['rule']}({params})" if params else r["rule"])
    return "; ".join(parts)


def _bare_row(prefix: str, clause: dict[str, str], status: str, needed: str) -> list[str]:
    """A clause no rule evidences: only what it is, why, and what evidence it needs instead."""
    row = dict.fromkeys(CLAUSE_COLUMNS, "")
    row.update(
        {
            "framework": prefix,
            "clause": clause["id"],
            "title": clause["title"],
            "status": status,
            "manual evidence still needed": needed,
        }
    )
    return [_cell(v) for v in row.values()]


def render_clauses(document: dict[str, Any]) -> str:
    compliance.ensure(document)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CLAUSE_COLUMNS)
    for fw in document["frameworks"]:
        for c in fw["clauses"]:
            exempted = " | ".join(
                f"{x['rule']} {x['resourceId']}: {x['reason']}; {x.get('approver') or 'no approver recorded'}; "
                f"{x.get('expires') or 'no expiry'}"
                for x in c["exemptedResources"]
            )
            row = [
                fw["prefix"],
                c["id"],
                c["title"],
                c["statusLabel"],
                "yes" if c["complete"] else "no",
                _rules_in_force(c),
                c["population"],
                c["failing"],
                c["exempted"],
                " ".join(f"{f['rule']}:{f['resourceId']}" for f in c["failingResources"]),
                exempted,
                " | ".join(c["gaps"]),
                " | ".join(c["manualEvidence"]),
                "" if c["operationalMetric"] is None else c["operationalMetric"],
            ]
            writer.writerow([_cell(v) for v in row])
        for gap in fw["notEvidenced"]:
            for clause in gap["clauses"]:
                writer.writerow(_bare_row(fw["prefix"], clause, "not evidenced", gap["reason"]))
        for clause in fw["notCovered"]:
            note = "Technical clause no rule of this catalog covers: evidence from other tools or assessments."
            writer.writerow(_bare_row(fw["prefix"], clause, "not covered", note))
    return buffer.getvalue()


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
