"""The hook function as ``package`` builds it: it runs on the layer with only what Lambda provides, its
stack passes cfn-lint and the project's own rules (``scan --template``), ``deploy --hook`` plans it.

moto has no ``AWS::CloudFormation::LambdaHook`` to deploy into, so the stack is checked by cfn-lint
(whose schema knows the resource) and by the dry-run plan, not by a moto deployment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lambda_compliance import catalog
from lambda_compliance import cloudformation as cfn
from lambda_compliance.cli import main
from lambda_compliance.packaging import build, hook, hook_stack, naming
from lambda_compliance.packaging.layer import PackagingError

CFN_LINT = Path(sys.executable).with_name("cfn-lint")
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
# What the hook stack's function does not do, each for the reason the rule stack's functions do not
# (tests/test_self_compliance.py, docs/deploy.md): the owner's tags come from `deploy --tag` as stack
# tags, which the template cannot show.
ACCEPTED = {
    "LAMBDA_INSIDE_VPC": "the hook function calls no AWS API and holds no data",
    "LAMBDA_CODE_SIGNING_ENFORCED": "code signing needs a signing profile the organization owns",
    "LAMBDA_REQUIRED_TAGS": "Owner and Environment come from `deploy --tag` (stack tags propagate)",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> build.Build:
    return build.build(tmp_path_factory.mktemp("dist"), list(catalog.all_rules()), catalog.rules_dir())


def test_the_hook_zip_ships_the_hook_the_template_machinery_and_the_rules_but_not_the_layer(
    built: build.Build,
) -> None:
    assert built.hook is not None
    with zipfile.ZipFile(built.hook.path) as archive:
        names = set(archive.namelist())
    assert f"{hook.ENTRY}.py" in names
    assert {"lambda_compliance/hook/handler.py", "lambda_compliance/scanner/templates/account.py"} <= names
    assert "lambda_compliance/scanner/aws_managed_policies.json.gz" in names
    assert all(f"lambda_compliance/_rules/{r.rule_name()}/{r.rule_name()}.py" in names for r in catalog.all_rules())
    assert "yaml/__init__.py" in names and not any(n.endswith(".so") for n in names)
    # the layer's packages, the package root and the outer layer's CLI and reports stay out
    assert not any(n.startswith(("lambda_compliance/runtime/", "lambda_compliance/domain/")) for n in names)
    assert "lambda_compliance/__init__.py" not in names
    assert not any(n.startswith(("lambda_compliance/cli/", "lambda_compliance/report/")) for n in names)
    manifest = json.loads((built.output / build.MANIFEST_FILE).read_text())
    assert manifest["hook"]["key"] == built.hook.key and manifest["templates"]["hook_stack"] == "hook-stack.yaml"


def test_the_hook_function_answers_on_the_layer_with_only_the_lambda_runtime(
    built: build.Build, tmp_path: Path
) -> None:
    """Unzipped as Lambda lays them out (/var/task, /opt/python), run without this venv's packages."""
    import importlib.util

    task, opt, runtime = tmp_path / "task", tmp_path / "opt", tmp_path / "runtime"
    runtime.mkdir()
    assert built.hook is not None
    zipfile.ZipFile(built.hook.path).extractall(task)
    zipfile.ZipFile(built.layer.path).extractall(opt)
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, name
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (runtime / source.name).symlink_to(source)
    event = {
        "clientRequestToken": "token-1",
        "awsAccountId": "123456789012",
        "stackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        "actionInvocationPoint": "CREATE_PRE_PROVISION",
        "requestData": {
            "targetName": "AWS::Lambda::Function",
            "targetType": "AWS::Lambda::Function",
            "targetLogicalId": "Orders",
            "targetModel": {
                "resourceProperties": {
                    "FunctionName": "orders",
                    "Runtime": "python3.7",
                    "Handler": "app.handler",
                    "Role": "arn:aws:iam::123456789012:role/orders",
                    "Code": {"S3Bucket": "b", "S3Key": "k"},
                }
            },
        },
        "requestContext": {"invocation": 1, "callbackContext": None},
    }
    code = (
        "import json, sys, yaml; import lambda_compliance_hook as h; "
        "assert not getattr(yaml, '__with_libyaml__', False); "
        "print(json.dumps(h.handler(json.loads(sys.argv[1]), None)))"
    )
    env = {"PYTHONPATH": f"{task}:{opt / 'python'}:{runtime}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-S", "-c", code, json.dumps(event)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-3000:]
    reply = json.loads(done.stdout.strip().splitlines()[-1])
    assert reply["hookStatus"] == "FAILED" and reply["errorCode"] == "NonCompliant"
    assert "LAMBDA_RUNTIME_SUPPORTED (Orders)" in reply["message"] and reply["clientRequestToken"] == "token-1"


