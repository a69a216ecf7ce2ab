"""The shared option vocabulary: one name, one meaning, everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from ar_cli.cli.formats import OutputFormat

FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table on a terminal, or csv / json for files and scripts (default: the "
        "--output file's .csv or .json name, else table).",
        case_sensitive=False,
    ),
]
# A string, not a Path: a trailing "/" says "a folder", and Path would drop it.
OutputOption = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file instead of the screen (written whole or not at all); a "
        "path ending in / or naming a folder gets a file named after the report inside it (the folder is "
        "created when missing). An existing file is never replaced without --overwrite.",
    ),
]
OverwriteOption = Annotated[
    bool, typer.Option("--overwrite", help="Replace the file --output names when it exists (else: refused, exit 2).")
]
IncludePhiOption = Annotated[
    bool,
    typer.Option(
        "--include-phi",
        help="Write patient names, birth dates and member ids unmasked (off a terminal: "
        "recorded in the audit log; a file is then readable by you only).",
    ),
]
PostingDateOption = Annotated[
    str | None,
    typer.Option(
        "--posting-date",
        help="Date the change enters the books (YYYY-MM-DD; default today). Must fall in an open period.",
    ),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Report as the ledger stood on this date (YYYY-MM-DD; default today).")
]
FromOption = Annotated[str | None, typer.Option("--from", help="First date of the range (YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last date of the range (YYYY-MM-DD).")]
