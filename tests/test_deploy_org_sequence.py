"""``deploy --org`` over an organization that changes: first deploy, add an OU, add a region, add an
account, remove an OU. Organizations, IAM, S3, Lambda, Config and the rule stack run in moto.

moto's service-managed StackSets record no ``OrganizationalUnitId`` on their instances, do not
walk nested OUs and create no resources in member accounts, so the StackSet operations go through
botocore's Stubber: a small model of the StackSet service (instances per account and region,
targets per OU, StackInstanceNotFoundException for update targets without instances) answers each
call, and Stubber checks every request and response against the CloudFormation service model.
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from lambda_compliance import catalog
from lambda_compliance.deploy import org_reach
from lambda_compliance.deploy.aws import Aws, DeployError
from lambda_compliance.deploy.run import Deployment, Options
from lambda_compliance.packaging import build, naming

ACCOUNT = "123456789012"  # moto's account: the management account here
REGION, OTHER_REGION = "us-east-1", "eu-west-1"
BUCKET, TEMPLATES = "lc-artifacts", "lc-pack-templates"
PACK = (Path(__file__).parent / "test_deploy.py").read_text().split('PACK = """\\\n', 1)[1].split('"""', 1)[0]
STACK_SET_OPERATIONS = {
    "describe_stack_set",
    "create_stack_set",
    "update_stack_set",
    "create_stack_instances",
    "list_stack_instances",
    "describe_stack_set_operation",
    "list_stack_set_operation_results",
}


@dataclass
class StackSet:
    template: str
    parameters: list[dict[str, str]]
    ous: set[str] = field(default_factory=set)
    instances: dict[tuple[str, str], str] = field(default_factory=dict)  # (account, region) -> target OU
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    version: int = 1


class StackSetService:
    """What CloudFormation does with service-managed StackSets, answered through a Stubber."""

    def __init__(self, moto: Any) -> None:
        self.orgs = moto.client("organizations")
        self.s3 = moto.client("s3")
        self.sets: dict[str, StackSet] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.ids = itertools.count(1)
        self.raw = moto.session.client("cloudformation", region_name=REGION, endpoint_url=moto.endpoint_url)
        self.stubber = Stubber(self.raw)
        # Registered before the Stubber's own first handler, so each answer is queued before it is checked.
        self.raw.meta.events.register_first("before-parameter-build.*.*", self._answer)
        self.stubber.activate()
        self.names = {v: k for k, v in self.raw.meta.method_to_api_mapping.items()}

    def management(self) -> str:
        return self.orgs.describe_organization()["Organization"]["MasterAccountId"]

    def accounts_under(self, ou: str) -> set[str]:
        return set(org_reach.accounts_under(self.orgs, ou)) - {self.management()}

    def auto_deploy(self) -> None:
        """Auto-deployment: an account that joins a target OU gets the instances of that OU's regions."""
        for stack_set in self.sets.values():
            for ou in stack_set.ous:
                regions = {r for (_, r), o in stack_set.instances.items() if o == ou}
                for account in self.accounts_under(ou):
                    for region in regions:
                        stack_set.instances.setdefault((account, region), ou)
                        stack_set.versions.setdefault((account, region), stack_set.version)

    def _answer(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        name = self.names[model.name]
        self.calls.append((name, params))
        answer = getattr(self, name)(**params)
        if isinstance(answer, tuple):
            code, message = answer
            self.stubber.add_client_error(name, code, message, 400, expected_params=params)
        else:
            self.stubber.add_response(name, answer, expected_params=params)

    def describe_stack_set(self, StackSetName: str, CallAs: str) -> Any:
        found = self.sets.get(StackSetName)
        if found is None:
            return "StackSetNotFoundException", f"StackSet {StackSetName} not found"
        return {
            "StackSet": {
                "StackSetName": StackSetName,
                "StackSetId": f"{StackSetName}:1",
                "Status": "ACTIVE",
                "TemplateBody": found.template,
                "Parameters": found.parameters,
                "PermissionModel": "SERVICE_MANAGED",
                "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
                "OrganizationalUnitIds": sorted(found.ous),
            }
        }

    def _body(self, kw: dict[str, Any]) -> str:
        """DescribeStackSet returns the template body, also when it was sent as a URL."""
        if "TemplateBody" in kw:
            return str(kw["TemplateBody"])
        bucket, key = kw["TemplateURL"].split("amazonaws.com/", 1)[1].split("/", 1)
        return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()

    def create_stack_set(self, StackSetName: str, Parameters: list[dict[str, str]], **kw: Any) -> Any:
        self.sets[StackSetName] = StackSet(self._body(kw), Parameters)
        return {"StackSetId": f"{StackSetName}:1"}

    def _operation(self) -> dict[str, str]:
        return {"OperationId": f"op-{next(self.ids)}"}

    def create_stack_instances(self, StackSetName: str, DeploymentTargets: Any, Regions: list[str], **_: Any) -> Any:
        stack_set = self.sets[StackSetName]
        for ou in DeploymentTargets["OrganizationalUnitIds"]:
            stack_set.ous.add(ou)
            for account in self.accounts_under(ou):
                for region in Regions:
                    stack_set.instances.setdefault((account, region), ou)
                    stack_set.versions[(account, region)] = stack_set.version
        return self._operation()

    def update_stack_set(self, StackSetName: str, **kw: Any) -> Any:
        stack_set = self.sets[StackSetName]
        ous = (kw.get("DeploymentTargets") or {}).get("OrganizationalUnitIds")
        pairs = (
            [(a, r) for ou in ous for a in self.accounts_under(ou) for r in kw["Regions"]]
            if ous
            else list(stack_set.instances)
        )
        if any(p not in stack_set.instances for p in pairs):
            return "StackInstanceNotFoundException", "Stack instance not found"
        stack_set.template = self._body(kw)
        stack_set.parameters = kw["Parameters"]
        stack_set.version += 1
        for pair in pairs:
            stack_set.versions[pair] = stack_set.version
        return self._operation()

    def list_stack_instances(self, StackSetName: str, CallAs: str) -> Any:
        stack_set = self.sets[StackSetName]
        return {
            "Summaries": [
                {
                    "StackSetId": f"{StackSetName}:1",
                    "Region": region,
                    "Account": account,
                    "StackId": f"arn:aws:cloudformation:{region}:{account}:stack/StackSet-{StackSetName}/1",
                    "Status": "CURRENT",
                    "OrganizationalUnitId": ou,
                }
                for (account, region), ou in sorted(stack_set.instances.items())
            ]
        }

    def describe_stack_set_operation(self, StackSetName: str, OperationId: str, CallAs: str) -> Any:
        return {"StackSetOperation": {"OperationId": OperationId, "Action": "CREATE", "Status": "SUCCEEDED"}}


class RoutedCloudFormation:
    """One CloudFormation client for the deployer: StackSet operations to the model, stacks to moto."""

    def __init__(self, moto_client: Any, service: StackSetService) -> None:
        self.moto = moto_client
        self.service = service
        self.meta = moto_client.meta

    def get_paginator(self, name: str) -> Any:
        return (self.service.raw if name in STACK_SET_OPERATIONS else self.moto).get_paginator(name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.service.raw if name in STACK_SET_OPERATIONS else self.moto, name)


@dataclass
class Org:
    id: str
    root: str
    ous: dict[str, str]
    accounts: dict[str, str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> build.Build:
    return build.build(tmp_path_factory.mktemp("dist"), list(catalog.all_rules()), catalog.rules_dir())


def _ready(moto: Any) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.create_bucket(Bucket=TEMPLATES)
    groups = {
        REGION: {"allSupported": True, "includeGlobalResourceTypes": True},
        # the second region records an inclusion list without Lambda functions: the demo rule idles there
        OTHER_REGION: {
            "allSupported": False,
            "includeGlobalResourceTypes": False,
            "resourceTypes": ["AWS::KMS::Key"],
            "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
        },
    }
    for region, group in groups.items():
        config = moto.session.client("config", region_name=region, endpoint_url=moto.endpoint_url)
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config-recorder",
                "recordingGroup": group,
            }
        )
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKET})
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def _organization(moto: Any) -> Org:
    """Root (management account) > security (delegated administrator), workloads > workloads-eu, sandbox."""
    orgs = moto.client("organizations")
    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    ous = {}
    for name, parent in (("security", root), ("workloads", root), ("sandbox", root)):
        ous[name] = orgs.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
    ous["workloads-eu"] = orgs.create_organizational_unit(ParentId=ous["workloads"], Name="workloads-eu")[
        "OrganizationalUnit"
    ]["Id"]
    accounts = {}
    for name, ou in (
        ("security", "security"),
        ("payments", "workloads"),
        ("analytics", "workloads-eu"),
        ("dev", "sandbox"),
    ):
        accounts[name] = _add_account(moto, name, ous[ou])
    orgs.register_delegated_administrator(
        AccountId=accounts["security"], ServicePrincipal="config-multiaccountsetup.amazonaws.com"
    )
    return Org(org_id, root, ous, accounts)


