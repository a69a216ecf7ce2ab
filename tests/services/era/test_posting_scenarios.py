"""Hand-written small 835s, one posting rule each (issue 3, "Tests"): a primary then a
secondary remittance (Medicare then Medigap, and a crossover 19), a reversal and its
correction in a later file, PLB interest and a recoupment naming a claim, a denial, a
partial line payment, a payer-changed code (SVC06), a split claim, an unmatched claim
and a patient-name mismatch. Each expectation is worked out by hand from DESIGN.md's
money model, in cents, against real SQLite and PostgreSQL ledgers."""

from collections import defaultdict

import pytest
from sqlalchemy import select

from ar_cli.services.claims.charge_file import import_claims
from ar_cli.services.era.files import post_era_file
from ar_cli.store.claims_repo import balances_of, get_claim
from ar_cli.store.tables import DenialRow, ExceptionRow, LedgerEntryRow, UnappliedEntryRow
from conftest import POSTING
from ledger_checks import assert_audit_chain_intact, assert_balances_equal_entries
from support import CLAIMS_HEADER, write_csv

PRIMARY, SECONDARY, PATIENT = 1, 2, 0
MCR = "MCR01*MEDICARE PART B"
ACM = "ACM01*ACME HEALTH PLAN"
MEDIGAP = "MGAP1*BRIGHTWATER MEDIGAP"

CLAIMS = [
    # number, account, name, dob, payer, payer name, DOS, billed, code, mods, units, charge, member, 2nd…, LCN
    'M1,P1,"SMITH, ANN",1950-01-01,MCR01,Medicare Part B,2026-05-01,2026-05-02,99213,,1,100.00,MB1,MGAP1,Brightwater Medigap,G1,M1-1',
    'X1,P2,"JONES, AL",1948-02-02,MCR01,Medicare Part B,2026-05-01,2026-05-02,99214,,1,150.00,MB2,MGAP1,Brightwater Medigap,G2,X1-1',
    'R1,P3,"KING, BEA",1980-03-03,ACM01,Acme Health Plan,2026-05-03,2026-05-04,99213,,1,100.00,AC3,,,,R1-1',
    'D1,P4,"LANE, CY",1975-04-04,ACM01,Acme Health Plan,2026-05-03,2026-05-04,99215,,1,200.00,AC4,,,,D1-1',
    'L1,P5,"MOSS, DI",1985-05-05,ACM01,Acme Health Plan,2026-05-03,2026-05-04,99213,,1,100.00,AC5,,,,L1-1',
    'L1,P5,"MOSS, DI",1985-05-05,ACM01,Acme Health Plan,2026-05-03,2026-05-04,36415,,1,25.00,AC5,,,,L1-2',
    'S1,P6,"NASH, ED",1990-06-06,ACM01,Acme Health Plan,2026-05-03,2026-05-04,99214,,1,150.00,AC6,,,,S1-1',
    'P1,P7,"OWEN, FAY",1970-07-07,ACM01,Acme Health Plan,2026-05-03,2026-05-04,99213,,1,100.00,AC7,,,,P1-1',
    'P1,P7,"OWEN, FAY",1970-07-07,ACM01,Acme Health Plan,2026-05-03,2026-05-04,80053,,1,48.00,AC7,,,,P1-2',
    'N1,P8,"BROWN, BOB",1960-08-08,ACM01,Acme Health Plan,2026-05-03,2026-05-04,99213,,1,100.00,AC8,,,,N1-1',
]


def clp(number, status, charge, paid, patient_share, payer_claim, name, member, *rest, dos="20260501"):
    """A claim payment: CLP, the patient, then its other segments (CAS, SVC …)."""
    last, first = name
    return [
        f"CLP*{number}*{status}*{charge}*{paid}*{patient_share}*MB*{payer_claim}*11*1",
        f"NM1*QC*1*{last}*{first}****MI*{member}",
        f"DTM*232*{dos}",
        *rest,
    ]


def svc(code, charge, paid, lcn=None, original=None, dos="20260501", cas=()):
    segs = [f"SVC*HC:{code}*{charge}*{paid}**1" + (f"*HC:{original}*1" if original else ""), f"DTM*472*{dos}"]
    segs += [f"CAS*{c}" for c in cas]
    if lcn:
        segs.append(f"REF*6R*{lcn}")
    return segs


