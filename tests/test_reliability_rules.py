"""Every rule in the catalog, fed malformed CIs in both formats, never raises and answers validly.

For each rule (as rules land, the catalog grows and so does this test): hypothesis builds damaged
CIs (see ``reliability_support``) in the invoking-event, API and broken-API formats, plus a damaged
Config inventory of the rule's related types, and calls the rule exactly as rdklib and the engine
do (``evaluate_change`` / ``evaluate_periodic`` with parameters from its own ``evaluate_parameters``).
Rules that call AWS get a reader over a moto server seeded with a few functions, a role and a log
group, so their calls meet real answers and real NotFound errors; never real AWS.

Properties: no exception escapes; the result is a list of rdklib Evaluations with a valid
compliance type, a 1..256-character annotation and a resource id of at most 768 characters (and,
for a CI whose identity fields are intact, rdklib accepts each evaluation as it would before
PutEvaluations).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
import reliability_support as rs
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

from lambda_compliance import catalog
from lambda_compliance.ci import ConfigItem
from lambda_compliance.testing import lambda_ci

moto_reader_clients = rs.moto_reader_clients
seeded_moto = rs.seeded_moto

_FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _bad_function_name(ci) -> bool:
    name = ConfigItem.of(ci).get("functionName")
    return isinstance(name, str) and not _FUNCTION_NAME.fullmatch(name)


# Known crashes: rule -> (what triggers it, the minimal CI). Each minimal CI is pinned below as a
# strict xfail (it turns into a failure the day the rule is fixed, so the entry gets removed), and
# the property test steers around that one trigger so it keeps checking everything else.
NAMELESS = "configuration.functionName is an empty or invalid name"
KNOWN_CRASHES: dict[str, tuple[str, Callable[[Any], bool], dict[str, Any]]] = {
    # function_ci.function_name() accepts "" (ci.require only rejects None) and any string, and the rule
    # passes it to the Lambda API: ParamValidationError for "", ValidationException (moto: 404) otherwise.
    "LAMBDA_FAILURE_DESTINATION_CONFIGURED": (NAMELESS, _bad_function_name, lambda_ci("orders-api", functionName="")),
    "LAMBDA_CODE_SIGNING_ENFORCED": (NAMELESS, _bad_function_name, lambda_ci("orders-api", functionName="")),
}


def _run(rule_class, clients, ci, related, *, periodic):
    rule = rule_class()
    params = rule.evaluate_parameters(rs.default_parameters(rule_class))
    factory = rs.reader_over(clients, related if periodic else [ci, *related])
    event = rs.event_for(rule_class, rs.default_parameters(rule_class), periodic=periodic)
    if periodic:
        return rule.evaluate_periodic(event, factory, params)
    return rule.evaluate_change(event, factory, ci, params)


@pytest.mark.parametrize("name", rs.rule_names())
def test_rule_never_raises_on_malformed_cis(name, moto_reader_clients):
    rule_class = catalog.load_rule(name)
    spec = rule_class.spec
    clients = moto_reader_clients
    related = tuple(t for t in spec.inventory_types if t not in spec.resource_types) or spec.resource_types
    periodic = spec.periodic

    if periodic:
        cases = st.tuples(st.none(), rs.inventory(spec.inventory_types), st.booleans())
    else:
        cases = st.tuples(
            rs.SOMETIMES.flatmap(lambda arbitrary: rs.malformed_ci(spec.resource_types, arbitrary=arbitrary)),
            rs.inventory(related),
            st.booleans(),
        )

    steer = KNOWN_CRASHES[name][1] if name in KNOWN_CRASHES else None

    @settings(rs.PROFILE)
    @given(case=cases)
    def check(case):
        ci, related_items, _ = case
        assume(steer is None or not steer(ci))
        note(f"CI: {str(ci)[:2000]}")
        note(f"inventory: {str(related_items)[:2000]}")
        evaluations = _run(rule_class, clients, ci, related_items, periodic=periodic)
        assert rs.problems(evaluations, periodic=periodic, ci=ci) == []

    # clients come from the reader's factory (moto); any other client would go to moto as well, never AWS
    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": clients.endpoint_url}):
        check()


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=f"{name} crashes when {trigger}", strict=True))
        for name, (trigger, _, _) in KNOWN_CRASHES.items()
    ],
)
@pytest.mark.parametrize("fmt", ["snapshot", "api"])
def test_known_crash_minimal_ci(name, fmt, moto_reader_clients):
    rule_class = catalog.load_rule(name)
    ci = KNOWN_CRASHES[name][2]
    ci = rs.snapshot_format(ci) if fmt == "snapshot" else rs.api_format(ci)
    evaluations = _run(rule_class, moto_reader_clients, ci, [], periodic=False)
    assert rs.problems(evaluations, periodic=False, ci=ci) == []
