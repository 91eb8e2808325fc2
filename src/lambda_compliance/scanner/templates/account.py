"""The account a template would create, answering the AWS API calls the collectors and rules make.

The scanner's collectors build configuration items from service APIs; here those APIs answer from
the template's resolved resources, in the response shapes boto3 returns, so a template goes
through the same collectors and the same CI normalisation as a live account. What a template
cannot tell (a call for another service, data AWS creates at deployment) raises
``OfflineDataError``: the rule is reported as skipped for that resource, never guessed.

Defaults are AWS's where the template leaves a property out (Lambda: Timeout 3 s, 128 MB, tracing
PassThrough; a security group without egress rules gets the allow-all egress rules, per the
CloudFormation reference for AWS::EC2::SecurityGroup: "When you create a security group, if you do
not add egress rules, we add egress rules that allow all outbound IPv4 and IPv6 traffic. Otherwise,
we do not add them").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from lambda_compliance.scanner.scan import OfflineDataError
from lambda_compliance.scanner.templates import api_gateway
from lambda_compliance.scanner.templates.resolve import Resolver
from lambda_compliance.scanner.templates.source import Template

# A resolved resource: (logical id, type, properties, the template it came from)
Resource = tuple[str, str, dict[str, Any], Template]


def _tags(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {str(t.get("Key")): str(t.get("Value")) for t in value or [] if isinstance(t, dict)}


def _number(value: Any) -> Any:
    """An integer property given as a string ("30"), as CloudFormation accepts it and hook requests carry it."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _not_found(operation: str, code: str = "ResourceNotFoundException") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "not in the template"}}, operation)


