"""The top-level group builds only the command invoked, and lists every one from COMMANDS."""

import subprocess
import sys

from typer.main import get_command

from ar_cli.cli.main import COMMANDS, app
from conftest import REPO


def test_each_listed_help_is_the_commands_own_first_sentence():
    group = get_command(app)
    assert list(group.commands) == [entry.name for entry in COMMANDS]
    for entry in COMMANDS:
        command = group.commands[entry.name]
        assert command.name == entry.name
        assert command.get_short_help_str(10**6) == entry.help, entry.name


def test_help_lists_every_command_without_building_any():
    group = get_command(app)
    ctx = group.make_context("ar-cli", ["--help"], resilient_parsing=True)
    listed = group.get_help(ctx)
    for entry in COMMANDS:
        assert f"\n  {entry.name} " in listed
        assert group.commands.entry(entry.name) is not None, f"{entry.name} was built"


def _help(group) -> str:
    return group.get_help(group.make_context("ar-cli", ["--help"], resilient_parsing=True))


def test_help_is_what_the_built_commands_would_list():
    """The listing from the one-line helps equals Click's own from the built commands."""
    lazy = _help(get_command(app))
    built = get_command(app)
    for entry in COMMANDS:
        built.commands[entry.name]  # build every one: the group then lists from the commands
    assert _help(built) == lazy


def test_only_the_invoked_command_is_imported():
    code = (
        "import sys\nfrom ar_cli.cli.main import run\nsys.argv = ['ar-cli', 'aging', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('ar_cli.cli.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    loaded = eval(done.stdout.strip().splitlines()[-1])
    assert "ar_cli.cli.aging" in loaded
    assert not {"ar_cli.cli.claims", "ar_cli.cli.queue", "ar_cli.cli.post", "ar_cli.cli.era"} & set(loaded)


def test_unknown_command_still_suggests(sqlite_cli):
    result = sqlite_cli("agin")
    assert result.exit_code == 2 and "Did you mean 'aging'" in result.output
