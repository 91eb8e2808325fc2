"""Every rule wired to a remediation, as the deployed pack runs it (issue 17, scenario 4).

The Config simulator (tests/config_simulator.py) deploys the pack, finds the resource NON_COMPLIANT, executes
the pack's RemediationConfiguration as Config would (ResourceValue RESOURCE_ID, StaticValues, the role ARN
built from the pack's pseudo parameters): our documents on the project's SSM runner, AWS's runbooks on the
emulator of their documented steps (tests/aws_runbook_emulator.py); the recorder sees the change and the
rule's next evaluation of that resource must be COMPLIANT, and stay so for a full period.

moto 5.2.5 accepts TracingConfig and KMSKeyArn in UpdateFunctionConfiguration but keeps neither: the two
stories that need them extend the simulator's account (``FunctionSettings``) and say so in their names.

Tuned packs: a configuration file (or a pack parameter) sets the rule's parameters; the pack passes the
same values to the remediation, which must produce a resource the tuned rule accepts (tables below).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_runbook_emulator
import config_simulator
import pytest
from config_simulator import PACK_DIR, ConfigSimulator
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lambda_compliance import catalog, config_file, packs
from lambda_compliance.domain.functions.log_groups import SUPPORTED_RETENTION_DAYS
from lambda_compliance.remediation import runner
from lambda_compliance.remediation.aws_runbooks import RUNBOOKS
from lambda_compliance.remediation.build import ROLE_PATTERN

ACCOUNT_TYPE = "AWS::::Account"
FUNCTION_TYPE = "AWS::Lambda::Function"
STAGE_TYPE = "AWS::ApiGateway::Stage"
REMEDIATED = tuple(sorted(r.rule_name() for r in catalog.all_rules() if r.spec.remediation is not None))


# the account -------------------------------------------------------------------------------------------


class FunctionSettings:
    """Lambda's TracingConfig and KMSKeyArn as the service keeps them. moto 5.2.5 accepts both in
    UpdateFunctionConfiguration and answers its defaults afterwards, so the account keeps what was set and
    lays it over moto's answers (GetFunction, GetFunctionConfiguration, ListFunctions), in Lambda's shapes."""

    KEPT = ("TracingConfig", "KMSKeyArn")

    def __init__(self, estate: Any) -> None:
        self.estate = estate
        self.kept: dict[str, dict[str, Any]] = {}

    def install(self, sim: ConfigSimulator) -> None:
        sim.answer("lambda", "UpdateFunctionConfiguration", self.update)
        sim.answer("lambda", "GetFunctionConfiguration", self.get_configuration)
        sim.answer("lambda", "GetFunction", self.get_function)
        sim.answer("lambda", "ListFunctions", self.list_functions)

    def _moto(self) -> Any:
        return self.estate.client("lambda")

    def _overlay(self, configuration: dict[str, Any]) -> dict[str, Any]:
        configuration.update(self.kept.get(configuration["FunctionName"], {}))
        return configuration

    @staticmethod
    def _plain(response: dict[str, Any]) -> dict[str, Any]:
        response.pop("ResponseMetadata", None)
        return response

    def update(self, **params: Any) -> dict[str, Any]:
        kept = {k: params.pop(k) for k in self.KEPT if k in params}
        response = self._plain(self._moto().update_function_configuration(**params))
        self.kept.setdefault(response["FunctionName"], {}).update(kept)
        return self._overlay(response)

    def get_configuration(self, **params: Any) -> dict[str, Any]:
        return self._overlay(self._plain(self._moto().get_function_configuration(**params)))

    def get_function(self, **params: Any) -> dict[str, Any]:
        response = self._plain(self._moto().get_function(**params))
        self._overlay(response["Configuration"])
        return response

    def list_functions(self, **params: Any) -> dict[str, Any]:
        response = self._plain(self._moto().list_functions(**params))
        for configuration in response.get("Functions", []):
            self._overlay(configuration)
        return response


@dataclass
class Target:
    """What a story remediates: the resource, the deployer inputs the pack needs for its remediation."""

    resource_type: str
    resource_id: str
    inputs: dict[str, str]


def _function(estate: Any) -> Target:
    """A function failing every function rule with a remediation, and the inputs their remediations need."""
    estate.role("legacy-role", inline={"all": {"Version": "2012-10-17", "Statement": [_ALLOW_ALL]}})
    estate.function("legacy", role="legacy-role", Environment={"Variables": {"STAGE": "prod"}})
    lam = estate.client("lambda")
    lam.create_function_url_config(FunctionName="legacy", AuthType="NONE")
    lam.add_permission(FunctionName="legacy", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*")
    # SNS without a source: RestrictServicePermission pins it (an S3 grant would also be a public-access finding)
    lam.add_permission(
        FunctionName="legacy", StatementId="topic-events", Action="lambda:InvokeFunction", Principal="sns.amazonaws.com"
    )
    sqs = estate.client("sqs")
    queue = sqs.create_queue(QueueName="legacy-failures")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    kms = estate.client("kms")
    log_key = kms.create_key(Description="log group key")["KeyMetadata"]["Arn"]
    env_key = kms.create_key(Description="environment key")["KeyMetadata"]["Arn"]
    inputs = {"FailureDestinationArn": queue_arn, "LogGroupKmsKeyArn": log_key, "EnvironmentKmsKeyArn": env_key}
    return Target(FUNCTION_TYPE, "legacy", inputs)


_ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def _rest_stage(estate: Any) -> str:
    apigw = estate.client("apigateway")
    api = apigw.create_rest_api(name="payments")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    orders = apigw.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    apigw.put_method(restApiId=api, resourceId=orders, httpMethod="POST", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=orders, httpMethod="POST", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api)["id"]
    apigw.create_stage(restApiId=api, stageName="prod", deploymentId=deployment)
    return f"arn:aws:apigateway:{estate.region}::/restapis/{api}/stages/prod"


def _web_acl(estate: Any, name: str = "payments-protection") -> str:
    return estate.client("wafv2").create_web_acl(
        Name=name,
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": name},
    )["Summary"]["ARN"]


def _stage(estate: Any) -> Target:
    """A bare REST stage; the account has API Gateway's CloudWatch Logs role (execution logging needs it)."""
    estate.client("apigateway").update_account(
        patchOperations=[
            {"op": "replace", "path": "/cloudwatchRoleArn", "value": f"arn:aws:iam::{estate.account_id}:role/apigw"}
        ]
    )
    return Target(STAGE_TYPE, _rest_stage(estate), {"ApiStageWebAclArn": _web_acl(estate)})


