import unittest

import LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import ACCOUNT, REGION, evaluate, lambda_ci, roles, verdicts
from lambda_compliance.testing.roles import (
    ADMIN_ARN,
    BASIC_ARN,
    LOGS_POLICY,
    document,
    policy_arn,
    policy_ci,
    role_arn,
    role_ci,
    role_reader,
)

RULE = module.LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION()
ROLE = "orders-api-role"
OWN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders-api"


def judge(*role_cis, params=None):
    return roles.judge(RULE, *role_cis, params=params)


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


class NoPrivilegeEscalationTest(unittest.TestCase):
    def test_plain_role_is_compliant(self):
        role = role_ci(ROLE, inline={"logs": LOGS_POLICY}, managed=[BASIC_ARN])
        self.assertEqual(
            judge(role), [("COMPLIANT", f"execution role {ROLE} opens no known privilege escalation path")]
        )

    def test_passrole_and_create_function_across_policies(self):
        role = role_ci(
            ROLE, inline={"pass": document(allow("iam:PassRole", Sid="Pass"))}, managed=[policy_arn("deployer")]
        )
        found = judge(role, policy_ci("deployer", document(allow("lambda:CreateFunction", Sid="Create"))))
        self.assertEqual(
            found,
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} allows privilege escalation: "
                    "PassRole+lambda:CreateFunction via pass/Pass, deployer/Create",
                )
            ],
        )

    def test_passrole_to_a_specific_non_admin_role_is_compliant_to_an_admin_role_is_not(self):
        worker = role_ci("worker-role", inline={"logs": LOGS_POLICY})
        admin = role_ci("admin-role", managed=[ADMIN_ARN])
        to_worker = document(allow("iam:PassRole", role_arn("worker-role")), allow("lambda:CreateFunction"))
        self.assertEqual(judge(role_ci(ROLE, inline={"p": to_worker}), worker)[0][0], "COMPLIANT")
        to_admin = document(allow("iam:PassRole", role_arn("admin-role")), allow("lambda:CreateFunction"))
        self.assertEqual(
            judge(role_ci(ROLE, inline={"p": to_admin}), admin),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} allows privilege escalation: PassRole+lambda:CreateFunction via p/#0, p/#1",
                )
            ],
        )

    def test_update_own_code_is_compliant_other_functions_are_not(self):
        own = role_ci(ROLE, inline={"self": document(allow("lambda:UpdateFunctionCode", OWN))})
        self.assertEqual(judge(own)[0][0], "COMPLIANT")
        others = role_ci(ROLE, inline={"all": document(allow("lambda:Update*"))})
        self.assertEqual(
            judge(others),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} allows privilege escalation: lambda:UpdateFunctionCode via all/#0; "
                    "lambda:UpdateFunctionConfiguration via all/#0",
                )
            ],
        )

    def test_many_paths_fit_the_annotation(self):
        found = judge(role_ci(ROLE, managed=[ADMIN_ARN]))
        self.assertEqual(found[0][0], "NON_COMPLIANT")
        self.assertLessEqual(len(found[0][1]), 256)
        self.assertTrue(found[0][1].endswith("more)"), found)

    def test_condition_scoped_path_is_marked(self):
        doc = document(allow("iam:CreateAccessKey", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))
        self.assertEqual(
            judge(role_ci(ROLE, inline={"keys": doc})),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} allows privilege escalation: iam:CreateAccessKey via keys/#0 "
                    "(condition-scoped: aws:requestedregion)",
                )
            ],
        )

    def test_not_applicable_cases(self):
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(status="ResourceDeleted"), aws=role_reader())),
            [("NOT_APPLICABLE", "resource was deleted")],
        )
        ci = lambda_ci()
        ci["resourceType"] = "AWS::IAM::Role"
        self.assertEqual(
            verdicts(evaluate(RULE, ci, aws=role_reader())),
            [("NOT_APPLICABLE", "AWS::IAM::Role is not evaluated by this rule")],
        )

    def test_malformed_role_arn_cannot_be_evaluated(self):
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(role="not-an-arn"), aws=role_reader())),
            [("NON_COMPLIANT", "cannot evaluate: configuration item has an invalid configuration.role")],
        )

    def test_unknown_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'paths'"):
            RULE.evaluate_parameters({"paths": "x"})

    def test_new_paths_are_named_with_their_statements(self):
        cases = (
            (["ecs:RegisterTaskDefinition", "ecs:RunTask"], "PassRole+ecs:RegisterTaskDefinition+RunTask"),
            (["codebuild:CreateProject", "codebuild:StartBuild"], "PassRole+codebuild:Create/UpdateProject+StartBuild"),
            (
                ["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
                "PassRole+sagemaker:CreateNotebookInstance",
            ),
            (["sagemaker:CreateTrainingJob"], "PassRole+sagemaker:CreateTrainingJob"),
            (["sagemaker:CreateProcessingJob"], "PassRole+sagemaker:CreateProcessingJob"),
            (["glue:CreateJob", "glue:StartJobRun"], "PassRole+glue:Create/UpdateJob+StartJobRun"),
            (["cloudformation:UpdateStack"], "PassRole+cloudformation:UpdateStack"),
        )
        for actions, path in cases:
            with self.subTest(path=path):
                doc = document(allow("iam:PassRole", Sid="Pass"), allow(actions, Sid="Run"))
                self.assertEqual(
                    judge(role_ci(ROLE, inline={"p": doc})),
                    [("NON_COMPLIANT", f"execution role {ROLE} allows privilege escalation: {path} via p/Pass, p/Run")],
                )
                worker = role_ci("worker-role", inline={"logs": LOGS_POLICY})
                scoped = document(allow("iam:PassRole", role_arn("worker-role")), allow(actions))
                self.assertEqual(judge(role_ci(ROLE, inline={"p": scoped}), worker)[0][0], "COMPLIANT")

    def test_update_configuration_of_other_functions(self):
        other = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:billing"
        self.assertEqual(
            judge(role_ci(ROLE, inline={"c": document(allow("lambda:UpdateFunctionConfiguration", other))})),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} allows privilege escalation: lambda:UpdateFunctionConfiguration via c/#0",
                )
            ],
        )
        own = document(allow("lambda:UpdateFunctionConfiguration", OWN))
        self.assertEqual(judge(role_ci(ROLE, inline={"c": own}))[0][0], "COMPLIANT")

    def test_ssm_on_every_instance_but_not_on_named_ones(self):
        self.assertEqual(
            judge(role_ci(ROLE, inline={"s": document(allow("ssm:SendCommand"))})),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} allows privilege escalation: "
                    "ssm:SendCommand/StartSession on every instance via s/#0",
                )
            ],
        )
        named = [f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0", "arn:aws:ssm:*::document/AWS-*"]
        self.assertEqual(
            judge(role_ci(ROLE, inline={"s": document(allow("ssm:SendCommand", named))}))[0][0], "COMPLIANT"
        )

    def test_assume_role_into_a_privileged_role_that_trusts_this_account(self):
        account_trust = document(
            {"Sid": "Ops", "Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}
        )
        hop = document(allow("sts:AssumeRole", role_arn("ops-admin"), Sid="Hop"))
        me = role_ci(ROLE, inline={"hop": hop})
        self.assertEqual(
            judge(me, role_ci("ops-admin", managed=[ADMIN_ARN], trust=account_trust)),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} allows privilege escalation: "
                    "sts:AssumeRole into admin role ops-admin via hop/Hop, ops-admin trust/Ops",
                )
            ],
        )
        # The same admin role trusting only Lambda, or a plain role trusting the account: no path.
        self.assertEqual(judge(me, role_ci("ops-admin", managed=[ADMIN_ARN]))[0][0], "COMPLIANT")
        plain = role_ci("ops-admin", inline={"logs": LOGS_POLICY}, trust=account_trust)
        self.assertEqual(judge(me, plain)[0][0], "COMPLIANT")


if __name__ == "__main__":
    unittest.main()
