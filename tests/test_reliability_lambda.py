"""The deployed path: each rule's ``lambda_handler`` (rdklib's Evaluator) on deleted, oversized and periodic events.

Clients are the ones rdklib builds (boto3 with ``AWS_ENDPOINT_URL`` pointing at a moto server on
127.0.0.1, ``AssumeRoleMode=false``). Where moto lacks an API the test is named for it and the
config client is a real botocore client under a ``Stubber`` with real response shapes:
moto 5.2.5's config ``get_resource_config_history`` only knows S3, IAM and SNS resources (no
AWS::Lambda::Function or API Gateway), and it has no ``get_compliance_details_by_config_rule``
(which rdklib calls after every periodic evaluation to retire vanished resources).
"""

from __future__ import annotations

import copy
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import boto3
import pytest
import reliability_support as rs
from botocore.stub import ANY, Stubber
from rdklib.clientfactory import ClientFactory

from lambda_compliance import catalog
from lambda_compliance.testing import ACCOUNT, CAPTURE_TIME, REGION, lambda_ci

seeded_moto = rs.seeded_moto
CAPTURED = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
DELETED = ("ResourceDeleted", "ResourceDeletedNotRecorded")


def _change_rules() -> list[str]:
    return [rule.rule_name() for rule in rs.loadable_rules() if not rule.spec.periodic]


def _handler(rule_class):
    return sys.modules[rule_class.__module__].lambda_handler


def _event(rule_class, invoking_event: dict[str, Any], **params: str) -> dict[str, Any]:
    parameters = {**rs.default_parameters(rule_class), **params, "AssumeRoleMode": "false"}
    return {
        "configRuleName": rule_class.rule_name(),
        "configRuleArn": f"arn:aws:config:{REGION}:{ACCOUNT}:config-rule/config-rule-0a1b2c",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/config-role",
        "eventLeftScope": False,
        "invokingEvent": json.dumps(invoking_event, default=str),
        "ruleParameters": json.dumps(parameters),
        "resultToken": "TESTMODE",
        "accountId": ACCOUNT,
        "version": "1.0",
    }


@pytest.fixture
def lambda_env(seeded_moto):
    """What the Lambda runtime provides, with every boto3 client sent to the private moto server."""
    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": seeded_moto.endpoint_url, "AWS_REGION": REGION}):
        yield seeded_moto


class _FirstConfigClientStubbed(ClientFactory):
    """rdklib's ClientFactory, except that the config clients come from ``config_clients`` in order
    (the rest of them, and every other service, are built as rdklib builds them: moto here)."""

    config_clients: list[Any] = []

    def build_client(self, service, region=None, assume_role_mode=True):
        if service == "config" and self.config_clients:
            return self.config_clients.pop(0)
        return super().build_client(service, region, assume_role_mode)


def _stubbed_config() -> tuple[Any, Stubber]:
    client = boto3.client("config", region_name=REGION, endpoint_url="https://config.invalid")
    return client, Stubber(client)


# deleted ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", DELETED)
@pytest.mark.parametrize("name", _change_rules())
def test_deleted_resource_is_not_applicable_in_lambda_and_in_the_engine(name, status, lambda_env):
    rule_class = catalog.load_rule(name)
    resource_type = rule_class.spec.resource_types[0]
    ci = rs.snapshot_format(rs.bases(resource_type)[0]())
    ci.update(configurationItemStatus=status, configuration=None, supplementaryConfiguration={})
    invoking = {
        "configurationItem": ci,
        "notificationCreationTime": CAPTURE_TIME,
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3",
    }
    assert _handler(rule_class)(_event(rule_class, invoking), None) == [
        {
            "ComplianceResourceId": ci["resourceId"],
            "ComplianceResourceType": resource_type,
            "ComplianceType": "NOT_APPLICABLE",
            "OrderingTimestamp": CAPTURE_TIME,
        }
    ]
    # the scanner's path: the rule class answers for itself, in either CI format, without calling AWS
    rule = rule_class()
    params = rule.evaluate_parameters(rs.default_parameters(rule_class))
    for fmt in (rs.snapshot_format, rs.api_format):
        evaluations = rule.evaluate_change({"accountId": ACCOUNT}, _NoAws(), fmt(copy.deepcopy(ci)), params)
        assert [e.complianceType for e in evaluations] == ["NOT_APPLICABLE"]


