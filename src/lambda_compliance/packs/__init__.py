"""Conformance packs generated from the rule specs, the framework mappings and the configuration file.

One pack per framework (every rule that evidences one of its clauses, each
Description opening with that framework's clause ids) plus ``all`` (every
rule, citing every framework). ``lambda-compliance packs build`` writes them to
``conformance-packs/``; the committed files are built with the default
configuration (no file) and a test keeps them in sync.

Limits (AWS-FACTS.md): only ConfigRule and RemediationConfiguration resources,
≤ 60 parameters, InputParameters ≤ 1,024 characters (enforced by the generator
through each pack parameter's MaxLength), a template body ≤ 51,200 bytes
inline or ≤ 300 KB from S3. A pack over the inline limit says so in its header
and is deployed from S3 (``--template-s3-uri``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambda_compliance import cloudformation as cfn
from lambda_compliance.catalog import frameworks
from lambda_compliance.config_file import Settings
from lambda_compliance.packaging import naming
from lambda_compliance.packs import remediation as remediation_config
from lambda_compliance.packs.rules import PackError, base_conditions, base_parameters, rule_resource, unclaimed
from lambda_compliance.runtime.rulebase import ComplianceRule

__all__ = ["INLINE_LIMIT", "PARAMETER_LIMIT", "S3_LIMIT", "BuiltPack", "Pack", "PackError", "build", "build_all"]

INLINE_LIMIT = cfn.INLINE_LIMIT
S3_LIMIT = cfn.PACK_S3_LIMIT
PARAMETER_LIMIT = cfn.PACK_PARAMETER_LIMIT
ALL = "all"
DEFAULT_DIR = "conformance-packs"


@dataclass(frozen=True)
class Pack:
    key: str  # a framework key, or "all"
    title: str
    frameworks: tuple[str, ...]  # whose clause ids open each rule's Description

    @property
    def file_name(self) -> str:
        return f"{self.key}.yaml"

    @property
    def name(self) -> str:
        return naming.pack_name(self.key)


def packs() -> tuple[Pack, ...]:
    per_framework = tuple(
        Pack(key, f"{frameworks.framework(key).name} ({frameworks.framework(key).version})", (key,))
        for key in frameworks.FRAMEWORKS
    )
    return (*per_framework, Pack(ALL, "every lambda-compliance rule", frameworks.FRAMEWORKS))


def pack_rules(pack: Pack, rules: Sequence[type[ComplianceRule]], settings: Settings) -> list[type[ComplianceRule]]:
    enabled = settings.enabled(rules)
    if pack.key == ALL:
        return list(enabled)
    mapped = set(frameworks.rules_for_framework(pack.key))
    return [r for r in enabled if r.rule_name() in mapped]


@dataclass(frozen=True)
class BuiltPack:
    pack: Pack
    text: str
    rules: tuple[str, ...]
    remediations: tuple[str, ...]
    parameters: int

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))

    @property
    def inline(self) -> bool:
        return self.size <= INLINE_LIMIT


def template(pack: Pack, rules: Sequence[type[ComplianceRule]], settings: Settings) -> dict[str, Any]:
    """The pack as a template dict (intrinsics as ``cfn.Intrinsic``)."""
    parameters = {**base_parameters()}
    conditions = {**base_conditions()}
    resources: dict[str, Any] = {}
    extra_params, extra_conditions = remediation_config.parameters_and_conditions(list(rules))
    parameters.update(extra_params)
    conditions.update(extra_conditions)
    for rule in rules:
        built = rule_resource(rule, settings.rule_parameters(rule.rule_name()), pack.frameworks)
        parameters.update(built.parameters)
        conditions.update(built.conditions)
        resources[built.logical_id] = built.resource
        fix = remediation_config.remediation_resource(rule, settings.rule_parameters(rule.rule_name()))
        if fix is not None:
            resources[fix[0]] = fix[1]
    if len(parameters) > PARAMETER_LIMIT:
        raise PackError(f"pack {pack.key}: {len(parameters)} parameters, more than the {PARAMETER_LIMIT} allowed")
    return {"Parameters": parameters, "Conditions": conditions, "Resources": resources}


def _header(
    pack: Pack,
    rules: Sequence[type[ComplianceRule]],
    fixes: int,
    params: int,
    inline: bool,
    left_out: Sequence[str] = (),
) -> str:
    source = f"data/mappings/{pack.key}.yaml" if pack.key != ALL else "data/mappings/*.yaml"
    if inline:
        deploy = f"aws configservice put-conformance-pack --conformance-pack-name {pack.name} --template-body file://"
        deploy += f"{DEFAULT_DIR}/{pack.file_name}"
        how = f"inline (at most {INLINE_LIMIT:,} bytes)"
    else:
        deploy = f"aws configservice put-conformance-pack --conformance-pack-name {pack.name} --template-s3-uri "
        deploy += f"s3://BUCKET/{pack.file_name}"
        how = f"from S3 only: over the {INLINE_LIMIT:,}-byte inline limit (at most {S3_LIMIT:,} bytes)"
    lines = [
        f"lambda-compliance conformance pack: {pack.title}",
        f"Generated by `lambda-compliance packs build` from the rule specs and {source}: do not edit.",
        f"{len(rules)} rules, {fixes} remediation configurations, {params} parameters; deployed {how}.",
        f"Single account: {deploy}",
        "Organization: set RuleAccountId (the central account) and ExecutionRoleName, upload the file to an",
        "awsconfigconforms-* bucket and run put-organization-conformance-pack. See docs/frameworks.md.",
        "The rules provide evidence for specific technical controls; they do not by themselves establish",
        "compliance with any framework.",
    ]
    if left_out:
        lines.append("Clauses not claimed with these parameters (the rule runs; its Description omits the clause):")
        lines += [f"  {entry}" for entry in left_out]
    return "".join(f"# {line}\n" for line in lines)


def build(pack: Pack, rules: Sequence[type[ComplianceRule]], settings: Settings) -> BuiltPack:
    chosen = pack_rules(pack, rules, settings)
    if not chosen:
        raise PackError(f"pack {pack.key}: every rule it would hold is disabled")
    body = template(pack, chosen, settings)
    fixes = sum(1 for r in body["Resources"].values() if r["Type"] == "AWS::Config::RemediationConfiguration")
    count = len(body["Parameters"])
    left_out = [
        entry for r in chosen for entry in unclaimed(r, settings.rule_parameters(r.rule_name()), pack.frameworks)
    ]
    text = cfn.dump(body, _header(pack, chosen, fixes, count, inline=True, left_out=left_out), compact=True)
    if len(text.encode("utf-8")) > INLINE_LIMIT:
        text = cfn.dump(body, _header(pack, chosen, fixes, count, inline=False, left_out=left_out), compact=True)
    if len(text.encode("utf-8")) > S3_LIMIT:
        raise PackError(f"pack {pack.key}: {len(text.encode('utf-8'))} bytes, over the {S3_LIMIT:,}-byte S3 limit")
    return BuiltPack(
        pack=pack,
        text=text,
        rules=tuple(r.rule_name() for r in chosen),
        remediations=tuple(r.rule_name() for r in chosen if r.spec.remediation is not None),
        parameters=count,
    )


def build_all(settings: Settings | None = None, rules: Sequence[type[ComplianceRule]] | None = None) -> list[BuiltPack]:
    if rules is None:
        from lambda_compliance import catalog

        rules = catalog.all_rules()
    settings = settings or Settings()
    return [build(pack, rules, settings) for pack in packs()]


def write(built: Sequence[BuiltPack], directory: Path) -> list[Path]:
    """Write each pack whose text changed; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for item in built:
        path = directory / item.pack.file_name
        if not path.is_file() or path.read_text(encoding="utf-8") != item.text:
            path.write_text(item.text, encoding="utf-8")
            written.append(path)
    return written


def stale(built: Sequence[BuiltPack], directory: Path) -> list[str]:
    """Pack files that are missing or differ from what the generator produces."""
    out = []
    for item in built:
        path = directory / item.pack.file_name
        if not path.is_file() or path.read_text(encoding="utf-8") != item.text:
            out.append(str(path))
    return out
