import unittest

import LAMBDA_URL_CORS_RESTRICTED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import both_formats, evaluate_periodic, lambda_ci, reader
from lambda_compliance.testing.functions import url_config

RULE = module.LAMBDA_URL_CORS_RESTRICTED()
SHOP = "https://shop.example.com"


def outcomes(evaluations):
    return [(e.complianceResourceId, e.complianceResourceType, e.complianceType, e.annotation) for e in evaluations]


class UrlCorsRestrictedTest(unittest.TestCase):
    def check(self, urls, expected, params=None):
        """``urls``: function name -> its origins (None: URL without CORS; "absent": no URL)."""
        for fmt in ("snapshot", "api"):
            with self.subTest(fmt):
                inventory = [dict(both_formats(lambda_ci(name)))[fmt] for name in urls]
                aws = reader(inventory)
                for name, origins in urls.items():
                    answer = None if origins == "absent" else url_config(name, origins)
                    aws.seed("lambda", "get_function_url_config", answer, FunctionName=name)
                got = outcomes(evaluate_periodic(RULE, aws, params))
                self.assertEqual(got, [(n, "AWS::Lambda::Function", c, a) for n, c, a in expected])

    def test_specific_origins_are_compliant(self):
        self.check(
            {"storefront": [SHOP, "https://admin.example.com"]},
            [("storefront", "COMPLIANT", f"function URL CORS allows only {SHOP}, https://admin.example.com")],
        )

    def test_url_without_cors_is_compliant(self):
        self.check(
            {"webhook": None},
            [("webhook", "COMPLIANT", "function URL has no CORS origins: browsers block cross-origin calls")],
        )

    def test_wildcard_origin_is_non_compliant(self):
        self.check(
            {"promo-banner": ["*"], "storefront": [SHOP]},
            [
                ("promo-banner", "NON_COMPLIANT", "function URL CORS allows any origin (*)"),
                ("storefront", "COMPLIANT", f"function URL CORS allows only {SHOP}"),
            ],
        )

    def test_null_origin_is_as_open_as_a_wildcard(self):
        self.check(
            {"widget": ["null", SHOP], "storefront": ["https://null.example.com"], "sandbox": ["null"]},
            [
                ("widget", "NON_COMPLIANT", "function URL CORS allows any origin (null)"),
                ("storefront", "COMPLIANT", "function URL CORS allows only https://null.example.com"),
                ("sandbox", "NON_COMPLIANT", "function URL CORS allows any origin (null)"),
            ],
        )

    def test_null_origin_is_open_even_when_allowed_origins_are_given(self):
        self.check(
            {"widget": [SHOP, "null"]},
            [("widget", "NON_COMPLIANT", "function URL CORS allows any origin (null)")],
            {"allowedOrigins": SHOP},
        )

    def test_origin_outside_allowed_origins_is_non_compliant(self):
        self.check(
            {"storefront": ["https://SHOP.example.com/", "http://localhost:3000"]},
            [("storefront", "NON_COMPLIANT", "function URL CORS allows http://localhost:3000, not in allowedOrigins")],
            {"allowedOrigins": SHOP},
        )

    def test_function_without_url_is_not_applicable(self):
        self.check({"worker": "absent"}, [("worker", "NOT_APPLICABLE", "function has no URL")])

    def test_no_functions_no_evaluations(self):
        self.assertEqual(evaluate_periodic(RULE, reader([])), [])

    def test_deleted_and_undecodable_inventory_items(self):
        deleted = lambda_ci("gone", status="ResourceDeleted")
        garbled = lambda_ci("garbled")
        garbled["configuration"] = "{not json"
        aws = reader([deleted, garbled])
        aws.seed("lambda", "get_function_url_config", url_config("garbled", ["*"]), FunctionName="garbled")
        self.assertEqual(
            outcomes(evaluate_periodic(RULE, aws)),
            [("garbled", "AWS::Lambda::Function", "NON_COMPLIANT", "function URL CORS allows any origin (*)")],
        )

    def test_bad_origin_names_the_parameter(self):
        for bad in ("*", "shop.example.com", "https://shop.example.com/path"):
            with self.subTest(bad), self.assertRaisesRegex(InvalidParametersError, "allowedOrigins"):
                RULE.evaluate_parameters({"allowedOrigins": bad})


if __name__ == "__main__":
    unittest.main()


def _compliance_page(results, token=None):
    """A GetComplianceDetailsByConfigRule response (shape of the Config API reference's EvaluationResult)."""
    page = {
        "EvaluationResults": [
            {
                "EvaluationResultIdentifier": {
                    "EvaluationResultQualifier": {
                        "ConfigRuleName": "LAMBDA_URL_CORS_RESTRICTED",
                        "ResourceType": "AWS::Lambda::Function",
                        "ResourceId": rid,
                        "EvaluationMode": "DETECTIVE",
                    },
                    "OrderingTimestamp": invoked,
                },
                "ComplianceType": compliance,
                "ResultRecordedTime": invoked,
                "ConfigRuleInvokedTime": invoked,
                "Annotation": "previous run",
            }
            for rid, compliance, invoked in results
        ]
    }
    if token:
        page["NextToken"] = token
    return page


def _seed_previous(aws, pages):
    """Seed the rule's stored results, split over pages as Config returns them."""
    token = None
    for number, results in enumerate(pages):
        nxt = f"page-{number + 1}" if number + 1 < len(pages) else None
        extra = {"NextToken": token} if token else {}
        aws.seed(
            "config",
            "get_compliance_details_by_config_rule",
            _compliance_page(results, nxt),
            ConfigRuleName="LAMBDA_URL_CORS_RESTRICTED",
            ComplianceTypes=["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"],
            Limit=100,
            **extra,
        )
        token = nxt


