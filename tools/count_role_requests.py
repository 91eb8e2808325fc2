"""How many IAM requests does a scan of N functions sharing M roles make? (moto, seven role rules)

.venv/bin/python tools/count_role_requests.py --functions 1000 --roles 50
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import urllib.request

import boto3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--roles", type=int, default=50)
    args = parser.parse_args()
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ[key] = "testing"  # moto's fakes: this never talks to AWS
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request otherwise

    from lambda_compliance.demo import Estate
    from lambda_compliance.testing.roles import scan_iam_requests, shared_role_estate

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
        estate = Estate(session=boto3.Session(region_name="us-east-1"), endpoint_url=endpoint)
        started = time.perf_counter()
        shared_role_estate(estate, args.functions, args.roles)
        seeded = time.perf_counter()
        total, by_op, analyses, everything = scan_iam_requests(endpoint, args.functions)
        done = time.perf_counter()
    finally:
        server.stop()
    print(f"{args.functions} functions, {args.roles} roles: {total} IAM requests, {analyses} role analyses")
    for operation, count in by_op.items():
        print(f"  {operation:32} {count}")
    print(f"all requests of the scan (collector included): {everything}")
    print(f"seeding {seeded - started:.1f} s, scan {done - seeded:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
