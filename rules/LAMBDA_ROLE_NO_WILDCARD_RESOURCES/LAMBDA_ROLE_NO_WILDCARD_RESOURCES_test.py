import unittest

import LAMBDA_ROLE_NO_WILDCARD_RESOURCES as module
from rdklib import InvalidParametersError

from lambda_compliance.domain.iam.actions import access_level
from lambda_compliance.testing import evaluate, lambda_ci, roles, verdicts
from lambda_compliance.testing.roles import (
    BASIC_ARN,
    LOGS_POLICY,
    document,
    policy_arn,
    policy_ci,
    role_ci,
    role_reader,
)

RULE = module.LAMBDA_ROLE_NO_WILDCARD_RESOURCES()
ROLE = "orders-api-role"


def judge(*role_cis, params=None):
    return roles.judge(RULE, *role_cis, params=params)


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


class NoWildcardResourcesTest(unittest.TestCase):
    def test_scoped_writes_and_basic_execution_role_are_compliant(self):
        table = allow(["dynamodb:PutItem", "dynamodb:GetItem"], "arn:aws:dynamodb:us-east-1:123456789012:table/orders")
        role = role_ci(ROLE, inline={"logs": LOGS_POLICY, "table": document(table)}, managed=[BASIC_ARN])
        self.assertEqual(
            judge(role), [("COMPLIANT", f"execution role {ROLE} scopes every write action to named resources")]
        )

    def test_reads_on_star_and_unscopable_writes_are_compliant(self):
        role = role_ci(ROLE, inline={"r": document(allow(["s3:GetObject", "xray:PutTraceSegments"]))})
        self.assertEqual(judge(role)[0][0], "COMPLIANT")

    def test_write_on_star_is_non_compliant(self):
        role = role_ci(ROLE, inline={"uploads": document(allow("s3:PutObject", Sid="Upload"))})
        self.assertEqual(
            judge(role),
            [
                (
                    "NON_COMPLIANT",
                    f"execution role {ROLE} allows writes on every resource: s3:PutObject via uploads/Upload",
                )
            ],
        )

    def test_wildcard_action_in_customer_managed_policy_lists_riskiest_first(self):
        role = role_ci(ROLE, managed=[policy_arn("bucket-admin")])
        found = judge(role, policy_ci("bucket-admin", document(allow("s3:Put*"))))
        self.assertEqual(found[0][0], "NON_COMPLIANT")
        prefix = f"execution role {ROLE} allows writes on every resource: "
        self.assertTrue(found[0][1].startswith(prefix), found)
        first = found[0][1][len(prefix) :].split(",")[0]
        self.assertEqual(access_level(first), "Permissions management", found)
        self.assertTrue(found[0][1].endswith("via bucket-admin/#0"), found)

    def test_not_resource_counts_as_star(self):
        role = role_ci(
            ROLE,
            inline={
                "q": document({"Effect": "Allow", "Action": "sqs:SendMessage", "NotResource": "arn:aws:sqs:*:*:x"})
            },
        )
        self.assertEqual(
            judge(role),
            [("NON_COMPLIANT", f"execution role {ROLE} allows writes on every resource: sqs:SendMessage via q/#0")],
        )

    def test_denied_write_is_compliant(self):
        doc = document(allow("s3:PutObject"), {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
        self.assertEqual(judge(role_ci(ROLE, inline={"d": doc}))[0][0], "COMPLIANT")

    def test_exempt_actions_parameter(self):
        role = role_ci(ROLE, inline={"sns": document(allow("sns:Publish"))})
        self.assertEqual(judge(role)[0][0], "NON_COMPLIANT")
        self.assertEqual(judge(role, params={"exemptActions": "sns:Publish"})[0][0], "COMPLIANT")
        # Overriding the list drops the defaults: the log actions are findings again.
        found = judge(role_ci(ROLE, managed=[BASIC_ARN]), params={"exemptActions": "sns:*"})
        self.assertEqual(found[0][0], "NON_COMPLIANT")

    def test_role_gone_is_not_applicable_and_deleted_function_too(self):
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(), aws=role_reader(factory=_NoSuchRole()))),
            [("NOT_APPLICABLE", f"execution role {ROLE} does not exist")],
        )
        self.assertEqual(
            verdicts(evaluate(RULE, lambda_ci(status="ResourceDeletedNotRecorded"), aws=role_reader())),
            [("NOT_APPLICABLE", "resource was deleted")],
        )

    def test_malformed_role_document_cannot_be_evaluated(self):
        found = judge(role_ci(ROLE, inline={"bad": {"Statement": [{"Effect": "Allow"}]}}))
        self.assertEqual(
            found,
            [
                (
                    "NON_COMPLIANT",
                    f"cannot evaluate: execution role {ROLE}: policy bad is unreadable "
                    "(statement 0 needs exactly one of Action and NotAction)",
                )
            ],
        )

    def test_bad_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'exemptActions' has an invalid value"):
            RULE.evaluate_parameters({"exemptActions": "PutObject"})


class _NoSuchRole:
    """IAM answering NoSuchEntity, as botocore raises it (the role is in neither Config nor IAM)."""

    def build_client(self, service, region=None, assume_role_mode=True):
        import boto3
        from botocore.stub import Stubber

        client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        stubber = Stubber(client)
        stubber.add_client_error("get_role", "NoSuchEntity", http_status_code=404)
        stubber.activate()
        return client

    def test_arns_naming_no_resource_are_every_resource(self):
        cases = (
            ("s3:PutObject", "arn:aws:s3:::*/*"),
            ("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:123456789012:table/*"),
            ("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:*"),
            ("sns:Publish", "arn:aws:sns:*:*:*"),
            ("lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:123456789012:function:*"),
        )
        for action, resource in cases:
            with self.subTest(resource=resource):
                self.assertEqual(
                    judge(role_ci(ROLE, inline={"w": document(allow(action, resource))})),
                    [("NON_COMPLIANT", f"execution role {ROLE} allows writes on every resource: {action} via w/#0")],
                )

    def test_arns_naming_a_resource_are_scoped(self):
        for action, resource in (
            ("s3:PutObject", "arn:aws:s3:::invoices/*"),
            ("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
            ("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:orders-*"),
            ("lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:123456789012:function:orders-api:*"),
        ):
            with self.subTest(resource=resource):
                self.assertEqual(
                    judge(role_ci(ROLE, inline={"w": document(allow(action, resource))}))[0][0], "COMPLIANT"
                )


if __name__ == "__main__":
    unittest.main()
