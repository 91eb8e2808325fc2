"""Identifiers are checked against AWS's documented patterns before any request (identifiers.py, the reader).

One table per identifier kind: valid values (positives) and, for each, the hard negatives every kind must
refuse: empty, overlong, non-ASCII, a lone surrogate, control characters and a wildcard, plus the kind's own
near misses. Then the reader: an invalid identifier never reaches botocore, and a rule answers
"cannot evaluate: <field> is not a valid <kind>" naming the CI field (the value echoed only when it is
printable ASCII).
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from typing import Any
from unittest import mock

import pytest
import reliability_support as rs
from hypothesis import given, note, settings
from hypothesis import strategies as st

from lambda_compliance import catalog
from lambda_compliance.runtime import identifiers as ids
from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.runtime.rulebase import field_holding
from lambda_compliance.testing import CAPTURE_TIME, REGION, lambda_ci

ACCOUNT = "123456789012"
KEY_UUID = "0d6f0c3e-1111-4222-8333-444455556666"

# kind -> (valid values, wildcard value, the kind's own near misses)
TABLE: dict[ids.Kind, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    ids.SUBNET: (
        ("subnet-0a1b2c3d", "subnet-0123456789abcdef0"),
        "subnet-*",
        ("subnet-0a1b2c3", "subnet-0A1B2C3D", "sg-0a1b2c3d", "subnet-0a1b2c3d ", " subnet-0a1b2c3d", "subnet_0a1b2c3d"),
    ),
    ids.SECURITY_GROUP: (
        ("sg-0123abcd", "sg-0123456789abcdef0"),
        "sg-*",
        ("sg-0123abc", "subnet-0123abcd", "sg-0123abcd/", "default"),
    ),
    ids.VPC: (("vpc-0a1b2c3d", "vpc-0123456789abcdef0"), "vpc-*", ("vpc-", "vpc-0a1b2c3d4", "vpc-0a1b2c3d?x=1")),
    ids.ROLE_NAME: (
        ("orders-api-role", "a", "Role_+=,.@-1", "x" * 64),
        "orders-*",
        ("orders api", "orders/role", "rôle", "orders-api-role\n"),
    ),
    ids.POLICY_NAME: (("app", "x" * 128, "inline.policy@v1"), "*", ("app policy", "app/policy")),
    ids.POLICY_ARN: (
        (
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            f"arn:aws:iam::{ACCOUNT}:policy/shared",
            f"arn:aws-cn:iam::{ACCOUNT}:policy/team/a/shared",
        ),
        "arn:aws:iam::aws:policy/*",
        (
            "arn:aws:iam::12345678901:policy/shared",
            f"arn:aws:iam::{ACCOUNT}:role/shared",
            f"arn:aws:iam::{ACCOUNT}:policy/",
            "AdministratorAccess",
        ),
    ),
    ids.POLICY_VERSION: (("v1", "v12", "v2.a-b"), "v*", ("1", "v0", "version1")),
    ids.KMS_KEY: (
        (
            KEY_UUID,
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "alias/orders",
            "alias/aws/lambda",
            f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_UUID}",
            f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/orders",
            f"arn:aws-us-gov:kms:us-gov-west-1:{ACCOUNT}:key/{KEY_UUID}",
        ),
        f"arn:aws:kms:us-east-1:{ACCOUNT}:key/*",
        (
            "orders",
            "alias/",
            KEY_UUID.upper(),
            f"arn:aws:kms:us-east-1:{ACCOUNT}:key/orders",
            f"arn:aws:s3:us-east-1:{ACCOUNT}:key/{KEY_UUID}",
        ),
    ),
    ids.LOG_GROUP: (
        ("/aws/lambda/orders-api", "app.logs#1", "x" * 512),
        "/aws/lambda/*",
        ("/aws/lambda/orders api", "/aws/lambda/orders:api", "/aws/lambda/orders?x"),
    ),
    ids.FUNCTION: (
        (
            "orders-api",
            "orders-api:prod",
            "orders-api:$LATEST",
            f"{ACCOUNT}:function:orders-api",
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders-api",
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders-api:7",
        ),
        "orders-*",
        ("orders api", "orders/api", "x" * 65, "orders-api:"),
    ),
    ids.FUNCTION_NAME: (
        ("orders-api", "a", "x" * 64, "Orders_API-2"),
        "*",
        ("orders.api", "orders-api:prod", "x" * 65),
    ),
    ids.LAYER_VERSION_ARN: (
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:tools:3", "arn:aws:lambda:eu-west-1:999988887777:layer:a_b-c:12"),
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:tools:*",
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:tools", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:tools:3"),
    ),
    ids.CODE_SIGNING_CONFIG_ARN: (
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f6a7b8",),
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:csc-*",
        (
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:csc-0a1b2c3d",
            "csc-0a1b2c3d4e5f6a7b8",
        ),
    ),
    ids.API_ID: (("a1b2c3d4e5", "yfcaerfk"), "*", ("a1b2c3/d4e5", "a1b2 c3d4e5", "a1b2c3d4e5?", "../a1b2")),
    ids.SECRET: (
        ("prod/orders/db", "orders+db=1.@x", f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/orders-AbCdEf"),
        "prod/*",
        ("prod orders", "prod:orders", "prod#orders"),
    ),
    ids.SSM_PARAMETER: (
        ("/prod/orders/db-password", "orders.db_password", "/a"),
        "/prod/*",
        ("/prod//db", "/prod/orders db", "prod/orders/"),
    ),
    ids.TABLE_NAME: (("orders", "a.b_c-d", "x" * 255), "orders*", ("ab", "orders table", "orders/1")),
    ids.ACCOUNT_ID: ((ACCOUNT,), "*", ("12345678901", "1234567890123", "12345678901a")),
}


def _overlong(kind: ids.Kind, valid: str) -> str:
    return valid + "a" * (kind.max_length + 1 - len(valid))


def _negatives(kind: ids.Kind, valid: str, wildcard: str, near: tuple[str, ...]) -> list[tuple[str, str]]:
    middle = len(valid) // 2
    return [
        ("empty", ""),
        ("overlong", _overlong(kind, valid)),
        ("non-ASCII", valid[:middle] + "ñ" + valid[middle:]),
        ("non-ASCII digit", valid[:middle] + "\u0663" + valid[middle:]),  # Arabic-Indic 3: \d without re.ASCII
        ("lone surrogate", "\ud800" + valid),
        ("control character", valid + "\x00"),
        ("newline", valid + "\n"),
        ("escape sequence", "\x1b[31m" + valid),
        ("wildcard", wildcard),
        *((f"near miss {i}", value) for i, value in enumerate(near)),
    ]


def test_every_kind_has_a_table_and_a_source():
    assert set(TABLE) == set(ids.KINDS)
    assert all(kind.source.startswith("https://") for kind in ids.KINDS)


@pytest.mark.parametrize("kind", ids.KINDS, ids=lambda kind: kind.name)
def test_identifier_kind_accepts_documented_forms_and_refuses_hard_negatives(kind):
    valid, wildcard, near = TABLE[kind]
    for value in valid:
        assert ids.valid(kind, value), value
        assert ids.check(kind, value, "Field") == value
    wrong: list[tuple[str, str]] = []
    for value in valid:
        wrong += [(what, bad) for what, bad in _negatives(kind, value, wildcard, near) if ids.valid(kind, bad)]
    assert wrong == []
    for what, bad in _negatives(kind, valid[0], wildcard, near):
        with pytest.raises(ids.InvalidIdentifier) as raised:
            ids.check(kind, bad, "Field")
        assert raised.value.kind is kind, what
    assert not ids.valid(kind, None) and not ids.valid(kind, 7) and not ids.valid(kind, [valid[0]])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("subnet-*", "vpcConfig.subnetIds is not a valid subnet id ('subnet-*')"),
        ("\ud800subnet-0a1b2c3d", "vpcConfig.subnetIds is not a valid subnet id"),
        ("subnet-0a1b\x1b[2J", "vpcConfig.subnetIds is not a valid subnet id"),
        ("x" * 81, "vpcConfig.subnetIds is not a valid subnet id"),
    ],
)
def test_message_echoes_only_short_printable_ascii(value, message):
    assert ids.describe("vpcConfig.subnetIds", ids.SUBNET, value) == message


@pytest.mark.parametrize(
    ("service", "kwargs", "kind", "parameter"),
    [
        ("ec2", {"SubnetIds": ["subnet-0a1b2c3d", "\ud800subnet-0a1b2c3d"]}, ids.SUBNET, "SubnetIds"),
        ("ec2", {"GroupIds": ["sg-*"]}, ids.SECURITY_GROUP, "GroupIds"),
        ("ec2", {"Filters": [{"Name": "subnet-id", "Values": ["subnet-ok", "x"]}]}, ids.SUBNET, "Filters subnet-id"),
        ("ec2", {"Filters": [{"Name": "vpc-id", "Values": ["vpc-\n"]}]}, ids.VPC, "Filters vpc-id"),
        ("iam", {"RoleName": "role/../admin"}, ids.ROLE_NAME, "RoleName"),
        ("iam", {"PolicyArn": "arn:aws:iam::aws:policy/*"}, ids.POLICY_ARN, "PolicyArn"),
        ("kms", {"KeyId": "key\x00"}, ids.KMS_KEY, "KeyId"),
        ("logs", {"logGroupNamePrefix": "/aws/lambda/ñ"}, ids.LOG_GROUP, "logGroupNamePrefix"),
        ("lambda", {"FunctionName": ""}, ids.FUNCTION, "FunctionName"),
        ("lambda", {"CodeSigningConfigArn": "csc-1"}, ids.CODE_SIGNING_CONFIG_ARN, "CodeSigningConfigArn"),
        ("apigateway", {"restApiId": "a/b", "embed": ["methods"]}, ids.API_ID, "restApiId"),
        ("apigatewayv2", {"ApiId": "a b"}, ids.API_ID, "ApiId"),
        ("dynamodb", {"TableName": "t"}, ids.TABLE_NAME, "TableName"),
        ("secretsmanager", {"SecretId": "a b"}, ids.SECRET, "SecretId"),
        ("ssm", {"Name": "a b"}, ids.SSM_PARAMETER, "Name"),
        ("inspector2", {"accountIds": ["1"]}, ids.ACCOUNT_ID, "accountIds"),
        # no identifier kind, but text botocore cannot encode is refused all the same
        (
            "config",
            {"resourceKeys": [{"resourceType": "AWS::KMS::Key", "resourceId": "\udfff"}]},
            ids.TEXT,
            "resourceKeys",
        ),
    ],
)
def test_check_request_refuses_the_first_invalid_parameter(service, kwargs, kind, parameter):
    with pytest.raises(ids.InvalidIdentifier) as raised:
        ids.check_request(service, kwargs)
    assert (raised.value.kind, raised.value.parameter) == (kind, parameter)


def test_check_request_lets_valid_requests_through():
    ids.check_request("ec2", {"SubnetIds": ["subnet-0a1b2c3d"], "Filters": [{"Name": "state", "Values": ["ñ"]}]})
    ids.check_request("iam", {"RoleName": "orders-api-role", "PolicyName": "app"})
    ids.check_request("cloudtrail", {"includeShadowTrails": True})


class _NoClients:
    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        raise AssertionError(f"an invalid identifier must not reach a {service} client")


@pytest.mark.parametrize("method", ["call", "collect"])
def test_reader_refuses_before_building_a_client(method):
    aws = AwsReader(_NoClients(), account_id=ACCOUNT, region="us-east-1", inventory=LocalInventory())
    with pytest.raises(ids.InvalidIdentifier):
        if method == "call":
            aws.call("lambda", "get_function_configuration", FunctionName="orders\ud800")
        else:
            aws.collect("ec2", "describe_subnets", "Subnets", SubnetIds=["\ud800subnet-0a1b2c3d"])


def test_field_holding_names_the_ci_field_exact_first_then_containing():
    ci = ConfigItem.of(
        lambda_ci(
            "orders-api",
            role=f"arn:aws:iam::{ACCOUNT}:role/orders api",
            vpcConfig={"subnetIds": ["subnet-0a1b2c3d", "subnet-*"], "securityGroupIds": []},
        )
    )
    assert field_holding(ci, "subnet-*") == "configuration.vpcConfig.subnetIds"
    assert field_holding(ci, "orders api") == "configuration.role"  # the role name inside the role ARN
    assert field_holding(ci, "not-there") is None
    assert field_holding(ci, "") is None


# arbitrary text through every identifier field of every change rule, in Lambda mode -----------------------

seeded_moto = rs.seeded_moto
moto_reader_clients = rs.moto_reader_clients
_IDENTIFIER_KEY = re.compile(r"(id|ids|arn|name|role|key)$", re.IGNORECASE)
AWKWARD = (
    "",
    "*",
    "\ud800",
    "\udfff\ud800",
    "a b",
    "../../x",
    "%2F%00",
    "\x00",
    "\x1b[2J",
    "subnet-*",
    "ñandú",
    "函数",
)


def _identifier_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of string leaves whose key names an identifier (…Id, …Ids, …Arn, …Name, role, …Key)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and _IDENTIFIER_KEY.search(str(key)):
                found.append((*path, key))
            else:
                found += _identifier_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str) and path and _IDENTIFIER_KEY.search(str(path[-1])):
                found.append((*path, index))
            else:
                found += _identifier_paths(value, (*path, index))
    return found


def _change_rules() -> list[str]:
    return [rule.rule_name() for rule in rs.loadable_rules() if not rule.spec.periodic]


def _put(root: Any, path: tuple[Any, ...], value: str) -> None:
    for step in path[:-1]:
        root = root[step]
    root[path[-1]] = value


# How Config data arrives damaged, applied to a field's real value.
MUTATIONS = (
    lambda v: "\ud800" + v,  # a lone surrogate: botocore cannot encode it (issue 15)
    lambda v: v + "\x00",
    lambda v: v[: len(v) // 2] + "ñ" + v[len(v) // 2 :],
    lambda v: "*",
    lambda v: v + "/../x?y=%2F",
)


@st.composite
def _ci_with_arbitrary_identifiers(draw: Any, resource_types: tuple[str, ...]) -> dict[str, Any]:
    """A rule's realistic CI whose every identifier field is kept or replaced by arbitrary text."""
    ci = copy.deepcopy(draw(st.sampled_from(rs.bases(draw(st.sampled_from(resource_types)))))())
    text = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=40), st.text(min_size=65, max_size=300))
    for path in _identifier_paths(ci["configuration"]):
        replacement = draw(st.one_of(st.none(), text))
        if replacement is not None:
            _put(ci["configuration"], path, replacement)
    return rs.snapshot_format(ci)


