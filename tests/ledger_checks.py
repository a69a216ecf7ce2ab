"""Invariant checks the tests run against a real ledger (not mocks).

They call the same checks as `ar-cli audit verify` (reports/audit/verify.py), so a
test that passes here is a ledger that command would call clean.
"""

from __future__ import annotations

from ar_cli.reports.audit.rows_check import check_rows, load_manifests
from ar_cli.reports.audit.verify import check_audit_chain, check_balances, check_unapplied


def assert_balances_equal_entries(session) -> None:
    _, findings = check_balances(session)
    assert not findings, "\n".join(str(f) for f in findings)


def assert_audit_chain_intact(session) -> int:
    """The chain, and every money row rebuilt into its event's manifest."""
    manifests = load_manifests(session)
    count, findings = check_audit_chain(session, manifests)
    assert not findings, "\n".join(str(f) for f in findings)
    _, breaks = check_rows(session, manifests)
    assert not breaks, "\n".join(f"{b.ref}: {b.message}" for b in breaks)
    return count


def assert_unapplied_consistent(session) -> None:
    _, _, findings = check_unapplied(session)
    assert not findings, "\n".join(str(f) for f in findings)
