"""APIGATEWAY_DOMAIN_TLS12: an API Gateway custom domain name refuses TLS versions below 1.2.

Reports on AWS::ApiGateway::DomainName and AWS::ApiGatewayV2::DomainName
(resource id: the domain name), from the CI's ``securityPolicy`` (REST) or
``domainNameConfigurations[].securityPolicy`` (V2, one per endpoint). TLS_1_0
accepts TLS 1.0 and 1.1; TLS_1_2 and the enhanced ``SecurityPolicy_TLS12_*`` /
``SecurityPolicy_TLS13_*`` policies require 1.2 or later. A policy name the rule
does not recognise is NON_COMPLIANT: it cannot vouch for what it does not know.
Config records only the REST type: a REST domain is judged when it changes and daily, an HTTP/WebSocket
(V2) domain only in the daily scheduled run, read from the API Gateway V2 API.

Scenarios:
- Given securityPolicy TLS_1_2 or an enhanced TLS 1.2/1.3 policy, then COMPLIANT.
- Given securityPolicy TLS_1_0 on any endpoint, then NON_COMPLIANT.
- Given an unrecognised security policy, then NON_COMPLIANT.
- Given a deleted domain name, then NOT_APPLICABLE.
- Given a domain CI without any security policy, then NON_COMPLIANT (cannot evaluate).
"""

from lambda_compliance.domain.api_gateway.resources import DOMAIN_TYPES
from lambda_compliance.domain.api_gateway.settings import domain_policies, minimum_tls
from lambda_compliance.runtime.annotations import listing
from lambda_compliance.runtime.rulebase import (
    ComplianceRule,
    RuleSpec,
    compliant,
    handle,
    non_compliant,
)


class APIGATEWAY_DOMAIN_TLS12(ComplianceRule):
    spec = RuleSpec(
        title="API Gateway custom domain name requires TLS 1.2 or later",
        resource_types=DOMAIN_TYPES,
        severity="medium",
        family="apigateway",
        # Config does not record AWS::ApiGatewayV2::DomainName: its scheduled run lists them (GetDomainNames)
        iam_actions=("apigateway:GET",),
    )

    def assess(self, ci, aws, params):
        domain = f"domain {ci.get('domainName', kind=str) or ci.resource_name}"
        policies = domain_policies(ci)
        versions = {policy: minimum_tls(policy) for _, policy in policies}
        named = listing(sorted(versions), 120)
        unknown = sorted(policy for policy, version in versions.items() if version is None)
        weak = [version for version in versions.values() if version is not None and version < (1, 2)]
        if weak:
            lowest = ".".join(map(str, min(weak)))
            return [non_compliant(f"{domain} accepts TLS {lowest} (security policy {named}); use TLS_1_2 or later")]
        if unknown:
            return [
                non_compliant(f"{domain} uses security policy {listing(unknown, 120)}, not known to require TLS 1.2")
            ]
        return [compliant(f"{domain} requires TLS 1.2 or later (security policy {named})")]


def lambda_handler(event, context):
    return handle(APIGATEWAY_DOMAIN_TLS12, event, context)
