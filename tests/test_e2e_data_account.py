"""The data, keys, secrets and account rules end to end: resources in moto or Config snapshot files, through the CLI."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import verdict_map

from lambda_compliance import catalog
from lambda_compliance.demo import data_and_account as demo_data
from lambda_compliance.scanner import collectors, scan
from lambda_compliance.scanner.clients import ScanClientFactory

SNAPSHOTS = Path(__file__).parent / "data" / "snapshots"
ACCOUNT = "123456789012"
DATA_RULES = (
    "DYNAMODB_PITR_ENABLED",
    "DYNAMODB_TABLE_ENCRYPTED_WITH_CMK",
    "KMS_KEY_ROTATION_ENABLED",
    "SECRETSMANAGER_ENCRYPTED_WITH_CMK",
    "SECRETSMANAGER_ROTATION_ENABLED",
    "SSM_SECRET_PARAMETERS_SECURESTRING",
)
ACCOUNT_RULES = (
    "CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED",
    "GUARDDUTY_LAMBDA_PROTECTION_ENABLED",
    "INSPECTOR_LAMBDA_SCANNING_ENABLED",
)
VPC_RULES = ("VPC_ENDPOINTS_CONFIGURED", "VPC_FLOW_LOGS_ENABLED")
SERVICES = ("s3", "dynamodb", "secretsmanager", "kms", "lambda")


@pytest.fixture(autouse=True)
def _no_local_config(tmp_path, monkeypatch):
    """Scan with the rules' defaults, whatever lambda-compliance.yaml the working directory holds."""
    monkeypatch.chdir(tmp_path)


def annotations(document):
    return {(e["rule"], e["resourceId"]): e["annotation"] for e in document["evaluations"]}


def _key(moto, rotate: bool) -> tuple[str, str]:
    kms = moto.client("kms")
    key = kms.create_key(Description="e2e")["KeyMetadata"]
    if rotate:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    return key["KeyId"], key["Arn"]


def _table(moto, name: str, key: str | None, pitr: bool) -> None:
    dynamodb = moto.client("dynamodb")
    spec = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if key:
        spec["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
    dynamodb.create_table(**spec)
    if pitr:
        dynamodb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )


def _function_in_vpc(moto, name: str) -> str:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=f"{name}-sg", Description="e2e", VpcId=vpc)["GroupId"]
    moto.role(f"{name}-role")
    moto.function(name, role=f"{name}-role", VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group]})
    moto.function(f"{name}-outside", role=f"{name}-role")
    return vpc


# Against moto -------------------------------------------------------------------------------


def test_collector_builds_cis_with_config_field_names(moto):
    key_id, key_arn = _key(moto, rotate=True)
    _table(moto, "ledger", key_arn, pitr=True)
    moto.client("secretsmanager").create_secret(Name="payments/db", SecretString="not-real-9f8e", KmsKeyId=key_arn)
    factory = ScanClientFactory(moto.session, "us-east-1", endpoint_url=moto.endpoint_url)
    with ThreadPoolExecutor(4) as pool:
        ctx = collectors.CollectContext(factory.reader, ACCOUNT, "us-east-1", "2026-11-29T08:00:00.000Z", pool)
        items = collectors.collect(ctx, {"AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::SecretsManager::Secret"})
    assert "not-real-9f8e" not in json.dumps([ci.raw for ci in items])
    by_type = {ci.resource_type: ci for ci in items}
    table = by_type["AWS::DynamoDB::Table"]
    assert (table.resource_id, table.get("tableName")) == ("ledger", "ledger")
    assert table.get("ssedescription") == {"status": "ENABLED", "ssetype": "KMS", "kmsmasterKeyArn": key_arn}
    assert table.supplementary_get("ContinuousBackupsDescription", "pointInTimeRecoveryDescription") == {
        "pointInTimeRecoveryStatus": "ENABLED",
        "recoveryPeriodInDays": 35,
        "earliestRestorableDateTime": table.supplementary_get(
            "ContinuousBackupsDescription", "pointInTimeRecoveryDescription", "earliestRestorableDateTime"
        ),
        "latestRestorableDateTime": table.supplementary_get(
            "ContinuousBackupsDescription", "pointInTimeRecoveryDescription", "latestRestorableDateTime"
        ),
    }
    key = by_type["AWS::KMS::Key"]
    assert (key.resource_id, key.get("keyManager"), key.get("awsaccountId")) == (key_id, "CUSTOMER", ACCOUNT)
    assert key.supplementary == {"KeyRotationStatus": True}
    secret = by_type["AWS::SecretsManager::Secret"]
    assert secret.resource_id == secret.arn and secret.resource_name == "payments/db"
    assert (secret.get("KMSKeyId"), secret.get("RotationEnabled")) == (key_arn, False)


