"""`ar-cli config`: the settings a team shares, kept in the ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat
from ar_cli.cli.ledger_use import changes_ledger, reads_ledger
from ar_cli.cli.options import FormatOption, IncludePhiOption, OutputOption, OverwriteOption
from ar_cli.cli.state import state

app = typer.Typer(help="Team settings kept in the ledger: list, get, set.", no_args_is_help=True)


@app.command("list")
@reads_ledger
def list_(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    overwrite: OverwriteOption = False,
    include_phi: IncludePhiOption = False,
) -> None:
    """List every setting with its value and what it does."""
    from ar_cli.cli.render import emit
    from ar_cli.domain.settings import SETTINGS
    from ar_cli.reports.report import Column, Report
    from ar_cli.services.settings import current_settings

    with state(ctx).ledger().read() as session:
        values = current_settings(session)
    rows = [
        {
            "key": k,
            "value": v if len(v) < 60 else v[:57] + "…",
            "default": SETTINGS[k].default == v,
            "help": SETTINGS[k].help,
        }
        for k, v in values.items()
    ]
    emit(
        Report(
            name="settings",
            title="Settings",
            columns=[
                Column(key="key", title="Key"),
                Column(key="value", title="Value"),
                Column(key="default", title="Default?"),
                Column(key="help", title="What it does"),
            ],
            rows=rows,
        ),
        fmt=fmt,
        output=output,
        include_phi=include_phi,
        overwrite=overwrite,
    )


@app.command("get")
@reads_ledger
def get(ctx: typer.Context, key: Annotated[str, typer.Argument(help="Setting key.")]) -> None:
    """Print one setting's value."""
    from ar_cli.services.settings import get_setting

    with state(ctx).ledger().read() as session:
        typer.echo(get_setting(session, key))


@app.command("set")
@changes_ledger
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Setting key.")],
    value: Annotated[str, typer.Argument(help="New value.")],
) -> None:
    """Change a setting for everyone using this ledger (audited)."""
    from ar_cli.services.settings import set_setting

    st = state(ctx)
    clean = set_setting(st.ledger(), key, value, actor=st.actor())
    typer.echo(f"{key} = {clean}")
