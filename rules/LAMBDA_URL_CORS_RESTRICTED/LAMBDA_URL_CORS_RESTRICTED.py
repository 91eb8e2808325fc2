"""LAMBDA_URL_CORS_RESTRICTED (periodic): a function URL's CORS does not let any website call it.

With AllowOrigins ``*`` (or ``null``, which any page can present) every web page a user visits can call the URL from the
browser and read the answer. Config records no function URLs: for each
function in the Config inventory the rule reads GetFunctionUrlConfig of the
unqualified function (one call per function: Lambda has no account-wide URL
listing, and a URL with AWS_IAM auth needs no resource-policy statement, so the
policy cannot tell which functions have one:
https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html). Where one run
cannot read every function within Lambda's 15 minutes, runs take turns, stalest
first (runtime/sweep.py). URLs on aliases are not read; LAMBDA_URL_AUTH_REQUIRED
catches unauthenticated ones through the resource policy.

Scenarios:
- Given a URL whose CORS lists specific origins (within allowedOrigins when set), then COMPLIANT.
- Given a URL without CORS, then COMPLIANT (browsers block cross-origin calls).
- Given an origin with a wildcard (``*``) or the opaque origin ``null``, then NON_COMPLIANT naming it.
- Given allowedOrigins and an origin outside it, then NON_COMPLIANT naming the origin.
- Given a function without URL, then NOT_APPLICABLE.
- Given more functions than one run may read, then this run reads those never or longest ago evaluated,
  leaves the others' results as Config holds them, and a deleted function with a result is NOT_APPLICABLE.
- Given an inventory CI whose configuration did not decode, then it is judged by its resource name.
- Given allowedOrigins with a value that is not an http(s) origin, then InvalidParametersError naming it.
"""

from lambda_compliance.domain.functions import lambda_api
from lambda_compliance.domain.functions.function_ci import FUNCTION, candidates
from lambda_compliance.domain.functions.settings import cors_origins, open_origins, unlisted_origins
from lambda_compliance.runtime import sweep
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


class LAMBDA_URL_CORS_RESTRICTED(ComplianceRule):
    spec = RuleSpec(
        title="Lambda function URL CORS does not allow every origin",
        resource_types=("AWS::Lambda::Function",),
        severity="medium",
        family="lambda",
        periodic=True,
        parameters=(
            Param.string_list(
                "allowedOrigins",
                (),
                "Origins a function URL may allow (e.g. https://shop.example.com); empty: any but *",
                pattern=r"https?://[A-Za-z0-9.-]+(:\d{1,5})?",
            ),
        ),
        iam_actions=("config:SelectResourceConfig", "lambda:GetFunctionUrlConfig"),
    )

    def assess_periodic(self, aws, params):
        turn = sweep.take_turn(self, aws, self.rule_name(), candidates(aws))
        yield from sweep.gone_evaluations(turn, "function no longer exists")
        for ci in turn.due:
            fid = ci.resource_id
            url = lambda_api.function_url_config(aws, fid)
            if url is None:
                yield not_applicable("function has no URL", fid, FUNCTION)
                continue
            origins = cors_origins(url)
            opened = open_origins(origins)
            outside = unlisted_origins(origins, params["allowedOrigins"])
            if opened:
                yield non_compliant(f"function URL CORS allows any origin ({listing(opened)})", fid, FUNCTION)
            elif outside:
                yield non_compliant(
                    f"function URL CORS allows {listing(outside, 150)}, not in allowedOrigins", fid, FUNCTION
                )
            elif origins:
                yield compliant(f"function URL CORS allows only {listing(origins, 150)}", fid, FUNCTION)
            else:
                yield compliant("function URL has no CORS origins: browsers block cross-origin calls", fid, FUNCTION)


def lambda_handler(event, context):
    return handle(LAMBDA_URL_CORS_RESTRICTED, event, context)
