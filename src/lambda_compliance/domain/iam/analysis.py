"""Effective permissions of an IAM identity and the least-privilege findings the role rules share.

``analyse`` takes the identity's policies (inline, customer managed, AWS managed — each a
``PolicySource``) and returns ``EffectivePermissions``: for every Allow statement, the concrete
actions it grants (patterns and NotAction expanded through the shipped IAM action table) minus
what an unconditional explicit Deny on the same resources takes away, and minus what a
permissions boundary does not allow.

Judgement calls, made here once:

* A Deny with conditions is not subtracted: it may not apply to a given request, and a finding
  must not disappear on a guess. A conditioned Allow is kept and marked ``scoped`` (its condition
  keys are reported), never treated as if the condition were absent nor dropped.
* A boundary narrows actions only (resources of boundary statements are not intersected).
* Resource ``*``, NotResource, and ARNs whose resource part is only wildcards (``arn:aws:s3:::*``,
  ``arn:aws:iam::123456789012:role/*``) count as "every resource".
* Write access on ``*`` is only a finding for actions that can be scoped to a resource at all:
  ``xray:PutTraceSegments`` accepts nothing but ``*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from lambda_compliance.domain.iam import actions as iam_actions
from lambda_compliance.domain.iam.policy import Statement, action_matches, parse_policy

PolicyKind = Literal["inline", "customer-managed", "aws-managed", "boundary"]

# Attached by name, these are admin whatever their current document says.
ADMIN_MANAGED_POLICIES = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")
# Services where `svc:*` is account takeover or bulk data access.
SENSITIVE_SERVICES = ("iam", "sts", "lambda", "s3", "dynamodb", "rds", "ec2", "kms", "secretsmanager")

_AWS_MANAGED_ARN = re.compile(r"^arn:aws[\w-]*:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")


@dataclass(frozen=True)
class PolicySource:
    """One policy of an identity, parsed."""

    name: str
    kind: PolicyKind
    statements: tuple[Statement, ...]
    arn: str | None = None

    @classmethod
    def from_document(cls, name: str, kind: PolicyKind, document: object, arn: str | None = None) -> PolicySource:
        """Parse ``document`` (dict, JSON or URL-encoded JSON); raises ``PolicyError``."""
        return cls(name, kind, parse_policy(document), arn)  # type: ignore[arg-type]

    @property
    def aws_managed_name(self) -> str | None:
        match = _AWS_MANAGED_ARN.match(self.arn or "")
        return match.group("name") if match else None


@dataclass(frozen=True)
class Grant:
    """What one Allow statement effectively grants."""

    policy: str
    kind: PolicyKind
    statement: Statement
    actions: frozenset[str]  # lower-case, after Deny and boundary
    resources: tuple[str, ...]
    not_resource: bool

    @property
    def where(self) -> str:
        """``policy/Sid`` or ``policy/#index``: how an annotation points at the statement."""
        return f"{self.policy}/{self.statement.ref}"

    @property
    def condition_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.key for c in self.statement.conditions))

    @property
    def scoped(self) -> bool:
        return bool(self.statement.conditions)

    @property
    def all_resources(self) -> bool:
        return self.not_resource or not self.resources or any(is_broad_resource(r) for r in self.resources)

    @property
    def star_resource(self) -> bool:
        """Resource ``*`` itself (or NotResource): what the wildcard-resource rule is about."""
        return self.not_resource or not self.resources or "*" in self.resources


@dataclass(frozen=True)
class EffectivePermissions:
    sources: tuple[PolicySource, ...]
    grants: tuple[Grant, ...]
    boundary: PolicySource | None = None

    def grants_for(self, action: str) -> list[Grant]:
        action = action.lower()
        return [g for g in self.grants if action in g.actions]

    def allows(self, action: str) -> bool:
        return bool(self.grants_for(action))


