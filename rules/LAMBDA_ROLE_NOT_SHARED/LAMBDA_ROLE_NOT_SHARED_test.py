import unittest

import boto3
import LAMBDA_ROLE_NOT_SHARED as module
from botocore.stub import Stubber
from rdklib import InvalidParametersError

from lambda_compliance.testing import ACCOUNT, both_formats, evaluate_periodic, lambda_ci, reader

RULE = module.LAMBDA_ROLE_NOT_SHARED()
FUNCTION = "AWS::Lambda::Function"


def role(name):
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def outcome(cis, params=None, factory=None):
    """(resourceId, compliance, annotation) per evaluation, the same for both CI formats."""
    seen = set()
    for fmt in ("snapshot", "api"):
        items = [dict(both_formats(ci))[fmt] for ci in cis]
        evaluations = evaluate_periodic(RULE, reader(items, factory=factory), params)
        for e in evaluations:
            assert e.complianceResourceType == FUNCTION
        seen.add(tuple(sorted((e.complianceResourceId, e.complianceType, e.annotation) for e in evaluations)))
    assert len(seen) == 1, seen
    return list(seen.pop())


class _OtherRegion:
    """lambda:ListFunctions in eu-west-1 (botocore Stubber with the real response shape)."""

    def __init__(self, functions):
        self.functions = functions

    def build_client(self, service, region=None, assume_role_mode=True):
        client = boto3.client(service, region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
        stubber = Stubber(client)
        stubber.add_response("list_functions", {"Functions": self.functions}, {})
        stubber.activate()
        return client


class RoleNotSharedTest(unittest.TestCase):
    def test_own_roles_are_compliant_shared_roles_name_each_other(self):
        cis = [
            lambda_ci("checkout", role=role("checkout-role")),
            lambda_ci("refunds", role=role("shared")),
            lambda_ci("payouts", role=role("shared")),
        ]
        self.assertEqual(
            outcome(cis),
            [
                ("checkout", "COMPLIANT", "execution role checkout-role is used by this function only"),
                ("payouts", "NON_COMPLIANT", "execution role shared is shared with 1 other function: refunds"),
                ("refunds", "NON_COMPLIANT", "execution role shared is shared with 1 other function: payouts"),
            ],
        )

    def test_functions_in_other_listed_regions_count_but_are_not_evaluated(self):
        arn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:refunds-eu"
        factory = _OtherRegion([{"FunctionName": "refunds-eu", "FunctionArn": arn, "Role": role("shared")}])
        found = outcome([lambda_ci("refunds", role=role("shared"))], {"regions": "eu-west-1"}, factory)
        self.assertEqual(
            found,
            [
                (
                    "refunds",
                    "NON_COMPLIANT",
                    "execution role shared is shared with 1 other function: refunds-eu (eu-west-1)",
                )
            ],
        )

    def test_many_sharers_fit_the_annotation(self):
        cis = [lambda_ci(f"payments-function-{i:03d}", role=role("payments-basic")) for i in range(60)]
        found = outcome(cis)
        self.assertEqual(len(found), 60)
        for _, compliance, annotation in found:
            self.assertEqual(compliance, "NON_COMPLIANT")
            self.assertLessEqual(len(annotation), 256)
            self.assertIn("shared with 59 other functions: payments-function-", annotation)
            self.assertRegex(annotation, r"and \d+ more$")

    def test_function_without_role_cannot_be_evaluated_and_deleted_ones_are_skipped(self):
        broken = lambda_ci("broken")
        del broken["configuration"]["role"]
        cis = [broken, lambda_ci("old", status="ResourceDeleted", role=role("x")), lambda_ci("new", role=role("x"))]
        self.assertEqual(
            outcome(cis),
            [
                (
                    "broken",
                    "NON_COMPLIANT",
                    "cannot evaluate: function has no execution role in its configuration item",
                ),
                ("new", "COMPLIANT", "execution role x is used by this function only"),
            ],
        )

    def test_no_functions_no_evaluations(self):
        self.assertEqual(outcome([]), [])

    def test_bad_parameter_is_rejected(self):
        with self.assertRaisesRegex(InvalidParametersError, "Parameter 'regions' has an invalid value"):
            RULE.evaluate_parameters({"regions": "europe"})


if __name__ == "__main__":
    unittest.main()
