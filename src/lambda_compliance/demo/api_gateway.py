"""The payments APIs: REST and HTTP APIs in front of the payments functions, with good and bad stages.

What each API Gateway rule finds here (tests rely on it):

* ``payments-api`` (REST): POST /checkout and GET /orders/{orderId} use the
  payment-authorizer Lambda authorizer, POST /refunds is open and unvalidated.
  Stage ``prod`` has a WAFv2 web ACL, access + execution logs, X-Ray and a
  200/s limit; stage ``staging`` has none of it and lets POST /refunds run at 5000/s.
* ``merchant-admin-api`` (REST): IAM-authorized, validated methods; stage ``v1``
  logs, traces and throttles but has no web ACL.
* ``payments-webhooks`` (HTTP): POST /webhooks/stripe is open (the function
  checks the Stripe signature itself), GET /status needs a JWT; stage
  ``$default`` writes access logs and throttles at 50/s.
* ``partner-api`` (HTTP): IAM-authorized routes; stage ``live`` neither logs nor throttles.
* Custom domains: legacy.payments.example.com accepts TLS 1.0; api.payments.example.com
  (REST) and hooks.payments.example.com (HTTP) require TLS 1.2.
"""

from __future__ import annotations

from typing import Any

from lambda_compliance.demo import Estate

ORDER = 40
ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",'
    '"path":"$context.path","status":"$context.status","tls":"$context.tlsVersion"}'
)


def _function_arn(estate: Estate, name: str) -> str:
    return f"arn:aws:lambda:{estate.region}:{estate.account_id}:function:{name}"


def _invocation_uri(estate: Estate, function: str) -> str:
    return (
        f"arn:aws:apigateway:{estate.region}:lambda:path/2015-03-31/functions/"
        f"{_function_arn(estate, function)}/invocations"
    )


def _log_group_arn(estate: Estate, name: str) -> str:
    return f"arn:aws:logs:{estate.region}:{estate.account_id}:log-group:{name}"


class _RestApi:
    """A REST API built resource by resource, each method proxied to a Lambda function."""

    def __init__(self, estate: Estate, name: str, description: str) -> None:
        self.estate = estate
        self.client = estate.client("apigateway")
        api = self.client.create_rest_api(
            name=name, description=description, endpointConfiguration={"types": ["REGIONAL"]}
        )
        self.id = api["id"]
        self._paths = {"/": api["rootResourceId"]}

    def resource(self, path: str) -> str:
        if path not in self._paths:
            parent, _, part = path.rpartition("/")
            parent_id = self.resource(parent or "/")
            created = self.client.create_resource(restApiId=self.id, parentId=parent_id, pathPart=part)
            self._paths[path] = created["id"]
        return self._paths[path]

    def method(self, verb: str, path: str, function: str | None, authorization: str = "NONE", **kwargs: Any) -> None:
        resource = self.resource(path)
        self.client.put_method(
            restApiId=self.id, resourceId=resource, httpMethod=verb, authorizationType=authorization, **kwargs
        )
        if function:
            self.client.put_integration(
                restApiId=self.id,
                resourceId=resource,
                httpMethod=verb,
                type="AWS_PROXY",
                integrationHttpMethod="POST",
                uri=_invocation_uri(self.estate, function),
            )
        else:  # CORS preflight answered by API Gateway itself
            self.client.put_integration(restApiId=self.id, resourceId=resource, httpMethod=verb, type="MOCK")

    def stage(self, name: str, deployment: str, *patches: tuple[str, str]) -> str:
        if deployment == "new":
            self.client.create_deployment(restApiId=self.id, stageName=name, description=f"{name} release")
        else:
            self.client.create_stage(restApiId=self.id, stageName=name, deploymentId=deployment)
        if patches:
            self.client.update_stage(
                restApiId=self.id,
                stageName=name,
                patchOperations=[{"op": "replace", "path": path, "value": value} for path, value in patches],
            )
        return f"arn:aws:apigateway:{self.estate.region}::/restapis/{self.id}/stages/{name}"


def _observed(estate: Estate, api: str, stage: str, rate: int, burst: int) -> tuple[tuple[str, str], ...]:
    """Stage patches for access logs, execution logs, X-Ray and throttling."""
    return (
        ("/accessLogSettings/destinationArn", _log_group_arn(estate, f"/aws/apigateway/{api}-{stage}")),
        ("/accessLogSettings/format", ACCESS_LOG_FORMAT),
        ("/*/*/logging/loglevel", "ERROR"),
        ("/*/*/metrics/enabled", "true"),
        ("/*/*/throttling/rateLimit", str(rate)),
        ("/*/*/throttling/burstLimit", str(burst)),
        ("/tracingEnabled", "true"),
    )


