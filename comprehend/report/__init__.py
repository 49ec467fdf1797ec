"""Renderers of findings for machines and reviewers: SARIF, JUnit, GitHub, Markdown."""
