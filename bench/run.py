"""``python -m bench.run``: every measurement of the benchmark in one run; writes results.json and RESULTS.md.

1. For N in (100, 1000): a moto server on 127.0.0.1 with N functions (``bench.estate``); the naive
   auditor (``bench.baseline``) and ``lambda-compliance scan`` on the same functions and checks, each
   in a fresh child process: wall time, AWS requests per function, peak RSS.
2. Cold import of every rule (as the Lambda runtime imports its handler) against ``import boto3``:
   fresh interpreters, median of several runs.
3. Warm ``evaluate_change`` latency per change-triggered rule (a rule that makes no API call is held
   to 1 ms; the others are measured with the reader's cache warm).
4. Periodic rules: requests each makes at N=100 and N=1000 (Lambda mode: a fresh reader, Config
   lookups counted as SelectResourceConfig pages, rdklib's PutEvaluations and
   GetComplianceDetailsByConfigRule pages added), extrapolated linearly to 10,000 functions, and
   the run time that implies at 10 requests per second against Lambda's 15 minutes.

Request counts are AWS's: moto answers ListFunctions in one page, AWS in pages of 50, so each
ListFunctions call is counted as the pages AWS would need.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
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


def child_scan(endpoint: str) -> dict[str, Any]:
    from bench import baseline
    from lambda_compliance import catalog
    from lambda_compliance.scanner import scan

    rules = [catalog.load_rule(name) for name in COMPARED]
    counter, pages = baseline.Counting(), AwsPages()
    session = _session(counter, pages)
    started = time.perf_counter()
    report = scan.scan_account(rules, session=session, region=REGION, endpoint_url=endpoint)
    seconds = time.perf_counter() - started
    findings: dict[str, int] = {}
    for r in report.outcome.results:
        if r.compliance == "NON_COMPLIANT":
            findings[r.rule] = findings.get(r.rule, 0) + 1
    functions = len({r.resourceId for r in report.outcome.results if r.resourceType == "AWS::Lambda::Function"})
    return {
        "seconds": seconds,
        "requests": counter.total + pages.extra,
        "by_operation": dict(sorted(counter.by_operation.items())),
        "functions": functions,
        "findings": dict(sorted(findings.items())),
        "errors": len(report.outcome.errors),
    }


def child_periodic(endpoint: str) -> dict[str, Any]:
    """Each periodic rule as its Lambda runs it: a fresh reader, Config lookups counted as pages."""
    from concurrent.futures import ThreadPoolExecutor

    import boto3

    from bench import baseline
    from lambda_compliance import catalog
    from lambda_compliance.runtime.aws_reader import LocalInventory
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

    out = {}
    for rule in periodic:
        counter, pages = baseline.Counting(), AwsPages()
        session = _session(counter, pages)
        CountingInventory.pages = 0
        factory = ScanClientFactory(
            session, REGION, endpoint_url=endpoint, account_id=ACCOUNT, inventory=CountingInventory(items)
        )
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
    started = time.perf_counter()
    result = {"baseline": child_baseline, "scan": child_scan, "periodic": child_periodic}[kind](endpoint)
    result["process_seconds"] = time.perf_counter() - started
    result["max_rss_mb"] = _peak_rss_mb()
    return result


def _peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries a parent's ru_maxrss over fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    """rdklib and lambda_compliance as the layer ships them (sources, no .pyc), and the rule files."""
    import shutil
    import tempfile

    import rdklib

    from lambda_compliance import catalog

    root = Path(tempfile.mkdtemp(prefix="bench-layer-"))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(Path(rdklib.__file__).parent, root / "python" / "rdklib", ignore=ignore)
    shutil.copytree(ROOT / "src" / "lambda_compliance", root / "python" / "lambda_compliance", ignore=ignore)
    for name in catalog.rule_names():
        (root / "rules" / name).mkdir(parents=True)
        shutil.copy(catalog.rules_dir() / name / f"{name}.py", root / "rules" / name)
    return root


def measure_imports(runs: int) -> dict[str, Any]:
    """Each rule's handler module imported as the Lambda runtime imports it, right after ``import boto3``
    in the same fresh interpreter, so the rule's cost over boto3 is measured paired, immune to load drift.

    Two ways: with this checkout's compiled .pyc, and as the layer ships (sources only, nothing compiled
    or written: every cold start compiles rdklib, lambda_compliance and the rule).
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
                f"sys.path[:0] = [{str(layer / 'rules' / name)!r}, {str(layer / 'python')!r}]\nimport {name}"
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