class TemplateAccount:
    """Every resource of the templates, resolved for one variant of the deployment-time stand-ins."""

    def __init__(
        self, templates: list[Template], overrides: dict[str, str], variant: int = 0, partial: bool = False
    ) -> None:
        # partial: the templates hold some of a stack's resources (a hook's resource request), so a
        # related resource they lack (a log group, a permission, a URL) may exist: not "absent".
        self.partial = partial
        self.resolvers: list[Resolver] = []
        self.resources: list[Resource] = []
        self.where: dict[tuple[str, str], tuple[Template, str]] = {}  # (type, physical name) -> origin
        for template in templates:
            resolver = Resolver(template.body, overrides, variant)
            self.resolvers.append(resolver)
            for logical_id, resource in (template.body.get("Resources") or {}).items():
                if not isinstance(resource, dict) or not resolver.included(logical_id):
                    continue
                kind = str(resource.get("Type", ""))
                self.resources.append((logical_id, kind, resolver.properties(logical_id), template))
                self.where[(kind, resolver.name(logical_id))] = (template, logical_id)
        first = self.resolvers[0] if self.resolvers else Resolver({})
        self.account, self.region, self.partition = first.account, first.region, first.partition

    def of_type(self, kind: str) -> list[tuple[str, dict[str, Any], Resolver]]:
        out = []
        for logical_id, k, props, template in self.resources:
            if k == kind:
                out.append((logical_id, props, self._resolver(template)))
        return out

    def _resolver(self, template: Template) -> Resolver:
        for resolver in self.resolvers:
            if resolver.body is template.body:
                return resolver
        raise KeyError(template.path)

    def deferred(self) -> dict[tuple[str, str], set[str]]:
        """(type, physical name) -> the properties of that resource decided at deployment."""
        out: dict[tuple[str, str], set[str]] = {}
        for resolver in self.resolvers:
            for logical_id, props in resolver.deferred.items():
                kind = str((resolver.resources.get(logical_id) or {}).get("Type", ""))
                out.setdefault((kind, resolver.name(logical_id)), set()).update(props)
        return out

    # ----------------------------------------------------------------------- the client seam
    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        return _Client(self, service)

    # ----------------------------------------------------------------------------- lambda
    def functions(self) -> dict[str, dict[str, Any]]:
        """Function name -> GetFunction's Configuration, plus the template-only parts under ``_``."""
        out: dict[str, dict[str, Any]] = {}
        for logical_id, props, resolver in self.of_type("AWS::Lambda::Function"):
            name = resolver.name(logical_id)
            code = props.get("Code") or {}
            conf: dict[str, Any] = {
                "FunctionName": name,
                "FunctionArn": resolver.arn(logical_id),
                "Runtime": props.get("Runtime"),
                "Role": props.get("Role"),
                "Handler": props.get("Handler"),
                "CodeSize": len(code["ZipFile"].encode()) if isinstance(code.get("ZipFile"), str) else 0,
                "Description": props.get("Description", ""),
                "Timeout": _number(props.get("Timeout", 3)),
                "MemorySize": _number(props.get("MemorySize", 128)),
                "Version": "$LATEST",
                "TracingConfig": {"Mode": (props.get("TracingConfig") or {}).get("Mode", "PassThrough")},
                "PackageType": props.get("PackageType", "Zip"),
                "Architectures": props.get("Architectures", ["x86_64"]),
                "EphemeralStorage": {"Size": _number((props.get("EphemeralStorage") or {}).get("Size", 512))},
                "Layers": [{"Arn": arn, "CodeSize": 0} for arn in props.get("Layers") or []],
                "State": "Active",
            }
            for source, target in (
                ("Environment", "Environment"),
                ("KmsKeyArn", "KMSKeyArn"),
                ("VpcConfig", "VpcConfig"),
                ("DeadLetterConfig", "DeadLetterConfig"),
                ("LoggingConfig", "LoggingConfig"),
            ):
                if source in props:
                    conf[target] = props[source]
            if conf["Runtime"] is None:
                conf.pop("Runtime")
            conf["_"] = {
                "tags": _tags(props.get("Tags")),
                "concurrency": _number(props.get("ReservedConcurrentExecutions")),
                "code_signing": props.get("CodeSigningConfigArn"),
            }
            out[name] = conf
        return out

    def _function(self, reference: Any) -> dict[str, Any]:
        functions = self.functions()
        name = str(reference).split(":function:")[-1].split(":")[0]
        if name not in functions:
            raise _not_found("GetFunction")
        return functions[name]

    def function_policy(self, function: str) -> dict[str, Any] | None:
        statements = []
        for logical_id, props, _ in self.of_type("AWS::Lambda::Permission"):
            if self._names_function(props.get("FunctionName"), function):
                statements.append(_permission_statement(logical_id, props, self._function(function)["FunctionArn"]))
        return {"Version": "2012-10-17", "Id": "default", "Statement": statements} if statements else None

    def _names_function(self, reference: Any, function: str) -> bool:
        return isinstance(reference, str) and reference.split(":function:")[-1].split(":")[0] == function


def _permission_statement(sid: str, props: dict[str, Any], function_arn: str) -> dict[str, Any]:
    """An AWS::Lambda::Permission as the statement AddPermission writes into the function's policy."""
    principal = props.get("Principal", "")
    if isinstance(principal, str) and principal.endswith(".amazonaws.com"):
        who: Any = {"Service": principal}
    elif principal == "*":
        who = "*"
    else:
        account = str(principal)
        who = {"AWS": account if account.startswith("arn:") else f"arn:aws:iam::{account}:root"}
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": who,
        "Action": props.get("Action", "lambda:InvokeFunction"),
        "Resource": function_arn,
    }
    condition: dict[str, dict[str, Any]] = {}
    if "SourceArn" in props:
        condition.setdefault("ArnLike", {})["AWS:SourceArn"] = props["SourceArn"]
    if "SourceAccount" in props:
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = props["SourceAccount"]
    if "PrincipalOrgID" in props:
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = props["PrincipalOrgID"]
    if "FunctionUrlAuthType" in props:
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = props["FunctionUrlAuthType"]
    if "EventSourceToken" in props:
        condition.setdefault("StringEquals", {})["lambda:EventSourceToken"] = props["EventSourceToken"]
    if condition:
        statement["Condition"] = condition
    return statement


