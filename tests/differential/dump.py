"""A ledger's facts as canonical text, read the way an outsider would: plain SELECTs on the
tables (ledger_entry by name: a table today, a view with the same columns after issue #16)
and the CLI's own CSV exports and aging report.

What is left out, and why: timestamps (created_at, read_at: the clock is fixed, but they
say when, not what), audit hashes and row hashes (issue #16 changes the row encoding the
digest covers), file sizes and sha256 of our own outputs. Row ids are written as ordinals
(the n-th row of that table by id), so a sequence that skips a value (PostgreSQL does when
a transaction rolls back) does not read as a difference; references to other rows
(reverses, transfer group, the exception, the claim payment) use the same ordinals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

# Export kinds the dump includes: `audit` is left out (its hashes cover the row encoding).
EXPORT_KINDS = ("ledger", "claims", "remittances", "denials")
# Export columns that are row ids of ledger_entry / remittance / denial / audit_event.
EXPORT_ID_COLUMNS = {
    "ledger": {"entry_id": "ledger_entry", "reverses": "ledger_entry", "audit_event": "audit_event"},
    "remittances": {"remittance_id": "remittance"},
    "denials": {"denial_id": "denial"},
}
ORDINAL_TABLES = (
    "ledger_entry",
    "remittance",
    "claim_payment",
    "denial",
    "unapplied_entry",
    "exception_record",
    "audit_event",
    "source_file",
)


def engine_url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{db}"


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(value)


class Ordinals:
    """Row id -> its rank (1-based) among the ids of its table."""

    def __init__(self, conn: Connection) -> None:
        self.maps: dict[str, dict[str, int]] = {}
        for table in ORDINAL_TABLES:
            ids = conn.execute(text(f"SELECT id FROM {table} ORDER BY id")).scalars().all()
            self.maps[table] = {str(i): n for n, i in enumerate(ids, 1)}

    def of(self, table: str, value: object) -> str:
        if value is None or value == "":
            return ""
        return f"#{self.maps[table].get(str(value), '?' + str(value))}"


def _section(title: str, header: str | Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A titled block: the column names (a list, or one string of space-separated names), one
    line per row with its cells joined by |, and the row count."""
    names = header.split() if isinstance(header, str) else header
    lines = [f"== {title}", "|".join(names)]
    count = 0
    for row in rows:
        lines.append("|".join(_cell(v) for v in row))
        count += 1
    lines.append(f"({count} rows)")
    return lines


def _entries(conn: Connection, ids: Ordinals) -> list[str]:
    rows = conn.execute(
        text(
            """
            SELECT e.id, c.claim_number, l.line_number, e.responsibility, e.kind, e.amount,
                   e.adjustment_group, e.reason_code, e.remark_codes, e.posting_date, e.effective_date,
                   p.code, sf.name, e.source_ref, r.trace_number, e.reverses_id, e.transfer_group, e.created_by
            FROM ledger_entry e
            JOIN claim c ON c.id = e.claim_id
            LEFT JOIN claim_line l ON l.id = e.line_id
            LEFT JOIN payer p ON p.id = e.payer_id
            LEFT JOIN source_file sf ON sf.id = e.source_file_id
            LEFT JOIN remittance r ON r.id = e.remittance_id
            ORDER BY e.id
            """
        )
    ).all()
    header = "entry claim line resp kind amount group reason remarks posted effective payer file ref trace"
    header += " reverses transfer_group user"
    return _section(
        "ledger_entry",
        header,
        (
            (
                ids.of("ledger_entry", r[0]),
                *r[1:15],
                ids.of("ledger_entry", r[15]),
                ids.of("ledger_entry", r[16]),
                r[17],
            )
            for r in rows
        ),
    )


def _balances(conn: Connection) -> list[str]:
    rows = conn.execute(
        text(
            """
            SELECT c.claim_number, b.responsibility, b.balance, b.responsible_since, b.last_payment_date
            FROM claim_balance b JOIN claim c ON c.id = b.claim_id
            ORDER BY c.claim_number, b.responsibility
            """
        )
    ).all()
    return _section("claim_balance", "claim resp balance since last_payment", rows)


def _claims(conn: Connection) -> list[str]:
    rows = conn.execute(
        text("SELECT claim_number, status, billed_date, first_service_date FROM claim ORDER BY claim_number")
    ).all()
    return _section("claim", "claim status billed first_service", rows)


