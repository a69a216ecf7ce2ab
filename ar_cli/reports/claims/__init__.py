"""Claims as reports: the filtered list, one claim in full, its timeline.

- `lists`: Claims as reports: the filtered list, and one claim in full.
- `timeline`: A claim's timeline: notes, follow-ups, postings and denials in date order.
"""
