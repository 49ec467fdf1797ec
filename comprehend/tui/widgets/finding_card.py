"""One finding with its evidence: short facts as lines, long ones (the mutant's diff, the
test, the re-run command) folded until opened."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Collapsible, Static

from comprehend.views.findings import FindingRow

SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow",
                  "low": "cyan", "info": "dim"}


def severity_text(severity: str) -> Text:
    return Text(severity, style=SEVERITY_STYLE.get(severity, ""))


class FindingCard(Collapsible):
    def __init__(self, finding: FindingRow, *, collapsed: bool = False) -> None:
        ack = " (acknowledged)" if finding.acknowledged else ""
        title = f"{finding.severity.upper()} {finding.rule} · line {finding.start_line}: {finding.title}{ack}"
        super().__init__(title=title, collapsed=collapsed, classes=f"finding-card sev-{finding.severity}")
        self.finding = finding

    def compose(self) -> ComposeResult:
        f = self.finding
        yield Static(Text(f"{f.file}:{f.start_line}-{f.end_line} · run {f.run} · "
                          f"confidence {f.confidence:.2f}", style="dim"), classes="evidence-line")
        if f.acknowledged:
            yield Static(Text(f"acknowledged: {f.acknowledged}", style="italic"), classes="evidence-line")
        for section in f.evidence:
            if section.long:
                with Collapsible(title=section.label, collapsed=True, classes="evidence-fold"):
                    yield Static(Text(section.text), classes="evidence-text")
            else:
                yield Static(Text.assemble((f"{section.label}: ", "bold"), section.text),
                             classes="evidence-line")
