"""``templates/remediation.yaml``: the SSM documents plus the one role they run as, least privilege.

The role's actions are read from the documents' scripts (every ``<client>.<operation>(...)``
call, found statically) and the AWS-owned runbooks' documented needs, so the
policy grows and shrinks with the scripts. Client variables follow one naming
convention (``CLIENT_VARIABLES``); a test fails on a script that breaks it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from typing import Any

import botocore.session
from botocore import xform_name

from lambda_compliance.remediation import build
from lambda_compliance.remediation.aws_runbooks import RUNBOOKS

CLIENT_VARIABLES = {
    "lam": "lambda",
    "logs": "logs",
    "apigw": "apigateway",
    "apigw2": "apigatewayv2",
    "waf": "wafv2",
    "trail": "cloudtrail",
    "guardduty": "guardduty",
    "inspector": "inspector2",
    "sts": "sts",
}
# Permissions an operation needs beyond its own action (documented by each service).
IMPLIED = {
    ("wafv2", "associate_web_acl"): ("apigateway:SetWebACL",),
    ("inspector2", "enable"): ("iam:CreateServiceLinkedRole",),
}
# ... and what a document's use of an operation needs: HTTP/WebSocket access logs are delivered
# through CloudWatch Logs log deliveries, which the caller of UpdateStage must be allowed to manage.
IMPLIED_BY_DOCUMENT = {
    "LambdaCompliance-ConfigureApiStageLogging": (
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    ),
}
_NEEDS_NO_PERMISSION = {"sts:GetCallerIdentity"}
_SUB = "arn:${AWS::Partition}"
_REGIONAL = "${AWS::Region}:${AWS::AccountId}"
_RESOURCES = {
    "lambda": [f"{_SUB}:lambda:{_REGIONAL}:function:*"],
    "logs": [f"{_SUB}:logs:{_REGIONAL}:log-group:*"],
    "apigateway": [
        f"{_SUB}:apigateway:${{AWS::Region}}::/restapis/*",
        f"{_SUB}:apigateway:${{AWS::Region}}::/apis/*",
        f"{_SUB}:apigateway:${{AWS::Region}}::/account",
    ],
    "wafv2": [f"{_SUB}:wafv2:{_REGIONAL}:regional/webacl/*/*"],
    "cloudtrail": [f"{_SUB}:cloudtrail:{_REGIONAL}:trail/*"],
    "guardduty": [f"{_SUB}:guardduty:{_REGIONAL}:detector/*"],
    "kms": [f"{_SUB}:kms:{_REGIONAL}:key/*"],
    "dynamodb": [f"{_SUB}:dynamodb:{_REGIONAL}:table/*"],
    "ssm": [
        f"{_SUB}:ssm:{_REGIONAL}:automation-execution/*",
        f"{_SUB}:ssm:${{AWS::Region}}::automation-definition/AWSConfigRemediation-*",
    ],
}
# Actions without resource-level permissions (or on log deliveries, which have no ARN of their own).
_ANY_RESOURCE = {
    "guardduty:ListDetectors",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}


def _client_service(node: ast.AST) -> str | None:
    """The service of ``client("svc")`` or of a conventional client variable."""
    if isinstance(node, ast.Name):
        return CLIENT_VARIABLES.get(node.id)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "client"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    return None


def api_calls(script: str) -> set[tuple[str, str]]:
    """(boto3 service, operation) of every AWS call a script makes; paginators count as their operation."""
    calls = set()
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            service = _client_service(node.func.value)
            if service is None:
                continue
            operation = node.func.attr
            if operation == "get_paginator" and node.args and isinstance(node.args[0], ast.Constant):
                operation = str(node.args[0].value)
            calls.add((service, operation))
    return calls


def client_bindings(script: str) -> list[tuple[str, str]]:
    """(variable, service) for every ``variable = client("svc")`` (tuples unpacked), to check the convention."""
    found = []
    for node in ast.walk(ast.parse(script)):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            for name, value in zip(names, values, strict=False):
                service = _client_service(value) if isinstance(value, ast.Call) else None
                if service and isinstance(name, ast.Name):
                    found.append((name.id, service))
    return found


@cache
def _operations(service: str) -> tuple[Any, dict[str, str]]:
    model = botocore.session.get_session().get_service_model(service)
    return model, {xform_name(name): name for name in model.operation_names}


def iam_actions(service: str, operation: str) -> tuple[str, ...]:
    """The IAM actions a boto3 call needs (API Gateway authorizes by HTTP verb)."""
    model, names = _operations(service)
    if operation not in names:
        raise KeyError(f"{service} has no operation {operation}")
    name = names[operation]
    if service in ("apigateway", "apigatewayv2"):
        action = f"apigateway:{model.operation_model(name).http['method']}"
    else:
        action = f"{model.metadata.get('signingName', service)}:{name}"
    actions = () if action in _NEEDS_NO_PERMISSION else (action,)
    return actions + IMPLIED.get((service, operation), ())


def document_actions() -> dict[str, tuple[str, ...]]:
    """Document name -> the IAM actions its script needs."""
    out = {}
    for src in build.sources():
        calls = api_calls(build.script(src))
        actions = {a for service, op in calls for a in iam_actions(service, op)}
        out[src.name] = tuple(sorted(actions | set(IMPLIED_BY_DOCUMENT.get(src.name, ()))))
    return out


def all_actions() -> list[str]:
    actions = {a for needed in document_actions().values() for a in needed}
    actions |= {a for runbook in RUNBOOKS.values() for a in runbook.actions}
    return sorted(actions)


def _kms_via_service() -> list[dict[str, Any]]:
    """KMS actions a runbook needs on a key that a service (Lambda) uses with the runbook's credentials."""
    out = []
    for runbook in sorted(RUNBOOKS.values(), key=lambda r: r.name):
        for service, actions in sorted(runbook.kms_via.items()):
            out.append(
                {
                    "Sid": f"KmsVia{service.title()}",
                    "Effect": "Allow",
                    "Action": sorted(actions),
                    "Resource": [{"Fn::Sub": arn} for arn in _RESOURCES["kms"]],
                    "Condition": {
                        "StringEquals": {"kms:ViaService": {"Fn::Sub": f"{service}.${{AWS::Region}}.amazonaws.com"}}
                    },
                }
            )
    return out


