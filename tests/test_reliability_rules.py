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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
import reliability_support as rs
from hypothesis import given, note, settings
from hypothesis import strategies as st

from lambda_compliance import catalog
from lambda_compliance.runtime import identifiers
from lambda_compliance.runtime.ci import ConfigItem
from lambda_compliance.testing import lambda_ci, roles

moto_reader_clients = rs.moto_reader_clients
seeded_moto = rs.seeded_moto


def _bad_function_name(ci) -> bool:
    name = ConfigItem.of(ci).get("functionName")
    return isinstance(name, str) and not identifiers.valid(identifiers.FUNCTION_NAME, name)


def _policy_not_an_object(inventory) -> bool:
    return any(
        isinstance(item, dict)
        and ConfigItem.of(item).resource_type == "AWS::IAM::Policy"
        and not isinstance(ConfigItem.of(item).configuration, dict)
        for item in inventory
    )


@dataclass(frozen=True)
class KnownCrash:
    trigger: str  # what in the input makes the rule raise
    steer: Callable[[Any, list[Any]], bool]  # (CI, inventory) -> True when the input has that trigger
    ci: dict[str, Any]  # the minimal failing CI
    inventory: tuple[dict[str, Any], ...] = ()


NAMELESS = KnownCrash(
    "configuration.functionName is an empty or invalid function name",
    lambda ci, inventory: _bad_function_name(ci),
    lambda_ci("orders-api", functionName=""),
)
_ROLE = "arn:aws:iam::123456789012:role/orders-api-role"
POLICY_ENUM = KnownCrash(
    "an attached customer managed policy's AWS::IAM::Policy CI has configuration {'value': null}",
    lambda ci, inventory: _policy_not_an_object(inventory),
    lambda_ci("orders-api", role=_ROLE),
    (
        roles.role_ci("orders-api-role", managed=(roles.policy_arn("shared"),)),
        {**roles.policy_ci("shared", rs.POLICY), "configuration": {"value": None}},
    ),
)
LONE_SURROGATE_SUBNET = KnownCrash(
    "configuration.vpcConfig.subnetIds holds a string with a lone surrogate",
    lambda ci, inventory: False,
    lambda_ci("orders-api", vpcConfig={"subnetIds": ["\ud800subnet-0a1b2c3d"], "securityGroupIds": ["sg-0123abcd"]}),
)
# Crashes this property test found, by rule, now fixed: each minimal case stays as a regression test.
FIXED_CRASHES: dict[str, list[KnownCrash]] = {
    # the rule sent the id to ec2:DescribeSubnets and botocore raised UnicodeEncodeError building the query;
    # the reader now checks every identifier against AWS's pattern before a request (identifiers.py).
    "LAMBDA_VPC_MULTI_AZ": [LONE_SURROGATE_SUBNET],
    # function_ci.function_name() accepted "" and any other string and the rule passed it to the Lambda API;
    # it now rejects an invalid name as a malformed CI.
    "LAMBDA_FAILURE_DESTINATION_CONFIGURED": [NAMELESS],
    "LAMBDA_CODE_SIGNING_ENFORCED": [NAMELESS],
    # ci.normalise_ci unwrapped a configuration of {"value": null} to None; it now keeps an object.
    "LAMBDA_ROLE_NO_ADMIN_ACCESS": [POLICY_ENUM],
    "LAMBDA_ROLE_NO_PRIVILEGE_ESCALATION": [POLICY_ENUM],
    "LAMBDA_ROLE_NO_WILDCARD_RESOURCES": [POLICY_ENUM],
}


_run = rs.run_rule


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

    @settings(rs.PROFILE)
    @given(case=cases)
    def check(case):
        ci, related_items, _ = case
        note(f"CI: {str(ci)[:2000]}")
        note(f"inventory: {str(related_items)[:2000]}")
        evaluations = _run(rule_class, clients, ci, related_items, periodic=periodic)
        assert rs.problems(evaluations, periodic=periodic, ci=ci) == []

    # clients come from the reader's factory (moto); any other client would go to moto as well, never AWS
    with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": clients.endpoint_url}):
        check()


@pytest.mark.parametrize(
    ("name", "index"),
    [
        pytest.param(name, index, id=f"{name}-{index}")
        for name, crashes in FIXED_CRASHES.items()
        for index, crash in enumerate(crashes)
    ],
)
@pytest.mark.parametrize("fmt", ["snapshot", "api"])
def test_former_crash_minimal_ci(name, index, fmt, moto_reader_clients):
    rule_class = catalog.load_rule(name)
    crash = FIXED_CRASHES[name][index]
    render = rs.snapshot_format if fmt == "snapshot" else rs.api_format
    ci, inventory = render(crash.ci), [render(item) for item in crash.inventory]
    evaluations = _run(rule_class, moto_reader_clients, ci, inventory, periodic=False)
    assert rs.problems(evaluations, periodic=False, ci=ci) == []


@pytest.mark.parametrize("fmt", ["snapshot", "api"])
def test_lone_surrogate_subnet_is_a_malformed_ci_not_an_encoding_error(fmt, moto_reader_clients):
    render = rs.snapshot_format if fmt == "snapshot" else rs.api_format
    ci = render(LONE_SURROGATE_SUBNET.ci)
    rule_class = catalog.load_rule("LAMBDA_VPC_MULTI_AZ")
    [evaluation] = _run(rule_class, moto_reader_clients, ci, [], periodic=False)
    assert evaluation.complianceType == "NON_COMPLIANT"
    # the field is named; the value is not echoed (it is not printable ASCII)
    assert evaluation.annotation == "cannot evaluate: configuration.vpcConfig.subnetIds is not a valid subnet id"


@settings(rs.PROFILE, max_examples=40)
@given(data=st.data(), text=st.sampled_from(["\ud800subnet-0a1b2c3d", "a\udfffb", "ok"]))
def test_corrupting_text_with_a_lone_surrogate_never_fails_the_generator(data, text):
    # make fuzz found it: _corrupt's percent-encoding raised UnicodeEncodeError on a lone surrogate
    assert isinstance(rs._corrupt(text, data.draw), str)
