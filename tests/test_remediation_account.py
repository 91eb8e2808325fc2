"""The account-level documents: CloudTrail Lambda data events, GuardDuty Lambda Protection, Inspector scanning."""

from __future__ import annotations

import pytest
from remediation_support import ACCOUNT, previous, run_doc, run_stubbed, stubbed

from lambda_compliance.remediation import runner

TRAIL = "LambdaCompliance-EnableCloudTrailLambdaDataEvents"
GUARDDUTY = "LambdaCompliance-EnableGuardDutyLambdaProtection"
INSPECTOR = "LambdaCompliance-EnableInspectorLambdaScanning"
MANAGEMENT = {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}
S3_DATA = {
    "ReadWriteType": "WriteOnly",
    "IncludeManagementEvents": False,
    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::invoices/"]}],
}


def trail(moto, name, **selectors):
    moto.client("s3").create_bucket(Bucket=f"{name}-trail-logs")
    cloudtrail = moto.client("cloudtrail")
    cloudtrail.create_trail(Name=name, S3BucketName=f"{name}-trail-logs", IsMultiRegionTrail=True)
    if selectors:
        cloudtrail.put_event_selectors(TrailName=name, **selectors)
    return cloudtrail


def selectors(cloudtrail, name):
    found = cloudtrail.get_event_selectors(TrailName=name)
    return found.get("EventSelectors") or [], found.get("AdvancedEventSelectors") or []


# CloudTrail ----------------------------------------------------------------------------------


def test_trail_with_basic_selectors_gets_one_more(moto):
    cloudtrail = trail(moto, "management-events", EventSelectors=[MANAGEMENT, S3_DATA])
    trail(moto, "other", EventSelectors=[MANAGEMENT])

    dry = run_doc(moto, TRAIL, TrailName="management-events", AccountId=ACCOUNT)
    assert dry.status == "DRY_RUN"
    assert len(selectors(cloudtrail, "management-events")[0]) == 2

    fixed = run_doc(moto, TRAIL, TrailName="management-events", AccountId=ACCOUNT, DryRun="false")
    assert fixed.status == "CHANGED"
    basic, _ = selectors(cloudtrail, "management-events")
    assert basic[:2] == [MANAGEMENT, S3_DATA]  # every existing selector kept as it was
    assert basic[2]["DataResources"] == [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]
    assert previous(fixed)["EventSelectors"] == [MANAGEMENT, S3_DATA]
    assert fixed.output("Undo").startswith(
        "aws cloudtrail put-event-selectors --trail-name management-events --event-selectors"
    )

    again = run_doc(moto, TRAIL, TrailName="management-events", DryRun="false")
    assert again.status == "NO_CHANGE"
    assert selectors(cloudtrail, "other")[0] == [MANAGEMENT]


