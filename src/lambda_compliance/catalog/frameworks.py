"""Compliance frameworks: vendored clause lists and the rule -> clause mapping source.

Two kinds of data ship with the package (``data/``):

- ``frameworks/<key>.yaml``: the clause reference lists, vendored unchanged from
  ``../shared/frameworks``. They define which ids exist, their titles and parents.
- ``mappings/<key>.yaml``: which clauses each rule evidences, with a one-line
  rationale per pair and, where the claim holds only for some parameter values,
  the condition (``requires``); plus the clause families no Lambda rule can
  evidence and the manual evidence a mapped clause still needs.

Packs, rule descriptions, the README gap table and the report all read them
through this module, so a clause id is validated in exactly one place: loading
a mapping that cites an unknown id raises instead of shipping a bad citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import yaml

FRAMEWORKS: tuple[str, ...] = ("soc2", "gdpr", "hipaa", "pci-dss-4", "iso27001-2022", "nist-800-53-r5")

ISO_2013_FILE = "iso27001-2013-to-2022"

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Clause:
    id: str
    title: str
    parent: str | None = None
    kind: str | None = None
    # Framework-specific keys of the reference list (HIPAA requirement, PCI applicability, NIST used_by...).
    attributes: Mapping[str, Any] = field(default=_EMPTY, compare=False)


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    version: str
    citation_prefix: str
    id_pattern: str
    clauses: Mapping[str, Clause]

    def is_valid(self, clause_id: str) -> bool:
        return clause_id in self.clauses and re.fullmatch(self.id_pattern, clause_id) is not None

    def ancestors(self, clause_id: str) -> tuple[str, ...]:
        """Parent, grandparent, ... of a clause (nearest first)."""
        chain: list[str] = []
        parent = self.clauses[clause_id].parent
        while parent is not None:
            chain.append(parent)
            parent = self.clauses[parent].parent
        return tuple(chain)

    def token(self, clause_id: str) -> str:
        """Citation token, e.g. ``HIPAA:164.312(b)`` (frameworks/README.md)."""
        return f"{self.citation_prefix}:{clause_id}"


# Rules that evidence no clause of any framework, and why (shown in docs/frameworks.md): they stay
# in the ``all`` pack as operational checks but no framework pack or clause status counts them.
UNMAPPED_RULES: Mapping[str, str] = MappingProxyType(
    {
        "LAMBDA_PACKAGE_SIZE_LIMIT": "Package size and layer count are operational limits (cold start, deployment "
        "time), not a security setting; maxLayers defaults to Lambda's own hard limit of five.",
        "LAMBDA_URL_CORS_RESTRICTED": "CORS is enforced by browsers, not by the system: it is no access control or "
        "information flow enforcement; it is cited only as an ISO A.8.26 application security requirement.",
    }
)

_OPERATORS = (">=", "<=", ">", "<")


@dataclass(frozen=True)
class Requirement:
    """A parameter condition a pair's claim depends on: ``set`` (a non-empty list), ``true`` (a
    boolean switched on) or an integer bound."""

    parameter: str
    operator: str  # "set", "true", ">=", "<=", ">", "<"
    bound: int | None = None

    @classmethod
    def parse(cls, parameter: str, text: str) -> Requirement:
        text = str(text).strip()
        if text in ("set", "true"):
            return cls(parameter, text)
        for op in _OPERATORS:
            if text.startswith(op):
                try:
                    return cls(parameter, op, int(text[len(op) :].strip()))
                except ValueError:
                    break
        raise ValueError(f"requirement {parameter}: {text!r} is not 'set', 'true' or a comparison such as '>= 365'")

    def describe(self) -> str:
        if self.operator in ("set", "true"):
            return f"{self.parameter} {self.operator}"
        return f"{self.parameter} {self.operator} {self.bound}"

    def holds(self, value: str | None) -> bool:
        text = (value or "").strip()
        if self.operator == "set":
            return any(item.strip() for item in text.split(","))
        if self.operator == "true":
            return text.lower() in ("true", "yes", "1")
        try:
            number = int(text)
        except ValueError:
            return False
        assert self.bound is not None
        return {
            ">=": number >= self.bound,
            "<=": number <= self.bound,
            ">": number > self.bound,
            "<": number < self.bound,
        }[self.operator]

    def why_not(self, value: str | None) -> str:
        """One line for a report or a build log: the value in force and what the claim needs."""
        shown = (value or "").strip() or "empty"
        return f"{self.parameter} is {shown}; the claim needs {self.describe()}"


@dataclass(frozen=True)
class ClauseMapping:
    clause_id: str
    rule: str
    rationale: str
    requires: tuple[Requirement, ...] = ()

    def unmet(self, parameters: Mapping[str, str]) -> tuple[str, ...]:
        """Why the claim does not hold with these rule parameters (empty: it holds)."""
        values = {r.parameter: parameters.get(r.parameter) for r in self.requires}
        return tuple(r.why_not(values[r.parameter]) for r in self.requires if not r.holds(values[r.parameter]))


@dataclass(frozen=True)
class NotEvidenced:
    """Clause families no Lambda configuration rule can evidence, and why (shown in the README)."""

    clause_ids: tuple[str, ...]
    reason: str


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys: plain YAML keeps the last one and would
    silently drop every rule listed under the first copy of a clause."""


