"""Every command has help, every option is explained, and the README tours every command."""

from pathlib import Path

import pytest
from typer.main import get_command

from ar_cli.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path, command


COMMANDS = list(_commands(get_command(app)))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_and_its_options_have_help(path, command):
    assert (command.help or "").strip(), f"ar-cli {' '.join(path)} has no help"
    for param in command.params:
        if getattr(param, "hidden", False) or param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"ar-cli {' '.join(path)}: {param.name} has no help"


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_readme_tours_every_command(path):
    assert f"ar-cli {' '.join(path)}" in README.read_text(), f"README does not show ar-cli {' '.join(path)}"


def test_readme_opens_with_the_two_commands():
    head = README.read_text()[:1500]
    assert "make demo" in head and "make test" in head
