"""``python -m bench.run``: every measurement of the benchmark in one run; writes results.json and RESULTS.md.

1. Scale (``bench.scale``): for N in (1,000, 5,000, 10,000) functions of one account, the whole
   ``lambda-compliance scan`` (all rules) in a fresh child: wall time, the scanner's CPU per function,
   the moto server's CPU for the same scan (the emulator's floor), peak RSS, requests per function.
   Then an organization: 10 and 20 member accounts of 250 functions each, scanned through assumed roles.
2. Against the naive auditor (``bench.baseline``) at (100, 1,000) functions, the same 12 checks, and
   with 20 ms added to every request (AWS's latency) also at 5,000 (the naive auditor extrapolated:
   it reads one function after another, so its time per function is constant).
3. Cold import of every rule as the Lambda runtime imports its handler from the packaged layer and
   rule zip, against ``import boto3``: fresh interpreters, median of several runs.
4. Warm ``evaluate_change`` latency per change-triggered rule.
5. Periodic rules (Lambda mode: a fresh reader, Config lookups counted as SelectResourceConfig pages,
   rdklib's PutEvaluations and GetComplianceDetailsByConfigRule pages added) at the largest scale sizes,
   and the time at 10,000 functions at 10 requests per second against Lambda's 15 minutes.

Request counts are AWS's: moto answers ListFunctions in one page, AWS in pages of 50, so each
ListFunctions call is counted as the pages AWS would need. ``--quick`` runs every section at small
sizes, to check the harness.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
REGION = "us-east-1"
ACCOUNT = "123456789012"
SIZES = (100, 1000)
SCALE_SIZES = (1000, 5000, 10_000)
ORG = "20x250"
TARGET_N = 10_000
RATE = 10  # requests per second a periodic rule's Lambda is assumed to sustain
LAMBDA_LIMIT = 900
# The checks both auditors make (the naive auditor implements each in a few lines).
COMPARED = (
    "LAMBDA_PUBLIC_ACCESS_PROHIBITED",
    "LAMBDA_URL_AUTH_REQUIRED",
    "LAMBDA_RUNTIME_SUPPORTED",
    "LAMBDA_TRACING_ENABLED",
    "LAMBDA_TIMEOUT_LIMIT",
    "LAMBDA_ENV_ENCRYPTED_WITH_CMK",
    "LAMBDA_ENV_NO_PLAINTEXT_SECRETS",
    "LAMBDA_CONCURRENCY_LIMIT_SET",
    "LAMBDA_INSIDE_VPC",
    "LAMBDA_ROLE_NO_ADMIN_ACCESS",
    "LAMBDA_ROLE_NO_INLINE_POLICIES",
    "LAMBDA_LOG_RETENTION_CONFIGURED",
)
LATENCY_MS = 20.0  # a typical in-region AWS control-plane call; moto answers in a few ms
AWS_PAGE = {"lambda.ListFunctions": ("Functions", 50)}
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}


# child processes -----------------------------------------------------------------------------------


class AwsPages:
    """Counts the extra pages AWS would have needed where moto answers a listing in one page."""

    def __init__(self) -> None:
        self.extra = 0

    def __call__(self, event_name: str = "", parsed: Any = None, **_: Any) -> None:
        key = ".".join(event_name.split(".")[1:3])
        if key in AWS_PAGE and isinstance(parsed, dict) and not parsed.get("NextMarker"):
            items, size = AWS_PAGE[key]
            self.extra += max(0, math.ceil(len(parsed.get(items) or []) / size) - 1)


class Latency:
    """Each request waits ``seconds`` before moto answers it: the network and service time of a real AWS call."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, **_: Any) -> None:
        time.sleep(self.seconds)


def _session(counter: Any, pages: AwsPages) -> Any:
    import boto3

    session = boto3.Session(region_name=REGION)
    session.events.register("before-send", counter)
    session.events.register("after-call", pages)
    latency = float(os.environ.get("BENCH_LATENCY_MS") or 0) / 1000
    if latency:
        session.events.register("before-send", Latency(latency))
    return session