def test_data_rules_judge_tables_keys_and_secrets(moto, run_cli):
    rotating_id, rotating = _key(moto, rotate=True)
    static_id, static = _key(moto, rotate=False)
    _table(moto, "ledger", rotating, pitr=True)
    _table(moto, "sessions", None, pitr=False)
    manager = moto.client("secretsmanager")
    manager.create_secret(Name="payments/db", SecretString="not-real-1", KmsKeyId=static)
    manager.create_secret(Name="payments/webhook", SecretString="not-real-2")
    moto.role("rotator-role")
    rotator = moto.function("rotator", role="rotator-role")
    with demo_data.quiet_rotation_invocations():
        manager.rotate_secret(
            SecretId="payments/db",
            RotationLambdaARN=rotator,
            RotationRules={"AutomaticallyAfterDays": 30},
            RotateImmediately=False,
        )
    rules = ",".join(r for r in DATA_RULES if r != "SSM_SECRET_PARAMETERS_SECURESTRING")
    status, document, _, _ = run_cli("scan", "--endpoint-url", moto.endpoint_url, "--rules", rules)
    assert status == 1
    assert document["errors"] == []
    assert verdict_map(document, "DYNAMODB_TABLE_ENCRYPTED_WITH_CMK") == {
        "ledger": "COMPLIANT",
        "sessions": "NON_COMPLIANT",
    }
    assert verdict_map(document, "DYNAMODB_PITR_ENABLED") == {"ledger": "COMPLIANT", "sessions": "NON_COMPLIANT"}
    assert verdict_map(document, "KMS_KEY_ROTATION_ENABLED") == {
        rotating_id: "COMPLIANT",
        static_id: "NON_COMPLIANT",
    }
    by_name = {
        (e["rule"], e["resourceId"].split(":secret:")[-1].rsplit("-", 1)[0]): (e["compliance"], e["annotation"])
        for e in document["evaluations"]
        if e["resourceType"] == "AWS::SecretsManager::Secret"
    }
    assert by_name == {
        ("SECRETSMANAGER_ENCRYPTED_WITH_CMK", "payments/db"): (
            "COMPLIANT",
            f"encrypted with customer managed KMS key {static_id}",
        ),
        ("SECRETSMANAGER_ENCRYPTED_WITH_CMK", "payments/webhook"): (
            "NON_COMPLIANT",
            "encrypted with the AWS managed key alias/aws/secretsmanager; use a customer managed KMS key",
        ),
        ("SECRETSMANAGER_ROTATION_ENABLED", "payments/db"): ("COMPLIANT", "rotates every 30 days, within 90 days"),
        ("SECRETSMANAGER_ROTATION_ENABLED", "payments/webhook"): ("NON_COMPLIANT", "automatic rotation is not enabled"),
    }
    notes = annotations(document)
    assert (
        notes["DYNAMODB_TABLE_ENCRYPTED_WITH_CMK", "ledger"] == f"encrypted with customer managed KMS key {rotating_id}"
    )
    assert notes["DYNAMODB_PITR_ENABLED", "sessions"] == "point-in-time recovery is DISABLED; enable it"


