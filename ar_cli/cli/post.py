"""`ar-cli post`: post money — remittances (835 ERAs), payments by hand and deposit
batches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ar_cli.cli.ledger_use import changes_ledger, creates_ledger
from ar_cli.cli.options import PostingDateOption
from ar_cli.cli.state import limited, parse_date, state, today

app = typer.Typer(help="Post payments: 835 remittances (ERA), payments by hand, deposit batches.", no_args_is_help=True)


@app.command("era")
@creates_ledger
def era(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="835 files, or directories of them.")],
    posting_date: PostingDateOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would post; change nothing.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Post a remittance that does not balance (flagged as forced).")
    ] = False,
    create_claims: Annotated[
        bool, typer.Option("--create-claims", help="Create claims the ledger lacks from the 835 itself.")
    ] = False,
) -> None:
    """Post 835 remittances: each file is one transaction; a repeat is skipped.

    Unmatched claims, mismatched payers or patients and unbalanced claims are held as
    exceptions with their money in the payer's unapplied account (exit 1); a remittance
    whose BPR02 does not tie to its claims and PLBs is rejected whole (exit 1). A file
    that is not readable X12 posts nothing (exit 2 when no file posted).
    """
    from ar_cli.cli.progress import progress_reporter
    from ar_cli.cli.summaries import print_era_results
    from ar_cli.domain.errors import InputError
    from ar_cli.services.era.files import post_era_files

    st = state(ctx)
    when = parse_date(posting_date, "--posting-date") or today()
    with progress_reporter("Posting remittances") as progress:
        results = post_era_files(
            st.ledger(),
            files,
            actor=st.actor(),
            posting_date=when,
            dry_run=dry_run,
            force=force,
            create_claims=create_claims,
            progress=progress,
        )
    print_era_results(results)
    if results and all(r.error for r in results):
        raise InputError("\n".join(r.error for r in results))
    if any(r.needs_attention for r in results):
        raise typer.Exit(1)


@app.command("payment")
@changes_ledger
def payment(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="The claim number the payment is for.")],
    amount: Annotated[
        str, typer.Option("--amount", help="Amount paid (e.g. 40.00; 0 for an EOB with adjustments only).")
    ],
    method: Annotated[str, typer.Option("--method", help="How it was paid: check, eft, card or cash.")],
    reference: Annotated[str, typer.Option("--reference", help="Check number, EFT trace or receipt number.")],
    paid_on: Annotated[
        str, typer.Option("--date", help="Date of the check, EFT or payment (YYYY-MM-DD): the entries' effective date.")
    ],
    payer: Annotated[
        str | None,
        typer.Option("--payer", help="The paying payer (code, alias or name); it must be a coverage on the claim."),
    ] = None,
    patient: Annotated[bool, typer.Option("--patient", help="The patient paid (instead of --payer).")] = False,
    line: Annotated[int | None, typer.Option("--line", help="The claim line number the payment is for.")] = None,
    adjust: Annotated[
        list[str] | None,
        typer.Option(
            "--adjust",
            help="An adjustment from the EOB, GROUP-CARC=AMOUNT (CO-45=12.50); repeat for more. "
            "Applied through the treatment table.",
        ),
    ] = None,
    posting_date: PostingDateOption = None,
) -> None:
    """Post a payment by hand: a paper EOB (--payer) or a patient payment (--patient).

    The payment lowers what that payer (or the patient) owes; each --adjust is applied
    as the treatment table says (CO-45 written down, PR-2 moved to the next coverage or
    the patient, a denial code such as CO-50 left open and a denial opened, as for an
    ERA: on --line, else the claim, for at most what the payer still holds there beyond
    its open denials, its appeal clock starting at --date). A payment plus adjustments
    larger than what is owed is refused. A repeat (same claim, payer, reference, date
    and amount) is skipped. A payer's payment on a denied line (--line; any payment, for
    a claim-level denial) overturns that payer's denials there, as an ERA payment does.
    Bad input changes nothing (exit 2).
    """
    from ar_cli.domain.errors import InputError
    from ar_cli.domain.posting.manual_payment import parse_adjustment, parse_amount, parse_method
    from ar_cli.reports.posting import describe
    from ar_cli.services.posting.manual import ManualPayment, post_payment

    if patient == (payer is not None):
        raise InputError("give exactly one of --payer PAYER or --patient")

    def _opt(option: str, parse, text: str):
        try:
            return parse(text)
        except InputError as exc:
            raise InputError(f"{option}: {exc}") from None

    from ar_cli.domain.field_limits import PAYMENT_REFERENCE

    limited(reference, PAYMENT_REFERENCE, "--reference")
    cents = _opt("--amount", parse_amount, amount)
    how = _opt("--method", parse_method, method)
    adjustments = tuple(_opt("--adjust", parse_adjustment, a) for a in adjust or ())
    if line is not None and line < 1:
        raise InputError(f"--line: {line} is not a line number")
    day = parse_date(paid_on, "--date")
    st = state(ctx)
    when = parse_date(posting_date, "--posting-date") or today()
    result = post_payment(
        st.ledger(),
        ManualPayment(
            claim_number=claim,
            amount=cents,
            payer=payer,
            method=how,
            reference=reference,
            paid_on=day,
            line=line,
            adjustments=adjustments,
        ),
        actor=st.actor(),
        posting_date=when,
    )
    typer.echo(describe(result))


@app.command("batch")
@changes_ledger
def batch(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: claim_number, amount, payer (empty: patient), method, reference, date[, line, adjustments]."
        ),
    ],
    deposit_total: Annotated[
        str, typer.Option("--deposit-total", help="The deposit's total: the rows must add up to it.")
    ],
    posting_date: PostingDateOption = None,
) -> None:
    """Post a deposit of many payments from a CSV: all or nothing.

    Every bad row is named with its line number and nothing posts (exit 2); so too when
    the rows do not add up to --deposit-total. Rows already posted (same claim, payer,
    reference, date and amount) are skipped and counted. Denial codes in the
    adjustments column open denials as `post payment` does.
    """
    from ar_cli.domain.errors import InputError
    from ar_cli.domain.money import cents_to_text
    from ar_cli.domain.posting.manual_payment import parse_amount
    from ar_cli.reports.posting import describe
    from ar_cli.services.posting.batch import post_batch

    try:
        total = parse_amount(deposit_total)
    except InputError as exc:
        raise InputError(f"--deposit-total: {exc}") from None
    st = state(ctx)
    when = parse_date(posting_date, "--posting-date") or today()
    result = post_batch(st.ledger(), file, deposit_total=total, actor=st.actor(), posting_date=when)
    for posted in result.payments:
        typer.echo(describe(posted))
    typer.echo(
        f"{file.name}: {result.rows} rows, deposit {cents_to_text(result.total)}: {result.posted} posted, "
        f"{result.skipped} already posted (skipped); paid {cents_to_text(result.paid)}, written down "
        f"{cents_to_text(result.written_down)}, moved {cents_to_text(result.transferred)}"
        + (f"; {result.opened} denial{'s' if result.opened != 1 else ''} opened" if result.opened else "")
    )
