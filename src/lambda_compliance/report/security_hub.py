"""``scan --to-security-hub``: import the scan's ASFF findings into AWS Security Hub, updating earlier imports.

- ``BatchImportFindings`` takes at most 100 findings per call; a call can partly fail
  (``FailedFindings``) or be throttled, and both are retried with backoff
  (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html).
- A finding's ``Id`` is stable (``report.finding_id``), so a rescan updates the finding it
  imported before (keeping its ``CreatedAt``) instead of adding a new one.
- A finding that was failing and now passes, or whose resource this scan no longer
  evaluates (deleted, or the rule does not apply any more), is re-imported ARCHIVED; its
  workflow is then set RESOLVED with ``BatchUpdateFindings``, because after creation
  ``BatchImportFindings`` cannot change ``Workflow``
  (https://docs.aws.amazon.com/securityhub/latest/userguide/findings-workflow-status.html).
- Only findings of the rules, accounts and regions this scan covered are touched.

A finding can only be imported from its own account with the default product ARN, so
findings of other accounts (a multi-account scan) are counted as skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lambda_compliance.report import asff_format

BATCH = 100  # BatchImportFindings and BatchUpdateFindings take at most 100 findings per call
ATTEMPTS = 5
THROTTLING = frozenset({"ThrottlingException", "TooManyRequestsException", "LimitExceededException"})


class ImportFailed(Exception):
    """Findings Security Hub refused after every retry: one line naming how many and why."""


@dataclass
class Imported:
    region: str
    imported: int = 0
    failed_status: int = 0
    passed: int = 0
    archived: int = 0
    resolved: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"security hub {self.region}: imported {self.imported} findings ({self.failed_status} failed, "
            f"{self.passed} passed), archived {self.archived} no longer evaluated, marked {self.resolved} resolved"
            + (f", skipped {self.skipped} of other accounts" if self.skipped else "")
        )


def _batches(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _with_retries(call: Callable[[], Any], sleep: Callable[[float], None]) -> Any:
    from botocore.exceptions import ClientError

    for attempt in range(ATTEMPTS):
        try:
            return call()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in THROTTLING or attempt == ATTEMPTS - 1:
                raise
            sleep(min(2**attempt, 20))
    raise AssertionError("unreachable")


def import_batches(
    client: Any, findings: list[dict[str, Any]], sleep: Callable[[float], None] = time.sleep
) -> list[str]:
    """Import ``findings`` 100 at a time, retrying throttling and the findings a call reports as failed.
    Returns one message per finding still refused after the last attempt."""
    refused: list[str] = []
    for batch in _batches(findings):
        pending = batch
        for attempt in range(ATTEMPTS):
            response = _with_retries(lambda p=pending: client.batch_import_findings(Findings=p), sleep)
            failed = {f["Id"]: f for f in response.get("FailedFindings", [])}
            pending = [f for f in pending if f["Id"] in failed]
            if not pending:
                break
            if attempt == ATTEMPTS - 1:
                refused += [
                    f"{i}: {f.get('ErrorCode', '')} {f.get('ErrorMessage', '')}".strip() for i, f in failed.items()
                ]
            else:
                sleep(min(2**attempt, 20))
    return refused


def _refusal(finding_id: str, failure: dict[str, Any]) -> str:
    return f"{finding_id}: {failure.get('ErrorCode', '')} {failure.get('ErrorMessage', '')}".strip()


def existing_findings(client: Any, account: str, region: str, rules: Iterable[str]) -> dict[str, dict[str, Any]]:
    """This tool's ACTIVE findings for ``rules`` in ``account``/``region``, by Id. The filters go to Security Hub;
    the same conditions are checked again here, so a finding another tool imported is never touched."""
    prefix = f"{asff_format.GENERATOR_PREFIX}{account}/{region}/"
    rules = set(rules)
    filters = {
        "ProductArn": [{"Value": asff_format.product_arn(account, region), "Comparison": "EQUALS"}],
        "GeneratorId": [{"Value": asff_format.GENERATOR_PREFIX, "Comparison": "PREFIX"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
        "AwsAccountId": [{"Value": account, "Comparison": "EQUALS"}],
    }
    found: dict[str, dict[str, Any]] = {}
    for page in client.get_paginator("get_findings").paginate(Filters=filters, PaginationConfig={"PageSize": 100}):
        for finding in page.get("Findings", []):
            rule = finding.get("GeneratorId", "")[len(asff_format.GENERATOR_PREFIX) :]
            if finding["Id"].startswith(prefix) and finding.get("RecordState") == "ACTIVE" and rule in rules:
                found[finding["Id"]] = finding
    return found


def resolve(client: Any, findings: list[dict[str, Any]], sleep: Callable[[float], None] = time.sleep) -> list[str]:
    """Set the workflow of ``findings`` (dicts with Id and ProductArn) to RESOLVED; returns refusals."""
    refused: list[str] = []
    for batch in _batches(findings):
        identifiers = [{"Id": f["Id"], "ProductArn": f["ProductArn"]} for f in batch]
        response = _with_retries(
            lambda ids=identifiers: client.batch_update_findings(
                FindingIdentifiers=ids,
                Workflow={"Status": "RESOLVED"},
                Note={
                    "Text": "fixed or no longer evaluated (lambda-compliance rescan)",
                    "UpdatedBy": "lambda-compliance",
                },
            ),
            sleep,
        )
        refused += [_refusal(u["FindingIdentifier"]["Id"], u) for u in response.get("UnprocessedFindings", [])]
    return refused


def publish(
    document: dict[str, Any],
    client_for: Callable[[str], Any],
    caller_account: str,
    *,
    workflow_client_for: Callable[[str], Any] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Imported]:
    """Import the document's findings, region by region; raises ImportFailed when Security Hub refuses any."""
    from datetime import UTC, datetime

    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    current = asff_format.findings(document)
    rules = document["scan"]["rules"]
    by_region: dict[str, list[dict[str, Any]]] = {}
    skipped: dict[str, int] = {}
    for finding in current:
        if finding["AwsAccountId"] != caller_account:
            skipped[finding["Region"]] = skipped.get(finding["Region"], 0) + 1
            continue
        by_region.setdefault(finding["Region"], []).append(finding)
    regions = sorted({t["region"] for t in document["scan"]["targets"] if t.get("accountId") == caller_account})
    results, refused = [], []
    for region in sorted(set(regions) | set(by_region) | set(skipped)):
        client = client_for(region)
        result = Imported(region, skipped=skipped.get(region, 0))
        findings = by_region.get(region, [])
        before = existing_findings(client, caller_account, region, rules)
        ids = {f["Id"] for f in findings}
        to_resolve = []
        for finding in findings:
            earlier = before.get(finding["Id"])
            if earlier:
                finding["CreatedAt"] = earlier.get("CreatedAt", finding["CreatedAt"])
                if finding["Compliance"]["Status"] == "PASSED":
                    to_resolve.append(finding)
        stale = []
        for finding_id, earlier in before.items():
            if finding_id not in ids:
                gone = {k: v for k, v in earlier.items() if k in _IMPORTABLE}
                stale.append({**gone, "RecordState": "ARCHIVED", "UpdatedAt": now})
        refused += import_batches(client, findings + stale, sleep)
        workflow = (workflow_client_for or client_for)(region)
        refused += resolve(workflow, to_resolve + stale, sleep)
        result.imported = len(findings)
        result.failed_status = sum(1 for f in findings if f["Compliance"]["Status"] == "FAILED")
        result.passed = len(findings) - result.failed_status
        result.archived = len(stale)
        result.resolved = len(to_resolve) + len(stale)
        results.append(result)
    if refused:
        raise ImportFailed(f"Security Hub refused {len(refused)} findings, first: {refused[0]}")
    return results


