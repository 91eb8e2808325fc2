"""Compliance reports: per-clause data, HTML (in a real headless browser), SARIF 2.1.0 and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lambda_compliance import frameworks
from lambda_compliance.report import compliance, csv_format, html_format, sarif_format

SCRIPT = "<script>alert(1)</script>"


def _evaluation(rule: str, resource: str, verdict: str, annotation: str = "") -> dict[str, str]:
    return {
        "rule": rule,
        "resourceType": "AWS::Lambda::Function",
        "resourceId": resource,
        "compliance": verdict,
        "annotation": annotation or verdict.lower(),
        "accountId": "123456789012",
        "region": "eu-west-1",
    }


def _document(evaluations: list[dict[str, str]], rules: list[str], errors: list[dict[str, Any]] | None = None):
    from lambda_compliance.report import summarise

    return {
        "evaluations": evaluations,
        "errors": errors or [],
        "summary": summarise(evaluations),
        "scan": {
            "targets": [
                {
                    "accountId": "123456789012",
                    "region": "eu-west-1",
                    "source": "aws",
                    "started": "2026-11-29T10:00:00+00:00",
                    "seconds": 1.0,
                    "resources": len(evaluations),
                    "requests": 3,
                }
            ],
            "rules": rules,
        },
    }


@pytest.fixture
def document() -> dict[str, Any]:
    return _document(
        [
            _evaluation("LAMBDA_TRACING_ENABLED", "orders", "COMPLIANT"),
            _evaluation("LAMBDA_TRACING_ENABLED", "billing", "NON_COMPLIANT", "tracing mode is PassThrough"),
            _evaluation("LAMBDA_PUBLIC_ACCESS_PROHIBITED", "orders", "COMPLIANT"),
            _evaluation("LAMBDA_PUBLIC_ACCESS_PROHIBITED", f"=cmd|{SCRIPT}", "NON_COMPLIANT", f"statement {SCRIPT}"),
            _evaluation("LAMBDA_TIMEOUT_LIMIT", "orders", "NOT_APPLICABLE"),
        ],
        ["LAMBDA_PUBLIC_ACCESS_PROHIBITED", "LAMBDA_TIMEOUT_LIMIT", "LAMBDA_TRACING_ENABLED"],
    )


def _clause(doc: dict[str, Any], key: str, clause_id: str) -> dict[str, Any]:
    fw = next(f for f in doc["frameworks"] if f["key"] == key)
    return next(c for c in fw["clauses"] if c["id"] == clause_id)


def test_clause_complies_only_when_every_evaluation_of_its_rules_complies(document):
    doc = compliance.enrich(document)
    assert [f["key"] for f in doc["frameworks"]] == list(frameworks.FRAMEWORKS)
    hipaa = next(f for f in doc["frameworks"] if f["key"] == "soc2")
    # SOC 2 CC7.2 monitoring: tracing evaluations 1 pass, 1 fail.
    audit = _clause(doc, "soc2", "CC7.2")
    assert audit["status"] == "NON_COMPLIANT" and audit["percent"] == 50.0
    assert {r["rule"] for r in audit["rules"]} >= {"LAMBDA_TRACING_ENABLED"}
    assert all(r["rationale"] for r in audit["rules"])
    assert {f["resourceId"] for f in audit["failingResources"]} == {"billing"}
    # Clauses of rules this scan did not run: no data, not "compliant".
    untouched = [c for c in hipaa["clauses"] if not any(r["evaluated"] for r in c["rules"])]
    assert untouched and all(c["status"] == "NO_DATA" and c["percent"] is None for c in untouched)
    # Score: passing evaluations of the framework's rules (2 of 4 here).
    assert hipaa["score"] == 50.0
    finding = next(f for f in hipaa["failing"] if f["rule"] == "LAMBDA_TRACING_ENABLED")
    assert finding["remediation"]["document"] == "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing"
    assert "CC7.2" in finding["clauses"] and finding["severity"] == "low"
    assert [f["severity"] for f in hipaa["failing"]] == ["critical", "low"]  # worst first
    gaps = {c["id"] for gap in hipaa["notEvidenced"] for c in gap["clauses"]}
    assert {"CC1", "CC8"} <= gaps
    assert doc["scan"]["time"] == "2026-11-29T10:00:00+00:00" and doc["scan"]["accounts"] == ["123456789012"]


def test_a_rule_error_leaves_its_clauses_with_insufficient_data(document):
    document["errors"] = [
        {"rule": "LAMBDA_TIMEOUT_LIMIT", "message": "GetFunction failed: Throttling", "kind": "error"}
    ]
    doc = compliance.enrich(document, "soc2")
    statuses = {
        c["status"]
        for c in doc["frameworks"][0]["clauses"]
        if any(r["rule"] == "LAMBDA_TIMEOUT_LIMIT" for r in c["rules"]) and not c["failing"]
    }
    assert statuses == {"INSUFFICIENT_DATA"}


def test_framework_filter_keeps_only_mapped_rules():
    from lambda_compliance import catalog

    rules = compliance.framework_rules(catalog.all_rules(), "gdpr")
    assert {r.rule_name() for r in rules} == set(frameworks.rules_for_framework("gdpr"))
    with pytest.raises(ValueError, match="unknown framework 'sox'"):
        compliance.framework_rules(catalog.all_rules(), "sox")


def test_sarif_is_2_1_0_with_rule_metadata_and_one_result_per_failure(document):
    sarif = json.loads(sarif_format.render(document))
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(document["scan"]["rules"])
    tracing = next(r for r in rules if r["id"] == "LAMBDA_TRACING_ENABLED")
    assert "SOC2:CC7.2" in tracing["properties"]["tags"]
    assert tracing["defaultConfiguration"]["level"] == "note"
    assert "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing" in tracing["help"]["text"]
    assert float(tracing["properties"]["security-severity"]) < 4.0
    public = next(r for r in rules if r["id"] == "LAMBDA_PUBLIC_ACCESS_PROHIBITED")
    assert public["defaultConfiguration"]["level"] == "error"
    results = run["results"]
    assert len(results) == 2
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
            "aws/123456789012/eu-west-1/AWS/Lambda/Function/"
        )
        assert len(result["partialFingerprints"]["lambdaComplianceFinding/v1"]) == 32
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["invocations"][0]["startTimeUtc"] == "2026-11-29T10:00:00Z"


def test_csv_has_one_row_per_evaluation_with_clause_columns_and_no_formulas(document):
    rows = list(csv.DictReader(io.StringIO(csv_format.render(document))))
    assert len(rows) == len(document["evaluations"])
    assert {"SOC2 clauses", "GDPR clauses", "HIPAA clauses", "PCI clauses", "ISO27001 clauses", "NIST clauses"} <= set(
        rows[0]
    )
    billing = next(r for r in rows if r["resourceId"] == "billing")
    assert "CC7.2" in billing["SOC2 clauses"].split()
    assert billing["remediation"] == "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing"
    assert billing["severity"] == "low"
    hostile = next(r for r in rows if "cmd" in r["resourceId"])
    assert hostile["resourceId"].startswith("'=")  # a spreadsheet shows it, never runs it


def test_html_is_self_contained_and_escapes_what_the_account_controls(document):
    html = html_format.render(document)
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # No CDN, font, image or script fetched from anywhere: one file that works offline.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert 'data-clause="164.312(b)"' in html


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("chromium not installed (make test installs it: make browser-deps)")
    return found


def _browser(html_file: Path, tmp_path: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ]
    return subprocess.run(
        [_chromium(), *flags, *mode, html_file.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )


def test_html_report_renders_in_a_headless_browser(moto, run_cli, tmp_path):
    """The real thing: scan a moto account for HIPAA, open the HTML in chromium, read the rendered DOM."""
    moto.role("app")
    moto.function("orders", role="app", runtime="python3.13", TracingConfig={"Mode": "Active"})
    moto.function("billing", role="app", runtime="python3.13")
    report = tmp_path / "report.html"
    status, _, _, err = run_cli(
        "scan", "--endpoint-url", moto.endpoint_url, "--framework", "hipaa", "--format", "html", "--output", str(report)
    )
    assert status == 1, err
    result = _browser(report, tmp_path, "--dump-dom")
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'data-ready="true"' in dom  # the page's script ran: the browser rendered it, not just read it
    assert "HIPAA Security Rule" in dom and "Lambda compliance report" in dom
    # The expected clauses, with the tracing one failing for "billing" and its remediation shown.
    assert re.search(r'data-clause="164\.312\(b\)" data-status="NON_COMPLIANT"', dom)
    assert 'data-clause="164.312(a)(1)"' in dom
    assert "billing" in dom and "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing" in dom
    assert 'data-framework="soc2"' not in dom  # --framework hipaa: only HIPAA
    assert "164.310" in dom  # the not_evidenced gaps are listed
    shot = tmp_path / "report.png"
    result = _browser(report, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    assert result.returncode == 0 and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_scan_reports_dir_writes_every_format_and_the_table_shows_frameworks(moto, run_cli, tmp_path):
    moto.role("app")
    moto.function("billing", role="app", runtime="python3.13")
    out = tmp_path / "reports"
    status, _, stdout, err = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--rules",
        "LAMBDA_TRACING_ENABLED,LAMBDA_TIMEOUT_LIMIT",
        "--reports",
        str(out),
        "--format",
        "table",
    )
    assert status == 1, err
    assert sorted(p.name for p in out.iterdir()) == [
        "lambda-compliance.csv",
        "lambda-compliance.html",
        "lambda-compliance.json",
        "lambda-compliance.sarif",
    ]
    assert "compliance by framework" in stdout and "HIPAA Security Rule" in stdout
    document = json.loads((out / "lambda-compliance.json").read_text())
    assert {f["key"] for f in document["frameworks"]} == set(frameworks.FRAMEWORKS)


def test_unknown_framework_is_one_line_exit_2(run_cli):
    status, _, _, err = run_cli("scan", "--demo", "--framework", "sox")
    assert status == 2
    assert err.strip().splitlines() == [
        "error: unknown framework 'sox' (choose from soc2, gdpr, hipaa, pci-dss-4, iso27001-2022, nist-800-53-r5)"
    ]
