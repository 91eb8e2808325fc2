"""Policy documents as normalised statements, and the named predicates resource-policy rules share.

``parse_policy`` accepts what AWS hands us: a dict, a JSON string, a URL-encoded JSON string
(IAM documents inside Config CIs), a single Statement object or a list. It returns immutable
``Statement`` objects with lower-cased actions and condition keys and a canonical operator name,
so a predicate never re-implements casing rules or scalar-versus-list handling.

How conditions are judged (one place, so every rule agrees):

* A condition *restricts* a public or service grant only when it names a known identity key
  (``SOURCE_KEYS``) with a positive operator (StringEquals/StringLike/ArnEquals/ArnLike and
  their IgnoreCase form) and every value is concrete: the part that identifies the caller (the
  account id, the organization id, an ARN's account field) holds no wildcard and no policy
  variable. ``arn:aws:sqs:*:111122223333:*`` restricts; ``arn:aws:sns:*:*:topic``,
  ``o-*`` and ``1111*`` do not, nor does an S3 bucket ARN alone (no account; see ``_concrete``).
* ``...IfExists`` does NOT restrict: when the caller's request lacks the key (a direct call from
  an anonymous principal has no ``aws:SourceArn``), the condition evaluates true.
* ``ForAllValues:`` does NOT restrict either: it is true for an absent key. ``ForAnyValue:`` is
  false for an absent key, so it restricts like the plain operator.
* An unknown condition key or operator counts as NOT restricting: we cannot prove it narrows
  the grant, and a security check must not pass on what it does not understand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, unquote_plus

__all__ = [
    "S3_SERVICE",
    "SERVICE_OWN_KEYS",
    "SERVICE_SOURCE_KEYS",
    "SOURCE_KEYS",
    "Condition",
    "PolicyError",
    "Principal",
    "Statement",
    "action_matches",
    "parse_policy",
    "public_statements",
    "s3_unpinned_statements",
    "service_pin_keys",
    "source_restriction",
    "unpinned_services",
    "unrestricted_service_statements",
    "url_auth_none_statements",
]


class PolicyError(ValueError):
    """The document cannot be read as an IAM policy. The message never quotes the document."""


# Keys that pin a grant to a known account, organization or resource (lower-case → display).
SOURCE_KEYS: dict[str, str] = {
    k.lower(): k
    for k in (
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
    )
}
# The confused-deputy keys: what a service principal must be pinned with.
SERVICE_SOURCE_KEYS = frozenset({"aws:sourcearn", "aws:sourceaccount"})
S3_SERVICE = "s3.amazonaws.com"
# Services that send neither aws:SourceArn nor aws:SourceAccount and are pinned by another key:
# Alexa passes the skill ID as the event source token (AddPermission EventSourceToken,
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-permission.html).
SERVICE_OWN_KEYS: dict[str, tuple[str, ...]] = {
    "alexa-appkit.amazonaws.com": ("lambda:EventSourceToken",),
    "alexa-connectedhome.amazonaws.com": ("lambda:EventSourceToken",),
}
_DISPLAY = {**SOURCE_KEYS, "lambda:eventsourcetoken": "lambda:EventSourceToken"}

_COMPARE = ("Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals")
_OPERATORS = (
    *(f"String{s}" for s in ("Equals", "NotEquals", "EqualsIgnoreCase", "NotEqualsIgnoreCase", "Like", "NotLike")),
    *(f"Numeric{s}" for s in _COMPARE),
    *(f"Date{s}" for s in _COMPARE),
    *(f"Arn{s}" for s in ("Equals", "Like", "NotEquals", "NotLike")),
    *("Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "Null"),
)
_CANONICAL_OPERATOR = {op.lower(): op for op in _OPERATORS}
_POSITIVE_MATCH = frozenset({"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"})
_NEGATED_MATCH = frozenset(
    {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}
)
_QUALIFIERS = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}


@dataclass(frozen=True)
class Principal:
    """A normalised Principal (or NotPrincipal) element."""

    wildcard: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """One key test of a Condition block: ``qualifier:operator[IfExists] {key: values}``."""

    operator: str  # canonical spelling without qualifier or IfExists, e.g. "StringLike"
    key: str  # lower-cased: condition keys are case-insensitive
    values: tuple[str, ...]
    if_exists: bool = False
    qualifier: str | None = None  # "ForAnyValue" | "ForAllValues" | None

    @property
    def known_operator(self) -> bool:
        return self.operator in _CANONICAL_OPERATOR.values()


@dataclass(frozen=True)
class Statement:
    """One statement. ``actions`` holds the NotAction list when ``not_action`` is set (same for
    resources and principal). Actions are lower-cased; ``index`` is the position in the document."""

    sid: str | None
    effect: str  # "Allow" | "Deny"
    principal: Principal | None = None
    not_principal: bool = False
    actions: tuple[str, ...] = ()
    not_action: bool = False
    resources: tuple[str, ...] = ()
    not_resource: bool = False
    conditions: tuple[Condition, ...] = ()
    index: int = 0

    @property
    def ref(self) -> str:
        """How an annotation names this statement: its Sid, else its position."""
        return self.sid if self.sid else f"#{self.index}"

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"


# --------------------------------------------------------------------------------------- parsing


def parse_policy(doc: str | Mapping[str, Any] | Sequence[Any] | None) -> tuple[Statement, ...]:
    """Parse a policy document into statements; ``None`` or an empty string is an empty policy."""
    data = _load(doc)
    if data is None:
        return ()
    if isinstance(data, Mapping):
        statements = _get_ci(data, "Statement")
        if statements is None:
            if _get_ci(data, "Effect") is None:
                raise PolicyError("policy document has no Statement")
            statements = data  # a bare statement object
    else:
        statements = data
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        raise PolicyError("policy Statement must be an object or a list")
    return tuple(_statement(raw, i) for i, raw in enumerate(statements))


def _load(doc: Any) -> Any:
    if doc is None:
        return None
    if isinstance(doc, Mapping | list | tuple):
        return list(doc) if isinstance(doc, tuple) else doc
    if isinstance(doc, bytes):
        doc = doc.decode("utf-8", errors="replace")
    if not isinstance(doc, str):
        raise PolicyError(f"policy document must be JSON text or an object, not {type(doc).__name__}")
    text = doc.strip()
    if not text:
        return None
    # A JSON string may hold the JSON document (double encoding); unwrap at most twice.
    for _ in range(3):
        decoded = _decode_text(text)
        if not isinstance(decoded, str):
            if not isinstance(decoded, Mapping | list):
                raise PolicyError("policy document is not a JSON object or list")
            return decoded
        text = decoded.strip()
    raise PolicyError("policy document is encoded too many times")


def _decode_text(text: str) -> Any:
    candidates = [text]
    if "%" in text or "+" in text:
        candidates += [unquote(text), unquote_plus(text)]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise PolicyError("policy document is not valid JSON (plain or URL-encoded)")


def _get_ci(mapping: Mapping[str, Any], name: str) -> Any:
    """Element names are case-sensitive in AWS; accept any casing rather than misread a document."""
    if name in mapping:
        return mapping[name]
    lowered = name.lower()
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == lowered:
            return value
    return None


def _strings(value: Any, element: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            out.append(str(item))
        else:
            raise PolicyError(f"{element} values must be strings")
    return tuple(out)


def _statement(raw: Any, index: int) -> Statement:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"statement {index} is not an object")
    effect = _get_ci(raw, "Effect")
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        raise PolicyError(f"statement {index} has no valid Effect")
    sid = _get_ci(raw, "Sid")
    principal_raw, not_principal_raw = _get_ci(raw, "Principal"), _get_ci(raw, "NotPrincipal")
    if principal_raw is not None and not_principal_raw is not None:
        raise PolicyError(f"statement {index} has both Principal and NotPrincipal")
    action, not_action = _get_ci(raw, "Action"), _get_ci(raw, "NotAction")
    if (action is None) == (not_action is None):
        raise PolicyError(f"statement {index} needs exactly one of Action and NotAction")
    resource, not_resource = _get_ci(raw, "Resource"), _get_ci(raw, "NotResource")
    if resource is not None and not_resource is not None:
        raise PolicyError(f"statement {index} has both Resource and NotResource")
    principal = None
    if principal_raw is not None or not_principal_raw is not None:
        principal = _principal(principal_raw if principal_raw is not None else not_principal_raw, index)
    return Statement(
        sid=str(sid) if isinstance(sid, str | int) and str(sid) else None,
        effect="Allow" if effect.lower() == "allow" else "Deny",
        principal=principal,
        not_principal=not_principal_raw is not None,
        actions=tuple(a.lower() for a in _strings(action if action is not None else not_action, "Action")),
        not_action=not_action is not None,
        resources=_strings(resource if resource is not None else not_resource, "Resource"),
        not_resource=not_resource is not None,
        conditions=_conditions(_get_ci(raw, "Condition"), index),
        index=index,
    )


def _principal(raw: Any, index: int) -> Principal:
    if isinstance(raw, str):
        if raw.strip() == "*":
            return Principal(wildcard=True)
        # Older documents carry a bare account or ARN string; AWS treats it as {"AWS": ...}.
        return Principal(aws=(raw.strip(),))
    if not isinstance(raw, Mapping):
        raise PolicyError(f"statement {index} has an unreadable Principal")
    fields: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        name = str(key).lower()
        if name not in ("aws", "service", "federated", "canonicaluser"):
            raise PolicyError(f"statement {index} has an unknown principal type")
        fields[name] = tuple(v.strip() for v in _strings(value, "Principal"))
    aws = fields.get("aws", ())
    return Principal(
        wildcard="*" in aws,
        aws=aws,
        service=tuple(s.lower() for s in fields.get("service", ())),
        federated=fields.get("federated", ()),
        canonical_user=fields.get("canonicaluser", ()),
    )


def _conditions(raw: Any, index: int) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise PolicyError(f"statement {index} has an unreadable Condition")
    out: list[Condition] = []
    for op_raw, tests in raw.items():
        if not isinstance(tests, Mapping):
            raise PolicyError(f"statement {index} has an unreadable Condition block")
        qualifier, operator, if_exists = _split_operator(str(op_raw))
        for key, values in tests.items():
            out.append(
                Condition(
                    operator=operator,
                    key=str(key).lower(),
                    values=_strings(values, "Condition"),
                    if_exists=if_exists,
                    qualifier=qualifier,
                )
            )
    return tuple(out)


def _split_operator(text: str) -> tuple[str | None, str, bool]:
    qualifier = None
    if ":" in text:
        prefix, _, rest = text.partition(":")
        qualifier = _QUALIFIERS.get(prefix.lower(), prefix)
        text = rest
    if_exists = text.lower().endswith("ifexists") and text.lower() != "ifexists"
    if if_exists:
        text = text[: -len("ifexists")]
    # Unknown operators keep their spelling; they never count as restricting.
    return qualifier, _CANONICAL_OPERATOR.get(text.lower(), text), if_exists


# ------------------------------------------------------------------------------------- matching


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    """IAM wildcards: ``*`` any run, ``?`` one character; nothing else is special."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """Does an Action pattern (``iam:Put*``) match an action or a narrower pattern? Case-insensitive."""
    return _glob(pattern).fullmatch(action) is not None


def _covers(patterns: Iterable[str], value: str) -> bool:
    return any(_glob(p).fullmatch(value) for p in patterns)


def _overlaps(a: str, b: str) -> bool:
    """Could two patterns match a common string? (Sufficient approximation: one covers the other.)"""
    return action_matches(a, b) or action_matches(b, a)


_ACCOUNT_KEYS = frozenset({"aws:sourceaccount", "aws:sourceowner", "aws:principalaccount"})
_ARN_KEYS = frozenset({"aws:sourcearn", "aws:principalarn"})
_ORG_PATH_KEYS = frozenset({"aws:principalorgpaths", "aws:sourceorgpaths"})


def _fixed(text: str) -> bool:
    """No wildcard and no policy variable: the value names exactly one thing."""
    return bool(text) and not any(c in text for c in "*?") and "${" not in text


def _concrete(value: str, key: str = "") -> bool:
    """Does ``value`` of condition ``key`` pin the caller to something an attacker cannot become?

    The part that identifies the caller must be fixed: the whole account id or organization id,
    the organization id at the head of an org path, and in an ARN the account field. An ARN with
    no account (an S3 bucket) names a global name that anyone can register once it is free, so it
    pins nothing by itself: AWS's managed rule lambda-function-public-access-prohibited and
    Security Hub control Lambda.1 require aws:SourceAccount for S3
    (https://docs.aws.amazon.com/config/latest/developerguide/lambda-function-public-access-prohibited.html).
    """
    stripped = value.strip()
    if not stripped.strip("*?"):
        return False
    if key in _ORG_PATH_KEYS:
        return _fixed(stripped.split("/", 1)[0])
    parts = stripped.split(":", 5)
    if len(parts) == 6 and parts[0].lower() == "arn":
        return _fixed(parts[4])
    if key in _ARN_KEYS:
        return False  # not an ARN: names no account
    return _fixed(stripped)


def _restricting(cond: Condition, keys: Iterable[str]) -> bool:
    return (
        cond.key in keys
        and cond.operator in _POSITIVE_MATCH
        and not cond.if_exists
        and cond.qualifier in (None, "ForAnyValue")
        and bool(cond.values)
        and all(_concrete(v, cond.key) for v in cond.values)
    )


def _deny_restricting(cond: Condition, keys: Iterable[str]) -> bool:
    """A Deny "unless key = concrete" (negated operator) narrows who the Allow reaches.

    Negated operators evaluate true when the key is absent, so IfExists does not weaken them here.
    """
    return (
        cond.key in keys
        and cond.operator in _NEGATED_MATCH
        and cond.qualifier is None
        and bool(cond.values)
        and all(_concrete(v, cond.key) for v in cond.values)
    )


# ----------------------------------------------------------------------------------- predicates


def source_restriction(stmt: Statement, keys: Iterable[str] = SOURCE_KEYS) -> str | None:
    """Name the condition key (display casing) that pins ``stmt`` to a concrete source, else None.

    Only positive operators with concrete values count; IfExists, ForAllValues and unknown keys
    do not (see the module docstring).
    """
    keys = frozenset(k.lower() for k in keys)
    for cond in stmt.conditions:
        if _restricting(cond, keys):
            return _DISPLAY.get(cond.key, cond.key)
    return None


def _is_public(stmt: Statement) -> bool:
    if stmt.not_principal:
        return True  # "everyone except ..." is as good as "*"
    return stmt.principal is not None and stmt.principal.wildcard


def _deny_negates(deny: Statement, allow: Statement) -> bool:
    """Does an explicit Deny take away all of a public Allow?"""
    if deny.allows or not _deny_reaches_everyone(deny):
        return False
    if deny.conditions and not any(_deny_restricting(c, SOURCE_KEYS) for c in deny.conditions):
        return False  # a Deny under conditions we cannot read may not apply: keep the Allow public
    return _actions_covered(deny, allow) and _resources_covered(deny, allow)


def _deny_reaches_everyone(deny: Statement) -> bool:
    if deny.principal is None:
        return False
    if deny.not_principal:
        return not deny.principal.wildcard  # Deny all except a named principal
    return deny.principal.wildcard


def _actions_covered(deny: Statement, allow: Statement) -> bool:
    if allow.not_action:
        # The Allow grants "everything but X": only a Deny of everything (or of less exceptions) covers it.
        if deny.not_action:
            return all(_covers(allow.actions, d) for d in deny.actions)
        return "*" in deny.actions
    if deny.not_action:
        return all(not any(_overlaps(n, a) for n in deny.actions) for a in allow.actions)
    return all(_covers(deny.actions, a) for a in allow.actions)


def _resources_covered(deny: Statement, allow: Statement) -> bool:
    if not deny.resources and not deny.not_resource:
        return True  # a resource policy's statement may omit Resource: it means this resource
    if deny.not_resource:
        return not allow.not_resource and not any(_overlaps(n, r) for n in deny.resources for r in allow.resources)
    if allow.not_resource or not allow.resources:
        return "*" in deny.resources
    return all(_covers(deny.resources, r) for r in allow.resources)


def public_statements(statements: Sequence[Statement]) -> list[Statement]:
    """Allow statements reaching anyone (``*``, ``{"AWS": "*"}`` or NotPrincipal) with no source
    restriction, minus those an explicit Deny of the same actions for everyone takes back."""
    denies = [s for s in statements if not s.allows]
    return [
        s
        for s in statements
        if s.allows and _is_public(s) and source_restriction(s) is None and not any(_deny_negates(d, s) for d in denies)
    ]


def service_pin_keys(service: str) -> tuple[str, ...]:
    """What pins a grant to ``service`` to its caller's resource, in the order to advise it:
    the service's own key (Alexa: lambda:EventSourceToken), aws:SourceAccount for S3 (a bucket ARN
    names no account), else aws:SourceArn or aws:SourceAccount."""
    if service in SERVICE_OWN_KEYS:
        return SERVICE_OWN_KEYS[service]
    if service == S3_SERVICE:
        return ("aws:SourceAccount",)
    return ("aws:SourceArn", "aws:SourceAccount")


def unpinned_services(stmt: Statement) -> list[str]:
    """The services of an Allow statement that it does not pin (see ``service_pin_keys``).

    A service's own key, or a concrete aws:SourceArn / aws:SourceAccount, pins it: a key that the
    service never sends makes the grant unusable to everyone, which is restricted too."""
    if not stmt.allows or stmt.not_principal or stmt.principal is None:
        return []
    out = []
    for service in stmt.principal.service:
        keys = {k.lower() for k in SERVICE_OWN_KEYS.get(service, ())} | SERVICE_SOURCE_KEYS
        if source_restriction(stmt, keys) is None:
            out.append(service)
    return out


def unrestricted_service_statements(statements: Sequence[Statement]) -> list[Statement]:
    """Allow statements to a service principal that do not pin it to a concrete source (the
    confused-deputy gap): no aws:SourceArn naming an account, no aws:SourceAccount, no service key."""
    return [s for s in statements if unpinned_services(s)]


def s3_unpinned_statements(statements: Sequence[Statement]) -> list[Statement]:
    """Allow statements for the S3 service principal without a concrete aws:SourceAccount: AWS's
    managed rule and Security Hub control Lambda.1 count them as public access, since a bucket
    name (the only thing an S3 aws:SourceArn names) can be registered by another account."""
    return [
        s
        for s in statements
        if s.allows
        and not s.not_principal
        and s.principal is not None
        and S3_SERVICE in s.principal.service
        and source_restriction(s, ("aws:sourceaccount",)) is None
    ]


def url_auth_none_statements(statements: Sequence[Statement]) -> list[Statement]:
    """Allow statements for lambda:InvokeFunctionUrl under ``lambda:FunctionUrlAuthType = NONE``:
    how a function URL without IAM auth shows in the resource policy."""
    out = []
    for s in statements:
        if not s.allows or s.not_action or not _covers(s.actions, "lambda:invokefunctionurl"):
            continue
        if any(
            c.key == "lambda:functionurlauthtype"
            and c.operator in ("StringEquals", "StringEqualsIgnoreCase", "StringLike")
            and any(v.upper() == "NONE" for v in c.values)
            for c in s.conditions
        ):
            out.append(s)
    return out
