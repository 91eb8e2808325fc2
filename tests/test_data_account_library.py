"""Table tests for the data/keys/secrets/account library: schedules, names, selectors, keys, Config spelling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from lambda_compliance.domain.account import cloudtrail, vpc
from lambda_compliance.domain.data_stores import kms, rotation, ssm_parameters
from lambda_compliance.runtime.ci_fields import bean_keys, bean_name
from lambda_compliance.scanner import collectors
from lambda_compliance.scanner.collectors import data_stores
from lambda_compliance.testing import ACCOUNT, reader
from lambda_compliance.testing.data_stores import (
    AWS_KEY_ID,
    CREATED,
    KEY_ID,
    StubbedServices,
    key_arn,
    key_metadata,
    kms_key_ci,
)


@pytest.mark.parametrize(
    ("expression", "days"),
    [
        ("rate(30 days)", 30),
        ("rate(1 day)", 1),
        ("rate(6 hours)", 0.25),
        ("RATE(7 Days)", 7),
        ("cron(0 4 * * ? *)", 1),
        ("cron(0 4 ? * MON *)", 7),
        ("cron(0 4 ? * MON,THU *)", 4),
        ("cron(0 4 ? * MON-FRI *)", 3),
        ("cron(0 4 ? * FRI-MON *)", 4),
        ("cron(0 4 ? * 2#1 *)", 35),
        ("cron(0 4 ? * 6L *)", 35),
        ("cron(0 4 1 * ? *)", 31),
        ("cron(0 4 1,15 * ? *)", 17),
        ("cron(0 4 */10 * ? *)", 10),
        ("cron(0 4 L * ? *)", 31),
        ("cron(0 4 15W * ? *)", 31),
        ("cron(0 4 1 */3 ? *)", 93),
        ("cron(0 4 1 JAN,JUL ? *)", 186),
        ("cron(0 4 * NOV-FEB ? *)", 279),
        ("cron(0 4 1 1 ? *)", 372),
    ],
)
def test_schedule_upper_bounds(expression, days):
    assert rotation.max_interval_days(expression) == days


@pytest.mark.parametrize(
    "expression",
    [
        "rate(0 days)",
        "rate(10 weeks)",
        "cron(0 4 1 1 ? 2027)",
        "cron(0 4 1 * MON *)",
        "cron(0 4 32 * ? *)",
        "cron(0 4 1 13 ? *)",
        "cron(0 4 1 * ?)",
        "cron(0 4 1 */0 ? *)",
        "at(2026-12-01T00:00:00)",
        "",
    ],
)
def test_schedules_that_cannot_be_bounded(expression):
    assert rotation.max_interval_days(expression) is None


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("/payments/db/password", "password"),
        ("/payments/db/Password", "password"),
        ("DB_PASSWORD", "password"),
        ("/prod/db-password-v2", "password"),
        ("/payments/stripe/api-key", "api key"),
        ("/payments/stripe/apiKey", "api key"),
        ("LEDGER_API_KEY", "api key"),
        ("/payments/partner/clientSecret", "client secret"),
        ("/ci/github/token", "token"),
        ("/ops/ssh/private_key", "private key"),
        ("/app/jwt-signing-key", "signing key"),
        ("/app/SECRET", "secret"),
        ("/app/db/credentials", "credentials"),
        ("/analytics/warehouse/connection-string", "connection string"),
        # plurals, as StringList parameters are usually named
        ("/app/db/passwords", "password"),
        ("/app/partner/api-keys", "api key"),
        ("/app/partner/apiKeys", "api key"),
        ("/ops/ssh-keys", "ssh key"),
        ("/ops/deploy/private-keys", "private key"),
        ("/iam/rotation/access-keys", "access key"),
        ("/app/client-secrets", "secrets"),
        ("/app/allowed-tokens", "tokens"),
        ("/analytics/connection-strings", "connection string"),
        ("/app/passphrases", "passphrase"),
    ],
)
def test_secret_named_parameters(name, marker):
    assert ssm_parameters.secret_marker(name) == marker


@pytest.mark.parametrize(
    "name",
    [
        "/payments/config/region",
        "/payments/db/password-secret-arn",
        "/payments/db/password/rotation-days",
        "/payments/auth/token-ttl",
        "/payments/auth/token-endpoint",
        "/payments/auth/password-min-length",
        "/app/secrets/db/host",
        "/payments/kms/key-id",
        "/iam/access-key-id",
        "/app/public-key",
        "/app/feature-key",
        "/payments/stripe/api-key-name",
        # plurals of metadata and of words that are no secret alone
        "/app/secret-arns",
        "/app/api-key-names",
        "/payments/auth/token-endpoints",
        "/app/db/password-urls",
        "/app/partition-keys",
        "/app/public-keys",
        "/app/keys",
        "/app/monkeys",
        "/app/allowed-origins",
        "/app/subnet-ids",
        "/app/passes",
    ],
)
def test_names_that_are_not_secrets(name):
    assert ssm_parameters.secret_marker(name) is None


def test_extra_secret_words():
    assert ssm_parameters.secret_marker("/payments/hsm/PIN", ["pin"]) == "pin"
    assert ssm_parameters.secret_marker("/payments/hsm/pin") is None


PREFIX = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:"
DATA = {"Field": "eventCategory", "Equals": ["Data"]}
LAMBDA = {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]}


def advanced(*fields):
    return {"AdvancedEventSelectors": [{"Name": "s", "FieldSelectors": [DATA, LAMBDA, *fields]}]}


@pytest.mark.parametrize(
    ("selectors", "coverage"),
    [
        (
            {"EventSelectors": [{"DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}]},
            "all",
        ),
        (
            {
                "EventSelectors": [
                    {
                        "ReadWriteType": "WriteOnly",
                        "DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws-us-gov:lambda"]}],
                    }
                ]
            },
            "all",
        ),
        (
            {"EventSelectors": [{"DataResources": [{"Type": "AWS::Lambda::Function", "Values": [PREFIX + "f"]}]}]},
            "some",
        ),
        ({"EventSelectors": [{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}, "none"),
        ({"EventSelectors": []}, "none"),
        ({}, "none"),
        (advanced(), "all"),
        (advanced({"Field": "readOnly", "Equals": ["false"]}), "all"),
        (advanced({"Field": "readOnly", "NotEquals": ["true"]}), "all"),
        (advanced({"Field": "eventName", "Equals": ["Invoke"]}), "all"),
        (advanced({"Field": "eventName", "StartsWith": ["Inv"]}), "all"),
        (advanced({"Field": "eventSource", "Equals": ["lambda.amazonaws.com"]}), "all"),
        (advanced({"Field": "resources.ARN", "StartsWith": ["arn:aws:lambda:"]}), "all"),
        (advanced({"Field": "resources.ARN", "NotStartsWith": ["arn:aws:lambda:eu-west-1:"]}), "all"),
        (advanced({"Field": "resources.ARN", "StartsWith": [PREFIX + "pay"]}), "some"),
        (advanced({"Field": "resources.ARN", "NotEquals": [PREFIX + "noisy"]}), "some"),
        (advanced({"Field": "resources.ARN", "EndsWith": ["-prod"]}), "some"),
        (advanced({"Field": "userIdentity.arn", "NotStartsWith": ["arn:aws:sts::1:assumed-role/x"]}), "some"),
        (advanced({"Field": "readOnly", "Equals": ["true"]}), "none"),
        (advanced({"Field": "eventName", "Equals": ["GetFunction"]}), "none"),
        (advanced({"Field": "eventName", "NotEquals": ["Invoke"]}), "none"),
        ({"AdvancedEventSelectors": [{"Name": "s", "FieldSelectors": [LAMBDA]}]}, "none"),
        ({"AdvancedEventSelectors": [{"Name": "s", "FieldSelectors": [DATA]}]}, "none"),
        ({"AdvancedEventSelectors": ["bogus", {"FieldSelectors": "bogus"}]}, "none"),
    ],
)
def test_lambda_coverage_of_event_selectors(selectors, coverage):
    assert cloudtrail.lambda_coverage(selectors, PREFIX) == coverage


def test_advanced_selectors_replace_basic_ones():
    both = {
        "EventSelectors": [{"DataResources": [{"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}],
        **advanced({"Field": "readOnly", "Equals": ["true"]}),
    }
    assert cloudtrail.lambda_coverage(both, PREFIX) == "none"


@pytest.mark.parametrize(
    ("api", "config"),
    [
        ("TableName", "tableName"),
        ("SSEDescription", "ssedescription"),
        ("SSEType", "ssetype"),
        ("KMSMasterKeyArn", "kmsmasterKeyArn"),
        ("AWSAccountId", "awsaccountId"),
        ("KeyManager", "keyManager"),
        ("VpcEndpointId", "vpcEndpointId"),
        ("already", "already"),
    ],
)
def test_config_spelling_of_api_names(api, config):
    assert bean_name(api) == config


def test_config_spelling_is_applied_recursively():
    assert bean_keys({"SSEDescription": {"SSEType": "KMS"}, "Replicas": [{"RegionName": "eu-west-1"}]}) == {
        "ssedescription": {"ssetype": "KMS"},
        "replicas": [{"regionName": "eu-west-1"}],
    }


@pytest.mark.parametrize(
    ("service_name", "short"),
    [
        ("com.amazonaws.us-east-1.s3", "s3"),
        ("com.amazonaws.us-east-1.kms-fips", "kms"),
        ("com.amazonaws.eu-west-1.secretsmanager", "secretsmanager"),
        ("com.amazonaws.us-east-1.ecr.api", "ecr.api"),
        ("cn.com.amazonaws.cn-north-1.lambda", "lambda"),
        ("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", None),
    ],
)
def test_endpoint_service_short_names(service_name, short):
    assert vpc.service_short_name(service_name) == short


def test_named_bounds_long_lists():
    assert vpc.named(["a"]) == "a"
    assert vpc.named(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"


def test_key_facts_prefer_the_recorded_key():
    facts = kms.key_facts(reader([kms_key_ci(manager="AWS")]), key_arn())
    assert (facts.key_id, facts.manager, facts.customer_managed) == (KEY_ID, "AWS", False)


def test_key_facts_aws_alias_needs_no_lookup():
    assert kms.key_facts(reader(), "alias/aws/dynamodb").manager == "AWS"
    assert kms.key_facts(reader(), f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/ssm").label == "alias/aws/ssm"


@pytest.mark.parametrize("reference", ["", "   ", "k" * 2049])
def test_key_facts_of_impossible_references_are_not_found_without_a_call(reference):
    assert not kms.key_facts(reader(), reference).found


def test_key_facts_describe_unrecorded_keys_once():
    stubbed = StubbedServices().add("kms", "describe_key", key_metadata(), {"KeyId": "alias/payments"})
    aws = stubbed.reader()
    assert kms.key_facts(aws, "alias/payments").customer_managed
    assert kms.key_facts(aws, "alias/payments").customer_managed  # cached: one request
    stubbed.assert_done()


_AWS_ADVICE = "use a customer managed key"
_CMK_ADVICE = "use a customer managed KMS key"


# (reference, recorded key CIs, DescribeKey answer or error code, customer managed, annotation)
CMK_VERDICTS = [
    (None, [], None, False, f"encrypted with the default key; {_CMK_ADVICE}"),
    ("", [], None, False, f"encrypted with the default key; {_CMK_ADVICE}"),
    ("  ", [], None, False, f"encrypted with the default key; {_CMK_ADVICE}"),
    (key_arn(), [kms_key_ci()], None, True, f"encrypted with customer managed KMS key {KEY_ID}"),
    (KEY_ID, [kms_key_ci()], None, True, f"encrypted with customer managed KMS key {KEY_ID}"),
    (key_arn(account="210987654321"), [], None, True, f"encrypted with customer managed KMS key {KEY_ID}"),
    ("alias/payments", [], key_metadata(), True, f"encrypted with customer managed KMS key {KEY_ID}"),
    (key_arn(), [], key_metadata(), True, f"encrypted with customer managed KMS key {KEY_ID}"),
    # an ARN of the key/<uuid> form that belongs to an AWS managed key (aws/lambda, aws/dynamodb, ...)
    (
        key_arn(AWS_KEY_ID),
        [kms_key_ci(AWS_KEY_ID, manager="AWS")],
        None,
        False,
        f"encrypted with AWS managed KMS key {AWS_KEY_ID}; {_AWS_ADVICE}",
    ),
    (
        key_arn(AWS_KEY_ID),
        [],
        key_metadata(AWS_KEY_ID, "AWS"),
        False,
        f"encrypted with AWS managed KMS key {AWS_KEY_ID}; {_AWS_ADVICE}",
    ),
    ("alias/aws/lambda", [], None, False, f"encrypted with AWS managed KMS key alias/aws/lambda; {_AWS_ADVICE}"),
    (
        f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/lambda",
        [],
        None,
        False,
        f"encrypted with AWS managed KMS key alias/aws/lambda; {_AWS_ADVICE}",
    ),
    (key_arn(), [], "NotFoundException", False, f"KMS key {KEY_ID} was not found; {_CMK_ADVICE}"),
    # a deleted key CI is not trusted: DescribeKey decides
    (
        key_arn(),
        [kms_key_ci(status="ResourceDeleted")],
        "NotFoundException",
        False,
        f"KMS key {KEY_ID} was not found; {_CMK_ADVICE}",
    ),
]


@pytest.mark.parametrize(("reference", "recorded", "described", "customer", "annotation"), CMK_VERDICTS)
def test_customer_managed_verdict(reference, recorded, described, customer, annotation):
    stubbed = StubbedServices()
    if isinstance(described, str):
        stubbed.add_error("kms", "describe_key", described, 400)
    elif described is not None:
        stubbed.add("kms", "describe_key", described, {"KeyId": reference})
    verdict = kms.customer_managed_verdict(stubbed.reader(recorded), reference, "the default key")
    assert (verdict.customer_managed, verdict.annotation) == (customer, annotation)
    stubbed.assert_done()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({}, None),
        ({"spec": "RSA_4096"}, "RSA_4096 keys do not support automatic rotation"),
        ({"origin": "EXTERNAL"}, "keys with imported key material do not support automatic rotation"),
        ({"origin": "EXTERNAL_KEY_STORE"}, "keys in a custom key store do not support automatic rotation"),
    ],
)
def test_rotation_support(fields, reason):
    key = kms.KeyFacts(
        KEY_ID, KEY_ID, "CUSTOMER", "Enabled", fields.get("spec", "SYMMETRIC_DEFAULT"), fields.get("origin", "AWS_KMS")
    )
    assert kms.rotation_unsupported(key) == reason


def test_secret_schedule_expression_stubbed_because_moto_lacks_schedule_expression():
    """moto's RotateSecret ignores RotationRules.ScheduleExpression; AWS lists it (and Duration)."""
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:payments/partner-Ab12Cd"
    listed = {
        "ARN": arn,
        "Name": "payments/partner",
        "KmsKeyId": "alias/payments-secrets",
        "RotationEnabled": True,
        "RotationLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:secrets-rotator",
        "RotationRules": {"ScheduleExpression": "cron(0 3 1 */6 ? *)", "Duration": "3h"},
        "LastRotatedDate": CREATED,
        "Tags": [{"Key": "Owner", "Value": "payments"}],
        "SecretVersionsToStages": {"a1b2c3d4-0000-4000-8000-000000000001": ["AWSCURRENT"]},
    }
    services = StubbedServices().add("secretsmanager", "list_secrets", {"SecretList": [listed]}, {})
    with ThreadPoolExecutor(2) as pool:
        ctx = collectors.CollectContext(services.reader(), ACCOUNT, "us-east-1", "2026-11-29T08:00:00.000Z", pool)
        [ci] = data_stores.build_secrets(ctx)
    assert ci["resourceId"] == arn and ci["resourceName"] == "payments/partner"
    assert ci["configuration"] == {
        "ARN": arn,
        "Name": "payments/partner",
        "KMSKeyId": "alias/payments-secrets",
        "RotationEnabled": True,
        "RotationLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:secrets-rotator",
        "RotationRules": {"RotationDuration": "3h", "RotationScheduleExpression": "cron(0 3 1 */6 ? *)"},
        "Deleted": False,
    }
    assert ci["tags"] == {"Owner": "payments"}
