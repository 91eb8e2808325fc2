"""CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED (periodic): a multi-region, validated, logging trail records
Lambda data events (Invoke) for every function. Reported on the account (AWS::::Account).

Scenarios:
- Given a trail that logs, is multi-region, has log file validation and whose basic or advanced
  selectors cover every function's Invoke events, then COMPLIANT.
- Given such a trail that is single-region, has validation off or is not logging, then NON_COMPLIANT
  naming the trail and what it lacks.
- Given selectors for some functions only (specific ARNs, exclusions, read-only), then NON_COMPLIANT.
- Given trails without Lambda data events, or no trail at all, then NON_COMPLIANT.
"""

from lambda_compliance.domain.account import cloudtrail
from lambda_compliance.domain.account.threat_detection import ACCOUNT_TYPE
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="A multi-region CloudTrail trail with log file validation records Lambda data events",
        resource_types=(ACCOUNT_TYPE,),
        severity="high",
        family="account",
        periodic=True,
        iam_actions=(
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetEventSelectors",
            "cloudtrail:GetTrailStatus",
        ),
        remediation=Remediation(
            document="LambdaCompliance-EnableCloudTrailLambdaDataEvents",
            # no TrailName: the document finds the account's multi-region trail itself
            resource_parameter="AccountId",
        ),
    )

    def assess_periodic(self, aws, params):
        account = aws.account_id

        def verdict(result, text):
            return [result(text, account, ACCOUNT_TYPE)]

        trails = cloudtrail.trails(aws)
        if not trails:
            return verdict(non_compliant, "no CloudTrail trail exists; create a multi-region trail")
        every = [t for t in trails if t.lambda_events == cloudtrail.ALL]
        ready = [t for t in every if not t.gaps()]
        if ready:
            return verdict(
                compliant,
                f"trail {ready[0].name} logs Lambda data events for all functions "
                "(multi-region, log file validation on)",
            )
        if every:
            best = min(every, key=lambda t: (len(t.gaps()), t.name))
            gaps = " and ".join(best.gaps())
            return verdict(non_compliant, f"trail {best.name} logs Lambda data events but {gaps}")
        partial = [t for t in trails if t.lambda_events == cloudtrail.SOME]
        if partial:
            return verdict(
                non_compliant,
                f"trail {partial[0].name} logs Lambda data events for some functions only; "
                "log Invoke for all functions",
            )
        names = ", ".join(t.name for t in trails[:5]) + (", ..." if len(trails) > 5 else "")
        return verdict(non_compliant, f"no trail logs Lambda data events (trails: {names})")


def lambda_handler(event, context):
    return handle(CLOUDTRAIL_LAMBDA_DATA_EVENTS_ENABLED, event, context)
