"""Plaintext-secret detection: every kind found, every benign class left alone, nothing leaked."""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_compliance.domain.functions.env_secrets import KINDS, SecretFinding, find_plaintext_secrets

CORPUS = json.loads((Path(__file__).parent / "data" / "secret_corpus.json").read_text(encoding="utf-8"))
HIGH_ENTROPY = "high-entropy value in secret-named variable"
AUTHORIZATION = "credential in Authorization value"

_RNG = random.Random(7)
_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_UPPER_DIGITS = string.ascii_uppercase + string.digits


def _rand(length: int, alphabet: str = _ALNUM) -> str:
    """Synthetic filler; vendor shapes below are built from it, never real credentials."""
    return "".join(_RNG.choice(alphabet) for _ in range(length))


def _b64url(document: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()


_JWT = f"{_b64url({'alg': 'HS256', 'typ': 'JWT'})}.{_b64url({'sub': 'svc'})}.{_rand(43)}"
_PEM_BODY = base64.b64encode(_RNG.randbytes(96)).decode()


def _pem(label: str, newline: str = "\n") -> str:
    return newline.join([f"-----BEGIN {label}-----", _PEM_BODY, f"-----END {label}-----"])


DETECTED: list[tuple[str, str, str]] = [
    ("SIGNING_KEY", _pem("RSA PRIVATE KEY"), "private key block"),
    ("TLS", _pem("EC PRIVATE KEY", newline="\\n"), "private key block"),
    ("SSH", f"-----BEGIN OPENSSH PRIVATE KEY-----\n{_PEM_BODY}\n", "private key block"),
    ("AWS_SECRET_ACCESS_KEY", _rand(20) + "/" + _rand(19), "AWS secret access key"),
    ("SECRET_KEY", _rand(40), "AWS secret access key"),
    ("S3_CONFIG", f"AKIA{_rand(16, _UPPER_DIGITS)}:{_rand(40)}", "AWS secret access key"),
    ("AWS_ACCESS_KEY_ID", "AKIA" + _rand(16, _UPPER_DIGITS), "AWS access key ID"),
    ("TEMP_KEY", "ASIA" + _rand(16, _UPPER_DIGITS), "AWS access key ID"),
    ("GH", "ghp_" + _rand(36), "GitHub token"),
    ("GH_APP", "ghs_" + _rand(36), "GitHub token"),
    ("GH_FINE", f"github_pat_{_rand(22)}_{_rand(59)}", "GitHub token"),
    ("GL", "glpat-" + _rand(20), "GitLab token"),
    ("SLACK", f"xoxb-{_rand(11, string.digits)}-{_rand(13, string.digits)}-{_rand(24)}", "Slack token"),
    ("HOOK", f"https://hooks.slack.com/services/T{_rand(8)}/B{_rand(10)}/{_rand(24)}", "Slack webhook URL"),
    ("STRIPE", "sk_live_" + _rand(24), "Stripe live key"),
    ("STRIPE_RESTRICTED", "rk_live_" + _rand(24), "Stripe live key"),
    ("MAPS", "AIza" + _rand(35), "Google API key"),
    ("MAIL", f"SG.{_rand(22)}.{_rand(43)}", "SendGrid API key"),
    ("SMS", "SK" + _rand(32, _HEX), "Twilio API key"),
    ("NPM", "npm_" + _rand(36), "npm token"),
    ("CLAUDE", "sk-ant-api03-" + _rand(95), "Anthropic API key"),
    ("LLM", "sk-proj-" + _rand(64), "OpenAI API key"),
    ("LLM_OLD", "sk-" + _rand(48), "OpenAI API key"),
    ("ID_TOKEN", _JWT, "JWT"),
    ("HEADER", "Bearer " + _JWT, "JWT"),
    ("DATABASE_URL", f"postgres://app:{_rand(16)}@db.internal:5432/orders", "password in URL"),
    ("CACHE", f"redis://:{_rand(24)}@cache:6379/0", "password in URL"),
    ("JDBC", f"jdbc:mysql://db:3306/x?user=app&password={_rand(12)}", "password in URL"),
    ("SQL", f"Server=db;Database=x;User Id=app;Password={_rand(14)};", "password in connection string"),
    ("DD_API_KEY", _rand(32, _HEX), "Datadog-style API key"),
    ("DB_PASSWORD", "Tr0ub4dor&3", HIGH_ENTROPY),
    ("dbPassword", "Summer2024!", HIGH_ENTROPY),
    ("SMTP_PASS", "hunter22x", HIGH_ENTROPY),
    ("JWT_SECRET", _rand(48), HIGH_ENTROPY),
    ("PARTNER_API_KEY", "550e8400-e29b-41d4-a716-446655440000", HIGH_ENTROPY),
    ("CLIENT_SECRET", _rand(34, _ALNUM + "~._-"), HIGH_ENTROPY),
    ("CREDENTIALS", json.dumps({"user": "svc", "password": _rand(20)}), HIGH_ENTROPY),
    ("APP_CONFIG", json.dumps({"db": {"host": "db", "password": _rand(20)}}), HIGH_ENTROPY),
    ("AUTHORIZATION", "Basic " + base64.b64encode(b"svc:" + _rand(12).encode()).decode(), AUTHORIZATION),
    ("LICENSE_KEY", "-".join(_rand(5, _UPPER_DIGITS) for _ in range(5)), HIGH_ENTROPY),
    ("STORAGE_KEY", _rand(40, _HEX) + "Q", HIGH_ENTROPY),
]

BENIGN: list[tuple[str, object]] = [
    # references are the remedy, whatever the variable is called
    ("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbC123"),
    ("API_KEY", "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api-key"),
    ("KMS_KEY_ARN", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("ENCRYPTION_KEY", "arn:aws-cn:kms:cn-north-1:123456789012:alias/app"),
    ("DB_PASSWORD_PATH", "/prod/db/password"),
    ("API_TOKEN", "ssm:/prod/api/token"),
    ("PASSWORD", "{{resolve:secretsmanager:prod/db:SecretString:password}}"),
    ("SECRET", "{{resolve:ssm-secure:/prod/secret:2}}"),
    ("VAULT_PASSWORD", "vault:secret/data/db#password"),
    # placeholders
    ("PASSWORD", "changeme"),
    ("PASSWORD", "<password>"),
    ("PASSWORD", "${DB_PASSWORD}"),
    ("PASSWORD", "$DB_PASSWORD"),
    ("TOKEN", "xxx"),
    ("TOKEN", "xxxxxxxxxxxxxxxxxxxxxxxx"),
    ("SECRET", "TODO"),
    ("API_KEY", "dummy"),
    ("API_KEY", "your-api-key-here"),
    ("PASSWORD", ""),
    ("PASSWORD", "   "),
    ("PASSWORD", "********"),
    ("TOKEN", "Bearer <token>"),
    ("GITHUB_TOKEN", "ghp_" + "x" * 36),
    ("AWS_ACCESS_KEY_ID", "AKIAXXXXXXXXXXXXXXXX"),
    ("STRIPE_KEY", "sk_live_" + "0" * 24),
    ("KEY", "-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----"),
    ("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db:5432/orders"),
    ("DATABASE_URL", "postgres://app:password@db:5432/orders"),
    ("REDIS_URL", "redis://:<password>@cache:6379"),
    # booleans, numbers, short words
    ("SECRET_ROTATION_ENABLED", "true"),
    ("PASSWORD", "false"),
    ("TOKEN", "12345678901234567890"),
    ("API_KEY", "none"),
    ("AUTH", "iam"),
    # secret words describing, not holding, a secret
    ("TOKEN_TTL", "3600"),
    ("PASSWORD_MIN_LENGTH", "12"),
    ("SECRET_ARN", "prod/db"),
    ("SECRET_NAME", "prod/payments/stripe-Xk9Lm2"),
    ("API_KEY_HEADER", "X-Api-Key"),
    ("TOKEN_URL", "https://auth.acme.io/oauth2/token"),
    ("AUTH_TYPE", "AWS_IAM"),
    ("TOKEN_ENDPOINT_AUTH_METHOD", "client_secret_basic"),
    ("SECRET_VERSION_ID", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"),
    ("PASSWORD_COMPLEXITY_REGEX", "^(?=.*[A-Z])(?=.*\\d).{12,}$"),
    ("STRIPE_PUBLISHABLE_KEY", "pk_live_" + _rand(24)),
    ("PUBLIC_KEY", _pem("PUBLIC KEY")),
    ("CERTIFICATE", _pem("CERTIFICATE")),
    ("SECRET", "prod-payments-db"),
    ("API_SECRET", "MySecretName"),
    ("SECRET_KMS_KEY", "1234abcd-12ab-34cd-56ef-1234567890ab"),
    ("DB_SECRET", "rds!cluster-0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
    ("SECRETS", "prod/payments/db,prod/payments/stripe"),
    ("PASSWORD_RESET_TEMPLATE", "d-" + _rand(32, _HEX)),
    ("KMS_ENCRYPTED_PASSWORD", "AQICAHh" + base64.b64encode(_RNG.randbytes(120)).decode()),
    ("SETTINGS", json.dumps({"region": "eu-west-1", "password_min_length": 12, "token": "${TOKEN}"})),
    # ordinary configuration
    ("REQUEST_ID", "550e8400-e29b-41d4-a716-446655440000"),
    ("HEALTH_URL", "http://localhost:8080/health"),
    ("SENTRY_DSN", f"https://{_rand(32, _HEX)}@o1.ingest.sentry.io/42"),
    ("DB_HOST", "db.cluster-c9akciq32.eu-west-1.rds.amazonaws.com"),
    ("LOG_LEVEL", "DEBUG"),
    ("TABLE_NAME", "orders-prod"),
    ("CONFIG_B64", base64.b64encode(b'{"features":{"beta":true}}').decode()),
    ("BLOB", _rand(40)),
    ("GIT_SHA", _rand(40, _HEX)),
    ("CHECKSUM", _rand(64, _HEX)),
    ("S3_KEY", "uploads/2024/01/f3a9c2d1-report.csv"),
    ("PRIVATE_KEY", "/opt/keys/signing.pem"),
    ("GOOGLE_APPLICATION_CREDENTIALS", "/var/task/service-account.json"),
    ("TOKENIZER", "bert-base-uncased"),
    ("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation"),
    ("ADMIN_EMAIL", "ops@acme.io"),
    ("SKU", "SK-2024-BASIC"),
    ("ALG", "eyJhbGciOiJIUzI1NiJ9"),
    ("VERSION", "1.4.2.8"),
]


def _one(name: str, value: object) -> list[SecretFinding]:
    return find_plaintext_secrets({name: value})


# --- credential classes of issue 19 section 4: (name, value, kind) positives, (name, value) hard negatives --

_B64 = string.ascii_letters + string.digits + "+/"
_URLSAFE = _ALNUM + "_-"


def _b64(size: int) -> str:
    return base64.b64encode(_RNG.randbytes(size)).decode()


def _uuid() -> str:
    return "-".join(_rand(n, _HEX) for n in (8, 4, 4, 4, 12))


def _der_b64(der_hex_prefix: str, size: int = 600) -> str:
    """Base64 DER: a fixed ASN.1 prefix (private key, certificate, public key) then random bytes."""
    return base64.b64encode(bytes.fromhex(der_hex_prefix) + _RNG.randbytes(size)).decode()


_AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_SAS_QUERY = "sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-01-01T00:00:00Z&spr=https&sig="
STORAGE = "storage account or shared access key"
SAS = "shared access signature"
CLOUD_CONNECTIONS = (
    [
        (
            "AZURE_STORAGE",
            f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={_b64(64)};EndpointSuffix=core.windows.net",
            STORAGE,
        ),
        ("BLOB_CONN", f"AccountName=acme;AccountKey={_b64(64)}", STORAGE),
        (
            "SERVICEBUS",
            f"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={_b64(32)}",
            STORAGE,
        ),
        (
            "EVENTS",
            f"Endpoint=sb://ev.servicebus.windows.net/;SharedAccessKeyName=l;SharedAccessKey={_b64(32)};EntityPath=x",
            STORAGE,
        ),
        ("IOT", f"HostName=acme.azure-devices.net;DeviceId=d1;SharedAccessKey={_b64(32)}", STORAGE),
        ("EXPORT_URL", f"https://acme.blob.core.windows.net/exports?{_SAS_QUERY}{_rand(43, _B64)}%3D", SAS),
        (
            "BLOB",
            f"BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature={_SAS_QUERY}{_rand(43)}%3D",
            SAS,
        ),
        (
            "FLOW",
            f"https://prod-12.westeurope.logic.azure.com:443/workflows/{_rand(32, _HEX)}/triggers/manual/paths/invoke"
            f"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={_rand(43, _URLSAFE)}",
            SAS,
        ),
    ],
    [
        (
            "AZURITE",
            f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={_AZURITE_KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1",
        ),
        ("DEV_STORAGE", "UseDevelopmentStorage=true"),
        (
            "AZURE_STORAGE",
            "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<account-key>;EndpointSuffix=core.windows.net",
        ),
        ("AZURE_STORAGE_2", "AccountName=acme;AccountKey=${STORAGE_KEY}"),
        ("AZURE_STORAGE_3", "AccountName=acme;AccountKey=" + "x" * 86 + "=="),
        ("SERVICEBUS", "Endpoint=sb://acme.servicebus.windows.net/;Authentication=Managed Identity"),
        ("SERVICEBUS_2", "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey"),
        ("CONTAINER_URL", "https://acme.blob.core.windows.net/exports"),
        ("CONTAINER_URL_2", "https://acme.blob.core.windows.net/exports?restype=container&comp=list"),
        ("SAS_DOC", f"https://acme.blob.core.windows.net/c?{_SAS_QUERY}<signature>"),
        ("IMAGE", f"https://img.example.com/a.png?sig={_rand(43)}&w=100"),  # a sig= without SAS fields
        ("STORAGE_SECRET_REF", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:azure/storage-AbC123"),
    ],
)

_SNOWFLAKE = _rand(19, string.digits)
WEBHOOKS = (
    [
        ("ALERTS", f"https://hooks.slack.com/services/T{_rand(10)}/B{_rand(10)}/{_rand(24)}", "Slack webhook URL"),
        (
            "WORKFLOW",
            f"https://hooks.slack.com/triggers/T{_rand(10)}/{_rand(13, string.digits)}/{_rand(32, _HEX)}",
            "Slack webhook URL",
        ),
        ("DISCORD", f"https://discord.com/api/webhooks/{_SNOWFLAKE}/{_rand(68, _URLSAFE)}", "Discord webhook URL"),
        (
            "DISCORD_OLD",
            f"https://discordapp.com/api/webhooks/{_SNOWFLAKE}/{_rand(68, _URLSAFE)}",
            "Discord webhook URL",
        ),
        (
            "DISCORD_PTB",
            f"https://ptb.discord.com/api/v10/webhooks/{_SNOWFLAKE}/{_rand(68, _URLSAFE)}?wait=true",
            "Discord webhook URL",
        ),
        (
            "TEAMS",
            f"https://acme.webhook.office.com/webhookb2/{_uuid()}@{_uuid()}/IncomingWebhook/{_rand(32, _HEX)}/"
            f"{_uuid()}/V2{_rand(20)}",
            "Microsoft Teams webhook URL",
        ),
        (
            "TEAMS_LEGACY",
            f"https://outlook.office.com/webhook/{_uuid()}@{_uuid()}/IncomingWebhook/{_rand(32, _HEX)}/{_uuid()}",
            "Microsoft Teams webhook URL",
        ),
        (
            "GCHAT",
            f"https://chat.googleapis.com/v1/spaces/AAAA{_rand(7)}/messages?key=AIza{_rand(35, _URLSAFE)}"
            f"&token={_rand(43, _URLSAFE)}%3D",
            "Google Chat webhook URL",
        ),
        (
            "GCHAT_THREAD",
            f"https://chat.googleapis.com/v1/spaces/AAAA{_rand(7)}/messages?threadKey=x"
            f"&key=AIza{_rand(35, _URLSAFE)}&token={_rand(43, _URLSAFE)}",
            "Google Chat webhook URL",
        ),
        (
            "DINGTALK",
            f"https://oapi.dingtalk.com/robot/send?access_token={_rand(64, _HEX)}",
            "webhook URL with embedded secret",
        ),
        ("LARK", f"https://open.feishu.cn/open-apis/bot/v2/hook/{_uuid()}", "webhook URL with embedded secret"),
        (
            "WECOM",
            f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={_uuid()}",
            "webhook URL with embedded secret",
        ),
        (
            "ZAP",
            f"https://hooks.zapier.com/hooks/catch/{_rand(7, string.digits)}/"
            f"{_rand(7, string.ascii_lowercase + string.digits)}/",
            "webhook URL with embedded secret",
        ),
        (
            "IFTTT",
            f"https://maker.ifttt.com/trigger/deploy/with/key/{_rand(22, _URLSAFE)}",
            "webhook URL with embedded secret",
        ),
        (
            "MATTERMOST",
            f"https://chat.acme.io/hooks/{_rand(26, string.ascii_lowercase + string.digits)}",
            "webhook URL with embedded secret",
        ),
        ("ROCKETCHAT", f"https://rocket.acme.io/hooks/{_rand(17)}/{_rand(48)}", "webhook URL with embedded secret"),
        ("BOT", f"{_rand(10, string.digits)}:AA{_rand(33, _URLSAFE)}", "Telegram bot token"),
        (
            "BOT_URL",
            f"https://api.telegram.org/bot{_rand(10, string.digits)}:AA{_rand(33, _URLSAFE)}/sendMessage",
            "Telegram bot token",
        ),
    ],
    [
        ("ALERTS", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"),
        ("ALERTS_2", "https://hooks.slack.com/"),
        ("SLACK_API", "https://slack.com/api/chat.postMessage"),
        ("SLACK_DOCS", "https://api.slack.com/messaging/webhooks"),
        ("DISCORD", "https://discord.com/api/webhooks/<id>/<token>"),
        ("DISCORD_INVITE", "https://discord.com/invite/acme"),
        ("DISCORD_API", f"https://discord.com/api/v10/channels/{_SNOWFLAKE}/messages"),
        ("TEAMS", "https://acme.webhook.office.com/webhookb2/"),
        ("TEAMS_DOC", "https://acme.webhook.office.com/webhookb2/<webhook-id>"),
        ("TEAMS_CHANNEL", "https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General"),
        ("GCHAT", f"https://chat.googleapis.com/v1/spaces/AAAA{_rand(7)}/messages"),
        (
            "GCHAT_2",
            f"https://chat.googleapis.com/v1/spaces/AAAA{_rand(7)}/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=${{CHAT_TOKEN}}",
        ),
        ("HOOKS_PATH", "https://api.acme.io/hooks/github"),
        ("ZAPIER", "https://zapier.com/apps/slack/integrations"),
        ("TELEGRAM", "https://api.telegram.org/bot<token>/sendMessage"),
        ("TIMESTAMP", "12345678:AAAA"),
        ("WEBHOOK_URL_REF", "/prod/alerts/slack-webhook-url"),
        ("SLACK_WEBHOOK", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack/hook-AbC123"),
    ],
)

_BASIC = base64.b64encode(b"svc-billing:" + _rand(16).encode()).decode()
AUTHORIZATION_VALUES = (
    [
        ("UPSTREAM_HEADER", "Bearer " + _rand(40), AUTHORIZATION),
        ("X_FORWARD", "bearer " + _rand(32, _URLSAFE) + "." + _rand(20), AUTHORIZATION),
        ("PARTNER", "Basic " + _BASIC, AUTHORIZATION),
        ("PARTNER_QUOTED", f'"Basic {_BASIC}"', AUTHORIZATION),
        ("HEADERS_DEFAULT", "Authorization: Bearer " + _rand(48, _URLSAFE), AUTHORIZATION),
        ("PROXY", "Proxy-Authorization: Basic " + _BASIC, AUTHORIZATION),
        ("DRF", "Token " + _rand(40, _HEX), AUTHORIZATION),
        ("HEADERS", json.dumps({"Authorization": "Bearer " + _rand(40)}), AUTHORIZATION),
    ],
    [
        ("AUTH_SCHEME", "Bearer"),
        ("MODE", "Basic"),
        ("HEADER_DOC", "Bearer <token>"),
        ("HEADER_TEMPLATE", "Bearer ${API_TOKEN}"),
        ("HEADER_TEMPLATE_2", "Bearer {{token}}"),
        ("CHALLENGE", 'Basic realm="orders"'),
        ("PLAN", "Basic tier"),
        ("MESSAGE", "Bearer token required"),
        ("NOTE", "Token expired"),
        ("HEADER_A", "Basic " + base64.b64encode(b"svc:").decode()),
        ("NOT_BASE64", "Basic not-base64-at-all!"),
        ("NO_COLON", "Basic " + base64.b64encode(b"justausername").decode()),
        ("HEADER_B", "Basic " + base64.b64encode(b"admin:changeme").decode()),
        ("FILLER", "Bearer " + "x" * 40),
        ("CAMEL", "Bearer MyServiceAccountToken"),
        ("WORDS", "Token orders-service-api-token"),
    ],
)

_PKCS8_RSA = "308204bd020100300d06092a864886f70d0101010500048204a7"
_PKCS1_RSA = "308204a40201000282010100"
_SEC1_EC = "307702010104"
_PKCS12 = "30820a4b0201033082"  # version 3, then the authSafe ContentInfo
_CERTIFICATE = "30820301308201e9a003020102"
_SPKI = "30820122300d06092a864886f70d01010105000382010f00"
_RSA_PUBLIC = "3082010a0282010100"


def _pem_of(label: str, body: str) -> str:
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


_CERT_PEM = _pem_of("CERTIFICATE", _der_b64(_CERTIFICATE))
_KEY_PEM = _pem_of("PRIVATE KEY", _der_b64(_PKCS8_RSA))
_PKCS12_WITH_OID = _PKCS12 + "06092a864886f70d010701"
PRIVATE_KEYS = (
    [
        ("TLS_BUNDLE", _CERT_PEM + "\n" + _KEY_PEM, "private key block"),
        (
            "CHAIN",
            _CERT_PEM + "\n" + _CERT_PEM + "\n" + _pem_of("EC PRIVATE KEY", _der_b64(_SEC1_EC, 100)),
            "private key block",
        ),
        ("CONFIG_BLOB", base64.b64encode(_KEY_PEM.encode()).decode(), "private key block"),
        ("CERT_B64", base64.b64encode((_CERT_PEM + "\n" + _KEY_PEM).encode()).decode(), "private key block"),
        ("MATERIAL", _der_b64(_PKCS8_RSA), "private key block"),
        ("MATERIAL_RSA", _der_b64(_PKCS1_RSA), "private key block"),
        ("MATERIAL_EC", _der_b64(_SEC1_EC, 100), "private key block"),
        ("KEYSTORE", _der_b64(_PKCS12_WITH_OID, 2000), "private key block"),
        ("WRAPPED", "\\n".join(_der_b64(_PKCS8_RSA)[i : i + 64] for i in range(0, 800, 64)), "private key block"),
        (
            "PPK",
            f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n{_b64(48)}"
            f"\nPrivate-Lines: 1\n{_b64(32)}",
            "private key block",
        ),
        (
            "JWKS",
            json.dumps(
                {
                    "kty": "EC",
                    "crv": "P-256",
                    "x": _rand(43, _URLSAFE),
                    "y": _rand(43, _URLSAFE),
                    "d": _rand(43, _URLSAFE),
                }
            ),
            "private key block",
        ),
        (
            "SIGNER",
            json.dumps({"keys": [{"kty": "RSA", "n": _rand(342, _URLSAFE), "e": "AQAB", "d": _rand(342, _URLSAFE)}]}),
            "private key block",
        ),
    ],
    [
        ("CA_BUNDLE", _CERT_PEM + "\n" + _CERT_PEM),
        ("CA_B64", base64.b64encode(_CERT_PEM.encode()).decode()),
        ("CERT_DER", _der_b64(_CERTIFICATE)),
        ("PUBLIC_DER", _der_b64(_SPKI)),
        ("RSA_PUBLIC_DER", _der_b64(_RSA_PUBLIC)),
        ("RANDOM_B64", _b64(600)),
        ("PUBLIC_PEM_B64", base64.b64encode(_pem_of("PUBLIC KEY", _der_b64(_SPKI)).encode()).decode()),
        (
            "DOC_B64",
            base64.b64encode(b"-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----").decode(),
        ),
        ("JWKS_PUBLIC", json.dumps({"keys": [{"kty": "RSA", "n": _rand(342, _URLSAFE), "e": "AQAB", "kid": "k1"}]})),
        ("JWK_EMPTY_D", json.dumps({"kty": "EC", "d": ""})),
        ("PPK_PUBLIC", f"ssh-ed25519 {_b64(51)} deploy@ci"),
    ],
)

BLOBS = (
    [
        ("DOTENV", f"DB_HOST=db.internal\nDB_USER=app\nDB_PASSWORD={_rand(18)}\n", HIGH_ENTROPY),
        ("DOTENV_ESCAPED", f"DB_HOST=db.internal\\nDB_PASSWORD={_rand(18)}\\n", HIGH_ENTROPY),
        ("DOTENV_EXPORT", f'export REGION=eu-west-1\nexport API_TOKEN="{_rand(32)}"', HIGH_ENTROPY),
        ("INI", f"[database]\nhost = db\nuser = app\npassword = {_rand(16)}\n", "password in connection string"),
        ("INI_TOKEN", f"[partner]\nurl = https://api.partner.io\napi_token = {_rand(32)}\n", HIGH_ENTROPY),
        (
            "PROPERTIES",
            f"spring.datasource.url=jdbc:postgresql://db/app\nspring.datasource.password={_rand(16)}",
            HIGH_ENTROPY,
        ),
        ("YAML", f"database:\n  host: db\n  password: '{_rand(16)}'\n", HIGH_ENTROPY),
        ("DOTENV_KEYS", f"REGION=eu-west-1\nAWS_ACCESS_KEY_ID=AKIA{_rand(16, _UPPER_DIGITS)}", "AWS access key ID"),
        ("DOTENV_URL", f"LOG_LEVEL=info\nDATABASE_URL=postgres://app:{_rand(16)}@db:5432/app", "password in URL"),
        ("APP_JSON", json.dumps({"smtp": {"host": "mail", "pass": _rand(14)}}), HIGH_ENTROPY),
    ],
    [
        ("DOTENV", "DB_HOST=db.internal\nDB_PORT=5432\nLOG_LEVEL=info\n"),
        (
            "DOTENV_REFS",
            "DB_PASSWORD=${DB_PASSWORD}\nAPI_KEY=arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-AbC123",
        ),
        ("DOTENV_META", "PASSWORD_MIN_LENGTH=12\nTOKEN_TTL=3600\nSECRET_NAME=prod/db"),
        ("INI", "[database]\nhost = db\npassword = changeme\n"),
        ("YAML", "auth:\n  password: '{{resolve:secretsmanager:prod/db:SecretString:password}}'\n  token_ttl: 3600\n"),
        ("ONE_LINE", "mode=strict"),
        ("PROSE", "Set DB_PASSWORD in Secrets Manager.\nSee the runbook."),
        ("CSV", "name,age\nalice,30\nbob,25"),
        ("CREDENTIALS", '{"region":"eu-west-1","user":"svc-ledger"}'),  # a secret-named blob without secrets
        ("DB_CREDENTIALS", "DB_HOST=db.internal\nDB_USER=svc-ledger"),
    ],
)

GUESSABLE_PASSWORDS = (
    [
        ("DB_PASSWORD", "letmein", "guessable password in password-named variable"),
        ("SMTP_PASSWORD", "sunshine", "guessable password in password-named variable"),
        ("ADMIN_PASSWD", "dragon", "guessable password in password-named variable"),
        ("dbPassword", "Qwerty", "guessable password in password-named variable"),
        ("MYSQL_ROOT_PASSWORD", "root", "guessable password in password-named variable"),
        ("REDIS_PASSWORD", "123456", "guessable password in password-named variable"),
        ("PASSPHRASE", "monkey", "guessable password in password-named variable"),
        ("PGPASSWORD", "postgres", "guessable password in password-named variable"),
    ],
    [
        ("DB_PASSWORD", "changeme"),
        ("DB_PASSWORD", "password"),
        ("DB_PASSWORD", "secret"),
        ("DB_PASSWORD", "none"),
        ("DB_PASSWORD", "vault"),
        ("DB_PASSWORD", "iam"),
        ("DB_PASSWORD", "random"),
        ("DB_PASSWORD", "generated"),
        ("DB_PASSWORD", "prompt"),
        ("DB_PASSWORD", "required"),
        ("DB_PASSWORD", "disabled"),
        ("DB_PASSWORD", "abc"),
        ("DB_PASSWORD", "1234"),
        ("DB_PASSWORD", "nopass"),
        ("DB_PASSWORD", "kms"),
        ("DB_PASSWORD", "MyDbPassword"),
        ("DB_PASSWORD", "prod-db-password"),
        ("PASSWORD_POLICY", "strict"),
        ("PASS_THROUGH", "headers"),  # "pass" is not "password": no dictionary check
        ("SMTP_PASS", "relay"),
        ("PASSWORD_HASH_ALGORITHM", "argon"),
        ("PASSWORD_STRENGTH", "strong"),
        ("PASSWORD_ENCODER", "bcrypt"),
        ("PASSWORD_COMPLEXITY", "high"),
    ],
)

_KMS_BLOB = "AQICAHh" + _b64(150)
CIPHERTEXT_NAMES = (
    [
        ("KMS_ENCRYPTED_DB_PASSWORD", "Summer2024!", "plaintext in variable named as ciphertext"),
        ("ENCRYPTED_API_TOKEN", "tok-" + _rand(10), "plaintext in variable named as ciphertext"),
        ("ENC_PASSWORD", "letmein1", "plaintext in variable named as ciphertext"),
        ("DB_PASSWORD_ENCRYPTED", "hunter2", "plaintext in variable named as ciphertext"),
        ("SECRET_CIPHERTEXT", "a1a1a1a1b2b2b2b2a1a1a1a1b2b2b2b2a1a1a1a1", "plaintext in variable named as ciphertext"),
        ("ENCRYPTED_VALUE", "P@ssw0rd-2024", "plaintext in variable named as ciphertext"),
        ("ENC_DB_PASS", "Tr0ub4dor&3", "plaintext in variable named as ciphertext"),
    ],
    [
        ("KMS_ENCRYPTED_DB_PASSWORD", _KMS_BLOB),
        ("ENCRYPTED_API_TOKEN", "AYADe" + _b64(200)),  # AWS Encryption SDK message
        ("ENC_PASSWORD", "ENC(" + _b64(32) + ")"),  # Jasypt
        (
            "DB_PASSWORD_ENCRYPTED",
            "ENC[AES256_GCM,data:" + _b64(12) + ",iv:" + _b64(32) + ",tag:" + _b64(16) + ",type:str]",
        ),
        ("SECRET_CIPHERTEXT", "vault:v1:" + _b64(48)),
        ("ENCRYPTED_TOKEN", "gAAAAAB" + _rand(93, _URLSAFE)),  # Fernet
        ("ENCRYPTED_SECRET_HEX", _rand(96, _HEX)),
        ("ENCRYPTED", "true"),
        ("ENCRYPTED_FIELDS", "email,phone"),
        ("ENCRYPTION_ALGORITHM", "AES256"),
        ("ENC_KEY_ID", "1234abcd-12ab-34cd-56ef-1234567890ab"),
        ("ENCRYPTED_PASSWORD_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbC123"),
        ("ENCRYPTED_DB_PASSWORD", "${ENCRYPTED_DB_PASSWORD}"),
        ("ENCRYPTED_DB_PASSWORD", "/prod/db/password"),
        ("ENC_MODE", "kms"),
        ("ENCRYPT", "aes256"),
        ("DATA_ENC", "base64"),
        ("ENC", "utf8"),
        ("ENCRYPTED_BUCKET", "orders-archive"),
    ],
)

_BASE32_LETTERS = string.ascii_uppercase
ACCESS_KEY_IDS = (
    [
        ("LETTERS_ONLY", "AKIA" + "QWHTZKRNBVCXLMPD", "AWS access key ID"),
        ("SESSION_LETTERS", "ASIA" + "RTYZKQWNBXVCMLPH", "AWS access key ID"),
        ("BASE32", "AKIA" + _rand(16, _BASE32_LETTERS + "234567"), "AWS access key ID"),
        ("IN_TEXT", "aws_access_key_id = AKIA" + "ZRBKQTWNXJCMVDLH", "AWS access key ID"),
    ],
    [
        ("REGION_NAME", "ASIAPACIFICSOUTHEAST"),
        ("DOC", "AKIAIOSFODNN7EXAMPLE"),
        ("FILLER", "AKIAXXXXXXXXXXXXXXXX"),
        ("ALPHABET", "AKIAABCDEFGHIJKLMNOP"),
        ("SHORT", "AKIAQWHTZKRNBVC"),
        ("LONGER", "AKIAQWHTZKRNBVCXLMPDQ"),
        ("LOWER", "akiaqwhtzkrnbvcxlmpd"),
    ],
)

PUBLIC_BY_DESIGN = (
    [
        # the secret halves of the same services stay findings
        ("RECAPTCHA_SECRET_KEY", "6Lc" + _rand(30) + "_" + _rand(6), HIGH_ENTROPY),
        ("HCAPTCHA_SECRET", "0x" + _rand(40, _HEX), HIGH_ENTROPY),
        ("STRIPE_SECRET_KEY", "sk_live_" + _rand(24), "Stripe live key"),
        ("GOOGLE_MAPS_API_KEY", "AIza" + _rand(35, _URLSAFE), "Google API key"),
        ("NEXT_PUBLIC_STRIPE", "sk_live_" + _rand(24), "Stripe live key"),  # a secret made public is still one
        ("MAPBOX_SECRET_TOKEN", "sk.eyJ1IjoiYWNtZSIsImEiOiJjbDEifQ." + _rand(22), HIGH_ENTROPY),
    ],
    [
        ("RECAPTCHA_SITE_KEY", "6Lc" + _rand(37, _URLSAFE)),
        ("TURNSTILE_SITE_KEY", "0x4AAAAAAA" + _rand(12)),
        ("HCAPTCHA_SITEKEY", _uuid()),
        ("STRIPE_KEY", "pk_live_" + _rand(24)),
        ("STRIPE_TEST_KEY", "pk_test_" + _rand(24)),
        ("PAYMENTS", "pk_live_" + _rand(99)),
        ("MAPBOX_TOKEN", "pk.eyJ1IjoiYWNtZSIsImEiOiJjbDEyMzQ1NjcifQ." + _rand(22)),
        ("GOOGLE_MAPS_BROWSER_KEY", "AIza" + _rand(35, _URLSAFE)),
        ("NEXT_PUBLIC_MAPS_KEY", "AIza" + _rand(35, _URLSAFE)),
        ("FIREBASE_API_KEY", "AIza" + _rand(35, _URLSAFE)),
        (
            "FIREBASE_CONFIG",
            json.dumps(
                {"apiKey": "AIza" + _rand(35, _URLSAFE), "authDomain": "acme.firebaseapp.com", "projectId": "acme"}
            ),
        ),
    ],
)

CLASSES = {
    "cloud connection strings": CLOUD_CONNECTIONS,
    "webhook URLs": WEBHOOKS,
    "Authorization values": AUTHORIZATION_VALUES,
    "private keys": PRIVATE_KEYS,
    "blobs": BLOBS,
    "guessable passwords": GUESSABLE_PASSWORDS,
    "ciphertext names": CIPHERTEXT_NAMES,
    "access key ids": ACCESS_KEY_IDS,
    "public by design": PUBLIC_BY_DESIGN,
}
CLASS_POSITIVES = [(c, n, v, k) for c, (positives, _) in CLASSES.items() for n, v, k in positives]
CLASS_NEGATIVES = [(c, n, v) for c, (_, negatives) in CLASSES.items() for n, v in negatives]


@pytest.mark.parametrize(
    ("cls", "name", "value", "kind"), CLASS_POSITIVES, ids=[f"{c}-{n}" for c, n, _, _ in CLASS_POSITIVES]
)
def test_class_positive(cls: str, name: str, value: str, kind: str) -> None:
    assert _one(name, value) == [SecretFinding(name=name, kind=kind)]


@pytest.mark.parametrize(("cls", "name", "value"), CLASS_NEGATIVES, ids=[f"{c}-{n}" for c, n, _ in CLASS_NEGATIVES])
def test_class_hard_negative(cls: str, name: str, value: str) -> None:
    assert _one(name, value) == []


def test_every_class_has_positives_and_hard_negatives() -> None:
    assert all(len(positives) >= 4 and len(negatives) >= 5 for positives, negatives in CLASSES.values())


def test_every_kind_has_a_detection_case() -> None:
    assert {kind for _, _, kind in DETECTED} | {k for *_, k in CLASS_POSITIVES} == set(KINDS)


@pytest.mark.parametrize(("name", "value", "kind"), DETECTED, ids=[f"{n}-{k}" for n, _, k in DETECTED])
def test_detects(name: str, value: str, kind: str) -> None:
    assert _one(name, value) == [SecretFinding(name=name, kind=kind)]


@pytest.mark.parametrize(("name", "value"), BENIGN, ids=[f"{n}={str(v)[:24]}" for n, v in BENIGN])
def test_benign_is_not_flagged(name: str, value: object) -> None:
    assert _one(name, value) == []


def test_strongest_kind_names_the_finding() -> None:
    url_with_token = f"https://x:{'ghp_' + _rand(36)}@github.com/acme/repo.git"
    assert _one("REMOTE", url_with_token) == [SecretFinding("REMOTE", "GitHub token")]
    key_and_jwt = DETECTED[0][1] + " " + _JWT
    assert _one("BUNDLE", key_and_jwt) == [SecretFinding("BUNDLE", "private key block")]


def test_one_finding_per_variable_sorted_by_name() -> None:
    variables = {name: value for name, value, _ in reversed(DETECTED)}
    findings = find_plaintext_secrets(variables)
    assert [f.name for f in findings] == sorted(variables)


@pytest.mark.parametrize(
    "variables",
    [None, 42, "AKIA", ["DB_PASSWORD"], {}, {1: "AKIAABCDEFGHIJKLMNOP"}, {None: "x"}, {"A": None}, {"A": 7}],
)
def test_odd_input_yields_nothing(variables: Any) -> None:
    assert find_plaintext_secrets(variables) == []


def test_non_string_values_are_ignored_next_to_strings() -> None:
    findings = find_plaintext_secrets({"COUNT": 3, "FLAG": True, "BLOB": b"AKIA", "GH": "ghp_" + _rand(36)})
    assert findings == [SecretFinding("GH", "GitHub token")]


def test_huge_and_non_ascii_values() -> None:
    huge = _rand(300_000) + "é€😀\x00" * 200_000 + "a" * 1_000_000
    assert find_plaintext_secrets({"DB_PASSWORD": huge, "NOTE": huge}) == [SecretFinding("DB_PASSWORD", HIGH_ENTROPY)]
    assert _one("DB_PASSWORD", "пароль-Секрет-2024") == [SecretFinding("DB_PASSWORD", HIGH_ENTROPY)]


def test_corpus_size_and_shape() -> None:
    secrets, benign = CORPUS["secrets"], CORPUS["benign"]
    assert len(secrets) >= 40 and len(benign) >= 60
    assert {entry["kind"] for entry in secrets} <= set(KINDS)
    names = [entry["name"] for entry in secrets + benign]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("entry", CORPUS["secrets"], ids=lambda entry: entry["name"])
def test_corpus_secret_is_flagged(entry: dict[str, str]) -> None:
    assert _one(entry["name"], entry["value"]) == [SecretFinding(entry["name"], entry["kind"])]


def test_corpus_as_one_environment() -> None:
    variables = {entry["name"]: entry["value"] for entry in CORPUS["secrets"] + CORPUS["benign"]}
    found = {finding.name: finding.kind for finding in find_plaintext_secrets(variables)}
    assert found == {entry["name"]: entry["kind"] for entry in CORPUS["secrets"]}


@pytest.mark.parametrize("entry", CORPUS["benign"], ids=lambda entry: entry["name"])
def test_corpus_benign_is_not_flagged(entry: dict[str, str]) -> None:
    assert _one(entry["name"], entry["value"]) == []


# --- never leak ---------------------------------------------------------------

_FIXED_PIECES = [repr(SecretFinding(name="", kind=kind)) for kind in KINDS]


def _leaked_fragments(findings: list[SecretFinding], variables: dict[Any, Any]) -> list[str]:
    """8-character windows of any value visible in a finding, other than via its name or fixed label."""
    leaked = []
    for finding in findings:
        pieces = [text.replace(repr(finding.name), "''") for text in (repr(finding), str(finding))]
        pieces.append(finding.kind)
        for value in variables.values():
            if not isinstance(value, str):
                continue
            for start in range(max(len(value) - 7, 0)):
                window = value[start : start + 8]
                if any(window in piece for piece in pieces) and not any(window in f for f in _FIXED_PIECES):
                    leaked.append(window)
    return leaked


def test_corpus_findings_render_no_value() -> None:
    variables = {entry["name"]: entry["value"] for entry in CORPUS["secrets"]}
    findings = find_plaintext_secrets(variables)
    assert len(findings) == len(variables)
    assert _leaked_fragments(findings, variables) == []
    for finding in findings:
        assert repr(finding) == f"SecretFinding(name={finding.name!r}, kind={finding.kind!r})"


_SEEDS = [entry["value"] for entry in CORPUS["secrets"] + CORPUS["benign"]] + [v for _, v, _ in DETECTED]
_values = st.one_of(
    st.text(max_size=200),
    st.sampled_from(_SEEDS),
    st.tuples(st.text(max_size=20), st.sampled_from(_SEEDS), st.text(max_size=20)).map("".join),
    st.integers(),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.binary(max_size=50),
    st.lists(st.text(max_size=10), max_size=3),
)
_names = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["DB_PASSWORD", "API_KEY", "AWS_SECRET_ACCESS_KEY", "TOKEN_TTL", "SECRET", "X"]),
    st.integers(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_names, _values, max_size=8))
def test_arbitrary_environments_never_raise_nor_leak(variables: dict[Any, Any]) -> None:
    findings = find_plaintext_secrets(variables)
    assert all(isinstance(f.name, str) and f.name in variables and f.kind in KINDS for f in findings)
    assert len({f.name for f in findings}) == len(findings)
    assert [f.name for f in findings] == sorted(f.name for f in findings)
    assert _leaked_fragments(findings, variables) == []


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(_SEEDS), st.text(max_size=30))
def test_detection_survives_surrounding_noise(seed: str, noise: str) -> None:
    find_plaintext_secrets({"DB_PASSWORD": noise + seed, "X": seed + noise, "Y": seed * 3})


def test_finding_is_frozen() -> None:
    finding = SecretFinding("A", "JWT")
    with pytest.raises(AttributeError):
        finding.kind = "other"  # type: ignore[misc]