class _NoAws:
    def build_client(self, service, region=None, assume_role_mode=True):
        raise AssertionError(f"a deleted resource needs no {service} call")


# oversized ----------------------------------------------------------------------------------------


def _history_item(ci: dict[str, Any]) -> dict[str, Any]:
    """A ConfigurationItem exactly as GetResourceConfigHistory returns it (API format, typed)."""
    api = rs.api_format(copy.deepcopy(ci))
    item = {
        "version": "1.3",
        "accountId": ACCOUNT,
        "configurationItemCaptureTime": CAPTURED,
        "configurationItemStatus": "OK",
        "configurationStateId": "1764403200000",
        "configurationItemMD5Hash": "",
        "arn": api.get("arn") or "",
        "resourceType": api["resourceType"],
        "resourceId": api["resourceId"],
        "resourceName": api.get("resourceName") or api["resourceId"],
        "awsRegion": api.get("awsRegion") or REGION,
        "availabilityZone": "Not Applicable",
        "resourceCreationTime": CAPTURED,
        "tags": {str(k): str(v) for k, v in (api.get("tags") or {}).items()},
        "relatedEvents": [],
        "relationships": [
            {k: r[k] for k in ("resourceType", "resourceId", "resourceName", "relationshipName") if r.get(k)}
            for r in api.get("relationships") or []
        ],
        "configuration": api["configuration"],
        "supplementaryConfiguration": api.get("supplementaryConfiguration") or {},
    }
    return item


def _oversized(ci: dict[str, Any]) -> dict[str, Any]:
    return {
        "configurationItemSummary": {
            "changeType": "UPDATE",
            "configurationItemVersion": "1.3",
            "configurationItemCaptureTime": CAPTURE_TIME,
            "configurationStateId": 1764403200000,
            "awsAccountId": ACCOUNT,
            "configurationItemStatus": "OK",
            "resourceType": ci["resourceType"],
            "resourceId": ci["resourceId"],
            "resourceName": ci.get("resourceName"),
            "ARN": ci.get("arn"),
            "awsRegion": REGION,
            "availabilityZone": "Not Applicable",
            "configurationStateMd5Hash": "",
        },
        "s3DeliverySummary": {"s3BucketLocation": "config-bucket-123456789012/AWSLogs/oversized.json.gz"},
        "notificationCreationTime": CAPTURE_TIME,
        "messageType": "OversizedConfigurationItemChangeNotification",
        "recordVersion": "1.0",
    }


def _run_oversized(rule_class, ci, **params):
    client, stubber = _stubbed_config()
    stubber.add_response(
        "get_resource_config_history",
        {"configurationItems": [_history_item(ci)]},
        {"resourceType": ci["resourceType"], "resourceId": ci["resourceId"], "limit": 1},
    )
    _FirstConfigClientStubbed.config_clients = [client]
    with stubber, mock.patch("rdklib.evaluator.ClientFactory", _FirstConfigClientStubbed):
        result = _handler(rule_class)(_event(rule_class, _oversized(ci), **params), None)
        stubber.assert_no_pending_responses()
    return result


def test_oversized_notification_fetches_the_ci_stubbed_because_moto_lacks_get_resource_config_history(lambda_env):
    rule_class = catalog.load_rule("LAMBDA_TIMEOUT_LIMIT")
    result = _run_oversized(rule_class, lambda_ci("payments-worker", timeout=600), maxTimeout="300")
    assert result == [
        {
            "ComplianceResourceId": "payments-worker",
            "ComplianceResourceType": "AWS::Lambda::Function",
            "ComplianceType": "NON_COMPLIANT",
            "OrderingTimestamp": CAPTURED,
            "Annotation": "timeout is 600s, above the 300s maximum",
        }
    ]


