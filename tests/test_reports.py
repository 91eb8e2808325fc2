"""Compliance reports: per-clause data, HTML (in a real headless browser), SARIF 2.1.0 and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import browser_support
import pytest

from lambda_compliance.catalog import frameworks
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


def test_clause_shows_evidence_status_population_and_failures_not_a_score(document):
    doc = compliance.enrich(document)
    assert [f["key"] for f in doc["frameworks"]] == list(frameworks.FRAMEWORKS)
    soc2 = next(f for f in doc["frameworks"] if f["key"] == "soc2")
    # SOC 2 CC7.2 monitoring: tracing 1 pass, 1 fail; its other five rules were not run.
    monitoring = _clause(doc, "soc2", "CC7.2")
    assert monitoring["status"] == "EXCEPTIONS" and monitoring["statusLabel"] == "exceptions"
    assert not monitoring["complete"] and monitoring["population"] == 2 and monitoring["failing"] == 1
    assert len(monitoring["gaps"]) == 5 and all("was not run in this scan" in g for g in monitoring["gaps"])
    assert {f["resourceId"] for f in monitoring["failingResources"]} == {"billing"}
    assert all(r["rationale"] for r in monitoring["rules"])
    assert monitoring["manualEvidence"][0].startswith("Confirmation that the scanned accounts")
    # Clauses of rules this scan did not run: not tested, never "compliant".
    untouched = [c for c in soc2["clauses"] if not any(r["evaluated"] for r in c["rules"])]
    assert untouched and all(c["status"] == "NOT_TESTED" and c["operationalMetric"] is None for c in untouched)
    # The percentage survives only as a labelled operational metric.
    assert "score" not in soc2
    metric = soc2["operationalMetric"]
    assert metric["percent"] == 50.0 and "not a compliance score" in metric["label"]
    assert sum(soc2["clauseStatus"].values()) == soc2["clausesMapped"] == len(soc2["clauses"])
    finding = next(f for f in soc2["failing"] if f["rule"] == "LAMBDA_TRACING_ENABLED")
    assert finding["remediation"]["document"] == "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing"
    assert "CC7.2" in finding["clauses"] and finding["severity"] == "low"
    assert [f["severity"] for f in soc2["failing"]] == ["critical", "low"]  # worst first
    gaps = {c["id"] for gap in soc2["notEvidenced"] for c in gap["clauses"]}
    assert {"CC1", "CC8"} <= gaps
    pci = next(f for f in doc["frameworks"] if f["key"] == "pci-dss-4")
    assert {"1.3.2", "10.7.2"} <= {c["id"] for c in pci["notCovered"]}
    assert "do not by themselves establish compliance" in soc2["disclaimer"]
    assert doc["scan"]["time"] == "2026-11-29T10:00:00+00:00" and doc["scan"]["accounts"] == ["123456789012"]


AVAILABILITY = ("APIGATEWAY_STAGE_THROTTLING_CONFIGURED", "LAMBDA_CONCURRENCY_LIMIT_SET", "LAMBDA_TIMEOUT_LIMIT")
EXEMPT_NOTE = "exempt: nightly batch, replaced in Q3"
EXEMPTION = {
    "rule": "LAMBDA_TIMEOUT_LIMIT",
    "resources": ["batch-*"],
    "reason": "nightly batch, replaced in Q3",
    "expires": "2027-06-30",
    "approver": "head of platform",
    "status": "active",
    "applied_to": ["batch-export"],
}
PASS = [("orders", "COMPLIANT", "")]
ALL_PASS = dict.fromkeys(AVAILABILITY, PASS)


def _availability(verdicts, errors=(), exemptions=()) -> dict[str, Any]:
    """SOC 2 A1.1 (three rules) with per-rule (resource, verdict, annotation) evaluations."""
    evaluations = [_evaluation(rule, r, verdict, note) for rule, rows in verdicts.items() for r, verdict, note in rows]
    doc = _document(evaluations, sorted(verdicts), list(errors))
    doc["exemptions"] = list(exemptions)
    return _clause(compliance.enrich(doc, "soc2"), "soc2", "A1.1")


THROTTLE_ERROR = {"rule": "LAMBDA_TIMEOUT_LIMIT", "message": "GetFunction failed: Throttling", "kind": "error"}


@pytest.mark.parametrize(
    ("verdicts", "errors", "exemptions", "status", "population"),
    [
        pytest.param(ALL_PASS, [], [], "NO_EXCEPTIONS", 3, id="every rule passes"),
        pytest.param(
            {**ALL_PASS, "LAMBDA_TIMEOUT_LIMIT": [*PASS, ("billing", "NON_COMPLIANT", "900 s")]},
            [],
            [],
            "EXCEPTIONS",
            4,
            id="partly failing population",
        ),
        pytest.param(
            {**ALL_PASS, "LAMBDA_TIMEOUT_LIMIT": [*PASS, ("batch-export", "NOT_APPLICABLE", EXEMPT_NOTE)]},
            [],
            [EXEMPTION],
            "EXCEPTIONS",
            3,
            id="an exempted resource is an exception",
        ),
        pytest.param({r: PASS for r in AVAILABILITY[:2]}, [], [], "PARTLY_TESTED", 2, id="a sibling rule skipped"),
        pytest.param(ALL_PASS, [THROTTLE_ERROR], [], "PARTLY_TESTED", 2, id="a sibling rule errored"),
        pytest.param(
            {**ALL_PASS, "APIGATEWAY_STAGE_THROTTLING_CONFIGURED": [("s", "NOT_APPLICABLE", "stage deleted")]},
            [],
            [],
            "PARTLY_TESTED",
            2,
            id="a sibling rule found nothing in scope",
        ),
        pytest.param({}, [], [], "NOT_TESTED", 0, id="no rule run"),
        pytest.param(
            {r: [("x", "NOT_APPLICABLE", "no function")] for r in AVAILABILITY},
            [],
            [],
            "NOT_TESTED",
            0,
            id="nothing in scope",
        ),
    ],
)
def test_clause_status_with_exempted_skipped_and_partly_failing_populations(
    verdicts, errors, exemptions, status, population
):
    clause = _availability(verdicts, errors, exemptions)
    assert clause["status"] == status, clause["gaps"]
    assert clause["population"] == population
    assert clause["complete"] is (not clause["gaps"])
    if status == "NO_EXCEPTIONS":
        assert clause["complete"] and not clause["failingResources"] and not clause["exemptedResources"]


def test_exempted_resource_carries_reason_approver_and_expiry_and_asks_for_the_approval():
    clause = _availability(
        {**ALL_PASS, "LAMBDA_TIMEOUT_LIMIT": [("batch-export", "NOT_APPLICABLE", EXEMPT_NOTE)]},
        exemptions=[EXEMPTION],
    )
    assert clause["exemptedResources"] == [
        {
            "rule": "LAMBDA_TIMEOUT_LIMIT",
            "resourceId": "batch-export",
            "accountId": "123456789012",
            "reason": "nightly batch, replaced in Q3",
            "approver": "head of platform",
            "expires": "2027-06-30",
        }
    ]
    assert any("compensating control" in m for m in clause["manualEvidence"])
    timeout = next(r for r in clause["rules"] if r["rule"] == "LAMBDA_TIMEOUT_LIMIT")
    assert timeout["counts"] and timeout["exempted"] == 1 and timeout["population"] == 0


def test_a_clause_whose_parameters_do_not_give_the_claim_is_not_evidenced_and_says_why():
    evaluations = [_evaluation("LAMBDA_LOG_RETENTION_CONFIGURED", "orders", "COMPLIANT", "retention 90 days")]
    weak = _document(evaluations, ["LAMBDA_LOG_RETENTION_CONFIGURED"])
    weak["configuration"] = {
        "file": "org.yaml",
        "parameters": {"LAMBDA_LOG_RETENTION_CONFIGURED": {"minRetentionDays": "90"}},
    }
    clause = _clause(compliance.enrich(weak, "pci-dss-4"), "pci-dss-4", "10.5.1")
    assert clause["status"] == "NOT_TESTED"
    assert clause["gaps"] == [
        "LAMBDA_LOG_RETENTION_CONFIGURED does not evidence this clause with its parameters: "
        "minRetentionDays is 90; the claim needs minRetentionDays >= 365"
    ]
    [rule] = clause["rules"]
    assert rule["parameters"]["minRetentionDays"] == "90" and rule["requires"] == ["minRetentionDays >= 365"]

    strong = _document(evaluations, ["LAMBDA_LOG_RETENTION_CONFIGURED"])  # the rule default: 365
    clause = _clause(compliance.enrich(strong, "pci-dss-4"), "pci-dss-4", "10.5.1")
    assert clause["status"] == "NO_EXCEPTIONS" and clause["rules"][0]["parameters"]["minRetentionDays"] == "365"


def test_clause_status_order_is_worst_first():
    def rule(counts, failing=0, exempted=0):
        return {"counts": counts, "failing": failing, "exempted": exempted}

    assert compliance.clause_status([]) == "NOT_TESTED"
    assert compliance.clause_status([rule(False), rule(False)]) == "NOT_TESTED"
    assert compliance.clause_status([rule(True, failing=1), rule(False)]) == "EXCEPTIONS"
    assert compliance.clause_status([rule(True, exempted=1)]) == "EXCEPTIONS"
    assert compliance.clause_status([rule(True), rule(False)]) == "PARTLY_TESTED"
    assert compliance.clause_status([rule(True), rule(True)]) == "NO_EXCEPTIONS"
    # A failing rule that does not count (its claim needs other parameters) is no exception of the clause.
    assert compliance.clause_status([rule(True), rule(False, failing=3)]) == "PARTLY_TESTED"


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
    assert 'data-clause="CC7.2" data-status="EXCEPTIONS"' in html
    assert "do not by themselves establish compliance" in html and "Operational metric" in html


def _chromium() -> str:
    found = browser_support.find()
    if not found:
        if browser_support.in_ci():  # CI must run the browser test: a missing browser fails, never skips
            pytest.fail("CI=true and no browser: " + browser_support.ENABLE_HINT)
        pytest.skip(browser_support.ENABLE_HINT)
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
    # Audit controls: no trail in the account, so an exception; a clause status, never a score.
    assert re.search(r'data-clause="164\.312\(b\)" data-status="EXCEPTIONS"', dom)
    assert 'data-clause="164.312(a)(1)"' in dom
    assert "billing" in dom and "Manual evidence still needed" in dom
    assert "do not by themselves establish compliance" in dom and "Technical clauses no rule covers" in dom
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
        "lambda-compliance-clauses.csv",
        "lambda-compliance.csv",
        "lambda-compliance.html",
        "lambda-compliance.json",
        "lambda-compliance.sarif",
    ]
    assert "evidence by framework (clauses)" in stdout and "HIPAA" in stdout
    assert "not a compliance score" in stdout and "Score" not in stdout
    assert max(len(line) for line in stdout.splitlines()) <= 80
    document = json.loads((out / "lambda-compliance.json").read_text())
    assert {f["key"] for f in document["frameworks"]} == set(frameworks.FRAMEWORKS)
    rows = list(csv.DictReader(io.StringIO((out / "lambda-compliance-clauses.csv").read_text())))
    monitoring = next(r for r in rows if (r["framework"], r["clause"]) == ("SOC2", "CC7.2"))
    assert monitoring["status"] == "exceptions" and monitoring["complete"] == "no"
    assert "LAMBDA_TRACING_ENABLED:billing" in monitoring["failing resources"]
    assert "was not run in this scan" in monitoring["not counted"]
    statuses = {r["status"] for r in rows}
    assert {"exceptions", "not tested", "not evidenced", "not covered"} <= statuses


def test_unknown_framework_is_one_line_exit_2(run_cli):
    status, _, _, err = run_cli("scan", "--demo", "--framework", "sox")
    assert status == 2
    assert err.strip().splitlines() == [
        "error: unknown framework 'sox' (choose from soc2, gdpr, hipaa, pci-dss-4, iso27001-2022, nist-800-53-r5)"
    ]
