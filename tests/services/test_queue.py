"""The work queue on the sample practice, against SQLite and PostgreSQL: the database's
facts and scores agree with facts computed here from the rows and with the pure score;
the top N found without scoring every row is the top N of the full ranking; follow-ups
hide claims unless a deadline comes first; the other kinds and the filters."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from ar_cli.domain.errors import InputError, NotFoundError
from ar_cli.domain.payers import TimelyFiling
from ar_cli.domain.queue.score import (
    DeadlineKind,
    ItemKind,
    QueueFacts,
    days_without_response,
    hidden_by_follow_up,
    score,
)
from ar_cli.reports.queue.build import QueueFilter, build_queue
from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.context import Actor
from ar_cli.services.era.files import post_era_files
from ar_cli.services.posting.manual import ManualPayment, post_payment
from ar_cli.services.settings import set_setting
from ar_cli.services.work_notes import add_follow_up, add_note, add_user, assign
from ar_cli.store.tables import (
    ClaimBalanceRow,
    ClaimPaymentRow,
    ClaimRow,
    CoverageRow,
    DenialRow,
    FollowUpRow,
    LedgerEntryRow,
    NoteRow,
    PayerRow,
    RemittanceRow,
)
from conftest import POSTING, REPO
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries

SAMPLE = REPO / "sample_data"
AS_OF_DATES = [date(2026, 6, 30), date(2026, 10, 25), date(2026, 11, 5), date(2027, 1, 31)]


@pytest.fixture
def sample(ledger, actor):
    import_claims(ledger, SAMPLE / "claims.csv", actor=actor, posting_date=POSTING)
    post_era_files(ledger, [SAMPLE / "eras"], actor=actor, posting_date=POSTING)
    return ledger


def _worked(ledger, actor):
    """Notes, follow-ups, limits in months and days, payer and category points."""
    later = Actor(user="tester", now=datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
    add_note(ledger, "CLM100182", "called Acme: auth on file", actor=later)
    add_note(ledger, "CLM100043", "resubmitted", actor=actor)
    add_follow_up(ledger, "CLM100169", due_on=date(2026, 7, 20), action="call payer", actor=actor, today=POSTING)
    add_follow_up(ledger, "CLM100182", due_on=date(2026, 12, 1), action="appeal", actor=actor, today=POSTING)
    with ledger.write() as session:
        session.execute(
            update(PayerRow).where(PayerRow.code == "MCR01").values(timely_filing_count=5, timely_filing_unit="m")
        )
        session.execute(
            update(PayerRow).where(PayerRow.code == "UHP01").values(timely_filing_count=90, timely_filing_unit="d")
        )
    set_setting(ledger, "queue.payer_points", "ACM01=7,medicaid=3,self-pay=2", actor=actor)
    set_setting(ledger, "queue.category_points", "coding=1,authorization=15", actor=actor)
    # Paper EOBs posted by hand: the primary of a billed claim and a secondary answer.
    for number, payer, amount in (("CLM100102", "ACM01", 5000), ("CLM100232", "MCD01", 500)):
        post_payment(
            ledger,
            ManualPayment(
                claim_number=number,
                amount=amount,
                payer=payer,
                method="check",
                reference=f"PAPER-{number}",
                paid_on=date(2026, 6, 25),
            ),
            actor=actor,
            posting_date=POSTING,
        )


def _expected(session, as_of: date, weights) -> dict[tuple[int, int], tuple[QueueFacts, int | None]]:
    """Each owing claim responsibility's facts, from the rows, in plain Python."""
    claims = {c.id: c for c in session.execute(select(ClaimRow)).scalars()}
    payers = {p.id: p for p in session.execute(select(PayerRow)).scalars()}
    coverage = {(c.claim_id, c.rank): c.payer_id for c in session.execute(select(CoverageRow)).scalars()}
    notes: dict[int, date] = {}
    for n in session.execute(select(NoteRow)).scalars():
        notes[n.claim_id] = max(notes.get(n.claim_id, date.min), n.created_at.date())
    due: dict[int, date] = {}
    made: dict[int, date] = {}
    for f in session.execute(select(FollowUpRow).where(FollowUpRow.status == "open")).scalars():
        due[f.claim_id] = min(due.get(f.claim_id, date.max), f.due_on)
        made[f.claim_id] = max(made.get(f.claim_id, date.min), f.created_at.date())
    # A payer's answers on a claim (DECISIONS.md "A payer has answered"): its ERA claim
    # payments, dated by their remittance, and payments it made without one (a paper EOB,
    # unapplied money applied), dated by their effective date.
    answers: dict[tuple[int, int], list[date]] = {}
    for claim_id, payer_id, day in session.execute(
        select(ClaimPaymentRow.claim_id, ClaimPaymentRow.payer_id, RemittanceRow.effective_date).join(
            RemittanceRow, RemittanceRow.id == ClaimPaymentRow.remittance_id
        )
    ):
        answers.setdefault((claim_id, payer_id), []).append(day)
    for e in session.execute(select(LedgerEntryRow).where(LedgerEntryRow.kind == "payment")).scalars():
        if e.amount < 0 and e.payer_id is not None:
            answers.setdefault((e.claim_id, e.payer_id), []).append(e.effective_date)
    denials: dict[tuple[int, int], list] = {}
    for d in session.execute(select(DenialRow).where(DenialRow.status == "open")).scalars():
        denials.setdefault((d.claim_id, d.responsibility), []).append(d)
    out = {}
    for b in session.execute(select(ClaimBalanceRow).where(ClaimBalanceRow.balance > 0)).scalars():
        c = claims[b.claim_id]
        payer = payers.get(coverage.get((c.id, b.responsibility))) if b.responsibility else None
        touched = max(b.responsible_since, c.billed_date, notes.get(c.id, c.billed_date), made.get(c.id, c.billed_date))
        billed_payer = c.status == "billed" and b.responsibility > 0
        filing = None
        if billed_payer and payer is not None:
            limit = TimelyFiling(count=payer.timely_filing_count, unit=payer.timely_filing_unit)
            filing = (limit.deadline(c.first_service_date) - as_of).days
        dens = denials.get((c.id, b.responsibility), [])
        category = None
        if dens:
            known = [d.category if d.category in weights.category else "other" for d in dens]
            category = min(known, key=lambda k: (-weights.category_points(k), k))
        ahead = [
            ((d.appeal_deadline - as_of).days, DeadlineKind.APPEAL)
            for d in dens
            if d.appeal_deadline and d.appeal_deadline >= as_of
        ]
        passed = [
            ((d.appeal_deadline - as_of).days, DeadlineKind.APPEAL)
            for d in dens
            if d.appeal_deadline and d.appeal_deadline < as_of
        ]
        if filing is not None:
            (ahead if filing >= 0 else passed).append((filing, DeadlineKind.FILING))
        deadline = (
            min(ahead, key=lambda x: (x[0], x[1] != DeadlineKind.APPEAL))
            if ahead
            else max(passed, key=lambda x: x[0])
            if passed
            else (None, DeadlineKind.APPEAL)
        )
        facts = QueueFacts(
            kind=ItemKind.CLAIM,
            amount=b.balance,
            age_days=(as_of - c.first_service_date).days,
            payer_code=payer.code if payer else "",
            financial_class=payer.financial_class if payer else ("self-pay" if b.responsibility == 0 else ""),
            denial_category=category,
            deadline_days=deadline[0],
            deadline_kind=deadline[1],
            days_without_response=None
            if payer is None
            else days_without_response(
                as_of=as_of, responsible_since=b.responsible_since, answers=answers.get((c.id, payer.id), [])
            ),
            untouched_days=(as_of - touched).days,
        )
        out[(c.id, b.responsibility)] = (facts, (due[c.id] - as_of).days if c.id in due else None)
    return out