# What a finding read back from GetFindings may carry into a re-import (the fields BatchImportFindings takes
# from a finding provider; Workflow, Note and the other customer fields are left to Security Hub).
_IMPORTABLE = frozenset(
    {
        "SchemaVersion",
        "Id",
        "ProductArn",
        "GeneratorId",
        "AwsAccountId",
        "Region",
        "Types",
        "CreatedAt",
        "UpdatedAt",
        "Severity",
        "Title",
        "Description",
        "Compliance",
        "Resources",
        "ProductFields",
        "Remediation",
        "RecordState",
    }
)


def import_document(document: dict[str, Any], session: Any, endpoint: str | None) -> list[str]:
    """``--to-security-hub``: import into Security Hub of the credentials' account; one line per region."""
    from botocore.config import Config

    from lambda_compliance.scanner.clients import call_aws

    config = Config(retries={"mode": "standard", "total_max_attempts": 5})

    def client(region: str) -> Any:
        return session.client("securityhub", region_name=region, endpoint_url=endpoint, config=config)

    region = session.region_name or "us-east-1"
    account = call_aws(
        lambda: session.client("sts", region_name=region, endpoint_url=endpoint).get_caller_identity()["Account"]
    )
    return [result.line() for result in call_aws(lambda: publish(document, client, account))]
