"""Conformance packs: committed files in sync with the generator, within AWS limits, cfn-lint clean,
and carrying the configuration file's choices exactly as a local scan applies them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import verdict_map
from lambda_compliance.config_file import Settings
from lambda_compliance.scanner import engine

from lambda_compliance import catalog, packs
from lambda_compliance import cloudformation as cfn
from lambda_compliance.catalog import frameworks
from lambda_compliance.cli import main
from lambda_compliance.packaging import naming
from lambda_compliance.packs.rules import INPUT_PARAMETERS_LIMIT, TUNABLE

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "conformance-packs"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
ALLOWED_TYPES = {"AWS::Config::ConfigRule", "AWS::Config::RemediationConfiguration"}


@pytest.fixture(scope="module")
def built() -> list[packs.BuiltPack]:
    return packs.build_all(Settings())


def _load(path: Path) -> dict[str, Any]:
    return cfn.load(path.read_text(encoding="utf-8"))


def _config_rules(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["ConfigRuleName"]: r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Config::ConfigRule"
    }


def _cfn_lint(*paths: Path) -> None:
    result = subprocess.run([str(CFN_LINT), *map(str, paths)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_committed_packs_match_the_generator_with_the_default_configuration(built):
    stale = packs.stale(built, COMMITTED)
    assert not stale, f"conformance packs out of date: {stale}; run `lambda-compliance packs build --no-config`"
    assert sorted(p.name for p in COMMITTED.glob("*.yaml")) == sorted(b.pack.file_name for b in built)


def test_one_pack_per_framework_plus_all(built):
    assert [b.pack.key for b in built] == [*frameworks.FRAMEWORKS, "all"]
    everything = {r.rule_name() for r in catalog.all_rules()}
    by_key = {b.pack.key: b for b in built}
    assert set(by_key["all"].rules) == everything
    for key in frameworks.FRAMEWORKS:
        assert set(by_key[key].rules) == set(frameworks.rules_for_framework(key)) & everything


@pytest.mark.parametrize("pack", packs.packs(), ids=lambda p: p.key)
def test_pack_stays_within_conformance_pack_limits(pack):
    path = COMMITTED / pack.file_name
    text = path.read_text(encoding="utf-8")
    size = len(text.encode("utf-8"))
    template = cfn.load(text)
    assert {r["Type"] for r in template["Resources"].values()} <= ALLOWED_TYPES
    assert len(template["Parameters"]) <= packs.PARAMETER_LIMIT
    if size > packs.INLINE_LIMIT:
        # Too big for --template-body: the header says it is deployed from S3, within that limit.
        assert size <= packs.S3_LIMIT
        assert "deployed from S3 only" in text.splitlines()[2]
        assert "--template-s3-uri" in text
    else:
        assert "deployed inline" in text.splitlines()[2]
    # Whatever a deployer passes, within each parameter's MaxLength, InputParameters stay within 1,024.
    worst = {k: "x" * v["MaxLength"] for k, v in template["Parameters"].items() if "MaxLength" in v}
    worst.update(ExecutionRoleName="x" * 64, RuleAccountId="111122223333")
    for defaults in (cfn.Resolver(template), cfn.Resolver(template, worst)):
        for name, rule in _config_rules(template).items():
            params = defaults.value(rule["Properties"]["InputParameters"])
            assert all(isinstance(v, str) for v in params.values()), name
            assert len(json.dumps(params)) <= INPUT_PARAMETERS_LIMIT, name
    # No blank value reaches Config: every parameter a deployer may leave empty is then left out.
    empty = {k: "" for k, v in template["Parameters"].items() if "MaxLength" in v or v.get("Default") == ""}
    resolved = cfn.Resolver(template, {**empty, "RemediationRoleNamePrefix": "r"})
    for name, rule in _config_rules(template).items():
        assert "" not in resolved.value(rule["Properties"]["InputParameters"]).values(), name


@pytest.mark.parametrize("pack", packs.packs(), ids=lambda p: p.key)
def test_each_rule_is_a_custom_lambda_rule_citing_the_pack_framework(pack):
    template = _load(COMMITTED / pack.file_name)
    single = cfn.Resolver(template)
    central = cfn.Resolver(template, {"RuleAccountId": "111122223333", "ExecutionRoleName": "Member"})
    prefixes = {frameworks.framework(k).citation_prefix for k in pack.frameworks}
    for name, rule in _config_rules(template).items():
        spec = catalog.load_rule(name).spec
        props = rule["Properties"]
        function = naming.function_name(name)
        assert props["Source"]["Owner"] == "CUSTOM_LAMBDA"
        source = props["Source"]["SourceIdentifier"]
        assert single.value(source) == f"arn:aws:lambda:us-east-1:123456789012:function:{function}"
        assert central.value(source) == f"arn:aws:lambda:us-east-1:111122223333:function:{function}"
        assert "ExecutionRoleName" not in single.value(props["InputParameters"])
        assert central.value(props["InputParameters"])["ExecutionRoleName"] == "Member"
        details = props["Source"]["SourceDetails"]
        # every rule runs on schedule; a change-triggered one also on changes of its scope (hybrid)
        scheduled = {
            "EventSource": "aws.config",
            "MessageType": "ScheduledNotification",
            "MaximumExecutionFrequency": spec.frequency,
        }
        if spec.periodic:
            assert details == [scheduled]
            assert "Scope" not in props
        else:
            assert details == [
                {"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"},
                {"EventSource": "aws.config", "MessageType": "OversizedConfigurationItemChangeNotification"},
                scheduled,
            ]
            assert props["Scope"]["ComplianceResourceTypes"] == list(spec.config_scope)
        description = props["Description"]
        assert len(description) <= 256 and description.endswith(spec.title)
        bracket = re.match(r"^\[([^\]]+)\] ", description)
        assert bracket, description
        tokens = [t for t in bracket[1].split() if not t.startswith("+")]
        assert {t.split(":")[0] for t in tokens} <= prefixes
        for key in pack.frameworks:
            fw = frameworks.framework(key)
            cited = [t.split(":", 1)[1] for t in tokens if t.startswith(fw.citation_prefix + ":")]
            assert all(fw.is_valid(c) for c in cited)
            if key in frameworks.clauses_for_rule(name):
                assert cited, f"{name} cites no {key} clause in pack {pack.key}"


@pytest.mark.parametrize("pack", packs.packs(), ids=lambda p: p.key)
def test_remediation_is_wired_manual_by_default_and_bounded(pack):
    template = _load(COMMITTED / pack.file_name)
    rules = _config_rules(template)
    fixes = [r for r in template["Resources"].values() if r["Type"] == "AWS::Config::RemediationConfiguration"]
    assert len(fixes) >= 10
    off = cfn.Resolver(template)
    on = cfn.Resolver(template, {"AutomaticRemediation": "true"})
    for fix in fixes:
        props = fix["Properties"]
        name = props["ConfigRuleName"]
        remediation = catalog.load_rule(name).spec.remediation
        assert name in rules and remediation is not None
        assert fix["DependsOn"] == naming.logical_id(name, "")
        assert props["TargetType"] == "SSM_DOCUMENT" and props["TargetId"] == remediation.document
        params = off.value(props["Parameters"])
        assert params[remediation.resource_parameter] == {"ResourceValue": {"Value": "RESOURCE_ID"}}
        role = params["AutomationAssumeRole"]["StaticValue"]["Values"]
        assert role == ["arn:aws:iam::123456789012:role/LambdaComplianceRemediation-us-east-1"]
        # A value only the deployer knows: the configuration exists only once it is set.
        inputs = [
            v["StaticValue"]["Values"][0]["Ref"]
            for v in props["Parameters"].values()
            if isinstance(v.get("StaticValue", {}).get("Values", [None])[0], dict)
            and "Ref" in v["StaticValue"]["Values"][0]
        ]
        if inputs:
            assert "Condition" in fix and not off.condition(fix["Condition"])
            assert all(template["Parameters"][i]["Default"] == "" for i in inputs)
            given = cfn.Resolver(template, {i: "set" for i in inputs})
            assert given.condition(fix["Condition"])
        else:
            assert "Condition" not in fix
        assert off.value(props["Automatic"]) in (False, "false")
        assert str(on.value(props["Automatic"])).lower() == str(remediation.automatic_safe).lower()
        assert 1 <= props["MaximumAutomaticAttempts"] <= 5 and 30 <= props["RetryAttemptSeconds"] <= 600


def test_committed_packs_are_cfn_lint_clean():
    _cfn_lint(*sorted(COMMITTED.glob("*.yaml")))


def test_tunable_parameters_name_declared_rule_parameters():
    rules = {r.rule_name(): r for r in catalog.all_rules()}
    for rule, names in TUNABLE.items():
        if rule in rules:  # a rule still being written is checked once it lands
            declared = {p.name for p in rules[rule].spec.parameters}
            assert set(names) <= declared, rule


CONFIG = """
rules:
  LAMBDA_TIMEOUT_LIMIT:
    parameters: {maxTimeout: 60}
  LAMBDA_RUNTIME_SUPPORTED:
    parameters: {warningDays: 30}
  LAMBDA_CONCURRENCY_LIMIT_SET:
    parameters: {minConcurrency: 2, maxConcurrency: 50}
  LAMBDA_TRACING_ENABLED:
    enabled: false
