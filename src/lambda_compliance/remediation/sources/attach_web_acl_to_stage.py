"""LambdaCompliance-AttachWebAclToStage: fixes APIGATEWAY_STAGE_WAF_ATTACHED."""

from botocore.exceptions import ClientError

from lambda_compliance.remediation.sources._shared import (
    STAGE_ARN,
    RemediationError,
    apply,
    client,
    error_code,
    param,
    stage_of,
    unchanged,
    wants_dry_run,
)

WEB_ACL_ARN = r"^arn:aws[a-zA-Z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[a-zA-Z0-9_-]{1,128}/[a-f0-9-]{36}$"
# The rule's allowedWebAclArns as the pack passes it: comma-separated ARNs (the pack parameter's own pattern).
ALLOWED_WEB_ACLS = r'^[^"\\]{0,1024}$'

DOCUMENT = {
    "name": "LambdaCompliance-AttachWebAclToStage",
    "does": "Attaches an AWS WAF web ACL to an API Gateway REST API stage",
    "input": "StageArn (arn:aws:apigateway:<region>::/restapis/<api>/stages/<stage>, the stage's AWS Config "
    "resource id), WebAclArn (a regional WAFv2 web ACL) and AllowedWebAclArns",
    "details": [
        "Associates the web ACL with the stage (wafv2:AssociateWebACL). A stage that already has a web ACL keeps "
        "it: this document never swaps one for another. HTTP and WebSocket API stages cannot carry a web ACL, "
        "and the run says so.",
        "With AllowedWebAclArns (a pack passes the rule's allowedWebAclArns) the run fails, changing nothing, when "
        "WebAclArn is not one of them, or when the stage keeps a web ACL that is not: either way the rule would "
        "still find the stage NON_COMPLIANT.",
        "The web ACL's rules then decide which requests reach the API: this can change access, so run it with an "
        "operator's approval.",
    ],
    "settings_only": False,
    "pack_parameters": {"WebAclArn": "ApiStageWebAclArn"},
    "parameters": {
        "StageArn": {"description": "ARN of the REST API stage.", "allowedPattern": STAGE_ARN},
        "WebAclArn": {"description": "ARN of the regional WAFv2 web ACL to attach.", "allowedPattern": WEB_ACL_ARN},
        "AllowedWebAclArns": {
            "description": "Comma-separated web ACL ARNs a stage may use; empty: any.",
            "allowedPattern": ALLOWED_WEB_ACLS,
            "default": "",
        },
    },
}


def handler(events, context):
    stage_arn = param(events, "StageArn", STAGE_ARN, "an API Gateway stage ARN")
    acl = param(events, "WebAclArn", WEB_ACL_ARN, "the ARN of a regional WAFv2 web ACL")
    listed = param(events, "AllowedWebAclArns", ALLOWED_WEB_ACLS, "comma-separated web ACL ARNs, or empty")
    allowed = [a.strip() for a in listed.split(",") if a.strip()]
    if allowed and acl not in allowed:
        raise RemediationError(
            f"WebAclArn {acl} is not in AllowedWebAclArns: the stage would still be NON_COMPLIANT; "
            "pass one of the allowed web ACLs"
        )
    dry_run = wants_dry_run(events)
    kind, api_id, stage, _, _ = stage_of(stage_arn)
    if kind != "REST":
        raise RemediationError(f"{stage_arn} is an HTTP or WebSocket API stage; AWS WAF attaches to REST stages only")
    apigw, waf = client("apigateway"), client("wafv2")
    try:
        apigw.get_stage(restApiId=api_id, stageName=stage)
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            raise RemediationError(f"stage {stage} of REST API {api_id} does not exist") from None
        raise
    current = (waf.get_web_acl_for_resource(ResourceArn=stage_arn).get("WebACL") or {}).get("ARN")
    previous = {"stageArn": stage_arn, "webAclArn": current}
    if current and allowed and current not in allowed:
        raise RemediationError(
            f"stage {stage} of {api_id} is protected by {current}, which is not in AllowedWebAclArns; this "
            "document never replaces a web ACL: swap it by hand"
        )
    if current:
        other = "" if current == acl else f" (not replacing it with {acl})"
        return unchanged(f"stage {stage} of {api_id} is already protected by {current}{other}", previous)
    undo = f"aws wafv2 disassociate-web-acl --resource-arn '{stage_arn}'"

    def change():
        try:
            waf.associate_web_acl(WebACLArn=acl, ResourceArn=stage_arn)
        except ClientError as exc:
            if error_code(exc) in ("WAFNonexistentItemException", "WAFInvalidParameterException"):
                raise RemediationError(f"AWS WAF cannot attach {acl} to {stage_arn} ({error_code(exc)})") from None
            raise

    return apply(dry_run, f"attach web ACL {acl} to stage {stage} of REST API {api_id}", previous, undo, change)
