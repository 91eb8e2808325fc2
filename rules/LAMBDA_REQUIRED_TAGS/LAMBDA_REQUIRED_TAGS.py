"""LAMBDA_REQUIRED_TAGS: the function carries every tag in requiredTagKeys with a non-empty value.

Ownership and environment tags are how an incident reaches a team and how a
compliance scope (production, cardholder data) is drawn. Tags are in the CI.
Keys are case-sensitive, as in AWS; a key present in another case is pointed out.

Scenarios:
- Given every required key with a value, then COMPLIANT.
- Given a missing key, an empty value, or a key in another case, then NON_COMPLIANT naming the keys.
- Given a deleted function, then NOT_APPLICABLE.
- Given a CI whose configuration did not decode, then NON_COMPLIANT (malformed CI).
- Given requiredTagKeys with an invalid tag key, then InvalidParametersError naming requiredTagKeys.
"""

from lambda_compliance.domain.functions.function_ci import case_variants, function_name, missing_tags
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.params import TAG_KEY, Param
from lambda_compliance.runtime.rulebase import ComplianceRule, RuleSpec, compliant, handle, non_compliant


class LAMBDA_REQUIRED_TAGS(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function carries the required tags",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="lambda",
        parameters=(
            Param.string_list(
                "requiredTagKeys",
                ("Owner", "Environment"),
                "Tag keys every function must carry with a value (case-sensitive)",
                pattern=TAG_KEY,
            ),
        ),
    )

    def assess(self, ci, aws, params):
        function_name(ci)  # a CI whose configuration did not decode cannot be judged
        required = params["requiredTagKeys"]
        missing = missing_tags(ci, required)
        if not missing:
            return [compliant(f"tagged {listing(required)}")]
        variants = case_variants(ci, missing)
        hint = f" (found {listing([variants[k] for k in missing if k in variants])}: keys are case-sensitive)"
        return [non_compliant(f"missing or empty tags: {listing(missing)}{hint if variants else ''}")]


def lambda_handler(event, context):
    return handle(LAMBDA_REQUIRED_TAGS, event, context)
