"""CI normalisation against real Config shapes: Lambda, IAM role, IAM policy, in both formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem, decode_document, normalise_ci

DATA = Path(__file__).parent / "data" / "ci"


def load(name: str):
    return json.loads((DATA / name).read_text())


def test_lambda_snapshot_and_history_formats_normalise_to_the_same_item():
    snapshot = ConfigItem.of(load("lambda_function_snapshot.json"))
    [raw_history] = load("lambda_function_history.json")["configurationItems"]
    history = ConfigItem.of(raw_history)
    for ci in (snapshot, history):
        assert ci.resource_type == "AWS::Lambda::Function"
        assert ci.resource_id == "orders-api"
        assert ci.account_id == "111122223333"
        assert ci.arn == "arn:aws:lambda:eu-west-1:111122223333:function:orders-api"
        assert ci.region == "eu-west-1"
        assert ci.get("kmskeyArn", kind=str).endswith(":key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
        assert ci.get("tracingConfig", "mode", kind=str) == "Active"
        assert ci.get("packageType", kind=str) == "Zip"  # {"value": "Zip"} unwrapped
        assert ci.get("state", kind=str) == "Active"
        assert ci.get("ephemeralStorage", "size", kind=int) == 512  # float from Config
        assert ci.get("vpcConfig", "subnetIds", 1, kind=str) == "subnet-0f1e2d3c4b5a69788"
        assert ci.get("layers", 0, "arn", kind=str).endswith(":layer:shared-utils:7")
        assert ci.supplementary_get("Concurrency", "reservedConcurrentExecutions", kind=int) == 25
        assert ci.supplementary["Policy"]["Statement"][0]["Sid"] == "ApiGw"
        assert ci.tags == {"owner": "payments", "environment": "prod"}
        [role] = ci.related("AWS::IAM::Role")
        assert role["name"] == "Is associated with" and role["resourceName"] == "orders-api-role"
    assert snapshot.configuration == history.configuration
    assert snapshot.supplementary == history.supplementary


def test_iam_role_batch_get_item_decodes_url_encoded_documents():
    [raw] = load("iam_role_batch.json")["baseConfigurationItems"]
    ci = ConfigItem.of(raw)
    assert ci.resource_id == "AROAEXAMPLEROLEID12345" and ci.resource_name == "orders-api-role"
    trust = ci.get("assumeRolePolicyDocument")
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    inline = ci.get("rolePolicyList", 0, "policyDocument")
    assert inline["Statement"][0]["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert ci.get("attachedManagedPolicies", 0, "policyName", kind=str) == "AWSLambdaBasicExecutionRole"
    assert ci.tags == {} and ci.relationships == []


def test_iam_policy_versions_decode_whether_url_encoded_or_plain():
    snapshot = load("snapshot_mixed.json")
    ci = ConfigItem.of(snapshot["configurationItems"][1])
    assert ci.get("policyVersionList", 0, "document", "Statement", "Action") == "s3:GetObject"
    assert ci.get("policyVersionList", 1, "document", "Statement") == []
    assert ci.status == "ResourceDiscovered" and not ci.is_deleted


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "text",
        7,
        [],
        {"configuration": "{broken"},
        {"configuration": None, "supplementaryConfiguration": "x"},
        {"configuration": {"timeout": "abc"}, "tags": [{"key": "a", "value": "b"}, "junk"], "relationships": ["x"]},
    ],
)
def test_anything_normalises_without_raising(raw):
    ci = ConfigItem.of(raw)
    assert isinstance(ci.configuration, dict) and isinstance(ci.supplementary, dict)
    assert ci.get("timeout", kind=int) is None
    assert ci.resource_id == ""


def test_typed_reads_reject_wrong_types():
    ci = ConfigItem.of({"configuration": {"timeout": True, "memorySize": "256", "runtime": 3, "layers": {}}})
    assert ci.get("timeout", kind=int) is None  # a bool is not a number of seconds
    assert ci.get("memorySize", kind=int) == 256
    assert ci.get("runtime", kind=str) is None
    assert ci.get("layers", 0, "arn") is None
    with pytest.raises(MalformedConfigurationItem, match=r"configuration\.runtime"):
        ci.require("runtime", kind=str)


def test_deleted_statuses():
    for status in ("ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"):
        assert ConfigItem.of({"configurationItemStatus": status}).is_deleted


def test_tags_as_key_value_list_become_a_map():
    assert normalise_ci({"tags": json.dumps([{"key": "owner", "value": "x"}])})["tags"] == {"owner": "x"}


def test_decode_document_forms():
    doc = {"Version": "2012-10-17", "Statement": []}
    assert decode_document(json.dumps(doc)) == doc
    assert decode_document("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D") == doc
    assert decode_document(doc) == doc
    assert decode_document("%7Bnot json") == "{not json"
