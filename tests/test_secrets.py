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
    ("AUTHORIZATION", "Basic " + base64.b64encode(b"svc:" + _rand(12).encode()).decode(), HIGH_ENTROPY),
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
    ("PASSWORD", "letmein"),
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


def test_every_kind_has_a_detection_case() -> None:
    assert {kind for _, _, kind in DETECTED} == set(KINDS)


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
