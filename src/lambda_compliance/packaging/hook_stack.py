"""The hook stack: the hook function (the rules, on the rule functions' layer) and its Lambda hook.

``AWS::CloudFormation::LambdaHook`` (CloudFormation template reference) forwards CloudFormation's
resource operations on the targeted types to the function, which answers per the Hooks contract
(``lambda_compliance.hook.handler``). ``FailureMode`` WARN (the default) lets a failing deployment
proceed with a warning; FAIL blocks it. Properties as the reference documents them: ``Alias``
(``Name1::Name2::Name3``, not starting with AWS), ``ExecutionRole`` (the role Hooks assume to invoke
the function), ``HookStatus``, ``LambdaFunction``, ``TargetOperations`` and ``TargetFilters``
(``Actions``, ``InvocationPoints``, ``TargetNames``). TargetOperations is RESOURCE unless the
``TargetOperations`` parameter adds STACK and CHANGE_SET (Hooks User Guide, target filters: the
TargetNames filter names resource types; a change set target takes the CREATE action only).

The function carries what the project's own rules ask of a function (as the rule stack's do): X-Ray
tracing, reserved concurrency, a KMS key with rotation for its environment and logs, a dead-letter
queue, a log group with retention, a role of its own with a managed policy and a permissions
boundary, trusted by Lambda only. It calls no AWS API: the template account answers the rules.
"""

from __future__ import annotations

from typing import Any

from lambda_compliance.cloudformation import get_att, policy, ref, sub
from lambda_compliance.packaging import hook, naming, rule_stack

RUNTIME = "python3.12"
TIMEOUT_SECONDS = 30  # Hooks wait 30 seconds for the function
MEMORY_MB = 1024  # CPU scales with memory: the rules run in the 30 seconds
LOG_GROUP = f"/aws/lambda/{naming.HOOK_FUNCTION}"
LOG_GROUP_ARN = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:" + LOG_GROUP
# What the hook judges: the types the rules read to decide on functions, roles and API Gateway APIs.
TARGET_TYPES = (
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Lambda::Url",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
    "AWS::EC2::SecurityGroup",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::DomainName",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::DomainName",
)


def _parameters() -> dict[str, Any]:
    return {
        "ArtifactBucket": {
            "Type": "String",
            "Description": "S3 bucket holding the layer and the hook zip (same region as the stack)",
            "AllowedPattern": r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        },
        "ArtifactPrefix": {"Type": "String", "Default": "lambda-compliance/", "Description": "key prefix"},
        "FailureMode": {
            "Type": "String",
            "Default": "WARN",
            "AllowedValues": ["WARN", "FAIL"],
            "Description": "WARN: a failing rule warns and the deployment proceeds; FAIL: it stops the deployment",
        },
        "HookAlias": {
            "Type": "String",
            "Default": naming.HOOK_ALIAS,
            "AllowedPattern": r"^(?!(?i)aws)[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$",
            "Description": "the hook's type name alias (unique per account and region)",
        },
        "TargetOperations": {
            "Type": "CommaDelimitedList",
            "Default": "RESOURCE",
            "Description": "RESOURCE: each targeted resource alone; add STACK and CHANGE_SET to judge whole templates "
            "(every resource with the others it refers to, as scan --template does)",
        },
        "LogRetentionDays": {
            "Type": "Number",
            "Default": 365,
            "AllowedValues": [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653],
        },
        "ReservedConcurrency": {"Type": "Number", "Default": 10, "MinValue": 1},
    }


