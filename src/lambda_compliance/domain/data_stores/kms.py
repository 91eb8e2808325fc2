"""KMS key facts: who manages a key, whether it can rotate, whether it does.

Config records ``AWS::KMS::Key`` with ``keyManager`` (CUSTOMER or AWS),
``keyState``, ``origin``, the key spec and
``supplementaryConfiguration.KeyRotationStatus``. Rules that ask "is this data
encrypted with a customer managed key?" look the key up in the reader's
inventory (Config inside Lambda, the collected or snapshot CIs in a scan) and
fall back to ``kms:DescribeKey`` for keys Config has not recorded and for alias
references.

Two answers need no lookup: an ``alias/aws/...`` name belongs to an AWS managed
key (AWS reserves that prefix), and a key owned by another account is never AWS
managed (an AWS managed key serves only its own account).

``customer_managed_verdict`` is the one answer every "encrypted with a customer
managed key" rule gives: a key *ARN* proves nothing by itself, because the ARN
of an AWS managed key (aws/lambda, aws/dynamodb, ...) has the same
``key/<uuid>`` form; only the key's KeyManager tells them apart
(https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt).
"""

from __future__ import annotations

from dataclasses import dataclass

from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem, MalformedConfigurationItem
from lambda_compliance.runtime.ci_fields import first, flag
from lambda_compliance.runtime.lazy import lazy

KEY_TYPE = "AWS::KMS::Key"
NOT_FOUND = ("NotFoundException",)
AWS_ALIAS_PREFIX = "alias/aws/"
CUSTOMER, AWS = "CUSTOMER", "AWS"
SYMMETRIC = "SYMMETRIC_DEFAULT"
MAX_KEY_REFERENCE = 2048  # KMS KeyId length limit
PENDING_DELETION = frozenset({"PendingDeletion", "PendingReplicaDeletion"})

_ARN = lazy(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:(\d{12}):(key|alias)/(.+)")


@dataclass(frozen=True)
class KeyFacts:
    """What a rule may need to know about one KMS key; ``manager`` is None when the key was not found."""

    reference: str
    key_id: str | None = None
    manager: str | None = None
    state: str | None = None
    spec: str | None = None
    origin: str | None = None

    @property
    def found(self) -> bool:
        return self.manager is not None

    @property
    def customer_managed(self) -> bool:
        return self.manager == CUSTOMER

    @property
    def label(self) -> str:
        """How annotations name the key: its id, else the reference as given (an alias name)."""
        if self.key_id:
            return self.key_id
        match = _ARN.fullmatch(self.reference)
        if not match:
            return self.reference
        return f"alias/{match.group(3)}" if match.group(2) == "alias" else match.group(3)


def facts_from_ci(ci: ConfigItem) -> KeyFacts:
    """The facts an AWS::KMS::Key CI records; a CI without keyManager is malformed."""
    manager = ci.get("keyManager", kind=str)
    if manager is None:
        raise MalformedConfigurationItem("configuration item lacks a valid configuration.keyManager")
    return KeyFacts(
        reference=ci.arn or ci.resource_id,
        key_id=ci.get("keyId", kind=str) or ci.resource_id,
        manager=manager,
        state=ci.get("keyState", kind=str),
        spec=first(ci, ("keySpec",), ("customerMasterKeySpec",), kind=str),
        origin=ci.get("origin", kind=str),
    )


def key_facts(aws: AwsReader, reference: str) -> KeyFacts:
    """Facts about the key a resource names by key id, key ARN, alias name or alias ARN."""
    reference = reference.strip()
    if not reference or len(reference) > MAX_KEY_REFERENCE:
        return KeyFacts(reference[:80])  # no key can be named so: not found
    match = _ARN.fullmatch(reference)
    key_id: str | None = None
    alias: str | None = None
    if match:
        account, kind, name = match.groups()
        if kind == "alias":
            alias = f"alias/{name}"
        else:
            key_id = name
        if aws.account_id and account != aws.account_id:
            return KeyFacts(reference, key_id=key_id, manager=CUSTOMER)
    elif reference.startswith("alias/"):
        alias = reference
    else:
        key_id = reference
    if alias and alias.startswith(AWS_ALIAS_PREFIX):
        return KeyFacts(reference, manager=AWS)
    if key_id:
        ci = aws.resource(KEY_TYPE, resource_id=key_id)
        if ci is not None and not ci.is_deleted and ci.get("keyManager", kind=str):
            return facts_from_ci(ci)
    return _described(aws, reference)


def _described(aws: AwsReader, reference: str) -> KeyFacts:
    response = aws.call("kms", "describe_key", missing=NOT_FOUND, KeyId=reference)
    metadata = (response or {}).get("KeyMetadata")
    if not isinstance(metadata, dict):
        return KeyFacts(reference)
    return KeyFacts(
        reference,
        key_id=metadata.get("KeyId"),
        manager=metadata.get("KeyManager"),
        state=metadata.get("KeyState"),
        spec=metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec"),
        origin=metadata.get("Origin"),
    )


@dataclass(frozen=True)
class CmkVerdict:
    """Whether data is encrypted with a customer managed key, and the annotation that says so."""

    customer_managed: bool
    annotation: str
    key: KeyFacts | None = None


CMK_ADVICE = "use a customer managed KMS key"


def customer_managed_verdict(aws: AwsReader, reference: str | None, without_key: str) -> CmkVerdict:
    """Judge the key a resource names (``reference``; None or "" when it names none) from the key's facts.

    ``without_key`` says what encrypts the data when no key is named ("the AWS
    owned key", "the AWS managed key aws/lambda").
    """
    if not reference or not reference.strip():
        return CmkVerdict(False, f"encrypted with {without_key}; {CMK_ADVICE}")
    key = key_facts(aws, reference)
    if not key.found:
        return CmkVerdict(False, f"KMS key {key.label} was not found; {CMK_ADVICE}", key)
    if not key.customer_managed:
        return CmkVerdict(False, f"encrypted with AWS managed KMS key {key.label}; use a customer managed key", key)
    return CmkVerdict(True, f"encrypted with customer managed KMS key {key.label}", key)


def rotation_unsupported(key: KeyFacts) -> str | None:
    """Why KMS cannot rotate this key automatically, or None when it can."""
    if key.spec and key.spec != SYMMETRIC:
        return f"{key.spec} keys do not support automatic rotation"
    if key.origin == "EXTERNAL":
        return "keys with imported key material do not support automatic rotation"
    if key.origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        return "keys in a custom key store do not support automatic rotation"
    return None


def rotation_enabled(aws: AwsReader, ci: ConfigItem) -> bool | None:
    """KeyRotationStatus as Config recorded it, else kms:GetKeyRotationStatus; None when the key is gone."""
    recorded = flag(ci.supplementary_get("KeyRotationStatus"))
    if recorded is not None:
        return recorded
    response = aws.call("kms", "get_key_rotation_status", missing=NOT_FOUND, KeyId=ci.resource_id)
    if response is None:
        return None
    return bool(response.get("KeyRotationEnabled"))