def _trail(estate: Any) -> Target:
    """The account's multi-region trail, validated and logging, without Lambda data events."""
    estate.client("s3").create_bucket(Bucket="org-trail-logs")
    cloudtrail = estate.client("cloudtrail")
    cloudtrail.create_trail(
        Name="org-events", S3BucketName="org-trail-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True
    )
    cloudtrail.start_logging(Name="org-events")
    return Target(ACCOUNT_TYPE, estate.account_id, {})


def _detector(estate: Any) -> Target:
    estate.client("guardduty").create_detector(Enable=True)
    return Target(ACCOUNT_TYPE, estate.account_id, {})


def _account(estate: Any) -> Target:
    return Target(ACCOUNT_TYPE, estate.account_id, {})


def _key(estate: Any) -> Target:
    return Target("AWS::KMS::Key", estate.client("kms").create_key()["KeyMetadata"]["KeyId"], {})


def _table(estate: Any) -> Target:
    estate.client("dynamodb").create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return Target("AWS::DynamoDB::Table", "orders", {})


@dataclass(frozen=True)
class Story:
    rule: str
    account: Callable[[Any], Target]
    extends: str = ""  # what the simulator's account adds where moto falls short (named in the test id)


STORIES = {
    s.rule: s
    for s in (
        Story("APIGATEWAY_STAGE_LOGGING_ENABLED", _stage),
        Story("APIGATEWAY_STAGE_THROTTLING_CONFIGURED", _stage),
        Story("APIGATEWAY_STAGE_WAF_ATTACHED", _stage),
        Story("CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED", _trail),
        Story("DYNAMODB_PITR_ENABLED", _table),
        Story("GUARDDUTY_LAMBDA_PROTECTION_ENABLED", _detector),
        Story("INSPECTOR_LAMBDA_SCANNING_ENABLED", _account),
        Story("KMS_KEY_ROTATION_ENABLED", _key),
        Story("LAMBDA_CONCURRENCY_LIMIT_SET", _function),
        Story("LAMBDA_ENV_ENCRYPTED_WITH_CMK", _function, "function settings kept: moto drops KMSKeyArn"),
        Story("LAMBDA_FAILURE_DESTINATION_CONFIGURED", _function),
        Story("LAMBDA_LOG_GROUP_ENCRYPTED", _function),
        Story("LAMBDA_LOG_RETENTION_CONFIGURED", _function),
        Story("LAMBDA_PUBLIC_ACCESS_PROHIBITED", _function),
        Story("LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED", _function),
        Story("LAMBDA_TRACING_ENABLED", _function, "function settings kept: moto drops TracingConfig"),
        Story("LAMBDA_URL_AUTH_REQUIRED", _function),
    )
}


