"""The offline engine and the Lambda path run the same rule classes with the same results."""

from __future__ import annotations

import json
import os
from unittest import mock

import pytest

from lambda_compliance import catalog
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import ComplianceRule, RuleSpec, compliant, non_compliant
from lambda_compliance.scanner import engine
from lambda_compliance.testing import lambda_ci, reader


class ALWAYS_FAILS(ComplianceRule):
    spec = RuleSpec(title="x", resource_types=("AWS::Lambda::Function",), severity="low", family="lambda")

    def assess(self, ci, aws, params):
        raise RuntimeError("secret-value-must-not-leak")


class SHORT_TIMEOUT(ComplianceRule):
    spec = RuleSpec(
        title="x",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="lambda",
        parameters=(Param.integer("max", 10, "max", minimum=1),),
    )

    def assess(self, ci, aws, params):
        timeout = ci.require("timeout", kind=int)
        return [compliant("ok") if timeout <= params["max"] else non_compliant(f"{timeout}s")]


class ONCE_PER_ACCOUNT(ComplianceRule):
    spec = RuleSpec(title="x", resource_types=("AWS::::Account",), severity="low", family="account", periodic=True)
    calls = 0

    def assess_periodic(self, aws, params):
        type(self).calls += 1
        return [non_compliant("off", aws.account_id, "AWS::::Account")]


def items():
    return [
        ConfigItem.of(lambda_ci("fast", timeout=3)),
        ConfigItem.of(lambda_ci("slow", timeout=30)),
        ConfigItem.of(lambda_ci("gone", status="ResourceDeleted")),
        ConfigItem.of({"resourceType": "AWS::S3::Bucket", "resourceId": "b", "configuration": {}}),
    ]


def run(rules, parameters=None):
    aws = reader()
    factory = type("F", (), {"reader": aws, "build_client": lambda self, *a, **k: None})()
    return engine.run(rules, items(), factory, parameters=parameters, account_id="123456789012", region="us-east-1")


def test_results_per_resource_with_deleted_as_not_applicable():
    outcome = run([SHORT_TIMEOUT])
    assert [(r.resourceId, r.compliance, r.annotation) for r in outcome.results] == [
        ("fast", "COMPLIANT", "ok"),
        ("gone", "NOT_APPLICABLE", "resource was deleted"),
        ("slow", "NON_COMPLIANT", "30s"),
    ]
    assert {r.accountId for r in outcome.results} == {"123456789012"}
    assert outcome.errors == []


def test_a_failing_rule_is_reported_and_others_complete():
    outcome = run([ALWAYS_FAILS, SHORT_TIMEOUT])
    assert len([r for r in outcome.results if r.rule == "SHORT_TIMEOUT"]) == 3
    assert {(e.rule, e.message) for e in outcome.errors} == {("ALWAYS_FAILS", "RuntimeError while evaluating")}
    assert "secret-value-must-not-leak" not in json.dumps([e.as_dict() for e in outcome.errors])


def test_periodic_rules_run_once_per_account():
    ONCE_PER_ACCOUNT.calls = 0
    outcome = run([ONCE_PER_ACCOUNT])
    assert ONCE_PER_ACCOUNT.calls == 1
    assert [(r.resourceType, r.resourceId) for r in outcome.results] == [("AWS::::Account", "123456789012")]


def test_invalid_parameters_name_rule_and_parameter():
    with pytest.raises(engine.InvalidRuleParameters, match="SHORT_TIMEOUT: Parameter 'max' must be at least 1"):
        run([SHORT_TIMEOUT], {"SHORT_TIMEOUT": {"max": "0"}})
    assert [r.compliance for r in run([SHORT_TIMEOUT], {"SHORT_TIMEOUT": {"max": "60"}}).results] == [
        "COMPLIANT",
        "NOT_APPLICABLE",
        "COMPLIANT",
    ]


def test_describe_error_names_code_and_operation_only():
    from botocore.exceptions import ClientError

    exc = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "value=hunter2"}}, "GetPolicy")
    assert engine.describe_error(exc) == "GetPolicy failed: AccessDeniedException"


@mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": ""})
def test_lambda_handler_path_through_rdklib_matches_the_engine(moto):
    """The deployed entry point: rdklib's Evaluator with a Config event, put_evaluations in TestMode (moto)."""
    os.environ["AWS_ENDPOINT_URL"] = moto.endpoint_url
    module = __import__(catalog.load_rule("LAMBDA_TIMEOUT_LIMIT").__module__, fromlist=["lambda_handler"])
    ci = lambda_ci("slow", timeout=600)
    ci["awsAccountId"] = ci.pop("accountId")
    ci["ARN"] = ci.pop("arn")
    event = {
        "configRuleName": "LAMBDA_TIMEOUT_LIMIT",
        "executionRoleArn": "arn:aws:iam::123456789012:role/config-role",
        "eventLeftScope": False,
        "invokingEvent": json.dumps(
            {
                "configurationItem": ci,
                "notificationCreationTime": "2026-11-29T08:00:00.000Z",
                "messageType": "ConfigurationItemChangeNotification",
                "recordVersion": "1.3",
            }
        ),
        "ruleParameters": json.dumps({"maxTimeout": "300", "AssumeRoleMode": "false"}),
        "resultToken": "TESTMODE",
        "accountId": "123456789012",
    }
    with mock.patch.dict(os.environ, {"AWS_REGION": "us-east-1"}):
        evaluations = module.lambda_handler(event, None)
    assert evaluations == [
        {
            "ComplianceResourceId": "slow",
            "ComplianceResourceType": "AWS::Lambda::Function",
            "ComplianceType": "NON_COMPLIANT",
            "OrderingTimestamp": "2026-11-29T08:00:00.000Z",
            "Annotation": "timeout is 600s, above the 300s maximum",
        }
    ]
    bad = dict(event, ruleParameters=json.dumps({"maxTimeout": "0", "AssumeRoleMode": "false"}))
    response = module.lambda_handler(bad, None)
    assert response["customerErrorCode"] == "InvalidParameterValueException"
    assert response["customerErrorMessage"] == "Parameter 'maxTimeout' must be at least 1"
