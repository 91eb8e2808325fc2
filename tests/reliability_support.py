"""Shared pieces of the reliability tests: malformed-CI strategies, a moto-backed reader, evaluation checks.

Strategies start from realistic CIs (the project's test builders where one exists for the type, a
generic skeleton otherwise) and damage them the ways Config data arrives damaged: keys missing,
wrong types, nulls, huge and non-ASCII strings, broken JSON strings, URL-encoding errors, enum
wrappers, numbers as floats; then render them in the invoking-event (snapshot) or the API format,
or a broken API format. Keys and string values are drawn from a vocabulary harvested from the rule
and library sources, so damage lands on the fields rules actually read as rules are added.

Identity fields Config always sends well-formed (resourceType, resourceId, status, capture time)
are kept valid in the ``realistic`` mode; the ``arbitrary`` mode damages them too. Resource ids
always stay valid names for the services a rule may call (AWS never sends anything else, and a
name the service rejects is the service's answer, not a rule's bug).
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rdklib import ComplianceType, Evaluation

from lambda_compliance import catalog
from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.scanner.clients import ScanClientFactory
from lambda_compliance.testing import ACCOUNT, CAPTURE_TIME, REGION, lambda_ci
from lambda_compliance.testing.moto_server import moto_server_process

ROOT = Path(__file__).resolve().parent.parent
# Derived from the profile conftest.py loaded ("ci": derandomized, no example database): only the
# example count and health checks are this module's; randomness and the database stay the profile's.
DETERMINISTIC = bool(settings.default.derandomize)
PROFILE = settings(
    max_examples=10 if DETERMINISTIC else 12,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
if os.environ.get("RELIABILITY_EXAMPLES"):  # a deeper hunt on demand: RELIABILITY_EXAMPLES=500 pytest ...
    PROFILE = settings(PROFILE, max_examples=int(os.environ["RELIABILITY_EXAMPLES"]))

IDENTITY_KEYS = ("resourceType", "resourceId", "configurationItemStatus", "configurationItemCaptureTime")
FUNCTIONS_IN_MOTO = ("orders-api", "payments-worker")
ROLE_IN_MOTO = "orders-api-role"
# Valid names: two exist in the moto estate, one does not.
RESOURCE_IDS = (*FUNCTIONS_IN_MOTO, "ghost-function")
VALID_STATUSES = ("OK", "ResourceDiscovered")
# Mostly live resources: a deleted one is answered before the rule runs (tested on its own).
ALL_STATUSES = (*VALID_STATUSES * 3, "ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded")
# Hypothesis favours an integer strategy's bounds, so "1 in 10" is a sampled list whose first (favoured) entry
# is the common case.
ONE_IN_TEN = st.sampled_from([False] * 9 + [True])
SOMETIMES = st.sampled_from([False, False, False, True])  # identity fields damaged too, one case in four


# vocabulary -----------------------------------------------------------------------------------------


_QUOTED = re.compile(r"""["']([A-Za-z0-9_:.*/@$+=-]{2,60})["']""")


@cache
def vocabulary() -> tuple[str, ...]:
    """Short identifiers and values the rules and the library spell out (keys, enums, actions, types)."""
    sources = [p for p in (ROOT / "rules").glob("*/*.py") if not p.name.endswith("_test.py")]
    sources += [p for p in (ROOT / "src" / "lambda_compliance").rglob("*.py") if "testing" not in p.name]
    words: set[str] = set()
    for path in sources:
        try:
            words.update(_QUOTED.findall(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return tuple(sorted(words))


# leaves ---------------------------------------------------------------------------------------------

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        },
    ],
}
_POLICY_TEXT = json.dumps(POLICY)
BROKEN_JSON = (
    "{",
    "[",
    '{"Statement": [',
    '{"Statement": {"Effect": "Allow"',
    '{"a": 1,}',
    "{'single': 'quotes'}",
    '"unterminated',
    "nul\x00l",
    "NaN",
    "[1, 2",
    '{"Statement": "*"}',
    '{"Statement": null}',
    '{"Statement": [null, 1, "x", []]}',
    '"{\\"Statement\\": [}"',
)
BROKEN_URL_ENCODING = (
    "%",
    "%%",
    "%zz%7B",
    "%E0%A4%A",
    "%FF%FE%00",
    "%7B%22Statement%22%3A%5B",
    "%257B%2522Statement%2522",
    quote(_POLICY_TEXT)[:37],
    quote(quote(_POLICY_TEXT)),
    quote(_POLICY_TEXT).replace("%22", "%2", 1),
)
NON_ASCII = ("ñandú", "函数", "λ-функция", "🔥🔑", "\u202e\u200b", "e\u0301", "\ud800", "\x00\x1b[31m")


