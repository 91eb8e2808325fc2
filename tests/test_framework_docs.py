"""docs/frameworks.md is generated: the committed page matches the mappings, the rules and the packs."""

from __future__ import annotations

from pathlib import Path

from lambda_compliance.catalog import frameworks
from lambda_compliance.packs import docs

PAGE = Path(__file__).resolve().parents[1] / docs.DEFAULT_PATH


def test_page_lists_every_mapped_clause_and_every_gap_per_framework():
    text = docs.render()
    for key in frameworks.FRAMEWORKS:
        section = text.split(f"## {frameworks.framework(key).name}\n", 1)[1].split("\n## ", 1)[0]
        for pair in frameworks.mapping(key):
            assert f"| `{pair.clause_id}` |" in section and f"`{pair.rule}`" in section
        gaps = section.split("Not evidenced by any Lambda configuration rule", 1)[1]
        for gap in frameworks.not_evidenced(key):
            assert gap.reason.replace("|", "\\|") in gaps
            assert all(f"`{c}`" in gaps for c in gap.clause_ids)