def extrapolate(periodic: dict[int, dict[str, Any]]) -> dict[str, Any]:
    small, large = sorted(periodic)
    out = {}
    for rule, big in periodic[large]["rules"].items():
        little = periodic[small]["rules"].get(rule, {})
        n_small, n_large = periodic[small]["functions"], periodic[large]["functions"]
        slope = (big["requests"] - little.get("requests", 0)) / max(1, n_large - n_small)
        fixed = big["requests"] - slope * n_large
        requests = math.ceil(fixed + slope * TARGET_N)
        out[rule] = {
            "measured_at": [n_small, n_large],
            "requests_measured": [little.get("requests"), big["requests"]],
            "per_function": round(slope, 3),
            "requests_at_10000": requests,
            "seconds_at_10_rps": requests / RATE,
            "within_15_minutes": requests / RATE <= LAMBDA_LIMIT,
            "error": big.get("error") or little.get("error"),
        }
    return out


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
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="function counts (default 100,1000)")
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
    parser.add_argument("--child", choices=("baseline", "scan", "periodic"), help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.endpoint)))
        return 0

    from bench import estate as estates
    from bench import report
    from lambda_compliance.testing.moto_server import moto_server_process

    os.environ.update(CREDENTIALS)
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, Any] = {"environment": _environment(), "compared_rules": list(COMPARED), "sizes": {}}
    periodic: dict[int, dict[str, Any]] = {}
    with moto_server_process() as endpoint:
        for n in sizes:
            estates.reset(endpoint)
            print(f"[bench] building {n} functions in moto ...", flush=True)
            built = estates.build(endpoint, n)
            print(
                f"[bench]   {len(built.functions)} functions, {len(built.roles)} roles in {built.seconds:.1f}s",
                flush=True,
            )
            measured: dict[str, Any] = {"estate_seconds": built.seconds, "roles": len(built.roles)}
            for kind in ("baseline", "scan"):
                print(f"[bench]   {kind} at {n} ...", flush=True)
                measured[kind] = run_child(kind, endpoint)
                print(
                    f"[bench]     {measured[kind]['seconds']:.2f}s, {measured[kind]['requests']} requests", flush=True
                )
            if args.latency_ms:
                for kind in ("baseline", "scan"):
                    print(f"[bench]   {kind} at {n} with {args.latency_ms:g} ms per request ...", flush=True)
                    measured[f"{kind}_latency"] = run_child(kind, endpoint, args.latency_ms)
                    print(f"[bench]     {measured[f'{kind}_latency']['seconds']:.2f}s", flush=True)
            print(f"[bench]   periodic rules at {n} ...", flush=True)
            periodic[n] = run_child("periodic", endpoint)
            measured["periodic"] = periodic[n]
            results["sizes"][n] = measured
        print("[bench] warm evaluate_change per rule ...", flush=True)
        results["warm_evaluation"] = measure_warm(endpoint, args.iterations)
    print("[bench] cold imports ...", flush=True)
    results["cold_import"] = measure_imports(args.import_runs)
    results["summary"] = summarise(results["sizes"])
    results["latency_ms"] = args.latency_ms
    results["summary_with_latency"] = {
        n: {
            "baseline_seconds": m["baseline_latency"]["seconds"],
            "scan_seconds": m["scan_latency"]["seconds"],
            "speedup": m["baseline_latency"]["seconds"] / m["scan_latency"]["seconds"],
        }
        for n, m in results["sizes"].items()
        if "baseline_latency" in m
    }
    if len(periodic) >= 2:
        results["periodic_at_10000"] = extrapolate(periodic)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True, default=str) + "\n")
    markdown = report.markdown(results)
    (output / "RESULTS.md").write_text(markdown)
    print(markdown)
    return 0


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