def test_database_facts_and_scores_agree_with_the_pure_functions(sample, actor):
    _worked(sample, actor)
    for as_of in AS_OF_DATES:
        with sample.read() as session:
            queue = build_queue(session, QueueFilter(limit=None, include_hidden=True), as_of=as_of)
            expected = _expected(session, as_of, queue.weights)
            shown = build_queue(session, QueueFilter(limit=None), as_of=as_of)
        claims = {(i.claim_id, i.responsibility): i for i in queue.items if i.kind is ItemKind.CLAIM}
        assert set(claims) == set(expected)
        for key, item in claims.items():
            facts, follow_up_in = expected[key]
            assert item.facts == facts, (as_of, item.ref)
            assert item.score == score(facts, queue.weights), (as_of, item.ref)
            assert item.follow_up_in == follow_up_in
        visible = {
            k
            for k, (f, due) in expected.items()
            if not hidden_by_follow_up(follow_up_in=due, deadline_days=f.deadline_days)
        }
        assert {(i.claim_id, i.responsibility) for i in shown.items if i.kind is ItemKind.CLAIM} == visible
    # The sweep met every kind of fact at least once.
    kinds = {(f.deadline_kind, f.deadline_days is not None and f.deadline_days >= 0) for f, _ in expected.values()}
    assert (DeadlineKind.APPEAL, False) in kinds and (DeadlineKind.FILING, False) in kinds


