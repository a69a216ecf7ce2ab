"""X12 5010 reading: a streaming segment reader (ar_cli.x12.segments) and the 835
remittance reader (ar_cli.x12.remittance_835) that yields ar_cli.domain.remittance.advice
values. No database, no clock."""

from ar_cli.x12.errors import X12Error
from ar_cli.x12.remittance_835 import read_835, read_remittances
from ar_cli.x12.segments import Delimiters, Segment, read_segments, split_composite

__all__ = [
    "Delimiters",
    "Segment",
    "X12Error",
    "read_835",
    "read_remittances",
    "read_segments",
    "split_composite",
]
