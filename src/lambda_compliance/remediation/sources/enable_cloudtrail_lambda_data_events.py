"""LambdaCompliance-EnableCloudTrailLambdaDataEvents: fixes CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED."""

import json
import shlex

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    ACCOUNT_ID,
    RemediationError,
    apply,
    caller_account,
    client,
    error_code,
    param,
    unchanged,
    wants_dry_run,
)

TRAIL_NAME = r"^((arn:aws[a-zA-Z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail/)?[a-zA-Z0-9._-]{3,128})?$"
LAMBDA_TYPE = "AWS::Lambda::Function"
ADVANCED = {
    "Name": "Lambda data events for every function (lambda-compliance)",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": [LAMBDA_TYPE]},
    ],
}
MAX_BASIC_SELECTORS = 5

DOCUMENT = {
    "name": "LambdaCompliance-EnableCloudTrailLambdaDataEvents",
    "does": "Makes a CloudTrail trail record Lambda data events (Invoke) for every function",
    "input": "TrailName (name or ARN; empty: the account's multi-region trail) and, as AWS Config passes it for "
    "account-level rules, AccountId",
    "details": [
        "Adds one event selector for all Lambda functions to the trail, in the selector style the trail already "
        "uses (an advanced selector eventCategory=Data, resources.type=AWS::Lambda::Function; or a basic "
        "selector with DataResources AWS::Lambda::Function arn:aws:lambda). Every existing selector is kept. A "
        "trail that already records every function's data events is left alone.",
        "Data events are charged per event: check the trail's cost before running this on busy functions. "
        "PreviousState holds the trail's selectors as they were; Undo puts them back.",
    ],
    "settings_only": True,
    "parameters": {
        "AccountId": {
            "description": "Account the trail is in (AWS Config's RESOURCE_ID); empty for this account.",
            "allowedPattern": ACCOUNT_ID,
            "default": "",
        },
        "TrailName": {
            "description": "Name or ARN of the trail; empty: the account's one multi-region trail whose home is "
            "this Region.",
            "allowedPattern": TRAIL_NAME,
            "default": "",
        },
    },
}


def handler(events, context):
    trail_name = param(events, "TrailName", TRAIL_NAME, "a trail name or ARN, or empty")
    dry_run = wants_dry_run(events)
    caller_account(events)
    trail = client("cloudtrail")
    if not trail_name:
        trail_name = _multi_region_trail(trail)
    try:
        current = trail.get_event_selectors(TrailName=trail_name)
    except ClientError as exc:
        if error_code(exc) in ("TrailNotFoundException", "InvalidTrailNameException"):
            raise RemediationError(f"trail {trail_name} does not exist in this account and Region") from None
        raise
    basic = current.get("EventSelectors") or []
    advanced = current.get("AdvancedEventSelectors") or []
    previous = {"trailName": trail_name, "EventSelectors": basic, "AdvancedEventSelectors": advanced}
    if any(_covers_advanced(s) for s in advanced) or any(_covers_basic(s) for s in basic):
        return unchanged(f"trail {trail_name} already records data events of every Lambda function", previous)
    if basic and not advanced:
        if len(basic) >= MAX_BASIC_SELECTORS:
            raise RemediationError(f"trail {trail_name} has {len(basic)} event selectors, the most CloudTrail allows")
        selector = {
            "ReadWriteType": "All",
            "IncludeManagementEvents": False,
            "DataResources": [{"Type": LAMBDA_TYPE, "Values": ["arn:aws:lambda"]}],
        }
        update = {"EventSelectors": [*basic, selector]}
        restore = f"--event-selectors {shlex.quote(json.dumps(basic))}"
    else:
        update = {"AdvancedEventSelectors": [*advanced, ADVANCED]}
        restore = f"--advanced-event-selectors {shlex.quote(json.dumps(advanced))}" if advanced else ""
    undo = f"aws cloudtrail put-event-selectors --trail-name {shlex.quote(trail_name)} {restore}".rstrip()
    if not advanced and not basic:
        undo += " (the trail had no selectors: remove the one this run added)"
    return apply(
        dry_run,
        f"add a selector for every Lambda function's data events to trail {trail_name}",
        previous,
        undo,
        lambda: trail.put_event_selectors(TrailName=trail_name, **update),
    )


def _multi_region_trail(trail):
    """The account's multi-region trail homed in this Region: a pack needs no trail name of its own."""
    region = trail.meta.region_name
    found = [
        t for t in trail.describe_trails(includeShadowTrails=True).get("trailList") or [] if t.get("IsMultiRegionTrail")
    ]
    here = [t for t in found if t.get("HomeRegion") == region]
    if len(here) == 1:
        return here[0]["Name"]
    if len(here) > 1:
        names = ", ".join(sorted(t["Name"] for t in here))
        raise RemediationError(f"several multi-region trails in {region} ({names}): pass TrailName")
    if found:
        homes = ", ".join(sorted(f"{t['Name']} ({t.get('HomeRegion')})" for t in found))
        raise RemediationError(f"the multi-region trail is managed from its home Region: {homes}; run it there")
    raise RemediationError("no multi-region trail in this account: create one, or pass TrailName")


def _covers_basic(selector):
    if selector.get("ReadWriteType", "All") != "All":
        return False
    for resource in selector.get("DataResources") or []:
        values = [v.rstrip(":") for v in resource.get("Values") or []]
        if resource.get("Type") == LAMBDA_TYPE and any(
            v.startswith("arn:aws") and v.endswith(":lambda") for v in values
        ):
            return True
    return False


def _covers_advanced(selector):
    """Data events of type AWS::Lambda::Function with nothing narrowing them (no ARN, event or readOnly filter)."""
    fields = {}
    for field in selector.get("FieldSelectors") or []:
        fields[field.get("Field")] = field
    category = fields.pop("eventCategory", {}).get("Equals")
    kind = fields.pop("resources.type", {}).get("Equals")
    return category == ["Data"] and kind == [LAMBDA_TYPE] and not fields