def _story_id(rule: str) -> str:
    story = STORIES[rule]
    return f"{rule} ({story.extends})" if story.extends else rule


def test_every_rule_wired_to_a_remediation_has_a_story():
    assert sorted(STORIES) == list(REMEDIATED)


# the story ---------------------------------------------------------------------------------------------


def verdict(sim: ConfigSimulator, rule: str, target: Target) -> str:
    for e in sim.evaluations.values():
        if (e.rule, e.resource_type, e.resource_id) == (sim.rule(rule).name, target.resource_type, target.resource_id):
            return e.compliance
    return "NO_EVALUATION"


def deploy(estate: Any, rule: str, pack: str | Path = "all", parameters: dict[str, str] | None = None) -> Any:
    target = STORIES[rule].account(estate)
    sim = ConfigSimulator(estate, pack, {**target.inputs, **(parameters or {})}, only={rule})
    assert sim.rule(rule).name in sim.remediations, "the pack deploys this rule's remediation with its inputs set"
    if STORIES[rule].extends:
        FunctionSettings(estate).install(sim)
    sim.deploy()
    return sim, target


def remediate_and_follow(sim: ConfigSimulator, rule: str, target: Target) -> Any:
    """NON_COMPLIANT -> Config runs the remediation -> COMPLIANT by the rule's next evaluation, and it holds."""
    assert verdict(sim, rule, target) == "NON_COMPLIANT", sim.verdicts(rule)
    execution = sim.remediate(rule, target.resource_id)
    if isinstance(execution, runner.Execution):
        assert execution.status == "CHANGED", execution.message
    else:
        assert execution.status == "Success", execution.steps
    sim.record()
    frequency = sim.rule(rule).frequency
    assert frequency is not None
    started = sim.now
    while (seen := verdict(sim, rule, target)) != "COMPLIANT":
        assert seen == "NON_COMPLIANT" and sim.now - started < frequency, (sim.now - started, sim.verdicts(rule))
        sim.advance(hours=1)
    sim.advance(hours=frequency.total_seconds() / 3600)
    assert verdict(sim, rule, target) == "COMPLIANT", sim.verdicts(rule)
    assert not sim.failures(), [i.result for i in sim.failures()]
    return execution


@pytest.mark.parametrize("rule", REMEDIATED, ids=_story_id)
def test_remediation_as_config_runs_it_makes_the_next_evaluation_compliant(moto, rule: str):
    sim, target = deploy(moto, rule)
    remediate_and_follow(sim, rule, target)


# the pack's RemediationConfiguration against the document's (or runbook's) declared parameters ---------


