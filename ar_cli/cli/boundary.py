"""The one place errors become exit codes.

0 done · 1 done, and something needs a human · 2 bad usage or input (nothing changed)
· 70 internal error · 75 the ledger stayed busy. Each problem is one line on stderr,
never a traceback unless --debug.
"""

from __future__ import annotations

import sys
import traceback

import typer
from typer.core import TyperGroup

from ar_cli.domain.errors import ArError

EXIT_ATTENTION = 1
EXIT_INTERNAL = 70


def say_error(message: str) -> None:
    for line in str(message).splitlines() or [""]:
        sys.stderr.write(f"error: {line}\n")


class LedgerCommandGroup(TyperGroup):
    """Typer's group, with ar-cli's error boundary around every command."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except typer.Exit as exc:
            if exc.exit_code not in (0, EXIT_ATTENTION):
                _failed(ctx)
            raise
        except (typer.Abort, typer.TyperException):
            _failed(ctx)
            raise
        except ArError as exc:
            _failed(ctx)
            say_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _failed(ctx)
            say_error("interrupted; the ledger is unchanged by the unfinished step")
            raise typer.Exit(130) from None
        except Exception as exc:  # the last resort: one line, unless the user asked for more
            _failed(ctx)
            if _busy(exc):
                say_error("the ledger is busy (another writer held it too long); try again")
                raise typer.Exit(75) from None
            if (ctx.obj is not None and getattr(ctx.obj, "debug", False)) or "--debug" in sys.argv:
                traceback.print_exc()
            say_error(
                f"internal error: {type(exc).__name__}: {_first_line(exc)} (run again with --debug for the traceback)"
            )
            raise typer.Exit(EXIT_INTERNAL) from None


def _failed(ctx: typer.Context) -> None:
    """The run failed: a ledger it created goes (CliState.close)."""
    state = ctx.find_root().obj
    if state is not None and hasattr(state, "close"):
        state.close(failed=True)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""


def _busy(exc: Exception) -> bool:
    text = str(exc)
    return "database is locked" in text or "database is busy" in text


def failure_of(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line (without "error: ") the boundary will give `exc`:
    for a command that logs its failure before the boundary sees it (report nightly)."""
    if isinstance(exc, typer.Exit):
        return exc.exit_code, "exited"
    if isinstance(exc, ArError):
        return exc.exit_code, "; ".join(str(exc).splitlines())
    if isinstance(exc, KeyboardInterrupt):
        return 130, "interrupted"
    if isinstance(exc, Exception) and _busy(exc):
        return 75, "the ledger is busy (another writer held it too long)"
    return EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {_first_line(exc)}"
