"""Table-driven tests of policy parsing and the resource-policy predicates."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from lambda_compliance.domain.iam.policy import (
    Condition,
    PolicyError,
    Principal,
    action_matches,
    parse_policy,
    public_statements,
    s3_unpinned_statements,
    service_pin_keys,
    source_restriction,
    unrestricted_service_statements,
    url_auth_none_statements,
)

FN = "arn:aws:lambda:eu-west-1:111122223333:function:pay"


def stmt(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": FN}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# ------------------------------------------------------------------------------------- parsing

PARSE_CASES = [
    # (id, document, expected number of statements)
    ("none", None, 0),
    ("empty-string", "  ", 0),
    ("dict-list", doc(stmt(), stmt(Effect="Deny")), 2),
    ("single-statement-object", {"Version": "2012-10-17", "Statement": stmt()}, 1),
    ("bare-statement", stmt(), 1),
    ("list-of-statements", [stmt(), stmt()], 2),
    ("json-string", json.dumps(doc(stmt())), 1),
    ("url-encoded", quote(json.dumps(doc(stmt(), stmt()))), 2),
    ("url-encoded-plus-spaces", quote(json.dumps(doc(stmt())), safe="").replace("%20", "+"), 1),
    ("double-encoded", json.dumps(json.dumps(doc(stmt()))), 1),
    ("empty-statement-list", {"Statement": []}, 0),
    ("lower-case-elements", {"statement": [{"effect": "allow", "action": "s3:GetObject"}]}, 1),
]


@pytest.mark.parametrize(("document", "count"), [c[1:] for c in PARSE_CASES], ids=[c[0] for c in PARSE_CASES])
def test_parse_counts(document: Any, count: int) -> None:
    assert len(parse_policy(document)) == count


BROKEN = [
    ("broken-json", '{"Statement": [', "not valid JSON"),
    ("broken-url", "%7B%22Statement%22%3A", "not valid JSON"),
    ("number", "42", "not a JSON object"),
    ("no-statement", {"Version": "2012-10-17"}, "no Statement"),
    ("statement-string", {"Statement": "nope"}, "object or a list"),
    ("statement-item-string", {"Statement": ["nope"]}, "statement 0 is not an object"),
    ("bad-effect", doc(stmt(Effect="Permit")), "no valid Effect"),
    ("action-and-notaction", doc(stmt(NotAction="s3:*")), "exactly one of Action"),
    ("no-action", doc({"Effect": "Allow", "Resource": "*"}), "exactly one of Action"),
    ("both-resources", doc(stmt(NotResource="*")), "both Resource"),
    ("both-principals", doc(stmt(Principal="*", NotPrincipal="*")), "both Principal"),
    ("bad-principal-type", doc(stmt(Principal={"Robot": "x"})), "unknown principal"),
    ("bad-condition", doc(stmt(Condition=["x"])), "unreadable Condition"),
    ("bad-condition-block", doc(stmt(Condition={"StringEquals": "x"})), "unreadable Condition block"),
    ("action-object", doc(stmt(Action={"a": 1})), "Action values"),
    ("int-type", 7, "must be JSON text"),
]


@pytest.mark.parametrize(("document", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_broken_documents_raise_policy_error(document: Any, message: str) -> None:
    with pytest.raises(PolicyError, match=message) as err:
        parse_policy(document)
    assert isinstance(err.value, ValueError)


def test_error_message_never_quotes_the_document() -> None:
    secret = "AKIAABCDEFGHIJKLMNOP"
    with pytest.raises(PolicyError) as err:
        parse_policy('{"Statement": [{"Sid": "' + secret + '", ')
    assert secret not in str(err.value)


PRINCIPALS = [
    ("star", "*", Principal(wildcard=True)),
    ("aws-star", {"AWS": "*"}, Principal(wildcard=True, aws=("*",))),
    ("aws-star-in-list", {"AWS": ["111122223333", "*"]}, Principal(wildcard=True, aws=("111122223333", "*"))),
    ("account", {"AWS": "111122223333"}, Principal(aws=("111122223333",))),
    ("bare-account-string", "111122223333", Principal(aws=("111122223333",))),
    ("service", {"Service": "S3.amazonaws.com"}, Principal(service=("s3.amazonaws.com",))),
    (
        "services-list",
        {"Service": ["events.amazonaws.com", "sns.amazonaws.com"]},
        Principal(service=("events.amazonaws.com", "sns.amazonaws.com")),
    ),
    (
        "federated",
        {"Federated": "cognito-identity.amazonaws.com"},
        Principal(federated=("cognito-identity.amazonaws.com",)),
    ),
    ("canonical", {"CanonicalUser": "abc"}, Principal(canonical_user=("abc",))),
    ("mixed-case-type", {"aws": "*"}, Principal(wildcard=True, aws=("*",))),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in PRINCIPALS], ids=[c[0] for c in PRINCIPALS])
def test_principal_forms(raw: Any, expected: Principal) -> None:
    (s,) = parse_policy(doc(stmt(Principal=raw)))
    assert s.principal == expected
    assert not s.not_principal


def test_statement_fields_are_normalised() -> None:
    (s,) = parse_policy(
        doc(
            {
                "Sid": "One",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                "NotAction": ["IAM:PassRole", "s3:Get*"],
                "NotResource": "arn:aws:s3:::b",
                "Condition": {"ForAnyValue:StringLikeIfExists": {"AWS:SourceArn": ["arn:a", "arn:b"]}},
            }
        )
    )
    assert (s.sid, s.effect, s.not_principal, s.not_action, s.not_resource) == (
        "One",
        "Deny",
        True,
        True,
        True,
    )
    assert s.actions == ("iam:passrole", "s3:get*")
    assert s.resources == ("arn:aws:s3:::b",)
    assert s.conditions == (
        Condition("StringLike", "aws:sourcearn", ("arn:a", "arn:b"), if_exists=True, qualifier="ForAnyValue"),
    )
    assert s.ref == "One"


def test_ref_falls_back_to_position_and_values_stringify() -> None:
    s1, s2 = parse_policy(
        doc(
            stmt(),
            stmt(Condition={"bool": {"aws:SecureTransport": False}, "NumericLessThan": {"s3:max-keys": 10}}),
        )
    )
    assert (s1.ref, s2.ref) == ("#0", "#1")
    assert s2.conditions == (
        Condition("Bool", "aws:securetransport", ("false",)),
        Condition("NumericLessThan", "s3:max-keys", ("10",)),
    )


OPERATORS = [
    ("StringEquals", "StringEquals", False, None),
    ("stringequals", "StringEquals", False, None),
    ("StringEqualsIgnoreCase", "StringEqualsIgnoreCase", False, None),
    ("StringNotLikeIfExists", "StringNotLike", True, None),
    ("ARNLIKE", "ArnLike", False, None),
    ("ArnEqualsIfExists", "ArnEquals", True, None),
    ("ForAllValues:StringLike", "StringLike", False, "ForAllValues"),
    ("foranyvalue:stringequalsifexists", "StringEquals", True, "ForAnyValue"),
    ("NumericGreaterThanEquals", "NumericGreaterThanEquals", False, None),
    ("DateLessThan", "DateLessThan", False, None),
    ("NotIpAddress", "NotIpAddress", False, None),
    ("Null", "Null", False, None),
    ("BinaryEquals", "BinaryEquals", False, None),
    ("MadeUpOperator", "MadeUpOperator", False, None),
]


@pytest.mark.parametrize(("raw", "op", "if_exists", "qualifier"), OPERATORS, ids=[c[0] for c in OPERATORS])
def test_operator_names(raw: str, op: str, if_exists: bool, qualifier: str | None) -> None:
    (s,) = parse_policy(doc(stmt(Condition={raw: {"K": "v"}})))
    (cond,) = s.conditions
    assert (cond.operator, cond.if_exists, cond.qualifier, cond.key) == (op, if_exists, qualifier, "k")


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("iam:Put*", "iam:putrolepolicy", True),
        ("IAM:PUT*", "iam:PutRolePolicy", True),
        ("s3:Get*", "s3:putobject", False),
        ("*", "kms:decrypt", True),
        ("lambda:?nvokeFunction", "lambda:invokefunction", True),
        ("lambda:InvokeFunction", "lambda:InvokeFunctionUrl", False),
        ("s3:[ab]", "s3:a", False),  # brackets are literal in IAM
    ],
)
def test_action_matches(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


# ---------------------------------------------------------------------------- source_restriction

ACCT = "111122223333"
SRC = "arn:aws:execute-api:eu-west-1:111122223333:abc123/*"
RESTRICTION = [
    ("none", None, None),
    ("source-account", {"StringEquals": {"AWS:SourceAccount": ACCT}}, "aws:SourceAccount"),
    ("source-arn-like", {"ArnLike": {"aws:SourceArn": SRC}}, "aws:SourceArn"),
    ("source-arn-equals", {"ArnEquals": {"aws:sourcearn": "arn:aws:sns:eu-west-1:111122223333:t"}}, "aws:SourceArn"),
    ("source-arn-any-region", {"ArnLike": {"aws:SourceArn": "arn:aws:sqs:*:111122223333:*"}}, "aws:SourceArn"),
    # The caller's identity must be concrete: a wildcard in the account, bucket or org id pins nothing.
    ("bucket-arn-names-no-account", {"ArnEquals": {"aws:sourcearn": "arn:aws:s3:::bucket"}}, None),
    ("bucket-arn-wildcard-name", {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket-*"}}, None),
    ("arn-account-wildcard", {"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:*:alerts"}}, None),
    ("arn-account-partial", {"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:1111*:alerts"}}, None),
    ("arn-account-question", {"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:11112222333?:t"}}, None),
    ("arn-account-variable", {"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:${aws:PrincipalAccount}:t"}}, None),
    ("source-arn-not-an-arn", {"StringEquals": {"aws:SourceArn": "my-bucket"}}, None),
    ("account-partial-wildcard", {"StringLike": {"aws:SourceAccount": "1111*"}}, None),
    ("account-variable", {"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}, None),
    ("org-id-wildcard", {"StringLike": {"aws:PrincipalOrgID": "o-*"}}, None),
    ("org-id-partial", {"StringLike": {"aws:PrincipalOrgID": "o-abc*"}}, None),
    ("org-id-any-value-wildcard", {"ForAnyValue:StringLike": {"aws:PrincipalOrgID": ["o-abc123", "o-*"]}}, None),
    (
        "org-path-within-org",
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-1/*"}},
        "aws:PrincipalOrgPaths",
    ),
    ("org-path-any-org", {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-*/r-1/*"}}, None),
    ("principal-arn-any-account", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deployer"}}, None),
    ("source-org-id-wildcard", {"StringLike": {"aws:SourceOrgID": "*"}}, None),
    ("source-arn-stringlike", {"StringLike": {"aws:SourceArn": SRC}}, "aws:SourceArn"),
    ("source-owner", {"StringEquals": {"aws:SourceOwner": ACCT}}, "aws:SourceOwner"),
    ("org-id", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, "aws:PrincipalOrgID"),
    ("principal-account", {"StringEquals": {"aws:PrincipalAccount": [ACCT]}}, "aws:PrincipalAccount"),
    (
        "principal-arn",
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}},
        "aws:PrincipalArn",
    ),
    ("ignore-case", {"StringEqualsIgnoreCase": {"aws:PrincipalOrgID": "O-ABC"}}, "aws:PrincipalOrgID"),
    (
        "for-any-value",
        {"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": "o-a/r-b/ou-c/"}},
        "aws:PrincipalOrgPaths",
    ),
    ("for-all-values-does-not", {"ForAllValues:StringEquals": {"aws:SourceAccount": ACCT}}, None),
    ("if-exists-does-not", {"StringEqualsIfExists": {"aws:SourceAccount": ACCT}}, None),
    ("wildcard-value", {"StringLike": {"aws:SourceAccount": "*"}}, None),
    ("one-wildcard-value", {"StringLike": {"aws:SourceAccount": [ACCT, "*"]}}, None),
    ("wildcard-arn", {"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:*:*:*"}}, None),
    ("wildcard-arn-resource", {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}, None),
    ("negated-operator", {"StringNotEquals": {"aws:SourceAccount": ACCT}}, None),
    ("unknown-key", {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask"}}, None),
    ("unknown-operator", {"StringSortaEquals": {"aws:SourceAccount": ACCT}}, None),
    (
        "unrelated-and-restricting",
        {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceAccount": ACCT}},
        "aws:SourceAccount",
    ),
    ("empty-values", {"StringEquals": {"aws:SourceAccount": []}}, None),
]


@pytest.mark.parametrize(("condition", "expected"), [c[1:] for c in RESTRICTION], ids=[c[0] for c in RESTRICTION])
def test_source_restriction(condition: dict[str, Any] | None, expected: str | None) -> None:
    (s,) = parse_policy(doc(stmt(Principal="*", Condition=condition)))
    assert source_restriction(s) == expected


# ------------------------------------------------------------------------------ public_statements

PUBLIC = [
    # (id, statements, Sids expected public)
    ("star", [stmt(Sid="a", Principal="*")], ["a"]),
    ("aws-star", [stmt(Sid="a", Principal={"AWS": "*"})], ["a"]),
    ("aws-star-list", [stmt(Sid="a", Principal={"AWS": [ACCT, "*"]})], ["a"]),
    ("account", [stmt(Sid="a", Principal={"AWS": ACCT})], []),
    ("service-is-not-public", [stmt(Sid="a", Principal={"Service": "s3.amazonaws.com"})], []),
    ("deny-star-only", [stmt(Sid="a", Effect="Deny", Principal="*")], []),
    (
        "restricted",
        [stmt(Sid="a", Principal="*", Condition={"StringEquals": {"aws:SourceAccount": ACCT}})],
        [],
    ),
    (
        "if-exists-is-public",
        [stmt(Sid="a", Principal="*", Condition={"StringEqualsIfExists": {"aws:SourceAccount": ACCT}})],
        ["a"],
    ),
    (
        "unknown-condition-is-public",
        [stmt(Sid="a", Principal="*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
        ["a"],
    ),
    ("not-principal-allow", [stmt(Sid="a", NotPrincipal={"AWS": ACCT})], ["a"]),
    (
        "wildcard-account-arn-is-public",
        [stmt(Sid="a", Principal="*", Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:alerts"}})],
        ["a"],
    ),
    (
        "bucket-arn-alone-is-public",
        [stmt(Sid="a", Principal="*", Condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::my-bucket"}})],
        ["a"],
    ),
    (
        "org-wildcard-is-public",
        [stmt(Sid="a", Principal="*", Condition={"StringLike": {"aws:PrincipalOrgID": "o-*"}})],
        ["a"],
    ),
    (
        "org-concrete-is-not",
        [stmt(Sid="a", Principal="*", Condition={"StringLike": {"aws:PrincipalOrgID": "o-a1b2c3"}})],
        [],
    ),
    (
        "deny-unless-wildcard-account-does-not-negate",
        [
            stmt(Sid="a", Principal="*"),
            stmt(Sid="d", Effect="Deny", Principal="*", Condition={"StringNotLike": {"aws:PrincipalAccount": "*"}}),
        ],
        ["a"],
    ),
    (
        "deny-same-action",
        [stmt(Sid="a", Principal="*"), stmt(Sid="d", Effect="Deny", Principal="*")],
        [],
    ),
    (
        "deny-service-wildcard",
        [
            stmt(Sid="a", Principal="*"),
            stmt(Sid="d", Effect="Deny", Principal={"AWS": "*"}, Action="lambda:*"),
        ],
        [],
    ),
    (
        "deny-other-action",
        [
            stmt(Sid="a", Principal="*"),
            stmt(Sid="d", Effect="Deny", Principal="*", Action="lambda:GetFunction"),
        ],
        ["a"],
    ),
    (
        "deny-partial-actions",
        [
            stmt(Sid="a", Principal="*", Action=["lambda:InvokeFunction", "lambda:GetFunction"]),
            stmt(Sid="d", Effect="Deny", Principal="*", Action="lambda:InvokeFunction"),
        ],
        ["a"],
    ),
    (
        "deny-other-resource",
        [stmt(Sid="a", Principal="*"), stmt(Sid="d", Effect="Deny", Principal="*", Resource=FN + ":prod")],
        ["a"],
    ),
    (
        "deny-resource-star",
        [stmt(Sid="a", Principal="*"), stmt(Sid="d", Effect="Deny", Principal="*", Resource="*")],
        [],
    ),
    (
        "deny-for-one-account-only",
        [stmt(Sid="a", Principal="*"), stmt(Sid="d", Effect="Deny", Principal={"AWS": "999988887777"})],
        ["a"],
    ),
    (
        "deny-unless-my-account",
        [
            stmt(Sid="a", Principal="*"),
            stmt(
                Sid="d",
                Effect="Deny",
                Principal="*",
                Condition={"StringNotEquals": {"aws:PrincipalAccount": ACCT}},
            ),
        ],
        [],
    ),
    (
        "deny-unless-if-exists-still-negates",
        [
            stmt(Sid="a", Principal="*"),
            stmt(
                Sid="d",
                Effect="Deny",
                Principal="*",
                Condition={"StringNotEqualsIfExists": {"aws:SourceAccount": ACCT}},
            ),
        ],
        [],
    ),
    (
        "deny-under-unknown-condition",
        [
            stmt(Sid="a", Principal="*"),
            stmt(Sid="d", Effect="Deny", Principal="*", Condition={"Bool": {"aws:SecureTransport": "false"}}),
        ],
        ["a"],
    ),
    (
        "deny-not-principal-named",
        [stmt(Sid="a", Principal="*"), stmt(Sid="d", Effect="Deny", NotPrincipal={"AWS": ACCT})],
        [],
    ),
    (
        "deny-not-action-excluding-granted",
        [
            stmt(Sid="a", Principal="*"),
            stmt(Sid="d", Effect="Deny", Principal="*", Action=None, NotAction="lambda:Invoke*"),
        ],
        ["a"],
    ),
    (
        "deny-not-action-other",
        [
            stmt(Sid="a", Principal="*"),
            stmt(Sid="d", Effect="Deny", Principal="*", Action=None, NotAction="lambda:GetPolicy"),
        ],
        [],
    ),
    (
        "allow-not-action-vs-partial-deny",
        [
            stmt(Sid="a", Principal="*", Action=None, NotAction="lambda:DeleteFunction"),
            stmt(Sid="d", Effect="Deny", Principal="*", Action="lambda:InvokeFunction"),
        ],
        ["a"],
    ),
    (
        "allow-not-action-vs-deny-all",
        [
            stmt(Sid="a", Principal="*", Action=None, NotAction="lambda:DeleteFunction"),
            stmt(Sid="d", Effect="Deny", Principal="*", Action="*"),
        ],
        [],
    ),
    (
        "deny-without-resource",
        [stmt(Sid="a", Principal="*"), stmt(Sid="d", Effect="Deny", Principal="*", Resource=None)],
        [],
    ),
    (
        "two-public-one-denied",
        [
            stmt(Sid="a", Principal="*"),
            stmt(Sid="b", Principal="*", Action="lambda:GetFunction"),
            stmt(Sid="d", Effect="Deny", Principal="*", Action="lambda:GetFunction"),
        ],
        ["a"],
    ),
]


@pytest.mark.parametrize(("statements", "sids"), [c[1:] for c in PUBLIC], ids=[c[0] for c in PUBLIC])
def test_public_statements(statements: list[dict[str, Any]], sids: list[str]) -> None:
    assert [s.ref for s in public_statements(parse_policy(doc(*statements)))] == sids


def test_public_statements_from_url_encoded_string_policy() -> None:
    text = quote(json.dumps({"Statement": stmt(Sid="a", Principal={"AWS": "*"})}))
    assert [s.ref for s in public_statements(parse_policy(text))] == ["a"]


# ----------------------------------------------------------------------- service and URL predicates

SERVICE = [
    ("no-condition", stmt(Sid="a", Principal={"Service": "s3.amazonaws.com"}), ["a"]),
    (
        "s3-bucket-arn-only",
        stmt(
            Sid="a",
            Principal={"Service": "s3.amazonaws.com"},
            Condition={"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"}},
        ),
        ["a"],
    ),
    (
        "s3-bucket-arn-and-account",
        stmt(
            Sid="a",
            Principal={"Service": "s3.amazonaws.com"},
            Condition={
                "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"},
                "StringEquals": {"aws:SourceAccount": ACCT},
            },
        ),
        [],
    ),
    (
        "sns-topic-arn",
        stmt(
            Sid="a",
            Principal={"Service": "sns.amazonaws.com"},
            Condition={"ArnLike": {"AWS:SourceArn": "arn:aws:sns:eu-west-1:111122223333:alerts"}},
        ),
        [],
    ),
    (
        "sns-topic-any-account",
        stmt(
            Sid="a",
            Principal={"Service": "sns.amazonaws.com"},
            Condition={"ArnLike": {"AWS:SourceArn": "arn:aws:sns:eu-west-1:*:alerts"}},
        ),
        ["a"],
    ),
    (
        "events-account-wildcard",
        stmt(
            Sid="a",
            Principal={"Service": "events.amazonaws.com"},
            Condition={"StringLike": {"aws:SourceAccount": "*"}},
        ),
        ["a"],
    ),
    (
        "alexa-skill-token",
        stmt(
            Sid="a",
            Principal={"Service": "alexa-appkit.amazonaws.com"},
            Condition={"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1234"}},
        ),
        [],
    ),
    (
        "alexa-smart-home-token",
        stmt(
            Sid="a",
            Principal={"Service": "alexa-connectedhome.amazonaws.com"},
            Condition={"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1234"}},
        ),
        [],
    ),
    ("alexa-no-token", stmt(Sid="a", Principal={"Service": "alexa-appkit.amazonaws.com"}), ["a"]),
    (
        "alexa-wildcard-token",
        stmt(
            Sid="a",
            Principal={"Service": "alexa-appkit.amazonaws.com"},
            Condition={"StringLike": {"lambda:EventSourceToken": "amzn1.ask.skill.*"}},
        ),
        ["a"],
    ),
    (
        "token-does-not-pin-other-services",
        stmt(
            Sid="a",
            Principal={"Service": "sns.amazonaws.com"},
            Condition={"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1234"}},
        ),
        ["a"],
    ),
    (
        "two-services-one-pinned",
        stmt(
            Sid="a",
            Principal={"Service": ["alexa-appkit.amazonaws.com", "sns.amazonaws.com"]},
            Condition={"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1234"}},
        ),
        ["a"],
    ),
    (
        "source-account",
        stmt(
            Sid="a",
            Principal={"Service": "sns.amazonaws.com"},
            Condition={"StringEquals": {"aws:SourceAccount": ACCT}},
        ),
        [],
    ),
    (
        "org-id-is-not-enough",
        stmt(
            Sid="a",
            Principal={"Service": "events.amazonaws.com"},
            Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}},
        ),
        ["a"],
    ),
    (
        "if-exists",
        stmt(
            Sid="a",
            Principal={"Service": "s3.amazonaws.com"},
            Condition={"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::b"}},
        ),
        ["a"],
    ),
    (
        "wildcard-arn",
        stmt(
            Sid="a",
            Principal={"Service": "s3.amazonaws.com"},
            Condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
        ),
        ["a"],
    ),
    ("account-principal", stmt(Sid="a", Principal={"AWS": ACCT}), []),
    ("deny", stmt(Sid="a", Effect="Deny", Principal={"Service": "s3.amazonaws.com"}), []),
]


@pytest.mark.parametrize(("statement", "sids"), [c[1:] for c in SERVICE], ids=[c[0] for c in SERVICE])
def test_unrestricted_service_statements(statement: dict[str, Any], sids: list[str]) -> None:
    assert [s.ref for s in unrestricted_service_statements(parse_policy(doc(statement)))] == sids


S3_PUBLIC = [
    # (id, statement, Sids that AWS's managed rule counts as public S3 access)
    ("s3-no-condition", stmt(Sid="a", Principal={"Service": "s3.amazonaws.com"}), ["a"]),
    (
        "s3-bucket-only",
        stmt(
            Sid="a",
            Principal={"Service": "s3.amazonaws.com"},
            Condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}},
        ),
        ["a"],
    ),
    (
        "s3-account",
        stmt(
            Sid="a", Principal={"Service": "s3.amazonaws.com"}, Condition={"StringEquals": {"aws:SourceAccount": ACCT}}
        ),
        [],
    ),
    (
        "s3-account-wildcard",
        stmt(Sid="a", Principal={"Service": "s3.amazonaws.com"}, Condition={"StringLike": {"aws:SourceAccount": "*"}}),
        ["a"],
    ),
    (
        "s3-account-if-exists",
        stmt(
            Sid="a",
            Principal={"Service": "s3.amazonaws.com"},
            Condition={"StringEqualsIfExists": {"aws:SourceAccount": ACCT}},
        ),
        ["a"],
    ),
    ("sns-is-not-s3", stmt(Sid="a", Principal={"Service": "sns.amazonaws.com"}), []),
    ("s3-deny", stmt(Sid="a", Effect="Deny", Principal={"Service": "s3.amazonaws.com"}), []),
]


@pytest.mark.parametrize(("statement", "sids"), [c[1:] for c in S3_PUBLIC], ids=[c[0] for c in S3_PUBLIC])
def test_s3_unpinned_statements(statement: dict[str, Any], sids: list[str]) -> None:
    assert [s.ref for s in s3_unpinned_statements(parse_policy(doc(statement)))] == sids


@pytest.mark.parametrize(
    ("service", "keys"),
    [
        ("alexa-appkit.amazonaws.com", ("lambda:EventSourceToken",)),
        ("alexa-connectedhome.amazonaws.com", ("lambda:EventSourceToken",)),
        ("s3.amazonaws.com", ("aws:SourceAccount",)),
        ("sns.amazonaws.com", ("aws:SourceArn", "aws:SourceAccount")),
    ],
)
def test_service_pin_keys_advise_what_the_service_sends(service: str, keys: tuple[str, ...]) -> None:
    assert service_pin_keys(service) == keys


URL = [
    (
        "auth-none",
        stmt(
            Sid="u",
            Principal="*",
            Action="lambda:InvokeFunctionUrl",
            Condition={"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
        ),
        ["u"],
    ),
    (
        "auth-none-lower-key",
        stmt(
            Sid="u",
            Principal="*",
            Action="lambda:invokefunctionurl",
            Condition={"stringequals": {"LAMBDA:FUNCTIONURLAUTHTYPE": "NONE"}},
        ),
        ["u"],
    ),
    (
        "auth-iam",
        stmt(
            Sid="u",
            Principal="*",
            Action="lambda:InvokeFunctionUrl",
            Condition={"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}},
        ),
        [],
    ),
    (
        "lambda-star",
        stmt(
            Sid="u",
            Principal="*",
            Action="lambda:*",
            Condition={"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
        ),
        ["u"],
    ),
    ("no-condition", stmt(Sid="u", Principal="*", Action="lambda:InvokeFunctionUrl"), []),
    (
        "other-action",
        stmt(Sid="u", Principal="*", Condition={"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}),
        [],
    ),
]


@pytest.mark.parametrize(("statement", "sids"), [c[1:] for c in URL], ids=[c[0] for c in URL])
def test_url_auth_none_statements(statement: dict[str, Any], sids: list[str]) -> None:
    assert [s.ref for s in url_auth_none_statements(parse_policy(doc(statement)))] == sids
