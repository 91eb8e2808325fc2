"""A Lambda function's network placement: VPC attachment, Availability Zones, security-group egress.

The function CI records ``vpcConfig.subnetIds`` and ``securityGroupIds``; the
subnets' Availability Zones and the groups' egress rules come from their own
recorded CIs (``AWS::EC2::Subnet``, ``AWS::EC2::SecurityGroup``) when the scan's
inventory holds them (a Config snapshot: a group recorded as deleted is gone),
otherwise from EC2: one DescribeSubnets / DescribeSecurityGroups call per
function with the ids not recorded, memoised by the reader so functions sharing
subnets or groups share the call. EC2 fails a whole batch when one id no longer
exists; only then are the ids asked one by one, to tell the survivors from the
deleted. Inside Lambda, EC2 is always asked: it is newer than Config's record.

Egress judgement (``open_egress``): a rule reaches *the internet* when its
destination is ``0.0.0.0/0`` or ``::/0``, or holds more public addresses than a
/24 (IPv4) or /48 (IPv6), so splitting the internet into halves (``0.0.0.0/1``
and ``128.0.0.0/1``) changes nothing. Public means outside every block the IANA
special-purpose registries mark not globally reachable (``NOT_INTERNET``), so a
CIDR straddling private and public space (``10.0.0.0/7``) is judged by its
public part; the NAT64 prefixes reach the IPv4 internet through the
translator and are judged by the IPv4 range they embed. Single hosts or small
public blocks, security groups and prefix lists (VPC endpoints) count as
restricted.
Internet egress is acceptable only for TCP or UDP on allowed ports; all
traffic (protocol -1), port ranges reaching other ports, and other protocols
(ICMP, ...) are open egress. A destination that cannot be read counts as open.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem

SUBNET_TYPE = "AWS::EC2::Subnet"
GROUP_TYPE = "AWS::EC2::SecurityGroup"
SUBNET_NOT_FOUND = ("InvalidSubnetID.NotFound",)
GROUP_NOT_FOUND = ("InvalidGroup.NotFound",)
MAX_PORT = 65535

_PROTOCOL_NAMES = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_PORT_PROTOCOLS = frozenset({"tcp", "udp"})


@dataclass(frozen=True)
class VpcAttachment:
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]


def _ids(config: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = config.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise MalformedConfigurationItem(f"configuration.vpcConfig.{key} is not a list of ids")
    return tuple(value)


def vpc_attachment(ci: ConfigItem) -> VpcAttachment | None:
    """The function's subnets and security groups, or None when it is not attached to a VPC."""
    config = ci.get("vpcConfig")
    if config is None:
        return None
    if not isinstance(config, dict):
        raise MalformedConfigurationItem("configuration.vpcConfig is not an object")
    subnets = _ids(config, "subnetIds")
    if not subnets:
        return None
    return VpcAttachment(subnets, _ids(config, "securityGroupIds"))


def _by_id(
    aws: AwsReader,
    operation: str,
    result_key: str,
    id_param: str,
    id_field: str,
    missing: tuple[str, ...],
    ids: Iterable[str],
) -> dict[str, dict[str, Any]]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    items = aws.collect("ec2", operation, result_key, missing=missing, **{id_param: wanted})
    if not items and len(wanted) > 1:  # one deleted id failed the batch: find the ones that still exist
        items = [
            item
            for one in wanted
            for item in aws.collect("ec2", operation, result_key, missing=missing, **{id_param: [one]})
        ]
    return {item[id_field]: item for item in items if isinstance(item, dict) and item.get(id_field)}