def _strict_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _strict_mapping)


def _load_data(*parts: str) -> Any:
    # Traversable from the package itself, so it works from a checkout, a wheel or a zip import.
    text = files("lambda_compliance.catalog").joinpath("data", *parts).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects


def _check_key(key: str) -> None:
    if key not in FRAMEWORKS:
        raise KeyError(f"unknown framework {key!r}; expected one of {', '.join(FRAMEWORKS)}")


@cache
def framework(key: str) -> Framework:
    _check_key(key)
    raw = _load_data("frameworks", f"{key}.yaml")
    clauses: dict[str, Clause] = {}
    for entry in raw["clauses"]:
        extra = {k: v for k, v in entry.items() if k not in ("id", "title", "parent", "kind")}
        clause_id = str(entry["id"])
        if clause_id in clauses:
            raise ValueError(f"frameworks/{key}.yaml: clause {clause_id} listed twice")
        clauses[clause_id] = Clause(
            id=clause_id,
            title=str(entry["title"]),
            parent=entry.get("parent"),
            kind=entry.get("kind"),
            attributes=MappingProxyType(extra) if extra else _EMPTY,
        )
    for clause in clauses.values():
        if clause.parent is not None and clause.parent not in clauses:
            raise ValueError(f"frameworks/{key}.yaml: {clause.id} has unknown parent {clause.parent}")
    return Framework(
        key=key,
        name=str(raw["framework"]),
        version=str(raw["version"]),
        citation_prefix=str(raw["citation_prefix"]),
        id_pattern=str(raw["id_pattern"]),
        clauses=MappingProxyType(clauses),
    )


@cache
def _mapping_file(
    key: str,
) -> tuple[tuple[ClauseMapping, ...], tuple[NotEvidenced, ...], Mapping[str, str]]:
    _check_key(key)
    where = f"mappings/{key}.yaml"
    raw = _load_data("mappings", f"{key}.yaml")
    if raw.get("framework") != key:
        raise ValueError(f"{where}: framework is {raw.get('framework')!r}, expected {key!r}")
    fw = framework(key)

    def checked(clause_id: object) -> str:
        text = str(clause_id)
        if not fw.is_valid(text):
            raise ValueError(f"{where}: clause {text!r} is not in frameworks/{key}.yaml")
        return text

    pairs: list[ClauseMapping] = []
    for clause_id, entries in (raw.get("mappings") or {}).items():
        cid = checked(clause_id)
        for entry in entries:
            rationale = " ".join(str(entry["rationale"]).split())
            if not rationale:
                raise ValueError(f"{where}: {cid} -> {entry['rule']} has no rationale")
            requires = tuple(Requirement.parse(str(p), str(t)) for p, t in (entry.get("requires") or {}).items())
            pairs.append(ClauseMapping(cid, str(entry["rule"]), rationale, requires))
    gaps = tuple(
        NotEvidenced(clause_ids=tuple(checked(c) for c in entry["clauses"]), reason=str(entry["reason"]))
        for entry in raw.get("not_evidenced") or ()
    )
    mapped = {p.clause_id for p in pairs}
    manual: dict[str, str] = {}
    for clause_id, text in (raw.get("manual_evidence") or {}).items():
        cid = checked(clause_id)
        if cid not in mapped:
            raise ValueError(f"{where}: manual_evidence for {cid}, which no rule maps")
        manual[cid] = " ".join(str(text).split())
    return tuple(pairs), gaps, MappingProxyType(manual)


def mapping(key: str) -> tuple[ClauseMapping, ...]:
    """Every (clause, rule, rationale) pair of a framework, in file order."""
    return _mapping_file(key)[0]


