"""`ar-cli denials`: the denials posting opened — list, show, appeal, resolve, trends, flags."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import (
    AsOfOption,
    FormatOption,
    FromOption,
    IncludePhiOption,
    OutputOption,
    OverwriteOption,
    PostingDateOption,
    ToOption,
)
from ar_cli.cli.state import parse_date, state, today

app = typer.Typer(
    help="Denials: list and show them, appeal and resolve them, trends and risk flags.", no_args_is_help=True
)

ClaimArg = Annotated[str, typer.Argument(metavar="CLAIM", help="Claim number.")]
LineOption = Annotated[
    int | None,
    typer.Option(
        "--line", help="Only the denials on this claim line number (default: every denied line of the coverage)."
    ),
]
NoteOption = Annotated[str | None, typer.Option("--note", help="What was done or sent; kept as a note on the claim.")]


@app.command("list")
@reads_ledger
def list_(
    ctx: typer.Context,
    category: Annotated[
        str | None,
        typer.Option(
            help="Only this category (eligibility, authorization, coding, bundling, medical_necessity, "
            "timely_filing, duplicate, missing_info, coordination_of_benefits, credentialing, non_covered, other)."
        ),
    ] = None,
    payer: Annotated[str | None, typer.Option(help="Only this payer (its code, e.g. ACME1).")] = None,
    status: Annotated[
        str,
        typer.Option(
            help="workable (open, appealed, upheld: the default), all, or one status: open, appealed, upheld, "
            "overturned, resolved, superseded."
        ),
    ] = "workable",
    older_than: Annotated[
        int | None, typer.Option("--older-than", help="Only denials at least this many days old.", min=0)
    ] = None,
    min_amount: Annotated[
        str | None, typer.Option("--min-amount", help="Only denials with at least this much at stake (e.g. 100.00).")
    ] = None,
    by_category: Annotated[
        bool, typer.Option("--by-category", help="One row per category with its count, money at stake and next action.")
    ] = False,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """List denials sorted by money at stake (largest first), with each one's next action."""
    from ar_cli.cli.render import emit
    from ar_cli.reports.denials.lists import category_report, list_report
    from ar_cli.reports.denials.queries import DenialFilter, parse_category, parse_status

    flt = DenialFilter(
        category=parse_category(category),
        payer=payer,
        status=parse_status(status),
        older_than=older_than,
        min_amount=_cents(min_amount, "--min-amount"),
        as_of=parse_date(as_of, "--as-of") or today(),
    )
    if by_category:
        report = category_report(state(ctx).ledger(), flt)
    else:
        on_screen = fmt == OutputFormat.table and output is None
        report = list_report(state(ctx).ledger(), flt, next_action_column=not on_screen)
    emit(report, fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite)


