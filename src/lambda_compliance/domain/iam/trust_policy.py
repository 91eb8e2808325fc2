"""Who may assume an execution role, judged from its trust (assume-role) policy.

An execution role should trust the Lambda service and nothing else: any other principal that can
assume it gets the function's permissions without running the function. ``untrusted_principals``
lists, per Allow statement that grants an ``sts:AssumeRole*`` action, each principal outside
``LAMBDA_SERVICES`` and the caller's allow-list. Deny statements are not subtracted (a trust policy
that needs a Deny to be safe is worth a look anyway).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lambda_compliance.domain.iam.policy import Statement, action_matches, source_restriction

LAMBDA_SERVICES = frozenset({"lambda.amazonaws.com", "edgelambda.amazonaws.com"})
ASSUME_ACTIONS = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")


@dataclass(frozen=True)
class TrustGap:
    statement: str  # Sid or #index
    principal: str  # what may assume the role, as written (or "*", "everyone except ...")


def _grants_assume(stmt: Statement) -> bool:
    if stmt.not_action:
        return not all(any(action_matches(p, a) for p in stmt.actions) for a in ASSUME_ACTIONS)
    return any(action_matches(p, a) for p in stmt.actions for a in ASSUME_ACTIONS)


def _allowed(principal: str, allowed: Sequence[str]) -> bool:
    return any(action_matches(pattern, principal) for pattern in allowed)


def untrusted_principals(statements: Iterable[Statement], allowed: Sequence[str] = ()) -> list[TrustGap]:
    gaps: list[TrustGap] = []
    for stmt in statements:
        if not stmt.allows or stmt.principal is None or not _grants_assume(stmt):
            continue
        if stmt.not_principal:
            gaps.append(TrustGap(stmt.ref, "everyone except the NotPrincipal"))
            continue
        p = stmt.principal
        if p.wildcard:
            limit = source_restriction(stmt)
            gaps.append(TrustGap(stmt.ref, f"* (limited by {limit})" if limit else "*"))
        named = [*p.service, *(a for a in p.aws if a != "*"), *p.federated, *p.canonical_user]
        for principal in named:
            if principal.lower() in LAMBDA_SERVICES or _allowed(principal, allowed):
                continue
            gaps.append(TrustGap(stmt.ref, principal))
    return gaps


def trusts_lambda(statements: Iterable[Statement]) -> bool:
    return any(s.allows and s.principal is not None and LAMBDA_SERVICES & set(s.principal.service) for s in statements)
