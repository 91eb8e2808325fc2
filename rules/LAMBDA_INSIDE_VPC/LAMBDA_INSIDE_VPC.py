"""LAMBDA_INSIDE_VPC: the function is attached to a VPC (vpcConfig lists subnets).

A function outside a VPC reaches the internet directly and private resources
only through public endpoints; inside a VPC its traffic is subject to security
groups, NACLs, flow logs and VPC endpoints.

Scenarios:
- Given vpcConfig with subnets, then COMPLIANT naming the subnets.
- Given no vpcConfig or an empty subnet list, then NON_COMPLIANT.
- Given no VPC but the function carries the exemptTagKey tag, then NOT_APPLICABLE naming the tag.
- Given a vpcConfig that is not an object, then NON_COMPLIANT (malformed CI).
- Given an exemptTagKey that is not a valid tag key, then InvalidParametersError naming exemptTagKey.
"""

from lambda_compliance.domain.functions.function_ci import function_name
from lambda_compliance.domain.functions.network import vpc_attachment
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.params import TAG_KEY, Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
    not_applicable,
)


class LAMBDA_INSIDE_VPC(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function runs inside a VPC",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="lambda",
        parameters=(
            Param.string(
                "exemptTagKey",
                None,
                "Tag key exempting a function that must run outside a VPC (any value); unset: no exemption",
                pattern=TAG_KEY,
            ),
        ),
    )

    def assess(self, ci, aws, params):
        function_name(ci)  # a CI whose configuration did not decode cannot be judged
        attachment = vpc_attachment(ci)
        if attachment:
            return [compliant(f"runs in a VPC through subnets {listing(attachment.subnet_ids)}")]
        exempt = params["exemptTagKey"]
        if exempt and exempt in ci.tags:
            return [not_applicable(f"exempt from VPC placement by tag {exempt}")]
        return [non_compliant("function is not attached to a VPC")]


def lambda_handler(event, context):
    return handle(LAMBDA_INSIDE_VPC, event, context)
