"""`ar-cli post`: post money — remittances (835 ERAs) now; payments by hand and deposit
batches next."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ar_cli.cli.options import PostingDateOption
from ar_cli.cli.state import parse_date, state, today

app = typer.Typer(help="Post payments: 835 remittances (ERA).", no_args_is_help=True)


@app.command("era")
def era(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="835 files, or directories of them.")],
    posting_date: PostingDateOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would post; change nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Post a remittance that does not balance (flagged as forced).")] = False,
    create_claims: Annotated[bool, typer.Option(
        "--create-claims", help="Create claims the ledger lacks from the 835 itself.")] = False,
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
    from ar_cli.services.era_posting import post_era_files

    st = state(ctx)
    when = parse_date(posting_date, "--posting-date") or today()
    with progress_reporter("Posting remittances") as progress:
        results = post_era_files(st.ledger(), files, actor=st.actor(), posting_date=when, dry_run=dry_run,
                                 force=force, create_claims=create_claims, progress=progress)
    print_era_results(results)
    if results and all(r.error for r in results):
        raise InputError("\n".join(r.error for r in results))
    if any(r.needs_attention for r in results):
        raise typer.Exit(1)
