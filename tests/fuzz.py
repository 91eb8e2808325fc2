"""`make fuzz`: the randomized campaign behind the reliability property tests, much deeper than `make test`.

Every rule of the catalog, in each of Config's two CI formats (the change notification's snapshot shape,
and the API shape of BatchGetResourceConfig / GetResourceConfigHistory, which an oversized notification
makes rdklib fetch; intact or broken), gets ``--examples`` random damaged CIs (plus a damaged related
inventory) from ``reliability_support``'s strategies, called exactly as rdklib and the engine call it,
against a private moto server. Printed per rule and format: examples run, configuration items generated,
evaluations returned, and any failure with hypothesis's minimal example. Exit status 1 on any failure.

Randomized on purpose (the "fuzz" hypothesis profile: no fixed seed, no example database); a failure
found here becomes a regression case in tests/test_reliability_rules.py (FIXED_CRASHES).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HYPOTHESIS_PROFILE", "fuzz")

import conftest  # noqa: F401  (the test AWS environment and the hypothesis profiles)
import reliability_support as rs
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_compliance import catalog

FORMATS = {"snapshot": ("snapshot",), "api": ("api", "api-broken")}


@dataclass
class Tally:
    rule: str
    fmt: str
    examples: int = 0
    items: int = 0
    evaluations: int = 0
    failure: str | None = None
    minimal: dict[str, Any] = field(default_factory=dict)


def campaign(rule_class: Any, clients: Any, fmt: str, examples: int) -> Tally:
    spec = rule_class.spec
    formats = FORMATS[fmt]
    related = tuple(t for t in spec.inventory_types if t not in spec.resource_types) or spec.resource_types
    periodic = spec.periodic
    tally = Tally(rule_class.rule_name(), fmt)
    if periodic:
        cases = st.tuples(st.none(), rs.inventory(spec.inventory_types, formats))
    else:
        cases = st.tuples(
            rs.SOMETIMES.flatmap(
                lambda arbitrary: rs.malformed_ci(spec.resource_types, arbitrary=arbitrary, formats=formats)
            ),
            rs.inventory(related, formats),
        )

    @settings(max_examples=examples)
    @given(case=cases)
    def check(case: tuple[Any, list[Any]]) -> None:
        ci, related_items = case
        tally.examples += 1
        tally.items += (0 if periodic else 1) + len(related_items)
        try:
            evaluations = rs.run_rule(rule_class, clients, ci, related_items, periodic=periodic)
            found = rs.problems(evaluations, periodic=periodic, ci=ci)
        except Exception as exc:
            # hypothesis replays the shrunk example last: what is recorded at the end is the minimal one
            where = traceback.extract_tb(exc.__traceback__)[-3:]
            tally.minimal = {
                "ci": ci,
                "inventory": related_items,
                "error": f"{type(exc).__name__}: {exc}",
                "raised at": " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(where)),
            }
            raise
        tally.evaluations += len(evaluations) if isinstance(evaluations, list) else 0
        if found:
            tally.minimal = {"ci": ci, "inventory": related_items, "error": "; ".join(found)}
            raise AssertionError(found)

    try:
        check()
    except Exception as exc:
        tally.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=70, help="examples per rule and format")
    parser.add_argument("--rules", default="", help="comma-separated rule names (default: every rule)")
    args = parser.parse_args(argv)
    names = [n for n in args.rules.split(",") if n] or list(rs.rule_names())

    from lambda_compliance.demo import Estate

    started = time.monotonic()
    tallies: list[Tally] = []
    with rs.private_moto_server() as endpoint:
        import boto3

        rs.seed_estate(Estate(session=boto3.Session(region_name=rs.REGION), endpoint_url=endpoint))
        clients = rs.moto_clients(endpoint)
        print(f"{'rule':<44} {'format':<8} {'examples':>8} {'items':>7} {'evaluations':>11}  result", flush=True)
        with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": endpoint}):
            for name in names:
                rule_class = catalog.load_rule(name)
                for fmt in FORMATS:
                    tally = campaign(rule_class, clients, fmt, args.examples)
                    tallies.append(tally)
                    result = "ok" if tally.failure is None else f"FAILED {tally.failure}"
                    print(
                        f"{tally.rule:<44} {tally.fmt:<8} {tally.examples:>8} {tally.items:>7} "
                        f"{tally.evaluations:>11}  {result}",
                        flush=True,
                    )
                    if tally.failure is not None:
                        for key, value in tally.minimal.items():
                            print(f"    minimal {key}: {ascii(value)[:3000]}", flush=True)
    failures = [t for t in tallies if t.failure is not None]
    elapsed = time.monotonic() - started
    print(
        f"total: {len(names)} rules x {len(FORMATS)} formats, {sum(t.examples for t in tallies)} examples, "
        f"{sum(t.items for t in tallies)} configuration items, {sum(t.evaluations for t in tallies)} evaluations, "
        f"{len(failures)} failures, {elapsed:.0f} s"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