def _number(value: Any) -> Any:
    """Config's API format spells ports as floats (443.0); EC2 as ints."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _permission(raw: Mapping[str, Any]) -> dict[str, Any]:
    """One ``ipPermissionsEgress`` entry of a SecurityGroup CI in DescribeSecurityGroups' spelling.

    Config records IPv4 destinations twice, as ``ipv4Ranges`` (objects) and ``ipRanges`` (strings);
    both are read, so a CI holding only one of them is judged the same.
    """
    cidrs = [r.get("cidrIp") for r in raw.get("ipv4Ranges") or [] if isinstance(r, dict)]
    cidrs += [r for r in raw.get("ipRanges") or [] if isinstance(r, str)]
    cidrs += [r.get("cidrIp") for r in raw.get("ipRanges") or [] if isinstance(r, dict)]
    return {
        "IpProtocol": _number(raw.get("ipProtocol", "-1")),
        "FromPort": _number(raw.get("fromPort")),
        "ToPort": _number(raw.get("toPort")),
        "IpRanges": [{"CidrIp": c} for c in dict.fromkeys(cidrs) if c is not None],
        "Ipv6Ranges": [{"CidrIpv6": r.get("cidrIpv6")} for r in raw.get("ipv6Ranges") or [] if isinstance(r, dict)],
        "PrefixListIds": list(raw.get("prefixListIds") or []),
        "UserIdGroupPairs": list(raw.get("userIdGroupPairs") or []),
    }


def _group_from_ci(ci: ConfigItem) -> dict[str, Any]:
    egress = ci.get("ipPermissionsEgress", kind=list) or []
    return {
        "GroupId": ci.get("groupId", kind=str) or ci.resource_id,
        "VpcId": ci.get("vpcId", kind=str),
        "IpPermissionsEgress": [_permission(p) for p in egress if isinstance(p, dict)],
    }


def _subnet_from_ci(ci: ConfigItem) -> dict[str, Any]:
    zone = ci.get("availabilityZone", kind=str) or ci.raw.get("availabilityZone")
    return {"SubnetId": ci.get("subnetId", kind=str) or ci.resource_id, "VpcId": ci.get("vpcId", kind=str)} | (
        {"AvailabilityZone": zone} if isinstance(zone, str) and zone != "Not Applicable" else {}
    )


def _recorded(
    aws: AwsReader, resource_type: str, ids: Iterable[str], shape: Any
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """(recorded resources by id in the API's shape, ids recorded as deleted): scans only."""
    found: dict[str, dict[str, Any]] = {}
    gone: set[str] = set()
    if not isinstance(aws.inventory, LocalInventory):
        return found, gone
    for resource_id in sorted(set(ids)):
        ci = aws.resource(resource_type, resource_id=resource_id)
        if ci is None:
            continue
        if ci.is_deleted:
            gone.add(resource_id)
        else:
            found[resource_id] = shape(ci)
    return found, gone


def subnets(aws: AwsReader, subnet_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """DescribeSubnets entries by id (recorded subnet CIs first); ids that no longer exist are absent."""
    ids = set(subnet_ids)
    found, gone = _recorded(aws, SUBNET_TYPE, ids, _subnet_from_ci)
    rest = ids - set(found) - gone
    return found | _by_id(aws, "describe_subnets", "Subnets", "SubnetIds", "SubnetId", SUBNET_NOT_FOUND, rest)


def security_groups(aws: AwsReader, group_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """DescribeSecurityGroups entries by id (recorded group CIs first); ids that no longer exist are absent."""
    ids = set(group_ids)
    found, gone = _recorded(aws, GROUP_TYPE, ids, _group_from_ci)
    rest = ids - set(found) - gone
    described = _by_id(aws, "describe_security_groups", "SecurityGroups", "GroupIds", "GroupId", GROUP_NOT_FOUND, rest)
    return found | described


def availability_zones(found: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The distinct Availability Zones of described subnets, sorted."""
    return sorted({s["AvailabilityZone"] for s in found.values() if isinstance(s.get("AvailabilityZone"), str)})


@dataclass(frozen=True)
class OpenEgress:
    group_id: str
    protocol: str  # all, tcp, udp, icmp, icmpv6 or an IP protocol number
    ports: str  # "443", "0-65535"; "" when the protocol has no ports
    destination: str

    def describe(self) -> str:
        what = "all traffic" if self.protocol == "all" else " ".join(filter(None, (self.protocol, self.ports)))
        return f"{self.group_id} {what} to {self.destination}"


# Blocks of the IANA special-purpose address registries whose "Globally
# Reachable" is False, minus the entries inside them that are True or N/A
# (https://www.iana.org/assignments/iana-ipv4-special-registry/,
# https://www.iana.org/assignments/iana-ipv6-special-registry/). Entries marked
# True or N/A stay internet: 192.0.0.9/32, 192.0.0.10/32, 192.31.196.0/24,
# 192.52.193.0/24, 192.88.99.0/24 (6to4 relay), 192.175.48.0/24; 2001::/32
# (Teredo), 2001:1::1-3/128, 2001:3::/32, 2001:4:112::/48, 2001:20::/28,
# 2001:30::/28, 2002::/16 (6to4), 2620:4f:8000::/48; Teredo and 6to4, like
# NAT64, carry traffic on to IPv4 hosts. Multicast and IPv6 site-local space
# are added: a VPC routes neither to an internet gateway.
_IPV4_NOT_GLOBAL = (
    "0.0.0.0/8",  # "this network" (RFC 791)
    "10.0.0.0/8",  # private use (RFC 1918)
    "100.64.0.0/10",  # shared address space, carrier-grade NAT (RFC 6598)
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link local (instance metadata, Time Sync)
    "172.16.0.0/12",  # private use
    "192.0.0.0/24",  # IETF protocol assignments (DS-Lite, NAT64 discovery, ...), less the anycast hosts below
    "192.0.2.0/24",  # TEST-NET-1
    "192.168.0.0/16",  # private use
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",  # TEST-NET-2
    "203.0.113.0/24",  # TEST-NET-3
    "224.0.0.0/4",  # multicast (IANA multicast registry)
    "240.0.0.0/4",  # reserved, with 255.255.255.255/32 limited broadcast
)
_IPV4_GLOBAL_INSIDE = ("192.0.0.9/32", "192.0.0.10/32")  # PCP and TURN anycast
_IPV6_NOT_GLOBAL = (
    "::/128",  # unspecified
    "::1/128",  # loopback
    "::ffff:0:0/96",  # IPv4-mapped: a socket notation, never on the wire
    "100::/64",  # discard-only
    "100:0:0:1::/64",  # dummy IPv6 prefix (RFC 9780)
    "2001::/23",  # IETF protocol assignments, less the globally reachable entries below
    "2001:db8::/32",  # documentation
    "3fff::/20",  # documentation (RFC 9637)
    "5f00::/16",  # segment routing SIDs (RFC 9602)
    "fc00::/7",  # unique local
    "fe80::/10",  # link local
    "fec0::/10",  # site local (deprecated)
    "ff00::/8",  # multicast
)
_IPV6_GLOBAL_INSIDE = (
    "2001::/32",  # Teredo tunnels reach the IPv4 internet
    "2001:1::1/128",
    "2001:1::2/128",
    "2001:1::3/128",
    "2001:3::/32",  # AMT
    "2001:4:112::/48",  # AS112-v6
    "2001:20::/28",  # ORCHIDv2
    "2001:30::/28",  # drone remote ID
)
# 64:ff9b::/96 (RFC 6052, globally reachable) and 64:ff9b:1::/48 (RFC 8215,
# local use) are translated to the IPv4 address in their last 32 bits.
NAT64_PREFIXES = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_EMBEDDED_IPV4_AT = 96


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _without(blocks: Iterable[str], holes: Iterable[str]) -> tuple[Network, ...]:
    pieces: list[Network] = [ipaddress.ip_network(block) for block in blocks]
    for hole in map(ipaddress.ip_network, holes):
        pieces = [
            part
            for piece in pieces
            for part in (piece.address_exclude(hole) if hole.subnet_of(piece) else [piece])  # type: ignore[arg-type]
        ]
    return tuple(ipaddress.collapse_addresses(pieces))  # type: ignore[type-var]


NOT_INTERNET = {
    4: _without(_IPV4_NOT_GLOBAL, _IPV4_GLOBAL_INSIDE),
    6: _without(_IPV6_NOT_GLOBAL, _IPV6_GLOBAL_INSIDE),
}
# The most public addresses a restricted destination may hold: a /24, a /48.
_MAX_RESTRICTED = {4: 2 ** (32 - 24), 6: 2 ** (128 - 48)}


def public_addresses(network: Network) -> int:
    """How many addresses of ``network`` are globally reachable (CIDR blocks either nest or are disjoint)."""
    hidden = 0
    for block in NOT_INTERNET[network.version]:
        if network.subnet_of(block):  # type: ignore[arg-type]
            return 0
        if block.subnet_of(network):  # type: ignore[arg-type]
            hidden += block.num_addresses
    return network.num_addresses - hidden


def reaches_internet(network: Network) -> bool:
    """Whether ``network`` holds more of the internet than a /24 (IPv4) or /48 (IPv6), NAT64 included."""
    if network.prefixlen == 0:
        return True
    if isinstance(network, ipaddress.IPv6Network):
        for prefix in NAT64_PREFIXES:
            if prefix.subnet_of(network):
                return True  # the whole translated IPv4 internet
            if network.subnet_of(prefix):
                if network.prefixlen <= _EMBEDDED_IPV4_AT:
                    return True
                embedded = int(network.network_address) & 0xFFFFFFFF
                return reaches_internet(
                    ipaddress.IPv4Network((embedded, network.prefixlen - _EMBEDDED_IPV4_AT), strict=False)
                )
    return public_addresses(network) > _MAX_RESTRICTED[network.version]


def _reaches_internet(cidr: Any) -> bool:
    if not isinstance(cidr, str):
        return False
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return True  # a destination we cannot read is not proven narrow
    return reaches_internet(network)


def _internet_destinations(permission: Mapping[str, Any]) -> list[str]:
    found = [r.get("CidrIp") for r in permission.get("IpRanges") or [] if isinstance(r, dict)]
    found += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges") or [] if isinstance(r, dict)]
    return [cidr for cidr in found if _reaches_internet(cidr)]


def _port_range(permission: Mapping[str, Any]) -> tuple[int, int]:
    low, high = permission.get("FromPort"), permission.get("ToPort")
    if not isinstance(low, int) or not isinstance(high, int) or low < 0 or high < 0:
        return 0, MAX_PORT
    return low, high


def open_egress(group: Mapping[str, Any], allowed_ports: Iterable[int]) -> list[OpenEgress]:
    """The group's egress rules that reach the internet beyond TCP/UDP on ``allowed_ports``."""
    allowed = frozenset(allowed_ports)
    group_id = str(group.get("GroupId", "security group"))
    findings: list[OpenEgress] = []
    for permission in group.get("IpPermissionsEgress") or []:
        if not isinstance(permission, dict):
            continue
        destinations = _internet_destinations(permission)
        if not destinations:
            continue
        raw = str(permission.get("IpProtocol", "-1")).lower()
        protocol = _PROTOCOL_NAMES.get(raw, raw)
        ports = ""
        if protocol in _PORT_PROTOCOLS:
            low, high = _port_range(permission)
            if high - low + 1 <= len(allowed) and all(port in allowed for port in range(low, high + 1)):
                continue
            ports = str(low) if low == high else f"{low}-{high}"
        findings.extend(OpenEgress(group_id, protocol, ports, cidr) for cidr in destinations)
    return findings


def port_list(ports: Iterable[int]) -> str:
    return ", ".join(str(p) for p in sorted(set(ports)))


# One TCP/UDP port, 0-65535, for parameters listing ports.
PORT_PATTERN = r"(6553[0-5]|655[0-2]\d|65[0-4]\d{2}|6[0-4]\d{3}|[1-5]\d{4}|\d{1,4})"
