"""The AWS-owned runbooks rules use where AWS already covers the fix: their parameters and permissions.

From the AWS Systems Manager Automation runbook reference (one page per runbook).
We ship no document for these; the remediation role gets the actions they list,
and the pack wiring validates rule declarations against their parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLE = r"^arn:aws[a-zA-Z-]*:iam::\d{12}:role/[a-zA-Z0-9+=,.@_/-]{1,512}$"
FUNCTION = r"^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9_-]{1,64}$"
KMS_KEY_ARN = r"^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:key/(mrk-)?[a-f0-9-]{32,36}$"
KEY_ID = r"^(arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:key/)?(mrk-)?[a-f0-9-]{32,36}$"
TABLE = r"^[a-zA-Z0-9_.-]{3,255}$"
_AUTOMATION = ("ssm:StartAutomationExecution", "ssm:GetAutomationExecution")


@dataclass(frozen=True)
class AwsRunbook:
    name: str
    parameters: dict[str, str]  # name -> pattern a value must match; every one is required
    actions: tuple[str, ...]
    settings_only: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Actions the runbook's caller needs on a KMS key that a service uses on its behalf, by that service:
    # granted only through the service (kms:ViaService <service>.<region>.amazonaws.com).
    kms_via: dict[str, tuple[str, ...]] = field(default_factory=dict)


RUNBOOKS = {
    r.name: r
    for r in (
        AwsRunbook(
            "AWSConfigRemediation-ConfigureLambdaFunctionXRayTracing",
            {"FunctionName": FUNCTION, "AutomationAssumeRole": ROLE},
            ("lambda:UpdateFunctionConfiguration", "lambda:GetFunctionConfiguration", *_AUTOMATION),
        ),
        AwsRunbook(
            "AWSConfigRemediation-EncryptLambdaEnvironmentVariablesWithCMK",
            {"FunctionName": FUNCTION, "KMSKeyArn": KMS_KEY_ARN, "AutomationAssumeRole": ROLE},
            ("lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration", *_AUTOMATION),
            # The runbook lists only lambda and ssm actions, but Lambda creates the grant on the key with the
            # caller's credentials when KMSKeyArn is set ("the identity that updates the function must be
            # allowed to use the key": AWS re:Post, Lambda KMS exception;
            # https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html).
            kms_via={"lambda": ("kms:CreateGrant", "kms:DescribeKey", "kms:Encrypt")},
        ),
        AwsRunbook(
            "AWSConfigRemediation-EnableKeyRotation",
            {"KeyId": KEY_ID, "AutomationAssumeRole": ROLE},
            ("kms:EnableKeyRotation", "kms:GetKeyRotationStatus", "kms:DescribeKey", *_AUTOMATION),
        ),
        AwsRunbook(
            "AWSConfigRemediation-EnablePITRForDynamoDbTable",
            {"TableName": TABLE, "AutomationAssumeRole": ROLE},
            ("dynamodb:DescribeContinuousBackups", "dynamodb:UpdateContinuousBackups", *_AUTOMATION),
        ),
    )
}
