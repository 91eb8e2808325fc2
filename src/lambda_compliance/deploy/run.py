"""``lambda-compliance deploy``: the plan, and carrying it out in one account or across an organization.

Single account: check (Config recording, artifact bucket, concurrency headroom), upload the
artifacts, create or update the rule stack through a change set, put the chosen conformance packs.

Organization (``--org``, from the management account or a delegated administrator): the same rule
stack in this central account, but its functions assume the member role; a service-managed
StackSet with auto-deployment gives every account of the target OUs that role (and the
remediation documents, when ``templates/remediation.yaml`` exists); each function lets AWS
Config of every organization account invoke it (``invoke_permissions``); organization
conformance packs are put from the template bucket (``--conformance-bucket``).

``--dry-run`` prints the same steps without any AWS request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from botocore.exceptions import ClientError

from lambda_compliance.deploy import invoke_permissions, org_reach, recorder_coverage, stacks
from lambda_compliance.deploy import packs as pack_mod
from lambda_compliance.deploy.aws import Aws, DeployError, error_code, one_line_errors
from lambda_compliance.packaging import naming
from lambda_compliance.packaging.build import Build

UNRESERVED_MINIMUM = 100  # Lambda keeps at least this many executions unreserved
PARAMETER_LIMIT = 4096  # CloudFormation parameter value
# What a local AWS answers for an API it lacks (moto has no Lambda GetAccountSettings).
UNSUPPORTED = {"404", "NotImplemented", "UnknownOperationException", "InvalidAction"}
REMEDIATION_TEMPLATE = "remediation.yaml"
MEMBER_ROLE_REGION_NOTE = "IAM is global: one region is enough"


@dataclass
class Options:
    bucket: str
    org: bool = False
    prefix: str = "lambda-compliance/"
    stack_name: str = naming.RULE_STACK
    packs: tuple[str, ...] = ()
    packs_dir: Path = Path("conformance-packs")
    templates_dir: Path = Path("templates")
    stack_parameters: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    pack_parameters: dict[str, str] = field(default_factory=dict)
    execution_role_name: str = naming.MEMBER_ROLE_NAME
    conformance_bucket: str | None = None
    organizational_units: tuple[str, ...] = ()
    accounts: tuple[str, ...] | None = None
    remediation: bool = True
    regions: tuple[str, ...] = ()
    remediation_parameters: dict[str, str] = field(default_factory=dict)
    excluded_accounts: tuple[str, ...] = ()
    hook: bool = False  # also deploy the CloudFormation Lambda hook (packaging/hook_stack.py)
    hook_mode: str = "WARN"  # the hook's FailureMode: WARN lets a failing deployment proceed, FAIL stops it
    hook_operations: tuple[str, ...] = ("RESOURCE",)  # the hook's TargetOperations

    def __post_init__(self) -> None:
        if self.prefix and not self.prefix.endswith("/"):
            self.prefix += "/"


@dataclass
class Context:
    """What the checks learn about the target, used by later steps."""

    account: str = "<account>"
    partition: str = "aws"
    organization_id: str = ""
    management_account: str = ""
    call_as: str = "SELF"
    root_ids: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    stack_exists: bool = False
    organization: org_reach.Organization | None = None
    reach: org_reach.Reach | None = None
    stack_sets: dict[str, stacks.StackSetPlan] = field(default_factory=dict)
    surveyed: bool = False


@dataclass
class Step:
    title: str
    plan: list[str]
    run: Callable[[], list[str]]


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


class Deployment:
    def __init__(self, options: Options, build: Build, region: str, aws: Aws | None = None) -> None:
        self.o = options
        self.build = build
        self.region = region
        self.aws = aws
        self.ctx = Context()
        self.chosen_packs = pack_mod.choose(options.packs_dir, options.packs)
        remediation = options.templates_dir / REMEDIATION_TEMPLATE
        self.remediation = remediation if options.remediation and remediation.is_file() else None
        if options.org and not options.conformance_bucket and self.chosen_packs:
            raise DeployError(
                "organization conformance packs need --conformance-bucket (where their templates are read from)"
            )
        if options.org and self.chosen_packs and options.regions and region not in options.regions:
            raise DeployError(
                f"the organization packs go to region {region}, which the StackSets do not reach "
                f"(--regions {','.join(options.regions)}): add {region} to --regions or deploy from a listed region"
            )
        pack_mod.refuse_overlap(self.chosen_packs)
        self.keys = {
            "layer": options.prefix + build.layer.key,
            "template": f"{options.prefix}templates/rule-stack-{_sha(build.rule_stack)}.yaml",
        }
        if self.remediation:
            self.keys["remediation"] = f"{options.prefix}templates/remediation-{_sha(self.remediation)}.yaml"
        if options.hook:
            if build.hook is None or build.hook_stack is None:
                raise DeployError("this build has no hook function (lambda-compliance package builds one)")
            self.keys["hook"] = options.prefix + build.hook.key
            self.keys["hook_template"] = f"{options.prefix}templates/hook-stack-{_sha(build.hook_stack)}.yaml"

    # plan -------------------------------------------------------------------------------------
    @property
    def function_names(self) -> list[str]:
        return [naming.function_name(r.rule_name()) for r in self.build.rules]

    def function_arns(self) -> list[str]:
        return [
            f"arn:{self.ctx.partition}:lambda:{self.region}:{self.ctx.account}:function:{name}"
            for name in self.function_names
        ]

    def steps(self) -> list[Step]:
        steps = [self._check_step(), self._upload_step(), self._stack_step()]
        if self.o.org:
            steps.append(self._member_role_step())
        if self.remediation:
            steps.append(self._remediation_step())
        if self.o.org:
            steps.append(self._permissions_step())
        if self.chosen_packs:
            steps.append(self._packs_step())
        if self.o.hook:
            steps.append(self._hook_step())
        return steps

    def _hook_parameters(self) -> dict[str, str]:
        return {
            "ArtifactBucket": self.o.bucket,
            "ArtifactPrefix": self.o.prefix,
            "FailureMode": self.o.hook_mode,
            "TargetOperations": ",".join(self.o.hook_operations),
        }

    def _hook_step(self) -> Step:
        from lambda_compliance.packaging import hook_stack

        assert self.build.hook is not None
        effect = "stops the deployment" if self.o.hook_mode == "FAIL" else "warns and lets the deployment proceed"
        params = ", ".join(f"{k}={v}" for k, v in sorted(self._hook_parameters().items()))
        lines = [
            f"stack {naming.HOOK_STACK}: create or update through a change set, then wait",
            f"parameters: {params}",
            f"function {naming.HOOK_FUNCTION} ({_kb(self.build.hook.size)}: the rules and the template machinery, "
            "on the rule layer)",
            f"AWS::CloudFormation::LambdaHook {naming.HOOK_ALIAS}: FailureMode {self.o.hook_mode}, a failing rule "
            f"{effect}",
            "judges CREATE and UPDATE of " + ", ".join(t.split("::", 1)[1] for t in hook_stack.TARGET_TYPES),
            f"target operations: {', '.join(self.o.hook_operations)}"
            + (" (whole templates)" if set(self.o.hook_operations) - {"RESOURCE"} else " (each resource alone)"),
        ]
        return Step("Deploy the CloudFormation hook", lines, self._deploy_hook)

    def _deploy_hook(self) -> list[str]:
        result = stacks.deploy_stack(
            self._aws,
            naming.HOOK_STACK,
            template_url=self._template_url("hook_template"),
            parameters=self._hook_parameters(),
            tags={"lambda-compliance:component": "hook", **self.o.tags},
        )
        return [f"stack {result.name} {result.action}"]

    def _stack_parameters(self) -> dict[str, str]:
        values = {"ArtifactBucket": self.o.bucket, "ArtifactPrefix": self.o.prefix}
        if self.o.org:
            values["ExecutionRoleName"] = self.o.execution_role_name
            values["OrganizationId"] = self.ctx.organization_id or "<organization id>"
            values["MemberRoleArns"] = self._member_role_arns()
        values.update(self.o.stack_parameters)
        return values

    def _member_role_arns(self) -> str:
        if not self.ctx.accounts:
            return "<the member role of every account>"
        arns = ",".join(
            f"arn:{self.ctx.partition}:iam::{account}:role/{self.o.execution_role_name}"
            for account in sorted(self.ctx.accounts)
        )
        if len(arns) > PARAMETER_LIMIT:
            raise DeployError(
                f"the member role ARNs of {len(self.ctx.accounts)} accounts exceed CloudFormation's "
                f"{PARAMETER_LIMIT}-character parameter (MemberRoleArns): see docs/deploy.md, 'More than 60 accounts'"
            )
        return arns

    def _check_step(self) -> Step:
        lines = [
            "AWS Config has a configuration recorder here, and it is recording",
            f"artifact bucket {self.o.bucket} exists in {self.region}",
            f"unreserved concurrency leaves room for {len(self.build.rules)} functions' reserved executions",
        ]
        if self.o.org:
            lines[:0] = self._organization_lines()
            if self.o.conformance_bucket:
                lines.append(f"conformance bucket {self.o.conformance_bucket} exists")
            lines.append(
                f"this account's recorder records the rules' resource types in {', '.join(self._stack_set_regions())}"
                " (missing types are named per account and region)"
            )
        return Step("Check the target", lines, self._check)

    def _organization_lines(self) -> list[str]:
        org = self.ctx.organization
        if org is None:
            return ["this account is the organization's management account or a delegated administrator"]
        role = "management account" if self.ctx.call_as == "SELF" else "delegated administrator"
        return [
            f"organization {org.id}: {len(org.accounts)} ACTIVE accounts, management account "
            f"{org.management_account}; deploying from {self.ctx.account} as {role}"
        ]

    def _upload_step(self) -> Step:
        total = sum(a.size for a in self.build.rule_zips.values())
        lines = [
            f"s3://{self.o.bucket}/{self.keys['layer']} ({_kb(self.build.layer.size)}, {len(self.build.layer_modules)}"
            " library modules, rdklib, data)",
            f"{len(self.build.rule_zips)} rule zips under s3://{self.o.bucket}/{self.o.prefix}rules/ ({_kb(total)})",
            f"s3://{self.o.bucket}/{self.keys['template']} (the rule stack template)",
            *(
                [
                    f"s3://{self.o.bucket}/{self.keys['hook']} (the hook function)",
                    f"s3://{self.o.bucket}/{self.keys['hook_template']} (the hook stack template)",
                ]
                if self.o.hook and self.build.hook is not None and self.build.hook_stack is not None
                else []
            ),
            *([f"s3://{self.o.bucket}/{self.keys['remediation']} ({self.remediation})"] if self.remediation else []),
            "objects already there (same content hash) are not uploaded again",
        ]
        return Step("Upload the artifacts", lines, self._upload)

    def _stack_step(self) -> Step:
        params = ", ".join(f"{k}={v}" for k, v in sorted(self._stack_parameters().items()))
        mode = "assume the member role in each account" if self.o.org else "read with their own least-privilege role"
        lines = [
            f"stack {self.o.stack_name}: create or update through a change set, then wait",
            f"parameters: {params}",
            f"{len(self.build.rules)} functions (python3.12, X-Ray, reserved concurrency, dead-letter queue, "
            f"KMS-encrypted environment and logs with retention) that {mode}",
            f"one role per function under {naming.RULE_ROLE_PATH} with a managed policy from the rule's IAM actions",
            "AWS Config may invoke each function from this account only (aws:SourceAccount)",
        ]
        if self.o.tags:
            tags = ", ".join(f"{k}={v}" for k, v in sorted(self.o.tags.items()))
            lines.append(f"stack tags, propagated to the functions and roles: {tags}")
        return Step("Deploy the rule stack", lines, self._deploy_rule_stack)

    def _targets(self) -> str:
        return ", ".join(self.o.organizational_units) or "the organization root"

    def _stack_set_regions(self) -> list[str]:
        return list(self.o.regions or (self.region,))

    def _stack_set_lines(self, name: str) -> list[str]:
        plan = self.ctx.stack_sets.get(name)
        return plan.lines() if plan else []

    def _member_role_step(self) -> Step:
        lines = [
            f"StackSet {naming.MEMBER_ROLE_STACK_SET} from {self.build.member_role.name}: service-managed, "
            "auto-deployment on (new accounts get the role; removed accounts lose it)",
            f"targets: {self._targets()}, region {self.region} ({MEMBER_ROLE_REGION_NOTE})",
            *self._stack_set_lines(naming.MEMBER_ROLE_STACK_SET),
            f"role {self.o.execution_role_name} trusts this account's roles under {naming.RULE_ROLE_PATH} only",
            f"this account too (stack {naming.MEMBER_ROLE_STACK}) when it is the management account, "
            "which service-managed StackSets skip",
        ]
        return Step("Give every member account the rule role", lines, self._deploy_member_role)

    def _remediation_regions(self) -> list[str]:
        return self._stack_set_regions()

    def _remediation_step(self) -> Step:
        assert self.remediation is not None
        if not self.o.org:
            lines = [f"stack {naming.REMEDIATION_STACK} from {self.remediation} (the packs' SSM documents and role)"]
            return Step("Deploy the remediation documents", lines, self._deploy_remediation)
        lines = [
            f"StackSet {naming.REMEDIATION_STACK_SET} from {self.remediation}: service-managed, auto-deployment on",
            f"targets: {self._targets()}, regions {', '.join(self._remediation_regions())}",
            *self._stack_set_lines(naming.REMEDIATION_STACK_SET),
            f"this account too (stack {naming.REMEDIATION_STACK}) when it is the management account",
        ]
        return Step("Give every member account the remediation documents", lines, self._deploy_remediation)

    def _permissions_step(self) -> Step:
        source = "the accounts given with --accounts" if self.o.accounts else "every ACTIVE account of the organization"
        lines = [
            f"on each of the {len(self.build.rules)} functions: statement config-<account> for {source}, "
            "Principal config.amazonaws.com with aws:SourceAccount",
            "statements of accounts that left the organization are removed",
        ]
        return Step("Let AWS Config in member accounts invoke the rule functions", lines, self._sync_permissions)

    def _packs_step(self) -> Step:
        lines = []
        for pack in self.chosen_packs:
            if self.o.org:
                where = f"from s3://{self.o.conformance_bucket}/{self.o.prefix}packs/"
                lines.append(
                    f"organization conformance pack {pack.config_name} ({pack.path}, {_kb(pack.size)}) {where}"
                )
            else:
                how = "inline" if pack.size <= pack_mod.INLINE_LIMIT else f"from s3://{self.o.bucket}"
                lines.append(f"conformance pack {pack.config_name} ({pack.path}, {_kb(pack.size)}, {how})")
        if self.o.org:
            lines += self._exclusion_lines()
        known = ", ".join(f"{k}={v}" for k, v in sorted(self._known_pack_parameters().items()))
        fallback = "none (the packs' defaults: the functions of this account)"
        lines.append(f"deployment parameters: {known or fallback}")
        title = "Put the organization conformance packs" if self.o.org else "Put the conformance packs"
        return Step(title, lines, self._put_packs)

    def _excluded(self) -> list[str]:
        if self.ctx.reach is None:
            return sorted(self.o.excluded_accounts)
        return sorted(self.ctx.reach.excluded)

    def _exclusion_lines(self) -> list[str]:
        reach = self.ctx.reach
        if reach is None:
            return ["ExcludedAccounts: every account the StackSets do not reach (computed from Organizations)"]
        lines = [f"packs go to {len(reach.reached)} accounts: {', '.join(sorted(reach.reached)) or 'none'}"]
        if not reach.excluded:
            return [*lines, "ExcludedAccounts: none"]
        lines.append(f"ExcludedAccounts ({len(reach.excluded)}): every account without the member role and documents")
        lines += [f"  {account}: {why}" for account, why in sorted(reach.excluded.items())]
        return lines

    def _known_pack_parameters(self) -> dict[str, str]:
        known: dict[str, str] = {}
        if self.o.org:
            known = {pack_mod.RULE_ACCOUNT: self.ctx.account, pack_mod.EXECUTION_ROLE: self.o.execution_role_name}
        prefix = self.o.remediation_parameters.get("RoleNamePrefix")
        if prefix:  # the remediation stack's role name, which the packs' remediations run as
            known[pack_mod.REMEDIATION_ROLE_PREFIX] = prefix
        return {**known, **self.o.pack_parameters}

    def plan_text(self) -> str:
        """The plan; in organization mode it first reads Organizations and the StackSets (no change)."""
        if self.o.org and self.aws is not None:
            with one_line_errors():
                self.survey()
        mode = "organization" if self.o.org else "single account"
        lines = [f"lambda-compliance deploy plan: {mode}, region {self.region}"]
        for number, step in enumerate(self.steps(), 1):
            lines.append(f"{number}. {step.title}")
            lines += [f"   - {line}" for line in step.plan]
        return "\n".join(lines) + "\n"

    def print_plan(self, out: TextIO) -> None:
        out.write(self.plan_text())
        print("dry run: nothing was changed", file=out)

    def check(self, out: TextIO) -> int:
        """``deploy --org --check``: change nothing; list the accounts where the deployed packs' rules
        cannot run yet (1 when there is one). A new account reaches that state when it joins a target
        OU: auto-deployment gives it the role and documents and the packs reach it, but only the next
        ``deploy --org`` adds its invoke permission and its ``MemberRoleArns`` entry."""
        with one_line_errors():
            self.survey()
            lines = [*self._organization_lines(), self._check_recorder(), *self._recorder_coverage()]
            idle = self._not_ready()
        for line in lines:
            print(line, file=out)
        if not idle:
            print("every account that receives the deployed packs can run their rules", file=out)
            return 0
        print(f"{len(idle)} accounts receive the packs but cannot run their rules yet (run deploy --org):", file=out)
        for account, reasons in sorted(idle.items()):
            print(f"  {account}: {'; '.join(reasons)}", file=out)
        return 1

    def _not_ready(self) -> dict[str, list[str]]:
        org, reach = self.ctx.organization, self.ctx.reach
        assert org is not None and reach is not None
        config = self._aws.client("config")
        names = [p.config_name for p in self.chosen_packs]
        receiving: set[str] = set()
        if names:
            deployed = config.describe_organization_conformance_packs(OrganizationConformancePackNames=names)
            for pack in deployed.get("OrganizationConformancePacks") or []:
                receiving |= set(org.accounts) - set(pack.get("ExcludedAccounts") or [])
        granted: set[str] | None = None
        for arn in self.function_arns():
            sids = {str(s.get("Sid", "")) for s in invoke_permissions.statements(self._aws, arn)}
            have = {
                sid[len(invoke_permissions.SID_PREFIX) :]
                for sid in sids
                if sid.startswith(invoke_permissions.SID_PREFIX)
            }
            granted = have if granted is None else granted & have
        arns = stacks.stack_parameters(self._aws, self.o.stack_name).get("MemberRoleArns", "")
        idle: dict[str, list[str]] = {}
        for account in sorted(receiving):
            reasons = []
            if account not in reach.reached:
                reasons.append("no member role or remediation documents (the StackSets do not reach it)")
            if account != self.ctx.account and account not in (granted or set()):
                reasons.append("no invoke permission on the rule functions")
            if f":{account}:role/" not in arns:
                reasons.append("not in the rule stack's MemberRoleArns")
            if reasons:
                idle[account] = reasons
        return idle

    def survey(self) -> None:
        """Read-only: who deploys, the organization, which accounts the StackSets reach, their instances."""
        if self.ctx.surveyed:
            return
        aws = self._aws
        identity = aws.client("sts").get_caller_identity()
        self.ctx.account = identity["Account"]
        self.ctx.partition = identity["Arn"].split(":")[1]
        self._survey_organization()
        self._plan_stack_sets()
        self.ctx.surveyed = True

    def _survey_organization(self) -> None:
        orgs = self._aws.client("organizations")
        try:
            org = org_reach.read(orgs, self.o.organizational_units or None)
        except ClientError as exc:
            if error_code(exc) == "AWSOrganizationsNotInUseException":
                raise DeployError(
                    f"account {self.ctx.account} is not in an AWS Organization: deploy without --org"
                ) from None
            raise
        if org.feature_set != "ALL":
            raise DeployError("the organization must have all features enabled (StackSets and Config need them)")
        self.ctx.organization = org
        self.ctx.organization_id = org.id
        self.ctx.management_account = org.management_account
        self.ctx.root_ids = org.root_ids
        if self.ctx.account != org.management_account:
            self.ctx.call_as = "DELEGATED_ADMIN"
            delegated = org_reach.delegated_services(orgs, self.ctx.account)
            for principal in (org_reach.STACKSETS_PRINCIPAL, org_reach.CONFIG_PRINCIPAL):
                if principal not in delegated:
                    raise DeployError(
                        f"account {self.ctx.account} is neither the management account nor a delegated administrator "
                        f"for {principal}: register it (aws organizations register-delegated-administrator "
                        f"--account-id {self.ctx.account} --service-principal {principal})"
                    )
        self.ctx.accounts = tuple(self.o.accounts) if self.o.accounts is not None else org.accounts
        self.ctx.reach = org_reach.reach(
            org,
            self.ctx.account,
            user_excluded=self.o.excluded_accounts,
            invoking=self.o.accounts,
        )

    def _plan_stack_sets(self) -> None:
        org = self.ctx.organization
        assert org is not None
        self.ctx.stack_sets[naming.MEMBER_ROLE_STACK_SET] = stacks.plan_stack_set(
            self._aws,
            naming.MEMBER_ROLE_STACK_SET,
            template_body=self.build.member_role.read_text(encoding="utf-8"),
            parameters=self._member_role_parameters(),
            ou_accounts=org.ou_accounts,
            regions=[self.region],
            call_as=self.ctx.call_as,
        )
        if self.remediation:
            self.ctx.stack_sets[naming.REMEDIATION_STACK_SET] = stacks.plan_stack_set(
                self._aws,
                naming.REMEDIATION_STACK_SET,
                template_body=self.remediation.read_text(encoding="utf-8"),
                parameters=self._remediation_parameters(),
                ou_accounts=org.ou_accounts,
                regions=self._remediation_regions(),
                call_as=self.ctx.call_as,
            )

    # run --------------------------------------------------------------------------------------
    def run(self, out: TextIO) -> None:
        if self.aws is None:
            raise DeployError("no AWS session to deploy with")
        if self.o.org:
            out.write(self.plan_text())
        with one_line_errors():
            steps = self.steps()
            for number, step in enumerate(steps, 1):
                print(f"[{number}/{len(steps)}] {step.title}", file=out, flush=True)
                for line in step.run():
                    print(f"      {line}", file=out, flush=True)
        print("deployed", file=out)

    @property
    def _aws(self) -> Aws:
        assert self.aws is not None
        return self.aws

    def _check(self) -> list[str]:
        aws = self._aws
        if self.o.org:
            self.survey()
            lines = self._organization_lines()
        else:
            identity = aws.client("sts").get_caller_identity()
            self.ctx.account = identity["Account"]
            self.ctx.partition = identity["Arn"].split(":")[1]
            lines = [f"account {self.ctx.account}"]
        lines.append(self._check_recorder())
        if self.o.org:
            lines += self._recorder_coverage()
        lines.append(_check_bucket(aws, self.o.bucket, self.region, "artifact bucket"))
        if self.o.org and self.o.conformance_bucket:
            lines.append(_check_bucket(aws, self.o.conformance_bucket, None, "conformance bucket"))
        self.ctx.stack_exists = stacks.stack_status(aws, self.o.stack_name) is not None
        if not self.ctx.stack_exists:
            lines.append(self._check_concurrency())
        return lines

    def _check_recorder(self) -> str:
        config = self._aws.client("config")
        recorders = config.describe_configuration_recorders().get("ConfigurationRecorders") or []
        if not recorders:
            raise DeployError(
                f"AWS Config has no configuration recorder in account {self.ctx.account} {self.region}: "
                "turn on AWS Config first (the rules evaluate what it records)"
            )
        names = [r["name"] for r in recorders]
        statuses = config.describe_configuration_recorder_status(ConfigurationRecorderNames=names)
        recording = [s for s in statuses.get("ConfigurationRecordersStatus") or [] if s.get("recording")]
        if not recording:
            raise DeployError(
                f"AWS Config recorder {names[0]} in {self.region} is not recording: start it "
                f"(aws configservice start-configuration-recorder --configuration-recorder-name {names[0]})"
            )
        return f"Config recorder {recording[0]['name']} is recording"

    def _check_concurrency(self) -> str:
        reserved = int(self._stack_parameters().get("ReservedConcurrency", "5"))
        needed = reserved * len(self.build.rules)
        try:
            settings = self._aws.client("lambda").get_account_settings()
        except ClientError as exc:
            if error_code(exc) not in UNSUPPORTED:
                raise
            return "concurrency headroom not checked: the endpoint has no GetAccountSettings"
        unreserved = int((settings.get("AccountLimit") or {}).get("UnreservedConcurrentExecutions", 0))
        if unreserved - needed < UNRESERVED_MINIMUM:
            raise DeployError(
                f"Lambda concurrency: reserving {needed} executions ({len(self.build.rules)} functions x {reserved}) "
                f"would leave {unreserved - needed} of {unreserved} unreserved (Lambda keeps {UNRESERVED_MINIMUM}); "
                "pass --parameter ReservedConcurrency=N with a smaller N or raise the account quota"
            )
        return f"concurrency: {needed} reserved of {unreserved} unreserved executions"

    def _scoped_types(self) -> set[str]:
        """Resource types of the change-triggered rules the chosen packs (or, without packs, the stack) run."""
        names = set().union(*(p.rule_names() for p in self.chosen_packs)) if self.chosen_packs else None
        return {
            t
            for rule in self.build.rules
            if not rule.spec.periodic and (names is None or rule.rule_name() in names)
            for t in rule.spec.resource_types
        }

    def _recorder_coverage(self) -> list[str]:
        """Name the scoped types this account's recorder leaves out, per region the packs and StackSets use."""
        wanted = self._scoped_types()
        lines = []
        for region in self._stack_set_regions():
            config = self._aws.in_region(region).client("config")
            found = config.describe_configuration_recorders().get("ConfigurationRecorders") or []
            own = recorder_coverage.customer_recorders(found)
            if not own:
                lines.append(f"account {self.ctx.account} {region}: no configuration recorder (no rule runs there)")
                continue
            missing = recorder_coverage.unrecorded(own[0].get("recordingGroup") or {}, wanted, region)
            if missing:
                lines.append(
                    f"account {self.ctx.account} {region}: recorder {own[0]['name']} does not record "
                    f"{', '.join(missing)}: the rules on those types stay idle there"
                )
        return lines or [f"recorder records every scoped type in {', '.join(self._stack_set_regions())}"]

    def _upload(self) -> list[str]:
        s3 = self._aws.client("s3")
        uploads = [(self.build.layer.path, self.keys["layer"])]
        uploads += [(a.path, self.o.prefix + a.key) for a in self.build.rule_zips.values()]
        uploads.append((self.build.rule_stack, self.keys["template"]))
        if self.o.hook and self.build.hook is not None and self.build.hook_stack is not None:
            uploads += [(self.build.hook.path, self.keys["hook"]), (self.build.hook_stack, self.keys["hook_template"])]
        if self.remediation:
            uploads.append((self.remediation, self.keys["remediation"]))
        sent = 0
        for path, key in uploads:
            if _exists(s3, self.o.bucket, key, path.stat().st_size):
                continue
            s3.put_object(Bucket=self.o.bucket, Key=key, Body=path.read_bytes())
            sent += 1
        return [f"{sent} uploaded, {len(uploads) - sent} already there"]

    def _template_url(self, which: str = "template") -> str:
        bucket, key = self.o.bucket, self.keys[which]
        if self._aws.endpoint_url:  # a local AWS (moto, LocalStack) resolves path-style S3 URLs itself
            return f"https://s3.{self.region}.amazonaws.com/{bucket}/{key}"
        suffix = "amazonaws.com.cn" if self.ctx.partition == "aws-cn" else "amazonaws.com"
        return f"https://{bucket}.s3.{self.region}.{suffix}/{key}"

    def _deploy_rule_stack(self) -> list[str]:
        result = stacks.deploy_stack(
            self._aws,
            self.o.stack_name,
            template_url=self._template_url(),
            parameters=self._stack_parameters(),
            tags={"lambda-compliance:component": "rules", **self.o.tags},
        )
        return [f"stack {result.name} {result.action}"]

    def _member_role_parameters(self) -> dict[str, str]:
        return {"CentralAccountId": self.ctx.account, "RoleName": self.o.execution_role_name}

    def _remediation_parameters(self) -> dict[str, str]:
        assert self.remediation is not None
        body = self.remediation.read_text(encoding="utf-8")
        declared = pack_mod.Pack("remediation", self.remediation, body).declared()
        missing = [k for k, v in declared.items() if v is None and k not in self.o.remediation_parameters]
        if missing:
            raise DeployError(
                f"{self.remediation} needs parameter {missing[0]}: pass --remediation-parameter {missing[0]}=VALUE"
            )
        return {k: v for k, v in self.o.remediation_parameters.items() if k in declared}

    def _deploy_member_role(self) -> list[str]:
        body = self.build.member_role.read_text(encoding="utf-8")
        lines = []
        if self.ctx.call_as == "SELF":
            local = stacks.deploy_stack(
                self._aws,
                naming.MEMBER_ROLE_STACK,
                template_body=body,
                parameters=self._member_role_parameters(),
                tags={"lambda-compliance:component": "member-role"},
            )
            lines.append(f"stack {local.name} (this management account) {local.action}")
        result = stacks.apply_stack_set(
            self._aws,
            self.ctx.stack_sets[naming.MEMBER_ROLE_STACK_SET],
            template_body=body,
            parameters=self._member_role_parameters(),
            description="lambda-compliance: the role the central rule functions assume",
            call_as=self.ctx.call_as,
        )
        lines.append(f"StackSet {result.name} {result.action}")
        return lines

    def _deploy_remediation(self) -> list[str]:
        assert self.remediation is not None
        body = self.remediation.read_text(encoding="utf-8")
        params = self._remediation_parameters()
        url = self._template_url("remediation")
        lines = []
        if self.ctx.call_as == "SELF":
            local = stacks.deploy_stack(
                self._aws,
                naming.REMEDIATION_STACK,
                template_url=url,
                parameters=params,
                tags={"lambda-compliance:component": "remediation", **self.o.tags},
            )
            where = " (this management account)" if self.o.org else ""
            lines.append(f"stack {local.name}{where} {local.action}")
        if not self.o.org:
            return lines
        result = stacks.apply_stack_set(
            self._aws,
            self.ctx.stack_sets[naming.REMEDIATION_STACK_SET],
            template_body=body,
            parameters=params,
            description="lambda-compliance: remediation documents",
            call_as=self.ctx.call_as,
            template_url=url,
        )
        lines.append(f"StackSet {result.name} {result.action}")
        return lines

    def _sync_permissions(self) -> list[str]:
        result = invoke_permissions.sync(self._aws, self.function_arns(), self.ctx.accounts, self.ctx.account)
        members = len([a for a in self.ctx.accounts if a != self.ctx.account])
        return [
            f"{members} member accounts on {result.functions} functions: {result.added} added, {result.removed} removed"
        ]

    def _put_packs(self) -> list[str]:
        lines = []
        known = self._known_pack_parameters()
        for pack in self.chosen_packs:
            inputs = pack.inputs(known, self.o.pack_parameters)
            if self.o.org:
                assert self.o.conformance_bucket
                name = pack_mod.put_organization(
                    self._aws, pack, inputs, self.o.conformance_bucket, self.o.prefix, self._excluded()
                )
            else:
                name = pack_mod.put(self._aws, pack, inputs, self.o.bucket, self.o.prefix)
            lines.append(f"{name} deployed")
        return lines


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _exists(s3: Any, bucket: str, key: str, size: int) -> bool:
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if error_code(exc) in {"404", "NoSuchKey", "NotFound"}:
            return False
        raise
    return int(head.get("ContentLength", -1)) == size


def _check_bucket(aws: Aws, bucket: str, region: str | None, what: str) -> str:
    s3 = aws.client("s3")
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as exc:
        code = error_code(exc)
        if code in {"404", "NoSuchBucket", "NotFound"}:
            raise DeployError(
                f"{what} {bucket} does not exist: create it (same region as the stack) or pass --bucket"
            ) from None
        if code in {"403", "AccessDenied", "Forbidden"}:
            raise DeployError(
                f"permission denied on {what} {bucket}: the deploying identity needs s3:ListBucket"
            ) from None
        raise
    if region:
        location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
        if location == "EU":
            location = "eu-west-1"
        if location != region:
            raise DeployError(f"{what} {bucket} is in {location}; Lambda reads code only from a bucket in {region}")
    return f"{what} {bucket} is ready"


def parse_assignments(values: Sequence[str] | None, flag: str) -> dict[str, str]:
    """``KEY=VALUE`` arguments (repeatable, or comma-separated) into a dict; a malformed one is a DeployError."""
    out: dict[str, str] = {}
    for raw in values or ():
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise DeployError(f"{flag} expects KEY=VALUE, got '{raw}'")
        out[key.strip()] = value.strip()
    return out
