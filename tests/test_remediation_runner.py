"""The local runner: parameters as Automation validates them, payload references, steps, failures."""

from __future__ import annotations

import os

import pytest
import yaml

from lambda_compliance.domain.iam import policy as policy_analysis
from lambda_compliance.remediation import runner

TWO_STEPS = {
    "schemaVersion": "0.3",
    "description": "Test document.",
    "assumeRole": "{{ AutomationAssumeRole }}",
    "parameters": {
        "Name": {"type": "String", "allowedPattern": "^[a-z]+$"},
        "Count": {"type": "String", "default": "2", "allowedPattern": "^[0-9]$"},
        "Tags": {"type": "StringList", "default": ["a"]},
    },
    "mainSteps": [
        {
            "name": "First",
            "action": "aws:executeScript",
            "inputs": {
                "Runtime": "python3.11",
                "Handler": "first",
                "InputPayload": {"Name": "{{ Name }}", "Tags": "{{Tags}}", "Greeting": "hello {{ Name }}"},
                "Script": "import boto3\n"
                "def first(events, context):\n"
                "    sts = boto3.client('sts', config=None)\n"
                "    return {'Value': events['Greeting'], 'Tags': events['Tags'], 'Service': sts}\n",
            },
            "outputs": [
                {"Name": "Value", "Selector": "$.Payload.Value", "Type": "String"},
                {"Name": "Tags", "Selector": "$.Payload.Tags", "Type": "StringList"},
            ],
        },
        {
            "name": "Second",
            "action": "aws:executeScript",
            "isEnd": True,
            "inputs": {
                "Runtime": "python3.11",
                "Handler": "second",
                "InputPayload": {"Previous": "{{ First.Value }}", "Account": "{{ global:ACCOUNT_ID }}"},
                "Script": "def second(events, context):\n"
                "    if events['Previous'] == 'hello boom':\n"
                "        raise ValueError('boom requested')\n"
                "    return {'Status': events['Previous'] + ' from ' + events['Account']}\n",
            },
            "outputs": [{"Name": "Status", "Selector": "$.Payload.Status", "Type": "String"}],
        },
    ],
}


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "Test-TwoSteps.yaml"
    path.write_text(yaml.safe_dump(TWO_STEPS))
    return path


def fake_clients(calls):
    def factory(service, **kwargs):
        calls.append((service, kwargs))
        return f"<{service} client>"

    return factory


def test_steps_run_in_order_with_outputs_feeding_the_next_step(document):
    calls = []
    done = runner.run(document, {"Name": "world"}, clients=fake_clients(calls), account_id="210987654321")
    assert done.outputs == {
        "First.Value": "hello world",
        "First.Tags": ["a"],
        "Second.Status": "hello world from 210987654321",
    }
    assert done.status == "hello world from 210987654321"
    assert done.payloads["First"]["Service"] == "<sts client>"  # `import boto3` in a script is the runner's
    assert calls == [("sts", {"config": None})]
    assert done.parameters == {"Name": "world", "Count": "2", "Tags": ["a"]}


def test_parameters_are_validated_like_automation_does(document):
    with pytest.raises(runner.DocumentError, match="parameter Name is required"):
        runner.run(document, {}, clients=fake_clients([]))
    with pytest.raises(runner.DocumentError, match=r"parameter Name value 'World' does not match \^\[a-z\]\+\$"):
        runner.run(document, {"Name": "World"}, clients=fake_clients([]))
    with pytest.raises(runner.DocumentError, match="has no parameter Colour"):
        runner.run(document, {"Name": "a", "Colour": "red"}, clients=fake_clients([]))
    with pytest.raises(runner.DocumentError, match="parameter Tags must be a list of strings"):
        runner.run(document, {"Name": "a", "Tags": "a"}, clients=fake_clients([]))
    with pytest.raises(runner.DocumentError, match="parameter Count must be a string"):
        runner.run(document, {"Name": "a", "Count": 3}, clients=fake_clients([]))


def test_a_script_that_raises_fails_its_step_with_its_message(document):
    with pytest.raises(runner.StepFailed, match="Test-TwoSteps step Second failed: ValueError: boom requested"):
        runner.run(document, {"Name": "boom"}, clients=fake_clients([]), account_id="210987654321")


def test_only_execute_script_steps_run(tmp_path):
    content = dict(TWO_STEPS, mainSteps=[{"name": "Wait", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}])
    path = tmp_path / "Test-Sleep.yaml"
    path.write_text(yaml.safe_dump(content))
    with pytest.raises(runner.DocumentError, match="executes aws:executeScript steps only"):
        runner.run(path, {"Name": "a"}, clients=fake_clients([]))


