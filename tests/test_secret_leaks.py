"""The credential corpus planted in function environments never leaves the process in any form.

tests/data/secret_corpus.json holds fake credentials of every kind the secret detector knows. They are
planted as environment variables of moto functions; then every report format that exists
(``report.renderers()``, discovered, so formats added later are covered: json, table, html, sarif, csv,
ocsf, asff), to a file and to stdout, the findings Security Hub stores after ``--to-security-hub``,
the CLI's stderr, every log record at DEBUG, the Lambda path's return values and printed output,
and the messages of the exceptions the rule raises on damaged input are searched for each value, its
JSON- and HTML-escaped forms and any 16-character run of it.
"""

from __future__ import annotations

import html
import io
import json
import logging
import os
import re
import sys
from pathlib import Path
from unittest import mock

import boto3
import pytest
from rich.console import Console

from lambda_compliance import catalog, report
from lambda_compliance.demo import Estate
from lambda_compliance.testing import ACCOUNT, CAPTURE_TIME, REGION
from lambda_compliance.testing.moto_server import moto_server_process

CORPUS = json.loads((Path(__file__).parent / "data" / "secret_corpus.json").read_text())
SECRETS = [entry["value"] for entry in CORPUS["secrets"]]
PER_FUNCTION = 6  # Lambda caps a function's environment at 4 KB: spread the corpus over several functions
# botocore logs whole request and response bodies at DEBUG on these loggers (its wire trace): GetFunction
# and GetFunctionConfiguration responses carry the environment. See test_botocore_wire_trace_is_quiet.
WIRE_LOGGERS = ("botocore.parsers", "botocore.endpoint", "botocore.hooks")


def _needles(value: str) -> set[str]:
    forms = {value, json.dumps(value)[1:-1], html.escape(value), value.replace("\n", "\\n")}
    runs = set()
    for form in list(forms):
        for index in range(0, max(0, len(form) - 16) + 1, 8):
            chunk = form[index : index + 16]
            if len(chunk) == 16 and not chunk.isspace():
                runs.add(chunk)
    return forms | runs


NEEDLES = {needle: value for value in SECRETS for needle in _needles(value)}


def leaks(text: str) -> list[str]:
    """Which secrets show up in ``text`` (whole, escaped or as a 16-character run)."""
    return sorted({NEEDLES[n][:12] + "..." for n in NEEDLES if n in text})


def _functions(estate) -> list[str]:
    estate.role("leaky-role")
    names = []
    for index in range(0, len(CORPUS["secrets"]), PER_FUNCTION):
        name = f"leaky-{index // PER_FUNCTION:02d}"
        variables = {e["name"]: e["value"] for e in CORPUS["secrets"][index : index + PER_FUNCTION]}
        variables["LOG_LEVEL"] = "DEBUG"
        estate.function(name, role="leaky-role", Environment={"Variables": variables})
        names.append(name)
    return names


@pytest.fixture(scope="module")
def leaky():
    """The leaky functions in a moto server of their own (other tests never see or reset them)."""
    with moto_server_process() as endpoint:
        estate = Estate(session=boto3.Session(region_name=REGION), endpoint_url=endpoint)
        yield estate, _functions(estate)


