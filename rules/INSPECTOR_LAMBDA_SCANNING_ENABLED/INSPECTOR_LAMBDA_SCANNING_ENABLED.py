"""INSPECTOR_LAMBDA_SCANNING_ENABLED (periodic): Amazon Inspector scans Lambda functions: standard
scanning (package vulnerabilities) and, unless requireCodeScanning is false, code scanning; and no
critical finding on a Lambda function has stayed open longer than maxCriticalFindingAgeDays (PCI DSS
6.3.3: critical patches within one month of release; Inspector's first observation is the date the
entity could know of it). Reported on the account (AWS::::Account).

Scenarios:
- Given resourceState.lambda and resourceState.lambdaCode ENABLED, then COMPLIANT.
- Given lambda ENABLED, lambdaCode DISABLED and requireCodeScanning false, then COMPLIANT.
- Given lambdaCode DISABLED (requireCodeScanning true, the default), then NON_COMPLIANT.
- Given lambda standard scanning DISABLED, or an account that never enabled Inspector, then NON_COMPLIANT.
- Given scanning on and an active critical finding on a function first observed more than
  maxCriticalFindingAgeDays ago, then NON_COMPLIANT naming the function, finding and date.
- Given only younger, closed, non-critical or non-Lambda findings, then COMPLIANT.
- Given maxCriticalFindingAgeDays 0, then finding age is not checked (no ListFindings call).
- Given requireCodeScanning that is not true/false, or maxCriticalFindingAgeDays outside 0..365,
  then InvalidParametersError.
"""

from datetime import UTC, datetime, time, timedelta

from lambda_compliance.domain.account import threat_detection
from lambda_compliance.domain.account.threat_detection import ACCOUNT_TYPE, ENABLED
from lambda_compliance.runtime import clock
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class INSPECTOR_LAMBDA_SCANNING_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="Amazon Inspector scans Lambda functions and their code",
        resource_types=(ACCOUNT_TYPE,),
        severity="medium",
        family="account",
        periodic=True,
        parameters=(
            Param.boolean("requireCodeScanning", True, "Require Lambda code scanning as well as standard scanning"),
            Param.integer(
                "maxCriticalFindingAgeDays",
                30,
                "Longest a critical finding on a function may stay open, in days (0: not checked)",
                minimum=0,
                maximum=365,
            ),
        ),
        iam_actions=("inspector2:BatchGetAccountStatus", "inspector2:ListFindings"),
        remediation=Remediation(
            document="LambdaCompliance-EnableInspectorLambdaScanning",
            resource_parameter="AccountId",
            from_rule={"IncludeCodeScanning": "requireCodeScanning"},  # code scanning only where the rule asks
        ),
    )

    def assess_periodic(self, aws, params):
        account = aws.account_id
        status = threat_detection.inspector_status(aws, account)
        if status.lambda_standard != ENABLED:
            text = f"Amazon Inspector Lambda standard scanning is {status.lambda_standard}"
            return [non_compliant(text, account, ACCOUNT_TYPE)]
        if params["requireCodeScanning"] and status.lambda_code != ENABLED:
            text = f"Amazon Inspector Lambda standard scanning is on but code scanning is {status.lambda_code}"
            return [non_compliant(text, account, ACCOUNT_TYPE)]
        scope = "standard and code scanning" if status.lambda_code == ENABLED else "standard scanning"
        days = params["maxCriticalFindingAgeDays"]
        if not days:
            return [compliant(f"Amazon Inspector scans Lambda functions ({scope})", account, ACCOUNT_TYPE)]
        cutoff = datetime.combine(clock.today() - timedelta(days=days), time(), tzinfo=UTC)
        overdue = threat_detection.overdue_critical_lambda_findings(aws, account, cutoff)
        if overdue:
            shown = "; ".join(
                f"{f.function.rsplit(':', 1)[-1]}: {f.title} (since {f.first_observed.date().isoformat()})"
                for f in overdue[:3]
            )
            more = f"; +{len(overdue) - 3} more" if len(overdue) > 3 else ""
            text = f"{len(overdue)} critical Inspector findings on functions open over {days} days: {shown}{more}"
            return [non_compliant(text, account, ACCOUNT_TYPE)]
        text = f"Amazon Inspector scans Lambda functions ({scope}); no critical finding open over {days} days"
        return [compliant(text, account, ACCOUNT_TYPE)]


def lambda_handler(event, context):
    return handle(INSPECTOR_LAMBDA_SCANNING_ENABLED, event, context)
