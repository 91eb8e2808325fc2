"""APIGATEWAY_STAGE_WAF_ATTACHED: a REST API stage is protected by an AWS WAF web ACL.

Reports on AWS::ApiGateway::Stage (resource id: the stage ARN) from the CI's
``webAclArn`` (a WAFv2 or WAF Classic regional web ACL). HTTP APIs cannot be
associated with AWS WAF, so AWS::ApiGatewayV2::Stage is out of scope. With
``allowedWebAclArns`` set, the attached web ACL must be one of them.
Remediation: LambdaCompliance-AttachWebAclToStage with StageArn = RESOURCE_ID.

Scenarios:
- Given a stage whose webAclArn names a web ACL, then COMPLIANT.
- Given a stage without webAclArn, then NON_COMPLIANT.
- Given allowedWebAclArns and a stage using a web ACL not in it, then NON_COMPLIANT.
- Given a deleted stage, then NOT_APPLICABLE.
- Given a stage CI without stageName, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.api_gateway.resources import REST_STAGE, stage_ref
from lambda_compliance.domain.api_gateway.settings import web_acl_name
from lambda_compliance.runtime.params import ARN, Param
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    Remediation,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class APIGATEWAY_STAGE_WAF_ATTACHED(ComplianceRule):
    spec = RuleSpec(
        title="API Gateway REST API stage is protected by an AWS WAF web ACL",
        resource_types=(REST_STAGE,),
        severity="medium",
        family="apigateway",
        parameters=(
            Param.string_list(
                "allowedWebAclArns", (), "Web ACL ARNs a stage may use (empty: any web ACL)", pattern=ARN
            ),
        ),
        remediation=Remediation(
            document="LambdaCompliance-AttachWebAclToStage",
            resource_parameter="StageArn",
            # the document refuses a web ACL the rule would not accept, rather than attach it
            from_rule={"AllowedWebAclArns": "allowedWebAclArns"},
        ),
    )

    def assess(self, ci, aws, params):
        stage = stage_ref(ci)
        acl = ci.get("webAclArn", kind=str)
        if not acl:
            return [non_compliant(f"{stage.label} has no AWS WAF web ACL attached")]
        allowed = params["allowedWebAclArns"]
        if allowed and acl not in allowed:
            return [non_compliant(f"{stage.label} uses web ACL {web_acl_name(acl)}, which is not in allowedWebAclArns")]
        return [compliant(f"{stage.label} is protected by web ACL {web_acl_name(acl)}")]


def lambda_handler(event, context):
    return handle(APIGATEWAY_STAGE_WAF_ATTACHED, event, context)
