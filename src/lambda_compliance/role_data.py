"""A Lambda function's execution role, read once per reader and analysed once.

Where the data comes from (DESIGN principle 4, "read Config first"):

1. the AWS::IAM::Role CI, found through the reader's Config inventory by role name (Config
   records IAM in one region only, so it may be missing here);
2. otherwise the IAM API (GetRole, ListRolePolicies/GetRolePolicy, ListAttachedRolePolicies).

Managed policy documents come from the AWS::IAM::Policy CI when Config has it, else from IAM
(GetPolicy + GetPolicyVersion); AWS managed policies are never recorded by Config, so they always
come from IAM. Everything is memoised on the ``AwsReader``: a role shared by 100 functions (and by
seven rules) is fetched and analysed once per scan or per Lambda invocation.

A document that cannot be parsed is recorded in ``RoleData.problems`` rather than raised, so a rule
that only needs policy names (inline policies, boundary) still decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from lambda_compliance.domain.iam.analysis import EffectivePermissions, PolicyKind, PolicySource, admin_grants, analyse
from lambda_compliance.domain.iam.escalation import AssumeTarget, RoleAssumable, escalation_paths
from lambda_compliance.domain.iam.policy import PolicyError, Statement, parse_policy
from lambda_compliance.domain.iam.trust_policy import admits, arn_account
from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem

ROLE_TYPE = "AWS::IAM::Role"
POLICY_TYPE = "AWS::IAM::Policy"
NO_SUCH_ENTITY = ("NoSuchEntity",)
# What a role rule's Lambda needs to read roles when Config lacks them (its least-privilege role).
ROLE_READ_ACTIONS = (
    "config:SelectResourceConfig",
    "iam:GetRole",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
)
ROLE_RELATED_TYPES = (ROLE_TYPE, POLICY_TYPE)
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[\w+=,.@-]+)$")


@dataclass(frozen=True)
class AttachedPolicy:
    name: str
    arn: str

    @property
    def aws_managed(self) -> bool:
        return ":iam::aws:policy/" in self.arn


@dataclass
class RoleData:
    """What the role rules need to know about one role, however it was read."""

    name: str
    arn: str
    source: str  # "config" | "iam"
    trust: tuple[Statement, ...] = ()
    inline: tuple[PolicySource, ...] = ()
    inline_names: tuple[str, ...] = ()
    attached: tuple[AttachedPolicy, ...] = ()
    managed: tuple[PolicySource, ...] = ()
    boundary_arn: str | None = None
    boundary: PolicySource | None = None
    problems: list[str] = field(default_factory=list)  # unreadable documents, by policy name

    @cached_property
    def permissions(self) -> EffectivePermissions:
        return analyse(self.inline + self.managed, self.boundary)

    @cached_property
    def is_admin(self) -> bool:
        return bool(admin_grants(self.permissions))

    def require_documents(self) -> None:
        """Rules that judge permissions cannot decide on a partial picture."""
        if self.problems:
            raise MalformedConfigurationItem(f"execution role {self.name}: {'; '.join(self.problems[:2])}")


def role_name(role_arn: str) -> str | None:
    match = _ROLE_ARN.match(role_arn.strip())
    return match.group("name") if match else None


def function_role_arn(ci: ConfigItem) -> str:
    """The execution role ARN of a function CI; a CI without one is malformed."""
    arn = ci.require("role", kind=str)
    if role_name(arn) is None:
        raise MalformedConfigurationItem("configuration item has an invalid configuration.role")
    return arn


def load_role(aws: AwsReader, role_arn: str, *, documents: bool = True) -> RoleData | None:
    """The role behind ``role_arn`` (``None`` when neither Config nor IAM knows it), memoised.

    With ``documents`` the managed and boundary policy documents are read too and the role is
    analysed; rules that judge only names, the boundary ARN or the trust policy skip that (and so
    still decide in a snapshot scan, which cannot read AWS managed policies from IAM).
    """
    name = role_name(role_arn)
    if name is None:
        return None
    key = name.lower()
    role = aws.memo(("role-data", key), lambda: _read_role(aws, name, role_arn))
    if role is None or not documents:
        return role
    return aws.memo(("role-analysis", key), lambda: _analysed(_with_documents(aws, role)))


def execution_role(ci: ConfigItem, aws: AwsReader, *, documents: bool = True) -> tuple[str, RoleData | None]:
    """(role name, role data or ``None`` when the role no longer exists) of a function CI."""
    arn = function_role_arn(ci)
    return role_name(arn) or arn, load_role(aws, arn, documents=documents)


def _analysed(role: RoleData) -> RoleData:
    # Analyse inside the memo (which holds a per-key lock): concurrent rules wait for one analysis
    # instead of each computing the cached properties themselves.
    _ = role.permissions, role.is_admin
    return role


def role_is_admin(aws: AwsReader) -> Any:
    """A ``role_is_admin(arn)`` callback for escalation analysis; unknown roles are not admin."""

    def check(arn: str) -> bool | None:
        role = load_role(aws, arn)
        return None if role is None else role.is_admin

    return check


def role_assumable(aws: AwsReader, caller: RoleData) -> RoleAssumable:
    """A ``role_assumable(arn)`` callback for escalation analysis: the role at ``arn`` when it is
    admin or escalatable and its trust admits ``caller`` (by ARN or by account).

    Limits, by design: roles are what this reader can see (the Config inventory, else IAM in this
    account; another account's role is judged only when the inventory holds it, and a role of the
    same name in another account never stands in for it); a role with an unreadable document is
    not a finding; in a snapshot scan a target the snapshot lacks needs IAM, so the rule reports
    skipped rather than pass; the target's own AssumeRole grants are not chased further (one hop)."""

    def check(arn: str) -> AssumeTarget | None:
        target = load_role(aws, arn)
        if target is None or target.problems or arn_account(target.arn) != arn_account(arn):
            return None
        if target.arn.lower() == caller.arn.lower():
            return None
        trust = admits(target.trust, caller.arn)
        if trust is None:
            return None
        if target.is_admin:
            why = "admin"
        elif aws.memo(("role-escalatable", target.arn.lower()), lambda: _escalatable(aws, target)):
            why = "escalatable"
        else:
            return None
        keys = tuple(dict.fromkeys(c.key for c in trust.conditions))
        return AssumeTarget(target.name, why, trust.ref, keys)

    return check


