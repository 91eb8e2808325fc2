"""``lambda-compliance scan --snapshot`` on malformed snapshots: no traceback, every evaluable resource reported.

Snapshots mix well-formed CIs of every type the catalog evaluates with damaged ones (hypothesis,
both formats, identity fields damaged too) and items that are not CIs at all. Every item that still
has a resource type and id must come back, for every change-triggered rule of its type, as an
evaluation or as a "skipped" entry (a rule that needs a service API a snapshot cannot call); no rule
may fail with an error on it, and the CLI never prints a traceback.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
from pathlib import Path
from typing import Any

import reliability_support as rs
from hypothesis import given, note, settings
from hypothesis import strategies as st

from lambda_compliance import catalog
from lambda_compliance.cli import main
from lambda_compliance.runtime.ci import ConfigItem


def _types() -> tuple[str, ...]:
    return tuple(sorted({t for rule in rs.loadable_rules() for t in rule.spec.resource_types}))


def _evaluable(item: Any) -> ConfigItem | None:
    if not isinstance(item, dict):
        return None
    ci = ConfigItem.of(item)
    return ci if ci.resource_type and ci.resource_id else None


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def _check(items: list[Any], tmp: Path, *, gzipped: bool) -> None:
    snapshot = tmp / ("snapshot.json.gz" if gzipped else "snapshot.json")
    body = json.dumps({"configurationItems": items}, default=str).encode()
    snapshot.write_bytes(gzip.compress(body) if gzipped else body)
    report = tmp / "report.json"
    status, out, err = _run(["scan", "--snapshot", str(snapshot), "--format", "json", "--output", str(report)])
    assert "Traceback" not in out + err
    assert status in (0, 1), err
    document = json.loads(report.read_text())
    assert [e for e in document["errors"] if e.get("kind", "error") == "error"] == []
    reported = {(e["rule"], e["resourceId"]) for e in document["evaluations"] + document["errors"]}
    change_rules = [r for r in catalog.all_rules() if not r.spec.periodic]
    missing = [
        (rule.rule_name(), ci.resource_id)
        for ci in filter(None, map(_evaluable, items))
        for rule in change_rules
        if ci.resource_type in rule.spec.resource_types and (rule.rule_name(), ci.resource_id) not in reported
    ]
    assert missing == []


def test_well_formed_items_of_every_type_are_all_reported(tmp_path):
    items = [rs.snapshot_format(build()) for t in _types() for build in rs.bases(t)]
    _check([*items, "junk", 5, None, [], {"resourceType": "AWS::Lambda::Function"}], tmp_path, gzipped=False)


@settings(rs.PROFILE, max_examples=min(rs.PROFILE.max_examples, 6))
@given(
    damaged=st.lists(st.sampled_from(_types()).flatmap(lambda t: rs.malformed_ci((t,), arbitrary=True)), max_size=8),
    gzipped=st.booleans(),
)
def test_malformed_snapshot_prints_no_traceback_and_reports_every_evaluable_resource(
    tmp_path_factory, damaged, gzipped
):
    good = [rs.snapshot_format(build()) for t in _types() for build in rs.bases(t)]
    note(f"damaged: {str(damaged)[:3000]}")
    _check([*good, *damaged, "junk", 7], tmp_path_factory.mktemp("snap"), gzipped=gzipped)
