"""Reading claims as domain values, and the cached balances. Never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from ar_cli.domain.claims.records import Claim, ClaimLine, Coverage
from ar_cli.domain.claims.status import derive_status
from ar_cli.domain.errors import NotFoundError
from ar_cli.store import claim_values as _records
from ar_cli.store.balance_summary import restate_known, restating
from ar_cli.store.denials_repo import denial_counts
from ar_cli.store.remittances_repo import balances_by_claim
from ar_cli.store.sql import Keys, day, sql_of
from ar_cli.store.tables import ClaimLineRow, ClaimRow, CoverageRow


def claims_by_number(session: Session, numbers: Iterable[str]) -> dict[str, Claim]:
    """Stored claims with coverages and lines, for the claim numbers that exist.

    Driver SQL, not ORM objects or compiled selects: posting reads claims a batch of a
    thousand at a time, and SQLAlchemy's per-batch compiling and per-value processing
    cost more than the queries (store/sql.py). The values are built from the rows'
    tuples without their keyword constructors (`_records`): a 100,000-claim remittance
    builds 420,000 of them.
    """
    found: dict[str, Claim] = {}
    db = sql_of(session)
    claims = db.rows(_CLAIMS_SQL, {"numbers": Keys(sorted(set(numbers)))})
    if not claims:
        return found
    ids = {"claims": Keys(sorted([row[0] for row in claims]))}
    coverages: dict[int, list[Coverage]] = defaultdict(list)
    for claim_id, rank, payer_id, code, name, member in db.rows(_COVERAGES_SQL, ids):
        coverages[claim_id].append(_records.coverage(rank, payer_id, code, name, member))
    # A batch's claims share few distinct days and modifier lists: each is parsed once.
    days: dict = {None: None}
    modifier_lists: dict = {None: (), "": ()}
    lines: dict[int, list[ClaimLine]] = {}
    line = _records.line
    of_claim: list[ClaimLine] = []
    last_claim = None
    # The lines come by claim (ORDER BY claim_id): each claim's list is found once.
    for line_id, claim_id, number, control, code, modifiers, units, charge, start, end in db.rows(_LINES_SQL, ids):
        if claim_id != last_claim:
            of_claim = lines[claim_id] = []
            last_claim = claim_id
        begins = days.get(start)
        if begins is None and start is not None:
            begins = days[start] = day(start)
        if end == start:
            ends = begins
        else:
            ends = days.get(end)
            if ends is None and end is not None:
                ends = days[end] = day(end)
        listed = modifier_lists.get(modifiers)
        if listed is None:
            listed = modifier_lists[modifiers] = tuple([m for m in modifiers.split(":") if m])
        of_claim.append(line(line_id, number, control, code, listed, units, charge, begins, ends))
    claim = _records.claim
    no_rows: list = []
    # _CLAIMS_SQL's columns are the Claim's fields in order, the two dates parsed.
    for row in claims:
        claim_id, billed, first_service = row[0], row[6], row[7]
        billed_day = days.get(billed)
        if billed_day is None and billed is not None:
            billed_day = days[billed] = day(billed)
        first_day = days.get(first_service)
        if first_day is None and first_service is not None:
            first_day = days[first_service] = day(first_service)
        found[row[1]] = claim(
            *row[:6],
            billed_day,
            first_day,
            *row[8:],
            tuple(coverages.get(claim_id, no_rows)),
            tuple(lines.get(claim_id, no_rows)),
        )
    return found


_CLAIMS_SQL = (
    "SELECT c.id, c.claim_number, c.patient_id, p.account, p.last_name, p.first_name, c.billed_date, "
    "c.first_service_date, c.billing_npi, c.rendering_npi, c.place_of_service, c.frequency_code, "
    "c.original_claim_ref, c.status FROM claim c JOIN patient p ON p.id = c.patient_id "
    "WHERE c.claim_number IN :numbers"
)
_COVERAGES_SQL = (
    "SELECT cv.claim_id, cv.rank, py.id, py.code, py.name, cv.member_id FROM coverage cv "
    "JOIN payer py ON py.id = cv.payer_id WHERE cv.claim_id IN :claims ORDER BY cv.claim_id, cv.rank"
)
_LINES_SQL = (
    "SELECT id, claim_id, line_number, line_control_number, procedure_code, modifiers, units, charge, "
    "service_from, service_to FROM claim_line WHERE claim_id IN :claims ORDER BY claim_id, line_number"
)


def get_claim(session: Session, number: str) -> Claim:
    claim = claims_by_number(session, [number.strip()]).get(number.strip())
    if claim is None:
        raise NotFoundError(f"claim {number!r} is not in the ledger")
    return claim


def balances_of(session: Session, claim_id: int) -> dict[int, int]:
    return balances_by_claim(session, [claim_id]).get(claim_id, {})


def refresh_status(
    session: Session, rec, claim_id: int, current: str, *, remitted: bool = True, paid_any: bool = True
) -> str:
    """Derive the claim's status from its balances and denials as they are now; write it,
    with an audit note through `rec` (a ChangeRecorder), when it changed."""
    open_denials, appealed = denial_counts(session, [claim_id]).get(claim_id, (0, 0))
    status = derive_status(
        balances=balances_of(session, claim_id),
        open_denials=open_denials,
        appealed=appealed,
        remitted=remitted,
        paid_any=paid_any,
    )
    if status != current:
        row = session.get_one(ClaimRow, claim_id)
        row.status = status
        session.add(row)
        rec.note_update("claim", claim_id, {"status": [current, status]})
    return status


def apply_balance_deltas(
    session: Session,
    deltas: dict[tuple[int, int], int],
    *,
    since: dict[tuple[int, int], date],
    summary: list[tuple[int, str, str, int, int]] | None = None,
) -> None:
    """Add each delta to its cached balance (`balance = balance + :delta`), creating
    the row when the responsibility is new. Same transaction as the entries.

    The open-balance summary follows: from `summary` when the caller knows each
    balance before and after (balance_summary.restate_known), else by reading them."""
    if not deltas:
        return
    if summary is not None:
        _upsert_balances(session, deltas, since)
        restate_known(session, summary)
        return
    with restating(session, [claim_id for claim_id, _ in deltas]):
        _upsert_balances(session, deltas, since)


# A party that owed nothing and owes again became responsible again that day (a
# reversal, a denial moved back, money returned to a payer): aging by responsibility and
# the queue's "no response" count from it. In SET, claim_balance.* is the row before.
_UPSERT_BALANCE = (
    "INSERT INTO claim_balance (claim_id, responsibility, balance, responsible_since) "
    "VALUES (:claim_id, :responsibility, :balance, :since) "
    "ON CONFLICT (claim_id, responsibility) DO UPDATE SET balance = claim_balance.balance + excluded.balance, "
    "responsible_since = CASE WHEN claim_balance.balance = 0 THEN excluded.responsible_since "
    "ELSE claim_balance.responsible_since END"
)


def _upsert_balances(session: Session, deltas: dict[tuple[int, int], int], since: dict[tuple[int, int], date]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        _upsert_balances_pg(session, deltas, since)
        return
    # Straight to the driver, rows as tuples: SQLAlchemy's per-row processing, and then
    # binding a mapping per row, cost more than the upsert.
    db = sql_of(session)
    days: dict[date, object] = {}  # a batch's balances share a few days: each bound once
    rows = []
    for key, delta in sorted(deltas.items()):
        when = since[key]
        bound = days.get(when)
        if bound is None:
            bound = days[when] = db.bindable(when)
        rows.append((key[0], key[1], int(delta), bound))
    db.executemany(_UPSERT_BALANCE, rows)


# PostgreSQL: the batch's balances as arrays, unnested into one upsert (the same ON
# CONFLICT; each key once, as `deltas` is a dict) instead of a statement per balance:
# about half the client and server CPU (store/bulk_copy.py says why not a COPY here).
_UPSERT_BALANCES_PG = (
    "INSERT INTO claim_balance (claim_id, responsibility, balance, responsible_since) "
    "SELECT * FROM unnest(:claim_ids::bigint[], :responsibilities::integer[], :deltas::bigint[], :since::date[]) "
    + _UPSERT_BALANCE[_UPSERT_BALANCE.index("ON CONFLICT") :]
)


def _upsert_balances_pg(
    session: Session, deltas: dict[tuple[int, int], int], since: dict[tuple[int, int], date]
) -> None:
    keys = sorted(deltas)
    sql_of(session).execute(
        _UPSERT_BALANCES_PG,
        {
            "claim_ids": [claim_id for claim_id, _ in keys],
            "responsibilities": [resp for _, resp in keys],
            "deltas": [int(deltas[key]) for key in keys],
            "since": [since[key] for key in keys],
        },
    )


def claim_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(ClaimRow)).scalar_one())


def every_cached_balance(session: Session) -> dict[tuple[int, int], int]:
    """{(claim id, responsibility): cached balance} for the whole ledger, read through the
    driver's own rows: through SQLAlchemy, reading every balance cost as much again as
    summing the entries (audit verify)."""
    from operator import itemgetter

    found = sql_of(session).rows("SELECT claim_id, responsibility, balance FROM claim_balance")
    return dict(zip(map(itemgetter(0, 1), found), map(itemgetter(2), found)))


# -- rows a correction changes in place (ORM objects; the caller saves them: store/rows.py) --
def claim_row(session: Session, claim_id: int) -> ClaimRow:
    return session.get(ClaimRow, claim_id)


def line_row(session: Session, line_id: int) -> ClaimLineRow:
    return session.get(ClaimLineRow, line_id)


def coverage_rows(session: Session, claim_id: int) -> dict[int, CoverageRow]:
    """The claim's coverages by rank."""
    return {c.rank: c for c in session.execute(select(CoverageRow).where(CoverageRow.claim_id == claim_id)).scalars()}


def earliest_service_date(session: Session, claim_id: int) -> date | None:
    """The claim's earliest line date (what aging by service counts from)."""
    session.flush()
    earliest = session.execute(
        select(func.min(ClaimLineRow.service_from)).where(ClaimLineRow.claim_id == claim_id)
    ).scalar()
    return date.fromisoformat(earliest) if isinstance(earliest, str) else earliest
