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


def test_page_lists_conditions_uncovered_technical_clauses_and_the_disclaimer():
    text = docs.render()
    assert "do not by themselves establish compliance" in text
    assert "prove it" not in text.lower()
    for key in frameworks.FRAMEWORKS:
        section = text.split(f"## {frameworks.framework(key).name}\n", 1)[1].split("\n## ", 1)[0]
        covered = section.split("Not covered: ", 1)[1]
        uncovered = frameworks.uncovered(key)
        assert covered.startswith(f"{len(uncovered)} technical clauses")
        assert all(f"`{c}`" in covered for c in uncovered)
        for pair in frameworks.mapping(key):
            for requirement in pair.requires:
                assert requirement.describe() in section
    retention = next(line for line in text.splitlines() if line.startswith("| `10.5.1` |"))
    assert "minRetentionDays >= 365" in retention and "12 months" in retention
    for rule in frameworks.UNMAPPED_RULES:
        assert f"| `{rule}` |" in text


def test_readme_states_what_the_packs_do_not_establish():
    readme = (PAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "prove it" not in readme
    assert "do not by themselves establish compliance" in readme.replace("\n", " ")