def _claim_payments(conn: Connection, ids: Ordinals) -> list[str]:
    rows = conn.execute(
        text(
            """
            SELECT cp.id, r.trace_number, c.claim_number, p.code, cp.claim_number, cp.payer_claim_number,
                   cp.status_code, cp.responsibility, cp.charge, cp.paid, cp.patient_responsibility,
                   cp.amounts, cp.segment, cp.reverses_id
            FROM claim_payment cp
            JOIN remittance r ON r.id = cp.remittance_id
            JOIN claim c ON c.id = cp.claim_id
            JOIN payer p ON p.id = cp.payer_id
            ORDER BY cp.id
            """
        )
    ).all()
    header = "payment trace claim payer clp01 payer_claim status resp charge paid patient amounts segment reverses"
    return _section(
        "claim_payment",
        header,
        ((ids.of("claim_payment", r[0]), *r[1:13], ids.of("claim_payment", r[13])) for r in rows),
    )


def _denials(conn: Connection, ids: Ordinals) -> list[str]:
    rows = conn.execute(
        text(
            """
            SELECT d.id, c.claim_number, l.line_number, d.responsibility, p.code, r.trace_number,
                   d.adjustment_group, d.reason_code, d.remark_codes, d.category, d.amount, d.status, d.level,
                   d.denied_on, d.appeal_deadline, d.resolution, d.resolved_on, d.claim_payment_id,
                   d.overturned_amount, d.last_action_on, d.times_denied, d.last_denied_on
            FROM denial d
            JOIN claim c ON c.id = d.claim_id
            LEFT JOIN claim_line l ON l.id = d.line_id
            LEFT JOIN payer p ON p.id = d.payer_id
            LEFT JOIN remittance r ON r.id = d.remittance_id
            ORDER BY d.id
            """
        )
    ).all()
    header = "denial claim line resp payer trace group reason remarks category amount status level denied_on"
    header += " deadline resolution resolved_on claim_payment overturned last_action times last_denied"
    return _section(
        "denial",
        header,
        ((ids.of("denial", r[0]), *r[1:17], ids.of("claim_payment", r[17]), *r[18:]) for r in rows),
    )


def _unapplied(conn: Connection, ids: Ordinals) -> list[str]:
    rows = conn.execute(
        text(
            """
            SELECT u.id, p.code, u.amount, u.reason, u.reference, r.trace_number, u.exception_id, u.applies_id,
                   u.ledger_entry_id, c.claim_number, u.posting_date, u.effective_date, sf.name, u.source_ref,
                   u.created_by
            FROM unapplied_entry u
            LEFT JOIN payer p ON p.id = u.payer_id
            LEFT JOIN remittance r ON r.id = u.remittance_id
            LEFT JOIN claim c ON c.id = u.claim_id
            LEFT JOIN source_file sf ON sf.id = u.source_file_id
            ORDER BY u.id
            """
        )
    ).all()
    header = "unapplied payer amount reason reference trace exception applies entry claim posted effective file ref"
    header += " user"
    return _section(
        "unapplied_entry",
        header,
        (
            (
                ids.of("unapplied_entry", r[0]),
                *r[1:6],
                ids.of("exception_record", r[6]),
                ids.of("unapplied_entry", r[7]),
                ids.of("ledger_entry", r[8]),
                *r[9:],
            )
            for r in rows
        ),
    )


def _remittances(conn: Connection, ids: Ordinals) -> list[str]:
    rows = conn.execute(
        text(
            """
            SELECT r.id, p.code, r.payer_trace_id, r.trace_number, r.payment_date_text, r.amount, r.method,
                   r.payment_date, r.production_date, r.effective_date, r.posting_date, r.digest, r.status,
                   r.difference, sf.name, r.segment
            FROM remittance r
            LEFT JOIN payer p ON p.id = r.payer_id
            LEFT JOIN source_file sf ON sf.id = r.source_file_id
            ORDER BY r.id
            """
        )
    ).all()
    header = "remittance payer payer_trace trace date_text amount method paid_on produced effective posted digest"
    header += " status difference file segment"
    return _section("remittance", header, ((ids.of("remittance", r[0]), *r[1:]) for r in rows))