_ACL_ID = "0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"


_INPUTS = {
    "FailureDestinationArn": "arn:aws:sqs:us-east-1:123456789012:legacy-failures",
    "LogGroupKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "EnvironmentKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321",
    "ApiStageWebAclArn": f"arn:aws:wafv2:us-east-1:123456789012:regional/webacl/p/{_ACL_ID}",
}


class _NoAccount:
    """Resolving a pack needs only the account id and Region (nothing is recorded or invoked)."""

    account_id, region, endpoint_url, session = "123456789012", "us-east-1", None, None


def _resolved(pack: str) -> ConfigSimulator:
    """A committed pack resolved with every deployer input it declares set, so every remediation is deployed."""
    declared = config_simulator.cfn.load((PACK_DIR / f"{pack}.yaml").read_text(encoding="utf-8"))["Parameters"]
    return ConfigSimulator(_NoAccount(), pack, {k: v for k, v in _INPUTS.items() if k in declared})


@pytest.fixture(scope="module")
def wired() -> ConfigSimulator:
    return _resolved("all")


@pytest.mark.parametrize("pack", sorted(p.stem for p in PACK_DIR.glob("*.yaml")))
def test_every_pack_wires_each_remediation_as_the_all_pack_does(wired: ConfigSimulator, pack: str):
    """The per-rule checks below run on all.yaml; each framework pack deploys the same configurations."""
    sim = _resolved(pack)
    remediated = {d.base for name, d in sim.rules.items() if name in sim.remediations}
    assert remediated == {d.base for d in sim.rules.values() if d.rule.spec.remediation is not None}
    for rule in sorted(remediated):
        mine = {**sim.remediations[sim.rule(rule).name], "ConfigRuleName": rule}
        reference = {**wired.remediations[wired.rule(rule).name], "ConfigRuleName": rule}
        assert mine == reference, rule


def _resource_id(rule: str) -> str:
    types = catalog.load_rule(rule).spec.resource_types
    if STAGE_TYPE in types:
        return "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"
    return {
        ACCOUNT_TYPE: "123456789012",
        FUNCTION_TYPE: "legacy",
        "AWS::KMS::Key": "1234abcd-12ab-34cd-56ef-1234567890ab",
        "AWS::DynamoDB::Table": "orders",
    }[types[0]]


@pytest.mark.parametrize("rule", REMEDIATED)
def test_remediation_configuration_fits_the_document(wired: ConfigSimulator, rule: str):
    config = wired.remediations[wired.rule(rule).name]
    spec = catalog.load_rule(rule).spec.remediation
    assert spec is not None and config["TargetId"] == spec.document
    parameters = config["Parameters"]
    # RESOURCE_ID goes to exactly the parameter the rule names; every other value is static, one per String
    assert [n for n, v in parameters.items() if "ResourceValue" in v] == [spec.resource_parameter]
    assert parameters[spec.resource_parameter] == {"ResourceValue": {"Value": "RESOURCE_ID"}}
    assert all(len(v["StaticValue"]["Values"]) == 1 for n, v in parameters.items() if "StaticValue" in v)
    role = parameters["AutomationAssumeRole"]["StaticValue"]["Values"][0]
    assert role == "arn:aws:iam::123456789012:role/LambdaComplianceRemediation-us-east-1"
    assert re.search(ROLE_PATTERN, role)
    document, values = wired.remediation_parameters(rule, _resource_id(rule))
    if document in RUNBOOKS:
        declared = RUNBOOKS[document].parameters
        assert set(values) == set(declared)  # every runbook parameter is required, and no other is sent
        assert aws_runbook_emulator.check_parameters(document, values) == values
    else:
        declared = runner.load(document).parameters
        assert set(values) <= set(declared)
        resolved = runner.resolve_parameters(runner.load(document), values)  # names, required ones, patterns
        assert {k: resolved[k] for k in values} == values
        assert values.get("DryRun") == "false"
    # the values the pack takes from the rule are the rule's own (defaults here)
    rule_values = catalog.load_rule(rule).spec.in_force({})
    for document_parameter, rule_parameter in spec.from_rule.items():
        if rule_values[rule_parameter]:
            assert values[document_parameter] == rule_values[rule_parameter]
        else:
            assert document_parameter not in values  # empty: left out, the document's default applies


