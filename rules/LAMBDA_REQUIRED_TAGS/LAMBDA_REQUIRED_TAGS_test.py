import unittest

import LAMBDA_REQUIRED_TAGS as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, lambda_ci, verdicts

RULE = module.LAMBDA_REQUIRED_TAGS()


class RequiredTagsTest(RuleTestCase):
    def test_all_required_tags_is_compliant(self):
        self.check(
            lambda_ci(tags={"Owner": "payments-platform", "Environment": "production", "CostCenter": "4410"}),
            [("COMPLIANT", "tagged Owner, Environment")],
        )

    def test_missing_and_empty_tags_are_named(self):
        self.check(
            lambda_ci(tags={"Owner": "  "}),
            [("NON_COMPLIANT", "missing or empty tags: Owner, Environment")],
        )

    def test_key_in_another_case_is_pointed_out(self):
        self.check(
            lambda_ci(tags={"owner": "payments-platform", "Environment": "production"}),
            [("NON_COMPLIANT", "missing or empty tags: Owner (found owner: keys are case-sensitive)")],
        )

    def test_required_keys_are_a_parameter(self):
        self.check(
            lambda_ci(tags={"Owner": "payments-platform"}),
            [("NON_COMPLIANT", "missing or empty tags: DataClassification")],
            {"requiredTagKeys": "Owner, DataClassification"},
        )

    def test_tags_in_api_key_value_list_format_are_read(self):
        ci = lambda_ci()
        ci["tags"] = [{"key": "Owner", "value": "payments"}, {"key": "Environment", "value": "staging"}]
        self.assertEqual(verdicts(evaluate(RULE, ci)), [("COMPLIANT", "tagged Owner, Environment")])

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_undecodable_configuration_cannot_be_evaluated(self):
        ci = lambda_ci(tags={"Owner": "x", "Environment": "y"})
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.functionName")],
        )

    def test_bad_tag_key_names_the_parameter(self):
        with self.assertRaisesRegex(InvalidParametersError, "requiredTagKeys"):
            RULE.evaluate_parameters({"requiredTagKeys": "Owner, Cost<Center>"})


if __name__ == "__main__":
    unittest.main()