def _exceptions(conn: Connection, ids: Ordinals) -> list[str]:
    rows = conn.execute(
        text(
            """
            SELECT x.id, x.kind, x.status, x.claim_number, p.code, x.amount, x.summary, x.payload, sf.name,
                   x.source_ref
            FROM exception_record x
            LEFT JOIN payer p ON p.id = x.payer_id
            LEFT JOIN source_file sf ON sf.id = x.source_file_id
            ORDER BY x.id
            """
        )
    ).all()
    header = "exception kind status claim payer amount summary payload file ref"
    return _section("exception_record", header, ((ids.of("exception_record", r[0]), *r[1:]) for r in rows))


def _follow_ups(conn: Connection) -> list[str]:
    rows = conn.execute(
        text(
            """
            SELECT c.claim_number, f.due_on, f.action, f.status, f.created_by
            FROM follow_up f JOIN claim c ON c.id = f.claim_id
            ORDER BY f.id
            """
        )
    ).all()
    return _section("follow_up", "claim due action status user", rows)


def _open_balance_summary(conn: Connection) -> list[str]:
    """owner_key is a payer id (or -1 the patient, 0 no coverage): written as the payer's code."""
    rows = conn.execute(
        text(
            """
            SELECT CASE WHEN s.owner_key = -1 THEN 'patient' WHEN s.owner_key = 0 THEN 'no coverage' ELSE p.code END,
                   s.service_date, s.billed_date, s.sign, s.amount, s.balance_count
            FROM open_balance_summary s LEFT JOIN payer p ON p.id = s.owner_key
            """
        )
    ).all()
    return _section(
        "open_balance_summary",
        "owner service billed sign amount count",
        sorted([_cell(v) for v in row] for row in rows),
    )


def _source_files(conn: Connection, ids: Ordinals) -> list[str]:
    rows = conn.execute(text("SELECT id, kind, name, sha256, posting_date, read_by FROM source_file ORDER BY id"))
    return _section(
        "source_file", "file kind name sha256 posted by", ((ids.of("source_file", r[0]), *r[1:]) for r in rows)
    )


def table_facts(db: str) -> list[str]:
    engine = create_engine(engine_url(db))
    try:
        with engine.connect() as conn:
            ids = Ordinals(conn)
            lines: list[str] = []
            for part in (
                _source_files(conn, ids),
                _claims(conn),
                _entries(conn, ids),
                _balances(conn),
                _claim_payments(conn, ids),
                _denials(conn, ids),
                _unapplied(conn, ids),
                _remittances(conn, ids),
                _exceptions(conn, ids),
                _follow_ups(conn),
                _open_balance_summary(conn),
            ):
                lines += part
            id_maps = ids.maps
            files: dict[str, str] = {}
            for n, sha in enumerate(conn.execute(text("SELECT sha256 FROM source_file ORDER BY id")).scalars(), 1):
                files.setdefault(sha, f"#{n}")
    finally:
        engine.dispose()
    _ORDINALS[db] = id_maps
    _FILES[db] = files
    return lines


# The ordinals of the last table_facts(db), used to rewrite the ids in that ledger's exports,
# and the ordinal of the first source file with each sha256.
_ORDINALS: dict[str, dict[str, dict[str, int]]] = {}
_FILES: dict[str, dict[str, str]] = {}


def export_facts(db: str, run: Callable[..., object], folder: Path) -> list[str]:
    """The CLI's CSV exports (every posting date) and `aging` as CSV, ids as ordinals."""
    maps = _ORDINALS[db]
    files = _FILES[db]
    folder.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for kind in EXPORT_KINDS:
        out = folder / f"{kind}.csv"
        result = run("export", kind, "--from", "2000-01-01", "--to", "2099-12-31", "--output", str(out))
        assert getattr(result, "exit_code", 0) == 0, getattr(result, "output", result)
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
        header, body = rows[0], rows[1:]
        rewrite = {header.index(col): table for col, table in EXPORT_ID_COLUMNS.get(kind, {}).items()}
        sha = header.index("source_sha256") if "source_sha256" in header else None
        for row in body:
            for index, table in rewrite.items():
                if row[index]:
                    row[index] = f"#{maps[table].get(row[index], '?' + row[index])}"
            if sha is not None and row[sha]:  # the file's digest, named by its source_file ordinal
                row[sha] = f"file {files.get(row[sha], '?' + row[sha])}"
        lines += _section(f"export {kind}", header, body)
    aging = run("aging", "--as-of", "2026-06-30", "--format", "csv")
    assert getattr(aging, "exit_code", 0) == 0, getattr(aging, "output", aging)
    lines += ["== aging --as-of 2026-06-30 --format csv", *getattr(aging, "stdout", "").splitlines()]
    return lines