def test_the_emulator_knows_exactly_the_runbooks_the_project_wires():
    assert set(aws_runbook_emulator.STEPS) == set(RUNBOOKS)
    wired = {
        r.spec.remediation.document for r in catalog.all_rules() if r.spec.remediation and r.spec.remediation.aws_owned
    }
    assert wired == set(RUNBOOKS)


def test_the_emulator_fails_when_the_documented_assertion_does_not_hold(moto):
    """Without the account extension moto drops TracingConfig: the runbook's assert step fails the execution."""
    target = _function(moto)
    plain = ConfigSimulator(moto, "all", target.inputs, only={"LAMBDA_TRACING_ENABLED"})
    plain.deploy()
    with pytest.raises(aws_runbook_emulator.RunbookFailed, match=r"TracingConfig.Mode is 'PassThrough', not 'Active'"):
        plain.remediate("LAMBDA_TRACING_ENABLED", "legacy")
    with pytest.raises(aws_runbook_emulator.RunbookFailed, match="parameter KMSKeyArn value 'alias/x' does not match"):
        aws_runbook_emulator.check_parameters(
            "AWSConfigRemediation-EncryptLambdaEnvironmentVariablesWithCMK",
            {"FunctionName": "legacy", "KMSKeyArn": "alias/x", "AutomationAssumeRole": _ROLE},
        )
    with pytest.raises(aws_runbook_emulator.RunbookFailed, match="has no parameter DryRun"):
        aws_runbook_emulator.check_parameters(
            "AWSConfigRemediation-EnableKeyRotation", {"KeyId": "k", "AutomationAssumeRole": _ROLE, "DryRun": "false"}
        )


_ROLE = "arn:aws:iam::123456789012:role/LambdaComplianceRemediation-us-east-1"


# tuned packs -------------------------------------------------------------------------------------------


def tuned_pack(tmp_path: Path, rule: str, values: dict[str, str]) -> Path:
    """The 'all' pack built from a configuration file setting ``values`` on ``rule`` (tunable parameters
    become pack parameters defaulting to the file's value, the others literals), as `generate` would."""
    settings = config_file.parse({"rules": {rule: {"parameters": values}}})
    [pack] = [p for p in packs.packs() if p.key == "all"]
    path = tmp_path / "all.yaml"
    path.write_text(packs.build(pack, catalog.all_rules(), settings).text, encoding="utf-8")
    return path


CONCURRENCY = "LAMBDA_CONCURRENCY_LIMIT_SET"
CONCURRENCY_TABLE = [
    ({}, 10),  # neither bound: the document's 10, within min 1 and no max
    ({"minConcurrency": "0"}, 10),
    ({"minConcurrency": "10"}, 10),
    ({"minConcurrency": "20"}, 20),  # min above the document's default: raised to the floor
    ({"minConcurrency": "250"}, 250),
    ({"maxConcurrency": "5"}, 5),  # max below the default
    ({"maxConcurrency": "50"}, 50),  # max above the default
    ({"minConcurrency": "3", "maxConcurrency": "8"}, 8),
    ({"minConcurrency": "20", "maxConcurrency": "50"}, 50),
    ({"minConcurrency": "15", "maxConcurrency": "15"}, 15),
    ({"minConcurrency": "0", "maxConcurrency": "1"}, 1),
]


