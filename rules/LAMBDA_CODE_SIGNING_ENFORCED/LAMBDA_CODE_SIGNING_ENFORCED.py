"""LAMBDA_CODE_SIGNING_ENFORCED: the function only accepts code signed by an allowed publisher.

Config records code signing configs but does not link them from the function:
the rule reads GetFunctionCodeSigningConfig, then the config itself
(GetCodeSigningConfig, once per config). Enforced means
UntrustedArtifactOnDeployment is Enforce; with allowedSigningProfiles set, every
allowed publisher must be one of them (a profile ARN covers its versions).

Scenarios:
- Given a code signing config with policy Enforce (and publishers within allowedSigningProfiles), then COMPLIANT.
- Given no code signing config, then NON_COMPLIANT.
- Given a config whose policy is Warn, then NON_COMPLIANT naming the config.
- Given a config allowing a publisher outside allowedSigningProfiles, then NON_COMPLIANT naming the profile.
- Given a config that no longer exists, then NON_COMPLIANT naming it.
- Given a container-image function, then NOT_APPLICABLE (Lambda does not sign images).
- Given a CI whose configuration did not decode, then NON_COMPLIANT (malformed CI).
- Given allowedSigningProfiles with a value that is not an ARN, then InvalidParametersError naming it.
"""

from lambda_compliance.domain.functions.function_ci import function_name, is_image
from lambda_compliance.domain.functions.settings import code_signing, unapproved_publishers
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.params import ARN, Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_CODE_SIGNING_ENFORCED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function enforces code signing by allowed publishers",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="lambda",
        parameters=(
            Param.string_list(
                "allowedSigningProfiles",
                (),
                "Signer profile (or profile version) ARNs a config may allow; empty: any publisher",
                pattern=ARN,
            ),
        ),
        iam_actions=("lambda:GetFunctionCodeSigningConfig", "lambda:GetCodeSigningConfig"),
    )

    def assess(self, ci, aws, params):
        name = function_name(ci)
        if is_image(ci):
            return [not_applicable("container image functions do not support code signing")]
        signing = code_signing(aws, name)
        if signing is None:
            return [non_compliant("no code signing config: unsigned code can be deployed")]
        if signing.config is None:
            return [non_compliant(f"code signing config {signing.arn} not found")]
        if signing.policy != "Enforce":
            return [
                non_compliant(
                    f"code signing config {signing.config_id} only warns on untrusted code "
                    f"(UntrustedArtifactOnDeployment {signing.policy}); set Enforce"
                )
            ]
        outside = unapproved_publishers(signing.publishers, params["allowedSigningProfiles"])
        if outside:
            return [
                non_compliant(
                    f"code signing config {signing.config_id} allows publisher {listing(outside, 150)} "
                    "outside allowedSigningProfiles"
                )
            ]
        return [compliant(f"code signing config {signing.config_id} enforces signatures")]


def lambda_handler(event, context):
    return handle(LAMBDA_CODE_SIGNING_ENFORCED, event, context)
