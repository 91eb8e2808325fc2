"""End to end against moto: create functions, scan them with the CLI, check each verdict."""

from conftest import verdict_map


def test_scan_reports_tracing_per_function(moto, run_cli):
    moto.role("app-role")
    moto.function("traced", role="app-role", TracingConfig={"Mode": "Active"})
    moto.function("untraced", role="app-role")
    status, document, _, _ = run_cli("scan", "--endpoint-url", moto.endpoint_url, "--rules", "LAMBDA_TRACING_ENABLED")
    assert verdict_map(document, "LAMBDA_TRACING_ENABLED") == {
        "traced": "COMPLIANT",
        "untraced": "NON_COMPLIANT",
    }
    assert status == 1
    assert document["summary"]["NON_COMPLIANT"] == 1
    assert all(e["accountId"] == "123456789012" and e["region"] == "us-east-1" for e in document["evaluations"])