def test_ssm_parameters_are_judged_by_name_without_reading_values(moto, run_cli):
    values = {"/payments/db/password": "Zq8-not-real-pw", "/payments/stripe/api-key": "sk_test_notreal_77"}
    ssm = moto.client("ssm")
    ssm.put_parameter(Name="/payments/db/password", Type="String", Value=values["/payments/db/password"])
    ssm.put_parameter(Name="/payments/stripe/api-key", Type="SecureString", Value=values["/payments/stripe/api-key"])
    ssm.put_parameter(Name="/payments/config/region", Type="String", Value="us-east-1")
    rule = catalog.load_rule("SSM_SECRET_PARAMETERS_SECURESTRING")
    report = scan.scan_account([rule], session=moto.session, region="us-east-1", endpoint_url=moto.endpoint_url)
    assert {op for op in report.requests if op.startswith("ssm.")} == {"ssm.DescribeParameters"}
    assert {(r.resourceId, r.compliance) for r in report.outcome.results} == {
        ("/payments/db/password", "NON_COMPLIANT"),
        ("/payments/stripe/api-key", "COMPLIANT"),
    }
    status, document, out, err = run_cli(
        "scan", "--endpoint-url", moto.endpoint_url, "--rules", "SSM_SECRET_PARAMETERS_SECURESTRING"
    )
    assert status == 1
    assert annotations(document)["SSM_SECRET_PARAMETERS_SECURESTRING", "/payments/db/password"] == (
        "String parameter named like a secret ('password'); store it as a SecureString"
    )
    text = json.dumps(document) + out + err
    assert not [v for v in values.values() if v in text]


def test_account_rules_pass_on_a_guarded_account(moto, run_cli):
    vpc = _function_in_vpc(moto, "risk-scorer")
    moto.client("s3").create_bucket(Bucket="org-trail-logs")
    cloudtrail = moto.client("cloudtrail")
    cloudtrail.create_trail(
        Name="org-audit", S3BucketName="org-trail-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True
    )
    cloudtrail.put_event_selectors(
        TrailName="org-audit",
        AdvancedEventSelectors=[
            {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
            {
                "Name": "lambda invocations",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
                ],
            },
        ],
    )
    cloudtrail.start_logging(Name="org-audit")
    moto.client("guardduty").create_detector(
        Enable=True, Features=[{"Name": "LAMBDA_NETWORK_LOGS", "Status": "ENABLED"}]
    )
    moto.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["LAMBDA", "LAMBDA_CODE"])
    ec2 = moto.client("ec2")
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::org-trail-logs",
    )
    for service in SERVICES:
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.us-east-1.{service}")
    status, document, _, _ = run_cli(
        "scan", "--endpoint-url", moto.endpoint_url, "--rules", ",".join(ACCOUNT_RULES + VPC_RULES)
    )
    assert document["errors"] == []
    assert status == 0
    assert {e["rule"]: (e["resourceType"], e["resourceId"], e["compliance"]) for e in document["evaluations"]} == {
        "CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED": ("AWS::::Account", ACCOUNT, "COMPLIANT"),
        "GUARDDUTY_LAMBDA_PROTECTION_ENABLED": ("AWS::::Account", ACCOUNT, "COMPLIANT"),
        "INSPECTOR_LAMBDA_SCANNING_ENABLED": ("AWS::::Account", ACCOUNT, "COMPLIANT"),
        "VPC_ENDPOINTS_CONFIGURED": ("AWS::EC2::VPC", vpc, "COMPLIANT"),
        "VPC_FLOW_LOGS_ENABLED": ("AWS::EC2::VPC", vpc, "COMPLIANT"),
    }
    assert annotations(document)["CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED", ACCOUNT] == (
        "trail org-audit logs Lambda data events for all functions (multi-region, log file validation on)"
    )


