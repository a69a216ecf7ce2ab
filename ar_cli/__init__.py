"""ar-cli: an accounts-receivable toolkit for medical billing teams."""

__version__ = "0.1.0"
