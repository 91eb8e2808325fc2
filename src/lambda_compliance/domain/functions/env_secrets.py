"""Plaintext credentials in Lambda environment variables.

The judgement behind LAMBDA_ENV_NO_PLAINTEXT_SECRETS, and anything else that
must tell a credential from configuration. Two kinds of evidence:

* the *value* has a credential shape (AWS key id, private key block or base64
  DER key, JWT, vendor token prefix, ``scheme://user:password@host``, storage
  account keys and shared access signatures in connection strings, chat
  webhook URLs that carry their secret, ``Bearer``/``Basic`` Authorization
  values): reported whatever the variable is called, because these shapes do
  not occur by accident;
* the *name* says secret (PASSWORD, API_KEY, CLIENT_SECRET, ...) and the value
  looks like one: long or random enough, not a placeholder, not a reference; a
  name that says password outright also flags guessable dictionary passwords;
* a blob (JSON, dotenv, INI, properties, YAML) in one variable is judged by the
  names and values of its members;
* a name that promises ciphertext (KMS_ENCRYPTED_DB_PASSWORD, ENC_TOKEN) holding
  a value too short or too uniform to be ciphertext is a plaintext credential.

Public by design, never findings: Stripe publishable keys and Mapbox public
tokens (any name), CAPTCHA site keys (SITE_KEY names), and Google API keys in
a Firebase web configuration or under a name marking them public/browser
(Firebase: "API keys for Firebase services are ok to include in code",
https://firebase.google.com/docs/projects/api-keys). Any other AIza key is
reported: by value a Maps browser key cannot be told from a server key.

References are never findings: pointing at Secrets Manager or SSM is the
remedy, not the problem. A finding carries the variable name and a fixed label,
never any part of the value, so it is safe in annotations, logs and reports.
"""

from __future__ import annotations

import base64
import binascii
import itertools
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
    strong_password: bool = False
    promises_ciphertext: bool = False
    public: bool = False


_NOT_SECRET = _NameRole(None, aws_hint=False, api_key=False)


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
    if not text or _is_reference(text) or p.PUBLIC_VALUES.fullmatch(text):
        return None
    kinds = set(_shape_kinds(text))
    role = _name_role(name)
    if p.GOOGLE in kinds and (role.public or p.FIREBASE_WEB_CONFIG.search(text) or _only_chat_webhook_keys(text)):
        # A browser key under a public name is public: nothing else about it to judge.
        kinds.discard(p.GOOGLE)
        if not kinds and role.public:
            return None
    if (role.aws_hint or p.AWS_ACCESS_KEY_ID in kinds) and _has_aws_secret_shape(text):
        kinds.add(p.AWS_SECRET_KEY)
    if role.api_key and p.HEX32.fullmatch(text) and not _is_dummy(text):
        kinds.add(p.HEX_API_KEY)
    structured = None if kinds else _structured_kinds(text, depth)
    if structured:
        kinds.update(structured)
    # A blob's members were judged one by one; its text as a whole is no password.
    if not kinds and structured is None and role.secret_class is not None:
        kind = _value_kind(text, role)
        if kind is not None:
            kinds.add(kind)
    return min(kinds, key=p.RANK.__getitem__) if kinds else None


def _structured_kinds(text: str, depth: int) -> list[str] | None:
    """The kinds found in the members of a JSON, dotenv, INI, properties or YAML blob; None when ``text`` is none.

    {"password": "..."} leaks whatever the variable is called, {"region": "..."} never does.
    """
    if depth >= _MAX_JSON_DEPTH:
        return None
    document = _json_object(text)
    if document is not None:
        found = [p.PRIVATE_KEY] if _is_private_jwk(document) else []
        if "authDomain" in document:  # a Firebase web configuration: its apiKey is public by design
            document = {key: member for key, member in document.items() if key != "apiKey"}
        return found + list(_member_kinds(document, depth + 1))
    members = list(_blob_members(text))
    if not members:
        return None
    return [kind for key, member in members if (kind := _classify(key, member, depth + 1)) is not None]


