"""Account-level threat detection for Lambda: GuardDuty Lambda Protection and Amazon Inspector.

Neither setting is in a Config CI (the GuardDuty detector CI predates detector
features; Inspector has no CI), so rules read the services:

* GuardDuty: ``ListDetectors`` / ``GetDetector``; Lambda Protection is the
  detector feature ``LAMBDA_NETWORK_LOGS``.
* Inspector: ``BatchGetAccountStatus`` for this account; ``resourceState.lambda``
  is standard scanning (package vulnerabilities), ``resourceState.lambdaCode``
  is code scanning. An account that never enabled Inspector is DISABLED.
* Inspector findings: ``ListFindings`` filtered to active, critical findings on
  ``AWS_LAMBDA_FUNCTION`` resources first observed before a cut-off (PCI DSS 6.3.3:
  critical patches within one month). Filter fields as in the Inspector API
  reference, https://docs.aws.amazon.com/inspector/v2/APIReference/API_FilterCriteria.html
  (StringFilter ``{comparison: EQUALS, value}``, DateFilter ``{endInclusive}``). The
  same conditions are re-checked on each returned finding, so an endpoint that
  ignores the filter (moto does) cannot turn a fresh or closed finding into an
  overdue one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lambda_compliance.runtime.aws_reader import AwsReader

ACCOUNT_TYPE = "AWS::::Account"  # account-level rules report on the account, as Config does
LAMBDA_PROTECTION = "LAMBDA_NETWORK_LOGS"
ENABLED, DISABLED = "ENABLED", "DISABLED"
DETECTOR_GONE = ("BadRequestException",)  # GuardDuty's code for an unknown detector id


class InspectorStatusUnavailable(RuntimeError):
    """Inspector answered with a failed-account entry; the message carries only its error code."""


@dataclass(frozen=True)
class Detector:
    detector_id: str
    status: str
    lambda_protection: str  # ENABLED, DISABLED, or NOT_CONFIGURED when the feature is absent


@dataclass(frozen=True)
class InspectorStatus:
    account: str
    lambda_standard: str
    lambda_code: str


def guardduty_detectors(aws: AwsReader) -> list[Detector]:
    found = []
    for detector_id in aws.collect("guardduty", "list_detectors", "DetectorIds"):
        if not isinstance(detector_id, str):
            continue
        detector = aws.call("guardduty", "get_detector", missing=DETECTOR_GONE, DetectorId=detector_id)
        if detector is None:
            continue
        found.append(
            Detector(
                detector_id=detector_id,
                status=str(detector.get("Status") or DISABLED),
                lambda_protection=_feature_status(detector.get("Features"), LAMBDA_PROTECTION),
            )
        )
    return found


def _feature_status(features: Any, name: str) -> str:
    for feature in features if isinstance(features, list) else []:
        if isinstance(feature, dict) and feature.get("Name") == name:
            return str(feature.get("Status") or DISABLED)
    return "NOT_CONFIGURED"


def inspector_status(aws: AwsReader, account_id: str) -> InspectorStatus:
    response = aws.call("inspector2", "batch_get_account_status", accountIds=[account_id]) or {}
    for failed in response.get("failedAccounts") or []:
        if isinstance(failed, dict) and failed.get("accountId") == account_id:
            raise InspectorStatusUnavailable(f"Inspector status unavailable: {failed.get('errorCode')}")
    for account in response.get("accounts") or []:
        if isinstance(account, dict) and account.get("accountId") == account_id:
            state = account.get("resourceState") or {}
            return InspectorStatus(
                account=account_id,
                lambda_standard=_status(state.get("lambda")),
                lambda_code=_status(state.get("lambdaCode")),
            )
    return InspectorStatus(account_id, DISABLED, DISABLED)


@dataclass(frozen=True)
class OpenFinding:
    function: str  # the function ARN (resource id) or name Inspector reports
    title: str
    first_observed: datetime


LAMBDA_FINDING_RESOURCE = "AWS_LAMBDA_FUNCTION"


def overdue_critical_lambda_findings(aws: AwsReader, account_id: str, observed_before: datetime) -> list[OpenFinding]:
    """Active CRITICAL Inspector findings on this account's Lambda functions first seen before the cut-off."""

    def equals(value: str) -> list[dict[str, str]]:
        return [{"comparison": "EQUALS", "value": value}]

    criteria = {
        "awsAccountId": equals(account_id),
        "findingStatus": equals("ACTIVE"),
        "severity": equals("CRITICAL"),
        "resourceType": equals(LAMBDA_FINDING_RESOURCE),
        "firstObservedAt": [{"endInclusive": observed_before}],
    }
    found = []
    for finding in aws.collect("inspector2", "list_findings", "findings", filterCriteria=criteria):
        if not isinstance(finding, dict):
            continue
        first = finding.get("firstObservedAt")
        if finding.get("status") != "ACTIVE" or finding.get("severity") != "CRITICAL":
            continue
        if not isinstance(first, datetime) or first > observed_before:
            continue
        for resource in finding.get("resources") or []:
            if isinstance(resource, dict) and resource.get("type") == LAMBDA_FINDING_RESOURCE:
                name = str(resource.get("id") or "")
                found.append(OpenFinding(name, str(finding.get("title") or "untitled finding"), first))
    return sorted(found, key=lambda f: (f.first_observed, f.function, f.title))


def _status(state: Any) -> str:
    status = state.get("status") if isinstance(state, dict) else None
    return status if isinstance(status, str) else DISABLED