def test_no_report_format_stream_or_log_record_carries_a_secret(leaky, run_cli, caplog, tmp_path):
    estate, names = leaky
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "report.json"
    status, _, out, err = run_cli(
        "scan", "--endpoint-url", estate.endpoint_url, "--format", "json", "--output", str(path)
    )
    assert status == 1, err
    outputs = [("json file", path.read_text()), ("stdout and stderr of the json run", out + err)]
    status, _, out, err = run_cli("scan", "--endpoint-url", estate.endpoint_url, "--format", "table", "--no-progress")
    outputs += [("table on stdout", out), ("stderr of the table run", err)]
    status, _, out, err = run_cli(
        "scan", "--endpoint-url", estate.endpoint_url, "--format", "table", "--details", "--to-security-hub"
    )
    outputs += [("table --details on stdout", out), ("stderr of the security hub import", err)]
    hub = boto3.client("securityhub", region_name=REGION, endpoint_url=estate.endpoint_url)
    imported = hub.get_findings()["Findings"]
    assert imported  # the import happened: what Security Hub now stores is searched too
    outputs.append(("findings stored in Security Hub", json.dumps(imported)))
    document = json.loads(path.read_text())
    formats = sorted(report.renderers())
    assert {"json", "table", "ocsf", "asff"} <= set(formats)
    for fmt in formats:  # every format, rendered as the CLI renders it (_emit), from the same scan
        console = Console(file=io.StringIO(), width=160, no_color=True)
        text = report.renderers()[fmt](document, console)
        rendered = text.decode("utf-8", "replace") if isinstance(text, bytes) else (text or "")
        outputs.append((f"{fmt} report", rendered + console.file.getvalue()))
    records = [r for r in caplog.records if not r.name.startswith(WIRE_LOGGERS)]
    outputs.append(("log records", "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in records)))
    assert {where: leaks(text) for where, text in outputs if leaks(text)} == {}

    # and the scan did see them: each leaky function is flagged, by variable name only
    flagged = {
        e["resourceId"]
        for e in document["evaluations"]
        if e["rule"] == "LAMBDA_ENV_NO_PLAINTEXT_SECRETS" and e["compliance"] == "NON_COMPLIANT"
    }
    assert set(names) <= flagged


def test_botocore_wire_trace_is_quiet(leaky, run_cli, caplog, tmp_path):
    estate, _ = leaky
    caplog.set_level(logging.DEBUG)
    run_cli("scan", "--endpoint-url", estate.endpoint_url, "--rules", "LAMBDA_ENV_NO_PLAINTEXT_SECRETS")
    wire = [r for r in caplog.records if r.name.startswith(WIRE_LOGGERS)]
    assert leaks("\n".join(r.getMessage() for r in wire)) == []


def test_lambda_path_returns_prints_and_raises_nothing_secret(leaky, capfd, caplog):
    """Each rule reading environments, through its lambda_handler on each leaky function: results, prints, errors."""
    estate, names = leaky
    caplog.set_level(logging.DEBUG)
    seen = []
    env = {"AWS_ENDPOINT_URL": estate.endpoint_url, "AWS_REGION": REGION}
    with mock.patch.dict(os.environ, env):
        for rule_class in catalog.all_rules():  # the rules allowed to read a function's environment
            if rule_class.spec.periodic or "lambda:GetFunctionConfiguration" not in rule_class.spec.iam_actions:
                continue
            handler = sys.modules[rule_class.__module__].lambda_handler
            for name in names:
                try:
                    seen.append(repr(handler(_change_event(rule_class, name), None)))
                except Exception as exc:  # the message is what a Lambda log would show
                    seen.append(f"{type(exc).__name__}: {exc}")
    captured = capfd.readouterr()
    records = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(WIRE_LOGGERS))
    assert leaks("\n".join([*seen, captured.out, captured.err, records])) == []


def test_exceptions_from_damaged_environments_carry_no_value():
    """The detector fed each secret inside damaged containers: whatever it raises names no value."""
    from lambda_compliance.domain.functions.env_secrets import find_plaintext_secrets

    shapes = [
        lambda v: {"K": v},
        lambda v: {"PASSWORD": [v]},
        lambda v: {"TOKEN": {"nested": v}},
        lambda v: {v: v},
        lambda v: {"SECRET": v.encode()},
        lambda v: {"KEY": v * 300},
        lambda v: {"API_KEY": json.dumps({"password": v})},
        lambda v: {"DB": f"postgres://admin:{v}@db.internal:5432/app"},
        lambda v: {"X": v[: len(v) // 2] + "\ud800" + v[len(v) // 2 :]},
    ]
    messages = []
    for value in SECRETS:
        for shape in shapes:
            try:
                for finding in find_plaintext_secrets(shape(value)):
                    messages.append(f"{finding.name} {finding.kind}" if isinstance(finding.name, str) else finding.kind)
            except Exception as exc:
                messages.append(f"{type(exc).__name__}: {exc}")
    names_as_keys = {value for value in SECRETS}  # ``{v: v}`` names a variable by the value itself
    assert [m for m in messages if leaks(m) and not any(n in m for n in names_as_keys)] == []


def _change_event(rule_class, name: str) -> dict:
    from lambda_compliance.testing import lambda_ci, snapshot_format

    ci = snapshot_format(lambda_ci(name, role=f"arn:aws:iam::{ACCOUNT}:role/leaky-role"))
    return {
        "configRuleName": rule_class.rule_name(),
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/config-role",
        "eventLeftScope": False,
        "invokingEvent": json.dumps(
            {
                "configurationItem": ci,
                "notificationCreationTime": CAPTURE_TIME,
                "messageType": "ConfigurationItemChangeNotification",
                "recordVersion": "1.3",
            }
        ),
        "ruleParameters": json.dumps({"AssumeRoleMode": "false"}),
        "resultToken": "TESTMODE",
        "accountId": ACCOUNT,
    }


def test_needles_find_escaped_and_partial_copies():
    value = next(v for v in SECRETS if "\n" in v)
    assert leaks(json.dumps({"x": value}))
    assert leaks(value[5:40])
    assert not leaks("LAMBDA_ENV_NO_PLAINTEXT_SECRETS plaintext credentials in AWS_SECRET_ACCESS_KEY")
    assert re.search("AKIA", "".join(SECRETS))
