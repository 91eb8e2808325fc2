"""SSM Parameter Store: which parameters are named like secrets, judged on metadata only.

Config does not record AWS::SSM::Parameter, so the rule lists parameters with
``ssm:DescribeParameters`` (name, type, key id: no values). A parameter's
*value is never read*: not with ``GetParameter`` and never ``WithDecryption``.
The judgement is on the last segment of the name (``/payments/db/password`` ->
``password``), split into words at ``/ - _ .`` and camelCase humps:

* a secret word (``password``, ``token``, ``secret``, ``credentials``...) or a
  secret pair (``api key``, ``private key``, ``client secret``...) marks it;
* plurals count as their singular (``passwords``, ``api-keys``, ``secret-arns``):
  a StringList parameter holds several values and is usually named in the
  plural, and it is judged exactly like a String one;
* a word after it that names metadata about a secret (``arn``, ``id``,
  ``name``, ``url``, ``ttl``, ``length``, ``rotation``...) unmarks it:
  ``db-password-arn`` points at a secret, ``token-ttl`` configures one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.lazy import lazy

PARAMETER_TYPE = "AWS::SSM::Parameter"
SECURE_STRING = "SecureString"
RESOURCE_ID_LIMIT = 768  # PutEvaluations rejects longer resource ids; parameter names reach 1,011

SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "credential",
        "credentials",
        "creds",
        "apikey",
        "privatekey",
        "secretkey",
        "accesskey",
        "clientsecret",
        "signingkey",
        "connectionstring",
    }
)
# (word, next word) pairs that mean a credential; "key" alone is too common to count.
SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("access", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("master", "key"),
        ("ssh", "key"),
        ("client", "secret"),
        ("connection", "string"),
    }
)
METADATA_WORDS = frozenset(
    {
        "arn",
        "id",
        "ids",
        "name",
        "names",
        "url",
        "uri",
        "endpoint",
        "path",
        "ttl",
        "length",
        "expiry",
        "expires",
        "expiration",
        "rotation",
        "policy",
        "header",
        "hint",
        "enabled",
        "format",
        "type",
        "prefix",
        "issuer",
        "audience",
    }
)

_HUMPS = lazy(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = lazy(r"[^A-Za-z0-9]+")


def words(name: str) -> list[str]:
    """The lower-case words of a parameter name's last path segment."""
    segment = name.rstrip("/").rsplit("/", 1)[-1]
    parts = (_HUMPS.sub(" ", part) for part in _SEPARATORS.split(segment))
    return [w.lower() for part in parts for w in part.split() if w]


_PAIR_WORDS = frozenset(word for pair in SECRET_PAIRS for word in pair)


def _singular(word: str, vocabulary: frozenset[str]) -> str:
    if word in vocabulary or not word.endswith("s") or word.endswith("ss"):
        return word
    for stem in (word[:-1], word[:-2] if word.endswith("es") else ""):
        if stem in vocabulary:
            return stem
    return word


def secret_marker(name: str, extra_words: Iterable[str] = ()) -> str | None:
    """The word (or pair) that marks ``name`` as a secret, or None when it is not named like one."""
    singles = SECRET_WORDS | {w.lower() for w in extra_words}
    vocabulary = singles | _PAIR_WORDS | METADATA_WORDS
    tokens = [_singular(token, vocabulary) for token in words(name)]
    for index, token in enumerate(tokens):
        marker: str | None = None
        if token in singles:
            marker = token
        elif index + 1 < len(tokens) and (token, tokens[index + 1]) in SECRET_PAIRS:
            marker = f"{token} {tokens[index + 1]}"
        if marker and not METADATA_WORDS.intersection(tokens[index + 1 :]):
            return marker
    return None


def resource_id(name: str) -> str:
    """The parameter's name as the evaluated resource id, cut to what PutEvaluations accepts."""
    return name[:RESOURCE_ID_LIMIT]


def parameters(aws: AwsReader) -> list[dict[str, Any]]:
    """Every parameter's metadata (DescribeParameters pages of 50); never a value."""
    return [
        p
        for p in aws.collect("ssm", "describe_parameters", "Parameters", PaginationConfig={"PageSize": 50})
        if isinstance(p, dict) and isinstance(p.get("Name"), str)
    ]
