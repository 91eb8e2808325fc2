"""The whole scan as users run it, at growing estates: time, CPU, memory and the emulator's floor.

Every measured scan is ``lambda-compliance scan`` (the CLI's ``main``, all rules unless told otherwise)
in a fresh child process. The child reports its own wall time, its CPU time (user + system, every
thread, interpreter start and imports included), its peak RSS (VmHWM) and the AWS requests it made.
The parent reads the moto server's CPU time from ``/proc/<pid>/stat`` before and after, so each scan
also says how close it came to the emulator's own floor: a scan cannot finish before the one moto
process has answered every request.

Requests are counted, and AWS's latency added, where every botocore client sends its calls
(``BaseClient._make_api_call``): the CLI's own clients need no change. moto answers ListFunctions in
one page, AWS in pages of 50; the pages AWS would have needed are added to the count.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}
AWS_PAGE = {"ListFunctions": ("Functions", 50)}
ORG_ROLE = "OrganizationAccountAccessRole"


# in the child ----------------------------------------------------------------------------------------


class Requests:
    """Every API call of every botocore client in this process: counted, delayed by ``latency`` seconds
    (AWS's network and service time, which moto does not have), and the most in flight at once."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.by_operation: Counter[str] = Counter()
        self.extra_pages = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def install(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        requests = self

        def make_api_call(client: Any, operation_name: str, api_params: Any) -> Any:
            with requests._lock:
                requests.by_operation[f"{client.meta.service_model.service_name}.{operation_name}"] += 1
                requests.in_flight += 1
                requests.max_in_flight = max(requests.max_in_flight, requests.in_flight)
            try:
                if requests.latency:
                    time.sleep(requests.latency)
                parsed = original(client, operation_name, api_params)
            finally:
                with requests._lock:
                    requests.in_flight -= 1
            page = AWS_PAGE.get(operation_name)
            if page and isinstance(parsed, dict) and not parsed.get("NextMarker"):
                with requests._lock:
                    requests.extra_pages += max(0, math.ceil(len(parsed.get(page[0]) or []) / page[1]) - 1)
            return parsed

        BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]

    @property
    def total(self) -> int:
        return sum(self.by_operation.values()) + self.extra_pages


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries a parent's ru_maxrss over fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_cli(argv: list[str]) -> dict[str, Any]:
    """Run ``lambda-compliance <argv>`` in this process, instrumented."""
    requests = Requests(float(os.environ.get("BENCH_LATENCY_MS") or 0) / 1000)
    requests.install()
    from lambda_compliance import cli

    started = time.perf_counter()
    status = cli.main(argv)
    seconds = time.perf_counter() - started
    times = os.times()
    return {
        "exit": status,
        "seconds": seconds,
        "cpu_seconds": times.user + times.system,
        "max_rss_mb": peak_rss_mb(),
        "requests": requests.total,
        "max_in_flight": requests.max_in_flight,
        "by_operation": dict(requests.by_operation.most_common()),
    }


# in the parent ---------------------------------------------------------------------------------------


def process_cpu_seconds(pid: int) -> float:
    """user + system CPU time of process ``pid`` (every thread), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_cli(server: Any, argv: list[str], latency_ms: float = 0) -> dict[str, Any]:
    """``lambda-compliance <argv>`` in a fresh child against the moto ``server``; with the server's CPU time."""
    env = {**os.environ, **CREDENTIALS, "PYTHONPATH": str(ROOT), "BENCH_LATENCY_MS": str(latency_ms)}
    env.pop("AWS_PROFILE", None)
    moto_before = process_cpu_seconds(server.pid)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--child", "cli", "--endpoint", server.endpoint, "--", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    moto_cpu = process_cpu_seconds(server.pid) - moto_before
    if done.returncode != 0:
        raise RuntimeError(f"scan child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["exit"] not in (0, 1):  # 1: findings
        raise RuntimeError(f"lambda-compliance {' '.join(argv)} exited {result['exit']}:\n{done.stderr[-3000:]}")
    result["process_wall_seconds"] = wall
    result["moto_cpu_seconds"] = moto_cpu
    return result


def scan_argv(endpoint: str, output: Path, *extra: str) -> list[str]:
    return [
        "scan",
        "--endpoint-url",
        endpoint,
        "--region",
        REGION,
        "--no-config",
        "--format",
        "json",
        "--output",
        str(output),
        "--quiet",
        "--no-progress",
        *extra,
    ]


def count_results(report: Path) -> dict[str, int]:
    """Evaluations by compliance and errors by kind in a JSON report, read in chunks (a 10,000-function report
    is large). Only the top-level ``evaluations`` and ``errors`` rows count: their keys stand at six spaces of
    indentation; the framework sections repeat failing rows deeper down."""
    kinds = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA")
    needles = {c: f'\n      "compliance": "{c}"'.encode() for c in kinds}
    needles.update({f"errors:{k}": f'\n      "kind": "{k}"'.encode() for k in ("error", "skipped")})
    counts = dict.fromkeys(needles, 0)
    tail = b""
    keep = max(len(n) for n in needles.values())
    with report.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            for name, needle in needles.items():
                # Only matches that end in this chunk's new bytes, so none is counted twice.
                counts[name] += data.count(needle) - tail.count(needle)
            tail = data[-keep:]
    return counts


def build_organization(endpoint: str, accounts: int, functions_per_account: int, *, start: int = 0) -> list[str]:
    """An organization whose member accounts ``start .. accounts-1`` each hold an estate; their ids."""
    import boto3

    from bench import estate as estates

    org = boto3.client("organizations", endpoint_url=endpoint, region_name=REGION)
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=REGION)
    if start == 0:
        org.create_organization(FeatureSet="ALL")
    ids = []
    for index in range(start, accounts):
        status = org.create_account(Email=f"member{index}@example.com", AccountName=f"member-{index:02d}")
        account = status["CreateAccountStatus"]["AccountId"]
        credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ORG_ROLE}", RoleSessionName="bench")[
            "Credentials"
        ]
        estates.build(
            endpoint,
            functions_per_account,
            seed=index,
            account=account,
            credentials={
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            },
        )
        ids.append(account)
    return ids
