"""Credential shapes and name vocabulary used by :mod:`lambda_compliance.domain.functions.env_secrets`.

Kept apart from the decision logic so the tables can be read (and reviewed) on
their own. Every regex is compiled once, here, and every quantifier is bounded:
values come from untrusted configuration and an unbounded ``.*`` next to a
repeated prefix turns a 1 MB value into minutes of backtracking.
"""

from __future__ import annotations

import re
from typing import Final

from lambda_compliance.runtime.lazy import lazy

# Finding kinds, strongest first: when a variable matches several shapes the
# earliest one names the finding, so a private key wrapped in a JWT-looking
# string is still reported as the thing an operator must rotate first.
PRIVATE_KEY: Final = "private key block"
AWS_SECRET_KEY: Final = "AWS secret access key"
AWS_ACCESS_KEY_ID: Final = "AWS access key ID"
STORAGE_ACCOUNT_KEY: Final = "storage account or shared access key"
SHARED_ACCESS_SIGNATURE: Final = "shared access signature"
GITHUB: Final = "GitHub token"
GITLAB: Final = "GitLab token"
SLACK: Final = "Slack token"
SLACK_WEBHOOK: Final = "Slack webhook URL"
DISCORD_WEBHOOK: Final = "Discord webhook URL"
TEAMS_WEBHOOK: Final = "Microsoft Teams webhook URL"
GOOGLE_CHAT_WEBHOOK: Final = "Google Chat webhook URL"
WEBHOOK: Final = "webhook URL with embedded secret"
TELEGRAM: Final = "Telegram bot token"
STRIPE: Final = "Stripe live key"
GOOGLE: Final = "Google API key"
SENDGRID: Final = "SendGrid API key"
TWILIO: Final = "Twilio API key"
NPM: Final = "npm token"
ANTHROPIC: Final = "Anthropic API key"
OPENAI: Final = "OpenAI API key"
JWT: Final = "JWT"
AUTHORIZATION: Final = "credential in Authorization value"
URL_PASSWORD: Final = "password in URL"
CONN_PASSWORD: Final = "password in connection string"
HEX_API_KEY: Final = "Datadog-style API key"
NOT_CIPHERTEXT: Final = "plaintext in variable named as ciphertext"
HIGH_ENTROPY: Final = "high-entropy value in secret-named variable"
GUESSABLE_PASSWORD: Final = "guessable password in password-named variable"

KINDS: Final[tuple[str, ...]] = (
    PRIVATE_KEY,
    AWS_SECRET_KEY,
    AWS_ACCESS_KEY_ID,
    STORAGE_ACCOUNT_KEY,
    SHARED_ACCESS_SIGNATURE,
    GITHUB,
    GITLAB,
    SLACK,
    SLACK_WEBHOOK,
    DISCORD_WEBHOOK,
    TEAMS_WEBHOOK,
    GOOGLE_CHAT_WEBHOOK,
    WEBHOOK,
    TELEGRAM,
    STRIPE,
    GOOGLE,
    SENDGRID,
    TWILIO,
    NPM,
    ANTHROPIC,
    OPENAI,
    JWT,
    AUTHORIZATION,
    URL_PASSWORD,
    CONN_PASSWORD,
    HEX_API_KEY,
    NOT_CIPHERTEXT,
    HIGH_ENTROPY,
    GUESSABLE_PASSWORD,
)
RANK: Final[dict[str, int]] = {kind: index for index, kind in enumerate(KINDS)}

# Neither a letter/digit nor a token character may touch a vendor token, so a
# prefix buried inside a longer identifier (``mask_ghp_...``) does not count.
_B = r"(?<![A-Za-z0-9_\-])"
_E = r"(?![A-Za-z0-9_\-])"