def _huge(draw_text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """1,000 to 70,000 characters: past every Config and annotation limit."""
    return st.builds(lambda s, n: ((s or "x") * (n // len(s or "x") + 1))[:n], draw_text, st.integers(1_000, 70_000))


@cache
def scalar_junk() -> st.SearchStrategy[Any]:
    words = st.sampled_from(vocabulary())
    short_text = st.text(max_size=12)
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from([0, -1, 1, 2**31, 10**12]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([1.0, 300.0, 0.5, -0.0, math.inf]),
        words,
        short_text,
        st.sampled_from(NON_ASCII),
        _huge(st.one_of(short_text, words, st.sampled_from(NON_ASCII))),
        st.sampled_from(BROKEN_JSON),
        st.sampled_from(BROKEN_URL_ENCODING),
        st.builds(lambda n: _POLICY_TEXT[:n], st.integers(0, len(_POLICY_TEXT))),
        st.builds(lambda n: quote(_POLICY_TEXT)[:n], st.integers(0, len(quote(_POLICY_TEXT)))),
    )


@cache
def junk() -> st.SearchStrategy[Any]:
    keys = st.one_of(st.sampled_from(vocabulary()), st.text(max_size=8))
    tree = st.recursive(
        scalar_junk(),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(keys, children, max_size=4),
            st.builds(lambda v: {"value": v}, children),
        ),
        max_leaves=12,
    )
    return st.one_of(
        tree, policy_like(), st.builds(json.dumps, tree), st.builds(lambda v: json.dumps(json.dumps(v)), tree)
    )


@cache
def policy_like() -> st.SearchStrategy[Any]:
    """Policy documents with damaged statements, as objects, JSON strings or URL-encoded JSON."""
    words = st.sampled_from(vocabulary())
    value = st.one_of(words, scalar_junk(), st.lists(words, max_size=3), st.dictionaries(words, words, max_size=2))
    statement = st.dictionaries(
        st.sampled_from(
            [
                "Sid",
                "Effect",
                "Principal",
                "NotPrincipal",
                "Action",
                "NotAction",
                "Resource",
                "NotResource",
                "Condition",
            ]
        ),
        st.one_of(
            value,
            st.sampled_from(["Allow", "Deny", "*", {"AWS": "*"}, {"Service": "s3.amazonaws.com"}]),
            st.dictionaries(words, st.dictionaries(words, value, max_size=2), max_size=2),
        ),
        max_size=7,
    )
    document = st.fixed_dictionaries(
        {"Statement": st.one_of(st.lists(statement, max_size=3), statement, scalar_junk())},
        optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17", 7, None])},
    )
    return st.one_of(
        document,
        st.builds(json.dumps, document),
        st.builds(lambda d: quote(json.dumps(d)), document),
        st.builds(lambda d: json.dumps(json.dumps(d)), document),
    )


# realistic bases --------------------------------------------------------------------------------------


def _optional_builders() -> dict[str, list[Callable[[], dict[str, Any]]]]:
    """Builders other families ship in their testing modules (imported defensively: they land over time)."""
    found: dict[str, list[Callable[[], dict[str, Any]]]] = {}
    try:
        from lambda_compliance.testing import roles as roles

        found["AWS::IAM::Role"] = [
            lambda: roles.role_ci(
                ROLE_IN_MOTO,
                inline={"app": roles.LOGS_POLICY, "wide": POLICY},
                managed=(roles.ADMIN_ARN, roles.policy_arn("shared")),
                boundary=roles.policy_arn("boundary"),
            )
        ]
        found["AWS::IAM::Policy"] = [lambda: roles.policy_ci("shared", POLICY)]
    except (ImportError, AttributeError):
        pass
    try:
        from lambda_compliance.testing import api_gateway as apigw

        found["AWS::ApiGateway::Stage"] = [
            lambda: apigw.rest_stage_ci(
                methodSettings={"*/*": apigw.method_settings(loggingLevel="INFO")},
                accessLogSettings=apigw.ACCESS_LOGS,
                webAclArn=apigw.WEB_ACL,
            )
        ]
        found["AWS::ApiGatewayV2::Stage"] = [lambda: apigw.v2_stage_ci(accessLogSettings=apigw.ACCESS_LOGS)]
        found["AWS::ApiGateway::RestApi"] = [apigw.rest_api_ci]
        found["AWS::ApiGatewayV2::Api"] = [apigw.v2_api_ci]
        found["AWS::ApiGateway::DomainName"] = [apigw.rest_domain_ci]
        found["AWS::ApiGatewayV2::DomainName"] = [lambda: apigw.v2_domain_ci("hooks.example.com", "TLS_1_0")]
    except (ImportError, AttributeError):
        pass
    try:
        from lambda_compliance.testing import data_stores as data

        found["AWS::DynamoDB::Table"] = [lambda: data.table_ci(key=data.key_arn()), lambda: data.table_ci("plain")]
        found["AWS::KMS::Key"] = [data.kms_key_ci, lambda: data.kms_key_ci(data.AWS_KEY_ID, manager="AWS")]
        found["AWS::SecretsManager::Secret"] = [lambda: data.secret_ci(**data.rotating(30), KMSKeyId=data.key_arn())]
        found["AWS::EC2::Subnet"] = [data.subnet_ci]
        found["AWS::EC2::FlowLog"] = [data.flow_log_ci]
        found["AWS::EC2::VPCEndpoint"] = [lambda: data.endpoint_ci("s3"), lambda: data.endpoint_ci("lambda")]
    except (ImportError, AttributeError):
        pass
    return found


def _function_bases() -> list[Callable[[], dict[str, Any]]]:
    role = f"arn:aws:iam::{ACCOUNT}:role/{ROLE_IN_MOTO}"
    subnet_vpc = {"subnetIds": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], "securityGroupIds": ["sg-0123abcd"]}
    return [
        lambda: lambda_ci(
            "orders-api",
            role=role,
            kmskeyArn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0d6f0c3e-1111-4222-8333-444455556666",
            vpcConfig=subnet_vpc,
            tracingConfig={"mode": "Active"},
            layers=[{"arn": f"arn:aws:lambda:{REGION}:999988887777:layer:tools:3", "codeSize": 1234}],
            deadLetterConfig={"targetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"},
            supplementary={
                "Policy": json.dumps(POLICY),
                "Concurrency": {"reservedConcurrentExecutions": 5},
            },
            tags={"owner": "payments", "env": "prod"},
        ),
        lambda: lambda_ci("payments-worker", role=role, packageType="Image", runtime=None, timeout=900.0),
    ]


def skeleton(resource_type: str, resource_id: str = "ghost-resource") -> dict[str, Any]:
    return {
        "version": "1.3",
        "accountId": ACCOUNT,
        "configurationItemCaptureTime": CAPTURE_TIME,
        "configurationItemStatus": "OK",
        "configurationStateId": "1764403200000",
        "arn": f"arn:aws:{resource_type.split('::')[1].lower()}:{REGION}:{ACCOUNT}:{resource_id}",
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": resource_id,
        "awsRegion": REGION,
        "availabilityZone": "Not Applicable",
        "tags": {},
        "relationships": [],
        "configuration": {},
        "supplementaryConfiguration": {},
    }


@cache
def bases(resource_type: str) -> tuple[Callable[[], dict[str, Any]], ...]:
    if resource_type == "AWS::Lambda::Function":
        return tuple(_function_bases())
    known = _optional_builders().get(resource_type)
    if known:
        return tuple(known)
    return (lambda: skeleton(resource_type),)


def base_ci(resource_type: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(bases(resource_type)).map(lambda build: build())


# damage -----------------------------------------------------------------------------------------------


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _parent(root: Any, path: tuple[Any, ...]) -> Any:
    node = root
    for step in path[:-1]:
        node = node[step]
    return node


def _corrupt(text: str, draw: Any) -> str:
    how = draw(st.sampled_from(["truncate", "percent", "non-ascii", "grow", "quote", "json-quote"]))
    if how == "truncate":
        return text[: draw(st.integers(0, max(0, len(text) - 1)))]
    if how == "percent":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from(["%", "%g", "%E2%82", "%%"])) + text[at:]
    if how == "non-ascii":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from(NON_ASCII)) + text[at:]
    if how == "grow":
        return (text or "x") * (20_000 // max(1, len(text)) + 1)
    if how == "quote":
        # a lone surrogate cannot be UTF-8 encoded: percent-encode its raw bytes (found by make fuzz: quote()
        # raised UnicodeEncodeError while *generating* a CI, outside the rule under test)
        return quote(text, errors="surrogatepass")
    return json.dumps(text)


@st.composite
def damaged(draw: Any, ci: dict[str, Any], *, keep_identity: bool) -> dict[str, Any]:
    """``ci`` with 0..6 damages anywhere below the identity fields (or anywhere, when not kept)."""
    ci = copy.deepcopy(ci)
    for _ in range(draw(st.integers(0, 6))):
        paths = [p for p in _paths(ci) if not (keep_identity and p[0] in IDENTITY_KEYS) and p[0] not in ("resourceId",)]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(ci, path)
        key = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "replace", "corrupt", "wrap", "encode", "add"]))
        current = parent[key]
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(junk())
        elif action == "corrupt" and isinstance(current, str):
            parent[key] = _corrupt(current, draw)
        elif action == "wrap":
            parent[key] = {"value": current}
        elif action == "encode":
            parent[key] = json.dumps(current, default=str)
        elif action == "add" and isinstance(current, dict):
            current[draw(st.sampled_from(vocabulary()))] = draw(junk())
        elif action == "add" and isinstance(current, list):
            current.append(draw(junk()))
        else:
            parent[key] = draw(junk())
    if not keep_identity and draw(st.booleans()):
        ci["resourceId"] = draw(
            st.one_of(st.sampled_from([*RESOURCE_IDS, ""]), st.none(), st.integers(), st.lists(st.none(), max_size=1))
        )
    return ci


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str)