def era(path, payer, trace, paid_on, claims, plb=()):
    """A one-transaction 835 whose BPR02 is what balances: claim payments − PLB."""
    code, name = payer.split("*")
    paid = sum(_cents(c[0].split("*")[4]) for c in claims)
    adjustments = sum(_cents(p.split("*")[-1]) for p in plb)
    total = paid - adjustments
    body = [
        f"BPR*I*{total / 100:.2f}*C*ACH*CCP*01*011000015*DA*123*1999999999**01*021000021*DA*456*{paid_on}",
        f"TRN*1*{trace}*1{code}",
        f"DTM*405*{paid_on}",
        f"N1*PR*{name}*XV*{code}",
        "N1*PE*SCENARIO CLINIC*XX*1999999984",
    ]
    for i, c in enumerate(claims, 1):
        body += [f"LX*{i}", *c]
    body += list(plb)
    st = ["ST*835*0001", *body]
    st.append(f"SE*{len(st) + 1}*0001")
    segments = [
        f"ISA*00*          *00*          *ZZ*{code:<15}*ZZ*CLINIC         *260601*0900*^*00501*"
        f"000000{trace[-3:]}*0*P*:",
        f"GS*HP*{code}*CLINIC*{paid_on}*0900*1*X*005010X221A1",
        *st,
        "GE*1*1",
        f"IEA*1*000000{trace[-3:]}",
    ]
    path.write_text("~\n".join(segments) + "~\n")
    return path


def _cents(text):
    return round(float(text) * 100)


@pytest.fixture
def practice(ledger, actor, tmp_path):
    import_claims(ledger, write_csv(tmp_path / "claims.csv", CLAIMS_HEADER, *CLAIMS), actor=actor, posting_date=POSTING)
    return ledger


def post(ledger, actor, path, **kw):
    result = post_era_file(
        ledger, path, actor=actor, posting_date=POSTING, dry_run=False, force=False, create_claims=False, **kw
    )
    assert not result.error, result.error
    with ledger.read() as session:
        assert_balances_equal_entries(session)
        assert_audit_chain_intact(session)
    return result.remittances[0]


def owed(ledger, number):
    with ledger.read() as session:
        return {k: v for k, v in balances_of(session, get_claim(session, number).id).items() if v}


def test_medicare_then_medigap(practice, actor, tmp_path):
    # Medicare allows 80: pays 64, writes off 20 (CO-45), the 16 coinsurance (PR-2) moves
    # to the Medigap secondary, not to the patient.
    post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            MCR,
            "TRACE001",
            "20260520",
            [
                clp(
                    "M1",
                    1,
                    "100",
                    "64",
                    "16",
                    "MCR-M1",
                    ("SMITH", "ANN"),
                    "MB1",
                    *svc("99213", "100", "64", "M1-1", cas=["CO*45*20", "PR*2*16"]),
                )
            ],
        ),
    )
    assert owed(practice, "M1") == {SECONDARY: 1600}
    # The Medigap remittance pays the coinsurance as secondary (CLP02 2): nothing is left.
    post(
        practice,
        actor,
        era(
            tmp_path / "b.835",
            MEDIGAP,
            "TRACE002",
            "20260601",
            [
                clp(
                    "M1",
                    2,
                    "100",
                    "16",
                    "0",
                    "MG-M1",
                    ("SMITH", "ANN"),
                    "G1",
                    *svc("99213", "100", "16", "M1-1", cas=["OA*23*84"]),
                )
            ],
        ),
    )
    assert owed(practice, "M1") == {}


def test_crossover_19_moves_the_share_to_the_secondary_and_is_counted(practice, actor, tmp_path):
    done = post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            MCR,
            "TRACE003",
            "20260520",
            [
                clp(
                    "X1",
                    19,
                    "150",
                    "96",
                    "24",
                    "MCR-X1",
                    ("JONES", "AL"),
                    "MB2",
                    *svc("99214", "150", "96", "X1-1", cas=["CO*45*30", "PR*1*24"]),
                )
            ],
        ),
    )
    assert done.crossed_over == 1
    assert owed(practice, "X1") == {SECONDARY: 2400}