# (kind, pattern); group "body" is the random part, checked for dummy fillers.
VENDOR_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    # Key ids are base32 ([A-Z2-7]); a body without any digit is common (about 1 in 28), so digits are not
    # required. Wider [A-Z0-9] is kept: fakes in docs and tests use 0, 1, 8 and 9 too.
    (AWS_ACCESS_KEY_ID, lazy(r"(?<![A-Z0-9])(?:AKIA|ASIA)(?P<body>[A-Z0-9]{16})(?![A-Z0-9])")),
    # Azure Storage / Service Bus / Event Hubs / IoT Hub connection strings: the key is base64.
    (
        STORAGE_ACCOUNT_KEY,
        lazy(
            r"(?i)(?<![a-z0-9])(?:AccountKey|SharedAccessKey)\s{0,4}=\s{0,4}(?P<body>[A-Za-z0-9+/]{20,200}={0,2})"
            r"(?![A-Za-z0-9+/=])"
        ),
    ),
    (GITHUB, lazy(_B + r"gh[pousr]_(?P<body>[A-Za-z0-9]{36,251})" + _E)),
    (GITHUB, lazy(_B + r"github_pat_(?P<body>[A-Za-z0-9_]{22,244})" + _E)),
    (GITLAB, lazy(_B + r"glpat-(?P<body>[A-Za-z0-9_\-]{20,64})" + _E)),
    # Real Slack tokens always carry numeric workspace/user ids.
    (SLACK, lazy(_B + r"xox[baprs]-(?P<body>(?=[\w\-]{0,40}\d)[A-Za-z0-9][A-Za-z0-9\-]{14,250})" + _E)),
    (
        SLACK_WEBHOOK,
        lazy(r"(?i)https?://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<body>[A-Za-z0-9_/\-]{20,200})"),
    ),
    (
        DISCORD_WEBHOOK,
        lazy(
            r"(?i)https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api(?:/v\d{1,2})?/webhooks/\d{15,22}/"
            r"(?P<body>[A-Za-z0-9_\-]{40,100})"
        ),
    ),
    (
        TEAMS_WEBHOOK,
        lazy(
            r"(?i)https?://(?:[a-z0-9\-]{1,64}\.webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook)/"
            r"(?P<body>[A-Za-z0-9@/\-]{60,300})"
        ),
    ),
    (
        GOOGLE_CHAT_WEBHOOK,
        lazy(
            r"(?i)https?://chat\.googleapis\.com/v1/spaces/[A-Za-z0-9_\-]{1,64}/messages\?(?:[^\s#&]{0,300}&){0,8}"
            r"token=(?P<body>[A-Za-z0-9_\-%]{20,200})"
        ),
    ),
    (
        WEBHOOK,
        lazy(
            r"(?i)https?://(?:"
            r"oapi\.dingtalk\.com/robot/send\?access_token=(?P<body>[0-9a-f]{64})"
            r"|open\.(?:feishu\.cn|larksuite\.com)/open-apis/bot/v2/hook/(?P<body2>[0-9a-f\-]{32,36})"
            r"|qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?key=(?P<body3>[0-9a-f\-]{32,36})"
            r"|hooks\.zapier\.com/hooks/catch/\d{3,12}/(?P<body4>[a-z0-9]{5,12})"
            r"|maker\.ifttt\.com/(?:trigger/[^\s/]{1,100}/(?:json/)?with/key|use)/(?P<body5>[A-Za-z0-9_\-]{20,64})"
            # Mattermost ids are 26 lower-case alphanumerics; Rocket.Chat hooks are <17>/<48>.
            r"|[a-z0-9.\-]{1,253}(?::\d{1,5})?/hooks/(?P<body6>[a-z0-9]{26}|[A-Za-z0-9]{17}/[A-Za-z0-9]{48})"
            r")(?![A-Za-z0-9])"
        ),
    ),
    # Bot API tokens: the bot's numeric id, a colon, and 35 characters that start with "AA".
    (
        TELEGRAM,
        lazy(r"(?:(?<=/bot)|(?<![A-Za-z0-9_:]))\d{8,10}:(?P<body>AA[A-Za-z0-9_\-]{33})(?![A-Za-z0-9_\-])"),
    ),
    (STRIPE, lazy(_B + r"(?:sk|rk)_live_(?P<body>[A-Za-z0-9]{16,247})" + _E)),
    (GOOGLE, lazy(_B + r"AIza(?P<body>[A-Za-z0-9_\-]{35})" + _E)),
    (SENDGRID, lazy(_B + r"SG\.(?P<body>[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})" + _E)),
    (TWILIO, lazy(r"(?<![A-Za-z0-9])SK(?P<body>[0-9a-f]{32})(?![A-Za-z0-9])")),
    (NPM, lazy(_B + r"npm_(?P<body>[A-Za-z0-9]{36})" + _E)),
    (ANTHROPIC, lazy(_B + r"sk-ant-(?:api|admin)\d{2}-(?P<body>[A-Za-z0-9_\-]{32,200})" + _E)),
    (OPENAI, lazy(_B + r"sk-(?:proj|svcacct|admin)-(?P<body>[A-Za-z0-9_\-]{40,200})" + _E)),
    (OPENAI, lazy(_B + r"sk-(?P<body>[A-Za-z0-9]{48})" + _E)),
)
VENDOR_PATTERNS_BY_KIND: Final = dict(VENDOR_PATTERNS[::-1])  # the first pattern of each kind
BODY_GROUPS: Final = ("body", "body2", "body3", "body4", "body5", "body6")
# The Azure Storage emulator's account key, published in Microsoft's documentation for every
# installation of Azurite: a well-known constant, not a secret.
EMULATOR_ACCOUNT_KEY_PREFIX: Final = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq"