def test_no_response_counts_from_when_the_coverage_holding_the_money_became_responsible(sample, actor):
    """Issue 6: "no response" is not only for billed claims. A secondary the money moved
    to, silent since, is waiting too (from the day it became responsible); a payer that
    answered since — by ERA, even a zero-pay denial, or by a paper EOB — is not."""
    _worked(sample, actor)
    as_of = date(2026, 10, 25)
    with sample.read() as session:
        items = {
            (i.ref, i.responsibility): i
            for i in build_queue(session, QueueFilter(limit=None, include_hidden=True), as_of=as_of).items
            if i.kind is ItemKind.CLAIM
        }
        since = {
            (number, resp): day
            for number, resp, day in session.execute(
                select(ClaimRow.claim_number, ClaimBalanceRow.responsibility, ClaimBalanceRow.responsible_since).join(
                    ClaimBalanceRow, ClaimBalanceRow.claim_id == ClaimRow.id
                )
            )
        }
        statuses = dict(session.execute(select(ClaimRow.claim_number, ClaimRow.status)).all())

    def waiting(number, resp):
        return items[(number, resp)].facts.days_without_response

    # Billed, the primary silent: from the billed date (its responsible_since), as before.
    assert statuses["CLM100119"] == "billed"
    assert waiting("CLM100119", 1) == (as_of - date(2026, 3, 17)).days
    # Medicare paid, the rest moved to Medicaid on 2026-06-19, Medicaid silent since.
    assert statuses["CLM100266"] == "partially_paid"
    assert since[("CLM100266", 2)] == date(2026, 6, 19)
    assert waiting("CLM100266", 2) == (as_of - date(2026, 6, 19)).days
    assert "no response in 128 days" in why_of(sample, "CLM100266", 2, as_of)
    # The same, but Medicaid's paper EOB came on 2026-06-25: it answered.
    assert waiting("CLM100232", 2) is None
    # A billed claim whose primary paid part by paper EOB: it answered.
    assert statuses["CLM100102"] == "partially_paid" and waiting("CLM100102", 1) is None
    # A primary that denied in full (an ERA claim payment with no payment entry) answered.
    assert waiting("CLM100182", 1) is None
    # The patient waits for no payer.
    assert all(i.facts.days_without_response is None for (_, resp), i in items.items() if resp == 0)


def why_of(ledger, number: str, resp: int, as_of: date) -> str:
    with ledger.read() as session:
        return next(
            i.why
            for i in build_queue(session, QueueFilter(limit=None, include_hidden=True), as_of=as_of).items
            if (i.ref, i.responsibility) == (number, resp)
        )


