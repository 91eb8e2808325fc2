"""The log group documents: retention and encryption of a function's CloudWatch Logs group."""

from __future__ import annotations

import re
import time

import pytest
from remediation_support import ACCOUNT, previous, run_doc, run_stubbed, stubbed

from lambda_compliance.remediation import runner

RETENTION = "LambdaCompliance-SetLogGroupRetention"
ENCRYPT = "LambdaCompliance-EncryptLogGroup"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321"


@pytest.fixture
def estate(moto):
    moto.role("fn-role")
    for name in ("target", "neighbour"):
        moto.function(name, role="fn-role")
    return moto


def group(estate, name):
    found = estate.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return next((g for g in found if g["logGroupName"] == name), None)


# SetLogGroupRetention ---------------------------------------------------------------------------


def test_retention_on_a_group_that_keeps_events_forever(estate):
    logs = estate.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/target")
    logs.create_log_group(logGroupName="/aws/lambda/neighbour")

    dry = run_doc(estate, RETENTION, FunctionName="target", RetentionInDays="90")
    assert dry.status == "DRY_RUN"
    assert "retentionInDays" not in group(estate, "/aws/lambda/target")

    fixed = run_doc(estate, RETENTION, FunctionName="target", RetentionInDays="90", DryRun="false")
    assert fixed.status == "CHANGED"
    assert fixed.message == "Changed: set the retention of log group /aws/lambda/target from never expire to 90 days."
    assert group(estate, "/aws/lambda/target")["retentionInDays"] == 90
    assert previous(fixed) == {"logGroupName": "/aws/lambda/target", "retentionInDays": None}
    assert fixed.output("Undo").startswith("aws logs delete-retention-policy --log-group-name /aws/lambda/target")

    again = run_doc(estate, RETENTION, FunctionName="target", RetentionInDays="90", DryRun="false")
    assert again.status == "NO_CHANGE"
    assert "retentionInDays" not in group(estate, "/aws/lambda/neighbour")


def test_retention_creates_a_missing_group(estate):
    fixed = run_doc(estate, RETENTION, FunctionName="target", DryRun="false")
    assert fixed.status == "CHANGED"
    assert fixed.message == "Changed: create log group /aws/lambda/target with a 365-day retention."
    assert group(estate, "/aws/lambda/target")["retentionInDays"] == 365
    assert previous(fixed) == {"logGroupName": "/aws/lambda/target", "exists": False}
    assert run_doc(estate, RETENTION, FunctionName="target", DryRun="false").status == "NO_CHANGE"
    assert group(estate, "/aws/lambda/neighbour") is None


def test_retention_lengthens_and_undo_names_the_old_value(estate):
    logs = estate.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/target")
    logs.put_retention_policy(logGroupName="/aws/lambda/target", retentionInDays=7)
    fixed = run_doc(estate, RETENTION, FunctionName="target", RetentionInDays="30", DryRun="false")
    assert group(estate, "/aws/lambda/target")["retentionInDays"] == 30
    assert fixed.output("Undo") == (
        "aws logs put-retention-policy --log-group-name /aws/lambda/target --retention-in-days 7"
    )


@pytest.mark.parametrize("days", ["0", "10000", "forever", "-7", "3.5"])
def test_retention_accepts_only_a_number_of_days(estate, days):
    with pytest.raises(runner.DocumentError, match="parameter RetentionInDays"):
        run_doc(estate, RETENTION, FunctionName="target", RetentionInDays=days)


@pytest.mark.parametrize(
    ("asked", "kept"), [("1", 1), ("31", 60), ("365", 365), ("366", 400), ("400", 400), ("3000", 3288), ("3653", 3653)]
)
def test_retention_is_raised_to_the_next_value_cloudwatch_logs_supports(estate, asked, kept):
    """A pack passes the rule's minRetentionDays, which need not be a retention CloudWatch Logs offers."""
    fixed = run_doc(estate, RETENTION, FunctionName="target", RetentionInDays=asked, DryRun="false")
    assert fixed.status == "CHANGED"
    assert group(estate, "/aws/lambda/target")["retentionInDays"] == kept