@pytest.mark.parametrize(("values", "reserved"), CONCURRENCY_TABLE, ids=lambda v: str(v))
def test_tuned_concurrency_remediates_into_the_range_the_rule_accepts(moto, tmp_path, values, reserved):
    sim, target = deploy(moto, CONCURRENCY, tuned_pack(tmp_path, CONCURRENCY, values))
    remediate_and_follow(sim, CONCURRENCY, target)
    found = moto.client("lambda").get_function_concurrency(FunctionName="legacy")["ReservedConcurrentExecutions"]
    assert found == reserved
    low, high = int(values.get("minConcurrency", 1)), int(values.get("maxConcurrency", 100000))
    assert low <= found <= high


def test_concurrency_pack_parameter_overrides_the_file_and_the_remediation_follows(moto, tmp_path):
    """A deployer sets the tunable maxConcurrency at deploy time: the remediation gets the deployed value, not
    the file's, and the file's minConcurrency (a literal) still holds."""
    path = tuned_pack(tmp_path, CONCURRENCY, {"minConcurrency": "2", "maxConcurrency": "40"})
    sim, target = deploy(moto, CONCURRENCY, path, {"LambdaConcurrencyLimitSetMaxConcurrency": "4"})
    assert sim.remediation_parameters(CONCURRENCY, "legacy")[1]["ReservedConcurrency"] == "4"
    remediate_and_follow(sim, CONCURRENCY, target)
    assert moto.client("lambda").get_function_concurrency(FunctionName="legacy")["ReservedConcurrentExecutions"] == 4


RETENTION = "LAMBDA_LOG_RETENTION_CONFIGURED"
RETENTION_TABLE = [
    ({}, 365),
    ({"minRetentionDays": "400"}, 400),
    ({"minRetentionDays": "200"}, 365),  # raised to the next retention CloudWatch Logs supports
    ({"minRetentionDays": "30", "maxRetentionDays": "90"}, 30),
    ({"minRetentionDays": "31", "maxRetentionDays": "180"}, 60),
    ({"minRetentionDays": "366", "maxRetentionDays": "545"}, 400),
    ({"minRetentionDays": "3000"}, 3288),
    ({"maxRetentionDays": "365"}, 365),
    ({"minRetentionDays": "1", "maxRetentionDays": "1"}, 1),
]


@pytest.mark.parametrize(("values", "days"), RETENTION_TABLE, ids=lambda v: str(v))
def test_tuned_retention_remediates_into_the_range_the_rule_accepts(moto, tmp_path, values, days):
    sim, target = deploy(moto, RETENTION, tuned_pack(tmp_path, RETENTION, values))
    remediate_and_follow(sim, RETENTION, target)
    [group] = moto.client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/legacy")["logGroups"]
    assert group["retentionInDays"] == days


@pytest.mark.parametrize(
    "values",
    [{"minRetentionDays": "200", "maxRetentionDays": "300"}, {"minRetentionDays": "2", "maxRetentionDays": "2"}],
)
def test_a_retention_range_no_log_group_can_meet_is_refused_when_the_pack_is_built(values):
    with pytest.raises(config_file.ConfigError, match="No log retention CloudWatch Logs supports"):
        config_file.parse({"rules": {RETENTION: {"parameters": values}}})


STAGE_TUNINGS = [
    ("APIGATEWAY_STAGE_THROTTLING_CONFIGURED", {"maxRateLimit": "100"}),  # below the document's 1000/s
    ("APIGATEWAY_STAGE_THROTTLING_CONFIGURED", {"maxRateLimit": "1"}),
    ("APIGATEWAY_STAGE_THROTTLING_CONFIGURED", {"maxRateLimit": "50000"}),
    ("APIGATEWAY_STAGE_LOGGING_ENABLED", {"executionLoggingLevel": "INFO"}),  # more than the document's ERROR
    ("APIGATEWAY_STAGE_LOGGING_ENABLED", {"executionLoggingLevel": "ERROR", "tracingRequired": "false"}),
    ("INSPECTOR_LAMBDA_SCANNING_ENABLED", {"requireCodeScanning": "false"}),
    ("INSPECTOR_LAMBDA_SCANNING_ENABLED", {"requireCodeScanning": "true", "maxCriticalFindingAgeDays": "0"}),
]


