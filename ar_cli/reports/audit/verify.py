"""`ar-cli audit verify`: is the ledger what its audit chain and its entries say it is?

Read-only, one read transaction, five checks; each break is a `Finding` naming the id
it is about (an audit event, a money row, a claim and responsibility, an unapplied
entry, a remittance):

1. the audit chain: events numbered 1, 2, 3 … with no gap, each naming the previous
   event's hash, each hash recomputed from the event's own fields and (since revision
   0007) its manifest, and the head row pointing at the last event and the last id
   issued — an edited, inserted or deleted event breaks it there; with an anchor
   (`audit anchor`, kept elsewhere), the chain must still hold that event and hash;
2. rows outside the chain: a ledger or unapplied entry whose audit event does not exist
   (written without a `ChangeRecorder`, or its event deleted); and every money row
   rebuilt into its event's manifest, in the row encoding the event names (since
   revision 0009 one text a row that the database builds: reports/audit/rows_check.py,
   domain/audit.py): a changed,
   inserted or deleted row is named with its event, and so is a posting date in a
   month closed before its event was written;
3. cached claim balances: each `claim_balance` row equals the sum of that claim's
   entries for that responsibility, and every sum has its row (DESIGN invariant 3);
4. unapplied accounts, recomputed from their entries: an entry that applies money
   points at money held by the same payer, never takes out more than was held, and its
   claim payment is the same amount; and per posted remittance, claim payments +
   unapplied money = BPR02 (interest closed as income still counts: it is in the bank).

What the chain cannot prove on its own: someone who rewrites every row hash, manifest
and event hash from a point on, or cuts events off the end and points the head back,
leaves a chain that verifies. An anchor (the head hash and event count, kept outside
the ledger) catches both. Descriptive rows (claims, patients, notes, settings) are
digested into their events but not rebuilt; events from before revision 0007 are
checked by their hashes only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ar_cli.domain.audit import GENESIS_HASH, manifest_digest
from ar_cli.domain.money import cents_to_text
from ar_cli.reports.audit.anchor import Anchor, chain_anchor, check_anchor  # noqa: F401 (the CLI's)
from ar_cli.reports.audit.posting_integrity import denials_over_owed, forced_remittances
from ar_cli.reports.audit.rows_check import Manifests, check_rows, load_manifests, sums_on_the_way
from ar_cli.store import balance_summary, claims_repo
from ar_cli.store.audit import rows as audit_rows
from ar_cli.store.audit.head import expected_event_hash
from ar_cli.store.database import Ledger
from ar_cli.store.queries import audit as audit_sql

if TYPE_CHECKING:
    from ar_cli.store import Session

# Entries that close held money rather than hold it (services/posting/unapplied.py).
_CLOSING = ("applied", "interest_income")


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One break. `check` is chain | anchor | rows | unaudited | balance | unapplied |
    remittance; `ref` names what is broken (e.g. 'event 12', 'ledger_entry 4711',
    'claim CLM100147 primary')."""

    check: str
    ref: str
    message: str

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}"


@dataclass(kw_only=True)
class Verification:
    events: int = 0
    old_events: int = 0  # written before revision 0007: checked by their hashes only
    money_rows: int = 0
    entries: int = 0
    balances: int = 0
    unapplied: int = 0
    remittances: int = 0
    findings: list[Finding] = field(default_factory=list)
    forced: list = field(default_factory=list)  # posting_integrity.ForcedRemittance: listed, not breaks

    @property
    def clean(self) -> bool:
        return not self.findings


def verify_ledger(ledger: Ledger, *, anchor: Anchor | None = None) -> Verification:
    with ledger.read() as session:
        return verify_session(session, anchor=anchor)


def verify_session(session: Session, *, anchor: Anchor | None = None) -> Verification:
    result = Verification()
    manifests = load_manifests(session)
    result.events, chain = check_audit_chain(session, manifests)
    result.old_events = result.events - len(manifests.texts)
    anchored = [
        Finding(check="anchor", ref=ref, message=message)
        for ref, message in (check_anchor(session, anchor) if anchor is not None else [])
    ]
    # Where the rows check reads every entry value by value (encoding 1), it sums them per
    # claim and responsibility for check 3 on its way (what an SQL GROUP BY cost again);
    # otherwise check 3 sums them in SQL.
    sums: dict[tuple[int, int], int] | None = {} if sums_on_the_way(manifests) else None
    result.money_rows, breaks = check_rows(session, manifests, entry_sums=sums)
    rows = [Finding(check="rows", ref=b.ref, message=b.message) for b in breaks]
    result.entries, unaudited = check_unaudited_rows(session)
    result.balances, balances = check_balances(session, sums)
    result.unapplied, result.remittances, unapplied = check_unapplied(session)
    result.findings = [*chain, *anchored, *rows, *unaudited, *balances, *unapplied]
    # Issue 13: open denials within what each coverage owes; forced remittances listed.
    result.findings += [Finding(check="denial", ref=r, message=m) for r, m in denials_over_owed(session)[1]]
    result.forced = forced_remittances(session)
    return result


