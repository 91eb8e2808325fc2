"""SSM_SECRET_PARAMETERS_SECURESTRING (periodic): parameters named like secrets are SecureStrings.

Judged on metadata only (ssm:DescribeParameters); a parameter value is never read.

Scenarios:
- Given a SecureString parameter, then COMPLIANT.
- Given a String or StringList parameter whose name's last segment says secret (password, token,
  api-key, client-secret, ...), then NON_COMPLIANT naming the word, never the value.
- Given a StringList named in the plural (passwords, api-keys), then judged like the String singular.
- Given a String parameter that only refers to a secret (db-password-arn, token-ttl), then it is
  not evaluated.
- Given extraSecretWords, then those words mark names as secrets too.
- Given extraSecretWords with a non-alphanumeric word, then InvalidParametersError.
"""

from lambda_compliance.domain.data_stores import ssm_parameters
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import ComplianceRule, RuleSpec, compliant, handle, non_compliant


class SSM_SECRET_PARAMETERS_SECURESTRING(ComplianceRule):
    spec = RuleSpec(
        title="SSM parameters that hold secrets are SecureString parameters",
        resource_types=(ssm_parameters.PARAMETER_TYPE,),
        severity="high",
        family="data",
        periodic=True,
        parameters=(
            Param.string_list(
                "extraSecretWords",
                (),
                "More words that mark a parameter name as a secret (letters and digits)",
                pattern=r"[A-Za-z0-9]{2,40}",
            ),
        ),
        iam_actions=("ssm:DescribeParameters",),
    )

    def assess_periodic(self, aws, params):
        evaluations = []
        for parameter in ssm_parameters.parameters(aws):
            name, kind = parameter["Name"], str(parameter.get("Type") or "String")
            resource = ssm_parameters.resource_id(name)
            if kind == ssm_parameters.SECURE_STRING:
                evaluations.append(
                    compliant("SecureString parameter, encrypted with KMS", resource, ssm_parameters.PARAMETER_TYPE)
                )
                continue
            marker = ssm_parameters.secret_marker(name, params["extraSecretWords"])
            if marker:
                evaluations.append(
                    non_compliant(
                        f"{kind} parameter named like a secret ('{marker}'); store it as a SecureString",
                        resource,
                        ssm_parameters.PARAMETER_TYPE,
                    )
                )
        return evaluations


def lambda_handler(event, context):
    return handle(SSM_SECRET_PARAMETERS_SECURESTRING, event, context)