def child_baseline(endpoint: str) -> dict[str, Any]:
    from bench import baseline

    counter, pages = baseline.Counting(), AwsPages()
    session = _session(counter, pages)
    started = time.perf_counter()
    result = baseline.audit(session, endpoint)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "requests": counter.total + pages.extra,
        "by_operation": dict(sorted(counter.by_operation.items())),
        "functions": result["functions"],
        "findings": result["findings"],
    }


def child_periodic(endpoint: str) -> dict[str, Any]:
    """Each periodic rule as its Lambda runs it: a fresh reader, Config lookups counted as pages."""
    from concurrent.futures import ThreadPoolExecutor

    import boto3

    from bench import baseline
    from lambda_compliance import catalog
    from lambda_compliance.runtime import sweep
    from lambda_compliance.runtime.aws_reader import LAMBDA_SWEEP_BUDGET, LocalInventory
    from lambda_compliance.scanner import collectors
    from lambda_compliance.scanner.clients import ScanClientFactory
    from lambda_compliance.scanner.collectors import CollectContext

    periodic = [r for r in catalog.all_rules() if r.spec.periodic]
    types = {t for r in periodic for t in r.spec.inventory_types}
    setup = ScanClientFactory(boto3.Session(region_name=REGION), REGION, endpoint_url=endpoint, account_id=ACCOUNT)
    with ThreadPoolExecutor(16) as pool:
        ctx = CollectContext(setup.reader, ACCOUNT, REGION, "2026-11-29T08:00:00.000Z", pool)
        items = collectors.collect(ctx, types)
    functions = sum(1 for ci in items if ci.resource_type == "AWS::Lambda::Function")

    class CountingInventory(LocalInventory):
        """Config's select_resource_config answers in pages of 100 rows; batch_get_resource_config, one call."""

        pages = 0

        def resources(self, resource_type: str) -> list[Any]:
            found = super().resources(resource_type)
            type(self).pages += max(1, math.ceil(len(found) / 100))
            return found

        def resource(self, resource_type: str, **kwargs: Any) -> Any:
            type(self).pages += 1
            return super().resource(resource_type, **kwargs)

    # A rule that reads per resource takes its turn of at most LAMBDA_SWEEP_BUDGET reads a run (runtime/sweep.py),
    # ordered by the results Config stores. moto has no GetComplianceDetailsByConfigRule: the steady state is
    # counted instead, a page of 100 stored results per function, every one evaluated before (no preference).
    def previous_results(aws: Any, rule_name: str) -> dict[str, Any]:
        CountingInventory.pages += max(1, math.ceil(functions / 100))
        return {}

    sweep.previous_results = previous_results

    out = {}
    for rule in periodic:
        counter, pages = baseline.Counting(), AwsPages()
        session = _session(counter, pages)
        CountingInventory.pages = 0
        factory = ScanClientFactory(
            session, REGION, endpoint_url=endpoint, account_id=ACCOUNT, inventory=CountingInventory(items)
        )
        factory.reader.sweep_budget = LAMBDA_SWEEP_BUDGET  # as in the rule's Lambda (aws_reader.reader_for)
        event = {"accountId": ACCOUNT, "configRuleName": rule.rule_name()}
        started = time.perf_counter()
        try:
            evaluations = list(rule().evaluate_periodic(event, factory, rule().evaluate_parameters({})))
            error = None
        except Exception as exc:  # a rule moto cannot serve: reported, not fatal
            evaluations, error = [], type(exc).__name__
        seconds = time.perf_counter() - started
        config_pages = CountingInventory.pages
        # rdklib afterwards: GetComplianceDetailsByConfigRule (previous results, 100 a page) and
        # PutEvaluations (100 a call), at least one each.
        rdklib_calls = 2 * max(1, math.ceil(len(evaluations) / 100))
        out[rule.rule_name()] = {
            "service_requests": counter.total + pages.extra,
            "config_pages": config_pages,
            "rdklib_requests": rdklib_calls,
            "requests": counter.total + pages.extra + config_pages + rdklib_calls,
            "evaluations": len(evaluations),
            "seconds": seconds,
            "by_operation": dict(sorted(counter.by_operation.items())),
            "error": error,
        }
    return {"functions": functions, "rules": out}


