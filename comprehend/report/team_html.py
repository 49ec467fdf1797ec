"""The team report as one self-contained HTML file: inline CSS and SVG, no script, nothing
fetched at view time. Charts: the weekly debt trend with its three parts, a module x member
heat map of understanding, the knowledge islands."""

from __future__ import annotations

from html import escape

from comprehend.quiz.team import TeamReport

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;
max-width:1100px;color:#1f2328;background:#fff;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.big{font-size:34px;font-weight:600}.muted{color:#59636e}.cards{display:flex;gap:16px;flex-wrap:wrap}
.card{border:1px solid #d1d9e0;border-radius:8px;padding:12px 16px;min-width:150px}
table{border-collapse:collapse;font-size:13px}td,th{padding:4px 8px;border-bottom:1px solid #eee;text-align:left}
th{font-weight:600}td.num{text-align:right}svg text{font:11px system-ui,sans-serif;fill:#1f2328}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
"""
_NEW, _FORGET, _REPAY, _LINE = "#d1242f", "#bf8700", "#1a7f37", "#0969da"


def render_html(report: TeamReport, name: str) -> str:
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>Comprehension debt: {escape(name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Comprehension debt: {escape(name)}</h1>",
        "<p class=muted>The share of weighted code (lines x rank x AI share) that no current "
        "member is likely to understand today, from quiz answers (FSRS recall) and authorship.</p>",
        '<div class=cards>',
        _card("debt now", f"{report.debt * 100:.1f}%"),
        _card("AI-written code", f"{report.debt_ai * 100:.1f}%"),
        _card("truck factor", str(report.truck_factor)),
        _card("answers", str(report.answers)),
        "</div>",
        "<h2>Debt week by week</h2>",
        f'<p class="legend muted">the line: debt; the bars: each week\'s change in points, '
        f'<span style="background:{_NEW}"></span>new code<span style="background:{_FORGET}">'
        f'</span>forgetting<span style="background:{_REPAY}"></span>repayment (answers)</p>',
        _trend(report),
        "<h2>Who understands which module</h2>",
        _heatmap(report),
        "<h2>Knowledge islands</h2>",
        _islands(report),
        "<h2>Members</h2>",
        _members(report),
        _spend(report),
        "</body></html>",
    ]
    return "\n".join(parts)


def _card(label: str, value: str) -> str:
    return f"<div class=card><div class=muted>{escape(label)}</div><div class=big>{escape(value)}</div></div>"


def _trend(report: TeamReport) -> str:
    """Two stacked charts over the same weeks: the debt (0-100%) as a line, then each
    week's change as three bars around a zero line."""
    weeks = list(report.weeks)
    if not weeks:
        return "<p class=muted>No weeks with code yet.</p>"
    width, left, right = 1040, 56, 16
    line_top, line_h = 12, 170
    bars_top, bars_h = line_top + line_h + 36, 150
    height = bars_top + bars_h + 28
    step = (width - left - right) / len(weeks)
    changes = [abs(v) for w in weeks for v in (w.new_code, w.forgetting, w.repayment)]
    scale = max(max(changes, default=0.0), 1e-9)
    zero = bars_top + bars_h / 2
    out = [f'<svg id=trend role=img aria-label="debt trend" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">']
    for frac in (0, 0.25, 0.5, 0.75, 1):
        y = line_top + (1 - frac) * line_h
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{int(frac * 100)}%</text>')
    points = []
    for i, w in enumerate(weeks):
        x = left + i * step + step / 2
        points.append(f"{x:.1f},{line_top + (1 - w.debt) * line_h:.1f}")
        for j, (value, color) in enumerate(((w.new_code, _NEW), (w.forgetting, _FORGET),
                                            (w.repayment, _REPAY))):
            h = abs(value) / scale * (bars_h / 2)
            bw = max(step / 3 - 2, 1)
            bx = left + i * step + 1 + j * (bw + 1)
            by = zero - h if value >= 0 else zero
            out.append(f'<rect class=part x="{bx:.1f}" y="{by:.1f}" width="{bw:.1f}" '
                       f'height="{h:.1f}" fill="{color}"><title>{escape(w.week)}: '
                       f'{value * 100:+.2f} points</title></rect>')
        if i % max(len(weeks) // 10, 1) == 0:
            out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">{escape(w.week)}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{zero}" y2="{zero}" stroke="#999"/>'
               f'<text x="{left - 6}" y="{bars_top + 4}" text-anchor="end">+{scale * 100:.1f} pts</text>'
               f'<text x="{left - 6}" y="{zero + 4}" text-anchor="end">0</text>'
               f'<text x="{left - 6}" y="{bars_top + bars_h + 4}" text-anchor="end">-{scale * 100:.1f} pts</text>')
    out.append(f'<polyline id=debt-line fill="none" stroke="{_LINE}" stroke-width="2.5" '
               f'points="{" ".join(points)}"/>')
    for i, w in enumerate(weeks):
        cx, cy = points[i].split(",")
        out.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{_LINE}"><title>{escape(w.week)}: '
                   f'debt {w.debt * 100:.1f}%</title></circle>')
    out.append("</svg>")
    return "".join(out)


def _heatmap(report: TeamReport) -> str:
    """Modules (rows, most debt first) x members (columns): each cell the member's weighted
    mean recall of the module, white (0) to dark blue (1), with the figure in the cell."""
    modules = [m for m in report.modules if m.lines > 0][:30]
    members = [m.email for m in report.members][:20]
    if not modules or not members:
        return "<p class=muted>No modules or no members.</p>"
    cell_w, cell_h, left = 64, 24, 240
    longest = max(len(m) for m in members)
    top = 16 + int(longest * 6.2 * 0.72)  # room for labels at -45 degrees
    width = left + cell_w * len(members) + longest * 5 + 20
    height = top + cell_h * len(modules) + 10
    out = [f'<svg id=heatmap role=img aria-label="understanding heat map" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}">']
    for j, member in enumerate(members):
        x = left + j * cell_w + cell_w / 2
        out.append(f'<text transform="translate({x:.0f},{top - 6}) rotate(-45)">{escape(member)}</text>')
    for i, module in enumerate(modules):
        y = top + i * cell_h
        out.append(f'<text x="{left - 8}" y="{y + cell_h * 0.68:.0f}" text-anchor="end">'
                   f'{escape(module.path)}</text>')
        recall = dict(module.recall)
        for j, member in enumerate(members):
            r = recall.get(member, 0.0)
            red, green, blue = (int(255 - r * (255 - c)) for c in (9, 105, 218))
            ink = "#fff" if r > 0.55 else "#1f2328"
            x = left + j * cell_w
            out.append(f'<rect class=cell x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                       f'fill="rgb({red},{green},{blue})" stroke="#e5e7eb"><title>{escape(member)}: '
                       f'recall {r * 100:.0f}% of {escape(module.path)}</title></rect>'
                       f'<text x="{x + cell_w / 2 - 1}" y="{y + cell_h * 0.68:.0f}" '
                       f'text-anchor="middle" style="fill:{ink}">{r * 100:.0f}</text>')
    out.append("</svg>")
    return "".join(out)


def _islands(report: TeamReport) -> str:
    if not report.islands:
        return "<p class=muted>No code that exactly one member understands.</p>"
    rows = "".join(f"<tr><td>{escape(i.module)}</td><td>{escape(i.member)}</td>"
                   f"<td class=num>{i.symbols}</td><td class=num>{i.lines}</td></tr>"
                   for i in report.islands)
    return f"<table id=islands><tr><th>module</th><th>only</th><th>symbols</th><th>lines</th></tr>{rows}</table>"


def _members(report: TeamReport) -> str:
    rows = "".join(f"<tr><td>{escape(m.email)}</td><td class=num>{m.understood_share * 100:.1f}%</td>"
                   f"<td class=num>{m.answers}</td><td class=num>{m.correct}</td></tr>"
                   for m in report.members)
    former = (f"<p class=muted>Former: {escape(', '.join(report.former))}</p>" if report.former else "")
    return (f"<table><tr><th>member</th><th>understands</th><th>answers</th><th>right</th></tr>"
            f"{rows}</table>{former}")


def _spend(report: TeamReport) -> str:
    if not report.spend:
        return ""
    rows = "".join(f"<tr><td>{escape(m.month)}</td><td class=num>${m.cost_usd:.4f}</td>"
                   f"<td class=num>{m.tokens:,}</td><td class=num>{m.calls}</td>"
                   f"<td class=num>{m.cached}</td></tr>" for m in report.spend)
    return ("<h2>LLM spend per month</h2><p class=muted>Every model call of the critic and "
            "the quiz, from the audit trail (llm_calls); answers from the cache cost nothing.</p>"
            "<table id=llm-spend><tr><th>month</th><th>cost</th><th>tokens</th><th>calls</th>"
            f"<th>from cache</th></tr>{rows}</table>")
