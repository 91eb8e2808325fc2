"""``--format table``: what a person reads first, in a terminal of any width (80 columns and up).

Top-down: one summary line; the per-framework table; the failing rules, worst severity
first, each with its count and its failing resources by short name (the ARN stays in
the JSON, CSV, SARIF and HTML reports), the annotation on the line(s) below at full
width; then exemptions, rule errors and a last line saying where the full reports are.

Long lists are capped so the default view of a large scan stays near one screenful
(``LINE_BUDGET`` lines at the console's width): every failing rule is named, and
resources are added round-robin, worst rule first, while they fit. ``details=True``
lists everything, ``quiet=True`` prints the summary line only. Every line is measured
with rich at the console's width; nothing assumes a column width.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

FORMAT = "table"
# Most resources shown under one rule by default, and about how many lines the default view may take.
MAX_PER_RULE = 3
LINE_BUDGET = 110
REPORT_FILE = "lambda-compliance.csv"  # the flat list of every evaluation, what "and N more" points to
_SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan"}
# Secrets Manager appends "-" and six random characters to a secret's name in its ARN.
# https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
_APIGATEWAY_STAGE = re.compile(r"/(?:restapis|apis)/([^/]+)/stages/([^/]+)$")


def short_name(resource_type: str, resource_id: str) -> str:
    """The name a person knows a resource by: function name, ``api/stage``, table name, secret name, key id.

    Config identifies some resources by ARN; the name is the ARN's resource part
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
    """
    if not resource_id.startswith("arn:"):
        return resource_id
    stage = _APIGATEWAY_STAGE.search(resource_id)
    if stage:
        return f"{stage.group(1)}/{stage.group(2)}"
    parts = resource_id.split(":", 5)
    resource = parts[5] if len(parts) == 6 else resource_id
    if resource_type == "AWS::SecretsManager::Secret" and resource.startswith("secret:"):
        return _SECRET_SUFFIX.sub("", resource[len("secret:") :])
    if resource_type == "AWS::Lambda::Function" and resource.startswith("function:"):
        return resource[len("function:") :].split(":")[0]
    for prefix in ("table/", "key/", "alias/", "role/", "parameter", "log-group:"):
        if resource.startswith(prefix):
            return resource[len(prefix) :] if prefix != "alias/" else resource
    return resource.rsplit("/", 1)[-1] if "/" in resource else resource


@dataclass
class _RuleBlock:
    rule: str
    severity: str
    fix: dict[str, Any] | None
    failing: list[dict[str, Any]]
    shown: int = 0
    entry_lines: list[int] = field(default_factory=list)


def render(
    document: dict[str, Any],
    console: Console | None = None,
    *,
    details: bool = False,
    quiet: bool = False,
    reports: str | None = None,
    demo: bool = False,
) -> None:
    from lambda_compliance.report import compliance

    console = console or Console()
    compliance.ensure(document)
    summary = summary_line(document)
    console.print(summary)
    if quiet:
        return None

    blocks = _rule_blocks(document)
    many_targets = len(document["scan"].get("targets", [])) > 1
    where = f"{reports.rstrip('/')}/{REPORT_FILE}" if reports else None
    epilogue = _epilogue(document, reports, demo)
    if details:
        for block in blocks:
            block.shown = len(block.failing)
    else:
        heading = _failing_heading(blocks, where, capped=True)
        fixed = [summary, Text(""), *_framework_lines(document, console), Text(""), heading, *epilogue]
        _fit(blocks, console, many_targets, where, LINE_BUDGET - _height(console, fixed))

    console.print()
    compliance.print_summary(document, console)
    if blocks:
        console.print()
        console.print(_failing_heading(blocks, where))
    for block in blocks:
        for renderable in _block(block, console, many_targets, where):
            console.print(renderable)
    for line in epilogue:
        console.print(line)
    return None


def summary_line(document: dict[str, Any]) -> Text:
    """Counts, scope, time and the configuration used: the whole scan in one line (``--quiet`` prints only it)."""
    summary = document["summary"]
    targets = document["scan"].get("targets", [])
    line = Text()
    failing = summary["NON_COMPLIANT"]
    line.append(f"{failing} non-compliant", style="bold red" if failing else "green")
    line.append(f" · {summary['COMPLIANT']} compliant", style="green")
    line.append(f" · {summary['NOT_APPLICABLE']} n/a", style="dim")
    if summary.get("SKIPPED"):  # evaluations this scan could not make: the report is partial
        line.append(f" · {summary['SKIPPED']} skipped", style="bold yellow")
    errors = sum(1 for e in document.get("errors", []) if e.get("kind", "error") == "error")
    if errors:
        line.append(f" · {errors} errors", style="yellow")
    accounts = len({t.get("accountId") for t in targets if t.get("accountId")})
    regions = len({t.get("region") for t in targets if t.get("region")})
    scope = f"{len(document['scan']['rules'])} rules, {sum(t['resources'] for t in targets)} resources"
    if accounts > 1 or regions > 1:
        scope += f" in {accounts} accounts/{regions} regions"
    line.append(f" — {scope}, {sum(t['seconds'] for t in targets):.1f}s")
    if "configuration" in document:  # a scan's (a deployed report's parameters are the Config rules')
        path = (document["configuration"] or {}).get("file")
        line.append(f" — config {path}" if path else " — config: defaults", style="cyan")
    return line


def _failing_heading(blocks: list[_RuleBlock], where: str | None, capped: bool = False) -> Text:
    heading = Text(f"failing rules, worst first ({len(blocks)})", style="bold")
    if capped or any(b.shown < len(b.failing) for b in blocks):
        heading.append(f"; every resource: {where or '--details'}", style="dim")
    return heading


def _rule_blocks(document: dict[str, Any]) -> list[_RuleBlock]:
    from lambda_compliance.report.compliance import SEVERITY_ORDER

    failing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for evaluation in document["evaluations"]:
        if evaluation["compliance"] == "NON_COMPLIANT":
            failing[evaluation["rule"]].append(evaluation)
    rules = document.get("rules", {})
    blocks = []
    for rule, items in failing.items():
        meta = rules.get(rule, {})
        items.sort(key=lambda e: (e.get("accountId", ""), e.get("region", ""), _name(e)))
        blocks.append(_RuleBlock(rule, meta.get("severity", "medium"), meta.get("remediation"), items))
    blocks.sort(key=lambda b: (SEVERITY_ORDER.get(b.severity, 9), -len(b.failing), b.rule))
    return blocks


def _name(evaluation: dict[str, Any]) -> str:
    return short_name(evaluation.get("resourceType", ""), evaluation["resourceId"])


def _fit(blocks: list[_RuleBlock], console: Console, many_targets: bool, where: str | None, budget: int) -> None:
    """Show resources round-robin, worst rule first, up to MAX_PER_RULE each, while the lines fit ``budget``."""

    def more_line(block: _RuleBlock, shown: int) -> int:  # "and N more" is printed under a partly shown rule
        hidden = len(block.failing) - shown
        return _height(console, [_more(console, hidden, where)]) if shown and hidden else 0

    for block in blocks:
        block.entry_lines = [_height(console, _entry(console, e, many_targets)) for e in block.failing[:MAX_PER_RULE]]
    available = budget - sum(_height(console, _block(b, console, many_targets, where)) for b in blocks)
    for _ in range(MAX_PER_RULE):
        for block in blocks:
            if block.shown >= len(block.entry_lines):
                continue
            cost = block.entry_lines[block.shown] + more_line(block, block.shown + 1) - more_line(block, block.shown)
            if cost <= available:
                block.shown += 1
                available -= cost


def _block(block: _RuleBlock, console: Console, many_targets: bool, where: str | None) -> list[RenderableType]:
    header = Text()
    header.append(block.severity.upper(), style=_SEVERITY_STYLE.get(block.severity, ""))
    header.append(f" {block.rule}", style="bold")
    header.append(f"  {len(block.failing)} failing")
    if block.fix:
        fix = Text(f" · fix: {block.fix['document']}", style="dim")
        if header.cell_len + fix.cell_len <= console.width:  # the fix only where it stays on the rule's line
            header.append_text(fix)
    out: list[RenderableType] = [header]
    for evaluation in block.failing[: block.shown]:
        out.extend(_entry(console, evaluation, many_targets))
    hidden = len(block.failing) - block.shown
    if hidden and block.shown:
        out.append(_more(console, hidden, where))
    return out


def _more(console: Console, hidden: int, where: str | None) -> Text:
    see = f"see {where}" if where else "--details lists them"
    return _indent(console, Text(f"and {hidden} more ({see})", style="dim"), 2)


def _indent(console: Console, text: Text, columns: int) -> Text:
    """``text`` wrapped at word boundaries to the console's width less ``columns``, every line indented."""
    lines = text.wrap(console, max(console.width - columns, 20), overflow="fold")
    for line in lines:
        line.rstrip()
    return Text("\n").join(Text(" " * columns) + line for line in lines)