def check_audit_chain(session: Session, manifests: Manifests | None = None) -> tuple[int, list[Finding]]:
    """Walk the chain in id order (streamed); returns (events read, findings)."""
    if manifests is None:
        manifests = load_manifests(session)
    findings: list[Finding] = []
    prev_hash, prev_id, count, manifested = GENESIS_HASH, 0, 0, 0
    seen: set[int] = set()
    for row in audit_sql.chain_events(session):
        count += 1
        ref = f"event {row.id}"
        if row.id != prev_id + 1:
            missing = f"event {prev_id + 1}" if row.id == prev_id + 2 else f"events {prev_id + 1}-{row.id - 1}"
            findings.append(Finding(check="chain", ref=ref, message=f"{missing} missing from the chain"))
        if row.prev_hash != prev_hash:
            findings.append(
                Finding(check="chain", ref=ref, message="does not follow the event before it (previous hash differs)")
            )
        manifest = manifests.texts.get(row.id)
        if manifest is not None:
            manifested = manifested or row.id
            if row.id in manifests.unreadable or manifest_digest(manifest) != row.rows_digest:
                findings.append(
                    Finding(check="chain", ref=ref, message="its manifest was changed after it was written")
                )
        elif manifested:
            findings.append(
                Finding(
                    check="chain",
                    ref=ref,
                    message=(
                        f"has no manifest, but event {manifested} before it has: written around the chain, "
                        "or its manifest removed"
                    ),
                )
            )
        if row.hash != expected_event_hash(row, manifest):
            findings.append(
                Finding(
                    check="chain",
                    ref=ref,
                    message="hash does not match its content: the event was changed after it was written",
                )
            )
        prev_hash, prev_id = row.hash, row.id
        seen.add(row.id)
    head = audit_sql.head(session)
    if head is None:
        findings.append(Finding(check="chain", ref="audit head", message="the chain head row is missing"))
    else:
        last_event_id, last_hash, issued_event_id = head
        if (last_event_id or 0) != prev_id or last_hash != prev_hash:
            findings.append(
                Finding(
                    check="chain",
                    ref="audit head",
                    message=f"points at event {last_event_id or 0}, the chain ends at event "
                    f"{prev_id} (events removed, or written around the chain)",
                )
            )
        elif (issued_event_id or 0) > prev_id:
            findings.append(
                Finding(
                    check="chain",
                    ref="audit head",
                    message=(
                        f"event {issued_event_id} was issued, the chain ends at event {prev_id}: events removed "
                        "from its end"
                    ),
                )
            )
    for event_id in sorted(set(manifests.texts) - seen):
        findings.append(
            Finding(
                check="chain",
                ref=f"event {event_id}",
                message="has a manifest but is not in the chain (the event was removed)",
            )
        )
    return count, findings


def check_unaudited_rows(session: Session) -> tuple[int, list[Finding]]:
    """Ledger and unapplied entries stamped with no event (one finding per row), or with
    an event the chain does not hold (one finding per missing event)."""
    findings: list[Finding] = []
    entries = 0
    missing: dict[int, list[str]] = defaultdict(list)
    for table, label in (("ledger_entry", "ledger"), ("unapplied_entry", "unapplied")):
        entries += audit_sql.entry_count(session, table)
        for event_id, count, first, last in audit_sql.stamps_not_in_chain(session, table):
            ids = f"id {first}" if count == 1 else f"ids {first}-{last}"
            missing[int(event_id)].append(f"{count} {label} entr{'y' if count == 1 else 'ies'} ({ids})")
        for (row_id,) in audit_sql.unstamped_ids(session, table):
            findings.append(
                Finding(
                    check="unaudited",
                    ref=f"{label} entry {row_id}",
                    message="has no audit event (written around the chain)",
                )
            )
    for event_id, parts in sorted(missing.items()):
        findings.append(
            Finding(
                check="unaudited",
                ref=f"event {event_id}",
                message=(f"{' and '.join(parts)} name this event, which is not in the chain"),
            )
        )
    return entries, findings


_RANKS = {0: "patient", 1: "primary", 2: "secondary", 3: "tertiary"}