def _add_account(moto: Any, name: str, ou: str) -> str:
    orgs = moto.client("organizations")
    account = orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    orgs.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
    return account


class _Out(io.StringIO):
    pass


@dataclass
class Step:
    plan: str
    output: str
    calls: list[tuple[str, dict[str, Any]]]


def _deploy(moto: Any, built: build.Build, service: StackSetService, packs_dir: Path, **options: Any) -> Step:
    """Dry run, then the real run, each with its own Deployment (as two CLI invocations would)."""

    def deployment() -> Deployment:
        cfn = RoutedCloudFormation(moto.client("cloudformation"), service)
        aws = Aws(
            moto.session, REGION, endpoint_url=moto.endpoint_url, overrides={"cloudformation": cfn}, poll_seconds=0
        )
        opts = Options(
            bucket=BUCKET,
            org=True,
            packs=("demo",),
            packs_dir=packs_dir,
            conformance_bucket=TEMPLATES,
            **options,
        )
        return Deployment(opts, built, REGION, aws)

    dry = _Out()
    before = len(service.calls)
    deployment().print_plan(dry)
    writes = [c for c, _ in service.calls[before:] if not c.startswith(("describe", "list"))]
    assert writes == [], writes  # the dry run only reads
    plan = dry.getvalue().removesuffix("dry run: nothing was changed\n")
    before = len(service.calls)
    real = _Out()
    deployment().run(real)
    assert real.getvalue().startswith(plan)  # the real run prints the same plan, then carries it out
    return Step(plan, real.getvalue(), service.calls[before:])


