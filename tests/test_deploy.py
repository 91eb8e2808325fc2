"""``lambda-compliance deploy``: against moto where it has the API, else botocore's Stubber with real shapes."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

from lambda_compliance import catalog
from lambda_compliance.cli import main
from lambda_compliance.deploy import invoke_permissions
from lambda_compliance.deploy.aws import Aws, DeployError
from lambda_compliance.deploy.run import Deployment, Options
from lambda_compliance.packaging import build, naming

ACCOUNT = "123456789012"
REGION = "us-east-1"
BUCKET = "lc-artifacts"
CONFORMS = "awsconfigconforms-lc-test"
PACK = """\
Parameters:
  RuleAccountId:
    Type: String
    Default: ''
  RuleFunctionPrefix:
    Type: String
    Default: RDK-Rule-Function-
  ExecutionRoleName:
    Type: String
    Default: ''
Conditions:
  RulesInThisAccount: !Equals [!Ref RuleAccountId, '']
Resources:
  LambdaTracingEnabled:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: LAMBDA_TRACING_ENABLED
      Scope:
        ComplianceResourceTypes: [AWS::Lambda::Function]
      Source:
        Owner: CUSTOM_LAMBDA
        SourceIdentifier: !Sub
          - arn:${AWS::Partition}:lambda:${AWS::Region}:${Account}:function:${RuleFunctionPrefix}LAMBDATRACINGENABLED
          - Account: !If [RulesInThisAccount, !Ref AWS::AccountId, !Ref RuleAccountId]
        SourceDetails:
          - EventSource: aws.config
            MessageType: ConfigurationItemChangeNotification
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> build.Build:
    return build.build(tmp_path_factory.mktemp("dist"), list(catalog.all_rules()), catalog.rules_dir())


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "demo.yaml").write_text(PACK)
    return folder


def ready_account(moto: Any, *, recorder: bool = True) -> None:
    """What the deployer expects to find: an artifact bucket and a recording AWS Config."""
    moto.client("s3").create_bucket(Bucket=BUCKET)
    if recorder:
        config = moto.client("config")
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config-recorder",
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
            }
        )
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKET})
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def deploy_cli(moto: Any, *extra: str) -> int:
    return main(["deploy", "--bucket", BUCKET, "--endpoint-url", moto.endpoint_url, "--region", REGION, *extra])


def aws_for(moto: Any, **overrides: Any) -> Aws:
    return Aws(moto.session, REGION, endpoint_url=moto.endpoint_url, overrides=overrides, poll_seconds=0)


def our_functions(moto: Any) -> dict[str, dict[str, Any]]:
    out = {}
    for page in moto.client("lambda").get_paginator("list_functions").paginate():
        out.update({f["FunctionName"]: f for f in page["Functions"] if f["FunctionName"].startswith("RDK-Rule-")})
    return out


# single account against moto ---------------------------------------------------------------------


def test_single_account_deploy_creates_then_leaves_the_stack_unchanged(moto, capsys) -> None:
    ready_account(moto)
    assert deploy_cli(moto, "--tag", "Owner=security") == 0
    out = capsys.readouterr().out
    assert "stack lambda-compliance-rules created" in out and out.rstrip().endswith("deployed")
    assert "stack lambda-compliance-remediation created" in out  # templates/remediation.yaml, from S3
    cfn = moto.client("cloudformation")
    assert cfn.describe_stacks(StackName=naming.RULE_STACK)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"

    functions = our_functions(moto)
    assert set(functions) == {naming.function_name(n) for n in catalog.rule_names()}
    lam, iam = moto.client("lambda"), moto.client("iam")
    for rule in catalog.all_rules():
        fn = functions[naming.function_name(rule.rule_name())]
        assert fn["Runtime"] == "python3.12" and fn["Handler"] == naming.ENTRY_HANDLER
        variables = fn["Environment"]["Variables"]
        assert variables["LAMBDA_COMPLIANCE_RULE"] == rule.rule_name()
        assert variables["LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE"] == "false"
        assert variables["AWS_RETRY_MODE"] == "adaptive"
        concurrency = lam.get_function_concurrency(FunctionName=fn["FunctionName"])
        assert concurrency["ReservedConcurrentExecutions"] == 5
        role_name = fn["Role"].rsplit("/", 1)[-1]
        role = iam.get_role(RoleName=role_name)["Role"]
        assert role["Path"] == naming.RULE_ROLE_PATH and "PermissionsBoundary" in role
        assert iam.list_role_policies(RoleName=role_name)["PolicyNames"] == []
        attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
        assert len(attached) == 1
        policy = json.loads(lam.get_policy(FunctionName=fn["FunctionName"])["Policy"])["Statement"]
        assert [s["Condition"] for s in policy] == [{"StringEquals": {"AWS:SourceAccount": ACCOUNT}}]
    assert len(moto.client("lambda").list_layers()["Layers"]) == 1  # moto names it after the logical id

    assert deploy_cli(moto) == 0
    again = capsys.readouterr().out
    assert "0 uploaded" in again and "stack lambda-compliance-rules unchanged" in again


