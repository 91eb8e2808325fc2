"""INSPECTOR_LAMBDA_SCANNING_ENABLED (periodic): Amazon Inspector scans Lambda functions: standard
scanning (package vulnerabilities) and, unless requireCodeScanning is false, code scanning.
Reported on the account (AWS::::Account).

Scenarios:
- Given resourceState.lambda and resourceState.lambdaCode ENABLED, then COMPLIANT.
- Given lambda ENABLED, lambdaCode DISABLED and requireCodeScanning false, then COMPLIANT.
- Given lambdaCode DISABLED (requireCodeScanning true, the default), then NON_COMPLIANT.
- Given lambda standard scanning DISABLED, or an account that never enabled Inspector, then NON_COMPLIANT.
- Given requireCodeScanning that is not true/false, then InvalidParametersError.
"""

from lambda_compliance.domain.account import threat_detection
from lambda_compliance.domain.account.threat_detection import ACCOUNT_TYPE, ENABLED
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
        ),
        iam_actions=("inspector2:BatchGetAccountStatus",),
        remediation=Remediation(
            document="LambdaCompliance-EnableInspectorLambdaScanning",
            resource_parameter="AccountId",
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
        return [compliant(f"Amazon Inspector scans Lambda functions ({scope})", account, ACCOUNT_TYPE)]


def lambda_handler(event, context):
    return handle(INSPECTOR_LAMBDA_SCANNING_ENABLED, event, context)
