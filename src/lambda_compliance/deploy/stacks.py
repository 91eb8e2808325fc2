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
    # A parameter change is a change even where a local CloudFormation (moto) lists no resource changes.
    current = stack_parameters(aws, name) if change_type == "UPDATE" else {}
    same_parameters = all(current.get(k) == v for k, v in parameters.items())
    if found.get("Status") == "FAILED" or (change_type == "UPDATE" and not found.get("Changes") and same_parameters):
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


def stack_parameters(aws: Aws, name: str) -> dict[str, str]:
    """A stack's parameter values ({} when the stack does not exist); a list value comes back comma-joined."""
    if stack_status(aws, name) is None:
        return {}
    stacks = aws.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
    values = {}
    for p in stacks[0].get("Parameters") or []:
        value = p.get("ParameterValue", "")
        values[p["ParameterKey"]] = ",".join(value) if isinstance(value, list) else str(value)
    return values


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


def _same(current: Mapping[str, Any], body: str, parameters: Mapping[str, str]) -> bool:
    have = {p["ParameterKey"]: p.get("ParameterValue", "") for p in current.get("Parameters", [])}
    auto = current.get("AutoDeployment") or {}
    return (
        current.get("TemplateBody", "").strip() == body.strip()
        and have == dict(parameters)
        and bool(auto.get("Enabled"))
        and auto.get("RetainStacksOnAccountRemoval") is False
    )


Pair = tuple[str, str]  # (OU id, region)


def _pairs(pairs: Sequence[Pair]) -> str:
    return ", ".join(f"{ou}/{region}" for ou, region in pairs) or "none"


@dataclass(frozen=True)
class StackSetPlan:
    """What ``apply_stack_set`` will do, decided from DescribeStackSet and ListStackInstances.

    Instances are compared per (OU, region): ``added`` are wanted and missing (created first);
    ``updated`` exist and are wanted, and get the new template or parameters when ``changed``;
    ``left`` exist but are no longer wanted: they stay as they are (not updated, not deleted).
    """

    name: str
    exists: bool
    changed: bool
    added: tuple[Pair, ...]
    updated: tuple[Pair, ...]
    left: tuple[Pair, ...]
    empty: tuple[str, ...]  # wanted OUs without accounts: targeted so auto-deployment covers later joiners
    regions: tuple[str, ...] = ()  # the wanted regions, in the order given
    ous: tuple[str, ...] = ()  # the wanted OUs, in the order given

    @property
    def action(self) -> str:
        if not self.exists:
            return "created"
        return "updated" if self.changed or self.added or self.empty else "unchanged"

    def lines(self) -> list[str]:
        if not self.exists:
            head = f"StackSet {self.name}: create"
        elif self.changed:
            head = f"StackSet {self.name}: update (template, parameters or auto-deployment changed)"
        else:
            head = f"StackSet {self.name}: template and parameters unchanged"
        out = [head, f"instances added: {_pairs(self.added)}"]
        verb = "updated" if self.changed else "unchanged"
        out.append(f"instances {verb}: {_pairs(self.updated)}")
        if self.left:
            out.append(f"instances left as they are (no longer targeted, not deleted): {_pairs(self.left)}")
        if self.empty:
            out.append(f"OUs without accounts yet, targeted for auto-deployment: {', '.join(self.empty)}")
        return out


