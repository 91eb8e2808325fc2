"""The deployed conformance pack as AWS Config runs it (tests/config_simulator.py), told as stories.

Each story changes one thing in a moto account, lets the simulated Config record it and deliver what
it would (change notifications to the rules scoped to the changed type, scheduled runs as the clock
moves), and asserts the dashboard after every step: a verdict is either the old one (stale) or the
new one, never anything else, and the new one arrives no later than the rule's next scheduled run.

moto 5.2.5 has no Lambda code signing: the code signing story answers GetFunctionCodeSigningConfig and
GetCodeSigningConfig from the test (responses validated against the Lambda service model) and says so
in its name.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from config_simulator import ConfigSimulator

from lambda_compliance import catalog
from lambda_compliance.testing.functions import code_signing_config

FUNCTION = ("AWS::Lambda::Function", "orders")
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
UNTRUSTED = "999988887777"
PROFILE = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/payments"


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/lib.py", "VALUE = 1\n")
    return buffer.getvalue()


class CodeSigning:
    """Lambda code signing as the service answers it (moto 5.2.5 lacks it)."""

    def __init__(self, account: str) -> None:
        self.arn = f"arn:aws:lambda:us-east-1:{account}:code-signing-config:csc-0a1b2c3d4e5f60718"
        self.policy = "Enforce"
        self.functions = {"orders"}

    def install(self, sim: ConfigSimulator) -> None:
        sim.answer("lambda", "GetFunctionCodeSigningConfig", self.function_config)
        sim.answer("lambda", "GetCodeSigningConfig", self.config)

    def function_config(self, FunctionName: str) -> dict[str, Any]:
        return {
            "FunctionName": FunctionName,
            "CodeSigningConfigArn": self.arn if FunctionName in self.functions else "",
        }

    def config(self, CodeSigningConfigArn: str) -> dict[str, Any]:
        return code_signing_config(CodeSigningConfigArn, self.policy, [PROFILE])


class ForeignLayer:
    """The function's layers as Lambda reports a layer shared from another account: moto 5.2.5 resolves a
    layer ARN in the function's own account only, so GetFunction is answered from moto with the layer swapped."""

    def __init__(self, estate: Any) -> None:
        self.estate = estate
        self.swapped = False

    def install(self, sim: ConfigSimulator) -> None:
        sim.answer("lambda", "GetFunction", self.get_function)

    def get_function(self, **params: Any) -> dict[str, Any]:
        response = self.estate.client("lambda").get_function(**params)
        response.pop("ResponseMetadata", None)
        if self.swapped:
            response["Configuration"]["Layers"] = [
                {"Arn": f"arn:aws:lambda:us-east-1:{UNTRUSTED}:layer:shared:3", "CodeSize": 170}
            ]
        return response


@dataclass
class Account:
    """The moto account of the stories: one VPC function whose every setting starts compliant."""

    estate: Any
    role: str
    group: str
    layer: str
    signing: CodeSigning
    foreign: ForeignLayer

    @classmethod
    def build(cls, estate: Any) -> Account:
        iam = estate.client("iam")
        boundary = iam.create_policy(
            PolicyName="workload-boundary",
            PolicyDocument=_document({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        )["Policy"]["Arn"]
        read = iam.create_policy(
            PolicyName="orders-read",
            PolicyDocument=_document(
                {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:*:*:table/orders"}
            ),
        )["Policy"]["Arn"]
        estate.role("orders-role", managed=(read,), boundary=boundary)
        ec2 = estate.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
                "SubnetId"
            ]
            for i, zone in enumerate("ab")
        ]
        group = ec2.create_security_group(GroupName="orders", Description="orders", VpcId=vpc)["GroupId"]
        ec2.revoke_security_group_egress(
            GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        )
        ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[_https_out()])
        layer = estate.client("lambda").publish_layer_version(LayerName="shared", Content={"ZipFile": _zip()})[
            "LayerVersionArn"
        ]
        logs = estate.client("logs")
        logs.create_log_group(logGroupName="/aws/lambda/orders")
        logs.put_retention_policy(logGroupName="/aws/lambda/orders", retentionInDays=400)
        estate.function(
            "orders",
            role="orders-role",
            VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [group]},
            Layers=[layer],
            Tags={"Owner": "payments", "Environment": "prod"},
        )
        return cls(estate, "orders-role", group, layer, CodeSigning(estate.account_id), ForeignLayer(estate))


