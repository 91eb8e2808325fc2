"""The eleven function-hygiene rules end to end: moto estate, CLI scan, every verdict checked.

Paths moto cannot serve (GetCodeSigningConfig, LoggingConfig, DeadLetterConfig) are tested in the
rules' own unit tests with botocore's Stubber; here each rule runs exactly as `lambda-compliance scan` runs it.
"""

import json

from conftest import verdict_map

from lambda_compliance import demo, testing
from lambda_compliance.catalog import load_rule
from lambda_compliance.demo import function_hygiene
from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.scanner.clients import RequestCounter, ScanClientFactory

RULES = (
    "LAMBDA_INSIDE_VPC",
    "LAMBDA_VPC_MULTI_AZ",
    "LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED",
    "LAMBDA_FAILURE_DESTINATION_CONFIGURED",
    "LAMBDA_CODE_SIGNING_ENFORCED",
    "LAMBDA_LAYERS_TRUSTED",
    "LAMBDA_PACKAGE_SIZE_LIMIT",
    "LAMBDA_REQUIRED_TAGS",
    "LAMBDA_URL_CORS_RESTRICTED",
    "LAMBDA_LOG_RETENTION_CONFIGURED",
    "LAMBDA_LOG_GROUP_ENCRYPTED",
)
C, N, X = "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"
# One row per function, one column per rule in RULES order.
EXPECTED = {
    "order-events-consumer": (C, C, C, C, N, C, C, C, X, C, C),
    "storefront-api": (N, X, X, N, N, X, C, C, C, N, N),
    "promo-banner": (N, X, X, N, N, X, C, N, N, N, C),
    "invoice-pdf-renderer": (C, C, C, N, N, X, N, C, X, N, N),
    "inventory-sync": (C, C, N, N, N, X, C, C, X, N, N),
    "single-az": (C, N, C, N, N, X, C, N, X, N, N),
}


def scan(run_cli, moto, *rules, parameters=None):
    extra = ["--rule-parameters", json.dumps(parameters)] if parameters else []
    status, document, _, err = run_cli(
        "scan", "--endpoint-url", moto.endpoint_url, "--rules", ",".join(rules or RULES), *extra
    )
    assert document is not None, err
    assert document["errors"] == []
    return status, document


def notes(document):
    return {(e["rule"], e["resourceId"]): e["annotation"] for e in document["evaluations"]}


def test_the_order_pipeline_seeder_is_part_of_the_demo():
    assert function_hygiene in demo.seeders()


def test_each_rule_judges_each_function_then_with_parameters(moto, run_cli):
    function_hygiene.seed(moto)
    subnets, group = moto.notes["subnets"], moto.notes["https_only_group"]
    moto.function(
        "single-az", role="orders-pipeline", VpcConfig={"SubnetIds": subnets[:1], "SecurityGroupIds": [group]}
    )
    status, document = scan(run_cli, moto)
    assert status == 1
    for i, rule in enumerate(RULES):
        assert verdict_map(document, rule) == {fn: row[i] for fn, row in EXPECTED.items()}, rule
    got = notes(document)
    open_group = moto.notes["security_group"]
    assert got[("LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED", "inventory-sync")] == (
        f"open internet egress: {open_group} all traffic to 0.0.0.0/0; allowed: tcp/udp 443"
    )
    assert got[("LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED", "order-events-consumer")] == (
        f"internet egress of {group} is limited to tcp/udp 443"
    )
    assert got[("LAMBDA_VPC_MULTI_AZ", "single-az")] == (
        "subnets span 1 Availability Zone (us-east-1a); at least 2 required"
    )
    assert got[("LAMBDA_FAILURE_DESTINATION_CONFIGURED", "order-events-consumer")] == (
        f"failed events go to on-failure destination {moto.notes['orders_failure_queue']}"
    )
    assert got[("LAMBDA_PACKAGE_SIZE_LIMIT", "invoice-pdf-renderer")] == "package is 51.0 MiB, above the 50 MiB limit"
    assert got[("LAMBDA_URL_CORS_RESTRICTED", "promo-banner")] == "function URL CORS allows any origin (*)"
    assert got[("LAMBDA_LOG_RETENTION_CONFIGURED", "storefront-api")] == (
        "log group /aws/lambda/storefront-api keeps logs 30 days; at least 365 required"
    )
    assert got[("LAMBDA_LOG_GROUP_ENCRYPTED", "inventory-sync")] == (
        "log group /aws/lambda/inventory-sync missing: Lambda creates it without a KMS key"
    )
    assert got[("LAMBDA_CODE_SIGNING_ENFORCED", "order-events-consumer")] == (
        "no code signing config: unsigned code can be deployed"
    )

    # The same estate with the organization's parameters (from --rule-parameters, as from the config file).
    moto.function("public-egress-proxy", role="orders-pipeline", Tags={"network:public-egress": "SR-102"})
    parameters = {
        "LAMBDA_INSIDE_VPC": {"exemptTagKey": "network:public-egress"},
        "LAMBDA_URL_CORS_RESTRICTED": {"allowedOrigins": "https://admin.example.com"},
        "LAMBDA_LOG_RETENTION_CONFIGURED": {"minRetentionDays": "30"},
        "LAMBDA_REQUIRED_TAGS": {"requiredTagKeys": "Owner,CostCenter"},
        "LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED": {"allowedPorts": "443,5432"},
    }
    _, document = scan(run_cli, moto, *parameters, parameters=parameters)
    assert verdict_map(document, "LAMBDA_INSIDE_VPC")["public-egress-proxy"] == X
    got = notes(document)
    assert got[("LAMBDA_INSIDE_VPC", "public-egress-proxy")] == "exempt from VPC placement by tag network:public-egress"
    assert got[("LAMBDA_URL_CORS_RESTRICTED", "storefront-api")] == (
        "function URL CORS allows https://shop.example.com, not in allowedOrigins"
    )
    assert verdict_map(document, "LAMBDA_LOG_RETENTION_CONFIGURED")["storefront-api"] == C
    assert got[("LAMBDA_REQUIRED_TAGS", "order-events-consumer")] == "missing or empty tags: CostCenter"
    assert got[("LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED", "order-events-consumer")] == (
        f"internet egress of {moto.notes['https_only_group']} is limited to tcp/udp 443, 5432"
    )