def api_format(ci: Any) -> Any:
    """The get_resource_config_history spelling, tolerating any damage already done to ``ci``."""
    if not isinstance(ci, dict):
        return ci
    out = dict(ci)
    if "accountId" not in out and "awsAccountId" in out:
        out["accountId"] = out.pop("awsAccountId")
    if "arn" not in out and "ARN" in out:
        out["arn"] = out.pop("ARN")
    if "configuration" in out:
        out["configuration"] = _dumps(out["configuration"])
    supplementary = out.get("supplementaryConfiguration")
    if isinstance(supplementary, dict):
        out["supplementaryConfiguration"] = {k: _dumps(v) for k, v in supplementary.items()}
    relationships = out.get("relationships")
    if isinstance(relationships, list):
        out["relationships"] = [
            {**{k: v for k, v in r.items() if k != "name"}, "relationshipName": r.get("name")}
            if isinstance(r, dict)
            else r
            for r in relationships
        ]
    return out


def snapshot_format(ci: Any) -> Any:
    if not isinstance(ci, dict):
        return ci
    out = dict(ci)
    if "awsAccountId" not in out and "accountId" in out:
        out["awsAccountId"] = out.pop("accountId")
    if "ARN" not in out and "arn" in out:
        out["ARN"] = out.pop("arn")
    return out


