"""Reads of AWS::Lambda::Function CIs that several function rules share.

Everything here works on the normalised CI alone (no AWS call): the function's
name and package type, its layers and whose accounts publish them, its code
size and its tags. ``candidates`` lists the functions a periodic rule reports
on, from the reader's Config inventory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lambda_compliance.runtime import identifiers
from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem

FUNCTION = "AWS::Lambda::Function"
MIB = 1024 * 1024


def function_name(ci: ConfigItem) -> str:
    """The function's name; a CI without a valid one cannot be judged (and must not reach the Lambda API)."""
    name = ci.require("functionName", kind=str)
    if not identifiers.valid(identifiers.FUNCTION_NAME, name):
        raise MalformedConfigurationItem("configuration item has no valid configuration.functionName")
    return name


def is_image(ci: ConfigItem) -> bool:
    """Container-image functions have no zip package: no layers, no code signing, no codeSize."""
    return ci.get("packageType", kind=str) == "Image"


def candidates(aws: AwsReader) -> list[ConfigItem]:
    """The functions a periodic rule reports on: Config's inventory (the scan's collected CIs)."""
    return [ci for ci in aws.resources(FUNCTION) if ci.resource_id and not ci.is_deleted]


def account_of_arn(arn: str) -> str | None:
    """The account field of an ARN, or None when the text is not an ARN with an account."""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[4].isdigit():
        return None
    return parts[4]


def function_account(ci: ConfigItem) -> str | None:
    """The account that owns the function: the CI's account, else the one in its function ARN."""
    return ci.account_id or account_of_arn(ci.get("functionArn", kind=str) or ci.arn or "")


@dataclass(frozen=True)
class Layer:
    arn: str
    code_size: int | None

    @property
    def account(self) -> str | None:
        return account_of_arn(self.arn)


def layers(ci: ConfigItem) -> tuple[Layer, ...]:
    """The function's layers in order; a layers field of the wrong shape is a malformed CI."""
    raw = ci.get("layers")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise MalformedConfigurationItem("configuration.layers is not a list")
    found = []
    for index, item in enumerate(raw):
        arn = item.get("arn") if isinstance(item, dict) else None
        if not isinstance(arn, str) or not arn:
            raise MalformedConfigurationItem(f"configuration.layers[{index}] has no arn")
        size = item.get("codeSize")
        found.append(Layer(arn, size if isinstance(size, int) and not isinstance(size, bool) else None))
    return tuple(found)


def untrusted_layers(ci: ConfigItem, trusted_accounts: Iterable[str]) -> list[Layer]:
    """Layers published outside the function's own account and ``trusted_accounts``."""
    trusted = set(trusted_accounts)
    own = function_account(ci)
    if own:
        trusted.add(own)
    return [layer for layer in layers(ci) if layer.account not in trusted]


def code_size(ci: ConfigItem) -> int:
    """The deployment package (zip) size in bytes, from configuration.codeSize."""
    size = ci.require("codeSize", kind=int)
    if size < 0:
        raise MalformedConfigurationItem("configuration.codeSize is negative")
    return size


def human_size(size: int) -> str:
    """Bytes as people read them: 107 bytes, 2.5 KiB, 51.0 MiB."""
    if size < 1024:
        return f"{size} bytes"
    if size < MIB:
        return f"{size / 1024:.1f} KiB"
    return f"{size / MIB:.1f} MiB"


def missing_tags(ci: ConfigItem, required: Iterable[str]) -> list[str]:
    """Required tag keys the function lacks or carries with an empty value (keys are case-sensitive)."""
    tags = ci.tags
    return [key for key in required if not (isinstance(tags.get(key), str) and tags[key].strip())]


def case_variants(ci: ConfigItem, keys: Iterable[str]) -> dict[str, str]:
    """For each missing key, a present tag key differing only in case (``owner`` for ``Owner``)."""
    present = {key.lower(): key for key in ci.tags}
    return {key: present[key.lower()] for key in keys if key.lower() in present and present[key.lower()] != key}
