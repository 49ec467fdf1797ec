"""Every rule of the catalog is in README's rules table with its default severity."""

from __future__ import annotations

from pathlib import Path

from comprehend.adversary.rules import RULES


def test_every_rule_is_in_the_readme_with_its_default_severity() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("### Rules", 1)[1].split("\n### ", 1)[0]
    documented = {line.split("`")[1]: line.split("|")[2].strip()
                  for line in table.splitlines() if line.startswith("| `")}
    assert documented == {rule.id: rule.severity for rule in RULES.values()}