def test_unknown_document_names_the_known_ones():
    with pytest.raises(runner.DocumentError, match=r"unknown document Nope .*LambdaCompliance-SetReservedConcurrency"):
        runner.load("Nope")


def test_running_sets_no_environment_variable(moto):
    before = dict(os.environ)
    moto.role("r")
    moto.function("f", role="r")
    runner.run(
        "LambdaCompliance-SetReservedConcurrency",
        {"FunctionName": "f", "AutomationAssumeRole": "arn:aws:iam::123456789012:role/r"},
        session=moto.session,
        endpoint_url=moto.endpoint_url,
    )
    assert dict(os.environ) == before


# The public-statement judgement shipped inside RemovePublicPermissions agrees with the rule's.

ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
STATEMENTS = [
    {"Sid": "a", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": ARN},
    {"Sid": "b", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunction", "Resource": ARN},
    {"Sid": "c", "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "lambda:*", "Resource": ARN},
    {"Sid": "d", "Effect": "Allow", "Principal": "111122223333", "Action": "lambda:InvokeFunction", "Resource": ARN},
    {
        "Sid": "e",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    },
    {
        "Sid": "f",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "123456789012"}},
    },
    {
        "Sid": "g",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunctionUrl",
        "Resource": ARN,
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
    },
    {
        "Sid": "h",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::*"}},
    },
    {
        "Sid": "i",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"}},
    },
    {
        "Sid": "j",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    },
    {
        "Sid": "k",
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
    },
    {
        "Sid": "l",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"StringEquals": {"aws:SourceAccount": "*"}},
    },
    {
        "Sid": "m",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::invoices"}},
    },
    {
        "Sid": "n",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:*:topic"}},
    },
    {
        "Sid": "o",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}},
    },
    {
        "Sid": "p",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}},
    },
    {
        "Sid": "q",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-*/r-ab12/*"}},
    },
    {
        "Sid": "r",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"StringLike": {"aws:SourceAccount": "1234*"}},
    },
    {
        "Sid": "s",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}},
    },
    {
        "Sid": "t",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}},
    },
]


def shipped_is_public():
    namespace: dict = {}
    exec(runner.load("LambdaCompliance-RemovePublicPermissions").steps[0]["inputs"]["Script"], namespace)
    return namespace["is_public"]


@pytest.mark.parametrize("statement", STATEMENTS, ids=lambda s: s["Sid"])
def test_shipped_public_judgement_agrees_with_the_rule(statement):
    rule_says = bool(policy_analysis.public_statements(policy_analysis.parse_policy({"Statement": [statement]})))
    assert shipped_is_public()(statement) is rule_says


SERVICE_STATEMENTS = [
    {"Sid": sid, "Effect": "Allow", "Principal": {"Service": service}, "Action": "lambda:InvokeFunction", **extra}
    for sid, service, extra in (
        ("s3-none", "s3.amazonaws.com", {}),
        ("s3-bucket", "s3.amazonaws.com", {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}}}),
        ("s3-account", "s3.amazonaws.com", {"Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}),
        ("sns-any-account", "sns.amazonaws.com", {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:t"}}}),
        (
            "sns-topic",
            "sns.amazonaws.com",
            {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:t"}}},
        ),
        ("alexa-none", "alexa-appkit.amazonaws.com", {}),
        (
            "alexa-token",
            "alexa-appkit.amazonaws.com",
            {"Condition": {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1"}}},
        ),
    )
]


@pytest.mark.parametrize("statement", SERVICE_STATEMENTS, ids=lambda s: s["Sid"])
def test_shipped_service_judgement_agrees_with_the_rule(statement):
    namespace: dict = {}
    exec(runner.load("LambdaCompliance-RestrictServicePermission").steps[0]["inputs"]["Script"], namespace)
    service = statement["Principal"]["Service"]
    rule_says = not policy_analysis.unpinned_services(policy_analysis.parse_policy({"Statement": [statement]})[0])
    assert namespace["service_pinned"](statement, service) is rule_says


def test_global_account_id_comes_from_sts_when_not_given(document):
    class Sts:
        def get_caller_identity(self):
            return {"Account": "210987654321"}

    done = runner.run(document, {"Name": "world"}, clients=lambda service, **_: Sts())
    assert done.output("Status") == "hello world from 210987654321"
