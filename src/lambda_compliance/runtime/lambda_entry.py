"""The handler of every rule function the rule stack deploys: the rule's own handler, plus deployment defaults.

The function's code is the rule folder (``<RULE>.py`` at the root of /var/task); the layer holds
this package. ``LAMBDA_COMPLIANCE_RULE`` names the rule module. The stack knows how it was deployed,
which a conformance pack does not, so it supplies two rdklib parameters when the Config rule's own
InputParameters leave them out (a value the Config rule sets always wins):

- ``LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE`` → ``AssumeRoleMode``: "false" in a single account, where
  the function's own least-privilege role reads; without it rdklib would try to assume the Config
  recorder's role, which does not trust Lambda.
- ``LAMBDA_COMPLIANCE_EXECUTION_ROLE_NAME`` → ``ExecutionRoleName``: in an organization, the role
  each member account holds for the central functions.

Retries: the stack sets ``AWS_RETRY_MODE=adaptive`` and ``AWS_MAX_ATTEMPTS``, which every boto3
client rdklib builds (own role or assumed) picks up from the environment.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

RULE_VARIABLE = "LAMBDA_COMPLIANCE_RULE"
DEFAULTS = {
    "LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE": "AssumeRoleMode",
    "LAMBDA_COMPLIANCE_EXECUTION_ROLE_NAME": "ExecutionRoleName",
}


@cache
def _rule_handler(module_name: str) -> Any:
    return importlib.import_module(module_name).lambda_handler


def with_deployment_defaults(event: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """``event`` with the stack's rdklib defaults added to ``ruleParameters`` where it lacks them."""
    defaults = {param: environ[var].strip() for var, param in DEFAULTS.items() if environ.get(var, "").strip()}
    result = dict(event)
    if not defaults:
        return result
    raw = event.get("ruleParameters")
    try:
        parameters = json.loads(raw) if isinstance(raw, str) and raw.strip() else {}
    except ValueError:
        return result  # malformed parameters: the rule reports them, untouched
    if not isinstance(parameters, dict):
        return result
    result["ruleParameters"] = json.dumps({**defaults, **parameters})
    return result


def handler(event: Mapping[str, Any], context: Any) -> Any:
    rule = os.environ.get(RULE_VARIABLE, "").strip()
    if not rule:
        raise RuntimeError(f"{RULE_VARIABLE} is not set: the function does not know which rule it runs")
    return _rule_handler(rule)(with_deployment_defaults(event, os.environ), context)
