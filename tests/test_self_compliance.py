"""The rule stack passes its own rules: deploy it into moto with CloudFormation, then scan it with the project.

Every verdict on the stack's functions (and, through them, their roles) must be COMPLIANT or
NOT_APPLICABLE, apart from the exceptions below, each with its reason. Account-level rules
(CloudTrail, GuardDuty, Inspector...) judge the account, not this stack, and are left out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambda_compliance.cli import main
from lambda_compliance.packaging import naming

REGION = "us-east-1"
BUCKET = "lc-artifacts"

# moto's CloudFormation drops these properties of what the template creates; the template sets each
# (tests/test_packaging.py::test_each_function_is_configured_as_the_rules_require asserts it), and
# AWS applies it.
MOTO_DROPS = {
    "LAMBDA_TRACING_ENABLED": "moto's AWS::Lambda::Function ignores TracingConfig (the template sets Active)",
    "LAMBDA_ENV_ENCRYPTED_WITH_CMK": "moto's AWS::Lambda::Function ignores KmsKeyArn (the template sets the stack key)",
    "LAMBDA_FAILURE_DESTINATION_CONFIGURED": "moto's AWS::Lambda::Function ignores DeadLetterConfig (the template "
    "sets the stack's SQS queue)",
    "LAMBDA_LOG_GROUP_ENCRYPTED": "moto's AWS::Logs::LogGroup ignores KmsKeyId (the template sets the stack key)",
    "LAMBDA_REQUIRED_TAGS": "moto's AWS::Lambda::Function ignores Tags and stack tags; in AWS `deploy --tag "
    "Owner=... --tag Environment=...` tags the functions (CloudFormation propagates stack tags)",
}
# Accepted for the rule functions themselves, documented in docs/deploy.md.
ACCEPTED = {
    "LAMBDA_INSIDE_VPC": "the rule functions only call AWS APIs (IAM has no VPC endpoint, so a VPC would need a NAT "
    "gateway) and hold no data; exempt them with the rule's exemptTagKey through `deploy --tag`",
    "LAMBDA_CODE_SIGNING_ENFORCED": "code signing needs a signing profile the organization owns; pass "
    "--parameter CodeSigningConfigArn=... to enforce it",
}


def _ready(moto: Any) -> None:
    moto.client("s3").create_bucket(Bucket=BUCKET)
    config = moto.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{moto.account_id}:role/config-recorder",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKET})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def _repair_moto_key_policies(moto: Any) -> None:
    """moto stores a CloudFormation KeyPolicy object unserialised and then fails DescribeKey with a 500;
    write the same kind of policy back as JSON so the scan can read the key."""
    kms = moto.client("kms")
    for key in kms.list_keys()["Keys"]:
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersKeyThroughIam",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{moto.account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
        kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))


# The organization shape of the stack (roles that only assume the member role), deployed alone.
MEMBER_ROLES = ",".join(f"arn:aws:iam::{a}:role/{naming.MEMBER_ROLE_NAME}" for a in ("123456789012", "210987654321"))
ORGANIZATION = (
    *("--parameter", f"ExecutionRoleName={naming.MEMBER_ROLE_NAME}"),
    *("--parameter", "OrganizationId=o-a1b2c3d4e5"),
    *("--parameter", f"MemberRoleArns={MEMBER_ROLES}"),
)


@pytest.mark.parametrize("mode", [(), ORGANIZATION], ids=["single-account", "organization"])
def test_rule_stack_passes_its_own_rules(
    mode: tuple[str, ...], moto, run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    _ready(moto)
    # A short stack name: CloudFormation shortens generated role names to IAM's 64 characters, moto does not,
    # and a longer name would be an invalid role name the scan (rightly) refuses to send to IAM.
    argv = ["deploy", "--bucket", BUCKET, "--endpoint-url", moto.endpoint_url, "--region", REGION, "--stack-name", "lc"]
    argv += list(mode)
    assert main([*argv, "--no-remediation", "--tag", "Owner=security", "--tag", "Environment=production"]) == 0
    _repair_moto_key_policies(moto)

    monkeypatch.chdir(tmp_path)  # the rules' own defaults, not a configuration file of the checkout
    status, document, _, err = run_cli("scan", "--endpoint-url", moto.endpoint_url, "--no-progress")
    assert document is not None, err
    assert not document["errors"], document["errors"]

    ours = [e for e in document["evaluations"] if e["resourceId"].startswith(naming.FUNCTION_PREFIX)]
    assert {e["resourceId"] for e in ours} >= {naming.function_name("LAMBDA_TRACING_ENABLED")}
    failing: dict[str, set[str]] = {}
    for evaluation in ours:
        if evaluation["compliance"] == "NON_COMPLIANT":
            failing.setdefault(evaluation["rule"], set()).add(evaluation["annotation"])
    unexplained = {rule: sorted(notes)[:2] for rule, notes in failing.items() if rule not in {**MOTO_DROPS, **ACCEPTED}}
    assert not unexplained, unexplained

    role_rules = {e["rule"] for e in ours if e["rule"].startswith("LAMBDA_ROLE_")}
    assert role_rules and not role_rules & set(failing), "the least-privilege roles must pass every role rule"
    keys = [e for e in document["evaluations"] if e["resourceType"] == "AWS::KMS::Key"]
    assert keys and all(e["compliance"] == "COMPLIANT" for e in keys if e["rule"] == "KMS_KEY_ROTATION_ENABLED")
    assert status == 1  # the account-level rules still find this bare moto account lacking