# Config's two CI formats: the change notification's (snapshot) and the API's (BatchGetResourceConfig,
# GetResourceConfigHistory: what an oversized notification makes rdklib fetch), intact or broken.
FORMATS = ("snapshot", "api", "api-broken")


@st.composite
def in_some_format(draw: Any, ci: Any, formats: tuple[str, ...] = FORMATS) -> Any:
    fmt = draw(st.sampled_from(formats))
    if fmt == "snapshot":
        return snapshot_format(ci)
    out = api_format(ci)
    if fmt == "api-broken" and isinstance(out, dict):
        encoded = [k for k in ("configuration",) if isinstance(out.get(k), str)]
        supplementary = out.get("supplementaryConfiguration")
        if isinstance(supplementary, dict):
            encoded += [("supplementaryConfiguration", k) for k, v in supplementary.items() if isinstance(v, str)]
        if encoded:
            target = draw(st.sampled_from(encoded))
            if isinstance(target, tuple):
                supplementary[target[1]] = _corrupt(supplementary[target[1]], draw)
            else:
                out[target] = _corrupt(out[target], draw)
    return out


@st.composite
def malformed_ci(
    draw: Any, resource_types: tuple[str, ...], *, arbitrary: bool = False, formats: tuple[str, ...] = FORMATS
) -> Any:
    """One damaged CI of one of ``resource_types`` in some format (``arbitrary``: identity damaged too)."""
    resource_type = draw(st.sampled_from(resource_types))
    ci = draw(base_ci(resource_type))
    if resource_type == "AWS::Lambda::Function":
        name = draw(st.sampled_from(RESOURCE_IDS))
        ci["resourceId"] = ci["resourceName"] = name
    ci["configurationItemStatus"] = draw(st.sampled_from(ALL_STATUSES if arbitrary else VALID_STATUSES))
    if draw(ONE_IN_TEN):  # now and then a CI made of nothing but junk around its identity
        ci = {k: ci[k] for k in IDENTITY_KEYS} | draw(
            st.dictionaries(st.sampled_from(vocabulary()), junk(), max_size=6)
        )
    ci = draw(damaged(ci, keep_identity=not arbitrary))
    if arbitrary and draw(ONE_IN_TEN):
        return draw(st.one_of(st.none(), st.lists(junk(), max_size=2), st.text(max_size=5), st.just({})))
    return draw(in_some_format(ci, formats))


