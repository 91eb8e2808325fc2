"""AWS access for the deployer: one session and region, adaptive retries, and one-line errors.

Every failure the user can act on becomes a ``DeployError`` whose message is a single line: the
missing recorder, the missing bucket, the denied permission (named as the IAM action to grant),
the failed stack with the resource and reason CloudFormation gave.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

USER_AGENT = "lambda-compliance-deploy"
DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "InsufficientPermissionsException",
    "OrganizationAccessDeniedException",
}
BAD_CREDENTIALS = {
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
}
# boto3 service name -> IAM prefix, where they differ.
IAM_PREFIX = {"stepfunctions": "states", "configservice": "config"}


class DeployError(Exception):
    """A deployment problem the user can fix; the message is one line."""


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def error_message(exc: ClientError) -> str:
    return " ".join(str(exc.response.get("Error", {}).get("Message", "")).split())


def iam_service(exc: ClientError) -> str:
    service = getattr(exc, "service", "") or ""
    return IAM_PREFIX.get(service, service) or "aws"


class _Paginator:
    def __init__(self, paginator: Any, service: str) -> None:
        self._paginator = paginator
        self._service = service

    def paginate(self, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from self._paginator.paginate(**kwargs)
        except ClientError as exc:
            exc.service = self._service  # type: ignore[attr-defined]
            raise


class Client:
    """A boto3 client whose ClientErrors carry the service name (for "needs s3:PutObject" messages)."""

    def __init__(self, client: Any) -> None:
        self.raw = client
        self.service = client.meta.service_model.signing_name or client.meta.service_model.service_name

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.raw, name)
        if name.startswith("_") or name in {"meta", "exceptions", "can_paginate", "get_waiter"}:
            return attribute
        if name == "get_paginator":
            return lambda operation: _Paginator(attribute(operation), self.service)
        if not callable(attribute):
            return attribute

        def api_call(**kwargs: Any) -> Any:
            try:
                return attribute(**kwargs)
            except ClientError as exc:
                exc.service = self.service  # type: ignore[attr-defined]
                raise

        return api_call


class Aws:
    """Clients for one account and region; tests pass ``overrides`` (e.g. a stubbed config client)."""

    def __init__(
        self,
        session: Any,
        region: str,
        *,
        endpoint_url: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        poll_seconds: float = 10.0,
        timeout_seconds: float = 3600.0,
    ) -> None:
        self.session = session
        self.region = region
        self.endpoint_url = endpoint_url
        self.poll_seconds = poll_seconds
        self.timeout_seconds = timeout_seconds
        self._clients: dict[str, Client] = {name: Client(c) for name, c in (overrides or {}).items()}
        self._config = Config(
            retries={"mode": "adaptive", "total_max_attempts": 10},
            user_agent_extra=USER_AGENT,
            connect_timeout=10,
            read_timeout=60,
        )

    def client(self, service: str) -> Client:
        if service not in self._clients:
            raw = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=self._config
            )
            self._clients[service] = Client(raw)
        return self._clients[service]

    def in_region(self, region: str) -> Aws:
        """The same session and endpoint in another region (this one when it is the same)."""
        if region == self.region:
            return self
        return Aws(
            self.session,
            region,
            endpoint_url=self.endpoint_url,
            poll_seconds=self.poll_seconds,
            timeout_seconds=self.timeout_seconds,
        )

    def wait_until(self, what: str, check: Callable[[], bool]) -> None:
        """Poll ``check`` until it returns True (it raises DeployError on a terminal failure)."""
        deadline = time.monotonic() + self.timeout_seconds
        while not check():
            if time.monotonic() > deadline:
                raise DeployError(f"timed out after {int(self.timeout_seconds)} s waiting for {what}")
            time.sleep(self.poll_seconds)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn AWS and credential failures into DeployError lines (DeployError passes through)."""
    try:
        yield
    except DeployError:
        raise
    except (NoCredentialsError, PartialCredentialsError):
        raise DeployError("no AWS credentials found (set a profile with --profile or AWS_PROFILE)") from None
    except NoRegionError:
        raise DeployError("no AWS region set (use --region)") from None
    except EndpointConnectionError as exc:
        raise DeployError(f"cannot reach AWS endpoint {exc.kwargs.get('endpoint_url', '')}") from None
    except ClientError as exc:
        raise DeployError(describe_client_error(exc)) from None
    except BotoCoreError as exc:
        raise DeployError(f"AWS request failed: {' '.join(str(exc).split())}") from None


def describe_client_error(exc: ClientError) -> str:
    code = error_code(exc)
    operation = exc.operation_name or "request"
    service = iam_service(exc)
    if code in DENIED or code.startswith("AccessDenied"):
        return f"permission denied: the deploying identity needs {service}:{operation} ({code})"
    if code in BAD_CREDENTIALS:
        return f"AWS rejected the credentials ({code} on {operation})"
    message = error_message(exc)
    return f"{service}:{operation} failed: {code}" + (f": {message}" if message else "")
