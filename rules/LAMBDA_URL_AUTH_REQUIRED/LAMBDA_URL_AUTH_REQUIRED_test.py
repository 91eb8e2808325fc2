import unittest

import LAMBDA_URL_AUTH_REQUIRED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import (
    RuleTestCase,
    evaluate,
    lambda_ci,
    permission,
    reader,
    resource_policy,
    verdicts,
)

RULE = module.LAMBDA_URL_AUTH_REQUIRED()
URL_NONE = {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}


def url_config(auth):
    return {
        "FunctionUrl": "https://abc123.lambda-url.us-east-1.on.aws/",
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:orders-api",
        "AuthType": auth,
    }


class UrlAuthRequiredTest(RuleTestCase):
    def check(self, ci, url, expected):
        def seeded():
            aws = reader()
            aws.seed("lambda", "get_function_url_config", url, FunctionName="orders-api")
            return aws

        super().check(ci, expected, aws=seeded)

    def test_no_url_is_not_applicable(self):
        self.check(lambda_ci(), None, [("NOT_APPLICABLE", "function has no URL")])

    def test_iam_auth_is_compliant(self):
        self.check(
            lambda_ci(),
            url_config("AWS_IAM"),
            [("COMPLIANT", "function URL requires AWS_IAM authentication")],
        )

    def test_auth_none_is_non_compliant(self):
        self.check(
            lambda_ci(),
            url_config("NONE"),
            [("NON_COMPLIANT", "function URL has AuthType NONE: anyone can call it without signing")],
        )

    def test_policy_statement_for_unauthenticated_alias_url_is_non_compliant(self):
        policy = resource_policy(permission("AliasUrl", "*", "lambda:InvokeFunctionUrl", URL_NONE))
        self.check(
            lambda_ci(supplementary={"Policy": policy}),
            None,
            [
                (
                    "NON_COMPLIANT",
                    "resource policy statement AliasUrl allows unauthenticated function URL calls",
                )
            ],
        )

    def test_deleted_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), None, [("NOT_APPLICABLE", "resource was deleted")])

    def test_malformed_policy_with_iam_url_cannot_be_evaluated(self):
        aws = reader()
        aws.seed("lambda", "get_function_url_config", url_config("AWS_IAM"), FunctionName="orders-api")
        [(compliance, annotation)] = verdicts(evaluate(RULE, lambda_ci(supplementary={"Policy": "{"}), aws=aws))
        self.assertEqual(compliance, "NON_COMPLIANT")
        self.assertTrue(annotation.startswith("cannot evaluate: resource policy is unreadable"))

    def test_takes_no_parameters(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter"):
            RULE.evaluate_parameters({"authType": "AWS_IAM"})


if __name__ == "__main__":
    unittest.main()