def test_the_hook_stack_passes_cfn_lint(built: build.Build) -> None:
    assert built.hook_stack is not None
    done = subprocess.run(
        [str(CFN_LINT), "--format", "parseable", str(built.hook_stack)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_hook_stack_registers_a_lambda_hook_that_warns_by_default(built: build.Build) -> None:
    assert built.hook_stack is not None
    template = cfn.load(built.hook_stack.read_text())
    hooks = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFormation::LambdaHook"]
    assert len(hooks) == 1
    properties = hooks[0]["Properties"]
    assert template["Parameters"]["FailureMode"]["Default"] == "WARN"
    assert properties["FailureMode"] == {"Ref": "FailureMode"}
    assert template["Parameters"]["TargetOperations"]["Default"] == "RESOURCE"
    assert set(properties["TargetFilters"]["TargetNames"]) == set(hook_stack.TARGET_TYPES)
    assert properties["TargetFilters"]["Actions"] == ["CREATE", "UPDATE"]
    function = template["Resources"]["Function"]["Properties"]
    assert function["Handler"] == hook.HANDLER and function["Layers"] == [{"Ref": "Layer"}]
    assert function["Timeout"] <= 30  # Hooks wait 30 seconds


def test_the_hook_stack_passes_the_projects_own_rules(built: build.Build, run_cli) -> None:
    assert built.hook_stack is not None
    _, document, _, err = run_cli("scan", "--template", str(built.hook_stack), "--no-progress")
    assert document is not None, err
    ours = [e for e in document["evaluations"] if e["resourceId"] == naming.HOOK_FUNCTION]
    assert {e["rule"] for e in ours} >= {"LAMBDA_TRACING_ENABLED", "LAMBDA_ROLE_PERMISSIONS_BOUNDARY"}
    failing = {e["rule"]: e["annotation"] for e in ours if e["compliance"] == "NON_COMPLIANT"}
    assert set(failing) <= set(ACCEPTED), failing
    keys = [e for e in document["evaluations"] if e["rule"] == "KMS_KEY_ROTATION_ENABLED"]
    assert keys and all(e["compliance"] == "COMPLIANT" for e in keys)


def test_a_hook_module_that_reaches_the_cli_stops_the_build(tmp_path: Path) -> None:
    root = tmp_path / "lambda_compliance"
    for package in ("", "hook", "cli", "runtime"):
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("")
    (root / "hook" / "handler.py").write_text("def f():\n    from lambda_compliance.cli import main\n")
    with pytest.raises(PackagingError, match=r"imports lambda_compliance\.cli, which the hook function does not ship"):
        hook.resolve(root)
    (root / "hook" / "handler.py").write_text("import rich\n")
    with pytest.raises(PackagingError, match="needs rich, which the hook function does not have"):
        hook.resolve(root)


def test_package_reports_the_hook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", "--output", str(tmp_path), "--rules", "LAMBDA_TRACING_ENABLED"]) == 0
    out = capsys.readouterr().out
    assert "hook" in out and (tmp_path / "hook.zip").is_file() and (tmp_path / "hook-stack.yaml").is_file()


def test_deploy_hook_operations_add_whole_template_requests(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["deploy", "--bucket", "lc-artifacts", "--dry-run", "--region", "eu-west-1", "--hook"]
    assert main([*argv, "--hook-operations", "resource,stack,change_set"]) == 0
    out = capsys.readouterr().out
    assert "TargetOperations=RESOURCE,STACK,CHANGE_SET" in out and "(whole templates)" in out
    assert main([*argv, "--hook-operations", "cloud_control"]) == 2
    assert "--hook-operations: cloud_control is not one of RESOURCE, STACK, CHANGE_SET" in capsys.readouterr().err


@pytest.mark.parametrize(("flags", "mode"), [((), "WARN"), (("--hook-mode", "fail"), "FAIL")])
def test_deploy_hook_appears_in_the_dry_run_plan(
    flags: tuple[str, ...],
    mode: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["deploy", "--bucket", "lc-artifacts", "--dry-run", "--region", "eu-west-1", "--hook", *flags]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Deploy the CloudFormation hook" in out
    assert f"stack {naming.HOOK_STACK}: create or update" in out
    assert (
        f"FailureMode={mode}" in out
        and f"AWS::CloudFormation::LambdaHook {naming.HOOK_ALIAS}: FailureMode {mode}" in out
    )
    assert "s3://lc-artifacts/lambda-compliance/hook-" in out and "(the hook stack template)" in out


def test_deploy_without_hook_plans_no_hook_and_hook_mode_needs_hook(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["deploy", "--bucket", "lc-artifacts", "--dry-run", "--region", "eu-west-1"]) == 0
    out = capsys.readouterr().out
    assert "Deploy the CloudFormation hook" not in out and "hook-stack" not in out
    assert (
        main(["deploy", "--bucket", "lc-artifacts", "--dry-run", "--region", "eu-west-1", "--hook-mode", "fail"]) == 2
    )
    assert "--hook-mode applies with --hook only" in capsys.readouterr().err
