"""Read-only AWS access for rules: cached, paginated, thread-safe.

Rules never build clients themselves: they ask an ``AwsReader`` for the data
Config does not record. The reader memoises every call for its lifetime (one
Lambda invocation, or one scan of an account/region), so a role shared by a
hundred functions or a log-group listing is fetched once. The scanner seeds
it with what the collector already fetched; inside Lambda it starts empty.

Every identifier a request carries is checked against AWS's documented pattern
first (``identifiers.check_request``): the one place where a damaged value from a
configuration item is stopped before botocore or AWS sees it.

Config lookups (``resources``/``resource``) go to AWS Config inside Lambda and
to the collector's inventory in a scan: one rule code path, two data sources.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from botocore.exceptions import ClientError

from lambda_compliance.runtime import identifiers
from lambda_compliance.runtime.ci import ConfigItem

T = TypeVar("T")


class ClientFactoryLike(Protocol):
    def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any: ...


_SCALARS = (str, int, float, bool, type(None))


def _freeze(value: Mapping[str, Any]) -> Hashable:
    """A request's parameters as a cache key. Nearly every request names its resource with a few
    scalars: those key as a sorted tuple (no encoding); nested parameters (filters, Config resource
    keys) as canonical JSON."""
    if all(isinstance(v, _SCALARS) for v in value.values()):
        # The type too: True, 1 and 1.0 are equal keys in a tuple, and different requests.
        return tuple((k, type(v), v) for k, v in sorted(value.items()))
    return json.dumps(value, sort_keys=True, default=str)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


# Per-resource reads one periodic run makes at most inside Lambda: at the ~10 requests per second a Lambda
# control-plane API sustains, 6,000 reads plus the run's fixed requests (Config inventory pages, the previous
# results, PutEvaluations: ~300 at 10,000 functions) take about 630 s of Lambda's 900 s limit, leaving room
# for throttled retries.
LAMBDA_SWEEP_BUDGET = 6000

# Listers of types AWS Config does not record, by type (a rule's scheduled run reaches them through the
# service API); the library module of each type registers its lister.
UNRECORDED_LISTERS: dict[str, Callable[[AwsReader, str, str], list[ConfigItem]]] = {}


class Inventory(Protocol):
    def resources(self, resource_type: str) -> list[ConfigItem]: ...

    def resource(
        self, resource_type: str, *, resource_id: str | None = None, resource_name: str | None = None
    ) -> ConfigItem | None: ...


class LocalInventory:
    """CIs the scanner collected or read from a snapshot."""

    def __init__(self, items: Iterable[ConfigItem] = ()) -> None:
        self._by_type: dict[str, list[ConfigItem]] = {}
        for item in items:
            self.add(item)

    def add(self, item: ConfigItem) -> None:
        self._by_type.setdefault(item.resource_type, []).append(item)

    def resources(self, resource_type: str) -> list[ConfigItem]:
        return [ci for ci in self._by_type.get(resource_type, []) if not ci.is_deleted]

    def all(self) -> list[ConfigItem]:
        return [ci for items in self._by_type.values() for ci in items]

    def resource(
        self, resource_type: str, *, resource_id: str | None = None, resource_name: str | None = None
    ) -> ConfigItem | None:
        for ci in self._by_type.get(resource_type, []):
            if resource_id and ci.resource_id == resource_id:
                return ci
            if resource_name and ci.resource_name == resource_name:
                return ci
        return None


class ConfigServiceInventory:
    """AWS Config's own recorded CIs, for rules running as Config rule Lambdas."""

    def __init__(self, reader: AwsReader) -> None:
        self._reader = reader

    def resources(self, resource_type: str) -> list[ConfigItem]:
        # 100 results a page: the advanced query is the cheapest way to enumerate candidates.
        query = (
            "SELECT resourceId, resourceName, resourceType, configuration, supplementaryConfiguration, "
            f"tags, awsRegion, accountId, arn, configurationItemStatus WHERE resourceType = '{resource_type}'"
        )
        rows = self._reader.collect("config", "select_resource_config", "Results", Expression=query)
        return [ConfigItem.of(json.loads(row)) for row in rows if isinstance(row, str)]

    def resource(
        self, resource_type: str, *, resource_id: str | None = None, resource_name: str | None = None
    ) -> ConfigItem | None:
        if resource_id:
            found = self._reader.call(
                "config",
                "batch_get_resource_config",
                resourceKeys=[{"resourceType": resource_type, "resourceId": resource_id}],
            )
            items = (found or {}).get("baseConfigurationItems") or []
            if items:
                return ConfigItem.of(items[0])
        if resource_name:
            for ci in self.resources(resource_type):
                if ci.resource_name == resource_name:
                    return ci
        return None