def test_dry_run_prints_the_plan_and_calls_no_aws(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: any request would fail
    assert main(["deploy", "--bucket", BUCKET, "--dry-run", "--region", "eu-west-1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("lambda-compliance deploy plan: single account, region eu-west-1\n")
    assert out.endswith("dry run: nothing was changed\n")
    for step in ("1. Check the target", "2. Upload the artifacts", "3. Deploy the rule stack"):
        assert step in out
    assert "aws:SourceAccount" in out and "StackSet" not in out


def test_org_dry_run_reads_the_organization_and_lists_stack_sets_permissions_and_org_packs(
    moto, capsys, packs_dir, organization
) -> None:
    _, _members, ou = organization
    argv = ["deploy", "--bucket", BUCKET, "--dry-run", "--region", REGION, "--org", "--endpoint-url", moto.endpoint_url]
    argv += ["--conformance-bucket", CONFORMS, "--packs", "demo", "--packs-dir", str(packs_dir), "--ou", ou]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"instances added: {ou}/{REGION}" in out and "packs go to 3 accounts" in out
    assert moto.client("cloudformation").list_stack_sets()["Summaries"] == []  # read, nothing created
    assert "StackSet lambda-compliance-member-role" in out and "auto-deployment on" in out
    assert "config-<account>" in out
    assert f"organization conformance pack lambda-compliance-demo ({packs_dir / 'demo.yaml'}" in out
    assert f"s3://{CONFORMS}/lambda-compliance/packs/" in out


# errors: one line each ---------------------------------------------------------------------------


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_missing_config_recorder_is_one_line(moto, capsys) -> None:
    ready_account(moto, recorder=False)
    assert deploy_cli(moto) == 2
    assert one_line_error(capsys) == (
        f"error: AWS Config has no configuration recorder in account {ACCOUNT} {REGION}: "
        "turn on AWS Config first (the rules evaluate what it records)"
    )


def test_missing_bucket_is_one_line(moto, capsys) -> None:
    ready_account(moto)
    assert main(["deploy", "--bucket", "no-such-bucket", "--endpoint-url", moto.endpoint_url]) == 2
    assert one_line_error(capsys) == (
        "error: artifact bucket no-such-bucket does not exist: create it (same region as the stack) or pass --bucket"
    )


def test_bucket_in_another_region_is_one_line(moto, capsys) -> None:
    ready_account(moto)
    moto.client("s3").create_bucket(Bucket="far-away", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert main(["deploy", "--bucket", "far-away", "--endpoint-url", moto.endpoint_url]) == 2
    assert one_line_error(capsys) == (
        "error: artifact bucket far-away is in eu-west-1; Lambda reads code only from a bucket in us-east-1"
    )


def _denied(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
    error = {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}, "ResponseMetadata": {"HTTPStatusCode": 403}}
    return AWSResponse("https://s3.amazonaws.com", 403, {}, None), error


def test_permission_denied_names_the_action(moto, built, capsys) -> None:
    ready_account(moto)
    s3 = moto.session.client("s3", region_name=REGION, endpoint_url=moto.endpoint_url)
    s3.meta.events.register("before-call.s3.PutObject", _denied)
    deployment = Deployment(Options(bucket=BUCKET), built, REGION, aws_for(moto, s3=s3))
    with pytest.raises(DeployError) as caught:
        deployment.run(open("/dev/null", "w"))  # noqa: SIM115
    assert str(caught.value) == "permission denied: the deploying identity needs s3:PutObject (AccessDenied)"


def test_unknown_pack_and_org_only_flags_are_usage_errors(capsys, packs_dir) -> None:
    argv = ["deploy", "--bucket", BUCKET, "--dry-run", "--region", REGION, "--packs", "nope"]
    assert main([*argv, "--packs-dir", str(packs_dir)]) == 2
    assert one_line_error(capsys) == f"error: no conformance pack 'nope' in {packs_dir} (available: demo)"
    assert main(["deploy", "--bucket", BUCKET, "--dry-run", "--conformance-bucket", CONFORMS]) == 2
    assert one_line_error(capsys) == "error: --conformance-bucket applies to --org deployments only"


# conformance packs: moto has no PutConformancePack -------------------------------------------------


def test_single_account_packs_stubbed_because_moto_lacks_put_conformance_pack(moto, built, packs_dir) -> None:
    ready_account(moto, recorder=False)
    config = moto.session.client("config", region_name=REGION, endpoint_url=moto.endpoint_url)
    now = datetime.datetime(2026, 11, 29, 9, 0, tzinfo=datetime.UTC)
    with Stubber(config) as stub:
        stub.add_response(
            "describe_configuration_recorders",
            {
                "ConfigurationRecorders": [
                    {
                        "arn": f"arn:aws:config:{REGION}:{ACCOUNT}:configuration-recorder/default/abc",
                        "name": "default",
                        "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config-recorder",
                        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
                    }
                ]
            },
        )
        stub.add_response(
            "describe_configuration_recorder_status",
            {"ConfigurationRecordersStatus": [{"name": "default", "recording": True, "lastStatus": "SUCCESS"}]},
            {"ConfigurationRecorderNames": ["default"]},
        )
        arn = f"arn:aws:config:{REGION}:{ACCOUNT}:conformance-pack/lambda-compliance-demo/conformance-pack-x1y2z3"
        stub.add_response(
            "put_conformance_pack",
            {"ConformancePackArn": arn},
            {
                "ConformancePackName": "lambda-compliance-demo",
                "TemplateBody": PACK,
                "ConformancePackInputParameters": [],
            },
        )
        status = {
            "ConformancePackName": "lambda-compliance-demo",
            "ConformancePackId": "conformance-pack-x1y2z3",
            "ConformancePackArn": arn,
            "StackArn": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/awsconfigconforms-lambda-compliance-demo/1",
            "LastUpdateRequestedTime": now,
        }
        names = {"ConformancePackNames": ["lambda-compliance-demo"]}
        stub.add_response(
            "describe_conformance_pack_status",
            {"ConformancePackStatusDetails": [{**status, "ConformancePackState": "CREATE_IN_PROGRESS"}]},
            names,
        )
        stub.add_response(
            "describe_conformance_pack_status",
            {"ConformancePackStatusDetails": [{**status, "ConformancePackState": "CREATE_COMPLETE"}]},
            names,
        )
        options = Options(bucket=BUCKET, packs=("demo",), packs_dir=packs_dir)
        out = _Lines()
        Deployment(options, built, REGION, aws_for(moto, config=config)).run(out)
        stub.assert_no_pending_responses()
    assert "lambda-compliance-demo deployed" in out.text


def test_failed_pack_is_one_line_stubbed_because_moto_lacks_put_conformance_pack(moto, packs_dir) -> None:
    from lambda_compliance.deploy import packs

    config = moto.session.client("config", region_name=REGION, endpoint_url=moto.endpoint_url)
    pack = packs.choose(packs_dir, ["demo"])[0]
    with Stubber(config) as stub:
        stub.add_response("put_conformance_pack", {"ConformancePackArn": "arn:aws:config:::x"})
        stub.add_response(
            "describe_conformance_pack_status",
            {
                "ConformancePackStatusDetails": [
                    {
                        "ConformancePackName": "lambda-compliance-demo",
                        "ConformancePackId": "conformance-pack-x1y2z3",
                        "ConformancePackArn": "arn:aws:config:::x",
                        "ConformancePackState": "CREATE_FAILED",
                        "StackArn": "arn:aws:cloudformation:::stack/x",
                        "ConformancePackStatusReason": "Lambda function RDK-Rule-Function-X does not exist",
                        "LastUpdateRequestedTime": datetime.datetime(2026, 11, 29, tzinfo=datetime.UTC),
                    }
                ]
            },
        )
        with pytest.raises(DeployError) as caught:
            packs.put(aws_for(moto, config=config), pack, [], BUCKET, "lc/")
    assert str(caught.value) == (
        "conformance pack lambda-compliance-demo failed: Lambda function RDK-Rule-Function-X does not exist"
    )


def test_pack_parameters_fill_deployment_values_and_refuse_unknown_names(packs_dir) -> None:
    from lambda_compliance.deploy import packs

    pack = packs.choose(packs_dir, ["demo"])[0]
    known = {"RuleAccountId": "111122223333", "ExecutionRoleName": "LambdaComplianceRuleExecution"}
    assert pack.inputs(known, {}) == [
        {"ParameterName": "ExecutionRoleName", "ParameterValue": "LambdaComplianceRuleExecution"},
        {"ParameterName": "RuleAccountId", "ParameterValue": "111122223333"},
    ]
    with pytest.raises(DeployError, match="pack demo has no parameter Nope"):
        pack.inputs({}, {"Nope": "1"})


# StackSets: moto ignores AutoDeployment -----------------------------------------------------------


class _Lines:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def _stack_set_client(moto: Any) -> Any:
    return moto.session.client("cloudformation", region_name=REGION, endpoint_url=moto.endpoint_url)


# organization against moto -------------------------------------------------------------------------


@pytest.fixture
def organization(moto: Any) -> Iterator[tuple[str, list[str], str]]:
    """An organization whose two member accounts sit in one OU (moto would also deploy the root's
    StackSet instances into the management account, which AWS never does)."""
    orgs = moto.client("organizations")
    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    ou = orgs.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    members = []
    for name in ("payments", "analytics"):
        status = orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        orgs.move_account(AccountId=status["AccountId"], SourceParentId=root, DestinationParentId=ou)
        members.append(status["AccountId"])
    yield org_id, members, ou


def test_org_deploy_against_moto(moto, built, packs_dir, organization) -> None:
    org_id, members, ou = organization
    ready_account(moto)
    moto.client("s3").create_bucket(Bucket=CONFORMS)
    options = Options(
        bucket=BUCKET,
        org=True,
        packs=("demo",),
        packs_dir=packs_dir,
        conformance_bucket=CONFORMS,
        organizational_units=(ou,),
    )
    out = _Lines()
    Deployment(options, built, REGION, aws_for(moto)).run(out)
    assert (
        f"organization {org_id}: 3 ACTIVE accounts, management account {ACCOUNT}; "
        f"deploying from {ACCOUNT} as management account"
    ) in out.text

    cfn = moto.client("cloudformation")
    stack = cfn.describe_stacks(StackName=naming.RULE_STACK)["Stacks"][0]
    params = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert params["ExecutionRoleName"] == naming.MEMBER_ROLE_NAME and params["OrganizationId"] == org_id
    for account in (ACCOUNT, *members):  # moto echoes a CommaDelimitedList value as a Python list
        assert f"arn:aws:iam::{account}:role/{naming.MEMBER_ROLE_NAME}" in params["MemberRoleArns"]
    fn = our_functions(moto)[naming.function_name("LAMBDA_TRACING_ENABLED")]
    assert fn["Environment"]["Variables"]["LAMBDA_COMPLIANCE_EXECUTION_ROLE_NAME"] == naming.MEMBER_ROLE_NAME

    role = moto.client("iam").get_role(RoleName=naming.MEMBER_ROLE_NAME)["Role"]  # the management account's own
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    condition = trust["Statement"][0]["Condition"]["ArnLike"]["aws:PrincipalArn"]
    assert condition == f"arn:aws:iam::{ACCOUNT}:role/lambda-compliance/*"

    for name in (naming.MEMBER_ROLE_STACK_SET, naming.REMEDIATION_STACK_SET):
        stack_set = cfn.describe_stack_set(StackSetName=name)["StackSet"]
        assert stack_set["PermissionModel"] == "SERVICE_MANAGED", name
    assert "StackSet lambda-compliance-remediation created" in out.text

    lam = moto.client("lambda")
    for function in our_functions(moto):
        statements = json.loads(lam.get_policy(FunctionName=function)["Policy"])["Statement"]
        sources = sorted(s["Condition"]["StringEquals"]["AWS:SourceAccount"] for s in statements)
        assert sources == sorted([ACCOUNT, *members]), function

    packs = moto.client("config").describe_organization_conformance_packs(
        OrganizationConformancePackNames=["lambda-compliance-demo"]
    )["OrganizationConformancePacks"]
    assert [p["OrganizationConformancePackName"] for p in packs] == ["lambda-compliance-demo"]
    assert packs[0]["ConformancePackInputParameters"] == [
        {"ParameterName": "ExecutionRoleName", "ParameterValue": naming.MEMBER_ROLE_NAME},
        {"ParameterName": "RuleAccountId", "ParameterValue": ACCOUNT},
    ]
    keys = [o["Key"] for o in moto.client("s3").list_objects_v2(Bucket=CONFORMS)["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("lambda-compliance/packs/demo-")

    # An account leaves: its statements go, the others stay.
    arns = [f["FunctionArn"] for f in our_functions(moto).values()]
    result = invoke_permissions.sync(aws_for(moto), arns, [ACCOUNT, members[0]], ACCOUNT)
    assert (result.added, result.removed) == (0, len(arns))


def test_too_many_accounts_for_one_function_policy_is_one_line() -> None:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{naming.function_name('LAMBDA_TRACING_ENABLED')}"
    limit = invoke_permissions.max_accounts(arn)
    assert 60 <= limit <= 100
    accounts = [f"{n:012d}" for n in range(1, limit + 2)]
    with pytest.raises(DeployError, match=rf"^{limit + 1} member accounts exceed what one Lambda function policy"):
        invoke_permissions.sync(Aws(boto3.Session(), REGION), [arn], accounts, ACCOUNT)  # fails before any request


def test_org_deploy_outside_an_organization_is_one_line(moto, built) -> None:
    ready_account(moto)
    deployment = Deployment(Options(bucket=BUCKET, org=True), built, REGION, aws_for(moto))
    with pytest.raises(DeployError) as caught:
        deployment.run(_Lines())
    assert str(caught.value) == f"account {ACCOUNT} is not in an AWS Organization: deploy without --org"


# the committed packs and the rule stack agree ---------------------------------------------------


def test_committed_packs_point_at_the_rule_stack_functions_and_need_no_extra_parameter() -> None:
    import yaml
    from lambda_compliance.cli.commands.package import repository_root

    from lambda_compliance.deploy import packs

    folder = repository_root() / "conformance-packs"
    available = packs.available(folder)
    if not available:
        pytest.skip("no generated conformance packs")
    functions = {naming.function_name(name) for name in catalog.rule_names()}
    for pack in packs.choose(folder, list(available)):
        declared = pack.declared()
        assert declared["RuleFunctionPrefix"] == naming.FUNCTION_PREFIX, pack.name
        pack.inputs({}, {})  # single account: every parameter has a default
        org = pack.inputs({"RuleAccountId": ACCOUNT, "ExecutionRoleName": naming.MEMBER_ROLE_NAME}, {})
        assert {p["ParameterName"] for p in org} == {"RuleAccountId", "ExecutionRoleName"}
        template = yaml.load(pack.body, Loader=packs._Loader)
        for resource in template["Resources"].values():
            if resource["Type"] != "AWS::Config::ConfigRule":
                continue
            source = resource["Properties"]["Source"]
            arn = source["SourceIdentifier"][0] if isinstance(source["SourceIdentifier"], list) else ""
            function = naming.FUNCTION_PREFIX + arn.rsplit("${RuleFunctionPrefix}", 1)[-1]
            assert function in functions, (pack.name, resource["Properties"]["ConfigRuleName"])
            assert function == naming.function_name(resource["Properties"]["ConfigRuleName"])