@pytest.mark.parametrize(
    "weights",
    [
        "",
        "money=200,age=0,untouched=0,no_response=0,denial=0,deadline=0",
        "money=1,age=0,untouched=0,no_response=0",
        "deadline=200,money=5,age=5,untouched=5,no_response=5,denial=5",
    ],
)
def test_the_top_n_is_the_top_of_the_full_ranking(sample, actor, weights):
    _worked(sample, actor)
    set_setting(sample, "queue.weights", weights, actor=actor)
    for as_of in AS_OF_DATES:
        with sample.read() as session:
            full = build_queue(session, QueueFilter(limit=None), as_of=as_of).items
            for limit in (1, 7, 40):
                top = build_queue(session, QueueFilter(limit=limit), as_of=as_of)
                assert [(i.ref, i.responsibility, i.score) for i in top.items] == [
                    (i.ref, i.responsibility, i.score) for i in full[:limit]
                ], (as_of, limit)
            scored = build_queue(session, QueueFilter(limit=5), as_of=as_of).scored_rows
    if weights.startswith("money=200"):
        assert scored < len([i for i in full if i.kind is ItemKind.CLAIM])  # the balance bound pruned


def test_a_follow_up_hides_a_claim_until_its_date_unless_an_appeal_is_due_first(sample, actor):
    def refs(as_of, **kw):
        with sample.read() as session:
            return {i.ref for i in build_queue(session, QueueFilter(limit=None, **kw), as_of=as_of).items}

    assert "CLM100169" in refs(POSTING)
    add_follow_up(sample, "CLM100169", due_on=date(2026, 7, 20), action="call payer", actor=actor, today=POSTING)
    assert "CLM100169" not in refs(POSTING)
    assert "CLM100169" in refs(POSTING, include_hidden=True)
    assert "CLM100169" in refs(date(2026, 7, 20))
    # CLM100182's ACM01 denials must be appealed by 2026-11-11: a follow-up after that
    # date does not hide it within the deadline's reach; one before it does.
    add_follow_up(sample, "CLM100182", due_on=date(2026, 11, 20), action="appeal", actor=actor, today=POSTING)
    assert "CLM100182" in refs(date(2026, 11, 1))
    add_follow_up(sample, "CLM100182", due_on=date(2026, 11, 5), action="appeal", actor=actor, today=POSTING)
    assert "CLM100182" not in refs(date(2026, 11, 1))
    with sample.read() as session:
        item = next(
            i
            for i in build_queue(session, QueueFilter(limit=None), as_of=date(2026, 11, 8)).items
            if i.ref == "CLM100182"
        )
        assert item.why.startswith("appeal due in 3 days · denied: authorization · $1,524")
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)


def test_other_kinds_filters_and_bad_filters(sample, actor):
    add_user(sample, "maria", full_name="Maria", actor=actor)
    assign(sample, ["CLM100182", "CLM100016"], ["maria"], actor=actor)
    with sample.read() as session:

        def items(**kw):
            return build_queue(session, QueueFilter(limit=None, **kw), as_of=POSTING).items

        everything = items()
        kinds = {i.kind for i in everything}
        assert {ItemKind.CLAIM, ItemKind.EXCEPTION} <= kinds
        exception = next(i for i in everything if i.kind is ItemKind.EXCEPTION)
        assert exception.ref.startswith("exception ") and exception.amount == 16_210
        assert exception.why.startswith("exception: unmatched claim · $162")
        # The parked 162.10 is the exception's work: not a second row as unapplied money.
        assert not [i for i in everything if i.kind is ItemKind.UNAPPLIED]
        assert {i.ref for i in items(assignee="maria")} == {"CLM100182", "CLM100016"}
        assert {i.payer for i in items(payer="ACM01")} == {"ACM01"}
        assert {i.facts.financial_class for i in items(financial_class="medicaid")} == {"medicaid"}
        assert {i.payer for i in items(financial_class="self-pay")} == {"patient"}
        assert all(i.facts.denial_category == "bundling" for i in items(category="bundling"))
        assert items(category="bundling")
        # Two open denials on one claim's primary: still one row.
        assert [i.ref for i in items(category="authorization")].count("CLM100182") == 1
        assert all(i.amount >= 50_000 for i in items(min_amount=50_000))
        assert all(91 <= i.facts.age_days <= 120 for i in items(bucket="91-120"))
        assert all(i.facts.age_days >= 121 for i in items(bucket="121+"))
        assert {i.kind for i in items(kind="exception")} == {ItemKind.EXCEPTION}
        for kw, error in [
            ({"payer": "NOPE"}, NotFoundError),
            ({"assignee": "zed"}, NotFoundError),
            ({"bucket": "5-10"}, InputError),
            ({"category": "weather"}, InputError),
            ({"financial_class": "gold"}, InputError),
            ({"kind": "claims"}, InputError),
        ]:
            with pytest.raises(error):
                items(**kw)