def _payments_api(estate: Estate) -> dict[str, str]:
    api = _RestApi(estate, "payments-api", "Public checkout and refunds API")
    authorizer = api.client.create_authorizer(
        restApiId=api.id,
        name="payment-authorizer",
        type="TOKEN",
        authorizerUri=_invocation_uri(estate, "payment-authorizer"),
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=300,
    )["id"]
    body = api.client.create_request_validator(
        restApiId=api.id, name="validate-body", validateRequestBody=True, validateRequestParameters=False
    )["id"]
    custom = {"authorization": "CUSTOM", "authorizerId": authorizer}
    api.method("POST", "/checkout", "checkout-api", **custom, requestValidatorId=body)
    api.method("OPTIONS", "/checkout", None)
    api.method("GET", "/orders/{orderId}", "checkout-api", **custom)
    api.method("POST", "/refunds", "checkout-api")  # open and unvalidated
    prod = api.stage("prod", "new", *_observed(estate, "payments-api", "prod", 200, 400))
    deployment = api.client.get_stage(restApiId=api.id, stageName="prod")["deploymentId"]
    api.stage("staging", deployment, ("/~1refunds/POST/throttling/rateLimit", "5000"))

    wafv2 = estate.client("wafv2")
    acl = wafv2.create_web_acl(
        Name="payments-api-protection",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Description="Managed common rule set in front of the payments API",
        Rules=[
            {
                "Name": "AWS-AWSManagedRulesCommonRuleSet",
                "Priority": 0,
                "Statement": {
                    "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}
                },
                "OverrideAction": {"None": {}},
                "VisibilityConfig": {
                    "SampledRequestsEnabled": True,
                    "CloudWatchMetricsEnabled": True,
                    "MetricName": "common-rule-set",
                },
            }
        ],
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "payments-api-protection",
        },
    )["Summary"]["ARN"]
    wafv2.associate_web_acl(WebACLArn=acl, ResourceArn=prod)
    return {"payments_api": api.id, "web_acl": acl}


def _merchant_admin_api(estate: Estate) -> dict[str, str]:
    api = _RestApi(estate, "merchant-admin-api", "Back-office merchant management (IAM callers only)")
    body = api.client.create_request_validator(
        restApiId=api.id, name="validate-all", validateRequestBody=True, validateRequestParameters=True
    )["id"]
    api.method("GET", "/merchants", "merchant-onboarding", "AWS_IAM")
    api.method("POST", "/merchants", "merchant-onboarding", "AWS_IAM", requestValidatorId=body)
    api.method("PUT", "/merchants/{merchantId}", "merchant-onboarding", "AWS_IAM", requestValidatorId=body)
    api.stage("v1", "new", *_observed(estate, "merchant-admin-api", "v1", 50, 100))
    return {"admin_api": api.id}


def _http_api(estate: Estate, name: str, routes: dict[str, tuple[str | None, str]], stage: dict[str, Any]) -> str:
    """An HTTP API whose routes ("POST /x": (function or None, authorization)) proxy to Lambda."""
    v2 = estate.client("apigatewayv2")
    api = v2.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
    jwt = v2.create_authorizer(
        ApiId=api,
        Name=f"{name}-jwt",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Audience": [name], "Issuer": "https://auth.payments.example.com/"},
    )["AuthorizerId"]
    integrations: dict[str, str] = {}
    for key, (function, authorization) in routes.items():
        extra: dict[str, Any] = {"AuthorizerId": jwt} if authorization == "JWT" else {}
        if function:
            if function not in integrations:
                integrations[function] = v2.create_integration(
                    ApiId=api,
                    IntegrationType="AWS_PROXY",
                    IntegrationUri=_function_arn(estate, function),
                    PayloadFormatVersion="2.0",
                )["IntegrationId"]
            extra["Target"] = f"integrations/{integrations[function]}"
        v2.create_route(ApiId=api, RouteKey=key, AuthorizationType=authorization, **extra)
    v2.create_stage(ApiId=api, AutoDeploy=True, **stage)
    return api


def _domains(estate: Estate, ids: dict[str, str]) -> None:
    certificate = estate.client("acm").request_certificate(DomainName="*.payments.example.com", ValidationMethod="DNS")[
        "CertificateArn"
    ]
    apigw = estate.client("apigateway")
    for domain, policy in (("legacy.payments.example.com", "TLS_1_0"), ("api.payments.example.com", "TLS_1_2")):
        apigw.create_domain_name(
            domainName=domain,
            regionalCertificateArn=certificate,
            endpointConfiguration={"types": ["REGIONAL"]},
            securityPolicy=policy,
        )
        apigw.create_base_path_mapping(domainName=domain, restApiId=ids["payments_api"], stage="prod")
    v2 = estate.client("apigatewayv2")
    v2.create_domain_name(
        DomainName="hooks.payments.example.com",
        DomainNameConfigurations=[
            {"CertificateArn": certificate, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
        ],
    )
    v2.create_api_mapping(DomainName="hooks.payments.example.com", ApiId=ids["webhooks_api"], Stage="$default")


def seed(estate: Estate) -> None:
    ids = {**_payments_api(estate), **_merchant_admin_api(estate)}
    ids["webhooks_api"] = _http_api(
        estate,
        "payments-webhooks",
        {
            "POST /webhooks/stripe": ("webhook-receiver", "NONE"),
            "OPTIONS /webhooks/stripe": (None, "NONE"),
            "GET /status": ("health-check", "JWT"),
        },
        {
            "StageName": "$default",
            "AccessLogSettings": {
                "DestinationArn": _log_group_arn(estate, "/aws/apigateway/payments-webhooks"),
                "Format": ACCESS_LOG_FORMAT,
            },
            "DefaultRouteSettings": {"ThrottlingRateLimit": 50.0, "ThrottlingBurstLimit": 100},
        },
    )
    ids["partner_api"] = _http_api(
        estate,
        "partner-api",
        {
            "POST /partners/callbacks": ("partner-callback", "AWS_IAM"),
            "GET /partners/settlements": ("settlement-batch", "AWS_IAM"),
        },
        {"StageName": "live"},
    )
    _domains(estate, ids)
    estate.notes["apigateway"] = ids
