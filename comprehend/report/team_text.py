"""The team report in the terminal: debt and its trend, the modules with the most debt,
knowledge islands, the truck factor, each member's reach and (when a model was used) the
LLM spend per month."""

from __future__ import annotations

from comprehend.quiz.team import TeamReport

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> str:
    """One character per value on a 0..1 scale."""
    return "".join(BARS[min(int(v * len(BARS)), len(BARS) - 1)] for v in values)


def percent(x: float) -> str:
    return f"{x * 100:.1f}%"


def signed(x: float) -> str:
    return f"{x * 100:+.1f}"


def render_text(report: TeamReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    weeks = list(report.weeks)
    console.print(f"[bold]Comprehension debt[/] {percent(report.debt)} of the weighted code "
                  f"no current member is likely to understand; AI-written code {percent(report.debt_ai)}")
    if weeks:
        first = weeks[0]
        console.print(f"  trend {first.week}..{weeks[-1].week}  {sparkline([w.debt for w in weeks])}  "
                      f"{percent(first.debt)} -> {percent(weeks[-1].debt)}")
        last = weeks[-1]
        console.print(f"  this week ({last.week}): new code {signed(last.new_code)}, forgetting "
                      f"{signed(last.forgetting)}, repayment {signed(last.repayment)} points; "
                      f"{last.answers} answers")
    console.print(f"  {report.symbols} symbols, {report.lines} lines; {report.answers} answers in all; "
                  f"members from {'[team] members' if report.membership == 'config' else 'the last year of activity'}")
    console.print(f"  truck factor {report.truck_factor}: members who could leave before half "
                  "the weighted code is understood by nobody")

    table = Table(title="Modules with the most debt", title_justify="left")
    for col in ("module", "lines", "debt", "AI", "understood by"):
        table.add_column(col, justify="right" if col in ("lines", "debt", "AI") else "left")
    for m in report.modules[:10]:
        table.add_row(m.path, str(m.lines), percent(m.debt), percent(m.ai_share),
                      ", ".join(m.understood_by) or "nobody")
    console.print(table)

    if report.islands:
        islands = Table(title="Knowledge islands (one member understands it)", title_justify="left")
        for col in ("module", "only", "symbols", "lines"):
            islands.add_column(col)
        for i in report.islands[:10]:
            islands.add_row(i.module, i.member, str(i.symbols), str(i.lines))
        console.print(islands)

    members = Table(title="Members", title_justify="left")
    for col in ("member", "understands", "answers", "right"):
        members.add_column(col, justify="left" if col == "member" else "right")
    for r in report.members:
        members.add_row(r.email, percent(r.understood_share), str(r.answers), str(r.correct))
    if report.former:
        members.caption = "former: " + ", ".join(report.former)
    console.print(members)

    if report.spend:
        spend = Table(title="LLM spend per month (critic and quiz calls)", title_justify="left")
        for col in ("month", "cost", "tokens", "calls", "from cache"):
            spend.add_column(col, justify="left" if col == "month" else "right")
        for m in report.spend:
            spend.add_row(m.month, f"${m.cost_usd:.4f}", f"{m.tokens:,}", str(m.calls), str(m.cached))
        console.print(spend)