def _writes(step: Step) -> list[tuple[str, Any, Any]]:
    out = []
    for name, params in step.calls:
        if name in {"create_stack_set", "create_stack_instances", "update_stack_set"}:
            targets = (params.get("DeploymentTargets") or {}).get("OrganizationalUnitIds")
            out.append((name, params["StackSetName"], (tuple(targets or ()), tuple(params.get("Regions") or ()))))
    return out


def _assert_pack_accounts_are_ready(moto: Any, service: StackSetService, org: Org, region: str) -> set[str]:
    """Every account the organization pack goes to has the member role and the documents in ``region``,
    and the rule functions let its AWS Config invoke them."""
    pack = moto.client("config").describe_organization_conformance_packs(
        OrganizationConformancePackNames=["lambda-compliance-demo"]
    )["OrganizationConformancePacks"][0]
    everyone = {a["Id"] for a in moto.client("organizations").list_accounts()["Accounts"]}
    receiving = everyone - set(pack.get("ExcludedAccounts") or [])
    roles = service.sets[naming.MEMBER_ROLE_STACK_SET]
    documents = service.sets[naming.REMEDIATION_STACK_SET]
    lam = moto.client("lambda")
    function = naming.function_name("LAMBDA_TRACING_ENABLED")
    sources = {
        s["Condition"]["StringEquals"]["AWS:SourceAccount"]
        for s in json.loads(lam.get_policy(FunctionName=function)["Policy"])["Statement"]
    }
    for account in receiving:
        if account == ACCOUNT:  # the management account: the deployer's own stacks
            assert moto.client("iam").get_role(RoleName=naming.MEMBER_ROLE_NAME)
            status = moto.client("cloudformation").describe_stacks(StackName=naming.REMEDIATION_STACK)["Stacks"][0]
            assert status["StackStatus"].endswith("_COMPLETE")
        else:
            assert (account, REGION) in roles.instances, account
            assert (account, region) in documents.instances, account
            assert roles.versions[(account, REGION)] == roles.version  # no instance is left on an old template
            assert documents.versions[(account, region)] == documents.version
        assert account in sources, account
    return receiving