class AwsReader:
    """Memoised, paginated service reads through a Config-rule client factory."""

    def __init__(
        self,
        client_factory: ClientFactoryLike,
        *,
        account_id: str | None = None,
        region: str | None = None,
        inventory: Inventory | None = None,
    ) -> None:
        self._factory = client_factory
        self.account_id = account_id
        self.region = region
        self.inventory: Inventory = inventory if inventory is not None else ConfigServiceInventory(self)
        # Where AWS managed policy documents come from when this reader has no IAM (a snapshot scan):
        # arn -> document or None. Unset, they are read live through IAM (Lambda mode, live scans).
        self.aws_managed_policy: Callable[[str], Any] | None = None
        # How many per-resource reads a periodic rule may make in one run (runtime/sweep.py); None: all
        # of them (a scan). A rule's Lambda gets LAMBDA_SWEEP_BUDGET.
        self.sweep_budget: int | None = None
        self._clients: dict[tuple[str, str | None], Any] = {}
        self._cache: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    # clients --------------------------------------------------------------
    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.region)
        with self._guard:
            if key not in self._clients:
                self._clients[key] = self._factory.build_client(service, region or self.region)
            return self._clients[key]

    # memo -----------------------------------------------------------------
    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Compute once per key, even when several threads ask at the same time."""
        with self._guard:
            if key in self._cache:
                return self._cache[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._guard:
                if key in self._cache:
                    return self._cache[key]
            value = compute()
            with self._guard:
                self._cache[key] = value
            return value

    def seed(self, service: str, operation: str, result: Any, *, region: str | None = None, **kwargs: Any) -> None:
        """Record a response fetched elsewhere (the collector) as if ``call`` had made it."""
        with self._guard:
            self._cache[("call", service, region or self.region, operation, _freeze(kwargs))] = result

    def call(
        self,
        service: str,
        operation: str,
        *,
        missing: tuple[str, ...] = (),
        region: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """One API call, memoised; ``None`` when the error code is in ``missing`` (e.g. no such URL).

        Raises ``identifiers.InvalidIdentifier`` before any request when an identifier parameter is not
        what AWS documents for it (the rule answers "cannot evaluate", see rulebase).
        """
        self._check(service, region, kwargs)

        def fetch() -> dict[str, Any] | None:
            try:
                response = getattr(self.client(service, region), operation)(**kwargs)
            except ClientError as exc:
                if error_code(exc) in missing:
                    return None
                raise
            response.pop("ResponseMetadata", None)
            return response

        return self.memo(("call", service, region or self.region, operation, _freeze(kwargs)), fetch)

    def _check(self, service: str, region: str | None, kwargs: Mapping[str, Any]) -> None:
        try:
            identifiers.check_request(service, kwargs)
        except identifiers.InvalidIdentifier:
            # A source with no AWS access (a snapshot) answers "cannot read" for any call, valid or not:
            # its own reason (a skipped evaluation) comes first. Building that client sends nothing.
            if getattr(self._factory, "offline", False):
                self.client(service, region)
            raise

    def collect(
        self,
        service: str,
        operation: str,
        result_key: str,
        *,
        missing: tuple[str, ...] = (),
        region: str | None = None,
        **kwargs: Any,
    ) -> list[Any]:
        """Every item of a paginated listing, memoised; identifiers are checked as in ``call``."""
        self._check(service, region, kwargs)

        def fetch() -> list[Any]:
            client = self.client(service, region)
            try:
                if client.can_paginate(operation):
                    items: list[Any] = []
                    for page in client.get_paginator(operation).paginate(**kwargs):
                        items.extend(page.get(result_key) or [])
                    return items
                return list(getattr(client, operation)(**kwargs).get(result_key) or [])
            except ClientError as exc:
                if error_code(exc) in missing:
                    return []
                raise

        return self.memo(("collect", service, region or self.region, operation, result_key, _freeze(kwargs)), fetch)

    # Config inventory -------------------------------------------------------
    def resources(self, resource_type: str) -> list[ConfigItem]:
        return self.memo(("resources", resource_type), lambda: self.inventory.resources(resource_type))

    def resource(
        self, resource_type: str, *, resource_id: str | None = None, resource_name: str | None = None
    ) -> ConfigItem | None:
        return self.memo(
            ("resource", resource_type, resource_id, resource_name),
            lambda: self.inventory.resource(resource_type, resource_id=resource_id, resource_name=resource_name),
        )


def reader_for(client_factory: ClientFactoryLike, event: Mapping[str, Any] | None = None) -> AwsReader:
    """The reader bound to this invocation's client factory (the scanner supplies its shared one)."""
    existing = getattr(client_factory, "reader", None)
    if isinstance(existing, AwsReader):
        return existing
    cached = getattr(client_factory, "_lambda_compliance_reader", None)
    if isinstance(cached, AwsReader):
        return cached
    account = (event or {}).get("accountId")
    reader = AwsReader(client_factory, account_id=account if isinstance(account, str) else None)
    reader.sweep_budget = LAMBDA_SWEEP_BUDGET  # a rule's Lambda: one run must end within 15 minutes
    # A factory with __slots__ refuses the attribute: the reader then lives for this call only.
    with contextlib.suppress(AttributeError):
        client_factory._lambda_compliance_reader = reader  # type: ignore[attr-defined]
    return reader
