"""End-of-run summaries for the write commands (a small table each)."""

from __future__ import annotations

import sys

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


def print_era_results(results) -> None:
    """One row per remittance transaction: what happened and where the money went."""
    from rich.table import Table

    from ar_cli.cli.boundary import say_error
    from ar_cli.cli.console import stdout_console

    table = Table(title="Remittances" + (" (dry run: nothing was posted)" if any(r.dry_run for r in results) else ""),
                  title_justify="left")
    for title in ("File", "Trace", "Payer", "Status", "Amount", "Claims", "Paid", "Written down",
                  "To patient", "To next payer", "Left denied", "Interest", "Unapplied"):
        right = title not in ("File", "Trace", "Payer", "Status", "Claims")
        table.add_column(title, justify="right" if right else "left")
    for result in results:
        name = result.file.rsplit("/", 1)[-1]
        for r in result.remittances:
            table.add_row(name, r.trace_number, r.payer, r.status, format_money(r.amount), _outcomes(r),
                          format_money(r.money_paid), format_money(r.money_written_down),
                          format_money(r.money_to_patient), format_money(r.money_to_next_payer),
                          format_money(r.money_denied), format_money(r.money_interest),
                          format_money(r.money_unapplied))
    console = stdout_console()
    console.print(table)
    for result in results:
        if result.error:
            say_error(result.error)
        for r in result.remittances:
            if r.status == "rejected":
                console.print(f"{result.file}: trace {r.trace_number}: rejected, does not balance by "
                              f"{format_money(r.difference)}; see `ar-cli exceptions list`")
            elif r.status == "skipped":
                console.print(f"{result.file}: trace {r.trace_number}: already posted; skipped")
            elif r.status == "conflict":
                console.print(f"{result.file}: trace {r.trace_number}: posted before with other content; held")
            elif r.status == "forced":
                console.print(f"{result.file}: trace {r.trace_number}: forced; the difference "
                              f"{format_money(r.difference)} is held in the payer's unapplied account")
            elif r.status == "notification":
                console.print(f"{result.file}: trace {r.trace_number}: notification only (BPR01 H): "
                              "adjudication posted, no money")
                if r.amount:
                    sys.stderr.write(f"warning: {result.file}: trace {r.trace_number}: BPR01 H (notification "
                                     f"only) with BPR02 {format_money(r.amount)}: not booked as cash\n")
            if r.denials_repeated:
                console.print(f"{result.file}: trace {r.trace_number}: {r.denials_repeated} denial(s) said again: "
                              "noted on the open denials, none opened")
            if r.exception_ids:
                console.print(f"{result.file}: trace {r.trace_number}: {len(r.exception_ids)} exception(s) to work: "
                              "`ar-cli exceptions list`")


def _outcomes(r) -> str:
    parts = [f"{r.claims}"]
    for count, label in ((r.paid_in_full, "paid"), (r.partially_paid, "partial"), (r.denied, "denied"),
                         (r.reversed, "reversed"), (r.crossed_over, "crossover"), (r.unmatched, "unmatched"),
                         (r.parked - r.unmatched, "held")):
        if count:
            parts.append(f"{count} {label}")
    return parts[0] + (" (" + ", ".join(parts[1:]) + ")" if len(parts) > 1 else "")
