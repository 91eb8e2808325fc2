"""``lambda-compliance package``: the layer ships what rules import and works alone; zips per rule; templates lint."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lambda_compliance import catalog
from lambda_compliance import cloudformation as cfn
from lambda_compliance.domain.iam import actions
from lambda_compliance.packaging import build, bytecode, layer, naming, permissions
from lambda_compliance.packaging.layer import PackagingError
from lambda_compliance.runtime.lambda_entry import with_deployment_defaults

ROOT = Path(__file__).resolve().parent.parent
CFN_LINT = Path(sys.executable).with_name("cfn-lint")
# Lambda's Python runtime provides boto3 and its dependencies: the stand-in for the runtime links only those.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
LAYER_SIZE_BUDGET = 1024 * 1024  # zipped; the layer is ~480 KB with its bytecode
PY312_MAGIC = (3531).to_bytes(2, "little") + b"\r\n"  # importlib.util.MAGIC_NUMBER of CPython 3.12


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> build.Build:
    return build.build(tmp_path_factory.mktemp("dist"), list(catalog.all_rules()), catalog.rules_dir())


@pytest.fixture(scope="module")
def unzipped(built: build.Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("opt")
    with zipfile.ZipFile(built.layer.path) as archive:
        archive.extractall(target)
    return target / "python"


@pytest.fixture(scope="module")
def runtime_standin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with only what the Lambda runtime provides (boto3 & co. from this venv), as symlinks."""
    import importlib.util

    target = tmp_path_factory.mktemp("runtime")
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, name
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (target / source.name).symlink_to(source)
    return target


def layer_names(built: build.Build) -> list[str]:
    with zipfile.ZipFile(built.layer.path) as archive:
        return archive.namelist()


def test_layer_holds_the_library_rdklib_and_data_but_no_boto3(built: build.Build) -> None:
    names = layer_names(built)
    assert all(n.startswith("python/") for n in names)
    assert "python/lambda_compliance/runtime/rulebase.py" in names
    assert "python/lambda_compliance/runtime/lambda_entry.py" in names
    assert "python/rdklib/evaluator.py" in names
    assert "python/lambda_compliance/domain/functions/runtimes.json" in names
    assert "python/lambda_compliance/domain/iam/iam_actions.json.gz" in names
    assert not [n for n in names if n.startswith(("python/boto3/", "python/botocore/"))]


def _unchecked_hash_pyc_for_312(data: bytes) -> bool:
    """PEP 552 header: Python 3.12's magic number, then flags 0b01 (hash-based, source not checked)."""
    return data[:4] == PY312_MAGIC and int.from_bytes(data[4:8], "little") == 0b01


def test_layer_ships_an_unchecked_hash_pyc_for_python312_beside_every_module(built: build.Build) -> None:
    """Lambda's /opt is read-only: without shipped bytecode every cold start compiles the library."""
    with zipfile.ZipFile(built.layer.path) as archive:
        names = set(archive.namelist())
        sources = sorted(n for n in names if n.endswith(".py"))
        assert len(sources) > 50
        for source in sources:
            pyc = bytecode.pyc_name(source)
            assert pyc in names, f"{source} ships without {pyc}"
            assert _unchecked_hash_pyc_for_312(archive.read(pyc)), pyc
        assert not [n for n in names if n.endswith(".pyc") and bytecode.CACHE_TAG not in n]
        # Nothing but the compiled sources: no stale caches from the working tree.
        assert len([n for n in names if n.endswith(".pyc")]) == len(sources)


def test_layer_leaves_out_what_lambda_never_imports(built: build.Build) -> None:
    names = set(layer_names(built))
    shipped = {n.split("/")[2] for n in names if n.startswith("python/lambda_compliance/")}
    assert shipped == {"__init__.py", "__pycache__", "runtime", "domain"}


def test_layer_is_small(built: build.Build) -> None:
    assert built.layer.size < LAYER_SIZE_BUDGET, f"layer grew to {built.layer.size} bytes"


def test_zips_are_reproducible(built: build.Build, tmp_path: Path) -> None:
    again = build.build(tmp_path, list(built.rules), catalog.rules_dir())
    assert again.layer.sha256 == built.layer.sha256
    assert {n: a.sha256 for n, a in again.rule_zips.items()} == {n: a.sha256 for n, a in built.rule_zips.items()}


