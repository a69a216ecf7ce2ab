"""`ar-cli db`: where the ledger is, which schema it has, making a new one, upgrading it."""

from __future__ import annotations

import typer

from ar_cli.cli.ledger_use import no_ledger
from ar_cli.cli.state import state

app = typer.Typer(help="Ledger database: location, schema revision, init, upgrade.", no_args_is_help=True)


@app.command("path")
@no_ledger
def path(ctx: typer.Context) -> None:
    """Print the database this command line would use (--db, AR_DB, or the default file)."""
    typer.echo(state(ctx).location().describe())


@app.command("current")
@no_ledger
def current(ctx: typer.Context) -> None:
    """Print the schema revision of the ledger and the one this ar-cli expects."""
    from ar_cli.reports.schema import schema_state

    st = schema_state(state(ctx).location())
    typer.echo(f"ledger:   {st.location}")
    typer.echo(f"revision: {st.revision or '(none: not created yet)'}")
    typer.echo(f"head:     {st.head}{'  (up to date)' if st.up_to_date else '  (run `ar-cli db upgrade`)'}")


@app.command("init")
@no_ledger
def init(ctx: typer.Context) -> None:
    """Make a new, empty ledger (a SQLite file, mode 0600, or an empty PostgreSQL database).

    Reports and lists never create one: they refuse a ledger that is not there.
    """
    from ar_cli.services.schema_admin import init_ledger

    location = state(ctx).location()
    if init_ledger(location):
        typer.echo(f"created a new ledger at {location.describe()}", err=True)
    else:
        typer.echo(f"{location.describe()}: already a ledger; nothing to do", err=True)


@app.command("upgrade")
@no_ledger
def upgrade(ctx: typer.Context) -> None:
    """Create or migrate the ledger to this ar-cli's schema, in one transaction."""
    from ar_cli.services.schema_admin import upgrade_ledger

    location = state(ctx).location()
    before, after = upgrade_ledger(location)
    if before == after:
        typer.echo(f"{location.describe()}: already at {after}")
    else:
        typer.echo(f"{location.describe()}: upgraded {before or '(blank)'} → {after}")