def _statements(actions: Iterable[str]) -> list[dict[str, Any]]:
    by_scope: dict[tuple[str, ...], list[str]] = {}
    special = []
    for action in sorted(actions):
        prefix = action.split(":")[0]
        if action == "iam:CreateServiceLinkedRole":
            special.append(
                {
                    "Sid": "InspectorServiceLinkedRole",
                    "Effect": "Allow",
                    "Action": action,
                    "Resource": {
                        "Fn::Sub": f"{_SUB}:iam::${{AWS::AccountId}}:role/aws-service-role/inspector2.amazonaws.com/*"
                    },
                    "Condition": {"StringEquals": {"iam:AWSServiceName": "inspector2.amazonaws.com"}},
                }
            )
            continue
        scope = ("*",) if action in _ANY_RESOURCE or prefix not in _RESOURCES else tuple(_RESOURCES[prefix])
        by_scope.setdefault((prefix, *scope), []).append(action)
    statements = []
    for (prefix, *scope), grouped in sorted(by_scope.items()):
        resource: Any = "*" if scope == ["*"] else [{"Fn::Sub": arn} for arn in scope]
        sid = prefix.title().replace("-", "") + ("AnyResource" if scope == ["*"] else "")
        statements.append({"Sid": sid, "Effect": "Allow", "Action": sorted(grouped), "Resource": resource})
    return statements + special + _kms_via_service()


def _logical_id(name: str) -> str:
    return name.removeprefix("LambdaCompliance-") + "Document"


def template() -> dict[str, Any]:
    resources: dict[str, Any] = {
        "RemediationRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": {"Fn::Sub": "${RoleNamePrefix}-${AWS::Region}"},
                "Description": "Runs the lambda-compliance remediation documents (and the AWS-owned runbooks the "
                "rules use) with only the actions they call",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ssm.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                                "ArnLike": {
                                    "aws:SourceArn": {
                                        "Fn::Sub": f"{_SUB}:ssm:*:${{AWS::AccountId}}:automation-execution/*"
                                    }
                                },
                            },
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "lambda-compliance-remediation",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": _statements(all_actions())},
                    }
                ],
            },
        }
    }
    for src in build.sources():
        resources[_logical_id(src.name)] = {
            "Type": "AWS::SSM::Document",
            "Properties": {
                "Name": src.name,
                "DocumentType": "Automation",
                "DocumentFormat": "JSON",
                "UpdateMethod": "NewVersion",
                "Content": build.document(src),
            },
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "lambda-compliance remediation: the SSM Automation documents and the least-privilege role "
        "they run as. Generated by `lambda-compliance generate`; deploy it from S3 "
        "(aws cloudformation deploy --s3-bucket ...): it is larger than an inline template body may be.",
        "Parameters": {
            "RoleNamePrefix": {
                "Type": "String",
                "Default": "LambdaComplianceRemediation",
                "AllowedPattern": "^[a-zA-Z0-9+=,.@_-]{1,40}$",
                "Description": "The role is named <prefix>-<region>; the packs' RemediationRoleArn parameter names it",
            }
        },
        "Resources": resources,
        "Outputs": {
            "RemediationRoleArn": {
                "Description": "Pass as the conformance packs' RemediationRoleArn parameter",
                "Value": {"Fn::GetAtt": ["RemediationRole", "Arn"]},
            }
        },
    }