def test_account_rules_fail_on_a_bare_account(moto, run_cli):
    vpc = _function_in_vpc(moto, "risk-scorer")
    status, document, _, _ = run_cli(
        "scan", "--endpoint-url", moto.endpoint_url, "--rules", ",".join(ACCOUNT_RULES + VPC_RULES)
    )
    assert document["errors"] == []
    assert status == 1
    assert {(e["rule"], e["resourceId"]): (e["compliance"], e["annotation"]) for e in document["evaluations"]} == {
        ("CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED", ACCOUNT): (
            "NON_COMPLIANT",
            "no CloudTrail trail exists; create a multi-region trail",
        ),
        ("GUARDDUTY_LAMBDA_PROTECTION_ENABLED", ACCOUNT): (
            "NON_COMPLIANT",
            "GuardDuty is not enabled in us-east-1 (no detector)",
        ),
        ("INSPECTOR_LAMBDA_SCANNING_ENABLED", ACCOUNT): (
            "NON_COMPLIANT",
            "Amazon Inspector Lambda standard scanning is DISABLED",
        ),
        ("VPC_ENDPOINTS_CONFIGURED", vpc): (
            "NON_COMPLIANT",
            "no VPC endpoint for s3, dynamodb, secretsmanager, kms, lambda; VPC hosts Lambda functions risk-scorer",
        ),
        ("VPC_FLOW_LOGS_ENABLED", vpc): ("NON_COMPLIANT", "no flow log; VPC hosts Lambda functions risk-scorer"),
    }


def test_demo_fails_and_passes_the_data_and_vpc_rules(run_cli):
    status, document, out, err = run_cli("scan", "--demo", "--family", "data,account")
    assert status == 1
    assert document["errors"] == []
    for rule in (*DATA_RULES, *VPC_RULES):
        outcomes = set(verdict_map(document, rule).values())
        assert {"COMPLIANT", "NON_COMPLIANT"} <= outcomes, rule
    for rule in ACCOUNT_RULES:  # one account, one way: their unit tests and the moto test above pass them
        assert verdict_map(document, rule) == {ACCOUNT: "NON_COMPLIANT"}, rule
    assert "NOT_APPLICABLE" in verdict_map(document, "KMS_KEY_ROTATION_ENABLED").values()  # the signing key
    text = json.dumps(document) + out + err
    for name in ("/payments/db/password", "/payments/stripe/api-key"):
        assert demo_data.PARAMETERS[name][1] not in text


# From Config snapshot files -----------------------------------------------------------------

SNAPSHOT_ACCOUNT, SNAPSHOT_REGION = "777788889999", "eu-west-1"
KEYS = {
    "orders": "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
    "reports": "2a3b4c5d-6e7f-4081-9203-a4b5c6d7e8f9",
    "aws-dynamodb": "3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b",
    "signing": "4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c",
    "retired": "5e6f7081-92a3-44b5-86d7-e8f90a1b2c3d",
}
VPC_A, VPC_B = "vpc-0b1c2d3e4f5a6b7c8", "vpc-0c9d8e7f6a5b4c3d2"


def secret(name: str) -> str:
    return f"arn:aws:secretsmanager:{SNAPSHOT_REGION}:{SNAPSHOT_ACCOUNT}:secret:{name}"