def _child(kind: str, endpoint: str) -> dict[str, Any]:
    from bench import scale

    started = time.perf_counter()
    result = {"baseline": child_baseline, "periodic": child_periodic}[kind](endpoint)
    result["process_seconds"] = time.perf_counter() - started
    result["max_rss_mb"] = scale.peak_rss_mb()
    return result


def run_child(kind: str, endpoint: str, latency_ms: float = 0) -> dict[str, Any]:
    env = {**os.environ, **CREDENTIALS, "PYTHONPATH": str(ROOT), "BENCH_LATENCY_MS": str(latency_ms)}
    env.pop("AWS_PROFILE", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--child", kind, "--endpoint", endpoint],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# cold imports and warm evaluations ---------------------------------------------------------------


def _timed_imports(first: str, then: str) -> tuple[float, float]:
    """Seconds to import ``first`` in a fresh interpreter, then the extra seconds to import ``then``."""
    env = {**os.environ, **CREDENTIALS}
    program = (
        "import sys, time\n"
        f"t0 = time.perf_counter()\n{first}\nt1 = time.perf_counter()\n{then}\nt2 = time.perf_counter()\n"
        "print(t1 - t0, t2 - t1)"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    a, b = done.stdout.strip().splitlines()[-1].split()
    return float(a), float(b)


def _layer_copy() -> Path:
    """The layer and the rule zips exactly as ``lambda-compliance package`` builds them, unzipped as Lambda
    unzips them (the layer under /opt, each rule as its function's code)."""
    import tempfile
    import zipfile

    from lambda_compliance import catalog
    from lambda_compliance.packaging import build

    root = Path(tempfile.mkdtemp(prefix="bench-layer-"))
    built = build.build(root / "dist", catalog.all_rules(), catalog.rules_dir())
    with zipfile.ZipFile(built.layer.path) as layer:
        layer.extractall(root / "opt")
    for name, artifact in built.rule_zips.items():
        with zipfile.ZipFile(artifact.path) as code:
            code.extractall(root / "rules" / name)
    return root


def measure_imports(runs: int) -> dict[str, Any]:
    """Each rule's handler module imported as the Lambda runtime imports it, right after ``import boto3``
    in the same fresh interpreter, so the rule's cost over boto3 is measured paired, immune to load drift.

    Two ways: with this checkout's compiled .pyc, and as ``lambda-compliance package`` ships the layer and
    the rule (nothing written at import: Lambda's /opt and code directories are read-only).
    """
    import shutil

    from lambda_compliance import catalog

    layer = _layer_copy()
    boto3_times: list[float] = []
    rdklib = [_timed_imports("import boto3", "import rdklib") for _ in range(runs)]
    boto3_times += [a for a, _ in rdklib]
    out: dict[str, Any] = {"runs": runs, "rdklib_over_boto3_ms": statistics.median(b for _, b in rdklib) * 1000}
    rules: dict[str, Any] = {}
    try:
        for name in catalog.rule_names():
            cached = f"sys.path.insert(0, {str(catalog.rules_dir() / name)!r})\nimport {name}"
            shipped = (
                "sys.dont_write_bytecode = True\n"
                f"sys.path[:0] = [{str(layer / 'rules' / name)!r}, {str(layer / 'opt' / 'python')!r}]\nimport {name}"
            )
            samples = [_timed_imports("import boto3", cached) for _ in range(runs)]
            as_shipped = [_timed_imports("import boto3", shipped) for _ in range(runs)]
            boto3_times += [a for a, _ in samples + as_shipped]
            rules[name] = {
                "over_boto3_ms": statistics.median(b for _, b in samples) * 1000,
                "min_over_boto3_ms": min(b for _, b in samples) * 1000,
                "as_shipped_over_boto3_ms": statistics.median(b for _, b in as_shipped) * 1000,
            }
    finally:
        shutil.rmtree(layer, ignore_errors=True)
    out["boto3_ms"] = statistics.median(boto3_times) * 1000
    out["rules"] = rules
    return out


def _sample_ci(resource_type: str) -> dict[str, Any] | None:
    """A realistic CI of ``resource_type`` from the project's test builders (None when none exists)."""
    from lambda_compliance import testing

    builders: dict[str, Any] = {
        "AWS::Lambda::Function": lambda: testing.lambda_ci(
            "bench-fn-00000",
            role=f"arn:aws:iam::{ACCOUNT}:role/bench-role-0000",
            tracingConfig={"mode": "Active"},
            vpcConfig={"subnetIds": ["subnet-1", "subnet-2"], "securityGroupIds": ["sg-1"]},
            supplementary={
                "Policy": testing.resource_policy(
                    testing.permission(
                        "S3",
                        {"Service": "s3.amazonaws.com"},
                        condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}},
                    )
                ),
                "Concurrency": {"reservedConcurrentExecutions": 5},
            },
        )
    }
    try:
        from lambda_compliance.testing import api_gateway as apigw

        builders.update(
            {
                "AWS::ApiGateway::Stage": apigw.rest_stage_ci,
                "AWS::ApiGatewayV2::Stage": apigw.v2_stage_ci,
                "AWS::ApiGateway::DomainName": apigw.rest_domain_ci,
                "AWS::ApiGatewayV2::DomainName": apigw.v2_domain_ci,
            }
        )
    except ImportError:
        pass
    try:
        from lambda_compliance.testing import data_stores as data

        builders.update(
            {
                "AWS::DynamoDB::Table": data.table_ci,
                "AWS::KMS::Key": data.kms_key_ci,
                "AWS::SecretsManager::Secret": data.secret_ci,
            }
        )
    except ImportError:
        pass
    build = builders.get(resource_type)
    return testing.snapshot_format(build()) if build else None