def _blob_members(text: str) -> Iterator[tuple[str, str]]:
    lines = p.BLOB_LINE_BREAK.split(text, maxsplit=p.MAX_BLOB_LINES)
    if len(lines) < 2:
        return  # one line is a value (a password may well contain "=" or ":"), not a blob
    for line in lines[: p.MAX_BLOB_LINES]:
        match = p.BLOB_LINE.fullmatch(line)
        if match is None or line.lstrip().startswith(("#", ";", "//", "[")):
            continue
        member = match.group("value").strip()
        if len(member) >= 2 and member[0] == member[-1] and member[0] in "'\"":
            member = member[1:-1]
        if member:
            yield match.group("key"), member


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
            if _is_private_jwk(member):
                yield p.PRIVATE_KEY
            pending.extend((str(k), v) for k, v in member.items())
        elif isinstance(member, list) and depth < _MAX_JSON_DEPTH:
            pending.extend((key, item) for item in member)


def _is_private_jwk(document: dict[object, object]) -> bool:
    # A JSON Web Key with "d" holds the private exponent / scalar (RFC 7518 section 6).
    private = document.get("d")
    return isinstance(document.get("kty"), str) and isinstance(private, str) and len(private) >= 16


# --- value shapes -------------------------------------------------------------


def _shape_kinds(text: str) -> Iterator[str]:
    if _has_private_key(text):
        yield p.PRIVATE_KEY
    for kind, pattern in p.VENDOR_PATTERNS:
        for match in pattern.finditer(text):
            body = next(match.group(g) for g in p.BODY_GROUPS if g in pattern.groupindex and match.group(g))
            if not _is_dummy_body(kind, body):
                yield kind
                break
    if p.SAS_FIELDS.search(text) and any(
        not _is_dummy(match.group("body")) for match in p.SAS_SIGNATURE.finditer(text)
    ):
        yield p.SHARED_ACCESS_SIGNATURE
    if any(_is_jwt_header(match.group("header")) for match in p.JWT_TOKEN.finditer(text)):
        yield p.JWT
    if _is_authorization_value(text):
        yield p.AUTHORIZATION
    if any(_is_url_password(m.group("pw")) for m in p.URL_USERINFO.finditer(text)):
        yield p.URL_PASSWORD
    is_url = "://" in text or text[:5].lower() == "jdbc:"
    if is_url and any(not _is_placeholder(m.group("pw")) for m in p.URL_QUERY_PASSWORD.finditer(text)):
        yield p.URL_PASSWORD
    if any(_is_connection_password(m.group("pw")) for m in p.CONN_STRING_PASSWORD.finditer(text)):
        yield p.CONN_PASSWORD


def _has_private_key(text: str, nested: bool = False) -> bool:
    header = p.PRIVATE_KEY_HEADER.search(text)
    if header is not None:
        window = text[header.end() : header.end() + _PRIVATE_KEY_WINDOW]
        body = p.PRIVATE_KEY_BODY.search(window)
        if body is not None and not _is_dummy(body.group()):
            return True
    if p.PUTTY_PRIVATE_KEY.search(text[:_PRIVATE_KEY_WINDOW]):
        return True
    if nested:
        return False
    # A PEM file stored base64-encoded, or a bare base64 DER key (PKCS#1, PKCS#8, SEC1, PKCS#12).
    for match in p.BASE64_PEM.finditer(text[:_MAX_JSON_CHARS]):
        decoded = _b64decode(match.group())
        if decoded is not None and _has_private_key(decoded.decode("latin-1"), nested=True):
            return True
    if len(text) >= 64 and p.BASE64_BLOB.fullmatch(text):
        decoded = _b64decode(text[:_MAX_JSON_CHARS])
        return decoded is not None and _is_der_private_key(decoded)
    return False


def _b64decode(text: str) -> bytes | None:
    compact = "".join(text.replace("\\n", "").replace("\\r", "").split())
    compact = compact[: len(compact) - len(compact) % 4]
    try:
        return base64.b64decode(compact)
    except (binascii.Error, ValueError):
        return None


_PKCS7_DATA_OID = bytes.fromhex("06092a864886f70d010701")


def _is_der_private_key(der: bytes) -> bool:
    """SEQUENCE { INTEGER version, ... } as private keys start; certificates and public keys do not."""
    if len(der) < 64 or der[0] != 0x30:
        return False
    start = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)
    version, following = der[start : start + 3], der[start + 3 : start + 4]
    if version == b"\x02\x01\x00":  # PKCS#1 RSA/DSA (INTEGER follows) or PKCS#8 (AlgorithmIdentifier)
        return following in (b"\x02", b"\x30")
    if version == b"\x02\x01\x01":  # SEC1 EC private key (OCTET STRING) or PKCS#8 v2
        return following in (b"\x04", b"\x30")
    if version == b"\x02\x01\x03":  # PKCS#12 keystore: version 3, then pkcs7-data content
        return _PKCS7_DATA_OID in der[start : start + 24]
    return False