@dataclass(frozen=True)
class Finding:
    """A least-privilege problem, structured so annotations are built from data."""

    check: Literal["admin", "wildcard-resource", "escalation"]
    path: str  # "*", "iam:*", "AdministratorAccess", "PassRole+lambda:CreateFunction", ...
    where: tuple[str, ...]  # statements ("policy/Sid") or attached policies that grant it
    actions: tuple[str, ...] = ()  # AWS spelling, sorted
    conditions: tuple[str, ...] = field(default=())  # condition keys scoping the grant

    @property
    def scoped(self) -> bool:
        return bool(self.conditions)

    def describe(self) -> str:
        text = f"{self.path} via {', '.join(self.where)}"
        return text + (f" (condition-scoped: {', '.join(self.conditions)})" if self.scoped else "")


# --------------------------------------------------------------------------------- resources


def is_broad_resource(resource: str) -> bool:
    """``*`` or an ARN whose resource part is only wildcards, optionally after a type prefix."""
    resource = resource.strip()
    if not resource.strip("*"):
        return True
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0].lower() != "arn":
        return False
    tail = parts[5]
    if not tail.strip("*?"):
        return True
    if parts[2].lower() == "s3":  # bucket[/key]: no type prefix, "b/*" is one bucket
        return not tail.split("/", 1)[0].strip("*?")
    # "role/*", "table/*", "function:*": a type prefix followed by nothing but wildcards.
    head, sep, rest = tail.rpartition("/") if "/" in tail else tail.rpartition(":")
    return bool(sep) and not rest.strip("*?") and "/" not in head and "*" not in head


def _resource_covered(deny: Statement, grant_resources: tuple[str, ...], grant_not_resource: bool) -> bool:
    if not deny.resources and not deny.not_resource:
        return True
    if deny.not_resource:
        return not grant_not_resource and not any(
            action_matches(n, r) or action_matches(r, n) for n in deny.resources for r in grant_resources
        )
    if grant_not_resource or not grant_resources:
        return "*" in deny.resources
    return all(any(action_matches(d, r) for d in deny.resources) for r in grant_resources)


# ------------------------------------------------------------------------------------ analysis


def statement_actions(stmt: Statement) -> frozenset[str]:
    """Concrete actions a statement's Action/NotAction names (lower-case)."""
    named = iam_actions.expand_all(stmt.actions)
    return iam_actions.all_actions() - named if stmt.not_action else named


def _boundary_actions(boundary: PolicySource) -> frozenset[str]:
    allowed: set[str] = set()
    for stmt in boundary.statements:
        if stmt.allows:
            allowed |= statement_actions(stmt)
    for stmt in boundary.statements:
        if not stmt.allows and not stmt.conditions and _resource_covered(stmt, ("*",), False):
            allowed -= statement_actions(stmt)
    return frozenset(allowed)


def analyse(sources: Sequence[PolicySource], boundary: PolicySource | None = None) -> EffectivePermissions:
    """Effective Allow minus explicit unconditional Deny across all of an identity's policies."""
    denies = [s for src in sources for s in src.statements if not s.allows and not s.conditions]
    ceiling = _boundary_actions(boundary) if boundary is not None else None
    grants = []
    for src in sources:
        for stmt in src.statements:
            if not stmt.allows:
                continue
            actions = statement_actions(stmt)
            for deny in denies:
                if _resource_covered(deny, stmt.resources, stmt.not_resource):
                    actions = actions - statement_actions(deny)
            if ceiling is not None:
                actions = actions & ceiling
            if actions:
                grants.append(Grant(src.name, src.kind, stmt, actions, stmt.resources, stmt.not_resource))
    return EffectivePermissions(tuple(sources), tuple(grants), boundary)


def _by_risk(actions: Iterable[str]) -> tuple[str, ...]:
    """AWS spelling, riskiest first: permissions management, then sensitive services, then A-Z,
    so a truncated annotation still shows what matters."""

    rank = {service: i for i, service in enumerate(SENSITIVE_SERVICES)}

    def key(action: str) -> tuple[bool, int, str]:
        level = iam_actions.access_level(action)
        return (level != iam_actions.PERMISSIONS, rank.get(action.split(":")[0], len(rank)), action)

    return tuple(iam_actions.display(a) for a in sorted(actions, key=key))


