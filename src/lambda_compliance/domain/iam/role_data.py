"""A Lambda function's execution role, read once per reader and analysed once.

Where the data comes from (DESIGN principle 4, "read Config first"):

1. the AWS::IAM::Role CI, found through the reader's Config inventory by role ARN: account and
   name, never the name alone (multi-account snapshots and aggregators hold the same role names in
   many accounts; the path is not part of a role's identity). Config records IAM in one region
   only, so it may be missing here;
2. otherwise the IAM API (GetRole, ListRolePolicies/GetRolePolicy, ListAttachedRolePolicies), only
   for a role of the reader's own account: IAM answers a role name for the caller's account.

Managed policy documents come from the AWS::IAM::Policy CI with that ARN when Config has it, else
from IAM (GetPolicy + GetPolicyVersion). AWS managed policies are never recorded by Config (its
AWS::IAM::Policy items are customer managed policies: https://docs.aws.amazon.com/config/latest/
developerguide/iam-policy-no-statements-with-admin-access.html), so they come from IAM, or, where
the reader has no IAM (a snapshot scan), from the shipped documents the reader is given
(``AwsReader.aws_managed_policy``, see aws_managed_policies.py). Everything is memoised on the
``AwsReader``: a role shared by 100 functions (and by seven rules) is fetched and analysed once per
scan or per Lambda invocation.

A document that cannot be parsed is recorded in ``RoleData.problems`` rather than raised, so a rule
that only needs policy names (inline policies, boundary) still decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, ClassVar

from rdklib import Evaluation

from lambda_compliance.domain.iam.analysis import EffectivePermissions, PolicyKind, PolicySource, admin_grants, analyse
from lambda_compliance.domain.iam.escalation import AssumeTarget, RoleAssumable, escalation_paths
from lambda_compliance.domain.iam.policy import PolicyError, Statement, parse_policy
from lambda_compliance.domain.iam.trust_policy import admits, arn_account
from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.runtime.lazy import lazy
from lambda_compliance.runtime.rulebase import ComplianceRule, not_applicable

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
_ROLE_ARN = lazy(r"^arn:aws[\w-]*:iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[\w+=,.@-]+)$")


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


class RoleOutOfReach(RuntimeError):
    """A role or policy this reader cannot read (another account's role, a policy a snapshot lacks).

    Not a verdict: the scanner reports the evaluation as skipped with this message.
    """

    skip = True


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
    match = _ROLE_ARN.match(role_arn.strip())
    if match is None:
        return None
    account, name = match.group("account"), match.group("name")
    key = (account, name.lower())  # IAM role names are unique per account, case-insensitively
    role = aws.memo(("role-data", key), lambda: _read_role(aws, account, name, role_arn))
    if role is None or not documents:
        return role
    return aws.memo(("role-analysis", key), lambda: _analysed(_with_documents(aws, role)))


def execution_role(ci: ConfigItem, aws: AwsReader, *, documents: bool = True) -> tuple[str, RoleData | None]:
    """(role name, role data or ``None`` when the role no longer exists) of a function CI."""
    arn = function_role_arn(ci)
    return role_name(arn) or arn, load_role(aws, arn, documents=documents)


class ExecutionRoleRule(ComplianceRule):
    """A rule that judges a function by its execution role: finds the role, answers for a role that is gone.

    Subclasses decide in ``assess_role``. ``documents`` says whether the decision needs the role's
    policy documents (a role whose documents cannot be read is then a malformed CI, not a verdict).
    """

    documents: ClassVar[bool] = True

    def assess(self, ci: ConfigItem, aws: AwsReader, params: dict[str, Any]) -> list[Evaluation]:
        name, role = execution_role(ci, aws, documents=self.documents)
        if role is None:
            return [not_applicable(f"execution role {name} does not exist")]
        if self.documents:
            role.require_documents()
        return self.assess_role(ci, aws, name, role, params)

    def assess_role(
        self, ci: ConfigItem, aws: AwsReader, name: str, role: RoleData, params: dict[str, Any]
    ) -> list[Evaluation]:
        raise NotImplementedError


def _analysed(role: RoleData) -> RoleData:
    # Analyse inside the memo (which holds a per-key lock): concurrent rules wait for one analysis
    # instead of each computing the cached properties themselves.
    _ = role.permissions, role.is_admin
    return role


def role_is_admin(aws: AwsReader) -> Any:
    """A ``role_is_admin(arn)`` callback for escalation analysis; unknown roles are not admin."""

    def check(arn: str) -> bool | None:
        try:
            role = load_role(aws, arn)
        except RoleOutOfReach:  # another account's role (PassRole cannot pass it anyway): unknown
            return None
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
        try:
            target = load_role(aws, arn)
        except RoleOutOfReach:  # another account's role this reader cannot see: unknown, not a path
            return None
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


def _ci_account(ci: ConfigItem) -> str | None:
    if ci.account_id:
        return ci.account_id
    parts = (ci.arn or "").split(":")
    return parts[4] if len(parts) > 4 and parts[4] else None


def _role_index(aws: AwsReader) -> dict[tuple[str | None, str], ConfigItem]:
    """Recorded roles by (account, lower-case name); a CI without an account keeps ``None``."""

    def build() -> dict[tuple[str | None, str], ConfigItem]:
        index: dict[tuple[str | None, str], ConfigItem] = {}
        for ci in aws.resources(ROLE_TYPE):
            name = ci.get("roleName", kind=str) or ci.resource_name
            if name and not ci.is_deleted:  # Config's query lists deleted roles too: IAM decides those
                index.setdefault((_ci_account(ci), name.lower()), ci)
        return index

    return aws.memo(("role-index",), build)


def _read_role(aws: AwsReader, account: str, name: str, role_arn: str) -> RoleData | None:
    index = _role_index(aws)
    ci = index.get((account, name.lower()))
    if ci is None and account == aws.account_id:  # an item without accountId belongs to the reader's account
        ci = index.get((None, name.lower()))
    if ci is not None:
        return _from_ci(ci, name, role_arn)
    if aws.account_id and account != aws.account_id:
        # GetRole by name would answer with the reader's own account's role of that name.
        raise RoleOutOfReach(f"role {name} is in account {account}, which this scan does not read roles of")
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
        if document is None and policy.aws_managed and aws.aws_managed_policy is not None:
            raise RoleOutOfReach(f"AWS managed policy {policy.name} is not in the shipped AWS managed policy data")
        if document is None:
            problems.append(f"managed policy {policy.name} was not found")
            continue
        managed.append(_source(policy.name, kind, document, policy.arn, problems))
    boundary = None
    if role.boundary_arn:
        document = managed_policy_document(aws, role.boundary_arn)
        if document is None and ":iam::aws:policy/" in role.boundary_arn and aws.aws_managed_policy is not None:
            raise RoleOutOfReach("the AWS managed permissions boundary is not in the shipped AWS managed policy data")
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


def _policy_index(aws: AwsReader) -> dict[str, ConfigItem]:
    def build() -> dict[str, ConfigItem]:
        index: dict[str, ConfigItem] = {}
        for ci in aws.resources(POLICY_TYPE):
            arn = ci.arn or ci.get("arn", kind=str)
            if arn and not ci.is_deleted:
                index.setdefault(arn.lower(), ci)
        return index

    return aws.memo(("policy-index",), build)


def _policy_document(aws: AwsReader, arn: str) -> Any:
    if ":iam::aws:policy/" in arn:  # Config never records AWS managed policies
        if aws.aws_managed_policy is not None:  # no IAM here: the shipped documents
            return aws.aws_managed_policy(arn)
    else:
        # By ARN: the same policy name exists in many accounts of an aggregator or multi-account snapshot.
        ci = _policy_index(aws).get(arn.lower())
        if ci is not None:
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
