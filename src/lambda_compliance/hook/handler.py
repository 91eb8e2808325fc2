"""The hook function's handler: a Lambda hook request in, the Hooks contract's answer out.

Request and response shapes are the CloudFormation Hooks User Guide's, "Create Lambda functions to
evaluate resources for Lambda Hooks"
(https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/lambda-hooks-create-lambda-function.html):

- resource operations: ``requestData.targetType`` is the resource type, ``targetLogicalId`` its
  logical id and ``targetModel.resourceProperties`` its (resolved) properties
  (``previousResourceProperties`` on updates, not judged: the new properties are what deploys);
- stack operations (``targetType: STACK``) and change-set operations (``CHANGE_SET``): the
  template is behind ``requestData.payload``, a presigned URL to a JSON document with ``template``
  (the template text) and, for change sets, ``changedResources`` (``logicalResourceId``,
  ``resourceType``, ``action``, ``afterContext``);
- the answer: ``hookStatus`` SUCCESS or FAILED, ``errorCode`` NonCompliant (a rule failed) or
  InternalFailure (the hook could not evaluate), ``message`` (truncated by CloudFormation at 4,096
  characters) and the request's ``clientRequestToken``. Hooks wait 30 seconds for the function.

The resources become a template for the scanner's template machinery (``scanner.templates``), so
each rule answers exactly as ``scan --template`` and AWS Config do. A FAILED message names every
failing rule, the resource and the rule's annotation; annotations never carry a secret value.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambda_compliance import catalog
from lambda_compliance.scanner.templates import Template, TemplateError, TemplateScan, evaluate
from lambda_compliance.scanner.templates.source import parse

MESSAGE_LIMIT = 4096  # CloudFormation truncates a hook's message at 4,096 characters
BUDGET_SECONDS = 30.0  # how long Hooks wait for the function
MARGIN_SECONDS = 3.0  # left to answer in
PAYLOAD_BYTES = 10 * 1024 * 1024
STACK_TARGETS = {"STACK", "CHANGE_SET"}


class HookInputError(ValueError):
    """A request the hook cannot read; the message says what is missing, in one line."""


@dataclass(frozen=True)
class Target:
    templates: list[Template]
    overrides: dict[str, str]
    logical_ids: set[str] | None  # the resources to report on; None: all of them
    what: str  # for the message: "AWS::Lambda::Function Orders", "stack", "change set"
    partial: bool = False  # one resource of a stack: what it refers to may exist outside the request


def _region(stack_id: str) -> str | None:
    parts = stack_id.split(":")
    return parts[3] if len(parts) > 4 and parts[0] == "arn" else None


def _overrides(event: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    if str(event.get("awsAccountId") or "").isdigit():
        out["AWS::AccountId"] = str(event["awsAccountId"])
    region = _region(str(event.get("stackId") or ""))
    if region:
        out["AWS::Region"] = region
        out["AWS::Partition"] = str(event["stackId"]).split(":")[1]
    return out


def fetch_payload(url: str) -> dict[str, Any]:
    """The stack or change-set payload CloudFormation stores behind a presigned S3 URL."""
    parsed = urllib.parse.urlsplit(url)
    local = parsed.scheme == "http" and parsed.hostname in {"127.0.0.1", "localhost"}
    if parsed.scheme != "https" and not local:
        raise HookInputError("requestData.payload is not an https URL")
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read(PAYLOAD_BYTES + 1)
    except OSError as exc:
        raise HookInputError(f"cannot read the payload ({type(exc).__name__})") from None
    if len(body) > PAYLOAD_BYTES:
        raise HookInputError("the payload is larger than 10 MB")
    try:
        payload = json.loads(body)
    except ValueError:
        raise HookInputError("the payload is not JSON") from None
    if not isinstance(payload, dict):
        raise HookInputError("the payload is not a JSON object")
    return payload


def _template_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _changed_template(changes: list[Any]) -> dict[str, Any]:
    """A template of the changed resources' after-images, for a change set without its template."""
    resources: dict[str, Any] = {}
    for change in changes:
        after = change.get("afterContext")
        context = json.loads(after) if isinstance(after, str) and after else after or {}
        resources[str(change.get("logicalResourceId"))] = {
            "Type": change.get("resourceType"),
            "Properties": (context or {}).get("Properties") or {},
        }
    return {"Resources": resources}


