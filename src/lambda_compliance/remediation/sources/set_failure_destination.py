"""LambdaCompliance-SetFailureDestination: fixes LAMBDA_FAILURE_DESTINATION_CONFIGURED."""

import json
import shlex

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    FUNCTION_NAME,
    RemediationError,
    apply,
    client,
    error_code,
    function_configuration,
    param,
    unchanged,
    wants_dry_run,
)

DESTINATION_ARN = r"^arn:aws[a-zA-Z-]*:(sqs|sns|lambda|events|s3):[a-z0-9-]*:(\d{12})?:[a-zA-Z0-9_./:-]{1,256}$"
_KEPT = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds")

DOCUMENT = {
    "name": "LambdaCompliance-SetFailureDestination",
    "does": "Sends a Lambda function's failed asynchronous invocations to an on-failure destination",
    "input": "FunctionName and DestinationArn (an SQS queue, SNS topic, Lambda function, EventBridge bus or S3 bucket)",
    "details": [
        "Writes the function's event-invoke configuration (PutFunctionEventInvokeConfig) with OnFailure set to "
        "DestinationArn, carrying over its retry attempts, maximum event age and on-success destination. A "
        "function that already has a dead-letter queue or an on-failure destination is left alone.",
        "The function's execution role must be allowed to send to the destination (sqs:SendMessage, "
        "sns:Publish...); Lambda checks that and the run fails with its message otherwise.",
    ],
    "settings_only": True,
    "pack_parameters": {"DestinationArn": "FailureDestinationArn"},
    "parameters": {
        "FunctionName": {"description": "The Lambda function (name or ARN).", "allowedPattern": FUNCTION_NAME},
        "DestinationArn": {
            "description": "ARN of the queue, topic, function, event bus or bucket for failed events.",
            "allowedPattern": DESTINATION_ARN,
        },
    },
}


def handler(events, context):
    function_name = param(events, "FunctionName", FUNCTION_NAME, "a Lambda function name or ARN")
    destination = param(events, "DestinationArn", DESTINATION_ARN, "the ARN of a queue, topic, function, bus or bucket")
    dry_run = wants_dry_run(events)
    lam = client("lambda")
    configuration = function_configuration(lam, function_name)
    dead_letter = (configuration.get("DeadLetterConfig") or {}).get("TargetArn")
    try:
        current = lam.get_function_event_invoke_config(FunctionName=function_name)
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        current = None
    kept = {k: current[k] for k in _KEPT if current and current.get(k) is not None}
    targets = dict((current or {}).get("DestinationConfig") or {})
    previous = {"functionName": function_name, "deadLetterTargetArn": dead_letter, "eventInvokeConfig": None}
    if current:
        previous["eventInvokeConfig"] = {**kept, "DestinationConfig": dict(targets)}
    if dead_letter:
        return unchanged(f"{function_name} already sends failed events to dead-letter queue {dead_letter}", previous)
    on_failure = (targets.get("OnFailure") or {}).get("Destination")
    if on_failure:
        return unchanged(f"{function_name} already sends failed events to {on_failure}", previous)
    quoted = shlex.quote(function_name)
    if current:
        undo = f"aws lambda put-function-event-invoke-config --function-name {quoted} --cli-input-json " + shlex.quote(
            json.dumps(previous["eventInvokeConfig"])
        )
    else:
        undo = f"aws lambda delete-function-event-invoke-config --function-name {quoted} (it had none)"
    targets = {**targets, "OnFailure": {"Destination": destination}}

    def change():
        try:
            lam.put_function_event_invoke_config(FunctionName=function_name, DestinationConfig=targets, **kept)
        except ClientError as exc:
            if error_code(exc) == "InvalidParameterValueException":
                message = exc.response.get("Error", {}).get("Message", "")
                raise RemediationError(f"Lambda refused destination {destination}: {message}") from None
            raise

    return apply(dry_run, f"send {function_name}'s failed asynchronous events to {destination}", previous, undo, change)
