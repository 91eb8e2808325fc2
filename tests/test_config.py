"""The configuration file: validation with file positions, overrides, exemptions in both paths, config init."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from unittest import mock

import pytest
import yaml
from conftest import verdict_map

from lambda_compliance import catalog, config_file
from lambda_compliance.cli.commands.config import render_template
from lambda_compliance.runtime import exemptions
from lambda_compliance.testing import evaluate, lambda_ci, verdicts

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lambda-compliance.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  NOPE_RULE:\n    enabled: false\n", ":2: rules.NOPE_RULE: unknown rule"),
        (
            "rules:\n  LAMBDA_TIMEOUT_LIMIT:\n    parameters:\n      maxTimout: 60\n",
            ":4: rules.LAMBDA_TIMEOUT_LIMIT.parameters.maxTimout: unknown parameter (accepted: maxTimeout)",
        ),
        (
            "rules:\n  LAMBDA_TIMEOUT_LIMIT:\n    parameters:\n      maxTimeout: 9000\n",
            ":4: rules.LAMBDA_TIMEOUT_LIMIT.parameters.maxTimeout: Parameter 'maxTimeout' must be at most 900",
        ),
        (
            "rules:\n  LAMBDA_TIMEOUT_LIMIT:\n    enabled: sometimes\n",
            ':3: rules.LAMBDA_TIMEOUT_LIMIT.enabled: wrong type: "sometimes"',
        ),
        ("rules: [1, 2]\n", ":1: rules: wrong type"),
        ("rulez: {}\n", ": (top level): unknown key 'rulez'"),
        ("rules:\n  LAMBDA_TIMEOUT_LIMIT: {enabled: true\n", ":3: expected ',' or '}'"),
        ("exemptions:\n  - rule: LAMBDA_TIMEOUT_LIMIT\n    resources: [x]\n", ":2: exemptions.0: 'reason' is required"),
        (
            "exemptions:\n  - rule: LAMBDA_TIMEOUT_LIMIT\n    resources: [tag:owner=me]\n    reason: because\n",
            ":3: exemptions.0.resources: tag exemptions are off",
        ),
        ("exemptions:\n  - {rule: X_RULE, resources: [a], reason: why not}\n", ":2: exemptions.0.rule: unknown rule"),
        ("regions: [moon-1]\n", ":1: regions: wrong type"),
        (
            "exemptions:\n  - {rule: LAMBDA_TIMEOUT_LIMIT, resources: [a], reason: why not, approver: x}\n",
            ":2: exemptions.0.approver: invalid value",
        ),
        (
            "exemptions:\n  - {rule: LAMBDA_TIMEOUT_LIMIT, resources: [a], reason: why not, approver: 42}\n",
            ":2: exemptions.0.approver: wrong type",
        ),
    ],
)
def test_errors_are_one_line_with_position(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(config_file.ConfigError) as caught:
        config_file.load(path)
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(str(path))
    assert message in line


def test_cli_reports_config_errors_in_one_line_exit_2(tmp_path, run_cli):
    path = write(tmp_path, "rules:\n  LAMBDA_TIMEOUT_LIMIT:\n    parameters:\n      maxTimeout: ten\n")
    status, _, _, err = run_cli("scan", "--demo", "--config", str(path))
    assert status == 2
    assert (
        err == f"error: {path}:4: rules.LAMBDA_TIMEOUT_LIMIT.parameters.maxTimeout: "
        "Parameter 'maxTimeout' must be an integer\n"
    )


def test_rule_parameters_override_inline_and_from_file(tmp_path, run_cli, moto):
    moto.role("r")
    moto.function("medium", role="r", Timeout=200)
    args = ("scan", "--endpoint-url", moto.endpoint_url, "--rules", "LAMBDA_TIMEOUT_LIMIT")
    _, document, _, _ = run_cli(*args)
    assert verdict_map(document, "LAMBDA_TIMEOUT_LIMIT") == {"medium": "COMPLIANT"}
    _, document, _, _ = run_cli(*args, "--rule-parameters", '{"LAMBDA_TIMEOUT_LIMIT": {"maxTimeout": "100"}}')
    assert verdict_map(document, "LAMBDA_TIMEOUT_LIMIT") == {"medium": "NON_COMPLIANT"}
    overrides = tmp_path / "params.json"
    overrides.write_text(json.dumps({"LAMBDA_TIMEOUT_LIMIT": {"maxTimeout": "250"}}))
    _, document, _, _ = run_cli(*args, "--rule-parameters", f"@{overrides}")
    assert verdict_map(document, "LAMBDA_TIMEOUT_LIMIT") == {"medium": "COMPLIANT"}
    status, _, _, err = run_cli(*args, "--rule-parameters", '{"LAMBDA_TIMEOUT_LIMIT": {"maxTimeout": "-5"}}')
    assert status == 2
    assert err.strip() == (
        "error: --rule-parameters: rules.LAMBDA_TIMEOUT_LIMIT.parameters.maxTimeout: "
        "Parameter 'maxTimeout' must be at least 1"
    )
    status, _, _, err = run_cli(*args, "--rule-parameters", "{not json")
    assert status == 2 and err.startswith("error: --rule-parameters: not valid JSON")


def test_disabled_rules_are_not_run(tmp_path, run_cli, moto):
    moto.role("r")
    moto.function("fn", role="r")
    path = write(tmp_path, "rules:\n  LAMBDA_TRACING_ENABLED:\n    enabled: false\n")
    _, document, _, _ = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--config",
        str(path),
        "--rules",
        "LAMBDA_TRACING_ENABLED,LAMBDA_TIMEOUT_LIMIT",
    )
    assert {e["rule"] for e in document["evaluations"]} == {"LAMBDA_TIMEOUT_LIMIT"}
    assert document["configuration"]["disabled"] == ["LAMBDA_TRACING_ENABLED"]


@mock.patch.dict(os.environ, {"LAMBDA_COMPLIANCE_TODAY": "2026-11-29"})
def test_exemptions_active_expired_and_reported(tmp_path, run_cli, moto):
    moto.role("r")
    for name in ("legacy-a", "legacy-b", "fresh"):
        moto.function(name, role="r")
    path = write(
        tmp_path,
        """
