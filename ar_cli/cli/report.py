"""`ar-cli report nightly`: the cron job's folder of files, one line of log, and an
exit code that says whether a human is needed."""

from __future__ import annotations

import sys
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from ar_cli.cli.ledger_use import reads_ledger
from ar_cli.cli.options import AsOfOption
from ar_cli.cli.state import parse_date, state, today

app = typer.Typer(help="Reports written to files for cron and supervisors: nightly.", no_args_is_help=True)


@app.command("nightly")
@reads_ledger
def nightly(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            help="Folder to write into (created when missing); the run "
            "goes in a sub-folder named by the as-of date (a re-run replaces it).",
        ),
    ],
    as_of: AsOfOption = None,
    log: Annotated[
        Path | None,
        typer.Option(
            "--log",
            help="Also append the run's one-line summary to this file; a failed run appends its exit code and reason.",
        ),
    ] = None,
    queue_limit: Annotated[int, typer.Option("--queue-limit", help="Rows of the work queue to write.")] = 1000,
) -> None:
    """Write aging, denials, the work queue, exceptions, cash per week, denial rates and
    risk flags as CSV, kpis.json and a self-contained report.html into OUTPUT/DATE; take
    that night's aging snapshot; remember the run.

    Exit 1 when something new needs a human since the last run (a new remittance
    exception, an appeal or filing limit newly coming due, AR over 90 days above
    `config report.ar_over_90_threshold`), else 0. On a terminal it lists the files; in
    cron it prints one line to stderr and nothing else.
    """
    # Every run leaves one line in the log, a failed one too: the cron line mails the
    # log's last line, which must be tonight's.
    try:
        _nightly(ctx, output, as_of, log, queue_limit)
    except (typer.Exit, typer.Abort):
        raise  # a finished run (0, or 1: a human is needed) has logged its line
    except BaseException as exc:
        if log is not None:
            _log_failure(log, as_of, exc)
        raise


def _log_failure(log: Path, as_of: str | None, exc: BaseException) -> None:
    from ar_cli.cli.boundary import failure_of
    from ar_cli.domain.errors import InputError

    code, why = failure_of(exc)
    # The log cannot be written: the run's own error says so, or its error is first.
    with suppress(InputError):
        _append_log(log, f"ar-cli report nightly {as_of or today().isoformat()}: failed (exit {code}): {why}")


def _nightly(ctx: typer.Context, output: Path, as_of: str | None, log: Path | None, queue_limit: int) -> None:
    from ar_cli.cli.nightly_html import render_page
    from ar_cli.domain.errors import InputError
    from ar_cli.reports.aging.report import snapshot_measure
    from ar_cli.reports.nightly import gather_nightly, summary_line
    from ar_cli.reports.output import report_csv, report_json, resolve_folder, staged_folder
    from ar_cli.services.aging_snapshot import take_snapshot
    from ar_cli.services.nightly_runs import record_run

    if queue_limit < 1:
        raise InputError(f"--queue-limit: {queue_limit} is not a number of rows above 0")
    day = parse_date(as_of, "--as-of") or today()
    if log is not None:
        _append_log(log, "")  # an unwritable log is bad input before anything runs
    base = resolve_folder(output)
    target = base / day.isoformat()
    with staged_folder(base, day.isoformat()) as staging:
        st = state(ctx)
        ledger = st.ledger(say_empty=False)  # its one line says so (reports/nightly.py)
        night = gather_nightly(ledger, as_of=day, queue_limit=queue_limit)
        # Never PHI in these files: they are for a shared folder and a mail attachment.
        for name, report in night.csv_reports().items():
            # As `aging --format csv` does: the totals are the file's last row.
            staging.write(name, report_csv(report, include_phi=False, totals_row=True))
        staging.write("kpis.json", report_json(night.kpis.report, include_phi=False))
        staging.write("report.html", render_page(night))
        # The ledger remembers the run only once every file is written.
        take_snapshot(ledger, as_of=day, edges=None, actor=st.actor(), measure=snapshot_measure)
        record_run(
            ledger,
            as_of=day,
            folder=str(target),
            seen=night.seen,
            new=night.new,
            ar=night.aging.total.total,
            ar_over_90=night.aging.total.over,
            actor=st.actor(),
        )
        staging.place(target, replace=True)  # a re-run for the same date replaces that date's folder
    line = summary_line(night, str(target))
    if log is not None:
        _append_log(log, line)
    if sys.stdout.isatty():
        typer.echo(f"Wrote {target}:")
        for path in sorted(target.iterdir()):
            typer.echo(f"  {path.name}")
        typer.echo(line)
    else:
        typer.echo(line, err=True)
    if night.new:
        raise typer.Exit(1)


def _append_log(log: Path, line: str) -> None:
    from ar_cli.domain.errors import InputError

    try:
        with log.expanduser().open("a", encoding="utf-8") as handle:
            if line:
                handle.write(f"{datetime.now().isoformat(timespec='seconds')} {line}\n")
    except OSError as exc:
        raise InputError(f"--log {log}: cannot append: {exc.strerror}") from None