def test_each_rule_zip_is_its_folder_without_tests(built: build.Build) -> None:
    assert set(built.rule_zips) == set(catalog.rule_names())
    for name, artifact in built.rule_zips.items():
        with zipfile.ZipFile(artifact.path) as archive:
            files = set(archive.namelist())
        expected = {
            p.relative_to(catalog.rules_dir() / name).as_posix() for p in build.rule_files(catalog.rules_dir() / name)
        }
        compiled = {bytecode.pyc_name(f) for f in expected if f.endswith(".py")}
        assert files == expected | compiled
        assert f"{name}.py" in files and f"__pycache__/{name}.{bytecode.CACHE_TAG}.pyc" in files
        assert not [f for f in files if f.endswith("_test.py")]
        with zipfile.ZipFile(artifact.path) as archive:
            assert all(_unchecked_hash_pyc_for_312(archive.read(f)) for f in compiled)


IMPORT_PROBE = """
import json, sys
layer, runtime, rules_dir, names = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
sys.path[:0] = [layer, runtime]
import importlib, lambda_compliance, rdklib
assert lambda_compliance.__file__.startswith(layer), lambda_compliance.__file__
assert rdklib.__file__.startswith(layer), rdklib.__file__
for name in names:
    sys.path.insert(0, f"{rules_dir}/{name}")
    module = importlib.import_module(name)
    assert callable(module.lambda_handler), name
    rule = getattr(module, name)
    rule()  # instantiates without AWS
    sys.path.pop(0)
banned = [m for m in sys.modules if m.split(".")[0] in {"yaml", "rich", "jinja2", "moto", "jsonschema"}]
assert not banned, banned
print(json.dumps({"imported": len(names)}))
"""


