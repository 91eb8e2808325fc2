"""The SSM documents as artifacts: shape, self-description, sync with their sources, safety, the stack."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lambda_compliance import cloudformation as cfn
from lambda_compliance.remediation import build, runner, stack
from lambda_compliance.remediation.aws_runbooks import RUNBOOKS

DOCUMENTS = (
    "LambdaCompliance-AttachWebAclToStage",
    "LambdaCompliance-ConfigureApiStageLogging",
    "LambdaCompliance-EnableCloudTrailLambdaDataEvents",
    "LambdaCompliance-EnableGuardDutyLambdaProtection",
    "LambdaCompliance-EnableInspectorLambdaScanning",
    "LambdaCompliance-EncryptLogGroup",
    "LambdaCompliance-RemovePublicPermissions",
    "LambdaCompliance-RequireFunctionUrlAuth",
    "LambdaCompliance-RestrictServicePermission",
    "LambdaCompliance-SetApiStageThrottling",
    "LambdaCompliance-SetFailureDestination",
    "LambdaCompliance-SetLogGroupRetention",
    "LambdaCompliance-SetReservedConcurrency",
)
# Operations whose name says they take something away. Only RemovePermission of a named statement may run.
DESTRUCTIVE = re.compile(r"^(delete|remove|disassociate|detach|deregister|disable|stop|terminate|untag|revoke)_")


def scripts() -> dict[str, str]:
    return {
        name: runner.load(name).steps[0]["inputs"]["Script"]
        for name in DOCUMENTS  # the committed YAML, which is what SSM and the runner execute
    }


def test_the_documents_are_the_expected_ones():
    assert runner.document_names() == DOCUMENTS
    assert tuple(src.name for src in build.sources()) == DOCUMENTS


def test_readme_names_every_document_and_the_rules_it_fixes():
    text = (build.documents_dir() / "README.md").read_text()
    for name in DOCUMENTS:
        assert f"| `{name}` |" in text
    assert "`LAMBDA_CONCURRENCY_LIMIT_SET`" in text and "`AWSConfigRemediation-EnableKeyRotation`" in text


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_shape(name):
    content = runner.load(name).content
    assert len(runner.load(name).path.read_bytes()) < 64_000  # SSM's limit on a document's content
    assert content["schemaVersion"] == "0.3"
    assert content["assumeRole"] == "{{ AutomationAssumeRole }}"
    (step,) = content["mainSteps"]
    assert step["action"] == "aws:executeScript"
    assert step["inputs"]["Runtime"] == "python3.11"
    assert step["inputs"]["Handler"] == "handler"
    assert step["timeoutSeconds"] == 600 and step["onFailure"] == "Abort"
    assert [o["Name"] for o in step["outputs"]] == ["Status", "Message", "PreviousState", "Undo"]
    assert content["outputs"] == [f"Remediate.{o}" for o in ("Status", "Message", "PreviousState", "Undo")]
    # Every parameter reaches the script, except the role Automation itself assumes.
    assert set(step["inputs"]["InputPayload"]) == set(content["parameters"]) - {"AutomationAssumeRole"}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_parameter_has_an_anchored_allowed_pattern_and_a_description(name):
    parameters = runner.load(name).parameters
    for pname, spec in parameters.items():
        assert spec["type"] == "String", pname
        pattern = spec["allowedPattern"]
        assert pattern.startswith("^") and pattern.endswith("$"), pname
        re.compile(pattern)
        assert spec["description"].startswith("(Required)" if "default" not in spec else "(Optional)"), pname
        if "default" in spec:
            assert re.search(pattern, spec["default"]), f"{pname} default does not match its own pattern"
    role = parameters["AutomationAssumeRole"]
    assert "default" not in role
    assert re.search(role["allowedPattern"], "arn:aws:iam::123456789012:role/LambdaComplianceRemediation-us-east-1")
    assert not re.search(role["allowedPattern"], "arn:aws:iam::123456789012:user/alice")
    assert parameters["DryRun"]["default"] == "true"
    assert parameters["DryRun"]["allowedPattern"] == "^(true|false)$"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_description_opens_with_what_it_does_its_input_and_its_output(name):
    text = runner.load(name).content["description"]
    first, second = text.split("\n\n")[:2]
    assert first.endswith(".") and " " in first and not first.startswith(("This", "The document"))
    assert second.startswith("Input: ") and "\nOutput: Status (CHANGED, DRY_RUN or NO_CHANGE)" in second
    assert "Undo" in second and "PreviousState" in second
    assert 'DryRun defaults to "true"' in text
    assert "123456789012" not in text  # no placeholder account ids in what operators read


@pytest.mark.parametrize("name", DOCUMENTS)
def test_script_is_python_311_and_self_contained(name):
    script = scripts()[name]
    ast.parse(script, feature_version=(3, 11))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(script))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in ([ast.alias(node.module or "")] if isinstance(node, ast.ImportFrom) else node.names)
    }
    assert imported <= {"json", "re", "shlex", "time", "boto3", "botocore"}, imported


def test_no_script_calls_a_delete_api_except_remove_permission_of_a_named_statement():
    for name, script in scripts().items():
        for node in ast.walk(ast.parse(script)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            operation = node.func.attr
            assert operation not in ("getattr", "__getattribute__"), name
            if DESTRUCTIVE.match(operation):
                assert operation == "remove_permission", f"{name} calls {operation}"
                keywords = {k.arg for k in node.keywords}
                assert "StatementId" in keywords or None in keywords, f"{name}: remove_permission without a Sid"
        assert "getattr(" not in script, f"{name} must call AWS APIs by name (the static checks rely on it)"
        for _service, operation in stack.api_calls(script):
            assert operation not in ("delete_log_group", "delete_function", "delete_table", "delete_policy"), name


def test_remove_permission_arguments_always_name_one_statement():
    """The one place that calls RemovePermission builds its arguments from a statement's Sid."""
    for name, script in scripts().items():
        if "remove_permission" in script:
            assert 'kwargs = {"FunctionName": function_name, "StatementId": statement["Sid"]}' in script, name


