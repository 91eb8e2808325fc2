"""Which accounts and regions a scan covers, with temporary credentials that are never printed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError, ClientError

from lambda_compliance.scanner.engine import describe_error

SESSION_NAME = "lambda-compliance-scan"


@dataclass(frozen=True)
class Target:
    label: str  # how errors name it: an account id or role ARN
    session: boto3.Session
    region: str


@dataclass(frozen=True)
class TargetError:
    label: str
    region: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"target": self.label, "region": self.region, "message": self.message}


def _client(session: boto3.Session, service: str, region: str, endpoint_url: str | None) -> Any:
    return session.client(service, region_name=region, endpoint_url=endpoint_url)


def assumed_session(base: boto3.Session, role_arn: str, region: str, endpoint_url: str | None) -> boto3.Session:
    credentials = _client(base, "sts", region, endpoint_url).assume_role(
        RoleArn=role_arn, RoleSessionName=SESSION_NAME, DurationSeconds=3600
    )["Credentials"]
    # One data loader for every target's session: botocore caches each service's model in its loader, so a
    # session of its own per account would hold its own copy of the EC2, IAM, Lambda ... models (megabytes
    # each) for every account scanned at once.
    botocore_session = botocore.session.Session()
    botocore_session.register_component("data_loader", base._session.get_component("data_loader"))
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
        botocore_session=botocore_session,
    )


def enabled_regions(session: boto3.Session, region: str, endpoint_url: str | None) -> list[str]:
    regions = _client(session, "ec2", region, endpoint_url).describe_regions(AllRegions=False)["Regions"]
    return sorted(r["RegionName"] for r in regions if r.get("OptInStatus") != "not-opted-in")


def organization_role_arns(session: boto3.Session, region: str, role_name: str, endpoint_url: str | None) -> list[str]:
    paginator = _client(session, "organizations", region, endpoint_url).get_paginator("list_accounts")
    accounts = [a for page in paginator.paginate() for a in page["Accounts"] if a.get("Status") == "ACTIVE"]
    return [f"arn:aws:iam::{a['Id']}:role/{role_name}" for a in sorted(accounts, key=lambda a: a["Id"])]


def resolve(
    base: boto3.Session,
    home_region: str,
    *,
    regions: Sequence[str] | str | None,
    role_arns: Sequence[str] = (),
    org_role: str | None = None,
    endpoint_url: str | None = None,
) -> tuple[list[Target], list[TargetError]]:
    """Every (account, region) to scan; what cannot be reached becomes a one-line TargetError."""
    errors: list[TargetError] = []
    accounts: list[tuple[str, boto3.Session]] = []
    arns = list(role_arns)
    if org_role:
        try:
            arns += organization_role_arns(base, home_region, org_role, endpoint_url)
        except (ClientError, BotoCoreError) as exc:
            errors.append(TargetError("organization", home_region, describe_error(exc)))
    if not arns and not org_role:
        accounts.append(("default", base))
    for arn in dict.fromkeys(arns):
        try:
            accounts.append((arn, assumed_session(base, arn, home_region, endpoint_url)))
        except (ClientError, BotoCoreError) as exc:
            errors.append(TargetError(arn, home_region, describe_error(exc)))
    targets: list[Target] = []
    for label, session in accounts:
        if regions == "all":
            try:
                account_regions = enabled_regions(session, home_region, endpoint_url)
            except (ClientError, BotoCoreError) as exc:
                errors.append(TargetError(label, home_region, describe_error(exc)))
                continue
        else:
            account_regions = list(regions or [home_region])
        targets.extend(Target(label, session, r) for r in account_regions)
    return targets, errors
