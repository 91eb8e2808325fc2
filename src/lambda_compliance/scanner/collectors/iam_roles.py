"""AWS::IAM::Role and AWS::IAM::Policy CIs for the execution roles of the collected functions.

Shaped as Config records them: policy documents URL-encoded, managed policies
attached by name and ARN, customer managed policies as their own CIs. AWS
managed policies are not recorded by Config; rules read those from IAM.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from lambda_compliance.scanner.collectors import CollectContext

ORDER = 20
DEPENDS = {
    "AWS::IAM::Role": {"AWS::Lambda::Function"},
    "AWS::IAM::Policy": {"AWS::IAM::Role"},
}
NO_SUCH_ENTITY = ("NoSuchEntity",)


def _encoded(document: Any) -> str:
    # boto3 hands documents back decoded; Config stores them URL-encoded.
    return quote(document if isinstance(document, str) else json.dumps(document))


def role_ci(ctx: CollectContext, name: str) -> dict[str, Any] | None:
    reader = ctx.reader
    role = (reader.call("iam", "get_role", missing=NO_SUCH_ENTITY, RoleName=name) or {}).get("Role")
    if not role:
        return None
    inline_names = reader.collect("iam", "list_role_policies", "PolicyNames", missing=NO_SUCH_ENTITY, RoleName=name)
    inline = []
    for policy_name in inline_names:
        got = reader.call("iam", "get_role_policy", missing=NO_SUCH_ENTITY, RoleName=name, PolicyName=policy_name)
        if got:
            inline.append({"policyName": policy_name, "policyDocument": _encoded(got.get("PolicyDocument"))})
    attached = reader.collect(
        "iam", "list_attached_role_policies", "AttachedPolicies", missing=NO_SUCH_ENTITY, RoleName=name
    )
    boundary = role.get("PermissionsBoundary")
    configuration = {
        "path": role.get("Path"),
        "roleName": role.get("RoleName"),
        "roleId": role.get("RoleId"),
        "arn": role.get("Arn"),
        "createDate": str(role.get("CreateDate")),
        "assumeRolePolicyDocument": _encoded(role.get("AssumeRolePolicyDocument") or {}),
        "instanceProfileList": [],
        "rolePolicyList": inline,
        "attachedManagedPolicies": [
            {"policyName": p.get("PolicyName"), "policyArn": p.get("PolicyArn")} for p in attached
        ],
        "permissionsBoundary": (
            {
                "permissionsBoundaryType": boundary.get("PermissionsBoundaryType"),
                "permissionsBoundaryArn": boundary.get("PermissionsBoundaryArn"),
            }
            if boundary
            else None
        ),
        "tags": [{"key": t["Key"], "value": t["Value"]} for t in role.get("Tags") or []],
    }
    ci = ctx.base_ci("AWS::IAM::Role", role["RoleId"], role["RoleName"], role["Arn"], region="global")
    ci["configuration"] = configuration
    ci["tags"] = {t["Key"]: t["Value"] for t in role.get("Tags") or []}
    return ci


def policy_ci(ctx: CollectContext, arn: str) -> dict[str, Any] | None:
    reader = ctx.reader
    policy = (reader.call("iam", "get_policy", missing=NO_SUCH_ENTITY, PolicyArn=arn) or {}).get("Policy")
    if not policy:
        return None
    version_id = policy.get("DefaultVersionId")
    version = (
        reader.call("iam", "get_policy_version", missing=NO_SUCH_ENTITY, PolicyArn=arn, VersionId=version_id) or {}
    ).get("PolicyVersion") or {}
    configuration = {
        "policyName": policy.get("PolicyName"),
        "policyId": policy.get("PolicyId"),
        "arn": arn,
        "path": policy.get("Path"),
        "defaultVersionId": version_id,
        "attachmentCount": policy.get("AttachmentCount"),
        "permissionsBoundaryUsageCount": policy.get("PermissionsBoundaryUsageCount"),
        "isAttachable": policy.get("IsAttachable"),
        "policyVersionList": [
            {
                "document": _encoded(version.get("Document") or {}),
                "versionId": version_id,
                "isDefaultVersion": True,
                "createDate": str(version.get("CreateDate")),
            }
        ],
    }
    ci = ctx.base_ci("AWS::IAM::Policy", policy["PolicyId"], policy["PolicyName"], arn, region="global")
    ci["configuration"] = configuration
    return ci


def _function_role_names(ctx: CollectContext) -> list[str]:
    names = {
        rel["resourceName"]
        for ci in ctx.built.get("AWS::Lambda::Function", [])
        for rel in ci.get("relationships", [])
        if rel.get("resourceType") == "AWS::IAM::Role" and rel.get("resourceName")
    }
    return sorted(names)


def build_roles(ctx: CollectContext) -> list[dict[str, Any]]:
    return [ci for ci in ctx.pool.map(lambda n: role_ci(ctx, n), _function_role_names(ctx)) if ci]


def build_policies(ctx: CollectContext) -> list[dict[str, Any]]:
    arns: set[str] = set()
    for role in ctx.built.get("AWS::IAM::Role", []):
        configuration = role["configuration"]
        arns.update(p["policyArn"] for p in configuration["attachedManagedPolicies"] if p.get("policyArn"))
        boundary = configuration.get("permissionsBoundary") or {}
        if boundary.get("permissionsBoundaryArn"):
            arns.add(boundary["permissionsBoundaryArn"])
    customer = sorted(a for a in arns if ":iam::aws:policy/" not in a)
    return [ci for ci in ctx.pool.map(lambda a: policy_ci(ctx, a), customer) if ci]


BUILDERS = {"AWS::IAM::Role": build_roles, "AWS::IAM::Policy": build_policies}