def test_deleted_subnet_and_security_group_are_named(moto, run_cli):
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    kept, dropped = (
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    )
    group = ec2.create_security_group(GroupName="temporary", Description="deleted below", VpcId=vpc)["GroupId"]
    moto.role("orphan-role")
    moto.function("orphaned", role="orphan-role", VpcConfig={"SubnetIds": [kept, dropped], "SecurityGroupIds": [group]})
    ec2.delete_subnet(SubnetId=dropped)
    ec2.delete_security_group(GroupId=group)
    _, document = scan(run_cli, moto, "LAMBDA_VPC_MULTI_AZ", "LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED")
    got = notes(document)
    assert got[("LAMBDA_VPC_MULTI_AZ", "orphaned")] == (
        f"subnets span 1 Availability Zone (us-east-1a); subnet {dropped} not found; at least 2 required"
    )
    assert got[("LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED", "orphaned")] == (
        f"security group {group} not found: egress cannot be verified"
    )


def test_periodic_rules_pay_per_page_not_per_function(moto):
    """A periodic run with an empty cache, as in the rule's Lambda: requests per operation for 60 functions."""
    moto.role("bulk-role")
    logs = moto.client("logs")
    names = [f"bulk-{i:03d}" for i in range(60)]
    for name in names:
        moto.function(name, role="bulk-role")
        logs.create_log_group(logGroupName=f"/aws/lambda/{name}")
    inventory = LocalInventory(ConfigItem.of(testing.lambda_ci(name)) for name in names)
    counts = {}
    for rule in ("LAMBDA_LOG_RETENTION_CONFIGURED", "LAMBDA_LOG_GROUP_ENCRYPTED", "LAMBDA_URL_CORS_RESTRICTED"):
        counter = RequestCounter()
        factory = ScanClientFactory(moto.session, moto.region, endpoint_url=moto.endpoint_url, counter=counter)
        aws = AwsReader(factory, account_id=moto.account_id, region=moto.region, inventory=inventory)
        evaluations = testing.evaluate_periodic(load_rule(rule)(), aws)
        assert len(evaluations) == 60
        counts[rule] = counter.by_operation()
    # moto answers ListFunctions in one page (AWS: 50 a page); DescribeLogGroups pages by 50 like AWS.
    pages = {"lambda.ListFunctions": 1, "cloudwatch-logs.DescribeLogGroups": 2}
    assert counts["LAMBDA_LOG_RETENTION_CONFIGURED"] == pages
    assert counts["LAMBDA_LOG_GROUP_ENCRYPTED"] == pages
    assert counts["LAMBDA_URL_CORS_RESTRICTED"] == {"lambda.GetFunctionUrlConfig": 60}