def _is_authorization_value(text: str) -> bool:
    match = p.AUTHORIZATION_VALUE.fullmatch(text)
    if match is None:
        return False
    credential = match.group("credential")
    if _is_placeholder(credential) or _is_dummy(credential):
        return False
    if match.group("scheme").lower() == "basic":
        decoded = _b64decode(credential)
        if decoded is None or b":" not in decoded:
            return False
        user, _, password = decoded.decode("utf-8", "replace").partition(":")
        return bool(password) and password.isprintable() and user.isprintable() and not _is_placeholder(password)
    return (
        len(credential) >= 16
        and _char_classes(credential) >= 2
        and _entropy(credential) >= 3.0
        and not p.CAMEL_WORDS.fullmatch(credential)
        and not p.SEPARATED_WORDS.fullmatch(credential)
    )


def _only_chat_webhook_keys(text: str) -> bool:
    # Every Google Chat webhook URL carries the same published key= (the
    # token= is the secret, reported as a Chat webhook when it is real).
    return all(
        text[max(0, match.start() - 4) : match.start()] == "key=" and "chat.googleapis.com/" in text
        for match in p.VENDOR_PATTERNS_BY_KIND[p.GOOGLE].finditer(text)
    )


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


def _is_dummy_body(kind: str, body: str) -> bool:
    if kind == p.AWS_ACCESS_KEY_ID:
        return _is_dummy_key_id(body)
    if kind == p.STORAGE_ACCOUNT_KEY and body.startswith(p.EMULATOR_ACCOUNT_KEY_PREFIX):
        return True
    return _is_dummy(body)


def _is_dummy_key_id(body: str) -> bool:
    # Key id bodies are base32: upper-case letters alone are normal (1 in 28 keys), so
    # the two-character-class test of _is_dummy does not apply. Fillers, "EXAMPLE",
    # alphabet runs and word-like letter strings (ASIAPACIFICSOUTHEAST) are not keys.
    lowered = body.lower()
    if len(set(lowered)) < 6 or "xxxx" in lowered or "example" in lowered or "your" in lowered:
        return True
    if _is_run(body):
        return True
    if body.isalpha():
        return sum(char in "AEIOU" for char in body) / len(body) >= 0.4
    return False


