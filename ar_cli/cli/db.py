"""`ar-cli db`: where the ledger is, which schema it has, and upgrading it."""

from __future__ import annotations

import typer

from ar_cli.cli.state import state

app = typer.Typer(help="Ledger database: location, schema revision, upgrade.", no_args_is_help=True)


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the database this command line would use (--db, AR_DB, or the default file)."""
    typer.echo(state(ctx).location().describe())


@app.command("current")
def current(ctx: typer.Context) -> None:
    """Print the schema revision of the ledger and the one this ar-cli expects."""
    from ar_cli.services.schema_admin import schema_state

    st = schema_state(state(ctx).location())
    typer.echo(f"ledger:   {st.location}")
    typer.echo(f"revision: {st.revision or '(none: not created yet)'}")
    typer.echo(f"head:     {st.head}{'  (up to date)' if st.up_to_date else '  (run `ar-cli db upgrade`)'}")


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Create or migrate the ledger to this ar-cli's schema, in one transaction."""
    from ar_cli.services.schema_admin import upgrade_ledger

    location = state(ctx).location()
    before, after = upgrade_ledger(location)
    if before == after:
        typer.echo(f"{location.describe()}: already at {after}")
    else:
        typer.echo(f"{location.describe()}: upgraded {before or '(blank)'} → {after}")
