"""Builders for rule tests: Config-shaped CIs in both formats, events, and a seeded reader.

Rule tests (``rules/<NAME>/<NAME>_test.py``, run by pytest and ``rdk test-local``)
use these instead of hand-written JSON so every test speaks real Config shapes.
"""

from __future__ import annotations

import copy
import json
import sys
import unittest
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import quote

from rdklib import Evaluation

from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem

ACCOUNT = "123456789012"
REGION = "us-east-1"
CAPTURE_TIME = "2026-11-29T08:00:00.000Z"


def lambda_ci(
    name: str = "orders-api",
    *,
    supplementary: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    status: str = "OK",
    **configuration: Any,
) -> dict[str, Any]:
    """An AWS::Lambda::Function CI in invoking-event format; keyword arguments override configuration."""
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    conf: dict[str, Any] = {
        "functionName": name,
        "functionArn": arn,
        "runtime": "python3.12",
        "role": f"arn:aws:iam::{ACCOUNT}:role/{name}-role",
        "handler": "app.handler",
        "codeSize": 2048,
        "description": "",
        "timeout": 30,
        "memorySize": 256,
        "lastModified": "2026-11-01T10:00:00.000+0000",
        "codeSha256": "x2E6kV3yA1Yc9i0Oe3R4bq7eQe1c2o9pL0s8nX6mZ0Q=",
        "version": "$LATEST",
        "tracingConfig": {"mode": "PassThrough"},
        "layers": [],
        "packageType": "Zip",
        "architectures": ["x86_64"],
        "ephemeralStorage": {"size": 512},
        "state": {"value": "Active"},
    }
    conf.update(configuration)
    role = {
        "resourceType": "AWS::IAM::Role",
        "resourceName": conf["role"].rsplit("/", 1)[-1],
        "name": "Is associated with ",
    }
    return config_item(
        "AWS::Lambda::Function",
        name,
        name,
        arn,
        conf,
        supplementary=supplementary,
        relationships=[role],
        tags=tags,
        status=status,
        created=None,
    )


def snapshot_format(ci: Mapping[str, Any]) -> dict[str, Any]:
    """The invoking-event / snapshot spelling (``awsAccountId``, ``ARN``)."""
    out = copy.deepcopy(dict(ci))
    out["awsAccountId"] = out.pop("accountId", ACCOUNT)
    out["ARN"] = out.pop("arn", None)
    return out


def api_format(ci: Mapping[str, Any]) -> dict[str, Any]:
    """The get_resource_config_history / batch_get_resource_config spelling of the same CI."""
    out = copy.deepcopy(dict(ci))
    out["configuration"] = json.dumps(out.get("configuration"))
    out["supplementaryConfiguration"] = {
        key: json.dumps(value) for key, value in (out.get("supplementaryConfiguration") or {}).items()
    }
    out["relationships"] = [
        {
            "resourceType": r.get("resourceType"),
            "resourceName": r.get("resourceName"),
            "resourceId": r.get("resourceId"),
            "relationshipName": r.get("name"),
        }
        for r in out.get("relationships") or []
    ]
    return out