def test_org_sequence_stackset_stubbed_because_moto_lacks_ou_stack_instances(moto, built, tmp_path) -> None:
    packs_dir = tmp_path / "packs"
    packs_dir.mkdir()
    (packs_dir / "demo.yaml").write_text(PACK)
    _ready(moto)
    org = _organization(moto)
    ou, acct = org.ous, org.accounts
    service = StackSetService(moto)
    base = (ou["security"], ou["workloads"])
    member, remediation = naming.MEMBER_ROLE_STACK_SET, naming.REMEDIATION_STACK_SET

    # 1. first deploy: security and workloads (workloads-eu beneath it), one region
    first = _deploy(moto, built, service, packs_dir, organizational_units=base)
    assert f"organization {org.id}: 5 ACTIVE accounts, management account {ACCOUNT}" in first.plan
    assert f"StackSet {member}: create" in first.plan
    assert f"instances added: {ou['security']}/{REGION}, {ou['workloads']}/{REGION}" in first.plan
    assert "ExcludedAccounts (1): every account without the member role and documents\n" in first.plan
    assert f"  {acct['dev']}: {org_reach.NOT_TARGETED}" in first.plan
    assert _writes(first) == [
        ("create_stack_set", member, ((), ())),
        ("create_stack_instances", member, (base, (REGION,))),
        ("create_stack_set", remediation, ((), ())),
        ("create_stack_instances", remediation, (base, (REGION,))),
    ]
    ready = _assert_pack_accounts_are_ready(moto, service, org, REGION)
    assert ready == {ACCOUNT, acct["security"], acct["payments"], acct["analytics"]}
    assert "4 member accounts on 44 functions: 176 added, 0 removed" in first.output
    assert "stack lambda-compliance-rules created" in first.output

    # 2. add an OU
    with_sandbox = (*base, ou["sandbox"])
    second = _deploy(moto, built, service, packs_dir, organizational_units=with_sandbox)
    assert f"StackSet {member}: template and parameters unchanged" in second.plan
    assert f"instances added: {ou['sandbox']}/{REGION}" in second.plan
    assert f"instances unchanged: {ou['security']}/{REGION}, {ou['workloads']}/{REGION}" in second.plan
    assert "ExcludedAccounts: none" in second.plan
    assert _writes(second) == [
        ("create_stack_instances", member, ((ou["sandbox"],), (REGION,))),
        ("create_stack_instances", remediation, ((ou["sandbox"],), (REGION,))),
    ]
    assert acct["dev"] in _assert_pack_accounts_are_ready(moto, service, org, REGION)
    assert "4 member accounts on 44 functions: 0 added, 0 removed" in second.output

    # 3. add a region: the remediation documents go there too; the member role (IAM) stays in one
    regions = (REGION, OTHER_REGION)
    third = _deploy(moto, built, service, packs_dir, organizational_units=with_sandbox, regions=regions)
    added = ", ".join(f"{o}/{OTHER_REGION}" for o in with_sandbox)
    assert f"instances added: {added}" in third.plan
    assert (
        f"account {ACCOUNT} {OTHER_REGION}: recorder default does not record AWS::Lambda::Function: "
        "the rules on those types stay idle there"
    ) in third.output
    assert f"recorder records every scoped type in {REGION}\n" in first.output
    assert _writes(third) == [("create_stack_instances", remediation, (with_sandbox, (OTHER_REGION,)))]
    _assert_pack_accounts_are_ready(moto, service, org, REGION)
    assert all((a, OTHER_REGION) in service.sets[remediation].instances for a in acct.values())

    # 4. add an account: auto-deployment gives it the role and documents; until the next deploy its
    # rules cannot run, which --check says
    newcomer = _add_account(moto, "newcomer", ou["sandbox"])
    service.auto_deploy()
    check_options = Options(
        bucket=BUCKET,
        org=True,
        packs=("demo",),
        packs_dir=packs_dir,
        conformance_bucket=TEMPLATES,
        organizational_units=with_sandbox,
        regions=regions,
    )
    cfn = RoutedCloudFormation(moto.client("cloudformation"), service)
    aws = Aws(moto.session, REGION, endpoint_url=moto.endpoint_url, overrides={"cloudformation": cfn}, poll_seconds=0)
    report = _Out()
    assert Deployment(check_options, built, REGION, aws).check(report) == 1
    assert f"  {newcomer}: no invoke permission on the rule functions; not in the rule stack's MemberRoleArns" in (
        report.getvalue()
    )
    fourth = _deploy(moto, built, service, packs_dir, organizational_units=with_sandbox, regions=regions)
    assert (
        "instances added: none" in fourth.plan
        and f"StackSet {member}: template and parameters unchanged" in fourth.plan
    )
    assert _writes(fourth) == []
    assert newcomer in _assert_pack_accounts_are_ready(moto, service, org, REGION)
    assert "5 member accounts on 44 functions: 44 added, 0 removed" in fourth.output
    assert "stack lambda-compliance-rules updated" in fourth.output  # MemberRoleArns gained the newcomer
    again = _Out()
    assert Deployment(check_options, built, REGION, aws).check(again) == 0, again.getvalue()

    # 5. remove an OU: its instances are left (not deleted); the packs exclude its accounts
    fifth = _deploy(moto, built, service, packs_dir, organizational_units=base, regions=regions)
    assert f"instances left as they are (no longer targeted, not deleted): {ou['sandbox']}/{REGION}" in fifth.plan
    assert "ExcludedAccounts (2)" in fifth.plan
    assert _writes(fifth) == []
    ready = _assert_pack_accounts_are_ready(moto, service, org, REGION)
    assert acct["dev"] not in ready and newcomer not in ready

    (tmp_path / "org-sequence-plans.txt").write_text("\n".join(s.plan for s in (first, second, third, fourth, fifth)))


