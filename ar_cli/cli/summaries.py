"""End-of-run summaries for the write commands (a small table each)."""

from __future__ import annotations

from ar_cli.domain.money import format_money


def print_claims_import(result) -> None:
    from rich.table import Table

    from ar_cli.cli.console import stdout_console

    table = Table(title=f"Imported {result.file}", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (
        ("rows read", f"{result.rows:,}"),
        ("new claims", f"{result.claims_new:,}"),
        ("new lines (charges)", f"{result.lines_new:,}"),
        ("charges posted", format_money(result.charges_new)),
        ("lines added to existing claims", f"{result.lines_added_to_existing:,}"),
        ("claims already in the ledger, unchanged", f"{result.claims_unchanged:,}"),
        ("payers created", f"{result.payers_created:,}"),
        ("patients created", f"{result.patients_created:,}"),
        ("conflicts held as exceptions", f"{len(result.exception_ids):,}"),
    ):
        table.add_row(label, value)
    console = stdout_console()
    console.print(table)
    if result.exception_ids:
        console.print(f"{len(result.exception_ids)} row(s) differ from the ledger and were held: "
                      "see `ar-cli exceptions list`")
    elif result.claims_new == 0 and result.lines_added_to_existing == 0:
        console.print("Nothing new: every row is already in the ledger.")