def target(event: Mapping[str, Any]) -> Target:
    """What the request asks to judge, as templates for the scanner's template machinery."""
    data = event.get("requestData")
    if not isinstance(data, Mapping):
        raise HookInputError("the request has no requestData")
    kind = str(data.get("targetType") or data.get("targetName") or "")
    overrides = _overrides(event)
    name = str(data.get("targetLogicalId") or "")
    if kind in STACK_TARGETS:
        if not data.get("payload"):
            raise HookInputError(f"a {kind} request without requestData.payload")
        payload = fetch_payload(str(data["payload"]))
        changes = payload.get("changedResources")
        wanted = None
        if kind == "CHANGE_SET" and isinstance(changes, list):
            wanted = {str(c.get("logicalResourceId")) for c in changes if c.get("action") != "Remove"}
        if payload.get("template"):
            text = _template_text(payload["template"])
        elif isinstance(changes, list):
            text = json.dumps(_changed_template(changes))
        else:
            raise HookInputError(f"the {kind} payload has no template")
        template = parse(text, Path(name or kind.lower()), pseudo=overrides)
        if wanted is not None:
            wanted = affected(template.body, wanted)
        return Target([template], overrides, wanted, "change set" if kind == "CHANGE_SET" else "stack")
    model = data.get("targetModel")
    if not kind or not isinstance(model, Mapping):
        raise HookInputError("a resource request without targetType and targetModel")
    logical_id = name or "Resource"
    properties = model.get("resourceProperties") or {}
    body = {"Resources": {logical_id: {"Type": kind, "Properties": properties}}}
    template = Template(Path(logical_id), body, {logical_id: 1})
    return Target([template], overrides, None, f"{kind} {logical_id}", partial=True)


def _references(value: Any) -> set[str]:
    """Logical ids a property value names through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) and inner else str(inner).split(".")[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) and inner else inner
                if isinstance(text, str):
                    found.update(m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text))
            found |= _references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _references(inner)
    return found


def affected(body: Mapping[str, Any], changed: set[str]) -> set[str]:
    """The resources whose verdicts a change can move: those whose configuration takes in a changed one.

    A resource's configuration item takes in what it refers to, transitively (a function: its role,
    security groups, subnets and their VPC), and what refers into that (the role's policies, the
    function's permissions and URL). A change elsewhere in the template is not this change set's.
    """
    resources = body.get("Resources") or {}
    refs = {name: _references(resource) & set(resources) for name, resource in resources.items()}
    out: set[str] = set()
    for name in resources:
        reach, pending = {name}, [name]
        while pending:
            for other in refs[pending.pop()] - reach:
                reach.add(other)
                pending.append(other)
        taken_in = reach | {other for other, targets in refs.items() if targets & reach}
        if taken_in & changed:
            out.add(name)
    return out


def _failures(scan: TemplateScan, wanted: set[str] | None) -> list[str]:
    lines = []
    for result in scan.report.outcome.results:
        if result.compliance != "NON_COMPLIANT":
            continue
        where = scan.locations.get(result.resourceId)
        if wanted is not None and (where is None or where.logical_id not in wanted):
            continue
        name = where.logical_id if where else result.resourceId
        lines.append(f"{result.rule} ({name}): {result.annotation}")
    return sorted(set(lines))


def answer(event: Mapping[str, Any], budget: float = BUDGET_SECONDS - MARGIN_SECONDS) -> dict[str, Any]:
    """The Hooks answer to one request, evaluated within ``budget`` seconds."""
    token = event.get("clientRequestToken") or event.get("clientRequesttoken") or ""
    point = str(event.get("actionInvocationPoint") or "")
    if point.startswith("DELETE"):
        return _reply(token, "SUCCESS", "nothing to judge: the resource is being deleted")
    try:
        what = target(event)
    except (HookInputError, TemplateError) as exc:
        return _reply(token, "FAILED", f"lambda-compliance could not read the request: {exc}", "InternalFailure")
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(evaluate, what.templates, catalog.all_rules(), overrides=what.overrides, partial=what.partial)
    try:
        scan = future.result(timeout=budget)
    except FutureTimeout:
        pool.shutdown(wait=False, cancel_futures=True)
        text = f"lambda-compliance did not finish within {budget:.0f} s for {what.what}"
        return _reply(token, "FAILED", text, "InternalFailure")
    except TemplateError as exc:
        pool.shutdown(wait=False)
        return _reply(token, "FAILED", f"lambda-compliance could not read the template: {exc}", "InternalFailure")
    pool.shutdown(wait=False)
    failures = _failures(scan, what.logical_ids)
    judged = len(scan.report.outcome.results)
    skipped = sum(1 for e in scan.report.outcome.errors if e.kind == "skipped")
    if failures:
        head = f"lambda-compliance: {len(failures)} failing rule result(s) in {what.what}: "
        return _reply(token, "FAILED", _within_limit(head, failures), "NonCompliant")
    tail = f", {skipped} decided at deployment or outside the template" if skipped else ""
    return _reply(token, "SUCCESS", f"lambda-compliance: {judged} rule result(s) compliant in {what.what}{tail}")


def _within_limit(head: str, items: list[str]) -> str:
    """As many whole items as fit CloudFormation's limit, then how many more there are."""
    text = head
    for shown, item in enumerate(items):
        rest = len(items) - shown
        tail = f" ... and {rest} more (scan the template with lambda-compliance scan --template)"
        if len(text) + len(item) + 2 + len(tail) > MESSAGE_LIMIT and rest > 1:
            return text + tail
        text += ("; " if shown else "") + item
    return text


def _reply(token: str, status: str, message: str, code: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"hookStatus": status, "message": message[:MESSAGE_LIMIT], "clientRequestToken": token}
    if code:
        out["errorCode"] = code
    return out


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    remaining = context.get_remaining_time_in_millis() / 1000 if context is not None else BUDGET_SECONDS
    return answer(event, max(1.0, min(BUDGET_SECONDS, remaining) - MARGIN_SECONDS))
