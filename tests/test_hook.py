"""The CloudFormation Lambda hook's handler, end to end, on the documented request shapes.

Shapes: CloudFormation Hooks User Guide, "Create Lambda functions to evaluate resources for Lambda
Hooks" (resource, stack and change-set operations). Stack and change-set payloads sit behind a
presigned URL: here a server on 127.0.0.1 serves them.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from lambda_compliance.hook import handler
from lambda_compliance.scanner.templates.source import load

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "templates"
STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/1a2345b6-0000-00a0-a123-00abc0abc000"
SECRET = "sup3r-s3cret-v4lue"


def request(request_data: dict[str, Any], point: str = "CREATE_PRE_PROVISION") -> dict[str, Any]:
    """A Lambda hook request as the Hooks User Guide documents it."""
    return {
        "clientRequestToken": "f3b0a0c1-7d1e-4a5b-9c2d-000000000001",
        "awsAccountId": "123456789012",
        "stackId": STACK_ID,
        "changeSetId": None,
        "hookTypeName": "Private::LambdaCompliance::Hook",
        "hookTypeVersion": "00000001",
        "hookModel": {"LambdaFunction": "arn:aws:lambda:eu-west-1:123456789012:function:lambda-compliance-hook"},
        "actionInvocationPoint": point,
        "requestData": request_data,
        "requestContext": {"invocation": 1, "callbackContext": None},
    }


def function_request(properties: dict[str, Any], logical_id: str = "OrdersFunction") -> dict[str, Any]:
    return request(
        {
            "targetName": "AWS::Lambda::Function",
            "targetType": "AWS::Lambda::Function",
            "targetLogicalId": logical_id,
            "targetModel": {"resourceProperties": properties},
        }
    )


@pytest.fixture(scope="module")
def payloads() -> Iterator[tuple[dict[str, bytes], str]]:
    """A 127.0.0.1 server standing in for the presigned S3 URLs of stack and change-set payloads."""
    served: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def serve(payloads: tuple[dict[str, bytes], str], path: str, payload: dict[str, Any]) -> str:
    served, base = payloads
    served[path] = json.dumps(payload).encode()
    return base + path


def test_resource_operation_names_each_failing_rule_and_never_a_secret() -> None:
    reply = handler.answer(
        function_request(
            {
                "FunctionName": "orders",
                "Runtime": "python3.7",
                "Handler": "app.handler",
                "Role": "arn:aws:iam::123456789012:role/orders-role",
                "Code": {"S3Bucket": "artifacts", "S3Key": "orders.zip"},
                "Timeout": 900,
                "Environment": {"Variables": {"DB_PASSWORD": SECRET}},
            }
        )
    )
    assert reply["hookStatus"] == "FAILED" and reply["errorCode"] == "NonCompliant"
    assert reply["clientRequestToken"] == "f3b0a0c1-7d1e-4a5b-9c2d-000000000001"
    for rule in ("LAMBDA_RUNTIME_SUPPORTED", "LAMBDA_TIMEOUT_LIMIT", "LAMBDA_ENV_NO_PLAINTEXT_SECRETS"):
        assert f"{rule} (OrdersFunction): " in reply["message"]
    assert SECRET not in reply["message"]
    assert len(reply["message"]) <= handler.MESSAGE_LIMIT
    # the log group is another resource of the stack, out of the request's view: skipped, not failed
    assert "LAMBDA_LOG_GROUP_ENCRYPTED" not in reply["message"]
    assert "LAMBDA_LOG_RETENTION_CONFIGURED" not in reply["message"]


def test_resource_operation_on_a_compliant_resource_succeeds() -> None:
    reply = handler.answer(
        request(
            {
                "targetName": "AWS::EC2::SecurityGroup",
                "targetType": "AWS::EC2::SecurityGroup",
                "targetLogicalId": "HttpsOnly",
                "targetModel": {
                    "resourceProperties": {
                        "GroupDescription": "HTTPS out only",
                        "VpcId": "vpc-0123456789abcdef0",
                        "SecurityGroupEgress": [
                            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
                        ],
                    }
                },
            }
        )
    )
    assert reply["hookStatus"] == "SUCCESS", reply
    assert "errorCode" not in reply


def test_update_is_judged_on_the_new_properties_not_the_previous() -> None:
    event = function_request(
        {"FunctionName": "orders", "Runtime": "python3.7", "Handler": "a.b", "Role": "arn:aws:iam::1:role/r"}
    )
    event["actionInvocationPoint"] = "UPDATE_PRE_PROVISION"
    event["requestData"]["targetModel"]["previousResourceProperties"] = {"Runtime": "python3.12"}
    reply = handler.answer(event)
    assert reply["hookStatus"] == "FAILED" and "LAMBDA_RUNTIME_SUPPORTED (OrdersFunction)" in reply["message"]


def test_delete_is_not_judged() -> None:
    event = function_request({"Runtime": "python3.7"}) | {"actionInvocationPoint": "DELETE_PRE_PROVISION"}
    reply = handler.answer(event)
    assert reply["hookStatus"] == "SUCCESS"


def test_stack_operation_judges_the_whole_template_from_the_payload(
    payloads: tuple[dict[str, bytes], str],
) -> None:
    text = (EXAMPLES / "insecure-app.yaml").read_text()
    url = serve(payloads, "/stack/insecure", {"template": text, "previousTemplate": ""})
    reply = handler.answer(
        request({"targetName": "STACK", "targetType": "STACK", "targetLogicalId": "orders", "payload": url})
    )
    assert reply["hookStatus"] == "FAILED" and reply["errorCode"] == "NonCompliant"
    assert "APIGATEWAY_DOMAIN_TLS12 (OrdersDomain)" in reply["message"]
    assert "LAMBDA_ENV_NO_PLAINTEXT_SECRETS (OrdersFunction)" in reply["message"]
    assert "Zq8#pL1!xw9Rt2vB" not in reply["message"]  # the example's plaintext password
    # more findings than CloudFormation's 4,096 characters hold: whole findings, then how many more
    assert len(reply["message"]) <= handler.MESSAGE_LIMIT
    assert re.search(r" \.\.\. and \d+ more \(scan the template", reply["message"])


def test_stack_operation_on_the_secure_example_succeeds(payloads: tuple[dict[str, bytes], str]) -> None:
    # the template as CloudFormation holds it once the SAM transform has run
    text = json.dumps(load(EXAMPLES / "secure-sam-app.yaml").body)
    url = serve(payloads, "/stack/secure", {"template": text})
    reply = handler.answer(
        request({"targetName": "STACK", "targetType": "STACK", "targetLogicalId": "secure", "payload": url})
    )
    assert reply["hookStatus"] == "SUCCESS", reply["message"]


def test_change_set_operation_reports_only_the_changed_resources(payloads: tuple[dict[str, bytes], str]) -> None:
    text = (EXAMPLES / "insecure-app.yaml").read_text()
    change = {
        "action": "CREATE",
        "beforeContext": None,
        "afterContext": json.dumps({"Properties": {"GroupDescription": "x"}}),
        "lineNumber": 16,
        "logicalResourceId": "OpenEgress",
        "resourceType": "AWS::EC2::SecurityGroup",
    }
    url = serve(payloads, "/changeset/1", {"template": text, "changedResources": [change]})
    reply = handler.answer(
        request({"targetName": "CHANGE_SET", "targetType": "CHANGE_SET", "targetLogicalId": "cs-1", "payload": url})
    )
    assert reply["hookStatus"] == "FAILED", reply
    # the rules judge the security group through the function that uses it
    assert "LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED (WorkerFunction)" in reply["message"]
    assert "(OrdersFunction)" not in reply["message"]  # not linked to the change: not this change set's finding


@pytest.mark.parametrize(
    ("request_data", "complaint"),
    [
        ({}, "without targetType"),
        ({"targetType": "STACK", "targetName": "STACK"}, "without requestData.payload"),
        ({"targetType": "STACK", "payload": "file:///etc/passwd"}, "not an https URL"),
        ({"targetType": "STACK", "payload": "http://127.0.0.1:9/nothing"}, "cannot read the payload"),
    ],
)
def test_a_request_the_hook_cannot_read_is_an_internal_failure(request_data: dict[str, Any], complaint: str) -> None:
    reply = handler.answer(request(request_data))
    assert reply["hookStatus"] == "FAILED" and reply["errorCode"] == "InternalFailure"
    assert complaint in reply["message"]


def test_the_lambda_handler_answers_within_the_remaining_time() -> None:
    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 30_000

    reply = handler.handler(function_request({"Runtime": "python3.7", "Handler": "a.b", "Role": "r"}), Context())
    assert reply["hookStatus"] == "FAILED"


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        ({"Group"}, {"Group", "Worker"}),  # the function that uses the group, not the one sharing its role
        ({"Policy"}, {"Policy", "Role", "Orders", "Worker", "Invoke"}),  # part of every function using the role
        # its permission; Worker shares its role (LAMBDA_ROLE_NOT_SHARED); the role and policy have no verdicts
        ({"Orders"}, {"Orders", "Invoke", "Worker", "Role", "Policy"}),
        ({"Invoke"}, {"Invoke", "Orders"}),
        ({"Unrelated"}, {"Unrelated"}),
    ],
)
def test_a_change_set_reports_the_resources_whose_configuration_takes_in_a_change(
    changed: set[str], expected: set[str]
) -> None:
    body = {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
            "Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"Roles": [{"Ref": "Role"}]}},
            "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {}},
            "Orders": {"Type": "AWS::Lambda::Function", "Properties": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}}},
            "Worker": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Role": {"Fn::GetAtt": "Role.Arn"},
                    "VpcConfig": {"SecurityGroupIds": [{"Ref": "Group"}]},
                },
            },
            "Invoke": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": {"Fn::Sub": "${Orders.Arn}"}}},
            "Unrelated": {"Type": "AWS::SQS::Queue", "Properties": {}},
        }
    }
    assert handler.affected(body, changed) == expected


def test_an_evaluation_that_outlasts_the_budget_answers_internal_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook answers before Hooks stop waiting, whatever the evaluation does (here: never finishes)."""
    release = threading.Event()

    def never_done(*args: Any, **kwargs: Any) -> Any:
        release.wait()
        raise AssertionError("released only after the answer")

    monkeypatch.setattr(handler, "evaluate", never_done)
    try:
        reply = handler.answer(function_request({"Runtime": "python3.12", "Handler": "a.b", "Role": "r"}), budget=0.05)
    finally:
        release.set()
    assert reply["hookStatus"] == "FAILED" and reply["errorCode"] == "InternalFailure"
    assert "did not finish within" in reply["message"]


def test_numbers_and_flags_written_as_strings_are_read_as_cloudformation_reads_them() -> None:
    reply = handler.answer(
        function_request(
            {
                "FunctionName": "orders",
                "Runtime": "python3.12",
                "Handler": "app.handler",
                "Role": "arn:aws:iam::123456789012:role/orders",
                "Timeout": "900",
                "ReservedConcurrentExecutions": "5",
            }
        )
    )
    assert "LAMBDA_TIMEOUT_LIMIT (OrdersFunction): timeout is 900s" in reply["message"]
    assert "LAMBDA_CONCURRENCY_LIMIT_SET" not in reply["message"]
