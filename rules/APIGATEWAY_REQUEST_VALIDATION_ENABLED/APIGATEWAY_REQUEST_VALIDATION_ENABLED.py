"""APIGATEWAY_REQUEST_VALIDATION_ENABLED: REST API methods that take input validate requests first.

Reports on AWS::ApiGateway::Stage (resource id: the stage ARN), because a
deployment changes the stage CI: the rule re-runs whenever changed methods go
live. Config records neither methods nor request validators, so the rule reads
the API's ``GetResources`` (embed=methods, paginated) and ``GetRequestValidators``
through the reader. A method of one of ``httpMethods`` passes when its
``requestValidatorId`` names a validator that validates the body or the
parameters. HTTP APIs have no request validation, so V2 stages are out of scope;
OPTIONS is never judged.

Scenarios:
- Given every POST/PUT/PATCH/DELETE/ANY method with a body or parameter validator, then COMPLIANT.
- Given such a method without a validator, or with one that validates nothing, then NON_COMPLIANT naming it.
- Given an API with none of httpMethods, or that no longer exists, then NOT_APPLICABLE.
- Given a deleted stage, then NOT_APPLICABLE.
- Given a stage CI without stageName, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.api_gateway.resources import (
    HTTP_METHOD,
    REST_STAGE,
    keys,
    request_validators,
    rest_methods,
    stage_ref,
    unvalidated,
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


class APIGATEWAY_REQUEST_VALIDATION_ENABLED(ComplianceRule):
    spec = RuleSpec(
        title="API Gateway REST API methods that take input validate requests",
        resource_types=(REST_STAGE,),
        severity="low",
        family="apigateway",
        parameters=(
            Param.string_list(
                "httpMethods",
                ("ANY", "DELETE", "PATCH", "POST", "PUT"),
                "HTTP methods whose requests must be validated (OPTIONS is never judged)",
                pattern=HTTP_METHOD,
            ),
        ),
        iam_actions=("apigateway:GET",),
    )

    def assess(self, ci, aws, params):
        stage = stage_ref(ci)
        operations = rest_methods(aws, stage.api_id)
        if operations is None:
            return [not_applicable(f"{stage.label}: API {stage.api_id} no longer exists")]
        methods = params["httpMethods"]
        if not any(op.method in methods for op in operations):
            return [not_applicable(f"{stage.label}: API has no {', '.join(methods)} methods")]
        judged, failing = unvalidated(operations, request_validators(aws, stage.api_id), methods)
        if failing:
            return [
                non_compliant(
                    f"{stage.label}: {plural(len(failing), 'method')} not validated by a request validator: "
                    f"{keys(failing)}"
                )
            ]
        return [
            compliant(f"{stage.label}: every {', '.join(methods)} method validates requests ({len(judged)} checked)")
        ]


def lambda_handler(event, context):
    return handle(APIGATEWAY_REQUEST_VALIDATION_ENABLED, event, context)
