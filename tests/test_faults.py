"""Faults on the wire: throttling changes nothing but the request count; a dead service fails only its rules.

Faults are injected with a botocore ``before-send`` handler registered on the scan's boto3 Session
(``reliability_support.FaultInjector``), so the real scan, its clients, its retry configuration and
botocore's own retry logic run unchanged against a moto server holding the demo estate.
"""

from __future__ import annotations

import pytest
import reliability_support as rs

from lambda_compliance import catalog, scan

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
