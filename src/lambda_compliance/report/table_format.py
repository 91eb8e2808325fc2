"""``--format table``: what a person reads in a terminal, grouped by rule with counts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMAT = "table"
MAX_FAILURES_SHOWN = 8
_STYLE = {"COMPLIANT": "green", "NON_COMPLIANT": "bold red", "NOT_APPLICABLE": "dim"}


def render(document: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    summary = document["summary"]
    table = Table(title="lambda-compliance scan", title_justify="left", show_lines=False)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Pass", justify="right", style="green")
    table.add_column("Fail", justify="right", style="red")
    table.add_column("N/A", justify="right", style="dim")
    for rule, counts in summary["rules"].items():
        fail = counts["NON_COMPLIANT"]
        table.add_row(
            Text(rule, style="bold red" if fail else ""),
            str(counts["COMPLIANT"]),
            str(fail),
            str(counts["NOT_APPLICABLE"]),
        )
    console.print(table)

    failing: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for evaluation in document["evaluations"]:
        if evaluation["compliance"] == "NON_COMPLIANT":
            failing[evaluation["rule"]].append(evaluation)
    many_targets = len(document["scan"]["targets"]) > 1
    for rule, items in failing.items():
        console.print(Text(f"\n{rule}", style="bold"))
        details = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
        details.add_column(no_wrap=True, style="bold")
        details.add_column(overflow="fold")
        for item in items[:MAX_FAILURES_SHOWN]:
            where = item["resourceId"]
            if many_targets:
                where = f"{where} ({item.get('accountId', '')}/{item.get('region', '')})"
            details.add_row(Text("✗ ", style="red") + Text(where), item["annotation"])
        console.print(details)
        if len(items) > MAX_FAILURES_SHOWN:
            console.print(Text(f"  … and {len(items) - MAX_FAILURES_SHOWN} more", style="dim"))

    problems: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for error in document.get("errors", []):
        problems[(error.get("kind", "error"), error["rule"], error["message"])].append(error.get("resourceId", ""))
    for (kind, rule, message), resources in problems.items():
        count = f" ({len(resources)} resources)" if len(resources) > 1 else (f" {resources[0]}" if resources[0] else "")
        style = "yellow" if kind == "error" else "dim"
        console.print(Text(f"{kind}: {rule}{count}: {message}", style=style))

    _print_configuration(document, console)
    targets = document["scan"]["targets"]
    seconds = sum(t["seconds"] for t in targets)
    requests = sum(t["requests"] for t in targets)
    line = Text()
    line.append(f"\n{summary['NON_COMPLIANT']} non-compliant", style=_STYLE["NON_COMPLIANT"])
    line.append(f", {summary['COMPLIANT']} compliant", style=_STYLE["COMPLIANT"])
    line.append(f", {summary['NOT_APPLICABLE']} not applicable", style=_STYLE["NOT_APPLICABLE"])
    if summary.get("SKIPPED"):  # evaluations this scan could not make: the report is partial
        line.append(f", {summary['SKIPPED']} skipped", style="bold yellow")
    line.append(f" — {len(document['scan']['rules'])} rules, ")
    line.append(f"{sum(t['resources'] for t in targets)} resources, {requests} AWS requests, {seconds:.1f}s")
    console.print(line)
    if document.get("frameworks"):
        from lambda_compliance.report import compliance

        compliance.print_summary(document, console)
    return None


def _print_configuration(document: dict[str, Any], console: Console) -> None:
    configuration = document.get("configuration") or {}
    if configuration.get("file"):
        tuned = ", ".join(
            f"{rule}.{name}={value}"
            for rule, values in configuration.get("parameters", {}).items()
            for name, value in values.items()
        )
        line = f"\nconfiguration {configuration['file']}: " + (tuned or "default parameters")
        if configuration.get("disabled"):
            line += f"; disabled: {', '.join(configuration['disabled'])}"
        console.print(Text(line, style="cyan"))
    for exemption in document.get("exemptions", []):
        until = f" until {exemption['expires']}" if exemption.get("expires") else ""
        if exemption["status"] == "expired":
            text = Text(f"exemption EXPIRED{until}: {exemption['rule']} {', '.join(exemption['resources'])}", "yellow")
        else:
            applied = ", ".join(exemption["applied_to"]) or "nothing in this scan"
            text = Text(f"exemption{until}: {exemption['rule']} for {applied}: {exemption['reason']}", "cyan")
        console.print(text)