def plan_stack_set(
    aws: Aws,
    name: str,
    *,
    template_body: str,
    parameters: Mapping[str, str],
    ou_accounts: Mapping[str, frozenset[str]],
    regions: Sequence[str],
    call_as: str = "SELF",
) -> StackSetPlan:
    """Compare the wanted OU x region instances with what the StackSet has (read-only)."""
    cfn = aws.client("cloudformation")
    try:
        current = cfn.describe_stack_set(StackSetName=name, CallAs=call_as)["StackSet"]
    except ClientError as exc:
        if error_code(exc) != "StackSetNotFoundException":
            raise
        current = None
    have: set[Pair] = set()
    known: set[str] = set()
    if current is not None:
        known = set(current.get("OrganizationalUnitIds") or [])
        for page in cfn.get_paginator("list_stack_instances").paginate(StackSetName=name, CallAs=call_as):
            have |= {(i.get("OrganizationalUnitId", ""), i["Region"]) for i in page.get("Summaries", [])}
    wanted = [(ou, region) for ou in ou_accounts for region in regions]
    populated = [(ou, region) for ou, region in wanted if ou_accounts[ou]]
    empty = tuple(ou for ou in ou_accounts if not ou_accounts[ou] and ou not in known)
    return StackSetPlan(
        name=name,
        exists=current is not None,
        changed=current is not None and not _same(current, template_body, parameters),
        added=tuple(p for p in populated if p not in have),
        updated=tuple(p for p in populated if p in have),
        left=tuple(sorted(have - set(wanted))),
        empty=empty,
        regions=tuple(regions),
        ous=tuple(ou_accounts),
    )


def apply_stack_set(
    aws: Aws,
    plan: StackSetPlan,
    *,
    template_body: str,
    parameters: Mapping[str, str],
    description: str,
    call_as: str = "SELF",
    template_url: str | None = None,
) -> StackSetResult:
    """Carry out ``plan``: create the StackSet if needed, create missing instances, then update the rest.

    ``update_stack_set`` names only targets that have instances (AWS answers
    StackInstanceNotFoundException for the others); ``template_url`` is sent instead of the body
    when set (templates over 51,200 bytes).
    """
    cfn = aws.client("cloudformation")
    source = {"TemplateURL": template_url} if template_url else {"TemplateBody": template_body}
    common = {"StackSetName": plan.name, "CallAs": call_as}
    if not plan.exists:
        cfn.create_stack_set(
            **common,
            Description=description,
            **source,
            Parameters=_parameters(parameters),
            Capabilities=CAPABILITIES,
            PermissionModel="SERVICE_MANAGED",
            AutoDeployment=AUTO_DEPLOYMENT,
            ManagedExecution={"Active": True},
        )
    operation = None
    by_regions: dict[tuple[str, ...], list[str]] = {}
    for ou in dict.fromkeys(ou for ou, _ in plan.added):
        by_regions.setdefault(tuple(r for o, r in plan.added if o == ou), []).append(ou)
    if plan.empty:
        by_regions.setdefault(plan.regions, []).extend(plan.empty)
    for regions, ous in by_regions.items():
        operation = cfn.create_stack_instances(
            **common,
            DeploymentTargets={"OrganizationalUnitIds": ous},
            Regions=list(regions),
            OperationPreferences=OPERATION_PREFERENCES,
        )["OperationId"]
        wait_for_operation(aws, plan.name, operation, call_as)
    if plan.changed:
        # After the creations every wanted pair with accounts has instances; the new ones got the
        # previous template, so they are updated with the rest.
        targets = plan.added + plan.updated
        kwargs: dict[str, Any] = {}
        if targets:
            kwargs = {
                "DeploymentTargets": {
                    "OrganizationalUnitIds": [o for o in plan.ous if any(ou == o for ou, _ in targets)]
                },
                "Regions": [r for r in plan.regions if any(region == r for _, region in targets)],
            }
        operation = cfn.update_stack_set(
            **common,
            Description=description,
            **source,
            Parameters=_parameters(parameters),
            Capabilities=CAPABILITIES,
            PermissionModel="SERVICE_MANAGED",
            AutoDeployment=AUTO_DEPLOYMENT,
            ManagedExecution={"Active": True},
            OperationPreferences=OPERATION_PREFERENCES,
            **kwargs,
        )["OperationId"]
        wait_for_operation(aws, plan.name, operation, call_as)
    return StackSetResult(plan.name, plan.action, operation)


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