def test_trail_with_advanced_selectors_gets_an_advanced_one(moto):
    management = {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
    some_functions = {
        "Name": "Checkout only",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
            {"Field": "resources.ARN", "StartsWith": [f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:checkout"]},
        ],
    }
    cloudtrail = trail(moto, "org-trail", AdvancedEventSelectors=[management, some_functions])
    arn = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org-trail"
    fixed = run_doc(moto, TRAIL, TrailName=arn, DryRun="false")
    assert fixed.status == "CHANGED"
    _, advanced = selectors(cloudtrail, "org-trail")
    assert advanced[:2] == [management, some_functions]
    assert advanced[2]["FieldSelectors"] == [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
    ]
    assert run_doc(moto, TRAIL, TrailName=arn, DryRun="false").status == "NO_CHANGE"


def test_trail_bad_inputs(moto):
    trail(moto, "management-events", EventSelectors=[MANAGEMENT])
    with pytest.raises(runner.StepFailed, match="trail nope does not exist in this account and Region"):
        run_doc(moto, TRAIL, TrailName="nope", DryRun="false")
    with pytest.raises(runner.StepFailed, match="AccountId 210987654321 is not the account this automation runs in"):
        run_doc(moto, TRAIL, TrailName="management-events", AccountId="210987654321", DryRun="false")
    with pytest.raises(runner.DocumentError, match="parameter TrailName"):
        run_doc(moto, TRAIL, TrailName="x")


def test_trail_found_without_a_name_only_when_one_multi_region_trail_is_homed_here(moto):
    """A pack passes no trail name: the document picks the account's multi-region trail of this Region."""
    with pytest.raises(runner.StepFailed, match="no multi-region trail in this account"):
        run_doc(moto, TRAIL, DryRun="false")
    moto.client("s3").create_bucket(Bucket="regional-trail-logs")
    moto.client("cloudtrail").create_trail(Name="regional", S3BucketName="regional-trail-logs")
    with pytest.raises(runner.StepFailed, match="no multi-region trail in this account"):
        run_doc(moto, TRAIL, DryRun="false")  # a single-Region trail is not the account's trail
    cloudtrail = trail(moto, "org-events", EventSelectors=[MANAGEMENT])
    fixed = run_doc(moto, TRAIL, AccountId=ACCOUNT, DryRun="false")
    assert fixed.status == "CHANGED" and previous(fixed)["trailName"] == "org-events"
    assert len(selectors(cloudtrail, "org-events")[0]) == 2
    assert selectors(cloudtrail, "regional") == ([], [])
    trail(moto, "second-events")
    with pytest.raises(
        runner.StepFailed, match=r"several multi-region trails in us-east-1 \(org-events, second-events\)"
    ):
        run_doc(moto, TRAIL, DryRun="false")


def test_trail_with_five_basic_selectors_stubbed_because_moto_does_not_enforce_the_limit():
    five = [dict(S3_DATA) for _ in range(5)]
    with stubbed("sts", "cloudtrail") as (factory, stubs):
        stubs["sts"].add_response("get_caller_identity", {"Account": ACCOUNT})
        stubs["cloudtrail"].add_response(
            "get_event_selectors", {"EventSelectors": five}, {"TrailName": "management-events"}
        )
        with pytest.raises(runner.StepFailed, match="has 5 event selectors, the most CloudTrail allows"):
            run_stubbed(factory, TRAIL, TrailName="management-events", DryRun="false")


# GuardDuty ----------------------------------------------------------------------------------


def test_guardduty_lambda_protection(moto):
    guardduty = moto.client("guardduty")
    detector = guardduty.create_detector(Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])[
        "DetectorId"
    ]

    def features():
        return {f["Name"]: f["Status"] for f in guardduty.get_detector(DetectorId=detector)["Features"]}

    dry = run_doc(moto, GUARDDUTY, AccountId=ACCOUNT)
    assert dry.status == "DRY_RUN"
    assert "LAMBDA_NETWORK_LOGS" not in features()

    fixed = run_doc(moto, GUARDDUTY, AccountId=ACCOUNT, DryRun="false")
    assert fixed.status == "CHANGED"
    assert features()["LAMBDA_NETWORK_LOGS"] == "ENABLED"
    assert previous(fixed) == {"detectorId": detector, "LAMBDA_NETWORK_LOGS": None}
    assert fixed.output("Undo") == (
        f"aws guardduty update-detector --detector-id {detector} --features Name=LAMBDA_NETWORK_LOGS,Status=DISABLED"
    )
    assert run_doc(moto, GUARDDUTY, DryRun="false").status == "NO_CHANGE"


def test_guardduty_changes_only_the_lambda_feature_stubbed_because_moto_replaces_every_feature():
    """UpdateDetector updates the features it is given; moto instead replaces the whole list."""
    with stubbed("sts", "guardduty") as (factory, stubs):
        stubs["sts"].add_response("get_caller_identity", {"Account": ACCOUNT})
        stubs["guardduty"].add_response("list_detectors", {"DetectorIds": ["d1"]})
        stubs["guardduty"].add_response(
            "get_detector",
            {"ServiceRole": "r", "Status": "ENABLED", "Features": [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]},
            {"DetectorId": "d1"},
        )
        stubs["guardduty"].add_response(
            "update_detector",
            {},
            {"DetectorId": "d1", "Features": [{"Name": "LAMBDA_NETWORK_LOGS", "Status": "ENABLED"}]},
        )
        assert run_stubbed(factory, GUARDDUTY, DryRun="false").status == "CHANGED"


def test_guardduty_not_enabled_fails_clearly(moto):
    with pytest.raises(runner.StepFailed, match=r"GuardDuty is not enabled in this Region .* enable GuardDuty first"):
        run_doc(moto, GUARDDUTY, DryRun="false")
    assert moto.client("guardduty").list_detectors()["DetectorIds"] == []  # it did not subscribe the account


def test_guardduty_managed_by_an_administrator_stubbed_because_moto_lacks_organization_feature_control():
    with stubbed("sts", "guardduty") as (factory, stubs):
        stubs["sts"].add_response("get_caller_identity", {"Account": ACCOUNT})
        stubs["guardduty"].add_response("list_detectors", {"DetectorIds": ["d1"]})
        stubs["guardduty"].add_response(
            "get_detector",
            {
                "ServiceRole": "r",
                "Status": "ENABLED",
                "Features": [{"Name": "LAMBDA_NETWORK_LOGS", "Status": "DISABLED"}],
            },
            {"DetectorId": "d1"},
        )
        stubs["guardduty"].add_client_error(
            "update_detector", "BadRequestException", "The request is rejected because a member account cannot manage"
        )
        with pytest.raises(runner.StepFailed, match="GuardDuty refused to enable Lambda Protection: The request is"):
            run_stubbed(factory, GUARDDUTY, DryRun="false")


# Inspector -----------------------------------------------------------------------------------


def inspector_state(moto):
    accounts = moto.client("inspector2").batch_get_account_status(accountIds=[ACCOUNT])["accounts"]
    return {k: v["status"] for k, v in accounts[0]["resourceState"].items()} if accounts else {}


def test_inspector_lambda_scanning(moto):
    dry = run_doc(moto, INSPECTOR, AccountId=ACCOUNT)
    assert dry.status == "DRY_RUN"
    assert inspector_state(moto).get("lambda", "DISABLED") == "DISABLED"

    fixed = run_doc(moto, INSPECTOR, AccountId=ACCOUNT, IncludeCodeScanning="false", DryRun="false")
    assert fixed.status == "CHANGED"
    assert fixed.message == f"Changed: enable Inspector scanning of LAMBDA in account {ACCOUNT}."
    assert inspector_state(moto)["lambda"] == "ENABLED"
    assert inspector_state(moto)["ec2"] == "DISABLED"
    assert fixed.output("Undo") == f"aws inspector2 disable --account-ids {ACCOUNT} --resource-types LAMBDA"

    assert run_doc(moto, INSPECTOR, IncludeCodeScanning="false", DryRun="false").status == "NO_CHANGE"
    with_code = run_doc(moto, INSPECTOR, DryRun="false")  # code scanning too, as the rule requires by default
    assert with_code.message == f"Changed: enable Inspector scanning of LAMBDA_CODE in account {ACCOUNT}."
    assert inspector_state(moto)["lambdaCode"] == "ENABLED"
    assert run_doc(moto, INSPECTOR, DryRun="false").status == "NO_CHANGE"


def test_inspector_refused_stubbed_because_moto_does_not_model_inspector_permissions():
    with stubbed("sts", "inspector2") as (factory, stubs):
        stubs["sts"].add_response("get_caller_identity", {"Account": ACCOUNT})
        stubs["inspector2"].add_response(
            "batch_get_account_status",
            {
                "accounts": [
                    {
                        "accountId": ACCOUNT,
                        "state": {"status": "ENABLED", "errorCode": "ALREADY_ENABLED", "errorMessage": "-"},
                        "resourceState": {
                            "ec2": {"status": "ENABLED", "errorCode": "ALREADY_ENABLED", "errorMessage": "-"},
                            "ecr": {"status": "DISABLED", "errorCode": "ALREADY_ENABLED", "errorMessage": "-"},
                            "lambda": {"status": "DISABLED", "errorCode": "ALREADY_ENABLED", "errorMessage": "-"},
                        },
                    }
                ]
            },
            {"accountIds": [ACCOUNT]},
        )
        stubs["inspector2"].add_client_error(
            "enable", "AccessDeniedException", "Only the delegated administrator can enable member accounts"
        )
        with pytest.raises(runner.StepFailed, match="Inspector refused to enable LAMBDA: Only the delegated"):
            run_stubbed(factory, INSPECTOR, IncludeCodeScanning="false", DryRun="false")
