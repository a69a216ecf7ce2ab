"""`ar-cli note`, `ar-cli follow-up`, `ar-cli assign`: the acts of working a claim, each
one audited transaction (top-level verbs: they are done all day)."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.ledger_use import changes_ledger
from ar_cli.cli.options import AsOfOption
from ar_cli.cli.state import parse_date, state, today


@changes_ledger
def note(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number.")],
    text: Annotated[list[str], typer.Argument(help="What was done or learned (quote it, or write it plainly).")],
) -> None:
    """Add a note to a claim's timeline (who and when are recorded)."""
    from ar_cli.services.work_notes import add_note

    st = state(ctx)
    note_id = add_note(st.ledger(), claim, " ".join(text), actor=st.actor())
    typer.echo(f"claim {claim.strip()}: note {note_id} added")


@changes_ledger
def follow_up(
    ctx: typer.Context,
    claim: Annotated[str, typer.Argument(help="Claim number.")],
    on: Annotated[str, typer.Option("--on", help="Date to come back to it (YYYY-MM-DD, today or later).")],
    action: Annotated[str, typer.Option(help='What to do then, e.g. "call payer".')],
    to: Annotated[
        str | None, typer.Option("--to", help="User who should do it (default: nobody in particular).")
    ] = None,
) -> None:
    """Set the date to come back to a claim: it leaves the queue until then, unless an
    appeal deadline or filing limit comes first. Replaces the claim's open follow-up."""
    from ar_cli.services.work_notes import add_follow_up

    st = state(ctx)
    due = parse_date(on, "--on")
    done = add_follow_up(st.ledger(), claim, due_on=due, action=action, actor=st.actor(), today=today(), user=to)
    replaced = f" (replaces {done.replaced} open follow-up{'s' if done.replaced != 1 else ''})" if done.replaced else ""
    typer.echo(f"claim {done.claim_number}: follow up on {done.due_on.isoformat()}: {done.action}{replaced}")


@changes_ledger
def assign(
    ctx: typer.Context,
    claim: Annotated[
        str | None, typer.Argument(help="Claim number (or leave it out and choose claims with the filters).")
    ] = None,
    to: Annotated[
        list[str], typer.Option("--to", help="User to assign to; repeat to split the claims evenly in queue order.")
    ] = [],  # noqa: B006
    payer: Annotated[str | None, typer.Option(help="Filter: claims this payer owes (code, alias or name).")] = None,
    financial_class: Annotated[str | None, typer.Option(help="Filter: payers of this class.")] = None,
    bucket: Annotated[str | None, typer.Option(help="Filter: this aging bucket (e.g. 91-120).")] = None,
    category: Annotated[str | None, typer.Option(help="Filter: an open denial of this category.")] = None,
    min_balance: Annotated[str | None, typer.Option(help="Filter: at least this amount owed (e.g. 100.00).")] = None,
    limit: Annotated[int, typer.Option(help="Filter: the top N claims of the queue (0: every match).", min=0)] = 0,
    reassign: Annotated[
        bool,
        typer.Option(
            "--reassign",
            help="With filters: split claims already assigned to someone too (default: leave them with their owner).",
        ),
    ] = False,
    as_of: AsOfOption = None,
) -> None:
    """Assign a claim to a user, or split the queue's claims matching the filters evenly
    among several users (round robin, best first). With filters, a claim that already
    has an assignee is left with them unless --reassign; the output says how many.
    Audited."""
    from ar_cli.domain.errors import InputError, MoneyError
    from ar_cli.domain.money import cents_from_text
    from ar_cli.reports.queue.build import QueueFilter
    from ar_cli.reports.queue.report import load_queue
    from ar_cli.services.work_notes import assign as assign_claims

    st = state(ctx)
    filtered = any(v is not None for v in (payer, financial_class, bucket, category, min_balance)) or limit
    if claim and filtered:
        raise InputError("assign: name a claim or use filters, not both")
    if not to:
        raise InputError("--to: name at least one user")
    if claim:
        numbers = [claim]
    else:
        if not filtered:
            raise InputError(
                "assign: name a claim, or choose claims with --payer, --financial-class, --bucket, "
                "--category, --min-balance or --limit"
            )
        cents = None
        if min_balance is not None:
            try:
                cents = cents_from_text(min_balance, allow_negative=False)
            except MoneyError as exc:
                raise InputError(f"--min-balance: {exc}") from None
        queue = load_queue(
            st.ledger(),
            QueueFilter(
                payer=payer,
                financial_class=financial_class,
                bucket=bucket,
                category=category,
                min_amount=cents,
                kind="claim",
                limit=limit or None,
                include_hidden=True,
            ),
            as_of=parse_date(as_of, "--as-of") or today(),
        )
        numbers = list(dict.fromkeys(item.claim_number for item in queue.items))
    done = assign_claims(st.ledger(), numbers, to, actor=st.actor(), keep_assigned=not claim and not reassign)
    assigned = [a for a in done if not a.kept]
    kept = len(done) - len(assigned)
    if len(assigned) == 1 and not kept:
        a = assigned[0]
        was = f" (was {a.previous})" if a.previous and a.previous != a.user else ""
        typer.echo(f"claim {a.claim_number}: assigned to {a.user}{was}")
        return
    per_user: dict[str, int] = {}
    for a in assigned:
        per_user[a.user] = per_user.get(a.user, 0) + 1
    line = f"{len(assigned)} claim{'s' if len(assigned) != 1 else ''} assigned"
    if per_user:
        line += ": " + ", ".join(f"{u} {n}" for u, n in per_user.items())
    if kept:
        line += (
            f"; {kept} already assigned, left with {'its' if kept == 1 else 'their'} owner "
            "(--reassign to split them too)"
        )
    typer.echo(line)
