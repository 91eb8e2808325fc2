"""Per-framework, per-clause compliance: what a compliance officer reads, added to a scan document.

``enrich(document)`` adds, from the rule specs and the framework mappings:

- ``rules``: per rule its title, severity, family, remediation and clause ids per framework;
- ``frameworks``: per framework and mapped clause an evidence status (``clause_status``:
  no exceptions / exceptions / partly tested / not tested), the rules with their
  parameters in force and whether each counts (a rule not run, errored, configured
  too weakly for the claim or finding nothing in scope does not, and the clause says
  why), the population evaluated, the failing resources, the exempted resources with
  reason, approver and expiry, and the manual evidence the clause still needs; the
  failing resources with severity and remediation; the clauses no Lambda rule can
  evidence (``notEvidenced``) and the technical clauses no rule covers (``notCovered``).
  The share of passing evaluations survives only as ``operationalMetric``, labelled:
  weighted by resource count, it says nothing about any one clause;
- ``scan.time`` and ``scan.accounts``.

Every output format reads these keys; ``ensure`` enriches a document that lacks them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lambda_compliance.catalog import frameworks
from lambda_compliance.report.rows import Rows
from lambda_compliance.runtime import annotations

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}

# Per-clause evidence status, worst first (what an auditor reads instead of a percentage):
# NOT_TESTED   no rule that evidences the clause produced a judgement (not run, errored, its
#              parameters do not give the claim, or nothing in scope);
# EXCEPTIONS   at least one resource fails, or is exempted (an approved exception is still one);
# PARTLY       no exception, but some of the clause's evidence is missing (a rule skipped,
#              errored or configured too weakly for the claim);
# NO_EXCEPTIONS every rule ran with the parameters the claim needs and no resource failed.
NOT_TESTED, EXCEPTIONS, PARTLY_TESTED, NO_EXCEPTIONS = "NOT_TESTED", "EXCEPTIONS", "PARTLY_TESTED", "NO_EXCEPTIONS"
STATUS_ORDER = (NOT_TESTED, EXCEPTIONS, PARTLY_TESTED, NO_EXCEPTIONS)
STATUS_LABEL = {
    NOT_TESTED: "not tested",
    EXCEPTIONS: "exceptions",
    PARTLY_TESTED: "partly tested",
    NO_EXCEPTIONS: "no exceptions",
}
EXEMPT_PREFIX = "exempt: "
DISCLAIMER = (
    "These rules provide evidence for specific technical controls; they do not by themselves establish "
    "compliance with any framework. Each clause also needs the manual evidence listed for it."
)
METRIC_LABEL = (
    "operational metric: passing share of all evaluations of the framework's rules, weighted by resource "
    "count; not a compliance score"
)
# Asked of every clause whatever its rules show: the evidence covers only what was scanned.
SCOPE_EVIDENCE = "Confirmation that the scanned accounts and regions are the whole in-scope population."


framework_rules = frameworks.framework_rules  # ``--framework``: the selection lives with the mappings


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


def parameters_in_force(document: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per catalog rule, every parameter as it runs: the configuration file's values over the rule defaults
    (for a rule this scan did not run too: what it would need to evidence its clauses)."""
    from lambda_compliance import catalog

    configured = (document.get("configuration") or {}).get("parameters") or {}
    return {
        name: catalog.load_rule(name).spec.in_force({k: str(v) for k, v in (configured.get(name) or {}).items()})
        for name in catalog.rule_names()
    }