@pytest.mark.parametrize("name", _change_rules())
def test_every_change_rule_evaluates_the_fetched_ci_stubbed_because_moto_lacks_get_resource_config_history(
    name, lambda_env
):
    rule_class = catalog.load_rule(name)
    ci = rs.bases(rule_class.spec.resource_types[0])[0]()
    result = _run_oversized(rule_class, ci)
    assert isinstance(result, list), result  # an error response is a dict
    assert [(e["ComplianceResourceId"], e["OrderingTimestamp"]) for e in result] == [(ci["resourceId"], CAPTURED)]
    assert result[0]["ComplianceType"] in ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")


# periodic batches ---------------------------------------------------------------------------------


def _select_row(index: int) -> str:
    name = f"fn-{index:03d}"
    ci = lambda_ci(name, role=f"arn:aws:iam::{ACCOUNT}:role/pair-{index // 2:03d}")
    row = {
        "resourceId": name,
        "resourceName": name,
        "resourceType": "AWS::Lambda::Function",
        "configuration": ci["configuration"],
        "supplementaryConfiguration": {},
        "tags": [],
        "awsRegion": REGION,
        "accountId": ACCOUNT,
        "arn": ci["arn"],
        "configurationItemStatus": "OK",
    }
    return json.dumps(row)


def test_periodic_results_are_put_in_batches_of_100_stubbed_because_moto_lacks_get_compliance_details_by_config_rule(
    lambda_env,
):
    rule_class = catalog.load_rule("LAMBDA_ROLE_NOT_SHARED")
    rows = [_select_row(i) for i in range(150)]  # 75 roles, each shared by two functions
    client, stubber = _stubbed_config()
    stubber.add_response(
        "select_resource_config",
        {"Results": rows[:100], "QueryInfo": {"SelectFields": [{"Name": "resourceId"}]}, "NextToken": "page-2"},
        {"Expression": ANY},
    )
    stubber.add_response("select_resource_config", {"Results": rows[100:]}, {"Expression": ANY, "NextToken": "page-2"})
    qualifier = {"ConfigRuleName": "LAMBDA_ROLE_NOT_SHARED", "ResourceType": "AWS::Lambda::Function"}
    stubber.add_response(
        "get_compliance_details_by_config_rule",
        {
            "EvaluationResults": [
                {
                    "EvaluationResultIdentifier": {
                        "EvaluationResultQualifier": {**qualifier, "ResourceId": "retired-function"},
                        "OrderingTimestamp": CAPTURED,
                    },
                    "ComplianceType": "NON_COMPLIANT",
                    "ResultRecordedTime": CAPTURED,
                    "ConfigRuleInvokedTime": CAPTURED,
                }
            ]
        },
        {
            "ConfigRuleName": "LAMBDA_ROLE_NOT_SHARED",
            "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT"],
            "Limit": 100,
            "NextToken": "",
        },
    )
    expected_put = {"Evaluations": ANY, "ResultToken": "TESTMODE", "TestMode": True}
    stubber.add_response("put_evaluations", {"FailedEvaluations": []}, expected_put)
    stubber.add_response("put_evaluations", {"FailedEvaluations": []}, expected_put)
    batches: list[int] = []

    def record(params, event_name, **_):
        if event_name.endswith(".PutEvaluations"):
            batches.append(len(params["Evaluations"]))

    client.meta.events.register("provide-client-params", record)
    _FirstConfigClientStubbed.config_clients = [client] * 5  # every config client rdklib and the rule build
    invoking = {"messageType": "ScheduledNotification", "notificationCreationTime": CAPTURE_TIME}
    with stubber, mock.patch("rdklib.evaluator.ClientFactory", _FirstConfigClientStubbed):
        result = _handler(rule_class)(_event(rule_class, invoking), None)
        stubber.assert_no_pending_responses()

    assert batches == [100, 51]
    assert len(result) == 151
    by_id = {e["ComplianceResourceId"]: e for e in result}
    assert by_id["retired-function"]["ComplianceType"] == "NOT_APPLICABLE"  # vanished since the last run
    assert by_id["fn-000"]["ComplianceType"] == "NON_COMPLIANT"
    assert by_id["fn-000"]["Annotation"] == "execution role pair-000 is shared with 1 other function: fn-001"
