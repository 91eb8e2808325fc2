"""The terminal view (``--format table``): fits any width, reads top-down, caps long lists, names every failing rule."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console

from lambda_compliance.report import summarise, table_format
from lambda_compliance.report.table_format import short_name

ACCOUNT = "123456789012"
RULES = {  # a spread of severities (critical .. low), as the catalog declares them
    "LAMBDA_ENV_NO_PLAINTEXT_SECRETS": 3,
    "LAMBDA_RUNTIME_SUPPORTED": 2,
    "LAMBDA_LOG_RETENTION_CONFIGURED": 40,
    "LAMBDA_TRACING_ENABLED": 25,
    "LAMBDA_TIMEOUT_LIMIT": 1,
}
# Long words on purpose: a hyphenated resource list, a path, a clause-like token; none may be cut mid-word.
ANNOTATION = (
    "execution role payments-basic is shared with 23 other functions: checkout-api, currency-rates, "
    "customer-profile-api, dispute-handler, fraud-scoring (see /aws/lambda/payments-service-{n}) and 15 more"
)


def _document(rules: dict[str, int] = RULES, targets: int = 1) -> dict[str, Any]:
    evaluations = []
    for rule, failing in rules.items():
        for n in range(failing):
            evaluations.append(
                {
                    "rule": rule,
                    "resourceType": "AWS::Lambda::Function",
                    "resourceId": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:payments-service-{n:02d}",
                    "compliance": "NON_COMPLIANT",
                    "annotation": ANNOTATION.format(n=n),
                    "accountId": f"{ACCOUNT[:-1]}{n % targets}",
                    "region": "eu-west-1",
                }
            )
        evaluations.append(
            {
                "rule": rule,
                "resourceType": "AWS::Lambda::Function",
                "resourceId": "compliant-fn",
                "compliance": "COMPLIANT",
                "annotation": "",
                "accountId": ACCOUNT,
                "region": "eu-west-1",
            }
        )
    return {
        "evaluations": evaluations,
        "errors": [],
        "summary": summarise(evaluations),
        "scan": {
            "targets": [
                {
                    "accountId": f"{ACCOUNT[:-1]}{t}",
                    "region": "eu-west-1",
                    "source": "aws",
                    "started": "2026-12-07T10:00:00+00:00",
                    "seconds": 1.5,
                    "resources": 40,
                    "requests": 90,
                }
                for t in range(targets)
            ],
            "rules": sorted(rules),
        },
        "configuration": {"file": None, "parameters": {}, "disabled": []},
        "exemptions": [],
    }


def _render(document: dict[str, Any], width: int, **view: Any) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, force_terminal=False, legacy_windows=False)
    table_format.render(document, console, **view)
    return out.getvalue().splitlines()


def _annotation_words_whole(lines: list[str], document: dict[str, Any]) -> int:
    """Under each ``✗ name`` line, the indented lines below rejoin to exactly that resource's annotation:
    wrapping broke no word. Returns how many entries were checked."""
    by_name = {
        (e["rule"], short_name(e["resourceType"], e["resourceId"])): e["annotation"]
        for e in document["evaluations"]
        if e["compliance"] == "NON_COMPLIANT"
    }
    rule, checked = "", 0
    for i, line in enumerate(lines):
        header = re.match(r"^(?:CRITICAL|HIGH|MEDIUM|LOW) ([A-Z_]+)  ", line)
        if header:
            rule = header.group(1)
        if not line.startswith("  ✗ "):
            continue
        below = []
        for following in lines[i + 1 :]:
            if not following.startswith("    "):
                break
            below.append(following.strip())
        assert " ".join(below) == by_name[(rule, line[4:].split()[0])]
        checked += 1
    return checked


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize("targets", [1, 3])
def test_fits_the_width_and_breaks_no_annotation_mid_word(width, targets):
    document = _document(targets=targets)
    for view in ({}, {"details": True}):
        lines = _render(document, width, reports="reports", **view)
        too_wide = [line for line in lines if cell_len(line) > width]
        assert too_wide == []
        checked = _annotation_words_whole(lines, document)
        assert checked == (71 if view else sum(line.startswith("  ✗ ") for line in lines)) and checked > 3


@pytest.mark.parametrize("width", [80, 160])
def test_reads_top_down_and_names_every_failing_rule(width):
    lines = _render(_document(), width, reports="reports")
    text = "\n".join(lines)
    assert lines[0].startswith("71 non-compliant · 5 compliant")
    assert "config: defaults" in " ".join(text.split("\n\n")[0].split())  # the summary: no configuration file read
    order = [
        text.index("evidence by framework"),
        text.index("failing rules, worst first (5)"),
        text.index("full reports: reports/lambda-compliance.html"),
    ]
    assert order == sorted(order)
    assert lines[-1].startswith("full reports:")
    headers = [line for line in lines if re.match(r"^(CRITICAL|HIGH|MEDIUM|LOW) [A-Z_]+  \d+ failing", line)]
    # Worst severity first; every failing rule named with its count.
    assert [h.split()[0] for h in headers] == ["CRITICAL", "HIGH", "MEDIUM", "LOW", "LOW"]
    assert {h.split()[1]: int(h.split()[2]) for h in headers} == RULES
    # Short names, never the ARN.
    assert "payments-service-00" in text and "arn:aws:lambda" not in text


def test_long_lists_are_capped_with_a_pointer_and_details_shows_all():
    document = _document()
    capped = "\n".join(_render(document, 80, reports="out"))
    shown = capped.count("✗ ")
    assert 0 < shown < 71
    more = [int(n) for n in re.findall(r"and (\d+) more \(see out/lambda-compliance.csv\)", capped)]
    assert more and all(n > 0 for n in more)
    assert len(capped.splitlines()) <= table_format.LINE_BUDGET + 2
    everything = "\n".join(_render(document, 80, reports="out", details=True))
    assert everything.count("✗ ") == 71
    assert "more (see" not in everything
    assert all(f"payments-service-{n:02d}" in everything for n in range(40))
    # Without --reports the pointer is --details.
    assert "--details lists them" in "\n".join(_render(document, 80))


def test_quiet_prints_only_the_summary_line():
    document = _document()
    document["configuration"]["file"] = "team/lambda-compliance.yaml"
    quiet = _render(document, 160, quiet=True)
    assert quiet == [_render(document, 160)[0]]
    assert len(quiet) == 1 and "config team/lambda-compliance.yaml" in quiet[0]


def test_a_clean_scan_has_no_failing_section():
    document = _document({"LAMBDA_TIMEOUT_LIMIT": 0})
    text = "\n".join(_render(document, 80))
    assert text.startswith("0 non-compliant · 1 compliant")
    assert "failing rules" not in text


@pytest.mark.parametrize(
    ("resource_type", "resource_id", "expected"),
    [
        ("AWS::Lambda::Function", "payments-api", "payments-api"),
        ("AWS::Lambda::Function", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:payments-api", "payments-api"),
        ("AWS::Lambda::Function", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:payments-api:prod", "payments-api"),
        ("AWS::ApiGateway::Stage", "arn:aws:apigateway:us-east-1::/restapis/3rthjoo2nb/stages/prod", "3rthjoo2nb/prod"),
        ("AWS::ApiGatewayV2::Stage", "arn:aws:apigateway:us-east-1::/apis/bpjs/stages/$default", "bpjs/$default"),
        ("AWS::DynamoDB::Table", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/checkout-sessions", "checkout-sessions"),
        ("AWS::DynamoDB::Table", "checkout-sessions", "checkout-sessions"),
        ("AWS::KMS::Key", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/286e85d3-1f1e-4b60", "286e85d3-1f1e-4b60"),
        ("AWS::KMS::Key", "286e85d3-1f1e-4b60-8ae5-e38dd9003122", "286e85d3-1f1e-4b60-8ae5-e38dd9003122"),
        ("AWS::KMS::Key", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/payments", "alias/payments"),
        (
            "AWS::SecretsManager::Secret",
            f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:payments/stripe-webhook-signing-ghfuzB",
            "payments/stripe-webhook-signing",
        ),
        # Hard negative: a dash-separated last word that is not Secrets Manager's six-character suffix stays.
        (
            "AWS::SecretsManager::Secret",
            f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:payments/db-prod-password-AbC123",
            "payments/db-prod-password",
        ),
        ("AWS::SSM::Parameter", f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/payments/db/pw", "/payments/db/pw"),
        ("AWS::SSM::Parameter", "/payments/db/password", "/payments/db/password"),
        ("AWS::IAM::Role", f"arn:aws:iam::{ACCOUNT}:role/service-role/payments-basic", "service-role/payments-basic"),
        ("AWS::::Account", ACCOUNT, ACCOUNT),
        ("AWS::EC2::VPC", "vpc-e0235c1b85f933c7f", "vpc-e0235c1b85f933c7f"),
        ("AWS::SNS::Topic", f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts", "alerts"),
        ("AWS::ApiGateway::DomainName", "legacy.payments.example.com", "legacy.payments.example.com"),
    ],
)
def test_short_names(resource_type, resource_id, expected):
    assert short_name(resource_type, resource_id) == expected


def test_demo_terminal_output_fits_80_columns_and_the_target(run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    status, document, _, _ = run_cli("scan", "--demo", "--no-progress")  # the JSON document, for the rule names
    failing_rules = {e["rule"] for e in document["evaluations"] if e["compliance"] == "NON_COMPLIANT"}
    status, _, out, _ = run_cli(
        "scan", "--demo", "--no-progress", "--format", "table", "--reports", str(tmp_path / "reports")
    )
    assert status == 1
    lines = out.splitlines()
    assert len(lines) <= 120
    assert max(cell_len(line) for line in lines) <= 80
    for rule in failing_rules:
        assert re.search(rf"^(CRITICAL|HIGH|MEDIUM|LOW) {rule}  \d+ failing", out, re.M), rule
    assert "evidence by framework" in out
    assert "remediation: " in out and "scan --demo --remediate" in out
    assert "lambda-compliance.yaml" in "\n".join(lines[:2])  # the demo's configuration, named in the summary
    html = (tmp_path / "reports" / "lambda-compliance.html").read_text()
    assert re.search(r'id="meta-config">[^<]*demo/lambda-compliance.yaml<', html)  # the HTML names it too
    last = "".join(lines[-3:]).split("full reports: ")[-1]  # a long path wraps; the pointer is the last thing
    assert last.startswith(f"{tmp_path / 'reports'}/lambda-compliance.html")


def test_a_document_without_a_scan_configuration_claims_none():
    """``lambda-compliance report`` reads deployed rules: their parameters are Config's, not a local file's."""
    document = _document()
    del document["configuration"]
    assert "config" not in _render(document, 160, quiet=True)[0]