class _NoAws:
    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        raise _CallsAws(service)


class _CallsAws(Exception):
    pass


def measure_warm(endpoint: str, iterations: int) -> dict[str, Any]:
    import boto3

    from lambda_compliance import catalog
    from lambda_compliance.runtime.aws_reader import AwsReader, LocalInventory
    from lambda_compliance.scanner.clients import ScanClientFactory

    os.environ.update(CREDENTIALS)
    out: dict[str, Any] = {}
    for rule_class in catalog.all_rules():
        if rule_class.spec.periodic:
            continue
        ci = _sample_ci(rule_class.spec.resource_types[0])
        if ci is None:
            out[rule_class.rule_name()] = {"skipped": "no sample CI for " + rule_class.spec.resource_types[0]}
            continue
        rule = rule_class()
        params = rule.evaluate_parameters({})
        event = {"accountId": ACCOUNT, "configRuleName": rule_class.rule_name()}
        factory: Any = _NoAws()
        factory.reader = AwsReader(factory, account_id=ACCOUNT, region=REGION, inventory=LocalInventory())
        calls_aws = False
        try:
            rule.evaluate_change(event, factory, ci, params)
        except _CallsAws:
            calls_aws = True
            factory = ScanClientFactory(
                boto3.Session(region_name=REGION),
                REGION,
                endpoint_url=endpoint,
                account_id=ACCOUNT,
                inventory=LocalInventory(),
            )
            rule.evaluate_change(event, factory, ci, params)  # warms the reader's cache
        samples = []
        for _ in range(iterations):
            started = time.perf_counter_ns()
            rule.evaluate_change(event, factory, ci, params)
            samples.append((time.perf_counter_ns() - started) / 1e6)
        samples.sort()
        out[rule_class.rule_name()] = {
            "calls_aws": calls_aws,
            "median_ms": statistics.median(samples),
            "p95_ms": samples[int(len(samples) * 0.95) - 1],
        }
    return out


# the run --------------------------------------------------------------------------------------------


def periodic_at(periodic: dict[int, dict[str, Any]], target: int = TARGET_N) -> dict[str, Any]:
    """Requests of each periodic rule at ``target`` functions: measured there when a run had that many,
    else extrapolated linearly (fixed + per function) from the two largest runs."""
    small, large = sorted(periodic)[-2:] if len(periodic) > 1 else (None, max(periodic))
    out = {}
    for rule, big in periodic[large]["rules"].items():
        n_large = periodic[large]["functions"]
        little = periodic[small]["rules"].get(rule, {}) if small is not None else {}
        n_small = periodic[small]["functions"] if small is not None else 0
        slope = (big["requests"] - little.get("requests", 0)) / max(1, n_large - n_small)
        direct = n_large == target
        requests = big["requests"] if direct else math.ceil(big["requests"] + slope * (target - n_large))
        out[rule] = {
            "measured_at": [n for n in (n_small, n_large) if n],
            "requests_measured": [r for r in (little.get("requests"), big["requests"]) if r is not None],
            "per_function": round(slope, 3),
            "extrapolated": not direct,
            f"requests_at_{target}": requests,
            "requests_at_target": requests,
            "seconds_at_10_rps": requests / RATE,
            "within_15_minutes": requests / RATE <= LAMBDA_LIMIT,
            "error": big.get("error") or little.get("error"),
        }
    return out


