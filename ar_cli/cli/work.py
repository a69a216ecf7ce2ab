"""`ar-cli work`: the work queue as an interactive terminal app (Textual, imported here
only, so `ar-cli --help` never loads it)."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Annotated

import typer

from ar_cli.cli.ledger_use import reads_ledger
from ar_cli.cli.options import AsOfOption
from ar_cli.cli.state import parse_date, state, today


@reads_ledger
def work(
    ctx: typer.Context,
    payer: Annotated[str | None, typer.Option(help="Only what this payer owes or sent (code, alias or name).")] = None,
    financial_class: Annotated[str | None, typer.Option(help="Only payers of this class.")] = None,
    category: Annotated[str | None, typer.Option(help="Only claims with an open denial of this category.")] = None,
    assignee: Annotated[str | None, typer.Option(help="Only claims assigned to this user (e.g. yourself).")] = None,
    limit: Annotated[int, typer.Option(help="How many items to list.", min=1)] = 200,
    as_of: AsOfOption = None,
) -> None:
    """Work the queue interactively: the ranked list, the selected claim's detail and
    timeline, and keys n note, f follow-up, p appeal, a assign, j next, r reload, q quit."""
    from ar_cli.domain.errors import InputError
    from ar_cli.reports.queue.build import QueueFilter
    from ar_cli.tui.app import WorkApp, WorkContext

    st = state(ctx)
    flt = QueueFilter(payer=payer, financial_class=financial_class, category=category, assignee=assignee, limit=limit)
    context = WorkContext(
        ledger=st.ledger(), flt=flt, as_of=parse_date(as_of, "--as-of") or today(), today=today(), actor=st.actor
    )
    # Check the filters before the screen takes over: bad input is one line, exit 2.
    from ar_cli.reports.queue.report import load_queue

    load_queue(context.ledger, replace(flt, limit=1), as_of=context.as_of)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # The screen app would wait for keys that never come and write escape codes into
        # the redirected file.
        raise InputError("work is interactive and needs a terminal; `ar-cli queue` lists the same work")
    WorkApp(context).run()