SNAPSHOT_VERDICTS = {
    "DYNAMODB_TABLE_ENCRYPTED_WITH_CMK": {
        "orders": "COMPLIANT",
        "reports-archive": "COMPLIANT",
        "sessions": "NON_COMPLIANT",
        "audit-events": "NON_COMPLIANT",
    },
    "DYNAMODB_PITR_ENABLED": {"orders": "COMPLIANT", "audit-events": "COMPLIANT", "sessions": "NON_COMPLIANT"},
    "KMS_KEY_ROTATION_ENABLED": {
        KEYS["orders"]: "COMPLIANT",
        KEYS["reports"]: "NON_COMPLIANT",
        KEYS["aws-dynamodb"]: "NOT_APPLICABLE",
        KEYS["signing"]: "NOT_APPLICABLE",
    },
    "SECRETSMANAGER_ENCRYPTED_WITH_CMK": {
        secret("prod/orders-db-Xy12Ab"): "COMPLIANT",
        secret("prod/stripe-webhook-Cd34Ef"): "NON_COMPLIANT",
        secret("prod/partner-sftp-Gh56Ij"): "NON_COMPLIANT",
        secret("prod/old-vendor-Op90Qr"): "NOT_APPLICABLE",
    },
    "SECRETSMANAGER_ROTATION_ENABLED": {
        secret("prod/orders-db-Xy12Ab"): "COMPLIANT",
        secret("prod/ledger-api-Kl78Mn"): "COMPLIANT",
        secret("prod/stripe-webhook-Cd34Ef"): "NON_COMPLIANT",
        secret("prod/partner-sftp-Gh56Ij"): "NON_COMPLIANT",
        secret("prod/old-vendor-Op90Qr"): "NOT_APPLICABLE",
    },
    "VPC_FLOW_LOGS_ENABLED": {VPC_A: "COMPLIANT", VPC_B: "NON_COMPLIANT"},
    "VPC_ENDPOINTS_CONFIGURED": {VPC_A: "COMPLIANT", VPC_B: "NON_COMPLIANT"},
}
NEEDS_API = "needs the {} API, which a snapshot scan does not call"
SNAPSHOT_SKIPPED = {
    ("CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED", "", NEEDS_API.format("cloudtrail")),
    ("GUARDDUTY_LAMBDA_PROTECTION_ENABLED", "", NEEDS_API.format("guardduty")),
    ("INSPECTOR_LAMBDA_SCANNING_ENABLED", "", NEEDS_API.format("inspector2")),
    ("SSM_SECRET_PARAMETERS_SECURESTRING", "", NEEDS_API.format("ssm")),
    # Config recorded no PITR status for this table, and a key named by a custom alias needs KMS.
    ("DYNAMODB_PITR_ENABLED", "reports-archive", NEEDS_API.format("dynamodb")),
    ("SECRETSMANAGER_ENCRYPTED_WITH_CMK", secret("prod/ledger-api-Kl78Mn"), NEEDS_API.format("kms")),
}


@pytest.mark.parametrize("snapshot", ["data_account.json", "data_account_batch.json"])
def test_snapshot_scan_judges_what_config_records(snapshot, run_cli):
    """A delivered snapshot (invoking-event spelling) and a batch-get-resource-config dump (API
    spelling: JSON-encoded configuration, no relationships or tags) give the same verdicts."""
    status, document, _, _ = run_cli("scan", "--snapshot", str(SNAPSHOTS / snapshot), "--family", "data,account")
    assert status == 1
    for rule, expected in SNAPSHOT_VERDICTS.items():
        found = verdict_map(document, rule)
        if snapshot == "data_account.json" and rule == "KMS_KEY_ROTATION_ENABLED":
            assert found.pop(KEYS["retired"]) == "NOT_APPLICABLE"  # a deleted CI; the dump has none
        assert found == expected, rule
    skipped = {(e["rule"], e["resourceId"], e["message"]) for e in document["errors"]}
    assert skipped == SNAPSHOT_SKIPPED
    assert {e["kind"] for e in document["errors"]} == {"skipped"}
    target = document["scan"]["targets"][0]
    assert (target["accountId"], target["region"], target["source"]) == (SNAPSHOT_ACCOUNT, SNAPSHOT_REGION, "snapshot")