@pytest.mark.parametrize(("asked", "longest", "kept"), [("366", "400", 400), ("31", "60", 60), ("365", "365", 365)])
def test_retention_within_the_rule_maximum(estate, asked, longest, kept):
    fixed = run_doc(
        estate, RETENTION, FunctionName="target", RetentionInDays=asked, MaxRetentionDays=longest, DryRun="false"
    )
    assert fixed.status == "CHANGED"
    assert group(estate, "/aws/lambda/target")["retentionInDays"] == kept


@pytest.mark.parametrize(("asked", "longest"), [("366", "399"), ("200", "300"), ("3289", "3652")])
def test_retention_above_the_rule_maximum_fails_and_changes_nothing(estate, asked, longest):
    with pytest.raises(runner.StepFailed, match=f"supports no retention from {asked} to {longest} days"):
        run_doc(
            estate, RETENTION, FunctionName="target", RetentionInDays=asked, MaxRetentionDays=longest, DryRun="false"
        )
    assert group(estate, "/aws/lambda/target") is None


def test_retention_list_is_the_rule_library_list():
    from lambda_compliance.domain.functions.log_groups import SUPPORTED_RETENTION_DAYS
    from lambda_compliance.remediation.sources.set_log_group_retention import SUPPORTED_DAYS

    assert SUPPORTED_DAYS == SUPPORTED_RETENTION_DAYS


def test_retention_beyond_what_cloudwatch_logs_keeps_fails(estate):
    with pytest.raises(runner.StepFailed, match="RetentionInDays 3654 is longer than CloudWatch Logs keeps events"):
        run_doc(estate, RETENTION, FunctionName="target", RetentionInDays="3654", DryRun="false")


def _old_group_stubs(stubs, retention=None):
    stubs["lambda"].add_response(
        "get_function_configuration",
        {"FunctionName": "target", "LoggingConfig": {"LogGroup": "/payments/target"}},
        {"FunctionName": "target"},
    )
    two_years_ago = int((time.time() - 2 * 365 * 86400) * 1000)
    found = {"logGroupName": "/payments/target", "creationTime": two_years_ago, "storedBytes": 1024}
    if retention:
        found["retentionInDays"] = retention
    stubs["logs"].add_response(
        "describe_log_groups", {"logGroups": [found]}, {"logGroupNamePrefix": "/payments/target"}
    )


def test_retention_refuses_to_expire_old_events_stubbed_because_moto_cannot_backdate_a_log_group():
    with stubbed("lambda", "logs") as (factory, stubs):
        _old_group_stubs(stubs)
        with pytest.raises(runner.StepFailed, match="would delete its events older than 90 days"):
            run_stubbed(factory, RETENTION, FunctionName="target", RetentionInDays="90", DryRun="false")


def test_retention_expires_old_events_when_told_to_stubbed_because_moto_cannot_backdate_a_log_group():
    with stubbed("lambda", "logs") as (factory, stubs):
        _old_group_stubs(stubs, retention=3653)
        stubs["logs"].add_response(
            "put_retention_policy", {}, {"logGroupName": "/payments/target", "retentionInDays": 365}
        )
        fixed = run_stubbed(factory, RETENTION, FunctionName="target", ExpireOlderEvents="true", DryRun="false")
    assert fixed.status == "CHANGED"
    assert fixed.output("Undo") == (
        "aws logs put-retention-policy --log-group-name /payments/target --retention-in-days 3653 "
        "(events already expired by the shorter retention do not come back)"
    )


# EncryptLogGroup --------------------------------------------------------------------------------


def test_encrypt_creates_a_missing_group_encrypted(estate):
    dry = run_doc(estate, ENCRYPT, FunctionName="target", KmsKeyArn=KEY)
    assert dry.status == "DRY_RUN"
    assert group(estate, "/aws/lambda/target") is None

    fixed = run_doc(estate, ENCRYPT, FunctionName="target", KmsKeyArn=KEY, DryRun="false")
    assert fixed.status == "CHANGED"
    assert group(estate, "/aws/lambda/target")["kmsKeyId"] == KEY
    assert run_doc(estate, ENCRYPT, FunctionName="target", KmsKeyArn=KEY, DryRun="false").status == "NO_CHANGE"
    assert group(estate, "/aws/lambda/neighbour") is None


