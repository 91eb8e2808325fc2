"""CloudFormation: stacks through change sets, and service-managed StackSets with auto-deployment."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from lambda_compliance.deploy.aws import Aws, DeployError, error_code, error_message

BUSY = ("_IN_PROGRESS",)
STUCK = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED"}
NO_CHANGES = ("didn't contain changes", "No updates are to be performed", "no changes")
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]


def _parameters(values: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(values.items())]


@dataclass(frozen=True)
class StackResult:
    name: str
    action: str  # created | updated | unchanged
    outputs: dict[str, str]


def stack_status(aws: Aws, name: str) -> str | None:
    try:
        stacks = aws.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
    except ClientError as exc:
        if error_code(exc) == "ValidationError" and "does not exist" in error_message(exc):
            return None
        raise
    return stacks[0]["StackStatus"] if stacks else None


def _failure_reason(aws: Aws, name: str) -> str:
    cfn = aws.client("cloudformation")
    try:
        events = cfn.describe_stack_events(StackName=name)["StackEvents"]
    except ClientError:
        return "see the stack's events"
    for event in reversed(events):  # oldest first: the first failure is the cause
        status = event.get("ResourceStatus", "")
        if status.endswith("_FAILED") and event.get("ResourceStatusReason"):
            reason = " ".join(event["ResourceStatusReason"].split())
            return f"{event.get('LogicalResourceId', '?')}: {reason}"[:300]
    return "see the stack's events"


def deploy_stack(
    aws: Aws,
    name: str,
    *,
    template_url: str | None = None,
    template_body: str | None = None,
    parameters: Mapping[str, str],
    tags: Mapping[str, str] | None = None,
) -> StackResult:
    """Create or update ``name`` through a change set and wait for it; 'unchanged' when there is nothing to do."""
    cfn = aws.client("cloudformation")
    status = stack_status(aws, name)
    if status and status.endswith(BUSY) and status != "REVIEW_IN_PROGRESS":
        raise DeployError(f"stack {name} is busy ({status}); wait for it to finish and deploy again")
    if status in STUCK:
        raise DeployError(f"stack {name} is {status}: delete it (or continue its rollback) and deploy again")
    change_type = "UPDATE" if status and status != "REVIEW_IN_PROGRESS" else "CREATE"
    change_set = f"lambda-compliance-{int(time.time())}"
    kwargs: dict[str, Any] = {
        "StackName": name,
        "ChangeSetName": change_set,
        "ChangeSetType": change_type,
        "Parameters": _parameters(parameters),
        "Capabilities": CAPABILITIES,
        "Tags": [{"Key": k, "Value": v} for k, v in sorted((tags or {}).items())],
        "Description": "lambda-compliance deploy",
    }
    if template_url:
        kwargs["TemplateURL"] = template_url
    else:
        kwargs["TemplateBody"] = template_body
    change_set_id = cfn.create_change_set(**kwargs)["Id"]

    def created() -> bool:
        found = cfn.describe_change_set(ChangeSetName=change_set_id, StackName=name)
        state = found.get("Status", "")
        if state == "FAILED":
            reason = " ".join(found.get("StatusReason", "").split())
            if any(text in reason for text in NO_CHANGES):
                return True
            raise DeployError(f"change set for stack {name} failed: {reason[:300]}")
        return state == "CREATE_COMPLETE"

    aws.wait_until(f"the change set of stack {name}", created)
    found = cfn.describe_change_set(ChangeSetName=change_set_id, StackName=name)
    if found.get("Status") == "FAILED" or (change_type == "UPDATE" and not found.get("Changes")):
        cfn.delete_change_set(ChangeSetName=change_set_id, StackName=name)
        return StackResult(name, "unchanged", stack_outputs(aws, name))
    cfn.execute_change_set(ChangeSetName=change_set_id, StackName=name)
    goal = "CREATE_COMPLETE" if change_type == "CREATE" else "UPDATE_COMPLETE"

    def finished() -> bool:
        current = stack_status(aws, name) or "DELETE_COMPLETE"
        if current == goal:
            return True
        if current.endswith(BUSY):
            return False
        raise DeployError(f"stack {name} ended {current}: {_failure_reason(aws, name)}")

    aws.wait_until(f"stack {name}", finished)
    return StackResult(name, "created" if change_type == "CREATE" else "updated", stack_outputs(aws, name))


def stack_outputs(aws: Aws, name: str) -> dict[str, str]:
    stacks = aws.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
    return {o["OutputKey"]: o.get("OutputValue", "") for o in (stacks[0].get("Outputs") or [])} if stacks else {}


# StackSets ------------------------------------------------------------------------------------

AUTO_DEPLOYMENT = {"Enabled": True, "RetainStacksOnAccountRemoval": False}
OPERATION_PREFERENCES = {
    "RegionConcurrencyType": "PARALLEL",
    "FailureTolerancePercentage": 10,
    "MaxConcurrentPercentage": 25,
}


@dataclass(frozen=True)
class StackSetResult:
    name: str
    action: str  # created | updated | unchanged
    operation_id: str | None


def _same(current: Mapping[str, Any], body: str, parameters: Mapping[str, str], ous: Sequence[str]) -> bool:
    have = {p["ParameterKey"]: p.get("ParameterValue", "") for p in current.get("Parameters", [])}
    auto = current.get("AutoDeployment") or {}
    targets = set(current.get("OrganizationalUnitIds") or [])
    return (
        current.get("TemplateBody", "").strip() == body.strip()
        and have == dict(parameters)
        and bool(auto.get("Enabled"))
        and auto.get("RetainStacksOnAccountRemoval") is False
        and set(ous) <= targets
    )


def deploy_stack_set(
    aws: Aws,
    name: str,
    *,
    template_body: str,
    parameters: Mapping[str, str],
    organizational_units: Sequence[str],
    regions: Sequence[str],
    description: str,
    call_as: str = "SELF",
    template_url: str | None = None,
) -> StackSetResult:
    """A service-managed StackSet with auto-deployment, with instances in ``organizational_units`` x ``regions``.

    ``template_body`` is always given (to compare with what is deployed); ``template_url`` is used
    instead to send it when set (templates over 51,200 bytes).
    """
    cfn = aws.client("cloudformation")
    source = {"TemplateURL": template_url} if template_url else {"TemplateBody": template_body}
    try:
        current = cfn.describe_stack_set(StackSetName=name, CallAs=call_as)["StackSet"]
    except ClientError as exc:
        if error_code(exc) != "StackSetNotFoundException":
            raise
        current = None
    targets = {"OrganizationalUnitIds": list(organizational_units)}
    if current is None:
        cfn.create_stack_set(
            StackSetName=name,
            Description=description,
            **source,
            Parameters=_parameters(parameters),
            Capabilities=CAPABILITIES,
            PermissionModel="SERVICE_MANAGED",
            AutoDeployment=AUTO_DEPLOYMENT,
            ManagedExecution={"Active": True},
            CallAs=call_as,
        )
        operation = cfn.create_stack_instances(
            StackSetName=name,
            DeploymentTargets=targets,
            Regions=list(regions),
            OperationPreferences=OPERATION_PREFERENCES,
            CallAs=call_as,
        )["OperationId"]
        wait_for_operation(aws, name, operation, call_as)
        return StackSetResult(name, "created", operation)
    if _same(current, template_body, parameters, organizational_units):
        return StackSetResult(name, "unchanged", None)
    operation = cfn.update_stack_set(
        StackSetName=name,
        Description=description,
        **source,
        Parameters=_parameters(parameters),
        Capabilities=CAPABILITIES,
        PermissionModel="SERVICE_MANAGED",
        AutoDeployment=AUTO_DEPLOYMENT,
        ManagedExecution={"Active": True},
        DeploymentTargets=targets,
        Regions=list(regions),
        OperationPreferences=OPERATION_PREFERENCES,
        CallAs=call_as,
    )["OperationId"]
    wait_for_operation(aws, name, operation, call_as)
    known = set(current.get("OrganizationalUnitIds") or [])
    missing = [ou for ou in organizational_units if ou not in known]
    if missing:
        added = cfn.create_stack_instances(
            StackSetName=name,
            DeploymentTargets={"OrganizationalUnitIds": missing},
            Regions=list(regions),
            OperationPreferences=OPERATION_PREFERENCES,
            CallAs=call_as,
        )["OperationId"]
        wait_for_operation(aws, name, added, call_as)
    return StackSetResult(name, "updated", operation)


def wait_for_operation(aws: Aws, name: str, operation_id: str, call_as: str) -> None:
    cfn = aws.client("cloudformation")

    def done() -> bool:
        operation = cfn.describe_stack_set_operation(StackSetName=name, OperationId=operation_id, CallAs=call_as)
        status = operation["StackSetOperation"]["Status"]
        if status == "SUCCEEDED":
            return True
        if status in {"FAILED", "STOPPED"}:
            reason = _operation_failure(aws, name, operation_id, call_as)
            raise DeployError(f"StackSet {name} operation {status}: {reason}")
        return False

    aws.wait_until(f"StackSet {name}", done)


def _operation_failure(aws: Aws, name: str, operation_id: str, call_as: str) -> str:
    cfn = aws.client("cloudformation")
    results = cfn.list_stack_set_operation_results(StackSetName=name, OperationId=operation_id, CallAs=call_as)
    failed = [r for r in results.get("Summaries", []) if r.get("Status") == "FAILED"]
    if not failed:
        return "see the StackSet's operation results"
    first = failed[0]
    reason = " ".join(str(first.get("StatusReason", "")).split())
    more = f" (and {len(failed) - 1} more accounts)" if len(failed) > 1 else ""
    return f"account {first.get('Account', '?')} {first.get('Region', '')}: {reason[:200]}{more}"