def _entry(console: Console, evaluation: dict[str, Any], many_targets: bool) -> list[RenderableType]:
    name = Text("✗ ", style="red") + Text(_name(evaluation), style="bold")
    if many_targets:
        name.append(f"  {evaluation.get('accountId', '')}/{evaluation.get('region', '')}", style="dim")
    return [_indent(console, name, 2), _indent(console, Text(evaluation["annotation"]), 4)]


def _framework_lines(document: dict[str, Any], console: Console) -> list[RenderableType]:
    from lambda_compliance.report import compliance

    with console.capture() as capture:
        compliance.print_summary(document, console)
    return [Text(line) for line in capture.get().splitlines()]


def _epilogue(document: dict[str, Any], reports: str | None, demo: bool) -> list[RenderableType]:
    """Rule errors, exemptions, the remediation hint and where the full reports are."""
    lines: list[RenderableType] = []
    problems: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for error in document.get("errors", []):
        problems[(error.get("kind", "error"), error["rule"], error["message"])].append(error.get("resourceId", ""))
    for (kind, rule, message), resources in problems.items():
        count = f" ({len(resources)} resources)" if len(resources) > 1 else (f" {resources[0]}" if resources[0] else "")
        lines.append(Text(f"{kind}: {rule}{count}: {message}", style="yellow" if kind == "error" else "dim"))
    configuration = document.get("configuration") or {}
    tuned = [
        f"{rule} " + ", ".join(f"{name}={value}" for name, value in values.items())
        for rule, values in configuration.get("parameters", {}).items()
    ]
    if tuned or configuration.get("disabled"):
        text = "tuned: " + ("; ".join(tuned) or "-")
        if configuration.get("disabled"):
            text += f"; disabled: {', '.join(configuration['disabled'])}"
        lines.append(Text(text, style="cyan"))
    for exemption in document.get("exemptions", []):
        until = f" until {exemption['expires']}" if exemption.get("expires") else ""
        if exemption["status"] == "expired":
            text = Text(f"exemption EXPIRED{until}: {exemption['rule']} {', '.join(exemption['resources'])}", "yellow")
        else:
            applied = ", ".join(exemption["applied_to"]) or "nothing in this scan"
            text = Text(f"exemption{until}: {exemption['rule']} for {applied}", "cyan")
        lines.append(text)
    hint = _remediation_hint(document, demo)
    if hint:
        lines.append(hint)
    if reports:
        lines.append(Text(f"full reports: {reports.rstrip('/')}/lambda-compliance.html (and .sarif, .csv, .json)"))
    else:
        lines.append(Text("full reports: add --reports DIR (html, sarif, csv, json); --details lists every resource"))
    return lines


def _remediation_hint(document: dict[str, Any], demo: bool) -> Text | None:
    failing_rules = {e["rule"] for e in document["evaluations"] if e["compliance"] == "NON_COMPLIANT"}
    rules = document.get("rules", {})
    fixes = [rules[r]["remediation"] for r in failing_rules if (rules.get(r) or {}).get("remediation")]
    if not fixes:
        return None
    safe = sum(1 for f in fixes if f.get("automaticSafe"))
    how = (
        "`scan --demo --remediate` applies the safe ones here"
        if demo
        else "templates/remediation.yaml wires them to the Config rules"
    )
    return Text(
        f"remediation: {len(fixes)} failing rules have an SSM fix document ({safe} safe to run unattended); {how}",
        style="green",
    )


def _height(console: Console, renderables: Iterable[RenderableType] | Sequence[RenderableType]) -> int:
    options = console.options
    return sum(len(console.render_lines(r, options, pad=False)) for r in renderables)