def _escalatable(aws: AwsReader, role: RoleData) -> bool:
    return bool(escalation_paths(role.permissions, role_is_admin=role_is_admin(aws)))


# ------------------------------------------------------------------------------------ reading


def _read_role(aws: AwsReader, name: str, role_arn: str) -> RoleData | None:
    ci = aws.resource(ROLE_TYPE, resource_name=name)
    if ci is not None and not ci.is_deleted:
        return _from_ci(ci, name, role_arn)
    return _from_iam(aws, name)


def _source(name: str, kind: PolicyKind, document: Any, arn: str | None, problems: list[str]) -> PolicySource:
    try:
        return PolicySource.from_document(name, kind, document, arn)
    except PolicyError as exc:
        problems.append(f"policy {name} is unreadable ({exc})")
        return PolicySource(name, kind, (), arn)


def _trust(document: Any, problems: list[str]) -> tuple[Statement, ...]:
    try:
        return parse_policy(document)
    except PolicyError as exc:
        problems.append(f"trust policy is unreadable ({exc})")
        return ()


def _from_ci(ci: ConfigItem, name: str, role_arn: str) -> RoleData:
    conf = ci.configuration
    problems: list[str] = []
    inline = []
    for item in conf.get("rolePolicyList") or []:
        if isinstance(item, dict) and isinstance(item.get("policyName"), str):
            inline.append(_source(item["policyName"], "inline", item.get("policyDocument"), None, problems))
    attached = tuple(
        AttachedPolicy(str(p.get("policyName") or p["policyArn"].rsplit("/", 1)[-1]), p["policyArn"])
        for p in conf.get("attachedManagedPolicies") or []
        if isinstance(p, dict) and isinstance(p.get("policyArn"), str)
    )
    boundary = conf.get("permissionsBoundary")
    boundary_arn = boundary.get("permissionsBoundaryArn") if isinstance(boundary, dict) else None
    return RoleData(
        name=str(conf.get("roleName") or name),
        arn=str(conf.get("arn") or ci.arn or role_arn),
        source="config",
        trust=_trust(conf.get("assumeRolePolicyDocument"), problems),
        inline=tuple(inline),
        inline_names=tuple(p.name for p in inline),
        attached=attached,
        boundary_arn=boundary_arn if isinstance(boundary_arn, str) else None,
        problems=problems,
    )


