"""Write tests/data/ocsf-1.1.0-compliance_finding.schema.json: OCSF 1.1.0 Compliance Finding as JSON Schema.

The OCSF project publishes its schema as source files (events, objects, a dictionary of
attribute types); pydantic-ocsf (PyPI, Apache-2.0) ships OCSF 1.1.0's as one file,
``ocsf/schemas/v1_1_0.json``. This tool compiles the Compliance Finding class and every
object it reaches into a JSON Schema (draft 2020-12) the tests validate ``--format ocsf``
against. It is run by hand when the vendored file should change; the tests need neither
it nor pydantic-ocsf::

    pip download --no-deps pydantic-ocsf==3.0.0 && unzip -o pydantic_ocsf-3.0.0-py3-none-any.whl 'ocsf/schemas/*'
    python tools/ocsf_schema.py ocsf/schemas/v1_1_0.json

The source's ``$include`` files are not in that file: the attributes the class gets from
them (includes/classification.json, includes/occurrence.json, profiles/cloud.json) are
listed in ``INCLUDED`` with OCSF 1.1.0's requirement levels. Objects forbid properties
OCSF does not define, so a misspelled attribute fails validation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "ocsf-1.1.0-compliance_finding.schema.json"
CLASS_UID = 2003  # category 2 (Findings) * 1000 + compliance_finding's uid 3
CATEGORY_UID = 2
# Attributes the class takes from $include files (absent from the single-file schema), with their requirement.
INCLUDED = {
    "activity_id": "required",
    "activity_name": "optional",
    "category_name": "optional",
    "category_uid": "required",
    "class_name": "optional",
    "class_uid": "required",
    "type_name": "optional",
    "type_uid": "required",
    "time": "required",
    "count": "optional",
    "duration": "optional",
    "timezone_offset": "recommended",
    "cloud": "required",  # the cloud profile, which every event of ours applies
    "api": "optional",
}
_JSON_TYPES = {
    "boolean_t": "boolean",
    "float_t": "number",
    "integer_t": "integer",
    "long_t": "integer",
    "port_t": "integer",
    "timestamp_t": "integer",
}


def _chain(schema: dict[str, Any], section: str, name: str) -> dict[str, Any]:
    """An event's or object's attributes merged along ``extends``, the child's keys over the parent's."""
    item = schema[section][name]
    parent = item.get("extends")
    merged = _chain(schema, section, parent) if parent and parent in schema[section] else {}
    for attr, spec in item.get("attributes", {}).items():
        if attr.startswith("$"):
            continue
        merged[attr] = {**merged.get(attr, {}), **spec}
    return merged


class Compiler:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.dictionary = schema["dictionary"]["attributes"]
        self.types = schema["dictionary"]["types"]["attributes"]
        self.defs: dict[str, Any] = {}

    def attribute(self, name: str, spec: dict[str, Any]) -> dict[str, Any]:
        base = {**self.dictionary.get(name, {}), **spec}
        kind = base.get("type", "string_t")
        if kind in self.schema["objects"]:
            self.object(kind)
            out: dict[str, Any] = {"$ref": f"#/$defs/{kind}"}
        else:
            primitive = self.types.get(kind, {}).get("type", kind)
            out = {"type": _JSON_TYPES.get(kind, _JSON_TYPES.get(primitive, "string"))}
            if kind == "json_t":
                out = {}
            enum = {**self.dictionary.get(name, {}).get("enum", {}), **spec.get("enum", {})}
            if enum and out.get("type") == "integer":
                out["enum"] = sorted(int(k) for k in enum)
        return {"type": "array", "items": out} if base.get("is_array") else out

    def properties(self, attributes: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {n: self.attribute(n, a) for n, a in sorted(attributes.items())},
            "required": sorted(n for n, a in attributes.items() if a.get("requirement") == "required"),
            "additionalProperties": False,
        }

    def object(self, name: str) -> None:
        if name in self.defs:
            return
        self.defs[name] = {}  # a placeholder first: objects refer to each other
        self.defs[name] = self.properties(_chain(self.schema, "objects", name))

    def compliance_finding(self) -> dict[str, Any]:
        attributes = _chain(self.schema, "events", "compliance_finding")
        for name, requirement in INCLUDED.items():
            attributes.setdefault(name, {}).setdefault("requirement", requirement)
        body = self.properties(attributes)
        activity = body["properties"]["activity_id"]
        body["properties"]["class_uid"] = {"const": CLASS_UID}
        body["properties"]["category_uid"] = {"const": CATEGORY_UID}
        body["properties"]["type_uid"] = {"enum": [CLASS_UID * 100 + a for a in activity["enum"]]}
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://schema.ocsf.io/1.1.0/classes/compliance_finding",
            "$comment": "tools/ocsf_schema.py compiled this from OCSF 1.1.0 (pydantic-ocsf 3.0.0, v1_1_0.json)",
            "title": "OCSF 1.1.0 Compliance Finding (class_uid 2003)",
            **body,
            "$defs": dict(sorted(self.defs.items())),
        }


def main(argv: list[str]) -> int:
    source = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    if source.get("version") != "1.1.0":
        print(f"expected OCSF 1.1.0, got {source.get('version')}", file=sys.stderr)
        return 2
    OUT.write_text(json.dumps(Compiler(source).compliance_finding(), indent=1, sort_keys=False) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
