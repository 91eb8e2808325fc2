"""LambdaCompliance-SetReservedConcurrency: fixes LAMBDA_CONCURRENCY_LIMIT_SET."""

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

RESERVED_CONCURRENCY = r"^[1-9][0-9]{0,5}$"
MIN_CONCURRENCY = r"^[0-9]{1,6}$"

DOCUMENT = {
    "name": "LambdaCompliance-SetReservedConcurrency",
    "does": "Sets the reserved concurrency of a Lambda function",
    "input": "FunctionName, ReservedConcurrency and MinConcurrency",
    "details": [
        "Reserved concurrency caps how many instances the function runs at once and guarantees it that capacity. "
        "A function already reserving that value is left alone. A function whose reserved concurrency is 0 was "
        "switched off on purpose: the run fails rather than switch it back on.",
        "The value reserved is ReservedConcurrency, raised to MinConcurrency when that is larger: a pack passes "
        "the rule's maxConcurrency and minConcurrency, so the result is within the range the rule accepts.",
        "Lambda keeps at least 100 unreserved concurrent executions in the account; a value that would break that "
        "fails with Lambda's message and changes nothing.",
    ],
    "settings_only": True,
    "parameters": {
        "FunctionName": {"description": "The Lambda function (name or ARN).", "allowedPattern": FUNCTION_NAME},
        "ReservedConcurrency": {
            "description": "Concurrent executions to reserve for the function (1 to 999999; a pack passes "
            "maxConcurrency when it is set).",
            "allowedPattern": RESERVED_CONCURRENCY,
            "default": "10",
        },
        "MinConcurrency": {
            "description": "Reserve at least this many (a pack passes minConcurrency); 0: no floor.",
            "allowedPattern": MIN_CONCURRENCY,
            "default": "0",
        },
    },
}


def handler(events, context):
    function_name = param(events, "FunctionName", FUNCTION_NAME, "a Lambda function name or ARN")
    cap = int(param(events, "ReservedConcurrency", RESERVED_CONCURRENCY, "a whole number from 1 to 999999", "10"))
    floor = int(param(events, "MinConcurrency", MIN_CONCURRENCY, "a whole number from 0 to 999999", "0"))
    # without maxConcurrency the pack sends no ReservedConcurrency: the default 10 may lie below minConcurrency
    wanted = max(cap, floor, 1)
    dry_run = wants_dry_run(events)
    lam = client("lambda")
    function_configuration(lam, function_name)
    current = lam.get_function_concurrency(FunctionName=function_name).get("ReservedConcurrentExecutions")
    previous = {"functionName": function_name, "reservedConcurrentExecutions": current}
    if current == wanted:
        return unchanged(f"{function_name} already reserves {wanted} concurrent executions", previous)
    if current == 0:
        raise RemediationError(
            f"{function_name} has reserved concurrency 0, which stops every invocation: it was switched off on "
            "purpose, and this document does not switch it back on"
        )
    quoted = shlex.quote(function_name)
    if current is None:
        undo = f"aws lambda delete-function-concurrency --function-name {quoted} (it had no reserved concurrency)"
    else:
        undo = (
            f"aws lambda put-function-concurrency --function-name {quoted} --reserved-concurrent-executions {current}"
        )
    return apply(
        dry_run,
        f"set the reserved concurrency of {function_name} from {'none' if current is None else current} to {wanted}",
        previous,
        undo,
        lambda: _reserve(lam, function_name, wanted),
    )


def _reserve(lam, function_name, wanted):
    try:
        lam.put_function_concurrency(FunctionName=function_name, ReservedConcurrentExecutions=wanted)
    except ClientError as exc:
        if error_code(exc) in ("InvalidParameterValueException", "LimitExceededException"):
            message = exc.response.get("Error", {}).get("Message", "")
            raise RemediationError(f"Lambda refused reserved concurrency {wanted}: {message}") from None
        raise