def _compared_scan(server: Any, n: int, work: Path, latency_ms: float = 0, count_only: bool = False) -> dict[str, Any]:
    from bench import scale

    output = work / f"compared-{n}-{latency_ms:g}.json"
    result = scale.run_cli(server, scale.scan_argv(server.endpoint, output, "--rules", ",".join(COMPARED)), latency_ms)
    if count_only:
        result["counts"] = scale.count_results(output)
    else:
        document = json.loads(output.read_text())
        findings: dict[str, int] = {}
        for e in document["evaluations"]:
            if e["compliance"] == "NON_COMPLIANT":
                findings[e["rule"]] = findings.get(e["rule"], 0) + 1
        result["findings"] = dict(sorted(findings.items()))
        result["functions"] = len(
            {e["resourceId"] for e in document["evaluations"] if e["resourceType"] == "AWS::Lambda::Function"}
        )
    output.unlink()
    return result


def _full_scan(server: Any, n: int, work: Path, *extra: str) -> dict[str, Any]:
    from bench import scale

    output = work / f"scan-{n}.json"
    result = scale.run_cli(server, scale.scan_argv(server.endpoint, output, *extra))
    result["report_bytes"] = output.stat().st_size
    result["counts"] = scale.count_results(output)
    output.unlink()
    result["functions"] = n
    return result


