"""`ar-cli assign --to A --to B` with filters: claims that already have an assignee stay
with them unless --reassign, and the output says how many (SQLite and PostgreSQL)."""

import json

from sqlalchemy import select


def _ledger(cli):
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    return Ledger(resolve_location(cli.db)).open()


def _events(cli) -> list[tuple[str, dict]]:
    from ar_cli.store.tables import AuditEventRow
    from ledger_checks import assert_audit_chain_intact

    ledger = _ledger(cli)
    try:
        with ledger.read() as session:
            assert_audit_chain_intact(session)
            return [
                (a, json.loads(d))
                for a, d in session.execute(
                    select(AuditEventRow.action, AuditEventRow.details).order_by(AuditEventRow.id)
                )
            ]
    finally:
        ledger.dispose()


def _owners(cli) -> dict[str, str]:
    rows = json.loads(
        cli("queue", "--payer", "UHP01", "--kind", "claim", "--limit", "0", "--all", "--format", "json").stdout
    )["queue"]
    return {r["claim_number"]: r["assignee"] for r in rows}


def test_filtered_assign_leaves_owned_claims_with_their_owner_unless_reassign(sample_cli):
    cli = sample_cli
    for name in ("ana", "bo", "cy"):
        assert cli("users", "add", name).exit_code == 0
    claims = list(_owners(cli))
    assert len(claims) >= 5
    owned = claims[1:3]
    for number in owned:
        assert cli("assign", number, "--to", "cy").exit_code == 0

    result = cli("assign", "--to", "ana", "--to", "bo", "--payer", "UHP01")
    assert result.exit_code == 0, result.output
    owners = _owners(cli)
    assert {owners[n] for n in owned} == {"cy"}
    split = [n for n in claims if n not in owned]
    counts = {u: sum(1 for n in split if owners[n] == u) for u in ("ana", "bo")}
    assert sum(counts.values()) == len(split) and max(counts.values()) - min(counts.values()) <= 1
    assert [owners[n] for n in split[:2]] == ["ana", "bo"]  # round robin in queue order, the kept ones skipped
    assert result.stdout == (
        f"{len(split)} claims assigned: ana {counts['ana']}, bo {counts['bo']}; "
        "2 already assigned, left with their owner (--reassign to split them too)\n"
    )
    action, details = _events(cli)[-1]
    assert action == "claims.assign" and details["left_with_owner"] == 2 and sorted(details["claims"]) == sorted(split)

    # Everything has an owner now: nothing changes, and no audit event says it did.
    before = _events(cli)
    again = cli("assign", "--to", "ana", "--to", "bo", "--payer", "UHP01")
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        f"0 claims assigned; {len(claims)} already assigned, left with their owner (--reassign to split them too)\n"
    )
    assert _events(cli) == before

    # --reassign splits them all, cy's included.
    taken = cli("assign", "--to", "ana", "--to", "bo", "--payer", "UHP01", "--reassign")
    assert taken.exit_code == 0, taken.output
    owners = _owners(cli)
    assert set(owners.values()) == {"ana", "bo"}
    assert taken.stdout.startswith(f"{len(claims)} claims assigned: ana ") and "already assigned" not in taken.stdout
    action, details = _events(cli)[-1]
    assert action == "claims.assign" and "left_with_owner" not in details


def test_a_named_claim_is_still_reassigned(sample_cli):
    cli = sample_cli
    for name in ("ana", "bo"):
        assert cli("users", "add", name).exit_code == 0
    assert cli("assign", "CLM100182", "--to", "ana").exit_code == 0
    assert cli("assign", "CLM100182", "--to", "bo").stdout == "claim CLM100182: assigned to bo (was ana)\n"


def test_a_bad_as_of_is_one_line_exit_2_and_assigns_nothing(sample_cli):
    cli = sample_cli
    assert cli("users", "add", "ana").exit_code == 0
    before = _events(cli)
    result = cli("assign", "--to", "ana", "--payer", "UHP01", "--as-of", "2026-13-01")
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "--as-of" in result.stderr
    assert _events(cli) == before
    assert set(_owners(cli).values()) <= {"", None}
