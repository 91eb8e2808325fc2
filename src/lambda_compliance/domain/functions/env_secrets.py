"""Plaintext credentials in Lambda environment variables.

The judgement behind LAMBDA_ENV_NO_PLAINTEXT_SECRETS, and anything else that
must tell a credential from configuration. Two kinds of evidence:

* the *value* has a credential shape (AWS key id, private key block, JWT,
  vendor token prefix, ``scheme://user:password@host``): reported whatever the
  variable is called, because these shapes do not occur by accident;
* the *name* says secret (PASSWORD, API_KEY, CLIENT_SECRET, ...) and the value
  looks like one: long or random enough, not a placeholder, not a reference.

References are never findings: pointing at Secrets Manager or SSM is the
remedy, not the problem. A finding carries the variable name and a fixed label,
never any part of the value, so it is safe in annotations, logs and reports.
"""

from __future__ import annotations

import base64
import json
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from lambda_compliance.domain.functions import env_secret_patterns as p
from lambda_compliance.domain.functions.env_secret_patterns import KINDS

__all__ = ["KINDS", "SecretFinding", "find_plaintext_secrets"]

# Lambda caps all variables together at 4 KB; anything beyond this is not an
# environment a function can have, and scanning it only costs time.
_MAX_VALUE_CHARS = 256 * 1024
_MAX_NAME_CHARS = 512
_PRIVATE_KEY_WINDOW = 8192
_MAX_JSON_CHARS = 64 * 1024
_MAX_JSON_DEPTH = 4
_MAX_JSON_MEMBERS = 2000

NameClass = Literal["password", "token", "key"]


@dataclass(frozen=True)
class SecretFinding:
    """A variable that holds a plaintext credential; deliberately value-free."""

    name: str
    kind: str


@dataclass(frozen=True)
class _NameRole:
    secret_class: NameClass | None
    aws_hint: bool
    api_key: bool


def find_plaintext_secrets(variables: Mapping[str, object]) -> list[SecretFinding]:
    """One finding per variable at most (the strongest kind), sorted by name.

    Never includes values. Non-string values are ignored. Never raises on any
    input: a non-mapping, non-string names or values simply yield no finding.
    """
    if not isinstance(variables, Mapping):
        return []
    findings = []
    for name, value in variables.items():
        if not isinstance(name, str) or not isinstance(value, str):
            continue
        kind = _classify(name, value)
        if kind is not None:
            findings.append(SecretFinding(name=name, kind=kind))
    findings.sort(key=lambda finding: finding.name)
    return findings


def _classify(name: str, value: str, depth: int = 0) -> str | None:
    text = value[:_MAX_VALUE_CHARS].strip()
    if not text or _is_reference(text):
        return None
    kinds = set(_shape_kinds(text))
    role = _name_role(name)
    if (role.aws_hint or p.AWS_ACCESS_KEY_ID in kinds) and _has_aws_secret_shape(text):
        kinds.add(p.AWS_SECRET_KEY)
    if role.api_key and p.HEX32.fullmatch(text) and not _is_dummy(text):
        kinds.add(p.HEX_API_KEY)
    if not kinds:
        # A JSON object is judged by its members: {"password": "..."} leaks
        # whatever the variable is called, {"region": "..."} never does.
        document = _json_object(text) if depth < _MAX_JSON_DEPTH else None
        if document is not None:
            kinds.update(_member_kinds(document, depth + 1))
        elif role.secret_class is not None and _looks_secret(text, role.secret_class):
            kinds.add(p.HIGH_ENTROPY)
    return min(kinds, key=p.RANK.__getitem__) if kinds else None


