"""Credential shapes and name vocabulary used by :mod:`lambda_compliance.domain.functions.env_secrets`.

Kept apart from the decision logic so the tables can be read (and reviewed) on
their own. Every regex is compiled once, here, and every quantifier is bounded:
values come from untrusted configuration and an unbounded ``.*`` next to a
repeated prefix turns a 1 MB value into minutes of backtracking.
"""

from __future__ import annotations

import re
from typing import Final

# Finding kinds, strongest first: when a variable matches several shapes the
# earliest one names the finding, so a private key wrapped in a JWT-looking
# string is still reported as the thing an operator must rotate first.
PRIVATE_KEY: Final = "private key block"
AWS_SECRET_KEY: Final = "AWS secret access key"
AWS_ACCESS_KEY_ID: Final = "AWS access key ID"
GITHUB: Final = "GitHub token"
GITLAB: Final = "GitLab token"
SLACK: Final = "Slack token"
SLACK_WEBHOOK: Final = "Slack webhook URL"
STRIPE: Final = "Stripe live key"
GOOGLE: Final = "Google API key"
SENDGRID: Final = "SendGrid API key"
TWILIO: Final = "Twilio API key"
NPM: Final = "npm token"
ANTHROPIC: Final = "Anthropic API key"
OPENAI: Final = "OpenAI API key"
JWT: Final = "JWT"
URL_PASSWORD: Final = "password in URL"
CONN_PASSWORD: Final = "password in connection string"
HEX_API_KEY: Final = "Datadog-style API key"
HIGH_ENTROPY: Final = "high-entropy value in secret-named variable"

KINDS: Final[tuple[str, ...]] = (
    PRIVATE_KEY,
    AWS_SECRET_KEY,
    AWS_ACCESS_KEY_ID,
    GITHUB,
    GITLAB,
    SLACK,
    SLACK_WEBHOOK,
    STRIPE,
    GOOGLE,
    SENDGRID,
    TWILIO,
    NPM,
    ANTHROPIC,
    OPENAI,
    JWT,
    URL_PASSWORD,
    CONN_PASSWORD,
    HEX_API_KEY,
    HIGH_ENTROPY,
)
RANK: Final[dict[str, int]] = {kind: index for index, kind in enumerate(KINDS)}

# Neither a letter/digit nor a token character may touch a vendor token, so a
# prefix buried inside a longer identifier (``mask_ghp_...``) does not count.
_B = r"(?<![A-Za-z0-9_\-])"
_E = r"(?![A-Za-z0-9_\-])"

# (kind, pattern); group "body" is the random part, checked for dummy fillers.
VENDOR_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (AWS_ACCESS_KEY_ID, re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)(?P<body>[A-Z0-9]{16})(?![A-Z0-9])")),
    (GITHUB, re.compile(_B + r"gh[pousr]_(?P<body>[A-Za-z0-9]{36,251})" + _E)),
    (GITHUB, re.compile(_B + r"github_pat_(?P<body>[A-Za-z0-9_]{22,244})" + _E)),
    (GITLAB, re.compile(_B + r"glpat-(?P<body>[A-Za-z0-9_\-]{20,64})" + _E)),
    # Real Slack tokens always carry numeric workspace/user ids.
    (SLACK, re.compile(_B + r"xox[baprs]-(?P<body>(?=[\w\-]{0,40}\d)[A-Za-z0-9][A-Za-z0-9\-]{14,250})" + _E)),
    (
        SLACK_WEBHOOK,
        re.compile(r"https://hooks\.slack\.com/(?:services|workflows)/(?P<body>[A-Za-z0-9_/\-]{20,200})"),
    ),
    (STRIPE, re.compile(_B + r"(?:sk|rk)_live_(?P<body>[A-Za-z0-9]{16,247})" + _E)),
    (GOOGLE, re.compile(_B + r"AIza(?P<body>[A-Za-z0-9_\-]{35})" + _E)),
    (SENDGRID, re.compile(_B + r"SG\.(?P<body>[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})" + _E)),
    (TWILIO, re.compile(r"(?<![A-Za-z0-9])SK(?P<body>[0-9a-f]{32})(?![A-Za-z0-9])")),
    (NPM, re.compile(_B + r"npm_(?P<body>[A-Za-z0-9]{36})" + _E)),
    (ANTHROPIC, re.compile(_B + r"sk-ant-(?:api|admin)\d{2}-(?P<body>[A-Za-z0-9_\-]{32,200})" + _E)),
    (OPENAI, re.compile(_B + r"sk-(?:proj|svcacct|admin)-(?P<body>[A-Za-z0-9_\-]{40,200})" + _E)),
    (OPENAI, re.compile(_B + r"sk-(?P<body>[A-Za-z0-9]{48})" + _E)),
)

