"""One finding with its evidence: short facts as lines, long ones (the mutant's diff, the
test, the re-run command) folded until opened."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from comprehend.views.findings import FindingRow

SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow",
                  "low": "cyan", "info": "dim"}


def severity_text(severity: str) -> Text:
    return Text(severity, style=SEVERITY_STYLE.get(severity, ""))


def finding_card(finding: FindingRow, *, collapsed: bool = False) -> Collapsible:
    """A Collapsible titled with the finding; inside, where it is and its evidence."""
    f = finding
    ack = " (acknowledged)" if f.acknowledged else ""
    parts: list[Widget] = [Static(Text(f"{f.file}:{f.start_line}-{f.end_line} · run {f.run} · "
                                       f"confidence {f.confidence:.2f}", style="dim"),
                                  classes="evidence-line")]
    if f.acknowledged:
        parts.append(Static(Text(f"acknowledged: {f.acknowledged}", style="italic"),
                            classes="evidence-line"))
    for section in f.evidence:
        if section.long:
            parts.append(Collapsible(Static(Text(section.text), classes="evidence-text"),
                                     title=section.label, collapsed=True, classes="evidence-fold"))
        else:
            parts.append(Static(Text.assemble((f"{section.label}: ", "bold"), section.text),
                                classes="evidence-line"))
    title = f"{f.severity.upper()} {f.rule} · line {f.start_line}: {f.title}{ack}"
    return Collapsible(*parts, title=title, collapsed=collapsed,
                       classes=f"finding-card sev-{f.severity}")
