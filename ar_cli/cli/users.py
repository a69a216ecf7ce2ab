"""`ar-cli users`: the people claims are assigned to."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import FormatOption, IncludePhiOption, OutputOption, OverwriteOption
from ar_cli.cli.state import limited, state

app = typer.Typer(help="Users claims are assigned to: add, list.", no_args_is_help=True)


@app.command("add")
@changes_ledger
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Short user name, e.g. maria (letters, digits, . _ @ -).")],
    full_name: Annotated[str, typer.Option(help="The person's full name, for lists.")] = "",
) -> None:
    """Add a user (audited)."""
    from ar_cli.domain.field_limits import USER_FULL_NAME, USER_NAME
    from ar_cli.services.work_notes import add_user

    limited(name, USER_NAME, "NAME")
    limited(full_name, USER_FULL_NAME, "--full-name")
    st = state(ctx)
    add_user(st.ledger(), name, full_name=full_name, actor=st.actor())
    typer.echo(f"user {name.strip()} added")


@app.command("list")
@reads_ledger
def list_(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """List users with how many claims each has assigned."""
    from ar_cli.cli.render import emit
    from ar_cli.reports.report import Column, Kind, Report
    from ar_cli.reports.users import list_users

    with state(ctx).ledger().read() as session:
        rows = list_users(session)
    emit(
        Report(
            name="users",
            title="Users",
            columns=[
                Column(key="name", title="User"),
                Column(key="full_name", title="Name"),
                Column(key="active", title="Active"),
                Column(key="claims", title="Claims", kind=Kind.INT),
                Column(key="since", title="Since", kind=Kind.DATE),
            ],
            rows=rows,
        ),
        fmt=fmt,
        output=output,
        include_phi=include_phi,
        overwrite=overwrite,
    )