def test_a_pack_region_outside_the_stack_set_regions_is_refused(built, tmp_path) -> None:
    packs_dir = tmp_path / "packs"
    packs_dir.mkdir()
    (packs_dir / "demo.yaml").write_text(PACK)
    options = Options(
        bucket=BUCKET,
        org=True,
        packs=("demo",),
        packs_dir=packs_dir,
        conformance_bucket=TEMPLATES,
        regions=(OTHER_REGION,),
    )
    with pytest.raises(
        DeployError, match=rf"^the organization packs go to region {REGION}, which the StackSets do not"
    ):
        Deployment(options, built, REGION, None)


SEC, PAY, ANA, DEV = "222222222222", "333333333333", "444444444444", "555555555555"


def _account(account: str, name: str) -> dict[str, Any]:
    return {
        "Id": account,
        "Arn": f"arn:aws:organizations::{ACCOUNT}:account/o-abc/{account}",
        "Email": f"{name}@example.com",
        "Name": name,
        "Status": "ACTIVE",
        "JoinedMethod": "CREATED",
    }


def _stubbed_org(stub: Stubber, delegated: list[str]) -> None:
    """Organizations as a delegated administrator (SEC) sees it: management account, security, workloads > eu."""
    stub.add_response(
        "describe_organization",
        {
            "Organization": {
                "Id": "o-abc",
                "Arn": f"arn:aws:organizations::{ACCOUNT}:organization/o-abc",
                "FeatureSet": "ALL",
                "MasterAccountArn": f"arn:aws:organizations::{ACCOUNT}:account/o-abc/{ACCOUNT}",
                "MasterAccountId": ACCOUNT,
                "MasterAccountEmail": "management@example.com",
            }
        },
    )
    stub.add_response(
        "list_roots", {"Roots": [{"Id": "r-ab12", "Name": "Root", "Arn": "arn:aws:organizations::1:root"}]}
    )
    everyone = [(ACCOUNT, "management"), (SEC, "security"), (PAY, "payments"), (ANA, "analytics"), (DEV, "dev")]
    stub.add_response("list_accounts", {"Accounts": [_account(a, n) for a, n in everyone]})
    tree = {"ou-ab12-sec": ([(SEC, "security")], []), "ou-ab12-work": ([(PAY, "payments")], ["ou-ab12-eu"])}
    tree["ou-ab12-eu"] = ([(ANA, "analytics")], [])
    for ou in ("ou-ab12-sec", "ou-ab12-work", "ou-ab12-eu"):
        accounts, children = tree[ou]
        stub.add_response(
            "list_accounts_for_parent", {"Accounts": [_account(a, n) for a, n in accounts]}, {"ParentId": ou}
        )
        stub.add_response(
            "list_organizational_units_for_parent",
            {
                "OrganizationalUnits": [
                    {"Id": c, "Arn": f"arn:aws:organizations::1:ou/o-abc/{c}", "Name": c} for c in children
                ]
            },
            {"ParentId": ou},
        )
    stub.add_response(
        "list_delegated_services_for_account",
        {"DelegatedServices": [{"ServicePrincipal": p} for p in delegated]},
        {"AccountId": SEC},
    )


