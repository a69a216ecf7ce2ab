"""Data files shipped inside the package: the treatment table and our code explanations.

This module is the only place that reads them (ar_cli.domain parses text it is given,
and never opens a file). Files are read with importlib.resources, so they are found in
a wheel, a zip or a source checkout alike.
"""

from __future__ import annotations

from importlib import resources


def read_data_text(name: str) -> str:
    """The text of one shipped data file, by its file name ('treatments.csv')."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"{name!r} is not a data file name")
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