def _log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def _scan_line(result: dict[str, Any]) -> str:
    return (
        f"{result['seconds']:.1f} s wall, scanner CPU {result['cpu_seconds']:.1f} s, moto CPU "
        f"{result['moto_cpu_seconds']:.1f} s, peak RSS {result['max_rss_mb']:.0f} MB, {result['requests']} requests"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="naive comparison sizes (100,1000)")
    parser.add_argument(
        "--scale-sizes", default=",".join(map(str, SCALE_SIZES)), help="whole-scan sizes (1000,5000,10000)"
    )
    parser.add_argument("--org", default=ORG, help="organization: accounts x functions per account (20x250)")
    parser.add_argument("--import-runs", type=int, default=5, help="cold import runs per rule (median)")
    parser.add_argument("--iterations", type=int, default=300, help="warm evaluate_change calls per rule")
    parser.add_argument("--output", default=str(HERE), help="where results.json and RESULTS.md go")
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=LATENCY_MS,
        help=f"also run both auditors with this much added per request, as AWS's network and service time "
        f"(default {LATENCY_MS:g}; 0 skips)",
    )
    parser.add_argument("--quick", action="store_true", help="every section at small sizes (checks the harness)")
    parser.add_argument("--child", choices=("baseline", "periodic", "cli"), help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "cli":
        from bench import scale

        print(json.dumps(scale.child_cli([a for a in args.rest if a != "--"])))
        return 0
    if args.child:
        print(json.dumps(_child(args.child, args.endpoint)))
        return 0
    if args.quick:
        args.sizes, args.scale_sizes, args.org, args.import_runs, args.iterations = "100", "200,600", "4x50", 1, 20

    import shutil
    import tempfile

    from bench import estate as estates
    from bench import report, scale
    from lambda_compliance.testing.moto_server import moto_server

    os.environ.update(CREDENTIALS)
    compare_sizes = [int(s) for s in args.sizes.split(",") if s]
    scale_sizes = [int(s) for s in args.scale_sizes.split(",") if s]
    org_accounts, org_functions = (int(x) for x in args.org.lower().split("x"))
    latency_sizes = sorted({max(compare_sizes), *scale_sizes[:2]}) if args.latency_ms else []
    results: dict[str, Any] = {
        "environment": _environment(),
        "compared_rules": list(COMPARED),
        "latency_ms": args.latency_ms,
        "sizes": {},
        "scale": {},
        "latency": {},
    }
    periodic: dict[int, dict[str, Any]] = {}
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        with moto_server() as server:
            for n in sorted({*compare_sizes, *scale_sizes}):
                estates.reset(server.endpoint)
                _log(f"building {n:,} functions in moto ...")
                built = estates.build(server.endpoint, n)
                _log(f"  {len(built.functions):,} functions, {len(built.roles):,} roles in {built.seconds:.1f}s")
                if n in scale_sizes:
                    _log(f"  scan, all rules, at {n:,} ...")
                    measured = _full_scan(server, n, work)
                    measured["estate_seconds"] = built.seconds
                    results["scale"][n] = measured
                    _log("    " + _scan_line(measured))
                if n in compare_sizes:
                    compared: dict[str, Any] = {"estate_seconds": built.seconds, "roles": len(built.roles)}
                    _log(f"  naive auditor at {n:,} ...")
                    compared["baseline"] = run_child("baseline", server.endpoint)
                    _log(f"  scan, the compared checks, at {n:,} ...")
                    compared["scan"] = _compared_scan(server, n, work)
                    if args.latency_ms:
                        _log(f"  naive auditor at {n:,} with {args.latency_ms:g} ms per request ...")
                        compared["baseline_latency"] = run_child("baseline", server.endpoint, args.latency_ms)
                    results["sizes"][n] = compared
                if n in latency_sizes:
                    _log(f"  scan, the compared checks, at {n:,} with {args.latency_ms:g} ms per request ...")
                    results["latency"][n] = _compared_scan(server, n, work, args.latency_ms, count_only=True)
                if n in scale_sizes[-2:]:
                    _log(f"  periodic rules at {n:,} ...")
                    periodic[n] = run_child("periodic", server.endpoint)
            _log("warm evaluate_change per rule ...")
            results["warm_evaluation"] = measure_warm(server.endpoint, args.iterations)

            estates.reset(server.endpoint)
            results["organization"] = {}
            built_accounts = 0  # the second step adds accounts to the first's organization
            for accounts in sorted({max(1, org_accounts // 2), org_accounts}):
                _log(f"organization: {accounts} member accounts x {org_functions} functions ...")
                scale.build_organization(server.endpoint, accounts, org_functions, start=built_accounts)
                built_accounts = accounts
                measured = _full_scan(server, accounts * org_functions, work, "--org-role", scale.ORG_ROLE)
                measured["accounts"] = accounts
                results["organization"][accounts] = measured
                _log("  " + _scan_line(measured) + f", at most {measured['max_in_flight']} requests in flight")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _log("cold imports ...")
    results["cold_import"] = measure_imports(args.import_runs)
    results["summary"] = summarise(results["sizes"])
    if periodic:
        results["periodic"] = {n: periodic[n] for n in sorted(periodic)}
        results["periodic_at_10000"] = periodic_at(periodic)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True, default=str) + "\n")
    markdown = report.markdown(results)
    (output / "RESULTS.md").write_text(markdown)
    print(markdown)
    return 0


def summarise(sizes: dict[int, dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for n, measured in sizes.items():
        base, scan = measured["baseline"], measured["scan"]
        out[n] = {
            "baseline_seconds": base["seconds"],
            "scan_seconds": scan["seconds"],
            "speedup": base["seconds"] / scan["seconds"],
            "baseline_requests_per_function": base["requests"] / max(1, base["functions"]),
            "scan_requests_per_function": scan["requests"] / max(1, scan["functions"]),
            "request_ratio": scan["requests"] / max(1, base["requests"]),
            "baseline_max_rss_mb": base["max_rss_mb"],
            "scan_max_rss_mb": scan["max_rss_mb"],
        }
        if "baseline_latency" in measured:
            out[n]["baseline_latency_seconds"] = measured["baseline_latency"]["seconds"]
    return out


def _environment() -> dict[str, Any]:
    import boto3
    import botocore

    try:
        import moto

        moto_version = moto.__version__
    except ImportError:
        moto_version = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "moto": moto_version,
    }


if __name__ == "__main__":
    sys.exit(main())
