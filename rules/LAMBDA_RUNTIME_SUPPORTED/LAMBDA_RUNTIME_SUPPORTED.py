"""LAMBDA_RUNTIME_SUPPORTED: the function's runtime is not deprecated, nor within warningDays of it.

Dates come from the library's dated runtime table (runtimes.json, source noted
inside); OS-only runtimes (provided.al2, provided.al2023) are judged by their own dates.

Scenarios:
- Given a runtime supported beyond warningDays, then COMPLIANT with its deprecation date.
- Given a runtime deprecated on or before today, then NON_COMPLIANT with the date (and blocked dates).
- Given a runtime deprecated within warningDays, then NON_COMPLIANT with the days left.
- Given an image function (packageType Image, no runtime), then NOT_APPLICABLE.
- Given a runtime the table does not know (newer than the table), then NOT_APPLICABLE saying so.
- Given a zip function without a runtime, then NON_COMPLIANT (malformed CI).
- Given checkUpdateMode true and a supported runtime whose update mode is Manual (pinned to one
  runtime version), then NON_COMPLIANT naming the pinned version: Lambda applies no runtime
  patches to it (PCI DSS 6.3.3, NIST SI-2 are claimed only with checkUpdateMode on).
- Given checkUpdateMode true and mode Auto or FunctionUpdate, then COMPLIANT saying the mode.
- Given checkUpdateMode true and a function gone from the Lambda API, then NOT_APPLICABLE.
- Given warningDays outside 0..730, then InvalidParametersError naming warningDays.
"""

from lambda_compliance.domain.functions import lambda_api
from lambda_compliance.domain.functions.runtimes import assess_runtime, table_source
from lambda_compliance.runtime import clock
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_RUNTIME_SUPPORTED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function runs on a supported runtime, not close to deprecation",
        resource_types=("AWS::Lambda::Function",),
        severity="high",
        family="lambda",
        parameters=(
            Param.integer("warningDays", 90, "Days before deprecation to start failing", minimum=0, maximum=730),
            Param.boolean(
                "checkUpdateMode",
                False,
                "Also fail functions whose runtime update mode is Manual (reads GetRuntimeManagementConfig)",
            ),
        ),
        iam_actions=("lambda:GetRuntimeManagementConfig",),
    )

    def assess(self, ci, aws, params):
        if ci.get("packageType", kind=str) == "Image":
            return [not_applicable("container image function: the image owns its runtime")]
        runtime = ci.require("runtime", kind=str)
        verdict = assess_runtime(runtime, clock.today(), params["warningDays"])
        if verdict.state == "unknown":
            _, dated = table_source()
            return [not_applicable(f"{verdict.describe()} (table dated {dated.isoformat()})")]
        if verdict.state != "supported":
            return [non_compliant(verdict.describe())]
        if not params["checkUpdateMode"]:
            return [compliant(verdict.describe())]
        management = lambda_api.runtime_management(aws, ci.resource_id)
        if management is None:
            return [not_applicable("function no longer exists in the Lambda API")]
        mode = str(management.get("UpdateRuntimeOn") or "Auto")
        if mode == lambda_api.MANUAL_UPDATES:
            pinned = str(management.get("RuntimeVersionArn") or "an unnamed version").rsplit(":", 1)[-1]
            return [
                non_compliant(
                    f"{verdict.describe()}; runtime update mode Manual pins runtime version {pinned}: "
                    "Lambda applies no runtime security patches"
                )
            ]
        return [compliant(f"{verdict.describe()}; runtime update mode {mode}")]


def lambda_handler(event, context):
    return handle(LAMBDA_RUNTIME_SUPPORTED, event, context)