def _each_field_damaged(resource_types: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """Every identifier field of every base CI, one at a time, under every mutation."""
    cases = []
    for build in (build for t in resource_types for build in rs.bases(t)):
        for path in _identifier_paths(build()["configuration"]):
            for mutate in MUTATIONS:
                ci = copy.deepcopy(build())
                node = ci["configuration"]
                for step in path[:-1]:
                    node = node[step]
                node[path[-1]] = mutate(node[path[-1]])
                cases.append((".".join(map(str, path)), rs.snapshot_format(ci)))
    return cases


def _answers(result: Any, ci: dict[str, Any]) -> list[str]:
    """What is wrong with a handler's result (an error dict, a missing or invalid evaluation); [] when fine."""
    if not isinstance(result, list):  # rdklib answers an exception with an error dict
        return [f"error: {str(result)[:300]}"]
    found = [] if [e["ComplianceResourceId"] for e in result] == [ci["resourceId"]] else [f"ids {result}"]
    for evaluation in result:
        if evaluation["ComplianceType"] not in ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"):
            found.append(f"type {evaluation['ComplianceType']}")
        if not 1 <= len(evaluation.get("Annotation", "x")) <= 256:
            found.append("annotation length")
    return found


def _lambda_event(rule_class: Any, ci: dict[str, Any]) -> dict[str, Any]:
    invoking = {
        "configurationItem": ci,
        "notificationCreationTime": CAPTURE_TIME,
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3",
    }
    return {
        "configRuleName": rule_class.rule_name(),
        "configRuleArn": f"arn:aws:config:{REGION}:{ACCOUNT}:config-rule/config-rule-0a1b2c",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/config-role",
        "eventLeftScope": False,
        "invokingEvent": json.dumps(invoking),
        "ruleParameters": json.dumps({**rs.default_parameters(rule_class), "AssumeRoleMode": "false"}),
        "resultToken": "TESTMODE",
        "accountId": ACCOUNT,
        "version": "1.0",
    }


def test_every_change_rule_has_identifier_fields_to_fuzz():
    empty = [
        name
        for name in _change_rules()
        if not any(
            _identifier_paths(build()["configuration"])
            for t in catalog.load_rule(name).spec.resource_types
            for build in rs.bases(t)
        )
    ]
    assert empty == []


@pytest.mark.parametrize("name", _change_rules())
def test_each_identifier_field_damaged_is_answered(name, moto_reader_clients):
    """Every identifier field of the rule's CIs, one at a time, under each damage Config data shows:
    the rule answers (through the engine's path, clients on moto), never raises."""
    rule_class = catalog.load_rule(name)
    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": moto_reader_clients.endpoint_url}):
        failed = [
            (field, problem)
            for field, ci in _each_field_damaged(rule_class.spec.resource_types)
            for problem in rs.problems(
                rs.run_rule(rule_class, moto_reader_clients, ci, [], periodic=False), periodic=False, ci=ci
            )
        ]
    assert failed == []


@pytest.mark.parametrize("name", _change_rules())
def test_arbitrary_text_in_identifier_fields_is_answered_in_lambda_mode(name, seeded_moto):
    """The deployed handler (rdklib's Evaluator, clients on moto) never fails on what an identifier field
    holds: each example puts arbitrary text in any of the CI's identifier fields (hypothesis, derandomized
    in CI). Every answer is a valid evaluation ("cannot evaluate: ..." when the text names no resource)."""
    rule_class = catalog.load_rule(name)
    handler = sys.modules[rule_class.__module__].lambda_handler

    @settings(rs.PROFILE, max_examples=min(rs.PROFILE.max_examples, 5))
    @given(ci=_ci_with_arbitrary_identifiers(rule_class.spec.resource_types))
    def check(ci: dict[str, Any]) -> None:
        note(f"CI configuration: {ascii(ci['configuration'])[:2000]}")
        assert _answers(handler(_lambda_event(rule_class, ci), None), ci) == []

    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": seeded_moto.endpoint_url, "AWS_REGION": REGION}):
        check()
