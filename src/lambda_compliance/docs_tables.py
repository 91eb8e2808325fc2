"""README tables generated from the rule specs (a test keeps the committed README in sync)."""

from __future__ import annotations

import re
from pathlib import Path

from lambda_compliance import catalog
from lambda_compliance.runtime.rulebase import RuleSpec

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


_EVERY = {
    "One_Hour": "1 h",
    "Three_Hours": "3 h",
    "Six_Hours": "6 h",
    "Twelve_Hours": "12 h",
    "TwentyFour_Hours": "24 h",
}


def triggers(spec: RuleSpec) -> str:
    """What makes Config invoke the rule: a change to a scoped type, a schedule, or both."""
    parts = []
    if spec.change_triggered:
        parts.append("change of " + ", ".join(t.split("::", 1)[1] for t in spec.config_scope))
    if spec.scheduled:
        parts.append(f"every {_EVERY[spec.frequency]}")
    unrecorded = [t.split("::", 1)[1] for t in spec.resource_types if t not in spec.config_scope]
    if spec.change_triggered and unrecorded:
        # Config does not record these: only the scheduled run (through the service API) judges them
        parts[-1] += f" ({', '.join(unrecorded)} only then: not recorded by Config)"
    return " + ".join(parts)


def rules_table() -> str:
    lines = [
        "| Rule | Checks | Trigger | Severity | Parameters (default) | Remediation |",
        "|---|---|---|---|---|---|",
    ]
    for rule in catalog.all_rules():
        spec = rule.spec
        trigger = triggers(spec)
        params = ", ".join(
            f"`{p.name}`" + (f" ({p.as_config_value()})" if p.default not in (None, ()) else "")
            for p in spec.parameters
        )
        fix = spec.remediation.document if spec.remediation else ""
        lines.append(
            f"| `{rule.rule_name()}` | {spec.title} | {trigger} | {spec.severity} | {params or '—'} | {fix or '—'} |"
        )
    return "\n".join(lines)


def render_readme(text: str) -> str:
    block = f"{START}\n{rules_table()}\n{END}"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: block, text) if pattern.search(text) else text


def sync_readme(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    updated = render_readme(text)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        return True
    return False
