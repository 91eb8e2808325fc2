"""The benchmark's own arithmetic (``make bench`` measures; these check how it counts and judges).

No timing here: the measurements live in ``make bench`` only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.stub import Stubber

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report, run, scale  # noqa: E402


def test_count_results_counts_top_level_rows_also_where_they_straddle_the_read_chunks(tmp_path: Path):
    """Rows of the top-level lists count; the same rows repeated deeper (framework sections) do not."""
    row = b'\n      "compliance": "NON_COMPLIANT"'
    nested = b'\n          "compliance": "NON_COMPLIANT"'
    body = bytearray()
    boundary = 1 << 20  # the read size: one row ends at, one straddles and one starts at the boundary
    for start in (boundary - len(row), boundary - 7, boundary, 2 * boundary - 3):
        body += b" " * (start - len(body)) + row
    body += nested + b'\n      "compliance": "COMPLIANT"' + b'\n      "kind": "skipped"'
    report_file = tmp_path / "scan.json"
    report_file.write_bytes(bytes(body))
    counts = scale.count_results(report_file)
    assert counts["NON_COMPLIANT"] == 4
    assert counts["COMPLIANT"] == 1
    assert counts["errors:skipped"] == 1
    assert counts["errors:error"] == 0


def test_count_results_agrees_with_the_report_it_reads(tmp_path: Path):
    """The real writer's layout: a document with evaluations, errors and a framework section repeating rows."""
    import json

    rows = [{"rule": "R", "compliance": c} for c in ("COMPLIANT", "NON_COMPLIANT", "NON_COMPLIANT")]
    document = {
        "evaluations": rows,
        "errors": [{"rule": "S", "kind": "skipped"}],
        "frameworks": [{"clauses": [{"failing": rows[1:]}]}],
    }
    report_file = tmp_path / "scan.json"
    report_file.write_text(json.dumps(document, indent=2))
    counts = scale.count_results(report_file)
    assert (counts["COMPLIANT"], counts["NON_COMPLIANT"], counts["errors:skipped"]) == (1, 2, 1)


def test_requests_counts_every_call_and_the_pages_aws_would_have_needed(monkeypatch: pytest.MonkeyPatch):
    """Stubber (no moto needed): ListFunctions answering 120 functions in one page, as moto does."""
    monkeypatch.setattr(BaseClient, "_make_api_call", BaseClient._make_api_call)  # restored after the test
    requests = scale.Requests(latency=0)
    requests.install()
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    functions = [{"FunctionName": f"f{i}"} for i in range(120)]
    with Stubber(client) as stub:
        stub.add_response("list_functions", {"Functions": functions})
        stub.add_response("list_functions", {"Functions": functions[:10], "NextMarker": "m"})
        client.list_functions()
        client.list_functions()
    assert requests.by_operation == {"lambda.ListFunctions": 2}
    # 120 functions are 3 pages of 50 on AWS: 2 extra; a page that says more follows is one page.
    assert requests.extra_pages == 2
    assert requests.total == 4
    assert requests.max_in_flight == 1


@pytest.mark.parametrize(("factor", "limit"), [(5, 5.2), (10, 10.5), (3, 3.15), (2, 2.1), (2.5, 2.625)], ids=str)
def test_linear_limit_is_the_issues_ratio_or_five_percent_over_linear(factor: float, limit: float):
    assert report._linear_limit(factor) == pytest.approx(limit)


def _periodic(functions: int, requests: int) -> dict[str, Any]:
    return {"functions": functions, "rules": {"R": {"requests": requests}}}


def test_periodic_requests_at_ten_thousand_are_measured_there_when_a_run_had_that_many():
    measured = run.periodic_at({5000: _periodic(5000, 5010), 10_000: _periodic(10_000, 10_010)})
    assert measured["R"]["requests_at_target"] == 10_010
    assert measured["R"]["extrapolated"] is False


def test_periodic_requests_are_extrapolated_from_the_two_largest_runs_otherwise():
    measured = run.periodic_at({200: _periodic(200, 210), 600: _periodic(600, 610)})
    assert measured["R"]["per_function"] == 1.0
    assert measured["R"]["requests_at_target"] == 10_010
    assert measured["R"]["extrapolated"] is True
    assert measured["R"]["within_15_minutes"] is False  # 1,001 s at 10 requests per second


def _scan(functions: int, seconds: float, cpu: float, moto: float, rss: float) -> dict[str, Any]:
    counts = {"COMPLIANT": functions, "NON_COMPLIANT": 0, "errors:skipped": 0, "errors:error": 0}
    return {
        "functions": functions,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "moto_cpu_seconds": moto,
        "max_rss_mb": rss,
        "requests": 3 * functions,
        "counts": counts,
        "max_in_flight": 20,
    }


def test_scale_targets_are_judged_against_the_issue_limits():
    results = {
        "scale": {
            1000: _scan(1000, 10.0, 5.0, 9.0, 100.0),
            5000: _scan(5000, 53.0, 31.0, 40.0, 290.0),  # 6.2 ms per function: over
            10_000: _scan(10_000, 104.0, 55.0, 80.0, 480.0),
        },
        "organization": {10: _scan(2500, 30.0, 15.0, 20.0, 300.0), 20: _scan(5000, 61.0, 30.0, 40.0, 440.0)},
    }
    targets: list[tuple[str, bool, str, str]] = []
    report._scale(results, targets)
    report._organization(results, targets)
    verdicts = {text: ok for text, ok, _, _ in targets}
    assert verdicts["peak RSS of the scan at 5,000 functions <= 300 MB"] is True
    # (290 - 100) MB over 4,000 functions is 48.6 KB each.
    assert verdicts["memory growth <= 40 KB per function (1,000 to 5,000)"] is False
    assert verdicts["scanner CPU <= 6 ms per function at 1,000"] is True
    assert verdicts["scanner CPU <= 6 ms per function at 5,000"] is False
    assert verdicts["time at 5,000 <= 5.2 x time at 1,000"] is False  # 5.3x
    assert verdicts["time at 10,000 <= 10.5 x time at 1,000"] is True
    assert verdicts["wall <= 1.25 x moto's CPU at 5,000"] is False  # 1.33x
    assert verdicts["organization peak RSS <= 1.5 x the single account's at 5,000"] is False  # 440 > 435
    assert verdicts["organization time linear: 20 accounts <= 2.1 x 10 accounts"] is True
    assert verdicts["organization concurrency bounded (<= 64 requests in flight)"] is True
