"""What a scan computes once and shares: CI normalisation, reader cache keys, IAM expansion and role analysis.

Each memo must give exactly the answer the uncached computation gives (issue 20: the scanner's CPU
went to recomputing these per function and rule); these tests pin both the sharing and the answers.
"""

from __future__ import annotations

from typing import Any

import pytest

from lambda_compliance.domain.iam import actions
from lambda_compliance.domain.iam import analysis as iam_analysis
from lambda_compliance.domain.iam.analysis import PolicySource, admin_grants, analyse, wildcard_resource_writes
from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem, NormalisedCI, normalise_ci

# ------------------------------------------------------------------------------------ CIs


API_FORMAT = {
    "resourceType": "AWS::Lambda::Function",
    "resourceId": "pay",
    "accountId": "111122223333",
    "arn": "arn:aws:lambda:eu-west-1:111122223333:function:pay",
    "configuration": '{"functionName": "pay", "timeout": 30.0, "tracingConfig": {"mode": {"value": "Active"}}}',
    "supplementaryConfiguration": {"Policy": '"{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": []}"'},
    "tags": [{"key": "team", "value": "payments"}],
}


def test_a_normalised_ci_is_taken_as_it_is_by_every_rule():
    first = ConfigItem.of(API_FORMAT)
    assert isinstance(first.raw, NormalisedCI)
    again = ConfigItem.of(first.raw)  # what the engine hands each rule's evaluate_change
    assert again.raw is first.raw
    assert again.get("timeout") == 30 and again.get("tracingConfig", "mode") == "Active"


@pytest.mark.parametrize(
    "raw",
    [
        API_FORMAT,
        {"configuration": {"timeout": 3.0}, "tags": {"a": "b"}},
        None,
        {"configurationItemStatus": "ResourceDeleted"},
    ],
)
def test_normalising_once_reads_the_same_as_normalising_a_plain_copy(raw: Any):
    once = ConfigItem.of(raw)
    # A plain dict (an rdklib event's CI) is normalised again; the reads agree with the shared one.
    plain = ConfigItem.of(dict(once.raw))
    assert plain.raw == once.raw
    assert (plain.resource_type, plain.resource_id, plain.tags) == (once.resource_type, once.resource_id, once.tags)


def test_a_plain_dict_is_still_normalised():
    assert not isinstance(API_FORMAT, NormalisedCI)
    assert ConfigItem.of(API_FORMAT).configuration == normalise_ci(API_FORMAT)["configuration"]


# ------------------------------------------------------------------------------ reader keys


class _Client:
    def __init__(self, log: list[dict[str, Any]]) -> None:
        self.log = log

    def get_thing(self, **kwargs: Any) -> dict[str, Any]:
        self.log.append(kwargs)
        return {"Thing": dict(kwargs)}


class _Factory:
    def __init__(self) -> None:
        self.log: list[dict[str, Any]] = []

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        return _Client(self.log)


@pytest.mark.parametrize(
    ("first", "second", "same_request"),
    [
        ({"Name": "a", "Limit": 1}, {"Limit": 1, "Name": "a"}, True),  # order of keywords is no difference
        ({"Name": "a"}, {"Name": "b"}, False),
        ({"Flag": True}, {"Flag": 1}, False),  # equal in Python, different requests
        ({"Flag": 1}, {"Flag": 1.0}, False),
        ({"Filters": [{"Name": "x"}]}, {"Filters": [{"Name": "x"}]}, True),  # nested: canonical JSON
        ({"Filters": [{"Name": "x"}]}, {"Filters": [{"Name": "y"}]}, False),
        ({"Name": None}, {}, False),
    ],
)
def test_reader_cache_keys_tell_requests_apart(first: dict[str, Any], second: dict[str, Any], same_request: bool):
    factory = _Factory()
    aws = AwsReader(factory, account_id="111122223333", region="eu-west-1", inventory=LocalInventory())
    one = aws.call("svc", "get_thing", **first)
    two = aws.call("svc", "get_thing", **second)
    assert len(factory.log) == (1 if same_request else 2)
    assert one == {"Thing": first}
    assert two == {"Thing": first if same_request else second}


def test_a_seeded_response_answers_the_same_call():
    factory = _Factory()
    aws = AwsReader(factory, account_id="111122223333", region="eu-west-1", inventory=LocalInventory())
    aws.seed("svc", "get_thing", {"Thing": "seeded"}, Name="a", Limit=5)
    assert aws.call("svc", "get_thing", Limit=5, Name="a") == {"Thing": "seeded"}
    assert factory.log == []


# ---------------------------------------------------------------------------- IAM analysis


def _source(name: str, *statements: dict[str, Any]) -> PolicySource:
    return PolicySource.from_document(name, "inline", {"Version": "2012-10-17", "Statement": list(statements)})


WRITES = _source(
    "app",
    {"Effect": "Allow", "Action": ["s3:Put*", "ec2:CreateNetworkInterface", "logs:PutLogEvents"], "Resource": "*"},
    {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "arn:aws:dynamodb:*:*:table/*"},
)


def test_a_pattern_is_expanded_once_per_process():
    actions.expand("sqs:Send*")
    hits = actions.expand.cache_info().hits
    assert actions.expand("sqs:Send*") == actions.expand("sqs:Send*")
    assert actions.expand.cache_info().hits == hits + 2


def test_roles_with_the_same_documents_share_one_analysis():
    one = analyse([WRITES])
    other = analyse([_source("app", *[dict(s) for s in _statements(WRITES)])])
    assert one is other
    # A different policy name is a different analysis (findings name the policy).
    assert analyse([_source("other", *_statements(WRITES))]) is not one


def _statements(source: PolicySource) -> list[dict[str, Any]]:
    out = []
    for s in source.statements:
        out.append({"Effect": s.effect, "Action": list(s.actions), "Resource": list(s.resources)})
    return out


@pytest.mark.parametrize(
    "exempt",
    [(), ("ec2:CreateNetworkInterface",), ("s3:*", "logs:*"), ("*",), ("dynamodb:Put*",)],
)
def test_findings_derived_once_per_question_match_the_direct_computation(exempt: tuple[str, ...]):
    perms = analyse([WRITES])
    direct = iam_analysis._wildcard_resource_writes(perms, exempt)
    assert wildcard_resource_writes(perms, exempt=exempt) == direct
    shared = wildcard_resource_writes(perms, exempt=exempt)
    assert shared == direct
    shared.clear()  # a caller's list is its own
    assert wildcard_resource_writes(perms, exempt=exempt) == direct


def test_each_exemption_list_gets_its_own_answer():
    perms = analyse([WRITES])
    everything = wildcard_resource_writes(perms)
    assert everything and any("ec2:CreateNetworkInterface" in f.actions for f in everything)
    fewer = wildcard_resource_writes(perms, exempt=["ec2:CreateNetworkInterface"])
    assert all("ec2:CreateNetworkInterface" not in f.actions for f in fewer)
    assert wildcard_resource_writes(perms, exempt=("*",)) == []


def test_admin_findings_are_shared_and_unchanged():
    admin = analyse([_source("admin", {"Effect": "Allow", "Action": "*", "Resource": "*"})])
    direct = iam_analysis._admin_grants(admin)
    assert admin_grants(admin) == direct and direct
    assert admin_grants(analyse([WRITES])) == []