def test_reversal_and_correction_in_a_later_file(practice, actor, tmp_path):
    post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            ACM,
            "TRACE004",
            "20260520",
            [
                clp(
                    "R1",
                    1,
                    "100",
                    "70",
                    "10",
                    "ACM-R1",
                    ("KING", "BEA"),
                    "AC3",
                    *svc("99213", "100", "70", "R1-1", cas=["CO*45*20", "PR*3*10"]),
                )
            ],
        ),
    )
    assert owed(practice, "R1") == {PATIENT: 1000}
    # Later: the payer takes the adjudication back (22, the exact negation, same CLP07)
    # and pays again with a smaller write-down.
    later = post(
        practice,
        actor,
        era(
            tmp_path / "b.835",
            ACM,
            "TRACE005",
            "20260610",
            [
                clp(
                    "R1",
                    22,
                    "-100",
                    "-70",
                    "-10",
                    "ACM-R1",
                    ("KING", "BEA"),
                    "AC3",
                    *svc("99213", "-100", "-70", "R1-1", cas=["CO*45*-20", "PR*3*-10"]),
                ),
                clp(
                    "R1",
                    1,
                    "100",
                    "80",
                    "10",
                    "ACM-R1B",
                    ("KING", "BEA"),
                    "AC3",
                    *svc("99213", "100", "80", "R1-1", cas=["CO*45*10", "PR*3*10"]),
                ),
            ],
        ),
    )
    assert later.reversed == 1
    assert owed(practice, "R1") == {PATIENT: 1000}
    with practice.read() as session:
        claim_id = get_claim(session, "R1").id
        kinds = defaultdict(int)
        for kind, amount in session.execute(
            select(LedgerEntryRow.kind, LedgerEntryRow.amount).where(LedgerEntryRow.claim_id == claim_id)
        ):
            kinds[kind] += amount
        assert kinds["payment"] == -8000 and kinds["contractual"] == -1000
        assert session.execute(select(ExceptionRow).where(ExceptionRow.claim_number == "R1")).first() is None


def test_plb_interest_is_income_and_a_recoupment_lands_on_its_claim(practice, actor, tmp_path):
    done = post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            ACM,
            "TRACE006",
            "20260520",
            [
                clp(
                    "L1",
                    1,
                    "125",
                    "110",
                    "0",
                    "ACM-L1",
                    ("MOSS", "DI"),
                    "AC5",
                    *svc("99213", "100", "85", "L1-1", cas=["CO*45*15"]),
                    *svc("36415", "25", "25", "L1-2"),
                )
            ],
            plb=["PLB*1999999984*20261231*L6:ACM-L1*-2.50", "PLB*1999999984*20261231*WO:L1*15.00"],
        ),
    )
    assert done.money_interest == 250
    # The recoupment takes 15.00 back from L1's payment: Acme owes it again.
    assert owed(practice, "L1") == {PRIMARY: 1500}
    with practice.read() as session:
        reasons = defaultdict(int)
        for amount, reason in session.execute(select(UnappliedEntryRow.amount, UnappliedEntryRow.reason)):
            reasons[reason] += amount
    # Interest came in (+2.50) and was closed to income at once; the recoupment (−15.00)
    # was applied to L1 at once: nothing is left in unapplied for a human.
    assert reasons["interest_income"] == -250
    assert sum(reasons.values()) == 0


def test_denial_stays_open_with_the_payer(practice, actor, tmp_path):
    done = post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            ACM,
            "TRACE007",
            "20260520",
            [
                clp(
                    "D1",
                    4,
                    "200",
                    "0",
                    "0",
                    "ACM-D1",
                    ("LANE", "CY"),
                    "AC4",
                    *svc("99215", "200", "0", "D1-1", cas=["CO*50*200"]),
                )
            ],
        ),
    )
    assert done.denied == 1
    assert owed(practice, "D1") == {PRIMARY: 20000}
    with practice.read() as session:
        denials = session.execute(
            select(DenialRow.adjustment_group, DenialRow.reason_code, DenialRow.amount, DenialRow.category)
        ).all()
    assert denials == [("CO", "50", 20000, "medical_necessity")]


