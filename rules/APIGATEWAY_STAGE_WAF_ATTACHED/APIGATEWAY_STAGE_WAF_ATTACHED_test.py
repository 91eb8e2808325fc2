import unittest

import APIGATEWAY_STAGE_WAF_ATTACHED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, verdicts
from lambda_compliance.testing.api_gateway import WEB_ACL, rest_stage_ci, v2_stage_ci

RULE = module.APIGATEWAY_STAGE_WAF_ATTACHED()
CLASSIC_ACL = "arn:aws:waf-regional:us-east-1:123456789012:webacl/3b2c1d0e-aaaa-4bbb-8ccc-111122223333"


class StageWafAttachedTest(RuleTestCase):
    def test_stage_with_web_acl_is_compliant(self):
        self.check(rest_stage_ci(webAclArn=WEB_ACL), [("COMPLIANT", "stage prod is protected by web ACL payments-api")])

    def test_stage_with_waf_classic_acl_is_compliant(self):
        self.check(
            rest_stage_ci(webAclArn=CLASSIC_ACL),
            [("COMPLIANT", "stage prod is protected by web ACL 3b2c1d0e-aaaa-4bbb-8ccc-111122223333")],
        )

    def test_stage_without_web_acl_is_non_compliant(self):
        self.check(rest_stage_ci("staging"), [("NON_COMPLIANT", "stage staging has no AWS WAF web ACL attached")])

    def test_web_acl_outside_the_allowed_list_is_non_compliant(self):
        self.check(
            rest_stage_ci(webAclArn=CLASSIC_ACL),
            [
                (
                    "NON_COMPLIANT",
                    "stage prod uses web ACL 3b2c1d0e-aaaa-4bbb-8ccc-111122223333, which is not in allowedWebAclArns",
                )
            ],
            {"allowedWebAclArns": WEB_ACL},
        )
        self.check(
            rest_stage_ci(webAclArn=WEB_ACL),
            [("COMPLIANT", "stage prod is protected by web ACL payments-api")],
            {"allowedWebAclArns": f"{CLASSIC_ACL}, {WEB_ACL}"},
        )

    def test_deleted_stage_is_not_applicable(self):
        self.check(rest_stage_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_http_api_stage_is_out_of_scope(self):
        self.assertEqual(
            verdicts(evaluate(RULE, v2_stage_ci())),
            [("NOT_APPLICABLE", "AWS::ApiGatewayV2::Stage is not evaluated by this rule")],
        )

    def test_malformed_configuration_cannot_be_evaluated(self):
        ci = rest_stage_ci()
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.stageName")],
        )

    def test_bad_parameters_name_the_parameter(self):
        with self.assertRaisesRegex(
            InvalidParametersError, "Parameter 'allowedWebAclArns' has an invalid value 'payments-api'"
        ):
            RULE.evaluate_parameters({"allowedWebAclArns": "payments-api"})
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'webAcl'"):
            RULE.evaluate_parameters({"webAcl": WEB_ACL})


if __name__ == "__main__":
    unittest.main()
