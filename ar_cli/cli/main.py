"""The `ar-cli` command: global options and the command groups.

Each group lives in its own module under cli/; heavy imports (SQLAlchemy, pandas,
Alembic) happen inside the commands so `ar-cli --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ar_cli import __version__
from ar_cli.cli import aging, audit, claims, codes, config, db, era, exceptions, payers, post, unapplied
from ar_cli.cli import denials as denials_cmd
from ar_cli.cli import export as export_cmd
from ar_cli.cli import period, report
from ar_cli.cli.kpis import kpis as kpis_command
from ar_cli.cli import queue as queue_cmd
from ar_cli.cli import users, work, work_notes
from ar_cli.cli.boundary import LedgerCommandGroup
from ar_cli.cli.state import CliState

app = typer.Typer(
    name="ar-cli",
    cls=LedgerCommandGroup,
    help="Accounts receivable for medical billing: claims, payments, remittances, aging, denials.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(db.app, name="db")
app.add_typer(claims.app, name="claims")
app.add_typer(payers.app, name="payers")
app.add_typer(config.app, name="config")
app.add_typer(exceptions.app, name="exceptions")
app.add_typer(codes.app, name="codes")
app.add_typer(era.app, name="era")
app.add_typer(aging.app, name="aging")
app.add_typer(post.app, name="post")
app.add_typer(unapplied.app, name="unapplied")
app.add_typer(denials_cmd.app, name="denials")
app.add_typer(audit.app, name="audit")
app.command("export")(export_cmd.export)
app.add_typer(period.app, name="period")
app.add_typer(report.app, name="report")
app.command("kpis")(kpis_command)
app.command("queue")(queue_cmd.queue)
app.command("note")(work_notes.note)
app.command("follow-up")(work_notes.follow_up)
app.command("assign")(work_notes.assign)
app.add_typer(users.app, name="users")
app.command("work")(work.work)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ar-cli {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db_: Annotated[Optional[str], typer.Option(
        "--db", envvar="AR_DB", help="Ledger: a SQLite file path, or postgresql+psycopg://user@host/db. "
        "Default: ledger.sqlite in your data directory.")] = None,
    user: Annotated[Optional[str], typer.Option(
        "--user", envvar="AR_USER", help="Who is acting, for the audit log (default: your OS user).")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal error.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    ctx.obj = CliState(db=db_, user=user, debug=debug)
    ctx.call_on_close(ctx.obj.close)


def run() -> None:
    """Console-script entry point."""
    app(prog_name="ar-cli")