def _as_delegated_admin(moto: Any, delegated: list[str]) -> tuple[Aws, list[Stubber]]:
    clients = {
        name: moto.session.client(name, region_name=REGION, endpoint_url=moto.endpoint_url)
        for name in ("sts", "organizations", "cloudformation")
    }
    stubs = {name: Stubber(client) for name, client in clients.items()}
    stubs["sts"].add_response(
        "get_caller_identity",
        {"UserId": "AROAEXAMPLE:deployer", "Account": SEC, "Arn": f"arn:aws:sts::{SEC}:assumed-role/deployer/s"},
    )
    _stubbed_org(stubs["organizations"], delegated)
    for name in (naming.MEMBER_ROLE_STACK_SET, naming.REMEDIATION_STACK_SET):
        stubs["cloudformation"].add_client_error(
            "describe_stack_set",
            "StackSetNotFoundException",
            f"StackSet {name} not found",
            400,
            expected_params={"StackSetName": name, "CallAs": "DELEGATED_ADMIN"},
        )
    for stub in stubs.values():
        stub.activate()
    aws = Aws(moto.session, REGION, endpoint_url=moto.endpoint_url, overrides=clients, poll_seconds=0)
    return aws, list(stubs.values())


def test_delegated_admin_plan_excludes_the_management_account_stubbed_because_moto_lacks_stacksets_delegation(
    moto, built, tmp_path
) -> None:
    packs_dir = tmp_path / "packs"
    packs_dir.mkdir()
    (packs_dir / "demo.yaml").write_text(PACK)
    options = Options(
        bucket=BUCKET,
        org=True,
        packs=("demo",),
        packs_dir=packs_dir,
        conformance_bucket=TEMPLATES,
        organizational_units=("ou-ab12-sec", "ou-ab12-work"),
    )
    aws, stubs = _as_delegated_admin(moto, [org_reach.STACKSETS_PRINCIPAL, org_reach.CONFIG_PRINCIPAL])
    plan = Deployment(options, built, REGION, aws).plan_text()
    for stub in stubs:
        stub.assert_no_pending_responses()
    assert f"deploying from {SEC} as delegated administrator" in plan
    assert f"packs go to 3 accounts: {SEC}, {PAY}, {ANA}\n" in plan  # ANA sits in a child OU of workloads
    assert f"  {ACCOUNT}: {org_reach.MANAGEMENT_SKIPPED}\n" in plan
    assert f"  {DEV}: {org_reach.NOT_TARGETED}\n" in plan
    assert "instances added: ou-ab12-sec/us-east-1, ou-ab12-work/us-east-1" in plan

    aws, _ = _as_delegated_admin(moto, [org_reach.CONFIG_PRINCIPAL])
    with pytest.raises(DeployError) as caught:
        Deployment(options, built, REGION, aws).plan_text()
    assert str(caught.value) == (
        f"account {SEC} is neither the management account nor a delegated administrator for "
        f"{org_reach.STACKSETS_PRINCIPAL}: register it (aws organizations register-delegated-administrator "
        f"--account-id {SEC} --service-principal {org_reach.STACKSETS_PRINCIPAL})"
    )


