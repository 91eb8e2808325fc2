"""``--format ocsf``: OCSF 1.1.0 Compliance Finding events, validated against the vendored OCSF JSON Schema.

tests/data/ocsf-1.1.0-compliance_finding.schema.json is compiled by tools/ocsf_schema.py from OCSF 1.1.0
as pydantic-ocsf 3.0.0 ships it (ocsf/schemas/v1_1_0.json); objects forbid undefined attributes.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lambda_compliance.catalog import frameworks
from lambda_compliance.report import finding_id, ocsf_format

SCHEMA = json.loads((Path(__file__).parent / "data" / "ocsf-1.1.0-compliance_finding.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A demo scan's JSON document (written by the CLI) and the OCSF events rendered from it."""
    from lambda_compliance.cli import main

    out = tmp_path_factory.mktemp("ocsf")
    assert main(["scan", "--demo", "--no-progress", "--format", "json", "--output", str(out / "d.json")]) == 1
    document = json.loads((out / "d.json").read_text())
    return document, json.loads(ocsf_format.render(copy.deepcopy(document)))


def test_every_event_the_cli_writes_validates_against_ocsf_1_1_0(demo, tmp_path):
    from lambda_compliance.cli import main

    path = tmp_path / "o.json"
    assert main(["scan", "--demo", "--no-progress", "--format", "ocsf", "--output", str(path)]) == 1
    events = json.loads(path.read_text())
    assert len(events) == len(demo[0]["evaluations"])
    errors = [f"{e['finding_info']['uid']}: {err.message}" for e in events for err in VALIDATOR.iter_errors(e)]
    assert errors == []
    assert {(e["class_uid"], e["category_uid"], e["type_uid"], e["metadata"]["version"]) for e in events} == {
        (2003, 2, 200301, "1.1.0")
    }


def test_one_event_per_evaluation_that_round_trips(demo):
    document, events = demo
    assert len(events) == len(document["evaluations"])
    status = {1: "COMPLIANT", 3: "NON_COMPLIANT", 99: "NOT_APPLICABLE"}
    back = [
        {
            "rule": e["compliance"]["control"],
            "resourceType": e["resource"]["type"],
            "resourceId": e["resource"]["uid"],
            "compliance": status[e["compliance"]["status_id"]],
            "annotation": e["finding_info"]["desc"],
            "accountId": e["cloud"]["account"]["uid"],
            "region": e["cloud"]["region"],
        }
        for e in events
    ]
    assert back == document["evaluations"]
    assert [e["finding_info"]["uid"] for e in events] == [finding_id(e) for e in document["evaluations"]]
    assert len({e["finding_info"]["uid"] for e in events}) == len(events)  # stable and unique per evaluation


def test_severity_clauses_and_remediation_come_from_the_rule(demo):
    document, events = demo
    by_rule = {e["compliance"]["control"]: e for e in events}
    for rule, event in by_rule.items():
        meta = document["rules"][rule]
        assert event["severity"].lower() == meta["severity"]
        assert event["severity_id"] == {"low": 2, "medium": 3, "high": 4, "critical": 5}[meta["severity"]]
        expected = [frameworks.framework(k).token(c) for k, ids in meta["clauses"].items() for c in ids]
        # a rule the mappings leave unmapped (frameworks.UNMAPPED_RULES) evidences no clause
        assert event["compliance"]["requirements"] == expected
        assert expected or rule in frameworks.UNMAPPED_RULES
        assert event["compliance"]["standards"] == [frameworks.framework(k).name for k in meta["clauses"]]
        if meta["remediation"]:
            assert event["remediation"]["references"] == [meta["remediation"]["document"]]
        else:
            assert "remediation" not in event
    assert by_rule["LAMBDA_TRACING_ENABLED"]["compliance"]["requirements"] == [
        "SOC2:CC7.2",
        "ISO27001:A.8.16",
        "NIST:SI-4",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(class_uid=2004), "2003 was expected"),
        (lambda e: e["compliance"].pop("standards"), "'standards' is a required property"),
        (lambda e: e["compliance"].update(status_id=7), "is not one of"),
        (lambda e: e["finding_info"].update(titel="x"), "Additional properties are not allowed"),
        (lambda e: e.pop("cloud"), "'cloud' is a required property"),
        (lambda e: e.update(time="2026-12-07T10:00:00Z"), "is not of type 'integer'"),
        (lambda e: e["resource"].update(uid=["arn"]), "is not of type 'string'"),
    ],
)
def test_the_schema_rejects_what_ocsf_does_not_allow(demo, change, message):
    """Hard negatives: the vendored schema is strict enough to catch a wrong class, a missing required
    attribute, an undefined enum value, a misspelled attribute and a wrong type."""
    _, events = demo
    event = copy.deepcopy(events[0])
    assert not list(VALIDATOR.iter_errors(event))
    change(event)
    assert any(message in err.message for err in VALIDATOR.iter_errors(event))


def test_format_is_listed_and_never_carries_the_document_wholesale(demo):
    document, events = demo
    text = ocsf_format.render(document)
    assert json.loads(text) == events
    assert "before_remediation" not in text and "exemptions" not in text
