"""Who may assume an execution role, judged from its trust (assume-role) policy.

An execution role should trust the Lambda service and nothing else: any other principal that can
assume it gets the function's permissions without running the function. ``untrusted_principals``
lists, per Allow statement that grants an ``sts:AssumeRole*`` action, each principal outside
``LAMBDA_SERVICES`` and the caller's allow-list. Deny statements are not subtracted (a trust policy
that needs a Deny to be safe is worth a look anyway).

Account principals come in two spellings: the 12-digit id a template writes and the
``arn:aws:iam::<id>:root`` IAM stores and returns (IAM User Guide, "AWS JSON policy elements:
Principal", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
An allow-list entry in either spelling matches both, and every principal of that account.

``admits`` answers the reverse question for escalation analysis: does a role's trust let a given
role (or its whole account) assume it?
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lambda_compliance.domain.iam.policy import Statement, action_matches, source_restriction
from lambda_compliance.runtime.lazy import lazy

_ACCOUNT_ID = lazy(r"\d{12}")
_ROOT_ARN = lazy(r"arn:aws[\w-]*:iam::(?P<account>\d{12}):root", re.IGNORECASE)
_IAM_ARN = lazy(r"arn:aws[\w-]*:(?:iam|sts)::(?P<account>\d{12}):.+", re.IGNORECASE)
LAMBDA_SERVICES = frozenset({"lambda.amazonaws.com", "edgelambda.amazonaws.com"})
ASSUME_ACTIONS = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")


@dataclass(frozen=True)
class TrustGap:
    statement: str  # Sid or #index
    principal: str  # what may assume the role, as written (or "*", "everyone except ...")


def _grants(stmt: Statement, *actions: str) -> bool:
    if stmt.not_action:
        return not all(any(action_matches(p, a) for p in stmt.actions) for a in actions)
    return any(action_matches(p, a) for p in stmt.actions for a in actions)


def _grants_assume(stmt: Statement) -> bool:
    return _grants(stmt, *ASSUME_ACTIONS)


def _allowed(principal: str, allowed: Sequence[str]) -> bool:
    """Is ``principal`` in the allow-list? An account given as its id or as its root ARN (the form
    IAM stores, whichever was written) covers that account and every principal in it."""
    account = account_of_principal(principal)
    for pattern in allowed:
        if action_matches(pattern, principal):
            return True
        allowed_account = account_of_principal(pattern) if _is_account(pattern) else None
        if allowed_account and account == allowed_account:
            return True
    return False


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


def admits(statements: Iterable[Statement], caller_arn: str) -> Statement | None:
    """The Allow statement that lets the role ``caller_arn`` (or any principal of its account)
    call sts:AssumeRole, else None. Conditions do not stop the match (the caller names the
    ExternalId or tags it sends); the finding reports their keys instead."""
    account = arn_account(caller_arn)
    for stmt in statements:
        if not stmt.allows or stmt.principal is None or not _grants(stmt, "sts:assumerole"):
            continue
        if stmt.not_principal or stmt.principal.wildcard:
            return stmt
        for principal in stmt.principal.aws:
            if principal.lower() == caller_arn.lower():
                return stmt
            if account and _is_account(principal) and account_of_principal(principal) == account:
                return stmt
    return None


def arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0].lower() == "arn" and parts[4].isdigit() else None


def _is_account(principal: str) -> bool:
    """An account principal: the bare id, or the ``arn:<partition>:iam::<id>:root`` IAM stores."""
    return bool(_ACCOUNT_ID.fullmatch(principal) or _ROOT_ARN.fullmatch(principal))


def account_of_principal(principal: str) -> str | None:
    if _ACCOUNT_ID.fullmatch(principal):
        return principal
    match = _ROOT_ARN.fullmatch(principal) or _IAM_ARN.fullmatch(principal)
    return match.group("account") if match else None


def trusts_lambda(statements: Iterable[Statement]) -> bool:
    return any(s.allows and s.principal is not None and LAMBDA_SERVICES & set(s.principal.service) for s in statements)
