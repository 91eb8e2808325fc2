"""``scan --demo --remediate``: fix what is safe to fix unattended in the demo estate, then rescan.

Which remediations run: a rule's whose Remediation says ``automatic_safe``, and
any of this project's documents that only change settings (retention,
encryption, concurrency, failure destinations, stage logging and throttling,
account-level detectors). Documents that change who may call what (public
statements, service principals, function URL auth, web ACLs) wait for an
operator, and AWS-owned runbooks run only inside SSM; both are reported as
skipped with the reason. Every run goes through the same runner the tests use,
with ``DryRun`` false, against the demo's moto endpoint.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from lambda_compliance.remediation import runner
from lambda_compliance.remediation.build import source
from lambda_compliance.remediation.wiring import ROLE_PACK_PARAMETER, RemediationTarget, remediation_target

SKIPPED, FAILED = "SKIPPED", "FAILED"
DEMO_FAILURE_QUEUE = "lambda-compliance-demo-failed-events"
WORKERS = 8


@dataclass(frozen=True)
class Run:
    rule: str
    resourceId: str
    document: str
    status: str  # CHANGED, NO_CHANGE, DRY_RUN, FAILED or SKIPPED
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Remediated:
    before: dict[str, Any]  # the first scan as a report document
    runs: list[Run] = field(default_factory=list)


def unattended_reason(target: RemediationTarget) -> str | None:
    """Why a remediation may run without an operator in the demo; None when it may not."""
    if target.aws_owned:
        return None
    if target.automatic_safe:
        return "automatic_safe"
    return "settings only" if source(target.document).settings_only else None


class _DemoValues:
    """Pack parameter values taken from the demo estate (created on first use where needed)."""

    def __init__(self, estate: Any) -> None:
        self.estate = estate
        self._queue: str | None = None
        self._lock = threading.Lock()

    def get(self, name: str) -> str | None:
        with self._lock:  # runs ask in parallel; the failure queue is created once
            return self._get(name)

    def _get(self, name: str) -> str | None:
        notes = self.estate.notes
        if name == ROLE_PACK_PARAMETER:
            return f"arn:aws:iam::{self.estate.account_id}:role/LambdaComplianceRemediation-{self.estate.region}"
        if name in ("LogGroupKmsKeyArn", "EnvironmentKmsKeyArn"):
            return notes.get("cmk")
        if name == "ApiStageWebAclArn":
            return (notes.get("apigateway") or {}).get("web_acl")
        if name == "FailureDestinationArn":
            if self._queue is None:
                url = self.estate.client("sqs").create_queue(QueueName=DEMO_FAILURE_QUEUE)["QueueUrl"]
                self._queue = self.estate.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                    "Attributes"
                ]["QueueArn"]
            return self._queue
        return None


def _parameters(target: RemediationTarget, resource_id: str, values: _DemoValues) -> dict[str, str]:
    """The document parameters Config would pass; KeyError naming a pack parameter without a demo value."""
    out = {}
    for name, wiring in target.parameters.items():
        if "ResourceValue" in wiring:
            out[name] = resource_id
            continue
        (value,) = wiring["StaticValue"]["Values"]
        if isinstance(value, Mapping):
            resolved = values.get(str(value["Ref"]))
            if resolved is None:
                raise KeyError(str(value["Ref"]))
            value = resolved
        out[name] = str(value)
    return out


def _describe(exc: runner.StepFailed) -> str:
    from botocore.exceptions import ClientError

    from lambda_compliance.scanner.engine import describe_error

    if isinstance(exc.error, ClientError):
        if exc.error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 500:
            return f"the demo's local AWS (moto) does not implement {exc.error.operation_name}"
        return describe_error(exc.error)
    return str(exc.error)


def apply_safe(estate: Any, rules: Iterable[Any], evaluations: Iterable[Mapping[str, Any]]) -> list[Run]:
    """Run the unattended-safe remediation of every NON_COMPLIANT evaluation; skipped ones say why."""
    by_name = {rule.rule_name(): rule for rule in rules}
    values = _DemoValues(estate)
    clients = runner.session_clients(
        estate.session, region=estate.region, endpoint_url=estate.endpoint_url, max_attempts=2
    )
    planned: list[tuple[str, str, RemediationTarget]] = []
    seen = set()
    for evaluation in evaluations:
        rule = by_name.get(evaluation["rule"])
        key = (evaluation["rule"], evaluation["resourceId"])
        if evaluation["compliance"] != "NON_COMPLIANT" or rule is None or rule.spec.remediation is None or key in seen:
            continue
        seen.add(key)
        target = remediation_target(rule.spec.remediation)
        planned.append((*key, target))

    def one(rule: str, resource: str, target: RemediationTarget) -> Run:
        def done(status: str, message: str) -> Run:
            return Run(rule, resource, target.document, status, message)

        if target.aws_owned:
            return done(SKIPPED, "AWS-owned runbook: it runs in SSM Automation only, not in the local demo")
        if unattended_reason(target) is None:
            return done(SKIPPED, "changes access: waits for an operator's approval")
        try:
            parameters = _parameters(target, resource, values)
        except KeyError as exc:
            return done(SKIPPED, f"needs pack parameter {exc.args[0]}, which the demo estate has no value for")
        try:
            execution = runner.run(target.document, parameters, clients=clients, account_id=estate.account_id)
        except runner.StepFailed as exc:
            return done(FAILED, _describe(exc))
        except runner.DocumentError as exc:
            return done(FAILED, str(exc))
        return done(execution.status, execution.message)

    # One resource's remediations run one after another (two documents may touch the same log group);
    # different resources run in parallel.
    by_resource: dict[str, list[int]] = {}
    for index, (_, resource, _) in enumerate(planned):
        by_resource.setdefault(resource, []).append(index)
    results: dict[int, Run] = {}

    def resource_runs(indexes: list[int]) -> None:
        for index in indexes:
            results[index] = one(*planned[index])

    quiet = logging.getLogger("werkzeug")  # moto's server logs a traceback for each API it lacks
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(resource_runs, by_resource.values()))
    finally:
        quiet.setLevel(level)
    return [results[i] for i in range(len(planned))]


def remediate(estate: Any, result: Any) -> Remediated:
    """Remediate after the first scan (a ``ScanResult``); the caller rescans and attaches ``attachment``."""
    from lambda_compliance import catalog, report

    evaluations = [r.as_dict() for r in result.evaluations]
    errors = [e.as_dict() for e in result.errors]
    before = {"evaluations": evaluations, "errors": errors, "summary": report.summarise(evaluations, errors)}
    rules = [catalog.load_rule(name) for name in result.rules]
    return Remediated(before, apply_safe(estate, rules, evaluations))


def attachment(remediated: Remediated) -> dict[str, Any]:
    """The first scan and the runs, as the (rescanned) report document shows them."""
    return {
        "before_remediation": {
            "evaluations": remediated.before["evaluations"],
            "errors": remediated.before["errors"],
            "summary": remediated.before["summary"],
        },
        "remediation": {
            "runs": [run.as_dict() for run in remediated.runs],
            "summary": dict(sorted(Counter(run.status for run in remediated.runs).items())),
        },
    }


def comparison(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per rule: NON_COMPLIANT before and after, and what its remediation runs did."""
    before = document["before_remediation"]["summary"]["rules"]
    after = document["summary"]["rules"]
    runs: dict[str, Counter[str]] = {}
    for run in document["remediation"]["runs"]:
        runs.setdefault(run["rule"], Counter())[run["status"]] += 1
    rows = []
    for rule in sorted(set(before) | set(after)):
        fail_before = before.get(rule, {}).get("NON_COMPLIANT", 0)
        fail_after = after.get(rule, {}).get("NON_COMPLIANT", 0)
        if fail_before or fail_after or rule in runs:
            rows.append({"rule": rule, "before": fail_before, "after": fail_after, "runs": dict(runs.get(rule, {}))})
    return rows