def _json_object(text: str) -> dict[object, object] | None:
    if not (text.startswith("{") and text.endswith("}")) or len(text) > _MAX_JSON_CHARS:
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _member_kinds(document: dict[object, object], depth: int) -> Iterator[str]:
    pending: list[tuple[str, object]] = [(str(key), member) for key, member in document.items()]
    for _ in range(_MAX_JSON_MEMBERS):
        if not pending:
            return
        key, member = pending.pop()
        if isinstance(member, str):
            kind = _classify(key, member, depth)
            if kind is not None:
                yield kind
        elif isinstance(member, dict) and depth < _MAX_JSON_DEPTH:
            pending.extend((str(k), v) for k, v in member.items())
        elif isinstance(member, list) and depth < _MAX_JSON_DEPTH:
            pending.extend((key, item) for item in member)


# --- value shapes -------------------------------------------------------------


def _shape_kinds(text: str) -> Iterator[str]:
    header = p.PRIVATE_KEY_HEADER.search(text)
    if header is not None:
        window = text[header.end() : header.end() + _PRIVATE_KEY_WINDOW]
        body = p.PRIVATE_KEY_BODY.search(window)
        if body is not None and not _is_dummy(body.group()):
            yield p.PRIVATE_KEY
    for kind, pattern in p.VENDOR_PATTERNS:
        for match in pattern.finditer(text):
            if not _is_dummy(match.group("body")):
                yield kind
                break
    if any(_is_jwt_header(match.group("header")) for match in p.JWT_TOKEN.finditer(text)):
        yield p.JWT
    if any(_is_url_password(m.group("pw")) for m in p.URL_USERINFO.finditer(text)):
        yield p.URL_PASSWORD
    is_url = "://" in text or text[:5].lower() == "jdbc:"
    if is_url and any(not _is_placeholder(m.group("pw")) for m in p.URL_QUERY_PASSWORD.finditer(text)):
        yield p.URL_PASSWORD
    if any(_is_connection_password(m.group("pw")) for m in p.CONN_STRING_PASSWORD.finditer(text)):
        yield p.CONN_PASSWORD


def _is_jwt_header(segment: str) -> bool:
    # Three dotted base64url segments are common (versions, hostnames); only a
    # header that decodes to a JOSE object makes it a token.
    try:
        decoded = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, RecursionError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


def _is_url_password(password: str) -> bool:
    # "host:8080@..." is a port, not a password.
    if password.isdigit() and len(password) <= 5:
        return False
    return not _is_placeholder(password)


def _is_connection_password(password: str) -> bool:
    return not _is_placeholder(password.strip("'\""))


def _has_aws_secret_shape(text: str) -> bool:
    for match in p.AWS_SECRET_SHAPE.finditer(text):
        candidate = match.group()
        # Hex-only 40 characters is a git SHA-1, not a key.
        if _char_classes(candidate) >= 3 and _entropy(candidate) >= 3.8 and not _is_dummy(candidate):
            return True
    return False


# --- references, placeholders and harmless values -----------------------------


def _is_reference(text: str) -> bool:
    return bool(
        p.ARN.match(text) or p.DYNAMIC_REFERENCE.fullmatch(text) or p.REFERENCE_SCHEME.match(text) or _is_path(text)
    )


def _is_path(text: str) -> bool:
    # SSM parameter names and file paths; a random-looking segment means a
    # base64 secret that merely starts with "/".
    if not (p.ABSOLUTE_PATH.fullmatch(text) or p.FILE_PATH.fullmatch(text)):
        return False
    return not any(len(part) >= 12 and _char_classes(part) >= 3 for part in text.split("/"))


def _is_placeholder(text: str) -> bool:
    lowered = text.strip().lower()
    if not lowered or lowered in p.PLACEHOLDER_WORDS:
        return True
    if any(marker in lowered for marker in p.PLACEHOLDER_MARKERS):
        return True
    return any(shape.fullmatch(text) for shape in p.PLACEHOLDER_SHAPES)


def _is_dummy(body: str) -> bool:
    # Fillers such as "AKIAXXXXXXXXXXXXXXXX" or "ghp_your_token_here" keep the
    # vendor prefix but carry no randomness.
    lowered = body.lower()
    return len(set(lowered)) < 6 or "xxxx" in lowered or "your" in lowered or _char_classes(body) < 2


