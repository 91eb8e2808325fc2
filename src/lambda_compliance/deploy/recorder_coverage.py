"""Which resource types an AWS Config recorder leaves unrecorded, from its recording group.

A change-triggered rule whose resource type the recorder does not record never runs, and nothing
reports an error: the deployer names those types per account and region before it deploys.

How a recording group records (RecordingGroup, RecordingStrategy, ExclusionByResourceTypes:
https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html,
https://docs.aws.amazon.com/config/latest/APIReference/API_ExclusionByResourceTypes.html):

- ``ALL_SUPPORTED_RESOURCE_TYPES`` (or ``allSupported`` true without a strategy): every regional
  type; the global IAM types (users, groups, roles, customer managed policies) only with
  ``includeGlobalResourceTypes``;
- ``INCLUSION_BY_RESOURCE_TYPES`` (or ``resourceTypes`` listed without a strategy): exactly
  ``resourceTypes``, IAM types included when listed;
- ``EXCLUSION_BY_RESOURCE_TYPES``: everything except ``exclusionByResourceTypes.resourceTypes``,
  the global IAM types included unless excluded.

The global IAM types are recorded only in a region where Config existed before February 2022;
the regions added later cannot record them, whatever the group says (same pages). A rule on IAM
roles therefore runs only in a region that records them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

GLOBAL_IAM_TYPES = frozenset({"AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::Policy"})
# Regions AWS Config reached after February 2022: no global IAM recording there (ExclusionByResourceTypes).
NO_GLOBAL_IAM_REGIONS = frozenset(
    {"ap-south-2", "ap-southeast-4", "ca-west-1", "eu-central-2", "eu-south-2", "il-central-1", "me-central-1"}
)


def strategy(group: Mapping[str, Any]) -> str:
    """The recording strategy a group applies, including the older shapes without ``recordingStrategy``."""
    named = (group.get("recordingStrategy") or {}).get("useOnly")
    if named:
        return str(named)
    if group.get("allSupported", True) and not group.get("resourceTypes"):
        return "ALL_SUPPORTED_RESOURCE_TYPES"
    return "INCLUSION_BY_RESOURCE_TYPES"


def records(group: Mapping[str, Any], resource_type: str, region: str) -> bool:
    """Whether a recorder with this recording group records ``resource_type`` in ``region``."""
    if resource_type in GLOBAL_IAM_TYPES and region in NO_GLOBAL_IAM_REGIONS:
        return False
    used = strategy(group)
    if used == "INCLUSION_BY_RESOURCE_TYPES":
        return resource_type in set(group.get("resourceTypes") or ())
    if used == "EXCLUSION_BY_RESOURCE_TYPES":
        excluded = set((group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or ())
        return resource_type not in excluded
    if resource_type in GLOBAL_IAM_TYPES:
        return bool(group.get("includeGlobalResourceTypes"))
    return True


def unrecorded(group: Mapping[str, Any], wanted: Iterable[str], region: str) -> list[str]:
    """The types of ``wanted`` the recorder leaves out in ``region``, sorted."""
    return sorted({t for t in wanted if not records(group, t, region)})


def customer_recorders(recorders: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The account's own recorders: service-linked ones (``servicePrincipal``) record for their service only."""
    return [r for r in recorders if not r.get("servicePrincipal")]