def test_stack_set_changed_template_creates_missing_instances_first_then_updates_only_existing_stubbed(moto) -> None:
    from lambda_compliance.deploy import stacks

    org = _organization(moto)
    ou = org.ous
    empty = moto.client("organizations").create_organizational_unit(ParentId=org.root, Name="empty")
    empty_ou = empty["OrganizationalUnit"]["Id"]
    service = StackSetService(moto)
    cfn = RoutedCloudFormation(moto.client("cloudformation"), service)
    aws = Aws(moto.session, REGION, endpoint_url=moto.endpoint_url, overrides={"cloudformation": cfn}, poll_seconds=0)
    name, params = "lc-set", {"CentralAccountId": ACCOUNT}

    def plan(body: str, ous: tuple[str, ...], regions: tuple[str, ...]) -> stacks.StackSetPlan:
        targets = {o: org_reach.accounts_under(moto.client("organizations"), o) for o in ous}
        return stacks.plan_stack_set(
            aws, name, template_body=body, parameters=params, ou_accounts=targets, regions=regions
        )

    first = plan("v1", (ou["security"], ou["workloads"]), (REGION,))
    stacks.apply_stack_set(aws, first, template_body="v1", parameters=params, description="d")
    before = len(service.calls)
    second = plan("v2", (ou["security"], ou["workloads"], ou["sandbox"], empty_ou), (REGION, OTHER_REGION))
    assert second.changed and second.action == "updated"
    assert second.added == (
        (ou["security"], OTHER_REGION),
        (ou["workloads"], OTHER_REGION),
        (ou["sandbox"], REGION),
        (ou["sandbox"], OTHER_REGION),
    )
    assert second.updated == ((ou["security"], REGION), (ou["workloads"], REGION))
    assert second.empty == (empty_ou,)
    result = stacks.apply_stack_set(aws, second, template_body="v2", parameters=params, description="d")
    writes = [
        (n, p.get("DeploymentTargets"), p.get("Regions"))
        for n, p in service.calls[before:]
        if n in {"create_stack_instances", "update_stack_set"}
    ]
    assert writes == [
        ("create_stack_instances", {"OrganizationalUnitIds": [ou["security"], ou["workloads"]]}, [OTHER_REGION]),
        ("create_stack_instances", {"OrganizationalUnitIds": [ou["sandbox"], empty_ou]}, [REGION, OTHER_REGION]),
        (
            "update_stack_set",
            {"OrganizationalUnitIds": [ou["security"], ou["workloads"], ou["sandbox"]]},  # never the empty OU
            [REGION, OTHER_REGION],
        ),
    ]
    stack_set = service.sets[name]
    assert result.action == "updated" and stack_set.template == "v2"
    assert set(stack_set.versions.values()) == {stack_set.version}  # every instance has the new template
    assert empty_ou in stack_set.ous  # targeted: auto-deployment covers accounts that join it

    third = plan("v2", (ou["security"], ou["workloads"], ou["sandbox"], empty_ou), (REGION, OTHER_REGION))
    assert third.action == "unchanged" and not third.added and not third.empty
