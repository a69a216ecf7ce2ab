"""`ar-cli era show`: read an 835 remittance like a paper EOB, without posting it.

The report (ar_cli/reports/era_eob.py) builds one nested value; this module renders it
as Rich tables on a terminal, as JSON, or as CSV (one row per adjustment).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import reads_ledger_if_any
from ar_cli.cli.options import FormatOption, IncludePhiOption, OutputOption, OverwriteOption
from ar_cli.cli.state import state

app = typer.Typer(help="Remittances (835 ERA files): read one without posting it.", no_args_is_help=True)


@app.command("show")
@reads_ledger_if_any
def show(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="An 835 remittance file (X12 5010, or 4010).")],
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """Show a remittance like a paper EOB: the payment, each claim with its lines,
    adjustments (and what posting will do with each), remark codes, provider-level
    adjustments and whether the payment balances. Nothing is posted.

    JSON gives the parsed structure; CSV gives one row per adjustment.
    """
    from ar_cli.cli.codes import knowledge_for
    from ar_cli.cli.render import deliver, emit, format_for, on_terminal, shows_phi, table_text
    from ar_cli.reports.era_eob import eob_adjustments, eob_tree
    from ar_cli.x12.remittance_835 import read_remittances

    remittances = read_remittances(file)  # a bad file stops here: X12Error, exit 2, nothing opened
    knowledge = knowledge_for(state(ctx))
    for remittance in remittances:
        for warning in remittance.warnings:
            sys.stderr.write(f"warning: {warning}\n")
    name = f"era_{Path(file.name).stem}"
    fmt = format_for(fmt, output)
    if fmt == OutputFormat.csv:
        # render.emit masks PHI columns itself, so it gets the names unmasked.
        emit(
            eob_adjustments(eob_tree(file.name, remittances, knowledge, include_phi=True)),
            fmt=OutputFormat.csv,
            output=output,
            include_phi=include_phi,
            overwrite=overwrite,
            name=name,
        )
        return
    # PHI is shown on a terminal and masked in anything written (a file or a pipe).
    phi = shows_phi(include_phi, output)
    tree = eob_tree(file.name, remittances, knowledge, include_phi=phi)
    claims = sum(len(r["claims"]) for r in tree["remittances"])
    if fmt == OutputFormat.json:
        deliver(
            to_json(tree),
            output=output,
            default_name=f"{name}.json",
            phi=phi and claims > 0,
            overwrite=overwrite,
            fmt="json",
            rows=claims,
        )
        return
    if output is None and on_terminal():
        _print_tables(tree)
        return
    deliver(
        table_text(lambda console: _print_tables(tree, console)),
        output=output,
        default_name=f"{name}.txt",
        phi=phi and claims > 0,
        overwrite=overwrite,
        fmt="table",
        rows=claims,
    )


def to_json(tree: Any) -> str:
    """The tree as JSON: money with two decimals, dates ISO."""
    from ar_cli.reports.era_eob import Money
    from ar_cli.reports.output import json_with_money, money_number

    def convert(value: Any) -> Any:
        if isinstance(value, Money):
            return money_number(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [convert(item) for item in value]
        return value

    return json_with_money(convert(tree))


# -- Rich tables -----------------------------------------------------------------------
# Every cell is a rich Text, never a str: a str would be read as Rich markup, and text
# from a payer's file ("[N]") must be shown as sent, not interpreted.


def _print_tables(tree: dict[str, Any], console=None) -> None:
    from rich.text import Text

    if console is None:
        from ar_cli.cli.console import stdout_console

        console = stdout_console()
    for r in tree["remittances"]:
        console.print(Text(f"{r['file']} · transaction {r['control_number']}", style="bold"))
        console.print(_header_table(r))
        for claim in r["claims"]:
            console.print()
            _print_claim(console, claim)
        if r["provider_adjustments"]:
            console.print()
            console.print(Text("Provider-level adjustments (positive: kept by the payer)", style="bold"))
            console.print(_plb_table(r["provider_adjustments"]))
        codes = _codes_table(r)
        if codes.row_count:
            console.print()
            console.print(Text("Codes on this remittance", style="bold"))
            console.print(codes)
        console.print()


def _money(cents: int) -> str:
    from ar_cli.domain.money import format_money

    return format_money(cents)


def _day(value: date | None, raw: str = "") -> str:
    if value is not None:
        return value.isoformat()
    return f"{raw} (not a date)" if raw else ""


def _pairs_table(rows: list[tuple[str, str]]):
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("value")
    for label, value in rows:
        table.add_row(Text(label), Text(value))
    return table


def _header_table(r: dict[str, Any]):
    bal = r["balancing"]
    balance = (
        "balances"
        if bal["balances"]
        else (
            f"does not balance: payment {_money(bal['payment'])} vs claim payments "
            f"{_money(bal['claim_payments'])} − provider adjustments {_money(bal['provider_adjustments'])}"
            f" (difference {_money(bal['difference'])})"
        )
    )
    payee = r["payee"]
    payee_ids = [f"NPI {payee['npi']}" if payee["npi"] else "", f"tax id {payee['tax_id']}" if payee["tax_id"] else ""]
    totals = r["totals"]
    return _pairs_table(
        [
            ("Payer", f"{r['payer']['name']} ({r['payer']['id']})" if r["payer"]["id"] else r["payer"]["name"]),
            ("Payee", " · ".join(x for x in [payee["name"], *payee_ids] if x)),
            ("Check/EFT number", r["trace_number"]),
            ("Method", f"{r['method_name']} · {r['handling_name']}"),
            ("Amount", _money(r["amount"])),
            ("Payment date", _day(r["payment_date"], r["payment_date_text"])),
            (
                "Claims",
                f"{totals['claims']} · charged {_money(totals['charge'])} · paid {_money(totals['paid'])}"
                f" · patient responsibility {_money(totals['patient_responsibility'])}",
            ),
            ("Balancing", balance),
        ]
    )


def _adjustment_text(a: dict[str, Any]) -> str:
    from ar_cli.domain.codes.treatments import DenialCategory

    what = a["treatment"] + (f" · {DenialCategory(a['category']).label}" if a["category"] else "")
    return f"{a['code']} {_money(a['amount'])} {what}"


def _print_claim(console, c: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"Claim {c['claim_number']} · status {c['status']}: {c['status_text']}", style="bold"))
    summary = (
        f"patient {c['patient_name'] or '-'} · payer claim number {c['payer_claim_number'] or '-'}"
        f" · charge {_money(c['charge'])} · paid {_money(c['paid'])} · patient responsibility "
        f"{_money(c['patient_responsibility'])}"
    )
    if c["remark_codes"]:
        summary += " · remarks " + " ".join(m["code"] for m in c["remark_codes"])
    if not c["balancing"]["balances"]:
        summary += f" · does not balance by {_money(c['balancing']['difference'])}"
    console.print(Text(summary))
    table = Table(header_style="bold")
    for name, right in (
        ("Line", True),
        ("Procedure", False),
        ("Service", False),
        ("Units", True),
        ("Charge", True),
        ("Paid", True),
        ("Adjustments: what posting does", False),
        ("Remarks", False),
    ):
        table.add_column(name, justify="right" if right else "left")
    if c["adjustments"]:
        table.add_row(*map(Text, ("claim", "", "", "", "", "", "\n".join(map(_adjustment_text, c["adjustments"])), "")))
    for ln in c["lines"]:
        procedure = ":".join([ln["procedure"], *ln["modifiers"]])
        if ln["original_procedure"]:
            procedure += f" (billed {':'.join([ln['original_procedure'], *ln['original_modifiers']])})"
        service = _day(ln["service_from"])
        if ln["service_to"] and ln["service_to"] != ln["service_from"]:
            service += f" – {_day(ln['service_to'])}"
        adjustments = "\n".join(map(_adjustment_text, ln["adjustments"]))
        if not ln["balancing"]["balances"]:
            adjustments += f"\n(line does not balance by {_money(ln['balancing']['difference'])})"
        table.add_row(
            *map(
                Text,
                (
                    str(ln["line"]),
                    procedure,
                    service,
                    "" if ln["units"] is None else str(ln["units"]),
                    _money(ln["charge"]),
                    _money(ln["paid"]),
                    adjustments.strip(),
                    " ".join(m["code"] for m in ln["remark_codes"]),
                ),
            )
        )
    if table.row_count:
        console.print(table)


def _plb_table(adjustments: list[dict[str, Any]]):
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for name in ("Provider", "Reason", "Reference", "Amount"):
        table.add_column(name, justify="right" if name == "Amount" else "left")
    for p in adjustments:
        reason = f"{p['reason_code']} {p['reason']}".strip()
        table.add_row(*map(Text, (p["provider_id"], reason, p["reference"], _money(p["amount"]))))
    return table


def _codes_table(r: dict[str, Any]):
    """The codes on this remittance with their meaning, as a paper EOB prints at the foot."""
    seen: dict[str, str] = {}
    for c in r["claims"]:
        for a in [*c["adjustments"], *(a for ln in c["lines"] for a in ln["adjustments"])]:
            seen.setdefault(a["reason_code"], a["reason"])
        for m in [*c["remark_codes"], *(m for ln in c["lines"] for m in ln["remark_codes"])]:
            seen.setdefault(m["code"], m["text"])
    return _pairs_table(list(seen.items()))
