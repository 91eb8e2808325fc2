"""LAMBDA_LAYERS_TRUSTED: every layer comes from the function's own account or a trusted account.

A layer runs inside the function with its role's permissions: a layer from an
unknown publisher is third-party code with access to the function's data.
Layer ARNs are in the CI (configuration.layers[].arn); no API call.

Scenarios:
- Given layers published by the function's account or by trustedAccounts, then COMPLIANT.
- Given a layer from another account, then NON_COMPLIANT naming the layer ARN.
- Given no layers, then NOT_APPLICABLE.
- Given a layers field that is not a list of layers with ARNs, then NON_COMPLIANT (malformed CI).
- Given trustedAccounts with a value that is not a 12-digit account id, then InvalidParametersError naming it.
"""

from lambda_compliance.domain.functions.function_ci import function_name, layers, untrusted_layers
from lambda_compliance.runtime.annotations import listing, plural
from lambda_compliance.runtime.params import ACCOUNT_ID, Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_LAYERS_TRUSTED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function uses layers only from its own or trusted accounts",
        resource_types=("AWS::Lambda::Function",),
        severity="high",
        family="lambda",
        parameters=(
            Param.string_list(
                "trustedAccounts",
                (),
                "Accounts whose layers are trusted besides the function's own (e.g. a shared-services account)",
                pattern=ACCOUNT_ID,
            ),
        ),
    )

    def assess(self, ci, aws, params):
        function_name(ci)  # a CI whose configuration did not decode cannot be judged
        used = layers(ci)
        if not used:
            return [not_applicable("function uses no layers")]
        untrusted = untrusted_layers(ci, params["trustedAccounts"])
        if untrusted:
            return [non_compliant(f"layer from an untrusted account: {listing([u.arn for u in untrusted], 200)}")]
        return [compliant(f"{plural(len(used), 'layer')}, all from trusted accounts")]


def lambda_handler(event, context):
    return handle(LAMBDA_LAYERS_TRUSTED, event, context)