@st.composite
def inventory(draw: Any, resource_types: tuple[str, ...], formats: tuple[str, ...] = FORMATS) -> list[Any]:
    """0..5 related CIs as the reader's Config inventory would hold them, some damaged."""
    if not resource_types:
        return []
    items = draw(st.lists(malformed_ci(resource_types, formats=formats), max_size=3))
    return [ci for ci in items if isinstance(ci, dict)]


# the moto-backed reader ------------------------------------------------------------------------------


def seed_estate(estate: Any) -> None:
    """A few real resources in moto so rules' API calls meet both answers and NotFound."""
    from lambda_compliance.demo import LAMBDA_TRUST

    iam = estate.client("iam")
    iam.create_role(RoleName=ROLE_IN_MOTO, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    iam.put_role_policy(
        RoleName=ROLE_IN_MOTO,
        PolicyName="wide",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}
        ),
    )
    estate.roles[ROLE_IN_MOTO] = f"arn:aws:iam::{ACCOUNT}:role/{ROLE_IN_MOTO}"
    estate.function(
        "orders-api",
        role=ROLE_IN_MOTO,
        Environment={"Variables": {"DB_PASSWORD": "Hunter2-orders-api!", "LOG_LEVEL": "INFO"}},
    )
    estate.function("payments-worker", role=ROLE_IN_MOTO, runtime="python3.8")
    lam = estate.client("lambda")
    lam.create_function_url_config(FunctionName="orders-api", AuthType="NONE")
    lam.add_permission(FunctionName="orders-api", StatementId="Any", Action="lambda:InvokeFunction", Principal="*")
    estate.client("logs").create_log_group(logGroupName="/aws/lambda/orders-api")
    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZone=f"{REGION}a")


@pytest.fixture(scope="session")
def seeded_moto() -> Iterator[Any]:
    """The private moto server with ``seed_estate`` applied, shared by a worker's reliability tests."""
    from lambda_compliance.demo import Estate

    with moto_server_process() as endpoint:
        estate = Estate(session=boto3.Session(region_name=REGION), endpoint_url=endpoint)
        seed_estate(estate)
        yield estate


@pytest.fixture(scope="session")
def moto_reader_clients(seeded_moto: Any) -> ScanClientFactory:
    return moto_clients(seeded_moto.endpoint_url)


class BoundFactory:
    """A client factory carrying one reader (how the scanner hands rules its reader) over shared clients."""

    def __init__(self, reader: AwsReader, clients: ScanClientFactory) -> None:
        self.reader = reader
        self._clients = clients

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        return self._clients.build_client(service, region)