PRIVATE_KEY_HEADER: Final = re.compile(r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
# A header alone (or around "<your key here>") is documentation, not a key.
PRIVATE_KEY_BODY: Final = re.compile(r"[A-Za-z0-9+/]{32}")

JWT_TOKEN: Final = re.compile(
    r"(?<![A-Za-z0-9_\-])(?P<header>eyJ[A-Za-z0-9_\-]{10,1000})\.[A-Za-z0-9_\-]{2,8000}\.[A-Za-z0-9_\-]{16,1000}"
    r"(?![A-Za-z0-9_\-])"
)

AWS_SECRET_SHAPE: Final = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")

# scheme://[user]:password@host; '/' ends the userinfo, so path segments and
# "host:port/x@y" never read as credentials.
URL_USERINFO: Final = re.compile(
    r"(?i)(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]{0,30}://(?P<user>[^\s:/?#@]{0,256}):(?P<pw>[^\s@/?#]{1,256})@"
    r"(?=[^\s/?#@]{0,255}[a-z0-9])"
)
# Only counted in values that are URLs (see secrets._shape_kinds); checking
# that here with a lazy scan back to "://" would be quadratic.
URL_QUERY_PASSWORD: Final = re.compile(r"(?i)[?&;](?:password|passwd|pwd)=(?P<pw>[^&;#\s]{1,256})")
CONN_STRING_PASSWORD: Final = re.compile(r"(?i)(?:^|[;\s])(?:password|passwd|pwd)\s{0,4}=\s{0,4}(?P<pw>[^;\s]{1,256})")
HEX32: Final = re.compile(r"[0-9a-fA-F]{32}")

# Whole-value references: pointers to a secret, never the secret itself.
ARN: Final = re.compile(r"arn:[a-z0-9\-]{1,20}:[a-z0-9\-]{0,64}:", re.IGNORECASE)
DYNAMIC_REFERENCE: Final = re.compile(r"\{\{resolve:[a-z\-]{2,40}:[^\s{}]{1,1024}\}\}", re.IGNORECASE)
REFERENCE_SCHEME: Final = re.compile(
    r"(?:(?:ssm|ssm-secure|secretsmanager|secrets-manager|aws-?sm|sm|vault|kms|env|param|parameter|sops)"
    r"(?::|://)\S"
    # Secrets Manager names that RDS generates for the secrets it manages.
    r"|rds![a-z]{2,16}-[0-9a-f\-]{36})",
    re.IGNORECASE,
)
ABSOLUTE_PATH: Final = re.compile(r"(?:/|\./|~/)[A-Za-z0-9_.\-@]{1,128}(?:/[A-Za-z0-9_.\-@]{0,128}){0,32}")
FILE_PATH: Final = re.compile(
    r"[A-Za-z0-9_.\-]{1,128}(?:/[A-Za-z0-9_.\-]{1,128}){0,32}"
    r"\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|csv|env|ini|conf|cfg|zip|gz)",
    re.IGNORECASE,
)

# Placeholders as they appear in templates, docs and IaC; matched whole-value.
PLACEHOLDER_SHAPES: Final[tuple[re.Pattern[str], ...]] = (
    re.compile(r"<[^<>]{0,200}>"),
    re.compile(r"\$\{[^{}]{0,200}\}"),
    re.compile(r"\$\([^()]{0,200}\)"),
    re.compile(r"\$[A-Z_][A-Z0-9_]{0,100}"),
    re.compile(r"\{\{?\s{0,4}[A-Za-z0-9_.:/\-]{0,200}\s{0,4}\}\}?"),
    re.compile(r"%\(?[A-Za-z0-9_]{0,100}\)?s|%[A-Za-z_][A-Za-z0-9_]{0,100}%"),
    re.compile(r"(.)\1{0,300}", re.DOTALL),
)
PLACEHOLDER_WORDS: Final = frozenset(
    {
        "changeme", "change_me", "change-me", "changeit", "password", "passwd", "pass", "pwd", "secret",
        "token", "apikey", "api_key", "api-key", "key", "xxx", "todo", "tbd", "fixme", "dummy", "placeholder",
        "none", "null", "nil", "undefined", "n/a", "na", "empty", "blank", "unset", "notset", "default",
        "redacted", "masked", "hidden", "example", "sample", "mypassword", "yourpassword", "secret123",
        "password123", "guest", "anonymous",
    }
)  # fmt: skip
PLACEHOLDER_MARKERS: Final[tuple[str, ...]] = (
    "changeme", "change_me", "change-me", "replace", "placeholder", "your_", "your-", "yourpass", "yourtoken",
    "yourkey", "example", "dummy", "todo", "fixme", "redacted", "${", "{{", "xxxx", "****", "....",
)  # fmt: skip
BOOLEAN_WORDS: Final = frozenset(
    {"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "enable", "disable", "y", "n"}
)
NUMBER: Final = re.compile(
    r"[+-]?(?:\d{1,400}(?:[.,_]\d{1,400}){0,8}|\.\d{1,400})(?:[eE][+-]?\d{1,4})?(?:[munµ]?s|[mhdw]|[kmgt]i?b|%)?",
    re.IGNORECASE,
)
HOSTNAME: Final = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.){1,40}[a-z][a-z0-9\-]{0,61}[a-z0-9](?::\d{1,5})?"
)
EMAIL: Final = re.compile(r"[^@\s]{1,128}@[a-z0-9.\-]{1,253}\.[a-z]{2,24}", re.IGNORECASE)
ANY_URL: Final = re.compile(r"[a-z][a-z0-9+.\-]{0,30}://\S{0,4096}", re.IGNORECASE)
AUTH_SCHEME_PREFIX: Final = re.compile(r"(?i)(?:bearer|basic|token|apikey|api-key)\s{1,4}")
# Segments of "prod-payments-db", "AWS_IAM", "us-east-1": words joined by separators.
SEPARATED_WORDS: Final = re.compile(
    r"(?:[A-Z]?[a-z]{1,40}|[A-Z]{1,40}|\d{1,4})(?:[\-_./:,;](?:[A-Z]?[a-z]{1,40}|[A-Z]{1,40}|\d{1,4})){1,30}"
)
CAMEL_WORDS: Final = re.compile(r"(?:[A-Z][a-z]{1,40}){1,10}(?:\d{1,4})?")
NAME_WORDS: Final = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

