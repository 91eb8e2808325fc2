"""Which accounts of an organization the member-role and remediation StackSets reach, and so which
accounts the organization conformance packs must exclude.

An organization conformance pack goes to every account of the organization, the management
account included, except ``ExcludedAccounts``
(https://docs.aws.amazon.com/config/latest/APIReference/API_PutOrganizationConformancePack.html).
A service-managed StackSet reaches the ACTIVE accounts under its target OUs, child OUs included,
and never the management account
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html).
A pack's rules in an account without the member role cannot read anything, and its remediation
configurations point at SSM documents that do not exist there, so every account the StackSets do
not reach is excluded; the deployer adds the management account's role and documents itself only
when it runs there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Delegated administration the deployer relies on, by service principal.
STACKSETS_PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"
CONFIG_PRINCIPAL = "config-multiaccountsetup.amazonaws.com"
NOT_TARGETED = "not under the target OUs"
MANAGEMENT_SKIPPED = "management account: service-managed StackSets skip it and the deploy runs elsewhere"
USER_EXCLUDED = "--exclude-accounts"
NOT_INVOKING = "not in --accounts (no invoke permission)"


@dataclass(frozen=True)
class Organization:
    """What the deployer reads from Organizations."""

    id: str
    management_account: str
    root_ids: tuple[str, ...]
    accounts: tuple[str, ...]  # ACTIVE accounts, sorted
    feature_set: str = "ALL"
    ou_accounts: Mapping[str, frozenset[str]] = field(default_factory=dict)  # target -> ACTIVE accounts beneath


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        found += page.get(key) or []
    return found


def accounts_under(orgs: Any, parent: str) -> frozenset[str]:
    """ACTIVE accounts under ``parent`` (a root or OU), walking child OUs (ListAccountsForParent is one level)."""
    found: set[str] = set()
    pending = [parent]
    while pending:
        current = pending.pop()
        found |= {
            a["Id"]
            for a in _pages(orgs, "list_accounts_for_parent", "Accounts", ParentId=current)
            if a.get("Status", "ACTIVE") == "ACTIVE"
        }
        children = _pages(orgs, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=current)
        pending += [ou["Id"] for ou in children]
    return frozenset(found)


def read(orgs: Any, targets: Iterable[str] | None) -> Organization:
    """Organizations as the deployer needs it; ``targets`` None means the root(s)."""
    described = orgs.describe_organization()["Organization"]
    roots = tuple(r["Id"] for r in orgs.list_roots()["Roots"])
    accounts = tuple(
        sorted(a["Id"] for a in _pages(orgs, "list_accounts", "Accounts") if a.get("Status", "ACTIVE") == "ACTIVE")
    )
    wanted = tuple(targets) if targets else roots
    return Organization(
        id=described["Id"],
        management_account=described.get("MasterAccountId", ""),
        root_ids=roots,
        accounts=accounts,
        feature_set=str(described.get("FeatureSet", "")),
        ou_accounts={t: accounts_under(orgs, t) for t in wanted},
    )


@dataclass(frozen=True)
class Reach:
    reached: frozenset[str]  # accounts with the member role and the documents in the pack region
    excluded: Mapping[str, str]  # account -> why the packs skip it


def delegated_services(orgs: Any, account: str) -> frozenset[str]:
    """The services ``account`` is a delegated administrator for."""
    found = _pages(orgs, "list_delegated_services_for_account", "DelegatedServices", AccountId=account)
    return frozenset(s["ServicePrincipal"] for s in found)


def reach(
    org: Organization,
    central_account: str,
    *,
    user_excluded: Iterable[str] = (),
    invoking: Iterable[str] | None = None,
) -> Reach:
    """The accounts the packs may go to, and why each other ACTIVE account is excluded."""
    stack_sets = set().union(*org.ou_accounts.values()) - {org.management_account} if org.ou_accounts else set()
    reached = set(stack_sets)
    if central_account == org.management_account:
        reached.add(org.management_account)  # the deployer's own stacks give it the role and documents
    allowed = None if invoking is None else set(invoking) | {central_account}
    excluded: dict[str, str] = {}
    for account in org.accounts:
        if account in set(user_excluded):
            excluded[account] = USER_EXCLUDED
        elif account not in reached:
            excluded[account] = MANAGEMENT_SKIPPED if account == org.management_account else NOT_TARGETED
        elif allowed is not None and account not in allowed:
            excluded[account] = NOT_INVOKING
    return Reach(frozenset(a for a in reached if a not in excluded), excluded)
