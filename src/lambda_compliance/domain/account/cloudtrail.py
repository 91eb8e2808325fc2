"""CloudTrail trails and whether they record Lambda data events (Invoke) for every function.

Config records AWS::CloudTrail::Trail without its event selectors, so the rule
reads them from CloudTrail: ``DescribeTrails`` (with shadow trails, so a
multi-region or organization trail homed elsewhere counts),
``GetEventSelectors`` and ``GetTrailStatus`` in each trail's home region.

Coverage of Lambda functions is ``all``, ``some`` or ``none``:

* basic selectors: a ``DataResources`` entry of type AWS::Lambda::Function
  whose values include ``arn:aws:lambda`` (every function) with ReadWriteType
  All or WriteOnly (Invoke is a write event); specific function ARNs are "some";
* advanced selectors: ``eventCategory`` = Data and ``resources.type`` =
  AWS::Lambda::Function, where ``readOnly``, ``eventName`` and ``eventSource``
  (if present) let Invoke through; a ``resources.ARN`` condition covers all
  functions only when it is a StartsWith prefix of this account's function
  ARNs; any other condition (user identity, specific ARNs, exclusions) makes
  the coverage "some".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.lazy import lazy

LAMBDA_TYPE = "AWS::Lambda::Function"
TRAIL_NOT_FOUND = ("TrailNotFoundException",)
ALL, SOME, NONE = "all", "some", "none"

_EVERY_FUNCTION = lazy(r"arn:aws[a-z-]*:lambda:?")
_PARTITION = lazy(r"arn:(aws[a-z-]*):")
_JUDGED_FIELDS = frozenset({"eventCategory", "resources.type", "readOnly", "eventName", "eventSource"})
_POSITIVE = ("Equals", "StartsWith", "EndsWith")
_NEGATIVE = ("NotEquals", "NotStartsWith", "NotEndsWith")


@dataclass(frozen=True)
class Trail:
    name: str
    arn: str
    home_region: str
    multi_region: bool
    log_file_validation: bool
    logging: bool
    lambda_events: str  # ALL, SOME or NONE

    def gaps(self) -> list[str]:
        """What keeps a trail that records Lambda data events from being sufficient evidence."""
        gaps = []
        if not self.logging:
            gaps.append("is not logging")
        if not self.multi_region:
            gaps.append("is single-region")
        if not self.log_file_validation:
            gaps.append("has log file validation off")
        return gaps


def trails(aws: AwsReader) -> list[Trail]:
    listed = (aws.call("cloudtrail", "describe_trails", includeShadowTrails=True) or {}).get("trailList")
    found = []
    for raw in listed or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("TrailARN"), str):
            continue
        trail = _trail(aws, raw)
        if trail is not None:
            found.append(trail)
    return sorted(found, key=lambda t: t.name)


def _trail(aws: AwsReader, raw: Mapping[str, Any]) -> Trail | None:
    arn = raw["TrailARN"]
    home = raw.get("HomeRegion") if isinstance(raw.get("HomeRegion"), str) else None
    selectors = aws.call("cloudtrail", "get_event_selectors", missing=TRAIL_NOT_FOUND, region=home, TrailName=arn)
    status = aws.call("cloudtrail", "get_trail_status", missing=TRAIL_NOT_FOUND, region=home, Name=arn)
    if selectors is None or status is None:  # deleted between listing and reading
        return None
    region = home or aws.region or ""
    partition = _PARTITION.match(arn)
    prefix = f"arn:{partition.group(1) if partition else 'aws'}:lambda:{region}:{aws.account_id or ''}:function:"
    return Trail(
        name=str(raw.get("Name") or arn.rsplit("/", 1)[-1]),
        arn=arn,
        home_region=region,
        multi_region=raw.get("IsMultiRegionTrail") is True,
        log_file_validation=raw.get("LogFileValidationEnabled") is True,
        logging=status.get("IsLogging") is True,
        lambda_events=lambda_coverage(selectors, prefix),
    )


def lambda_coverage(selectors: Mapping[str, Any], function_prefix: str) -> str:
    """ALL, SOME or NONE for a GetEventSelectors response (advanced selectors replace basic ones)."""
    advanced = selectors.get("AdvancedEventSelectors")
    if isinstance(advanced, list) and advanced:
        return _advanced(advanced, function_prefix)
    basic = selectors.get("EventSelectors")
    return _basic(basic if isinstance(basic, list) else [])


def _basic(selectors: Iterable[Any]) -> str:
    coverage = NONE
    for selector in selectors:
        if not isinstance(selector, dict) or selector.get("ReadWriteType", "All") not in ("All", "WriteOnly"):
            continue
        for resource in selector.get("DataResources") or []:
            if not isinstance(resource, dict) or resource.get("Type") != LAMBDA_TYPE:
                continue
            values = [v for v in resource.get("Values") or [] if isinstance(v, str)]
            if any(_EVERY_FUNCTION.fullmatch(v) for v in values):
                return ALL
            if values:
                coverage = SOME
    return coverage


def _advanced(selectors: Iterable[Any], function_prefix: str) -> str:
    coverage = NONE
    for selector in selectors:
        if not isinstance(selector, dict):
            continue
        fields = {
            f["Field"]: f
            for f in selector.get("FieldSelectors") or []
            if isinstance(f, dict) and isinstance(f.get("Field"), str)
        }
        required = (("eventCategory", "Data"), ("resources.type", LAMBDA_TYPE))
        if not all(name in fields and _admits(fields[name], value) for name, value in required):
            continue
        optional = (("readOnly", "false"), ("eventName", "Invoke"), ("eventSource", "lambda.amazonaws.com"))
        if not all(name not in fields or _admits(fields[name], value) for name, value in optional):
            continue
        others = set(fields) - _JUDGED_FIELDS - {"resources.ARN"}
        arn = fields.get("resources.ARN")
        if not others and (arn is None or _covers_every_function(arn, function_prefix)):
            return ALL
        coverage = SOME
    return coverage


def _strings(field: Mapping[str, Any], operator: str) -> list[str]:
    values = field.get(operator)
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _admits(field: Mapping[str, Any], value: str) -> bool:
    """Whether a field selector lets ``value`` through (positive conditions OR-ed, negative AND-ed)."""
    positive = [op for op in _POSITIVE if _strings(field, op)]
    if positive and not (
        value in _strings(field, "Equals")
        or any(value.startswith(p) for p in _strings(field, "StartsWith"))
        or any(value.endswith(s) for s in _strings(field, "EndsWith"))
    ):
        return False
    return not (
        value in _strings(field, "NotEquals")
        or any(value.startswith(p) for p in _strings(field, "NotStartsWith"))
        or any(value.endswith(s) for s in _strings(field, "NotEndsWith"))
    )


def _covers_every_function(field: Mapping[str, Any], prefix: str) -> bool:
    """A resources.ARN condition that every function ARN of this account and region passes."""
    if _strings(field, "Equals") or _strings(field, "EndsWith") or _strings(field, "NotEndsWith"):
        return False
    starts = _strings(field, "StartsWith")
    if starts and not any(prefix.startswith(s) for s in starts):
        return False
    if any(arn.startswith(prefix) for arn in _strings(field, "NotEquals")):
        return False
    return not any(s.startswith(prefix) or prefix.startswith(s) for s in _strings(field, "NotStartsWith"))