def _is_harmless(text: str) -> bool:
    lowered = text.lower()
    return bool(
        lowered in p.BOOLEAN_WORDS
        or lowered in p.CONFIG_WORDS
        or p.NUMBER.fullmatch(text)
        or p.ANY_URL.match(text)
        or p.EMAIL.fullmatch(text)
        or p.HOSTNAME.fullmatch(text)
    )


# --- names --------------------------------------------------------------------


def _name_role(name: str) -> _NameRole:
    words = [word.lower() for word in p.NAME_WORDS.findall(name[:_MAX_NAME_CHARS])]
    if any(word in p.NON_SECRET_WORDS for word in words):
        return _NameRole(None, aws_hint=False, api_key=False)
    secret_class: NameClass | None = None
    last = -1
    api_key = False
    for index, word in enumerate(words):
        previous = words[index - 1] if index else ""
        word_class = _word_class(word, previous)
        if word_class is None:
            continue
        last = index
        secret_class = _more_lenient(secret_class, word_class)
        api_key = api_key or word in ("apikey", "appkey") or (word == "key" and previous in p.API_KEY_QUALIFIERS)
    # PASSWORD_MIN_LENGTH, SECRET_ARN, TOKEN_TTL: a qualifier after the secret
    # word makes the variable describe a secret rather than hold one.
    if secret_class is None or any(word in p.METADATA_WORDS for word in words[last + 1 :]):
        return _NameRole(None, aws_hint=False, api_key=False)
    aws_hint = (
        "aws" in words
        or any(word in p.AWS_SECRET_NAME_WORDS for word in words)
        or ("secret" in words and ("key" in words or "access" in words))
    )
    return _NameRole(secret_class, aws_hint=aws_hint, api_key=api_key)


def _word_class(word: str, previous: str) -> NameClass | None:
    if word in p.PASSWORD_WORDS or word.endswith(("password", "passwd", "passphrase")):
        return "password"
    if word in p.TOKEN_WORDS or word.endswith(("secret", "token", "apikey", "secretkey", "privatekey")):
        return "token"
    if word in ("key", "keys"):
        return "token" if previous in p.KEY_QUALIFIERS else "key"
    return None


_LENIENCY: dict[NameClass, int] = {"password": 0, "token": 1, "key": 2}


def _more_lenient(current: NameClass | None, candidate: NameClass) -> NameClass:
    if current is None or _LENIENCY[candidate] < _LENIENCY[current]:
        return candidate
    return current


# --- "looks like a secret" for secret-named variables -------------------------


def _looks_secret(text: str, secret_class: NameClass) -> bool:
    prefix = p.AUTH_SCHEME_PREFIX.match(text)
    value = text[prefix.end() :].strip() if prefix else text
    if _is_placeholder(value) or _is_harmless(value) or _is_path(value):
        return False
    # Prose ("stored in vault") and passphrases alike; the former is far more
    # common in configuration than the latter.
    if any(char.isspace() for char in value) or p.SEPARATED_WORDS.fullmatch(value):
        return False
    length, entropy = len(value), _entropy(value)
    if secret_class == "password":
        return length >= 6 and entropy >= 2.0 and not (value.isalpha() and length <= 15)
    if p.CAMEL_WORDS.fullmatch(value) or _char_classes(value) < 2:
        return False
    if secret_class == "token":
        return length >= (8 if prefix else 16) and entropy >= 3.0
    has_digit = any(char.isdigit() for char in value)
    return length >= 20 and entropy >= 3.5 and has_digit and "/" not in value.strip("/")


def _entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    total = len(text)
    if not total:
        return 0.0
    return -sum(count / total * math.log2(count / total) for count in Counter(text).values())


def _char_classes(text: str) -> int:
    lower = upper = digit = other = False
    for char in text:
        if "a" <= char <= "z":
            lower = True
        elif "A" <= char <= "Z":
            upper = True
        elif "0" <= char <= "9":
            digit = True
        else:
            other = True
    return lower + upper + digit + other
