"""Masking protected health information in anything written for others to read."""

from __future__ import annotations


def mask_name(text: str) -> str:
    """'DOE, JANE' → 'D***, J***': enough to tell rows apart on a call, not to identify."""
    parts = [p.strip() for p in str(text).split(",")]
    return ", ".join((p[0] + "***") if p else "" for p in parts)


def mask_value(text: object) -> str:
    """Member ids and similar: keep the last two characters only."""
    value = "" if text is None else str(text)
    if not value:
        return ""
    return "*" * max(len(value) - 2, 3) + value[-2:] if len(value) > 4 else "****"


def mask_date(_value: object) -> str:
    return "****-**-**"
