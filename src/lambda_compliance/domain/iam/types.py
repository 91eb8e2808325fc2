"""The data the IAM analysis passes around: policies, effective grants, findings, resource breadth.

``iam_analysis`` (effective permissions, admin and wildcard findings) and ``iam_escalation``
(escalation paths) both build on these types; neither imports the other's internals.

"Every resource" is judged here once (``is_broad_resource``): ``*``, and an ARN whose resource
part names no resource. An ARN's resource part alternates resource-type keywords and names
(``table/<name>/index/<name>``, ``function:<name>:<qualifier>``, ``log-group:<name>:log-stream:<name>``);
it covers every resource of its type when every name position holds only wildcards, whatever the
service. S3 bucket ARNs carry no type keyword (``arn:aws:s3:::<bucket>/<key>``): they are broad when
the bucket position is only wildcards. IAM's ``*`` matches across ``/``, so ``arn:aws:s3:::*``
covers every object too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from lambda_compliance.domain.iam.policy import Statement, parse_policy
from lambda_compliance.runtime.lazy import lazy

PolicyKind = Literal["inline", "customer-managed", "aws-managed", "boundary"]

_AWS_MANAGED_ARN = lazy(r"^arn:aws[\w-]*:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")
_SEGMENTS = lazy(r"[/:]")


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

    def every_resource_of(self, action: str) -> bool:
        """Does the grant reach every resource ``action`` can act on? ``*``, NotResource, or a broad
        ARN of the action's own service (a broad table ARN does not reach S3 objects)."""
        if self.not_resource or not self.resources:
            return True
        if "*" in self.resources:
            return True
        service = action.split(":", 1)[0]
        return any(is_broad_resource(r) and _arn_service_matches(r, service) for r in self.resources)


@dataclass(frozen=True)
class EffectivePermissions:
    sources: tuple[PolicySource, ...]
    grants: tuple[Grant, ...]
    boundary: PolicySource | None = None
    # Findings derived from these permissions, by question: a role shared by many functions is
    # judged once, not once per function and rule (see ``derived``).
    _derived: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per ``key`` for these permissions. Racing threads may both compute it;
        the answer is the same, so either may win."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = compute()
            return value

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


def _only_wildcards(text: str) -> bool:
    return not text.strip("*?")


def is_broad_resource(resource: str) -> bool:
    """``*``, or an ARN whose resource part names no resource (see the module docstring)."""
    resource = resource.strip()
    if _only_wildcards(resource):
        return True
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0].lower() != "arn":
        return False
    service, region, account, tail = parts[2].lower(), parts[3], parts[4], parts[5]
    if _only_wildcards(tail):
        return True
    if service == "s3" and not region and not account:  # bucket[/key]: "b/*" is one bucket
        return _only_wildcards(tail.split("/", 1)[0])
    segments = _SEGMENTS.split(tail.lstrip("/"))
    if len(segments) < 2 or not segments[-1] or not _only_wildcards(segments[-1]):
        return False
    # Even positions are type keywords (literal allowed), odd positions are names (wildcards only).
    return all(seg and _only_wildcards(seg) for i, seg in enumerate(segments) if i % 2 == 1)


def _arn_service_matches(resource: str, service: str) -> bool:
    parts = resource.strip().split(":", 5)
    if len(parts) < 6 or parts[0].lower() != "arn":
        return True  # "*"
    pattern = parts[2].lower()
    return _only_wildcards(pattern) or re.fullmatch(pattern.replace("*", ".*").replace("?", "."), service) is not None
