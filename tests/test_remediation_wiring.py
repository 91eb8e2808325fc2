"""remediation_target(): what the pack generator wires for each rule's Remediation."""

from __future__ import annotations

import pytest

from lambda_compliance.remediation import wiring
from lambda_compliance.remediation.wiring import WiringError, remediation_target
from lambda_compliance.runtime.rulebase import Remediation

ROLE = {"StaticValue": {"Values": [{"Ref": "RemediationRoleArn"}]}}
RESOURCE = {"ResourceValue": {"Value": "RESOURCE_ID"}}


def test_every_declared_remediation_resolves_and_at_least_ten_rules_are_remediable():
    targets = wiring.remediable_rules()
    assert len(targets) >= 10
    for rule, target in targets.items():
        assert target.parameters[target.resource_parameter] == RESOURCE, rule
        assert target.parameters["AutomationAssumeRole"] == ROLE, rule
        if not target.aws_owned:
            assert target.parameters["DryRun"] == {"StaticValue": {"Values": ["false"]}}, rule


def test_static_value_from_the_rule():
    target = remediation_target(
        Remediation("LambdaCompliance-SetReservedConcurrency", "FunctionName", {"ReservedConcurrency": "10"})
    )
    assert target.parameters == {
        "FunctionName": RESOURCE,
        "AutomationAssumeRole": ROLE,
        "DryRun": {"StaticValue": {"Values": ["false"]}},
        "ReservedConcurrency": {"StaticValue": {"Values": ["10"]}},
    }
    assert [p.name for p in target.pack_parameters] == ["RemediationRoleArn"]
    assert target.automatic_safe is False and target.settings_only is True


def test_pack_parameter_reference_from_the_rule_for_an_aws_owned_runbook():
    target = remediation_target(
        Remediation(
            "AWSConfigRemediation-EncryptLambdaEnvironmentVariablesWithCMK",
            "FunctionName",
            {"KMSKeyArn": "EnvironmentKmsKeyArn"},
            aws_owned=True,
        )
    )
    assert target.parameters["KMSKeyArn"] == {"StaticValue": {"Values": [{"Ref": "EnvironmentKmsKeyArn"}]}}
    assert "DryRun" not in target.parameters  # AWS runbooks have no DryRun
    (role, key) = target.pack_parameters
    assert (role.name, key.name) == ("RemediationRoleArn", "EnvironmentKmsKeyArn")
    assert key.allowed_pattern and key.allowed_pattern.startswith("^arn:")


def test_required_parameter_the_rule_leaves_open_becomes_the_documents_pack_parameter():
    target = remediation_target(Remediation("LambdaCompliance-SetFailureDestination", "FunctionName"))
    assert target.parameters["DestinationArn"] == {"StaticValue": {"Values": [{"Ref": "FailureDestinationArn"}]}}
    assert "FailureDestinationArn" in [p.name for p in target.pack_parameters]


def test_account_level_rule_with_a_static_trail():
    target = remediation_target(
        Remediation(
            "LambdaCompliance-EnableCloudTrailLambdaDataEvents", "AccountId", {"TrailName": "management-events"}
        )
    )
    assert target.parameters["AccountId"] == RESOURCE
    assert target.parameters["TrailName"] == {"StaticValue": {"Values": ["management-events"]}}


def test_configuration_properties():
    target = remediation_target(Remediation("LambdaCompliance-RemovePublicPermissions", "FunctionName"))
    properties = target.properties({"Ref": "PublicAccessRule"}, automatic=False)
    assert properties == {
        "ConfigRuleName": {"Ref": "PublicAccessRule"},
        "TargetType": "SSM_DOCUMENT",
        "TargetId": "LambdaCompliance-RemovePublicPermissions",
        "Parameters": target.parameters,
        "Automatic": False,
        "MaximumAutomaticAttempts": 3,
        "RetryAttemptSeconds": 60,
    }
    assert target.settings_only is False  # it changes access: never automatic in the demo


@pytest.mark.parametrize(
    ("remediation", "message"),
    [
        (Remediation("LambdaCompliance-Nope", "FunctionName"), "no document LambdaCompliance-Nope"),
        (Remediation("AWSConfigRemediation-Nope", "X", aws_owned=True), "not an AWS-owned runbook"),
        (Remediation("LambdaCompliance-SetReservedConcurrency", "Function"), "has no parameter Function"),
        (
            Remediation("LambdaCompliance-SetReservedConcurrency", "FunctionName", {"Concurrency": "10"}),
            "has no parameter Concurrency",
        ),
        (
            Remediation("LambdaCompliance-SetReservedConcurrency", "FunctionName", {"ReservedConcurrency": "-1"}),
            "neither matches",
        ),
        (
            Remediation("LambdaCompliance-SetReservedConcurrency", "FunctionName", {"DryRun": "true"}),
            "wired by the project",
        ),
    ],
)
def test_declarations_that_do_not_fit_their_document(remediation, message):
    with pytest.raises(WiringError, match=message):
        remediation_target(remediation)
