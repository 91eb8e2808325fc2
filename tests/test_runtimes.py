"""The Lambda runtime table: the data file, the lookup, and the dated judgement with an injected clock."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from typing import Any

import pytest

from lambda_compliance.domain.functions.runtimes import (
    RuntimeAssessment,
    RuntimeInfo,
    all_runtimes,
    assess_runtime,
    lookup,
    table_source,
)

TODAY = date(2026, 11, 29)
DATE_FIELDS = ("deprecation", "block_create", "block_update")
KNOWN_OS = {"Amazon Linux", "Amazon Linux 2", "Amazon Linux 2023"}


def _document() -> dict[str, Any]:
    # Read through importlib.resources, as the loader does, so a JSON left out of the package fails here.
    text = resources.files("lambda_compliance.domain.functions").joinpath("runtimes.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _document()["runtimes"]
    return rows


def _dates(row: dict[str, Any]) -> dict[str, date | None]:
    return {field: date.fromisoformat(row[field]) if row[field] else None for field in DATE_FIELDS}


def _info(deprecation: date | None, block_create: date | None = None, block_update: date | None = None):
    return RuntimeInfo("python3.8", "Python 3.8", "Amazon Linux 2", deprecation, block_create, block_update)


# --- the data file -----------------------------------------------------------------------------------------


def test_document_names_its_source_and_retrieval_date():
    document = _document()
    assert document["source"] == "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
    assert date.fromisoformat(document["retrieved"]) <= TODAY
    assert table_source() == (document["source"], date.fromisoformat(document["retrieved"]))


def test_every_row_has_the_required_fields():
    required = {"identifier", "name", "os", *DATE_FIELDS}
    for row in _rows():
        assert required <= row.keys(), row.get("identifier")
        assert set(row) <= required | {"note"}, row["identifier"]
        assert row["identifier"] and row["identifier"] == row["identifier"].strip().lower()
        assert row["name"]
        assert row["os"] is None or row["os"] in KNOWN_OS, row["identifier"]


def test_identifiers_are_unique():
    identifiers = [row["identifier"] for row in _rows()]
    assert len(identifiers) == len(set(identifiers))


def test_dates_parse():
    for row in _rows():
        for field in DATE_FIELDS:
            assert row[field] is None or isinstance(row[field], str), (row["identifier"], field)
        _dates(row)  # raises on a malformed date


def test_block_create_not_after_block_update():
    for row in _rows():
        dates = _dates(row)
        if dates["block_create"] and dates["block_update"]:
            assert dates["block_create"] <= dates["block_update"], row["identifier"]


def test_deprecation_not_after_block_dates():
    for row in _rows():
        dates = _dates(row)
        for field in ("block_create", "block_update"):
            if dates["deprecation"] and dates[field]:
                assert dates["deprecation"] <= dates[field], (row["identifier"], field)


def test_missing_dates_are_explained_in_a_note():
    # The table records what AWS published; a gap must say why rather than look like an oversight.
    for row in _rows():
        if any(row[field] is None for field in DATE_FIELDS) or row["os"] is None:
            assert row.get("note"), row["identifier"]


def test_table_covers_every_language_family():
    identifiers = {row["identifier"] for row in _rows()}
    expected = {
        "nodejs", "nodejs24.x", "python2.7", "python3.14", "java8", "java8.al2", "java11", "java17",
        "java21", "java25", "dotnetcore1.0", "dotnet10", "go1.x", "ruby2.5", "ruby3.4", "provided",
        "provided.al2", "provided.al2023",
    }  # fmt: skip
    assert expected <= identifiers


@pytest.mark.parametrize(
    ("identifier", "os", "deprecation", "block_create", "block_update"),
    [
        ("python3.12", "Amazon Linux 2023", "2028-10-31", "2028-11-30", "2029-01-10"),
        ("nodejs22.x", "Amazon Linux 2023", "2027-04-30", "2027-06-01", "2027-07-01"),
        ("java17", "Amazon Linux 2", "2027-06-30", "2027-07-31", "2027-08-31"),
        ("dotnet10", "Amazon Linux 2023", "2028-11-14", "2028-12-14", "2029-01-15"),
        ("provided.al2023", "Amazon Linux 2023", "2029-06-30", "2029-07-31", "2029-08-31"),
    ],
)
def test_rows_transcribed_from_the_aws_page(identifier, os, deprecation, block_create, block_update):
    # Spot checks against the AWS tables, so a slip while editing the JSON is caught.
    info = lookup(identifier)
    assert info is not None
    assert info.os == os
    assert info.deprecation == date.fromisoformat(deprecation)
    assert info.block_create == date.fromisoformat(block_create)
    assert info.block_update == date.fromisoformat(block_update)


# --- loader and lookup -------------------------------------------------------------------------------------


def test_all_runtimes_matches_the_file_in_order():
    assert [info.identifier for info in all_runtimes()] == [row["identifier"] for row in _rows()]


def test_table_is_loaded_once():
    assert all_runtimes()[0] is all_runtimes()[0]
    assert lookup("python3.13") is lookup("python3.13")


def test_lookup_parses_dates_and_os():
    info = lookup("python3.13")
    assert info == RuntimeInfo(
        identifier="python3.13",
        name="Python 3.13",
        os="Amazon Linux 2023",
        deprecation=date(2029, 6, 30),
        block_create=date(2029, 7, 31),
        block_update=date(2029, 8, 31),
    )


def test_lookup_tolerates_case_and_whitespace():
    assert lookup(" Python3.13\n") is lookup("python3.13")


@pytest.mark.parametrize("runtime", ["", "cobol85", "python3.99", "nodejs24"])
def test_lookup_unknown_is_none(runtime):
    assert lookup(runtime) is None


# --- assessment with an injected today --------------------------------------------------------------------


def test_supported_before_the_warning_window():
    assessment = assess_runtime("python3.12", date(2028, 8, 1))  # 91 days before 2028-10-31
    assert assessment.state == "supported"
    assert assessment.days_until_deprecation == 91
    assert assessment.info is lookup("python3.12")


def test_deprecation_soon_at_the_edge_of_the_warning_window():
    assessment = assess_runtime("python3.12", date(2028, 8, 2))  # exactly 90 days before
    assert assessment.state == "deprecation_soon"
    assert assessment.days_until_deprecation == 90


def test_deprecation_soon_the_day_before():
    assessment = assess_runtime("python3.12", date(2028, 10, 30))
    assert assessment.state == "deprecation_soon"
    assert assessment.days_until_deprecation == 1


def test_deprecated_on_the_deprecation_day():
    assessment = assess_runtime("python3.12", date(2028, 10, 31))
    assert assessment.state == "deprecated"
    assert assessment.days_until_deprecation == 0


def test_deprecated_after_the_date_counts_negative_days():
    assessment = assess_runtime("python3.12", date(2028, 11, 10))
    assert assessment.state == "deprecated"
    assert assessment.days_until_deprecation == -10


def test_warning_days_is_configurable():
    assert assess_runtime("python3.12", date(2028, 8, 2), warning_days=30).state == "supported"
    assert assess_runtime("python3.12", date(2028, 10, 2), warning_days=30).state == "deprecation_soon"
    assert assess_runtime("python3.12", date(2028, 10, 30), warning_days=0).state == "supported"


def test_negative_warning_days_is_rejected():
    with pytest.raises(ValueError, match="warning_days"):
        assess_runtime("python3.12", TODAY, warning_days=-1)


def test_os_only_runtimes_are_judged_by_their_own_dates():
    assert assess_runtime("provided.al2", TODAY).state == "deprecated"
    assert assess_runtime("provided.al2023", TODAY).state == "supported"
    assert assess_runtime("provided", TODAY).state == "deprecated"


def test_state_on_the_project_date():
    # 2026-11-29: Python 3.10 and .NET 8 have just passed their dates; Node.js 22 is 152 days out.
    assert assess_runtime("python3.10", TODAY).state == "deprecated"
    assert assess_runtime("dotnet8", TODAY).state == "deprecated"
    assert assess_runtime("nodejs22.x", TODAY).state == "supported"
    assert assess_runtime("nodejs22.x", TODAY, warning_days=180).state == "deprecation_soon"


def test_runtime_without_a_deprecation_date_is_supported():
    undated = [info for info in all_runtimes() if info.deprecation is None]
    if not undated:
        pytest.skip("every runtime in the table has a deprecation date")
    assessment = assess_runtime(undated[0].identifier, TODAY)
    assert assessment.state == "supported"
    assert assessment.days_until_deprecation is None


def test_unknown_runtime():
    assessment = assess_runtime("cobol85", TODAY)
    assert assessment == RuntimeAssessment(runtime="cobol85", state="unknown", info=None, days_until_deprecation=None)


def test_assessment_reports_the_canonical_identifier():
    assert assess_runtime(" Python3.12 ", TODAY).runtime == "python3.12"


def test_every_runtime_can_be_assessed_at_any_date():
    for info in all_runtimes():
        for today in (date(2015, 1, 1), TODAY, date(2035, 1, 1)):
            assessment = assess_runtime(info.identifier, today)
            assert assessment.state in {"supported", "deprecation_soon", "deprecated"}
            assert assessment.runtime == info.identifier


# --- describe() --------------------------------------------------------------------------------------------


def test_describe_deprecated_with_blocks_in_force():
    assessment = RuntimeAssessment(
        "python3.8", "deprecated", _info(date(2024, 10, 14), date(2025, 2, 28), date(2025, 3, 31)), -411
    )
    assert assessment.describe() == (
        "python3.8 was deprecated on 2024-10-14; creates blocked since 2025-02-28, updates blocked since 2025-03-31"
    )


def test_describe_deprecated_with_blocks_ahead():
    # today = 2024-10-20: the create block is ahead, so it reads "from"; on its day it reads "since".
    info = _info(date(2024, 10, 14), date(2024, 10, 20), date(2025, 3, 31))
    assert RuntimeAssessment("python3.8", "deprecated", info, -6).describe() == (
        "python3.8 was deprecated on 2024-10-14; creates blocked since 2024-10-20, updates blocked from 2025-03-31"
    )
    assert RuntimeAssessment("python3.8", "deprecated", info, -5).describe() == (
        "python3.8 was deprecated on 2024-10-14; creates blocked from 2024-10-20, updates blocked from 2025-03-31"
    )


def test_describe_deprecated_without_published_blocks():
    assessment = RuntimeAssessment("python3.8", "deprecated", _info(date(2024, 10, 14)), -30)
    assert assessment.describe() == "python3.8 was deprecated on 2024-10-14"


def test_describe_deprecated_with_only_one_block_date():
    info = _info(date(2024, 10, 14), date(2024, 11, 1))
    assessment = RuntimeAssessment("python3.8", "deprecated", info, -30)
    assert assessment.describe() == "python3.8 was deprecated on 2024-10-14; creates blocked since 2024-11-01"


def test_describe_deprecation_soon():
    assessment = RuntimeAssessment("python3.8", "deprecation_soon", _info(date(2024, 10, 14)), 45)
    assert assessment.describe() == "python3.8 is deprecated on 2024-10-14 (in 45 days)"
    assessment = RuntimeAssessment("python3.8", "deprecation_soon", _info(date(2024, 10, 14)), 1)
    assert assessment.describe() == "python3.8 is deprecated on 2024-10-14 (in 1 day)"


def test_describe_supported():
    assessment = RuntimeAssessment("python3.8", "supported", _info(date(2024, 10, 14)), 400)
    assert assessment.describe() == "python3.8 is supported until 2024-10-14 (400 days left)"


def test_describe_supported_without_a_date():
    assessment = RuntimeAssessment("python3.8", "supported", _info(None), None)
    assert assessment.describe() == "python3.8 is supported; AWS has not scheduled its deprecation"


def test_describe_unknown():
    assert assess_runtime("cobol85", TODAY).describe() == (
        "cobol85 is not a Lambda runtime identifier in the runtime table"
    )
    blank = assess_runtime("  ", TODAY)
    assert blank.describe() == "'' is not a Lambda runtime identifier in the runtime table"


def test_describe_from_the_table():
    assert assess_runtime("python3.10", TODAY).describe() == (
        "python3.10 was deprecated on 2026-10-31; creates blocked from 2026-11-30, updates blocked from 2027-01-15"
    )
    assert assess_runtime("nodejs22.x", date(2027, 3, 16)).describe() == (
        "nodejs22.x is deprecated on 2027-04-30 (in 45 days)"
    )


def test_describe_clips_long_unknown_identifiers():
    text = assess_runtime("x" * 500, TODAY).describe()
    assert len(text) < 200
    assert "x" * 61 + "..." in text


def test_describe_is_short_for_every_runtime_and_date():
    start = date(2016, 1, 1)
    for info in all_runtimes():
        for offset in range(0, 365 * 16, 97):
            text = assess_runtime(info.identifier, start + timedelta(days=offset)).describe()
            assert 0 < len(text) < 200, text
