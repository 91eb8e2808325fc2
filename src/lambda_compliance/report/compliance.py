"""Per-framework, per-clause compliance: what a compliance officer reads, added to a scan document.

``enrich(document)`` adds, from the rule specs and the framework mappings:

- ``rules``: per rule its title, severity, family, remediation and clause ids per framework;
- ``frameworks``: per framework a score (passing evaluations of its rules, as AWS Config
  scores a conformance pack), a clause table (a clause complies when every evaluation of
  its rules complies; the share of passing evaluations is shown too), the failing
  resources with their annotation, severity, clauses and the remediation that fixes
  them, and the clauses no Lambda rule can evidence (``not_evidenced``), so gaps are
  explicit;
- ``scan.time`` and ``scan.accounts``.

Every output format reads these keys; ``ensure`` enriches a document that lacks them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from lambda_compliance.catalog import frameworks

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}
# Clause status, worst first.
NON_COMPLIANT, INSUFFICIENT_DATA, COMPLIANT, NOT_APPLICABLE, NO_DATA = (
    "NON_COMPLIANT",
    "INSUFFICIENT_DATA",
    "COMPLIANT",
    "NOT_APPLICABLE",
    "NO_DATA",
)


def framework_rules(rules: Sequence[Any], key: str) -> list[Any]:
    """The rules mapped to framework ``key`` (``--framework``); ValueError names the choices."""
    if key not in frameworks.FRAMEWORKS:
        raise ValueError(f"unknown framework '{key}' (choose from {', '.join(frameworks.FRAMEWORKS)})")
    mapped = set(frameworks.rules_for_framework(key))
    chosen = [r for r in rules if r.rule_name() in mapped]
    if not chosen:
        raise ValueError(f"no selected rule evidences a {key} clause")
    return chosen


def rule_metadata(names: Iterable[str]) -> dict[str, dict[str, Any]]:
    from lambda_compliance import catalog

    out: dict[str, dict[str, Any]] = {}
    for name in sorted(set(names)):
        try:
            spec = catalog.load_rule(name).spec
        except KeyError:  # a rule deployed in Config that this catalog does not know
            out[name] = {"title": name, "severity": "medium", "family": "", "remediation": None, "clauses": {}}
            continue
        fix = spec.remediation
        out[name] = {
            "title": spec.title,
            "severity": spec.severity,
            "family": spec.family,
            "resourceTypes": list(spec.resource_types),
            "periodic": spec.periodic,
            "parameters": {p.name: p.as_config_value() for p in spec.parameters},
            "remediation": (
                {
                    "document": fix.document,
                    "awsOwned": fix.aws_owned,
                    "automaticSafe": fix.automatic_safe,
                    "mode": "automatic when enabled" if fix.automatic_safe else "manual (operator approval)",
                }
                if fix
                else None
            ),
            "clauses": {k: list(v) for k, v in frameworks.clauses_for_rule(name).items()},
            "citation": frameworks.citation(name, max_len=400),
        }
    return out


def _percent(passing: int, failing: int) -> float | None:
    total = passing + failing
    return round(100.0 * passing / total, 1) if total else None


def _clause_status(counts: Counter[str], errored: bool, evaluated: bool) -> str:
    if counts["NON_COMPLIANT"]:
        return NON_COMPLIANT
    if errored:
        return INSUFFICIENT_DATA
    if counts["COMPLIANT"]:
        return COMPLIANT
    if counts["NOT_APPLICABLE"]:
        return NOT_APPLICABLE
    return NO_DATA if not evaluated else NOT_APPLICABLE


def _framework(key: str, document: dict[str, Any], rules: dict[str, dict[str, Any]]) -> dict[str, Any]:
    fw = frameworks.framework(key)
    scanned = set(document["scan"]["rules"])
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for evaluation in document["evaluations"]:
        by_rule[evaluation["rule"]].append(evaluation)
    errored = {e["rule"] for e in document.get("errors", []) if e.get("kind", "error") == "error"}

    pairs: dict[str, list[frameworks.ClauseMapping]] = defaultdict(list)
    for pair in frameworks.mapping(key):
        pairs[pair.clause_id].append(pair)
    order = {cid: i for i, cid in enumerate(fw.clauses)}
    clauses = []
    for clause_id in sorted(pairs, key=order.__getitem__):
        mapped = pairs[clause_id]
        names = [p.rule for p in mapped]
        counts: Counter[str] = Counter(e["compliance"] for n in names for e in by_rule.get(n, ()))
        failing = [
            {"rule": e["rule"], "resourceId": e["resourceId"], "accountId": e.get("accountId", "")}
            for n in names
            for e in by_rule.get(n, ())
            if e["compliance"] == "NON_COMPLIANT"
        ]
        clauses.append(
            {
                "id": clause_id,
                "token": fw.token(clause_id),
                "title": fw.clauses[clause_id].title,
                "status": _clause_status(counts, any(n in errored for n in names), any(n in scanned for n in names)),
                "passing": counts["COMPLIANT"],
                "failing": counts["NON_COMPLIANT"],
                "notApplicable": counts["NOT_APPLICABLE"],
                "percent": _percent(counts["COMPLIANT"], counts["NON_COMPLIANT"]),
                "rules": [{"rule": p.rule, "rationale": p.rationale, "evaluated": p.rule in scanned} for p in mapped],
                "failingResources": failing,
            }
        )

    fw_rules = sorted({p.rule for p in frameworks.mapping(key)} & scanned)
    findings = []
    for name in fw_rules:
        meta = rules.get(name, {})
        for e in by_rule.get(name, ()):
            if e["compliance"] != "NON_COMPLIANT":
                continue
            findings.append(
                {
                    **e,
                    "severity": meta.get("severity", "medium"),
                    "title": meta.get("title", name),
                    "clauses": list(meta.get("clauses", {}).get(key, ())),
                    "remediation": meta.get("remediation"),
                }
            )
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["rule"], f["accountId"], f["resourceId"]))
    totals: Counter[str] = Counter(e["compliance"] for n in fw_rules for e in by_rule.get(n, ()))
    status_counts = Counter(c["status"] for c in clauses)
    judged = status_counts[COMPLIANT] + status_counts[NON_COMPLIANT] + status_counts[INSUFFICIENT_DATA]
    return {
        "key": key,
        "name": fw.name,
        "shortName": fw.name.split(" (")[0],
        "version": fw.version,
        "prefix": fw.citation_prefix,
        "score": _percent(totals["COMPLIANT"], totals["NON_COMPLIANT"]),
        "evaluations": {k: totals[k] for k in ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")},
        "clausesCompliant": status_counts[COMPLIANT],
        "clausesNonCompliant": status_counts[NON_COMPLIANT],
        "clausesJudged": judged,
        "clausesMapped": len(clauses),
        "rules": fw_rules,
        "clauses": clauses,
        "failing": findings,
        "notEvidenced": [
            {
                "clauses": [{"id": c, "title": fw.clauses[c].title} for c in gap.clause_ids],
                "reason": gap.reason,
            }
            for gap in frameworks.not_evidenced(key)
        ],
    }


def enrich(document: dict[str, Any], framework: str | None = None) -> dict[str, Any]:
    """Add ``rules``, ``frameworks`` (all, or the one of ``--framework``) and scan time/accounts."""
    names = set(document["scan"]["rules"]) | {e["rule"] for e in document["evaluations"]}
    rules = rule_metadata(names)
    keys = (framework,) if framework else frameworks.FRAMEWORKS
    document["rules"] = rules
    document["frameworks"] = [_framework(key, document, rules) for key in keys]
    targets = document["scan"].get("targets", [])
    document["scan"]["framework"] = framework
    document["scan"]["time"] = min((t["started"] for t in targets if t.get("started")), default=None)
    document["scan"]["accounts"] = sorted({t["accountId"] for t in targets if t.get("accountId")})
    document["scan"]["regions"] = sorted({t["region"] for t in targets if t.get("region")})
    return document


def ensure(document: dict[str, Any]) -> dict[str, Any]:
    if "frameworks" not in document:
        enrich(document, document.get("scan", {}).get("framework"))
    return document


def print_summary(document: dict[str, Any], console: Any) -> None:
    """The per-framework summary table (score, clauses, failing resources) for the terminal."""
    from rich.table import Table
    from rich.text import Text

    ensure(document)
    table = Table(title="compliance by framework", title_justify="left")
    for column, justify in (("Framework", "left"), ("Score", "right"), ("Clauses met", "right")):
        table.add_column(column, justify=justify, no_wrap=True)
    table.add_column("Failing", justify="right", style="red")
    # Clause ids are long words (164.308(a)(1)(ii)(A)): below 100 columns they would be cut mid-word, so the
    # column is left to the reports there.
    wide = console.width >= 100
    if wide:
        table.add_column("Failing clauses")
    for fw in document["frameworks"]:
        score = "—" if fw["score"] is None else f"{fw['score']:.1f}%"
        style = "green" if fw["score"] == 100.0 else ("bold red" if fw["clausesNonCompliant"] else "")
        worst = [c["id"] for c in fw["clauses"] if c["status"] == NON_COMPLIANT][:3]
        more = fw["clausesNonCompliant"] - len(worst)
        cells = [
            Text(fw["shortName"], style=style),
            Text(score, style=style),
            f"{fw['clausesCompliant']}/{fw['clausesJudged']}",
            str(len(fw["failing"])),
        ]
        if wide:
            cells.append(", ".join(worst) + (f" +{more}" if more > 0 else ""))
        table.add_row(*cells)
    console.print(table)


def write_reports(
    document: dict[str, Any], directory: str, formats: Sequence[str] = ("html", "sarif", "csv", "json")
) -> list[str]:
    """Every file format at once (``--reports DIR``): returns the paths written."""
    from pathlib import Path

    from lambda_compliance import report

    ensure(document)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out / f"lambda-compliance.{fmt}"
        path.write_text(report.renderers()[fmt](document, None) or "", encoding="utf-8")
        written.append(str(path))
    return written