class UrlPresenceIsReadNotGuessedTest(unittest.TestCase):
    """Whether a function has a URL is read from Lambda for every function: the resource policy cannot tell
    (a URL with AWS_IAM auth needs no statement; a statement may outlive its URL)."""

    def test_url_verdicts_do_not_follow_the_resource_policy(self):
        from lambda_compliance.testing import permission, resource_policy

        url_statement = permission(
            "FunctionURLAllowPublicAccess",
            "*",
            action="lambda:InvokeFunctionUrl",
            condition={"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
        )
        table = [
            # name, URL (auth, origins) or None, resource policy statements, expected
            ("public-open", ("NONE", ["*"]), [url_statement], "NON_COMPLIANT"),
            ("iam-open", ("AWS_IAM", ["*"]), [], "NON_COMPLIANT"),  # no statement, still a URL
            ("iam-no-cors", ("AWS_IAM", None), [], "COMPLIANT"),
            ("iam-listed", ("AWS_IAM", [SHOP]), [], "COMPLIANT"),
            ("stale-statement", None, [url_statement], "NOT_APPLICABLE"),  # statement left after URL deleted
            ("plain", None, [], "NOT_APPLICABLE"),
        ]
        inventory = []
        for name, _, statements, _ in table:
            supplementary = {"Policy": resource_policy(*statements)} if statements else {}
            inventory.append(lambda_ci(name, supplementary=supplementary))
        aws = reader(inventory)
        for name, url, _, _ in table:
            answer = None if url is None else url_config(name, url[1], auth=url[0])
            aws.seed("lambda", "get_function_url_config", answer, FunctionName=name)
        got = [(e.complianceResourceId, e.complianceType) for e in evaluate_periodic(RULE, aws)]
        self.assertEqual(got, [(name, expected) for name, _, _, expected in table])


class TurnsTest(unittest.TestCase):
    """More functions than one run may read: runs take turns, stalest first, keeping the others' results."""

    NAMES = ("a", "b", "c", "d", "e")
    ORIGINS = {"a": ["*"], "b": None, "c": [SHOP], "d": "absent", "e": ["null"]}

    def aws(self, budget, previous=None):
        aws = reader([lambda_ci(name) for name in self.NAMES])
        aws.sweep_budget = budget
        for name, origins in self.ORIGINS.items():
            aws.seed(
                "lambda",
                "get_function_url_config",
                None if origins == "absent" else url_config(name, origins),
                FunctionName=name,
            )
        if previous is not None:
            _seed_previous(aws, previous)
        return aws

    def run_rule(self, aws):
        rule = module.LAMBDA_URL_CORS_RESTRICTED()
        return rule, outcomes(evaluate_periodic(rule, aws))

    def test_within_the_budget_every_function_is_read_and_rdklib_cleans_up_as_before(self):
        rule, got = self.run_rule(self.aws(budget=5))  # no stored results are read: none seeded
        self.assertEqual([g[0] for g in got], list(self.NAMES))
        self.assertTrue(rule.delete_old_evaluations_on_scheduled_notification)
        _, unbounded = self.run_rule(self.aws(budget=None))
        self.assertEqual(got, unbounded)

    def test_never_evaluated_first_then_longest_ago_and_the_rest_keep_their_results(self):
        previous = [
            [("a", "NON_COMPLIANT", "2026-12-01T08:00:00Z"), ("b", "COMPLIANT", "2026-12-03T08:00:00Z")],
            [("c", "COMPLIANT", "2026-12-02T08:00:00Z"), ("d", "NOT_APPLICABLE", "2026-12-04T08:00:00Z")],
        ]
        from datetime import datetime

        parsed = [[(r, c, datetime.fromisoformat(t)) for r, c, t in page] for page in previous]
        rule, got = self.run_rule(self.aws(budget=3, previous=parsed))
        # e was never evaluated; then a (Dec 1) and c (Dec 2); b and d wait for the next run.
        self.assertEqual([g[0] for g in got], ["a", "c", "e"])
        self.assertFalse(rule.delete_old_evaluations_on_scheduled_notification)

    def test_a_deleted_function_with_a_result_is_not_applicable(self):
        from datetime import datetime

        when = datetime.fromisoformat("2026-12-01T08:00:00+00:00")
        previous = [[("gone", "NON_COMPLIANT", when), ("gone-na", "NOT_APPLICABLE", when), ("a", "COMPLIANT", when)]]
        _, got = self.run_rule(self.aws(budget=2, previous=previous))
        self.assertEqual(got[0], ("gone", "AWS::Lambda::Function", "NOT_APPLICABLE", "function no longer exists"))
        self.assertNotIn("gone-na", [g[0] for g in got])

    def test_turns_cover_every_function_with_the_verdicts_of_one_full_run(self):
        from datetime import UTC, datetime, timedelta

        _, full = self.run_rule(self.aws(budget=None))
        stored = {}
        clock = datetime(2026, 12, 1, tzinfo=UTC)
        for _ in range(3):  # ceil(5 / 2) runs
            previous = [[(rid, c, t) for rid, (c, t) in sorted(stored.items())]]
            _, got = self.run_rule(self.aws(budget=2, previous=previous))
            self.assertLessEqual(len(got), 2)
            for rid, _, compliance, _annotation in got:
                stored[rid] = (compliance, clock)
            clock += timedelta(days=1)
        self.assertEqual(sorted(stored), sorted(self.NAMES))
        self.assertEqual({rid: c for rid, (c, _) in stored.items()}, {g[0]: g[2] for g in full})