@pytest.mark.parametrize(("rule", "values"), STAGE_TUNINGS, ids=lambda v: str(v))
def test_other_tuned_rules_remediate_into_what_they_accept(moto, tmp_path, rule, values):
    sim, target = deploy(moto, rule, tuned_pack(tmp_path, rule, values))
    remediate_and_follow(sim, rule, target)
    if rule == "APIGATEWAY_STAGE_THROTTLING_CONFIGURED":
        api = target.resource_id.split("/")[-3]
        stage = moto.client("apigateway").get_stage(restApiId=api, stageName="prod")
        assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == float(values["maxRateLimit"])
    if rule == "INSPECTOR_LAMBDA_SCANNING_ENABLED":
        [account] = moto.client("inspector2").batch_get_account_status(accountIds=[moto.account_id])["accounts"]
        code = account["resourceState"].get("lambdaCode", {}).get("status", "DISABLED")
        assert code == ("ENABLED" if values["requireCodeScanning"] == "true" else "DISABLED")


WAF = "APIGATEWAY_STAGE_WAF_ATTACHED"
WAF_ALLOWED = "ApigatewayStageWafAttachedAllowedWebAclArns"  # the tunable allowedWebAclArns, a pack parameter


def test_waf_remediation_attaches_the_deployer_web_acl_when_the_rule_allows_it(moto):
    target = _stage(moto)
    other = _web_acl(moto, "other")
    allowed = f"{other},{target.inputs['ApiStageWebAclArn']}"
    sim = ConfigSimulator(moto, "all", {**target.inputs, WAF_ALLOWED: allowed}, only={WAF})
    sim.deploy()
    assert sim.remediation_parameters(WAF, target.resource_id)[1]["AllowedWebAclArns"] == allowed
    remediate_and_follow(sim, WAF, target)


def test_waf_remediation_refuses_a_web_acl_the_tuned_rule_rejects(moto):
    """The deployer's web ACL is not in allowedWebAclArns: the execution fails and changes nothing, rather than
    attach a web ACL after which the stage is still NON_COMPLIANT."""
    target = _stage(moto)
    other = _web_acl(moto, "other")
    sim = ConfigSimulator(moto, "all", {**target.inputs, WAF_ALLOWED: other}, only={WAF})
    sim.deploy()
    assert verdict(sim, WAF, target) == "NON_COMPLIANT"
    with pytest.raises(runner.StepFailed, match="is not in AllowedWebAclArns"):
        sim.remediate(WAF, target.resource_id)
    assert sim.record() == []  # nothing changed
    assert "WebACL" not in moto.client("wafv2").get_web_acl_for_resource(ResourceArn=target.resource_id)


# the whole class: every parameter combination LAMBDA_CONCURRENCY_LIMIT_SET accepts --------------------


def _pack_values(rule: str, values: dict[str, str]) -> dict[str, str]:
    """The document parameters the pack fills from the rule's values (``from_rule``): empty ones left out,
    as the pack's Fn::If / AWS::NoValue does (test_remediation_configuration_fits_the_document checks that)."""
    spec = catalog.load_rule(rule).spec
    assert spec.remediation is not None
    in_force = spec.in_force(values)
    return {doc: in_force[mine] for doc, mine in spec.remediation.from_rule.items() if in_force[mine]}