# Name vocabulary. A name is secret-named when one of its words (or adjacent
# word pairs) says so and no qualifier after it turns it into metadata:
# PASSWORD is a secret, PASSWORD_MIN_LENGTH is a number about one.
PASSWORD_WORDS: Final = frozenset({"password", "passwd", "pwd", "passphrase", "pass", "pw", "dbpassword"})
TOKEN_WORDS: Final = frozenset(
    {
        "secret", "secrets", "token", "apikey", "apitoken", "authtoken", "accesstoken", "refreshtoken",
        "secretkey", "privatekey", "clientsecret", "credential", "credentials", "creds", "cred", "auth",
        "authorization", "bearer", "salt", "pepper", "passcode", "pin",
    }
)  # fmt: skip
# "<x>_KEY" is a secret for these x; any other "..._KEY" (S3_KEY, CACHE_KEY,
# PARTITION_KEY) needs a clearly random value before it counts.
KEY_QUALIFIERS: Final = frozenset(
    {
        "api", "private", "secret", "access", "app", "signing", "sign", "encryption", "encrypt", "master",
        "session", "hmac", "license", "licence", "client", "service", "ssh", "deploy", "webhook", "auth",
        "jwt", "cookie", "crypto", "cipher", "aes", "consumer", "admin", "account", "subscription",
    }
)  # fmt: skip
AWS_SECRET_NAME_WORDS: Final = frozenset({"aws", "secretkey", "secretaccesskey"})
API_KEY_QUALIFIERS: Final = frozenset({"api", "app", "application"})
METADATA_WORDS: Final = frozenset(
    {
        "arn", "name", "names", "id", "ids", "ttl", "length", "len", "min", "max", "minimum", "maximum",
        "header", "url", "uri", "urls", "endpoint", "path", "file", "filename", "dir", "param", "parameter",
        "expiry", "expires", "expiration", "timeout", "age", "duration", "seconds", "secs", "sec", "ms",
        "minutes", "mins", "hours", "days", "count", "enabled", "disabled", "enable", "disable", "required",
        "policy", "type", "format", "location", "ref", "region", "rotation", "version", "field", "prefix",
        "suffix", "provider", "issuer", "audience", "aud", "scope", "scopes", "realm", "host", "hostname",
        "server", "domain", "port", "mode", "strategy", "method", "algorithm", "alg", "alias", "hint",
        "label", "kind", "stage", "table", "bucket", "limit", "size", "interval", "retries", "extension",
        "cache", "kms", "regex", "pattern", "fingerprint", "hash", "store", "vault", "manager", "source",
        "lifetime", "validity", "rotate", "reset", "env", "level", "user", "username", "owner", "template",
        "email", "subject", "message", "link", "page", "queue", "topic", "function", "role", "group", "rule",
        "schema", "column", "attribute", "index", "flag", "feature", "tier", "namespace", "metric", "event",
        "stream", "channel", "log", "folder", "description", "desc", "comment", "note", "notes",
    }
)  # fmt: skip
# Never plaintext key material: public by design (STRIPE_PUBLISHABLE_KEY,
# JWT_PUBLIC_KEY), a KMS key reference (SECRET_KMS_KEY), or KMS ciphertext as
# the Lambda console's encryption helpers produce (KMS_ENCRYPTED_DB_PASSWORD).
NON_SECRET_WORDS: Final = frozenset(
    {"public", "publishable", "pub", "pubkey", "kms", "encrypted", "ciphertext", "hashed"}
)
# Values that configure *how* to authenticate rather than being a credential.
CONFIG_WORDS: Final = frozenset(
    {
        "vault", "kms", "ssm", "secretsmanager", "parameterstore", "env", "file", "iam", "aws_iam", "oauth",
        "oauth2", "basic", "bearer", "jwt", "saml", "oidc", "cognito", "apikey", "none", "required",
        "optional", "strict", "awscurrent", "awsprevious", "awspending",
    }
)  # fmt: skip