def test_snapshot_annotations_are_exact(run_cli):
    _, document, _, _ = run_cli("scan", "--snapshot", str(SNAPSHOTS / "data_account.json"), "--family", "data,account")
    notes = annotations(document)
    assert notes["DYNAMODB_TABLE_ENCRYPTED_WITH_CMK", "audit-events"] == (
        f"encrypted with AWS managed KMS key {KEYS['aws-dynamodb']}; use a customer managed key"
    )
    assert notes["SECRETSMANAGER_ROTATION_ENABLED", secret("prod/partner-sftp-Gh56Ij")] == (
        "rotates on schedule cron(0 3 1 */6 ? *) (up to 186 days apart); maxRotationDays is 90"
    )
    assert notes["SECRETSMANAGER_ENCRYPTED_WITH_CMK", secret("prod/partner-sftp-Gh56Ij")] == (
        "encrypted with AWS managed KMS key alias/aws/secretsmanager; use a customer managed key"
    )
    assert notes["KMS_KEY_ROTATION_ENABLED", KEYS["signing"]] == "RSA_2048 keys do not support automatic rotation"
    assert notes["VPC_ENDPOINTS_CONFIGURED", VPC_B] == (
        "no VPC endpoint for dynamodb, secretsmanager, kms, lambda; VPC hosts Lambda functions report-builder"
    )
    assert notes["VPC_FLOW_LOGS_ENABLED", VPC_A] == "flow log fl-0f1f2f3f4f5f6f7f8 captures ALL traffic"


def test_snapshot_fixture_has_the_config_envelope():
    document = json.loads((SNAPSHOTS / "data_account.json").read_text())
    assert set(document) == {"fileVersion", "configSnapshotId", "configurationItems"}
    types = {ci["resourceType"] for ci in document["configurationItems"]}
    assert {
        "AWS::DynamoDB::Table",
        "AWS::KMS::Key",
        "AWS::SecretsManager::Secret",
        "AWS::Lambda::Function",
        "AWS::EC2::Subnet",
        "AWS::EC2::FlowLog",
        "AWS::EC2::VPCEndpoint",
    } <= types


def test_inspector_overdue_critical_finding_against_moto(moto, run_cli, monkeypatch):
    """ListFindings through the scanner against moto. moto answers from a queue and ignores filterCriteria, so
    the rule's own re-check of status, severity, resource type and age is what keeps the answer right here."""
    import urllib.request
    from datetime import UTC, datetime

    from lambda_compliance.testing.data_stores import inspector_finding

    monkeypatch.setenv("LAMBDA_COMPLIANCE_TODAY", "2026-11-29")
    moto.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["LAMBDA", "LAMBDA_CODE"])

    def wire(finding):
        return {**finding, **{k: finding[k].timestamp() for k in ("firstObservedAt", "lastObservedAt")}}

    old = datetime(2026, 9, 1, tzinfo=UTC)
    findings = [
        inspector_finding("orders", old),
        inspector_finding("billing", datetime(2026, 11, 20, tzinfo=UTC)),  # younger than 30 days
        inspector_finding("refunds", old, status="CLOSED"),
        inspector_finding("reports", old, severity="HIGH"),
    ]
    body = json.dumps({"results": [[wire(f) for f in findings]], "account_id": ACCOUNT, "region": "us-east-1"})
    request = urllib.request.Request(
        f"{moto.endpoint_url}/moto-api/static/inspector2/findings-results",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # moto's own API on 127.0.0.1
        assert response.status == 201
    status, document, _, _ = run_cli(
        "scan", "--endpoint-url", moto.endpoint_url, "--rules", "INSPECTOR_LAMBDA_SCANNING_ENABLED"
    )
    assert document["errors"] == [] and status == 1
    assert annotations(document)["INSPECTOR_LAMBDA_SCANNING_ENABLED", ACCOUNT] == (
        "1 critical Inspector findings on functions open over 30 days: "
        "orders: CVE-2024-0001 - requests (since 2026-09-01)"
    )