def test_partial_line_payment(practice, actor, tmp_path):
    # Line 1 paid in part (deductible to the patient, the rest written down); line 2 in full.
    post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            ACM,
            "TRACE008",
            "20260520",
            [
                clp(
                    "L1",
                    1,
                    "125",
                    "75",
                    "20",
                    "ACM-L1",
                    ("MOSS", "DI"),
                    "AC5",
                    *svc("99213", "100", "50", "L1-1", cas=["CO*45*30", "PR*1*20"]),
                    *svc("36415", "25", "25", "L1-2"),
                )
            ],
        ),
    )
    assert owed(practice, "L1") == {PATIENT: 2000}
    with practice.read() as session:
        claim = get_claim(session, "L1")
        by_line = defaultdict(int)
        for line_id, amount in session.execute(
            select(LedgerEntryRow.line_id, LedgerEntryRow.amount).where(
                LedgerEntryRow.claim_id == claim.id, LedgerEntryRow.responsibility == PRIMARY
            )
        ):
            by_line[line_id] += amount
        assert sorted(by_line.values()) == [0, 0]  # each line settled on the primary


def test_payer_changed_code_matches_by_svc06(practice, actor, tmp_path):
    # No REF*6R: the line is found by its billed code, which the payer echoes in SVC06.
    post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            ACM,
            "TRACE009",
            "20260520",
            [
                clp(
                    "S1",
                    1,
                    "150",
                    "90",
                    "0",
                    "ACM-S1",
                    ("NASH", "ED"),
                    "AC6",
                    *svc("99213", "150", "90", original="99214", dos="20260503", cas=["CO*45*60"]),
                )
            ],
        ),
    )
    assert owed(practice, "S1") == {}
    with practice.read() as session:
        claim = get_claim(session, "S1")
        assert session.execute(select(ExceptionRow).where(ExceptionRow.claim_number == "S1")).first() is None
        lines = set(
            session.execute(
                select(LedgerEntryRow.line_id).where(
                    LedgerEntryRow.claim_id == claim.id, LedgerEntryRow.kind == "payment"
                )
            ).scalars()
        )
        assert lines == {claim.lines[0].id}


def test_split_claim_posts_both_parts_to_one_claim(practice, actor, tmp_path):
    post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            ACM,
            "TRACE010",
            "20260520",
            [
                clp(
                    "P1",
                    1,
                    "100",
                    "80",
                    "0",
                    "ACM-P1A",
                    ("OWEN", "FAY"),
                    "AC7",
                    *svc("99213", "100", "80", "P1-1", cas=["CO*45*20"]),
                ),
                clp(
                    "P1",
                    1,
                    "48",
                    "40",
                    "8",
                    "ACM-P1B",
                    ("OWEN", "FAY"),
                    "AC7",
                    *svc("80053", "48", "40", "P1-2", cas=["PR*2*8"]),
                ),
            ],
        ),
    )
    assert owed(practice, "P1") == {PATIENT: 800}


def test_unmatched_claim_and_patient_mismatch_are_parked_with_their_money(practice, actor, tmp_path):
    done = post(
        practice,
        actor,
        era(
            tmp_path / "a.835",
            ACM,
            "TRACE011",
            "20260520",
            [
                clp(
                    "NOPE1",
                    1,
                    "100",
                    "60",
                    "0",
                    "ACM-X",
                    ("NOBODY", "NO"),
                    "ZZ9",
                    *svc("99213", "100", "60", "NOPE1-1", cas=["CO*45*40"]),
                ),
                clp(
                    "N1",
                    1,
                    "100",
                    "70",
                    "0",
                    "ACM-N1",
                    ("GREEN", "ALICE"),
                    "OTHER99",
                    *svc("99213", "100", "70", "N1-1", cas=["CO*45*30"]),
                ),
            ],
        ),
    )
    assert done.unmatched + done.parked >= 2 and len(done.exception_ids) == 2
    assert done.money_unapplied == 13000
    assert owed(practice, "N1") == {PRIMARY: 10000}  # nothing guessed onto Bob Brown's claim
    with practice.read() as session:
        kinds = sorted(
            k for (k,) in session.execute(select(ExceptionRow.kind).where(ExceptionRow.id.in_(done.exception_ids)))
        )
    assert len(kinds) == 2 and kinds[0] != kinds[1]
