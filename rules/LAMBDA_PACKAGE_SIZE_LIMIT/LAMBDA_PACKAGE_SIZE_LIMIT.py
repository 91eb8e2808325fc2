"""LAMBDA_PACKAGE_SIZE_LIMIT: the deployment package and the layer count stay within limits.

A bloated package slows cold starts and usually carries unused, unpatched
dependencies; many layers make the deployed code hard to review. The CI
records codeSize (the zip, in bytes) and the layers.

Scenarios:
- Given codeSize at most maxCodeSizeMB (default 50) MiB and at most maxLayers (default 5) layers, then COMPLIANT.
- Given a larger package, then NON_COMPLIANT with its size and the limit.
- Given more layers than maxLayers, then NON_COMPLIANT with the count and the limit.
- Given a container-image function, then NOT_APPLICABLE (no zip package, no layers).
- Given a CI without a valid codeSize, then NON_COMPLIANT (malformed CI).
- Given maxCodeSizeMB outside 1..250 or maxLayers outside 0..5, then InvalidParametersError naming it.
"""

from lambda_compliance.domain.functions.function_ci import MIB, code_size, human_size, is_image, layers
from lambda_compliance.runtime.annotations import plural
from lambda_compliance.runtime.params import Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_PACKAGE_SIZE_LIMIT(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function package size and layer count stay within limits",
        resource_types=("AWS::Lambda::Function",),
        severity="low",
        family="lambda",
        parameters=(
            Param.integer("maxCodeSizeMB", 50, "Largest deployment package (zip) in MiB", minimum=1, maximum=250),
            Param.integer("maxLayers", 5, "Most layers a function may use", minimum=0, maximum=5),
        ),
    )

    def assess(self, ci, aws, params):
        if is_image(ci):
            return [not_applicable("container image function: no zip package or layers")]
        size = code_size(ci)
        count = len(layers(ci))
        problems = []
        if size > params["maxCodeSizeMB"] * MIB:
            problems.append(f"package is {human_size(size)}, above the {params['maxCodeSizeMB']} MiB limit")
        if count > params["maxLayers"]:
            problems.append(f"{count} layers, above the limit of {params['maxLayers']}")
        if problems:
            return [non_compliant("; ".join(problems))]
        return [compliant(f"package is {human_size(size)} with {plural(count, 'layer')}")]


def lambda_handler(event, context):
    return handle(LAMBDA_PACKAGE_SIZE_LIMIT, event, context)
