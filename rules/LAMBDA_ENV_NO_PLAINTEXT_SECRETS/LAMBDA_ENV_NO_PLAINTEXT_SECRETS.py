"""LAMBDA_ENV_NO_PLAINTEXT_SECRETS: no credential sits in plaintext in the function's environment variables.

Variables come from GetFunctionConfiguration (the CI lacks them). The annotation
names variables and the kind of credential, never a value; references to Secrets
Manager or SSM (ARNs, {{resolve:...}}, parameter paths) are the remedy, not findings.

Scenarios:
- Given no environment variables, then NOT_APPLICABLE.
- Given variables with no credential, or only references, then COMPLIANT.
- Given a credential-shaped value or a secret-named high-entropy value, then NON_COMPLIANT naming the variables.
- Given a storage connection string with an account key or signature, a chat webhook URL with its secret, an
  Authorization value (Bearer/Basic), a wrapped or DER private key, a dotenv/INI/JSON blob with a secret member,
  a guessable password under a password name, or plaintext under a ciphertext name, then NON_COMPLIANT.
- Given values public by design (Stripe publishable keys, CAPTCHA site keys), then COMPLIANT.
- Given a flagged variable listed in ignoredVariables (an accepted false positive), then COMPLIANT.
- Given a function that vanished before the lookup, then NOT_APPLICABLE.
"""

from lambda_compliance.domain.functions import lambda_api
from lambda_compliance.domain.functions.env_secrets import find_plaintext_secrets
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_ENV_NO_PLAINTEXT_SECRETS(ComplianceRule):
    spec = RuleSpec(
        title="Lambda environment variables hold no plaintext credentials",
        resource_types=("AWS::Lambda::Function",),
        severity="critical",
        family="lambda",
        iam_actions=("lambda:GetFunctionConfiguration",),
        parameters=(
            Param.string_list(
                "ignoredVariables",
                (),
                "Variable names accepted as not secret (reviewed false positives)",
                pattern=r"[A-Za-z_][A-Za-z0-9_]{0,255}",
            ),
        ),
    )

    def assess(self, ci, aws, params):
        configuration = lambda_api.function_configuration(aws, ci.resource_id)
        if configuration is None:
            return [not_applicable("function no longer exists")]
        variables = lambda_api.variables_of(configuration)
        if not variables:
            return [not_applicable("function has no environment variables")]
        ignored = set(params["ignoredVariables"])
        findings = [f for f in find_plaintext_secrets(variables) if f.name not in ignored]
        if not findings:
            return [compliant(f"no plaintext credential in {len(variables)} environment variable(s)")]
        names = listing([f.name for f in findings], 90)
        kinds = listing(sorted({f.kind for f in findings}), 100)
        return [non_compliant(f"plaintext credentials in {names} ({kinds}); move them to Secrets Manager")]


def lambda_handler(event, context):
    return handle(LAMBDA_ENV_NO_PLAINTEXT_SECRETS, event, context)
