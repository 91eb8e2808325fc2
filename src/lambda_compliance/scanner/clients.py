"""boto3 clients for a scan: one endpoint, adaptive retries, pooled, counted.

The scanner hands rules a ``ScanClientFactory`` in place of rdklib's
ClientFactory. It has the same ``build_client`` signature, so rule code cannot
tell the difference, and carries the scan's shared ``AwsReader``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from lambda_compliance.runtime.aws_reader import AwsReader, Inventory

USER_AGENT = "lambda-compliance"


class RequestCounter:
    """Counts HTTP requests (retries included) per service and operation."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, request: Any = None, event_name: str = "", **_: Any) -> None:
        # event name: before-send.<service>.<Operation>
        parts = event_name.split(".")
        key = ".".join(parts[1:3]) if len(parts) >= 3 else event_name
        with self._lock:
            self._counts[key] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def by_operation(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))


class ScanClientFactory:
    def __init__(
        self,
        session: boto3.Session,
        region: str,
        *,
        endpoint_url: str | None = None,
        max_attempts: int = 8,
        counter: RequestCounter | None = None,
        inventory: Inventory | None = None,
        account_id: str | None = None,
    ) -> None:
        self.session = session
        self.region = region
        self.endpoint_url = endpoint_url
        self.counter = counter or RequestCounter()
        self._config = Config(
            retries={"mode": "adaptive", "total_max_attempts": max_attempts},
            max_pool_connections=32,
            user_agent_extra=USER_AGENT,
            connect_timeout=10,
            read_timeout=60,
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.reader = AwsReader(self, account_id=account_id, region=region, inventory=inventory)

    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
        key = (service, region or self.region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(
                    service, region_name=key[1], endpoint_url=self.endpoint_url, config=self._config
                )
                client.meta.events.register("before-send", self.counter)
                self._clients[key] = client
            return client


CREDENTIAL_ERRORS = frozenset(
    {
        "InvalidClientTokenId",
        "ExpiredToken",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "AccessDeniedException",
        "ExpiredTokenException",
        "AuthFailure",
        "OptInRequired",
    }
)


def call_aws(call: Callable[[], Any]) -> Any:
    """Run ``call``; credential, region and endpoint problems become one-line ``ScanInputError``s."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )

    from lambda_compliance.scanner.request import ScanInputError

    try:
        return call()
    except (NoCredentialsError, PartialCredentialsError):
        raise ScanInputError("no AWS credentials found (set a profile with --profile or AWS_PROFILE)") from None
    except NoRegionError:
        raise ScanInputError("no AWS region set (use --region)") from None
    except EndpointConnectionError as exc:
        raise ScanInputError(f"cannot reach AWS endpoint {exc.kwargs.get('endpoint_url', '')}") from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in CREDENTIAL_ERRORS:
            raise ScanInputError(
                f"AWS rejected the credentials or permissions ({code} on {exc.operation_name})"
            ) from None
        raise
