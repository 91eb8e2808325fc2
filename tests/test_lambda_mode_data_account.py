"""The account-level rules as deployed: ``lambda_handler`` (rdklib's Evaluator) on a scheduled event.

Service clients are the ones rdklib builds (boto3 with ``AWS_ENDPOINT_URL`` at the moto server,
``AssumeRoleMode=false``). The config client is a botocore client under a ``Stubber`` because
moto 5.2.5 lacks ``get_compliance_details_by_config_rule`` (rdklib calls it after every periodic
run) and records no Lambda CIs for ``select_resource_config``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.stub import ANY, Stubber
from rdklib.clientfactory import ClientFactory

from lambda_compliance import catalog
from lambda_compliance.testing import ACCOUNT, CAPTURE_TIME, REGION, lambda_ci

SCHEDULED = {"messageType": "ScheduledNotification", "notificationCreationTime": CAPTURE_TIME}


class _StubbedConfigFactory(ClientFactory):
    """rdklib's ClientFactory with the config client replaced by ``config``; other services go to moto."""

    config: Any = None

    def build_client(self, service, region=None, assume_role_mode=True):
        if service == "config":
            return self.config
        return super().build_client(service, region, assume_role_mode)


@pytest.fixture
def lambda_env(moto):
    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": moto.endpoint_url, "AWS_REGION": REGION}):
        yield moto


def _run(name: str, config_responses: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> list[dict[str, Any]]:
    rule = catalog.load_rule(name)
    client = boto3.client("config", region_name=REGION, endpoint_url="https://config.invalid")
    stubber = Stubber(client)
    for operation, response, params in config_responses:
        stubber.add_response(operation, response, params)
    stubber.add_response(
        "get_compliance_details_by_config_rule",
        {"EvaluationResults": []},
        {"ConfigRuleName": name, "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT"], "Limit": 100, "NextToken": ""},
    )
    stubber.add_response(
        "put_evaluations",
        {"FailedEvaluations": []},
        {"Evaluations": ANY, "ResultToken": "TESTMODE", "TestMode": True},
    )
    event = {
        "configRuleName": name,
        "configRuleArn": f"arn:aws:config:{REGION}:{ACCOUNT}:config-rule/config-rule-9z8y7x",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/config-role",
        "eventLeftScope": False,
        "invokingEvent": json.dumps(SCHEDULED),
        "ruleParameters": json.dumps({"AssumeRoleMode": "false"}),
        "resultToken": "TESTMODE",
        "accountId": ACCOUNT,
        "version": "1.0",
    }
    _StubbedConfigFactory.config = client
    with stubber, mock.patch("rdklib.evaluator.ClientFactory", _StubbedConfigFactory):
        result = sys.modules[rule.__module__].lambda_handler(event, None)
        stubber.assert_no_pending_responses()
    return result


def test_guardduty_rule_reports_on_the_account_in_lambda(lambda_env):
    lambda_env.client("guardduty").create_detector(
        Enable=True, Features=[{"Name": "LAMBDA_NETWORK_LOGS", "Status": "DISABLED"}]
    )
    [evaluation] = _run("GUARDDUTY_LAMBDA_PROTECTION_ENABLED", [])
    detector = lambda_env.client("guardduty").list_detectors()["DetectorIds"][0]
    assert {k: evaluation[k] for k in ("ComplianceResourceType", "ComplianceResourceId", "ComplianceType")} == {
        "ComplianceResourceType": "AWS::::Account",
        "ComplianceResourceId": ACCOUNT,
        "ComplianceType": "NON_COMPLIANT",
    }
    assert evaluation["Annotation"] == (
        f"GuardDuty Lambda Protection (LAMBDA_NETWORK_LOGS) is DISABLED on detector {detector}"
    )


def _select(*rows: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return ("select_resource_config", {"Results": [json.dumps(r) for r in rows]}, {"Expression": ANY})


def test_flow_log_rule_confirms_an_unrecorded_type_with_ec2_in_lambda(lambda_env):
    """Config returns the function but no subnets or flow logs (the recorder leaves them out): EC2 answers."""
    ec2 = lambda_env.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    lambda_env.client("s3").create_bucket(Bucket="flow-logs-lambda-mode")
    flow_log = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-logs-lambda-mode",
    )["FlowLogIds"][0]
    function = lambda_ci("fraud-scoring", vpcConfig={"subnetIds": [subnet], "securityGroupIds": []})
    row = {
        "resourceId": "fraud-scoring",
        "resourceName": "fraud-scoring",
        "resourceType": "AWS::Lambda::Function",
        "configuration": function["configuration"],
        "supplementaryConfiguration": {},
        "tags": [],
        "awsRegion": REGION,
        "accountId": ACCOUNT,
        "arn": function["arn"],
        "configurationItemStatus": "OK",
    }
    [evaluation] = _run("VPC_FLOW_LOGS_ENABLED", [_select(), _select(row), _select()])
    assert (evaluation["ComplianceResourceType"], evaluation["ComplianceResourceId"]) == ("AWS::EC2::VPC", vpc)
    assert (evaluation["ComplianceType"], evaluation["Annotation"]) == (
        "COMPLIANT",
        f"flow log {flow_log} captures REJECT traffic",
    )