exemptions:
  - rule: "*"
    resources: [legacy-a]
    reason: retired next sprint
    expires: 2027-01-31
    approver: ciso@example.com
  - rule: LAMBDA_TRACING_ENABLED
    resources: ["arn:aws:lambda:us-east-1:123456789012:function:legacy-b"]
    reason: accepted in review
    expires: 2026-01-01
""",
    )
    _, document, _, _ = run_cli(
        "scan", "--endpoint-url", moto.endpoint_url, "--config", str(path), "--rules", "LAMBDA_TRACING_ENABLED"
    )
    by_id = {e["resourceId"]: (e["compliance"], e["annotation"]) for e in document["evaluations"]}
    assert by_id["legacy-a"] == ("NOT_APPLICABLE", "exempt: retired next sprint")
    assert by_id["legacy-b"] == (
        "NON_COMPLIANT",
        "X-Ray tracing mode is PassThrough; set it to Active (exemption expired 2026-01-01)",
    )
    assert by_id["fresh"][0] == "NON_COMPLIANT"
    assert [(e["rule"], e["status"], e["applied_to"]) for e in document["exemptions"]] == [
        ("*", "active", ["legacy-a"]),
        ("LAMBDA_TRACING_ENABLED", "expired", []),
    ]
    assert [e.get("approver") for e in document["exemptions"]] == ["ciso@example.com", None]
    # The clause carries the exempted resource with its reason, approver and expiry.
    soc2 = next(f for f in document["frameworks"] if f["key"] == "soc2")
    monitoring = next(c for c in soc2["clauses"] if c["id"] == "CC7.2")
    assert monitoring["status"] == "EXCEPTIONS"
    assert monitoring["exemptedResources"] == [
        {
            "rule": "LAMBDA_TRACING_ENABLED",
            "resourceId": "legacy-a",
            "accountId": "123456789012",
            "reason": "retired next sprint",
            "approver": "ciso@example.com",
            "expires": "2027-01-31",
        }
    ]


@mock.patch.dict(os.environ, {"LAMBDA_COMPLIANCE_TODAY": "2026-11-29"})
def test_deployed_rule_applies_the_same_exemption_parameter():
    """The pack passes Exemptions as an InputParameter; the rule class applies it in Lambda too."""
    settings = config_file.parse(
        {
            "exemptions_by_tag": True,
            "exemptions": [
                {"rule": "LAMBDA_TIMEOUT_LIMIT", "resources": ["tag:compliance=waived"], "reason": "load test rig"}
            ],
        }
    )
    params = settings.rule_parameters("LAMBDA_TIMEOUT_LIMIT")
    assert json.loads(params["Exemptions"]) == [{"r": ["tag:compliance=waived"], "why": "load test rig"}]
    rule = catalog.load_rule("LAMBDA_TIMEOUT_LIMIT")()
    tagged = lambda_ci(timeout=900, tags={"compliance": "waived"})
    assert verdicts(evaluate(rule, tagged, params)) == [("NOT_APPLICABLE", "exempt: load test rig")]
    untagged = lambda_ci(timeout=900)
    assert verdicts(evaluate(rule, untagged, params))[0][0] == "NON_COMPLIANT"


def test_malformed_exemptions_parameter_names_it():
    from rdklib import InvalidParametersError

    rule = catalog.load_rule("LAMBDA_TIMEOUT_LIMIT")()
    for bad in ("{", "[{}]", '[{"r": [], "why": "x"}]', '[{"r": ["a"], "why": "x", "until": "soon"}]'):
        with pytest.raises(InvalidParametersError, match="'Exemptions'"):
            rule.evaluate_parameters({exemptions.PARAMETER: bad})


def test_config_init_lists_every_rule_and_validates(tmp_path):
    from lambda_compliance.cli import main

    out = tmp_path / "generated.yaml"
    assert main(["config", "init", "--output", str(out)]) == 0
    text = out.read_text()
    assert text == render_template()
    for rule in catalog.all_rules():
        assert f"  {rule.rule_name()}:" in text
        for param in rule.spec.parameters:
            assert f"# {param.name}: " in text
    assert config_file.load(out).parameters == {name: {} for name in catalog.rule_names()}
    # Uncommenting every parameter line gives a file whose defaults every rule accepts.
    uncommented = re.sub(r"^      # (\w+: )", r"      \1", text, flags=re.M)
    assert yaml.safe_load(uncommented)["rules"]["LAMBDA_TIMEOUT_LIMIT"]["parameters"] == {"maxTimeout": "300"}
    config_file.parse(yaml.safe_load(uncommented))
    assert main(["config", "init", "--output", str(out)]) == 2  # refuses to overwrite


def test_committed_demo_config_is_valid_and_shows_a_change_and_an_exemption():
    from lambda_compliance.demo import CONFIG

    settings = config_file.load(CONFIG)
    assert settings.parameters["LAMBDA_TIMEOUT_LIMIT"] == {"maxTimeout": "120"}
    assert len(settings.exemptions) >= 1
    assert f"--config {CONFIG.relative_to(ROOT)}" in (ROOT / "Makefile").read_text()  # make demo names it


def test_the_repository_root_holds_no_configuration_a_scan_would_pick_up():
    assert not (ROOT / config_file.DEFAULT_FILE).exists()


def test_demo_reads_its_own_configuration_and_every_scan_says_which_it_used(tmp_path, run_cli, moto, monkeypatch):
    from lambda_compliance.demo import CONFIG

    monkeypatch.setenv("COLUMNS", "200")
    rules = ("--rules", "LAMBDA_TIMEOUT_LIMIT")
    moto.role("r")
    moto.function("fn", role="r", Timeout=200)
    account = ("scan", "--endpoint-url", moto.endpoint_url, *rules, "--format", "table", "--quiet")
    status, _, out, _ = run_cli(*account)  # an empty working directory: the rules' defaults
    assert status == 0, out
    assert out.count("\n") == 1 and out.rstrip().endswith("config: defaults")
    Path("lambda-compliance.yaml").write_text("rules:\n  LAMBDA_TIMEOUT_LIMIT:\n    parameters: {maxTimeout: 60}\n")
    status, _, out, _ = run_cli(*account)  # the file the user put in the working directory
    assert status == 1 and out.rstrip().endswith("config lambda-compliance.yaml")
    Path("lambda-compliance.yaml").unlink()

    _, demo, _, _ = run_cli("scan", "--demo", *rules)
    assert demo["configuration"]["file"] == str(CONFIG)  # outside the working directory: the full path
    assert demo["configuration"]["parameters"]["LAMBDA_TIMEOUT_LIMIT"] == {"maxTimeout": "120"}
    _, defaults, _, _ = run_cli("scan", "--demo", "--no-config", *rules)
    assert defaults["configuration"] == {"file": None, "parameters": {}, "disabled": []}
    status, _, _, err = run_cli("scan", "--demo", "--no-config", "--config", str(CONFIG))
    assert status == 2 and err == "error: --no-config excludes --config\n"


@pytest.mark.parametrize(
    ("approver", "accepted"),
    [
        ("ciso@example.com", "ciso@example.com"),
        ("Jane Doe (CISO)", "Jane Doe (CISO)"),
        ("  security   review board ", "security review board"),
        ("Zoë Ångström", "Zoë Ångström"),
        ("x", None),
        ("  ", None),
        (" a ", None),
        ("line\nbreak", None),
        ("tab\there", None),
        ("y" * 129, None),
    ],
)
def test_exemption_approver_is_optional_one_printable_line(approver, accepted):
    raw = {"rule": "LAMBDA_TIMEOUT_LIMIT", "resources": ["a"], "reason": "accepted risk"}
    if accepted is None:
        with pytest.raises(config_file.ConfigError, match=r"exemptions\.0\.approver"):
            config_file.parse({"exemptions": [{**raw, "approver": approver}]})
        return
    [exemption] = config_file.parse({"exemptions": [{**raw, "approver": approver}]}).exemptions
    assert exemption.approver == accepted and exemption.as_json()["approver"] == accepted
    # Never sent to the deployed rule: it does not change the decision and InputParameters are bounded.
    assert "approver" not in exemptions.encode([exemption]) and accepted not in exemptions.encode([exemption])


def test_exemption_without_approver_has_none():
    [exemption] = config_file.parse(
        {"exemptions": [{"rule": "LAMBDA_TIMEOUT_LIMIT", "resources": ["a"], "reason": "accepted risk"}]}
    ).exemptions
    assert exemption.approver is None and "approver" not in exemption.as_json()