def moto_clients(endpoint_url: str) -> ScanClientFactory:
    """Clients pointed at moto, one attempt per request (a fault here is moto's, not worth retrying)."""
    session = boto3.Session(region_name=REGION)
    return ScanClientFactory(session, REGION, endpoint_url=endpoint_url, max_attempts=1, account_id=ACCOUNT)


# moto 5.2.5 answers GetFunctionCodeSigningConfig with no config and lacks GetCodeSigningConfig (its
# server answers 404): the reader is seeded with real-shaped responses (an attached, enforcing config)
# so the code-signing path is exercised past its first call. A rule calling another operation moto
# lacks fails the property test with moto's 404: add the operation here.
CODE_SIGNING_CONFIG_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f6a7b8"
MOTO_LACKS: dict[str, Callable[[str], tuple[dict[str, Any], dict[str, Any]]]] = {
    "get_function_code_signing_config": lambda fn: (
        {"FunctionName": fn},
        {"CodeSigningConfigArn": CODE_SIGNING_CONFIG_ARN, "FunctionName": fn},
    ),
}
MOTO_LACKS_GLOBAL: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {
    ("lambda", "get_code_signing_config"): (
        {"CodeSigningConfigArn": CODE_SIGNING_CONFIG_ARN},
        {
            "CodeSigningConfig": {
                "CodeSigningConfigId": "csc-0a1b2c3d4e5f6a7b8",
                "CodeSigningConfigArn": CODE_SIGNING_CONFIG_ARN,
                "Description": "payments",
                "AllowedPublishers": {
                    "SigningProfileVersionArns": [
                        f"arn:aws:signer:{REGION}:{ACCOUNT}:/signing-profiles/payments/abcdef0123"
                    ]
                },
                "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"},
                "LastModified": "2026-11-01T10:00:00.000+0000",
            }
        },
    ),
}


def reader_over(clients: ScanClientFactory, items: list[Any]) -> BoundFactory:
    inv = LocalInventory([ConfigItem.of(ci) for ci in items])
    aws = AwsReader(clients, account_id=ACCOUNT, region=REGION, inventory=inv)
    for operation, answer in MOTO_LACKS.items():
        for name in FUNCTIONS_IN_MOTO:
            kwargs, response = answer(name)
            aws.seed("lambda", operation, response, **kwargs)
    for (service, operation), (kwargs, response) in MOTO_LACKS_GLOBAL.items():
        aws.seed(service, operation, response, **kwargs)
    return BoundFactory(aws, clients)


# rules and checks -----------------------------------------------------------------------------------


def rule_names() -> tuple[str, ...]:
    return catalog.rule_names()


def loadable_rules() -> list[Any]:
    """The catalog's rules that import (a rule folder being written may not yet; the catalog test says so)."""
    found = []
    for name in catalog.rule_names():
        try:
            found.append(catalog.load_rule(name))
        except Exception:  # reported by tests/test_rule_catalog.py, not here
            continue
    return found


@cache
def _input_parameters(name: str) -> str:
    path = catalog.rules_dir() / name / "parameters.json"
    try:
        return json.loads(path.read_text())["Parameters"].get("InputParameters") or "{}"
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "{}"


def default_parameters(rule: Any) -> dict[str, Any]:
    """The parameters a deployment passes (parameters.json InputParameters: required ones have values)."""
    try:
        raw = json.loads(_input_parameters(rule.rule_name()))
    except ValueError:
        raw = {}
    return dict(raw) if isinstance(raw, dict) else {}


def event_for(rule: Any, params: Mapping[str, Any], *, periodic: bool) -> dict[str, Any]:
    message = "ScheduledNotification" if periodic else "ConfigurationItemChangeNotification"
    return {
        "configRuleName": rule.rule_name(),
        "accountId": ACCOUNT,
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/config-role",
        "eventLeftScope": False,
        "resultToken": "TESTMODE",
        "ruleParameters": json.dumps(dict(params)),
        "invokingEvent": json.dumps({"messageType": message, "notificationCreationTime": CAPTURE_TIME}),
    }


def run_rule(rule_class: Any, clients: ScanClientFactory, ci: Any, related: Any, *, periodic: bool) -> Any:
    """Call the rule exactly as rdklib and the engine do, its reader over ``clients`` (moto) and ``related``."""
    rule = rule_class()
    params = rule.evaluate_parameters(default_parameters(rule_class))
    factory = reader_over(clients, list(related) if periodic else [ci, *related])
    event = event_for(rule_class, default_parameters(rule_class), periodic=periodic)
    if periodic:
        return rule.evaluate_periodic(event, factory, params)
    return rule.evaluate_change(event, factory, ci, params)