def test_encrypt_never_swaps_one_customer_key_for_another(estate):
    estate.client("logs").create_log_group(logGroupName="/aws/lambda/target", kmsKeyId=OTHER_KEY)
    done = run_doc(estate, ENCRYPT, FunctionName="target", KmsKeyArn=KEY, DryRun="false")
    assert done.status == "NO_CHANGE"
    assert done.message == (
        f"No change: log group /aws/lambda/target is already encrypted with {OTHER_KEY} (not replacing it with {KEY})."
    )
    assert group(estate, "/aws/lambda/target")["kmsKeyId"] == OTHER_KEY


def _unencrypted_group_stubs(stubs):
    stubs["lambda"].add_response("get_function_configuration", {"FunctionName": "target"}, {"FunctionName": "target"})
    stubs["logs"].add_response(
        "describe_log_groups",
        {"logGroups": [{"logGroupName": "/aws/lambda/target", "creationTime": 1}]},
        {"logGroupNamePrefix": "/aws/lambda/target"},
    )


def test_encrypt_existing_group_stubbed_because_moto_lacks_associate_kms_key():
    with stubbed("lambda", "logs") as (factory, stubs):
        _unencrypted_group_stubs(stubs)
        dry = run_stubbed(factory, ENCRYPT, FunctionName="target", KmsKeyArn=KEY)
    assert dry.status == "DRY_RUN"  # no associate_kms_key queued: a dry run must not call it
    with stubbed("lambda", "logs") as (factory, stubs):
        _unencrypted_group_stubs(stubs)
        stubs["logs"].add_response("associate_kms_key", {}, {"logGroupName": "/aws/lambda/target", "kmsKeyId": KEY})
        fixed = run_stubbed(factory, ENCRYPT, FunctionName="target", KmsKeyArn=KEY, DryRun="false")
    assert fixed.status == "CHANGED"
    assert previous(fixed) == {"logGroupName": "/aws/lambda/target", "kmsKeyId": None}
    assert fixed.output("Undo").startswith("aws logs disassociate-kms-key --log-group-name /aws/lambda/target")


def test_encrypt_with_a_key_logs_cannot_use_stubbed_because_moto_lacks_associate_kms_key():
    with stubbed("lambda", "logs") as (factory, stubs):
        _unencrypted_group_stubs(stubs)
        stubs["logs"].add_client_error(
            "associate_kms_key", "AccessDeniedException", "The specified KMS key does not exist or is not allowed"
        )
        with pytest.raises(runner.StepFailed, match=re.escape("key policy must allow logs.<region>.amazonaws.com")):
            run_stubbed(factory, ENCRYPT, FunctionName="target", KmsKeyArn=KEY, DryRun="false")


@pytest.mark.parametrize("key", ["alias/logs", KEY.replace(":key/", ":alias/"), "", "arn:aws:kms:us-east-1:1:key/x"])
def test_encrypt_needs_a_key_arn(estate, key):
    with pytest.raises(runner.DocumentError, match="parameter KmsKeyArn"):
        run_doc(estate, ENCRYPT, FunctionName="target", KmsKeyArn=key)


def test_encrypt_a_group_created_meanwhile_stubbed_because_moto_lacks_associate_kms_key():
    """Lambda (or another remediation) creates the group between the look-up and the create."""
    with stubbed("lambda", "logs") as (factory, stubs):
        stubs["lambda"].add_response(
            "get_function_configuration", {"FunctionName": "target"}, {"FunctionName": "target"}
        )
        stubs["logs"].add_response(
            "describe_log_groups", {"logGroups": []}, {"logGroupNamePrefix": "/aws/lambda/target"}
        )
        stubs["logs"].add_client_error("create_log_group", "ResourceAlreadyExistsException", http_status_code=400)
        stubs["logs"].add_response(
            "describe_log_groups",
            {"logGroups": [{"logGroupName": "/aws/lambda/target", "creationTime": 1}]},
            {"logGroupNamePrefix": "/aws/lambda/target"},
        )
        stubs["logs"].add_response("associate_kms_key", {}, {"logGroupName": "/aws/lambda/target", "kmsKeyId": KEY})
        fixed = run_stubbed(factory, ENCRYPT, FunctionName="target", KmsKeyArn=KEY, DryRun="false")
    assert fixed.status == "CHANGED"
