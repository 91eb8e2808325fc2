"""One scan request in, one result model out (issue 16 §1): the scanner runs without the CLI, and every
report is rendered from the ``ScanResult`` the CLI gets back."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_compliance import report, scanner
from lambda_compliance.config_file import Settings
from lambda_compliance.scanner.request import RuleSelection, ScanInputError, ScanRequest, SnapshotSource

SNAPSHOTS = Path(__file__).parent / "data" / "snapshots"


def request(snapshot: str = "data_account.json", **selection: str | None) -> ScanRequest:
    return ScanRequest(
        source=SnapshotSource(str(SNAPSHOTS / snapshot)), settings=Settings(), rules=RuleSelection(**selection)
    )


def test_a_snapshot_request_runs_without_the_cli_and_the_cli_renders_the_same_document(run_cli) -> None:
    result = scanner.run(request(families="data"))
    order = [(r.rule, r.accountId, r.region, r.resourceType, r.resourceId) for r in result.evaluations]
    assert order == sorted(order) and order
    assert result.rules == sorted(result.rules) and all(
        r.startswith(("DYNAMODB", "KMS", "SECRETSMANAGER", "SSM")) for r in result.rules
    )
    assert result.aws_managed_policies and result.configuration == {"file": None, "parameters": {}, "disabled": []}
    document = report.document(result)
    status, cli_document, _, _ = run_cli("scan", "--snapshot", str(SNAPSHOTS / "data_account.json"), "--family", "data")
    for doc in (document, cli_document):
        for target in doc["scan"]["targets"]:
            target.pop("started"), target.pop("seconds")
        doc["scan"].pop("time")
    assert document == cli_document
    assert status == (1 if document["summary"]["NON_COMPLIANT"] else 0)


def test_a_framework_filter_narrows_the_rules_the_scanner_runs() -> None:
    result = scanner.run(request(framework="gdpr"))
    document = report.document(result)
    assert document["scan"]["framework"] == "gdpr"
    assert [fw["key"] for fw in document["frameworks"]] == ["gdpr"]
    assert set(result.rules) < set(scanner.run(request()).rules)


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (request(names="NO_SUCH_RULE"), "NO_SUCH_RULE"),
        (request(framework="sox"), "unknown framework 'sox'"),
        (request("missing.json"), "cannot read"),
    ],
)
def test_what_the_user_can_fix_is_one_scan_input_error(req: ScanRequest, message: str) -> None:
    with pytest.raises(ScanInputError, match=message):
        scanner.run(req)
