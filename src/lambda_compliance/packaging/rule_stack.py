"""The rule stack: the layer, one function per rule, its least-privilege role, log group and Config permission.

One template serves both deployments; ``ExecutionRoleName`` chooses:

- empty (single account): each function's role holds ``config:PutEvaluations`` plus exactly the
  reads its rule declares, and the function tells rdklib not to assume any role;
- set (organization): each role holds only ``sts:AssumeRole`` on the member roles: the ARNs of
  ``MemberRoleArns`` (one per account; ``deploy --org`` fills it from Organizations), else that
  role name in any account; of ``OrganizationId`` when given (``aws:ResourceOrgID``). The reads
  live in the member-account role (``member_role.py``).

The function is the rule's own code (its folder, as rdk packs it) with the shared layer; the
handler is ``lambda_compliance.runtime.lambda_entry.handler``, which supplies those rdklib defaults.

What each function carries so the stack passes the project's own rules: X-Ray tracing, reserved
concurrency, a 300 s timeout, environment variables encrypted with a customer managed key (with
rotation), a dead-letter queue, a log group with retention encrypted with the same key, a role of
its own with a managed policy and a permissions boundary, trusted by Lambda only. AWS Config may
invoke it only from this account (``SourceAccount``); member accounts are added by the deployer
(see ``lambda_compliance.deploy.invoke_permissions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lambda_compliance.cloudformation import (
    NO_VALUE,
    and_,
    equals,
    get_att,
    if_,
    not_,
    policy,
    ref,
    sub,
)
from lambda_compliance.packaging import naming
from lambda_compliance.packaging import permissions as perms
from lambda_compliance.runtime.rulebase import ComplianceRule

RUNTIME = "python3.12"
ARCHITECTURE = "arm64"
TIMEOUT_SECONDS = 300
MEMORY_MB = 256
LOG_RETENTION_CHOICES = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922)
LOG_RETENTION_CHOICES += (3288, 3653)
FUNCTION_LOG_GROUPS = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
RULE_LOG_GROUPS = FUNCTION_LOG_GROUPS + naming.FUNCTION_PREFIX + "*"
TAG_KEY = "lambda-compliance:rule"


def _parameters() -> dict[str, Any]:
    return {
        "ArtifactBucket": {
            "Type": "String",
            "Description": "S3 bucket holding the layer and rule zips (same region as the stack)",
            "AllowedPattern": r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        },
        "ArtifactPrefix": {
            "Type": "String",
            "Default": "lambda-compliance/",
            "Description": "Key prefix of the artifacts in ArtifactBucket (ends with /)",
            "AllowedPattern": r"^([A-Za-z0-9!_.*'()/-]*/)?$",
        },
        "ExecutionRoleName": {
            "Type": "String",
            "Default": "",
            "Description": "Organization mode: the member-account role the rules assume (empty: single account)",
            "AllowedPattern": r"^([\w+=,.@-]{1,64})?$",
        },
        "OrganizationId": {
            "Type": "String",
            "Default": "",
            "Description": "Organization mode: only assume member roles in this organization (aws:ResourceOrgID)",
            "AllowedPattern": r"^(o-[a-z0-9]{10,32})?$",
        },
        "MemberRoleArns": {
            "Type": "CommaDelimitedList",
            "Default": "",
            "Description": "Organization mode: the member roles, one ARN per account (deploy --org fills it); "
            "empty: the role name in any account (of OrganizationId)",
        },
        "ReservedConcurrency": {
            "Type": "Number",
            "Default": 5,
            "MinValue": 1,
            "MaxValue": 1000,
            "Description": "Reserved concurrent executions per rule function",
        },
        "LogRetentionDays": {
            "Type": "Number",
            "Default": 365,
            "AllowedValues": list(LOG_RETENTION_CHOICES),
            "Description": "Retention of each rule function's log group",
        },
        "FunctionTimeout": {
            "Type": "Number",
            "Default": TIMEOUT_SECONDS,
            "MinValue": 30,
            "MaxValue": 900,
            "Description": "Timeout of each rule function in seconds (keep within LAMBDA_TIMEOUT_LIMIT's maxTimeout)",
        },
        "MaxAttempts": {
            "Type": "Number",
            "Default": 10,
            "MinValue": 1,
            "MaxValue": 20,
            "Description": "AWS_MAX_ATTEMPTS for the functions' boto3 clients (adaptive retry mode)",
        },
        "KmsKeyArn": {
            "Type": "String",
            "Default": "",
            "Description": "Customer managed key for environment variables and logs (empty: the stack creates one)",
            "AllowedPattern": r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+)?$",
        },
        "PermissionsBoundaryArn": {
            "Type": "String",
            "Default": "",
            "Description": "Permissions boundary for the rule roles (empty: the stack's own boundary policy)",
            "AllowedPattern": r"^(arn:aws[a-z-]*:iam::\d{12}:policy/[\w+=,.@/-]+)?$",
        },
        "CodeSigningConfigArn": {
            "Type": "String",
            "Default": "",
            "Description": "Lambda code signing configuration for the rule functions (empty: none)",
            "AllowedPattern": r"^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:code-signing-config:csc-[a-z0-9]{17})?$",
        },
    }


def _conditions() -> dict[str, Any]:
    return {
        "IsOrganization": not_(equals(ref("ExecutionRoleName"), "")),
        "IsSingleAccount": equals(ref("ExecutionRoleName"), ""),
        "HasOrganizationId": not_(equals(ref("OrganizationId"), "")),
        "HasMemberRoleArns": not_(equals({"Fn::Join": ["", ref("MemberRoleArns")]}, "")),
        "RestrictToOrganization": and_({"Condition": "IsOrganization"}, {"Condition": "HasOrganizationId"}),
        "CreateKey": equals(ref("KmsKeyArn"), ""),
        "CreateBoundary": equals(ref("PermissionsBoundaryArn"), ""),
        "HasCodeSigning": not_(equals(ref("CodeSigningConfigArn"), "")),
    }


def _key_arn() -> dict[str, Any]:
    return if_("CreateKey", get_att("Key", "Arn"), ref("KmsKeyArn"))


def _assume_member_role() -> dict[str, Any]:
    return {
        "Sid": "AssumeMemberRole",
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": if_(
            "HasMemberRoleArns",
            ref("MemberRoleArns"),
            sub("arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}"),
        ),
        "Condition": if_(
            "RestrictToOrganization", {"StringEquals": {"aws:ResourceOrgID": ref("OrganizationId")}}, NO_VALUE
        ),
    }


def shared_statements(log_groups: dict[str, Any]) -> list[dict[str, Any]]:
    """What every function of ours needs whatever it judges: its logs, its traces, its dead letters."""
    return [
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": log_groups,
        },
        {
            "Sid": "WriteTraces",
            "Effect": "Allow",
            "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
            "Resource": "*",
        },
        {
            "Sid": "SendDeadLetters",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": get_att("DeadLetterQueue", "Arn"),
        },
    ]


def _key() -> dict[str, Any]:
    key = function_key("lambda-compliance: rule function environment variables and logs", "RuleLogs", RULE_LOG_GROUPS)
    return {"Type": key["Type"], "Condition": "CreateKey", **{k: v for k, v in key.items() if k != "Type"}}


def function_key(description: str, logs: str, log_groups_arn: str) -> dict[str, Any]:
    """A customer managed key, rotated, for functions' environment variables and for CloudWatch Logs to encrypt
    the log groups ``log_groups_arn`` (a Fn::Sub string) with: the rule stack's and the hook stack's."""
    statements = [
        {
            "Sid": "AccountAdministersKeyThroughIam",
            "Effect": "Allow",
            "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": f"CloudWatchLogsEncrypts{logs}",
            "Effect": "Allow",
            "Principal": {"Service": sub("logs.${AWS::Region}.amazonaws.com")},
            "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
            "Resource": "*",
            "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": sub(log_groups_arn)}},
        },
    ]
    return {
        "Type": "AWS::KMS::Key",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Description": description,
            "EnableKeyRotation": True,
            "KeyPolicy": policy(*statements),
        },
    }


def _boundary(rules: Sequence[type[ComplianceRule]]) -> dict[str, Any]:
    reads = {"Sid": "EvaluateAndRead", "Effect": "Allow", "Action": list(perms.union(rules)), "Resource": "*"}
    shared = shared_statements(sub(RULE_LOG_GROUPS))
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Condition": "CreateBoundary",
        "Properties": {
            "Description": "lambda-compliance: the most any rule function role may ever be allowed",
            "Path": naming.RULE_ROLE_PATH,
            "PolicyDocument": _by_mode([reads, *shared], [_assume_member_role(), *shared]),
        },
    }


def _by_mode(single: list[dict[str, Any]], organization: list[dict[str, Any]]) -> dict[str, Any]:
    """One policy document per deployment mode (whole documents: no AWS::NoValue inside a Statement list)."""
    return if_("IsSingleAccount", policy(*single), policy(*organization))


def _rule_resources(rule: type[ComplianceRule], layer_key: str, code_key: str) -> dict[str, Any]:
    name = rule.rule_name()
    function = naming.function_name(name)
    ids = {part: naming.logical_id(name, part) for part in ("Role", "Policy", "Logs", "Function", "ConfigPermission")}
    log_group_arn = sub(FUNCTION_LOG_GROUPS + function + ":*")
    single = [{"Sid": "Evaluate", "Effect": "Allow", "Action": list(perms.plumbing(rule)), "Resource": "*"}]
    reads = perms.declared_reads(rule)
    if reads:
        single.append({"Sid": "ReadForRule", "Effect": "Allow", "Action": list(reads), "Resource": "*"})
    shared = shared_statements(log_group_arn)
    tags = [{"Key": TAG_KEY, "Value": name}]
    return {
        ids["Role"]: {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": f"lambda-compliance: execution role of the {name} rule function",
                "Path": naming.RULE_ROLE_PATH,
                "AssumeRolePolicyDocument": policy(
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ),
                "PermissionsBoundary": if_("CreateBoundary", ref("Boundary"), ref("PermissionsBoundaryArn")),
                "Tags": tags,
            },
        },
        ids["Policy"]: {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": f"lambda-compliance: what the {name} rule function reads and writes",
                "Path": naming.RULE_ROLE_PATH,
                "Roles": [ref(ids["Role"])],
                "PolicyDocument": _by_mode([*single, *shared], [_assume_member_role(), *shared]),
            },
        },
        ids["Logs"]: {
            "Type": "AWS::Logs::LogGroup",
            # Evaluation logs are audit evidence: deleting or replacing the stack must not delete them (I3011).
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "LogGroupName": f"/aws/lambda/{function}",
                "RetentionInDays": ref("LogRetentionDays"),
                "KmsKeyId": _key_arn(),
            },
        },
        ids["Function"]: {
            "Type": "AWS::Lambda::Function",
            "DependsOn": [ids["Policy"], ids["Logs"]],
            "Properties": {
                "FunctionName": function,
                "Description": f"lambda-compliance {name}: {rule.spec.title}"[:256],
                "Runtime": RUNTIME,
                "Architectures": [ARCHITECTURE],
                "Handler": naming.ENTRY_HANDLER,
                "Code": {"S3Bucket": ref("ArtifactBucket"), "S3Key": sub("${ArtifactPrefix}" + code_key)},
                "Layers": [ref("Layer")],
                "Role": get_att(ids["Role"], "Arn"),
                "Timeout": ref("FunctionTimeout"),
                "MemorySize": MEMORY_MB,
                "ReservedConcurrentExecutions": ref("ReservedConcurrency"),
                "TracingConfig": {"Mode": "Active"},
                "KmsKeyArn": _key_arn(),
                "DeadLetterConfig": {"TargetArn": get_att("DeadLetterQueue", "Arn")},
                "CodeSigningConfigArn": if_("HasCodeSigning", ref("CodeSigningConfigArn"), NO_VALUE),
                "Environment": {
                    "Variables": {
                        "LAMBDA_COMPLIANCE_RULE": name,
                        "LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE": if_("IsOrganization", "true", "false"),
                        "LAMBDA_COMPLIANCE_EXECUTION_ROLE_NAME": ref("ExecutionRoleName"),
                        "AWS_RETRY_MODE": "adaptive",
                        "AWS_MAX_ATTEMPTS": ref("MaxAttempts"),
                    }
                },
                "Tags": tags,
            },
        },
        ids["ConfigPermission"]: {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": get_att(ids["Function"], "Arn"),
                "Action": "lambda:InvokeFunction",
                "Principal": "config.amazonaws.com",
                "SourceAccount": ref("AWS::AccountId"),
            },
        },
    }


def function_commons(layer_key: str, key: dict[str, Any]) -> dict[str, Any]:
    """The layer, the key and the dead-letter queue a stack's functions share (the rule stack's, the hook's)."""
    return {
        "Layer": {
            "Type": "AWS::Lambda::LayerVersion",
            "Properties": {
                "LayerName": naming.LAYER_NAME,
                "Description": f"lambda-compliance library, data and rdklib ({layer_key})"[:256],
                "Content": {"S3Bucket": ref("ArtifactBucket"), "S3Key": sub("${ArtifactPrefix}" + layer_key)},
                "CompatibleRuntimes": [RUNTIME],
                "CompatibleArchitectures": ["arm64", "x86_64"],
                "LicenseInfo": "Apache-2.0",
            },
        },
        "Key": key,
        "DeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 1209600},
        },
    }


def build(rules: Sequence[type[ComplianceRule]], layer_key: str, code_keys: dict[str, str]) -> dict[str, Any]:
    """The template; ``layer_key`` and ``code_keys`` (rule -> key) are relative to ArtifactPrefix."""
    resources: dict[str, Any] = {**function_commons(layer_key, _key()), "Boundary": _boundary(rules)}
    for rule in rules:
        resources.update(_rule_resources(rule, layer_key, code_keys[rule.rule_name()]))
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"lambda-compliance rule functions ({len(rules)} rules) with their layer and roles",
        "Parameters": _parameters(),
        "Conditions": _conditions(),
        "Resources": resources,
        "Outputs": {
            "LayerVersionArn": {"Value": ref("Layer")},
            "KmsKeyArn": {"Value": _key_arn()},
            "DeadLetterQueueArn": {"Value": get_att("DeadLetterQueue", "Arn")},
            "RuleRolePath": {"Value": naming.RULE_ROLE_PATH},
            "FunctionNames": {"Value": ",".join(naming.function_name(r.rule_name()) for r in rules)[:4096]},
        },
    }
