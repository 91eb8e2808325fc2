"""Intrinsic functions resolved where the template decides them, and marked where it does not.

``Ref`` to parameters (default or override), pseudo parameters, ``Ref``/``Fn::GetAtt`` to resources
of the same template, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap``,
``Fn::If`` with conditions that resolve. Anything else (a parameter without a value,
``Fn::ImportValue``, ``Fn::GetAZs``, an attribute only AWS assigns) is *decided at deployment*: the
resolver substitutes a stand-in and records where, and the scan evaluates such resources twice with
different stand-ins. A verdict that changes between them is reported as decided at deployment,
never guessed.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


class _NoValue:
    pass


NO_VALUE = _NoValue()

# Resource identity: how a Ref / GetAtt(Arn) of each type reads once deployed (name from the
# template's own name property when it sets one, else the logical id as the resource's label).
_NAME_PROPERTY = {
    "AWS::Lambda::Function": "FunctionName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::SSM::Parameter": "Name",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Lambda::LayerVersion": "LayerName",
    "AWS::WAFv2::WebACL": "Name",
    "AWS::ApiGateway::Stage": "StageName",
    "AWS::ApiGateway::DomainName": "DomainName",
    "AWS::ApiGatewayV2::Stage": "StageName",
    "AWS::ApiGatewayV2::DomainName": "DomainName",
}
_ARN = {
    "AWS::Lambda::Function": "arn:{p}:lambda:{r}:{a}:function:{n}",
    "AWS::IAM::Role": "arn:{p}:iam::{a}:role/{n}",
    "AWS::IAM::ManagedPolicy": "arn:{p}:iam::{a}:policy/{n}",
    "AWS::Logs::LogGroup": "arn:{p}:logs:{r}:{a}:log-group:{n}:*",
    "AWS::DynamoDB::Table": "arn:{p}:dynamodb:{r}:{a}:table/{n}",
    "AWS::SQS::Queue": "arn:{p}:sqs:{r}:{a}:{n}",
    "AWS::SNS::Topic": "arn:{p}:sns:{r}:{a}:{n}",
    "AWS::KMS::Key": "arn:{p}:kms:{r}:{a}:key/{n}",
    "AWS::SecretsManager::Secret": "arn:{p}:secretsmanager:{r}:{a}:secret:{n}",
    "AWS::S3::Bucket": "arn:{p}:s3:::{n}",
    "AWS::Lambda::LayerVersion": "arn:{p}:lambda:{r}:{a}:layer:{n}:1",
    "AWS::Lambda::CodeSigningConfig": "arn:{p}:lambda:{r}:{a}:code-signing-config:{n}",
    "AWS::WAFv2::WebACL": "arn:{p}:wafv2:{r}:{a}:regional/webacl/{n}",
}
# Types whose Ref is an id AWS assigns (prefix + hex, or a UUID for KMS keys).
_ID_PREFIX = {
    "AWS::EC2::SecurityGroup": "sg-",
    "AWS::EC2::Subnet": "subnet-",
    "AWS::EC2::VPC": "vpc-",
    "AWS::KMS::Key": "",
    "AWS::Lambda::CodeSigningConfig": "csc-",
}
# API Gateway ids: ten lowercase alphanumerics ("a1b2c3d4e5"), as API Gateway assigns them.
_SHORT_ID = {
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::RequestValidator",
    "AWS::ApiGateway::Authorizer",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::ApiGatewayV2::Deployment",
}
_ID_PARAMETERS = {"AWS::EC2::Subnet::Id": "subnet-", "AWS::EC2::SecurityGroup::Id": "sg-", "AWS::EC2::VPC::Id": "vpc-"}
# The first variant's stand-ins, as they can appear in an annotation or a message.
STAND_IN = re.compile(r"\b(?:subnet-|sg-|vpc-)0{16}a\b|deployment-value-a")
# Refs that return the ARN rather than the name.
_REF_IS_ARN = {
    "AWS::SNS::Topic",
    "AWS::IAM::ManagedPolicy",
    "AWS::SecretsManager::Secret",
    "AWS::Lambda::LayerVersion",
    "AWS::Lambda::CodeSigningConfig",  # CloudFormation reference: Ref returns the config's ARN
}


def root_resource_id(api_id: str) -> str:
    return hashlib.sha256(f"{api_id}/".encode()).hexdigest()[:10]


@dataclass
class Resolver:
    """Resolves one template's values for one variant of the stand-ins (0 or 1)."""

    body: Mapping[str, Any]
    overrides: Mapping[str, str] = field(default_factory=dict)
    variant: int = 0
    deferred: dict[str, set[str]] = field(default_factory=dict)  # logical id -> properties decided later

    def __post_init__(self) -> None:
        self.resources: Mapping[str, Any] = self.body.get("Resources") or {}
        self.account = self.overrides.get("AWS::AccountId", DEFAULT_ACCOUNT)
        self.region = self.overrides.get("AWS::Region", DEFAULT_REGION)
        self.partition = self.overrides.get("AWS::Partition", "aws")
        self._current = ("", "")

    # --------------------------------------------------------------------------------- entry
    def properties(self, logical_id: str) -> dict[str, Any]:
        resource = self.resources.get(logical_id) or {}
        out: dict[str, Any] = {}
        for key, value in (resource.get("Properties") or {}).items():
            self._current = (logical_id, key)
            resolved = self.value(value)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def included(self, logical_id: str) -> bool:
        """False for a resource whose Condition is false (CloudFormation does not create it)."""
        condition = (self.resources.get(logical_id) or {}).get("Condition")
        return condition is None or self.condition(condition) is not False

    def name(self, logical_id: str) -> str:
        resource = self.resources.get(logical_id) or {}
        if resource.get("Type") in _SHORT_ID:
            return hashlib.sha256(logical_id.encode()).hexdigest()[:10]
        prefix = _ID_PREFIX.get(resource.get("Type", ""))
        if prefix is not None:  # an id AWS assigns: stable, well-formed, derived from the logical id
            digest = hashlib.sha256(logical_id.encode()).hexdigest()
            return f"{prefix}{digest[:17]}" if prefix else str(uuid.UUID(digest[:32]))
        prop = _NAME_PROPERTY.get(resource.get("Type", ""))
        given = (resource.get("Properties") or {}).get(prop) if prop else None
        if isinstance(given, str):
            return given
        if given is not None:
            saved = self._current
            value = self.value(given)
            self._current = saved
            if isinstance(value, str):
                return value
        return logical_id

    def arn(self, logical_id: str) -> str:
        kind = (self.resources.get(logical_id) or {}).get("Type", "")
        pattern = _ARN.get(kind, "arn:{p}:cloudformation:{r}:{a}:resource/{n}")
        return pattern.format(p=self.partition, r=self.region, a=self.account, n=self.name(logical_id))

    # ------------------------------------------------------------------------------- values
    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.value(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            handler = _FUNCTIONS.get(key)
            if handler is not None:
                return handler(self, arg)
            if key.startswith("Fn::"):
                return self.defer(key)
        out = {}
        for key, item in node.items():
            resolved = self.value(item)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def defer(self, what: str) -> str:
        """A stand-in for a value decided at deployment, recorded against the current property."""
        logical_id, prop = self._current
        self.deferred.setdefault(logical_id, set()).add(f"{prop} ({what})")
        return ("deployment-value-a", "*")[self.variant]

    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return self.defer("Ref")
        if name == "AWS::NoValue":
            return NO_VALUE
        pseudo = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.overrides.get("AWS::StackName", "stack"),
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.overrides:
            return self._typed(name, self.overrides[name])
        parameter = (self.body.get("Parameters") or {}).get(name)
        if isinstance(parameter, dict):
            if "Default" in parameter:
                return self._typed(name, parameter["Default"])
            return self._stand_in(name, str(parameter.get("Type", "String")))
        if name in self.resources:
            kind = self.resources[name].get("Type", "")
            return self.arn(name) if kind in _REF_IS_ARN else self.name(name)
        return self.defer(f"Ref {name}")

    def _stand_in(self, name: str, kind: str) -> Any:
        """A value of the parameter's type for one variant (well-formed ids, two far-apart numbers)."""
        marker = self.defer(f"parameter {name} has no value")
        inner = kind[5:-1] if kind.startswith("List<") else kind
        prefixes = {
            "AWS::EC2::Subnet::Id": "subnet-",
            "AWS::EC2::SecurityGroup::Id": "sg-",
            "AWS::EC2::VPC::Id": "vpc-",
        }
        if inner in prefixes:
            one: Any = f"{prefixes[inner]}{'0' * 16}{'ab'[self.variant]}"
        elif inner == "Number":
            one = (1, 100_000)[self.variant]
        else:
            one = marker
        return [one] if kind.startswith("List<") or kind == "CommaDelimitedList" else one

    def _typed(self, name: str, value: Any) -> Any:
        kind = str(((self.body.get("Parameters") or {}).get(name) or {}).get("Type", ""))
        if kind.startswith("List<") or kind == "CommaDelimitedList":
            return value if isinstance(value, list) else [v.strip() for v in str(value).split(",") if v.strip()]
        if kind == "Number":
            try:
                return int(value)
            except (TypeError, ValueError):
                return value
        return value

    def _get_att(self, arg: Any) -> Any:
        target, attribute = arg.split(".", 1) if isinstance(arg, str) else [*list(arg), "", ""][:2]
        if target not in self.resources:
            return self.defer(f"GetAtt {target}.{attribute}")
        if attribute == "Arn":
            return self.arn(target)
        if attribute in {"Name", "GroupId", "KeyId", "SubnetId", "VpcId", "ApiId", "RestApiId", "ResourceId"}:
            return self.name(target)
        if attribute == "RootResourceId":  # the "/" resource API Gateway creates with a REST API
            return root_resource_id(self.name(target))
        return self.defer(f"GetAtt {target}.{attribute}")

    def _sub(self, arg: Any) -> Any:
        text, variables = (arg[0], self.value(arg[1])) if isinstance(arg, list) else (arg, {})
        if not isinstance(text, str):
            return self.defer("Fn::Sub")

        def one(match: re.Match[str]) -> str:
            name = match[1]
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in (variables or {}):
                return str(variables[name])
            value = self._get_att(name) if "." in name else self._ref(name)
            return ",".join(map(str, value)) if isinstance(value, list) else str(value)

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def _join(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return self.defer("Fn::Join")
        parts = self.value(arg[1])
        parts = parts if isinstance(parts, list) else [parts]
        return str(arg[0]).join(str(p) for p in parts)

    def _select(self, arg: Any) -> Any:
        index, items = self.value(arg[0]), self.value(arg[1])
        try:
            return items[int(index)]
        except (TypeError, ValueError, IndexError, KeyError):
            return self.defer("Fn::Select")

    def _split(self, arg: Any) -> Any:
        text = self.value(arg[1])
        return text.split(arg[0]) if isinstance(text, str) else self.defer("Fn::Split")

    def _find_in_map(self, arg: Any) -> Any:
        keys = [self.value(a) for a in arg]
        try:
            return self.value(self.body["Mappings"][keys[0]][keys[1]][keys[2]])
        except (KeyError, TypeError, IndexError):
            return self.defer("Fn::FindInMap")

    def condition(self, name: Any) -> bool | None:
        """True/False, or None when the condition depends on something decided at deployment."""
        node = (self.body.get("Conditions") or {}).get(name)
        if node is None:
            return None
        before = sum(len(v) for v in self.deferred.values())
        value = self.value(node)
        after = sum(len(v) for v in self.deferred.values())
        return None if after > before else bool(value)

    def _if(self, arg: Any) -> Any:
        verdict = self.condition(arg[0])
        if verdict is None:
            return self.defer(f"condition {arg[0]}")
        return self.value(arg[1] if verdict else arg[2])


_FUNCTIONS: dict[str, Any] = {
    "Ref": Resolver._ref,
    "Fn::GetAtt": Resolver._get_att,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::FindInMap": Resolver._find_in_map,
    "Fn::If": Resolver._if,
    "Fn::Base64": lambda self, a: self.value(a),
    "Fn::Equals": lambda self, a: self.value(a[0]) == self.value(a[1]),
    "Fn::Not": lambda self, a: not self.value(a[0]),
    "Fn::And": lambda self, a: all(self.value(x) for x in a),
    "Fn::Or": lambda self, a: any(self.value(x) for x in a),
    "Condition": lambda self, a: self.condition(a),
}