def both_formats(ci: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "snapshot", snapshot_format(ci)
    yield "api", api_format(ci)


def url_encoded(document: Mapping[str, Any]) -> str:
    """IAM documents as Config stores them in role and policy CIs."""
    return quote(json.dumps(document))


class NoClients:
    """A client factory for rules that must not call AWS: any call is a test failure."""

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        raise AssertionError(f"unexpected AWS client for {service}")


def reader(inventory: list[dict[str, Any]] | None = None, factory: Any = None) -> AwsReader:
    """A reader over a local inventory; seed it with ``reader.seed(...)`` for service responses."""
    items = [ConfigItem.of(ci) for ci in inventory or []]
    return AwsReader(factory or NoClients(), account_id=ACCOUNT, region=REGION, inventory=LocalInventory(items))


class _ReaderFactory:
    def __init__(self, aws: AwsReader) -> None:
        self.reader = aws

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        return self.reader.client(service, region)


def evaluate(
    rule: Any, ci: Mapping[str, Any], params: Mapping[str, Any] | None = None, aws: AwsReader | None = None
) -> list[Evaluation]:
    """Run ``rule.evaluate_change`` as rdklib would, with parameters parsed by the rule."""
    valid = rule.evaluate_parameters(dict(params or {}))
    event = {"accountId": ACCOUNT, "configRuleName": type(rule).__name__}
    return rule.evaluate_change(event, _ReaderFactory(aws or reader()), ci, valid)


def evaluate_periodic(rule: Any, aws: AwsReader, params: Mapping[str, Any] | None = None) -> list[Evaluation]:
    valid = rule.evaluate_parameters(dict(params or {}))
    event = {"accountId": ACCOUNT, "configRuleName": type(rule).__name__}
    return rule.evaluate_periodic(event, _ReaderFactory(aws), valid)


def verdicts(evaluations: list[Evaluation]) -> list[tuple[str, str]]:
    """(compliance, annotation) pairs: what a test asserts exactly."""
    return [(e.complianceType, e.annotation) for e in evaluations]


class RuleTestCase(unittest.TestCase):
    """A rule's unittest case: ``check`` evaluates one CI in both Config formats and asserts every verdict.

    ``RULE`` is the rule instance: the class attribute, else the test module's ``RULE``. ``aws``
    builds the reader for one format (a fresh one each, so no cache carries over), or a Stubber-backed
    builder (``StubbedApis``/``StubbedServices``: read over ``inventory``, and every queued call must
    have been answered).
    """

    RULE: ClassVar[Any] = None

    def rule(self) -> Any:
        return self.RULE if self.RULE is not None else sys.modules[type(self).__module__].RULE

    def check(
        self,
        ci: Mapping[str, Any],
        expected: list[tuple[str, str]],
        params: Mapping[str, Any] | None = None,
        aws: Callable[[], Any] | None = None,
        inventory: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        for fmt, variant in both_formats(ci):
            with self.subTest(fmt):
                source = aws() if aws else reader([dict(i) for i in inventory])
                stubbed = hasattr(source, "assert_done")
                built = source.reader([dict(i) for i in inventory]) if stubbed else source
                self.assertEqual(verdicts(evaluate(self.rule(), variant, params, aws=built)), expected)
                if stubbed:
                    source.assert_done()


def seed_function_configuration(
    aws: AwsReader, name: str, variables: Mapping[str, str] | None, kms_key: str | None = None
) -> None:
    """What GetFunctionConfiguration returns for ``name`` (``variables=None``: the function is gone)."""
    if variables is None:
        aws.seed("lambda", "get_function_configuration", None, FunctionName=name)
        return
    configuration: dict[str, Any] = {"FunctionName": name, "Environment": {"Variables": dict(variables)}}
    if kms_key:
        configuration["KMSKeyArn"] = kms_key
    aws.seed("lambda", "get_function_configuration", configuration, FunctionName=name)


def resource_policy(*statements: Mapping[str, Any]) -> str:
    """A function resource policy as GetPolicy / the CI's supplementaryConfiguration.Policy hold it."""
    return json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": list(statements)})


def permission(
    sid: str,
    principal: Any,
    action: str = "lambda:InvokeFunction",
    condition: Mapping[str, Any] | None = None,
    effect: str = "Allow",
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": effect,
        "Principal": principal,
        "Action": action,
        "Resource": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-api",
    }
    if condition:
        statement["Condition"] = dict(condition)
    return statement


def config_item(
    resource_type: str,
    resource_id: str,
    name: str,
    arn: str | None,
    configuration: dict[str, Any],
    *,
    supplementary: Mapping[str, Any] | None = None,
    relationships: Sequence[Mapping[str, Any]] = (),
    tags: Mapping[str, str] | None = None,
    status: str = "OK",
    created: str | None = "2026-10-01T09:00:00.000Z",
) -> dict[str, Any]:
    """A CI in invoking-event format (``created`` None: without resourceCreationTime, as a function's)."""
    item = {
        "version": "1.3",
        "accountId": ACCOUNT,
        "configurationItemCaptureTime": CAPTURE_TIME,
        "configurationItemStatus": status,
        "configurationStateId": "1764403200000",
        "configurationItemMD5Hash": "",
        "arn": arn,
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": name,
        "awsRegion": REGION,
        "availabilityZone": "Not Applicable",
        "resourceCreationTime": created,
        "tags": dict(tags or {}),
        "relationships": [dict(r) for r in relationships],
        "configuration": configuration,
        "supplementaryConfiguration": dict(supplementary or {}),
    }
    if created is None:
        del item["resourceCreationTime"]
    return item
