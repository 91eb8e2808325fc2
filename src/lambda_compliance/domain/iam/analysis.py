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
* Resource ``*``, NotResource, and ARNs whose resource part names no resource in any service's
  ARN format (``arn:aws:s3:::*/*``, ``table/*``, ``function:*:*``; see ``iam_types``) count as
  "every resource", for the admin and the wildcard-resource checks alike; a broad ARN reaches only
  the actions of its own service.
* Write access on every resource is only a finding for actions that can be scoped to a resource at
  all: ``xray:PutTraceSegments`` accepts nothing but ``*``.
* The admin policies attached by name (AdministratorAccess, PowerUserAccess, IAMFullAccess) are
  judged from their published core grant, under the same Denies and boundary as every other grant:
  a boundary that caps ``*`` caps AdministratorAccess too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from lambda_compliance.domain.iam import actions as iam_actions
from lambda_compliance.domain.iam.policy import Statement, action_matches
from lambda_compliance.domain.iam.types import (
    EffectivePermissions,
    Finding,
    Grant,
    PolicyKind,
    PolicySource,
    is_broad_resource,
)

__all__ = [
    "ADMIN_MANAGED_POLICIES",
    "SENSITIVE_SERVICES",
    "EffectivePermissions",
    "Finding",
    "Grant",
    "PolicyKind",
    "PolicySource",
    "admin_grants",
    "analyse",
    "boundary_caps_nothing",
    "is_broad_resource",
    "statement_actions",
    "summarise",
    "wildcard_resource_writes",
]

# Attached by name, these are admin whatever their current document says: judged from the core
# grant of their published document (AWS managed policy reference, e.g.
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html), so a
# permissions boundary caps them like any other grant.
ADMIN_MANAGED_POLICIES: dict[str, dict[str, str | list[str]]] = {
    "AdministratorAccess": {"Effect": "Allow", "Action": "*", "Resource": "*"},
    "PowerUserAccess": {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
    "IAMFullAccess": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
}
# Services where `svc:*` is account takeover or bulk data access.
SENSITIVE_SERVICES = ("iam", "sts", "lambda", "s3", "dynamodb", "rds", "ec2", "kms", "secretsmanager")


# --------------------------------------------------------------------------------- resources


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


@lru_cache(maxsize=4096)
def statement_actions(stmt: Statement) -> frozenset[str]:
    """Concrete actions a statement's Action/NotAction names (lower-case); once per statement
    (a statement shared by many roles, or a Deny met by every Allow, is expanded once)."""
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
    """Effective Allow minus explicit unconditional Deny across all of an identity's policies.

    Memoised per process by the policies themselves (names, kinds, ARNs and parsed statements): roles
    with the same documents, and a warm Lambda's next invocation, reuse one analysis and the
    findings derived from it (``EffectivePermissions.derived``).
    """
    return _analyse(tuple(sources), boundary)


@lru_cache(maxsize=256)
def _analyse(sources: tuple[PolicySource, ...], boundary: PolicySource | None) -> EffectivePermissions:
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
    """``*`` or ``svc:*`` on every resource for the sensitive services, and admin policies by name,
    each after the explicit Denies and the permissions boundary."""
    return list(perms.derived("admin", lambda: tuple(_admin_grants(perms))))


def _admin_grants(perms: EffectivePermissions) -> list[Finding]:
    findings: list[Finding] = []
    named = set()
    for src in perms.sources:
        name = src.aws_managed_name
        if src.kind != "aws-managed" or name not in ADMIN_MANAGED_POLICIES:
            continue
        named.add(src.name)
        # The published grant, capped like the rest: a boundary or Deny may leave nothing admin.
        core = PolicySource.from_document(src.name, "aws-managed", ADMIN_MANAGED_POLICIES[name], src.arn)
        if _admin_paths(_capped(perms, core)):
            findings.append(Finding("admin", name, (src.name,)))
    for grant in perms.grants:
        if grant.policy in named:
            continue
        path = _admin_path(grant)
        if path is not None:
            findings.append(Finding("admin", path[0], (grant.where,), path[1], grant.condition_keys))
    return findings


def _capped(perms: EffectivePermissions, core: PolicySource) -> EffectivePermissions:
    others = tuple(s for s in perms.sources if s.name != core.name)
    denies = PolicySource("denies", "inline", tuple(st for s in others for st in s.statements if not st.allows))
    return analyse([core, denies], perms.boundary)


def _admin_paths(perms: EffectivePermissions) -> list[tuple[str, tuple[str, ...]]]:
    return [p for g in perms.grants if (p := _admin_path(g)) is not None]


def _admin_path(grant: Grant) -> tuple[str, tuple[str, ...]] | None:
    if not grant.all_resources:
        return None
    if grant.actions >= iam_actions.all_actions() and grant.every_resource_of("*:*"):
        return "*", ("*",)
    services = [s for s in SENSITIVE_SERVICES if _covers_service(grant.actions, s) and grant.every_resource_of(s + ":")]
    if not services:
        return None
    return ", ".join(f"{s}:*" for s in services), tuple(f"{s}:*" for s in services)


def boundary_caps_nothing(boundary: PolicySource) -> bool:
    """A permissions boundary that lets every action through on every resource (AdministratorAccess,
    or ``*`` on ``*``): attached, it caps nothing."""
    if boundary.aws_managed_name == "AdministratorAccess":
        return True
    return any(
        g.actions >= iam_actions.all_actions() and g.every_resource_of("*:*") for g in analyse([boundary]).grants
    )


def _covers_service(actions: frozenset[str], service: str) -> bool:
    every = iam_actions.service_actions(service)
    return bool(every) and every <= actions


def wildcard_resource_writes(perms: EffectivePermissions, exempt: Iterable[str] = ()) -> list[Finding]:
    """Write or Permissions-management actions granted on every resource (``*``, NotResource or a
    broad ARN of the action's service), one finding per statement.

    ``exempt`` holds action patterns an organisation accepts on ``*`` (e.g. the ENI actions of
    Lambda's VPC access policy). Actions that accept no resource ARN are never findings.
    """
    exempt = tuple(exempt)
    return list(perms.derived(("wildcard-resource", exempt), lambda: tuple(_wildcard_resource_writes(perms, exempt))))


def _wildcard_resource_writes(perms: EffectivePermissions, exempt: tuple[str, ...]) -> list[Finding]:
    findings = []
    for grant in perms.grants:
        if not grant.all_resources:
            continue
        writes = []
        for action in grant.actions & iam_actions.scopable_writes():
            if not grant.every_resource_of(action):
                continue
            if any(action_matches(p, action) for p in exempt):
                continue
            writes.append(action)
        if writes:
            findings.append(
                Finding("wildcard-resource", "every resource", (grant.where,), _by_risk(writes), grant.condition_keys)
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