def _is_run(text: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


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
    clipped = name[:_MAX_NAME_CHARS]
    words = [word.lower() for word in p.NAME_WORDS.findall(clipped)]
    public = clipped.upper().startswith(p.PUBLIC_NAME_PREFIXES) or any(w in p.PUBLIC_NAME_WORDS for w in words)
    ciphertext = [index for index, word in enumerate(words) if word in p.CIPHERTEXT_WORDS]
    words_before = words
    if ciphertext:
        words = [word for word in words if word not in p.CIPHERTEXT_WORDS and word != "kms"]
    elif any(word in p.NON_SECRET_WORDS for word in words):
        return _NameRole(None, aws_hint=False, api_key=False, public=True)
    secret_class: NameClass | None = None
    last = -1
    api_key = strong_password = False
    for index, word in enumerate(words):
        previous = words[index - 1] if index else ""
        word_class = _word_class(word, previous)
        if word_class is None:
            continue
        last = index
        secret_class = _more_lenient(secret_class, word_class)
        api_key = api_key or word in ("apikey", "appkey") or (word == "key" and previous in p.API_KEY_QUALIFIERS)
        strong_password = strong_password or word in p.STRONG_PASSWORD_WORDS or word.endswith(("password", "passwd"))
    # PASSWORD_MIN_LENGTH, SECRET_ARN, TOKEN_TTL: a qualifier after the secret
    # word makes the variable describe a secret rather than hold one.
    if any(word in p.METADATA_WORDS for word in words[last + 1 :]):
        return _NameRole(None, aws_hint=False, api_key=False, public=public)
    if secret_class is None:
        # ENCRYPTED_VALUE, CIPHERTEXT_BLOB: a promise of ciphertext and nothing else.
        promise = any(words_before[index] in p.CIPHERTEXT_ONLY_WORDS for index in ciphertext)
        if promise and words and all(word in p.CIPHERTEXT_NOUNS for word in words):
            return _NameRole("password", aws_hint=False, api_key=False, promises_ciphertext=True)
        return _NameRole(None, aws_hint=False, api_key=False, public=public)
    aws_hint = (
        "aws" in words
        or any(word in p.AWS_SECRET_NAME_WORDS for word in words)
        or ("secret" in words and ("key" in words or "access" in words))
    )
    return _NameRole(
        secret_class,
        aws_hint=aws_hint,
        api_key=api_key,
        strong_password=strong_password,
        promises_ciphertext=bool(ciphertext),
        public=public,
    )


def _word_class(word: str, previous: str) -> NameClass | None:
    if word in p.PASSWORD_WORDS or word.endswith(("password", "passwd", "passphrase")):
        return "password"
    if word in p.TOKEN_WORDS or word.endswith(("secret", "token", "apikey", "secretkey", "privatekey")):
        return "token"
    if word in ("key", "keys"):
        if previous in p.PUBLIC_KEY_QUALIFIERS:
            return None  # SITE_KEY, PUBLISHABLE_KEY: public by design
        return "token" if previous in p.KEY_QUALIFIERS else "key"
    return None


_LENIENCY: dict[NameClass, int] = {"password": 0, "token": 1, "key": 2}


def _more_lenient(current: NameClass | None, candidate: NameClass) -> NameClass:
    if current is None or _LENIENCY[candidate] < _LENIENCY[current]:
        return candidate
    return current


# --- "looks like a secret" for secret-named variables -------------------------


def _value_kind(text: str, role: _NameRole) -> str | None:
    if role.secret_class is None:
        return None
    if role.promises_ciphertext:
        if _looks_like_ciphertext(text) or _is_placeholder(text) or _is_harmless(text) or _is_path(text):
            return None
        if any(char.isspace() for char in text) or p.SEPARATED_WORDS.fullmatch(text):
            return None
        return p.NOT_CIPHERTEXT if len(text) >= 4 else None
    if _looks_secret(text, role.secret_class):
        return p.HIGH_ENTROPY
    if role.strong_password and _is_guessable_password(text):
        return p.GUESSABLE_PASSWORD
    return None


def _looks_like_ciphertext(text: str) -> bool:
    # KMS ciphertext blobs are 150+ bytes; any authenticated cipher adds at least
    # an IV and a tag (28 bytes). Wrappers: Jasypt ENC(...), SOPS ENC[...], Vault
    # transit vault:v1:..., prefixed "kms:"/"enc:".
    body = text
    lowered = text.lower()
    if lowered.startswith("enc[") and "data:" in lowered:
        return True
    if lowered.startswith("enc(") and text.endswith(")"):
        body = text[4:-1]
    elif lowered.startswith(("vault:v", "kms:", "enc:", "cipher:")):
        body = text.split(":", 2)[-1]
    if p.HEX_CIPHERTEXT.fullmatch(body):
        return len(body) >= 48 and _entropy(body) >= 3.0
    if not p.BASE64_CIPHERTEXT.fullmatch(body):
        return False
    return len(body.rstrip("=")) >= 32 and _entropy(body) >= 3.5 and _char_classes(body) >= 3


def _is_guessable_password(text: str) -> bool:
    # Under DB_PASSWORD and the like, a dictionary word or a run of digits is a
    # (weak) password; configuration words and names of secrets are not.
    value = text.strip()
    lowered = value.lower()
    if len(value) < 4 or len(value) > 64 or any(char.isspace() for char in value):
        return False
    if _is_placeholder(value) or _is_path(value) or p.ANY_URL.match(value) or p.EMAIL.fullmatch(value):
        return False
    if lowered in p.BOOLEAN_WORDS or lowered in p.CONFIG_WORDS or lowered in p.PASSWORD_CONFIG_WORDS:
        return False
    if any(word in lowered for word in p.SECRET_VOCABULARY):
        return False
    if value.isdigit():
        return len(value) >= 6
    if p.HOSTNAME.fullmatch(value) or p.SEPARATED_WORDS.fullmatch(value):
        return False
    return value.isalnum() and _char_classes(value) <= 2 and len(set(lowered)) >= 3


def _looks_secret(text: str, secret_class: NameClass) -> bool:
    prefix = p.AUTH_SCHEME_PREFIX.match(text)
    value = text[prefix.end() :].strip() if prefix else text
    if _is_placeholder(value) or _is_harmless(value) or _is_path(value):
        return False
    if prefix and p.AUTH_PARAM.fullmatch(value):
        return False  # a challenge (Basic realm="orders"), not a credential
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