class _Client:
    """One service's client: the operations collectors and rules call, answered from the account."""

    def __init__(self, account: TemplateAccount, service: str) -> None:
        self._account = account
        self._service = service

    def can_paginate(self, operation: str) -> bool:
        return False  # every answer is one page

    def __getattr__(self, operation: str) -> Callable[..., dict[str, Any]]:
        handler = _HANDLERS.get((self._service, operation))
        if handler is None:
            raise OfflineDataError(f"needs {self._service}:{operation}, which a template does not decide")

        def call(**kwargs: Any) -> dict[str, Any]:
            if not (self._account.partial and (self._service, operation) in _RELATED):
                return handler(self._account, **kwargs)
            try:
                answer = handler(self._account, **kwargs)
            except ClientError:
                answer = {}
            if not any(answer.values()):
                raise OfflineDataError(f"needs {_RELATED[(self._service, operation)]}, another resource of the stack")
            return answer

        return call


# What a rule reads, when it judges, from resources other than the function: with only part of a
# stack in view, finding none is not evidence that there is none. (Permissions, URLs and event
# invoke configs are read into the function's configuration item; without them in view the item has
# none, which can only make a rule pass or not apply: a partial view never fails a function on them.)
_RELATED = {("logs", "describe_log_groups"): "the function's log group"}


# ------------------------------------------------------------------------------ operations
def _lambda_list_functions(acct: TemplateAccount, **_: Any) -> dict[str, Any]:
    return {"Functions": [{k: v for k, v in conf.items() if k != "_"} for conf in acct.functions().values()]}


def _lambda_get_function(acct: TemplateAccount, FunctionName: str, **_: Any) -> dict[str, Any]:
    conf = acct._function(FunctionName)
    out: dict[str, Any] = {"Configuration": {k: v for k, v in conf.items() if k != "_"}, "Tags": conf["_"]["tags"]}
    if conf["_"]["concurrency"] is not None:
        out["Concurrency"] = {"ReservedConcurrentExecutions": conf["_"]["concurrency"]}
    return out


def _lambda_get_function_configuration(acct: TemplateAccount, FunctionName: str, **_: Any) -> dict[str, Any]:
    return _lambda_get_function(acct, FunctionName)["Configuration"]


def _lambda_get_policy(acct: TemplateAccount, FunctionName: str, **_: Any) -> dict[str, Any]:
    name = acct._function(FunctionName)["FunctionName"]
    policy = acct.function_policy(name)
    if policy is None:
        raise _not_found("GetPolicy")
    return {"Policy": json.dumps(policy), "RevisionId": "1"}


def _lambda_get_function_url_config(acct: TemplateAccount, FunctionName: str, **_: Any) -> dict[str, Any]:
    conf = acct._function(FunctionName)
    for _logical, props, _ in acct.of_type("AWS::Lambda::Url"):
        if acct._names_function(props.get("TargetFunctionArn"), conf["FunctionName"]):
            out: dict[str, Any] = {
                "FunctionUrl": f"https://{conf['FunctionName'].lower()}.lambda-url.{acct.region}.on.aws/",
                "FunctionArn": conf["FunctionArn"],
                "AuthType": props.get("AuthType", "AWS_IAM"),
                "CreationTime": "2026-01-01T00:00:00Z",
                "LastModifiedTime": "2026-01-01T00:00:00Z",
            }
            if props.get("Cors"):
                out["Cors"] = props["Cors"]
            return out
    raise _not_found("GetFunctionUrlConfig")


def _lambda_event_invoke_configs(acct: TemplateAccount, FunctionName: str, **_: Any) -> dict[str, Any]:
    conf = acct._function(FunctionName)
    configs = []
    for _logical, props, _ in acct.of_type("AWS::Lambda::EventInvokeConfig"):
        if acct._names_function(props.get("FunctionName"), conf["FunctionName"]):
            entry = {"FunctionArn": conf["FunctionArn"], "LastModified": "2026-01-01T00:00:00Z"}
            if props.get("DestinationConfig"):
                entry["DestinationConfig"] = props["DestinationConfig"]
            configs.append(entry)
    return {"FunctionEventInvokeConfigs": configs}


def _lambda_function_code_signing(acct: TemplateAccount, FunctionName: str, **_: Any) -> dict[str, Any]:
    conf = acct._function(FunctionName)
    out = {"FunctionName": conf["FunctionName"]}
    if conf["_"]["code_signing"]:
        out["CodeSigningConfigArn"] = conf["_"]["code_signing"]
    return out


