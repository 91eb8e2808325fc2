"""The report document of a large scan is made when read (issue 20): rows that read like the lists they
stand for, and a JSON report streamed to its file with the bytes ``render`` returns."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

from lambda_compliance import report, scanner
from lambda_compliance.config_file import Settings
from lambda_compliance.report import json_format
from lambda_compliance.report.rows import Rows
from lambda_compliance.scanner.request import ScanRequest, SnapshotSource

SNAPSHOTS = Path(__file__).parent / "data" / "snapshots"


def made(keys: list[int]) -> Rows:
    return Rows(keys, lambda k: {"n": k, "square": k * k})


def test_rows_read_like_the_list_they_stand_for() -> None:
    rows, plain = made([3, 1, 2]), [{"n": k, "square": k * k} for k in (3, 1, 2)]
    assert len(rows) == 3 and rows and list(rows) == plain and rows == plain and plain == rows
    assert rows[1] == plain[1] and rows[-1] == plain[-1] and rows[:2] == plain[:2]
    assert list(reversed(rows)) == plain[::-1] and plain[0] in rows and {"n": 9} not in rows
    assert copy.deepcopy(rows) == plain and type(copy.deepcopy(rows)) is list
    assert json.dumps({"x": rows}, indent=2) == json.dumps({"x": plain}, indent=2)
    assert sorted(rows, key=lambda r: r["n"]) == sorted(plain, key=lambda r: r["n"])


def test_empty_rows_and_chains_are_empty_lists() -> None:
    empty = made([])
    assert not empty and empty == [] and len(empty) == 0 and json.dumps(empty, indent=2) == "[]"
    chained = Rows.chain([made([1]), empty, made([2, 3])])
    assert len(chained) == 3 and [r["n"] for r in chained] == [1, 2, 3] and chained[2]["n"] == 3
    assert not Rows.chain([empty, made([])]) and json.dumps(Rows.chain([]), indent=2) == "[]"
    assert made([1]) != made([2]) and made([1]) != [{"n": 1}]


def test_the_streamed_json_report_is_the_rendered_one_byte_for_byte() -> None:
    result = scanner.run(ScanRequest(source=SnapshotSource(str(SNAPSHOTS / "data_account.json")), settings=Settings()))
    document = report.document(result)
    assert isinstance(document["evaluations"], Rows) and document["evaluations"]
    assert isinstance(document["frameworks"][0]["failing"], Rows) and document["frameworks"][0]["failing"]
    handle = io.StringIO()
    json_format.write(document, handle)
    text = json_format.render(document)
    assert handle.getvalue() == text
    # The made-when-read document renders as the same document held in plain lists.
    assert json.loads(text) == json.loads(json.dumps(copy.deepcopy(document)))
