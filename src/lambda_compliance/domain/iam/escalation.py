"""Privilege-escalation paths open to a compromised identity, as named data.

Each ``EscalationPath`` lists its steps (every step needs one of its actions) and whether it needs
``iam:PassRole``. ``escalation_paths`` checks them against ``EffectivePermissions`` and names the
statements that grant each step.

Resource rules, decided here:

* ``iam:PassRole`` opens a path when it may pass *some* role we cannot vouch for: a wildcard
  resource, NotResource, or a specific role that ``role_is_admin`` says is admin. A PassRole
  scoped to specific non-admin roles (or roles we cannot look up) is not a finding.
  ``iam:PassedToService`` limiting the pass to another service closes the paths of the others.
* ``lambda:UpdateFunctionCode`` and the plain ``lambda:UpdateFunctionConfiguration`` path (new
  environment or layers: the injected code runs as the other function's role) only count on
  functions other than the evaluated one. Swapping the role (with PassRole) counts on any function.
* ``ssm:SendCommand`` / ``ssm:StartSession`` count on every instance (``*``, or a broad instance
  ARN): some instance's profile is then reachable. On named instances they are not a finding.
* ``sts:AssumeRole`` counts on a wildcard resource ("any role whose trust admits this account"),
  and on a named role that ``role_assumable`` says is admin or escalatable and trusts this role
  or its account (``AssumeTarget``). The lookup goes one hop: the target's own AssumeRole grants
  are judged by the wildcard rule only, never chased further.
* The IAM write paths count on any resource: even one named user or policy is a way up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from lambda_compliance.domain.iam.actions import display
from lambda_compliance.domain.iam.policy import action_matches
from lambda_compliance.domain.iam.types import EffectivePermissions, Finding, Grant, is_broad_resource

PASSROLE = "iam:passrole"
Scope = Literal["any", "other-functions", "every-instance", "wildcard"]


@dataclass(frozen=True)
class EscalationPath:
    name: str
    steps: tuple[tuple[str, ...], ...]  # every step; each satisfied by any one of its actions
    passrole: bool = False
    passed_to: str | None = None  # service principal the role is passed to
    scope: Scope = "any"  # which resources of the non-PassRole steps open the path
    description: str = ""
    subsumed_by: str | None = None  # a stronger path whose finding makes this one redundant


def _each(*actions: str) -> tuple[tuple[str, ...], ...]:
    return tuple((a,) for a in actions)


def _passrole(name: str, service: str, steps: tuple[tuple[str, ...], ...], description: str) -> EscalationPath:
    return EscalationPath(name, steps, passrole=True, passed_to=f"{service}.amazonaws.com", description=description)


ESCALATION_PATHS: tuple[EscalationPath, ...] = (
    _passrole(
        "PassRole+lambda:CreateFunction",
        "lambda",
        _each("lambda:createfunction"),
        "create a function running as a more privileged role, then invoke it directly "
        "or through lambda:CreateEventSourceMapping",
    ),
    _passrole(
        "PassRole+lambda:UpdateFunctionConfiguration",
        "lambda",
        _each("lambda:updatefunctionconfiguration"),
        "swap an existing function's execution role for a more privileged one",
    ),
    EscalationPath(
        "lambda:UpdateFunctionCode",
        _each("lambda:updatefunctioncode"),
        scope="other-functions",
        description="replace the code of another function and act with its role",
    ),
    EscalationPath(
        "lambda:UpdateFunctionConfiguration",
        _each("lambda:updatefunctionconfiguration"),
        scope="other-functions",
        description="inject a layer or environment (AWS_LAMBDA_EXEC_WRAPPER, NODE_OPTIONS...) into another "
        "function: the injected code runs as its role",
        subsumed_by="PassRole+lambda:UpdateFunctionConfiguration",
    ),
    EscalationPath(
        "iam:CreatePolicyVersion",
        _each("iam:createpolicyversion"),
        description="write a new default version of a managed policy",
    ),
    EscalationPath(
        "iam:SetDefaultPolicyVersion",
        _each("iam:setdefaultpolicyversion"),
        description="roll a managed policy back to a more permissive version",
    ),
    EscalationPath(
        "iam:Attach*Policy",
        (("iam:attachuserpolicy", "iam:attachgrouppolicy", "iam:attachrolepolicy"),),
        description="attach AdministratorAccess to an identity it controls",
    ),
    EscalationPath(
        "iam:Put*Policy",
        (("iam:putuserpolicy", "iam:putgrouppolicy", "iam:putrolepolicy"),),
        description="write an inline admin policy onto an identity it controls",
    ),
    EscalationPath(
        "iam:UpdateAssumeRolePolicy",
        _each("iam:updateassumerolepolicy"),
        description="let itself assume a more privileged role",
    ),
    EscalationPath(
        "iam:CreateAccessKey",
        _each("iam:createaccesskey"),
        description="mint long-term keys for another user",
    ),
    EscalationPath(
        "iam:Create/UpdateLoginProfile",
        (("iam:createloginprofile", "iam:updateloginprofile"),),
        description="set a console password for another user",
    ),
    EscalationPath(
        "iam:AddUserToGroup",
        _each("iam:addusertogroup"),
        description="join a more privileged group",
    ),
    _passrole(
        "PassRole+ec2:RunInstances",
        "ec2",
        _each("ec2:runinstances"),
        "start an instance with a more privileged instance profile",
    ),
    _passrole(
        "PassRole+ecs:RegisterTaskDefinition+RunTask",
        "ecs-tasks",
        (("ecs:registertaskdefinition",), ("ecs:runtask", "ecs:starttask")),
        "register a task definition with a more privileged task role and run it",
    ),
    _passrole(
        "PassRole+codebuild:Create/UpdateProject+StartBuild",
        "codebuild",
        (("codebuild:createproject", "codebuild:updateproject"), ("codebuild:startbuild", "codebuild:startbuildbatch")),
        "point a build project at a more privileged service role and run a build of its choosing",
    ),
    _passrole(
        "PassRole+sagemaker:CreateNotebookInstance",
        "sagemaker",
        (
            ("sagemaker:createnotebookinstance",),
            ("sagemaker:createpresignednotebookinstanceurl", "sagemaker:createnotebookinstancelifecycleconfig"),
        ),
        "open a notebook running as a more privileged role (presigned URL or lifecycle script)",
    ),
    _passrole(
        "PassRole+sagemaker:CreateTrainingJob",
        "sagemaker",
        _each("sagemaker:createtrainingjob"),
        "run a container of its choosing as a more privileged role",
    ),
    _passrole(
        "PassRole+sagemaker:CreateProcessingJob",
        "sagemaker",
        _each("sagemaker:createprocessingjob"),
        "run a container of its choosing as a more privileged role",
    ),
    _passrole(
        "PassRole+glue:CreateDevEndpoint",
        "glue",
        _each("glue:createdevendpoint"),
        "open a Glue dev endpoint running as a more privileged role",
    ),
    _passrole(
        "PassRole+glue:Create/UpdateJob+StartJobRun",
        "glue",
        (("glue:createjob", "glue:updatejob"), ("glue:startjobrun", "glue:createtrigger")),
        "run a Glue job script of its choosing as a more privileged role",
    ),
    _passrole(
        "PassRole+cloudformation:CreateStack",
        "cloudformation",
        _each("cloudformation:createstack"),
        "let CloudFormation create resources as a more privileged role",
    ),
    _passrole(
        "PassRole+cloudformation:UpdateStack",
        "cloudformation",
        _each("cloudformation:updatestack"),
        "give an existing stack a more privileged service role and change its resources",
    ),
    EscalationPath(
        "ssm:SendCommand/StartSession on every instance",
        (("ssm:sendcommand", "ssm:startsession"),),
        scope="every-instance",
        description="run commands on any managed instance and use its instance profile",
    ),
    EscalationPath(
        "sts:AssumeRole on *",
        _each("sts:assumerole"),
        scope="wildcard",
        description="assume any role whose trust policy admits this account",
    ),
)

RoleIsAdmin = Callable[[str], "bool | None"]


@dataclass(frozen=True)
class AssumeTarget:
    """A role this identity may assume that is itself privileged."""

    name: str
    why: str  # "admin" | "escalatable"
    trust_statement: str  # Sid or #index of the trust statement that admits the caller
    conditions: tuple[str, ...] = ()  # condition keys on that trust statement


RoleAssumable = Callable[[str], "AssumeTarget | None"]


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


def _other_functions(grant: Grant, function_arn: str | None) -> bool:
    if grant.not_resource or not grant.resources or not function_arn:
        return True
    own = function_arn.lower()
    return any(r.lower() not in (own, own + ":*") for r in grant.resources)


_INSTANCE_TYPES = ("instance", "managed-instance")


def _every_instance(grant: Grant) -> bool:
    if grant.not_resource or not grant.resources:
        return True
    for resource in grant.resources:
        if not is_broad_resource(resource):
            continue
        parts = resource.split(":", 5)
        if len(parts) < 6:
            return True  # "*"
        kind = re.split(r"[/:]", parts[5], maxsplit=1)[0].lower()
        if not kind.strip("*?") or kind in _INSTANCE_TYPES:
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
    if path.scope == "other-functions":
        return _other_functions(grant, function_arn)
    if path.scope == "every-instance":
        return _every_instance(grant)
    if path.scope == "wildcard":
        return grant.not_resource or not grant.resources or any(_wildcard(r) for r in grant.resources)
    return True


def _scoping_keys(grant: Grant, action: str) -> tuple[str, ...]:
    # iam:PassedToService that matches the path is what makes it possible, not a scope.
    keys = grant.condition_keys
    return tuple(k for k in keys if not (action == PASSROLE and k == "iam:passedtoservice"))


def _best(
    actions: tuple[str, ...],
    perms: EffectivePermissions,
    path: EscalationPath,
    function_arn: str | None,
    role_is_admin: RoleIsAdmin | None,
) -> tuple[str, Grant] | None:
    """A grant of one of ``actions`` that opens the path, preferring an unscoped one."""
    candidates = [
        (a, g) for a in actions for g in perms.grants_for(a) if _qualifies(a, g, path, function_arn, role_is_admin)
    ]
    candidates.sort(key=lambda ag: bool(_scoping_keys(ag[1], ag[0])))
    return candidates[0] if candidates else None


def escalation_paths(
    perms: EffectivePermissions,
    function_arn: str | None = None,
    role_is_admin: RoleIsAdmin | None = None,
    role_assumable: RoleAssumable | None = None,
    paths: tuple[EscalationPath, ...] = ESCALATION_PATHS,
) -> list[Finding]:
    """Every known path ``perms`` opens, naming the statements that grant each step."""
    findings: list[Finding] = []
    for path in paths:
        if path.subsumed_by and any(f.path == path.subsumed_by for f in findings):
            continue
        steps: list[tuple[str, Grant]] = []
        needed = (((PASSROLE,),) if path.passrole else ()) + path.steps
        for options in needed:
            found = _best(options, perms, path, function_arn, role_is_admin)
            if found is None:
                break
            steps.append(found)
        else:
            where = tuple(dict.fromkeys(g.where for _, g in steps))
            keys = tuple(dict.fromkeys(k for a, g in steps for k in _scoping_keys(g, a)))
            actions = tuple(display(a) for a, _ in steps)
            findings.append(Finding("escalation", path.name, where, actions, keys))
    if role_assumable is not None:
        findings.extend(assume_role_paths(perms, role_assumable))
    return findings


def assume_role_paths(perms: EffectivePermissions, role_assumable: RoleAssumable) -> list[Finding]:
    """``sts:AssumeRole`` on named roles that are admin or escalatable and trust this identity."""
    findings = []
    seen: set[str] = set()
    for grant in perms.grants_for("sts:assumerole"):
        if grant.not_resource:
            continue
        for resource in grant.resources:
            if _wildcard(resource) or resource.lower() in seen:
                continue  # wildcards are the "sts:AssumeRole on *" path
            seen.add(resource.lower())
            target = role_assumable(resource)
            if target is None:
                continue
            findings.append(
                Finding(
                    "escalation",
                    f"sts:AssumeRole into {target.why} role {target.name}",
                    (grant.where, f"{target.name} trust/{target.trust_statement}"),
                    ("sts:AssumeRole",),
                    tuple(dict.fromkeys((*grant.condition_keys, *target.conditions))),
                )
            )
    return findings