def test_client_variables_follow_the_convention_the_permission_analysis_reads():
    for name, script in scripts().items():
        for variable, service in stack.client_bindings(script):
            assert stack.CLIENT_VARIABLES.get(variable) == service, f"{name}: {variable} = client({service!r})"
        assert stack.api_calls(script), name


def test_role_allows_exactly_what_documents_and_aws_runbooks_call():
    template = cfn.load(build.stack_path().read_text())
    role = template["Resources"]["RemediationRole"]["Properties"]
    granted = set()
    for statement in role["Policies"][0]["PolicyDocument"]["Statement"]:
        actions = statement["Action"]
        granted |= {actions} if isinstance(actions, str) else set(actions)
        assert statement["Resource"] != "*" or statement["Sid"].endswith("AnyResource"), statement["Sid"]
    needed = {a for actions in stack.document_actions().values() for a in actions}
    needed |= {a for runbook in RUNBOOKS.values() for a in runbook.actions}
    needed |= {a for runbook in RUNBOOKS.values() for actions in runbook.kms_via.values() for a in actions}
    assert granted == needed
    assert not any(a.split(":")[1].startswith(("Delete", "Disassociate", "Detach")) for a in granted)
    # KMS for the environment CMK runbook: Lambda creates the grant with the runbook's credentials
    [via] = [s for s in role["Policies"][0]["PolicyDocument"]["Statement"] if s["Sid"] == "KmsViaLambda"]
    assert via["Action"] == ["kms:CreateGrant", "kms:DescribeKey", "kms:Encrypt"]
    assert via["Condition"] == {"StringEquals": {"kms:ViaService": {"Fn::Sub": "lambda.${AWS::Region}.amazonaws.com"}}}
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "ssm.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]


def test_permissions_of_one_document():
    assert stack.document_actions()["LambdaCompliance-RemovePublicPermissions"] == (
        "lambda:GetFunctionConfiguration",
        "lambda:GetPolicy",
        "lambda:RemovePermission",
    )
    assert "apigateway:SetWebACL" in stack.document_actions()["LambdaCompliance-AttachWebAclToStage"]


def test_stack_deploys_every_document_with_its_generated_content():
    template = cfn.load(build.stack_path().read_text())
    documents = {
        r["Properties"]["Name"]: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::SSM::Document"
    }
    assert tuple(sorted(documents)) == DOCUMENTS
    for name, properties in documents.items():
        assert properties["DocumentType"] == "Automation"
        assert properties["UpdateMethod"] == "NewVersion"  # a named document is updated, never replaced
        assert properties["Content"] == runner.load(name).content
    assert len(build.stack_path().read_bytes()) < 1_000_000  # CloudFormation's limit for a template in S3


@pytest.mark.skipif(shutil.which("cfn-lint") is None and not Path(".venv/bin/cfn-lint").exists(), reason="no cfn-lint")
def test_stack_is_cfn_lint_clean():
    executable = shutil.which("cfn-lint") or ".venv/bin/cfn-lint"
    done = subprocess.run(
        [executable, str(build.stack_path())], capture_output=True, text=True, check=False, cwd=build.repo_root()
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_rules_reference_only_documents_that_exist():
    from lambda_compliance import catalog

    for rule in catalog.all_rules():
        remediation = rule.spec.remediation
        if remediation is None:
            continue
        if remediation.aws_owned:
            assert remediation.document in RUNBOOKS, rule.rule_name()
        else:
            assert remediation.document in DOCUMENTS, rule.rule_name()
