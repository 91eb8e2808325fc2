"""The Lambda documents run against moto through the runner: dry run, fix, second run, neighbours, bad input."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from remediation_support import ACCOUNT, policy, previous, run_doc, run_stubbed, stubbed

from lambda_compliance.remediation import runner

CONCURRENCY = "LambdaCompliance-SetReservedConcurrency"
PUBLIC = "LambdaCompliance-RemovePublicPermissions"
SERVICE = "LambdaCompliance-RestrictServicePermission"
URL = "LambdaCompliance-RequireFunctionUrlAuth"
DESTINATION = "LambdaCompliance-SetFailureDestination"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:payments-failures"


@pytest.fixture
def estate(moto):
    moto.role("fn-role")
    for name in ("target", "neighbour"):
        moto.function(name, role="fn-role")
    return moto


def concurrency(estate, name):
    return estate.client("lambda").get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")


# SetReservedConcurrency -----------------------------------------------------------------------


def test_reserved_concurrency_dry_run_fix_and_second_run(estate):
    estate.client("lambda").put_function_concurrency(FunctionName="neighbour", ReservedConcurrentExecutions=3)

    dry = run_doc(estate, CONCURRENCY, FunctionName="target")  # DryRun defaults to true
    assert dry.status == "DRY_RUN"
    assert dry.message == "Dry run, nothing changed: would set the reserved concurrency of target from none to 10."
    assert concurrency(estate, "target") is None

    fixed = run_doc(estate, CONCURRENCY, FunctionName="target", DryRun="false", ReservedConcurrency="25")
    assert fixed.status == "CHANGED"
    assert concurrency(estate, "target") == 25
    assert previous(fixed) == {"functionName": "target", "reservedConcurrentExecutions": None}
    assert fixed.output("Undo").startswith("aws lambda delete-function-concurrency --function-name target")

    again = run_doc(estate, CONCURRENCY, FunctionName="target", DryRun="false", ReservedConcurrency="25")
    assert again.status == "NO_CHANGE"
    assert again.message == "No change: target already reserves 25 concurrent executions."
    assert concurrency(estate, "neighbour") == 3


def test_reserved_concurrency_undo_names_the_previous_value(estate):
    estate.client("lambda").put_function_concurrency(FunctionName="target", ReservedConcurrentExecutions=500)
    fixed = run_doc(estate, CONCURRENCY, FunctionName="target", DryRun="false")
    assert concurrency(estate, "target") == 10
    assert fixed.output("Undo") == (
        "aws lambda put-function-concurrency --function-name target --reserved-concurrent-executions 500"
    )


def test_reserved_concurrency_never_switches_a_stopped_function_back_on(estate):
    estate.client("lambda").put_function_concurrency(FunctionName="target", ReservedConcurrentExecutions=0)
    with pytest.raises(runner.StepFailed, match="switched off on purpose"):
        run_doc(estate, CONCURRENCY, FunctionName="target", DryRun="false")
    assert concurrency(estate, "target") == 0


# 100000 is the largest maxConcurrency the rule accepts: the document must take it
@pytest.mark.parametrize("value", ["0", "-1", "ten", "1000000", ""])
def test_reserved_concurrency_rejects_bad_values_before_running(estate, value):
    with pytest.raises(runner.DocumentError, match="parameter ReservedConcurrency value"):
        run_doc(estate, CONCURRENCY, FunctionName="target", ReservedConcurrency=value)


@pytest.mark.parametrize(
    ("given", "reserved"),
    [
        ({}, 10),  # neither bound: the document's 10
        ({"MinConcurrency": "0"}, 10),
        ({"MinConcurrency": "20"}, 20),  # a floor above the default wins
        ({"ReservedConcurrency": "5"}, 5),
        ({"ReservedConcurrency": "5", "MinConcurrency": "5"}, 5),
        ({"ReservedConcurrency": "50", "MinConcurrency": "20"}, 50),
    ],
)
def test_reserved_concurrency_is_never_below_the_floor(estate, given, reserved):
    done = run_doc(estate, CONCURRENCY, FunctionName="target", DryRun="false", **given)
    assert done.status == "CHANGED"
    assert concurrency(estate, "target") == reserved


@pytest.mark.parametrize("value", ["-1", "ten", "1000000", ""])
def test_reserved_concurrency_floor_is_checked_before_running(estate, value):
    with pytest.raises(runner.DocumentError, match="parameter MinConcurrency value"):
        run_doc(estate, CONCURRENCY, FunctionName="target", MinConcurrency=value)


def test_missing_function_fails_with_a_clear_message(estate):
    with pytest.raises(runner.StepFailed, match="function ghost does not exist in this account and Region"):
        run_doc(estate, CONCURRENCY, FunctionName="ghost", DryRun="false")


@pytest.mark.parametrize("name", ["bad name!", "a" * 65, "arn:aws:lambda:us-east-1:123:function:x"])
def test_function_name_pattern(estate, name):
    with pytest.raises(runner.DocumentError, match="parameter FunctionName"):
        run_doc(estate, CONCURRENCY, FunctionName=name)


def test_function_arn_is_accepted(estate):
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:target"
    assert run_doc(estate, CONCURRENCY, FunctionName=arn, DryRun="false").status == "CHANGED"
    assert concurrency(estate, "target") == 10


# RemovePublicPermissions ----------------------------------------------------------------------


def grant_everything(estate, function):
    lam = estate.client("lambda")
    lam.add_permission(FunctionName=function, StatementId="Public", Action="lambda:InvokeFunction", Principal="*")
    lam.add_permission(
        FunctionName=function,
        StatementId="PublicUrl",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lam.add_permission(
        FunctionName=function, StatementId="Partner", Action="lambda:InvokeFunction", Principal="111122223333"
    )
    lam.add_permission(
        FunctionName=function,
        StatementId="Org",
        Action="lambda:InvokeFunction",
        Principal="*",
        PrincipalOrgID="o-a1b2c3d4e5",
    )
    lam.add_permission(
        FunctionName=function,
        StatementId="Bucket",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::invoices",
        SourceAccount=ACCOUNT,
    )


def test_remove_public_permissions_keeps_every_other_statement(estate):
    grant_everything(estate, "target")
    grant_everything(estate, "neighbour")
    before = policy(estate, "target")

    dry = run_doc(estate, PUBLIC, FunctionName="target")
    assert dry.status == "DRY_RUN"
    assert policy(estate, "target") == before

    fixed = run_doc(estate, PUBLIC, FunctionName="target", DryRun="false")
    assert fixed.status == "CHANGED"
    assert fixed.message == (
        "Changed: remove public statement(s) Public, PublicUrl from target's resource policy "
        "(3 other statement(s) kept)."
    )
    after = policy(estate, "target")
    assert sorted(after) == ["Bucket", "Org", "Partner"]
    assert all(after[sid] == before[sid] for sid in after)  # untouched, byte for byte
    assert [s["Sid"] for s in previous(fixed)["removedStatements"]] == ["Public", "PublicUrl"]
    assert "aws lambda add-permission --function-name target --statement-id Public --action lambda:InvokeFunction" in (
        fixed.output("Undo")
    )

    again = run_doc(estate, PUBLIC, FunctionName="target", DryRun="false")
    assert again.status == "NO_CHANGE"
    assert sorted(policy(estate, "neighbour")) == ["Bucket", "Org", "Partner", "Public", "PublicUrl"]


def test_remove_public_permissions_undo_recreates_the_statement(estate):
    grant_everything(estate, "target")
    before = policy(estate, "target")["Public"]
    fixed = run_doc(estate, PUBLIC, FunctionName="target", DryRun="false")
    command = next(c for c in fixed.output("Undo").split(": ", 1)[1].split("; ") if "statement-id Public " in c)
    flags = dict(zip(command.split()[3::2], (v.strip("'") for v in command.split()[4::2]), strict=True))
    estate.client("lambda").add_permission(
        FunctionName=flags["--function-name"],
        StatementId=flags["--statement-id"],
        Action=flags["--action"],
        Principal=flags["--principal"],
    )
    assert policy(estate, "target")["Public"] == before


def test_remove_public_permissions_without_a_policy_changes_nothing(estate):
    done = run_doc(estate, PUBLIC, FunctionName="target", DryRun="false")
    assert done.status == "NO_CHANGE"
    assert done.message == "No change: none of the 0 statements of target's policy is public."


def test_remove_public_permissions_of_a_missing_function_fails(estate):
    with pytest.raises(runner.StepFailed, match="function ghost does not exist"):
        run_doc(estate, PUBLIC, FunctionName="ghost", DryRun="false")


# RestrictServicePermission --------------------------------------------------------------------


def open_services(estate, function):
    lam = estate.client("lambda")
    lam.add_permission(
        FunctionName=function, StatementId="S3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com"
    )
    lam.add_permission(
        FunctionName=function, StatementId="Events", Action="lambda:InvokeFunction", Principal="events.amazonaws.com"
    )
    lam.add_permission(
        FunctionName=function,
        StatementId="Topic",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
        SourceArn=f"arn:aws:sns:us-east-1:{ACCOUNT}:payments",
    )
    lam.add_permission(
        FunctionName=function, StatementId="Partner", Action="lambda:InvokeFunction", Principal="111122223333"
    )


def test_restrict_service_permission_re_adds_each_open_statement_with_its_source(estate):
    open_services(estate, "target")
    open_services(estate, "neighbour")
    before = policy(estate, "target")

    dry = run_doc(estate, SERVICE, FunctionName="target")
    assert dry.status == "DRY_RUN"
    assert policy(estate, "target") == before

    fixed = run_doc(estate, SERVICE, FunctionName="target", DryRun="false")
    assert fixed.status == "CHANGED"
    after = policy(estate, "target")
    assert sorted(after) == sorted(before)  # same Sids: replaced, not added or dropped
    for sid in ("S3", "Events"):
        assert after[sid]["Condition"] == {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}
        assert after[sid]["Principal"] == before[sid]["Principal"]
        assert after[sid]["Action"] == before[sid]["Action"]
    assert after["Topic"] == before["Topic"] and after["Partner"] == before["Partner"]
    assert [s["Sid"] for s in previous(fixed)["originalStatements"]] == ["S3", "Events"]
    assert "aws lambda remove-permission --function-name target --statement-id S3 && aws lambda add-permission" in (
        fixed.output("Undo")
    )

    assert run_doc(estate, SERVICE, FunctionName="target", DryRun="false").status == "NO_CHANGE"
    assert policy(estate, "neighbour")["S3"].get("Condition") is None


def test_restrict_one_named_statement_to_a_source_arn(estate):
    open_services(estate, "target")
    fixed = run_doc(
        estate,
        SERVICE,
        FunctionName="target",
        StatementId="S3",
        SourceArn="arn:aws:s3:::invoices",
        SourceAccount="210987654321",
        DryRun="false",
    )
    assert fixed.status == "CHANGED"
    after = policy(estate, "target")
    assert after["S3"]["Condition"] == {
        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::invoices"},
        "StringEquals": {"AWS:SourceAccount": "210987654321"},
    }
    assert after["Events"].get("Condition") is None


def test_restrict_service_permission_bad_inputs(estate):
    open_services(estate, "target")
    with pytest.raises(runner.StepFailed, match="SourceArn applies to one statement: name it with StatementId"):
        run_doc(estate, SERVICE, FunctionName="target", SourceArn="arn:aws:s3:::invoices", DryRun="false")
    with pytest.raises(runner.StepFailed, match="has no statement Nope"):
        run_doc(estate, SERVICE, FunctionName="target", StatementId="Nope", DryRun="false")
    with pytest.raises(runner.DocumentError, match="parameter SourceAccount"):
        run_doc(estate, SERVICE, FunctionName="target", SourceAccount="12345")
    assert policy(estate, "target")["S3"].get("Condition") is None


def test_restrict_service_permission_puts_the_statement_back_when_add_fails_stubbed(estate):
    """Stubbed to inject the failure: AddPermission of the restricted grant is refused."""
    statement = {
        "Sid": "S3",
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:target",
    }
    import json

    with stubbed("lambda") as (factory, stubs):
        lam = stubs["lambda"]
        lam.add_response(
            "get_function_configuration",
            {"FunctionName": "target", "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:target"},
            {"FunctionName": "target"},
        )
        lam.add_response(
            "get_policy",
            {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]}), "RevisionId": "r1"},
            {"FunctionName": "target"},
        )
        lam.add_response("remove_permission", {}, {"FunctionName": "target", "StatementId": "S3"})
        lam.add_client_error("add_permission", "PolicyLengthExceededException", http_status_code=400)
        original = {
            "FunctionName": "target",
            "StatementId": "S3",
            "Action": "lambda:InvokeFunction",
            "Principal": "s3.amazonaws.com",
        }
        lam.add_response("add_permission", {"Statement": json.dumps(statement)}, original)
        with pytest.raises(runner.StepFailed, match="the original statement was put back"):
            run_stubbed(factory, SERVICE, FunctionName="target", DryRun="false")


# RequireFunctionUrlAuth -----------------------------------------------------------------------


def public_url(estate, function):
    lam = estate.client("lambda")
    lam.create_function_url_config(
        FunctionName=function, AuthType="NONE", Cors={"AllowOrigins": ["https://shop.example"]}
    )
    lam.add_permission(
        FunctionName=function,
        StatementId="FunctionURLAllowPublicAccess",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lam.add_permission(
        FunctionName=function, StatementId="Partner", Action="lambda:InvokeFunction", Principal="111122223333"
    )


def test_require_function_url_auth(estate):
    public_url(estate, "target")
    public_url(estate, "neighbour")
    lam = estate.client("lambda")

    dry = run_doc(estate, URL, FunctionName="target")
    assert dry.status == "DRY_RUN"
    assert lam.get_function_url_config(FunctionName="target")["AuthType"] == "NONE"

    fixed = run_doc(estate, URL, FunctionName="target", DryRun="false")
    assert fixed.status == "CHANGED"
    assert fixed.message == (
        "Changed: set its URL's AuthType from NONE to AWS_IAM and remove unauthenticated URL statement(s) "
        "FunctionURLAllowPublicAccess on target."
    )
    url = lam.get_function_url_config(FunctionName="target")
    assert url["AuthType"] == "AWS_IAM"
    assert url["Cors"]["AllowOrigins"] == ["https://shop.example"]
    assert sorted(policy(estate, "target")) == ["Partner"]
    assert previous(fixed)["authType"] == "NONE"
    assert fixed.output("Undo").startswith(
        "aws lambda update-function-url-config --function-name target --auth-type NONE"
    )

    assert run_doc(estate, URL, FunctionName="target", DryRun="false").status == "NO_CHANGE"
    assert lam.get_function_url_config(FunctionName="neighbour")["AuthType"] == "NONE"
    assert "FunctionURLAllowPublicAccess" in policy(estate, "neighbour")


def test_require_function_url_auth_without_a_url(estate):
    done = run_doc(estate, URL, FunctionName="target", DryRun="false")
    assert done.status == "NO_CHANGE"
    assert done.message == "No change: target has no function URL and no statement allows unauthenticated URL calls."


# SetFailureDestination ------------------------------------------------------------------------


def invoke_config(estate, name):
    try:
        config = estate.client("lambda").get_function_event_invoke_config(FunctionName=name)
    except ClientError:
        return None
    return {k: config.get(k) for k in ("DestinationConfig", "MaximumRetryAttempts", "MaximumEventAgeInSeconds")}


def test_failure_destination_dry_run_fix_and_second_run(estate):
    dry = run_doc(estate, DESTINATION, FunctionName="target", DestinationArn=QUEUE)
    assert dry.status == "DRY_RUN"
    assert invoke_config(estate, "target") is None

    fixed = run_doc(estate, DESTINATION, FunctionName="target", DestinationArn=QUEUE, DryRun="false")
    assert fixed.status == "CHANGED"
    assert invoke_config(estate, "target")["DestinationConfig"] == {"OnFailure": {"Destination": QUEUE}}
    assert fixed.output("Undo").startswith("aws lambda delete-function-event-invoke-config --function-name target")

    again = run_doc(estate, DESTINATION, FunctionName="target", DestinationArn=QUEUE, DryRun="false")
    assert again.status == "NO_CHANGE"
    assert again.message == f"No change: target already sends failed events to {QUEUE}."
    assert invoke_config(estate, "neighbour") is None


def test_failure_destination_keeps_the_rest_of_the_invoke_config_stubbed_because_moto_appends_a_second_config():
    """moto's PutFunctionEventInvokeConfig adds a config next to the old one and keeps reading the old one."""
    success = f"arn:aws:sqs:us-east-1:{ACCOUNT}:receipts"
    existing = {
        "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:target",
        "MaximumRetryAttempts": 1,
        "MaximumEventAgeInSeconds": 600,
        "DestinationConfig": {"OnSuccess": {"Destination": success}},
    }
    with stubbed("lambda") as (factory, stubs):
        lam = stubs["lambda"]
        lam.add_response("get_function_configuration", {"FunctionName": "target"}, {"FunctionName": "target"})
        lam.add_response("get_function_event_invoke_config", existing, {"FunctionName": "target"})
        lam.add_response(
            "put_function_event_invoke_config",
            {},
            {
                "FunctionName": "target",
                "MaximumRetryAttempts": 1,
                "MaximumEventAgeInSeconds": 600,
                "DestinationConfig": {"OnSuccess": {"Destination": success}, "OnFailure": {"Destination": QUEUE}},
            },
        )
        fixed = run_stubbed(factory, DESTINATION, FunctionName="target", DestinationArn=QUEUE, DryRun="false")
    assert fixed.status == "CHANGED"
    assert previous(fixed)["eventInvokeConfig"] == {
        "MaximumRetryAttempts": 1,
        "MaximumEventAgeInSeconds": 600,
        "DestinationConfig": {"OnSuccess": {"Destination": success}},
    }
    assert "put-function-event-invoke-config --function-name target --cli-input-json" in fixed.output("Undo")


