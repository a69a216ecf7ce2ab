"""A batch of claim payments as it is posted: what was read for it (LoadedBatch: claims,
balances, line balances, denial counts, the denials a payment may overturn or repeat)
and the rows it writes (BatchRows), written together by `write_batch`: one executemany
per table for the whole batch (per-claim writes cost 50× more)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ar_cli.domain.claims.records import Claim
from ar_cli.domain.posting.rows import AMOUNT, ENTRY_KEYS, PAYMENT_KEYS, RESPONSIBILITY
from ar_cli.domain.posting.values import PlannedEntry
from ar_cli.services.era.remittance import PostingRun
from ar_cli.store import claims_repo, denials_repo, remittances_repo
from ar_cli.store.balance_summary import owner_key
from ar_cli.store.queries import era as queries
from ar_cli.store.tables import ClaimPaymentRow, DenialRow, FollowUpRow, LedgerEntryRow


class BatchRows:
    """Rows a batch of claim payments writes, flushed together."""

    def __init__(self) -> None:
        self.entries: list[tuple] = []  # ledger entries, in ENTRY_KEYS order
        self.deltas: dict[tuple[int, int], int] = {}
        self.since: dict = {}
        self.denials: list[dict] = []
        self.follow_ups: list[dict] = []
        self.statuses: dict[int, str] = {}
        self.payments: list[tuple] = []  # claim_payment rows, in PAYMENT_KEYS order
        self.denial_payment: list[int] = []  # per denial row: its payment's index in `payments`
        self.denial_updates: dict[int, dict] = {}  # stored denials overturned: id → new values
        self.denial_repeats: dict[int, dict] = {}  # stored denials said again: id → refreshed values
        self.numbers: set[str] = set()  # claim numbers with a payment in this batch

    def add_entries(self, claim_id: int, rows: list[tuple], effective: date) -> None:
        """A claim payment's entry rows, and what they do to the claim's balances."""
        self.entries.extend(rows)
        deltas, since = self.deltas, self.since
        for row in rows:
            key = (claim_id, row[RESPONSIBILITY])
            deltas[key] = deltas.get(key, 0) + row[AMOUNT]
            since[key] = effective


class LoadedBatch:
    """What a batch's plans read, a batch of claims at a time: the claims and their
    balances and line balances (which the plans then move on), each claim's open and
    appealed denial counts, and the payer's denials that a payment may overturn or
    repeat (stored ones, then the batch's own as they open)."""

    def __init__(self, run: PostingRun, claims: dict[str, Claim], payer_id: int) -> None:
        session = run.session
        self.ids = [c.id for c in claims.values()]
        self.balances = remittances_repo.balances_by_claim(session, self.ids)
        self.lines = remittances_repo.line_balances(session, self.ids)
        self.denial_counts = denials_repo.denial_counts(session, self.ids)
        self.claims_by_id = {c.id: c for c in claims.values()}
        self.overturnable = denials_repo.overturnable(session, self.ids, payer_id)
        self.rows = BatchRows()

    def write(self, run: PostingRun) -> None:
        """Write the rows so far."""
        write_batch(run, self.rows, self._summary_changes(self.rows.deltas))

    def write_and_go_on(
        self, run: PostingRun, payer_id: int, *, claim_id: int, unwritten: Sequence[PlannedEntry]
    ) -> None:
        """Write the rows so far and start new ones, the denials to overturn read again
        (the batch's own, just written, now with their ids). `unwritten`: the entries of
        the claim's plan under way, in its balances already but not in these rows."""
        held_back: dict[tuple[int, int], int] = {}
        for entry in unwritten:
            key = (claim_id, entry.responsibility)
            held_back[key] = held_back.get(key, 0) + entry.amount
        write_batch(run, self.rows, self._summary_changes(self.rows.deltas, held_back))
        self.rows = BatchRows()
        self.overturnable = denials_repo.overturnable(run.session, self.ids, payer_id)

    def _summary_changes(
        self, deltas: dict[tuple[int, int], int], held_back: dict[tuple[int, int], int] | None = None
    ) -> list[tuple[int, str, str, int, int]]:
        """Each changed balance before and after, filed as the open-balance summary
        files it: the batch's balances are in memory already, after its plans (less what
        `held_back` of them is not written yet)."""
        changes = []
        claims_by_id, balances = self.claims_by_id, self.balances
        # Per claim: its payers by rank (the first coverage of a rank, as Claim.coverage
        # finds it) and its dates as the summary files them, found once for its balances.
        filed: dict[int, tuple[dict[int, int], str, str]] = {}
        for (claim_id, resp), delta in deltas.items():
            facts = filed.get(claim_id)
            if facts is None:
                claim = claims_by_id[claim_id]
                facts = filed[claim_id] = (
                    {c.rank: c.payer_id for c in reversed(claim.coverages)},
                    claim.first_service_date.isoformat(),
                    claim.billed_date.isoformat(),
                )
            after = balances[claim_id].get(resp, 0)
            if held_back:
                after -= held_back.get((claim_id, resp), 0)
            changes.append((owner_key(resp, facts[0].get(resp)), facts[1], facts[2], after - delta, after))
        return changes


def write_batch(run: PostingRun, batch: BatchRows, summary: list[tuple[int, str, str, int, int]]) -> None:
    """Write a batch's rows, and note its updates in the audit event."""
    session, rec = run.session, run.rec
    rec.insert_tuples(LedgerEntryRow, ENTRY_KEYS, batch.entries)
    claims_repo.apply_balance_deltas(session, batch.deltas, since=batch.since, summary=summary)
    payment_ids = rec.insert_tuples(ClaimPaymentRow, PAYMENT_KEYS, batch.payments, returning_ids=True)
    for row, index in zip(batch.denials, batch.denial_payment):
        row["claim_payment_id"] = payment_ids[index]
    rec.insert(DenialRow, batch.denials)
    denials_repo.write_overturns(session, batch.denial_updates)
    denials_repo.write_repeats(session, batch.denial_repeats)
    for denial_id, changes in sorted(batch.denial_repeats.items()):
        rec.note_update("denial", denial_id, changes)
    for denial_id, changes in sorted(batch.denial_updates.items()):
        rec.note_update("denial", denial_id, {k: changes[k] for k in ("overturned_amount", "status")})
    rec.insert(FollowUpRow, batch.follow_ups)
    if batch.statuses:
        statuses = sorted(batch.statuses.items())
        queries.set_claim_statuses(session, statuses)
        rec.note_updates("claim", [(claim_id, {"status": status}) for claim_id, status in statuses])
