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
        console.print(
            f"{len(result.exception_ids)} row(s) differ from the ledger and were held: see `ar-cli exceptions list`"
        )
    elif result.claims_new == 0 and result.lines_added_to_existing == 0:
        console.print("Nothing new: every row is already in the ledger.")


def print_era_results(results) -> None:
    """One row per remittance transaction: what happened and where the money went."""
    from rich.table import Table

    from ar_cli.cli.boundary import say_error
    from ar_cli.cli.console import stdout_console

    table = Table(
        title="Remittances" + (" (dry run: nothing was posted)" if any(r.dry_run for r in results) else ""),
        title_justify="left",
    )
    for title in (
        "File",
        "Trace",
        "Payer",
        "Status",
        "Amount",
        "Claims",
        "Paid",
        "Written down",
        "To patient",
        "To next payer",
        "Left denied",
        "Interest",
        "Unapplied",
    ):
        right = title not in ("File", "Trace", "Payer", "Status", "Claims")
        table.add_column(title, justify="right" if right else "left")
    for result in results:
        name = result.file.rsplit("/", 1)[-1]
        for r in result.remittances:
            table.add_row(
                name,
                r.trace_number,
                r.payer,
                r.status,
                format_money(r.amount),
                _outcomes(r),
                format_money(r.money_paid),
                format_money(r.money_written_down),
                format_money(r.money_to_patient),
                format_money(r.money_to_next_payer),
                format_money(r.money_denied),
                format_money(r.money_interest),
                format_money(r.money_unapplied),
            )
    console = stdout_console()
    console.print(table)
    for result in results:
        if result.error:
            say_error(result.error)
        _say_warnings(result)
        for r in result.remittances:
            if r.status == "rejected":
                console.print(
                    f"{result.file}: {_named(r)}: rejected, does not balance by "
                    f"{format_money(r.difference)}; see `ar-cli exceptions list`"
                )
            elif r.status == "skipped":
                console.print(f"{result.file}: {_named(r)}: already posted; skipped")
            elif r.status == "conflict":
                console.print(f"{result.file}: {_named(r)}: posted before with other content; held")
            elif r.status == "forced":
                console.print(
                    f"{result.file}: {_named(r)}: forced; the difference "
                    f"{format_money(r.difference)} is held in the payer's unapplied account"
                )
            elif r.status == "notification":
                console.print(f"{result.file}: {_named(r)}: notification only (BPR01 H): adjudication posted, no money")
                if r.amount:
                    sys.stderr.write(
                        f"warning: {result.file}: {_named(r)}: BPR01 H (notification "
                        f"only) with BPR02 {format_money(r.amount)}: not booked as cash\n"
                    )
            if r.denials_repeated:
                console.print(
                    f"{result.file}: {_named(r)}: {r.denials_repeated} denial(s) said again: "
                    "noted on the open denials, none opened"
                )
            if r.exception_ids:
                console.print(
                    f"{result.file}: {_named(r)}: {len(r.exception_ids)} exception(s) to work: `ar-cli exceptions list`"
                )


_WARNINGS_SHOWN = 20  # per file: a payer's habit repeated on every claim is not 100,000 lines


def _say_warnings(result) -> None:
    """The file's warnings (the reader's and posting's) on stderr, each naming the file."""
    import sys

    name = result.file.rsplit("/", 1)[-1]
    said = [w if w.startswith(f"{name}: ") else f"{name}: {w}" for r in result.remittances for w in r.warnings]
    for line in said[:_WARNINGS_SHOWN]:
        sys.stderr.write(f"warning: {line}\n")
    if len(said) > _WARNINGS_SHOWN:
        sys.stderr.write(
            f"warning: {name}: … and {len(said) - _WARNINGS_SHOWN} more warnings "
            f"(`ar-cli era show {name}` lists the file's own)\n"
        )


def _named(r) -> str:
    """How a line names the remittance: by its trace number (TRN02), or by its
    transaction control number (ST02) when the 835 has no TRN."""
    if r.trace_number:
        return f"trace {r.trace_number}"
    if r.control_number:
        from ar_cli.x12.envelope import shown

        return f"transaction {shown(r.control_number)} (no trace number)"
    return "remittance with no trace number"


def _outcomes(r) -> str:
    parts = [f"{r.claims}"]
    for count, label in (
        (r.paid_in_full, "paid"),
        (r.partially_paid, "partial"),
        (r.denied, "denied"),
        (r.reversed, "reversed"),
        (r.crossed_over, "crossover"),
        (r.unmatched, "unmatched"),
        (r.parked - r.unmatched, "held"),
    ):
        if count:
            parts.append(f"{count} {label}")
    return parts[0] + (" (" + ", ".join(parts[1:]) + ")" if len(parts) > 1 else "")
