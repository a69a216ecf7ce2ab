"""One definition of "the payer has answered" (store/payer_answers.py), read by the
denial flags (timely filing) and the work queue ("no response"): an ERA claim payment,
even a zero-pay denial, or a payment from that payer posted by hand. SQLite and
PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import select

from ar_cli.reports.denials.flags import flag_rows
from ar_cli.reports.queue.build import QueueFilter, build_queue
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_file
from ar_cli.services.posting.manual import ManualPayment, post_payment
from ar_cli.store import claims_repo
from ar_cli.store.payer_answers import answer_days
from ar_cli.store.tables import PayerRow
from conftest import POSTING
from denial_eras import claim, claims_csv, era, line


@pytest.fixture
def practice(ledger, actor, tmp_path):
    """Acme, 2026-05-10: D1 paid in part (its PR-1 share of 20.00 moved to Second
    Choice), D2 denied in full (a claim payment with no payment entry)."""
    import_claims(ledger, claims_csv(tmp_path), actor=actor, posting_date=POSTING)
    post_era_file(
        ledger,
        era(
            tmp_path / "e1.835",
            "ACME1",
            "T1",
            "20260510",
            claim(
                "D1",
                "1",
                12500,
                6000,
                "PCN-D1-A",
                "AC111",
                [
                    line("99213", 10000, 6000, "D1-1", ("CO", "45", 2000), ("PR", "1", 2000)),
                    line("36415", 2500, 0, "D1-2", ("CO", "97", 2500)),
                ],
                pr=2000,
            ),
            claim("D2", "4", 20000, 0, "PCN-D2-A", "AC222", [line("99214", 20000, 0, "D2-1", ("CO", "197", 20000))]),
        ),
        actor=actor,
        posting_date=POSTING,
        dry_run=False,
        force=False,
        create_claims=False,
    )
    return ledger


def _answers(ledger):
    with ledger.read() as session:
        ids = {n: claims_repo.get_claim(session, n).id for n in ("D1", "D2", "D3")}
        payers = dict(session.execute(select(PayerRow.id, PayerRow.code)).all())
        found = answer_days(session, ids.values())
    numbers = {v: k for k, v in ids.items()}
    return {(numbers[c], payers[p]): days for (c, p), days in found.items()}


def _second_choice_flags(ledger):
    with ledger.read() as session:
        return [
            f
            for f in flag_rows(session, as_of=date(2027, 4, 20), due_within=14, idle_days=30, filing_within=30)
            if f["flag"] == "timely_filing" and f["payer"] == "SECO2"
        ]


def _waiting(ledger, number, resp, as_of=date(2026, 10, 25)):
    with ledger.read() as session:
        return next(
            i.facts.days_without_response
            for i in build_queue(session, QueueFilter(limit=None, include_hidden=True), as_of=as_of).items
            if (i.ref, i.responsibility) == (number, resp)
        )


def test_a_paper_eob_is_an_answer_for_the_flags_and_the_queue_alike(practice, actor):
    assert _answers(practice) == {("D1", "ACME1"): [date(2026, 5, 10)], ("D2", "ACME1"): [date(2026, 5, 10)]}
    # Second Choice holds 20.00 of D1 since Acme's remittance and has not answered.
    assert [(f["claim"], f["line"]) for f in _second_choice_flags(practice)] == [("D1", 1), ("D1", 2)]
    assert _waiting(practice, "D1", 2) == (date(2026, 10, 25) - date(2026, 5, 10)).days
    assert _waiting(practice, "D2", 1) is None  # Acme denied it in full: it answered
    assert _waiting(practice, "D3", 1) == (date(2026, 10, 25) - date(2026, 4, 6)).days  # billed, silent
    # Second Choice's paper EOB pays 10.00 of it: it answered, for both readers.
    post_payment(
        practice,
        ManualPayment(
            claim_number="D1", amount=1000, payer="SECO2", method="check", reference="SC-1", paid_on=date(2026, 6, 15)
        ),
        actor=actor,
        posting_date=POSTING,
    )
    assert _answers(practice)[("D1", "SECO2")] == [date(2026, 6, 15)]
    assert _second_choice_flags(practice) == []
    assert _waiting(practice, "D1", 2) is None


def test_a_denial_on_paper_is_an_answer_though_nothing_was_paid(practice, actor):
    from ar_cli.domain.posting.manual_payment import Adjustment

    # Second Choice's paper EOB pays nothing and denies its 20.00 on line 1 (CO-50).
    post_payment(
        practice,
        ManualPayment(
            claim_number="D1",
            amount=0,
            payer="SECO2",
            method="check",
            reference="SC-0",
            paid_on=date(2026, 6, 20),
            line=1,
            adjustments=(Adjustment(group="CO", carc="50", amount=2000),),
        ),
        actor=actor,
        posting_date=POSTING,
    )
    assert _answers(practice)[("D1", "SECO2")] == [date(2026, 6, 20)]
    assert _second_choice_flags(practice) == []
    assert _waiting(practice, "D1", 2) is None
