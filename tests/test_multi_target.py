"""Many regions and accounts in one scan: moto accounts reached through assumed roles, one failing target."""

from __future__ import annotations

import time

import boto3

from lambda_compliance.demo import Estate

ACCOUNTS = ("111111111111", "222222222222")
REGIONS = ("us-east-1", "eu-west-1")


def assumed(moto, account: str, region: str) -> Estate:
    sts = moto.client("sts")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/audit", RoleSessionName="seed")["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )
    return Estate(session=session, endpoint_url=moto.endpoint_url, region=region, account_id=account)


def test_two_accounts_two_regions_and_a_failing_region(moto, run_cli):
    for account in ACCOUNTS:
        for region in REGIONS:
            estate = assumed(moto, account, region)
            estate.role(f"app-{region}")
            estate.function(f"fn-{region}", role=f"app-{region}", TracingConfig={"Mode": "Active"})
    role_args = [arg for account in ACCOUNTS for arg in ("--role-arn", f"arn:aws:iam::{account}:role/audit")]
    started = time.perf_counter()
    status, document, _, err = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--rules",
        "LAMBDA_TRACING_ENABLED",
        "--regions",
        ",".join(REGIONS),
        *role_args,
    )
    elapsed = time.perf_counter() - started
    seen = {(e["accountId"], e["region"], e["resourceId"], e["compliance"]) for e in document["evaluations"]}
    assert seen == {(a, r, f"fn-{r}", "COMPLIANT") for a in ACCOUNTS for r in REGIONS}
    assert document["failedTargets"] == []
    assert status == 0
    assert "AccessKeyId" not in err and "SessionToken" not in err
    assert elapsed < 60


def test_failing_target_is_reported_and_others_complete(moto, run_cli):
    estate = assumed(moto, ACCOUNTS[0], "us-east-1")
    estate.role("app")
    estate.function("fn", role="app")
    status, document, _, err = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--rules",
        "LAMBDA_TRACING_ENABLED",
        "--regions",
        "us-east-1,xx-fake-1",
        "--role-arn",
        f"arn:aws:iam::{ACCOUNTS[0]}:role/audit",
    )
    assert {(e["region"], e["resourceId"]) for e in document["evaluations"]} == {("us-east-1", "fn")}
    [failed] = document["failedTargets"]
    assert failed["region"] == "xx-fake-1" and failed["target"].endswith(":role/audit")
    assert err.splitlines()[0] == f"error: arn:aws:iam::{ACCOUNTS[0]}:role/audit xx-fake-1: ListFunctions failed: 500"
    assert status == 1


def test_organization_accounts_through_org_role(moto, run_cli):
    org = moto.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="payments", Email="payments@example.com")["CreateAccountStatus"]
    member_id = member["AccountId"]
    estate = assumed(moto, member_id, "us-east-1")
    estate.role("app")
    estate.function("member-fn", role="app")
    status, document, _, _ = run_cli(
        "scan",
        "--endpoint-url",
        moto.endpoint_url,
        "--rules",
        "LAMBDA_TRACING_ENABLED",
        "--org-role",
        "audit",
    )
    accounts = {e["accountId"] for e in document["evaluations"]}
    assert member_id in accounts
    assert status == 1  # member-fn has no tracing


def test_assumed_sessions_share_one_model_loader_and_keep_their_own_credentials(moto):
    """Each target's session reads the same cached service models (memory per account scanned at once),
    while its credentials stay its own."""
    from lambda_compliance.scanner import targets

    base = moto.session
    first, second = (
        targets.assumed_session(base, f"arn:aws:iam::{a}:role/audit", "us-east-1", moto.endpoint_url) for a in ACCOUNTS
    )
    loader = base._session.get_component("data_loader")
    assert first._session.get_component("data_loader") is loader
    assert second._session.get_component("data_loader") is loader
    ids = [s.client("sts", endpoint_url=moto.endpoint_url).get_caller_identity()["Account"] for s in (first, second)]
    assert ids == list(ACCOUNTS)
    assert first.get_credentials().access_key != second.get_credentials().access_key
