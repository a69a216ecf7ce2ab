"""The output formats every listing command takes (kept tiny: imported at start-up)."""

from enum import StrEnum


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
