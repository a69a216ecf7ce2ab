"""The nightly report as one self-contained HTML page: inline CSS and SVG charts, no
script and no network, so it opens from a mail attachment or a shared folder.

Charts are plain SVG bars drawn here (aging by payer and bucket, cash per week, denial
rate by category) and KPI tiles; every number also appears as text beside its bar.
PHI never appears: the page shows payers, buckets and totals only.
"""

from __future__ import annotations

from html import escape

from ar_cli.domain.kpis import Unit
from ar_cli.domain.money import format_money
from ar_cli.reports.nightly import Nightly

# Warmer for older buckets, as on the terminal.
BUCKET_COLOURS = ["#4e9a06", "#8ae234", "#edd400", "#f57900", "#cc0000", "#a40000", "#5c3566", "#2e3436"]
BAR_W = 420


def render_page(night: Nightly) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>ar-cli nightly report {night.as_of.isoformat()}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Nightly report — {night.as_of.isoformat()}</h1>",
        _attention(night),
        _tiles(night),
        _aging_chart(night),
        _cash_chart(night),
        _denial_chart(night),
        '<p class="foot">Written by ar-cli. The CSV files beside this page hold every row.</p>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _attention(night: Nightly) -> str:
    if not night.new:
        return '<section class="ok"><h2>Nothing new needs a human</h2></section>'
    items = "".join(f"<li>{escape(line)}</li>" for line in night.new)
    return f'<section class="alert"><h2>Needs a human</h2><ul>{items}</ul></section>'


def _kpi_value(kpi) -> str:
    if kpi.value is None:
        return "—"
    if kpi.unit == Unit.RATIO:
        return f"{float(kpi.value) * 100:.1f}%"
    return f"{float(kpi.value):.1f} days"


def _tiles(night: Nightly) -> str:
    total = night.aging.total
    tiles = [
        ("Accounts receivable", format_money(total.total)),
        ("Open exceptions", str(len(night.exceptions.rows))),
        ("Open denials", str(len(night.denials.rows))),
    ]
    tiles += [(k.name, _kpi_value(k)) for k in night.kpis.kpis if ":" not in k.key]
    cells = "".join(
        f'<div class="tile"><div class="v">{escape(v)}</div><div class="k">{escape(name)}</div></div>'
        for name, v in tiles
    )
    return f'<section><h2>KPIs (last 90 days)</h2><div class="tiles">{cells}</div></section>'


def _aging_chart(night: Nightly) -> str:
    aging = night.aging
    edges = aging.edges
    keys = [edges.key(i) for i in range(edges.count)]
    rows = [r for r in aging.report.rows if r.get("total")]
    widest = max((r["total"] for r in rows), default=0) or 1
    height = 26 * len(rows) + 30
    svg = [f'<svg role="img" aria-label="Aging by payer and bucket" width="{BAR_W + 330}" height="{height}">']
    for n, row in enumerate(rows):
        y = 10 + n * 26
        label = str(row.get(aging.label_keys[0]) or "")
        svg.append(f'<text x="0" y="{y + 14}" class="l">{escape(label)}</text>')
        x = 110.0
        for i, key in enumerate(keys):
            amount = row.get(key) or 0
            if amount <= 0:
                continue
            w = BAR_W * amount / widest
            svg.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" fill="{BUCKET_COLOURS[i % 8]}">'
                f"<title>{escape(label)} {escape(edges.label(i))}: {escape(format_money(amount))}</title></rect>"
            )
            x += w
        svg.append(f'<text x="{x + 6:.1f}" y="{y + 14}" class="n">{escape(format_money(row["total"]))}</text>')
    svg.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{BUCKET_COLOURS[i % 8]}"></i>{escape(edges.label(i))} days</span>'
        for i in range(edges.count)
    )
    over = night.over_90_share
    note = f"AR over 90 days: {format_money(aging.total.over)}" + (f" ({over:.1%})" if over is not None else "")
    return (
        f'<section><h2>Aging by payer</h2><div class="legend">{legend}</div>{"".join(svg)}'
        f"<p>{escape(note)}</p></section>"
    )


def _bars(title: str, label: str, items: list[tuple[str, float, str]]) -> str:
    """Horizontal bars: (label, value, text shown)."""
    widest = max((v for _, v, _ in items), default=0) or 1
    svg = [f'<svg role="img" aria-label="{escape(label)}" width="{BAR_W + 330}" height="{26 * len(items) + 20}">']
    for n, (name, value, text) in enumerate(items):
        y = 10 + n * 26
        w = BAR_W * max(value, 0) / widest
        svg.append(f'<text x="0" y="{y + 14}" class="l">{escape(name)}</text>')
        svg.append(f'<rect x="110" y="{y}" width="{w:.1f}" height="18" fill="#3465a4"></rect>')
        svg.append(f'<text x="{116 + w:.1f}" y="{y + 14}" class="n">{escape(text)}</text>')
    svg.append("</svg>")
    return f"<section><h2>{escape(title)}</h2>{''.join(svg)}</section>"


def _cash_chart(night: Nightly) -> str:
    items = [(r["week"].isoformat(), r["total"], format_money(r["total"])) for r in night.cash.rows]
    return _bars("Cash collected per week", "Cash collected per week", items)


def _denial_chart(night: Nightly) -> str:
    items = [
        (str(r["category"]), float(r["rate"] or 0), f"{(r['rate'] or 0) * 100:.1f}% · {r['denials']} denials")
        for r in night.denial_rates.rows
    ]
    if not items:
        return "<section><h2>Denial rate by category</h2><p>No claims adjudicated in the last 90 days.</p></section>"
    return _bars("Denial rate by category (last 90 days)", "Denial rate by category", items)


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222;max-width:900px}
h1{font-size:1.5em}h2{font-size:1.1em;margin-top:1.6em}
.tiles{display:flex;flex-wrap:wrap;gap:10px}
.tile{border:1px solid #ccc;border-radius:6px;padding:10px 14px;min-width:150px}
.tile .v{font-size:1.4em;font-weight:600}.tile .k{font-size:.8em;color:#555}
.alert{background:#fdecea;border-left:4px solid #cc0000;padding:6px 14px}
.ok{background:#eef7e9;border-left:4px solid #4e9a06;padding:6px 14px}
svg text.l{font-size:12px}svg text.n{font-size:11px;fill:#333}
.legend span{margin-right:12px;font-size:.85em}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.foot{color:#777;font-size:.8em;margin-top:2em}
"""