def render_comparison(document: Mapping[str, Any], console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="remediation (demo): NON_COMPLIANT before and after", title_justify="left")
    table.add_column("Rule", no_wrap=True)
    table.add_column("Before", justify="right")
    table.add_column("After", justify="right")
    table.add_column("Remediation runs")
    for row in comparison(document):
        fixed = row["after"] < row["before"]
        runs = ", ".join(f"{count} {status.lower().replace('_', ' ')}" for status, count in sorted(row["runs"].items()))
        table.add_row(
            Text(row["rule"], style="green" if fixed else ""),
            str(row["before"]),
            Text(str(row["after"]), style="green" if fixed else ("red" if row["after"] else "")),
            runs or "-",
        )
    console.print(table)
    for run in document["remediation"]["runs"]:
        if run["status"] == FAILED:
            console.print(Text(f"  failed: {run['rule']} {run['resourceId']}: {run['message']}", style="yellow"))
    total_before = document["before_remediation"]["summary"]["NON_COMPLIANT"]
    total_after = document["summary"]["NON_COMPLIANT"]
    console.print(Text(f"NON_COMPLIANT {total_before} before remediation, {total_after} after", style="bold"))


def with_before_after(renderer: Callable[..., Any]) -> Callable[..., Any]:
    """The table renderer followed by the before/after comparison."""

    def render(document: dict[str, Any], console: Any) -> Any:
        from rich.console import Console

        console = console or Console()
        text = renderer(document, console)
        render_comparison(document, console)
        return text

    return render
