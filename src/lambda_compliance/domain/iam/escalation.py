"""Privilege-escalation paths open to a compromised identity, as named data.

Each ``EscalationPath`` lists the actions it needs (all of ``requires``; at least one of
``any_of``) and whether it needs ``iam:PassRole``. ``escalation_paths`` checks them against
``EffectivePermissions`` and names the statements that grant each path.

Resource rules, decided here:

* ``iam:PassRole`` opens a path when it may pass *some* role we cannot vouch for: a wildcard
  resource, NotResource, or a specific role that ``role_is_admin`` says is admin. A PassRole
  scoped to specific non-admin roles (or roles we cannot look up) is not a finding.
  ``iam:PassedToService`` limiting the pass to another service closes the paths of the others.
* ``lambda:UpdateFunctionCode`` only counts on functions other than the evaluated one.
* ``sts:AssumeRole`` only counts on a wildcard resource.
* The IAM write paths count on any resource: even one named user or policy is a way up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lambda_compliance.domain.iam.actions import display
from lambda_compliance.domain.iam.analysis import EffectivePermissions, Finding, Grant
from lambda_compliance.domain.iam.policy import action_matches

PASSROLE = "iam:passrole"


@dataclass(frozen=True)
class EscalationPath:
    name: str
    requires: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    passrole: bool = False
    passed_to: str | None = None  # service principal the role is passed to
    description: str = ""


ESCALATION_PATHS: tuple[EscalationPath, ...] = (
    EscalationPath(
        "PassRole+lambda:CreateFunction",
        requires=("lambda:createfunction",),
        passrole=True,
        passed_to="lambda.amazonaws.com",
        description="create a function running as a more privileged role, then invoke it directly "
        "or through lambda:CreateEventSourceMapping",
    ),
    EscalationPath(
        "PassRole+lambda:UpdateFunctionConfiguration",
        requires=("lambda:updatefunctionconfiguration",),
        passrole=True,
        passed_to="lambda.amazonaws.com",
        description="swap an existing function's execution role for a more privileged one",
    ),
    EscalationPath(
        "lambda:UpdateFunctionCode",
        requires=("lambda:updatefunctioncode",),
        description="replace the code of another function and act with its role",
    ),
    EscalationPath(
        "iam:CreatePolicyVersion",
        requires=("iam:createpolicyversion",),
        description="write a new default version of a managed policy",
    ),
    EscalationPath(
        "iam:SetDefaultPolicyVersion",
        requires=("iam:setdefaultpolicyversion",),
        description="roll a managed policy back to a more permissive version",
    ),
    EscalationPath(
        "iam:Attach*Policy",
        any_of=("iam:attachuserpolicy", "iam:attachgrouppolicy", "iam:attachrolepolicy"),
        description="attach AdministratorAccess to an identity it controls",
    ),
    EscalationPath(
        "iam:Put*Policy",
        any_of=("iam:putuserpolicy", "iam:putgrouppolicy", "iam:putrolepolicy"),
        description="write an inline admin policy onto an identity it controls",
    ),
    EscalationPath(
        "iam:UpdateAssumeRolePolicy",
        requires=("iam:updateassumerolepolicy",),
        description="let itself assume a more privileged role",
    ),
    EscalationPath(
        "iam:CreateAccessKey",
        requires=("iam:createaccesskey",),
        description="mint long-term keys for another user",
    ),
    EscalationPath(
        "iam:Create/UpdateLoginProfile",
        any_of=("iam:createloginprofile", "iam:updateloginprofile"),
        description="set a console password for another user",
    ),
    EscalationPath(
        "iam:AddUserToGroup",
        requires=("iam:addusertogroup",),
        description="join a more privileged group",
    ),
    EscalationPath(
        "PassRole+ec2:RunInstances",
        requires=("ec2:runinstances",),
        passrole=True,
        passed_to="ec2.amazonaws.com",
        description="start an instance with a more privileged instance profile",
    ),
    EscalationPath(
        "PassRole+cloudformation:CreateStack",
        requires=("cloudformation:createstack",),
        passrole=True,
        passed_to="cloudformation.amazonaws.com",
        description="let CloudFormation create resources as a more privileged role",
    ),
    EscalationPath(
        "PassRole+glue:CreateDevEndpoint",
        requires=("glue:createdevendpoint",),
        passrole=True,
        passed_to="glue.amazonaws.com",
        description="open a Glue dev endpoint running as a more privileged role",
    ),
    EscalationPath(
        "sts:AssumeRole on *",
        requires=("sts:assumerole",),
        description="assume any role whose trust policy admits this account",
    ),
)

RoleIsAdmin = Callable[[str], "bool | None"]


def _wildcard(resource: str) -> bool:
    return "*" in resource or "?" in resource


def _passrole_ok(grant: Grant, path: EscalationPath, role_is_admin: RoleIsAdmin | None) -> bool:
    for cond in grant.statement.conditions:
        limits_service = cond.key == "iam:passedtoservice" and cond.operator in ("StringEquals", "StringLike")
        if (
            limits_service
            and not cond.if_exists
            and not any(action_matches(v, path.passed_to or "") for v in cond.values)
        ):
            return False  # the role can only go to another service: this path stays closed
    if grant.not_resource or not grant.resources:
        return True
    for resource in grant.resources:
        if _wildcard(resource):
            return True
        if role_is_admin is not None and role_is_admin(resource):
            return True
    return False


def _qualifies(
    action: str,
    grant: Grant,
    path: EscalationPath,
    function_arn: str | None,
    role_is_admin: RoleIsAdmin | None,
) -> bool:
    if action == PASSROLE:
        return _passrole_ok(grant, path, role_is_admin)
    if action == "lambda:updatefunctioncode" and function_arn:
        own = function_arn.lower()
        others = [r for r in grant.resources if r.lower() not in (own, own + ":*")]
        return grant.not_resource or not grant.resources or bool(others)
    if action == "sts:assumerole":
        return grant.not_resource or not grant.resources or any(_wildcard(r) for r in grant.resources)
    return True


def _scoping_keys(grant: Grant, action: str) -> tuple[str, ...]:
    # iam:PassedToService that matches the path is what makes it possible, not a scope.
    keys = grant.condition_keys
    return tuple(k for k in keys if not (action == PASSROLE and k == "iam:passedtoservice"))


def _best(
    action: str,
    perms: EffectivePermissions,
    path: EscalationPath,
    function_arn: str | None,
    role_is_admin: RoleIsAdmin | None,
) -> Grant | None:
    """A grant of ``action`` that opens the path, preferring an unscoped one."""
    candidates = [g for g in perms.grants_for(action) if _qualifies(action, g, path, function_arn, role_is_admin)]
    candidates.sort(key=lambda g: bool(_scoping_keys(g, action)))
    return candidates[0] if candidates else None


def escalation_paths(
    perms: EffectivePermissions,
    function_arn: str | None = None,
    role_is_admin: RoleIsAdmin | None = None,
    paths: tuple[EscalationPath, ...] = ESCALATION_PATHS,
) -> list[Finding]:
    """Every known path ``perms`` opens, naming the statements that grant each step."""
    findings = []
    for path in paths:
        steps: list[tuple[str, Grant]] = []
        needed = ((PASSROLE,) if path.passrole else ()) + path.requires
        for action in needed:
            grant = _best(action, perms, path, function_arn, role_is_admin)
            if grant is None:
                break
            steps.append((action, grant))
        else:
            if path.any_of:
                options = [(a, _best(a, perms, path, function_arn, role_is_admin)) for a in path.any_of]
                found = [(a, g) for a, g in options if g is not None]
                if not found:
                    continue
                found.sort(key=lambda ag: bool(_scoping_keys(ag[1], ag[0])))
                steps.append(found[0])
            if not steps:
                continue
            where = tuple(dict.fromkeys(g.where for _, g in steps))
            keys = tuple(dict.fromkeys(k for a, g in steps for k in _scoping_keys(g, a)))
            actions = tuple(display(a) for a, _ in steps)
            findings.append(Finding("escalation", path.name, where, actions, keys))
    return findings