def build(layer_key: str, hook_key: str) -> dict[str, Any]:
    """The template; ``layer_key`` and ``hook_key`` are relative to ArtifactPrefix."""
    key = rule_stack.function_key("lambda-compliance hook: function environment and logs", "HookLogs", LOG_GROUP_ARN)
    resources: dict[str, Any] = {
        **rule_stack.function_commons(layer_key, key),
        "Boundary": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": "lambda-compliance hook: the most the hook function's role may ever be allowed",
                "Path": naming.RULE_ROLE_PATH,
                "PolicyDocument": policy(*rule_stack.shared_statements(sub(LOG_GROUP_ARN + ":*"))),
            },
        },
        "FunctionRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": "lambda-compliance: execution role of the CloudFormation hook function",
                "Path": naming.RULE_ROLE_PATH,
                "AssumeRolePolicyDocument": policy(
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ),
                "PermissionsBoundary": ref("Boundary"),
            },
        },
        "FunctionPolicy": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": "lambda-compliance hook: logs, traces and dead letters (the rules call no AWS API)",
                "Path": naming.RULE_ROLE_PATH,
                "Roles": [ref("FunctionRole")],
                "PolicyDocument": policy(*rule_stack.shared_statements(sub(LOG_GROUP_ARN + ":*"))),
            },
        },
        "Logs": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "LogGroupName": LOG_GROUP,
                "RetentionInDays": ref("LogRetentionDays"),
                "KmsKeyId": get_att("Key", "Arn"),
            },
        },
        "Function": {
            "Type": "AWS::Lambda::Function",
            "DependsOn": ["FunctionPolicy", "Logs"],
            "Properties": {
                "FunctionName": naming.HOOK_FUNCTION,
                "Description": "lambda-compliance: the rules judge resources before CloudFormation provisions them",
                "Runtime": RUNTIME,
                "Architectures": ["arm64"],
                "Handler": hook.HANDLER,
                "Code": {"S3Bucket": ref("ArtifactBucket"), "S3Key": sub("${ArtifactPrefix}" + hook_key)},
                "Layers": [ref("Layer")],
                "Role": get_att("FunctionRole", "Arn"),
                "Timeout": TIMEOUT_SECONDS,
                "MemorySize": MEMORY_MB,
                "ReservedConcurrentExecutions": ref("ReservedConcurrency"),
                "TracingConfig": {"Mode": "Active"},
                "KmsKeyArn": get_att("Key", "Arn"),
                "DeadLetterConfig": {"TargetArn": get_att("DeadLetterQueue", "Arn")},
                "Environment": {"Variables": {"AWS_RETRY_MODE": "adaptive"}},
                "Tags": [{"Key": "lambda-compliance:component", "Value": "hook"}],
            },
        },
        "HookRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": "lambda-compliance: the role CloudFormation Hooks assume to invoke the hook function",
                "Path": naming.RULE_ROLE_PATH,
                "AssumeRolePolicyDocument": policy(
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "hooks.cloudformation.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}},
                    }
                ),
            },
        },
        "HookInvokePolicy": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": "lambda-compliance hook: invoke the hook function, nothing else",
                "Path": naming.RULE_ROLE_PATH,
                "Roles": [ref("HookRole")],
                "PolicyDocument": policy(
                    {
                        "Sid": "InvokeHookFunction",
                        "Effect": "Allow",
                        "Action": "lambda:InvokeFunction",
                        "Resource": get_att("Function", "Arn"),
                    }
                ),
            },
        },
        "Hook": {
            "Type": "AWS::CloudFormation::LambdaHook",
            "DependsOn": ["HookInvokePolicy"],
            "Properties": {
                "Alias": ref("HookAlias"),
                "LambdaFunction": get_att("Function", "Arn"),
                "ExecutionRole": get_att("HookRole", "Arn"),
                "FailureMode": ref("FailureMode"),
                "HookStatus": "ENABLED",
                "TargetOperations": ref("TargetOperations"),
                "TargetFilters": {
                    "Actions": ["CREATE", "UPDATE"],
                    "InvocationPoints": ["PRE_PROVISION"],
                    "TargetNames": list(TARGET_TYPES),
                },
            },
        },
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "lambda-compliance CloudFormation Lambda hook: the rules judge resources before deployment",
        "Parameters": _parameters(),
        "Resources": resources,
        "Outputs": {
            "HookFunctionArn": {"Value": get_att("Function", "Arn")},
            "HookArn": {"Value": get_att("Hook", "HookArn")},
        },
    }
