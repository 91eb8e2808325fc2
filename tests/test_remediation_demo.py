"""``scan --demo --remediate``: the safe remediations run through the runner and the rescan shows fewer failures."""

from __future__ import annotations

import io

from conftest import verdict_map
from rich.console import Console

from lambda_compliance import report
from lambda_compliance.remediation import demo, wiring

ACCESS_CHANGING = (
    "LAMBDA_PUBLIC_ACCESS_PROHIBITED",
    "LAMBDA_URL_AUTH_REQUIRED",
    "LAMBDA_SERVICE_PRINCIPAL_SOURCE_RESTRICTED",
    "APIGATEWAY_STAGE_WAF_ATTACHED",
)


def failing(document, rule):
    return sorted(r for r, c in verdict_map(document, rule).items() if c == "NON_COMPLIANT")


def test_scan_demo_remediate(run_cli):
    # The rules that have a remediation (the others only slow the two scans down).
    rules = ",".join(wiring.remediable_rules())
    status, document, _, err = run_cli("scan", "--demo", "--remediate", "--no-progress", "--rules", rules)
    assert status in (0, 1), err
    before = document["before_remediation"]
    assert before["evaluations"] and set(before) == {"evaluations", "errors", "summary"}
    assert document["summary"]["NON_COMPLIANT"] < before["summary"]["NON_COMPLIANT"]

    runs = document["remediation"]["runs"]
    assert document["remediation"]["summary"]["CHANGED"] > 0
    assert {r["rule"] for r in runs} <= {e["rule"] for e in before["evaluations"] if e["compliance"] == "NON_COMPLIANT"}
    # Settings were fixed: every function without reserved concurrency got it, and the rescan agrees.
    assert failing(before, "LAMBDA_CONCURRENCY_LIMIT_SET")
    assert failing(document, "LAMBDA_CONCURRENCY_LIMIT_SET") == []
    # Access-changing documents and AWS-owned runbooks waited, and say why.
    for run in runs:
        if run["rule"] in ACCESS_CHANGING:
            assert (run["status"], run["message"]) == ("SKIPPED", "changes access: waits for an operator's approval")
        if run["document"].startswith("AWSConfigRemediation-"):
            assert run["status"] == "SKIPPED" and "AWS-owned runbook" in run["message"]
    for rule in ACCESS_CHANGING:
        assert failing(document, rule) == failing(before, rule)
    # A failure says what happened in one line (moto lacks a few APIs; the API Gateway account lacks a role).
    assert all(r["message"] and "\n" not in r["message"] for r in runs if r["status"] == "FAILED")
    assert "Traceback" not in err

    # The terminal view: the usual table, then before/after per rule.
    out = io.StringIO()
    demo.with_before_after(report.renderers()["table"])(document, Console(file=out, width=200, no_color=True))
    text = out.getvalue()
    assert "remediation (demo): NON_COMPLIANT before and after" in text
    row = next(line for line in text.splitlines() if "LAMBDA_CONCURRENCY_LIMIT_SET" in line and "changed" in line)
    assert f"│ {len(failing(before, 'LAMBDA_CONCURRENCY_LIMIT_SET'))} " in row.replace("  ", " ")
    assert (
        f"NON_COMPLIANT {before['summary']['NON_COMPLIANT']} before remediation, "
        f"{document['summary']['NON_COMPLIANT']} after" in text
    )


def test_remediate_is_for_the_demo_estate_only(run_cli, tmp_path):
    status, _, _, err = run_cli("scan", "--remediate", "--snapshot", str(tmp_path / "snapshot.json"))
    assert status == 2
    assert err.strip() == "error: --remediate changes the demo estate only: use it with --demo"
