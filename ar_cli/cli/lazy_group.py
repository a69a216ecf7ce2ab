"""A command group that imports a command's module only when that command runs.

Building every command for every run cost ~0.2 s of start-up (each module's imports,
and Typer turning every signature into Click parameters). The top-level group is given
each command's name, where it lives and its one-line help instead: `ar-cli --help`
lists them from those lines, and `ar-cli aging …` imports cli/aging.py alone.
Asking for `group.commands` item by item (the docs test does) builds each one then.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from importlib import import_module

import typer
from typer.core import TyperCommand, TyperGroup

from ar_cli.cli.boundary import LedgerCommandGroup


@dataclass(frozen=True)
class LazyCommand:
    """`target` is 'module:attribute': a Typer app (a command group) or a command function.
    `help` is the command's first sentence, as `--help` lists it (a test keeps them equal)."""

    name: str
    target: str
    help: str

    def load(self, parent: TyperGroup):
        """The Click command, built exactly as `add_typer` / `command` would have built it."""
        module_name, attribute = self.target.split(":")
        found = getattr(import_module(module_name), attribute)
        holder = typer.Typer(
            rich_markup_mode=parent.rich_markup_mode, add_completion=False, pretty_exceptions_enable=False
        )
        if isinstance(found, typer.Typer):
            holder.add_typer(found, name=self.name)
        else:
            holder.command(self.name)(found)
        return typer.main.get_group(holder).commands[self.name]


class _LazyCommands(MutableMapping):
    """name → command; a lazy entry is built on first lookup. Names and their order are
    known without building anything."""

    def __init__(self, group: TyperGroup, lazy: tuple[LazyCommand, ...], built: dict) -> None:
        self._group = group
        self._lazy = {entry.name: entry for entry in lazy}
        self._built = dict(built)
        self._order = list(self._lazy) + [name for name in built if name not in self._lazy]

    def entry(self, name: str) -> LazyCommand | None:
        """The lazy entry of a command not built yet (None once built, or for a plain one)."""
        return None if name in self._built else self._lazy.get(name)

    def __getitem__(self, name: str):
        if name not in self._built:
            entry = self._lazy[name]  # KeyError for an unknown name, as a dict
            self._built[name] = entry.load(self._group)
        return self._built[name]

    def __setitem__(self, name: str, command) -> None:
        if name not in self._order:
            self._order.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._order:
            raise KeyError(name)
        self._order.remove(name)
        self._built.pop(name, None)
        self._lazy.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        return name in self._order


class LazyLedgerGroup(LedgerCommandGroup):
    """ar-cli's error boundary (LedgerCommandGroup) over commands built on first use.
    A subclass names its commands in `lazy_commands`."""

    lazy_commands: tuple[LazyCommand, ...] = ()

    def __init__(self, *, commands=None, **attrs) -> None:
        super().__init__(commands=None, **attrs)
        self.commands = _LazyCommands(self, self.lazy_commands, dict(commands or {}))

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: typer.Context, formatter) -> None:
        """As Click lists commands, from the one-line helps of those not built yet."""
        rows = []
        for name in self.list_commands(ctx):
            entry = self.commands.entry(name)
            command = TyperCommand(name=name, help=entry.help) if entry is not None else self.commands[name]
            if not command.hidden:
                rows.append((name, command))
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])
