"""The `ar-cli` command: global options, and every command and group by name.

COMMANDS is the one map from a command's name to the module that defines it; a command's
module is imported only when that command runs (cli/lazy_group.py), and heavy imports
(SQLAlchemy, pandas, Alembic) happen inside the commands, so start-up stays small.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli import __version__
from ar_cli.cli.lazy_group import LazyCommand, LazyLedgerGroup
from ar_cli.cli.state import CliState

# In `ar-cli --help` order. The help is each command's first sentence (tests/cli keeps it
# equal to the command's own help).
COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand(
        "export",
        "ar_cli.cli.export:export",
        "Export KIND for the posting dates --from..--to (both included) to --output.",
    ),
    LazyCommand(
        "kpis",
        "ar_cli.cli.kpis:kpis",
        "Key numbers for --from..--to (default: the month to --to, --to default today), each "
        "with its formula, numerator and denominator.",
    ),
    LazyCommand(
        "queue",
        "ar_cli.cli.queue:queue",
        "Rank the work: open claims by a priority score, with a short why on every row.",
    ),
    LazyCommand("note", "ar_cli.cli.work_notes:note", "Add a note to a claim's timeline (who and when are recorded)."),
    LazyCommand(
        "follow-up",
        "ar_cli.cli.work_notes:follow_up",
        "Set the date to come back to a claim: it leaves the queue until then, unless an "
        "appeal deadline or filing limit comes first.",
    ),
    LazyCommand(
        "assign",
        "ar_cli.cli.work_notes:assign",
        "Assign a claim to a user, or split the queue's claims matching the filters evenly "
        "among several users (round robin, best first).",
    ),
    LazyCommand(
        "work",
        "ar_cli.cli.work:work",
        "Work the queue interactively: the ranked list, the selected claim's detail and "
        "timeline, and keys n note, f follow-up, p appeal, a assign, j next, r reload, q quit.",
    ),
    LazyCommand("db", "ar_cli.cli.db:app", "Ledger database: location, schema revision, init, upgrade."),
    LazyCommand("claims", "ar_cli.cli.claims:app", "Claims: import charges, list, show."),
    LazyCommand("payers", "ar_cli.cli.payers:app", "Payers: list, set rules, add ids."),
    LazyCommand("config", "ar_cli.cli.config:app", "Team settings kept in the ledger: list, get, set."),
    LazyCommand("exceptions", "ar_cli.cli.exceptions:app", "Exceptions held for a human: list, resolve, apply."),
    LazyCommand(
        "codes",
        "ar_cli.cli.codes:app",
        "Codes: explain CARC, RARC, group and claim status codes; load lists and the treatment-table override.",
    ),
    LazyCommand("era", "ar_cli.cli.era:app", "Remittances (835 ERA files): read one without posting it."),
    LazyCommand(
        "aging",
        "ar_cli.cli.aging:app",
        "Aging: open balances in age buckets (without a command: the report, with the options "
        "below); `snapshot` stores a date's buckets, `trend` shows how they moved.",
    ),
    LazyCommand(
        "post", "ar_cli.cli.post:app", "Post payments: 835 remittances (ERA), payments by hand, deposit batches."
    ),
    LazyCommand("unapplied", "ar_cli.cli.unapplied:app", "Unapplied payer money: list it, apply it to a claim."),
    LazyCommand(
        "denials",
        "ar_cli.cli.denials:app",
        "Denials: list and show them, appeal and resolve them, trends and risk flags.",
    ),
    LazyCommand("audit", "ar_cli.cli.audit:app", "The audit trail: verify the hash chain and every balance."),
    LazyCommand(
        "period",
        "ar_cli.cli.period:app",
        "Accounting periods: close a month (no posting date in it after), list, reopen.",
    ),
    LazyCommand("report", "ar_cli.cli.report:app", "Reports written to files for cron and supervisors: nightly."),
    LazyCommand("users", "ar_cli.cli.users:app", "Users claims are assigned to: add, list."),
)


class ArCliGroup(LazyLedgerGroup):
    lazy_commands = COMMANDS


app = typer.Typer(
    name="ar-cli",
    cls=ArCliGroup,
    help="Accounts receivable for medical billing: claims, payments, remittances, aging, denials.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ar-cli {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db_: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="AR_DB",
            help="Ledger: a SQLite file path, or postgresql+psycopg://user@host/db. "
            "Default: ledger.sqlite in your data directory.",
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", envvar="AR_USER", help="Who is acting, for the audit log (default: your OS user)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = CliState(db=db_, user=user, debug=debug)
    ctx.call_on_close(ctx.obj.close)


def run() -> None:
    """Console-script entry point."""
    app(prog_name="ar-cli")
