"""A small, faithful stand-in for the AWS Config service: the deployed conformance pack, run as Config runs it.

Test support only (never shipped in the layer). What it does, and where the behaviour comes from:

- ``ConfigSimulator(estate, pack)`` loads a generated conformance pack and resolves it as
  ``put-conformance-pack`` would (pack parameter overrides, Conditions, ``Fn::If``/``AWS::NoValue``,
  ``Fn::Sub`` with pseudo parameters: ``lambda_compliance.cloudformation.Resolver``). Every
  ``AWS::Config::ConfigRule`` is registered under the name Config gives a pack's rule
  (``<ConfigRuleName>-conformance-pack-<id>``) with its Scope, SourceDetails and InputParameters; the
  function its SourceIdentifier names runs the rule's real ``lambda_handler`` through the deployed
  entry point (``lambda_entry.handler``: rdklib's Evaluator, unchanged).
- The recorder builds CIs from the moto account through the project's collectors, only for the types
  Config records (botocore's ``ResourceType`` enum; AWS::Logs::LogGroup, AWS::Lambda::Url ... are not).
  ``record()`` compares them with what it recorded before and, for each new, changed or deleted item,
  sends ``ConfigurationItemChangeNotification`` to exactly the change-triggered rules whose scope holds
  its type; ``eventLeftScope`` is true for a deleted resource. A notification larger than SNS's
  256 KB becomes ``OversizedConfigurationItemChangeNotification`` with only the item's summary
  (https://docs.aws.amazon.com/config/latest/developerguide/oversized-notification-example.html),
  and the rule fetches the item with ``GetResourceConfigHistory``.
- A clock: ``advance(hours=...)`` delivers ``ScheduledNotification`` to each scheduled rule every
  ``MaximumExecutionFrequency``; rules see the simulated date (``LAMBDA_COMPLIANCE_TODAY``, clock.py).
- The rules' config client is a real botocore client (requests validated against the service model)
  answered from the simulator's store: PutEvaluations (result tokens issued per invocation; one
  current evaluation per rule, resource type and id; an older ordering timestamp never replaces a
  newer one), GetComplianceDetailsByConfigRule, SelectResourceConfig, BatchGetResourceConfig,
  GetResourceConfigHistory, DescribeComplianceByConfigRule and the conformance pack compliance reads
  the ``report`` command makes (``report/deployed.py``). Responses are validated against the model too.
- ``remediate(rule, resource_id)`` executes the pack's RemediationConfiguration as Config would
  (StaticValue, ResourceValue RESOURCE_ID, AutomationAssumeRole) through the project's SSM runner on
  moto; AWS-owned runbooks (AWSConfigRemediation-*), which AWS publishes and the project does not ship,
  through an emulator of their documented steps (``aws_runbook_emulator``). The automation's clients
  get the same responders as the rules' (APIs moto lacks, answered in their real shapes).
- The dashboard: ``rule_compliance``, ``pack_compliance`` / ``pack_score`` (compliant rule-resource
  pairs over all judged pairs; NOT_APPLICABLE counts for neither), ``resource_compliance``.

Event shapes: https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import aws_runbook_emulator
import boto3
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.validate import validate_parameters
from rdklib.clientfactory import ClientFactory

from lambda_compliance import catalog
from lambda_compliance import cloudformation as cfn
from lambda_compliance.packaging import naming
from lambda_compliance.remediation import runner
from lambda_compliance.remediation.aws_runbooks import RUNBOOKS
from lambda_compliance.runtime import lambda_entry
from lambda_compliance.runtime.aws_reader import LocalInventory
from lambda_compliance.runtime.rulebase import ComplianceRule
from lambda_compliance.scanner import collectors
from lambda_compliance.scanner.clients import ScanClientFactory
from lambda_compliance.scanner.collectors import CollectContext

SNS_MESSAGE_LIMIT = 262_144  # bytes: SNS's maximum message size, above which Config sends the summary only
FREQUENCIES = {
    "One_Hour": timedelta(hours=1),
    "Three_Hours": timedelta(hours=3),
    "Six_Hours": timedelta(hours=6),
    "Twelve_Hours": timedelta(hours=12),
    "TwentyFour_Hours": timedelta(hours=24),
}
VERDICTS = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
PACK_DIR = Path(__file__).resolve().parents[1] / "conformance-packs"


# Recorded, though this botocore's enum predates it: the managed rule apigateway-domain-name-tls-check is
# change-triggered on it (https://docs.aws.amazon.com/config/latest/developerguide/apigateway-domain-name-tls-check.html).
RECORDED_BEYOND_ENUM = frozenset({"AWS::ApiGateway::DomainName"})


def recorded_types() -> frozenset[str]:
    """The resource types AWS Config records: the service model's ResourceType enum (plus the above)."""
    model = botocore.session.get_session().get_service_model("config")
    return frozenset(model.shape_for("ResourceType").enum) | RECORDED_BEYOND_ENUM


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


class ConfigApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class DeployedRule:
    name: str  # the Config rule name (pack suffix included)
    rule: type[ComplianceRule]
    scope: tuple[str, ...]
    change: bool
    oversized: bool
    frequency: timedelta | None
    input_parameters: str
    rule_id: str
    last_run: datetime | None = None

    @property
    def base(self) -> str:
        return self.rule.rule_name()


@dataclass
class Invocation:
    rule: str
    message_type: str
    resource: tuple[str, str] | None
    at: datetime
    left_scope: bool = False
    result: Any = None

    @property
    def failed(self) -> bool:
        return isinstance(self.result, dict) and "internalErrorMessage" in self.result


@dataclass
class Evaluation:
    rule: str
    resource_type: str
    resource_id: str
    compliance: str
    annotation: str
    ordering: datetime
    recorded: datetime
    invoked: datetime


@dataclass
class Recorded:
    ci: dict[str, Any]  # invoking-event (snapshot) format
    history: list[dict[str, Any]] = field(default_factory=list)  # newest first

    @property
    def deleted(self) -> bool:
        return self.ci["configurationItemStatus"] in ("ResourceDeleted", "ResourceDeletedNotRecorded")


class ConfigSimulator:
    def __init__(
        self,
        estate: Any,
        pack: str | Path = "all",
        parameters: Mapping[str, str] | None = None,
        *,
        start: datetime = datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
        oversized_limit: int = SNS_MESSAGE_LIMIT,
        only: Iterable[str] | None = None,
        recording: Iterable[str] | None = None,
    ) -> None:
        self.estate = estate
        self.account = estate.account_id
        self.region = estate.region
        self.now = start
        self.oversized_limit = oversized_limit
        path = Path(pack) if str(pack).endswith(".yaml") else PACK_DIR / f"{pack}.yaml"
        self.pack_name = naming.pack_name(path.stem)
        self.template = cfn.load(path.read_text(encoding="utf-8"))
        self.resolver = cfn.Resolver(
            self.template, dict(parameters or {}), AccountId=self.account, Region=self.region, Partition="aws"
        )
        self.rules: dict[str, DeployedRule] = {}
        self.remediations: dict[str, dict[str, Any]] = {}  # Config rule name -> resolved properties
        self.items: dict[tuple[str, str], Recorded] = {}
        self.evaluations: dict[tuple[str, str, str], Evaluation] = {}
        self.invocations: list[Invocation] = []
        self.tokens: dict[str, str] = {}  # result token -> Config rule name
        self.recorded_types = recorded_types()
        self.only = frozenset(only) if only is not None else None
        # (service, operation) -> handler(**params) -> response: APIs moto lacks, answered in real shapes
        self.responders: dict[tuple[str, str], Callable[..., dict[str, Any]]] = {}
        self._suffix = hashlib.sha1(path.stem.encode()).hexdigest()[:8]
        self._load()
        # The recorder's inclusion list (Config's "specific resource types" recording): by default the types
        # the deployed rules are scoped to or look up, which keeps every story's recording cheap.
        wanted = (
            set(recording)
            if recording is not None
            else {t for d in self.rules.values() for t in (*d.scope, *d.rule.spec.inventory_types)}
        )
        self.recording = frozenset(wanted) & self.recorded_types

    # the pack --------------------------------------------------------------------------------------
    def _load(self) -> None:
        functions = {naming.function_name(r): r for r in catalog.rule_names()}
        by_logical: dict[str, str] = {}
        for logical_id, resource in self.template["Resources"].items():
            if resource["Type"] != "AWS::Config::ConfigRule":
                continue
            props = self.resolver.value(resource["Properties"])
            source = props["Source"]
            assert source["Owner"] == "CUSTOM_LAMBDA", logical_id
            function = source["SourceIdentifier"].rsplit(":function:", 1)[1]
            rule = catalog.load_rule(functions[function])
            if self.only is not None and rule.rule_name() not in self.only:
                continue  # Config evaluates each rule on its own: a story may deploy the rules it is about
            details = {d["MessageType"]: d for d in source["SourceDetails"]}
            scheduled = details.get("ScheduledNotification")
            name = f"{props['ConfigRuleName']}-conformance-pack-{self._suffix}"
            self.rules[name] = DeployedRule(
                name=name,
                rule=rule,
                scope=tuple((props.get("Scope") or {}).get("ComplianceResourceTypes") or ()),
                change="ConfigurationItemChangeNotification" in details,
                oversized="OversizedConfigurationItemChangeNotification" in details,
                frequency=FREQUENCIES[scheduled["MaximumExecutionFrequency"]] if scheduled else None,
                # Config stores InputParameters as a JSON string and hands it to the function unchanged
                input_parameters=json.dumps(props.get("InputParameters") or {}),
                rule_id=f"config-rule-{uuid.uuid4().hex[:6]}",
            )
            by_logical[logical_id] = name
        for resource in self.template["Resources"].values():
            if resource["Type"] != "AWS::Config::RemediationConfiguration":
                continue
            if resource["DependsOn"] not in by_logical:
                continue
            condition = resource.get("Condition")
            if condition and not self.resolver.condition(condition):
                continue  # not deployed: a deployer input it needs is empty
            props = self.resolver.value(resource["Properties"])
            self.remediations[by_logical[resource["DependsOn"]]] = props

    def rule(self, base_name: str) -> DeployedRule:
        for deployed in self.rules.values():
            if deployed.base == base_name:
                return deployed
        raise KeyError(f"{base_name} is not in pack {self.pack_name}")

    def deploy(self) -> None:
        """put-conformance-pack: record the account, then evaluate every rule once, as Config does for a new rule."""
        self._capture(deliver=False)
        for deployed in self.rules.values():
            if deployed.change:
                for (resource_type, _), item in sorted(self.items.items()):
                    if resource_type in deployed.scope and not item.deleted:
                        self._notify(deployed, item.ci, left_scope=False)
            if deployed.frequency:
                self._scheduled(deployed)

    # the recorder ----------------------------------------------------------------------------------
    def _collect(self) -> list[dict[str, Any]]:
        simulator = self

        class _Recorder(ScanClientFactory):
            def build_client(self, service: str, region: str | None = None, assume_role_mode: bool = True) -> Any:
                client = super().build_client(service, region, assume_role_mode)
                if any(known == service for known, _ in simulator.responders):
                    simulator._hook(client)
                return client

        factory = _Recorder(
            self.estate.session, self.region, endpoint_url=self.estate.endpoint_url, inventory=LocalInventory()
        )
        types = collectors.collectable_types() & self.recording
        with ThreadPoolExecutor(max_workers=4) as pool:
            ctx = CollectContext(
                reader=factory.reader, account_id=self.account, region=self.region, capture_time="", pool=pool
            )
            items = collectors.collect(ctx, types)
        assert not ctx.failures, ctx.failures
        return [ci.raw for ci in items if ci.resource_type in self.recording]

    @staticmethod
    def _content(ci: Mapping[str, Any]) -> str:
        volatile = {"configurationItemCaptureTime", "configurationStateId", "configurationItemStatus"}
        return json.dumps({k: v for k, v in ci.items() if k not in volatile}, sort_keys=True, default=str)

    def record(self) -> list[tuple[str, str]]:
        """The recorder notices what changed since the last recording; returns the changed (type, id) keys."""
        return self._capture(deliver=True)

    def _capture(self, *, deliver: bool) -> list[tuple[str, str]]:
        current = {(ci["resourceType"], ci["resourceId"]): ci for ci in self._collect()}
        changed: list[tuple[str, str]] = []
        for key, ci in sorted(current.items()):
            known = self.items.get(key)
            if known is not None and not known.deleted and self._content(known.ci) == self._content(ci):
                continue
            changed.append(key)
            self._store(key, ci, "ResourceDiscovered" if known is None or known.deleted else "OK")
        for key, known in sorted(self.items.items()):
            if key not in current and not known.deleted:
                changed.append(key)
                gone = {**known.ci, "configuration": None, "supplementaryConfiguration": {}, "tags": {}}
                self._store(key, gone, "ResourceDeleted")
        if deliver:
            for key in changed:
                self.deliver(key)
        return changed

    def _store(self, key: tuple[str, str], ci: dict[str, Any], status: str) -> None:
        previous = self.items.get(key)
        state = len(previous.history) + 1 if previous else 1
        stored = {
            **ci,
            "configurationItemCaptureTime": _iso(self.now),
            "configurationStateId": state,
            "configurationItemStatus": status,
        }
        history = [stored, *(previous.history if previous else [])]
        self.items[key] = Recorded(stored, history)

    def touch(self, resource_type: str, resource_id: str) -> None:
        """Record a new configuration item for an unchanged resource (Config does so on relationship changes)."""
        key = (resource_type, resource_id)
        self._store(key, dict(self.items[key].ci), "OK")
        self.deliver(key)

    def deliver(self, key: tuple[str, str]) -> None:
        item = self.items[key]
        for deployed in self.rules.values():
            if deployed.change and key[0] in deployed.scope:
                self._notify(deployed, item.ci, left_scope=item.deleted)

    # invocations -----------------------------------------------------------------------------------
    def _notify(self, deployed: DeployedRule, ci: dict[str, Any], *, left_scope: bool) -> None:
        invoking: dict[str, Any] = {
            "configurationItemDiff": None,
            "configurationItem": ci,
            "notificationCreationTime": _iso(self.now),
            "messageType": "ConfigurationItemChangeNotification",
            "recordVersion": "1.3",
        }
        if len(json.dumps(invoking).encode()) > self.oversized_limit:
            if not deployed.oversized:
                return  # the rule does not subscribe to oversized notifications: Config sends nothing
            summary = {
                "changeType": "DELETE" if left_scope else "UPDATE",
                "configurationItemVersion": "1.3",
                **{
                    k: ci.get(k)
                    for k in (
                        "configurationItemCaptureTime",
                        "configurationStateId",
                        "awsAccountId",
                        "configurationItemStatus",
                        "resourceType",
                        "resourceId",
                        "resourceName",
                        "ARN",
                        "awsRegion",
                        "availabilityZone",
                    )
                },
            }
            invoking = {
                "configurationItemSummary": summary,
                "s3DeliverySummary": {"s3BucketLocation": "simulated"},
                "notificationCreationTime": _iso(self.now),
                "messageType": "OversizedConfigurationItemChangeNotification",
                "recordVersion": "1.3",
            }
        self._invoke(deployed, invoking, (ci["resourceType"], ci["resourceId"]), left_scope)

    def _scheduled(self, deployed: DeployedRule) -> None:
        invoking = {
            "awsAccountId": self.account,
            "notificationCreationTime": _iso(self.now),
            "messageType": "ScheduledNotification",
            "recordVersion": "1.0",
        }
        deployed.last_run = self.now
        self._invoke(deployed, invoking, None, False)

    def _invoke(
        self, deployed: DeployedRule, invoking: dict[str, Any], resource: tuple[str, str] | None, left_scope: bool
    ) -> None:
        token = uuid.uuid4().hex
        self.tokens[token] = deployed.name
        event = {
            "version": "1.0",
            "invokingEvent": json.dumps(invoking),
            "ruleParameters": deployed.input_parameters,
            "resultToken": token,
            "eventLeftScope": left_scope,
            "executionRoleArn": f"arn:aws:iam::{self.account}:role/aws-service-role/config.amazonaws.com/"
            "AWSServiceRoleForConfig",
            "configRuleArn": f"arn:aws:config:{self.region}:{self.account}:config-rule/{deployed.rule_id}",
            "configRuleName": deployed.name,
            "configRuleId": deployed.rule_id,
            "accountId": self.account,
            "evaluationMode": "DETECTIVE",
        }
        invocation = Invocation(deployed.name, invoking["messageType"], resource, self.now, left_scope)
        with self._lambda_runtime(deployed):
            invocation.result = lambda_entry.handler(event, None)
        self.invocations.append(invocation)

    @contextmanager
    def _lambda_runtime(self, deployed: DeployedRule) -> Iterator[None]:
        """What the rule stack's function has: its environment, boto3 at moto, the config client at the simulator."""
        simulator = self

        class _Factory(ClientFactory):
            def build_client(self, service, region=None, assume_role_mode=True):  # type: ignore[no-untyped-def]
                if service == "config":
                    return simulator.client()
                client = super().build_client(service, region, assume_role_mode)
                if any(known == service for known, _ in simulator.responders):
                    simulator._hook(client)
                return client

        environment = {
            "AWS_ENDPOINT_URL": self.estate.endpoint_url,
            "AWS_REGION": self.region,
            lambda_entry.RULE_VARIABLE: deployed.rule.__module__,
            "LAMBDA_COMPLIANCE_ASSUME_ROLE_MODE": "false",
            "LAMBDA_COMPLIANCE_TODAY": self.now.date().isoformat(),
        }
        with mock.patch.dict(os.environ, environment), mock.patch("rdklib.evaluator.ClientFactory", _Factory):
            yield

    # the clock -------------------------------------------------------------------------------------
    def advance(self, **delta: float) -> None:
        """Move the clock on, delivering every scheduled notification that falls due on the way."""
        target = self.now + timedelta(**delta)
        while True:
            due = [
                (d.last_run + d.frequency, d.name)
                for d in self.rules.values()
                if d.frequency and d.last_run is not None and d.last_run + d.frequency <= target
            ]
            if not due:
                break
            when, name = min(due)
            self.now = when
            self._scheduled(self.rules[name])
        self.now = target

    def longest_wait(self, deployed: DeployedRule) -> timedelta:
        assert deployed.frequency and deployed.last_run
        return deployed.last_run + deployed.frequency - self.now

    # the config client -----------------------------------------------------------------------------
    def client(self) -> Any:
        client = boto3.client(
            "config",
            region_name=self.region,
            endpoint_url="https://config.simulator.invalid",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        return self._hook(client)

    def answer(self, service: str, operation: str, handler: Callable[..., dict[str, Any]]) -> None:
        """Answer one API moto lacks (e.g. Lambda code signing) in its real shape, for the rules' clients and
        the recorder's."""
        self.responders[(service, operation)] = handler

    def _hook(self, client: Any) -> Any:
        service_id = client.meta.service_model.service_id.hyphenize()
        for event, handler in (("before-parameter-build", self._keep_params), ("before-call", self._answer)):
            client.meta.events.register(f"{event}.{service_id}", handler, unique_id=f"config-simulator-{event}")
        return client

    @staticmethod
    def _keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["simulator_params"] = dict(params)

    def _answer(self, model: Any, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        params = context["simulator_params"]
        service = model.service_model.service_name
        if service != "config":
            handler = self.responders.get((service, model.name))
            if handler is None:
                return None  # moto answers
        else:
            handler = getattr(self, f"_api_{model.name}", None)
        if handler is None:
            raise NotImplementedError(f"the Config simulator does not answer {model.name}")
        try:
            parsed = handler(**params)
        except ConfigApiError as exc:
            error = {"Error": {"Code": exc.code, "Message": exc.message}, "ResponseMetadata": {"HTTPStatusCode": 400}}
            return AWSResponse("https://config.simulator.invalid", 400, {}, None), error
        if model.output_shape is not None:
            validate_parameters(parsed, model.output_shape)
        parsed["ResponseMetadata"] = {"HTTPStatusCode": 200, "RequestId": uuid.uuid4().hex}
        return AWSResponse("https://config.simulator.invalid", 200, {}, None), parsed

    # PutEvaluations ---------------------------------------------------------------------------------
    def _api_PutEvaluations(self, ResultToken: str, Evaluations: list[dict[str, Any]] = (), TestMode: bool = False):
        rule = self.tokens.get(ResultToken)
        if rule is None:
            raise ConfigApiError("InvalidResultTokenException", "The speified token is invalid.")
        if len(Evaluations) > 100:
            raise ConfigApiError("InvalidParameterValueException", "at most 100 evaluations per call")
        if TestMode:
            return {"FailedEvaluations": []}
        for raw in Evaluations:
            key = (rule, raw["ComplianceResourceType"], raw["ComplianceResourceId"])
            ordering = _parse_time(raw["OrderingTimestamp"])
            current = self.evaluations.get(key)
            if current is not None and current.ordering > ordering:
                continue  # Config keeps the evaluation of the newest ordering timestamp
            self.evaluations[key] = Evaluation(
                rule,
                raw["ComplianceResourceType"],
                raw["ComplianceResourceId"],
                raw["ComplianceType"],
                raw.get("Annotation") or "",
                ordering,
                self.now,
                self.now,
            )
        return {"FailedEvaluations": []}

    # compliance reads -------------------------------------------------------------------------------
    def _result(self, e: Evaluation) -> dict[str, Any]:
        out = {
            "EvaluationResultIdentifier": {
                "EvaluationResultQualifier": {
                    "ConfigRuleName": e.rule,
                    "ResourceType": e.resource_type,
                    "ResourceId": e.resource_id,
                    "EvaluationMode": "DETECTIVE",
                },
                "OrderingTimestamp": e.ordering,
            },
            "ComplianceType": e.compliance,
            "ResultRecordedTime": e.recorded,
            "ConfigRuleInvokedTime": e.invoked,
        }
        if e.annotation:
            out["Annotation"] = e.annotation
        return out

    @staticmethod
    def _page(items: list[Any], limit: int | None, token: str | None, default: int = 100) -> tuple[list[Any], str]:
        start = int(token) if token else 0
        size = limit or default
        end = start + size
        return items[start:end], (str(end) if end < len(items) else "")

    def _rule_evaluations(self, rule: str, types: tuple[str, ...] = VERDICTS) -> list[Evaluation]:
        if rule not in self.rules:
            raise ConfigApiError("NoSuchConfigRuleException", f"The ConfigRule '{rule}' provided does not exist.")
        return sorted(
            (e for (r, _, _), e in self.evaluations.items() if r == rule and e.compliance in types),
            key=lambda e: (e.resource_type, e.resource_id),
        )

    def _api_GetComplianceDetailsByConfigRule(
        self,
        ConfigRuleName: str,
        ComplianceTypes: list[str] | None = None,
        Limit: int = 0,
        NextToken: str = "",
    ):
        found = self._rule_evaluations(ConfigRuleName, tuple(ComplianceTypes or VERDICTS))
        page, token = self._page(found, Limit, NextToken)
        out: dict[str, Any] = {"EvaluationResults": [self._result(e) for e in page]}
        if token:
            out["NextToken"] = token
        return out

    def rule_compliance(self, rule: str) -> str:
        """The rule's compliance on the dashboard (any NON_COMPLIANT resource makes it NON_COMPLIANT)."""
        verdicts = {e.compliance for e in self._rule_evaluations(self._name(rule))}
        if "NON_COMPLIANT" in verdicts:
            return "NON_COMPLIANT"
        if "COMPLIANT" in verdicts:
            return "COMPLIANT"
        return "INSUFFICIENT_DATA"

    def _api_DescribeComplianceByConfigRule(
        self,
        ConfigRuleNames: list[str] | None = None,
        ComplianceTypes: list[str] | None = None,
        NextToken: str = "",
    ):
        names = sorted(ConfigRuleNames or self.rules)
        rows = [{"ConfigRuleName": n, "Compliance": {"ComplianceType": self.rule_compliance(n)}} for n in names]
        if ComplianceTypes:
            rows = [r for r in rows if r["Compliance"]["ComplianceType"] in ComplianceTypes]
        page, token = self._page(rows, None, NextToken, default=25)
        return {"ComplianceByConfigRules": page, **({"NextToken": token} if token else {})}

    def _check_pack(self, name: str) -> None:
        if name != self.pack_name:
            raise ConfigApiError("NoSuchConformancePackException", f"Conformance pack {name} does not exist.")

    def pack_compliance(self) -> str:
        verdicts = {self.rule_compliance(n) for n in self.rules}
        return "NON_COMPLIANT" if "NON_COMPLIANT" in verdicts else "COMPLIANT" if verdicts else "INSUFFICIENT_DATA"

    def pack_score(self) -> float:
        """Config's conformance pack compliance score: compliant rule-resource pairs over all judged pairs."""
        judged = [e for e in self.evaluations.values() if e.compliance in ("COMPLIANT", "NON_COMPLIANT")]
        if not judged:
            return 0.0
        return 100.0 * sum(e.compliance == "COMPLIANT" for e in judged) / len(judged)

    def _api_DescribeConformancePackCompliance(
        self,
        ConformancePackName: str,
        Filters: dict[str, Any] | None = None,
        Limit: int = 0,
        NextToken: str = "",
    ):
        self._check_pack(ConformancePackName)
        rows = [
            {"ConfigRuleName": n, "ComplianceType": self.rule_compliance(n), "Controls": []} for n in sorted(self.rules)
        ]
        page, token = self._page(rows, Limit, NextToken, default=1000)
        out = {"ConformancePackName": ConformancePackName, "ConformancePackRuleComplianceList": page}
        return {**out, **({"NextToken": token} if token else {})}

    def _api_GetConformancePackComplianceDetails(
        self,
        ConformancePackName: str,
        Filters: dict[str, Any] | None = None,
        Limit: int = 0,
        NextToken: str = "",
    ):
        self._check_pack(ConformancePackName)
        names = (Filters or {}).get("ConfigRuleNames") or sorted(self.rules)
        # a pack records COMPLIANT and NON_COMPLIANT (and INSUFFICIENT_DATA), never NOT_APPLICABLE
        found = [e for n in names for e in self._rule_evaluations(n, ("COMPLIANT", "NON_COMPLIANT"))]
        page, token = self._page(found, Limit, NextToken)
        rows = [
            {
                "ComplianceType": e.compliance,
                "EvaluationResultIdentifier": self._result(e)["EvaluationResultIdentifier"],
                "ConfigRuleInvokedTime": e.invoked,
                "ResultRecordedTime": e.recorded,
                **({"Annotation": e.annotation} if e.annotation else {}),
            }
            for e in page
        ]
        out = {"ConformancePackName": ConformancePackName, "ConformancePackRuleEvaluationResults": rows}
        return {**out, **({"NextToken": token} if token else {})}

    def resource_compliance(self, resource_type: str, resource_id: str) -> dict[str, tuple[str, str]]:
        """Rule (catalog name) -> (verdict, annotation) for one resource, as its console page lists them."""
        return {
            self.rules[e.rule].base: (e.compliance, e.annotation)
            for e in self.evaluations.values()
            if (e.resource_type, e.resource_id) == (resource_type, resource_id)
        }

    def verdicts(self, rule: str) -> dict[str, tuple[str, str]]:
        """Resource id -> (verdict, annotation) of one rule (catalog or Config name)."""
        return {e.resource_id: (e.compliance, e.annotation) for e in self._rule_evaluations(self._name(rule))}

    def _name(self, rule: str) -> str:
        return rule if rule in self.rules else self.rule(rule).name

    # resource reads ---------------------------------------------------------------------------------
    @staticmethod
    def _api_format(ci: Mapping[str, Any], *, with_tags: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": "1.3",
            "accountId": ci.get("awsAccountId"),
            "configurationItemCaptureTime": _parse_time(ci["configurationItemCaptureTime"]),
            "configurationItemStatus": ci["configurationItemStatus"],
            "configurationStateId": str(ci["configurationStateId"]),
            "arn": ci.get("ARN") or "",
            "resourceType": ci["resourceType"],
            "resourceId": ci["resourceId"],
            "resourceName": ci.get("resourceName") or ci["resourceId"],
            "awsRegion": ci.get("awsRegion"),
            "availabilityZone": ci.get("availabilityZone") or "Not Applicable",
            "configuration": json.dumps(ci.get("configuration")),
            "supplementaryConfiguration": {
                k: json.dumps(v) for k, v in (ci.get("supplementaryConfiguration") or {}).items()
            },
        }
        if with_tags:
            out["tags"] = {str(k): str(v) for k, v in (ci.get("tags") or {}).items()}
            out["relationships"] = [
                {
                    k: v
                    for k, v in {
                        "resourceType": r.get("resourceType"),
                        "resourceId": r.get("resourceId"),
                        "resourceName": r.get("resourceName"),
                        "relationshipName": r.get("name") or r.get("relationshipName"),
                    }.items()
                    if v  # Config leaves out what it does not know (resourceId has a minimum length of 1)
                }
                for r in ci.get("relationships") or []
            ]
            out["relatedEvents"] = []
        return {k: v for k, v in out.items() if v is not None}

    def _api_GetResourceConfigHistory(self, resourceType: str, resourceId: str, limit: int = 10, **_: Any):
        item = self.items.get((resourceType, resourceId))
        if item is None:
            raise ConfigApiError("ResourceNotDiscoveredException", f"Resource {resourceId} of {resourceType} unknown")
        return {"configurationItems": [self._api_format(ci) for ci in item.history[: limit or 10]]}

    def _api_BatchGetResourceConfig(self, resourceKeys: list[dict[str, str]]):
        if len(resourceKeys) > 100:
            raise ConfigApiError("ValidationException", "at most 100 resource keys")
        found, missing = [], []
        for key in resourceKeys:
            item = self.items.get((key["resourceType"], key["resourceId"]))
            if item is None or item.deleted:
                missing.append(key)
            else:
                found.append(self._api_format(item.ci, with_tags=False))
        # A key Config does not know is left out of both lists (unprocessedResourceKeys is for throttling, and
        # the model gives it a minimum length of 1: an empty list is left out too).
        return {"baseConfigurationItems": found}

    _SELECT = re.compile(r"^SELECT (?P<fields>.+?) WHERE resourceType = '(?P<type>[A-Za-z0-9:]+)'$", re.S)

    def _api_SelectResourceConfig(self, Expression: str, Limit: int = 0, NextToken: str = ""):
        match = self._SELECT.match(Expression.strip())
        if match is None:
            raise NotImplementedError(f"the simulator answers SELECT ... WHERE resourceType = '...' only: {Expression}")
        fields = [f.strip() for f in match["fields"].split(",")]
        rows = []
        for (resource_type, _), item in sorted(self.items.items()):
            if resource_type != match["type"] or item.deleted:
                continue
            ci = item.ci
            full = {
                "resourceId": ci["resourceId"],
                "resourceName": ci.get("resourceName"),
                "resourceType": resource_type,
                "configuration": ci.get("configuration"),
                "supplementaryConfiguration": ci.get("supplementaryConfiguration") or {},
                "tags": [{"key": k, "value": v} for k, v in (ci.get("tags") or {}).items()],
                "awsRegion": ci.get("awsRegion"),
                "accountId": ci.get("awsAccountId"),
                "arn": ci.get("ARN"),
                "configurationItemStatus": ci["configurationItemStatus"],
            }
            rows.append(json.dumps({f: full[f] for f in fields if full.get(f) is not None}, default=str))
        page, token = self._page(rows, Limit, NextToken)
        return {
            "Results": page,
            "QueryInfo": {"SelectFields": [{"Name": f} for f in fields]},
            **({"NextToken": token} if token else {}),
        }

    # remediation ------------------------------------------------------------------------------------
    def remediation_parameters(self, rule: str, resource_id: str) -> tuple[str, dict[str, Any]]:
        """(document, parameters) Config sends to StartAutomationExecution for one resource."""
        config = self.remediations[self._name(rule)]
        assert config["TargetType"] == "SSM_DOCUMENT"
        document = None if config["TargetId"] in RUNBOOKS else runner.load(config["TargetId"])
        declared = document.parameters if document else {}
        values: dict[str, Any] = {}
        for name, value in config["Parameters"].items():
            if "ResourceValue" in value:
                assert value["ResourceValue"]["Value"] == "RESOURCE_ID"
                given: list[str] = [resource_id]
            else:
                given = list(value["StaticValue"]["Values"])
            kind = (declared.get(name) or {}).get("type", "String")
            values[name] = given if kind == "StringList" else given[0]
        return config["TargetId"], values

    def remediation_clients(self) -> Callable[..., Any]:
        """Clients the automation gets: boto3 at moto, and the APIs moto lacks answered by the story's responders."""
        plain = runner.session_clients(self.estate.session, region=self.region, endpoint_url=self.estate.endpoint_url)

        def factory(service: str, **kwargs: Any) -> Any:
            client = plain(service, **kwargs)
            if any(known == service for known, _ in self.responders):
                self._hook(client)
            return client

        return factory

    def remediate(self, rule: str, resource_id: str) -> runner.Execution | aws_runbook_emulator.RunbookExecution:
        """StartRemediationExecution for one NON_COMPLIANT resource: our documents run on the project's runner,
        the AWS-owned runbooks on the emulator of their documented steps (tests/aws_runbook_emulator.py)."""
        document, values = self.remediation_parameters(rule, resource_id)
        if document in RUNBOOKS:
            return aws_runbook_emulator.run(document, values, self.remediation_clients())
        return runner.run(
            document, values, clients=self.remediation_clients(), region=self.region, account_id=self.account
        )

    # helpers for stories -----------------------------------------------------------------------------
    def failures(self) -> list[Invocation]:
        return [i for i in self.invocations if i.failed]

    def invoked_since(self, count: int) -> list[Invocation]:
        return self.invocations[count:]
