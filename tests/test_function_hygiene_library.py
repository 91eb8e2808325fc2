"""Table tests for the function-hygiene library: egress judgement, origins, publishers, sizes, log-group lookups."""

import pytest

from lambda_compliance.domain.functions import log_groups, network
from lambda_compliance.domain.functions import settings as settings
from lambda_compliance.domain.functions.function_ci import account_of_arn, human_size, untrusted_layers
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.testing import lambda_ci
from lambda_compliance.testing.functions import StubbedServices, egress, listed_function, log_group, security_group

SG = "sg-0a1b2c3d4e5f60718"
EGRESS_CASES = [
    # (rule, allowed ports, findings as described)
    (egress(), {443}, [f"{SG} all traffic to 0.0.0.0/0"]),
    (egress("-1", cidrs=["10.0.0.0/8"]), {443}, []),
    (egress("tcp", (443, 443)), {443}, []),
    (egress("udp", (443, 443)), {443}, []),
    (egress("6", (443, 443)), {443}, []),
    (egress("tcp", (443, 444)), {443}, [f"{SG} tcp 443-444 to 0.0.0.0/0"]),
    (egress("tcp", (80, 80)), {443, 80}, []),
    (egress("tcp", (0, 65535)), {443}, [f"{SG} tcp 0-65535 to 0.0.0.0/0"]),
    (egress("tcp"), {443}, [f"{SG} tcp 0-65535 to 0.0.0.0/0"]),  # no ports given: every port
    (egress("17", (53, 53), cidrs=[], ipv6=["::/0"]), {443}, [f"{SG} udp 53 to ::/0"]),
    (egress("icmp", (-1, -1)), {443}, [f"{SG} icmp to 0.0.0.0/0"]),
    (egress("58", (-1, -1), cidrs=[], ipv6=["::/0"]), {443}, [f"{SG} icmpv6 to ::/0"]),
    (egress("50", cidrs=["0.0.0.0/0"]), {443}, [f"{SG} 50 to 0.0.0.0/0"]),
    (egress("-1", cidrs=[], prefix_lists=["pl-63a5400a"]), {443}, []),
    (egress("-1", cidrs=[], groups=["sg-0123456789abcdef0"]), {443}, []),
    (
        egress("-1", cidrs=["0.0.0.0/0", "10.0.0.0/8"], ipv6=["::/0"]),
        {443},
        [
            f"{SG} all traffic to 0.0.0.0/0",
            f"{SG} all traffic to ::/0",
        ],
    ),
    (egress("-1", cidrs=["not-a-cidr"]), {443}, [f"{SG} all traffic to not-a-cidr"]),  # unreadable is not narrow
    (
        egress("-1", cidrs=["0.0.0.0/1", "128.0.0.0/1"]),
        {443},
        [
            f"{SG} all traffic to 0.0.0.0/1",
            f"{SG} all traffic to 128.0.0.0/1",
        ],
    ),
    (egress("tcp", (5432, 5432), cidrs=["52.94.0.0/16"]), {443}, [f"{SG} tcp 5432 to 52.94.0.0/16"]),
    (egress("tcp", (22, 22), cidrs=["203.0.113.10/32", "198.51.100.0/24"]), {443}, []),  # named partner hosts
    (egress("-1", cidrs=["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]), {443}, []),
    (egress("-1", cidrs=[], ipv6=["2600:1f18::/32"]), {443}, [f"{SG} all traffic to 2600:1f18::/32"]),
    (egress("-1", cidrs=[], ipv6=["fd00::/8", "2600:1f18:1234:5600::/56"]), {443}, []),
]


# (destination, reaches the internet): every IANA special-purpose registry entry, deliberately.
DESTINATIONS = [
    # IPv4 registry, "Globally Reachable" False: never the internet, however wide the block
    ("0.0.0.0/8", False),
    ("10.0.0.0/8", False),
    ("100.64.0.0/10", False),  # shared address space (carrier-grade NAT)
    ("100.64.0.0/11", False),
    ("127.0.0.0/8", False),
    ("169.254.0.0/16", False),
    ("172.16.0.0/12", False),
    ("192.0.0.0/24", False),  # holds two anycast hosts: 2 public addresses are no internet
    ("192.0.0.0/29", False),
    ("192.0.2.0/24", False),
    ("192.168.0.0/16", False),
    ("198.18.0.0/15", False),
    ("198.51.100.0/24", False),
    ("203.0.113.0/24", False),
    ("224.0.0.0/4", False),  # multicast
    ("240.0.0.0/4", False),
    ("255.255.255.255/32", False),
    ("224.0.0.0/3", False),
    # IPv4: True or N/A entries are public; /24s of them are narrow like any public /24
    ("192.31.196.0/24", False),
    ("192.88.99.0/24", False),
    ("192.31.196.0/23", True),
    # CIDRs straddling private and public space are judged by their public part
    ("10.0.0.0/7", True),  # 11.0.0.0/8 is public
    ("100.0.0.0/8", True),  # 100.64/10 is shared, the rest public
    ("100.64.0.0/9", True),
    ("172.16.0.0/11", True),
    ("192.168.0.0/15", True),
    ("198.18.0.0/14", True),
    ("192.0.0.0/22", True),  # 192.0.1.0/24 and 192.0.3.0/24 are public
    ("192.0.2.0/23", False),  # TEST-NET-1 plus 192.0.3.0/24: a /24 of public space
    ("0.0.0.0/1", True),
    ("128.0.0.0/1", True),
    ("0.0.0.0/0", True),
    ("52.94.0.0/16", True),
    ("52.94.0.0/24", False),
    ("8.8.8.8/32", False),
    # IPv6 registry, "Globally Reachable" False
    ("::/128", False),
    ("::1/128", False),
    ("::ffff:0:0/96", False),  # IPv4-mapped, not an address on the wire
    ("100::/64", False),
    ("100:0:0:1::/64", False),
    ("2001:2::/48", False),
    ("2001:10::/28", False),
    ("2001:db8::/32", False),
    ("3fff::/20", False),
    ("5f00::/16", False),
    ("fc00::/7", False),
    ("fd00::/8", False),
    ("fe80::/10", False),
    ("fec0::/10", False),
    ("ff00::/8", False),
    # IPv6 True / N/A entries and global unicast
    ("2001::/32", True),  # Teredo reaches IPv4 hosts through relays
    ("2001::/23", True),  # holds Teredo
    ("2001:3::/32", True),
    ("2001:20::/28", True),
    ("2001:30::/28", True),
    ("2002::/16", True),  # 6to4
    ("2001:4:112::/48", False),  # a /48: narrow
    ("2620:4f:8000::/48", False),
    ("2600:1f18::/32", True),
    ("2600:1f18:1234:5600::/56", False),
    ("::/1", True),
    ("::/0", True),
    ("fc00::/6", True),  # f800::/6 half is unassigned global space, treated as public
    # NAT64: translated to the IPv4 address in the last 32 bits
    ("64:ff9b::/96", True),  # the whole IPv4 internet
    ("64:ff9b::/64", True),
    ("64:ff9b::/32", True),
    ("64:ff9b::808:800/118", True),  # 8.8.8.0/22
    ("64:ff9b::808:808/128", False),  # one public host
    ("64:ff9b::a00:0/104", False),  # 10.0.0.0/8
    ("64:ff9b::6440:0/106", False),  # 100.64.0.0/10
    ("64:ff9b::a00:0/103", True),  # 10.0.0.0/7 straddles
    ("64:ff9b:1::/48", True),  # local-use NAT64
    ("64:ff9b:1::/96", True),
    ("64:ff9b:1::c0a8:0/112", False),  # 192.168.0.0/16
    ("64:ff9b:1::3400:0/104", True),  # 52.0.0.0/8
]


@pytest.mark.parametrize(("cidr", "internet"), DESTINATIONS)
def test_destinations_by_the_special_purpose_registries(cidr, internet):
    rule = egress("-1", cidrs=[cidr] if ":" not in cidr else [], ipv6=[cidr] if ":" in cidr else [])
    expected = [f"{SG} all traffic to {cidr}"] if internet else []
    assert [f.describe() for f in network.open_egress(security_group(SG, rule), {443})] == expected


@pytest.mark.parametrize(("rule", "allowed", "expected"), EGRESS_CASES)
def test_open_egress(rule, allowed, expected):
    assert [f.describe() for f in network.open_egress(security_group(SG, rule), allowed)] == expected


def test_open_egress_ignores_entries_of_the_wrong_shape():
    assert network.open_egress({"GroupId": SG, "IpPermissionsEgress": ["x", None]}, {443}) == []


def test_port_pattern_accepts_exactly_0_to_65535():
    import re

    ok = [str(p) for p in (0, 1, 22, 443, 5432, 9999, 10000, 59999, 64999, 65499, 65529, 65535)]
    bad = ["65536", "65540", "65600", "66000", "70000", "99999", "100000", "-1", "1e3", ""]
    assert all(re.fullmatch(network.PORT_PATTERN, p) for p in ok)
    assert not any(re.fullmatch(network.PORT_PATTERN, p) for p in bad)


@pytest.mark.parametrize(
    ("vpc_config", "expected"),
    [
        (None, None),
        ({"subnetIds": [], "securityGroupIds": []}, None),
        ({"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}, (("subnet-1",), ("sg-1",))),
        ({"subnetIds": ["subnet-1"]}, (("subnet-1",), ())),
    ],
)
def test_vpc_attachment(vpc_config, expected):
    ci = ConfigItem.of(lambda_ci(vpcConfig=vpc_config) if vpc_config is not None else lambda_ci())
    got = network.vpc_attachment(ci)
    assert (got and (got.subnet_ids, got.security_group_ids)) == expected


@pytest.mark.parametrize("bad", ["subnet-1", {"subnetIds": "subnet-1"}, {"subnetIds": [""]}])
def test_vpc_attachment_rejects_malformed_config(bad):
    with pytest.raises(MalformedConfigurationItem):
        network.vpc_attachment(ConfigItem.of(lambda_ci(vpcConfig=bad)))


@pytest.mark.parametrize(
    ("origin", "is_open"),
    [
        ("*", True),
        ("https://*.example.com", True),
        ("null", True),  # opaque origin: sandboxed iframes, data: and file: documents
        ("NULL", True),
        (" null ", True),
        ("https://null.example.com", False),
        ("https://example.com/null", False),
        ("http://nullable.io", False),
        ("https://shop.example.com", False),
        ("http://localhost:3000", False),
    ],
)
def test_open_origins(origin, is_open):
    assert settings.open_origins(["https://shop.example.com", origin]) == ([origin] if is_open else [])


def test_open_and_unlisted_origins():
    origins = ["*", "https://Shop.example.com/", "http://localhost:3000", "https://*.example.com", "null"]
    assert settings.open_origins(origins) == ["*", "https://*.example.com", "null"]
    assert settings.unlisted_origins(origins, []) == []
    assert settings.unlisted_origins(origins, ["https://shop.example.com"]) == ["http://localhost:3000"]
    assert settings.cors_origins({"Cors": {"AllowOrigins": ["https://a", 3]}}) == ("https://a",)
    assert settings.cors_origins({"Cors": "broken"}) == ()
    assert settings.cors_origins({}) == ()


def test_unapproved_publishers():
    profile = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/Release"
    version = f"{profile}/AbC123"
    other = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/ReleaseCandidate/XyZ789"
    assert settings.unapproved_publishers([version, other], []) == []
    assert settings.unapproved_publishers([version, other], [profile]) == [other]  # a prefix is not a profile
    assert settings.unapproved_publishers([version], [version]) == []


def test_code_signing_defaults_to_warn_and_tolerates_partial_configs():
    signing = settings.CodeSigning("arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-1", {})
    assert (signing.config_id, signing.policy, signing.publishers) == ("csc-1", "Warn", ())


@pytest.mark.parametrize(
    ("arn", "account"),
    [
        ("arn:aws:lambda:us-east-1:123456789012:layer:x:1", "123456789012"),
        ("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:layer:x:1", "123456789012"),
        ("arn:aws:lambda:us-east-1::layer:x:1", None),
        ("payments-common:12", None),
    ],
)
def test_account_of_arn(arn, account):
    assert account_of_arn(arn) == account


def test_untrusted_layers_trust_the_function_account_and_the_list():
    ci = ConfigItem.of(
        lambda_ci(
            layers=[
                {"arn": "arn:aws:lambda:us-east-1:123456789012:layer:own:1"},
                {"arn": "arn:aws:lambda:us-east-1:111122223333:layer:shared:2"},
            ]
        )
    )
    assert [layer.arn for layer in untrusted_layers(ci, ["111122223333"])] == []
    assert [layer.account for layer in untrusted_layers(ci, [])] == ["111122223333"]


@pytest.mark.parametrize(
    ("size", "text"), [(0, "0 bytes"), (1023, "1023 bytes"), (2048, "2.0 KiB"), (53_477_579, "51.0 MiB")]
)
def test_human_size(size, text):
    assert human_size(size) == text


def test_function_log_groups_are_read_once_per_reader():
    stub = StubbedServices()
    stub.add("lambda", "list_functions", {"Functions": [listed_function("a"), listed_function("b")]}, {})
    stub.add(
        "logs",
        "describe_log_groups",
        {"logGroups": [log_group("/aws/lambda/a", 30), log_group("/aws/lambda/b", None, "alias/logs")]},
        {"logGroupNamePrefix": "/aws/lambda/"},
    )
    aws = stub.reader([lambda_ci("a"), lambda_ci("b")])
    first = log_groups.function_log_groups(aws)
    assert log_groups.function_log_groups(aws) is first  # the second rule pays nothing
    stub.assert_done()
    assert [(g.function, g.retention_days, g.kms_key_id) for g in first] == [("a", 30, None), ("b", None, "alias/logs")]


def test_function_log_groups_without_functions_call_nothing():
    stub = StubbedServices()
    assert log_groups.function_log_groups(stub.reader([])) == []
    stub.assert_done()


@pytest.mark.parametrize(
    ("function_arn", "qualifier"),
    [
        ("arn:aws:lambda:us-east-1:123456789012:function:f", None),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", None),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:live", "live"),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:7", "7"),
        (None, None),
    ],
)
def test_event_invoke_config_qualifier(function_arn, qualifier):
    assert settings.qualifier_of(function_arn) == qualifier
