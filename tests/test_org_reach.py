"""The organization reach and recorder coverage judgements, as tables of positives and hard negatives."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_compliance.deploy import org_reach, packs, recorder_coverage
from lambda_compliance.deploy.aws import DeployError

MGMT, SEC, PAY, ANA, DEV = "111111111111", "222222222222", "333333333333", "444444444444", "555555555555"
ORG = org_reach.Organization(
    id="o-abc",
    management_account=MGMT,
    root_ids=("r-1",),
    accounts=tuple(sorted((MGMT, SEC, PAY, ANA, DEV))),
    ou_accounts={"ou-sec": frozenset({SEC}), "ou-work": frozenset({PAY, ANA})},  # ou-work holds a child OU's ANA
)
ROOT_TARGET = org_reach.Organization(
    id="o-abc",
    management_account=MGMT,
    root_ids=("r-1",),
    accounts=ORG.accounts,
    ou_accounts={"r-1": frozenset(ORG.accounts)},  # the root holds the management account too
)


@pytest.mark.parametrize(
    ("org", "central", "kwargs", "reached", "excluded"),
    [
        # from the management account: its own stacks give it the role and documents
        (ORG, MGMT, {}, {MGMT, SEC, PAY, ANA}, {DEV: org_reach.NOT_TARGETED}),
        # from a delegated administrator: nothing gives the management account the role
        (ORG, SEC, {}, {SEC, PAY, ANA}, {MGMT: org_reach.MANAGEMENT_SKIPPED, DEV: org_reach.NOT_TARGETED}),
        # the root as target: StackSets still skip the management account (hard negative)
        (ROOT_TARGET, SEC, {}, {SEC, PAY, ANA, DEV}, {MGMT: org_reach.MANAGEMENT_SKIPPED}),
        (ROOT_TARGET, MGMT, {}, set(ROOT_TARGET.accounts), {}),
        # --exclude-accounts wins over reach
        (
            ORG,
            MGMT,
            {"user_excluded": (PAY,)},
            {MGMT, SEC, ANA},
            {PAY: org_reach.USER_EXCLUDED, DEV: org_reach.NOT_TARGETED},
        ),
        # --accounts narrows who may invoke: the others cannot run rules (the central account always can)
        (
            ORG,
            MGMT,
            {"invoking": (SEC,)},
            {MGMT, SEC},
            {PAY: org_reach.NOT_INVOKING, ANA: org_reach.NOT_INVOKING, DEV: org_reach.NOT_TARGETED},
        ),
    ],
)
def test_reach(org, central, kwargs, reached, excluded) -> None:
    result = org_reach.reach(org, central, **kwargs)
    assert set(result.reached) == reached
    assert dict(result.excluded) == excluded
    assert not set(result.reached) & set(result.excluded)


ALL = {"allSupported": True, "includeGlobalResourceTypes": True}
NO_GLOBAL = {"allSupported": True, "includeGlobalResourceTypes": False}
INCLUDE = {
    "allSupported": False,
    "includeGlobalResourceTypes": False,
    "resourceTypes": ["AWS::Lambda::Function", "AWS::IAM::Role"],
    "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
}
OLD_INCLUDE = {"allSupported": False, "resourceTypes": ["AWS::Lambda::Function"]}  # before recordingStrategy
EXCLUDE = {
    "allSupported": False,
    "exclusionByResourceTypes": {"resourceTypes": ["AWS::KMS::Key"]},
    "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
}


@pytest.mark.parametrize(
    ("group", "resource_type", "region", "recorded"),
    [
        (ALL, "AWS::Lambda::Function", "us-east-1", True),
        (ALL, "AWS::IAM::Role", "us-east-1", True),
        (ALL, "AWS::IAM::Role", "eu-central-2", False),  # a region added after February 2022: no global types
        (NO_GLOBAL, "AWS::IAM::Role", "us-east-1", False),
        (NO_GLOBAL, "AWS::DynamoDB::Table", "us-east-1", True),
        (INCLUDE, "AWS::Lambda::Function", "us-east-1", True),
        (INCLUDE, "AWS::IAM::Role", "us-east-1", True),
        (INCLUDE, "AWS::ApiGateway::Stage", "us-east-1", False),
        (INCLUDE, "AWS::SecretsManager::Secret", "us-east-1", False),
        (OLD_INCLUDE, "AWS::Lambda::Function", "eu-west-1", True),
        (OLD_INCLUDE, "AWS::KMS::Key", "eu-west-1", False),
        (EXCLUDE, "AWS::KMS::Key", "us-east-1", False),
        (EXCLUDE, "AWS::IAM::Role", "us-east-1", True),  # exclusion records global types unless excluded
        (EXCLUDE, "AWS::DynamoDB::Table", "us-east-1", True),
    ],
)
def test_recorder_records(group, resource_type, region, recorded) -> None:
    assert recorder_coverage.records(group, resource_type, region) is recorded


def test_unrecorded_names_each_missing_type_once_sorted() -> None:
    wanted = ["AWS::Lambda::Function", "AWS::KMS::Key", "AWS::ApiGateway::Stage", "AWS::KMS::Key"]
    assert recorder_coverage.unrecorded(INCLUDE, wanted, "us-east-1") == ["AWS::ApiGateway::Stage", "AWS::KMS::Key"]
    recorders = [{"name": "aws-service", "servicePrincipal": "config-conforms.amazonaws.com"}, {"name": "default"}]
    assert [r["name"] for r in recorder_coverage.customer_recorders(recorders)] == ["default"]


def test_packs_that_share_rules_are_refused_and_disjoint_ones_pass(tmp_path: Path) -> None:
    folder = Path(__file__).resolve().parent.parent / "conformance-packs"
    chosen = packs.choose(folder, ["hipaa", "all"])
    shared = len(chosen[0].rule_names() & chosen[1].rule_names())
    with pytest.raises(DeployError, match=rf"^packs hipaa and all share {shared} rules \(.*\), which would run twice"):
        packs.refuse_overlap(chosen)
    rule = "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties: {{ConfigRuleName: {name}}}\n"
    (tmp_path / "a.yaml").write_text(rule.format(name="A"))
    (tmp_path / "b.yaml").write_text(rule.format(name="B"))
    packs.refuse_overlap(packs.choose(tmp_path, ["a", "b"]))  # no rule in common: allowed
    packs.refuse_overlap(packs.choose(folder, ["all"]))