def run_isolated(script: str, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Python with no site-packages and no source tree: only what the script puts on sys.path."""
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env or {"PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_every_rule_imports_from_the_unzipped_layer_alone(unzipped: Path, runtime_standin: Path) -> None:
    names = list(catalog.rule_names())
    done = run_isolated(IMPORT_PROBE, str(unzipped), str(runtime_standin), str(catalog.rules_dir()), json.dumps(names))
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout) == {"imported": len(names)}


COLD_IMPORT_PROBE = """
import json, sys
layer, runtime, rules_dir, names = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
sys.dont_write_bytecode = True  # as in Lambda: /opt and /var/task are read-only
sys.path[:0] = [layer, runtime]
import importlib, importlib.util, os
for name in names:
    sys.path.insert(0, f"{rules_dir}/{name}")
    importlib.import_module(name)
    sys.path.pop(0)
from lambda_compliance.domain.iam import actions
from lambda_compliance.domain.functions import env_secret_patterns, runtimes
from lambda_compliance.runtime import identifiers
from lambda_compliance.runtime.lazy import LazyPattern
shipped = [m for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").startswith((layer, rules_dir))]
uncompiled = [m.__name__ for m in shipped if not os.path.isfile(importlib.util.cache_from_source(m.__file__))]
patterns = [v for mod in (env_secret_patterns, identifiers) for v in vars(mod).values() if isinstance(v, LazyPattern)]
patterns += [p for _, p in env_secret_patterns.VENDOR_PATTERNS] + list(env_secret_patterns.PLACEHOLDER_SHAPES)
patterns += [k.pattern for k in vars(identifiers).values() if isinstance(k, identifiers.Kind)]
print(json.dumps({
    "modules": len(shipped),
    "uncompiled": uncompiled,
    "iam_action_table_loaded": len(actions._LOADED),
    "runtimes_loaded": runtimes._table.cache_info().currsize,
    "patterns": len(patterns),
    "patterns_compiled": sum(p.is_compiled for p in patterns),
}))
"""


def test_cold_import_of_every_rule_uses_shipped_bytecode_and_loads_no_table(
    built: build.Build, unzipped: Path, runtime_standin: Path, tmp_path: Path
) -> None:
    """Importing the rules (what every cold start does) reads bytecode only and leaves the heavy tables
    (IAM action table, runtime dates, credential and identifier patterns) for the first use."""
    names = list(catalog.rule_names())
    for name, artifact in built.rule_zips.items():
        with zipfile.ZipFile(artifact.path) as archive:
            archive.extractall(tmp_path / name)
    done = run_isolated(COLD_IMPORT_PROBE, str(unzipped), str(runtime_standin), str(tmp_path), json.dumps(names))
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert found["modules"] > len(names) and found["uncompiled"] == []
    assert found["iam_action_table_loaded"] == 0 and found["runtimes_loaded"] == 0
    assert found["patterns"] >= 80
    assert found["patterns_compiled"] == 0


INVOKE_PROBE = """
import json, os, sys
layer, runtime, rule_dir, event = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
sys.path[:0] = [rule_dir, layer, runtime]
from lambda_compliance.runtime import lambda_entry
print(json.dumps(lambda_entry.handler(event, None)))
"""


def _invoke(unzipped: Path, runtime: Path, endpoint: str, rule: str, event: dict[str, object]) -> list[dict[str, str]]:
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        # What the rule stack sets on every function in a single account:
        "LAMBDA_COMPLIANCE_RULE": rule,
        "LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE": "false",
        "LAMBDA_COMPLIANCE_EXECUTION_ROLE_NAME": "",
        "AWS_RETRY_MODE": "adaptive",
        "AWS_MAX_ATTEMPTS": "3",
    }
    rule_dir = catalog.rules_dir() / rule
    done = run_isolated(INVOKE_PROBE, str(rule_dir), str(unzipped), str(runtime), json.dumps(event), env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


CONFIG_ROLE = "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


def _change_event(ci: dict[str, object]) -> dict[str, object]:
    return {
        "configRuleName": "probe",
        "executionRoleArn": CONFIG_ROLE,
        "eventLeftScope": False,
        "invokingEvent": json.dumps(
            {
                "configurationItem": ci,
                "notificationCreationTime": "2026-11-29T08:00:00.000Z",
                "messageType": "ConfigurationItemChangeNotification",
                "recordVersion": "1.3",
            }
        ),
        "ruleParameters": "{}",
        "accountId": "123456789012",
        "configRuleArn": "arn:aws:config:us-east-1:123456789012:config-rule/config-rule-probe",
        "resultToken": "TESTMODE",
    }


def test_rule_functions_run_from_the_layer_through_the_entry_point(moto, unzipped: Path, runtime_standin: Path) -> None:
    """The deployed handler, from the unzipped layer, against moto: pure-CI, data-file and API-calling rules."""
    from lambda_compliance.testing import lambda_ci

    moto.role("probe-role")
    moto.function("probe-fn", role="probe-role", Environment={"Variables": {"DB_PASSWORD": "hunter2-Zq8#pL1!x"}})
    ci = lambda_ci("probe-fn", role=moto.roles["probe-role"], runtime="python3.8")
    expected = {
        "LAMBDA_TRACING_ENABLED": "NON_COMPLIANT",
        "LAMBDA_RUNTIME_SUPPORTED": "NON_COMPLIANT",  # reads domain/functions/runtimes.json
        "LAMBDA_ENV_NO_PLAINTEXT_SECRETS": "NON_COMPLIANT",  # calls lambda:GetFunctionConfiguration
        "LAMBDA_ROLE_NO_ADMIN_ACCESS": "COMPLIANT",  # calls IAM, reads domain/iam/iam_actions.json.gz
    }
    for rule, compliance in expected.items():
        evaluations = _invoke(unzipped, runtime_standin, moto.endpoint_url, rule, _change_event(ci))
        assert [e["ComplianceType"] for e in evaluations] == [compliance], (rule, evaluations)
        assert "hunter2" not in json.dumps(evaluations)


def test_layer_refuses_a_rule_importing_cli_or_test_code(tmp_path: Path) -> None:
    rule = tmp_path / "BAD_RULE.py"
    rule.write_text("from lambda_compliance.testing import lambda_ci\n")
    with pytest.raises(PackagingError, match=r"BAD_RULE imports lambda_compliance\.testing, which is not shipped"):
        layer.resolve([rule])


def test_layer_refuses_a_dependency_the_runtime_lacks(tmp_path: Path) -> None:
    rule = tmp_path / "BAD_RULE.py"
    rule.write_text("import yaml\n")
    with pytest.raises(PackagingError, match=r"BAD_RULE\.py imports yaml, which the Lambda runtime does not provide"):
        layer.resolve([rule])


def test_type_checking_imports_are_not_followed(tmp_path: Path) -> None:
    rule = tmp_path / "OK_RULE.py"
    rule.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\n    from lambda_compliance import cli\n"
    )
    assert "lambda_compliance.cli" not in layer.resolve([rule]).modules


# the Lambda entry point ------------------------------------------------------------------------


def test_entry_adds_the_stack_defaults_to_rule_parameters() -> None:
    env = {"LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE": "false", "LAMBDA_COMPLIANCE_EXECUTION_ROLE_NAME": ""}
    event = with_deployment_defaults({"ruleParameters": '{"maxTimeout": "60"}', "x": 1}, env)
    assert json.loads(event["ruleParameters"]) == {"AssumeRoleMode": "false", "maxTimeout": "60"}
    assert event["x"] == 1
    org = {"LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE": "true", "LAMBDA_COMPLIANCE_EXECUTION_ROLE_NAME": "Member"}
    assert json.loads(with_deployment_defaults({}, org)["ruleParameters"]) == {
        "AssumeRoleMode": "true",
        "ExecutionRoleName": "Member",
    }


def test_entry_never_overrides_what_the_config_rule_sets() -> None:
    env = {"LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE": "true", "LAMBDA_COMPLIANCE_EXECUTION_ROLE_NAME": "Member"}
    event = with_deployment_defaults({"ruleParameters": '{"ExecutionRoleName": "Other"}'}, env)
    assert json.loads(event["ruleParameters"])["ExecutionRoleName"] == "Other"


def test_entry_leaves_malformed_parameters_for_the_rule_to_report() -> None:
    env = {"LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE": "false"}
    assert with_deployment_defaults({"ruleParameters": "{not json"}, env)["ruleParameters"] == "{not json"


# templates -------------------------------------------------------------------------------------


def load(path: Path) -> dict[str, object]:
    return cfn.load(path.read_text())


def test_generated_and_hand_written_templates_pass_cfn_lint(built: build.Build) -> None:
    templates = [built.rule_stack, built.member_role, *sorted((ROOT / "templates").glob("*.yaml"))]
    done = subprocess.run(
        [str(CFN_LINT), "--format", "parseable", *map(str, templates)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_rule_stack_keeps_its_log_groups_when_deleted_or_replaced(built: build.Build) -> None:
    """cfn-lint I3011 (informational): stateful resources need DeletionPolicy and UpdateReplacePolicy."""
    done = subprocess.run(
        [str(CFN_LINT), "--format", "parseable", "--include-checks", "I", "--", str(built.rule_stack)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "I3011" not in done.stdout, done.stdout
    groups = _log_groups(built)
    assert groups and all(g.get("DeletionPolicy") == g.get("UpdateReplacePolicy") == "Retain" for g in groups)


def _log_groups(built: build.Build) -> list[dict[str, object]]:
    template = cfn.load(built.rule_stack.read_text())
    return [r for r in template["Resources"].values() if r["Type"] == "AWS::Logs::LogGroup"]


def _by_mode(document: dict[str, object]) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(single-account statements, organization statements) of a policy document chosen by IsSingleAccount."""
    condition, single, org = document["Fn::If"]  # type: ignore[index]
    assert condition == "IsSingleAccount"
    return single["Statement"], org["Statement"]


def test_each_rule_role_allows_its_declared_reads_and_nothing_more(built: build.Build) -> None:
    template = load(built.rule_stack)
    resources = template["Resources"]
    shared = {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"}
    for rule in built.rules:
        name = rule.rule_name()
        single, org = _by_mode(resources[naming.logical_id(name, "Policy")]["Properties"]["PolicyDocument"])
        reads = {a for s in single if s["Resource"] == "*" for a in _actions(s)} - shared
        assert reads == set(permissions.rule_actions(rule)), name
        assert "sts:AssumeRole" not in {a for s in single for a in _actions(s)}
        assert {a for s in org for a in _actions(s)} == {"sts:AssumeRole", "sqs:SendMessage", *shared}, name
        writes = {a for s in single for a in _actions(s) if actions.access_level(a) not in permissions.READ_LEVELS}
        assert writes <= {"config:PutEvaluations", "sqs:SendMessage", *shared}, name
        logs = next(s for s in single if s["Sid"] == "WriteOwnLogs")
        assert logs["Resource"]["Fn::Sub"].endswith(f":log-group:/aws/lambda/{naming.function_name(name)}:*")


def _actions(statement: dict[str, object]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)  # type: ignore[arg-type]


def test_each_function_is_configured_as_the_rules_require(built: build.Build) -> None:
    resources = load(built.rule_stack)["Resources"]
    for rule in built.rules:
        props = resources[naming.logical_id(rule.rule_name(), "Function")]["Properties"]
        assert props["FunctionName"] == naming.function_name(rule.rule_name())
        assert props["Runtime"] == "python3.12"
        assert props["Handler"] == "lambda_compliance.runtime.lambda_entry.handler"
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["ReservedConcurrentExecutions"] == {"Ref": "ReservedConcurrency"}
        assert props["Timeout"] == {"Ref": "FunctionTimeout"}
        assert "KmsKeyArn" in props and "DeadLetterConfig" in props
        variables = props["Environment"]["Variables"]
        assert variables["AWS_RETRY_MODE"] == "adaptive"
        assert variables["AWS_MAX_ATTEMPTS"] == {"Ref": "MaxAttempts"}
        assert variables["LAMBDA_COMPLIANCE_RULE"] == rule.rule_name()
        permission = resources[naming.logical_id(rule.rule_name(), "ConfigPermission")]["Properties"]
        assert permission["Principal"] == "config.amazonaws.com"
        assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
        logs = resources[naming.logical_id(rule.rule_name(), "Logs")]["Properties"]
        assert logs["RetentionInDays"] == {"Ref": "LogRetentionDays"} and "KmsKeyId" in logs


def test_rule_stack_fits_cloudformation_limits(built: build.Build) -> None:
    template = load(built.rule_stack)
    assert len(template["Resources"]) <= 500
    assert len(template["Parameters"]) <= 200
    assert built.rule_stack.stat().st_size <= 1_000_000  # TemplateURL limit
    boundary = json.dumps(template["Resources"]["Boundary"]["Properties"]["PolicyDocument"], separators=(",", ":"))
    assert len(boundary) <= 6144, "the permissions boundary outgrew a managed policy"


def test_member_role_reads_the_union_of_the_rules_and_trusts_the_rule_roles_only(built: build.Build) -> None:
    template = load(built.member_role)
    statement = template["Resources"]["ReadPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert set(statement["Action"]) == set(permissions.union(built.rules))
    assert "config:PutEvaluations" in statement["Action"]
    trust = template["Resources"]["Role"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert len(trust) == 1
    assert trust[0]["Condition"]["ArnLike"]["aws:PrincipalArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${CentralAccountId}:role${RuleRolePath}*"
    }


def test_declared_actions_are_known_reads() -> None:
    for rule in catalog.all_rules():
        permissions.declared_reads(rule)  # raises PackagingError naming the rule


def test_function_names_fit_lambda() -> None:
    for name in catalog.rule_names():
        assert len(naming.function_name(name)) <= naming.FUNCTION_NAME_LIMIT


def test_package_command_reports_sizes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lambda_compliance.cli import main

    assert main(["package", "--output", str(tmp_path / "dist")]) == 0
    out = capsys.readouterr().out
    assert "layer.zip" in out and "KB" in out and "rdklib" in out
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text())
    assert set(manifest["rules"]) == set(catalog.rule_names())
    assert manifest["layer"]["data"] == [
        "lambda_compliance/domain/functions/runtimes.json",
        "lambda_compliance/domain/iam/iam_actions.json.gz",
    ]


def test_package_command_names_an_unknown_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lambda_compliance.cli import main

    assert main(["package", "--output", str(tmp_path), "--rules", "NOPE"]) == 2
    assert capsys.readouterr().err.strip() == "error: unknown rule(s): NOPE"
