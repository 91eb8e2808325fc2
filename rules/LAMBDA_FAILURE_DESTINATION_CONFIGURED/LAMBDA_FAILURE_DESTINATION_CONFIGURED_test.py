import unittest

import LAMBDA_FAILURE_DESTINATION_CONFIGURED as module
from rdklib import InvalidParametersError

from lambda_compliance.testing import RuleTestCase, evaluate, lambda_ci, verdicts
from lambda_compliance.testing.functions import StubbedServices, event_invoke_config

RULE = module.LAMBDA_FAILURE_DESTINATION_CONFIGURED()
QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders-api-dlq"
TOPIC = "arn:aws:sns:us-east-1:123456789012:orders-failures"
LISTING = ("list_function_event_invoke_configs", {"FunctionName": "orders-api"})


class FailureDestinationConfiguredTest(RuleTestCase):
    def check(self, ci, expected, configs=None, error=None):
        """``configs``: the event-invoke configs listed (None: no call expected); ``error``: the call fails."""

        def stubbed():
            stub = StubbedServices()
            if error:
                stub.add_error("lambda", LISTING[0], error, 404)
            elif configs is not None:
                stub.add("lambda", LISTING[0], {"FunctionEventInvokeConfigs": configs}, LISTING[1])
            return stub

        super().check(ci, expected, aws=stubbed)

    def test_dead_letter_queue_is_compliant_without_any_call(self):
        # moto drops DeadLetterConfig, so this path is covered here, from the CI, and not end to end.
        self.check(
            lambda_ci(deadLetterConfig={"targetArn": QUEUE}),
            [("COMPLIANT", f"failed events go to dead-letter queue {QUEUE}")],
        )

    def test_on_failure_destination_is_compliant(self):
        self.check(
            lambda_ci(deadLetterConfig={}),
            [("COMPLIANT", f"failed events go to on-failure destination {TOPIC}")],
            [event_invoke_config("orders-api", TOPIC)],
        )

    def test_alias_destination_is_compliant_and_named(self):
        self.check(
            lambda_ci(),
            [("COMPLIANT", f"failed events go to on-failure destination {TOPIC} (qualifier live)")],
            [event_invoke_config("orders-api", None), event_invoke_config("orders-api", TOPIC, "live")],
        )

    def test_no_destination_is_non_compliant(self):
        expected = [
            ("NON_COMPLIANT", "no dead-letter queue or on-failure destination: events failing all retries are dropped")
        ]
        self.check(lambda_ci(), expected, [])
        self.check(lambda_ci(), expected, [event_invoke_config("orders-api", None)])

    def test_function_gone_before_the_read_is_not_applicable(self):
        self.check(lambda_ci(), [("NOT_APPLICABLE", "function no longer exists")], error="ResourceNotFoundException")

    def test_deleted_function_is_not_applicable(self):
        self.check(lambda_ci(status="ResourceDeleted"), [("NOT_APPLICABLE", "resource was deleted")])

    def test_undecodable_configuration_cannot_be_evaluated(self):
        ci = lambda_ci()
        ci["configuration"] = "{not json"
        self.assertEqual(
            verdicts(evaluate(RULE, ci)),
            [("NON_COMPLIANT", "cannot evaluate: configuration item lacks a valid configuration.functionName")],
        )

    def test_takes_no_parameters(self):
        with self.assertRaisesRegex(InvalidParametersError, "Unknown parameter 'destinationArn'"):
            RULE.evaluate_parameters({"destinationArn": QUEUE})


if __name__ == "__main__":
    unittest.main()