@app.command("show")
@reads_ledger
def show(
    ctx: typer.Context,
    claim: ClaimArg,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """Every denial on one claim: codes, money, status, appeal level and deadline, next action."""
    from ar_cli.cli.render import emit
    from ar_cli.reports.denials.lists import claim_report

    report = claim_report(state(ctx).ledger(), claim, parse_date(as_of, "--as-of") or today())
    emit(report, fmt=fmt, output=output, include_phi=include_phi, overwrite=overwrite)


@app.command("appeal")
@changes_ledger
def appeal(
    ctx: typer.Context,
    claim: ClaimArg,
    note: Annotated[str, typer.Option("--note", help="What the appeal sends (kept as a note on the claim).")],
    line: LineOption = None,
    date_: Annotated[
        str | None, typer.Option("--date", help="Date the appeal was filed (YYYY-MM-DD; default today).")
    ] = None,
) -> None:
    """Appeal the open denials of the claim's current coverage at the next level (its
    deadline from the payer's window for that level)."""
    from ar_cli.services.denials.work import appeal as appeal_denials

    st = state(ctx)
    done = appeal_denials(
        st.ledger(), claim, note=note, line=line, filed_on=parse_date(date_, "--date") or today(), actor=st.actor()
    )
    typer.echo(
        f"claim {done.claim_number}: {len(done.denial_ids)} denial(s) of {done.payer} (coverage "
        f"{done.coverage}) appealed at level {done.level}; deadline {done.deadline or 'none'}"
    )
    for note_line in done.notes:
        typer.echo(f"warning: {note_line}", err=True)


@app.command("resolve")
@changes_ledger
def resolve(
    ctx: typer.Context,
    claim: ClaimArg,
    overturned: Annotated[
        bool, typer.Option("--overturned", help="The payer reversed its decision: wait for the payment.")
    ] = False,
    upheld: Annotated[
        bool, typer.Option("--upheld", help="The appeal failed: the next level's deadline opens.")
    ] = False,
    corrected: Annotated[
        bool, typer.Option("--corrected-claim-sent", help="A corrected claim was sent; wait for the payer.")
    ] = False,
    other_payer: Annotated[
        bool, typer.Option("--billed-other-payer", help="Move the denied amount to the next coverage.")
    ] = False,
    to_patient: Annotated[
        bool, typer.Option("--to-patient", help="Transfer the denied amount to the patient.")
    ] = False,
    written_off: Annotated[
        bool, typer.Option("--written-off", help="Post a denial write-off (never a contractual adjustment).")
    ] = False,
    waiver: Annotated[
        str | None,
        typer.Option(
            "--waiver",
            metavar="REF",
            help="With --to-patient: the reference of the patient's signed waiver or ABN "
            "(recorded on the claim and audited); needed to bill the patient for a CO, OA or PI amount.",
        ),
    ] = None,
    line: LineOption = None,
    note: NoteOption = None,
    date_: Annotated[
        str | None, typer.Option("--date", help="Date of the decision or action (YYYY-MM-DD; default today).")
    ] = None,
    posting_date: PostingDateOption = None,
) -> None:
    """Resolve the open denials of the claim's current coverage (one resolution option).

    --to-patient moves only what may be billed to a patient: a PR amount, or a CO, OA or
    PI amount the patient agreed in writing to pay (modifier GA on the line, or a waiver
    recorded on the claim: --waiver REF), and nothing on a claim remitted under the No
    Surprises Act (N830, N864-N866). Anything else is refused (exit 2) and nothing moves.
    """
    from ar_cli.domain.denials.resolutions import Resolution
    from ar_cli.domain.errors import InputError
    from ar_cli.domain.money import cents_to_text
    from ar_cli.services.denials.work import resolve as resolve_denials

    chosen = [
        r
        for flag, r in (
            (overturned, Resolution.OVERTURNED),
            (upheld, Resolution.UPHELD),
            (corrected, Resolution.CORRECTED_CLAIM_SENT),
            (other_payer, Resolution.BILLED_OTHER_PAYER),
            (to_patient, Resolution.TO_PATIENT),
            (written_off, Resolution.WRITTEN_OFF),
        )
        if flag
    ]
    if len(chosen) != 1:
        raise InputError(
            "denials resolve: give exactly one of --overturned, --upheld, --corrected-claim-sent, "
            "--billed-other-payer, --to-patient, --written-off"
        )
    st = state(ctx)
    decided = parse_date(date_, "--date") or today()
    done = resolve_denials(
        st.ledger(),
        claim,
        chosen[0],
        line=line,
        decided_on=decided,
        posting_date=parse_date(posting_date, "--posting-date") or today(),
        note=note,
        actor=st.actor(),
        waiver=waiver,
    )
    said = f"claim {done.claim_number}: {len(done.denial_ids)} denial(s) of {done.payer} (coverage {done.coverage}) {done.status}"
    if chosen[0] is Resolution.UPHELD:
        said += f" at level {done.level}; next level deadline {done.deadline or 'none (last level)'}"
    elif chosen[0].moves_money:
        where = {None: "written off", 0: "moved to the patient"}.get(
            done.receiver, f"moved to coverage {done.receiver}"
        )
        said += f"; {cents_to_text(done.moved)} {where}"
    if done.waiver:
        said += f"; waiver {done.waiver!r} recorded on the claim"
    typer.echo(said)
    for note_line in done.notes:
        typer.echo(f"warning: {note_line}", err=True)


@app.command("trends")
@reads_ledger
def trends(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="Group by category, payer or month.")] = "category",
    from_: FromOption = None,
    to: ToOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """Denial count, money and denial rate by category, payer or month."""
    from ar_cli.cli.render import emit
    from ar_cli.domain.errors import InputError
    from ar_cli.reports.denials.lists import trends_report

    if by not in ("category", "payer", "month"):
        raise InputError(f"--by: {by!r} is not category, payer or month")
    emit(
        trends_report(state(ctx).ledger(), by=by, start=parse_date(from_, "--from"), end=parse_date(to, "--to")),
        fmt=fmt,
        output=output,
        include_phi=include_phi,
        overwrite=overwrite,
    )


@app.command("flags")
@reads_ledger
def flags(
    ctx: typer.Context,
    due_within: Annotated[
        int, typer.Option("--due-within", help="Flag appeals due within this many days.", min=0)
    ] = 14,
    idle_days: Annotated[
        int, typer.Option("--idle-days", help="Flag open denials with no action for more than this many days.", min=0)
    ] = 30,
    filing_within: Annotated[
        int,
        typer.Option("--filing-within", help="Flag lines whose timely-filing limit ends within this many days.", min=0),
    ] = 30,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """Risks before money is lost: appeals due soon, denials nobody acted on, timely filing at risk."""
    from ar_cli.cli.render import emit
    from ar_cli.reports.denials.lists import flags_report

    emit(
        flags_report(
            state(ctx).ledger(),
            as_of=parse_date(as_of, "--as-of") or today(),
            due_within=due_within,
            idle_days=idle_days,
            filing_within=filing_within,
        ),
        fmt=fmt,
        output=output,
        include_phi=include_phi,
        overwrite=overwrite,
    )


def _cents(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    from ar_cli.domain.errors import InputError, MoneyError
    from ar_cli.domain.money import cents_from_text

    try:
        return cents_from_text(text)
    except MoneyError as exc:
        raise InputError(f"{option}: {exc}") from None