def _exemption_index(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Configured exemptions (with approver and expiry) to match an ``exempt: <reason>`` evaluation to."""
    return [x for x in document.get("exemptions") or [] if x.get("status") != "expired"]


def _exempted(evaluation: dict[str, Any], exemptions: list[dict[str, Any]]) -> dict[str, Any]:
    reason = evaluation["annotation"][len(EXEMPT_PREFIX) :]
    match = next(
        (
            x
            for x in exemptions
            if x["rule"] in ("*", evaluation["rule"]) and annotations.exempt(x["reason"]) == evaluation["annotation"]
        ),
        {},
    )
    return {
        "rule": evaluation["rule"],
        "resourceId": evaluation["resourceId"],
        "accountId": evaluation.get("accountId", ""),
        "reason": match.get("reason", reason),
        "approver": match.get("approver"),
        "expires": match.get("expires"),
    }


@dataclass
class _RuleRows:
    """Where one rule's evaluations sit in ``document["evaluations"]`` (positions, not copies), and its counts."""

    passing: int = 0
    failing: list[int] = field(default_factory=list)
    exempt: list[int] = field(default_factory=list)
    not_applicable: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    not_applicable_json: dict[str, int] = field(default_factory=dict)  # one object, shown by every clause


def _rule_rows(evaluations: Iterable[dict[str, Any]]) -> dict[str, _RuleRows]:
    """One pass over the evaluations for every framework and clause (the rows themselves are not kept)."""
    out: dict[str, _RuleRows] = {}
    for i, e in enumerate(evaluations):
        rows = out.get(e["rule"])
        if rows is None:
            rows = out[e["rule"]] = _RuleRows()
        compliance = e["compliance"]
        rows.totals[compliance] += 1
        if compliance == "COMPLIANT":
            rows.passing += 1
        elif compliance == "NON_COMPLIANT":
            rows.failing.append(i)
        elif compliance == "NOT_APPLICABLE":
            if e["annotation"].startswith(EXEMPT_PREFIX):
                rows.exempt.append(i)
            else:
                rows.not_applicable[e["annotation"]] += 1
    for rows in out.values():
        rows.not_applicable_json = dict(rows.not_applicable)
    return out


def _failing_resource(name: str, e: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule": name,
        "resourceId": e["resourceId"],
        "accountId": e.get("accountId", ""),
        "annotation": e.get("annotation", ""),
    }


def _rule_evidence(
    pair: frameworks.ClauseMapping,
    rows: _RuleRows,
    state: dict[str, Any],
    exemptions: list[dict[str, Any]],
) -> dict[str, Any]:
    """What one rule contributes to one clause: whether it counts, its population, failures, exemptions."""
    name = pair.rule
    params = state["parameters"].get(name, {})
    unmet = list(pair.unmet(params))
    row = state["row"]
    not_applicable = rows.not_applicable
    passing, failing, exempt = rows.passing, len(rows.failing), len(rows.exempt)
    gap = None
    if name not in state["scanned"]:
        gap = f"{name} was not run in this scan (disabled or not selected)"
    elif name in state["errored"]:
        gap = f"{name} could not evaluate: {state['errored'][name]}"
    elif unmet:
        gap = f"{name} does not evidence this clause with its parameters: {'; '.join(unmet)}"
    elif not (passing or failing or exempt):
        gap = f"{name} found nothing in scope" + (
            f" ({', '.join(sorted(not_applicable)[:2])})" if not_applicable else ""
        )
    return {
        "rule": name,
        "rationale": pair.rationale,
        "evaluated": name in state["scanned"],
        "counts": gap is None,
        "gap": gap,
        "requires": [r.describe() for r in pair.requires],
        "parameters": {k: v for k, v in params.items()},
        "population": passing + failing,
        "passing": passing,
        "failing": failing,
        "exempted": exempt,
        "notApplicable": rows.not_applicable_json,
        # Made when read (see report.rows): each failing row is listed per clause and framework.
        "failingResources": Rows(rows.failing, lambda i: _failing_resource(name, row(i))),
        "exemptedResources": Rows(rows.exempt, lambda i: _exempted(row(i), exemptions)),
    }


def clause_status(rules: Sequence[dict[str, Any]]) -> str:
    """The evidence status of a clause from its rules' contributions (see STATUS_ORDER)."""
    counting = [r for r in rules if r["counts"]]
    if not counting:
        return NOT_TESTED
    if any(r["failing"] or r["exempted"] for r in counting):
        return EXCEPTIONS
    if len(counting) < len(rules):
        return PARTLY_TESTED
    return NO_EXCEPTIONS


def _clause(
    key: str,
    clause_id: str,
    pairs: list[frameworks.ClauseMapping],
    by_rule: dict[str, _RuleRows],
    state: dict[str, Any],
) -> dict[str, Any]:
    fw = frameworks.framework(key)
    exemptions = _exemption_index(state["document"])
    rules = [_rule_evidence(p, by_rule.get(p.rule) or _RuleRows(), state, exemptions) for p in pairs]
    counting = [r for r in rules if r["counts"]]
    status = clause_status(rules)
    manual = [SCOPE_EVIDENCE]
    specific = frameworks.manual_evidence(key, clause_id)
    if specific:
        manual.append(specific)
    gaps = [r["gap"] for r in rules if r["gap"]]
    if gaps:
        manual.append("Other evidence for what the rules did not test: " + "; ".join(gaps) + ".")
    if any(r["exempted"] for r in counting):
        manual.append("The approval and compensating control for each exempted resource.")
    if any(r["failing"] for r in counting):
        manual.append("Remediation records for the failing resources, or an approved exception for each.")
    passing = sum(r["passing"] for r in counting)
    failing = sum(r["failing"] for r in counting)
    return {
        "id": clause_id,
        "token": fw.token(clause_id),
        "title": fw.clauses[clause_id].title,
        "status": status,
        "statusLabel": STATUS_LABEL[status],
        "complete": len(counting) == len(rules),
        "population": sum(r["population"] for r in counting),
        "passing": passing,
        "failing": failing,
        "exempted": sum(r["exempted"] for r in counting),
        "operationalMetric": _percent(passing, failing),
        "rules": rules,
        "gaps": gaps,
        "failingResources": Rows.chain(r["failingResources"] for r in counting),
        "exemptedResources": Rows.chain(r["exemptedResources"] for r in counting),
        "manualEvidence": manual,
    }


def _framework(
    key: str, document: dict[str, Any], rules: dict[str, dict[str, Any]], by_rule: dict[str, _RuleRows] | None = None
) -> dict[str, Any]:
    fw = frameworks.framework(key)
    scanned = set(document["scan"]["rules"])
    evaluations = document["evaluations"]
    if by_rule is None:
        by_rule = _rule_rows(evaluations)
    errored = {
        e["rule"]: e.get("message", "error") for e in document.get("errors", []) if e.get("kind", "error") == "error"
    }
    state = {
        "document": document,
        "scanned": scanned,
        "errored": errored,
        "parameters": parameters_in_force(document),
        "row": evaluations.__getitem__,
    }
    pairs: dict[str, list[frameworks.ClauseMapping]] = defaultdict(list)
    for pair in frameworks.mapping(key):
        pairs[pair.clause_id].append(pair)
    order = {cid: i for i, cid in enumerate(fw.clauses)}
    clauses = [_clause(key, cid, pairs[cid], by_rule, state) for cid in sorted(pairs, key=order.__getitem__)]

    fw_rules = sorted({p.rule for p in frameworks.mapping(key)} & scanned)
    row = evaluations.__getitem__

    def finding(i: int) -> dict[str, Any]:
        e = row(i)
        meta = rules.get(e["rule"], {})
        return {
            **e,
            "severity": meta.get("severity", "medium"),
            "title": meta.get("title", e["rule"]),
            "clauses": list(meta.get("clauses", {}).get(key, ())),
            "remediation": meta.get("remediation"),
        }

    def worst_first(i: int) -> tuple[int, str, str, str]:
        e = row(i)
        return (
            SEVERITY_ORDER.get(rules.get(e["rule"], {}).get("severity", "medium"), 9),
            e["rule"],
            e["accountId"],
            e["resourceId"],
        )

    positions = [i for name in fw_rules if name in by_rule for i in by_rule[name].failing]
    positions.sort(key=worst_first)
    findings = Rows(positions, finding)
    totals: Counter[str] = Counter()
    for name in fw_rules:
        if name in by_rule:
            totals.update(by_rule[name].totals)
    status_counts = Counter(c["status"] for c in clauses)
    return {
        "key": key,
        "name": fw.name,
        "shortName": fw.name.split(" (")[0],
        "version": fw.version,
        "prefix": fw.citation_prefix,
        "disclaimer": DISCLAIMER,
        "parametersFrom": (document.get("configuration") or {}).get("file") or "rule defaults (no configuration file)",
        "clauseStatus": {status: status_counts[status] for status in STATUS_ORDER},
        "clausesMapped": len(clauses),
        "operationalMetric": {
            "label": METRIC_LABEL,
            "percent": _percent(totals["COMPLIANT"], totals["NON_COMPLIANT"]),
            "evaluations": {k: totals[k] for k in ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")},
        },
        "rules": fw_rules,
        "clauses": clauses,
        "failing": findings,
        "exempted": Rows.chain(c["exemptedResources"] for c in clauses),
        "notEvidenced": [
            {
                "clauses": [{"id": c, "title": fw.clauses[c].title} for c in gap.clause_ids],
                "reason": gap.reason,
            }
            for gap in frameworks.not_evidenced(key)
        ],
        "notCovered": [{"id": c, "title": fw.clauses[c].title} for c in frameworks.uncovered(key)],
    }


def enrich(document: dict[str, Any], framework: str | None = None) -> dict[str, Any]:
    """Add ``rules``, ``frameworks`` (all, or the one of ``--framework``) and scan time/accounts."""
    names = set(document["scan"]["rules"]) | {e["rule"] for e in document["evaluations"]}
    rules = rule_metadata(names)
    keys = (framework,) if framework else frameworks.FRAMEWORKS
    document["rules"] = rules
    by_rule = _rule_rows(document["evaluations"])
    document["frameworks"] = [_framework(key, document, rules, by_rule) for key in keys]
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
    """Per framework, how many clauses have each evidence status (80 columns), and the labelled metric."""
    from rich.table import Table
    from rich.text import Text

    ensure(document)
    table = Table(
        title="evidence by framework (clauses)",
        title_justify="left",
        caption="* passing evaluations, an operational metric, not a compliance score",
        caption_justify="left",
    )
    table.add_column("Framework", no_wrap=True)
    for column, style in (("No exc.", "green"), ("Exc.", "red"), ("Partly", "yellow"), ("Untested", "dim")):
        table.add_column(column, justify="right", style=style)
    table.add_column("Failing", justify="right", style="red")
    table.add_column("Exempt", justify="right")
    table.add_column("Pass*", justify="right", style="dim")
    for fw in document["frameworks"]:
        counts = fw["clauseStatus"]
        metric = fw["operationalMetric"]["percent"]
        table.add_row(
            Text(fw["prefix"], style="bold red" if counts[EXCEPTIONS] else ""),
            str(counts[NO_EXCEPTIONS]),
            str(counts[EXCEPTIONS]),
            str(counts[PARTLY_TESTED]),
            str(counts[NOT_TESTED]),
            str(len(fw["failing"])),
            str(len(fw["exempted"])),
            "—" if metric is None else f"{metric:.0f}%",
        )
    console.print(table)
    console.print(Text(DISCLAIMER, style="dim"))


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
        if fmt in report.writers():
            with path.open("w", encoding="utf-8") as handle:
                report.writers()[fmt](document, handle)
        else:
            path.write_text(report.renderers()[fmt](document, None) or "", encoding="utf-8")
        written.append(str(path))
    if "csv" in formats:
        from lambda_compliance.report import csv_format

        path = out / "lambda-compliance-clauses.csv"
        path.write_text(csv_format.render_clauses(document), encoding="utf-8")
        written.append(str(path))
    return written
