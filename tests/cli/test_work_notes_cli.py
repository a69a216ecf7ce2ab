"""`ar-cli note`, `follow-up`, `users add|list`, `assign` and the claim timeline: each an
audit event; bad input is one line, exit 2, and changes nothing."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries


def _ledger(cli):
    from ar_cli.store.database import Ledger
    from ar_cli.store.location import resolve_location

    return Ledger(resolve_location(cli.db)).open()


def _state(cli):
    """What the bad-input tests compare: audit events, notes, follow-ups, users, assignments."""
    from ar_cli.store.tables import AuditEventRow, ClaimRow, FollowUpRow, NoteRow, UserRow

    ledger = _ledger(cli)
    try:
        with ledger.read() as session:
            return tuple(
                session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (AuditEventRow, NoteRow, FollowUpRow, UserRow)
            ) + (
                session.execute(
                    select(ClaimRow.claim_number, ClaimRow.assigned_user_id)
                    .where(ClaimRow.assigned_user_id.is_not(None))
                    .order_by(ClaimRow.id)
                ).all(),
            )
    finally:
        ledger.dispose()


def _actions(cli) -> list[str]:
    from ar_cli.store.tables import AuditEventRow

    ledger = _ledger(cli)
    try:
        with ledger.read() as session:
            assert_audit_chain_intact(session)
            assert_balances_equal_entries(session)
            return list(session.execute(select(AuditEventRow.action).order_by(AuditEventRow.id)).scalars())
    finally:
        ledger.dispose()


def test_working_a_claim_shows_in_its_timeline_and_is_audited(sample_cli):
    cli = sample_cli
    assert cli("users", "add", "maria", "--full-name", "Maria Lopez").stdout == "user maria added\n"
    assert cli("users", "add", "ben").exit_code == 0
    note = cli("note", "CLM100182", "called Acme: auth on file, resubmitting")
    assert note.exit_code == 0 and note.stdout == "claim CLM100182: note 1 added\n"
    follow = cli("follow-up", "CLM100182", "--on", "2099-01-15", "--action", "call payer", "--to", "ben")
    assert follow.stdout == "claim CLM100182: follow up on 2099-01-15: call payer\n"
    again = cli("follow-up", "CLM100182", "--on", "2099-02-01", "--action", "check the appeal")
    assert again.stdout == "claim CLM100182: follow up on 2099-02-01: check the appeal (replaces 1 open follow-up)\n"
    assert cli("assign", "CLM100182", "--to", "maria").stdout == "claim CLM100182: assigned to maria\n"
    assert cli("assign", "CLM100182", "--to", "ben").stdout == "claim CLM100182: assigned to ben (was maria)\n"
    assert _actions(cli)[-7:] == [
        "users.add",
        "users.add",
        "note.add",
        "follow_up.set",
        "follow_up.set",
        "claims.assign",
        "claims.assign",
    ]
    shown = json.loads(cli("claims", "show", "CLM100182", "--format", "json").stdout)
    events = [(t["event"], t["detail"]) for t in shown["timeline"]]
    assert ("note", "called Acme: auth on file, resubmitting") in events
    assert ("follow-up", "on 2099-01-15 for ben: call payer (replaced)") in events
    assert ("follow-up", "on 2099-02-01: check the appeal (open)") in events
    assert ("denial", "CO-197 authorization (open, appeal by 2026-11-11)") in events
    assert shown["timeline"][0]["event"] == "charge"
    assert [t["date"] for t in shown["timeline"]] == sorted(t["date"] for t in shown["timeline"])
    users = json.loads(cli("users", "list", "--format", "json").stdout)["users"]
    assert [(u["name"], u["full_name"], u["claims"]) for u in users] == [("ben", "", 1), ("maria", "Maria Lopez", 0)]
    # Waiting on its follow-up, the claim leaves the queue (as of a day before it).
    queue = json.loads(cli("queue", "--as-of", "2098-12-01", "--format", "json", "--limit", "0").stdout)["queue"]
    assert "CLM100182" not in {r["claim_number"] for r in queue}
    queue = json.loads(cli("queue", "--as-of", "2098-12-01", "--format", "json", "--limit", "0", "--all").stdout)
    row = next(r for r in queue["queue"] if r["claim_number"] == "CLM100182")
    assert row["assignee"] == "ben" and row["follow_up"] == "2099-02-01"


def test_assign_splits_a_filtered_set_evenly_in_queue_order(sample_cli):
    cli = sample_cli
    for name in ("ana", "bo", "cy"):
        assert cli("users", "add", name).exit_code == 0
    result = cli("assign", "--to", "ana", "--to", "bo", "--to", "cy", "--payer", "UHP01")
    assert result.exit_code == 0, result.output
    top = json.loads(
        cli("queue", "--payer", "UHP01", "--kind", "claim", "--limit", "0", "--all", "--format", "json").stdout
    )["queue"]
    claims = list(dict.fromkeys(r["claim_number"] for r in top))
    counts = {u: sum(1 for r in top if r["assignee"] == u) for u in ("ana", "bo", "cy")}
    assert result.stdout == f"{len(claims)} claims assigned: " + ", ".join(f"{u} {n}" for u, n in counts.items()) + "\n"
    assert max(counts.values()) - min(counts.values()) <= 1
    first = [r["assignee"] for r in top[:3]]
    assert first == ["ana", "bo", "cy"]
    assert {
        r["claim_number"]
        for r in json.loads(cli("queue", "--assignee", "bo", "--limit", "0", "--all", "--format", "json").stdout)[
            "queue"
        ]
    } == {r["claim_number"] for r in top if r["assignee"] == "bo"}
    assert _actions(cli)[-1] == "claims.assign"


@pytest.mark.parametrize(
    "args,message",
    [
        (["note", "NOPE", "hello"], "error: claim 'NOPE' is not in the ledger\n"),
        (["note", "CLM100182", "   "], "error: note: the text is empty; write what was done or learned\n"),
        (["follow-up", "NOPE", "--on", "2099-01-01", "--action", "call"], "error: claim 'NOPE' is not in the ledger\n"),
        (["follow-up", "CLM100182", "--on", "2020-01-01", "--action", "call"], "PAST"),
        (
            ["follow-up", "CLM100182", "--on", "soon", "--action", "call"],
            "error: --on: 'soon' is not a date (YYYY-MM-DD)\n",
        ),
        (
            ["follow-up", "CLM100182", "--on", "2099-01-01", "--action", " "],
            'error: --action: say what to do on that date (e.g. "call payer")\n',
        ),
        (
            ["follow-up", "CLM100182", "--on", "2099-01-01", "--action", "call", "--to", "zed"],
            "error: user 'zed' does not exist (add them with `ar-cli users add`)\n",
        ),
        (
            ["assign", "CLM100182", "--to", "zed"],
            "error: user 'zed' does not exist (add them with `ar-cli users add`)\n",
        ),
        (["assign", "NOPE", "--to", "maria"], "error: claim 'NOPE' is not in the ledger\n"),
        (["assign", "CLM100182"], "error: --to: name at least one user\n"),
        (
            ["assign", "--to", "maria"],
            "error: assign: name a claim, or choose claims with --payer, --financial-class, "
            "--bucket, --category, --min-balance or --limit\n",
        ),
        (
            ["assign", "CLM100182", "--to", "maria", "--payer", "ACM01"],
            "error: assign: name a claim or use filters, not both\n",
        ),
        (
            ["assign", "--to", "maria", "--payer", "NOPE"],
            "error: payer 'NOPE' is not in the ledger (see `ar-cli payers list`)\n",
        ),
        (["users", "add", "maria"], "error: users add: user 'maria' already exists\n"),
        (
            ["users", "add", "two words"],
            "error: users add: 'two words' is not a user name (letters, digits and . _ @ -, up to 80, no spaces)\n",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(sample_cli, args, message):
    assert sample_cli("users", "add", "maria").exit_code == 0
    assert sample_cli("assign", "CLM100016", "--to", "maria").exit_code == 0
    before = _state(sample_cli)
    result = sample_cli(*args)
    assert result.exit_code == 2, result.output
    if message == "PAST":
        message = f"error: --on: 2020-01-01 is in the past (today is {date.today().isoformat()})\n"
    assert result.stderr == message
    assert _state(sample_cli) == before