def _https_out() -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def _all_out() -> dict[str, Any]:
    return {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


@dataclass(frozen=True)
class Story:
    name: str
    judged: tuple[str, ...]  # rules whose verdict on the function follows the change
    bystanders: tuple[str, ...]  # rules reading the same resource for another aspect: their verdict stays
    worsen: Callable[[Account], None]
    restore: Callable[[Account], None]
    at_once: bool = False  # the change is in the function's own CI: change-triggered rules see it at once


def _foreign_layer(swapped: bool) -> Callable[[Account], None]:
    def apply(account: Account) -> None:
        account.foreign.swapped = swapped

    return apply


def _signing(policy: str) -> Callable[[Account], None]:
    def apply(account: Account) -> None:
        account.signing.policy = policy

    return apply


def _retention(days: int) -> Callable[[Account], None]:
    def apply(account: Account) -> None:
        account.estate.client("logs").put_retention_policy(logGroupName="/aws/lambda/orders", retentionInDays=days)

    return apply


ROLE_RULES = tuple(r.rule_name() for r in catalog.all_rules() if r.spec.family == "role")
ADMIN_JUDGES = (
    "LAMBDA_ROLE_NO_ADMIN_ACCESS",
    "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION",
    "LAMBDA_ROLE_NO_WILDCARD_RESOURCES",
)

STORIES = (
    Story(
        "role gains AdministratorAccess",
        ADMIN_JUDGES,
        tuple(r for r in ROLE_RULES if r not in ADMIN_JUDGES),
        lambda a: a.estate.client("iam").attach_role_policy(RoleName=a.role, PolicyArn=ADMIN),
        lambda a: a.estate.client("iam").detach_role_policy(RoleName=a.role, PolicyArn=ADMIN),
    ),
    Story(
        "security group opened to the internet",
        ("LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED",),
        ("LAMBDA_INSIDE_VPC", "LAMBDA_VPC_MULTI_AZ"),
        lambda a: a.estate.client("ec2").authorize_security_group_egress(GroupId=a.group, IpPermissions=[_all_out()]),
        lambda a: a.estate.client("ec2").revoke_security_group_egress(GroupId=a.group, IpPermissions=[_all_out()]),
    ),
    Story(
        "code signing config loosened (stubbed: moto lacks code signing)",
        ("LAMBDA_CODE_SIGNING_ENFORCED",),
        (),
        _signing("Warn"),
        _signing("Enforce"),
    ),
    Story(
        "layer swapped to an untrusted account's (GetFunction stubbed: moto lacks cross-account layers)",
        ("LAMBDA_LAYERS_TRUSTED",),
        ("LAMBDA_PACKAGE_SIZE_LIMIT",),
        _foreign_layer(True),
        _foreign_layer(False),
        at_once=True,
    ),
    Story(
        "log group retention shortened",
        ("LAMBDA_LOG_RETENTION_CONFIGURED",),
        ("LAMBDA_LOG_GROUP_ENCRYPTED",),
        _retention(7),
        _retention(400),
    ),
)


def _cases() -> list[Any]:
    cases = []
    for story in STORIES:
        for rule in story.judged:
            cases.append(pytest.param(story, rule, True, id=f"{story.name}-{rule}"))
        for rule in story.bystanders:
            cases.append(pytest.param(story, rule, False, id=f"{story.name}-{rule}-unaffected"))
    return cases


def verdict(sim: ConfigSimulator, rule: str, resource: tuple[str, str] = FUNCTION) -> str:
    found = {
        (e.resource_type, e.resource_id): e.compliance
        for e in sim.evaluations.values()
        if e.rule == sim.rule(rule).name
    }
    return found.get(resource, "NO_EVALUATION")


def follow(sim: ConfigSimulator, rule: str, before: str, expected: str) -> timedelta:
    """Advance hour by hour until ``rule`` shows ``expected``: stale until then, never anything else,
    and no later than the rule's scheduled frequency. Returns how long the dashboard was stale."""
    frequency = sim.rule(rule).frequency
    assert frequency is not None, f"{rule} has no schedule: a change outside its scope would never reach it"
    started = sim.now
    steps = []
    while (seen := verdict(sim, rule)) != expected:
        steps.append((sim.now - started, seen))
        assert seen == before, steps
        assert sim.now - started < frequency, f"{rule} still shows {seen} after {frequency}: {steps}"
        sim.advance(hours=1)
    waited = sim.now - started
    sim.advance(hours=frequency.total_seconds() / 3600)  # another full period: the new verdict holds
    assert verdict(sim, rule) == expected
    return waited


@pytest.mark.parametrize(("story", "rule", "judged"), _cases())
def test_story_dashboard_follows_a_change_to_what_the_rule_reads(moto, story: Story, rule: str, judged: bool):
    account = Account.build(moto)
    sim = ConfigSimulator(moto, "all", only={rule})
    account.signing.install(sim)
    if story.worsen.__qualname__.startswith("_foreign_layer"):
        account.foreign.install(sim)
    sim.deploy()
    start = verdict(sim, rule)
    if judged:
        assert start == "COMPLIANT", sim.verdicts(rule)
    else:
        assert start != "NO_EVALUATION"

    story.worsen(account)
    sim.record()
    worse = "NON_COMPLIANT" if judged else start
    waited = follow(sim, rule, start, worse)
    if judged and story.at_once and sim.rule(rule).change:
        assert waited == timedelta(0)

    story.restore(account)
    sim.record()
    follow(sim, rule, worse, start)
    assert not sim.failures(), [i.result for i in sim.failures()]


# shared accounts: one deployment serves every rule's assertions (Config evaluates rules independently) -----


def _fresh_estate(endpoint: str) -> Any:
    import urllib.request

    import boto3

    from lambda_compliance.demo import Estate

    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
    return Estate(session=boto3.Session(region_name="us-east-1"), endpoint_url=endpoint)


FUNCTION_RULES = tuple(r.rule_name() for r in catalog.all_rules() if "AWS::Lambda::Function" in r.spec.resource_types)
SECRET_LOOKING = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's documented example secret key, not a secret


def _bare_function(estate: Any, name: str) -> None:
    """A function that fails every check a function can fail without a VPC: what an exemption is for."""
    estate.role(
        f"{name}-role",
        inline={
            "everything": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        },
    )
    estate.function(
        name,
        role=f"{name}-role",
        runtime="python3.8",
        Timeout=900,
        Environment={"Variables": {"AWS_SECRET_ACCESS_KEY": SECRET_LOOKING}},
    )
    lambda_client = estate.client("lambda")
    lambda_client.create_function_url_config(FunctionName=name, AuthType="NONE", Cors={"AllowOrigins": ["*"]})
    lambda_client.add_permission(FunctionName=name, StatementId="anyone", Action="lambda:InvokeFunction", Principal="*")


@dataclass
class Timeline:
    """What the dashboard showed for each rule, hour by hour."""

    seen: dict[str, list[tuple[Any, str, str]]]  # rule -> [(time, verdict, annotation)]
    sim: ConfigSimulator
    marks: dict[str, Any]


def _watch(sim: ConfigSimulator, rules: tuple[str, ...], resource_id: str, hours: int, seen: dict[str, list]) -> None:
    for _ in range(hours):
        sim.advance(hours=1)
        for rule in rules:
            compliance, annotation = sim.verdicts(rule).get(resource_id, ("NO_EVALUATION", ""))
            seen[rule].append((sim.now, compliance, annotation))


@pytest.fixture(scope="module")
def deletion(moto_endpoint) -> Timeline:
    estate = _fresh_estate(moto_endpoint)
    for name in ("orders", "refunds"):
        _bare_function(estate, name)
    sim = ConfigSimulator(estate, "all", only=set(FUNCTION_RULES))
    sim.deploy()
    before = {rule: sim.verdicts(rule).get("refunds", ("NO_EVALUATION", ""))[0] for rule in FUNCTION_RULES}
    kept = {rule: sim.verdicts(rule).get("orders", ("NO_EVALUATION", ""))[0] for rule in FUNCTION_RULES}
    estate.client("lambda").delete_function(FunctionName="refunds")
    deleted_at = sim.now
    sim.record()
    seen: dict[str, list] = {
        rule: [(sim.now, *sim.verdicts(rule).get("refunds", ("NO_EVALUATION", "")))] for rule in FUNCTION_RULES
    }
    _watch(sim, FUNCTION_RULES, "refunds", 25, seen)
    return Timeline(seen, sim, {"before": before, "kept": kept, "deleted_at": deleted_at})


@pytest.mark.parametrize("rule", FUNCTION_RULES)
def test_deleted_function_leaves_scope_and_the_pack_score(deletion: Timeline, rule: str):
    sim = deletion.sim
    assert not sim.failures(), [i.result for i in sim.failures()]
    assert deletion.marks["before"][rule] in VERDICTS_JUDGED_OR_NA
    timeline = deletion.seen[rule]
    left = [t for t, verdict, _ in timeline if verdict == "NOT_APPLICABLE"]
    if deletion.marks["before"][rule] != "NOT_APPLICABLE":
        assert left, timeline
        waited = left[0] - deletion.marks["deleted_at"]
        assert waited <= sim.rule(rule).frequency
        if sim.rule(rule).change:
            assert waited == timedelta(0)  # the deletion notification (eventLeftScope) reaches it at once
    # once out of scope it stays out, and the pack's compliance data no longer holds it
    assert all(verdict == "NOT_APPLICABLE" for t, verdict, _ in timeline if left and t >= left[0])
    # the function that still exists keeps its verdict
    assert sim.verdicts(rule)["orders"][0] == deletion.marks["kept"][rule]


def test_pack_score_counts_only_resources_in_scope(deletion: Timeline):
    from lambda_compliance.report import deployed

    sim = deletion.sim
    report = deployed.from_conformance_pack(sim.client(), sim.pack_name, sim.account, sim.region, FUNCTION_RULES)
    assert {e["resourceId"] for e in report["evaluations"]} == {"orders"}
    judged = [verdict for verdict in deletion.marks["kept"].values() if verdict in ("COMPLIANT", "NON_COMPLIANT")]
    assert sim.pack_score() == pytest.approx(100.0 * judged.count("COMPLIANT") / len(judged))
    assert len(report["evaluations"]) == len(judged)


VERDICTS_JUDGED_OR_NA = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")


EXPIRY = "2026-12-02"


@pytest.fixture(scope="module")
def exemption(moto_endpoint, tmp_path_factory) -> Timeline:
    """The pack built from a configuration exempting function 'legacy' from every function rule until EXPIRY,
    deployed beside the committed pack (no exemptions) on the same account: what each rule says unexempted."""
    from lambda_compliance import config_file, packs

    estate = _fresh_estate(moto_endpoint)
    _bare_function(estate, "legacy")
    settings = config_file.parse(
        {
            "exemptions": [
                {
                    "rule": rule,
                    "resources": ["legacy"],
                    "reason": "replaced by orders-v2, ticket OPS-7",
                    "expires": EXPIRY,
                }
                for rule in FUNCTION_RULES
            ]
        }
    )
    [pack] = [p for p in packs.packs() if p.key == "all"]
    path = tmp_path_factory.mktemp("packs") / "all.yaml"
    path.write_text(packs.build(pack, catalog.all_rules(), settings).text, encoding="utf-8")
    plain = ConfigSimulator(estate, "all", only=set(FUNCTION_RULES))
    plain.deploy()
    sim = ConfigSimulator(estate, path, only=set(FUNCTION_RULES))
    sim.deploy()
    seen: dict[str, list] = {rule: [(sim.now, *sim.verdicts(rule)["legacy"])] for rule in FUNCTION_RULES}
    _watch(sim, FUNCTION_RULES, "legacy", 60, seen)
    unexempt = {rule: plain.verdicts(rule)["legacy"][0] for rule in FUNCTION_RULES}
    return Timeline(seen, sim, {"unexempt": unexempt, "plain": plain})


@pytest.mark.parametrize("rule", FUNCTION_RULES)
def test_exemption_holds_until_its_date_then_the_first_evaluation_after_it_reports_the_finding(
    exemption: Timeline, rule: str
):
    from datetime import date

    sim, expires = exemption.sim, date.fromisoformat(EXPIRY)
    assert not sim.failures() and not exemption.marks["plain"].failures()
    unexempt = exemption.marks["unexempt"][rule]
    runs = [
        i.at for i in sim.invocations if i.rule == sim.rule(rule).name and i.message_type == "ScheduledNotification"
    ]
    first_after = min(t for t in runs if t.date() > expires)
    for moment, verdict, annotation in exemption.seen[rule]:
        if moment < first_after:
            if unexempt == "NOT_APPLICABLE":
                assert verdict == "NOT_APPLICABLE" and not annotation.startswith("exempt:")
            else:
                assert (verdict, annotation) == ("NOT_APPLICABLE", "exempt: replaced by orders-v2, ticket OPS-7")
        else:
            assert verdict == unexempt, (moment, verdict, annotation)
            if verdict == "NON_COMPLIANT":
                assert annotation.endswith(f"(exemption expired {EXPIRY})")


ALL_RULES = tuple(r.rule_name() for r in catalog.all_rules())


@pytest.fixture(scope="module")
def routing(moto_endpoint) -> Timeline:
    """The whole pack deployed; then a change to a type no rule is scoped to, then one to a function."""
    estate = _fresh_estate(moto_endpoint)
    _bare_function(estate, "legacy")
    sim = ConfigSimulator(estate, "all")
    sim.deploy()
    mark = len(sim.invocations)
    estate.client("iam").attach_role_policy(RoleName="legacy-role", PolicyArn=ADMIN)
    role_change = sim.record()
    after_role = sim.invoked_since(mark)
    mark = len(sim.invocations)
    estate.client("lambda").tag_resource(
        Resource=estate.client("lambda").get_function(FunctionName="legacy")["Configuration"]["FunctionArn"],
        Tags={"Owner": "payments"},
    )
    function_change = sim.record()
    after_function = sim.invoked_since(mark)
    return Timeline(
        {},
        sim,
        {
            "role_change": role_change,
            "after_role": after_role,
            "function_change": function_change,
            "after_function": after_function,
        },
    )


@pytest.mark.parametrize("rule", ALL_RULES)
def test_a_change_reaches_exactly_the_rules_scoped_to_its_type(routing: Timeline, rule: str):
    sim, marks = routing.sim, routing.marks
    deployed = sim.rule(rule)
    # the role's CI changed, and no rule's scope holds AWS::IAM::Role: nothing is invoked
    assert [t for t, _ in marks["role_change"]] == ["AWS::IAM::Role"]  # Config's id for a role is its RoleId
    assert not any(d.change and "AWS::IAM::Role" in d.scope for d in sim.rules.values())
    assert [i for i in marks["after_role"] if i.rule == deployed.name] == []
    # the function's CI changed: the rule is invoked once, with that CI, if and only if its scope holds the type
    legacy = ("AWS::Lambda::Function", "legacy")
    assert marks["function_change"] == [legacy]
    invoked = [i for i in marks["after_function"] if i.rule == deployed.name]
    if deployed.change and "AWS::Lambda::Function" in deployed.scope:
        assert [(i.message_type, i.resource) for i in invoked] == [("ConfigurationItemChangeNotification", legacy)]
    else:
        assert invoked == []
    assert not sim.failures(), [i.result for i in sim.failures()]


CHANGE_FUNCTION_RULES = tuple(
    r.rule_name()
    for r in catalog.all_rules()
    if r.spec.change_triggered and "AWS::Lambda::Function" in r.spec.resource_types
)


@pytest.fixture(scope="module")
def oversized(moto_endpoint) -> Timeline:
    """The same account under two Configs: one whose notifications fit SNS, one where every item is oversized."""
    estate = _fresh_estate(moto_endpoint)
    _bare_function(estate, "legacy")
    normal = ConfigSimulator(estate, "all", only=set(CHANGE_FUNCTION_RULES))
    normal.deploy()
    large = ConfigSimulator(estate, "all", only=set(CHANGE_FUNCTION_RULES), oversized_limit=1)
    large.deploy()
    return Timeline({}, large, {"normal": normal})


@pytest.mark.parametrize("rule", CHANGE_FUNCTION_RULES)
def test_an_oversized_item_is_fetched_by_the_rule_and_judged_the_same(oversized: Timeline, rule: str):
    large, normal = oversized.sim, oversized.marks["normal"]
    assert not large.failures() and not normal.failures()
    kinds = {i.message_type for i in large.invocations if i.rule == large.rule(rule).name and i.resource}
    assert kinds == {"OversizedConfigurationItemChangeNotification"}
    assert {i.message_type for i in normal.invocations if i.rule == normal.rule(rule).name and i.resource} == {
        "ConfigurationItemChangeNotification"
    }
    assert large.verdicts(rule)["legacy"] == normal.verdicts(rule)["legacy"]


def test_http_api_domains_config_does_not_record_are_judged_by_the_scheduled_run(moto):
    """AWS::ApiGatewayV2::DomainName is not a type Config records: no change notification ever names it,
    the pack's scope leaves it out, and the rule's scheduled run reads the domains from the API."""
    moto.client("apigateway").create_domain_name(
        domainName="rest.example.com",
        regionalCertificateArn=_CERT,
        securityPolicy="TLS_1_0",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    moto.client("apigatewayv2").create_domain_name(
        DomainName="ws.example.com",
        DomainNameConfigurations=[{"CertificateArn": _CERT, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_0"}],
    )
    sim = ConfigSimulator(moto, "all", only={"APIGATEWAY_DOMAIN_TLS12"})
    deployed = sim.rule("APIGATEWAY_DOMAIN_TLS12")
    assert deployed.scope == ("AWS::ApiGateway::DomainName",) and deployed.frequency == timedelta(hours=24)
    sim.deploy()
    assert not sim.failures(), [i.result for i in sim.failures()]
    assert {i.resource for i in sim.invocations if i.resource} == {("AWS::ApiGateway::DomainName", "rest.example.com")}
    assert sim.resource_compliance("AWS::ApiGateway::DomainName", "rest.example.com")["APIGATEWAY_DOMAIN_TLS12"][0] == (
        "NON_COMPLIANT"
    )
    assert sim.resource_compliance("AWS::ApiGatewayV2::DomainName", "ws.example.com") == {
        "APIGATEWAY_DOMAIN_TLS12": (
            "NON_COMPLIANT",
            "domain ws.example.com accepts TLS 1.0 (security policy TLS_1_0); use TLS_1_2 or later",
        )
    }


_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/8d6f2b53-3d6c-4b0f-9a43-7d8e2a1c5f00"


# remediation stories (scenario 4), tuned packs included: tests/test_deployed_remediation.py
