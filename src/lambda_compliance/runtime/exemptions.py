"""Accepted findings: exempt resources are still evaluated, then reported NOT_APPLICABLE with the reason.

One code path for both worlds: the deployed rule receives its exemptions in the
``Exemptions`` rule parameter (written by the pack generator from the
configuration file), the scanner passes the very same parameter to the very same
rule class, and ``ComplianceRule`` applies them after the decision. An expired
exemption no longer applies: the finding stands and its annotation says the
exemption expired.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rdklib import ComplianceType, Evaluation, InvalidParametersError

from lambda_compliance.runtime import annotations

PARAMETER = "Exemptions"
TAG_PREFIX = "tag:"


@dataclass(frozen=True)
class Exemption:
    rule: str  # a rule name or "*"
    resources: tuple[str, ...]  # ARN, glob on resource id/name, or "tag:key=value"
    reason: str
    expires: date | None = None
    # Who accepted the exception (a name, role or e-mail): reported with it, never sent to the
    # deployed rule (it does not change the decision, and InputParameters are limited to 1,024).
    approver: str | None = None

    def applies_to_rule(self, rule: str) -> bool:
        return self.rule in ("*", rule)

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    def matches(
        self, resource_id: str, resource_name: str = "", arn: str = "", tags: Mapping[str, Any] | None = None
    ) -> bool:
        for pattern in self.resources:
            if pattern.startswith(TAG_PREFIX):
                key, _, value = pattern[len(TAG_PREFIX) :].partition("=")
                if tags is not None and key in tags and str(tags[key]) == value:
                    return True
            elif pattern.startswith("arn:"):
                if arn and fnmatch.fnmatchcase(arn, pattern):
                    return True
            elif any(name and fnmatch.fnmatchcase(name, pattern) for name in (resource_id, resource_name)):
                return True
        return False

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "resources": list(self.resources), "reason": self.reason}
        if self.expires:
            out["expires"] = self.expires.isoformat()
        if self.approver:
            out["approver"] = self.approver
        return out


def encode(exemptions: Iterable[Exemption]) -> str:
    """The compact rule-parameter form (InputParameters are limited to 1,024 characters per rule)."""
    rows = []
    for e in exemptions:
        row: dict[str, Any] = {"r": list(e.resources), "why": e.reason}
        if e.expires:
            row["until"] = e.expires.isoformat()
        rows.append(row)
    return json.dumps(rows, separators=(",", ":"))


def decode(raw: Any, rule: str) -> tuple[Exemption, ...]:
    """Parse the ``Exemptions`` parameter; anything malformed is an InvalidParametersError naming it."""
    if raw in (None, ""):
        return ()
    try:
        rows = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(rows, list):
            raise ValueError
        parsed = []
        for row in rows:
            resources = row["r"]
            if not (isinstance(resources, list) and resources and all(isinstance(r, str) and r for r in resources)):
                raise ValueError
            reason = row["why"]
            if not isinstance(reason, str) or not reason.strip():
                raise ValueError
            until = row.get("until")
            parsed.append(
                Exemption(rule, tuple(resources), reason.strip(), date.fromisoformat(until) if until else None)
            )
        return tuple(parsed)
    except (ValueError, TypeError, KeyError, AttributeError):
        raise InvalidParametersError(
            f'Parameter \'{PARAMETER}\' must be a JSON list of {{"r": [patterns], "why": reason, "until": date}}'
        ) from None


def apply(
    evaluations: Sequence[Evaluation],
    exemptions: Sequence[Exemption],
    today: date,
    *,
    default_id: str = "",
    resource_name: str = "",
    arn: str = "",
    tags: Mapping[str, Any] | None = None,
) -> list[Evaluation]:
    """Turn exempt findings into NOT_APPLICABLE ``exempt: <reason>``; flag expired exemptions on findings."""
    if not exemptions:
        return list(evaluations)
    out = []
    for evaluation in evaluations:
        resource_id = evaluation.complianceResourceId or default_id
        same_resource = not evaluation.complianceResourceId or evaluation.complianceResourceId == default_id
        matching = [
            e
            for e in exemptions
            if e.matches(
                resource_id,
                resource_name if same_resource else "",
                arn if same_resource else "",
                tags if same_resource else None,
            )
        ]
        active = next((e for e in matching if not e.expired(today)), None)
        if active and evaluation.complianceType != ComplianceType.NOT_APPLICABLE:
            out.append(
                Evaluation(
                    ComplianceType.NOT_APPLICABLE,
                    evaluation.complianceResourceId,
                    evaluation.complianceResourceType,
                    annotations.exempt(active.reason),
                )
            )
        elif matching and evaluation.complianceType == ComplianceType.NON_COMPLIANT:
            expired = max(e.expires for e in matching if e.expires)
            note = f" (exemption expired {expired.isoformat()})"
            annotation = annotations.with_note(evaluation.annotation, note)
            out.append(
                Evaluation(
                    evaluation.complianceType,
                    evaluation.complianceResourceId,
                    evaluation.complianceResourceType,
                    annotation,
                )
            )
        else:
            out.append(evaluation)
    return out
