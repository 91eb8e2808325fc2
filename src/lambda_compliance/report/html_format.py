"""``--format html``: one self-contained file, the dashboard a compliance officer reads.

Per framework: the clause evidence statuses (the share of passing evaluations only
as a labelled operational metric), the clause table (status, population, the rules
with their parameters in force and why each evidences the clause, failing and
exempted resources with reason, approver and expiry, manual evidence still
needed), a drill-down to the failing resources with their annotation, severity and
the remediation that fixes them, the clauses no Lambda rule can evidence and the
technical clauses no rule covers. Styles and the little script are
inline: no CDN, no font or image download, works offline and from an email
attachment. Everything from the scanned account is escaped (Jinja autoescape).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from lambda_compliance import __version__
from lambda_compliance.report import compliance

FORMAT = "html"
TEMPLATE = "report.html.j2"

STATUS_LABEL = {status: label.capitalize() for status, label in compliance.STATUS_LABEL.items()}


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lambda_compliance.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = lambda v: "—" if v is None else f"{v:.0f}%" if v in (0, 100) else f"{v:.1f}%"
    env.filters["when"] = lambda t: str(t).replace("T", " ").replace("+00:00", " UTC").replace("Z", " UTC")
    env.filters["status_label"] = lambda s: STATUS_LABEL.get(s, s)
    env.filters["slug"] = lambda s: "".join(ch if ch.isalnum() else "-" for ch in str(s)).strip("-").lower()
    return env


def _groups(framework: dict[str, Any]) -> list[dict[str, Any]]:
    """Failing evaluations grouped by rule, in the framework's order (severity, then rule)."""
    groups: dict[str, dict[str, Any]] = {}
    for f in framework["failing"]:
        group = groups.setdefault(
            f["rule"],
            {k: f[k] for k in ("rule", "title", "severity", "clauses", "remediation")} | {"resources": []},
        )
        group["resources"].append(f)
    return list(groups.values())


def render(document: dict[str, Any], console: Any = None) -> str:
    compliance.ensure(document)
    groups = {fw["key"]: _groups(fw) for fw in document["frameworks"]}
    return _environment().get_template(TEMPLATE).render(doc=document, groups=groups, version=__version__)