def problems(evaluations: Any, *, periodic: bool, ci: Any = None) -> list[str]:
    """What makes a result invalid for PutEvaluations; an empty list when every evaluation is valid."""
    if not isinstance(evaluations, list):
        return [f"result is {type(evaluations).__name__}, not a list"]
    found = []
    for index, evaluation in enumerate(evaluations):
        where = f"evaluation {index}"
        if not isinstance(evaluation, Evaluation):
            found.append(f"{where} is {type(evaluation).__name__}")
            continue
        if evaluation.complianceType not in ComplianceType.get_valid_compliances():
            found.append(f"{where}: complianceType {evaluation.complianceType!r}")
        annotation = evaluation.annotation
        if not isinstance(annotation, str) or not 1 <= len(annotation) <= 256:
            found.append(f"{where}: annotation of {len(annotation) if isinstance(annotation, str) else annotation!r}")
        resource_id = evaluation.complianceResourceId
        resource_type = evaluation.complianceResourceType
        bad_id = not isinstance(resource_id, str) or not 1 <= len(resource_id) <= 768
        if (periodic or resource_id is not None) and bad_id:
            found.append(f"{where}: resource id {str(resource_id)[:40]!r}")
        if (periodic or resource_type is not None) and (not isinstance(resource_type, str) or not resource_type):
            found.append(f"{where}: resource type {resource_type!r}")
        if (
            not periodic
            and isinstance(ci, dict)
            and all(isinstance(ci.get(k), str) and ci.get(k) for k in IDENTITY_KEYS)
        ):
            # what rdklib does before PutEvaluations: fill id/type from the CI, then validate
            probe = copy.copy(evaluation)
            probe.import_fields_from_configuration_item(ci)
            try:
                probe.is_valid()
            except Exception as exc:  # rdklib raises a bare Exception
                found.append(f"{where}: rdklib rejects it: {exc}")
    return found


# fault injection ------------------------------------------------------------------------------------