def not_evidenced(key: str) -> tuple[NotEvidenced, ...]:
    return _mapping_file(key)[1]


def manual_evidence(key: str, clause_id: str) -> str | None:
    """What an assessor still needs besides the rule results for a mapped clause (None: nothing specific)."""
    return _mapping_file(key)[2].get(clause_id)


@cache
def uncovered(key: str) -> tuple[str, ...]:
    """Technical clauses no rule maps and no ``not_evidenced`` family excuses, in the standard's order.

    Candidates are the most specific rows (no children) plus NIST base controls, which are
    requirements in their own right even when they have enhancements (AC-2 is not
    evidenced by AC-2(9)). HIPAA's "(i)" text rows restate their standard and are skipped.
    """
    fw = framework(key)
    parents = {c.parent for c in fw.clauses.values() if c.parent}
    mapped = {p.clause_id for p in mapping(key)}
    excused = {cid for gap in not_evidenced(key) for cid in gap.clause_ids}
    out = []
    for cid, clause in fw.clauses.items():
        if clause.kind == "standard_text" or cid in mapped:
            continue
        if cid in parents and clause.kind != "control":
            continue
        if cid in excused or any(a in excused for a in fw.ancestors(cid)):
            continue
        out.append(cid)
    return tuple(out)


def _clause_order(key: str) -> Mapping[str, int]:
    return _clause_orders()[key]


@cache
def _clause_orders() -> Mapping[str, Mapping[str, int]]:
    # The reference list's order is the standard's own order: citations and reports follow it.
    return MappingProxyType(
        {key: MappingProxyType({cid: i for i, cid in enumerate(framework(key).clauses)}) for key in FRAMEWORKS}
    )


@cache
def _rule_index() -> Mapping[str, Mapping[str, tuple[str, ...]]]:
    index: dict[str, dict[str, list[str]]] = {}
    for key in FRAMEWORKS:
        for pair in mapping(key):
            ids = index.setdefault(pair.rule, {}).setdefault(key, [])
            if pair.clause_id not in ids:
                ids.append(pair.clause_id)
    return MappingProxyType(
        {
            rule: MappingProxyType(
                {key: tuple(sorted(ids, key=_clause_order(key).__getitem__)) for key, ids in by_fw.items()}
            )
            for rule, by_fw in index.items()
        }
    )


