"""Faults on the wire: throttling changes nothing but the request count; a dead service fails only its rules.

Faults are injected with a botocore ``before-send`` handler registered on the scan's boto3 Session
(``reliability_support.FaultInjector``), so the real scan, its clients, its retry configuration and
botocore's own retry logic run unchanged against a moto server holding the demo estate.
"""

from __future__ import annotations

import pytest
import reliability_support as rs

from lambda_compliance import catalog
from lambda_compliance.scanner import scan

seeded_moto = rs.seeded_moto
demo_moto = rs.demo_moto
MAX_ATTEMPTS = 8  # ScanClientFactory's default total_max_attempts


def _scan(estate, session):
    return scan.scan_account(
        list(catalog.all_rules()), session=session, region=rs.REGION, endpoint_url=estate.endpoint_url
    )


@pytest.fixture(scope="module")
def baseline(demo_moto):
    counter = rs.FaultInjector()  # injects nothing: counts every request the clean scan sends
    report = _scan(demo_moto, rs.faulty_session(counter))
    return report, counter


def test_baseline_scan_is_clean(baseline):
    report, counter = baseline
    results, errors = rs.scan_results(report)
    assert errors == []
    assert len(results) > 100
    assert counter.total == report.request_total


def test_thirty_percent_throttling_changes_no_result_and_retries_are_bounded(demo_moto, baseline):
    clean, clean_counter = baseline
    injector = rs.FaultInjector(rate=0.3, seed=20261129, max_in_a_row=3)
    with rs.fast_retry_clock() as backoffs:
        report = _scan(demo_moto, rs.faulty_session(injector))

    assert rs.scan_results(report) == rs.scan_results(clean)
    throttled = sum(injector.throttled.values())
    assert 0.2 <= throttled / injector.total <= 0.4, (throttled, injector.total)
    # Every throttled attempt costs exactly one retry and nothing else: the answered requests are the
    # clean scan's requests, one each (the reader memoises, retries never re-run a rule).
    assert injector.total - throttled == clean_counter.total
    assert injector.attempts - injector.throttled == clean_counter.attempts
    assert injector.longest_streak < MAX_ATTEMPTS
    # botocore backed off once per throttled attempt, each within its 20-second cap
    assert len(backoffs) == throttled
    assert max(backoffs) <= 20


UNAVAILABLE = ("ServiceUnavailableException", "ServiceUnavailable", "Unavailable")


def _by_rule(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row["rule"], []).append(row)
    return grouped


@pytest.mark.parametrize(
    "service",
    [
        "cloudwatch-logs",  # called by rules themselves (log retention and encryption)
        "dynamodb",  # read by the collector: the DynamoDB rules lose their resources
        "iam",  # read by the collector, and the policy CIs depend on the role CIs
    ],
)
def test_a_service_down_fails_only_the_rules_that_need_it(demo_moto, baseline, service):
    clean, clean_counter = baseline
    injector = rs.FaultInjector(down=(service,))
    with rs.fast_retry_clock():
        report = _scan(demo_moto, rs.faulty_session(injector))

    results, errors = rs.scan_results(report)
    clean_results = _by_rule(rs.scan_results(clean)[0])
    failing = _by_rule(errors)
    assert failing, f"no rule reported {service} being down"
    operations = {key.split(".", 1)[1] for key in injector.failed}
    for error in errors:
        message = error["message"]
        assert "\n" not in message and message.endswith(UNAVAILABLE), message
        assert any(f"{op} failed" in message for op in operations), message
    got = _by_rule(results)
    completed = set(clean_results) - set(failing)
    assert completed, "every rule failed"
    for rule in completed:
        assert got.get(rule) == clean_results[rule], rule
    for rule in failing:  # what a failing rule still reports is what it reported with the service up
        assert all(row in clean_results.get(rule, []) for row in got.get(rule, [])), rule
    # Bounded: a request is tried at most MAX_ATTEMPTS times. The reader memoises answers, not errors,
    # so each rule needing a failed request asks once more (another MAX_ATTEMPTS at most).
    for key, attempts in injector.failed.items():
        assert attempts <= MAX_ATTEMPTS * max(1, clean_counter.attempts[key]) * len(failing), key