exemptions:
  - rule: LAMBDA_TIMEOUT_LIMIT
    resources: ["legacy-*"]
    reason: nightly batch until the 2026 migration
    expires: "2099-12-31"
"""
SCANNED = ("LAMBDA_TIMEOUT_LIMIT", "LAMBDA_RUNTIME_SUPPORTED", "LAMBDA_CONCURRENCY_LIMIT_SET")


def test_packs_carry_the_configuration_a_scan_applies(tmp_path, moto, run_cli, monkeypatch):
    config_file = tmp_path / "lambda-compliance.yaml"
    config_file.write_text(CONFIG)
    out = tmp_path / "packs"
    assert main(["packs", "build", "--config", str(config_file), "--output", str(out)]) == 0

    # The YAML: the disabled rule (and its remediation) is gone from every pack, the values are the file's.
    for path in sorted(out.glob("*.yaml")):
        text = path.read_text()
        assert "LAMBDA_TRACING_ENABLED" not in text, path.name
    template = _load(out / "all.yaml")
    params = template["Parameters"]
    assert params["LambdaTimeoutLimitMaxTimeout"]["Default"] == "60"
    assert params["LambdaRuntimeSupportedWarningDays"]["Default"] == "30"
    rules = _config_rules(template)
    concurrency = rules["LAMBDA_CONCURRENCY_LIMIT_SET"]["Properties"]["InputParameters"]
    assert concurrency["minConcurrency"] == "2"
    assert cfn.Resolver(template).value(concurrency)["maxConcurrency"] == "50"  # a tunable: pack parameter
    # the remediation sets what the rule allows: its maxConcurrency, from the same pack parameter
    fix = template["Resources"]["LambdaConcurrencyLimitSetRemediation"]["Properties"]["Parameters"]
    assert cfn.Resolver(template).value(fix)["ReservedConcurrency"] == {"StaticValue": {"Values": ["50"]}}
    tuned = cfn.Resolver(template, {"LambdaConcurrencyLimitSetMaxConcurrency": "5"})
    assert tuned.value(fix)["ReservedConcurrency"] == {"StaticValue": {"Values": ["5"]}}
    assert tuned.value(concurrency)["maxConcurrency"] == "5"
    timeout = rules["LAMBDA_TIMEOUT_LIMIT"]["Properties"]["InputParameters"]
    # an optional tunable left empty is omitted (Fn::If / AWS::NoValue), as AWS's sample packs do
    assert timeout["maxTimeout"] == {
        "Fn::If": ["LambdaTimeoutLimitMaxTimeoutSet", {"Ref": "LambdaTimeoutLimitMaxTimeout"}, {"Ref": "AWS::NoValue"}]
    }
    assert cfn.Resolver(template).value(timeout)["maxTimeout"] == "60"
    assert "maxTimeout" not in cfn.Resolver(template, {"LambdaTimeoutLimitMaxTimeout": ""}).value(timeout)
    assert json.loads(timeout["Exemptions"]) == [
        {"r": ["legacy-*"], "why": "nightly batch until the 2026 migration", "until": "2099-12-31"}
    ]
    _cfn_lint(*sorted(out.glob("*.yaml")))

    # The same file drives a scan: record the raw parameters the engine hands each rule (the event's
    # ruleParameters), then compare the typed values with what the deployed rule would parse.
    received: dict[str, dict[str, Any]] = {}
    original = engine.validate_parameters

    def recording(rules, raw):
        for rule in rules:
            received[rule.rule_name()] = dict(raw.get(rule.rule_name(), {}))
        return original(rules, raw)

    monkeypatch.setattr(engine, "validate_parameters", recording)
    moto.role("app")
    for name, timeout_s in (("fast", 30), ("slow", 120), ("legacy-report", 600)):
        moto.function(name, role="app", runtime="python3.13", Timeout=timeout_s)
    moto.client("lambda").put_function_concurrency(FunctionName="fast", ReservedConcurrentExecutions=100)
    status, document, _, err = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--config",
        str(config_file),
        "--rules",
        ",".join((*SCANNED, "LAMBDA_TRACING_ENABLED")),
    )
    assert status == 1, err
    assert {e["rule"] for e in document["evaluations"]} == set(SCANNED)
    assert verdict_map(document, "LAMBDA_TIMEOUT_LIMIT") == {
        "fast": "COMPLIANT",
        "slow": "NON_COMPLIANT",  # 120 s passes the default 300 s: the file's 60 s applied
        "legacy-report": "NOT_APPLICABLE",  # exempt
    }
    assert verdict_map(document, "LAMBDA_CONCURRENCY_LIMIT_SET")["fast"] == "NON_COMPLIANT"  # 100 > 50

    deployed = cfn.Resolver(template)
    for name in SCANNED:
        rule = catalog.load_rule(name)
        in_pack = deployed.value(rules[name]["Properties"]["InputParameters"])
        assert rule().evaluate_parameters(in_pack) == rule().evaluate_parameters(received[name]), name


def test_pack_build_rejects_a_configuration_beyond_the_input_parameters_limit(tmp_path, capsys):
    long_reason = "r" * 200
    rows = "\n".join(
        f'  - {{rule: LAMBDA_TIMEOUT_LIMIT, resources: ["fn-{i}-*"], reason: "{long_reason}"}}' for i in range(6)
    )
    config_file = tmp_path / "c.yaml"
    config_file.write_text(f"exemptions:\n{rows}\n")
    status = main(["packs", "build", "--config", str(config_file), "--output", str(tmp_path / "out")])
    assert status == 2
    assert "LAMBDA_TIMEOUT_LIMIT: InputParameters from the configuration exceed 1024" in capsys.readouterr().err


def test_packs_check_reports_stale_files(tmp_path, capsys):
    out = tmp_path / "packs"
    assert main(["packs", "build", "--no-config", "--output", str(out)]) == 0
    assert main(["packs", "check", "--no-config", "--output", str(out)]) == 0
    (out / "gdpr.yaml").write_text("# edited by hand\n")
    assert main(["packs", "check", "--no-config", "--output", str(out)]) == 1
    assert "gdpr.yaml" in capsys.readouterr().err


def test_short_form_tags_round_trip():
    template = {"A": cfn.sub("x-${P}", cfn.Flow(P=cfn.ref("Q"))), "B": cfn.if_("C", cfn.ref("P"), cfn.NO_VALUE)}
    text = cfn.dump(template)
    assert "!Sub" in text and "!If" in text and "&" not in text
    loaded = cfn.load(text)
    assert loaded["B"] == {"Fn::If": ["C", {"Ref": "P"}, {"Ref": "AWS::NoValue"}]}


def test_remediation_role_in_packs_is_the_one_the_remediation_stack_creates():
    from lambda_compliance.packs import remediation
    from lambda_compliance.remediation import stack

    template = stack.template()
    role = template["Resources"]["RemediationRole"]["Properties"]["RoleName"]
    assert role == {"Fn::Sub": "${RoleNamePrefix}-${AWS::Region}"}
    assert template["Parameters"]["RoleNamePrefix"]["Default"] == remediation.DEFAULT_ROLE_PREFIX
    assert remediation.ROLE_ARN.endswith(f"role/${{{remediation.ROLE_PREFIX}}}-${{AWS::Region}}")