def test_a_credit_balance_is_its_own_row(sample, actor):
    from ar_cli.store.audit.chain import ChangeRecorder
    from ar_cli.store.claims_repo import apply_balance_deltas, get_claim
    from ar_cli.store.tables import LedgerEntryRow

    with sample.write() as session:  # the patient paid 25.00 more than owed at the desk
        claim = get_claim(session, "CLM100147")
        rec = ChangeRecorder(session, actor="tester", now=actor.now)
        owed = session.execute(
            select(ClaimBalanceRow.balance).where(
                ClaimBalanceRow.claim_id == claim.id, ClaimBalanceRow.responsibility == 0
            )
        ).scalar_one()
        rec.insert(
            LedgerEntryRow,
            [
                {
                    "claim_id": claim.id,
                    "responsibility": 0,
                    "kind": "payment",
                    "amount": -(owed + 2500),
                    "posting_date": POSTING,
                    "effective_date": POSTING,
                    "created_by": "tester",
                }
            ],
        )
        apply_balance_deltas(session, {(claim.id, 0): -(owed + 2500)}, since={(claim.id, 0): POSTING})
        rec.finish(action="test.overpay")
    with sample.read() as session:
        items = build_queue(session, QueueFilter(limit=None), as_of=POSTING).items
        assert_balances_equal_entries(session)
    credit = [i for i in items if i.kind is ItemKind.CREDIT]
    assert [(c.ref, c.owed_by, c.amount) for c in credit] == [("CLM100147", "patient", 2500)]
    assert credit[0].why.startswith("credit owed back · $25 · ")
    assert score(credit[0].facts, build_queue_weights(sample)) == credit[0].score


def build_queue_weights(ledger):
    with ledger.read() as session:
        return build_queue(session, QueueFilter(limit=1), as_of=POSTING).weights


def test_last_touch_counts_notes_and_follow_ups(sample, actor):
    def untouched(as_of):
        with sample.read() as session:
            item = next(
                i
                for i in build_queue(session, QueueFilter(limit=None, include_hidden=True), as_of=as_of).items
                if i.ref == "CLM100043"
            )
            return item.facts.untouched_days

    before = untouched(POSTING + timedelta(days=10))
    add_note(sample, "CLM100043", "asked for the EOB", actor=actor)  # actor.now is 2026-06-30
    assert untouched(POSTING + timedelta(days=10)) == 10 < before


@pytest.mark.parametrize("months", [1, 3, 12, 18])
def test_filing_limits_in_months_end_where_the_domain_says(ledger, months):
    """Month ends: 31 Jan + 1 month is 28 or 29 Feb, as TimelyFiling.deadline has it."""
    from sqlalchemy import text

    from ar_cli.store.queries.queue_scoring import Dialect

    with ledger.read() as session:
        d = Dialect(session.get_bind().dialect.name)
        starts = [
            date(2024, 1, 31),
            date(2025, 1, 31),
            date(2024, 2, 29),
            date(2025, 3, 31),
            date(2025, 8, 31),
            date(2025, 12, 31),
            date(2025, 5, 30),
            date(2025, 6, 15),
            date(2025, 11, 30),
        ]
        for start in starts:
            sql = f"SELECT {d.days_until(d.plus_months('CAST(:start AS DATE)' if not d.sqlite else ':start', months))}"
            got = session.execute(text(sql), {**d.params(date(2025, 1, 1)), "start": d.date_param(start)}).scalar()
            want = (TimelyFiling(count=months, unit="m").deadline(start) - date(2025, 1, 1)).days
            assert got == want, (start, months)