def _from_iam(aws: AwsReader, name: str) -> RoleData | None:
    role = (aws.call("iam", "get_role", missing=NO_SUCH_ENTITY, RoleName=name) or {}).get("Role")
    if not role:
        return None
    problems: list[str] = []
    names = aws.collect("iam", "list_role_policies", "PolicyNames", missing=NO_SUCH_ENTITY, RoleName=name)
    inline = []
    for policy_name in names:
        got = aws.call("iam", "get_role_policy", missing=NO_SUCH_ENTITY, RoleName=name, PolicyName=policy_name)
        if got is not None:
            inline.append(_source(policy_name, "inline", got.get("PolicyDocument"), None, problems))
    listed = aws.collect(
        "iam", "list_attached_role_policies", "AttachedPolicies", missing=NO_SUCH_ENTITY, RoleName=name
    )
    boundary = role.get("PermissionsBoundary") or {}
    return RoleData(
        name=role["RoleName"],
        arn=role["Arn"],
        source="iam",
        trust=_trust(role.get("AssumeRolePolicyDocument"), problems),
        inline=tuple(inline),
        inline_names=tuple(names),
        attached=tuple(AttachedPolicy(p["PolicyName"], p["PolicyArn"]) for p in listed),
        boundary_arn=boundary.get("PermissionsBoundaryArn"),
        problems=problems,
    )


def _with_documents(aws: AwsReader, role: RoleData) -> RoleData:
    """A copy of ``role`` with its managed and boundary policy documents (the original stays as
    it was: rules that did not ask for documents may be reading it concurrently)."""
    problems = list(role.problems)
    managed = []
    for policy in role.attached:
        kind: PolicyKind = "aws-managed" if policy.aws_managed else "customer-managed"
        document = managed_policy_document(aws, policy.arn)
        if document is None:
            problems.append(f"managed policy {policy.name} was not found")
            continue
        managed.append(_source(policy.name, kind, document, policy.arn, problems))
    boundary = None
    if role.boundary_arn:
        document = managed_policy_document(aws, role.boundary_arn)
        if document is None:
            problems.append("permissions boundary policy was not found")
        else:
            boundary_name = role.boundary_arn.rsplit("/", 1)[-1]
            boundary = _source(boundary_name, "boundary", document, role.boundary_arn, problems)
    return replace(role, managed=tuple(managed), boundary=boundary, problems=problems)


def boundary_policy(aws: AwsReader, role: RoleData) -> PolicySource | None:
    """The role's permissions boundary as a parsed policy, for judging what it caps; ``None``
    without a boundary. An AWS managed boundary is judged by its ARN alone (no statements read:
    Config never records it, and AdministratorAccess is the one that caps nothing), as is a
    customer managed one whose document cannot be found or read."""
    if not role.boundary_arn:
        return None
    name = role.boundary_arn.rsplit("/", 1)[-1]
    if ":iam::aws:policy/" in role.boundary_arn:
        return PolicySource(name, "boundary", (), role.boundary_arn)
    try:
        document = managed_policy_document(aws, role.boundary_arn)
        return PolicySource.from_document(name, "boundary", document, role.boundary_arn)
    except PolicyError:
        return PolicySource(name, "boundary", (), role.boundary_arn)


def managed_policy_document(aws: AwsReader, arn: str) -> Any:
    """The default version's document of a managed policy: Config's CI first, IAM otherwise."""
    return aws.memo(("managed-policy", arn), lambda: _policy_document(aws, arn))


def _policy_document(aws: AwsReader, arn: str) -> Any:
    if ":iam::aws:policy/" not in arn:  # Config never records AWS managed policies
        ci = aws.resource(POLICY_TYPE, resource_name=arn.rsplit("/", 1)[-1])
        if ci is not None and not ci.is_deleted and (ci.arn in (None, arn)):
            versions = [v for v in ci.configuration.get("policyVersionList") or [] if isinstance(v, dict)]
            default = next((v for v in versions if v.get("isDefaultVersion")), versions[0] if versions else None)
            if default is not None and default.get("document") is not None:
                return default["document"]
    policy = (aws.call("iam", "get_policy", missing=NO_SUCH_ENTITY, PolicyArn=arn) or {}).get("Policy")
    if not policy:
        return None
    version = aws.call(
        "iam", "get_policy_version", missing=NO_SUCH_ENTITY, PolicyArn=arn, VersionId=policy["DefaultVersionId"]
    )
    return ((version or {}).get("PolicyVersion") or {}).get("Document")