# ------------------------------------------------------------------------------------ findings


def admin_grants(perms: EffectivePermissions) -> list[Finding]:
    """``*`` or ``svc:*`` on every resource for the sensitive services, and admin policies by name."""
    findings: list[Finding] = []
    named = set()
    for src in perms.sources:
        name = src.aws_managed_name
        if src.kind == "aws-managed" and name in ADMIN_MANAGED_POLICIES:
            named.add(src.name)
            findings.append(Finding("admin", name, (src.name,)))
    everything = iam_actions.all_actions()
    for grant in perms.grants:
        if grant.policy in named or not grant.all_resources:
            continue
        if grant.actions >= everything:
            path, actions = "*", ("*",)
        else:
            services = [s for s in SENSITIVE_SERVICES if _covers_service(grant.actions, s)]
            if not services:
                continue
            path, actions = ", ".join(f"{s}:*" for s in services), tuple(f"{s}:*" for s in services)
        findings.append(Finding("admin", path, (grant.where,), actions, grant.condition_keys))
    return findings


def _covers_service(actions: frozenset[str], service: str) -> bool:
    every = iam_actions.service_actions(service)
    return bool(every) and every <= actions


def wildcard_resource_writes(perms: EffectivePermissions, exempt: Iterable[str] = ()) -> list[Finding]:
    """Write or Permissions-management actions granted on Resource ``*``, one finding per statement.

    ``exempt`` holds action patterns an organisation accepts on ``*`` (e.g. the ENI actions of
    Lambda's VPC access policy). Actions that accept no resource ARN are never findings.
    """
    exempt = tuple(exempt)
    findings = []
    for grant in perms.grants:
        if not grant.star_resource:
            continue
        writes = []
        for action in grant.actions:
            info = iam_actions.info(action)
            if info is None or info.level not in iam_actions.WRITE_LEVELS or not info.resource_scopable:
                continue
            if any(action_matches(p, action) for p in exempt):
                continue
            writes.append(action)
        if writes:
            findings.append(
                Finding("wildcard-resource", "Resource *", (grant.where,), _by_risk(writes), grant.condition_keys)
            )
    return findings


def summarise(findings: Sequence[Finding], budget: int, actions: bool = False) -> str:
    """``a; b (+N more)`` within ``budget`` characters. With ``actions`` each item shows a few of
    its actions rather than the path (what the wildcard-resource rule wants to name)."""
    items = [_item(f, actions) for f in findings]
    out = ""
    for i, item in enumerate(items):
        candidate = f"{out}; {item}" if out else item
        rest = len(items) - i - 1
        reserve = len(f" (+{rest} more)") if rest else 0
        if len(candidate) + reserve > budget:
            if not out:  # even the first item is too long: cut it, keep the count
                tail = f" (+{rest} more)" if rest else ""
                return candidate[: budget - len(tail) - 3] + "..." + tail
            return f"{out} (+{len(items) - i} more)"
        out = candidate
    return out


def _item(finding: Finding, actions: bool) -> str:
    if not actions:
        return finding.describe()
    shown = ", ".join(finding.actions[:3])
    if len(finding.actions) > 3:
        shown += f" +{len(finding.actions) - 3}"
    text = f"{shown} via {', '.join(finding.where)}"
    return text + (f" (condition-scoped: {', '.join(finding.conditions)})" if finding.scoped else "")


def escalation_paths(perms: EffectivePermissions, **kwargs: object) -> list[Finding]:
    """See ``iam_escalation.escalation_paths`` (the path table lives there to keep modules small)."""
    from lambda_compliance.domain.iam.escalation import escalation_paths as _paths  # import cycle otherwise

    return _paths(perms, **kwargs)  # type: ignore[arg-type]