class _Raw:
    """The body of an injected response, as botocore reads it (``raw.stream()``)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _protocol(service: str, request: Any) -> str:
    headers = {k.lower(): v for k, v in request.headers.items()}
    if "x-amz-target" in headers:
        return "json"
    content_type = headers.get("content-type", b"")
    content_type = content_type.decode() if isinstance(content_type, bytes) else str(content_type)
    if "x-www-form-urlencoded" in content_type:
        return "ec2" if service == "ec2" else "query"
    if "smithy-protocol" in headers:
        return "cbor"
    return "rest-json"


def error_response(request: Any, service: str, *, throttle: bool, status: int | None = None) -> Any:
    """A real-shaped AWS error response for ``request``: throttling, or the service being unavailable."""
    from botocore.awsrequest import AWSResponse

    protocol = _protocol(service, request)
    if protocol == "cbor":
        return None  # no hand-made CBOR: such a request passes untouched
    if protocol in ("json", "rest-json"):
        if throttle:
            code = "TooManyRequestsException" if protocol == "rest-json" else "ThrottlingException"
            status = status or (429 if protocol == "rest-json" else 400)
        else:
            code, status = "ServiceUnavailableException", status or 503
        body = json.dumps({"__type": code, "message": "Rate exceeded" if throttle else "Service unavailable"})
        headers = {"x-amzn-ErrorType": code, "Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "f"}
        return AWSResponse(request.url, status, headers, _Raw(body.encode()))
    if protocol == "ec2":
        code, status = ("RequestLimitExceeded", status or 503) if throttle else ("Unavailable", status or 503)
        body = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>injected</Message></Error></Errors>"
            "<RequestID>f</RequestID></Response>"
        )
        return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, _Raw(body.encode()))
    code, status = ("Throttling", status or 400) if throttle else ("ServiceUnavailable", status or 503)
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>injected</Message></Error>"
        "<RequestId>f</RequestId></ErrorResponse>"
    )
    return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, _Raw(body.encode()))


class FaultInjector:
    """A botocore ``before-send`` handler: throttles a seeded share of requests, or fails a whole service.

    Register it on a boto3 Session (``session.events.register("before-send", injector)``) before the
    scan builds its clients: every client of that session then sends through it. ``rate`` of requests
    are answered with a throttling error (deterministic seed), never more than ``max_in_a_row`` times
    for the same request, so a retry budget larger than that always gets through; ``down`` names
    services (botocore event ids, e.g. ``cloudwatch-logs``) whose every request fails with a 503.
    """

    def __init__(self, *, rate: float = 0.0, seed: int = 7, max_in_a_row: int = 3, down: tuple[str, ...] = ()) -> None:
        import random
        import threading
        from collections import Counter

        self.rate = rate
        self.max_in_a_row = max_in_a_row
        self.down = set(down)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._streak: dict[Any, int] = {}
        self.attempts: Counter[str] = Counter()
        self.throttled: Counter[str] = Counter()
        self.failed: Counter[str] = Counter()
        self.longest_streak = 0

    def __call__(self, request: Any = None, event_name: str = "", **_: Any) -> Any:
        parts = event_name.split(".")
        service, operation = (parts[1], parts[2]) if len(parts) >= 3 else ("", "")
        key = (service, operation, request.url, request.body if isinstance(request.body, bytes | str) else None)
        with self._lock:
            self.attempts[f"{service}.{operation}"] += 1
            if service in self.down:
                response = error_response(request, service, throttle=False)
                if response is not None:
                    self.failed[f"{service}.{operation}"] += 1
                return response
            streak = self._streak.get(key, 0)
            if streak < self.max_in_a_row and self._random.random() < self.rate:
                response = error_response(request, service, throttle=True)
                if response is not None:
                    self._streak[key] = streak + 1
                    self.longest_streak = max(self.longest_streak, streak + 1)
                    self.throttled[f"{service}.{operation}"] += 1
                return response
            self._streak.pop(key, None)
            return None

    @property
    def total(self) -> int:
        return sum(self.attempts.values())


def faulty_session(injector: FaultInjector) -> boto3.Session:
    session = boto3.Session(region_name=REGION)
    session.events.register("before-send", injector)
    return session


@pytest.fixture(scope="session")
def demo_moto(seeded_moto: Any) -> Any:
    """The demo estate (every family's seeder) on the private moto server, seeded once per worker."""
    from lambda_compliance import demo

    return demo.seed(demo.Estate(session=boto3.Session(region_name=REGION), endpoint_url=seeded_moto.endpoint_url))


def scan_results(report: Any) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    results = sorted((r.as_dict() for r in report.outcome.results), key=lambda r: sorted(r.items()))
    errors = sorted((e.as_dict() for e in report.outcome.errors), key=lambda e: sorted(e.items()))
    return results, errors


@contextmanager
def fast_retry_clock(speed: float = 50.0) -> Iterator[list[float]]:
    """botocore's retry timing runs ``speed`` times faster: the same retries, backoffs and adaptive rate
    decisions, in less wall time. Yields the backoff delays botocore asked for (in its own seconds).

    Only timing is touched: the backoff sleep between attempts (``botocore.endpoint``) and the adaptive
    token bucket's clock and waits. Which requests are retried, how often and at what rate is botocore's.
    """
    from unittest import mock

    import botocore.endpoint
    from botocore.retries import bucket

    real_time = time
    origin = real_time.monotonic()
    delays: list[float] = []

    class FastClock(bucket.Clock):
        def sleep(self, amount: float) -> None:
            real_time.sleep(amount / speed)

        def current_time(self) -> float:
            return origin + (real_time.monotonic() - origin) * speed

    class FastTime:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_time, name)

        def sleep(self, amount: float) -> None:
            delays.append(amount)
            real_time.sleep(amount / speed)

    sleep_amount = bucket.TokenBucket._sleep_amount

    def fast_sleep_amount(self: Any, amount: float) -> float:
        return sleep_amount(self, amount) / speed

    with (
        mock.patch.object(bucket, "Clock", FastClock),
        mock.patch.object(bucket.TokenBucket, "_sleep_amount", fast_sleep_amount),
        mock.patch.object(botocore.endpoint, "time", FastTime()),
    ):
        yield delays
