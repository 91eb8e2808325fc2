"""Conformance packs: choose the generated packs, fill their deployment parameters, put them and wait.

The packs are generated into ``conformance-packs/<name>.yaml`` by ``lambda-compliance packs``;
this module only deploys them. Each pack declares where the rule functions are
(``RuleAccountId``: empty for this account, the central account in an organization) and the role
they assume (``ExecutionRoleName``); the deployer fills those, a deployer's ``--pack-parameter``
overrides anything, and a parameter without a default that nobody fills stops the deploy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lambda_compliance import cloudformation as cfn
from lambda_compliance.deploy.aws import Aws, DeployError
from lambda_compliance.packaging import naming

INLINE_LIMIT = cfn.INLINE_LIMIT
S3_LIMIT = cfn.PACK_S3_LIMIT
RULE_ACCOUNT = "RuleAccountId"
EXECUTION_ROLE = "ExecutionRoleName"
REMEDIATION_ROLE_PREFIX = "RemediationRoleNamePrefix"


@dataclass(frozen=True)
class Pack:
    name: str  # file stem, e.g. "hipaa"
    path: Path
    body: str

    @property
    def config_name(self) -> str:
        return naming.pack_name(self.name)

    @property
    def size(self) -> int:
        return len(self.body.encode("utf-8"))

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()[:16]

    def declared(self) -> dict[str, Any]:
        """Parameter name -> its Default (None when it has none)."""
        try:
            template = cfn.load(self.body) or {}
        except yaml.YAMLError as exc:
            raise DeployError(f"{self.path} is not valid YAML: {str(exc).splitlines()[0]}") from None
        params = template.get("Parameters") if isinstance(template, dict) else None
        return {k: (v or {}).get("Default") for k, v in (params or {}).items() if isinstance(v, dict | type(None))}

    def rule_names(self) -> frozenset[str]:
        """The Config rules the pack creates (ConfigRuleName of each AWS::Config::ConfigRule)."""
        template = cfn.load(self.body) or {}
        resources = template.get("Resources") if isinstance(template, dict) else None
        return frozenset(
            str((r.get("Properties") or {}).get("ConfigRuleName"))
            for r in (resources or {}).values()
            if isinstance(r, dict) and r.get("Type") == "AWS::Config::ConfigRule"
        )

    def inputs(self, known: Mapping[str, str], given: Mapping[str, str]) -> list[dict[str, str]]:
        """ConformancePackInputParameters: given values, then known deployment values, else the defaults."""
        declared = self.declared()
        unknown = sorted(k for k in given if k not in declared)
        if unknown:
            raise DeployError(f"pack {self.name} has no parameter {unknown[0]} (it declares: {', '.join(declared)})")
        values: dict[str, str] = {}
        for name, default in declared.items():
            if name in given:
                values[name] = given[name]
            elif known.get(name):
                values[name] = known[name]
            elif default is None:
                raise DeployError(f"pack {self.name} needs parameter {name}: pass --pack-parameter {name}=VALUE")
        return [{"ParameterName": k, "ParameterValue": v} for k, v in sorted(values.items())]


def available(directory: Path) -> dict[str, Path]:
    if not directory.is_dir():
        return {}
    return {p.stem: p for p in sorted(directory.glob("*.yaml"))}


def choose(directory: Path, names: Sequence[str]) -> list[Pack]:
    found = available(directory)
    chosen = []
    for name in names:
        if name not in found:
            listed = ", ".join(found) or "none: generate them with `lambda-compliance packs`"
            raise DeployError(f"no conformance pack '{name}' in {directory} (available: {listed})")
        path = found[name]
        pack = Pack(name, path, path.read_text(encoding="utf-8"))
        if pack.size > S3_LIMIT:
            raise DeployError(f"pack {name} is {pack.size} bytes, over Config's 300 KB template limit")
        chosen.append(pack)
    return chosen


def refuse_overlap(packs: Sequence[Pack]) -> None:
    """Two packs with a rule in common would run it twice in every account (twice the invocations
    against the functions' reserved concurrency, twice the evaluations billed). Deploy-time merging
    would deploy a pack that exists in no file, so the deployer refuses and names the shared rules:
    every framework pack is a subset of ``all``, which holds each rule once."""
    for index, first in enumerate(packs):
        for second in packs[index + 1 :]:
            shared = sorted(first.rule_names() & second.rule_names())
            if shared:
                example = ", ".join(shared[:2]) + (", ..." if len(shared) > 2 else "")
                raise DeployError(
                    f"packs {first.name} and {second.name} share {len(shared)} rules ({example}), which would run "
                    "twice: deploy one of them (`all` holds every rule once)"
                )


def _upload(aws: Aws, bucket: str, key: str, body: str) -> str:
    aws.client("s3").put_object(Bucket=bucket, Key=key, Body=body.encode("utf-8"), ContentType="text/yaml")
    return f"s3://{bucket}/{key}"


def put(aws: Aws, pack: Pack, inputs: list[dict[str, str]], bucket: str, prefix: str) -> str:
    """Put a conformance pack in this account (inline when small, else from the artifact bucket); wait."""
    config = aws.client("config")
    kwargs: dict[str, Any] = {"ConformancePackName": pack.config_name, "ConformancePackInputParameters": inputs}
    if pack.size <= INLINE_LIMIT:
        kwargs["TemplateBody"] = pack.body
    else:
        kwargs["TemplateS3Uri"] = _upload(aws, bucket, f"{prefix}packs/{pack.name}-{pack.sha}.yaml", pack.body)
    config.put_conformance_pack(**kwargs)

    def deployed() -> bool:
        details = config.describe_conformance_pack_status(ConformancePackNames=[pack.config_name])
        status = (details.get("ConformancePackStatusDetails") or [{}])[0]
        state = status.get("ConformancePackState", "")
        if state == "CREATE_FAILED":
            reason = " ".join(str(status.get("ConformancePackStatusReason", "")).split())[:300]
            raise DeployError(f"conformance pack {pack.config_name} failed: {reason or 'see the Config console'}")
        return state == "CREATE_COMPLETE"

    aws.wait_until(f"conformance pack {pack.config_name}", deployed)
    return pack.config_name


def put_organization(
    aws: Aws,
    pack: Pack,
    inputs: list[dict[str, str]],
    conformance_bucket: str,
    prefix: str,
    excluded_accounts: Sequence[str] = (),
) -> str:
    """Put an organization conformance pack from the template bucket; wait for every account."""
    config = aws.client("config")
    uri = _upload(aws, conformance_bucket, f"{prefix}packs/{pack.name}-{pack.sha}.yaml", pack.body)
    kwargs: dict[str, Any] = {
        "OrganizationConformancePackName": pack.config_name,
        "TemplateS3Uri": uri,
        "ConformancePackInputParameters": inputs,
    }
    if excluded_accounts:
        kwargs["ExcludedAccounts"] = list(excluded_accounts)
    config.put_organization_conformance_pack(**kwargs)

    def deployed() -> bool:
        found = config.describe_organization_conformance_pack_statuses(
            OrganizationConformancePackNames=[pack.config_name]
        )
        status = (found.get("OrganizationConformancePackStatuses") or [{}])[0]
        state = status.get("Status", "")
        if state.endswith("_FAILED"):
            raise DeployError(f"organization conformance pack {pack.config_name} {state}: {_failures(aws, pack)}")
        return state in {"CREATE_SUCCESSFUL", "UPDATE_SUCCESSFUL"}

    aws.wait_until(f"organization conformance pack {pack.config_name}", deployed)
    return pack.config_name


def _failures(aws: Aws, pack: Pack) -> str:
    config = aws.client("config")
    failed: list[dict[str, Any]] = []
    for status in ("CREATE_FAILED", "UPDATE_FAILED"):
        found = config.get_organization_conformance_pack_detailed_status(
            OrganizationConformancePackName=pack.config_name, Filters={"Status": status}
        )
        failed += found.get("OrganizationConformancePackDetailedStatuses") or []
    if not failed:
        return "see the Config console"
    first = failed[0]
    reason = " ".join(f"{first.get('ErrorCode', '')} {first.get('ErrorMessage', '')}".split())[:200]
    more = f" (and {len(failed) - 1} more accounts)" if len(failed) > 1 else ""
    return f"account {first.get('AccountId', '?')}: {reason}{more}"
