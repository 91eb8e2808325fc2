"""AWS identifiers as AWS documents them: one pattern per kind, checked before any request leaves.

A rule reads identifiers out of configuration items (subnet ids, role names,
key ARNs...) and the reader sends them to AWS. Config data can arrive damaged,
and botocore fails on some text before AWS ever sees it (a lone surrogate in an
EC2 query string raises ``UnicodeEncodeError``). So the reader asks this module
about every identifier parameter of every request (``check_request``): a value
that is not what AWS documents for that parameter names no resource, and the
rule answers "cannot evaluate" instead of raising.

Every pattern is ASCII-only (``re.ASCII``: ``\\w`` and ``\\d`` never match other
scripts) and matched whole (``fullmatch``: no trailing newline slips through).
Where AWS documents a pattern it is copied here with its page; where AWS
documents only the shape (API Gateway ids, KMS key ids), the pattern is that shape.

Standard library only: this module is part of the rule runtime.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lambda_compliance.runtime.lazy import lazy


@dataclass(frozen=True)
class Kind:
    """One kind of identifier: what it is called in messages, its pattern and where AWS documents it."""

    name: str
    pattern: re.Pattern[str]
    max_length: int
    source: str

    def matches(self, value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value) <= self.max_length and bool(self.pattern.fullmatch(value))


def _kind(name: str, pattern: str, max_length: int, source: str) -> Kind:
    return Kind(name, lazy(pattern, re.ASCII), max_length, source)


_REGION = r"[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d"
_PARTITION = r"aws[a-zA-Z-]*"

# Inspector's LambdaVpcConfig documents the three EC2 ids Lambda records; its "|\*" alternative (a filter
# wildcard) is left out: EC2's Describe calls take ids, never wildcards.
# https://docs.aws.amazon.com/inspector/v2/APIReference/API_LambdaVpcConfig.html
_EC2_IDS = "https://docs.aws.amazon.com/inspector/v2/APIReference/API_LambdaVpcConfig.html"
SUBNET = _kind("subnet id", r"subnet-([a-z0-9]{8}|[a-z0-9]{17})", 24, _EC2_IDS)
SECURITY_GROUP = _kind("security group id", r"sg-([a-z0-9]{8}|[a-z0-9]{17})", 20, _EC2_IDS)
VPC = _kind("VPC id", r"vpc-([a-z0-9]{8}|[a-z0-9]{17})", 21, _EC2_IDS)

# RoleName: "Length Constraints: 1-64. Pattern: [\w+=,.@-]+"
ROLE_NAME = _kind(
    "IAM role name", r"[\w+=,.@-]+", 64, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html"
)
# PolicyName: "Length Constraints: 1-128. Pattern: [\w+=,.@-]+"
POLICY_NAME = _kind(
    "IAM policy name", r"[\w+=,.@-]+", 128, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyDetail.html"
)
# PolicyArn: arnType, 20-2048 characters; a path is "/" or "/" + printable ASCII + "/" (API_CreatePolicy
# Path: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)), the name is a PolicyName. "aws" is the account of
# AWS managed policies.
POLICY_ARN = _kind(
    "IAM policy ARN",
    _PARTITION.join((r"arn:", r":iam::(aws|\d{12}):policy/([!-~]+/)?[\w+=,.@-]{1,128}")),
    2048,
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicy.html",
)
# VersionId: "Pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"
POLICY_VERSION = _kind(
    "IAM policy version id",
    r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?",
    128,
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetPolicyVersion.html",
)

# KeyId: "key ID, key ARN, alias name (prefixed alias/) or alias ARN"; the API gives 1-2048 characters and
# no pattern, so each of the four documented forms is spelled out: a key id is a UUID (multi-Region keys:
# mrk- and 32 hex digits), an alias name "alias/[a-zA-Z0-9:/_-]+" of at most 256 characters
# (API_CreateAlias AliasName).
_KEY_ID = r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS = r"alias/[a-zA-Z0-9:/_-]{1,250}"
KMS_KEY = _kind(
    "KMS key id, key ARN or alias",
    rf"{_KEY_ID}|{_ALIAS}|arn:{_PARTITION}:kms:{_REGION}:\d{{12}}:(key/{_KEY_ID}|{_ALIAS})",
    2048,
    "https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html",
)

# logGroupName: "Length Constraints: 1-512. Pattern: [\.\-_/#A-Za-z0-9]+"
LOG_GROUP = _kind(
    "log group name",
    r"[.\-_/#A-Za-z0-9]+",
    512,
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
)

# FunctionName: name, partial ARN or ARN, with an optional version or alias; 1-170 characters (a bare
# name: 64, CreateFunction).
FUNCTION = _kind(
    "Lambda function name or ARN",
    rf"(arn:({_PARTITION})?:lambda:)?([a-z]{{2}}(-gov)?-[a-z]+-\d:)?(\d{{12}}:)?(function:)?"
    r"([a-zA-Z0-9-_]{1,64})(:(\$LATEST|[a-zA-Z0-9-_]+))?",
    170,
    "https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html",
)
# What Config records in configuration.functionName: the bare name.
FUNCTION_NAME = _kind(
    "Lambda function name",
    r"[a-zA-Z0-9-_]+",
    64,
    "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
)
# LayerVersionArn: "Length Constraints: 1-140. Pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:
# [a-zA-Z0-9-_]+:[0-9]+"
LAYER_VERSION_ARN = _kind(
    "Lambda layer version ARN",
    r"arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+",
    140,
    "https://docs.aws.amazon.com/lambda/latest/api/API_GetLayerVersionByArn.html",
)
# CodeSigningConfigArn: "Maximum length of 200. Pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|
# (-iso(b?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:csc-[a-z0-9]{17}"
CODE_SIGNING_CONFIG_ARN = _kind(
    "code signing config ARN",
    rf"arn:({_PARTITION})?:lambda:{_REGION}:\d{{12}}:code-signing-config:csc-[a-z0-9]{{17}}",
    200,
    "https://docs.aws.amazon.com/lambda/latest/api/API_GetCodeSigningConfig.html",
)

# restApiId / ApiId: the references type them a plain string (no pattern, no length); API Gateway assigns
# short ids of lower-case letters and digits ("aabbccddee" in the examples; moto's HTTP API ids have 8).
# Letters and digits up to 64 keep out everything that would change the request's URI path (/ ? # % space).
API_ID = _kind(
    "API Gateway API id",
    r"[a-zA-Z0-9]+",
    64,
    "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html",
)

# SecretId: ARN or name, 1-2048; a name is 1-512 of "ASCII letters, numbers, and /_+=.@-" (CreateSecret).
SECRET = _kind(
    "secret name or ARN",
    rf"[A-Za-z0-9/_+=.@-]{{1,512}}|arn:{_PARTITION}:secretsmanager:{_REGION}:\d{{12}}:secret:[A-Za-z0-9/_+=.@-]{{1,512}}",
    2048,
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html",
)

# Name: "Parameter names can include only a-zA-Z0-9_.- and / to delineate hierarchies"; 2048 characters
# with the ARN prefix; no spaces.
SSM_PARAMETER = _kind(
    "SSM parameter name",
    r"/?[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*",
    2048,
    "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html",
)

# TableName: "Length Constraints: 3-255. Pattern: [a-zA-Z0-9_.-]+"
TABLE_NAME = _kind(
    "DynamoDB table name",
    r"[a-zA-Z0-9_.-]{3,255}",
    255,
    "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html",
)

# accountIds: "Pattern: \d{12}" (Inspector BatchGetAccountStatus).
ACCOUNT_ID = _kind(
    "AWS account id",
    r"\d{12}",
    12,
    "https://docs.aws.amazon.com/inspector/v2/APIReference/API_BatchGetAccountStatus.html",
)

KINDS: tuple[Kind, ...] = (
    SUBNET,
    SECURITY_GROUP,
    VPC,
    ROLE_NAME,
    POLICY_NAME,
    POLICY_ARN,
    POLICY_VERSION,
    KMS_KEY,
    LOG_GROUP,
    FUNCTION,
    FUNCTION_NAME,
    LAYER_VERSION_ARN,
    CODE_SIGNING_CONFIG_ARN,
    API_ID,
    SECRET,
    SSM_PARAMETER,
    TABLE_NAME,
    ACCOUNT_ID,
)

# Request parameters that carry an identifier, by service (boto3 service name) and parameter name; a
# parameter holding a list has each item checked.
PARAMETERS: Mapping[tuple[str, str], Kind] = {
    ("ec2", "SubnetIds"): SUBNET,
    ("ec2", "GroupIds"): SECURITY_GROUP,
    ("ec2", "VpcIds"): VPC,
    ("iam", "RoleName"): ROLE_NAME,
    ("iam", "PolicyName"): POLICY_NAME,
    ("iam", "PolicyArn"): POLICY_ARN,
    ("iam", "VersionId"): POLICY_VERSION,
    ("kms", "KeyId"): KMS_KEY,
    ("logs", "logGroupName"): LOG_GROUP,
    ("logs", "logGroupNamePrefix"): LOG_GROUP,
    ("logs", "logGroupIdentifiers"): LOG_GROUP,
    ("lambda", "FunctionName"): FUNCTION,
    ("lambda", "CodeSigningConfigArn"): CODE_SIGNING_CONFIG_ARN,
    ("lambda", "Arn"): LAYER_VERSION_ARN,
    ("apigateway", "restApiId"): API_ID,
    ("apigatewayv2", "ApiId"): API_ID,
    ("secretsmanager", "SecretId"): SECRET,
    ("ssm", "Name"): SSM_PARAMETER,
    ("ssm", "Names"): SSM_PARAMETER,
    ("dynamodb", "TableName"): TABLE_NAME,
    ("inspector2", "accountIds"): ACCOUNT_ID,
}
# EC2 Describe* filters by id (Filters=[{"Name": "subnet-id", "Values": [...]}]).
EC2_FILTERS: Mapping[str, Kind] = {"subnet-id": SUBNET, "group-id": SECURITY_GROUP, "vpc-id": VPC}

# Any text sent anywhere must at least be encodable: botocore encodes query strings and URI paths as UTF-8.
TEXT = Kind("text value", lazy(r".*", re.DOTALL), 1 << 20, "https://docs.python.org/3/library/codecs.html")


class InvalidIdentifier(ValueError):
    """A value that is not a valid identifier of its kind: it names no AWS resource and is never sent."""

    def __init__(self, kind: Kind, value: Any, parameter: str) -> None:
        self.kind = kind
        self.value = value
        self.parameter = parameter
        super().__init__(describe(parameter, kind, value))


def printable(value: Any) -> bool:
    """Text that can be echoed in an annotation as it is: printable ASCII."""
    return isinstance(value, str) and value.isascii() and value.isprintable()


def describe(field: str, kind: Kind, value: Any, limit: int = 80) -> str:
    """``<field> is not a valid <kind>``, with the value only when it is short printable ASCII."""
    text = f"{field} is not a valid {kind.name}"
    if printable(value) and value and len(value) <= limit:
        text += f" ({value!r})"
    return text


def valid(kind: Kind, value: Any) -> bool:
    return kind.matches(value)


def check(kind: Kind, value: Any, parameter: str) -> Any:
    """``value`` when it is a valid ``kind`` identifier; raises InvalidIdentifier otherwise."""
    if not kind.matches(value):
        raise InvalidIdentifier(kind, value, parameter)
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def check_request(service: str, kwargs: Mapping[str, Any]) -> None:
    """Raise InvalidIdentifier for the first request parameter AWS would not accept as an identifier."""
    for parameter, value in kwargs.items():
        kind = PARAMETERS.get((service, parameter))
        if kind is not None:
            for item in _items(value):
                check(kind, item, parameter)
        if service == "ec2" and parameter == "Filters":
            for entry in _items(value):
                filter_kind = EC2_FILTERS.get(entry.get("Name")) if isinstance(entry, Mapping) else None
                if filter_kind is not None:
                    for item in _items(entry.get("Values")):
                        check(filter_kind, item, f"Filters {entry['Name']}")
        for text in _strings(value):
            if not _encodable(text):
                raise InvalidIdentifier(TEXT, text, parameter)