def test_failure_destination_with_a_dead_letter_queue_stubbed_because_moto_lacks_dead_letter_config():
    with stubbed("lambda") as (factory, stubs):
        stubs["lambda"].add_response(
            "get_function_configuration",
            {"FunctionName": "target", "DeadLetterConfig": {"TargetArn": QUEUE}},
            {"FunctionName": "target"},
        )
        stubs["lambda"].add_client_error(
            "get_function_event_invoke_config", "ResourceNotFoundException", http_status_code=404
        )
        done = run_stubbed(factory, DESTINATION, FunctionName="target", DestinationArn=QUEUE, DryRun="false")
    assert done.status == "NO_CHANGE"
    assert done.message == f"No change: target already sends failed events to dead-letter queue {QUEUE}."


def test_failure_destination_rejected_by_lambda_stubbed_because_moto_does_not_check_the_role():
    with stubbed("lambda") as (factory, stubs):
        stubs["lambda"].add_response(
            "get_function_configuration", {"FunctionName": "target"}, {"FunctionName": "target"}
        )
        stubs["lambda"].add_client_error(
            "get_function_event_invoke_config", "ResourceNotFoundException", http_status_code=404
        )
        stubs["lambda"].add_client_error(
            "put_function_event_invoke_config",
            "InvalidParameterValueException",
            "The function's execution role does not have permissions to call SendMessage on " + QUEUE,
            http_status_code=400,
        )
        with pytest.raises(runner.StepFailed, match=r"Lambda refused destination .* execution role does not have"):
            run_stubbed(factory, DESTINATION, FunctionName="target", DestinationArn=QUEUE, DryRun="false")