def _lambda_code_signing_config(acct: TemplateAccount, CodeSigningConfigArn: str, **_: Any) -> dict[str, Any]:
    for logical_id, props, resolver in acct.of_type("AWS::Lambda::CodeSigningConfig"):
        arn = resolver.arn(logical_id)
        if arn == CodeSigningConfigArn:
            return {
                "CodeSigningConfig": {
                    "CodeSigningConfigId": arn.rsplit(":", 1)[-1],
                    "CodeSigningConfigArn": arn,
                    "AllowedPublishers": props.get("AllowedPublishers") or {"SigningProfileVersionArns": []},
                    "CodeSigningPolicies": props.get("CodeSigningPolicies")
                    or {"UntrustedArtifactOnDeployment": "Warn"},
                    "LastModified": "2026-01-01T00:00:00Z",
                }
            }
    raise OfflineDataError("needs a code signing config defined outside the template")


# ----------------------------------------------------------------------------------- iam
def _roles(acct: TemplateAccount) -> dict[str, tuple[str, dict[str, Any], Resolver]]:
    return {resolver.name(lid): (lid, props, resolver) for lid, props, resolver in acct.of_type("AWS::IAM::Role")}


def _role(acct: TemplateAccount, name: str) -> tuple[str, dict[str, Any], Resolver]:
    roles = _roles(acct)
    if name not in roles:
        raise OfflineDataError(f"needs role {name}, which is defined outside the template")
    return roles[name]


