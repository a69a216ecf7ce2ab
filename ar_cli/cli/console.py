"""Rich consoles: decorated on a terminal, plain text (no colour, no spinners) otherwise.

On a terminal, colour follows Rich's own reading of the environment (NO_COLOR set to
anything turns it off, https://no-color.org); off a terminal there is never colour.
"""

from __future__ import annotations

import os
import sys
from functools import cache


@cache
def stdout_console():
    from rich.console import Console

    tty = sys.stdout.isatty()
    return Console(
        highlight=False,
        soft_wrap=False,
        no_color=_no_color(tty),
        width=None if tty else _plain_width(),
        force_terminal=tty or None,
    )


def _plain_width() -> int:
    """Width of plain (non-terminal) output: COLUMNS when set, else wide enough for files."""
    value = os.environ.get("COLUMNS", "")
    return int(value) if value.isdigit() and int(value) >= 40 else 160


@cache
def stderr_console():
    from rich.console import Console

    tty = sys.stderr.isatty()
    return Console(stderr=True, highlight=False, no_color=_no_color(tty), width=None if tty else 200)


def _no_color(tty: bool) -> bool | None:
    """True off a terminal; on one, None lets Rich honour NO_COLOR (False would override it)."""
    return True if not tty else None