@pytest.mark.parametrize("arn", ["arn:aws:dynamodb:us-east-1:123456789012:table/x", "queue", ""])
def test_failure_destination_rejects_what_lambda_cannot_send_to(estate, arn):
    with pytest.raises(runner.DocumentError, match="parameter DestinationArn"):
        run_doc(estate, DESTINATION, FunctionName="target", DestinationArn=arn)


def test_restrict_service_permission_adds_source_account_to_a_bucket_only_s3_grant_and_leaves_alexa(estate):
    lam = estate.client("lambda")
    lam.add_permission(
        FunctionName="target",
        StatementId="Bucket",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::invoices",
    )
    lam.add_permission(
        FunctionName="target",
        StatementId="Skill",
        Action="lambda:InvokeFunction",
        Principal="alexa-appkit.amazonaws.com",
    )
    fixed = run_doc(estate, SERVICE, FunctionName="target", DryRun="false")
    assert fixed.status == "CHANGED"
    assert "left Alexa statement(s) Skill alone" in fixed.output("Message")
    after = policy(estate, "target")
    assert after["Bucket"]["Condition"] == {
        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::invoices"},
        "StringEquals": {"AWS:SourceAccount": ACCOUNT},
    }
    assert after["Skill"].get("Condition") is None
    with pytest.raises(runner.StepFailed, match="grant Alexa: restrict them by hand with the skill ID"):
        run_doc(estate, SERVICE, FunctionName="target", DryRun="false")