def _iam_get_role(acct: TemplateAccount, RoleName: str, **_: Any) -> dict[str, Any]:
    logical_id, props, resolver = _role(acct, RoleName)
    role: dict[str, Any] = {
        "Path": props.get("Path", "/"),
        "RoleName": RoleName,
        "RoleId": "AROA" + logical_id.upper()[:17].ljust(17, "X"),
        "Arn": resolver.arn(logical_id),
        "CreateDate": "2026-01-01T00:00:00Z",
        "AssumeRolePolicyDocument": props.get("AssumeRolePolicyDocument") or {},
        "Tags": [{"Key": k, "Value": v} for k, v in _tags(props.get("Tags")).items()],
    }
    if props.get("PermissionsBoundary"):
        boundary = props["PermissionsBoundary"]
        role["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return {"Role": role}


def _inline(acct: TemplateAccount, role: str) -> dict[str, Any]:
    _, props, _ = _role(acct, role)
    out = {p.get("PolicyName"): p.get("PolicyDocument") for p in props.get("Policies") or [] if isinstance(p, dict)}
    for kind in ("AWS::IAM::Policy", "AWS::IAM::RolePolicy"):
        for _lid, policy, _ in acct.of_type(kind):
            roles = policy.get("Roles") or ([policy.get("RoleName")] if policy.get("RoleName") else [])
            if role in roles or any(str(r).endswith(f"/{role}") for r in roles):
                out[policy.get("PolicyName")] = policy.get("PolicyDocument")
    return out


def _iam_list_role_policies(acct: TemplateAccount, RoleName: str, **_: Any) -> dict[str, Any]:
    return {"PolicyNames": sorted(str(n) for n in _inline(acct, RoleName))}


def _iam_get_role_policy(acct: TemplateAccount, RoleName: str, PolicyName: str, **_: Any) -> dict[str, Any]:
    document = _inline(acct, RoleName).get(PolicyName)
    if document is None:
        raise _not_found("GetRolePolicy", "NoSuchEntity")
    return {"RoleName": RoleName, "PolicyName": PolicyName, "PolicyDocument": document}


def _iam_attached(acct: TemplateAccount, RoleName: str, **_: Any) -> dict[str, Any]:
    _, props, _ = _role(acct, RoleName)
    arns = [str(a) for a in props.get("ManagedPolicyArns") or []]
    for logical_id, policy, resolver in acct.of_type("AWS::IAM::ManagedPolicy"):
        if RoleName in (policy.get("Roles") or []):
            arns.append(resolver.arn(logical_id))
    return {"AttachedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in dict.fromkeys(arns)]}


def _managed(acct: TemplateAccount, arn: str) -> dict[str, Any]:
    for logical_id, policy, resolver in acct.of_type("AWS::IAM::ManagedPolicy"):
        if resolver.arn(logical_id) == arn:
            return policy
    raise OfflineDataError(f"needs policy {arn.rsplit('/', 1)[-1]}, which is defined outside the template")


def _iam_get_policy(acct: TemplateAccount, PolicyArn: str, **_: Any) -> dict[str, Any]:
    _managed(acct, PolicyArn)
    name = PolicyArn.rsplit("/", 1)[-1]
    return {
        "Policy": {
            "PolicyName": name,
            "PolicyId": "ANPA" + name.upper()[:17].ljust(17, "X"),
            "Arn": PolicyArn,
            "Path": "/",
            "DefaultVersionId": "v1",
            "AttachmentCount": 1,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
        }
    }


def _iam_get_policy_version(acct: TemplateAccount, PolicyArn: str, VersionId: str, **_: Any) -> dict[str, Any]:
    document = _managed(acct, PolicyArn).get("PolicyDocument") or {}
    return {"PolicyVersion": {"Document": document, "VersionId": VersionId, "IsDefaultVersion": True}}


# ----------------------------------------------------------------------------------- ec2
def _security_groups(acct: TemplateAccount, GroupIds: list[str] | None = None, **_: Any) -> dict[str, Any]:
    groups = {}
    for logical_id, props, resolver in acct.of_type("AWS::EC2::SecurityGroup"):
        group_id = resolver.name(logical_id)
        egress = [_permission(rule) for rule in props.get("SecurityGroupEgress") or []]
        groups[group_id] = {
            "GroupId": group_id,
            "GroupName": props.get("GroupName", logical_id),
            "Description": props.get("GroupDescription", ""),
            "VpcId": props.get("VpcId", ""),
            "OwnerId": acct.account,
            "IpPermissions": [_permission(rule) for rule in props.get("SecurityGroupIngress") or []],
            "IpPermissionsEgress": egress,
        }
    for _lid, rule, _ in acct.of_type("AWS::EC2::SecurityGroupEgress"):
        if rule.get("GroupId") in groups:
            groups[rule["GroupId"]]["IpPermissionsEgress"].append(_permission(rule))
    for group in groups.values():
        if not group["IpPermissionsEgress"]:  # EC2's default egress rule (see the module docstring)
            group["IpPermissionsEgress"] = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    wanted = GroupIds or list(groups)
    missing = [g for g in wanted if g not in groups]
    if missing:
        raise OfflineDataError(f"needs security group {missing[0]}, which is defined outside the template")
    return {"SecurityGroups": [groups[g] for g in wanted]}


def _permission(rule: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"IpProtocol": str(rule.get("IpProtocol", "-1"))}
    for key in ("FromPort", "ToPort"):
        if key in rule:
            out[key] = int(rule[key])
    if "CidrIp" in rule:
        out["IpRanges"] = [{"CidrIp": rule["CidrIp"]}]
    if "CidrIpv6" in rule:
        out["Ipv6Ranges"] = [{"CidrIpv6": rule["CidrIpv6"]}]
    peer = rule.get("DestinationSecurityGroupId") or rule.get("SourceSecurityGroupId")
    if peer:
        out["UserIdGroupPairs"] = [{"GroupId": peer}]
    if rule.get("DestinationPrefixListId"):
        out["PrefixListIds"] = [{"PrefixListId": rule["DestinationPrefixListId"]}]
    return out


def _subnets(acct: TemplateAccount, SubnetIds: list[str] | None = None, **_: Any) -> dict[str, Any]:
    subnets = {}
    for logical_id, props, resolver in acct.of_type("AWS::EC2::Subnet"):
        subnet_id = resolver.name(logical_id)
        subnets[subnet_id] = {
            "SubnetId": subnet_id,
            "VpcId": props.get("VpcId", ""),
            "AvailabilityZone": props.get("AvailabilityZone", ""),
            "CidrBlock": props.get("CidrBlock", ""),
            "State": "available",
        }
    wanted = SubnetIds or list(subnets)
    missing = [s for s in wanted if s not in subnets]
    if missing:
        raise OfflineDataError(f"needs subnet {missing[0]}, which is defined outside the template")
    return {"Subnets": [subnets[s] for s in wanted]}


# ---------------------------------------------------------------------------- logs, kms, ...
def _log_groups(acct: TemplateAccount, logGroupNamePrefix: str = "", **_: Any) -> dict[str, Any]:
    groups = []
    for logical_id, props, resolver in acct.of_type("AWS::Logs::LogGroup"):
        name = resolver.name(logical_id)
        if name.startswith(logGroupNamePrefix):
            group: dict[str, Any] = {"logGroupName": name, "arn": resolver.arn(logical_id), "storedBytes": 0}
            if "RetentionInDays" in props:
                group["retentionInDays"] = int(props["RetentionInDays"])
            if props.get("KmsKeyId"):
                group["kmsKeyId"] = props["KmsKeyId"]
            groups.append(group)
    return {"logGroups": groups}


def _kms_keys(acct: TemplateAccount) -> dict[str, tuple[str, dict[str, Any], Resolver]]:
    return {resolver.name(lid): (lid, props, resolver) for lid, props, resolver in acct.of_type("AWS::KMS::Key")}


def _kms_key(acct: TemplateAccount, reference: str) -> tuple[str, dict[str, Any], Resolver]:
    keys = _kms_keys(acct)
    key_id = reference.rsplit("/", 1)[-1] if ":key/" in reference else reference
    if key_id in keys:
        return keys[key_id]
    for _lid, alias, _ in acct.of_type("AWS::KMS::Alias"):
        if alias.get("AliasName") == reference or reference.endswith(f":{alias.get('AliasName')}"):
            target = str(alias.get("TargetKeyId", ""))
            target = target.rsplit("/", 1)[-1] if ":key/" in target else target
            if target in keys:
                return keys[target]
    raise OfflineDataError("needs a KMS key defined outside the template")


def _kms_describe_key(acct: TemplateAccount, KeyId: str, **_: Any) -> dict[str, Any]:
    if KeyId.startswith("alias/aws/") or ":alias/aws/" in KeyId:  # AWS managed keys have these aliases
        return {"KeyMetadata": {"KeyId": KeyId, "KeyManager": "AWS", "KeyState": "Enabled", "Enabled": True}}
    logical_id, props, resolver = _kms_key(acct, KeyId)
    return {
        "KeyMetadata": {
            "AWSAccountId": acct.account,
            "KeyId": resolver.name(logical_id),
            "Arn": resolver.arn(logical_id),
            "Enabled": props.get("Enabled", True),
            "KeyState": "Enabled" if props.get("Enabled", True) else "Disabled",
            "KeyManager": "CUSTOMER",
            "KeySpec": props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            "KeyUsage": props.get("KeyUsage", "ENCRYPT_DECRYPT"),
            "Origin": props.get("Origin", "AWS_KMS"),
        }
    }


def _kms_list_keys(acct: TemplateAccount, **_: Any) -> dict[str, Any]:
    keys = [{"KeyId": r.name(lid), "KeyArn": r.arn(lid)} for lid, _p, r in acct.of_type("AWS::KMS::Key")]
    return {"Keys": keys}


def _kms_rotation(acct: TemplateAccount, KeyId: str, **_: Any) -> dict[str, Any]:
    _, props, _ = _kms_key(acct, KeyId)
    return {"KeyRotationEnabled": bool(props.get("EnableKeyRotation", False))}


def _tables(acct: TemplateAccount) -> dict[str, tuple[str, dict[str, Any], Resolver]]:
    return {r.name(lid): (lid, p, r) for lid, p, r in acct.of_type("AWS::DynamoDB::Table")}


def _dynamodb_describe_table(acct: TemplateAccount, TableName: str, **_: Any) -> dict[str, Any]:
    if TableName not in _tables(acct):
        raise _not_found("DescribeTable")
    logical_id, props, resolver = _tables(acct)[TableName]
    sse = props.get("SSESpecification") or {}
    table: dict[str, Any] = {"TableName": TableName, "TableArn": resolver.arn(logical_id), "TableStatus": "ACTIVE"}
    if sse.get("SSEEnabled"):
        description = {"Status": "ENABLED", "SSEType": "KMS"}
        if sse.get("KMSMasterKeyId"):
            description["KMSMasterKeyArn"] = sse["KMSMasterKeyId"]
        table["SSEDescription"] = description
    return {"Table": table}


def _dynamodb_backups(acct: TemplateAccount, TableName: str, **_: Any) -> dict[str, Any]:
    if TableName not in _tables(acct):
        raise _not_found("DescribeContinuousBackups", "TableNotFoundException")
    _, props, _ = _tables(acct)[TableName]
    enabled = (props.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled") is True
    status = "ENABLED" if enabled else "DISABLED"
    return {
        "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status},
        }
    }


def _secrets(acct: TemplateAccount, **_: Any) -> dict[str, Any]:
    rotations = {str(p.get("SecretId")): p for _l, p, _r in acct.of_type("AWS::SecretsManager::RotationSchedule")}
    listed = []
    for logical_id, props, resolver in acct.of_type("AWS::SecretsManager::Secret"):
        arn, name = resolver.arn(logical_id), resolver.name(logical_id)
        entry: dict[str, Any] = {"ARN": arn, "Name": name, "Tags": []}
        if props.get("KmsKeyId"):
            entry["KmsKeyId"] = props["KmsKeyId"]
        rotation = rotations.get(arn) or rotations.get(name)
        if rotation:
            entry["RotationEnabled"] = True
            entry["RotationRules"] = rotation.get("RotationRules") or {}
        listed.append(entry)
    return {"SecretList": listed}


def _ssm_parameters(acct: TemplateAccount, **_: Any) -> dict[str, Any]:
    params = [
        {"Name": r.name(lid), "Type": p.get("Type", "String"), "Version": 1}
        for lid, p, r in acct.of_type("AWS::SSM::Parameter")
    ]
    return {"Parameters": params}


def _empty(key: str) -> Callable[..., dict[str, Any]]:
    return lambda acct, **_: {key: []}


_HANDLERS: dict[tuple[str, str], Callable[..., dict[str, Any]]] = {
    ("sts", "get_caller_identity"): lambda acct, **_: {"Account": acct.account, "Arn": "", "UserId": ""},
    ("lambda", "list_functions"): _lambda_list_functions,
    ("lambda", "get_function"): _lambda_get_function,
    ("lambda", "get_function_configuration"): _lambda_get_function_configuration,
    ("lambda", "get_policy"): _lambda_get_policy,
    ("lambda", "get_function_url_config"): _lambda_get_function_url_config,
    ("lambda", "list_function_event_invoke_configs"): _lambda_event_invoke_configs,
    ("lambda", "get_function_code_signing_config"): _lambda_function_code_signing,
    ("lambda", "get_code_signing_config"): _lambda_code_signing_config,
    ("iam", "get_role"): _iam_get_role,
    ("iam", "list_role_policies"): _iam_list_role_policies,
    ("iam", "get_role_policy"): _iam_get_role_policy,
    ("iam", "list_attached_role_policies"): _iam_attached,
    ("iam", "get_policy"): _iam_get_policy,
    ("iam", "get_policy_version"): _iam_get_policy_version,
    ("ec2", "describe_security_groups"): _security_groups,
    ("ec2", "describe_subnets"): _subnets,
    ("logs", "describe_log_groups"): _log_groups,
    ("kms", "list_keys"): _kms_list_keys,
    ("kms", "describe_key"): _kms_describe_key,
    ("kms", "get_key_rotation_status"): _kms_rotation,
    ("kms", "list_resource_tags"): _empty("Tags"),
    ("dynamodb", "list_tables"): lambda acct, **_: {"TableNames": sorted(_tables(acct))},
    ("dynamodb", "describe_table"): _dynamodb_describe_table,
    ("dynamodb", "describe_continuous_backups"): _dynamodb_backups,
    ("dynamodb", "list_tags_of_resource"): _empty("Tags"),
    ("secretsmanager", "list_secrets"): _secrets,
    ("ssm", "describe_parameters"): _ssm_parameters,
}
_HANDLERS.update(api_gateway.HANDLERS)
