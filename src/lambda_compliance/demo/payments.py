"""The payments API: ~25 functions covering the foundation rules, good and bad.

Every credential-looking value below is fake, made up for the demo, and must
never appear in scan output (a test checks it).
"""

from __future__ import annotations

import json
from typing import Any

from lambda_compliance.demo import ACCOUNT, LOGS_ONLY, REGION, Estate

ORDER = 10

# Fake credentials planted for LAMBDA_ENV_NO_PLAINTEXT_SECRETS; tests assert they never leak.
PLANTED_SECRETS = {
    "ledger-sync": {
        "AWS_ACCESS_KEY_ID": "AKIA4QZ7NR2XKP5LM3TD",
        "AWS_SECRET_ACCESS_KEY": "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",
        "DB_PASSWORD": "Tr0ub4dor&3-ledger-prod",
    },
    "receipt-mailer": {"MAIL_API_TOKEN": "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"},
    "reconciliation-export": {"SFTP_URL": "sftp://recon:Qv8!mZ2rLp7x@sftp.bank.example.net/outbox"},
}
ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _vpc(estate: Estate) -> dict[str, Any]:
    ec2 = estate.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    group = ec2.create_security_group(GroupName="payments-lambda", Description="payments functions", VpcId=vpc)[
        "GroupId"
    ]
    estate.notes.update(vpc=vpc, subnets=subnets, security_group=group)
    return {"vpc": vpc, "subnets": subnets, "group": group}


def seed(estate: Estate) -> None:
    kms = estate.client("kms")
    cmk = kms.create_key(Description="payments env vars")["KeyMetadata"]["Arn"]
    estate.notes["cmk"] = cmk
    net = _vpc(estate)
    secret_ref = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:payments/db-AbCdEf"

    estate.role("payments-basic", inline={"logs": LOGS_ONLY})
    estate.role("payments-admin", inline={"everything": ADMIN_POLICY})

    traced = {"TracingConfig": {"Mode": "Active"}}
    fn = estate.function
    fn(
        "checkout-api",
        role="payments-basic",
        **traced,
        KMSKeyArn=cmk,
        Environment={"Variables": {"DB_SECRET_ARN": secret_ref, "LOG_LEVEL": "INFO"}},
    )
    fn(
        "payment-authorizer",
        role="payments-basic",
        runtime="nodejs22.x",
        **traced,
        KMSKeyArn=cmk,
        Environment={"Variables": {"JWT_ISSUER": "https://auth.payments.example.com/"}},
    )
    fn("refund-worker", role="payments-basic", runtime="python3.8", Timeout=120)
    fn("legacy-report-generator", role="payments-basic", runtime="nodejs14.x", Timeout=900)
    fn("webhook-receiver", role="payments-basic", **traced)
    fn("partner-callback", role="payments-basic", **traced)
    fn("s3-invoice-ingest", role="payments-basic", **traced)
    fn("sns-notifier", role="payments-basic", **traced)
    fn(
        "ledger-sync",
        role="payments-basic",
        Environment={
            "Variables": {
                **PLANTED_SECRETS["ledger-sync"],
                "LEDGER_TABLE": "ledger",
                "DB_HOST": "ledger.cluster.internal",
            }
        },
    )
    fn(
        "receipt-mailer",
        role="payments-basic",
        runtime="python3.11",
        Environment={"Variables": {**PLANTED_SECRETS["receipt-mailer"], "FROM_ADDRESS": "receipts@example.com"}},
    )
    fn(
        "reconciliation-export",
        role="payments-basic",
        runtime="python3.13",
        KMSKeyArn=cmk,
        Environment={"Variables": PLANTED_SECRETS["reconciliation-export"]},
    )
    fn(
        "fraud-scoring",
        role="payments-basic",
        **traced,
        KMSKeyArn=cmk,
        VpcConfig={"SubnetIds": net["subnets"], "SecurityGroupIds": [net["group"]]},
        Environment={"Variables": {"MODEL_PARAM": "{{resolve:ssm:/payments/fraud/model}}"}},
    )
    fn(
        "settlement-batch",
        role="payments-basic",
        Timeout=600,
        VpcConfig={"SubnetIds": net["subnets"][:1], "SecurityGroupIds": [net["group"]]},
    )
    fn("currency-rates", role="payments-basic", runtime="python3.13", **traced)
    fn("internal-admin-tool", role="payments-admin", runtime="python3.9")
    fn("customer-profile-api", role="payments-basic", runtime="python3.13", **traced)
    fn("kyc-verifier", role="payments-basic", runtime="java21", Timeout=60, **traced)
    fn("dispute-handler", role="payments-basic", runtime="ruby3.3")
    fn("loyalty-points", role="payments-basic", runtime="go1.x")
    fn("audit-log-shipper", role="payments-basic", runtime="provided.al2023", **traced)
    fn("payout-scheduler", role="payments-basic", runtime="nodejs18.x")
    fn(
        "tax-calculator",
        role="payments-basic",
        runtime="python3.12",
        **traced,
        Environment={"Variables": {"TAX_REGION": "EU", "TOKEN_TTL_SECONDS": "3600"}},
    )
    fn("merchant-onboarding", role="payments-basic", runtime="nodejs20.x", **traced)
    fn("health-check", role="payments-basic", runtime="python3.13", **traced)
    fn(
        "statement-renderer",
        role="payments-basic",
        runtime="",
        PackageType="Image",
        Code={"ImageUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/statements:1.4.2"},
    )

    lam = estate.client("lambda")
    for name, reserved in {
        "checkout-api": 50,
        "payment-authorizer": 20,
        "kyc-verifier": 5,
        "fraud-scoring": 10,
        "sns-notifier": 2,
        "health-check": 1,
        "tax-calculator": 5,
    }.items():
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)

    # A public function URL: AuthType NONE plus the permission AWS adds for it.
    lam.create_function_url_config(FunctionName="webhook-receiver", AuthType="NONE")
    lam.add_permission(
        FunctionName="webhook-receiver",
        StatementId="FunctionURLAllowPublicAccess",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lam.create_function_url_config(FunctionName="health-check", AuthType="AWS_IAM")
    # Anyone on the internet may invoke partner-callback.
    lam.add_permission(
        FunctionName="partner-callback",
        StatementId="PartnerInvoke",
        Action="lambda:InvokeFunction",
        Principal="*",
    )
    # An org-restricted wildcard principal is not public.
    lam.add_permission(
        FunctionName="customer-profile-api",
        StatementId="OrgInvoke",
        Action="lambda:InvokeFunction",
        Principal="*",
        PrincipalOrgID="o-a1b2c3d4e5",
    )
    # S3 may invoke the ingest function for any bucket of any account: confused deputy.
    lam.add_permission(
        FunctionName="s3-invoice-ingest",
        StatementId="S3Invoke",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
    )
    lam.add_permission(
        FunctionName="sns-notifier",
        StatementId="SnsInvoke",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
        SourceArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:payment-events",
    )
    estate.notes["payments_policy_example"] = json.dumps(ADMIN_POLICY)