@settings(max_examples=200)
@given(
    low=st.integers(min_value=0, max_value=100000),
    high=st.one_of(st.none(), st.integers(min_value=1, max_value=100000)),
)
@example(low=20, high=None)  # the reported case: min above the document's default, no max
@example(low=100000, high=100000)  # the largest values the rule accepts
@example(low=0, high=None)
def test_every_concurrency_range_remediates_to_a_value_the_rule_accepts_stubbed_for_speed(low, high):
    """Property over the rule's whole parameter space (Stubber with Lambda's response shapes: one moto run per
    example would take minutes): whatever minConcurrency/maxConcurrency a pack sets, the document reserves a
    value the rule judges COMPLIANT."""
    from botocore.stub import ANY
    from remediation_support import run_stubbed, stubbed

    from lambda_compliance.testing import evaluate, lambda_ci, verdicts

    assume(high is None or low <= high)
    values = {"minConcurrency": str(low), **({"maxConcurrency": str(high)} if high is not None else {})}
    sent = _pack_values(CONCURRENCY, values)
    reserved: list[int] = []
    with stubbed("lambda") as (factory, stubs):
        client = factory("lambda")
        client.meta.events.register(
            "provide-client-params.lambda.PutFunctionConcurrency",
            lambda params, **_: reserved.append(params["ReservedConcurrentExecutions"]),
        )
        stubs["lambda"].add_response(
            "get_function_configuration", {"FunctionName": "legacy"}, {"FunctionName": "legacy"}
        )
        stubs["lambda"].add_response("get_function_concurrency", {}, {"FunctionName": "legacy"})
        stubs["lambda"].add_response(
            "put_function_concurrency",
            {"ReservedConcurrentExecutions": 1},
            {"FunctionName": "legacy", "ReservedConcurrentExecutions": ANY},
        )
        done = run_stubbed(
            factory, "LambdaCompliance-SetReservedConcurrency", FunctionName="legacy", DryRun="false", **sent
        )
    assert done.status == "CHANGED" and len(reserved) == 1
    ci = lambda_ci("legacy", supplementary={"Concurrency": {"reservedConcurrentExecutions": reserved[0]}})
    [(compliance, annotation)] = verdicts(evaluate(catalog.load_rule(CONCURRENCY)(), ci, values))
    assert compliance == "COMPLIANT", (values, reserved, annotation)


@settings(max_examples=200)
@given(low=st.integers(min_value=1, max_value=3653), high=st.integers(min_value=1, max_value=3653))
@example(low=200, high=300)  # no supported retention inside: refused by the rule
@example(low=366, high=545)  # 400
@example(low=3289, high=3653)  # 3653
def test_every_retention_range_the_rule_accepts_remediates_to_a_value_it_accepts_stubbed_for_speed(low, high):
    """Property over the rule's parameter space (Stubber with the Lambda and CloudWatch Logs response shapes):
    a range the rule accepts is one the document meets (a missing log group created with a retention inside
    it); a range holding no retention CloudWatch Logs supports is refused by the rule itself."""
    from botocore.stub import ANY
    from remediation_support import run_stubbed, stubbed

    from lambda_compliance.runtime.params import InvalidParametersError

    assume(low <= high)
    values = {"minRetentionDays": str(low), "maxRetentionDays": str(high)}
    rule = catalog.load_rule(RETENTION)()
    try:
        rule.evaluate_parameters(values)
    except InvalidParametersError:
        assert not any(low <= d <= high for d in SUPPORTED_RETENTION_DAYS)
        return
    kept: list[int] = []
    with stubbed("lambda", "logs") as (factory, stubs):
        factory("logs").meta.events.register(
            "provide-client-params.cloudwatch-logs.PutRetentionPolicy",
            lambda params, **_: kept.append(params["retentionInDays"]),
        )
        stubs["lambda"].add_response(
            "get_function_configuration", {"FunctionName": "legacy"}, {"FunctionName": "legacy"}
        )
        group = "/aws/lambda/legacy"
        stubs["logs"].add_response("describe_log_groups", {"logGroups": []}, {"logGroupNamePrefix": group})
        stubs["logs"].add_response("create_log_group", {}, {"logGroupName": group})
        stubs["logs"].add_response("put_retention_policy", {}, {"logGroupName": group, "retentionInDays": ANY})
        sent = _pack_values(RETENTION, values)
        done = run_stubbed(
            factory, "LambdaCompliance-SetLogGroupRetention", FunctionName="legacy", DryRun="false", **sent
        )
    assert done.status == "CHANGED" and len(kept) == 1
    assert low <= kept[0] <= high and kept[0] in SUPPORTED_RETENTION_DAYS