# A shared access signature (Azure Storage SAS, Service Bus SAS token, Logic Apps / Power Automate
# trigger URLs): "sig=" is the HMAC that grants access; it counts only next to the SAS fields.
SAS_SIGNATURE: Final = lazy(r"(?i)(?:^|[?&;\s])sig=(?P<body>[A-Za-z0-9%+/=_\-]{20,200})")
SAS_FIELDS: Final = lazy(r"(?i)(?:^|[?&;\s])(?:sv|sp|se|sr|skn|spr|srt|ss)=|SharedAccessSignature")

# Values that are public by design, whatever the variable is called: Stripe publishable keys and
# Mapbox public tokens are meant to ship in browser code.
PUBLIC_VALUES: Final = lazy(
    r"pk_(?:live|test)_[A-Za-z0-9]{16,247}|pk\.eyJ[A-Za-z0-9_\-]{10,1000}\.[A-Za-z0-9_\-]{10,1000}"
)
# Name words that make a Google API key (AIza...) a browser key: Firebase web configuration and Maps
# JavaScript keys are public identifiers guarded by referrer and API restrictions, not secrets.
PUBLIC_NAME_WORDS: Final = frozenset({"public", "publishable", "browser", "site", "sitekey", "firebase"})
# Frameworks that inline these prefixes into client bundles: such a variable is public by construction.
PUBLIC_NAME_PREFIXES: Final = ("NEXT_PUBLIC_", "REACT_APP_", "VITE_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "GATSBY_")
FIREBASE_WEB_CONFIG: Final = lazy(r'(?i)"authDomain"|firebaseapp\.com')

PRIVATE_KEY_HEADER: Final = lazy(r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
# A header alone (or around "<your key here>") is documentation, not a key.
PRIVATE_KEY_BODY: Final = lazy(r"[A-Za-z0-9+/]{32}")
PUTTY_PRIVATE_KEY: Final = lazy(r"PuTTY-User-Key-File-\d: [^\n]{1,64}[\s\S]{0,4096}?Private-Lines: \d")
# "-----BEGIN" base64-encoded at any of the three alignments: a PEM file stored base64-encoded.
BASE64_PEM: Final = lazy(r"(?:LS0tLS1CRUdJTi|0tLS0tQkVHSU4g|tLS0tLUJFR0lO)[A-Za-z0-9+/=\s\\]{16,65536}")
# A whole value of base64 DER (no PEM armour), possibly wrapped in lines.
BASE64_BLOB: Final = lazy(r"(?:[A-Za-z0-9+/]{4}|\s|\\n|\\r){16,16384}[A-Za-z0-9+/=]{0,4}")

JWT_TOKEN: Final = lazy(
    r"(?<![A-Za-z0-9_\-])(?P<header>eyJ[A-Za-z0-9_\-]{10,1000})\.[A-Za-z0-9_\-]{2,8000}\.[A-Za-z0-9_\-]{16,1000}"
    r"(?![A-Za-z0-9_\-])"
)

AWS_SECRET_SHAPE: Final = lazy(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")

# scheme://[user]:password@host; '/' ends the userinfo, so path segments and
# "host:port/x@y" never read as credentials.
URL_USERINFO: Final = lazy(
    r"(?i)(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]{0,30}://(?P<user>[^\s:/?#@]{0,256}):(?P<pw>[^\s@/?#]{1,256})@"
    r"(?=[^\s/?#@]{0,255}[a-z0-9])"
)
# Only counted in values that are URLs (see secrets._shape_kinds); checking
# that here with a lazy scan back to "://" would be quadratic.
URL_QUERY_PASSWORD: Final = lazy(r"(?i)[?&;](?:password|passwd|pwd)=(?P<pw>[^&;#\s]{1,256})")
CONN_STRING_PASSWORD: Final = lazy(r"(?i)(?:^|[;\s])(?:password|passwd|pwd)\s{0,4}=\s{0,4}(?P<pw>[^;\s]{1,256})")
HEX32: Final = lazy(r"[0-9a-fA-F]{32}")
HEX_CIPHERTEXT: Final = lazy(r"[0-9a-fA-F]{16,65536}")
BASE64_CIPHERTEXT: Final = lazy(r"[A-Za-z0-9+/_\-]{16,65536}={0,2}")

# Whole-value references: pointers to a secret, never the secret itself.
ARN: Final = lazy(r"arn:[a-z0-9\-]{1,20}:[a-z0-9\-]{0,64}:", re.IGNORECASE)
DYNAMIC_REFERENCE: Final = lazy(r"\{\{resolve:[a-z\-]{2,40}:[^\s{}]{1,1024}\}\}", re.IGNORECASE)
REFERENCE_SCHEME: Final = lazy(
    r"(?:(?:ssm|ssm-secure|secretsmanager|secrets-manager|aws-?sm|sm|vault|kms|env|param|parameter|sops)"
    r"(?::|://)\S"
    # Secrets Manager names that RDS generates for the secrets it manages.
    r"|rds![a-z]{2,16}-[0-9a-f\-]{36})",
    re.IGNORECASE,
)
ABSOLUTE_PATH: Final = lazy(r"(?:/|\./|~/)[A-Za-z0-9_.\-@]{1,128}(?:/[A-Za-z0-9_.\-@]{0,128}){0,32}")
FILE_PATH: Final = lazy(
    r"[A-Za-z0-9_.\-]{1,128}(?:/[A-Za-z0-9_.\-]{1,128}){0,32}"
    r"\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|csv|env|ini|conf|cfg|zip|gz)",
    re.IGNORECASE,
)

# Placeholders as they appear in templates, docs and IaC; matched whole-value.
PLACEHOLDER_SHAPES: Final[tuple[re.Pattern[str], ...]] = (
    lazy(r"<[^<>]{0,200}>"),
    lazy(r"\$\{[^{}]{0,200}\}"),
    lazy(r"\$\([^()]{0,200}\)"),
    lazy(r"\$[A-Z_][A-Z0-9_]{0,100}"),
    lazy(r"\{\{?\s{0,4}[A-Za-z0-9_.:/\-]{0,200}\s{0,4}\}\}?"),
    lazy(r"%\(?[A-Za-z0-9_]{0,100}\)?s|%[A-Za-z_][A-Za-z0-9_]{0,100}%"),
    lazy(r"(.)\1{0,300}", re.DOTALL),
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
NUMBER: Final = lazy(
    r"[+-]?(?:\d{1,400}(?:[.,_]\d{1,400}){0,8}|\.\d{1,400})(?:[eE][+-]?\d{1,4})?(?:[munµ]?s|[mhdw]|[kmgt]i?b|%)?",
    re.IGNORECASE,
)
HOSTNAME: Final = lazy(r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.){1,40}[a-z][a-z0-9\-]{0,61}[a-z0-9](?::\d{1,5})?")
EMAIL: Final = lazy(r"[^@\s]{1,128}@[a-z0-9.\-]{1,253}\.[a-z]{2,24}", re.IGNORECASE)
ANY_URL: Final = lazy(r"[a-z][a-z0-9+.\-]{0,30}://\S{0,4096}", re.IGNORECASE)
AUTH_SCHEME_PREFIX: Final = lazy(r"(?i)(?:bearer|basic|token|apikey|api-key)\s{1,4}")
AUTH_PARAM: Final = lazy(r'[A-Za-z_\-]{1,40}="[^"]{0,200}"(?:,\s{0,4}[A-Za-z_\-]{1,40}="[^"]{0,200}"){0,10}')
# A whole value shaped like an Authorization header, under any variable name.
AUTHORIZATION_VALUE: Final = lazy(
    r"(?i)(?:(?:proxy-)?authorization\s{0,4}[:=]\s{0,4})?[\"']?(?P<scheme>bearer|basic|token)\s{1,4}"
    r"(?P<credential>[^\s\"']{1,8192})[\"']?"
)
# One "name = value" line of a dotenv, INI, properties or YAML blob held in a single variable.
BLOB_LINE: Final = lazy(
    r"\s{0,16}(?:export\s{1,4})?[\"']?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]{0,127})[\"']?\s{0,8}[=:]\s{0,8}(?P<value>.{1,8192})"
)
BLOB_LINE_BREAK: Final = lazy(r"\r?\n|(?:\\r)?\\n")
MAX_BLOB_LINES: Final = 200

# Segments of "prod-payments-db", "AWS_IAM", "us-east-1": words joined by separators.
SEPARATED_WORDS: Final = lazy(
    r"(?:[A-Z]?[a-z]{1,40}|[A-Z]{1,40}|\d{1,4})(?:[\-_./:,;](?:[A-Z]?[a-z]{1,40}|[A-Z]{1,40}|\d{1,4})){1,30}"
)
CAMEL_WORDS: Final = lazy(r"(?:[A-Z][a-z]{1,40}){1,10}(?:\d{1,4})?")
NAME_WORDS: Final = lazy(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

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
        "strength", "complexity", "hasher", "hashing", "encoder", "validator", "validation", "requirements",
        "checker", "history", "reuse", "attempts",
    }
)  # fmt: skip
# Never plaintext key material: public by design (STRIPE_PUBLISHABLE_KEY,
# JWT_PUBLIC_KEY) or a KMS key reference (SECRET_KMS_KEY).
NON_SECRET_WORDS: Final = frozenset({"public", "publishable", "pub", "pubkey", "kms", "hashed", "sitekey"})
# "<x>_KEY" that is public by design: reCAPTCHA / hCaptcha / Turnstile site keys, browser keys.
PUBLIC_KEY_QUALIFIERS: Final = frozenset({"site", "publishable", "public", "pub", "browser"})
# Names that promise ciphertext (KMS_ENCRYPTED_DB_PASSWORD, ENC_API_TOKEN, DB_PASSWORD_CIPHERTEXT):
# the value must then look like ciphertext, or the promise hides a plaintext credential.
CIPHERTEXT_WORDS: Final = frozenset({"encrypted", "ciphertext", "enc"})
# Without a secret word, only ENCRYPTED/CIPHERTEXT followed by one of these nouns promises a
# ciphertext (ENCRYPTED_VALUE); ENCRYPTED_FIELDS, ENC_ALGORITHM, DATA_ENC promise nothing secret.
CIPHERTEXT_ONLY_WORDS: Final = frozenset({"encrypted", "ciphertext"})
CIPHERTEXT_NOUNS: Final = frozenset({"value", "data", "blob", "string", "text", "payload", "b64", "base64"})
# Password-named variables whose word says password outright (not PASS, PW): a dictionary word there
# is a weak password, not configuration.
STRONG_PASSWORD_WORDS: Final = frozenset({"password", "passwd", "passphrase", "pwd", "dbpassword"})
# Words that configure how a password is obtained or checked, never the password itself.
PASSWORD_CONFIG_WORDS: Final = frozenset(
    {
        "auto", "automatic", "random", "generated", "generate", "prompt", "ask", "managed", "external",
        "inherit", "inherited", "rotate", "rotating", "rotated", "sso", "ldap", "kerberos", "tls", "mtls",
        "cert", "certificate", "keychain", "keyring", "local", "plain", "plaintext", "md5", "sha256", "scram",
        "bcrypt", "argon2", "trust", "peer", "ident", "secretsmanager", "parameterstore", "iam", "token",
        "none", "unused", "ignored", "notrequired", "optional", "required", "stdin", "interactive",
        "nopass", "nopasswd", "same", "literal", "sealed", "override", "aws", "azure", "gcp", "param",
        "parameter", "disabled", "enabled",
    }
)  # fmt: skip
# Alphabetic values containing these are names of secrets or placeholders (MyDbPassword, apitoken).
SECRET_VOCABULARY: Final = ("password", "passwd", "secret", "token", "apikey", "credential")
# Values that configure *how* to authenticate rather than being a credential.
CONFIG_WORDS: Final = frozenset(
    {
        "vault", "kms", "ssm", "secretsmanager", "parameterstore", "env", "file", "iam", "aws_iam", "oauth",
        "oauth2", "basic", "bearer", "jwt", "saml", "oidc", "cognito", "apikey", "none", "required",
        "optional", "strict", "awscurrent", "awsprevious", "awspending",
    }
)  # fmt: skip
