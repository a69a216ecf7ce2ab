"""A Rich progress bar on a terminal; nothing at all for cron."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ar_cli.services.context import Progress, no_progress


@contextmanager
def progress_reporter(label: str) -> Iterator[Progress]:
    if not sys.stderr.isatty():
        yield no_progress
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as Bar

    from ar_cli.cli.console import stderr_console

    with Bar(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=stderr_console(), transient=True
    ) as bar:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"{label}: {stage}", total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield report
