"""Alembic revisions: top-level migrations/ in a checkout, shipped in the wheel as
ar_cli.migrations (pyproject.toml maps it; store/schema.py finds it)."""