def check_balances(session: Session, sums: dict[tuple[int, int], int] | None = None) -> tuple[int, list[Finding]]:
    """Every (claim, responsibility): cached balance = sum of entries (summed in SQL,
    unless the caller summed them on its way through every entry); and the open-balance
    summary = those balances grouped."""
    if sums is None:
        sums = audit_rows.entry_sums(session)
    cached = claims_repo.every_cached_balance(session)
    # Equal dicts (compared in C) are the clean ledger; otherwise each key is compared,
    # a missing key counting as 0.
    if cached == sums:
        keys, broken = sums.keys(), []
    else:
        keys = set(sums) | set(cached)
        broken = sorted(key for key in keys if cached.get(key, 0) != sums.get(key, 0))
    numbers = audit_sql.claim_numbers(session, sorted({claim_id for claim_id, _ in broken})) if broken else {}
    findings = []
    for claim_id, resp in broken:
        ref = f"claim {numbers.get(claim_id, f'id {claim_id}')} {_RANKS.get(resp, f'responsibility {resp}')}"
        if (claim_id, resp) not in cached:
            message = f"entries sum to {cents_to_text(sums[(claim_id, resp)])} but there is no cached balance"
        else:
            message = (
                f"cached balance {cents_to_text(cached[(claim_id, resp)])} but the entries sum to "
                f"{cents_to_text(sums.get((claim_id, resp), 0))}"
            )
        findings.append(Finding(check="balance", ref=ref, message=message))
    # The open-balance summary aging reads must equal a fresh grouping of the balances.
    for problem in balance_summary.drift(session):
        findings.append(Finding(check="summary", ref="open_balance_summary", message=problem))
    return len(keys), findings


def check_unapplied(session: Session) -> tuple[int, int, list[Finding]]:
    """Returns (unapplied entries read, remittances tied, findings)."""
    rows = audit_sql.unapplied_entries(session)
    by_id = {r.id: r for r in rows}
    findings: list[Finding] = []
    taken: dict[int, int] = defaultdict(int)
    claim_entry_ids = [r.ledger_entry_id for r in rows if r.reason == "applied" and r.ledger_entry_id]
    claim_amounts = audit_sql.entry_amounts(session, claim_entry_ids)
    for row in rows:
        ref = f"unapplied entry {row.id}"
        if row.applies_id is None:
            if row.reason in _CLOSING:
                findings.append(
                    Finding(check="unapplied", ref=ref, message=f"{row.reason} entry that points at no held money")
                )
            continue
        held = by_id.get(row.applies_id)
        if held is None or held.reason in _CLOSING:
            findings.append(
                Finding(
                    check="unapplied",
                    ref=ref,
                    message=f"applies unapplied entry {row.applies_id}, which holds no money",
                )
            )
            continue
        if held.payer_id != row.payer_id:
            findings.append(
                Finding(check="unapplied", ref=ref, message=f"applies money held for another payer (entry {held.id})")
            )
        taken[held.id] += row.amount
        if row.reason == "applied" and row.ledger_entry_id is not None:
            claim = claim_amounts.get(row.ledger_entry_id)
            if claim != row.amount:
                findings.append(
                    Finding(
                        check="unapplied",
                        ref=ref,
                        message=(
                            f"takes {cents_to_text(-row.amount)} out of unapplied but its claim payment (ledger entry "
                            f"{row.ledger_entry_id}) is {'missing' if claim is None else cents_to_text(-claim)}"
                        ),
                    )
                )
    for held_id, out in sorted(taken.items()):
        held = by_id[held_id]
        left = held.amount + out
        if left != 0 and (left > 0) != (held.amount > 0):
            findings.append(
                Finding(
                    check="unapplied",
                    ref=f"unapplied entry {held_id}",
                    message=(f"held {cents_to_text(held.amount)} but {cents_to_text(-out)} was applied out of it"),
                )
            )
    ties, tie_findings = _remittances_tie(session, rows)
    return len(rows), ties, [*findings, *tie_findings]


def _remittances_tie(session: Session, unapplied_rows) -> tuple[int, list[Finding]]:
    """Per posted or forced remittance: claim payments + unapplied (less interest closed)
    = BPR02 (a forced one's difference is in unapplied); a notification (BPR01 H) moves 0."""
    paid = {int(rid): -int(s) for rid, s in audit_sql.payments_by_remittance(session)}
    held: dict[int, int] = defaultdict(int)
    for row in unapplied_rows:
        if row.remittance_id is not None and row.reason != "interest_income":
            held[row.remittance_id] += row.amount
    findings = []
    count = 0
    for rid, trace, amount, status in audit_sql.tied_remittances(session):
        count += 1
        amount = 0 if status == "notification" else amount
        got = paid.get(rid, 0) + held.get(rid, 0)
        if got != amount:
            findings.append(
                Finding(
                    check="remittance",
                    ref=f"remittance {rid} (trace {trace})",
                    message=(
                        f"claim payments {cents_to_text(paid.get(rid, 0))} + unapplied {cents_to_text(held.get(rid, 0))} = "
                        f"{cents_to_text(got)}, not the {cents_to_text(amount)} paid"
                    ),
                )
            )
    return count, findings
