"""CLI behaviour a user relies on: exit statuses, one-line errors, snapshot input, output files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from conftest import verdict_map

DATA = Path(__file__).parent / "data" / "ci"


def test_snapshot_scan_evaluates_what_it_can_and_skips_api_rules(run_cli):
    rules = "LAMBDA_TRACING_ENABLED,LAMBDA_CONCURRENCY_LIMIT_SET,LAMBDA_ENV_NO_PLAINTEXT_SECRETS"
    status, document, _, _ = run_cli("scan", "--snapshot", str(DATA / "snapshot_mixed.json"), "--rules", rules)
    assert status == 0
    assert verdict_map(document, "LAMBDA_TRACING_ENABLED") == {"orders-api": "COMPLIANT"}
    assert verdict_map(document, "LAMBDA_CONCURRENCY_LIMIT_SET") == {"orders-api": "COMPLIANT"}
    skipped = {(e["rule"], e["kind"]) for e in document["errors"]}
    assert ("LAMBDA_ENV_NO_PLAINTEXT_SECRETS", "skipped") in skipped
    assert document["scan"]["targets"][0]["accountId"] == "111122223333"


def test_history_dump_is_a_valid_snapshot(run_cli):
    status, document, _, _ = run_cli(
        "scan",
        "--snapshot",
        str(DATA / "lambda_function_history.json"),
        "--rules",
        "LAMBDA_TIMEOUT_LIMIT,LAMBDA_PUBLIC_ACCESS_PROHIBITED",
    )
    assert status == 0
    assert [e["annotation"] for e in document["evaluations"]] == [
        "none of 1 resource policy statements is public",
        "timeout is 29s (maximum 300s)",
    ]


def test_malformed_snapshot_items_are_skipped_not_fatal(run_cli, tmp_path):
    good = json.loads((DATA / "lambda_function_snapshot.json").read_text())
    broken = dict(good, resourceId="broken-fn", configuration="{not json")
    path = tmp_path / "snap.json"
    path.write_text(json.dumps({"configurationItems": [good, broken, "junk", 5, None]}))
    status, document, _, err = run_cli("scan", "--snapshot", str(path), "--rules", "LAMBDA_TIMEOUT_LIMIT")
    assert "Traceback" not in err
    assert verdict_map(document, "LAMBDA_TIMEOUT_LIMIT") == {"orders-api": "COMPLIANT", "broken-fn": "NON_COMPLIANT"}
    assert status == 1


def test_not_a_snapshot_is_one_line_exit_2(run_cli, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{oops")
    status, _, _, err = run_cli("scan", "--snapshot", str(path))
    assert status == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and "is not JSON" in err
    status, _, _, err = run_cli("scan", "--snapshot", str(tmp_path / "missing.json"))
    assert status == 2 and "cannot read" in err


def test_unknown_format_and_conflicting_sources(run_cli):
    status, _, _, err = run_cli("scan", "--demo", "--format", "pdf")
    assert status == 2 and "unknown format 'pdf'" in err
    status, _, _, err = run_cli("scan", "--demo", "--snapshot", "x.json")
    assert status == 2 and "choose one of" in err


def test_unreachable_endpoint_is_one_line(run_cli):
    status, _, _, err = run_cli("scan", "--endpoint-url", "http://127.0.0.1:9", "--rules", "LAMBDA_TIMEOUT_LIMIT")
    assert status == 2
    assert err.strip().startswith("error: cannot reach AWS endpoint")
    assert "Traceback" not in err


def test_no_credentials_is_one_line(run_cli):
    with mock.patch.dict(os.environ, {"AWS_EC2_METADATA_DISABLED": "true"}):
        for key in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        ):
            os.environ.pop(key, None)
        status, _, _, err = run_cli("scan", "--rules", "LAMBDA_TIMEOUT_LIMIT")
    assert status == 2
    assert err.strip() == "error: no AWS credentials found (set a profile with --profile or AWS_PROFILE)"


def test_unknown_profile(run_cli):
    status, _, _, err = run_cli("scan", "--profile", "nope")
    assert status == 2 and err.strip() == "error: AWS profile 'nope' not found"


def test_table_report_to_file(run_cli, tmp_path, moto):
    moto.role("r")
    moto.function("fn", role="r")
    out = tmp_path / "reports" / "scan.txt"
    status, _, _, err = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--rules",
        "LAMBDA_TRACING_ENABLED",
        "--format",
        "table",
        "--output",
        str(out),
    )
    assert status == 1
    text = out.read_text()
    assert "LAMBDA_TRACING_ENABLED" in text and "fn" in text and "\x1b[" not in text
    assert f"wrote table report to {out}" in err


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "lambda_compliance", "rules", "list"], capture_output=True, text=True, check=True
    )
    assert "LAMBDA_TRACING_ENABLED" in result.stdout
