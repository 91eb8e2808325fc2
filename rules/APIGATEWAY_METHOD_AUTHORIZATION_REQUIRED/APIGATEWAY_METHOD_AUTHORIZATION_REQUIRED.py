"""APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED: every method or route a stage serves requires authorization.

Reports on the stages (AWS::ApiGateway::Stage and AWS::ApiGatewayV2::Stage;
resource id: the stage ARN), because a deployment changes the stage CI: the rule
re-runs whenever changed methods go live. Config records neither REST methods
nor HTTP routes, so the rule reads the API's current definitions through the
reader: REST ``GetResources`` (embed=methods, paginated), HTTP/WebSocket
``GetRoutes``. An authorization type of NONE is open; an API key is not
authorization. OPTIONS (CORS preflight) is exempt, and so are the
``exemptRoutes`` keys ("GET /health"). On a WebSocket API (protocol from the
AWS::ApiGatewayV2::Api CI, else told by its route keys) only ``$connect`` can
carry an authorizer, so only it is judged.

Scenarios:
- Given a REST stage whose API methods all use AWS_IAM, CUSTOM or COGNITO_USER_POOLS, then COMPLIANT.
- Given a REST API method with authorization NONE (other than OPTIONS), then NON_COMPLIANT naming it.
- Given an HTTP API route with authorization NONE, then NON_COMPLIANT naming it.
- Given an open method listed in exemptRoutes, then it is not judged.
- Given an API with only OPTIONS methods, or that no longer exists, then NOT_APPLICABLE.
- Given a deleted stage, then NOT_APPLICABLE.
- Given a stage CI without stageName, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.api_gateway.resources import (
    ROUTE_KEY,
    STAGE_TYPES,
    V2_API,
    http_routes,
    keys,
    rest_methods,
    stage_ref,
    unauthorized,
    v2_protocol,
    websocket_routes,
)
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


class APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED(ComplianceRule):
    spec = RuleSpec(
        title="API Gateway methods and routes require authorization (OPTIONS exempt)",
        resource_types=STAGE_TYPES,
        severity="high",
        family="apigateway",
        parameters=(
            Param.string_list(
                "exemptRoutes", (), "Method or route keys that may stay open, e.g. 'GET /health'", pattern=ROUTE_KEY
            ),
        ),
        iam_actions=("apigateway:GET", "config:BatchGetResourceConfig"),
        related_types=(V2_API,),
    )

    def assess(self, ci, aws, params):
        stage = stage_ref(ci)
        if stage.kind == "REST":
            noun, websocket, operations = "method", False, rest_methods(aws, stage.api_id)
        else:
            noun, operations = "route", http_routes(aws, stage.api_id)
            websocket = operations is not None and (
                v2_protocol(aws, stage.api_id) == "WEBSOCKET" or websocket_routes(operations)
            )
        if operations is None:
            return [not_applicable(f"{stage.label}: API {stage.api_id} no longer exists")]
        judged, open_ = unauthorized(operations, params["exemptRoutes"], websocket=websocket)
        if not judged:
            what = "no $connect route" if websocket else f"no {noun}s besides OPTIONS and exempt ones"
            return [not_applicable(f"{stage.label}: API has {what}")]
        if open_:
            return [
                non_compliant(
                    f"{stage.label}: {plural(len(open_), noun)} callable without authorization: {keys(open_)}"
                )
            ]
        return [compliant(f"{stage.label}: every {noun} requires authorization ({len(judged)} checked)")]


def lambda_handler(event, context):
    return handle(APIGATEWAY_METHOD_AUTHORIZATION_REQUIRED, event, context)
