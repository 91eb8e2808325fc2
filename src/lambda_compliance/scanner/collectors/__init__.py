"""Build Config-shaped CIs from service APIs, one module per resource family.

Each module in this package exposes ``BUILDERS``: resource type -> function
``(CollectContext) -> Iterable[dict]`` returning CIs in the invoking-event shape.
Modules are discovered, so adding a family never edits a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from lambda_compliance.runtime.aws_reader import AwsReader
from lambda_compliance.runtime.ci import ConfigItem

Builder = Callable[["CollectContext"], Iterable[dict[str, Any]]]


class ProgressSink:
    """Where collectors report work: the CLI shows it as a progress bar."""

    def add_total(self, n: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class CollectContext:
    reader: AwsReader
    account_id: str
    region: str
    capture_time: str
    pool: ThreadPoolExecutor
    progress: ProgressSink = field(default_factory=ProgressSink)
    # CIs built so far, by type: later builders read earlier ones (roles of the functions).
    built: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Types that could not be collected (an AWS error past retries), with the error; the scan reports
    # the rules needing them instead of judging them on missing data. Dependent types fail with them.
    failures: dict[str, Exception] = field(default_factory=dict)

    def base_ci(
        self,
        resource_type: str,
        resource_id: str,
        resource_name: str,
        arn: str | None,
        region: str | None = None,
    ) -> dict[str, Any]:
        return {
            "version": "1.3",
            "awsAccountId": self.account_id,
            "configurationItemCaptureTime": self.capture_time,
            "configurationItemStatus": "OK",
            "resourceType": resource_type,
            "resourceId": resource_id,
            "resourceName": resource_name,
            "ARN": arn,
            "awsRegion": region or self.region,
            "availabilityZone": "Not Applicable",
            "tags": {},
            "relationships": [],
            "configuration": {},
            "supplementaryConfiguration": {},
        }


@dataclass(frozen=True)
class Registration:
    order: int  # lower builds first
    builder: Builder
    depends: frozenset[str]  # types whose CIs this builder reads from ctx.built


@cache
def builders() -> dict[str, Registration]:
    """Every module's ``BUILDERS`` (with its ``ORDER`` and ``DEPENDS``), by resource type."""
    found: dict[str, Registration] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        depends = getattr(module, "DEPENDS", {})
        for resource_type, builder in getattr(module, "BUILDERS", {}).items():
            found[resource_type] = Registration(
                getattr(module, "ORDER", 50), builder, frozenset(depends.get(resource_type, ()))
            )
    return found


def collectable_types() -> frozenset[str]:
    return frozenset(builders())


def collect(ctx: CollectContext, resource_types: Iterable[str]) -> list[ConfigItem]:
    """CIs of the requested types (and of what their builders depend on), in build order."""
    registry = builders()
    wanted = set(resource_types) & set(registry)
    pending = list(wanted)
    while pending:
        for dep in registry[pending.pop()].depends:
            if dep not in wanted and dep in registry:
                wanted.add(dep)
                pending.append(dep)
    items: list[ConfigItem] = []
    for resource_type in sorted(wanted, key=lambda t: (registry[t].order, t)):
        broken = sorted(registry[resource_type].depends & ctx.failures.keys())
        raw = []
        if broken:  # built from CIs that could not be collected: it fails with them
            ctx.failures[resource_type] = ctx.failures[broken[0]]
        else:
            try:
                raw = list(registry[resource_type].builder(ctx))
            except (ClientError, BotoCoreError) as exc:  # one service down must not stop the other families
                ctx.failures[resource_type] = exc
            except Exception as exc:
                if not getattr(exc, "skip", False):  # data this source cannot give (a template, a snapshot)
                    raise
                ctx.failures[resource_type] = exc
        ctx.built[resource_type] = raw
        items.extend(ConfigItem.of(ci) for ci in raw)
    return items