def clauses_for_rule(rule: str, parameters: Mapping[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """Framework key -> clause ids the rule evidences (frameworks that do not map it are absent).

    With ``parameters`` (the rule's values in force, defaults included), a clause whose
    pair requires other values is left out: the rule does not evidence it as configured.
    """
    by_fw = _rule_index().get(rule, {})
    out = {key: by_fw[key] for key in FRAMEWORKS if key in by_fw}
    if parameters is None:
        return out
    unmet = {(key, p.clause_id) for key in out for p in mapping(key) if p.rule == rule and p.unmet(parameters)}
    kept = {key: tuple(c for c in ids if (key, c) not in unmet) for key, ids in out.items()}
    return {key: ids for key, ids in kept.items() if ids}


def pair(key: str, clause_id: str, rule: str) -> ClauseMapping:
    return next(p for p in mapping(key) if p.clause_id == clause_id and p.rule == rule)


def rules_for_framework(key: str) -> tuple[str, ...]:
    """Rules that evidence at least one clause of the framework, sorted by name."""
    return tuple(sorted({pair.rule for pair in mapping(key)}))


def citation(
    rule: str,
    max_len: int = 120,
    frameworks: Iterable[str] | None = None,
    parameters: Mapping[str, str] | None = None,
) -> str:
    """Bracketed clause tokens for a rule, e.g. ``[SOC2:CC7.2 HIPAA:164.312(b) NIST:SI-4]``.

    ``frameworks`` picks and orders the frameworks (a per-framework pack cites only
    its own); the default is every framework in ``FRAMEWORKS`` order. When the full
    list exceeds ``max_len``, the first clause of each framework is always kept, more
    are added while they fit, and ``+N`` says how many were left out (the full list
    lives in the mapping and the report). Returns ``""`` for a rule that maps nowhere.
    ``parameters`` drops the clauses the rule's values in force do not satisfy.
    Raises ValueError when even one clause per framework does not fit: silently hiding
    a framework from the Config console would be worse than failing the pack build.
    """
    keys = tuple(frameworks) if frameworks is not None else FRAMEWORKS
    for key in keys:
        _check_key(key)
    by_fw = clauses_for_rule(rule, parameters)
    groups = [[framework(key).token(cid) for cid in by_fw[key]] for key in keys if key in by_fw]
    if not groups:
        return ""
    total = sum(len(g) for g in groups)

    def render(chosen: list[list[str]]) -> str:
        kept = [token for group in chosen for token in group]
        dropped = total - len(kept)
        return "[" + " ".join(kept + ([f"+{dropped}"] if dropped else [])) + "]"

    full = render(groups)
    if len(full) <= max_len:
        return full
    chosen = [[group[0]] for group in groups]
    if len(render(chosen)) > max_len:
        raise ValueError(
            f"citation for {rule} needs more than {max_len} characters even with one clause per framework: "
            f"{render(chosen)}"
        )
    # Greedy in framework order: earlier frameworks' extra clauses win, later ones may still fit.
    for gi, group in enumerate(groups):
        for token in group[1:]:
            chosen[gi].append(token)
            if len(render(chosen)) > max_len:
                chosen[gi].pop()
    return render(chosen)


@cache
def _iso2013() -> Mapping[str, tuple[str, ...]]:
    raw = _load_data("frameworks", f"{ISO_2013_FILE}.yaml")
    return MappingProxyType({str(c["id"]): tuple(str(t) for t in c.get("maps_to") or ()) for c in raw["clauses"]})


def iso2013_to_2022(old_id: str) -> tuple[str, ...]:
    """ISO/IEC 27001:2013 Annex A id (control, objective or domain) -> 2022 control ids.

    Follows ISO/IEC 27002:2022 Annex B Table B.2. Accepts ``A.9.4.1``, ``9.4.1``
    or ``A 9.4.1``; raises KeyError for an id that is not a 2013 Annex A id.
    """
    text = _iso_prefixed(re.sub(r"\s+", "", old_id))
    table = _iso2013()
    if text not in table:
        raise KeyError(f"{old_id!r} is not an ISO/IEC 27001:2013 Annex A id")
    return table[text]


def _iso_prefixed(text: str) -> str:
    # ISO/IEC 27002 and some peers drop the Annex A prefix ("8.24", "A8.24").
    return "A." + re.sub(r"^[Aa]\.?", "", text)


# Control or enhancement at the start of a NIST id; anything after it is a statement part.
_NIST_ID = re.compile(r"^(?P<ctl>[A-Z]{2}-\d{1,2})(?:\((?P<enh>\d{1,2})\))?")


def normalise_clause_id(key: str, raw_id: str) -> str:
    """Turn a clause id as peers and standards write it into this project's form.

    Rules from frameworks/README.md: strip ``§``, ``45 CFR``, ``Article``, ``Req.``
    and spaces; GDPR ``Article 32(1)(b)`` -> ``Art.32(1)(b)``; ISO/IEC 27002 ``8.24``
    -> ``A.8.24``; NIST OSCAL ``AC-06(10)`` -> ``AC-6(10)`` and statement parts
    (``AU-3a``, ``SC-7(9)(a)``, ``AC-2i.2``) fold to their control or enhancement.
    The result is not validated: check it with ``framework(key).is_valid``.
    """
    _check_key(key)
    text = raw_id.strip()
    for noise in ("§", "45 CFR", "45CFR", "Req.", "Requirement"):
        text = text.replace(noise, "")
    if key == "gdpr":
        text = re.sub(r"^(Article|Art\.?)\s*", "", text.strip(), flags=re.IGNORECASE)
        return "Art." + re.sub(r"\s+", "", text)
    text = re.sub(r"\s+", "", text)
    if key == "iso27001-2022":
        return _iso_prefixed(text)
    if key == "nist-800-53-r5":
        match = _NIST_ID.match(re.sub(r"-0+(\d)", r"-\1", text.upper()))
        if not match:
            return text.upper()
        ctl = match["ctl"]
        return f"{ctl}({int(match['enh'])})" if match["enh"] else ctl
    if key == "soc2":
        return text.upper()
    return text


def framework_rules(rules: Iterable[Any], key: str) -> list[Any]:
    """The rules mapped to framework ``key`` (``--framework``); ValueError names the choices."""
    if key not in FRAMEWORKS:
        raise ValueError(f"unknown framework '{key}' (choose from {', '.join(FRAMEWORKS)})")
    mapped = set(rules_for_framework(key))
    chosen = [r for r in rules if r.rule_name() in mapped]
    if not chosen:
        raise ValueError(f"no selected rule evidences a {key} clause")
    return chosen
